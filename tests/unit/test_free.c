/*
 * test_free.c - free_heap_pages and merging.
 *
 * Each case starts from a heap whose RAM is all "in use" (the live-update
 * path pa_init_inuse: the node exists, no page is free, no metadata is
 * taken), frees a few blocks and compares the free lists with blocks written
 * out by hand, and with the reference model's maximal decomposition.
 * Diagrams: one character per page, '#' freed, '.' in use, ' ' hole, '|' a
 * node boundary.  Max order is small so that the limit shows.
 */
#include <errno.h>

#include "tests/unit/heaputil.h"

struct fr {
    uint64_t mfn;
    unsigned order;
};

struct blk {
    uint64_t mfn;
    unsigned order, node;
};

struct free_case {
    struct pa_range ranges[4];
    size_t nr;
    unsigned max_order;
    struct fr frees[16];
    size_t nfrees;
    struct blk want[16];
    size_t nwant;
};

static struct pa_heap *inuse_heap(const struct pa_range *r, size_t nr,
                                  unsigned max_order)
{
    struct pa_heap *h = hu_heap_new(r, nr, PA_ENC_LEGACY, max_order,
                                    PA_STRAT_PAGEWISE);

    for (size_t i = 0; h && i < nr; i++)
        CHECK_EQ(pa_init_inuse(h, r[i].start, r[i].end - r[i].start, 7), 0);
    return h;
}

static void run_free_case(const struct free_case *c)
{
    struct pa_heap *h = inuse_heap(c->ranges, c->nr, c->max_order);
    struct hu_ref *ref = hu_ref_new(c->ranges, c->nr, c->max_order);
    struct hu_blocks seen = { 0 }, want = { 0 }, model = { 0 };

    if (!h)
        return;
    for (size_t i = 0; i < c->nfrees; i++) {
        CHECK_EQ(pa_free_heap_pages(h, c->frees[i].mfn, c->frees[i].order), 0);
        hu_ref_set(ref, c->frees[i].mfn, 1ULL << c->frees[i].order, true);
    }
    for (size_t i = 0; i < c->nwant; i++)
        hu_blocks_add(&want, c->want[i].mfn, c->want[i].order, c->want[i].node,
                      hu_zone(c->want[i].mfn));
    hu_collect(h, &seen);
    hu_ref_blocks(ref, &model);
    CHECK_BLOCKS(&seen, &want, "by hand");
    CHECK_BLOCKS(&model, &want, "reference model agrees with the hand");
    CHECK_HEAP(h);
    hu_blocks_free(&seen);
    hu_blocks_free(&want);
    hu_blocks_free(&model);
    hu_ref_destroy(ref);
    pa_heap_destroy(h);
}

/*
 *   0x100            0x110
 *   |################|        node 0, max_order 4, freed page by page,
 *                              odd pages first, then even ones
 * Expect: one order-4 block at 0x100.
 */
TEST(free_heap_pages_maximal_merge_check)
{
    struct free_case c = {
        .ranges = { { 0x100, 0x110, 0 } }, .nr = 1, .max_order = 4,
        .want = { { 0x100, 4, 0 } }, .nwant = 1,
    };
    for (unsigned i = 0; i < 16; i++)
        c.frees[c.nfrees++] = (struct fr){ 0x100 + (i < 8 ? 2 * i + 1 : 2 * (i - 8)), 0 };
    run_free_case(&c);
}

/*
 *   0x100                            0x120
 *   |################################|   node 0, max_order 4
 * Expect: two order-4 blocks; they never merge into an order-5 block.
 */
TEST(free_heap_pages_merge_stops_at_max_order_check)
{
    struct free_case c = {
        .ranges = { { 0x100, 0x120, 0 } }, .nr = 1, .max_order = 4,
        .frees = { { 0x100, 4 }, { 0x110, 3 }, { 0x118, 3 } }, .nfrees = 3,
        .want = { { 0x100, 4, 0 }, { 0x110, 4, 0 } }, .nwant = 2,
    };
    run_free_case(&c);
}

/*
 *   0x100  0x106 0x108   0x110
 *   |######|  |########|          node 0: a two-page hole at 0x106
 * Expect: 0x100/2, 0x104/1, 0x108/3; nothing merges across the hole.
 */
