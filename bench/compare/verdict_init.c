/*
 * verdict_init.c - question 1, eager against lazy initialisation: boot
 * time per GiB and at 1 TiB (a least-squares line through the measured RAM
 * sizes), the work deferred, the worst single call after boot, what the
 * uninit encoding adds to free_heap_pages, and after how many frees that
 * cost eats lazy's saving.  Reads the init and free families.
 */
#include "bench/compare/verdict_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * A line through the measured sizes
 * ------------------------------------------------------------------------ */

/* Least-squares line through (x[i], y[i]); slope and value at x0. */
static void fit(const double *x, const double *y, size_t n, double x0,
                double *slope, double *at)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;

    for (size_t i = 0; i < n; i++) {
        sx += x[i];
        sy += y[i];
        sxx += x[i] * x[i];
        sxy += x[i] * y[i];
    }
    double d = n * sxx - sx * sx;
    double b = n > 1 && d != 0 ? (n * sxy - sx * sy) / d : (n ? y[0] / x[0] : NAN);
    double a = n > 1 && d != 0 ? (sy - b * sx) / n : 0;
    *slope = b;
    *at = a + b * x0;
}

/* Order three numbers into lo <= v <= hi around the middle one. */
static struct hbv_est spread3(double v, double p, double q, enum hbv_est_kind k)
{
    double lo = fmin(v, fmin(p, q)), hi = fmax(v, fmax(p, q));
    return (struct hbv_est){ v, lo, hi, k };
}

/* ------------------------------------------------------------------------
 * The series and its strategies
 * ------------------------------------------------------------------------ */

#define TIB_GIB 1024.0

/* A parameter column of the init rows other than those that vary along a
 * series (strategy, RAM size) or belong to the harness. */
static bool series_col(const char *h)
{
    static const char *const skip[] = { "benchmark", "strategy", "ram_gib", "param_iterations",
                                        "time", "min_time", "process" };
    for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++)
        if (!strcmp(h, skip[i]))
            return false;
    return true;
}

/* The init series measured at the most RAM sizes: its fixed parameters as
 * "col=val;..." in key. */
static bool main_series(const struct hb_csv *c, char *key, size_t keylen)
{
    size_t best = 0;
    int rc = hb_csv_col(c, "ram_gib"), w = hb_csv_col(c, "what");

    for (size_t r = 0; rc >= 0 && w >= 0 && r < c->nrows; r++) {
        char k[512] = "";
        size_t len = 0;
        for (int i = w; i < (int)c->ncols; i++) {
            const char *h = c->cell[i];
            if (!strcmp(h, "reps") || !strcmp(h, "repetition"))
                break;
            if (series_col(h))
                len += (size_t)snprintf(k + len, sizeof k - len, "%s%s=%s", len ? ";" : "", h,
                                        hb_csv_get(c, r, i));
        }
        struct hbv_vals sizes;
        hbv_distinct(c, "ram_gib", k, &sizes, false);
        if (sizes.n > best) {
            best = sizes.n;
            snprintf(key, keylen, "%s", k);
        }
    }
    return best > 0;
}

struct line_fit {
    struct hbv_est per_gib, at_tib;
    double max_gib, min_gib;
};

/* Metric m of strategy s along the series: per-size values, a line. */
static bool fit_metric(struct hbv_run *run, const char *key, const char *s, const char *m,
                       struct line_fit *lf, struct hbv_est *at_max)
{
    struct hbv_vals sizes;
    double x[64], y[64], lo[64], hi[64];
    char where[768];
    size_t n = 0;
    enum hbv_est_kind k = HBV_EST_CI;

    snprintf(where, sizeof where, "%s;strategy=%s", key, s);
    hbv_distinct(hbv_rows(run, HBV_F_INIT), "ram_gib", where, &sizes, true);
    for (size_t i = 0; i < sizes.n; i++) {
        struct hbv_est e;
        snprintf(where, sizeof where, "%s;strategy=%s;ram_gib=%s", key, s, sizes.v[i]);
        if (!hbv_get(run, HBV_F_INIT, where, m, &e))
            continue;
        x[n] = atof(sizes.v[i]);
        y[n] = e.v, lo[n] = e.lo, hi[n] = e.hi;
        k = e.kind < k ? e.kind : k;
        *at_max = e;
        n++;
    }
    if (!n)
        return false;
    double b, a, blo, alo, bhi, ahi;
    fit(x, y, n, TIB_GIB, &b, &a);
    fit(x, lo, n, TIB_GIB, &blo, &alo);
    fit(x, hi, n, TIB_GIB, &bhi, &ahi);
    lf->per_gib = spread3(b, blo, bhi, k);
    lf->at_tib = spread3(a, alo, ahi, k);
    /* a time is never below zero, whatever a line through noise says */
    lf->at_tib.lo = fmax(lf->at_tib.lo, 0);
    lf->at_tib.v = fmax(lf->at_tib.v, 0);
    lf->min_gib = x[0];
    lf->max_gib = x[n - 1];
    return true;
}

