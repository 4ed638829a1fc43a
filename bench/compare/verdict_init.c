/*
 * verdict_init.c - question 1, eager against lazy initialisation: boot
 * time per GiB and at 1 TiB (a least-squares line through the measured RAM
 * sizes), the work deferred, the worst single call after boot, what the
 * uninit encoding adds to free_heap_pages, and after how many frees that
 * cost eats lazy's saving.  Reads the init and free families.
 */
#include "bench/compare/verdict_int.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/stats/abstats.h"

/* ------------------------------------------------------------------------
 * A line through the measured sizes
 * ------------------------------------------------------------------------ */

/* Least-squares weights: slope = sum cs[i] y[i], value at x0 = sum ca[i]
 * y[i]; one size: the line through the origin. */
static void ols_weights(const double *x, size_t n, double x0, double *cs, double *ca)
{
    double mx = 0, sxx = 0;

    for (size_t i = 0; i < n; i++)
        mx += x[i] / (double)n;
    for (size_t i = 0; i < n; i++)
        sxx += (x[i] - mx) * (x[i] - mx);
    for (size_t i = 0; i < n; i++) {
        if (n < 2 || sxx == 0) {
            cs[i] = n == 1 ? 1 / x[i] : NAN;
            ca[i] = n == 1 ? x0 / x[i] : NAN;
            continue;
        }
        cs[i] = (x[i] - mx) / sxx;
        ca[i] = 1.0 / (double)n + (x0 - mx) * (x[i] - mx) / sxx;
    }
}