TEST(free_heap_pages_merge_stops_at_hole_check)
{
    struct free_case c = {
        .ranges = { { 0x100, 0x106, 0 }, { 0x108, 0x110, 0 } }, .nr = 2,
        .max_order = 4,
        .frees = { { 0x100, 2 }, { 0x104, 0 }, { 0x105, 0 }, { 0x108, 3 } },
        .nfrees = 4,
        .want = { { 0x100, 2, 0 }, { 0x104, 1, 0 }, { 0x108, 3, 0 } }, .nwant = 3,
    };
    run_free_case(&c);
}

/*
 *   0x100   0x108   0x110
 *   |########|########|          node 0 | node 1, adjacent
 * Expect: 0x100/3 on node 0 and 0x108/3 on node 1, never 0x100/4.
 */
TEST(free_heap_pages_merge_stops_at_node_check)
{
    struct free_case c = {
        .ranges = { { 0x100, 0x108, 0 }, { 0x108, 0x110, 1 } }, .nr = 2,
        .max_order = 4,
        .frees = { { 0x108, 3 }, { 0x100, 3 } }, .nfrees = 2,
        .want = { { 0x100, 3, 0 }, { 0x108, 3, 1 } }, .nwant = 2,
    };
    run_free_case(&c);
}

/*
 *   0x100 0x102 0x103 0x104
 *   |##|   #|   .|               0x100/1 free, 0x102/0 free, 0x103 in use
 * Expect: 0x100/1 and 0x102/0 stay apart (buddy of another order); freeing
 * 0x103 then merges all four into 0x100/2 (second case).
 */
TEST(free_heap_pages_buddy_other_order_check)
{
    struct free_case c = {
        .ranges = { { 0x100, 0x104, 0 } }, .nr = 1, .max_order = 4,
        .frees = { { 0x100, 1 }, { 0x102, 0 } }, .nfrees = 2,
        .want = { { 0x100, 1, 0 }, { 0x102, 0, 0 } }, .nwant = 2,
    };
    run_free_case(&c);
    c.frees[c.nfrees++] = (struct fr){ 0x103, 0 };
    c.want[0] = (struct blk){ 0x100, 2, 0 };
    c.nwant = 1;
    run_free_case(&c);
}

/*
 *   0x100      0x104         0x108
 *   |....######|######....|         node 0, max_order 4
 * The freed pages 0x102..0x105 straddle an order-2 boundary.
 * Expect: 0x102/1 and 0x104/1: never a misaligned 0x102/2.
 */
TEST(free_heap_pages_alignment_check)
{
    struct free_case c = {
        .ranges = { { 0x100, 0x108, 0 } }, .nr = 1, .max_order = 4,
        .frees = { { 0x103, 0 }, { 0x104, 0 }, { 0x102, 0 }, { 0x105, 0 } },
        .nfrees = 4,
        .want = { { 0x102, 1, 0 }, { 0x104, 1, 0 } }, .nwant = 2,
    };
    run_free_case(&c);
}

/*
 *   0x1fc   0x200     0x204
 *   |####|####|                   zones 9 and 10 meet at 0x200
 * Expect: 0x1fc/2 (zone 9) and 0x200/2 (zone 10): blocks stay within a
 * zone because the zone boundary is a max-order-aligned power of two.
 */
TEST(free_heap_pages_zone_boundary_check)
{
    struct free_case c = {
        .ranges = { { 0x1fc, 0x204, 0 } }, .nr = 1, .max_order = 4,
        .frees = { { 0x1fc, 2 }, { 0x200, 2 } }, .nfrees = 2,
        .want = { { 0x1fc, 2, 0 }, { 0x200, 2, 0 } }, .nwant = 2,
    };
    run_free_case(&c);
    CHECK_EQ(hu_zone(0x1fc), 9);
    CHECK_EQ(hu_zone(0x200), 10);
}

/*
 * Counters move with every free: per node+zone, per node and in total.
 *   0x100      0x110 | 0x200   0x210
 *   |##########|      |#####|          node 0 zone 9, node 1 zone 10
 * Expect: avail(0, 9) = 16, avail(1, 10) = 16, node and total counters.
 */
