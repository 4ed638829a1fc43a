/*
 * verdict_xen.c - what real Xen 4.17 said, counted exactly under QEMU:
 * the model held against Xen (xen_fidelity.csv, from `make xen-check`)
 * and Xen's own variants (xen_variants.csv and xen_variants_model.csv,
 * from `make xen-bench`), as the verdict's last section and one sentence
 * in short.  Every figure is computed from those CSVs; where the model and
 * Xen disagree (a ratio outside 0.90-1.10, or the encoding's cost off by
 * as much) both figures are shown and the sentence says so.  Without a
 * table the section says that no Xen check was run, and how to run one.
 */
#define _GNU_SOURCE
#include "bench/compare/verdict_int.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define SEC HBV_SECTION_XEN
#define BAND_LO 0.90
#define BAND_HI 1.10
#define MAXG 32

/* ------------------------------------------------------------------------
 * Groups of rows: the range of up to three figures
 * ------------------------------------------------------------------------ */

struct xgrp {
    char key[96];
    double lo[3], hi[3], sum[3];
    int n, in_band, equal;
    char outside[200];          /* the layouts outside the band */
};

struct xgroups {
    struct xgrp g[MAXG];
    size_t n;
};

static struct xgrp *grp(struct xgroups *gs, const char *key)
{
    for (size_t i = 0; i < gs->n; i++)
        if (!strcmp(gs->g[i].key, key))
            return &gs->g[i];
    if (gs->n >= MAXG)
        return NULL;
    struct xgrp *g = &gs->g[gs->n++];
    memset(g, 0, sizeof *g);
    snprintf(g->key, sizeof g->key, "%s", key);
    for (int k = 0; k < 3; k++)
        g->lo[k] = INFINITY, g->hi[k] = -INFINITY;
    return g;
}

static void put(struct xgrp *g, int k, double x)
{
    g->lo[k] = fmin(g->lo[k], x);
    g->hi[k] = fmax(g->hi[k], x);
    g->sum[k] += x;
}

static bool in_band(double r)
{
    return r >= BAND_LO && r <= BAND_HI;
}

/* A count: "58.0", "13374"; a range "571 to 597". */
static void fmt_n(char *b, size_t n, double x)
{
    snprintf(b, n, fabs(x) >= 100 || x == floor(x) ? "%.0f" : "%.1f", x);
}

static void fmt_range(char *b, size_t n, double lo, double hi, bool sign, bool ratio)
{
    char a[32], c[32];

    if (ratio) {
        snprintf(a, sizeof a, "%.3f", lo);
        snprintf(c, sizeof c, "%.3f", hi);
    } else {
        fmt_n(a, sizeof a, lo);
        fmt_n(c, sizeof c, hi);
        if (sign) {
            snprintf(a, sizeof a, "%+.0f", lo);
            snprintf(c, sizeof c, "%+.0f", hi);
        }
    }
    if (!strcmp(a, c))
        snprintf(b, n, "%s", a);
    else
        snprintf(b, n, "%s to %s", a, c);
}

/* A range in a table cell, narrower: "571-597". */
static void tab_range(char *b, size_t n, double lo, double hi, bool ratio)
{
    char t[96], *to;

    fmt_range(t, sizeof t, lo, hi, false, ratio);
    if ((to = strstr(t, " to ")))
        snprintf(b, n, "%.*s-%s", (int)(to - t), t, to + 4);
    else
        snprintf(b, n, "%s", t);
}

/* "node3-away" -> "away": the node is in the layout's column. */
static const char *where_kind(const char *w)
{
    const char *dash = strchr(w, '-');

    return !strncmp(w, "node", 4) && dash ? dash + 1 : w;
}

static bool load(const struct hbv_run *r, const char *name, struct hb_csv *c)
{
    char path[PATH_MAX], why[160];

    snprintf(path, sizeof path, "%s/%s", r->dir, name);
    if (hb_csv_load(c, path, why, sizeof why))
        return false;
    if (!c->nrows) {
        hb_csv_free(c);
        return false;
    }
    return true;
}

/* Row i's cell of column name ("" if none). */
static const char *cell(const struct hb_csv *c, size_t i, const char *name)
{
    int k = hb_csv_col(c, name);

    return k < 0 ? "" : hb_csv_get(c, i, k);
}

