/*
 * verdict.c - the verdict of a results folder: the three questions heapbench
 * exists to answer, each as a sentence with its numbers and their
 * intervals, computed from the results folder's CSV files alone (so a
 * report can be redrawn, and a test can recompute every number, without
 * the benchmarks):
 *
 *   1. eager against lazy initialisation: boot time per GiB and at 1 TiB
 *      (least-squares line through the measured sizes), the work deferred,
 *      the worst single call after boot, what the uninit encoding adds to
 *      free_heap_pages, and after how many frees that cost eats the saving;
 *   2. frees at node boundaries: cost at the boundary over the same free
 *      away from it, max-order blocks lost, the range free per page;
 *   3. per-page state scans: pages per ns beyond the cache, the share of the
 *      read roofline, and a full scan of a 1 TiB machine's frame table.
 *
 * Where a number comes from.  For metric M of one benchmark: the summary's
 * M_median with M_ci_lo..M_ci_hi (95 % interval over processes) when the
 * summary has them; else M_median with M_min..M_max (the repetitions of one
 * process); else the tidy rows' median, min and max of M.  A derived number
 * (difference, ratio, line) takes its interval from the ends of its inputs'
 * intervals, the conservative way.  --format csv prints every number with
 * its interval and the exact text the report shows, for tests.
 *
 * With two folders (BASE NEW), the same numbers as changes.  The command,
 * `heapbench verdict`, is bench/cmd/cmd_verdict.c.
 */
#include "bench/compare/verdict.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/compare/abrun.h"
#include "bench/compare/abstats.h"
#include "bench/compare/csvread.h"

enum { F_INIT, F_FREE, F_STATE, NFAM };
static const char *const fam_name[NFAM] = { "init", "free", "state" };

enum est_kind { EST_NONE, EST_REPS, EST_CI };

struct est {                /* a number with its interval */
    double v, lo, hi;
    enum est_kind kind;
};

struct vrun {
    const char *dir;
    struct hb_csv sum[NFAM], tidy[NFAM];
    bool has_sum[NFAM], has_tidy[NFAM];
    unsigned kinds;         /* 1 << enum est_kind of every number used */
    bool pooled;            /* a tidy-row number pooled several processes */
    double processes;       /* largest "processes" seen, 0 if none */
};

#define MAX_ITEMS 256
#define MAX_LINES 160

struct item {               /* one number of the verdict */
    char key[96];
    struct est e;
    const char *unit;
    char shown[160];
};

struct line {
    int section;            /* 0 preface, 1..3 the questions */
    int depth;              /* 0 bullet, 1 sub-bullet */
    char text[1200];
};

struct verdict {
    struct vrun *r;
    struct item item[MAX_ITEMS];
    size_t nitems;
    struct line line[MAX_LINES];
    size_t nlines;
};

/* ------------------------------------------------------------------------
 * Reading the run
 * ------------------------------------------------------------------------ */

/* The summary and the tidy rows of each family the verdict reads, by the
 * file names of a run folder (bench/compare/abrun.h).  A file that is
 * absent or unreadable is left out: the sections say what they lack. */
static void load_run(struct vrun *r, const char *dir)
{
    char why[4096 + 256];

    memset(r, 0, sizeof *r);
    r->dir = dir;
    for (int f = 0; f < NFAM; f++) {
        r->has_sum[f] = !hb_abrun_family_csv(&r->sum[f], dir, fam_name[f], true, why,
                                             sizeof why);
        r->has_tidy[f] = !hb_abrun_family_csv(&r->tidy[f], dir, fam_name[f], false, why,
                                              sizeof why);
    }
}

static void free_run(struct vrun *r)
{
    for (int f = 0; f < NFAM; f++) {
        if (r->has_sum[f])
            hb_csv_free(&r->sum[f]);
        if (r->has_tidy[f])
            hb_csv_free(&r->tidy[f]);
    }
}

/* Whether row r matches "col=val;col=val" (a file without one of the
 * columns matches nothing). */
