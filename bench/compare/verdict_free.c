/*
 * verdict_free.c - question 2, high-order frees at node boundaries: the
 * cost of a free at a boundary over the same free away from it, the
 * max-order blocks a boundary costs against a 1 GiB-aligned one, and the
 * range free per page.  Reads the free family.
 *
 * Equal work only: a free at a boundary merges fewer times than the same
 * free away from it (the merge stops where the buddy lies on the other
 * node), so the two are compared as "the same free" only when the merges
 * column says they merged as often: the free away, or else the away free
 * whose merging is stopped at the same order (where:away_capped).  The
 * ratio against a free away that merges more is a separate line that
 * names both merge counts.
 */
#include "bench/compare/verdict_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* A free of order o at kind's boundary (where: boundary, away or
 * away_capped): its time and merges. */
static bool block_free(struct hbv_verdict *vd, const char *kind, unsigned o, const char *where,
                       struct hbv_est *t, struct hbv_est *m, bool *has_m)
{
    char w[256];

    snprintf(w, sizeof w, "series=block_legacy;boundary=%s;order=%u;where=%s", kind, o, where);
    if (!hbv_get(vd->r, HBV_F_FREE, w, "real_ns", t))
        return false;
    *has_m = hbv_get(vd->r, HBV_F_FREE, w, "merges", m);
    return true;
}

/* A boundary kind in words. */
static const char *kind_words(const char *kind)
{
    return !strcmp(kind, "natural") ? "1 GiB-aligned" : !strcmp(kind, "order9") ?
           "order-9 aligned" : kind;
}

/* One order at one boundary kind, a row of table t: the merges at it, the
 * ratio at/away as the same free (equal merges: away, else away_capped),
 * the merges away, and a ratio against a free away that merges more. */
static void boundary_order(struct hbv_verdict *vd, const char *kind, unsigned o, int t)
{
    struct hbv_est b, a, mb, ma, c, mc;
    bool hb, ha, hc = false;
    char k[96], row[64], m[32];

    if (!block_free(vd, kind, o, "boundary", &b, &mb, &hb) ||
        !block_free(vd, kind, o, "away", &a, &ma, &ha))
        return;
    snprintf(row, sizeof row, "%s, order %u", kind_words(kind), o);
    snprintf(m, sizeof m, hb ? "%g" : "?", mb.v);
    hbv_cell(vd, t, row, 0, m);
    snprintf(m, sizeof m, ha ? "%g" : "?", ma.v);
    hbv_cell(vd, t, row, 2, m);
    bool equal = hb && ha && fabs(mb.v - ma.v) < 0.5;
    bool capped = !equal && hb && block_free(vd, kind, o, "away_capped", &c, &mc, &hc) && hc &&
                  fabs(mb.v - mc.v) < 0.5;
    if (equal || capped) {
        snprintf(k, sizeof k, "free.%s.order%u.ratio", kind, o);
        hbv_cell(vd, t, row, 1, hbv_num(vd, k, hbv_div(b, capped ? c : a), "x"));
    }
    if (equal)
        return;
    snprintf(k, sizeof k, "free.%s.order%u.ratio_fewer_merges", kind, o);
    hbv_cell(vd, t, row, 3, hbv_num(vd, k, hbv_div(b, a), "x"));
}

static void boundary_frag(struct hbv_verdict *vd, const char *kind, const char *maxo,
                          struct hbv_est *nat, int t)
{
    struct hbv_est l, r;
    char w[256], k[96];

    snprintf(w, sizeof w, "series=frag;boundary=%s;order=%s",
             kind, maxo);
    if (!hbv_get(vd->r, HBV_F_FREE, w, "left_blocks", &l) ||
        !hbv_get(vd->r, HBV_F_FREE, w, "right_blocks", &r))
        return;
    struct hbv_est n = hbv_add(l, r);
    if (!strcmp(kind, "natural"))
        *nat = n;
    if (nat->kind == HBV_EST_NONE || !strcmp(kind, "natural")) {
        snprintf(k, sizeof k, "free.%s.maxorder_blocks", kind);
        hbv_cell(vd, t, kind_words(kind), 0, hbv_num(vd, k, n, "blocks"));
        return;
    }
    snprintf(k, sizeof k, "free.%s.maxorder_lost", kind);
    hbv_cell(vd, t, kind_words(kind), 1, hbv_num(vd, k, hbv_sub(*nat, n), "blocks"));
}

