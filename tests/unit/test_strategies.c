/*
 * test_strategies.c - issue 3's core property and its corner cases.
 *
 * Equivalence: with the same map and the same boot allocations, once
 * everything is initialised, pagewise, chunked, lazy (+ pa_lazy_finish)
 * and deferred (+ join and finish) leave the identical set of free blocks,
 * and that set is the reference model's (tests/unit/heaputil.c), on fixed
 * layouts, on random ones, with and without the boot allocations returned.
 * Then what lazy must not do (touch the frame table at hand-off), how it
 * grows, the live-update path, and the legacy-encoding bug that the
 * PGC_state_uninitialised patch fixes.
 * Diagrams: digits are nodes, 'B' boot allocations, ' ' holes.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tests/unit/heaputil.h"

/* ------------------------------------------------------------------------
 * Equivalence with an arbitrary sequence of returned ranges
 * ------------------------------------------------------------------------ */

struct span {
    uint64_t mfn, nr;
};

/* Return a range the way the encoding allows: init_heap_pages (legacy) or
 * free_heap_pages through pa_free_range (uninit). */
static int give_back(struct pa_heap *h, uint64_t mfn, uint64_t nr)
{
    return pa_heap_encoding(h) == PA_ENC_UNINIT ? pa_free_range(h, mfn, nr)
                                                : pa_init_heap_pages(h, mfn, nr);
}

/* Boot with req, give back the spans in order, finish; compare every
 * strategy with the reference. */
static void equiv_spans(const char *what, const struct pa_range *r, size_t nr,
                        unsigned max_order, struct hu_boot_req *req, size_t nreq,
                        const struct span *sp, size_t nsp)
{
    struct hu_ref *ref = hu_ref_new(r, nr, max_order);
    struct hu_blocks want = { 0 };

    for (int s = 0; s < PA_NR_STRATEGIES; s++) {
        struct pa_heap *h = hu_heap_strat(r, nr, max_order, (enum pa_strategy)s);
        struct hu_blocks seen = { 0 };
        char label[128];
        if (!h)
            break;
        snprintf(label, sizeof label, "%s, %s", what, pa_strategy_name((enum pa_strategy)s));
        CHECK_EQ(hu_boot(h, req, nreq, 0), 0);
        if (s == 0) {
            hu_ref_boot(ref, req, nreq, 0);
            for (size_t i = 0; i < nsp; i++)
                hu_ref_handoff(ref, sp[i].mfn, sp[i].nr);
            hu_ref_blocks(ref, &want);
        }
        for (size_t i = 0; i < nsp; i++)
            CHECK_EQ(give_back(h, sp[i].mfn, sp[i].nr), 0);
        CHECK_EQ(hu_finish(h), 0);
        hu_collect(h, &seen);
        CHECK_BLOCKS(&seen, &want, label);
        hu_blocks_sane(&seen, r, nr, label);
        CHECK_HEAP(h);
        hu_blocks_free(&seen);
        pa_heap_destroy(h);
    }
    hu_blocks_free(&want);
    hu_ref_destroy(ref);
}

/* ------------------------------------------------------------------------
 * Fixed layouts
 * ------------------------------------------------------------------------ */

/*
 * A table of maps (max_order 6 or 9), each with and without two boot
 * allocations (one on node 0, one anywhere) returned afterwards:
 *   holes      0000  000 0000000   00                 holes of 1..40 pages
 *   mfn0       0000000|1111111                        RAM from MFN 0
 *   unaligned  000000|111111|222222                   boundaries 0x1e3, 0x2c5
 *   surround   0000|1111|0000|1111|0000              interleaved nodes
 *   far        0 at 0x10_0000, 1 at 0x40_0000 + 3     two chunks of table
 */
