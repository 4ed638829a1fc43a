/*
 * test_stats.c - the statistics of bench/stats/hstats.h on data with a known
 * truth: hand-checked summaries, and simulated A/B pairs of runs drawn
 * from the model the benchmarks follow on a shared VM,
 *
 *     value = mu * exp(b_p + e_pr)
 *     b_p  ~ N(0, sigma_b)   the process's effect (placement, machine state)
 *     e_pr ~ N(0, sigma_w)   the repetition's noise inside the process
 *
 * compared the way `heapbench compare` does (Welch on log per-process
 * medians, Benjamini-Hochberg, noise threshold), against the old way
 * (one process a side, 5 repetitions, Mann-Whitney p < 0.05 each).  Seeds are
 * fixed: the tables below print the same on every run.
 */
#include "bench/stats/abstats.h"
#include "bench/stats/hstats.h"
#include "tests/unit/check.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

/* ------------------------------------------------------------------------
 * Summaries by hand
 * ------------------------------------------------------------------------ */

/*
 *   process 0: 10 12 14   median 12, mean 12, SD 2
 *   process 1: 20 22 24   median 22, mean 22, SD 2
 * Expect: median of medians 17; within CV 2 / 17; between: variance of
 * the means 50 less 4 / 3 over the mean 17; MDE finite; the estimate the
 * geometric mean of 12 and 22, its standard error on the logs half their
 * log distance, its interval that times t(1) = 12.71 either side.
 */
TEST(hier_two_processes_check)
{
    const double x[] = { 10, 12, 14, 22, 20, 24 };
    const long proc[] = { 0, 0, 0, 1, 1, 1 };
    struct hb_hier h;

    CHECK_EQ(hb_hier_compute(x, proc, 6, &h), 0);
    CHECK_EQ(h.procs, 2);
    CHECK_EQ(h.n, 6);
    CHECK(fabs(h.median - 17) < 1e-12);
    CHECK(fabs(h.cv_within - 2.0 / 17) < 1e-12);
    CHECK(fabs(h.cv_between - sqrt(50 - 4.0 / 3) / 17) < 1e-12);
    CHECK(isfinite(h.mde_pct) && h.mde_pct > 0);
    CHECK(h.log_scale && fabs(h.mean - sqrt(12.0 * 22)) < 1e-9);
    CHECK(fabs(h.se - log(22.0 / 12) / 2) < 1e-12);
    CHECK(fabs(log(h.ci_hi / h.mean) - 12.7062047 * h.se) < 1e-6);
    CHECK(fabs(log(h.mean / h.ci_lo) - 12.7062047 * h.se) < 1e-6);
}

/*
 *   process 0: 0 0 1   median 0;  process 1: 2 2 2   median 2
 * Expect: a zero forbids logs: the arithmetic mean 1, standard error 1,
 * interval 1 -/+ 12.71.
 */
TEST(hier_zero_values_check)
{
    const double x[] = { 0, 0, 1, 2, 2, 2 };
    const long proc[] = { 0, 0, 0, 1, 1, 1 };
    struct hb_hier h;

    CHECK_EQ(hb_hier_compute(x, proc, 6, &h), 0);
    CHECK(!h.log_scale && fabs(h.mean - 1) < 1e-12 && fabs(h.se - 1) < 1e-12);
    CHECK(fabs(h.ci_lo - (1 - 12.7062047)) < 1e-6 && fabs(h.ci_hi - (1 + 12.7062047)) < 1e-6);
}

/*
 *   one process: 5 5 5 5, and a NaN (a repetition that did not run)
 * Expect: median and mean 5, no between-process spread (NaN), so no
 * interval and no MDE; within CV 0.
 */