static bool row_matches(const struct hb_csv *c, size_t r, const char *where)
{
    char buf[512], *save = NULL;

    snprintf(buf, sizeof buf, "%s", where);
    for (char *t = strtok_r(buf, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
        char *eq = strchr(t, '=');
        if (!eq)
            continue;
        *eq = 0;
        int col = hb_csv_col(c, t);
        if (col < 0 || strcmp(hb_csv_get(c, r, col), eq + 1) != 0)
            return false;
    }
    return true;
}

static double cell_num(const struct hb_csv *c, size_t r, const char *col)
{
    int i = hb_csv_col(c, col);
    double v;

    return i >= 0 && hb_csv_num(hb_csv_get(c, r, i), &v) ? v : NAN;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The one row of a summary matching where, or -1 (none, or several
 * benchmarks: the filter is not specific enough for this run). */
static long one_row(const struct hb_csv *c, const char *where)
{
    long hit = -1;

    for (size_t r = 0; r < c->nrows; r++) {
        if (!row_matches(c, r, where))
            continue;
        if (hit >= 0)
            return -1;
        hit = (long)r;
    }
    return hit;
}

static bool est_from_summary(struct vrun *run, int fam, const char *where,
                             const char *m, struct est *e)
{
    const struct hb_csv *c = &run->sum[fam];
    char col[128];
    long r;

    snprintf(col, sizeof col, "%s_median", m);
    if (!run->has_sum[fam] || hb_csv_col(c, col) < 0 || (r = one_row(c, where)) < 0)
        return false;
    e->v = cell_num(c, (size_t)r, col);
    snprintf(col, sizeof col, "%s_ci_lo", m);
    e->lo = cell_num(c, (size_t)r, col);
    snprintf(col, sizeof col, "%s_ci_hi", m);
    e->hi = cell_num(c, (size_t)r, col);
    e->kind = EST_CI;
    if (isnan(e->lo) || isnan(e->hi)) {
        snprintf(col, sizeof col, "%s_min", m);
        e->lo = cell_num(c, (size_t)r, col);
        snprintf(col, sizeof col, "%s_max", m);
        e->hi = cell_num(c, (size_t)r, col);
        e->kind = EST_REPS;
    } else {
        double p = cell_num(c, (size_t)r, "processes");
        if (p > run->processes)
            run->processes = p;
    }
    return !isnan(e->v) && !isnan(e->lo) && !isnan(e->hi);
}

/* Median, min and max of m over the tidy rows matching where; they must
 * all be one benchmark's repetitions. */
static bool est_from_tidy(struct vrun *run, int fam, const char *where,
                          const char *m, struct est *e)
{
    const struct hb_csv *c = &run->tidy[fam];
    int bc = hb_csv_col(c, "benchmark");
    const char *name = NULL, *proc = NULL;
    int pc = hb_csv_col(c, "process");
    size_t n = 0;
    bool pooled = false;

    if (!run->has_tidy[fam] || hb_csv_col(c, m) < 0 || bc < 0)
        return false;
    double *x = malloc((c->nrows + 1) * sizeof *x);
    for (size_t r = 0; x && r < c->nrows; r++) {
        if (!row_matches(c, r, where))
            continue;
        if (name && strcmp(name, hb_csv_get(c, r, bc))) {
            n = 0;          /* several benchmarks: ambiguous */
            break;
        }
        name = hb_csv_get(c, r, bc);
        if (pc >= 0 && proc && strcmp(proc, hb_csv_get(c, r, pc)))
            pooled = true;
        proc = pc >= 0 ? hb_csv_get(c, r, pc) : NULL;
        double v = cell_num(c, r, m);
        if (!isnan(v))
            x[n++] = v;
    }
    if (n)
        *e = (struct est){ hb_median(x, n), x[0], x[n - 1], EST_REPS };
    run->pooled |= n && pooled;
    free(x);
    return n > 0;
}

/* Metric m of the one benchmark of family fam matching where. */
static bool get(struct vrun *run, int fam, const char *where, const char *m,
                struct est *e)
{
    if (!est_from_summary(run, fam, where, m, e) && !est_from_tidy(run, fam, where, m, e))
        return false;
    run->kinds |= 1u << e->kind;
    return true;
}

/* ------------------------------------------------------------------------
 * Arithmetic on intervals (conservative: from the ends)
 * ------------------------------------------------------------------------ */

static enum est_kind kind2(struct est a, struct est b)
{
    return a.kind < b.kind ? a.kind : b.kind;
}

static struct est e_sub(struct est a, struct est b)
{
    return (struct est){ a.v - b.v, a.lo - b.hi, a.hi - b.lo, kind2(a, b) };
}

/* a / b for positive b; an interval of b touching 0 gives an open end. */
static struct est e_div(struct est a, struct est b)
{
    struct est r = { a.v / b.v, 0, 0, kind2(a, b) };
    r.lo = b.hi > 0 ? (a.lo >= 0 ? a.lo / b.hi : a.lo / b.lo) : -INFINITY;
    r.hi = b.lo > 0 ? (a.hi >= 0 ? a.hi / b.lo : a.hi / b.hi) : INFINITY;
    return r;
}

static struct est e_scale(struct est a, double k)
{
    struct est r = { a.v * k, a.lo * k, a.hi * k, a.kind };
    if (k < 0) {
        r.lo = a.hi * k;
        r.hi = a.lo * k;
    }
    return r;
}

/* 1 / a for positive a. */
static struct est e_inv(struct est a)
{
    return (struct est){ 1 / a.v, a.hi > 0 ? 1 / a.hi : 0, a.lo > 0 ? 1 / a.lo : INFINITY,
                         a.kind };
}

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
static struct est spread3(double v, double p, double q, enum est_kind k)
{
    double lo = fmin(v, fmin(p, q)), hi = fmax(v, fmax(p, q));
    return (struct est){ v, lo, hi, k };
}

/* ------------------------------------------------------------------------
 * Formatting
 * ------------------------------------------------------------------------ */

static void fmt_plain(char *b, size_t n, double v)
{
    double a = fabs(v);

    if (isinf(v))
        snprintf(b, n, "%s", v > 0 ? "no bound" : "-no bound");
    else if (a >= 100 || v == floor(v))
        snprintf(b, n, "%.0f", v);
    else if (a >= 10)
        snprintf(b, n, "%.1f", v);
    else if (a >= 1)
        snprintf(b, n, "%.2f", v);
    else if (a >= 0.1)
        snprintf(b, n, "%.2f", v);
    else
        snprintf(b, n, "%.2g", v);
}

/* Counts in words: 140 million. */
static void fmt_count(char *b, size_t n, double v)
{
    static const struct { double k; const char *w; } big[] = {
        { 1e12, " trillion" }, { 1e9, " billion" }, { 1e6, " million" }, { 1e3, " thousand" },
    };
    char t[64];

    for (size_t i = 0; i < 4 && !isinf(v); i++)
        if (fabs(v) >= big[i].k) {
            fmt_plain(t, sizeof t, v / big[i].k);
            snprintf(b, n, "%s%s", t, big[i].w);
            return;
        }
    fmt_plain(b, n, v);
}

/* Time in ns scaled to the unit of its middle value. */
static const char *time_unit(double ns, double *div)
{
    double a = fabs(ns);

    *div = a >= 1e9 ? 1e9 : a >= 1e6 ? 1e6 : a >= 1e3 ? 1e3 : 1;
    return a >= 1e9 ? "s" : a >= 1e6 ? "ms" : a >= 1e3 ? "us" : "ns";
}

static void fmt_signed(char *b, size_t n, double v, bool count, bool sign)
{
    char t[40];

    (count ? fmt_count : fmt_plain)(t, sizeof t, v);
    snprintf(b, n, "%s%s", sign && v >= 0 && !isinf(v) ? "+" : "", t);
}

/* "0.43 ms (0.41 to 0.45)".  unit: ns (scaled to the middle value, or to
 * the larger end if that is 0), x, %, pages/ns, and counts (frees, blocks:
 * no unit word, the sentence says it); a leading '+' prints signs ("+ns",
 * "+%").  An interval of one value prints "(exact)". */
static void show(char *b, size_t n, struct est e, const char *unit)
{
    char v[44], lo[44], hi[44];
    bool sign = unit[0] == '+';
    const char *u = unit + sign;
    bool count = !strcmp(u, "frees") || !strcmp(u, "blocks");
    double div = 1;

    if (!strcmp(u, "ns"))
        u = time_unit(e.v != 0 ? e.v : fmax(fabs(e.lo), fabs(e.hi)), &div);
    if (count)
        u = "";
    fmt_signed(v, sizeof v, e.v / div, count, sign);
    fmt_signed(lo, sizeof lo, e.lo / div, count, sign);
    fmt_signed(hi, sizeof hi, e.hi / div, count, sign);
    if (e.lo == e.hi && e.lo == e.v)
        snprintf(b, n, "%s%s%s (exact)", v, *u && strcmp(u, "x") ? " " : "", u);
    else
        snprintf(b, n, "%s%s%s (%s to %s)", v, *u && strcmp(u, "x") ? " " : "", u, lo, hi);
}

static struct item *add_item(struct verdict *vd, const char *key, struct est e,
                             const char *unit)
{
    if (vd->nitems >= MAX_ITEMS)
        return NULL;
    struct item *it = &vd->item[vd->nitems++];
    snprintf(it->key, sizeof it->key, "%s", key);
    it->e = e;
    it->unit = unit;
    show(it->shown, sizeof it->shown, e, unit);
    return it;
}

static const char *num(struct verdict *vd, const char *key, struct est e, const char *unit)
{
    struct item *it = add_item(vd, key, e, unit);
    return it ? it->shown : "?";
}

static void say(struct verdict *vd, int section, int depth, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void say(struct verdict *vd, int section, int depth, const char *fmt, ...)
{
    va_list ap;

    if (vd->nlines >= MAX_LINES)
        return;
    struct line *l = &vd->line[vd->nlines++];
    l->section = section;
    l->depth = depth;
    va_start(ap, fmt);
    vsnprintf(l->text, sizeof l->text, fmt, ap);
    va_end(ap);
}

/* ------------------------------------------------------------------------
 * Distinct values
 * ------------------------------------------------------------------------ */

struct vals {
    char v[64][64];
    size_t n;
};

static void vals_add(struct vals *s, const char *v)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->v[i], v))
            return;
    if (s->n < 64)
        snprintf(s->v[s->n++], sizeof s->v[0], "%s", v);
}