TEST(strategies_equivalence_table_check)
{
    static const struct {
        const char *name;
        struct pa_range r[6];
        size_t nr;
        unsigned max_order;
    } t[] = {
        { "holes", { { 0x100, 0x104, 0 }, { 0x105, 0x108, 0 }, { 0x130, 0x1f1, 0 },
                     { 0x219, 0x21b, 0 } }, 4, 6 },
        { "mfn0", { { 0, 0x180, 0 }, { 0x180, 0x300, 1 } }, 2, 6 },
        { "unaligned", { { 0x100, 0x1e3, 0 }, { 0x1e3, 0x2c5, 1 }, { 0x2c5, 0x400, 2 } }, 3, 9 },
        { "surround", { { 0x100, 0x180, 0 }, { 0x180, 0x1c1, 1 }, { 0x1c1, 0x300, 0 },
                        { 0x300, 0x333, 1 }, { 0x333, 0x400, 0 } }, 5, 9 },
        { "far", { { 0x100000, 0x100200, 0 }, { 0x400003, 0x400400, 1 } }, 2, 9 },
    };
    struct hu_boot_req req[] = { { 0x11, 1, 0, 0 }, { 0x20, 8, -1, 0 } };

    for (size_t i = 0; i < HU_ARRAY_SIZE(t); i++) {
        char what[64];
        hu_check_strategies(t[i].name, t[i].r, t[i].nr, t[i].max_order, NULL, 0, false, 0);
        snprintf(what, sizeof what, "%s + boot kept", t[i].name);
        hu_check_strategies(what, t[i].r, t[i].nr, t[i].max_order, req, 2, false, 0);
        snprintf(what, sizeof what, "%s + boot freed", t[i].name);
        hu_check_strategies(what, t[i].r, t[i].nr, t[i].max_order, req, 2, true, 0);
    }
}

/* ------------------------------------------------------------------------
 * Random layouts
 * ------------------------------------------------------------------------ */

/* Do the boot allocations fit?  (They are placed the same way for every
 * strategy; test_boot.c checks where.) */
static bool fits(const struct pa_range *r, size_t nr, struct hu_boot_req *req,
                 size_t nreq, unsigned boot_node)
{
    struct pa_heap *h = hu_heap_new(r, nr, PA_ENC_LEGACY, 6, PA_STRAT_PAGEWISE);
    struct pa_boot *b;
    bool ok = true;

    if (!h)
        return false;
    b = pa_boot_create(h);
    pa_boot_add_all(b);
    for (size_t i = 0; i < nreq && ok; i++)
        ok = pa_boot_alloc(b, req[i].pages, req[i].align, req[i].node) != PA_INVALID_MFN;
    (void)boot_node;
    pa_boot_destroy(b);
    pa_heap_destroy(h);
    return ok;
}

/*
 * 60 random maps: up to 8 ranges on up to 3 nodes, holes, touching ranges
 * of different nodes, sometimes MFN 0; max_order 2..10; up to 3 boot
 * allocations (any node or a given one, aligned or not), returned or not;
 * any boot node.
 * Expect: every strategy equals the reference on every map.
 */
TEST(strategies_equivalence_random_check)
{
    struct hu_rng rng = { 0x5eed0003 };

    for (int iter = 0; iter < 60 && !hb_test_failed(); iter++) {
        struct pa_range r[8];
        struct hu_boot_req req[3];
        unsigned nodes = 1 + (unsigned)hu_below(&rng, 3);
        size_t nr = hu_random_layout(&rng, r, 8, nodes, 1500);
        unsigned max_order = 2 + (unsigned)hu_below(&rng, 9);
        size_t nreq = hu_below(&rng, 4);
        unsigned boot_node = (unsigned)hu_below(&rng, nodes);
        char what[64];

        for (size_t i = 0; i < nreq; i++)
            req[i] = (struct hu_boot_req){
                1 + hu_below(&rng, 64), 1ULL << hu_below(&rng, 4),
                hu_below(&rng, 2) ? -1 : (int)hu_below(&rng, nodes), 0 };
        if (!fits(r, nr, req, nreq, boot_node))
            nreq = 0;
        snprintf(what, sizeof what, "random map %d", iter);
        hu_check_strategies(what, r, nr, max_order, req, nreq, hu_below(&rng, 2), boot_node);
    }
}

/* ------------------------------------------------------------------------
 * Corner cases
 * ------------------------------------------------------------------------ */

