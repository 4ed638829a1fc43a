/*
 * sampling.h - how many processes each benchmark gets, and how long the
 * rest of a run will take.  Pure functions (tests/unit/test_sampling.c).
 *
 * Processes are the samples (bench/stats/hstats.h).  Every benchmark
 * gets min_procs; then it stops once the 95 % interval of its estimate
 * (geometric mean of per-process medians, t over processes) is narrower
 * than target_pct, or at max_procs.  Processes run in rounds, one of each
 * family a round; a wall-clock budget caps the run: a family's process
 * starts only if it and the rest of its round fit; if they fit only at one
 * repetition a benchmark, it runs one; floor_procs (2) always run.
 * The ETA replays the same rule on the plan with the measured costs.
 */
#ifndef HB_SAMPLING_H
#define HB_SAMPLING_H

#include <stdbool.h>
#include <stddef.h>

struct hb_sampling {
    int min_procs;        /* every benchmark, unless the budget cuts */
    int max_procs;        /* at most (--processes) */
    int floor_procs;      /* the budget never cuts below this */
    double target_pct;    /* interval half-width to stop at; 0: never stop */
    double budget_s;      /* wall-clock budget of the run; 0: none */
    bool first_one_rep;   /* a family's first process: one repetition each
                             (it learns what a repetition costs) */
};

/* Half-width of the 95 % interval of the geometric mean of med[0..n), in %
 * of the estimate; NAN below 2 values. */
double hb_sampling_halfwidth_pct(const double *med, size_t n);

/* Whether a benchmark with per-process medians med[0..n) is done: at
 * max_procs, or past min_procs with an interval narrower than the target.
 * A benchmark without values after a process (it skipped) is done. */
bool hb_sampling_done(const struct hb_sampling *s, const double *med, size_t n);

/* How many processes a benchmark will end with: n when done; else the
 * smallest count from max(n + 1, min_procs) whose interval, at the spread
 * seen so far, is narrower than the target (max_procs without a target or
 * below 2 values). */
int hb_sampling_expect(const struct hb_sampling *s, const double *med, size_t n);

/* How process p of a family runs, from the seconds it costs (chunk, and
 * one1 at one repetition a benchmark) and the rest of round p costs, the
 * later families' processes in it (later, later1). */
enum hb_sampling_mode {
    HB_SAMPLING_STOP,          /* not at all */
    HB_SAMPLING_FULL,          /* every benchmark its repetitions */
    HB_SAMPLING_ONE_REP,       /* one repetition a benchmark: the budget */
};
struct hb_sampling_cost {
    double chunk, one1, later, later1;
};
enum hb_sampling_mode hb_sampling_mode(const struct hb_sampling *s, int p, double elapsed_s,
                                       const struct hb_sampling_cost *c);

/* A family's benchmarks for the ETA: per benchmark the seconds one process
 * of it costs (all its repetitions, and one), the processes it is
 * expected to get, and those done. */
struct hb_sampling_fam {
    size_t nb;
    const double *cost_s;
    const double *cost1_s;
    const int *expect;
    const int *done;
    bool one_rep_now;          /* the process in progress runs one each */
};

/* Seconds left when family cur is in process proc (its benchmarks with
 * done == proc still to run in it; proc < 0: none started) at elapsed_s:
 * the rule and the budget replayed over the rest of round proc and the
 * rounds after it; *runs (if not NULL): benchmark runs left. */
double hb_sampling_eta(const struct hb_sampling *s, const struct hb_sampling_fam *fam,
                       size_t nf, size_t cur, int proc, double elapsed_s, long *runs);

#endif