static int cmp_num_str(const void *a, const void *b)
{
    return cmp_double(&(double){ atof(a) }, &(double){ atof(b) });
}

/* Distinct values of col over the rows matching where, in order of
 * appearance (numeric order if sorted). */
static void distinct(const struct hb_csv *c, const char *col, const char *where,
                     struct vals *out, bool sorted)
{
    int i = hb_csv_col(c, col);

    out->n = 0;
    for (size_t r = 0; i >= 0 && r < c->nrows; r++)
        if (row_matches(c, r, where))
            vals_add(out, hb_csv_get(c, r, i));
    if (sorted)
        qsort(out->v, out->n, sizeof out->v[0], cmp_num_str);
}

/* The family's rows: the summary if there is one, else the tidy rows. */
static const struct hb_csv *rows(const struct vrun *r, int fam)
{
    return r->has_sum[fam] ? &r->sum[fam] : r->has_tidy[fam] ? &r->tidy[fam] : NULL;
}

/* ------------------------------------------------------------------------
 * 1. Eager against lazy initialisation
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
        struct vals sizes;
        distinct(c, "ram_gib", k, &sizes, false);
        if (sizes.n > best) {
            best = sizes.n;
            snprintf(key, keylen, "%s", k);
        }
    }
    return best > 0;
}

struct line_fit {
    struct est per_gib, at_tib;
    double max_gib, min_gib;
};

/* Metric m of strategy s along the series: per-size values, a line. */
static bool fit_metric(struct vrun *run, const char *key, const char *s, const char *m,
                       struct line_fit *lf, struct est *at_max)
{
    struct vals sizes;
    double x[64], y[64], lo[64], hi[64];
    char where[768];
    size_t n = 0;
    enum est_kind k = EST_CI;