/*
 *   0x100       0x200   0x280
 *   |00000000000|BBBBBBB|         node 1 entirely boot-allocated
 * Expect: all strategies equal; node 1's metadata is built from the first
 * pages freed there (test_meta.c checks where).
 */
TEST(strategies_whole_node_boot_allocated_check)
{
    struct pa_range r[] = { { 0x100, 0x200, 0 }, { 0x200, 0x280, 1 } };
    struct hu_boot_req req[] = { { 0x80, 1, 1, 0 } };

    hu_check_strategies("whole node", r, 2, 6, req, 1, true, 0);
    hu_check_strategies("whole node kept", r, 2, 6, req, 1, false, 0);
}

/*
 *   0x100      0x200                 0x400
 *   |0000000000|BBBBBBBBBBBBBBBBBBBBB|      zone 10 entirely boot-allocated
 * Expect: all strategies equal; zone 10's blocks appear only after the
 * free, as two order-8 blocks (0x100/8 too: the only node's metadata is
 * static, as Xen's first node's).
 */
TEST(strategies_whole_zone_boot_allocated_check)
{
    struct pa_range r[] = { { 0x100, 0x400, 0 } };
    struct hu_boot_req req[] = { { 0x200, 1, -1, 0 } };
    struct pa_heap *h;

    hu_check_strategies("whole zone", r, 1, 8, req, 1, true, 0);
    h = hu_heap_strat(r, 1, 8, PA_STRAT_LAZY);
    if (!h)
        return;
    CHECK_EQ(hu_boot(h, req, 1, 0), 0);
    CHECK_EQ(req[0].mfn, 0x200);
    CHECK_EQ(pa_lazy_finish(h, -1), 0);
    CHECK_EQ(pa_avail(h, 0, 10), 0);
    CHECK_EQ(hu_free_boot(h, req, 1), 0);
    CHECK_EQ(pa_avail(h, 0, 10), 0x200);
    CHECK_EQ(pa_free_blocks(h, 0, 8), 3);      /* 0x100, 0x200, 0x300 /8 */
    pa_heap_destroy(h);
}

/*
 *   0x100      0x1f0 0x200 0x210       0x400  0x500
 *   |0000000000|BBBB|BBBB|             |22222|
 *               node 0 | node 1 (node 1 is only 0x200..0x20f)
 * One range [0x1f0, 0x210) crossing the node boundary is given back.
 * Expect: all strategies equal; 0x1f0/4 on node 0, node 1 gets metadata
 * 0x200..0x203 and 0x204/2 0x208/3.
 */
TEST(strategies_free_range_crossing_nodes_check)
{
    struct pa_range r[] = { { 0x100, 0x200, 0 }, { 0x200, 0x210, 1 }, { 0x400, 0x500, 2 } };
    struct hu_boot_req req[] = { { 0x10, 1, 1, 0 }, { 0x10, 1, 0, 0 } };
    struct span sp[] = { { 0x1f0, 0x20 } };
    struct hu_boot_req placed[2];

    memcpy(placed, req, sizeof placed);
    {
        struct pa_heap *h = hu_heap_strat(r, 3, 6, PA_STRAT_PAGEWISE);
        if (!h)
            return;
        CHECK_EQ(hu_boot(h, placed, 2, 0), 0);
        CHECK_EQ(placed[0].mfn, 0x200);
        CHECK_EQ(placed[1].mfn, 0x1f0);
        pa_heap_destroy(h);
    }
    equiv_spans("crossing", r, 3, 6, placed, 2, sp, 1);
}

/*
 *   0x100      0x180  0x1c0                 0x300
 *   |mmmm00000|BBBBBB|1111111111111111111111|      max_order 8
 * The boot allocation 0x180/6 is returned as one order-6 block; its
 * buddy 0x1c0/6 is free on node 1.
 * Expect: no merge: 0x180/6 stays on node 0; all strategies equal.
 */
