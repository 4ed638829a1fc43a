/*
 * verdict.h - the verdict of a results folder, from its CSV files alone:
 * eager against lazy initialisation, frees at node boundaries, per-page
 * state scans: the answers as sentences, then per question tables of its
 * numbers with their intervals (how each number is found:
 * bench/compare/verdict.c).  Prints nothing on its own:
 * the text goes to the stream the caller passes.
 */
#ifndef HB_VERDICT_H
#define HB_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum hb_verdict_format {
    HB_VERDICT_MD,          /* the report's Markdown */
    HB_VERDICT_HTML,        /* the same, as an HTML fragment */
    HB_VERDICT_CSV,         /* every number with its interval and text */
    HB_VERDICT_TEXT,        /* plain text for a console of 80 columns */
};

/* Whether dir holds what a verdict reads: an init, free or state CSV. */
bool hb_verdict_is_run(const char *dir);

/*
 * Write to f the verdict of dirs[0] in fmt (nd 1), or every verdict number
 * of dirs[0] against dirs[1] as a change (nd 2, Markdown whatever fmt).
 * 0, -EINVAL if nd is not 1 or 2, -ENOMEM.  The caller checks f's errors.
 */
int hb_verdict_write(FILE *f, const char *const dirs[], int nd,
                     enum hb_verdict_format fmt);

/* A verdict number as its row of the CSV (HB_VERDICT_CSV) gives it. */
struct hb_verdict_num {
    double v, lo, hi;
    const char *unit;       /* the CSV's unit: ns, x, +ns, blocks, ... */
    const char *interval;   /* none, reps, boot, ci95 or exact */
    double se, df;          /* NAN where the row has none */
    bool logs;              /* se is of log v (scale "log") */
};

enum hb_verdict_change_kind {
    HB_CHANGE_DETECTED,     /* its interval excludes no change */
    HB_CHANGE_NOT_DETECTED, /* written "not detected (+/-X ...)" */
    HB_CHANGE_UNCHANGED,    /* two equal exact counts */
    HB_CHANGE_NO_INTERVAL,  /* a side without a standard error */
};

/*
 * The change from base to now exactly as `heapbench verdict BASE NEW`
 * computes and writes it (Welch's t, the runs independent): into b,
 * "-20.0 % (-27.0 to -12.3)", "not detected (+/-X %)", "unchanged
 * (exact)" or "-20.0 % (no interval)".  Returns which of those it is.
 */
enum hb_verdict_change_kind hb_verdict_change(char *b, size_t n,
                                              const struct hb_verdict_num *base,
                                              const struct hb_verdict_num *now);

#endif
