/*
 * test_sampling.c - the stopping rule, the budget and the ETA
 * (bench/instrument/sampling.h), on fixed inputs whose answers were worked
 * out by hand (t quantiles from tables).
 */
#include "tests/unit/check.h"

#include "bench/instrument/sampling.h"

#include <math.h>

static const struct hb_sampling full = {
    .min_procs = 3, .max_procs = 10, .floor_procs = 2, .target_pct = 2, .budget_s = 0,
};

/* Medians 1 and 2: geometric mean sqrt 2, t(1) = 12.706, log sd ln 2 /
 * sqrt 2: interval 0.0173 .. 115.6, half-width 4087 % of 1.414.
 * Expect: equal medians have no width; one median has no interval. */
TEST(sampling_halfwidth_check)
{
    double two[] = { 1, 2 }, same[] = { 5, 5, 5 }, one[] = { 3 };
    double hw = hb_sampling_halfwidth_pct(two, 2);

    CHECK(fabs(hw - 4086.76) < 0.1);
    CHECK(hb_sampling_halfwidth_pct(same, 3) == 0);
    CHECK(isnan(hb_sampling_halfwidth_pct(one, 1)));
}

/* Medians 100, 103, 97: log sd 0.0300, half-width 7.46 % at 3 processes.
 * Expect: done only past the minimum with a narrow interval, at the
 * maximum, or after a process that skipped; never early without a target. */
TEST(sampling_done_check)
{
    double same[10] = { 5, 5, 5, 5, 5, 5, 5, 5, 5, 5 }, spread[] = { 100, 103, 97 };
    double skipped[] = { NAN };
    struct hb_sampling wide = full, off = full;

    wide.target_pct = 8;
    off.target_pct = 0;
    CHECK(!hb_sampling_done(&full, same, 2));       /* below the minimum */
    CHECK(hb_sampling_done(&full, same, 3));
    CHECK(!hb_sampling_done(&full, spread, 3));     /* 7.46 % > 2 % */
    CHECK(hb_sampling_done(&wide, spread, 3));      /* 7.46 % <= 8 % */
    CHECK(hb_sampling_done(&full, same, 10));       /* the maximum */
    CHECK(!hb_sampling_done(&off, same, 9));
    CHECK(hb_sampling_done(&off, same, 10));
    CHECK(hb_sampling_done(&full, skipped, 1));
    CHECK(!hb_sampling_done(&off, skipped, 1));
}

/* At log sd 0.0300 the half-width 100 (exp(t(k-1) sd / sqrt k) - 1) is
 * 4.89, 3.80, 3.20, 2.81, 2.54, 2.33, 2.17 % at k = 4..10.
 * Expect: target 4 -> 5 processes, 3 -> 7, 2 -> never: the maximum. */
TEST(sampling_expect_check)
{
    double spread[] = { 100, 103, 97 }, same[] = { 5, 5, 5 };
    struct hb_sampling s = full;

    s.target_pct = 4;
    CHECK_EQ(hb_sampling_expect(&s, spread, 3), 5);
    s.target_pct = 3;
    CHECK_EQ(hb_sampling_expect(&s, spread, 3), 7);
    CHECK_EQ(hb_sampling_expect(&full, spread, 3), 10);
    CHECK_EQ(hb_sampling_expect(&full, same, 3), 3);      /* done */
    CHECK_EQ(hb_sampling_expect(&full, spread, 1), 10);   /* no spread yet */
    s.target_pct = 0;
    CHECK_EQ(hb_sampling_expect(&s, same, 3), 10);
}

/* Budget 100 s, floor 2, at most 10; the rest of the round costs 10 s.
 * Expect: a process runs in full if it and the rest of its round fit (not
 * p + 1 rounds: 65 + 20 + 10 fits); at one repetition if only so they
 * fit, or below the floor; else not at all; without a budget always in
 * full, up to the maximum. */