static void boundary_range(struct hbv_verdict *vd, const char *kind, const char *maxr, int t)
{
    struct hbv_est lz, eg;
    char w[256], k[96];

    snprintf(w, sizeof w, "series=range_lazy;boundary=%s;order=%s", kind, maxr);
    if (!hbv_get(vd->r, HBV_F_FREE, w, "ns_per_page", &lz))
        return;
    snprintf(k, sizeof k, "free.%s.range_lazy_per_page", kind);
    hbv_cell(vd, t, kind_words(kind), 2, hbv_num(vd, k, lz, "ns"));
    snprintf(w, sizeof w, "series=range_eager;boundary=%s;order=%s", kind, maxr);
    if (!hbv_get(vd->r, HBV_F_FREE, w, "ns_per_page", &eg))
        return;
    snprintf(k, sizeof k, "free.%s.range_eager_per_page", kind);
    hbv_cell(vd, t, kind_words(kind), 3, hbv_num(vd, k, eg, "ns"));
}

/* The section's opening sentence and its two tables: *t the ratios, *t2
 * (-1 if the run has neither) the max-order blocks and range frees. */
static void free_tables(struct hbv_verdict *vd, const struct hbv_vals *kinds,
                        const struct hbv_vals *fo, const struct hbv_vals *ro, int *t, int *t2)
{
    static const char *const head[] = { "merges\nat it", "at / away,\nsame work",
                                        "merges\naway", "at / away, not\nthe same work" };
    static const char *const head2[] = { "max-order\nblocks free", "lost against\naligned",
                                         "range free per\npage, lazy",
                                         "range free per\npage, eager" };
    char kw[256] = "", title[400];

    for (size_t i = 0, l = 0; i < kinds->n && l < sizeof kw; i++)
        l += (size_t)snprintf(kw + l, sizeof kw - l, "%s%s", i ? ", " : "",
                              kind_words(kinds->v[i]));
    hbv_say(vd, 2, 0, "Boundaries between two nodes measured: %s (unaligned is a page off an "
        "order-9 boundary); a free is free_heap_pages with its node check, in the legacy "
        "encoding.", kinds->n ? kw : "none");
    *t = hbv_table(vd, 2, "A free next to a node boundary over a free away from it: the "
                   "same work (merging as often, the merge stopped at the same order "
                   "away), and where the free away merges more, not the same work (fewer "
                   "merges next to it):", 4, head);
    snprintf(title, sizeof title, "After a full init, the free blocks of the largest order "
             "(%s) the two nodes hold, and those a boundary loses against a 1 GiB-aligned "
             "one; a free of 2^%s pages across the boundary, per page, through "
             "free_heap_pages on uninitialised pages (lazy) and init_heap_pages (eager):",
             fo->n ? fo->v[fo->n - 1] : "?", ro->n ? ro->v[ro->n - 1] : "?");
    *t2 = fo->n || ro->n ? hbv_table(vd, 2, title, 4, head2) : -1;
}

void hbv_section_free(struct hbv_verdict *vd)
{
    const struct hb_csv *c = hbv_rows(vd->r, HBV_F_FREE);
    struct hbv_vals kinds, fo, ro;
    struct hbv_est nat = { .kind = HBV_EST_NONE };
    int t, t2;

    if (!c) {
        hbv_say(vd, 2, 0, "No free rows in this run: nothing to say about node boundaries.");
        return;
    }
    hbv_distinct(c, "boundary", "series=block_legacy", &kinds, false);
    hbv_distinct(c, "order", "series=frag", &fo, true);
    hbv_distinct(c, "order", "series=range_lazy", &ro, true);
    free_tables(vd, &kinds, &fo, &ro, &t, &t2);
    /* natural first: the others' losses are counted against it */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < kinds.n; i++) {
            if ((pass == 0) != !strcmp(kinds.v[i], "natural"))
                continue;
            for (unsigned o = 0; o <= 18; o += 9)
                boundary_order(vd, kinds.v[i], o, t);
            if (fo.n)
                boundary_frag(vd, kinds.v[i], fo.v[fo.n - 1], &nat, t2);
            if (ro.n)
                boundary_range(vd, kinds.v[i], ro.v[ro.n - 1], t2);
        }
}