static double numc(const struct hb_csv *c, size_t i, const char *name)
{
    double x;

    return hb_csv_num(cell(c, i, name), &x) ? x : NAN;
}

/* An operation's label: "end_boot_allocator", "free o9 away", "alloc o0
 * boundary" (the node is in the layout's column). */
static void op_key(char *b, size_t n, const struct hb_csv *c, size_t i)
{
    const char *path = cell(c, i, "path");

    if (!strcmp(path, "alloc_heap_pages") || !strcmp(path, "free_heap_pages"))
        snprintf(b, n, "%s o%s %s", path[0] == 'a' ? "alloc" : "free", cell(c, i, "order"),
                 where_kind(cell(c, i, "where")));
    else
        snprintf(b, n, "%s", path);
}

/* An exact number with the text the verdict shows for it. */
static void item(struct hbv_verdict *vd, const char *key, double v, double lo, double hi,
                 const char *unit, const char *shown)
{
    size_t n = vd->nitems;
    struct hbv_est e = { v, lo, hi, HBV_EST_EXACT, NAN, false, NAN, NAN };

    hbv_num(vd, key, e, unit);
    if (vd->nitems > n)
        snprintf(vd->item[n].shown, sizeof vd->item[n].shown, "%s", shown);
}

/* " (xen-check of 2026-12-07T21:05:00Z, 3 days before this run)". */
static void source_note(char *b, size_t n, const struct hbv_run *r, const char *stem,
                        const char *what)
{
    char k[64];
    struct tm a = { 0 }, t = { 0 };
    const char *d, *run = hbv_env(r, "date_utc");

    snprintf(k, sizeof k, "%s_date", stem);
    d = hbv_env(r, k);
    if (!d) {
        snprintf(b, n, "%s of an unrecorded date", what);
        return;
    }
    if (run && strptime(d, "%Y-%m-%dT%H:%M:%SZ", &a) && strptime(run, "%Y-%m-%dT%H:%M:%SZ", &t)) {
        double days = difftime(timegm(&t), timegm(&a)) / 86400;
        if (days >= 1)
            snprintf(b, n, "%s of %s, %.0f days before this run", what, d, floor(days));
        else
            snprintf(b, n, "%s of %s, the day of this run", what, d);
        return;
    }
    snprintf(b, n, "%s of %s", what, d);
}

/* ------------------------------------------------------------------------
 * The model against Xen (xen_fidelity.csv)
 * ------------------------------------------------------------------------ */

static void fidelity_table(struct hbv_verdict *vd, struct xgroups *gs)
{
    static const char *const heads[] = { "model\n/ Xen", "Xen", "model", "blocks\nsame",
                                         "out of\nband" };
    int t = hbv_table(vd, SEC, "The model against Xen 4.17 per operation (o: order; "
                      "end_boot_allocator per page, a call per call), exact instructions, "
                      "the range across layouts:", 5, heads);
    char b[200];

    for (size_t i = 0; i < gs->n; i++) {
        const struct xgrp *g = &gs->g[i];
        tab_range(b, sizeof b, g->lo[2], g->hi[2], true);
        hbv_cell(vd, t, g->key, 0, b);
        tab_range(b, sizeof b, g->lo[0], g->hi[0], false);
        hbv_cell(vd, t, g->key, 1, b);
        tab_range(b, sizeof b, g->lo[1], g->hi[1], false);
        hbv_cell(vd, t, g->key, 2, b);
        snprintf(b, sizeof b, "%d of %d", g->equal, g->n);
        hbv_cell(vd, t, g->key, 3, b);
        snprintf(b, sizeof b, "%d of %d", g->n - g->in_band, g->n);
        hbv_cell(vd, t, g->key, 4, b);
    }
}

/* Rows grouped by path, order and place; the end_boot_allocator group
 * first.  Counts every row into *rows, *band, *equal. */