TEST(free_heap_pages_counters_check)
{
    struct pa_range r[] = { { 0x100, 0x110, 0 }, { 0x200, 0x210, 1 } };
    struct pa_heap *h = inuse_heap(r, 2, 4);

    if (!h)
        return;
    CHECK_EQ(pa_free_heap_pages(h, 0x100, 4), 0);
    CHECK_EQ(pa_free_heap_pages(h, 0x200, 3), 0);
    CHECK_EQ(pa_free_heap_pages(h, 0x208, 3), 0);
    CHECK_EQ(pa_avail(h, 0, 9), 16);
    CHECK_EQ(pa_avail(h, 1, 10), 16);
    CHECK_EQ(pa_avail(h, 1, 9), 0);
    CHECK_EQ(pa_avail(h, 0, -1), 16);
    CHECK_EQ(pa_avail(h, -1, 10), 16);
    CHECK_EQ(pa_avail(h, -1, -1), 32);
    CHECK_EQ(pa_free_blocks(h, -1, 4), 2);
    CHECK_EQ(pa_free_blocks(h, 1, 3), 0);
    CHECK_HEAP(h);
    pa_heap_destroy(h);
}

/*
 * Free a run in the largest aligned blocks through pa_free_range.
 *   0x101                 0x10f
 *   |.###############.|            node 0, 14 pages from 0x101
 * Expect: the reference decomposition 0x101/0 0x102/1 0x104/2 0x108/2
 * 0x10c/1 0x10e/0.
 */
TEST(free_range_decomposition_check)
{
    struct free_case c = {
        .ranges = { { 0x100, 0x110, 0 } }, .nr = 1, .max_order = 4,
        .want = { { 0x101, 0, 0 }, { 0x102, 1, 0 }, { 0x104, 2, 0 },
                  { 0x108, 2, 0 }, { 0x10c, 1, 0 }, { 0x10e, 0, 0 } },
        .nwant = 6,
    };
    struct pa_heap *h = inuse_heap(c.ranges, 1, 4);
    struct hu_blocks seen = { 0 }, want = { 0 };

    if (!h)
        return;
    CHECK_EQ(pa_free_range(h, 0x101, 14), 0);
    for (size_t i = 0; i < c.nwant; i++)
        hu_blocks_add(&want, c.want[i].mfn, c.want[i].order, 0, hu_zone(c.want[i].mfn));
    hu_collect(h, &seen);
    CHECK_BLOCKS(&seen, &want, "pa_free_range");
    hu_blocks_free(&seen);
    hu_blocks_free(&want);
    pa_heap_destroy(h);
}

/*
 *   0x100            0x110
 *   |....############|        node 0, max_order 4; 0x100/2 allocated with
 *                              owner 0x42, the rest never owned
 * Expect, as Xen's mark_page_free: freeing the owned block clears the
 * owner and sets need_tlbflush and the flush timestamp on each of its
 * pages; pages freed by init (no owner) need no flush.  A runtime free is
 * clean: no PGC_need_scrub, head's first_dirty is "none".
 */
TEST(free_heap_pages_tlbflush_owner_check)
{
    struct pa_range r[] = { { 0x100, 0x110, 0 } };
    struct pa_heap *h = hu_heap_new(r, 1, PA_ENC_LEGACY, 4, PA_STRAT_CHUNKED);
    struct pa_boot *b;
    uint64_t m;

    if (!h)
        return;
    b = pa_boot_create(h);
    CHECK_EQ(pa_boot_add_all(b), 0);
    CHECK_EQ(pa_end_boot_allocator(b, 0), 0);
    pa_boot_destroy(b);
    m = pa_alloc_heap_pages(h, 2, 0, 0x42);
    CHECK(m != PA_INVALID_MFN);
    for (uint64_t i = 0; i < 4; i++)
        CHECK_EQ(pa_mfn_to_page(h, m + i)->owner, 0x42);
    CHECK_EQ(pa_free_heap_pages(h, m, 2), 0);
    for (uint64_t i = 0; i < 4; i++) {
        const struct pa_page *pg = pa_mfn_to_page(h, m + i);
        CHECK_EQ(pg->need_tlbflush, 1);
        CHECK(pg->tlbflush_timestamp != 0);
        CHECK_EQ(pg->count_info & PA_PGC_NEED_SCRUB, 0);
    }
    m = pa_alloc_heap_pages(h, 0, 0, 0x43);     /* a never-owned page */
    CHECK_EQ(pa_free_heap_pages(h, m, 0), 0);
    CHECK_HEAP(h);
    pa_heap_destroy(h);
}