    snprintf(where, sizeof where, "%s;strategy=%s", key, s);
    distinct(rows(run, F_INIT), "ram_gib", where, &sizes, true);
    for (size_t i = 0; i < sizes.n; i++) {
        struct est e;
        snprintf(where, sizeof where, "%s;strategy=%s;ram_gib=%s", key, s, sizes.v[i]);
        if (!get(run, F_INIT, where, m, &e))
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
static bool init_strategy(struct verdict *vd, const char *key, const char *s, struct est *boot)
{
    struct line_fit bf, df, wf;
    struct est bmax, dmax, worst;
    char k[96], a[160], b[160], d[160], w[160];

    if (!fit_metric(vd->r, key, s, "boot_ns", &bf, &bmax))
        return false;
    snprintf(k, sizeof k, "init.%s.boot_per_gib", s);
    snprintf(a, sizeof a, "%s", num(vd, k, bf.per_gib, "ns"));
    snprintf(k, sizeof k, "init.%s.boot_1tib", s);
    snprintf(b, sizeof b, "%s", num(vd, k, bf.at_tib, "ns"));
    *boot = bf.at_tib;
    say(vd, 1, 0, "%s: end_boot_allocator takes %s per GiB, so %s at 1 TiB "
        "(a straight line through %g to %g GiB, extrapolated).", strategy_what(s), a, b,
        bf.min_gib, bf.max_gib);
    if (fit_metric(vd->r, key, s, "deferred_ns", &df, &dmax)) {
        snprintf(k, sizeof k, "init.%s.deferred_1tib", s);
        snprintf(d, sizeof d, "%s", num(vd, k, df.at_tib, "ns"));
        say(vd, 1, 1, "Work left for after boot at 1 TiB: %s.", d);
    }
    if (fit_metric(vd->r, key, s, "worst_ns", &wf, &worst)) {
        snprintf(k, sizeof k, "init.%s.worst", s);
        snprintf(w, sizeof w, "%s", num(vd, k, worst, "ns"));
        say(vd, 1, 1, "The worst single allocation or free after boot, at %g GiB, waits %s.",
            wf.max_gib, w);
    }
    return true;
}

/* What the uninit encoding adds to free_heap_pages, order by order; the
 * order-0 free away from a boundary goes to *cost0. */
static bool hot_path(struct verdict *vd, struct est *cost0)
{
    bool any = false;
    static const char *const wh[] = { "away", "boundary" };

    for (unsigned o = 0; o <= 18; o += 9) {
        char txt[2][400];
        int got = 0;
        for (int w = 0; w < 2; w++) {
            struct est l, u;
            char where[256], k[96], add[160];
            snprintf(where, sizeof where,
                     "what=block;boundary=natural;order=%u;where=%s;variant=node_check;%%s",
                     o, wh[w]);
            char wl[256], wu[256];
            snprintf(wl, sizeof wl, where, "encoding=legacy");
            snprintf(wu, sizeof wu, where, "encoding=uninit");
            txt[w][0] = 0;
            if (!get(vd->r, F_FREE, wl, "real_ns", &l) || !get(vd->r, F_FREE, wu, "real_ns", &u))
                continue;
            struct est d = e_sub(u, l), r = e_div(u, l);
            struct est pct = { (r.v - 1) * 100, (r.lo - 1) * 100, (r.hi - 1) * 100, r.kind };
            snprintf(k, sizeof k, "free.encoding.order%u.%s.ns", o, wh[w]);
            snprintf(add, sizeof add, "%s", num(vd, k, d, "+ns"));
            snprintf(k, sizeof k, "free.encoding.order%u.%s.pct", o, wh[w]);
            snprintf(txt[w], sizeof txt[w], "%s per free %s (%s)", add,
                     w ? "at a boundary" : "away from a boundary", num(vd, k, pct, "+%"));
            if (o == 0 && w == 0)
                *cost0 = d;
            got++;
        }
        if (!got)
            continue;
        say(vd, 1, 1, "Order %u: the uninit encoding changes free_heap_pages by %s%s%s, "
            "against legacy on the same block and heap.", o, txt[0],
            *txt[0] && *txt[1] ? "; " : "", txt[1]);
        any = true;
    }
    return any;
}

static void break_even(struct verdict *vd, const char *s, struct est saving, struct est cost)
{
    if (cost.hi <= 0) {
        say(vd, 1, 0, "Break-even: the uninit encoding's cost per order-0 free is not above "
            "zero anywhere in its interval, so %s's boot saving is never used up.", s);
        return;
    }
    struct est n = e_div(saving, cost);
    if (cost.v <= 0) {
        n.v = n.lo;         /* the one end the data can give */
        say(vd, 1, 0, "Break-even: the uninit encoding adds no measurable time to an order-0 "
            "free (its interval includes zero); even at the interval's upper end, %s's boot "
            "saving on a 1 TiB machine lasts at least %s order-0 frees.", s,
            num(vd, "init.break_even_frees", n, "frees"));
        return;
    }
    say(vd, 1, 0, "Break-even: %s's boot saving on a 1 TiB machine is used up after %s "
        "order-0 frees away from a boundary; past that many, the uninit encoding has cost "
        "more on the hot path than %s saved at boot.", s,
        num(vd, "init.break_even_frees", n, "frees"), s);
}

static void section_init(struct verdict *vd)
{
    const struct hb_csv *c = rows(vd->r, F_INIT);
    char key[512];
    struct vals st;
    struct est boot[64], ref = { 0 }, cost0 = { 0 };
    const char *refname = NULL;
    bool have_cost;

    if (!c || !main_series(c, key, sizeof key)) {
        say(vd, 1, 0, "No init rows in this run: nothing to say about boot time.");
        return;
    }
    distinct(c, "strategy", key, &st, false);
    say(vd, 1, 0, "Series measured: %s (init rows).", key);
    for (size_t i = 0; i < st.n; i++) {
        boot[i].kind = EST_NONE;
        if (!init_strategy(vd, key, st.v[i], &boot[i]))
            boot[i].kind = EST_NONE;
        else if (!refname || !strcmp(st.v[i], "chunked"))
            ref = boot[i], refname = st.v[i];
    }
    for (size_t i = 0; refname && i < st.n; i++) {
        if (boot[i].kind == EST_NONE || boot[i].v >= ref.v)
            continue;
        char k[96];
        snprintf(k, sizeof k, "init.%s.saving_1tib", st.v[i]);
        say(vd, 1, 0, "%s moves %s of a 1 TiB boot to later, against %s.", st.v[i],
            num(vd, k, e_sub(ref, boot[i]), "ns"), refname);
    }
    say(vd, 1, 0, "The cost on the hot path (allocations are not measured separately):");
    have_cost = hot_path(vd, &cost0);
    if (!have_cost)
        say(vd, 1, 1, "No encoding:legacy/uninit pairs of block frees in this run.");
    for (size_t i = 0; have_cost && refname && i < st.n; i++)
        if (!strcmp(st.v[i], "lazy") && boot[i].kind != EST_NONE)
            break_even(vd, "lazy", e_sub(ref, boot[i]), cost0);
}

/* ------------------------------------------------------------------------
 * 2. High-order frees at node boundaries
 * ------------------------------------------------------------------------ */

static void boundary_ratios(struct verdict *vd, const char *kind)
{
    char txt[1000] = "";
    size_t len = 0;

    for (unsigned o = 0; o <= 18; o += 9) {
        struct est b, a;
        char wb[256], wa[256], k[96];
        const char *fmtw = "what=block;boundary=%s;order=%u;where=%s;variant=node_check;"
                           "encoding=legacy";
        snprintf(wb, sizeof wb, fmtw, kind, o, "boundary");
        snprintf(wa, sizeof wa, fmtw, kind, o, "away");
        if (!get(vd->r, F_FREE, wb, "real_ns", &b) || !get(vd->r, F_FREE, wa, "real_ns", &a))
            continue;
        snprintf(k, sizeof k, "free.%s.order%u.ratio", kind, o);
        len += (size_t)snprintf(txt + len, sizeof txt - len, "%s%s at order %u",
                                len ? ", " : "", num(vd, k, e_div(b, a), "x"), o);
    }
    if (len)
        say(vd, 2, 0, "%s boundary: a free next to it costs %s of the same free away from it.",
            kind, txt);
    else
        say(vd, 2, 0, "%s boundary: no block frees at and away from it in this run.", kind);
}

static void boundary_frag(struct verdict *vd, const char *kind, const char *maxo,
                          struct est *nat)
{
    struct est l, r;
    char w[256], k[96];

    snprintf(w, sizeof w, "what=frag;boundary=%s;order=%s;variant=node_check;encoding=legacy",
             kind, maxo);
    if (!get(vd->r, F_FREE, w, "left_blocks", &l) || !get(vd->r, F_FREE, w, "right_blocks", &r))
        return;
    struct est n = { l.v + r.v, l.lo + r.lo, l.hi + r.hi, kind2(l, r) };
    if (!strcmp(kind, "natural"))
        *nat = n;
    if (nat->kind == EST_NONE || !strcmp(kind, "natural")) {
        snprintf(k, sizeof k, "free.%s.maxorder_blocks", kind);
        say(vd, 2, 1, "After a full init, the two nodes hold %s free order-%s blocks.",
            num(vd, k, n, "blocks"), maxo);
        return;
    }
    snprintf(k, sizeof k, "free.%s.maxorder_lost", kind);
    say(vd, 2, 1, "Fragmentation: %s free blocks of order %s lost to the boundary, against "
        "a 1 GiB-aligned one.",
        num(vd, k, e_sub(*nat, n), "blocks"), maxo);
}

static void boundary_range(struct verdict *vd, const char *kind, const char *maxr)
{
    struct est lz, eg;
    char w[256], k[96], a[160];

    snprintf(w, sizeof w, "what=range;boundary=%s;order=%s;path=lazy", kind, maxr);
    if (!get(vd->r, F_FREE, w, "ns_per_page", &lz))
        return;
    snprintf(w, sizeof w, "what=range;boundary=%s;order=%s;path=eager", kind, maxr);
    snprintf(k, sizeof k, "free.%s.range_lazy_per_page", kind);
    snprintf(a, sizeof a, "%s", num(vd, k, lz, "ns"));
    if (!get(vd->r, F_FREE, w, "ns_per_page", &eg)) {
        say(vd, 2, 1, "A free of 2^%s never-initialised pages across it costs %s per page.",
            maxr, a);
        return;
    }
    snprintf(k, sizeof k, "free.%s.range_eager_per_page", kind);
    say(vd, 2, 1, "A free of 2^%s pages across it costs %s per page through free_heap_pages "
        "on uninitialised pages (lazy), %s through init_heap_pages (eager).", maxr, a,
        num(vd, k, eg, "ns"));
}

static void section_free(struct verdict *vd)
{
    const struct hb_csv *c = rows(vd->r, F_FREE);
    struct vals kinds, fo, ro;
    struct est nat = { 0, 0, 0, EST_NONE };

    if (!c) {
        say(vd, 2, 0, "No free rows in this run: nothing to say about node boundaries.");
        return;
    }
    distinct(c, "boundary", "what=block", &kinds, false);
    distinct(c, "order", "what=frag", &fo, true);
    distinct(c, "order", "what=range", &ro, true);
    /* natural first: the others' losses are counted against it */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < kinds.n; i++) {
            if ((pass == 0) != !strcmp(kinds.v[i], "natural"))
                continue;
            boundary_ratios(vd, kinds.v[i]);
            if (fo.n)
                boundary_frag(vd, kinds.v[i], fo.v[fo.n - 1], &nat);
            if (ro.n)
                boundary_range(vd, kinds.v[i], ro.v[ro.n - 1]);
        }
}

/* ------------------------------------------------------------------------
 * 3. Per-page state checks
 * ------------------------------------------------------------------------ */

#define TIB_PAGES 268435456.0   /* 1 TiB of 4 KiB frames */

static const char *layout_what(const char *l)
{
    if (!strcmp(l, "entries"))
        return "32-byte entries";
    if (!strcmp(l, "bytearray"))
        return "separate state array";
    return l;
}

static void state_one(struct verdict *vd, const char *enc, const char *lay, const char *tb)
{
    struct vals impls;
    struct est best = { 0 }, ratio = { 0 }, e;
    const char *bi = NULL;
    char w[256], k[96], a[160], b[160];

    snprintf(w, sizeof w, "what=scan;encoding=%s;layout=%s;table_bytes=%s", enc, lay, tb);
    distinct(rows(vd->r, F_STATE), "impl", w, &impls, false);
    for (size_t i = 0; i < impls.n; i++) {
        snprintf(w, sizeof w, "what=scan;encoding=%s;layout=%s;table_bytes=%s;impl=%s", enc, lay,
                 tb, impls.v[i]);
        if (!get(vd->r, F_STATE, w, "ns_per_page", &e) || (bi && e.v >= best.v))
            continue;
        if (!get(vd->r, F_STATE, w, "ratio", &ratio))
            ratio.kind = EST_NONE;
        best = e, bi = impls.v[i];
    }
    if (!bi)
        return;
    snprintf(k, sizeof k, "state.%s.%s.pages_per_ns", enc, lay);
    snprintf(a, sizeof a, "%s", num(vd, k, e_inv(best), "pages/ns"));
    snprintf(k, sizeof k, "state.%s.%s.scan_1tib", enc, lay);
    snprintf(b, sizeof b, "%s", num(vd, k, e_scale(best, TIB_PAGES), "ns"));
    if (ratio.kind != EST_NONE) {
        char r[160];
        snprintf(k, sizeof k, "state.%s.%s.roofline_pct", enc, lay);
        snprintf(r, sizeof r, "%s", num(vd, k, e_scale(e_inv(ratio), 100), "%"));
        say(vd, 3, 1, "%s encoding, %s (%s, the fastest here): %s, %s of the read roofline; "
            "a scan of a 1 TiB machine's frame table takes %s.", enc, layout_what(lay), bi, a,
            r, b);
    } else {
        say(vd, 3, 1, "%s encoding, %s (%s, the fastest here): %s; a scan of a 1 TiB "
            "machine's frame table takes %s.", enc, layout_what(lay), bi, a, b);
    }
}

static void section_state(struct verdict *vd)
{
    const struct hb_csv *c = rows(vd->r, F_STATE);
    struct vals tbs, encs, lays;

    if (!c) {
        say(vd, 3, 0, "No state rows in this run: nothing to say about state checks.");
        return;
    }
    distinct(c, "table_bytes", "what=scan", &tbs, true);
    if (!tbs.n)
        return;
    const char *tb = tbs.v[tbs.n - 1];
    say(vd, 3, 0, "Measured on a %g MiB table (the largest in this run; compare the LLC in the "
        "environment), pages per ns with the best implementation:", atof(tb) / 1048576);
    distinct(c, "encoding", "what=scan", &encs, false);
    distinct(c, "layout", "what=scan", &lays, false);
    for (size_t i = 0; i < encs.n; i++)
        for (size_t j = 0; j < lays.n; j++)
            state_one(vd, encs.v[i], lays.v[j], tb);
}

/* ------------------------------------------------------------------------
 * Output
 * ------------------------------------------------------------------------ */

/* Sections: 0 the answers in short, 1..3 the questions, 4 how to read the
 * intervals. */
static const char *const section_title[] = {
    "In short", "Eager against lazy initialisation", "High-order frees at node boundaries",
    "Per-page state checks", "Intervals",
};

static const struct item *find(const struct verdict *vd, const char *key)
{
    for (size_t i = 0; i < vd->nitems; i++)
        if (!strcmp(vd->item[i].key, key))
            return &vd->item[i];
    return NULL;
}

/* The item whose key starts with prefix and ends with suffix and whose
 * value is the largest. */
static const struct item *find_max(const struct verdict *vd, const char *prefix,
                                   const char *suffix)
{
    const struct item *best = NULL;
    size_t pl = strlen(prefix), sl = strlen(suffix);

    for (size_t i = 0; i < vd->nitems; i++) {
        const struct item *it = &vd->item[i];
        size_t kl = strlen(it->key);
        if (kl >= pl + sl && !strncmp(it->key, prefix, pl) && !strcmp(it->key + kl - sl, suffix) &&
            (!best || it->e.v > best->e.v))
            best = it;
    }
    return best;
}

/* One sentence per question, from numbers the sections computed. */
static void in_short(struct verdict *vd)
{
    const struct item *sv = find(vd, "init.lazy.saving_1tib"), *w = find(vd, "init.lazy.worst"),
                      *c = find(vd, "free.encoding.order0.away.ns"),
                      *be = find(vd, "init.break_even_frees");
    if (sv && w)
        say(vd, 0, 0, "Lazy initialisation moves %s of a 1 TiB boot to later (against chunked); "
            "the worst allocation or free after boot then waits %s.", sv->shown, w->shown);
    if (c)
        say(vd, 0, 0, "The uninit encoding changes an order-0 free by %s%s%s%s.", c->shown,
            !be ? "" : c->e.v <= 0 ? "; lazy's boot saving at 1 TiB lasts at least "
                                   : "; lazy's boot saving at 1 TiB is used up after ",
            be ? be->shown : "", be ? " such frees" : "");
    const struct item *r = find_max(vd, "free.", ".ratio");
    if (r) {
        char kind[96];
        unsigned order = 0;
        snprintf(kind, sizeof kind, "%s", r->key + 5);
        char *dot = strchr(kind, '.');
        if (dot) {
            *dot = 0;
            sscanf(dot + 1, "order%u", &order);
        }
        say(vd, 0, 0, "A free next to a node boundary costs at most %s of the same free away "
            "from it (%s boundary, order %u).", r->shown, kind, order);
    }
    const struct item *e = find(vd, "state.legacy.entries.scan_1tib"),
                      *b = find(vd, "state.legacy.bytearray.scan_1tib");
    if (e)
        say(vd, 0, 0, "A scan of a 1 TiB machine's frame table takes %s with 32-byte entries%s%s%s.",
            e->shown, b ? " and " : "", b ? b->shown : "", b ? " with a separate state array" : "");
    if (b && !e)
        say(vd, 0, 0, "A scan of a 1 TiB machine's frame table takes %s with a separate state "
            "array.", b->shown);
}

static void preface(struct verdict *vd)
{
    unsigned k = vd->r->kinds;

    if (k & (1u << EST_CI))
        say(vd, 4, 0, "%s a median with its 95 %% confidence interval over %g "
            "processes (from the run's per-process statistics).",
            k & (1u << EST_REPS) ? "A number from the summaries is" : "Every number is",
            vd->r->processes);
    if ((k & (1u << EST_REPS)) && vd->r->pooled)
        say(vd, 4, 0, "%s (counters the summaries do not cover: boot_ns, deferred_ns, "
            "worst_ns, block counts) the median and min-max of every repetition of every "
            "process, pooled: a range, not a confidence interval.",
            k & (1u << EST_CI) ? "The other numbers carry" : "Every number carries");
    else if (k & (1u << EST_REPS))
        say(vd, 4, 0, "%s the min-max of the repetitions: an interval over "
            "repetitions of one process, narrower than the machine's run-to-run noise.",
            k & (1u << EST_CI) ? "The other numbers carry" : "Every number carries");
    say(vd, 4, 0, "A number computed from two measurements (a difference, a ratio, a line) "
        "takes its interval from their intervals' ends.");
}

static void build(struct verdict *vd, struct vrun *r)
{
    memset(vd, 0, sizeof *vd);
    vd->r = r;
    section_init(vd);
    section_free(vd);
    section_state(vd);
    preface(vd);                    /* needs the kinds the sections used */
    struct line *body = malloc(vd->nlines * sizeof *body);
    if (!body)
        return;
    size_t n = vd->nlines;
    memcpy(body, vd->line, n * sizeof *body);
    vd->nlines = 0;
    in_short(vd);                   /* first, from the sections' numbers */
    for (size_t i = 0; i < n && vd->nlines < MAX_LINES; i++)
        vd->line[vd->nlines++] = body[i];
    free(body);
}

static void html_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '<')
            fputs("&lt;", f);
        else if (*s == '>')
            fputs("&gt;", f);
        else if (*s == '&')
            fputs("&amp;", f);
        else
            fputc(*s, f);
    }
}

