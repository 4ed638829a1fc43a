/*
 * verdict_xen.c - what real Xen 4.17 said, counted exactly under QEMU:
 * the model held against Xen (xen_fidelity.csv, from `make xen-check`)
 * and Xen's own variants (xen_variants.csv and xen_variants_model.csv,
 * from `make xen-bench`), as the verdict's last section and one sentence
 * in short.  Every figure is computed from those CSVs; where the model and
 * Xen disagree (a ratio outside 0.90-1.10, or the encoding's cost off by
 * as much) both figures are shown and the sentence says so.  Without a
 * table the section says that no Xen check was run, and how to run one.
 * This file has the model against Xen and the helpers both files share
 * (verdict_int.h); the variants are verdict_xen_var.c.
 */
#define _GNU_SOURCE
#include "bench/compare/verdict_int.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define SEC HBV_SECTION_XEN

/* ------------------------------------------------------------------------
 * Groups of rows: the range of up to three figures
 * ------------------------------------------------------------------------ */

struct xgrp *hbx_grp(struct xgroups *gs, const char *key)
{
    for (size_t i = 0; i < gs->n; i++)
        if (!strcmp(gs->g[i].key, key))
            return &gs->g[i];
    if (gs->n >= HBX_MAXG)
        return NULL;
    struct xgrp *g = &gs->g[gs->n++];
    memset(g, 0, sizeof *g);
    snprintf(g->key, sizeof g->key, "%s", key);
    for (int k = 0; k < 3; k++)
        g->lo[k] = INFINITY, g->hi[k] = -INFINITY;
    return g;
}

void hbx_put(struct xgrp *g, int k, double x)
{
    g->lo[k] = fmin(g->lo[k], x);
    g->hi[k] = fmax(g->hi[k], x);
    g->sum[k] += x;
}

bool hbx_in_band(double r)
{
    return r >= HBX_BAND_LO && r <= HBX_BAND_HI;
}

/* A count: "58.0", "13374"; a range "571 to 597". */
void hbx_fmt_n(char *b, size_t n, double x)
{
    snprintf(b, n, fabs(x) >= 100 || x == floor(x) ? "%.0f" : "%.1f", x);
}