TEST(sampling_mode_check)
{
    struct hb_sampling s = full;
    struct hb_sampling_cost c = { .chunk = 10, .one1 = 5, .later = 10, .later1 = 5 };

    s.budget_s = 100;
    CHECK_EQ(hb_sampling_mode(&s, 1, 500, &c), HB_SAMPLING_ONE_REP);   /* floor */
    CHECK_EQ(hb_sampling_mode(&s, 2, 500, &c), HB_SAMPLING_STOP);
    c.chunk = 20;
    CHECK_EQ(hb_sampling_mode(&s, 2, 65, &c), HB_SAMPLING_FULL);   /* 65 + 20 + 10 */
    CHECK_EQ(hb_sampling_mode(&s, 5, 70, &c), HB_SAMPLING_FULL);   /* 70 + 20 + 10 */
    c.chunk = 21, c.one1 = 10;
    CHECK_EQ(hb_sampling_mode(&s, 2, 75, &c), HB_SAMPLING_ONE_REP);   /* 75 + 10 + 5 */
    CHECK_EQ(hb_sampling_mode(&s, 2, 90, &c), HB_SAMPLING_STOP);      /* 90 + 10 + 5 */
    CHECK_EQ(hb_sampling_mode(&s, 10, 0, &c), HB_SAMPLING_STOP);
    c.chunk = 0;
    CHECK_EQ(hb_sampling_mode(&s, 3, 0, &c), HB_SAMPLING_STOP);
    s.budget_s = 0, c.chunk = 1e9;
    CHECK_EQ(hb_sampling_mode(&s, 9, 1e9, &c), HB_SAMPLING_FULL);
    s.first_one_rep = true;      /* the first process learns the costs */
    CHECK_EQ(hb_sampling_mode(&s, 0, 0, &c), HB_SAMPLING_ONE_REP);
    CHECK_EQ(hb_sampling_mode(&s, 1, 0, &c), HB_SAMPLING_FULL);
}

/*
 * Family A: benchmarks of 1 s and 2 s, 3 processes each; family B: one of
 * 10 s, 3 processes.  At most 3 processes, floor 2; rounds A, B, A, B, ...
 *
 *   round 0: A [1 2] B [10]   round 1: A [1 2] B [10]   round 2: A [1 2] B [10]
 *
 * Expect: no budget: 9 + 30 = 39 s, 9 runs; A's first benchmark done in
 * its process 0: 38 s; budget 25 s: round 0 (13 s), round 1 at the floor
 * (A 3 + B 10 = 26 s: over, but floors run), round 2 cut: 26 s, 6 runs; A
 * stopping its 2 s benchmark after one process: 3 + 10 + 1 + 10 + 1 + 10 =
 * 35 s.  At one repetition A costs 0.5 and 1 s, B 4 s, budget 25 s: round
 * 0 in full (13), round 1: A at one (13 + 3 + 10 > 25: 14.5), B in full
 * (24.5), round 2 fits neither way: 24.5 s, 6 runs (families one after
 * another gave A's processes 1 and 2 at one repetition before B's 0).
 * Nothing started (proc -1): round 0 from A, 39 s.
 */
TEST(sampling_eta_check)
{
    double ca[] = { 1, 2 }, cb[] = { 10 }, c1a[] = { 0.5, 1 }, c1b[] = { 4 };
    int ea[] = { 3, 3 }, eb[] = { 3 }, da[] = { 0, 0 }, db[] = { 0 };
    struct hb_sampling_fam fam[] = {
        { .nb = 2, .cost_s = ca, .expect = ea, .done = da },
        { .nb = 1, .cost_s = cb, .expect = eb, .done = db },
    };
    struct hb_sampling s = { .min_procs = 3, .max_procs = 3, .floor_procs = 2 };
    long runs = 0;

    CHECK(fabs(hb_sampling_eta(&s, fam, 2, 0, 0, 0, &runs) - 39) < 1e-9);
    CHECK_EQ(runs, 9);
    CHECK(fabs(hb_sampling_eta(&s, fam, 2, 2, -1, 0, &runs) - 39) < 1e-9);
    CHECK_EQ(runs, 9);
    da[0] = 1;
    CHECK(fabs(hb_sampling_eta(&s, fam, 2, 0, 0, 5, NULL) - 38) < 1e-9);
    da[0] = 0;
    s.budget_s = 25;
    CHECK(fabs(hb_sampling_eta(&s, fam, 2, 0, 0, 0, &runs) - 26) < 1e-9);
    CHECK_EQ(runs, 6);
    s.budget_s = 0;
    ea[1] = 1;
    CHECK(fabs(hb_sampling_eta(&s, fam, 2, 0, 0, 0, NULL) - 35) < 1e-9);
    ea[1] = 3;
    fam[0].cost1_s = c1a, fam[1].cost1_s = c1b;
    s.budget_s = 25;
    CHECK(fabs(hb_sampling_eta(&s, fam, 2, 0, 0, 0, &runs) - 24.5) < 1e-9);
    CHECK_EQ(runs, 6);
    /* B's process 0 in progress, A's round 1 comes next */
    da[0] = da[1] = 1;
    s.budget_s = 0;
    CHECK(fabs(hb_sampling_eta(&s, fam, 2, 1, 0, 0, &runs) - 36) < 1e-9);
    CHECK_EQ(runs, 7);
}