static void print_md(FILE *f, const struct verdict *vd)
{
    int sec = -1;

    fprintf(f, "## Verdict\n\n");
    for (size_t i = 0; i < vd->nlines; i++) {
        const struct line *l = &vd->line[i];
        if (l->section != sec) {
            sec = l->section;
            if (sec >= 1 && sec <= 3)
                fprintf(f, "\n### %d. %s\n\n", sec, section_title[sec]);
            else if (sec)
                fprintf(f, "\n### %s\n\n", section_title[sec]);
        }
        fprintf(f, "%s- %s\n", l->depth ? "  " : "", l->text);
    }
}

static void close_lists(FILE *f, int depth)
{
    for (; depth >= 0; depth--)
        fputs("</li></ul>", f);
    fputc('\n', f);
}

static void print_html(FILE *f, const struct verdict *vd)
{
    int sec = -1, depth = -1;

    fprintf(f, "<section id=\"verdict\"><h2>Verdict</h2>\n");
    for (size_t i = 0; i < vd->nlines; i++) {
        const struct line *l = &vd->line[i];
        if (l->section != sec) {
            if (depth >= 0)
                close_lists(f, depth);
            depth = -1;
            sec = l->section;
            if (sec >= 1 && sec <= 3)
                fprintf(f, "<h3>%d. %s</h3>\n", sec, section_title[sec]);
            else if (sec)
                fprintf(f, "<h3>%s</h3>\n", section_title[sec]);
        }
        if (l->depth > depth)
            fprintf(f, "<ul class=\"s%d\"><li>", sec);
        else if (l->depth < depth)
            fputs("</li></ul></li><li>", f);
        else
            fputs("</li><li>", f);
        depth = l->depth;
        html_text(f, l->text);
        fputc('\n', f);
    }
    if (depth >= 0)
        close_lists(f, depth);
    fprintf(f, "</section>\n");
}

