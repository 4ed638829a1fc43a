/*
 * pair.h - one benchmark measured on two sides (base and new), and the
 * decision over many such pairs: what `heapbench compare` prints, kept
 * apart from the command so that the statistics have one home.
 *
 * Each side's values carry the unit (folder, process) that measured them.
 * With at least two units a side the sample is the unit: per-unit
 * medians, Welch's t (hstats.h).  Otherwise the repetitions are all there
 * is: Mann-Whitney U and the Hodges-Lehmann interval (abstats.h).
 * hb_pair_decide() then applies the threshold test and Benjamini-Hochberg
 * over every pair and sums up (counts, geometric means).
 */
#ifndef HB_PAIR_H
#define HB_PAIR_H

#include "bench/stats/hstats.h"

#include <stdbool.h>
#include <stddef.h>

struct hb_pair_side {
    const double *x;       /* the values, one per repetition */
    const long *unit;      /* which unit (folder, process) measured x[i] */
    size_t n;
    double *pm;            /* per-unit medians (filled by hb_pair_compare) */
    size_t npm;
};

struct hb_pair {
    struct hb_pair_side b, n;
    double mb, mn, ratio;  /* estimates and the ratio new/base (mn / mb) */
    double bmin, bmax, nmin, nmax;
    double lo, hi, p;      /* interval of the ratio, p-value */
    double noise;          /* standard error of a side (NaN: reps), hstats.h */
    bool by_procs;         /* tested on units (else repetitions) */
    struct hb_welch t;     /* by_procs: the test */
    bool exact;            /* reps: exact U distribution */
    struct hb_ab_item ab;  /* the decision (hb_pair_decide) */
};

/* What hb_pair_decide() found over every pair. */
struct hb_pair_sum {
    size_t faster, slower, by_procs;
    double geo_b, geo_n, geo_ratio; /* geometric means (zeros left out) */
    double thr_min, thr_max;        /* the thresholds used, as fractions */
};

/* Compare base (bx, bu, bn) with new (nx, nu, nn) into w at level
 * 1 - alpha.  Each side needs n >= 1.  0, or -1 if memory runs out
 * (hb_pair_free() w either way). */
int hb_pair_compare(struct hb_pair *w, const double *bx, const long *bu, size_t bn,
                    const double *nx, const long *nu, size_t nn, double alpha);

void hb_pair_free(struct hb_pair *w);

/* The threshold test and Benjamini-Hochberg over w[0..n) (hb_ab_decide),
 * then the counts and geometric means into sum.  0, or -1 (memory). */
int hb_pair_decide(struct hb_pair *w, size_t n, double alpha, double threshold,
                   struct hb_pair_sum *sum);

#endif
