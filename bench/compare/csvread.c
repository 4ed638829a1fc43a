/*
 * csvread.c - the CSV reader behind `heapbench compare`.  It decodes into
 * one buffer and records where each field starts, so a table of thousands
 * of rows costs two allocations that grow geometrically, not one per cell.
 * It is strict where a lenient reader would mislead: a row with the wrong
 * number of fields or a quote left open is an error with its line number,
 * because a shifted column would silently compare the wrong numbers.
 */
#include "bench/compare/csvread.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/base/vec.h"

/* ------------------------------------------------------------------------
 * Growable storage used while parsing
 * ------------------------------------------------------------------------ */

struct parse {
    const char *p, *end;
    size_t line;             /* 1-based line of the cursor, for messages */
    char *buf;               /* decoded text of every field */
    size_t len, cap;
    size_t *start;           /* offset in buf of each field */
    size_t nfields, fcap;
    size_t row_first;        /* index in start[] of the current row */
};

static int put_char(struct parse *ps, char c)
{
    if (hb_vec_grow((void **)&ps->buf, &ps->cap, ps->len + 1, 1))
        return -1;
    ps->buf[ps->len++] = c;
    return 0;
}

static int begin_field(struct parse *ps)
{
    if (hb_vec_grow((void **)&ps->start, &ps->fcap, ps->nfields + 1, sizeof *ps->start))
        return -1;
    ps->start[ps->nfields++] = ps->len;
    return 0;
}

/* ------------------------------------------------------------------------
 * Fields and records
 * ------------------------------------------------------------------------ */

/* Is the cursor at the end of a record (LF, CRLF, or end of text)? */
static bool at_eol(const struct parse *ps)
{
    return ps->p == ps->end || *ps->p == '\n' ||
           (*ps->p == '\r' && (ps->p + 1 == ps->end || ps->p[1] == '\n'));
}

static void skip_eol(struct parse *ps)
{
    if (ps->p < ps->end && *ps->p == '\r')
        ps->p++;
    if (ps->p < ps->end && *ps->p == '\n') {
        ps->p++;
        ps->line++;
    }
}

/* A quoted field: the cursor is on the opening quote.  Newlines inside are
 * part of the value.  After the closing quote only a comma or the end of
 * the record may follow. */
static int quoted_field(struct parse *ps, char *why, size_t whylen)
{
    size_t open_line = ps->line;

    ps->p++;
    for (;;) {
        if (ps->p == ps->end) {
            snprintf(why, whylen, "line %zu: quote never closed", open_line);
            return -1;
        }
        if (*ps->p == '"') {
            if (ps->p + 1 < ps->end && ps->p[1] == '"') {
                ps->p++;            /* "" is one literal quote */
            } else {
                ps->p++;
                break;
            }
        }
        if (*ps->p == '\n')
            ps->line++;
        if (put_char(ps, *ps->p++))
            goto nomem;
    }
    if (!at_eol(ps) && *ps->p != ',') {
        snprintf(why, whylen, "line %zu: text after a closing quote", ps->line);
        return -1;
    }
    return put_char(ps, '\0') ? (snprintf(why, whylen, "out of memory"), -1) : 0;
nomem:
    snprintf(why, whylen, "out of memory");
    return -1;
}

static int plain_field(struct parse *ps, char *why, size_t whylen)
{
    while (!at_eol(ps) && *ps->p != ',')
        if (put_char(ps, *ps->p++))
            goto nomem;
    if (put_char(ps, '\0'))
        goto nomem;
    return 0;
nomem:
    snprintf(why, whylen, "out of memory");
    return -1;
}

/* One record.  A blank line is dropped (it is not a row of one empty
 * field: a one-column CSV of empty cells is not something we write). */