static void csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++)
        fputs(*s == '"' ? "\"\"" : (char[]){ *s, 0 }, f);
    fputc('"', f);
}

static void print_csv(FILE *f, const struct verdict *vd)
{
    fprintf(f, "key,value,lo,hi,unit,interval,shown\n");
    for (size_t i = 0; i < vd->nitems; i++) {
        const struct item *it = &vd->item[i];
        fprintf(f, "%s,%.17g,%.17g,%.17g,%s,%s,", it->key, it->e.v, it->e.lo, it->e.hi,
                it->unit, it->e.kind == EST_CI ? "ci95" : "reps");
        csv_field(f, it->shown);
        fputc('\n', f);
    }
}

/* A verdict number's key in words: "init.lazy.saving_1tib" -> "lazy: boot
 * time saved at 1 TiB, against chunked". */
static void describe(char *b, size_t n, const char *key)
{
    static const struct { const char *suffix, *words; } w[] = {
        { ".boot_per_gib", "boot time per GiB" },
        { ".boot_1tib", "boot time at 1 TiB" },
        { ".deferred_1tib", "work deferred after boot at 1 TiB" },
        { ".worst", "worst call after boot" },
        { ".saving_1tib", "boot time saved at 1 TiB" },
        { ".ns", "time uninit adds per free" },
        { ".pct", "time uninit adds per free, %" },
        { ".ratio", "free at boundary / away" },
        { ".maxorder_blocks", "free max-order blocks" },
        { ".maxorder_lost", "max-order blocks lost" },
        { ".range_lazy_per_page", "range free per page, lazy" },
        { ".range_eager_per_page", "range free per page, eager" },
        { ".pages_per_ns", "scan, pages per ns" },
        { ".scan_1tib", "scan of a 1 TiB frame table" },
        { ".roofline_pct", "scan, % of read roofline" },
        { "break_even_frees", "break-even, order-0 frees" },
    };
    size_t kl = strlen(key);

    for (size_t i = 0; i < sizeof w / sizeof w[0]; i++) {
        size_t sl = strlen(w[i].suffix);
        if (kl >= sl && !strcmp(key + kl - sl, w[i].suffix)) {
            const char *mid = strchr(key, '.');
            int ml = (int)(kl - sl) - (int)(mid ? mid + 1 - key : 0);
            if (!mid || ml <= 0)
                snprintf(b, n, "%s", w[i].words);
            else
                snprintf(b, n, "%.*s: %s", ml, mid + 1, w[i].words);
            return;
        }
    }
    snprintf(b, n, "%s", key);
}

