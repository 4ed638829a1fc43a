/*
 * abstats.h - the statistics behind `heapbench compare`: an A/B comparison
 * of two small samples of run times (the repetitions of one benchmark in
 * two runs).  Distribution-free throughout, because benchmark times are
 * skewed (a slow outlier is common, a fast one is not):
 *   - the Mann-Whitney U test, as Google Benchmark's compare.py uses, exact
 *     for small samples without ties, else the normal approximation with
 *     the tie correction;
 *   - the Hodges-Lehmann confidence interval for the ratio new/base: the
 *     interval for a shift of log times that inverts the same U test, so
 *     the interval excludes 1 when the test rejects (up to ties).
 * Distributions and sorting come from GSL.
 */
#ifndef HB_ABSTATS_H
#define HB_ABSTATS_H

#include <stdbool.h>
#include <stddef.h>

/* Samples larger than this on either side, or with ties, use the normal
 * approximation; exact counts stay below 2^53 up to here. */
#define HB_MWU_EXACT_MAX 25

struct hb_mwu {
    double u;        /* U of the first sample: pairs (a_i, b_j) with a_i > b_j, ties 1/2 */
    double p;        /* two-sided p-value */
    bool exact;      /* from the exact distribution (no ties, small n) */
};

struct hb_ratio_ci {
    double est;      /* Hodges-Lehmann estimate of new/base */
    double lo, hi;   /* interval for new/base */
    bool short_cov;  /* samples too small: [min, max] of the pairwise ratios,
                        whose coverage is below 1 - alpha */
};

/* Median of x[0..n); x is sorted in place.  NaN when n == 0. */
double hb_median(double *x, size_t n);

/* Mann-Whitney U test of a against b.  Returns 0, or -1 if a sample is
 * empty or memory runs out. */
int hb_mann_whitney(const double *a, size_t na, const double *b, size_t nb,
                    struct hb_mwu *out);

/* Smallest two-sided p-value the exact test can give for these sizes:
 * 2 / C(na + nb, na).  With 3 repetitions a side it is 0.1. */
double hb_mwu_min_p(size_t na, size_t nb);

/* Hodges-Lehmann interval at level 1 - alpha for the ratio of new to
 * base.  Every value must be > 0.  Returns 0, or -1 (empty sample, value
 * <= 0, out of memory). */
int hb_ratio_ci(const double *base, size_t nb, const double *new_, size_t nn,
                double alpha, struct hb_ratio_ci *out);

/* Geometric mean of x[0..n): NaN if n == 0 or any value <= 0. */
double hb_geomean(const double *x, size_t n);

#endif
