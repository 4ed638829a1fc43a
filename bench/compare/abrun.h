/*
 * abrun.h - the runs that `heapbench compare` and `heapbench verdict` read:
 * results folders, found and read from their CSV files alone.
 *
 * A side of a comparison is one or more results folders (a folder holding
 * run folders, as `heapbench ab` writes, stands for all of them).
 * hb_abrun_load() gathers one metric column of every family CSV of a side
 * into one sample per benchmark name, remembering which (folder, process)
 * measured each value: the process is the unit of sampling.
 * hb_abrun_match() pairs the two sides' samples by name.  Errors are
 * -EINVAL (bad input) or -ENOMEM, with one line naming the bad folder,
 * file or value in the caller's buffer.
 */
#ifndef HB_ABRUN_H
#define HB_ABRUN_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

#include "bench/compare/csvread.h"

/* A value's unit is folder * HB_ABRUN_PROCS + process (0 without a
 * process column); a process number must be below this. */
#define HB_ABRUN_PROCS 1000000L

/* The values of one benchmark on one side, in the order read. */
struct hb_abrun_sample {
    char *name;
    double *x;             /* the metric, one value per repetition */
    long *unit;            /* which (folder, process) measured x[i] */
    size_t n, cap;
    bool inexact;          /* a row's count_note says its count is not exact */
};

/* One side: every benchmark seen, in the order first seen (family files
 * alphabetically, then the order the suite ran them). */
struct hb_abrun {
    struct hb_abrun_sample *s;
    size_t n, cap;
    struct hb_csv env;     /* environment.csv of the first folder with data */
    bool has_env;          /* readable, with key and value columns */
};

struct hb_abrun_query {
    const char *metric;    /* the column read; a file without it is left
                              out, except that real_ns is required */
    const regex_t *filter; /* only benchmark names it matches; NULL: all */
};

/* Load the folders dirs[0..ndirs) as one side into r (zeroed first).  An
 * empty cell is a repetition that did not run, or a metric the benchmark
 * does not have, and is left out.  Refused (-EINVAL): a folder that is not
 * one, holds no family CSV, or a CSV that is malformed, lacks the
 * benchmark or real_ns column, or has a bad value (not a number, or
 * negative: a zero is a value, as counts can be); a side with no value
 * at all.  -ENOMEM: out of memory.  On error r holds what was read so far:
 * hb_abrun_free() it either way. */
int hb_abrun_load(struct hb_abrun *r, const char *const *dirs, size_t ndirs,
                  const struct hb_abrun_query *q, char *why, size_t whylen);
void hb_abrun_free(struct hb_abrun *r);

/* The value of an environment.csv key, NULL if absent or no record. */
const char *hb_abrun_env(const struct hb_abrun *r, const char *key);

/* ------------------------------------------------------------------------
 * Matching the two sides
 * ------------------------------------------------------------------------ */

struct hb_abrun_pair {
    const struct hb_abrun_sample *base, *new_;
};

struct hb_abrun_match {
    struct hb_abrun_pair *pair;    /* in the base side's order */
    size_t n;
    size_t only_base, only_new;    /* names one side has and the other not */
};

/* Pair base's samples with new_'s of the same name.  0 or -ENOMEM. */
int hb_abrun_match(const struct hb_abrun *base, const struct hb_abrun *new_,
                   struct hb_abrun_match *m);
void hb_abrun_match_free(struct hb_abrun_match *m);

/* ------------------------------------------------------------------------
 * The files of a run folder
 * ------------------------------------------------------------------------ */

/* Whether a file name is a family's tidy CSV: any *.csv but the
 * summaries, environment.csv, skipped.csv, real Xen's xen_*.csv (and
 * hidden files). */
bool hb_abrun_is_family_csv(const char *name);

/* Load <dir>/<family>.csv, or <dir>/<family>_summary.csv if summary.
 * 0; -ENOENT if there is no such file; -EINVAL if it cannot be read or is
 * not a CSV (why: "<path>: <reason>"). */
int hb_abrun_family_csv(struct hb_csv *csv, const char *dir, const char *family,
                        bool summary, char *why, size_t whylen);

#endif