static const char *strategy_what(const char *s)
{
    if (!strcmp(s, "pagewise"))
        return "pagewise (every page freed at order 0, Xen up to 4.16)";
    if (!strcmp(s, "chunked"))
        return "chunked (largest aligned blocks, Xen 4.17)";
    if (!strcmp(s, "lazy"))
        return "lazy (pages initialised on first use)";
    if (!strcmp(s, "deferred"))
        return "deferred (lazy plus background threads)";
    if (!strcmp(s, "patch"))
        return "patch (the patch as posted)";
    return s;
}

/* One strategy's line; its boot time at 1 TiB goes to *boot. */
static bool init_strategy(struct hbv_verdict *vd, const char *key, const char *s,
                          struct hbv_est *boot)
{
    struct line_fit bf, df, wf;
    struct hbv_est bmax, dmax, worst;
    char k[96], a[160], b[160], d[160], w[160];

    if (!fit_metric(vd->r, key, s, "boot_ns", &bf, &bmax))
        return false;
    snprintf(k, sizeof k, "init.%s.boot_per_gib", s);
    snprintf(a, sizeof a, "%s", hbv_num(vd, k, bf.per_gib, "ns"));
    snprintf(k, sizeof k, "init.%s.boot_1tib", s);
    snprintf(b, sizeof b, "%s", hbv_num(vd, k, bf.at_tib, "ns"));
    *boot = bf.at_tib;
    hbv_say(vd, 1, 0, "%s: end_boot_allocator takes %s per GiB, so %s at 1 TiB "
        "(a straight line through %g to %g GiB, extrapolated).", strategy_what(s), a, b,
        bf.min_gib, bf.max_gib);
    if (fit_metric(vd->r, key, s, "deferred_ns", &df, &dmax)) {
        snprintf(k, sizeof k, "init.%s.deferred_1tib", s);
        snprintf(d, sizeof d, "%s", hbv_num(vd, k, df.at_tib, "ns"));
        hbv_say(vd, 1, 1, "Work left for after boot at 1 TiB: %s.", d);
    }
    if (fit_metric(vd->r, key, s, "worst_ns", &wf, &worst)) {
        snprintf(k, sizeof k, "init.%s.worst", s);
        snprintf(w, sizeof w, "%s", hbv_num(vd, k, worst, "ns"));
        hbv_say(vd, 1, 1, "The worst single allocation or free after boot, at %g GiB, waits %s.",
            wf.max_gib, w);
    }
    return true;
}

/* ------------------------------------------------------------------------
 * The cost on the hot path, and the break-even
 * ------------------------------------------------------------------------ */

/* What the uninit encoding adds to free_heap_pages, order by order; the
 * order-0 free away from a boundary goes to *cost0. */
