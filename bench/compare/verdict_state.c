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
        return "entries";
    if (!strcmp(l, "bytearray"))
        return "bytes";
    return l;
}

/* "32 MiB (in cache)" or "1024 MiB (memory)": what the benchmark matching
 * w reads, and whether it fits in the last-level cache ("?" if the run
 * lacks its bytes; no bracket without the LLC size). */
static void cache_note(struct hbv_verdict *vd, const char *w, const char *enc, const char *lay,
                       char *b, size_t n)
{
    struct hbv_est by;
    const char *llc = hbv_env(vd->r, "llc_bytes");

    snprintf(b, n, "?");
    if (!hbv_get(vd->r, HBV_F_STATE, w, "bytes", &by))
        return;
    if (!llc || !(atof(llc) > 0)) {
        snprintf(b, n, "%g MiB", by.v / 1048576);
        return;
    }
    if (!strcmp(enc, "legacy"))
        vd->state_cached[!strcmp(lay, "bytearray")] = by.v <= atof(llc);
    snprintf(b, n, "%g MiB (%s)", by.v / 1048576, by.v <= atof(llc) ? "in cache" : "memory");
}

static void state_one(struct hbv_verdict *vd, const char *enc, const char *lay, const char *tb,
                      int t)
{
    struct hbv_vals impls;
    struct hbv_est best = { 0 }, ratio = { 0 }, e;
    const char *bi = NULL;
    char w[256], k[96], row[64];

    snprintf(w, sizeof w, "series=scan;encoding=%s;layout=%s;table_bytes=%s", enc, lay, tb);
    hbv_distinct(hbv_rows(vd->r, HBV_F_STATE), "impl", w, &impls, false);
    for (size_t i = 0; i < impls.n; i++) {
        snprintf(w, sizeof w, "series=scan;encoding=%s;layout=%s;table_bytes=%s;impl=%s", enc, lay,
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
    snprintf(w, sizeof w, "series=scan;encoding=%s;layout=%s;table_bytes=%s;impl=%s", enc, lay, tb,
             bi);
    cache_note(vd, w, enc, lay, where, sizeof where);
    snprintf(row, sizeof row, "%s, %s", enc, layout_what(lay));
    hbv_cell(vd, t, row, 0, bi);
    hbv_cell(vd, t, row, 1, where);
    snprintf(k, sizeof k, "state.%s.%s.pages_per_ns", enc, lay);
    hbv_cell(vd, t, row, 2, hbv_num(vd, k, hbv_inv(best), "pages/ns"));
    if (ratio.kind != HBV_EST_NONE) {
        snprintf(k, sizeof k, "state.%s.%s.roofline_pct", enc, lay);
        hbv_cell(vd, t, row, 3, hbv_num(vd, k, hbv_scale(hbv_inv(ratio), 100), "%"));
    }
    snprintf(k, sizeof k, "state.%s.%s.scan_1tib", enc, lay);
    hbv_cell(vd, t, row, 4, hbv_num(vd, k, hbv_scale(best, TIB_PAGES), "ns"));
}

/* What the scans do not measure: the patch's own checks. */
static void own_checks(struct hbv_verdict *vd)
{
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

void hbv_section_state(struct hbv_verdict *vd)
{
    const struct hb_csv *c = hbv_rows(vd->r, HBV_F_STATE);
    struct hbv_vals tbs, encs, lays;

    if (!c) {
        hbv_say(vd, 3, 0, "No state rows in this run: nothing to say about state checks.");
        return;
    }
    hbv_distinct(c, "table_bytes", "series=scan", &tbs, true);
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
    hbv_say(vd, 3, 0, "Measured on a %g MiB table of 32-byte entries (the largest in this "
        "run%s); entries: the state in each page's 32-byte entry; bytes: a separate state "
        "array of a byte a page.", mib, fits);
    static const char *const head[] = { "fastest\nkernel", "table\nread from",
                                        "pages\nper ns", "% of read\nroofline",
                                        "scan of\n1 TiB" };
    int t = hbv_table(vd, 3, "A whole-table scan by encoding and layout, with the fastest "
                      "kernel; the table it reads and whether it fits in the last-level "
                      "cache (then a cache speed, not memory's):", 5, head);
    hbv_distinct(c, "encoding", "series=scan", &encs, false);
    hbv_distinct(c, "layout", "series=scan", &lays, false);
    for (size_t i = 0; i < encs.n; i++)
        for (size_t j = 0; j < lays.n; j++)
            state_one(vd, encs.v[i], lays.v[j], tb, t);
    own_checks(vd);
}