/* Two runs: every number of both, as a change. */
static void print_delta(FILE *f, const struct verdict *a, const struct verdict *b)
{
    size_t n = 0;

    fprintf(f, "## Verdict, BASE -> NEW\n\nBASE %s, NEW %s. Each line: the number in BASE, "
            "in NEW, and the change (intervals as in each run's verdict).\n\n",
            a->r->dir, b->r->dir);
    for (size_t i = 0; i < a->nitems; i++)
        for (size_t j = 0; j < b->nitems; j++) {
            const struct item *x = &a->item[i], *y = &b->item[j];
            if (strcmp(x->key, y->key))
                continue;
            char pct[64] = "";
            if (x->e.v != 0 && isfinite(x->e.v) && isfinite(y->e.v))
                snprintf(pct, sizeof pct, " (%+.1f %%)", (y->e.v / x->e.v - 1) * 100);
            char what[160];
            describe(what, sizeof what, x->key);
            fprintf(f, "- %s: %s -> %s%s\n", what, x->shown, y->shown, pct);
            n++;
        }
    if (!n)
        fprintf(f, "The two runs have no verdict number in common.\n");
}

bool hb_verdict_is_run(const char *dir)
{
    struct vrun r;
    bool any = false;

    load_run(&r, dir);
    for (int f = 0; f < NFAM; f++)
        any |= r.has_sum[f] || r.has_tidy[f];
    free_run(&r);
    return any;
}

/* ------------------------------------------------------------------------
 * The verdict of one or two folders
 * ------------------------------------------------------------------------ */

int hb_verdict_write(FILE *f, const char *const dirs[], int nd,
                     enum hb_verdict_format fmt)
{
    struct vrun *r;
    struct verdict *vd;

    if (nd < 1 || nd > 2)
        return -EINVAL;
    r = calloc(2, sizeof *r);
    vd = calloc(2, sizeof *vd);
    if (!r || !vd) {
        free(r), free(vd);
        return -ENOMEM;
    }
    for (int i = 0; i < nd; i++) {
        load_run(&r[i], dirs[i]);
        build(&vd[i], &r[i]);
    }
    if (nd == 2)
        print_delta(f, &vd[0], &vd[1]);
    else if (fmt == HB_VERDICT_HTML)
        print_html(f, &vd[0]);
    else if (fmt == HB_VERDICT_CSV)
        print_csv(f, &vd[0]);
    else
        print_md(f, &vd[0]);
    for (int i = 0; i < nd; i++)
        free_run(&r[i]);
    free(r), free(vd);
    return 0;
}