/*
 *   0x100    0x108    0x110    0x118
 *   |CCCCCCCC|AAAAAAAA|BBBBBBBB|      node 0, max_order 3, while booting
 *   1. C = 0x100-0x108 through init_heap_pages: dirty (the first node
 *      keeps its metadata in static storage, as Xen)
 *   2. 0x108-0x118 made in use (live update)
 *   3. B = 0x110/3 freed by free_heap_pages: a runtime free, clean
 *   4. A = 0x108-0x110 through init_heap_pages: bootscrub=idle, dirty
 * Expect: A carries PGC_need_scrub and first_dirty 0, B neither; A was
 * freed last but sits at the tail of the order-3 list, behind C, so the
 * first order-3 allocation takes B (clean first), the second C, the third
 * A, and allocating clears the need_scrub flag.
 */
TEST(free_heap_pages_dirty_to_tail_check)
{
    struct pa_range r[] = { { 0x100, 0x118, 0 } };
    struct pa_heap *h = hu_heap_new(r, 1, PA_ENC_LEGACY, 3, PA_STRAT_CHUNKED);

    if (!h)
        return;
    CHECK_EQ(pa_init_heap_pages(h, 0x100, 8), 0);
    CHECK_EQ(pa_init_inuse(h, 0x108, 16, 9), 0);
    CHECK_EQ(pa_free_heap_pages(h, 0x110, 3), 0);
    CHECK_EQ(pa_init_heap_pages(h, 0x108, 8), 0);
    CHECK_EQ(pa_mfn_to_page(h, 0x108)->first_dirty, 0);
    CHECK(pa_mfn_to_page(h, 0x10b)->count_info & PA_PGC_NEED_SCRUB);
    CHECK_EQ(pa_mfn_to_page(h, 0x110)->first_dirty, PA_DIRTY_NONE);
    CHECK_EQ(pa_mfn_to_page(h, 0x113)->count_info & PA_PGC_NEED_SCRUB, 0);
    CHECK_EQ(pa_alloc_heap_pages(h, 3, 0, 1), 0x110);   /* clean first */
    CHECK_EQ(pa_alloc_heap_pages(h, 3, 0, 1), 0x100);
    CHECK_EQ(pa_mfn_to_page(h, 0x103)->count_info & PA_PGC_NEED_SCRUB, 0);
    CHECK(pa_mfn_to_page(h, 0x10b)->count_info & PA_PGC_NEED_SCRUB);
    CHECK_EQ(pa_alloc_heap_pages(h, 3, 0, 1), 0x108);
    CHECK_EQ(pa_mfn_to_page(h, 0x10b)->count_info & PA_PGC_NEED_SCRUB, 0);
    CHECK_HEAP(h);
    pa_heap_destroy(h);
}

/*
 *   0x100            0x110
 *   |mmmm....BBBB....|   node 0, max_order 4, page-wise (legacy) or the
 *                         patch (uninit); B = 0x108/2 taken from the boot
 *                         allocator, the rest handed off at end of boot
 *   then, after boot: B returned (init_heap_pages, or the patch's free of
 *   uninitialised pages), one page allocated with an owner and freed
 * Expect, as Xen's set_gpfn_from_mfn (M2P valid only after
 * end_boot_allocator): pages freed by the hand-off keep M2P entry 0;
 * every page of B and the runtime-freed page read INVALID_M2P_ENTRY.
 */