TEST(hier_one_process_check)
{
    const double x[] = { 5, 5, NAN, 5, 5 };
    struct hb_hier h;

    CHECK_EQ(hb_hier_compute(x, NULL, 5, &h), 0);
    CHECK_EQ(h.procs, 1);
    CHECK_EQ(h.n, 4);
    CHECK(h.median == 5 && fabs(h.mean - 5) < 1e-12 && h.cv_within == 0);
    CHECK(isnan(h.ci_lo) && isnan(h.ci_hi) && isnan(h.se));
    CHECK(isnan(h.cv_between) && isnan(h.mde_pct));
}

/*
 * p = 0.01 0.04 0.03 0.20 (m = 4); sorted 0.01 0.03 0.04 0.20
 * Expect: q = 0.04, 0.0533, 0.0533, 0.20 in the original order; a NaN is
 * not a test.
 */
TEST(bh_adjust_check)
{
    const double p[] = { 0.01, 0.04, NAN, 0.03, 0.20 };
    double q[5];

    CHECK_EQ(hb_bh_adjust(p, 5, q), 4);
    CHECK(fabs(q[0] - 0.04) < 1e-12);
    CHECK(fabs(q[1] - 0.04 * 4 / 3) < 1e-12);
    CHECK(isnan(q[2]));
    CHECK(fabs(q[3] - 0.04 * 4 / 3) < 1e-12);
    CHECK(fabs(q[4] - 0.20) < 1e-12);
}

/*
 * base e^0, e^0.1, e^0.2; new the same times e^0.5.
 * Expect: ratio e^0.5 exactly, the interval around it, p small; equal
 * samples: ratio 1, p 1.
 */
TEST(welch_log_shift_check)
{
    const double b[] = { 1, exp(0.1), exp(0.2) };
    const double n[] = { exp(0.5), exp(0.6), exp(0.7) };
    struct hb_welch w;

    CHECK_EQ(hb_welch_log(b, 3, n, 3, 0.05, &w), 0);
    CHECK(fabs(w.ratio - exp(0.5)) < 1e-12);
    CHECK(w.lo < w.ratio && w.hi > w.ratio && w.lo > 1);
    CHECK(w.p < 0.01);
    CHECK(fabs(w.sd_pool - 0.1) < 1e-12);
    CHECK_EQ(hb_welch_log(b, 3, b, 3, 0.05, &w), 0);
    CHECK(fabs(w.ratio - 1) < 1e-12 && fabs(w.p - 1) < 1e-12);
    CHECK_EQ(hb_welch_log(b, 1, n, 3, 0.05, &w), -1);    /* one process */
}

/* Expect: the MDE shrinks as processes are added, grows with the SD. */
TEST(mde_monotone_check)
{
    CHECK(hb_mde_pct(0.05, 3, 0.05, 0.8) > hb_mde_pct(0.05, 10, 0.05, 0.8));
    CHECK(hb_mde_pct(0.10, 10, 0.05, 0.8) > hb_mde_pct(0.05, 10, 0.05, 0.8));
    CHECK(isnan(hb_mde_pct(0.05, 1, 0.05, 0.8)));
}

/* ------------------------------------------------------------------------
 * Simulated pairs of runs
 * ------------------------------------------------------------------------ */

#define SIM_PAIRS 100
#define SIM_BENCH 50
#define SIM_REPS 2
#define SIGMA_B 0.05      /* between processes: 5 % */
#define SIGMA_W 0.08      /* within a process: 8 % */

/* One side of one benchmark: per-process medians and pooled values. */
static void draw_side(gsl_rng *rng, size_t procs, double shift, double *pm, double *all)
{
    for (size_t p = 0; p < procs; p++) {
        double b = gsl_ran_gaussian(rng, SIGMA_B), v[SIM_REPS];
        for (int r = 0; r < SIM_REPS; r++)
            all[p * SIM_REPS + r] = v[r] = exp(shift + b + gsl_ran_gaussian(rng, SIGMA_W));
        pm[p] = hb_median(v, SIM_REPS);
    }
}