void hbx_fmt_range(char *b, size_t n, double lo, double hi, bool sign, bool ratio)
{
    char a[32], c[32];

    if (ratio) {
        snprintf(a, sizeof a, "%.3f", lo);
        snprintf(c, sizeof c, "%.3f", hi);
    } else {
        hbx_fmt_n(a, sizeof a, lo);
        hbx_fmt_n(c, sizeof c, hi);
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
void hbx_tab_range(char *b, size_t n, double lo, double hi, bool ratio)
{
    char t[96], *to;

    hbx_fmt_range(t, sizeof t, lo, hi, false, ratio);
    if ((to = strstr(t, " to ")))
        snprintf(b, n, "%.*s-%s", (int)(to - t), t, to + 4);
    else
        snprintf(b, n, "%s", t);
}

/* "node3-away" -> "away": the node is in the layout's column. */
const char *hbx_where_kind(const char *w)
{
    const char *dash = strchr(w, '-');

    return !strncmp(w, "node", 4) && dash ? dash + 1 : w;
}

bool hbx_load(const struct hbv_run *r, const char *name, struct hb_csv *c)
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
const char *hbx_cell(const struct hb_csv *c, size_t i, const char *name)
{
    int k = hb_csv_col(c, name);

    return k < 0 ? "" : hb_csv_get(c, i, k);
}

double hbx_numc(const struct hb_csv *c, size_t i, const char *name)
{
    double x;

    return hb_csv_num(hbx_cell(c, i, name), &x) ? x : NAN;
}

/* An operation's label: "end_boot_allocator", "free o9 away", "alloc o0
 * boundary" (the node is in the layout's column). */
void hbx_op_key(char *b, size_t n, const struct hb_csv *c, size_t i)
{
    const char *path = hbx_cell(c, i, "path");

    if (!strcmp(path, "alloc_heap_pages") || !strcmp(path, "free_heap_pages"))
        snprintf(b, n, "%s o%s %s", path[0] == 'a' ? "alloc" : "free", hbx_cell(c, i, "order"),
                 hbx_where_kind(hbx_cell(c, i, "where")));
    else
        snprintf(b, n, "%s", path);
}

/* An exact number with the text the verdict shows for it. */
void hbx_item(struct hbv_verdict *vd, const char *key, double v, double lo, double hi,
                 const char *unit, const char *shown)
{
    size_t n = vd->nitems;
    struct hbv_est e = { v, lo, hi, HBV_EST_EXACT, NAN, false, NAN, NAN };

    hbv_num(vd, key, e, unit);
    if (vd->nitems > n)
        snprintf(vd->item[n].shown, sizeof vd->item[n].shown, "%s", shown);
}

/* " (xen-check of 2026-12-07T21:05:00Z, 3 days before this run)". */
void hbx_source_note(char *b, size_t n, const struct hbv_run *r, const char *stem,
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
        hbx_tab_range(b, sizeof b, g->lo[2], g->hi[2], true);
        hbv_cell(vd, t, g->key, 0, b);
        hbx_tab_range(b, sizeof b, g->lo[0], g->hi[0], false);
        hbv_cell(vd, t, g->key, 1, b);
        hbx_tab_range(b, sizeof b, g->lo[1], g->hi[1], false);
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
    hbx_grp(gs, "end_boot_allocator");
    for (size_t i = 0; i < c->nrows; i++) {
        double x = hbx_numc(c, i, "xen_instructions"), m = hbx_numc(c, i, "model_instructions"),
               r = hbx_numc(c, i, "ratio");
        char key[96];
        if (isnan(x) || isnan(m) || isnan(r))
            continue;
        hbx_op_key(key, sizeof key, c, i);
        struct xgrp *g = hbx_grp(gs, key);
        if (!g)
            continue;
        hbx_put(g, 0, x), hbx_put(g, 1, m), hbx_put(g, 2, r);
        g->n++, (*rows)++;
        bool ok = hbx_in_band(r), eq = !strcmp(hbx_cell(c, i, "blocks_equal"), "1");
        g->in_band += ok, *band += ok;
        g->equal += eq, *equal += eq;
        if (!ok) {
            size_t l = strlen(g->outside);
            snprintf(g->outside + l, sizeof g->outside - l, "%s%s %s", l ? ", " : "",
                     hbx_cell(c, i, "layout"), hbx_cell(c, i, "where"));
        }
    }
    if (!gs->g[0].n)                /* no end_boot_allocator rows */
        gs->g[0] = gs->g[--gs->n];
}

/* The outside rows named, at most 6: "free_heap_pages 18 none 0.87x (Xen
 * 2453, model 2136, on 4x1G)". */
void hbx_name_outside(char *b, size_t n, const struct xgroups *gs)
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
        hbx_fmt_range(r, sizeof r, g->lo[2], g->hi[2], false, true);
        hbx_fmt_range(x, sizeof x, g->lo[0], g->hi[0], false, false);
        hbx_fmt_range(m, sizeof m, g->lo[1], g->hi[1], false, false);
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

    if (!hbx_load(vd->r, "xen_fidelity.csv", &c)) {
        hbv_say(vd, SEC, 0, "No Xen check was run on this machine: the model's instruction "
            "counts have not been held against real Xen's here (`make xen-check` counts "
            "Xen 4.17 exactly under QEMU; `heapbench bench` then copies its table into the "
            "run folder).");
        return;
    }
    fidelity_groups(&c, &gs, &rows, &band, &equal);
    hb_csv_free(&c);
    hbx_source_note(src, sizeof src, vd->r, "xen_fidelity", "the table of a `make xen-check`");
    const struct xgrp *e = gs.n && !strcmp(gs.g[0].key, "end_boot_allocator") ? &gs.g[0]
                                                                            : NULL;
    if (e) {
        double x = e->sum[0] / e->n, m = e->sum[1] / e->n;
        char r[48], xs[32], ms[32];
        hbx_fmt_range(r, sizeof r, e->lo[2], e->hi[2], false, true);
        hbx_fmt_n(xs, sizeof xs, x), hbx_fmt_n(ms, sizeof ms, m);
        snprintf(t, sizeof t, "%.2fx (Xen %s, model %s, exact)", m / x, xs, ms);
        hbx_item(vd, "xen.fidelity.eba.ratio", m / x, fmin(m / x, e->lo[2]), fmax(m / x, e->hi[2]),
             "x", t);
        hbv_say(vd, SEC, 0, "The model runs %.2fx Xen 4.17's instructions per page in "
            "end_boot_allocator (Xen %s, model %s, exact; %s%s on %d layout%s; %s).",
            m / x, xs, ms, e->lo[2] == e->hi[2] ? "the same " : "from ", r, e->n,
            e->n == 1 ? "" : "s", src);
    } else
        hbv_say(vd, SEC, 0, "The Xen check's table (%s) has no end_boot_allocator row.", src);
    snprintf(t, sizeof t, "%d of %d", band, rows);
    hbx_item(vd, "xen.fidelity.in_band", band, band, band, "operations", t);
    snprintf(t, sizeof t, "%d of %d", equal, rows);
    hbx_item(vd, "xen.fidelity.blocks_equal", equal, equal, equal, "operations", t);
    hbx_name_outside(out, sizeof out, &gs);
    hbv_say(vd, SEC, 1, "%d of %d operations within 0.90-1.10 of Xen's count; free blocks and "
        "allocated MFNs identical to Xen's in %d of %d%s%s.", band, rows, equal, rows,
        *out ? ". Outside the band: " : "", out);
    fidelity_table(vd, &gs);
}

void hbv_section_xen(struct hbv_verdict *vd)
{
    fidelity(vd);
    hbv_xen_variants(vd);
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
