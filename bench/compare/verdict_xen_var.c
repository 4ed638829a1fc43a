/*
 * verdict_xen_var.c - real Xen 4.17's variants in the verdict's real-Xen
 * section (verdict_xen.c): from xen_variants.csv, page-wise init against
 * stock's chunked per page of end_boot_allocator and the uninit encoding's
 * cost (patch - pagewise) per operation; from xen_variants_model.csv, the
 * model's figure beside each, and every operation where the model and
 * Xen disagree (more than 10 % apart) with both figures.
 */
#include "bench/compare/verdict_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define SEC HBV_SECTION_XEN

/* ------------------------------------------------------------------------
 * Real Xen's variants (xen_variants.csv, xen_variants_model.csv)
 * ------------------------------------------------------------------------ */

/* A row's figure: per page for end_boot_allocator and lazy_heap_finish,
 * per call otherwise (variants.csv); or column col (variants-model.csv,
 * whose end_boot_allocator rows are per page already). */
static double fig(const struct hb_csv *c, size_t i, const char *col)
{
    const char *p = hbx_cell(c, i, "path");

    if (col)
        return hbx_numc(c, i, col);
    return hbx_numc(c, i, !strcmp(p, "end_boot_allocator") || !strcmp(p, "lazy_heap_finish")
                          ? "per_page" : "instructions");
}

/* The row of variant v with the layout, path, order and place of row i. */
static long twin(const struct hb_csv *c, size_t i, const char *v)
{
    static const char *const cols[] = { "layout", "path", "order", "where" };

    for (size_t j = 0; j < c->nrows; j++) {
        bool same = !strcmp(hbx_cell(c, j, "variant"), v);
        for (size_t k = 0; same && k < 4; k++)
            same = !strcmp(hbx_cell(c, j, cols[k]), hbx_cell(c, i, cols[k]));
        if (same)
            return (long)j;
    }
    return -1;
}


