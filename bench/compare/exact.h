/*
 * exact.h - comparing exact counts (bench --count) without statistics.
 *
 * A count under callgrind is the same in every run of one binary, so two
 * sides are compared value against value: any difference is a change,
 * printed as "+N (+x %)", and zero is a count like any other.  A side's
 * metric is exact when its environment.csv names callgrind as the source
 * of that column (counter_<column>, docs/results-format.md); a benchmark
 * whose rows say why their count is not exact (count_note), or whose
 * values differ within a side, is listed apart and not judged.
 */
#ifndef HB_EXACT_H
#define HB_EXACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "bench/compare/abrun.h"

/* Whether metric is a column bench --count fills (a count: 0 is a value). */
bool hb_exact_metric(const char *metric);
/* Whether side r holds metric as an exact count: the source its
 * environment.csv names for it (NULL: not exact). */
const char *hb_exact_source(const struct hb_abrun *r, const char *metric);

struct hb_exact_row {
    const char *name;
    double base, new_;
    bool changed;
    bool inexact;          /* a note, or values differ within a side */
};

struct hb_exact {
    struct hb_exact_row *row;  /* in the base side's order */
    size_t n;
    size_t changed, same, inexact, only_base, only_new;
};

/* Match the sides by name and compare.  0 or -ENOMEM. */
int hb_exact_compare(const struct hb_abrun *base, const struct hb_abrun *new_,
                     struct hb_exact *e);
void hb_exact_free(struct hb_exact *e);

/* "+18 (+0.89 %)", "-1 (-0.05 %)", "0", "+5 (from 0)". */
void hb_exact_change(char *out, size_t len, double base, double new_);

/* The table for the console (every benchmark, its two counts and the
 * change), then one line of totals. */
void hb_exact_print(FILE *f, const struct hb_exact *e, const char *metric,
                    const char *source);
/* The same as CSV: benchmark,base,new,change,change_pct,changed,exact.
 * 0 or -EIO. */
int hb_exact_write_csv(FILE *f, const struct hb_exact *e);

#endif