TEST(strategies_high_order_free_buddy_other_node_check)
{
    struct pa_range r[] = { { 0x100, 0x1c0, 0 }, { 0x1c0, 0x300, 1 }, { 0x400, 0x440, 1 } };
    struct hu_boot_req req[] = { { 0x40, 0x40, 0, 0 } };
    static const enum pa_strategy strat[] = { PA_STRAT_CHUNKED, PA_STRAT_LAZY };

    hu_check_strategies("buddy on another node", r, 3, 8, req, 1, true, 0);
    for (size_t i = 0; i < 2; i++) {
        struct pa_heap *h = hu_heap_new(r, 3, PA_ENC_UNINIT, 8, strat[i]);
        struct hu_blocks b = { 0 };
        bool found = false;
        if (!h)
            return;
        CHECK_EQ(hu_boot(h, req, 1, 0), 0);
        CHECK_EQ(req[0].mfn, 0x180);
        CHECK_EQ(hu_finish(h), 0);
        CHECK_EQ(pa_free_heap_pages(h, 0x180, 6), 0);   /* one order-6 free */
        hu_collect(h, &b);
        for (size_t k = 0; k < b.nr; k++) {
            found |= b.v[k].mfn == 0x180 && b.v[k].order == 6 && b.v[k].node == 0;
            if (b.v[k].mfn == 0x1c0)
                CHECK_EQ(b.v[k].node, 1);
        }
        CHECK(found);
        CHECK_HEAP(h);
        hu_blocks_free(&b);
        pa_heap_destroy(h);
    }
}

/*
 * Lazy hand-off writes nothing:
 *   0        0x300   0x400      0x800
 *   |00000000|BBB    |1111111111|       with MFN 0 and a boot allocation
 * Expect: after end_boot_allocator every frame-table entry is still all
 * zero, no page is free, everything but the boot allocation is pending.
 */
TEST(strategies_lazy_end_boot_allocator_untouched_check)
{
    struct pa_range r[] = { { 0, 0x300, 0 }, { 0x400, 0x800, 1 } };
    struct hu_boot_req req[] = { { 0x20, 1, 0, 0 } };
    static const enum pa_strategy strat[] = { PA_STRAT_LAZY, PA_STRAT_DEFERRED };

    for (size_t i = 0; i < 2; i++) {
        struct pa_heap *h = hu_heap_strat(r, 2, 8, strat[i]);
        struct pa_boot *b;
        size_t entries = 0;
        const unsigned char *ft;
        if (!h)
            return;
        b = pa_boot_create(h);
        CHECK_EQ(pa_boot_add_all(b), 0);
        CHECK(pa_boot_alloc(b, req[0].pages, 1, 0) != PA_INVALID_MFN);
        CHECK_EQ(pa_end_boot_allocator(b, 0), 0);
        pa_boot_destroy(b);
        ft = (const unsigned char *)pa_frametable(h, &entries, NULL);
        for (size_t k = 0; k < entries * sizeof(struct pa_page); k++)
            if (ft[k]) {
                hb_check_fail(__FILE__, __LINE__, "%s: frame-table byte %zu written",
                              pa_strategy_name(strat[i]), k);
                break;
            }
        CHECK_EQ(pa_avail(h, -1, -1), 0);
        CHECK_EQ(pa_lazy_pending(h, -1), 0x300 + 0x400 - 0x20);
        CHECK_EQ(pa_lazy_pending(h, 1), 0x400);
        CHECK_HEAP(h);
        pa_heap_destroy(h);
    }
}

/*
 * Zone order, lazy against eager:
 *   0x10                 0x1000                 0x2000
 *   |zones 5..12 ........|zone 13 ..............|      node 0, max_order 8
 * Expect: the first order-0 allocation comes from zone 13 for every
 * strategy (eager heaps serve the highest zone first; lazy grows the
 * pending memory an eager heap would serve from, not its lowest run);
 * an order-8 request on a node with no aligned 256-page block left
 * pending or free fails without initialising anything more.
 */
