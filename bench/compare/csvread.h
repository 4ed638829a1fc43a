/*
 * csvread.h - a small, strict reader for the tidy CSVs heapbench writes
 * (RFC 4180: comma-separated, optional double quotes, "" inside quotes for
 * a quote, CRLF or LF line ends).  The first record is the header; columns
 * are looked up by name, never by position, because families add columns.
 * An empty cell is an empty string: "not applicable" in our CSVs.
 */
#ifndef HB_CSVREAD_H
#define HB_CSVREAD_H

#include <stdbool.h>
#include <stddef.h>

struct hb_csv {
    size_t ncols;   /* fields in the header; every row has as many */
    size_t nrows;   /* data rows, header not counted */
    char **cell;    /* (nrows + 1) * ncols; row 0 is the header */
    char *buf;      /* storage for every cell, NUL-separated */
};

/* Parse text[0..len).  Returns 0, or -1 with a one-line reason in why
 * (e.g. "line 7: 5 fields, header has 6").  On error csv holds nothing. */
int hb_csv_parse(struct hb_csv *csv, const char *text, size_t len,
                 char *why, size_t whylen);

/* Read and parse a whole file; why names the problem, not the file. */
int hb_csv_load(struct hb_csv *csv, const char *path, char *why, size_t whylen);

/* Column index of a header name, or -1. */
int hb_csv_col(const struct hb_csv *csv, const char *name);

/* Cell of data row r (0-based, header excluded) and column c. */
const char *hb_csv_get(const struct hb_csv *csv, size_t r, int c);

/* A cell as a finite number: false for empty or anything else. */
bool hb_csv_num(const char *cell, double *out);

void hb_csv_free(struct hb_csv *csv);

#endif