/* A Welch test as compare hands it to the decision. */
static struct hb_ab_item item_of(const struct hb_welch *w, size_t procs)
{
    return (struct hb_ab_item){ .ratio = w->ratio, .lo = w->lo, .hi = w->hi,
                                .log_scale = w->log_scale, .d = w->d, .se = w->se,
                                .df = w->df, .base = w->mb,
                                .noise = w->sd_pool / sqrt((double)procs) };
}

struct share {
    double now, old;      /* share of benchmarks flagged, new and old way */
};

/* The old design: one process a side, 5 repetitions, Mann-Whitney p < 0.05
 * on them.  1 if it flags. */
static int old_design(gsl_rng *rng, double shift)
{
    double a[5], b[5], eb = gsl_ran_gaussian(rng, SIGMA_B), en;
    struct hb_mwu u;

    en = gsl_ran_gaussian(rng, SIGMA_B);
    for (int r = 0; r < 5; r++) {
        b[r] = exp(eb + gsl_ran_gaussian(rng, SIGMA_W));
        a[r] = exp(shift + en + gsl_ran_gaussian(rng, SIGMA_W));
    }
    hb_mann_whitney(a, 5, b, 5, &u);
    return u.p < 0.05;
}

/* SIM_PAIRS pairs of SIM_BENCH benchmarks, each true change `change`. */
static struct share simulate(size_t procs, double change, unsigned long seed)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    struct hb_ab_item it[SIM_BENCH];
    double pb[64], pn[64], ab[64 * SIM_REPS], an[64 * SIM_REPS];

    size_t flagged = 0, old = 0;

    gsl_rng_set(rng, seed);
    for (int pair = 0; pair < SIM_PAIRS; pair++) {
        for (int k = 0; k < SIM_BENCH; k++) {
            struct hb_welch w;
            draw_side(rng, procs, 0, pb, ab);
            draw_side(rng, procs, log1p(change), pn, an);
            hb_welch_log(pb, procs, pn, procs, 0.05, &w);
            it[k] = item_of(&w, procs);
            old += old_design(rng, log1p(change));
        }
        hb_ab_decide(it, SIM_BENCH, 0.05, -1);
        for (int k = 0; k < SIM_BENCH; k++)
            flagged += it[k].flagged;
    }
    gsl_rng_free(rng);
    return (struct share){ (double)flagged / (SIM_PAIRS * SIM_BENCH),
                           (double)old / (SIM_PAIRS * SIM_BENCH) };
}

/*
 * Model: 5 % between processes, 8 % within, 2 repetitions a process; 100
 * pairs of runs of 50 benchmarks, no true change.
 *
 *   base run  |p0 p1 ... pN|     new run  |p0 p1 ... pN|   same truth
 *
 * Expect: at most 5 % of benchmarks flagged for every number of processes
 * (the old design, one process of 5 repetitions a side: far more, since
 * the process effect is shared by all of a side's repetitions).
 */
TEST(sim_no_change_false_positives_check)
{
    static const size_t procs[] = { 3, 5, 10, 20 };

    printf("  A/A (no change), %d pairs x %d benchmarks, sigma_b %.0f%% sigma_w %.0f%%:\n",
           SIM_PAIRS, SIM_BENCH, SIGMA_B * 100, SIGMA_W * 100);
    printf("    processes  flagged  old design (1 process x 5 reps, Mann-Whitney)\n");
    for (size_t i = 0; i < sizeof procs / sizeof procs[0]; i++) {
        struct share s = simulate(procs[i], 0, 1000 + i);
        printf("    %9zu  %6.1f%%  %6.1f%%\n", procs[i], 100 * s.now, 100 * s.old);
        CHECK(s.now <= 0.05);
        CHECK(s.old > s.now);
    }
}

/*
 * The same model, every benchmark truly 10 % slower in the new run.
 * Expect: with 15 processes a side (enough for 5 % + 8 %/sqrt(2) of
 * noise: the MDE is about 8 %) at least 80 % of benchmarks flagged, and
 * the share grows with the processes.
 */