static int record(struct parse *ps, size_t ncols, char *why, size_t whylen)
{
    size_t line = ps->line, n;

    ps->row_first = ps->nfields;
    for (;;) {
        if (begin_field(ps)) {
            snprintf(why, whylen, "out of memory");
            return -1;
        }
        if (ps->p < ps->end && *ps->p == '"' ? quoted_field(ps, why, whylen)
                                             : plain_field(ps, why, whylen))
            return -1;
        if (at_eol(ps))
            break;
        ps->p++;                    /* the comma */
    }
    skip_eol(ps);
    n = ps->nfields - ps->row_first;
    if (n == 1 && ps->buf[ps->start[ps->row_first]] == '\0' && ncols != 1) {
        ps->nfields = ps->row_first;           /* blank line */
        return 0;
    }
    if (ncols && n != ncols) {
        snprintf(why, whylen, "line %zu: %zu fields, header has %zu", line, n, ncols);
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * Public functions
 * ------------------------------------------------------------------------ */

static int finish(struct hb_csv *csv, struct parse *ps, size_t ncols)
{
    csv->ncols = ncols;
    csv->nrows = ncols ? ps->nfields / ncols - 1 : 0;
    csv->buf = ps->buf ? ps->buf : calloc(1, 1);
    csv->cell = calloc(ps->nfields ? ps->nfields : 1, sizeof *csv->cell);
    if (!csv->buf || !csv->cell) {
        free(csv->cell);
        free(csv->buf);
        free(ps->start);
        return -1;
    }
    for (size_t i = 0; i < ps->nfields; i++)
        csv->cell[i] = csv->buf + ps->start[i];
    free(ps->start);
    return 0;
}

int hb_csv_parse(struct hb_csv *csv, const char *text, size_t len,
                 char *why, size_t whylen)
{
    struct parse ps = { .p = text, .end = text + len, .line = 1 };
    size_t ncols = 0;

    memset(csv, 0, sizeof *csv);
    if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
        ps.p += 3;                  /* a UTF-8 byte-order mark */
    while (ps.p < ps.end && ncols == 0) {
        if (record(&ps, 0, why, whylen))
            goto fail;
        ncols = ps.nfields;
    }
    if (ncols == 0) {
        snprintf(why, whylen, "no header line");
        goto fail;
    }
    while (ps.p < ps.end)
        if (record(&ps, ncols, why, whylen))
            goto fail;
    if (finish(csv, &ps, ncols)) {
        snprintf(why, whylen, "out of memory");
        return -1;
    }
    return 0;
fail:
    free(ps.buf);
    free(ps.start);
    return -1;
}

int hb_csv_load(struct hb_csv *csv, const char *path, char *why, size_t whylen)
{
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    size_t len = 0, cap = 0, got;
    int rc;

    memset(csv, 0, sizeof *csv);
    if (!f) {
        snprintf(why, whylen, "%s", strerror(errno));
        return -1;
    }
    do {
        if (hb_vec_grow((void **)&text, &cap, len + 65536, 1)) {
            fclose(f);
            free(text);
            snprintf(why, whylen, "out of memory");
            return -1;
        }
        got = fread(text + len, 1, cap - len, f);
        len += got;
    } while (got > 0);
    rc = ferror(f) ? -1 : 0;
    fclose(f);
    if (rc)
        snprintf(why, whylen, "read error");
    else
        rc = hb_csv_parse(csv, text, len, why, whylen);
    free(text);
    return rc;
}

int hb_csv_col(const struct hb_csv *csv, const char *name)
{
    for (size_t c = 0; c < csv->ncols; c++)
        if (!strcmp(csv->cell[c], name))
            return (int)c;
    return -1;
}

const char *hb_csv_get(const struct hb_csv *csv, size_t r, int c)
{
    if (c < 0 || (size_t)c >= csv->ncols || r >= csv->nrows)
        return "";
    return csv->cell[(r + 1) * csv->ncols + (size_t)c];
}

bool hb_csv_num(const char *cell, double *out)
{
    char *end;
    double v;

    if (!cell || !*cell)
        return false;
    errno = 0;
    v = strtod(cell, &end);
    if (*end != '\0' || end == cell || errno == ERANGE || !isfinite(v))
        return false;
    *out = v;
    return true;
}

void hb_csv_free(struct hb_csv *csv)
{
    free(csv->cell);
    free(csv->buf);
    memset(csv, 0, sizeof *csv);
}