static void fidelity_groups(const struct hb_csv *c, struct xgroups *gs, int *rows, int *band,
                            int *equal)
{
    grp(gs, "end_boot_allocator");
    for (size_t i = 0; i < c->nrows; i++) {
        double x = numc(c, i, "xen_instructions"), m = numc(c, i, "model_instructions"),
               r = numc(c, i, "ratio");
        char key[96];
        if (isnan(x) || isnan(m) || isnan(r))
            continue;
        op_key(key, sizeof key, c, i);
        struct xgrp *g = grp(gs, key);
        if (!g)
            continue;
        put(g, 0, x), put(g, 1, m), put(g, 2, r);
        g->n++, (*rows)++;
        bool ok = in_band(r), eq = !strcmp(cell(c, i, "blocks_equal"), "1");
        g->in_band += ok, *band += ok;
        g->equal += eq, *equal += eq;
        if (!ok) {
            size_t l = strlen(g->outside);
            snprintf(g->outside + l, sizeof g->outside - l, "%s%s %s", l ? ", " : "",
                     cell(c, i, "layout"), cell(c, i, "where"));
        }
    }
    if (!gs->g[0].n)                /* no end_boot_allocator rows */
        gs->g[0] = gs->g[--gs->n];
}

/* The outside rows named, at most 6: "free_heap_pages 18 none 0.87x (Xen
 * 2453, model 2136, on 4x1G)". */
static void name_outside(char *b, size_t n, const struct xgroups *gs)
{
    size_t l = 0, k = 0, more = 0;

    *b = 0;
    for (size_t i = 0; i < gs->n; i++) {
        const struct xgrp *g = &gs->g[i];
        char r[48], x[48], m[48];
        if (g->in_band == g->n)
            continue;
        if (k++ >= 6) {
            more++;
            continue;
        }
        fmt_range(r, sizeof r, g->lo[2], g->hi[2], false, true);
        fmt_range(x, sizeof x, g->lo[0], g->hi[0], false, false);
        fmt_range(m, sizeof m, g->lo[1], g->hi[1], false, false);
        l += (size_t)snprintf(b + l, l < n ? n - l : 0, "%s%s: %sx (Xen %s, model %s; %s)",
                              l ? "; " : "", g->key, r, x, m, g->outside);
    }
    if (more && l < n)
        snprintf(b + l, n - l, "; and %zu more", more);
}

static void fidelity(struct hbv_verdict *vd)
{
    struct hb_csv c;
    struct xgroups gs = { .n = 0 };
    int rows = 0, band = 0, equal = 0;
    char src[160], out[1000], t[240];

    if (!load(vd->r, "xen_fidelity.csv", &c)) {
        hbv_say(vd, SEC, 0, "No Xen check was run on this machine: the model's instruction "
            "counts have not been held against real Xen's here (`make xen-check` counts "
            "Xen 4.17 exactly under QEMU; `heapbench bench` then copies its table into the "
            "run folder).");
        return;
    }
    fidelity_groups(&c, &gs, &rows, &band, &equal);
    hb_csv_free(&c);
    source_note(src, sizeof src, vd->r, "xen_fidelity", "the table of a `make xen-check`");
    const struct xgrp *e = gs.n && !strcmp(gs.g[0].key, "end_boot_allocator") ? &gs.g[0]
                                                                            : NULL;
    if (e) {
        double x = e->sum[0] / e->n, m = e->sum[1] / e->n;
        char r[48], xs[32], ms[32];
        fmt_range(r, sizeof r, e->lo[2], e->hi[2], false, true);
        fmt_n(xs, sizeof xs, x), fmt_n(ms, sizeof ms, m);
        snprintf(t, sizeof t, "%.2fx (Xen %s, model %s, exact)", m / x, xs, ms);
        item(vd, "xen.fidelity.eba.ratio", m / x, fmin(m / x, e->lo[2]), fmax(m / x, e->hi[2]),
             "x", t);
        hbv_say(vd, SEC, 0, "The model runs %.2fx Xen 4.17's instructions per page in "
            "end_boot_allocator (Xen %s, model %s, exact; %s%s on %d layout%s; %s).",
            m / x, xs, ms, e->lo[2] == e->hi[2] ? "the same " : "from ", r, e->n,
            e->n == 1 ? "" : "s", src);
    } else
        hbv_say(vd, SEC, 0, "The Xen check's table (%s) has no end_boot_allocator row.", src);
    snprintf(t, sizeof t, "%d of %d", band, rows);
    item(vd, "xen.fidelity.in_band", band, band, band, "operations", t);
    snprintf(t, sizeof t, "%d of %d", equal, rows);
    item(vd, "xen.fidelity.blocks_equal", equal, equal, equal, "operations", t);
    name_outside(out, sizeof out, &gs);
    hbv_say(vd, SEC, 1, "%d of %d operations within 0.90-1.10 of Xen's count; free blocks and "
        "allocated MFNs identical to Xen's in %d of %d%s%s.", band, rows, equal, rows,
        *out ? ". Outside the band: " : "", out);
    fidelity_table(vd, &gs);
}

