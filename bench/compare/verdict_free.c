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

    snprintf(w, sizeof w, "what=block;boundary=%s;order=%u;where=%s;variant=node_check;"
             "encoding=legacy", kind, o, where);
    if (!hbv_get(vd->r, HBV_F_FREE, w, "real_ns", t))
        return false;
    *has_m = hbv_get(vd->r, HBV_F_FREE, w, "merges", m);
    return true;
}

/* One order at one boundary kind: the ratio at/away as the same free
 * (equal merges: away, else away_capped) into same; a ratio against a free
 * away that merges more, as a separate line, into other. */
static void boundary_order(struct hbv_verdict *vd, const char *kind, unsigned o,
                           char *same, size_t *sl, char *other, size_t *ol)
{
    struct hbv_est b, a, mb, ma, c, mc;
    bool hb, ha, hc = false;
    char k[96];

    if (!block_free(vd, kind, o, "boundary", &b, &mb, &hb) ||
        !block_free(vd, kind, o, "away", &a, &ma, &ha))
        return;
    bool equal = hb && ha && fabs(mb.v - ma.v) < 0.5;
    bool capped = !equal && hb && block_free(vd, kind, o, "away_capped", &c, &mc, &hc) && hc &&
                  fabs(mb.v - mc.v) < 0.5;
    if (equal || capped) {
        snprintf(k, sizeof k, "free.%s.order%u.ratio", kind, o);
        *sl += (size_t)snprintf(same + *sl, 1000 - *sl, "%sorder %u (%g merges): %s",
                                *sl ? "; " : "", o, mb.v,
                                hbv_num(vd, k, hbv_div(b, capped ? c : a), "x"));
    }
    if (equal)
        return;
    snprintf(k, sizeof k, "free.%s.order%u.ratio_fewer_merges", kind, o);
    const char *r = hbv_num(vd, k, hbv_div(b, a), "x");
    if (hb && ha)
        *ol += (size_t)snprintf(other + *ol, 1000 - *ol, "%sorder %u: %s (%g merges at it, %g "
                                "away)", *ol ? "; " : "", o, r, mb.v, ma.v);
    else
        *ol += (size_t)snprintf(other + *ol, 1000 - *ol, "%sorder %u: %s (merges not recorded)",
                                *ol ? "; " : "", o, r);
}

static void boundary_ratios(struct hbv_verdict *vd, const char *kind)
{
    char same[1000] = "", other[1000] = "";
    size_t sl = 0, ol = 0;

    for (unsigned o = 0; o <= 18; o += 9)
        boundary_order(vd, kind, o, same, &sl, other, &ol);
    if (sl)
        hbv_say(vd, 2, 0, "%s boundary, a free next to it over the same free, merging as often, "
            "away from it: %s.", kind, same);
    if (ol)
        hbv_say(vd, 2, sl ? 1 : 0, "%s boundary, not the same work (fewer merges next to it), a "
            "free next to it over the free of that order away from it: %s.", kind, other);
    if (!sl && !ol)
        hbv_say(vd, 2, 0, "%s boundary: no block frees at and away from it in this run.", kind);
}

static void boundary_frag(struct hbv_verdict *vd, const char *kind, const char *maxo,
                          struct hbv_est *nat)
{
    struct hbv_est l, r;
    char w[256], k[96];

    snprintf(w, sizeof w, "what=frag;boundary=%s;order=%s;variant=node_check;encoding=legacy",
             kind, maxo);
    if (!hbv_get(vd->r, HBV_F_FREE, w, "left_blocks", &l) ||
        !hbv_get(vd->r, HBV_F_FREE, w, "right_blocks", &r))
        return;
    struct hbv_est n = hbv_add(l, r);
    if (!strcmp(kind, "natural"))
        *nat = n;
    if (nat->kind == HBV_EST_NONE || !strcmp(kind, "natural")) {
        snprintf(k, sizeof k, "free.%s.maxorder_blocks", kind);
        hbv_say(vd, 2, 1, "After a full init, the two nodes hold %s free order-%s blocks.",
            hbv_num(vd, k, n, "blocks"), maxo);
        return;
    }
    snprintf(k, sizeof k, "free.%s.maxorder_lost", kind);
    hbv_say(vd, 2, 1, "Fragmentation: %s free blocks of order %s lost to the boundary, against "
        "a 1 GiB-aligned one.",
        hbv_num(vd, k, hbv_sub(*nat, n), "blocks"), maxo);
}

static void boundary_range(struct hbv_verdict *vd, const char *kind, const char *maxr)
{
    struct hbv_est lz, eg;
    char w[256], k[96], a[160];

    snprintf(w, sizeof w, "what=range;boundary=%s;order=%s;path=lazy", kind, maxr);
    if (!hbv_get(vd->r, HBV_F_FREE, w, "ns_per_page", &lz))
        return;
    snprintf(w, sizeof w, "what=range;boundary=%s;order=%s;path=eager", kind, maxr);
    snprintf(k, sizeof k, "free.%s.range_lazy_per_page", kind);
    snprintf(a, sizeof a, "%s", hbv_num(vd, k, lz, "ns"));
    if (!hbv_get(vd->r, HBV_F_FREE, w, "ns_per_page", &eg)) {
        hbv_say(vd, 2, 1, "A free of 2^%s never-initialised pages across it costs %s per page.",
            maxr, a);
        return;
    }
    snprintf(k, sizeof k, "free.%s.range_eager_per_page", kind);
    hbv_say(vd, 2, 1, "A free of 2^%s pages across it costs %s per page through free_heap_pages "
        "on uninitialised pages (lazy), %s through init_heap_pages (eager).", maxr, a,
        hbv_num(vd, k, eg, "ns"));
}

void hbv_section_free(struct hbv_verdict *vd)
{
    const struct hb_csv *c = hbv_rows(vd->r, HBV_F_FREE);
    struct hbv_vals kinds, fo, ro;
    struct hbv_est nat = { .kind = HBV_EST_NONE };

    if (!c) {
        hbv_say(vd, 2, 0, "No free rows in this run: nothing to say about node boundaries.");
        return;
    }
    hbv_distinct(c, "boundary", "what=block", &kinds, false);
    hbv_distinct(c, "order", "what=frag", &fo, true);
    hbv_distinct(c, "order", "what=range", &ro, true);
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
