/*
 * verdict_state.c - question 3, per-page state scans: pages per ns with
 * the fastest implementation on the largest table measured (beyond the
 * cache), the share of the read roofline, and a full scan of a 1 TiB
 * machine's frame table.  Reads the state family.
 */
#include "bench/compare/verdict_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TIB_PAGES 268435456.0   /* 1 TiB of 4 KiB frames */

static const char *layout_what(const char *l)
{
    if (!strcmp(l, "entries"))
        return "32-byte entries";
    if (!strcmp(l, "bytearray"))
        return "separate state array";
    return l;
}

/* "; it reads 32 MiB, which fits in the last-level cache: ..." for the
 * benchmark matching w ("" if the run lacks its bytes or the LLC size). */
static void cache_note(struct hbv_verdict *vd, const char *w, const char *enc, const char *lay,
                       char *b, size_t n)
{
    struct hbv_est by;
    const char *llc = hbv_env(vd->r, "llc_bytes");

    b[0] = 0;
    if (!llc || !(atof(llc) > 0) || !hbv_get(vd->r, HBV_F_STATE, w, "bytes", &by))
        return;
    if (!strcmp(enc, "legacy"))
        vd->state_cached[!strcmp(lay, "bytearray")] = by.v <= atof(llc);
    snprintf(b, n, by.v <= atof(llc) ? "; it reads %g MiB, which fits in the last-level cache: "
             "a cache speed, not memory's" : "; it reads %g MiB, more than the last-level cache",
             by.v / 1048576);
}

static void state_one(struct hbv_verdict *vd, const char *enc, const char *lay, const char *tb)
{
    struct hbv_vals impls;
    struct hbv_est best = { 0 }, ratio = { 0 }, e;
    const char *bi = NULL;
    char w[256], k[96], a[160], b[160];

    snprintf(w, sizeof w, "what=scan;encoding=%s;layout=%s;table_bytes=%s", enc, lay, tb);
    hbv_distinct(hbv_rows(vd->r, HBV_F_STATE), "impl", w, &impls, false);
    for (size_t i = 0; i < impls.n; i++) {
        snprintf(w, sizeof w, "what=scan;encoding=%s;layout=%s;table_bytes=%s;impl=%s", enc, lay,
                 tb, impls.v[i]);
        if (!hbv_get(vd->r, HBV_F_STATE, w, "ns_per_page", &e) || (bi && e.v >= best.v))
            continue;
        if (!hbv_get(vd->r, HBV_F_STATE, w, "ratio", &ratio))
            ratio.kind = HBV_EST_NONE;
        best = e, bi = impls.v[i];
    }
    if (!bi)
        return;
    char where[160];
    snprintf(w, sizeof w, "what=scan;encoding=%s;layout=%s;table_bytes=%s;impl=%s", enc, lay, tb,
             bi);
    cache_note(vd, w, enc, lay, where, sizeof where);
    snprintf(k, sizeof k, "state.%s.%s.pages_per_ns", enc, lay);
    snprintf(a, sizeof a, "%s", hbv_num(vd, k, hbv_inv(best), "pages/ns"));
    snprintf(k, sizeof k, "state.%s.%s.scan_1tib", enc, lay);
    snprintf(b, sizeof b, "%s", hbv_num(vd, k, hbv_scale(best, TIB_PAGES), "ns"));
    if (ratio.kind != HBV_EST_NONE) {
        char r[160];
        snprintf(k, sizeof k, "state.%s.%s.roofline_pct", enc, lay);
        snprintf(r, sizeof r, "%s", hbv_num(vd, k, hbv_scale(hbv_inv(ratio), 100), "%"));
        hbv_say(vd, 3, 1, "%s encoding, %s (%s, the fastest here%s): %s, %s of the read "
            "roofline; a scan of a 1 TiB machine's frame table takes %s.", enc, layout_what(lay),
            bi, where, a, r, b);
    } else {
        hbv_say(vd, 3, 1, "%s encoding, %s (%s, the fastest here%s): %s; a scan of a 1 TiB "
            "machine's frame table takes %s.", enc, layout_what(lay), bi, where, a, b);
    }
}

void hbv_section_state(struct hbv_verdict *vd)
{
    const struct hb_csv *c = hbv_rows(vd->r, HBV_F_STATE);
    struct hbv_vals tbs, encs, lays;

    if (!c) {
        hbv_say(vd, 3, 0, "No state rows in this run: nothing to say about state checks.");
        return;
    }
    hbv_distinct(c, "table_bytes", "what=scan", &tbs, true);
    if (!tbs.n)
        return;
    const char *tb = tbs.v[tbs.n - 1], *llc = hbv_env(vd->r, "llc_bytes");
    double mib = atof(tb) / 1048576, llc_mib = llc ? atof(llc) / 1048576 : 0;
    char fits[160] = "";
    snprintf(vd->state_table, sizeof vd->state_table, "%g MiB", mib);
    if (llc_mib > 0)
        snprintf(fits, sizeof fits, mib <= llc_mib ? "; it fits in the %g MiB last-level cache, so "
                 "these are cache speeds, not memory's" : "; larger than the %g MiB last-level "
                 "cache", llc_mib);
    hbv_say(vd, 3, 0, "Measured on a %g MiB table of 32-byte entries (the largest in this run%s), "
        "pages per ns with the best implementation:", mib, fits);
    hbv_distinct(c, "encoding", "what=scan", &encs, false);
    hbv_distinct(c, "layout", "what=scan", &lays, false);
    for (size_t i = 0; i < encs.n; i++)
        for (size_t j = 0; j < lays.n; j++)
            state_one(vd, encs.v[i], lays.v[j], tb);
    const char *own = hbv_shown(vd, "free.encoding.order0.away.ns");
    if (strcmp(own, "?"))
        hbv_say(vd, 3, 0, "These are whole-table scans.  The patch's own check on the hot path, "
            "the state test of the first page of each freed block (with the rest of the uninit "
            "encoding), is the encoding's cost in section 1: %s per order-0 free away from a "
            "boundary.  Its per-range assertions run in debug builds only (compiled out here, "
            "as in a release Xen): not measured.", own);
    else
        hbv_say(vd, 3, 0, "These are whole-table scans; the patch's own checks (the state test "
            "of the first page of each freed block, its per-range assertions) are not measured "
            "in this run (no encoding:uninit block frees).");
}