/* ------------------------------------------------------------------------
 * Real Xen's variants (xen_variants.csv, xen_variants_model.csv)
 * ------------------------------------------------------------------------ */

/* A row's figure: per page for end_boot_allocator and lazy_heap_finish,
 * per call otherwise (variants.csv); or column col (variants-model.csv,
 * whose end_boot_allocator rows are per page already). */
static double fig(const struct hb_csv *c, size_t i, const char *col)
{
    const char *p = cell(c, i, "path");

    if (col)
        return numc(c, i, col);
    return numc(c, i, !strcmp(p, "end_boot_allocator") || !strcmp(p, "lazy_heap_finish")
                          ? "per_page" : "instructions");
}

/* The row of variant v with the layout, path, order and place of row i. */
static long twin(const struct hb_csv *c, size_t i, const char *v)
{
    static const char *const cols[] = { "layout", "path", "order", "where" };

    for (size_t j = 0; j < c->nrows; j++) {
        bool same = !strcmp(cell(c, j, "variant"), v);
        for (size_t k = 0; same && k < 4; k++)
            same = !strcmp(cell(c, j, cols[k]), cell(c, i, cols[k]));
        if (same)
            return (long)j;
    }
    return -1;
}


/* Whether the model's figure m agrees with Xen's x: equal, or in the band. */
static bool agree(double x, double m)
{
    return x == m || (x != 0 && in_band(m / x));
}

/* Patch minus pagewise (the encoding alone) per operation into gs: figure
 * 0 from column xcol (NULL: variants.csv's), figure 1 from mcol (NULL:
 * none); in_band counts the rows where the two agree. */
static void encoding_groups(const struct hb_csv *c, const char *xcol, const char *mcol,
                            struct xgroups *gs)
{
    for (size_t i = 0; i < c->nrows; i++) {
        long j;
        char key[96];
        if (strcmp(cell(c, i, "variant"), "patch") || (j = twin(c, i, "pagewise")) < 0)
            continue;
        op_key(key, sizeof key, c, i);
        struct xgrp *g = grp(gs, key);
        double dx = fig(c, i, xcol) - fig(c, (size_t)j, xcol);
        if (!g || isnan(dx))
            continue;
        put(g, 0, dx);
        g->n++;
        if (mcol) {
            double dm = fig(c, i, mcol) - fig(c, (size_t)j, mcol);
            put(g, 1, dm);
            g->in_band += agree(dx, dm);
        }
    }
}

static const struct xgrp *find_grp(const struct xgroups *gs, const char *key)
{
    for (size_t i = 0; i < gs->n; i++)
        if (!strcmp(gs->g[i].key, key))
            return &gs->g[i];
    return NULL;
}

/* "adds +4 instructions to an order-0 free away from a boundary", and,
 * from the model (m, NULL: none), "; the model: +22: they disagree". */
static void encoding_phrase(char *b, size_t n, const struct xgrp *x, const struct xgrp *m,
                            const char *what, bool *differ)
{
    char a[48], c[48];

    fmt_range(a, sizeof a, x->lo[0], x->hi[0], true, false);
    if (!m || !m->n) {
        snprintf(b, n, "%s %s", a, what);
        return;
    }
    fmt_range(c, sizeof c, m->lo[1], m->hi[1], true, false);
    *differ |= m->in_band < m->n;
    snprintf(b, n, "%s %s (the model: %s%s)", a, what, c,
             m->in_band < m->n ? ": they disagree"
             : m->lo[0] == m->lo[1] && m->hi[0] == m->hi[1] ? ", the same" : ", within 10 %");
}

/* The model's encoding cost as an item; where it differs from Xen's, an
 * item xen.disagree.* with both figures too. */