static bool hot_path(struct hbv_verdict *vd, struct hbv_est *cost0)
{
    bool any = false;
    static const char *const wh[] = { "away", "boundary" };

    for (unsigned o = 0; o <= 18; o += 9) {
        char txt[2][400];
        int got = 0;
        for (int w = 0; w < 2; w++) {
            struct hbv_est l, u;
            char where[256], k[96], add[160];
            snprintf(where, sizeof where,
                     "what=block;boundary=natural;order=%u;where=%s;variant=node_check;%%s",
                     o, wh[w]);
            char wl[256], wu[256];
            snprintf(wl, sizeof wl, where, "encoding=legacy");
            snprintf(wu, sizeof wu, where, "encoding=uninit");
            txt[w][0] = 0;
            if (!hbv_get(vd->r, HBV_F_FREE, wl, "real_ns", &l) ||
                !hbv_get(vd->r, HBV_F_FREE, wu, "real_ns", &u))
                continue;
            struct hbv_est d = hbv_sub(u, l), r = hbv_div(u, l);
            struct hbv_est pct = { (r.v - 1) * 100, (r.lo - 1) * 100, (r.hi - 1) * 100, r.kind };
            snprintf(k, sizeof k, "free.encoding.order%u.%s.ns", o, wh[w]);
            snprintf(add, sizeof add, "%s", hbv_num(vd, k, d, "+ns"));
            snprintf(k, sizeof k, "free.encoding.order%u.%s.pct", o, wh[w]);
            snprintf(txt[w], sizeof txt[w], "%s per free %s (%s)", add,
                     w ? "at a boundary" : "away from a boundary", hbv_num(vd, k, pct, "+%"));
            if (o == 0 && w == 0)
                *cost0 = d;
            got++;
        }
        if (!got)
            continue;
        hbv_say(vd, 1, 1, "Order %u: the uninit encoding changes free_heap_pages by %s%s%s, "
            "against legacy on the same block and heap.", o, txt[0],
            *txt[0] && *txt[1] ? "; " : "", txt[1]);
        any = true;
    }
    return any;
}

static void break_even(struct hbv_verdict *vd, const char *s, struct hbv_est saving,
                       struct hbv_est cost)
{
    if (cost.hi <= 0) {
        hbv_say(vd, 1, 0, "Break-even: the uninit encoding's cost per order-0 free is not above "
            "zero anywhere in its interval, so %s's boot saving is never used up.", s);
        return;
    }
    struct hbv_est n = hbv_div(saving, cost);
    if (cost.v <= 0) {
        n.v = n.lo;         /* the one end the data can give */
        hbv_say(vd, 1, 0, "Break-even: the uninit encoding adds no measurable time to an order-0 "
            "free (its interval includes zero); even at the interval's upper end, %s's boot "
            "saving on a 1 TiB machine lasts at least %s order-0 frees.", s,
            hbv_num(vd, "init.break_even_frees", n, "frees"));
        return;
    }
    hbv_say(vd, 1, 0, "Break-even: %s's boot saving on a 1 TiB machine is used up after %s "
        "order-0 frees away from a boundary; past that many, the uninit encoding has cost "
        "more on the hot path than %s saved at boot.", s,
        hbv_num(vd, "init.break_even_frees", n, "frees"), s);
}

/* ------------------------------------------------------------------------
 * The section
 * ------------------------------------------------------------------------ */

void hbv_section_init(struct hbv_verdict *vd)
{
    const struct hb_csv *c = hbv_rows(vd->r, HBV_F_INIT);
    char key[512];
    struct hbv_vals st;
    struct hbv_est boot[64], ref = { 0 }, cost0 = { 0 };
    const char *refname = NULL;
    bool have_cost;

    if (!c || !main_series(c, key, sizeof key)) {
        hbv_say(vd, 1, 0, "No init rows in this run: nothing to say about boot time.");
        return;
    }
    hbv_distinct(c, "strategy", key, &st, false);
    hbv_say(vd, 1, 0, "Series measured: %s (init rows).", key);
    for (size_t i = 0; i < st.n; i++) {
        boot[i].kind = HBV_EST_NONE;
        if (!init_strategy(vd, key, st.v[i], &boot[i]))
            boot[i].kind = HBV_EST_NONE;
        else if (!refname || !strcmp(st.v[i], "chunked"))
            ref = boot[i], refname = st.v[i];
    }
    for (size_t i = 0; refname && i < st.n; i++) {
        if (boot[i].kind == HBV_EST_NONE || boot[i].v >= ref.v)
            continue;
        char k[96];
        snprintf(k, sizeof k, "init.%s.saving_1tib", st.v[i]);
        hbv_say(vd, 1, 0, "%s moves %s of a 1 TiB boot to later, against %s.", st.v[i],
            hbv_num(vd, k, hbv_sub(ref, boot[i]), "ns"), refname);
    }
    hbv_say(vd, 1, 0, "The cost on the hot path (allocations are not measured separately):");
    have_cost = hot_path(vd, &cost0);
    if (!have_cost)
        hbv_say(vd, 1, 1, "No encoding:legacy/uninit pairs of block frees in this run.");
    for (size_t i = 0; have_cost && refname && i < st.n; i++)
        if (!strcmp(st.v[i], "lazy") && boot[i].kind != HBV_EST_NONE)
            break_even(vd, "lazy", hbv_sub(ref, boot[i]), cost0);
}
