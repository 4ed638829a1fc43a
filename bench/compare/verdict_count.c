/*
 * verdict_count.c - the hot-path question in exact instructions first and
 * time second: what the uninit encoding adds to a free (orders 0, 9, 18,
 * at and away from a boundary, and the typical frees: no merge, one merge)
 * and to alloc_heap_pages (orders 0 and 9), what lazy's first allocation
 * costs, each strategy's boot work per page at boot and after, and lazy's
 * break-even in instructions.  Reads the instructions columns bench --count
 * fills (docs/results-format.md); a run without them gets one line.
 * Its lines open question 1, before the times.
 */
#include "bench/compare/verdict_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define PAGES_1TIB 268435456.0     /* 4 KiB pages in 1 TiB */

/* A time difference in ns, in the unit of its size ("+1.78 us"). */
/* A counted number: exact, no interval (a difference or ratio of counts). */
static struct hbv_est exact(double x)
{
    return (struct hbv_est){ x, x, x, HBV_EST_EXACT, 0, false, NAN, NAN };
}

static void signed_time(char *b, size_t n, double ns)
{
    double a = ns < 0 ? -ns : ns;

    if (a >= 1e6)
        snprintf(b, n, "%+.3g ms", ns / 1e6);
    else if (a >= 1e3)
        snprintf(b, n, "%+.3g us", ns / 1e3);
    else
        snprintf(b, n, "%+.3g ns", ns);
}

/* The time beside a count: the change with its interval, and whether the
 * run could see it at all. */
static void time_note(char *b, size_t n, struct hbv_est l, struct hbv_est u)
{
    struct hbv_est d = hbv_sub(u, l), r = hbv_div(u, l);
    double lo = (r.lo - 1) * 100, hi = (r.hi - 1) * 100;
    char t[32];

    signed_time(t, sizeof t, d.v);
    if (l.lo == l.hi || u.lo == u.hi)
        snprintf(b, n, "time: %s, one measurement a side: no interval", t);
    else if (lo > 0 || hi < 0)
        snprintf(b, n, "time: %s, %+.1f to %+.1f %%", t, lo, hi);
    else
        snprintf(b, n, "time: not detected, %+.1f to %+.1f %%", lo, hi);
}

/* "adds +18 instructions", "adds no instruction", "saves 3 instructions". */
static void adds(char *b, size_t n, double d)
{
    if (d == 0)
        snprintf(b, n, "adds no instruction");
    else if (d > 0)
        snprintf(b, n, "adds %+.10g instructions", d);
    else
        snprintf(b, n, "saves %.10g instructions", -d);
}

/* One legacy/uninit pair of family fam: where holds "%s" for the encoding.
 * Says the sentence for what; the difference in *cost.  False if the run
 * lacks either count. */
static bool pair_line(struct hbv_verdict *vd, int fam, const char *where, const char *what,
                      const char *key, double *cost)
{
    struct hbv_est li, ui, lt, ut;
    char wl[320], wu[320], a[64], t[120];

    snprintf(wl, sizeof wl, where, "legacy");
    snprintf(wu, sizeof wu, where, "uninit");
    if (!hbv_get(vd->r, fam, wl, "instructions", &li) ||
        !hbv_get(vd->r, fam, wu, "instructions", &ui))
        return false;
    struct hbv_est d = exact(ui.v - li.v);
    hbv_num(vd, key, d, "+instructions");
    adds(a, sizeof a, d.v);
    snprintf(t, sizeof t, "time: not measured");
    if (hbv_get(vd->r, fam, wl, "real_ns", &lt) && hbv_get(vd->r, fam, wu, "real_ns", &ut))
        time_note(t, sizeof t, lt, ut);
    hbv_say(vd, 1, 1, "The uninit encoding %s to %s (%.10g -> %.10g; exact; %s).", a, what, li.v,
        ui.v, t);
    if (cost)
        *cost = d.v;
    return true;
}