TEST(strategies_lazy_alloc_zone_order_check)
{
    struct pa_range r[] = { { 0x10, 0x2000, 0 } };
    struct pa_range small[] = { { 0x10, 0xf0, 0 } };

    for (int s = 0; s < PA_NR_STRATEGIES; s++) {
        struct pa_heap *h = hu_heap_strat(r, 1, 8, (enum pa_strategy)s);
        uint64_t m;
        if (!h)
            return;
        CHECK_EQ(hu_boot(h, NULL, 0, 0), 0);
        m = pa_alloc_heap_pages(h, 0, 0, 1);
        if (pa_mfn_zone(m) != 13)
            hb_check_fail(__FILE__, __LINE__, "%s: first page from zone %u, not 13",
                          pa_strategy_name((enum pa_strategy)s), pa_mfn_zone(m));
        CHECK_EQ(hu_finish(h), 0);
        CHECK_HEAP(h);
        pa_heap_destroy(h);
    }
    struct pa_heap *h = hu_heap_strat(small, 1, 8, PA_STRAT_LAZY);
    if (!h)
        return;
    CHECK_EQ(hu_boot(h, NULL, 0, 0), 0);
    CHECK_EQ(pa_alloc_heap_pages(h, 8, 0, 1), PA_INVALID_MFN);
    CHECK_EQ(pa_lazy_pending(h, 0), 0xf0 - 0x10);
    CHECK_EQ(pa_avail(h, 0, -1), 0);
    pa_heap_destroy(h);
}

/*
 * The patch as posted: end_boot_allocator stays eager.
 *   0x100   0x120 0x130               0x200
 *   |mmmm....|BBBB|..................|       node 0, max_order 8,
 *                                             a 16-page boot allocation
 * Expect: right after end_boot_allocator nothing is pending and every page
 * but metadata and the boot allocation is free; the boot allocation is
 * still state 0 ("uninitialised"); freeing it with free_heap_pages goes
 * through init (each page set in use, then freed: no misuse refusal) and
 * leaves the same blocks as a chunked heap whose boot allocation went
 * back through init_heap_pages.  The patch refuses the legacy encoding.
 */
TEST(strategies_patch_eager_boot_free_through_init_check)
{
    struct pa_range r[] = { { 0x100, 0x200, 0 } };
    struct hu_boot_req req[] = { { 16, 16, 0, 0 } }, req2[] = { { 16, 16, 0, 0 } };
    struct pa_heap *h = hu_heap_strat(r, 1, 8, PA_STRAT_PATCH);
    struct pa_heap *e = hu_heap_strat(r, 1, 8, PA_STRAT_CHUNKED);
    struct pa_heap *bad = hu_heap_new(r, 1, PA_ENC_LEGACY, 8, PA_STRAT_PAGEWISE);
    struct hu_blocks bh = { 0 }, be = { 0 };

    if (!h || !e || !bad)
        return;
    CHECK_EQ(pa_heap_set_strategy(bad, PA_STRAT_PATCH), -EINVAL);
    CHECK_EQ(hu_boot(h, req, 1, 0), 0);
    CHECK_EQ(pa_lazy_pending(h, -1), 0);
    CHECK_EQ(pa_avail(h, -1, -1), 0x100 - 16);     /* static metadata */
    for (uint64_t i = 0; i < 16; i++)
        CHECK(pa_page_state_is(h, pa_mfn_to_page(h, req[0].mfn + i), PA_STATE_UNINIT));
    CHECK_EQ(hu_free_boot(h, req, 1), 0);
    CHECK_EQ(pa_avail(h, -1, -1), 0x100);
    CHECK_EQ(hu_boot(e, req2, 1, 0), 0);
    CHECK_EQ(req2[0].mfn, req[0].mfn);
    CHECK_EQ(hu_free_boot(e, req2, 1), 0);
    hu_collect(h, &bh);
    hu_collect(e, &be);
    CHECK_BLOCKS(&bh, &be, "patch against chunked");
    CHECK_HEAP(h);
    hu_blocks_free(&bh);
    hu_blocks_free(&be);
    pa_heap_destroy(h);
    pa_heap_destroy(e);
    pa_heap_destroy(bad);
}

/*
 *   0x1000                                  0x1400
 *   |chunk 0 |chunk 1 |chunk 2 |chunk 3 |          node 0, max_order 8,
 *                                                  all of it zone 13
 * Expect: node 0 keeps its metadata in static storage (its run is the
 * first handed off, as Xen's first node); the first allocation initialises
 * one chunk, the top one, where the run's highest
 * block lies (the highest zone first, as an eager heap serves); pending
 * drops by 0x100 per chunk, and only when the node's lists cannot serve
 * the request from as high a zone; node 1 is never touched while node 0
 * can grow.
 */