static void model_encoding(struct hbv_verdict *vd, const struct xgrp *m, const char *name,
                           const char *op)
{
    char k[96], a[48], b[48], t[200];

    snprintf(k, sizeof k, "xen.model.encoding.%s", name);
    fmt_range(a, sizeof a, m->lo[1], m->hi[1], true, false);
    item(vd, k, m->sum[1] / m->n, m->lo[1], m->hi[1], "+instructions", a);
    if (m->in_band == m->n)
        return;
    fmt_range(b, sizeof b, m->lo[0], m->hi[0], true, false);
    snprintf(k, sizeof k, "xen.disagree.encoding.%s", name);
    snprintf(t, sizeof t, "the encoding's cost, %s: model %s, Xen %s", op, a, b);
    item(vd, k, m->sum[1] / m->n, m->lo[1], m->hi[1], "+instructions", t);
}

/* The encoding's cost in real Xen (and the model's beside it). */
static void encoding(struct hbv_verdict *vd, const struct hb_csv *v, const struct hb_csv *vm)
{
    static const struct { const char *key, *item, *what; } op[] = {
        { "free o0 away", "free.o0.away", "to an order-0 free away from a boundary" },
        { "free o9 away", "free.o9.away", "at order 9" },
        { "free o0 boot", "free.o0.boot", "to the first free of a page the heap "
                                                    "never initialised" },
        { "alloc o0 away", "alloc.o0.away", "to an order-0 allocation" },
    };
    struct xgroups gx = { .n = 0 }, gm = { .n = 0 };
    char text[1100], p[300], k[96], a[48];
    size_t l = 0;
    bool differ = false;

    encoding_groups(v, NULL, NULL, &gx);
    if (vm)
        encoding_groups(vm, "xen_instructions", "model_instructions", &gm);
    for (size_t i = 0; i < sizeof op / sizeof op[0]; i++) {
        const struct xgrp *x = find_grp(&gx, op[i].key), *m = find_grp(&gm, op[i].key);
        if (!x || !x->n)
            continue;
        encoding_phrase(p, sizeof p, x, m, op[i].what, &differ);
        snprintf(k, sizeof k, "xen.real.encoding.%s", op[i].item);
        fmt_range(a, sizeof a, x->lo[0], x->hi[0], true, false);
        item(vd, k, x->sum[0] / x->n, x->lo[0], x->hi[0], "+instructions", a);
        if (m && m->n)
            model_encoding(vd, m, op[i].item, op[i].key);
        l += (size_t)snprintf(text + l, l < sizeof text ? sizeof text - l : 0, "%s%s",
                              l ? "; " : "", p);
    }
    if (!l)
        return;
    hbv_say(vd, SEC, 0, "In real Xen 4.17 the uninit encoding (patch against pagewise: the "
        "same page-wise init and free path) adds, in instructions, %s%s.", text,
        differ ? ". Where they disagree (the model's cost more than 10 % off Xen's), Xen's "
                 "count is the reference and the model's cost of the encoding is wrong" : "");
}

/* Variant v's mean figure of operation key over layouts in *out; false if
 * it has none. */
static bool mean_of(const struct hb_csv *c, const char *v, const char *key, const char *col,
                    double *out, double *lo, double *hi)
{
    double s = 0, a = INFINITY, b = -INFINITY;
    int n = 0;
    char k[96];

    for (size_t i = 0; i < c->nrows; i++) {
        if (strcmp(cell(c, i, "variant"), v))
            continue;
        op_key(k, sizeof k, c, i);
        double x = fig(c, i, col);
        if (strcmp(k, key) || isnan(x))
            continue;
        s += x, n++;
        a = fmin(a, x), b = fmax(b, x);
    }
    if (!n)
        return false;
    *out = s / n;
    if (lo)
        *lo = a, *hi = b;
    return true;
}