/* Frees: orders 0, 9, 18 at and away from the boundary; the typical ones. */
static bool frees(struct hbv_verdict *vd, double *cost0)
{
    static const struct {
        const char *where, *words;
        unsigned max;
    } wh[] = {
        { "away", "away from a boundary (merging up to max order)", 18 },
        { "boundary", "at a node boundary", 18 },
        { "buddy_used", "whose buddy is in use (no merge)", 9 },
        { "one_merge", "that merges once", 9 },
    };
    bool any = false;

    for (unsigned o = 0; o <= 18; o += 9)
        for (size_t w = 0; w < sizeof wh / sizeof wh[0]; w++) {
            char where[256], what[160], key[96];
            if (o > wh[w].max)
                continue;
            snprintf(where, sizeof where, "series=block_%%s;boundary=natural;order=%u;"
                     "where=%s", o, wh[w].where);
            snprintf(what, sizeof what, "an order-%u free %s", o, wh[w].words);
            snprintf(key, sizeof key, "count.free.order%u.%s", o, wh[w].where);
            any |= pair_line(vd, HBV_F_FREE, where, what, key,
                             o == 0 && w == 0 ? cost0 : NULL);
        }
    return any;
}

/* Allocations: orders 0 and 9 from a ready heap; lazy's first one. */
static void allocs(struct hbv_verdict *vd)
{
    for (unsigned o = 0; o <= 9; o += 9) {
        char where[160], what[96], key[64];
        struct hbv_est li, ip, t;
        snprintf(where, sizeof where, "series=ready_%%s;order=%u", o);
        snprintf(what, sizeof what, "an order-%u allocation (alloc_heap_pages)", o);
        snprintf(key, sizeof key, "count.alloc.order%u", o);
        pair_line(vd, HBV_F_ALLOC, where, what, key, NULL);
        snprintf(where, sizeof where, "series=lazy_uninit;order=%u", o);
        if (!hbv_get(vd->r, HBV_F_ALLOC, where, "instructions", &li) ||
            !hbv_get(vd->r, HBV_F_ALLOC, where, "initialised_pages", &ip) || ip.v <= 0)
            continue;
        snprintf(key, sizeof key, "count.alloc.lazy.order%u", o);
        hbv_num(vd, key, li, "instructions");
        char tt[64] = "time: not measured";
        if (hbv_get(vd->r, HBV_F_ALLOC, where, "real_ns", &t))
            snprintf(tt, sizeof tt, "time: %.3g ms", t.v / 1e6);
        hbv_say(vd, 1, 1, "Lazy's first order-%u allocation initialises %.10g pages before it "
            "can take its block: %.10g instructions, %.1f per page initialised (exact; %s).",
            o, ip.v, li.v, li.v / ip.v, tt);
    }
}

/* Boot work per page of each strategy at boot and after it (the largest
 * one-node synthetic heap the run counted); *boot_ipp by strategy. */
static size_t boot_work(struct hbv_verdict *vd, struct hbv_vals *st, double *boot_ipp)
{
    const struct hb_csv *c = hbv_rows(vd->r, HBV_F_INIT);
    size_t said = 0;

    if (!c)
        return 0;
    hbv_distinct(c, "strategy", "series=synthetic_1node", st, false);
    for (size_t i = 0; i < st->n; i++) {
        struct hbv_vals gib;
        struct hbv_est b, d, p;
        char w[256], key[96], base[160];
        boot_ipp[i] = -1;
        snprintf(base, sizeof base, "series=synthetic_1node;strategy=%s",
                 st->v[i]);
        hbv_distinct(c, "ram_gib", base, &gib, true);
        for (size_t g = gib.n; g-- > 0;) {
            snprintf(w, sizeof w, "%s;ram_gib=%s", base, gib.v[g]);
            if (!hbv_get(vd->r, HBV_F_INIT, w, "boot_instructions", &b) ||
                !hbv_get(vd->r, HBV_F_INIT, w, "deferred_instructions", &d) ||
                !hbv_get(vd->r, HBV_F_INIT, w, "pages", &p) || p.v <= 0)
                continue;
            boot_ipp[i] = b.v / p.v;
            snprintf(key, sizeof key, "count.init.%s.boot_per_page", st->v[i]);
            hbv_num(vd, key, hbv_scale(b, 1 / p.v), "instructions");
            hbv_say(vd, 1, 1, "%s: %.1f instructions per page at boot, %.1f after it (%s GiB; "
                "%s).", st->v[i], b.v / p.v, d.v / p.v, gib.v[g],
                strcmp(st->v[i], "deferred") ? "exact"
                                             : "not exact: the benchmark thread only, the "
                                               "node threads' work is not counted");
            said++;
            break;
        }
    }
    return said;
}