TEST(strategies_lazy_alloc_grows_by_chunk_check)
{
    struct pa_range r[] = { { 0x1000, 0x1400, 0 }, { 0x2000, 0x2100, 1 } };
    struct pa_heap *h = hu_heap_strat(r, 2, 8, PA_STRAT_LAZY);
    uint64_t m;

    if (!h)
        return;
    CHECK_EQ(hu_boot(h, NULL, 0, 0), 0);
    CHECK_EQ(pa_lazy_pending(h, 0), 0x400);
    m = pa_alloc_heap_pages(h, 0, 0, 1);
    CHECK(m >= 0x1300 && m < 0x1400);
    CHECK_EQ(pa_lazy_pending(h, 0), 0x300);
    CHECK_EQ(pa_avail(h, 0, -1), 0x100 - 1);
    m = pa_alloc_heap_pages(h, 4, 0, 1);          /* fits in chunk 3 */
    CHECK(m >= 0x1300 && m < 0x1400);
    CHECK_EQ(pa_lazy_pending(h, 0), 0x300);
    m = pa_alloc_heap_pages(h, 8, 0, 1);          /* needs chunk 2 */
    CHECK_EQ(m, 0x1200);
    CHECK_EQ(pa_lazy_pending(h, 0), 0x200);
    m = pa_alloc_heap_pages(h, 8, 0, 1);
    CHECK_EQ(m, 0x1100);
    CHECK_EQ(pa_lazy_pending(h, 0), 0x100);
    CHECK_EQ(pa_lazy_pending(h, 1), 0x100);       /* node 1 untouched */
    CHECK_EQ(pa_avail(h, 1, -1), 0);
    CHECK_EQ(pa_lazy_finish(h, 0), 0);
    CHECK_EQ(pa_lazy_pending(h, 0), 0);
    CHECK_EQ(pa_lazy_pending(h, 1), 0x100);
    CHECK_EQ(pa_lazy_finish(h, -1), 0);
    CHECK_EQ(pa_lazy_pending(h, -1), 0);
    CHECK_HEAP(h);
    pa_heap_destroy(h);
}

/*
 * Live update: guest pages of a previous instance are boot-allocated,
 * made "in use" with pa_init_inuse, then freed.
 *   0x100  0x300 0x380 0x400       0x700 0x780 0x800
 *   |00000000000|GGGG|1111111111111|GGGGG|          max_order 8
 * Expect: after init_inuse the pages are in use with their owner, in a
 * proper non-zero state under uninit; after the free every strategy
 * (and both encodings for the eager ones) equals the reference.
 */
TEST(strategies_init_inuse_then_free_check)
{
    struct pa_range r[] = { { 0x100, 0x400, 0 }, { 0x400, 0x800, 1 } };
    static const struct { enum pa_strategy s; enum pa_encoding e; } t[] = {
        { PA_STRAT_PAGEWISE, PA_ENC_LEGACY }, { PA_STRAT_CHUNKED, PA_ENC_LEGACY },
        { PA_STRAT_PAGEWISE, PA_ENC_UNINIT }, { PA_STRAT_CHUNKED, PA_ENC_UNINIT },
        { PA_STRAT_LAZY, PA_ENC_UNINIT }, { PA_STRAT_DEFERRED, PA_ENC_UNINIT },
    };
    struct hu_boot_req req[] = { { 0x80, 1, 0, 0 }, { 0x80, 1, 1, 0 } };
    struct hu_blocks want = { 0 };
    bool have_want = false;

    for (size_t i = 0; i < HU_ARRAY_SIZE(t); i++) {
        struct pa_heap *h = hu_heap_new(r, 2, t[i].e, 8, t[i].s);
        struct hu_blocks seen = { 0 };
        if (!h)
            return;
        CHECK_EQ(hu_boot(h, req, 2, 0), 0);
        if (!have_want) {
            hu_expect(r, 2, 8, req, 2, true, 0, &want);
            have_want = true;
        }
        for (size_t k = 0; k < 2; k++)
            CHECK_EQ(pa_init_inuse(h, req[k].mfn, req[k].pages, 0x600d + k), 0);
        for (size_t k = 0; k < 2; k++) {
            const struct pa_page *pg = pa_mfn_to_page(h, req[k].mfn + 5);
            CHECK(pa_page_state_is(h, pg, PA_STATE_INUSE));
            CHECK_EQ(pg->owner, 0x600d + k);
            CHECK_EQ(pa_raw_field(pg->count_info) != 0, t[i].e == PA_ENC_UNINIT);
        }
        for (size_t k = 0; k < 2; k++)
            CHECK_EQ(pa_free_range(h, req[k].mfn, req[k].pages), 0);
        CHECK_EQ(hu_finish(h), 0);
        hu_collect(h, &seen);
        CHECK_BLOCKS(&seen, &want, pa_strategy_name(t[i].s));
        CHECK_HEAP(h);
        hu_blocks_free(&seen);
        pa_heap_destroy(h);
    }
    hu_blocks_free(&want);
}

