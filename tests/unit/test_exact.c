/*
 * test_exact.c - comparing exact counts (bench/compare/exact.h): value
 * against value, any difference a change, zero a count like any other, a
 * benchmark whose count is not exact set apart.
 */
#include "tests/unit/check.h"

#include "bench/compare/exact.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A side with one sample per name, each value repeated reps times. */
static void side(struct hb_abrun *r, const char *const *names, const double *v, size_t n,
                 size_t reps)
{
    memset(r, 0, sizeof *r);
    r->s = calloc(n, sizeof *r->s);
    r->n = r->cap = n;
    for (size_t i = 0; i < n; i++) {
        struct hb_abrun_sample *s = &r->s[i];
        s->name = strdup(names[i]);
        s->x = calloc(reps, sizeof *s->x);
        s->unit = calloc(reps, sizeof *s->unit);
        s->n = s->cap = reps;
        for (size_t k = 0; k < reps; k++)
            s->x[k] = v[i], s->unit[k] = (long)k;
    }
}

TEST(exact_change_format_check)
{
    char b[64];

    hb_exact_change(b, sizeof b, 2029, 2047);
    CHECK_STR(b, "+18 (+0.89 %)");
    hb_exact_change(b, sizeof b, 2047, 2029);
    CHECK_STR(b, "-18 (-0.88 %)");
    hb_exact_change(b, sizeof b, 7, 7);
    CHECK_STR(b, "0");
    hb_exact_change(b, sizeof b, 0, 5);
    CHECK_STR(b, "+5 (from 0)");
    hb_exact_change(b, sizeof b, 1749.90625, 1750.90625);
    CHECK_STR(b, "+1 (+0.06 %)");
}

/*
 *   name   base        new
 *   same   100 x3      100 x2
 *   one    2029        2030       <- +1: a change, however small
 *   zero   0           5          <- from 0: a change
 *   noisy  10, 11      10         <- varies within base: not exact
 *   note   50          50 (count_note set on new): not exact
 *   gone   1           --         only in base
 * Expect: 2 changed, 1 the same, 2 not exact, 1 only in base.
 */
TEST(exact_compare_sides_check)
{
    static const char *const nb[] = { "same", "one", "zero", "noisy", "note", "gone" };
    static const char *const nn[] = { "same", "one", "zero", "noisy", "note" };
    const double vb[] = { 100, 2029, 0, 10, 50, 1 }, vn[] = { 100, 2030, 5, 10, 50 };
    struct hb_abrun b, n;
    struct hb_exact e;

    side(&b, nb, vb, 6, 3);
    side(&n, nn, vn, 5, 2);
    b.s[3].x[1] = 11;
    n.s[4].inexact = true;
    CHECK_EQ(hb_exact_compare(&b, &n, &e), 0);
    CHECK_EQ(e.n, 5);
    CHECK_EQ(e.changed, 2);
    CHECK_EQ(e.same, 1);
    CHECK_EQ(e.inexact, 2);
    CHECK_EQ(e.only_base, 1);
    CHECK(e.row[1].changed && e.row[1].new_ - e.row[1].base == 1);
    CHECK(e.row[2].changed && e.row[2].base == 0);
    CHECK(e.row[3].inexact && !e.row[3].changed);
    hb_exact_free(&e);
    hb_abrun_free(&b);
    hb_abrun_free(&n);
}

TEST(exact_metric_names_check)
{
    CHECK(hb_exact_metric("instructions"));
    CHECK(hb_exact_metric("boot_instructions"));
    CHECK(hb_exact_metric("cond_branches"));
    CHECK(!hb_exact_metric("real_ns"));
    CHECK(!hb_exact_metric("cycles"));
}