/* Lazy's boot saving against chunked, in instructions, and how many
 * order-0 frees the encoding's cost takes to use it up. */
static void break_even(struct hbv_verdict *vd, const struct hbv_vals *st,
                       const double *ipp, double cost0)
{
    double chunked = -1, lazy = -1;

    for (size_t i = 0; i < st->n; i++) {
        if (!strcmp(st->v[i], "chunked"))
            chunked = ipp[i];
        if (!strcmp(st->v[i], "lazy"))
            lazy = ipp[i];
    }
    if (chunked < 0 || lazy < 0)
        return;
    double saved = (chunked - lazy) * PAGES_1TIB;
    struct hbv_est s = exact(saved);
    hbv_num(vd, "count.init.lazy.saving_1tib", s, "instructions");
    if (cost0 <= 0) {
        hbv_say(vd, 1, 0, "Break-even in instructions: lazy saves %.4g instructions of a 1 TiB "
            "boot against chunked, and the uninit encoding adds nothing to an order-0 free: "
            "the saving is never used up (exact).", saved);
        return;
    }
    struct hbv_est n = exact(saved / cost0);
    hbv_num(vd, "count.init.break_even_frees", n, "frees");
    hbv_say(vd, 1, 0, "Break-even in instructions: lazy saves %.4g instructions of a 1 TiB "
        "boot against chunked (%.1f per page); at %+.10g instructions per order-0 free, that "
        "is used up after %.4g frees (exact; the initialisation itself moves to after boot).",
        saved, chunked - lazy, cost0, saved / cost0);
}

/* The difference legacy -> uninit of one pair's instructions, if counted. */
static bool pair_diff(struct hbv_verdict *vd, int fam, const char *where, double *d)
{
    struct hbv_est l, u;
    char wl[320], wu[320];

    snprintf(wl, sizeof wl, where, "legacy");
    snprintf(wu, sizeof wu, where, "uninit");
    if (!hbv_get(vd->r, fam, wl, "instructions", &l) ||
        !hbv_get(vd->r, fam, wu, "instructions", &u))
        return false;
    *d = u.v - l.v;
    return true;
}

/* The answer in short (section 0), before the section's lines. */
static void in_short(struct hbv_verdict *vd)
{
    double f0, f0n, a0;
    char a[64], b[64], c[64];
    bool hf = pair_diff(vd, HBV_F_FREE, "series=block_%s;boundary=natural;order=0;where=away",
                        &f0);
    bool hn = pair_diff(vd, HBV_F_FREE, "series=block_%s;boundary=natural;order=0;"
                        "where=buddy_used", &f0n);
    bool ha = pair_diff(vd, HBV_F_ALLOC, "series=ready_%s;order=0", &a0);

    if (!hf)
        return;
    adds(a, sizeof a, f0);
    adds(b, sizeof b, hn ? f0n : 0);
    adds(c, sizeof c, ha ? a0 : 0);
    hbv_say(vd, 0, 0, "Exactly: the uninit encoding %s to an order-0 free away from a boundary"
        "%s%s%s%s%s (instructions under callgrind).", a, hn ? "; it " : "", hn ? b : "",
        hn ? " to one whose buddy is in use (no merge)" : "",
        ha ? "; to an order-0 allocation it " : "", ha ? c : "");
}

void hbv_section_count(struct hbv_verdict *vd)
{
    double cost0 = 0, ipp[64];
    struct hbv_vals st = { .n = 0 };

    in_short(vd);
    size_t at = vd->nlines;

    hbv_say(vd, 1, 0, "The hot path in exact instructions (bench --count), time beside:");
    bool f = frees(vd, &cost0);
    allocs(vd);
    bool hot = vd->nlines > at + 1;
    if (!hot)
        vd->nlines = at;     /* no pair counted: no heading */
    size_t at2 = vd->nlines;
    hbv_say(vd, 1, 0, "Boot work in exact instructions per page:");
    if (!boot_work(vd, &st, ipp))
        vd->nlines = at2;
    if (!hot && vd->nlines == at2) {
        hbv_say(vd, 1, 0, "No exact instruction counts in this run (bench --count counts "
            "them under callgrind).");
        return;
    }
    if (f)
        break_even(vd, &st, ipp, cost0);
}