/*
 * Deferred: allocations and frees run while the per-node threads
 * initialise their nodes (one heap lock).
 *   0x1000 (node 0, 0x1000 pages) | 0x4000 (node 1, 0x1000 pages)
 * Expect: every allocation succeeds, the heap checks clean after join and
 * finish, and once everything is freed the blocks equal the reference.
 */
TEST(strategies_deferred_concurrent_alloc_check)
{
    struct pa_range r[] = { { 0x1000, 0x2000, 0 }, { 0x4000, 0x5000, 1 } };
    struct pa_heap *h = hu_heap_strat(r, 2, 6, PA_STRAT_DEFERRED);
    struct hu_blocks seen = { 0 }, want = { 0 };
    uint64_t got[64];

    if (!h)
        return;
    CHECK_EQ(hu_boot(h, NULL, 0, 0), 0);
    for (int i = 0; i < 64; i++) {
        got[i] = pa_alloc_heap_pages(h, (unsigned)(i % 4), i % 2, 1);
        CHECK(got[i] != PA_INVALID_MFN);
        if (i % 3 == 0 && got[i] != PA_INVALID_MFN)
            CHECK_EQ(pa_free_heap_pages(h, got[i], (unsigned)(i % 4)), 0);
    }
    CHECK_EQ(hu_finish(h), 0);
    CHECK_HEAP(h);
    for (int i = 0; i < 64; i++)
        if (i % 3 && got[i] != PA_INVALID_MFN)
            CHECK_EQ(pa_free_heap_pages(h, got[i], (unsigned)(i % 4)), 0);
    hu_collect(h, &seen);
    hu_expect(r, 2, 6, NULL, 0, false, 0, &want);
    CHECK_BLOCKS(&seen, &want, "deferred after concurrent use");
    hu_blocks_free(&seen);
    hu_blocks_free(&want);
    pa_heap_destroy(h);
}

/* ------------------------------------------------------------------------
 * The bug the PGC_state_uninitialised patch fixes
 * ------------------------------------------------------------------------ */

/*
 *   0x100       0x200   0x280
 *   |00000000000|BBBBBBB|        node 1 wholly taken by a boot module
 * The module is given away and later freed with free_heap_pages, without
 * init_heap_pages.
 * Expect, legacy: the pages read "in use" (raw 0), so the free is
 * accepted as far as the node, which has no heap: -ENODEV (Xen: a NULL
 * dereference of avail[node]).  Uninit: the pages read "uninitialised",
 * the free goes through the init path and succeeds, and the blocks equal
 * the reference.
 */
