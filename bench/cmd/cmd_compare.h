/*
 * cmd_compare.h - what the two files of `heapbench compare` share:
 * cmd_compare.c reads the options and the two sides and compares them
 * (bench/stats/pair.h), cmd_compare_out.c writes the table, the CSV and
 * the figures.
 */
#ifndef HB_CMD_COMPARE_H
#define HB_CMD_COMPARE_H

#include "bench/compare/abrun.h"
#include "bench/stats/pair.h"

#include <regex.h>
#include <stdbool.h>
#include <stdio.h>

#define MAX_DIRS 256

struct run {               /* one side: one or more results folders */
    const char *dir;       /* the first, for the heading */
    const char *const *dirs;
    size_t ndirs;
    const char *role;      /* "base" or "new", for messages */
    struct hb_abrun data;  /* samples by benchmark name, environment.csv */
};

struct opts {
    const char *base, *new_, *csv, *plots;
    const char *pos[2 * MAX_DIRS];
    int npos, split;           /* run folders given; index of the first new (-1: no '--') */
    int nbase, nnew;
    const char *metric, *filter;
    regex_t re;
    double alpha, threshold;   /* threshold < 0: from the noise */
    bool metric_ns;            /* the metric is a time in ns (name ends in ns) */
    bool all;                  /* --all: every row, not only the flagged */
};

struct result {
    struct hb_pair *rows;      /* one per benchmark both sides have */
    const char **names;        /* rows[i]'s benchmark */
    size_t n;
    size_t only_base, only_new;
    struct hb_pair_sum sum;
};

/* The table on stdout, then --csv and --plots.  0 or an exit status. */
int hb_compare_outputs(const struct opts *o, const struct result *res,
                       const struct run *base, const struct run *new_);

/* path written by fill(f, arg) under a temporary name, then renamed:
 * never a half-written file.  0 or an exit status after one line. */
int hb_compare_write_file(const char *path, void (*fill)(FILE *, const void *),
                          const void *arg);

#endif
