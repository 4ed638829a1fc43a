/*
 * test_offline.c - page offlining as in Xen's offline_page and free path.
 *
 * Each case starts from a heap whose RAM is all "in use" (pa_init_inuse:
 * no metadata taken), frees and offlines pages, and compares the free
 * lists with blocks written out by hand and with the reference model's
 * maximal decomposition of the free pages.  Diagrams: one character per
 * page, '#' free, '.' in use, 'X' offlined.
 */
#include <errno.h>

#include "tests/unit/heaputil.h"

static struct pa_heap *inuse_heap(uint64_t s, uint64_t e, unsigned max_order)
{
    struct pa_range r[] = { { s, e, 0 } };
    struct pa_heap *h = hu_heap_new(r, 1, PA_ENC_LEGACY, max_order,
                                    PA_STRAT_PAGEWISE);

    if (h)
        CHECK_EQ(pa_init_inuse(h, s, e - s, 7), 0);
    return h;
}

/* The blocks by hand and the reference model's, free pages [s, e) but
 * the offlined page x. */
static void check_split(struct pa_heap *h, uint64_t s, uint64_t e, uint64_t x,
                        unsigned max_order, const uint64_t (*want)[2], size_t nwant)
{
    struct pa_range r[] = { { s, e, 0 } };
    struct hu_ref *ref = hu_ref_new(r, 1, max_order);
    struct hu_blocks seen = { 0 }, hand = { 0 }, model = { 0 };

    hu_ref_set(ref, s, e - s, true);
    hu_ref_set(ref, x, 1, false);
    for (size_t i = 0; i < nwant; i++)
        hu_blocks_add(&hand, want[i][0], (unsigned)want[i][1], 0, hu_zone(want[i][0]));
    hu_collect(h, &seen);
    hu_ref_blocks(ref, &model);
    CHECK_BLOCKS(&seen, &hand, "by hand");
    CHECK_BLOCKS(&model, &hand, "reference model agrees with the hand");
    CHECK_EQ(pa_avail(h, -1, -1), e - s - 1);
    CHECK(pa_page_state_is(h, pa_mfn_to_page(h, x), PA_STATE_OFFLINED));
    CHECK_HEAP(h);
    hu_blocks_free(&seen);
    hu_blocks_free(&hand);
    hu_blocks_free(&model);
    hu_ref_destroy(ref);
}

static const uint64_t split_0x105[][2] = {
    { 0x100, 2 }, { 0x104, 0 }, { 0x106, 1 }, { 0x108, 3 },
};

/*
 *   0x100            0x110
 *   |#####X##########|   node 0, max_order 4: one free order-4 block, then
 *                         0x105 offlined (Xen: mark_page_offline on a free
 *                         page, reserve_heap_page, reserve_offlined_page)
 * Expect: PA_OFFLINE_DONE; 0x100/2 0x104/0 0x106/1 0x108/3 (the largest
 * aligned blocks without 0x105); 15 pages available; 0x105 offlined.
 */
TEST(offline_page_free_split_check)
{
    struct pa_heap *h = inuse_heap(0x100, 0x110, 4);

    if (!h)
        return;
    CHECK_EQ(pa_free_heap_pages(h, 0x100, 4), 0);
    CHECK_EQ(pa_offline_page(h, 0x105), PA_OFFLINE_DONE);
    check_split(h, 0x100, 0x110, 0x105, 4, split_0x105, HU_ARRAY_SIZE(split_0x105));
    CHECK_EQ(pa_offline_page(h, 0x105), PA_OFFLINE_DONE);   /* again: no-op */
    CHECK_EQ(pa_avail(h, -1, -1), 15);
    pa_heap_destroy(h);
}

/*
 *   0x100            0x110
 *   |.....X..........|   node 0, max_order 4, all in use; 0x105 offlined
 *                         while in use, then the RAM freed as four order-2
 *                         blocks (0x104/2 holds the page)
 * Expect: PA_OFFLINE_PENDING and state "offlining" until the free; the
 * free turns it "offlined" (mark_page_free), merges the rest and splits
 * the merged block around it: the same blocks as a free page offlined.
 */
TEST(offline_page_inuse_on_free_check)
{
    struct pa_heap *h = inuse_heap(0x100, 0x110, 4);

    if (!h)
        return;
    CHECK_EQ(pa_offline_page(h, 0x105), PA_OFFLINE_PENDING);
    CHECK(pa_page_state_is(h, pa_mfn_to_page(h, 0x105), PA_STATE_OFFLINING));
    CHECK_EQ(pa_offline_page(h, 0x105), PA_OFFLINE_PENDING);
    for (uint64_t m = 0x100; m < 0x110; m += 4)
        CHECK_EQ(pa_free_heap_pages(h, m, 2), 0);
    check_split(h, 0x100, 0x110, 0x105, 4, split_0x105, HU_ARRAY_SIZE(split_0x105));
    /* An allocation of everything left never returns the offlined page. */
    for (int i = 0; i < 15; i++)
        CHECK(pa_alloc_heap_pages(h, 0, 0, 1) != 0x105);
    CHECK_EQ(pa_alloc_heap_pages(h, 0, 0, 1), PA_INVALID_MFN);
    CHECK_HEAP(h);
    pa_heap_destroy(h);
}

/*
 *   0x100    0x108     0x180    0x188
 *   |####mmmm|   ...   |11111111|   max_order 3, booted from boot node 1:
 * node 1 first (static metadata, as Xen); node 0's run starts and ends
 * aligned, so its metadata is its tail 0x104-0x107 (Xen's use_tail);
 * 0x100/2 free; a hole from 0x108.
 * Expect: -EINVAL for a metadata page and for a page that is not RAM;
 * a page of the free block is offlined and its block split.
 */
TEST(offline_page_refused_check)
{
    struct pa_range r[] = { { 0x100, 0x108, 0 }, { 0x180, 0x188, 1 } };
    struct pa_heap *h = hu_heap_new(r, 2, PA_ENC_LEGACY, 3, PA_STRAT_PAGEWISE);
    struct hu_blocks seen = { 0 }, want = { 0 };

    if (!h)
        return;
    CHECK_EQ(hu_boot(h, NULL, 0, 1), 0);
    CHECK_EQ(pa_offline_page(h, 0x104), -EINVAL);
    CHECK_EQ(pa_offline_page(h, 0x108), -EINVAL);
    CHECK_EQ(pa_offline_page(h, 0x103), PA_OFFLINE_DONE);
    hu_blocks_add(&want, 0x100, 1, 0, hu_zone(0x100));
    hu_blocks_add(&want, 0x102, 0, 0, hu_zone(0x102));
    hu_blocks_add(&want, 0x180, 3, 1, hu_zone(0x180));
    hu_collect(h, &seen);
    CHECK_BLOCKS(&seen, &want, "by hand");
    CHECK_HEAP(h);
    hu_blocks_free(&seen);
    hu_blocks_free(&want);
    pa_heap_destroy(h);
}