static double dot(const double *a, const double *b, size_t n)
{
    double s = 0;

    for (size_t i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

/* A time is never below zero, whatever a line through noise says. */
static struct hbv_est no_negative(struct hbv_est e)
{
    e.v = fmax(e.v, 0);
    e.lo = fmax(e.lo, 0);
    e.hi = fmax(e.hi, 0);
    return e;
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

#define MAX_SIZES 64
#define MAX_PROCS 64

/* Mean of v[0..n) with its t interval over n processes, on the values. */
static struct hbv_est mean_se(const double *v, size_t n)
{
    double m = 0, ss = 0;

    for (size_t i = 0; i < n; i++)
        m += v[i] / (double)n;
    for (size_t i = 0; i < n; i++)
        ss += (v[i] - m) * (v[i] - m);
    return hbv_from_se(m, sqrt(ss / (double)(n - 1) / (double)n), (double)n - 1, false,
                       (double)n);
}

/* Process k's line through its medians at each size: slope and value at
 * 1 TiB. */
static void process_line(const double *at, const long *proc, const double *x, long n, long k,
                         const double *sz, size_t ns, double *slope, double *tib)
{
    double xs[MAX_SIZES], ys[MAX_SIZES], cs[MAX_SIZES], ca[MAX_SIZES], v[256];
    size_t nk = 0;

    for (size_t j = 0; j < ns; j++) {
        size_t nv = 0;
        for (long i = 0; i < n && nv < 256; i++)
            if (proc[i] == k && at[i] == sz[j])
                v[nv++] = x[i];
        if (nv) {
            xs[nk] = sz[j];
            ys[nk++] = hb_median(v, nv);
        }
    }
    ols_weights(xs, nk, TIB_GIB, cs, ca);
    *slope = dot(cs, ys, nk);
    *tib = dot(ca, ys, nk);
}

/* Per process, a line through its medians at each size; the estimate is
 * the mean of the processes' lines, its interval t over processes.  0, or
 * -1 without tidy rows, with fewer than 2 processes or out of memory. */
static int fit_by_process(struct hbv_run *run, const char *where, const char *m,
                          const double *sz, size_t ns, struct line_fit *lf)
{
    size_t max = run->has_tidy[HBV_F_INIT] ? run->tidy[HBV_F_INIT].nrows + 1 : 1;
    double *at = malloc(max * sizeof *at), *x = malloc(max * sizeof *x);
    long *proc = malloc(max * sizeof *proc), procs[MAX_PROCS];
    double slope[MAX_PROCS], tib[MAX_PROCS];
    long n = at && x && proc ? hbv_series(run, HBV_F_INIT, where, "ram_gib", m, at, proc, x,
                                          max) : -1;
    size_t np = 0;

    for (long i = 0; i < n; i++) {
        size_t k = 0;
        while (k < np && procs[k] != proc[i])
            k++;
        if (k == np && np < MAX_PROCS)
            procs[np++] = proc[i];
    }
    for (size_t k = 0; n > 0 && np >= 2 && k < np; k++)
        process_line(at, proc, x, n, procs[k], sz, ns, &slope[k], &tib[k]);
    free(at), free(x), free(proc);
    if (n <= 0 || np < 2)
        return -1;
    /* on the values: a line's points can be negative */
    lf->per_gib = mean_se(slope, np);
    lf->at_tib = mean_se(tib, np);
    return 0;
}

/* Without each process's values: the line through the per-size estimates,
 * its standard error from theirs as if the sizes were independent (they
 * share processes: approximate), the fewest degrees of freedom; without
 * standard errors, the lines through the interval ends (a range). */
static void fit_by_size(const double *sz, const struct hbv_est *e, size_t n,
                        struct line_fit *lf)
{
    double cs[MAX_SIZES], ca[MAX_SIZES], y[MAX_SIZES], lo[MAX_SIZES], hi[MAX_SIZES];
    double vs = 0, va = 0, df = INFINITY, procs = INFINITY;
    bool se = true;

    ols_weights(sz, n, TIB_GIB, cs, ca);
    for (size_t i = 0; i < n; i++) {
        double s = e[i].logs ? e[i].v * e[i].se : e[i].se;
        y[i] = e[i].v, lo[i] = e[i].lo, hi[i] = e[i].hi;
        se &= isfinite(s);
        vs += cs[i] * cs[i] * s * s;
        va += ca[i] * ca[i] * s * s;
        df = fmin(df, e[i].df);
        procs = fmin(procs, e[i].procs);
    }
    lf->per_gib = hbv_from_se(dot(cs, y, n), sqrt(vs), df, false, procs);
    lf->at_tib = hbv_from_se(dot(ca, y, n), sqrt(va), df, false, procs);
    if (se)
        return;
    for (int k = 0; k < 2; k++) {
        struct hbv_est *o = k ? &lf->at_tib : &lf->per_gib;
        const double *c = k ? ca : cs;
        double a = dot(c, lo, n), b = dot(c, hi, n);
        *o = (struct hbv_est){ o->v, fmin(o->v, fmin(a, b)), fmax(o->v, fmax(a, b)),
                               e[0].kind, NAN, false, NAN, procs };
    }
}

/* Metric m of strategy s along the series: a line through the sizes, and
 * the value at the largest size. */
static bool fit_metric(struct hbv_run *run, const char *key, const char *s, const char *m,
                       struct line_fit *lf, struct hbv_est *at_max)
{
    struct hbv_vals sizes;
    struct hbv_est e[MAX_SIZES];
    double x[MAX_SIZES];
    char where[768];
    size_t n = 0;

    snprintf(where, sizeof where, "%s;strategy=%s", key, s);
    hbv_distinct(hbv_rows(run, HBV_F_INIT), "ram_gib", where, &sizes, true);
    for (size_t i = 0; i < sizes.n && n < MAX_SIZES; i++) {
        snprintf(where, sizeof where, "%s;strategy=%s;ram_gib=%s", key, s, sizes.v[i]);
        if (!hbv_get(run, HBV_F_INIT, where, m, &e[n]))
            continue;
        x[n] = atof(sizes.v[i]);
        *at_max = e[n++];
    }
    if (!n)
        return false;
    snprintf(where, sizeof where, "%s;strategy=%s", key, s);
    if (fit_by_process(run, where, m, x, n, lf))
        fit_by_size(x, e, n, lf);
    hbv_used(run, &lf->at_tib);
    lf->per_gib = no_negative(lf->per_gib);
    lf->at_tib = no_negative(lf->at_tib);
    lf->min_gib = x[0];
    lf->max_gib = x[n - 1];
    return true;
}
/* "measured 1 to 64 GiB, extrapolated x16" */
static void span(char *b, size_t n, const struct line_fit *lf)
{
    if (lf->max_gib >= TIB_GIB)
        snprintf(b, n, "measured %g to %g GiB", lf->min_gib, lf->max_gib);
    else
        snprintf(b, n, "measured %g to %g GiB, extrapolated x%.3g", lf->min_gib, lf->max_gib,
                 TIB_GIB / lf->max_gib);
}

struct strat {               /* what the section compares, per strategy */
    struct hbv_est boot, total;
    bool has_boot, has_total;
    double worst_gib;
};

/* One strategy's row of table t (boot per GiB, at the largest size, at
 * 1 TiB, work after boot, the worst call) and of table tt (all its work). */
static bool init_strategy(struct hbv_verdict *vd, const char *key, const char *s,
                          struct strat *st, int t, int tt)
{
    struct line_fit bf, df, tf, wf;
    struct hbv_est bmax, dmax, tmax, worst;
    char k[96], sp[96];

    if (!fit_metric(vd->r, key, s, "boot_ns", &bf, &bmax))
        return false;
    snprintf(k, sizeof k, "init.%s.boot_per_gib", s);
    hbv_cell(vd, t, s, 0, hbv_num(vd, k, bf.per_gib, "ns"));
    snprintf(k, sizeof k, "init.%s.boot_largest", s);
    hbv_cell(vd, t, s, 1, hbv_num(vd, k, bmax, "ns"));
    snprintf(k, sizeof k, "init.%s.boot_1tib", s);
    hbv_cell(vd, t, s, 2, hbv_num(vd, k, bf.at_tib, "ns"));
    span(sp, sizeof sp, &bf);
    snprintf(vd->span, sizeof vd->span, "%s", sp);
    vd->max_gib = fmax(vd->max_gib, bf.max_gib);
    st->boot = bf.at_tib, st->has_boot = true;
    if (fit_metric(vd->r, key, s, "deferred_ns", &df, &dmax)) {
        snprintf(k, sizeof k, "init.%s.deferred_1tib", s);
        hbv_cell(vd, t, s, 3, hbv_num(vd, k, df.at_tib, "ns"));
    }
    if (fit_metric(vd->r, key, s, "total_ns", &tf, &tmax)) {
        snprintf(k, sizeof k, "init.%s.total_1tib", s);
        st->total = tf.at_tib, st->has_total = true;
        hbv_cell(vd, tt, s, 0, hbv_num(vd, k, tf.at_tib, "ns"));
    }
    if (fit_metric(vd->r, key, s, "worst_ns", &wf, &worst)) {
        snprintf(k, sizeof k, "init.%s.worst", s);
        st->worst_gib = wf.max_gib;
        if (!strcmp(s, "lazy"))
            vd->worst_gib = wf.max_gib;
        hbv_cell(vd, t, s, 4, hbv_num(vd, k, worst, "ns"));
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
    static const char *const wh[] = { "away", "boundary" };
    static const char *const head[] = { "away, per\nfree", "away,\nrelative",
                                        "at boundary,\nper free", "at boundary,\nrelative" };
    int t = -1;

    for (unsigned o = 0; o <= 18; o += 9) {
        char row[32];
        snprintf(row, sizeof row, "order %u", o);
        for (int w = 0; w < 2; w++) {
            struct hbv_est l, u;
            char where[256], k[96], wl[256], wu[256];
            snprintf(where, sizeof where,
                     "series=block_%%s;boundary=natural;order=%u;where=%s", o, wh[w]);
            snprintf(wl, sizeof wl, where, "legacy");
            snprintf(wu, sizeof wu, where, "uninit");
            if (!hbv_get(vd->r, HBV_F_FREE, wl, "real_ns", &l) ||
                !hbv_get(vd->r, HBV_F_FREE, wu, "real_ns", &u))
                continue;
            struct hbv_est d = hbv_sub(u, l), pct = hbv_pct(hbv_div(u, l));
            if (t < 0)
                t = hbv_table(vd, 1, "The uninit encoding's cost in free_heap_pages, against "
                              "legacy on the same block and heap, per free and relative "
                              "(allocations are not measured separately):", 4, head);
            snprintf(k, sizeof k, "free.encoding.order%u.%s.ns", o, wh[w]);
            hbv_cell(vd, t, row, 2 * w, hbv_num(vd, k, d, "+ns"));
            snprintf(k, sizeof k, "free.encoding.order%u.%s.pct", o, wh[w]);
            hbv_cell(vd, t, row, 2 * w + 1, hbv_num(vd, k, pct, "+%"));
            if (o == 0 && w == 0)
                *cost0 = d;
        }
    }
    return t >= 0;
}

/* Only a cost whose interval lies above zero gives a break-even. */
static void break_even(struct hbv_verdict *vd, const char *s, struct hbv_est saving,
                       struct hbv_est cost)
{
    bool no_interval = cost.kind != HBV_EST_EXACT && cost.lo == cost.hi;

    if (no_interval) {      /* one measurement: it bounds nothing */
        hbv_say(vd, 1, 0, "Break-even: no bound at this precision: one measurement of "
            "the uninit encoding's cost per order-0 free, no interval.");
        return;
    }
    if (cost.hi < 0) {
        hbv_say(vd, 1, 0, "Break-even: none: the uninit encoding makes an order-0 free faster "
            "(its whole interval is below zero), so %s's boot saving is never used up.", s);
        return;
    }
    if (!(cost.lo > 0) || !(saving.v > 0)) {
        hbv_say(vd, 1, 0, "Break-even: no bound at this precision: %s.",
            !(saving.v > 0) ? "no boot saving to use up"
                            : "the uninit encoding's cost per order-0 free is not detected");
        return;
    }
    hbv_say(vd, 1, 0, "Break-even: %s's boot saving on a 1 TiB machine (extrapolated) is used "
        "up after %s order-0 frees away from a boundary; past that many, the uninit encoding "
        "has cost more on the hot path than %s saved at boot.", s,
        hbv_num(vd, "init.break_even_frees", hbv_div(saving, cost), "frees"), s);
}

/* ------------------------------------------------------------------------
 * The section
 * ------------------------------------------------------------------------ */

/* What each strategy moves out of boot against the reference, in table
 * tt beside all the work it then does. */
static void savings(struct hbv_verdict *vd, const struct hbv_vals *st, const struct strat *x,
                    size_t ref, int tt)
{
    for (size_t i = 0; i < st->n; i++) {
        if (i == ref || !x[i].has_boot || x[i].boot.v >= x[ref].boot.v)
            continue;
        char k[96];
        snprintf(k, sizeof k, "init.%s.saving_1tib", st->v[i]);
        hbv_cell(vd, tt, st->v[i], 1, hbv_num(vd, k, hbv_sub(x[ref].boot, x[i].boot), "+ns"));
    }
}

/* The series in words: "what=heap;layout=synthetic;nodes=1;aligned=yes;
 * boot_alloc_mib=0" -> "a synthetic memory layout, 1 node, ...". */
static void series_words(char *b, size_t n, const char *key)
{
    char kv[512], *save = NULL;
    size_t l = 0;

    snprintf(kv, sizeof kv, "%s", key);
    b[0] = 0;
    for (char *t = strtok_r(kv, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
        char *v = strchr(t, '=');
        if (!v || !strcmp(t, "what=heap"))
            continue;
        *v++ = 0;
        const char *sep = l ? ", " : "";
        if (!strcmp(t, "layout"))
            l += (size_t)snprintf(b + l, n - l, "%sthe %s memory layout", sep, v);
        else if (!strcmp(t, "nodes"))
            l += (size_t)snprintf(b + l, n - l, "%s%s NUMA node%s", sep, v, strcmp(v, "1") ? "s" : "");
        else if (!strcmp(t, "aligned"))
            l += (size_t)snprintf(b + l, n - l, "%s%s", sep, strcmp(v, "yes") ?
                                  "regions not aligned" : "regions aligned");
        else if (!strcmp(t, "boot_alloc_mib"))
            l += (size_t)snprintf(b + l, n - l, "%s%s%s taken by the boot allocator", sep,
                                  strcmp(v, "0") ? v : "nothing", strcmp(v, "0") ? " MiB" : "");
        else {
            for (char *q = t; *q; q++)
                *q = *q == '_' ? ' ' : *q;
            l += (size_t)snprintf(b + l, n - l, "%s%s %s", sep, t, v);
        }
        if (l >= n)
            return;
    }
}

/* The section's opening sentence and its two init tables (t, tt). */
static void init_tables(struct hbv_verdict *vd, const char *key, int *t, int *tt)
{
    static const char *const head[] = { "boot\nper GiB", "boot at\nlargest size",
                                        "at 1 TiB,\nextrapolated",
                                        "work after\nboot, 1 TiB", "worst call\nafter boot" };
    static const char *const head2[] = { "all work at\n1 TiB", "boot time saved\nvs chunked" };
    char words[600];

    series_words(words, sizeof words, key);
    hbv_say(vd, 1, 0, "Measured on %s.  Strategies: pagewise frees every page at order 0 (Xen "
        "up to 4.16); chunked, the largest aligned blocks (Xen 4.17); patch, the patch as "
        "posted; lazy initialises pages on first use; deferred is lazy plus background "
        "threads.", words);
    *t = hbv_table(vd, 1, "", 5, head);
    *tt = hbv_table(vd, 1, "All initialisation work at 1 TiB, at boot and after, and the "
                    "boot time saved against chunked:", 2, head2);
}

/* Table t's head and title, once the sizes are known. */
static void init_title(struct hbv_verdict *vd, int t)
{
    if (t < 0)
        return;
    snprintf(vd->table[t].head[1], sizeof vd->table[t].head[1], "boot at\n%g GiB", vd->max_gib);
    snprintf(vd->table[t].title, sizeof vd->table[t].title, "end_boot_allocator's time (a "
             "line through the sizes, %s), the work left for after boot and the worst single "
             "allocation or free after boot (measured at %g GiB, not extrapolated):", vd->span,
             vd->max_gib);
}

void hbv_section_init(struct hbv_verdict *vd)
{
    const struct hb_csv *c = hbv_rows(vd->r, HBV_F_INIT);
    char key[512];
    struct hbv_vals st;
    struct strat x[64];
    struct hbv_est cost0 = { 0 };
    size_t ref = SIZE_MAX;
    int t, tt;

    if (!c || !main_series(c, key, sizeof key)) {
        hbv_say(vd, 1, 0, "No init rows in this run: nothing to say about boot time.");
        return;
    }
    hbv_distinct(c, "strategy", key, &st, false);
    init_tables(vd, key, &t, &tt);
    for (size_t i = 0; i < st.n; i++) {
        memset(&x[i], 0, sizeof x[i]);
        if (init_strategy(vd, key, st.v[i], &x[i], t, tt) &&
            (ref == SIZE_MAX || !strcmp(st.v[i], "chunked")))
            ref = i;
    }
    init_title(vd, t);
    if (ref != SIZE_MAX)
        savings(vd, &st, x, ref, tt);
    if (!hot_path(vd, &cost0)) {
        hbv_say(vd, 1, 0, "No encoding:legacy/uninit pairs of block frees in this run.");
        return;
    }
    for (size_t i = 0; ref != SIZE_MAX && i < st.n; i++)
        if (!strcmp(st.v[i], "lazy") && x[i].has_boot)
            break_even(vd, "lazy", hbv_sub(x[ref].boot, x[i].boot), cost0);
}