TEST(sim_ten_percent_power_check)
{
    static const size_t procs[] = { 5, 10, 15, 20 };
    double last = -1;

    printf("  A/B (+10%% true change), %d pairs x %d benchmarks:\n", SIM_PAIRS, SIM_BENCH);
    printf("    processes  flagged  MDE of the model\n");
    for (size_t i = 0; i < sizeof procs / sizeof procs[0]; i++) {
        struct share s = simulate(procs[i], 0.10, 2000 + i);
        double sd = sqrt(SIGMA_B * SIGMA_B + SIGMA_W * SIGMA_W / SIM_REPS);
        printf("    %9zu  %6.1f%%  %5.1f%%\n", procs[i], 100 * s.now,
               hb_mde_pct(sd, procs[i], 0.05, 0.8));
        if (procs[i] >= 15)
            CHECK(s.now >= 0.80);
        CHECK(s.now >= last - 0.02);
        last = s.now;
    }
}

/* ------------------------------------------------------------------------
 * Coverage of the intervals, and the false-discovery rate of the flags
 * ------------------------------------------------------------------------ */

#define COV_TRIALS 2000
#define COV_REPS 3        /* odd: a process's median of logs is symmetric,
                             so the truth of the log mean is exactly 0 */

/* One side of COV_REPS repetitions in each of procs processes, times
 * factor: values and process numbers, and per-process medians. */
static void cov_side(gsl_rng *rng, size_t procs, double factor, double *x, long *proc,
                     double *pm)
{
    for (size_t p = 0; p < procs; p++) {
        double b = gsl_ran_gaussian(rng, SIGMA_B), v[COV_REPS];
        for (int r = 0; r < COV_REPS; r++) {
            x[p * COV_REPS + r] = v[r] = factor * exp(b + gsl_ran_gaussian(rng, SIGMA_W));
            proc[p * COV_REPS + r] = (long)p;
        }
        pm[p] = hb_median(v, COV_REPS);
    }
}

/*
 * The model above (5 % between processes, 8 % within), 3 repetitions a
 * process, 2000 trials for each number of processes:
 *
 *   one run  |p0 .. pN|       -> 95 % interval of the estimate: covers 1?
 *   two runs |p0 .. pN| x 1.2 -> 95 % interval of the ratio:   covers 1.2?
 *
 * Expect: both cover at least 93 % of the time at 3, 6 and 10 processes
 * (Student's t on the log per-process medians; a bootstrap of 3 processes
 * covered 85 %).
 */
TEST(sim_interval_coverage_check)
{
    static const size_t procs[] = { 3, 6, 10 };
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);

    gsl_rng_set(rng, 3000);
    printf("  coverage of the 95 %% intervals, %d trials:\n", COV_TRIALS);
    printf("    processes  estimate  ratio of two runs\n");
    for (size_t i = 0; i < sizeof procs / sizeof procs[0]; i++) {
        size_t n = procs[i], one = 0, two = 0;
        double x[10 * COV_REPS], pm[10], pn[10];
        long proc[10 * COV_REPS];
        for (int t = 0; t < COV_TRIALS; t++) {
            struct hb_hier h;
            struct hb_welch w;
            cov_side(rng, n, 1, x, proc, pm);
            hb_hier_compute(x, proc, n * COV_REPS, &h);
            one += h.ci_lo <= 1 && 1 <= h.ci_hi;
            cov_side(rng, n, 1.2, x, proc, pn);
            hb_welch(pm, n, pn, n, 0.05, &w);
            two += w.lo <= 1.2 && 1.2 <= w.hi;
        }
        printf("    %9zu  %7.1f%%  %7.1f%%\n", n, 100.0 * one / COV_TRIALS,
               100.0 * two / COV_TRIALS);
        CHECK(one >= 0.93 * COV_TRIALS && two >= 0.93 * COV_TRIALS);
        CHECK(one <= 0.975 * COV_TRIALS && two <= 0.99 * COV_TRIALS);   /* not vacuous */
    }
    gsl_rng_free(rng);
}