/* Whether the model's figure m agrees with Xen's x: equal, or in the band. */
static bool agree(double x, double m)
{
    return x == m || (x != 0 && hbx_in_band(m / x));
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
        if (strcmp(hbx_cell(c, i, "variant"), "patch") || (j = twin(c, i, "pagewise")) < 0)
            continue;
        hbx_op_key(key, sizeof key, c, i);
        struct xgrp *g = hbx_grp(gs, key);
        double dx = fig(c, i, xcol) - fig(c, (size_t)j, xcol);
        if (!g || isnan(dx))
            continue;
        hbx_put(g, 0, dx);
        g->n++;
        if (mcol) {
            double dm = fig(c, i, mcol) - fig(c, (size_t)j, mcol);
            hbx_put(g, 1, dm);
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

    hbx_fmt_range(a, sizeof a, x->lo[0], x->hi[0], true, false);
    if (!m || !m->n) {
        snprintf(b, n, "%s %s", a, what);
        return;
    }
    hbx_fmt_range(c, sizeof c, m->lo[1], m->hi[1], true, false);
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
    hbx_fmt_range(a, sizeof a, m->lo[1], m->hi[1], true, false);
    hbx_item(vd, k, m->sum[1] / m->n, m->lo[1], m->hi[1], "+instructions", a);
    if (m->in_band == m->n)
        return;
    hbx_fmt_range(b, sizeof b, m->lo[0], m->hi[0], true, false);
    snprintf(k, sizeof k, "xen.disagree.encoding.%s", name);
    snprintf(t, sizeof t, "the encoding's cost, %s: model %s, Xen %s", op, a, b);
    hbx_item(vd, k, m->sum[1] / m->n, m->lo[1], m->hi[1], "+instructions", t);
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
        hbx_fmt_range(a, sizeof a, x->lo[0], x->hi[0], true, false);
        hbx_item(vd, k, x->sum[0] / x->n, x->lo[0], x->hi[0], "+instructions", a);
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
        if (strcmp(hbx_cell(c, i, "variant"), v))
            continue;
        hbx_op_key(k, sizeof k, c, i);
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

/*
 * A timed cost of the encoding that its code cannot explain.  Legacy and
 * uninit free the same block of the same heap; the model's exact count
 * says what the encoding adds to that free (patch against pagewise).
 * Where the timed difference excludes zero and is more than ten times that
 * (and over 1 %), it is the machine state the two benchmarks' processes
 * met (on the 2-core VM their times are bimodal), not the code: the
 * verdict says so beside the number, and the letter prints it instead.
 */
static void timed_not_code(struct hbv_verdict *vd, const struct hb_csv *vm)
{
    for (unsigned o = 0; o <= 18; o += 9) {
        char k[96], op[32], t[160], a[48];
        double base, add;

        snprintf(k, sizeof k, "free.encoding.order%u.away.pct", o);
        const struct hbv_item *timed = hbv_item_of(vd, k);
        snprintf(k, sizeof k, "xen.model.encoding.free.o%u.away", o);
        const struct hbv_item *exact = hbv_item_of(vd, k);
        snprintf(op, sizeof op, "free o%u away", o);
        if (!timed || !exact || !mean_of(vm, "pagewise", op, "model_instructions", &base,
                                         NULL, NULL) || !(base > 0))
            continue;
        add = 100 * exact->e.v / base;
        if (!(timed->e.lo > 0 || timed->e.hi < 0) ||
            fabs(timed->e.v) <= fmax(1, 10 * fabs(add)))
            continue;
        hbx_fmt_range(a, sizeof a, exact->e.lo, exact->e.hi, true, false);
        snprintf(t, sizeof t, "%s instructions, %+.2g %%", a, add);
        snprintf(k, sizeof k, "free.encoding.order%u.away.exact_pct", o);
        hbx_item(vd, k, add, add, add, "+%", t);
        hbv_say(vd, 1, 0, "The timed cost of the encoding to an order-%u free away from a "
            "boundary, %s, is not the encoding's code: the model runs %s more per such "
            "free (exact, callgrind, on the same input as Xen's count).  The two benchmarks "
            "free the same block of the same heap; their times differ by the state of the "
            "machine their processes met, so that figure is no cost.", o, timed->shown, t);
    }
}

/* Page-wise init against stock's chunked, per page, Xen and model. */
static void init_cost(struct hbv_verdict *vd, const struct hb_csv *v, const struct hb_csv *vm)
{
    double pw, st, mpw, mst, lo, hi;
    char a[32], b[32], c[32], d[32], t[160], model[300] = "";

    if (!mean_of(v, "pagewise", "end_boot_allocator", NULL, &pw, &lo, &hi) ||
        !mean_of(v, "stock", "end_boot_allocator", NULL, &st, NULL, NULL) || st <= 0)
        return;
    hbx_fmt_n(a, sizeof a, pw), hbx_fmt_n(b, sizeof b, st);
    snprintf(t, sizeof t, "%s against %s (%.1fx)", a, b, pw / st);
    hbx_item(vd, "xen.real.init.pagewise_over_stock", pw / st, pw / st, pw / st, "x", t);
    if (vm && mean_of(vm, "pagewise", "end_boot_allocator", "model_instructions", &mpw, NULL,
                      NULL) &&
        mean_of(vm, "stock", "end_boot_allocator", "model_instructions", &mst, NULL, NULL) &&
        mst > 0) {
        bool ok = agree(pw / st, mpw / mst);
        hbx_fmt_n(c, sizeof c, mpw), hbx_fmt_n(d, sizeof d, mst);
        snprintf(t, sizeof t, "%s against %s (%.1fx)", c, d, mpw / mst);
        hbx_item(vd, "xen.model.init.pagewise_over_stock", mpw / mst, mpw / mst, mpw / mst, "x", t);
        snprintf(model, sizeof model, "; the model's strategies of the same names: %s%s", t,
                 ok ? ", within 10 % of Xen's ratio" : ": the model and Xen disagree");
        if (!ok) {
            snprintf(t, sizeof t, "page-wise init over chunked, per page: model %.1fx, Xen %.1fx",
                     mpw / mst, pw / st);
            hbx_item(vd, "xen.disagree.init.pagewise_over_stock", mpw / mst, mpw / mst, mpw / mst,
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
            hbx_tab_range(b, sizeof b, lo, hi, false);
            hbv_cell(vd, t, names.v[i], k, b);
        }
}

/* variants-model.csv's rows grouped by variant and operation; the counts
 * of rows, rows in band and rows with identical blocks. */
static void vm_groups(const struct hb_csv *vm, struct xgroups *gs, int *rows, int *band,
                      int *equal)
{
    for (size_t i = 0; i < vm->nrows; i++) {
        double x = hbx_numc(vm, i, "xen_instructions"), m = hbx_numc(vm, i, "model_instructions");
        char key[80], g_key[96];
        if (isnan(x) || isnan(m) || x == 0)
            continue;               /* lazy's end_boot_allocator: no ratio */
        hbx_op_key(key, sizeof key, vm, i);
        snprintf(g_key, sizeof g_key, "%s %s", hbx_cell(vm, i, "variant"), key);
        struct xgrp *g = hbx_grp(gs, g_key);
        if (!g)
            continue;
        hbx_put(g, 0, x), hbx_put(g, 1, m), hbx_put(g, 2, m / x);
        g->n++, (*rows)++;
        bool ok = hbx_in_band(m / x);
        g->in_band += ok, *band += ok;
        *equal += !strcmp(hbx_cell(vm, i, "blocks_equal"), "1");
        if (!ok) {
            size_t l = strlen(g->outside);
            snprintf(g->outside + l, sizeof g->outside - l, "%s%s %s", l ? ", " : "",
                     hbx_cell(vm, i, "layout"), hbx_cell(vm, i, "where"));
        }
    }
}

/* An xen.disagree.* number per group outside the band (at most 12), its
 * text both figures. */
static void disagree_items(struct hbv_verdict *vd, const struct xgroups *gs)
{
    int n = 0;

    for (size_t i = 0; i < gs->n && n < 12; i++) {
        const struct xgrp *g = &gs->g[i];
        char r[48], x[48], m[48], t[240], k[160];
        if (g->in_band == g->n)
            continue;
        hbx_fmt_range(r, sizeof r, g->lo[2], g->hi[2], false, true);
        hbx_fmt_range(x, sizeof x, g->lo[0], g->hi[0], false, false);
        hbx_fmt_range(m, sizeof m, g->lo[1], g->hi[1], false, false);
        snprintf(t, sizeof t, "%s: model %s, Xen %s (%sx)", g->key, m, x, r);
        snprintf(k, sizeof k, "xen.disagree.%s", g->key);
        for (char *q = k; *q; q++)
            *q = *q == ' ' ? '.' : *q;
        hbx_item(vd, k, g->sum[2] / g->n, g->lo[2], g->hi[2], "x", t);
        n++;
    }
}

/* Model against Xen on the same variants: the operations in band, and
 * those outside named with both figures. */
static void model_vs_xen(struct hbv_verdict *vd, const struct hb_csv *vm)
{
    struct xgroups gs = { .n = 0 };
    int rows = 0, band = 0, equal = 0;
    char out[1000], t[64];

    vm_groups(vm, &gs, &rows, &band, &equal);
    disagree_items(vd, &gs);
    hbx_name_outside(out, sizeof out, &gs);
    snprintf(t, sizeof t, "%d of %d", band, rows);
    hbx_item(vd, "xen.variants.in_band", band, band, band, "operations", t);
    hbv_say(vd, SEC, 0, "Each variant against the model's strategy of the same name (stock: "
        "chunked) on the same input: %d of %d operations within 0.90-1.10 of Xen's count, "
        "free blocks identical in %d of %d%s%s.", band, rows, equal, rows,
        *out ? ". The model and real Xen disagree on: " : "", out);
}

void hbv_xen_variants(struct hbv_verdict *vd)
{
    struct hb_csv v, vm;
    bool has_m;
    char src[160];

    if (!hbx_load(vd->r, "xen_variants.csv", &v)) {
        hbv_say(vd, SEC, 0, "No variant of real Xen was counted on this machine (`make "
            "xen-bench` builds page-wise init, the uninit encoding and lazy into Xen 4.17 "
            "from Debian's source and counts each under QEMU).");
        return;
    }
    has_m = hbx_load(vd->r, "xen_variants_model.csv", &vm);
    hbx_source_note(src, sizeof src, vd->r, "xen_variants", "`make xen-bench`");
    hbv_say(vd, SEC, 0, "Real Xen, exact instructions: each variant built into its own Xen "
        "4.17 and counted under QEMU (%s).", src);
    init_cost(vd, &v, has_m ? &vm : NULL);
    encoding(vd, &v, has_m ? &vm : NULL);
    if (has_m)
        timed_not_code(vd, &vm);
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