TEST(free_heap_pages_m2p_after_boot_check)
{
    static const enum pa_strategy strats[] = { PA_STRAT_PAGEWISE, PA_STRAT_PATCH };
    struct pa_range r[] = { { 0x100, 0x110, 0 } };

    for (size_t s = 0; s < HU_ARRAY_SIZE(strats); s++) {
        struct pa_heap *h = hu_heap_strat(r, 1, 4, strats[s]);
        struct hu_boot_req b = { .pages = 4, .align = 4, .node = 0 };
        uint64_t m;

        if (!h)
            return;
        CHECK_EQ(hu_boot(h, &b, 1, 0), 0);
        for (uint64_t mfn = 0x104; mfn < 0x110; mfn++)
            if (mfn < b.mfn || mfn >= b.mfn + 4)
                CHECK_EQ(pa_m2p_entry(h, mfn), 0);
        CHECK_EQ(hu_free_boot(h, &b, 1), 0);
        for (uint64_t i = 0; i < 4; i++)
            CHECK_EQ(pa_m2p_entry(h, b.mfn + i), PA_M2P_INVALID);
        m = pa_alloc_heap_pages(h, 0, 0, 0x42);
        CHECK(m != PA_INVALID_MFN && m != b.mfn);
        CHECK_EQ(pa_free_heap_pages(h, m, 0), 0);
        CHECK_EQ(pa_m2p_entry(h, m), PA_M2P_INVALID);
        CHECK_HEAP(h);
        pa_heap_destroy(h);
    }
}

/*
 *   0x100                    0x118
 *   |mmmm............BBBBBBBB|   node 0, max_order 3, the patch (uninit);
 *                                 B = 0x110/3 from the boot allocator
 *   B is freed while the heap still boots (before end_boot_allocator),
 *   then the rest is handed off
 * Expect: B goes through init_heap_pages with the freeing caller's
 * need_scrub (false), not the boot-time idle scrub: B's pages are free and
 * clean (no PGC_need_scrub, first_dirty none), while the hand-off's blocks
 * are dirty.
 */
TEST(free_heap_pages_uninit_caller_scrub_check)
{
    struct pa_range r[] = { { 0x100, 0x118, 0 } };
    struct pa_heap *h = hu_heap_new(r, 1, PA_ENC_UNINIT, 3, PA_STRAT_PATCH);
    struct pa_boot *b;
    uint64_t m;

    if (!h)
        return;
    b = pa_boot_create(h);
    CHECK_EQ(pa_boot_add_all(b), 0);
    m = pa_boot_alloc(b, 8, 8, 0);
    CHECK_EQ(m, 0x110);
    CHECK_EQ(pa_free_heap_pages(h, m, 3), 0);
    CHECK_EQ(pa_end_boot_allocator(b, 0), 0);
    pa_boot_destroy(b);
    for (uint64_t mfn = 0x110; mfn < 0x118; mfn++) {
        const struct pa_page *pg = pa_mfn_to_page(h, mfn);
        if (pa_page_state_is(h, pg, PA_STATE_FREE))
            CHECK_EQ(pg->count_info & PA_PGC_NEED_SCRUB, 0);
    }
    CHECK(pa_page_state_is(h, pa_mfn_to_page(h, 0x108), PA_STATE_FREE));
    CHECK_EQ(pa_mfn_to_page(h, 0x108)->first_dirty, 0);
    CHECK(pa_mfn_to_page(h, 0x108)->count_info & PA_PGC_NEED_SCRUB);
    CHECK_HEAP(h);
    pa_heap_destroy(h);
}

/*
 *   0x100            0x110
 *   |################|   node 0, max_order 4, in use, then freed page by
 *                         page, with branch hardening (Xen's default) and
 *                         with spec-ctrl=no-branch-harden
 * Expect: mfn_valid with or without its fence lets the same merges
 * happen: one order-4 block at 0x100 either way.
 */