#define FDR_BENCH 750
#define FDR_PAIRS 40
#define FDR_PROCS 6

#define FDR_CHANGE 1.3

/* One pair of runs of FDR_BENCH benchmarks, the first `changed` 30 %
 * slower, flagged with threshold thr (hb_ab_decide): false and true
 * flags into *v, *s. */
static void fdr_pair(gsl_rng *rng, size_t changed, double thr, struct hb_ab_item *it,
                     size_t *v, size_t *s)
{
    double pb[FDR_PROCS], pn[FDR_PROCS], ab[FDR_PROCS * SIM_REPS], an[FDR_PROCS * SIM_REPS];

    for (size_t k = 0; k < FDR_BENCH; k++) {
        struct hb_welch w;
        draw_side(rng, FDR_PROCS, 0, pb, ab);
        draw_side(rng, FDR_PROCS, k < changed ? log(FDR_CHANGE) : 0, pn, an);
        hb_welch(pb, FDR_PROCS, pn, FDR_PROCS, 0.05, &w);
        it[k] = item_of(&w, FDR_PROCS);
    }
    hb_ab_decide(it, FDR_BENCH, 0.05, thr);
    *v = *s = 0;
    for (size_t k = 0; k < FDR_BENCH; k++) {
        *v += it[k].flagged && k >= changed;
        *s += it[k].flagged && k < changed;
    }
}

/*
 * 40 pairs of runs of 750 benchmarks (6 processes x 2 repetitions, the
 * model above), of which 0, 10 or 75 are truly 30 % slower; the default
 * rule (per-benchmark threshold as the null, then Benjamini-Hochberg),
 * and beside it, on the same seeds, the plain test (--threshold 0).
 *
 * Expect: the false-discovery rate, the mean over pairs of false flags
 * over flags (0 when nothing is flagged), at most 5 % in each case, for
 * both; and the default rule not blind: half the changes found or more.
 */
TEST(sim_flag_fdr_check)
{
    static const size_t changed[] = { 0, 10, 75 };
    static struct hb_ab_item it[FDR_BENCH];
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);

    printf("  flags, %d pairs x %d benchmarks, %d processes a side, changes +%.0f%%:\n",
           FDR_PAIRS, FDR_BENCH, FDR_PROCS, 100 * (FDR_CHANGE - 1));
    printf("    changed  FDR     found   | --threshold 0: FDR  found\n");
    for (size_t i = 0; i < sizeof changed / sizeof changed[0]; i++) {
        double fdr[2] = { 0, 0 };
        size_t found[2] = { 0, 0 };
        for (int rule = 0; rule < 2; rule++) {
            gsl_rng_set(rng, 4000 + i);
            for (int pair = 0; pair < FDR_PAIRS; pair++) {
                size_t v, s;
                fdr_pair(rng, changed[i], rule ? 0 : -1, it, &v, &s);
                fdr[rule] += v + s ? (double)v / (double)(v + s) : 0;
                found[rule] += s;
            }
            fdr[rule] /= FDR_PAIRS;
        }
        double all = (double)(FDR_PAIRS * (changed[i] ? changed[i] : 1));
        printf("    %7zu  %5.2f%%  %5.1f%%  |                %5.2f%%  %5.1f%%\n", changed[i],
               100 * fdr[0], 100.0 * (double)found[0] / all, 100 * fdr[1],
               100.0 * (double)found[1] / all);
        CHECK(fdr[0] <= 0.05 && fdr[1] <= 0.05);
        if (changed[i])
            CHECK(found[0] >= FDR_PAIRS * changed[i] / 2);
    }
    gsl_rng_free(rng);
}
