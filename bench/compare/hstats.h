/*
 * hstats.h - statistics with the process as the unit of sampling (Kalibera
 * and Jones, "Rigorous Benchmarking in Reasonable Time", ISMM 2013).
 *
 * A run of `heapbench bench --processes N` measures every benchmark in N
 * fresh processes, each doing R repetitions.  Repetitions inside one
 * process share its fixture, its placement in memory and the machine's
 * state at that time, so they are not independent samples: the spread
 * between processes is what a second run would see.  Hence:
 *   - summaries: the median of per-process medians, a two-level bootstrap
 *     interval (resample processes, then repetitions inside each), the
 *     between- and within-process coefficients of variation, and the
 *     minimum detectable effect of a comparison of two such runs;
 *   - comparisons: a Welch t-test on the logs of per-process medians (the
 *     interval is for the ratio new/base), Benjamini-Hochberg across all
 *     benchmarks compared, and a change is flagged only when it is both
 *     significant and larger than a noise threshold.
 * Random numbers (GSL's MT19937) have a fixed seed: same data, same CI.
 * Also here, so that statistics have one home: the order statistics of
 * one sample (median, quartiles, min, max), which the summaries give
 * beside the process-level ones.
 */
#ifndef HB_HSTATS_H
#define HB_HSTATS_H

#include <stdbool.h>
#include <stddef.h>

/* ------------------------------------------------------------------------
 * Order statistics of one sample
 * ------------------------------------------------------------------------ */

struct hb_stats {
    size_t n;                         /* finite values used */
    double median, min, max, q1, q3;  /* NAN if n == 0 */
};

/* Statistics of v[0..n) (sorted in place, NANs dropped), with GSL's
 * quantiles (linear interpolation between order statistics). */
void hb_stats_compute(double *v, size_t n, struct hb_stats *s);

/* ------------------------------------------------------------------------
 * Process-level summaries
 * ------------------------------------------------------------------------ */

#define HB_BOOT_RESAMPLES 1000
#define HB_BOOT_SEED 20130620UL   /* ISMM 2013 */

struct hb_hier {
    size_t procs;         /* processes with at least one finite value */
    size_t n;             /* finite values */
    double median;        /* median of per-process medians */
    double ci_lo, ci_hi;  /* 95 % two-level bootstrap interval of it */
    double cv_between;    /* between-process CV (variance component) */
    double cv_within;     /* pooled within-process CV */
    double mde_pct;       /* smallest change (%) two such runs detect at
                             alpha 0.05 with power 0.8; NAN below 2 procs */
};

/* Summary of x[0..n), x[i] measured in process proc[i].  Non-finite
 * values are left out.  Returns 0, or -1 if memory runs out (out NANs). */
int hb_hier_compute(const double *x, const long *proc, size_t n, struct hb_hier *out);

/* MDE (%) of a Welch comparison of two runs of p processes each whose
 * log per-process medians have standard deviation sd_log. */
double hb_mde_pct(double sd_log, size_t p, double alpha, double power);

/* Standard deviation of log(x[0..n)) (n >= 2, all > 0), else NAN. */
double hb_sd_log(const double *x, size_t n);

struct hb_welch {
    double ratio;         /* exp(mean log new - mean log base) */
    double lo, hi;        /* 1 - alpha interval of the ratio */
    double p;             /* two-sided */
    double df;            /* Welch-Satterthwaite */
    double sd_pool;       /* pooled SD of the logs: the noise of one process */
};

/* Welch's t-test on the logs of two samples of per-process summaries
 * (each at least 2 values, all > 0).  Returns 0 or -1. */
int hb_welch_log(const double *base, size_t nb, const double *new_, size_t nn,
                 double alpha, struct hb_welch *out);

/* Benjamini-Hochberg adjusted p-values (q[i] <= level: discovery at FDR
 * level).  NaN p-values are not tested and get q NaN; returns how many
 * were tested, or -1 if memory runs out. */
long hb_bh_adjust(const double *p, size_t m, double *q);

/* One benchmark in an A/B decision. */
struct hb_ab_item {
    double ratio, lo, hi; /* estimate and 1 - alpha interval of new/base */
    double p;             /* NaN: not tested */
    double noise;         /* standard error of one side's mean log: SD of log
                             per-process summaries / sqrt(processes) (NaN:
                             unknown) */
    double q;             /* out: BH-adjusted p */
    bool flagged;         /* out */
};

/* Flag item i when q <= alpha, its interval excludes 1 and |ratio - 1|
 * exceeds the threshold.  threshold < 0: the median noise of the items
 * (the typical standard error of a side), at least 1 %: below it a
 * "significant" change is smaller than what the run resolves for most
 * benchmarks, and drift between runs that the processes of one run share
 * is likely.  Returns the threshold used (a fraction), or -1. */
double hb_ab_decide(struct hb_ab_item *it, size_t m, double alpha, double threshold);

#endif