/* Page-wise init against stock's chunked, per page, Xen and model. */
static void init_cost(struct hbv_verdict *vd, const struct hb_csv *v, const struct hb_csv *vm)
{
    double pw, st, mpw, mst, lo, hi;
    char a[32], b[32], c[32], d[32], t[160], model[300] = "";

    if (!mean_of(v, "pagewise", "end_boot_allocator", NULL, &pw, &lo, &hi) ||
        !mean_of(v, "stock", "end_boot_allocator", NULL, &st, NULL, NULL) || st <= 0)
        return;
    fmt_n(a, sizeof a, pw), fmt_n(b, sizeof b, st);
    snprintf(t, sizeof t, "%s against %s (%.1fx)", a, b, pw / st);
    item(vd, "xen.real.init.pagewise_over_stock", pw / st, pw / st, pw / st, "x", t);
    if (vm && mean_of(vm, "pagewise", "end_boot_allocator", "model_instructions", &mpw, NULL,
                      NULL) &&
        mean_of(vm, "stock", "end_boot_allocator", "model_instructions", &mst, NULL, NULL) &&
        mst > 0) {
        bool ok = agree(pw / st, mpw / mst);
        fmt_n(c, sizeof c, mpw), fmt_n(d, sizeof d, mst);
        snprintf(t, sizeof t, "%s against %s (%.1fx)", c, d, mpw / mst);
        item(vd, "xen.model.init.pagewise_over_stock", mpw / mst, mpw / mst, mpw / mst, "x", t);
        snprintf(model, sizeof model, "; the model's strategies of the same names: %s%s", t,
                 ok ? ", within 10 % of Xen's ratio" : ": the model and Xen disagree");
        if (!ok) {
            snprintf(t, sizeof t, "page-wise init over chunked, per page: model %.1fx, Xen %.1fx",
                     mpw / mst, pw / st);
            item(vd, "xen.disagree.init.pagewise_over_stock", mpw / mst, mpw / mst, mpw / mst,
                 "x", t);
        }
    }
    hbv_say(vd, SEC, 0, "In real Xen 4.17 page-wise init (as up to 4.16) runs %s instructions "
        "per page of end_boot_allocator against stock 4.17's chunked %s (%.1fx)%s.", a, b,
        pw / st, model);
}

/* One table row per variant: real Xen's figures. */
static void variant_table(struct hbv_verdict *vd, const struct hb_csv *v)
{
    static const char *const heads[] = { "init\n/page", "x stock", "lazy finish\n/page",
                                         "free o0\naway", "free o9\naway",
                                         "first free\nboot page" };
    static const char *const ops[] = { "end_boot_allocator", NULL, "lazy_heap_finish",
                                       "free o0 away", "free o9 away", "free o0 boot" };
    int t = hbv_table(vd, SEC, "Real Xen 4.17's variants, exact instructions (the range "
                      "across layouts; init per page, a call per call)", 6, heads);
    struct hbv_vals names;
    double st = NAN, x, lo, hi;
    char b[64];

    hbv_distinct(v, "variant", "", &names, false);
    mean_of(v, "stock", "end_boot_allocator", NULL, &st, NULL, NULL);
    for (size_t i = 0; i < names.n; i++)
        for (int k = 0; k < 6; k++) {
            if (!ops[k]) {
                if (mean_of(v, names.v[i], ops[0], NULL, &x, NULL, NULL) && st > 0)
                    snprintf(b, sizeof b, "%.2f", x / st), hbv_cell(vd, t, names.v[i], k, b);
                continue;
            }
            if (!mean_of(v, names.v[i], ops[k], NULL, &x, &lo, &hi))
                continue;
            tab_range(b, sizeof b, lo, hi, false);
            hbv_cell(vd, t, names.v[i], k, b);
        }
}

/* Model against Xen on the same variants: per variant the operations in
 * band, and those outside named with both figures. */
