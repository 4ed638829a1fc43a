/*
 * hstats.h - statistics with the process as the unit of sampling (Kalibera
 * and Jones, "Rigorous Benchmarking in Reasonable Time", ISMM 2013).
 *
 * Repetitions inside one process share its fixture, its placement and the
 * machine's state, so the spread between processes is what a second run
 * would see.  Here: the order statistics of one sample; the estimate (the
 * geometric mean of per-process medians, arithmetic where one is zero)
 * with its t interval over processes, the between- and within-process CVs
 * and the minimum detectable effect; Welch's t on two such estimates; and
 * the flagging rule (a threshold test, then Benjamini-Hochberg).  Why each
 * choice: docs/statistics.md.
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

/* Below this many processes a t interval rests on the normality of the
 * per-process medians more than the data can check: say "approximate". */
#define HB_PROCS_EXACT 5

struct hb_hier {
    size_t procs;         /* processes with at least one finite value */
    size_t n;             /* finite values */
    double median;        /* median of per-process medians (descriptive) */
    double mean;          /* the estimate: mean of per-process medians,
                             geometric if all > 0, else arithmetic */
    bool log_scale;       /* mean (and interval) on the logs */
    double se;            /* standard error of mean on its scale (of log
                             mean if log_scale); NAN below 2 processes */
    double ci_lo, ci_hi;  /* 95 % t interval of mean (procs - 1 degrees of
                             freedom); NAN below 2 processes */
    double cv_between;    /* between-process CV (variance component) */
    double cv_within;     /* pooled within-process CV */
    double mde_pct;       /* smallest change (%) two such runs detect at
                             alpha 0.05 with power 0.8; NAN below 2 procs */
};

/* Summary of x[0..n), x[i] measured in process proc[i] (NULL: one
 * process).  Non-finite values are left out.  Returns 0, or -1 if memory
 * runs out (out NANs). */
int hb_hier_compute(const double *x, const long *proc, size_t n, struct hb_hier *out);

/* Mean, standard error and 1 - alpha t interval of v[0..n) (n >= 1), on
 * the logs when every value is > 0 (geometric mean), else on the values.
 * n == 1: se and interval NAN.  Fills the estimate fields of out. */
void hb_mean_ci(const double *v, size_t n, double alpha, struct hb_hier *out);

/* Student's t quantile for a two-sided 1 - alpha interval with df degrees
 * of freedom (infinite df: the normal's); NAN for df < 1 or NaN. */
double hb_t_quantile(double df, double alpha);

/* Welch-Satterthwaite degrees of freedom of se_a^2 + se_b^2, each with
 * its own df (an se of 0 adds nothing; both 0: the sum of the dfs). */
double hb_welch_df(double se_a, double df_a, double se_b, double df_b);

/* MDE (%) of a Welch comparison of two runs of p processes each whose
 * log per-process medians have standard deviation sd_log. */
double hb_mde_pct(double sd_log, size_t p, double alpha, double power);

/* Standard deviation of log(x[0..n)) (n >= 2, all > 0), else NAN. */
double hb_sd_log(const double *x, size_t n);

struct hb_welch {
    bool log_scale;       /* on the logs (all values > 0), else on values */
    double mb, mn;        /* each side's mean (geometric if log_scale) */
    double d, se, df;     /* new - base on the test's scale, its standard
                             error, Welch-Satterthwaite df */
    double ratio;         /* mn / mb: exp(d) on the logs (NAN if mb == 0) */
    double lo, hi;        /* 1 - alpha interval of the ratio; on values,
                             1 + (d's interval) / mb, mb taken as known */
    double dlo, dhi;      /* 1 - alpha interval of d */
    double p;             /* two-sided, against no change */
    double sd_pool;       /* pooled SD on the test's scale: one process's noise */
};

/* Welch's t-test on two samples of per-process summaries (each at least
 * 2 values): on the logs if every value is > 0, else on the values (a
 * difference: zeros allowed).  Returns 0 or -1. */
int hb_welch(const double *base, size_t nb, const double *new_, size_t nn,
             double alpha, struct hb_welch *out);

/* The same on the logs only (every value > 0, else -1). */
int hb_welch_log(const double *base, size_t nb, const double *new_, size_t nn,
                 double alpha, struct hb_welch *out);

/* Benjamini-Hochberg adjusted p-values (q[i] <= level: discovery at FDR
 * level).  NaN p-values are not tested and get q NaN; returns how many
 * were tested, or -1 if memory runs out. */
long hb_bh_adjust(const double *p, size_t m, double *q);

/* One benchmark in an A/B decision. */
struct hb_ab_item {
    double ratio, lo, hi; /* estimate and 1 - alpha interval of new/base */
    bool log_scale;       /* d, se, noise on the logs, else on the values */
    double d, se, df;     /* the change on its scale, its standard error, df;
                             se NaN: no t test (p given instead) */
    double base;          /* base's mean (for a threshold on values) */
    double noise;         /* standard error of one side's mean, same scale
                             (NaN: unknown) */
    double p;             /* in: when se is NaN (a test on repetitions);
                             out: the p of the threshold test */
    double thr;           /* out: this benchmark's threshold, as a fraction */
    double q;             /* out: BH-adjusted p */
    bool flagged;         /* out */
};

/* The default threshold floor: no change below 1 % is flagged. */
#define HB_THRESHOLD_FLOOR 0.01

/* Each item's threshold delta: threshold >= 0 for every item, else its
 * own noise (the standard error of one side), at least 1 %.  The test's
 * null is |change| <= delta: p = P(T >= (|d| - delta) / se) + P(T >=
 * (|d| + delta) / se) with Welch's df, the largest rejection probability
 * over that null (at its edge), so p is valid for it and conservative for
 * no change.  Benjamini-Hochberg on these p; flagged: q <= alpha and the
 * interval excludes no change.  Items without se keep their p and need
 * |ratio - 1| > delta.  Returns 0, or -1 if memory runs out. */
int hb_ab_decide(struct hb_ab_item *it, size_t m, double alpha, double threshold);

#endif