TEST(free_heap_pages_branch_harden_check)
{
    struct pa_range r[] = { { 0x100, 0x110, 0 } };

    for (int off = 0; off <= 1; off++) {
        struct pa_heap_config cfg = { .ranges = r, .nr_ranges = 1,
                                      .encoding = PA_ENC_LEGACY, .max_order = 4,
                                      .no_branch_harden = off };
        struct pa_heap *h = NULL;
        struct hu_blocks seen = { 0 }, want = { 0 };

        CHECK_EQ(pa_heap_create(&cfg, &h), 0);
        if (!h)
            return;
        hu_hook_report(h);
        CHECK_EQ(pa_init_inuse(h, 0x100, 16, 7), 0);
        for (uint64_t mfn = 0x100; mfn < 0x110; mfn++)
            CHECK_EQ(pa_free_heap_pages(h, mfn, 0), 0);
        hu_blocks_add(&want, 0x100, 4, 0, hu_zone(0x100));
        hu_collect(h, &seen);
        CHECK_BLOCKS(&seen, &want, off ? "no-branch-harden" : "branch-harden");
        CHECK_HEAP(h);
        hu_blocks_free(&seen);
        hu_blocks_free(&want);
        pa_heap_destroy(h);
    }
}

/*
 *   0x100            0x140
 *   |################|       node 0, max_order 6, two heaps alike
 * Expect: freeing by frame-table entry (pa_free_heap_pages_at, Xen's
 * free_heap_pages signature) leaves the same blocks as freeing by MFN, and
 * refuses the same misuse (a second free of the block).
 */
TEST(free_heap_pages_at_same_as_mfn_check)
{
    struct pa_range r[] = { { 0x100, 0x140, 0 } };
    struct pa_heap *a = hu_heap_new(r, 1, PA_ENC_LEGACY, 6, PA_STRAT_CHUNKED);
    struct pa_heap *b = hu_heap_new(r, 1, PA_ENC_LEGACY, 6, PA_STRAT_CHUNKED);
    struct hu_blocks ba = { 0 }, bb = { 0 };

    if (!a || !b)
        return;
    CHECK_EQ(pa_init_heap_pages(a, 0x100, 0x40), 0);
    CHECK_EQ(pa_init_heap_pages(b, 0x100, 0x40), 0);
    for (unsigned o = 0; o < 4; o++) {
        uint64_t ma = pa_alloc_heap_pages(a, o, 0, 7), mb = pa_alloc_heap_pages(b, o, 0, 7);
        CHECK_EQ(ma, mb);
        CHECK_EQ(pa_free_heap_pages(a, ma, o), 0);
        CHECK_EQ(pa_free_heap_pages_at(b, pa_mfn_to_page(b, mb), o), 0);
        CHECK_EQ(pa_free_heap_pages_at(b, pa_mfn_to_page(b, mb), o), -EINVAL);
    }
    hu_collect(a, &ba);
    hu_collect(b, &bb);
    CHECK_BLOCKS(&bb, &ba, "by entry against by MFN");
    CHECK_HEAP(b);
    hu_blocks_free(&ba);
    hu_blocks_free(&bb);
    pa_heap_destroy(a);
    pa_heap_destroy(b);
}

/*
 *   0x100  0x104  0x108          0x110
 *   |####|####|........|      node 0, max_order 4; 0x200 is no RAM
 * Expect: the two order-2 frees merge, so 0x100/3 holds 0x105 and 0x100;
 * 0x108 (in use) is in no free block (-ENOENT), 0x200 not RAM (-EINVAL).
 * The order reached is how the free benchmarks count a free's merges.
 */
TEST(free_block_of_merged_check)
{
    struct pa_range r[] = { { 0x100, 0x110, 0 } };
    struct pa_heap *h = inuse_heap(r, 1, 4);
    uint64_t head = 0;
    unsigned order = 0;

    if (!h)
        return;
    CHECK_EQ(pa_free_heap_pages(h, 0x100, 2), 0);
    CHECK_EQ(pa_free_block_of(h, 0x103, &head, &order), 0);
    CHECK_EQ(head, 0x100);
    CHECK_EQ(order, 2);
    CHECK_EQ(pa_free_heap_pages(h, 0x104, 2), 0);
    CHECK_EQ(pa_free_block_of(h, 0x105, &head, &order), 0);
    CHECK_EQ(head, 0x100);
    CHECK_EQ(order, 3);
    CHECK_EQ(pa_free_block_of(h, 0x108, &head, &order), -ENOENT);
    CHECK_EQ(pa_free_block_of(h, 0x200, &head, &order), -EINVAL);
    pa_heap_destroy(h);
}
