/*
 * test_mfn0.c - MFN 0 never enters the heap.
 *
 * Xen keeps MFN 0 out of the buddy allocator (a block holding it would
 * merge across zones and page 0 is special on x86).  The model counts it as
 * reserved.  Here it is handed to the heap at boot, freed inside a boot
 * allocation, offered directly, and reached by allocating everything.
 * Diagrams: 'r' reserved MFN 0, 'm' metadata, '#' free, ' ' hole.
 */
#include <errno.h>

#include "tests/unit/heaputil.h"

/*
 *   0   1 2  4    8         0x10      0x20     0x40
 *   |r|#|##|####|########|...|      node 0, max_order 6
 * Expect (the only node keeps its metadata in static storage, as Xen's
 * first node): 0x1/0 0x2/1 0x4/2 0x8/3 0x10/4 0x20/5; MFN 0 reserved, in
 * use, never free; the same for every strategy.
 */
TEST(init_heap_pages_mfn0_reserved_check)
{
    static const uint64_t want[][2] = { { 0x1, 0 }, { 0x2, 1 }, { 0x4, 2 },
                                        { 0x8, 3 }, { 0x10, 4 }, { 0x20, 5 } };
    struct pa_range r[] = { { 0, 0x40, 0 } };
    struct hu_blocks seen = { 0 }, exp = { 0 };
    struct pa_node_stats s;
    struct pa_heap *h;

    hu_check_strategies("mfn 0 at boot", r, 1, 6, NULL, 0, false, 0);
    h = hu_heap_new(r, 1, PA_ENC_LEGACY, 6, PA_STRAT_PAGEWISE);
    if (!h)
        return;
    CHECK_EQ(pa_init_heap_pages(h, 0, 0x40), 0);
    for (size_t i = 0; i < HU_ARRAY_SIZE(want); i++)
        hu_blocks_add(&exp, want[i][0], (unsigned)want[i][1], 0, hu_zone(want[i][0]));
    hu_collect(h, &seen);
    CHECK_BLOCKS(&seen, &exp, "mfn 0 layout");
    CHECK_EQ(pa_node_stats(h, 0, &s), 0);
    CHECK_EQ(s.reserved, 1);
    CHECK_EQ(s.meta, 0);
    CHECK_EQ(s.free, 0x40 - 1);
    CHECK(pa_mfn_to_page(h, 0)->count_info & PA_PGC_RESERVED);
    CHECK(pa_page_state_is(h, pa_mfn_to_page(h, 0), PA_STATE_INUSE));
    /* offering it directly is misuse */
    CHECK_EQ(pa_free_heap_pages(h, 0, 0), -EINVAL);
    CHECK_EQ(pa_free_heap_pages(h, 0, 6), -EINVAL);
    CHECK_HEAP(h);
    hu_blocks_free(&seen);
    hu_blocks_free(&exp);
    pa_heap_destroy(h);
}

/*
 *   0      0x10  0x20                       0x800
 *   |boot |      |mmmm######################|     node 0
 * A boot module at MFN 0 (16 pages, aligned to 0x1000 so only [0, 0x10)
 * fits) is returned after the heap is up.
 * Expect: MFN 0 is reserved, pages 1..0xf free as 0x1/0 0x2/1 0x4/2 0x8/3,
 * identical for every strategy.
 */
TEST(free_boot_range_holding_mfn0_check)
{
    struct pa_range r[] = { { 0, 0x10, 0 }, { 0x20, 0x800, 0 } };
    struct hu_boot_req req[] = { { 0x10, 0x1000, -1, 0 } };
    struct pa_heap *h;
    struct hu_blocks seen = { 0 };

    hu_check_strategies("mfn 0 in a boot module", r, 2, 8, req, 1, true, 0);
    h = hu_heap_new(r, 2, PA_ENC_UNINIT, 8, PA_STRAT_LAZY);
    if (!h)
        return;
    CHECK_EQ(hu_boot(h, req, 1, 0), 0);
    CHECK_EQ(req[0].mfn, 0);
    CHECK_EQ(hu_free_boot(h, req, 1), 0);
    hu_collect(h, &seen);
    CHECK(seen.nr >= 4);
    if (seen.nr >= 4) {
        CHECK_EQ(seen.v[0].mfn, 1);
        CHECK_EQ(seen.v[3].mfn, 8);
        CHECK_EQ(seen.v[3].order, 3);
    }
    CHECK(pa_mfn_to_page(h, 0)->count_info & PA_PGC_RESERVED);
    hu_blocks_free(&seen);
    pa_heap_destroy(h);
}

/*
 *   0                 0x40
 *   |r mmmm ##########|      node 0, every page allocated one by one
 * Expect: 0x40 - 1 allocations succeed (no metadata pages: the first
 * node's are static), none returns MFN 0.
 */
TEST(alloc_heap_pages_never_mfn0_check)
{
    struct pa_range r[] = { { 0, 0x40, 0 } };
    struct pa_heap *h = hu_heap_new(r, 1, PA_ENC_LEGACY, 6, PA_STRAT_CHUNKED);
    unsigned n = 0;
    uint64_t m;

    if (!h)
        return;
    CHECK_EQ(pa_init_heap_pages(h, 0, 0x40), 0);
    while ((m = pa_alloc_heap_pages(h, 0, 0, 1)) != PA_INVALID_MFN && n < 0x40) {
        CHECK(m != 0);
        n++;
    }
    CHECK_EQ(n, 0x40 - 1);
    CHECK_HEAP(h);
    pa_heap_destroy(h);
}

/*
 * Live update: the previous instance's pages include MFN 0; they are made
 * "in use" with pa_init_inuse and later freed as one range.
 *   0                        0x100
 *   |r#######################|          node 0, max_order 6
 * Expect: MFN 0 stays out of the heap (refused or skipped), the heap
 * checks clean, and if the free succeeds pages 1..0xff are free.
 */
TEST(init_inuse_mfn0_then_free_check)
{
    static const enum pa_encoding encs[] = { PA_ENC_LEGACY, PA_ENC_UNINIT };
    struct pa_range r[] = { { 0, 0x100, 0 } };

    for (size_t e = 0; e < 2; e++) {
        struct pa_heap *h = hu_heap_new(r, 1, encs[e], 6, PA_STRAT_PAGEWISE);
        struct hu_ref *ref = hu_ref_new(r, 1, 6);
        struct hu_blocks seen = { 0 }, want = { 0 };
        int rc;

        if (!h)
            return;
        CHECK_EQ(pa_init_inuse(h, 0, 0x100, 9), 0);
        rc = pa_free_range(h, 0, 0x100);
        CHECK(rc == 0 || rc == -EINVAL);
        CHECK(!pa_page_state_is(h, pa_mfn_to_page(h, 0), PA_STATE_FREE));
        CHECK_HEAP(h);
        if (rc == 0) {
            hu_ref_set(ref, 1, 0xff, true);
            hu_ref_blocks(ref, &want);
            hu_collect(h, &seen);
            CHECK_BLOCKS(&seen, &want, pa_encoding_name(encs[e]));
        }
        hu_blocks_free(&seen);
        hu_blocks_free(&want);
        hu_ref_destroy(ref);
        pa_heap_destroy(h);
    }
}