TEST(legacy_free_boot_pages_node_without_heap_check)
{
    struct pa_range r[] = { { 0x100, 0x200, 0 }, { 0x200, 0x280, 1 } };
    static const struct { enum pa_encoding e; enum pa_strategy s; } t[] = {
        { PA_ENC_LEGACY, PA_STRAT_PAGEWISE }, { PA_ENC_LEGACY, PA_STRAT_CHUNKED },
        { PA_ENC_UNINIT, PA_STRAT_PAGEWISE }, { PA_ENC_UNINIT, PA_STRAT_LAZY },
    };
    struct hu_boot_req req[] = { { 0x80, 1, 1, 0 } };
    struct hu_blocks want = { 0 };

    hu_expect(r, 2, 6, (struct hu_boot_req[]){ { 0x80, 1, 1, 0x200 } }, 1, true, 0, &want);
    for (size_t i = 0; i < HU_ARRAY_SIZE(t); i++) {
        struct pa_heap *h = hu_heap_new(r, 2, t[i].e, 6, t[i].s);
        struct hu_blocks seen = { 0 };
        if (!h)
            return;
        CHECK_EQ(hu_boot(h, req, 1, 0), 0);
        CHECK_EQ(req[0].mfn, 0x200);
        if (t[i].e == PA_ENC_LEGACY) {
            CHECK_EQ(pa_page_state(h, pa_mfn_to_page(h, 0x200)), PA_STATE_INUSE);
            CHECK_EQ(pa_free_range(h, 0x200, 0x80), -ENODEV);
            CHECK_EQ(pa_free_heap_pages(h, 0x240, 6), -ENODEV);
            CHECK_EQ(pa_avail(h, 1, -1), 0);
        } else {
            CHECK_EQ(pa_page_state(h, pa_mfn_to_page(h, 0x200)), PA_STATE_UNINIT);
            CHECK_EQ(pa_free_range(h, 0x200, 0x80), 0);
            CHECK_EQ(hu_finish(h), 0);
            hu_collect(h, &seen);
            CHECK_BLOCKS(&seen, &want, pa_strategy_name(t[i].s));
        }
        CHECK_HEAP(h);
        hu_blocks_free(&seen);
        pa_heap_destroy(h);
    }
    hu_blocks_free(&want);
}

/*
 *   0      0x10  0x20                        0x800
 *   |BBBB|       |mmmm######################|      node 0
 * A boot module at MFN 0 is freed with free_heap_pages, without init.
 * Expect, legacy: MFN 0 enters the heap (in a 0x0/4 block) and the
 * checker reports it.  Uninit: MFN 0 is reserved, 1..0xf are free, clean.
 */
TEST(legacy_free_boot_pages_mfn0_check)
{
    struct pa_range r[] = { { 0, 0x10, 0 }, { 0x20, 0x800, 0 } };
    static const enum pa_encoding encs[] = { PA_ENC_LEGACY, PA_ENC_UNINIT };

    for (size_t e = 0; e < 2; e++) {
        struct pa_heap *h = hu_heap_new(r, 2, encs[e], 8, PA_STRAT_CHUNKED);
        struct hu_boot_req req[] = { { 0x10, 0x1000, -1, 0 } };
        struct hu_hook_rec rec;
        char why[256] = "";
        if (!h)
            return;
        CHECK_EQ(hu_boot(h, req, 1, 0), 0);
        CHECK_EQ(req[0].mfn, 0);
        hu_hook_record(h, &rec);
        CHECK_EQ(pa_free_range(h, 0, 0x10), 0);
        if (encs[e] == PA_ENC_LEGACY) {
            CHECK(pa_page_state_is(h, pa_mfn_to_page(h, 0), PA_STATE_FREE));
            CHECK_EQ(pa_heap_check(h, why, sizeof why), -EFAULT);
            CHECK(strstr(why, "MFN 0") != NULL);
#if PA_DEBUG >= 3
            CHECK(rec.fired >= 1);
            CHECK(strstr(rec.why, "MFN 0") != NULL);
#endif
            pa_heap_set_autocheck(h, false);
        } else {
            CHECK_EQ(rec.fired, 0);
            CHECK(pa_mfn_to_page(h, 0)->count_info & PA_PGC_RESERVED);
            CHECK_EQ(pa_avail(h, 0, -1), 0x7e0 + 0xf);     /* static metadata */
            CHECK_HEAP(h);
        }
        pa_heap_destroy(h);
    }
}