static void model_vs_xen(struct hbv_verdict *vd, const struct hb_csv *vm)
{
    struct xgroups gs = { .n = 0 };
    int rows = 0, band = 0, equal = 0;
    char out[1000], t[240], k[160];

    for (size_t i = 0; i < vm->nrows; i++) {
        double x = numc(vm, i, "xen_instructions"), m = numc(vm, i, "model_instructions");
        char key[80], g_key[96];
        if (isnan(x) || isnan(m) || x == 0)
            continue;               /* lazy's end_boot_allocator: no ratio */
        op_key(key, sizeof key, vm, i);
        snprintf(g_key, sizeof g_key, "%s %s", cell(vm, i, "variant"), key);
        struct xgrp *g = grp(&gs, g_key);
        if (!g)
            continue;
        double r = m / x;
        put(g, 0, x), put(g, 1, m), put(g, 2, r);
        g->n++, rows++;
        bool ok = in_band(r);
        g->in_band += ok, band += ok;
        equal += !strcmp(cell(vm, i, "blocks_equal"), "1");
        if (!ok) {
            size_t l = strlen(g->outside);
            snprintf(g->outside + l, sizeof g->outside - l, "%s%s %s", l ? ", " : "",
                     cell(vm, i, "layout"), cell(vm, i, "where"));
        }
    }
    for (size_t i = 0; i < gs.n; i++) {
        const struct xgrp *g = &gs.g[i];
        char r[48], x[48], m[48];
        if (g->in_band == g->n)
            continue;
        fmt_range(r, sizeof r, g->lo[2], g->hi[2], false, true);
        fmt_range(x, sizeof x, g->lo[0], g->hi[0], false, false);
        fmt_range(m, sizeof m, g->lo[1], g->hi[1], false, false);
        snprintf(t, sizeof t, "%s: model %s, Xen %s (%sx)", g->key, m, x, r);
        snprintf(k, sizeof k, "xen.disagree.%s", g->key);
        for (char *q = k; *q; q++)
            *q = *q == ' ' ? '.' : *q;
        item(vd, k, g->sum[2] / g->n, g->lo[2], g->hi[2], "x", t);
    }
    name_outside(out, sizeof out, &gs);
    snprintf(t, sizeof t, "%d of %d", band, rows);
    item(vd, "xen.variants.in_band", band, band, band, "operations", t);
    hbv_say(vd, SEC, 0, "Each variant against the model's strategy of the same name (stock: "
        "chunked) on the same input: %d of %d operations within 0.90-1.10 of Xen's count, "
        "free blocks identical in %d of %d%s%s.", band, rows, equal, rows,
        *out ? ". The model and real Xen disagree on: " : "", out);
}

static void variants(struct hbv_verdict *vd)
{
    struct hb_csv v, vm;
    bool has_m;
    char src[160];

    if (!load(vd->r, "xen_variants.csv", &v)) {
        hbv_say(vd, SEC, 0, "No variant of real Xen was counted on this machine (`make "
            "xen-bench` builds page-wise init, the uninit encoding and lazy into Xen 4.17 "
            "from Debian's source and counts each under QEMU).");
        return;
    }
    has_m = load(vd->r, "xen_variants_model.csv", &vm);
    source_note(src, sizeof src, vd->r, "xen_variants", "`make xen-bench`");
    hbv_say(vd, SEC, 0, "Real Xen, exact instructions: each variant built into its own Xen "
        "4.17 and counted under QEMU (%s).", src);
    init_cost(vd, &v, has_m ? &vm : NULL);
    encoding(vd, &v, has_m ? &vm : NULL);
    variant_table(vd, &v);
    if (has_m)
        model_vs_xen(vd, &vm);
    else
        hbv_say(vd, SEC, 1, "No model figures beside them (xen_variants_model.csv: `make "
            "xen-bench` writes it when the Xen check's xen-model is built).");
    hb_csv_free(&v);
    if (has_m)
        hb_csv_free(&vm);
}

void hbv_section_xen(struct hbv_verdict *vd)
{
    fidelity(vd);
    variants(vd);
}

/* The sentence in short: the model against Xen, or that it was not held
 * against Xen here. */
void hbv_xen_short(struct hbv_verdict *vd)
{
    const struct hbv_item *r = NULL, *b = NULL;

    for (size_t i = 0; i < vd->nitems; i++) {
        if (!strcmp(vd->item[i].key, "xen.fidelity.eba.ratio"))
            r = &vd->item[i];
        if (!strcmp(vd->item[i].key, "xen.fidelity.in_band"))
            b = &vd->item[i];
    }
    if (!b) {
        hbv_say(vd, 0, 0, "Against real Xen: no Xen check was run on this machine "
            "(`make xen-check`).");
        return;
    }
    const char *paren = r ? strstr(r->shown, " (") : NULL;
    char head[200] = "";
    if (r)
        snprintf(head, sizeof head, "the model runs %.*s Xen's instructions per page in "
                 "end_boot_allocator%s; ", paren ? (int)(paren - r->shown) : (int)strlen(r->shown),
                 r->shown, paren ? paren : "");
    hbv_say(vd, 0, 0, "Against real Xen 4.17 (exact instruction counts under QEMU): %s%s "
        "operations within 0.90-1.10 of Xen's count.", head, b->shown);
}
