/*
 * test_alloc.c - alloc_heap_pages: the smallest sufficient order, the
 * highest zone first, the requested node first and then the others in
 * increasing order (wrapping), splitting with the top part returned, and
 * PA_INVALID_MFN when nothing fits.
 *
 * Each test starts from a heap whose RAM is all in use (pa_init_inuse) and
 * frees exactly the blocks it draws, so every free block is known.
 * Diagrams: '#' free, '.' in use, ' ' hole.
 */
#include "tests/unit/heaputil.h"

#define OWNER 0xd0d0

static struct pa_heap *heap_with_free(const struct pa_range *r, size_t nr,
                                      const uint64_t (*blocks)[2], size_t nb)
{
    struct pa_heap *h = hu_heap_new(r, nr, PA_ENC_LEGACY, 4, PA_STRAT_PAGEWISE);

    for (size_t i = 0; h && i < nr; i++)
        CHECK_EQ(pa_init_inuse(h, r[i].start, r[i].end - r[i].start, 1), 0);
    for (size_t i = 0; h && i < nb; i++)
        CHECK_EQ(pa_free_heap_pages(h, blocks[i][0], (unsigned)blocks[i][1]), 0);
    return h;
}

static void check_inuse(struct pa_heap *h, uint64_t mfn, unsigned order)
{
    for (uint64_t i = 0; i < (1ULL << order); i++) {
        struct pa_page *pg = pa_mfn_to_page(h, mfn + i);
        if (!CHECK(pg != NULL))
            return;
        CHECK(pa_page_state_is(h, pg, PA_STATE_INUSE));
        CHECK_EQ(pg->owner, OWNER);
    }
}

/* Expected free blocks as (mfn, order) pairs on one node. */
static void check_free_set(struct pa_heap *h, const uint64_t (*want)[2],
                           size_t nw, unsigned node, const char *what)
{
    struct hu_blocks seen = { 0 }, exp = { 0 };

    for (size_t i = 0; i < nw; i++)
        hu_blocks_add(&exp, want[i][0], (unsigned)want[i][1], node, hu_zone(want[i][0]));
    hu_collect(h, &seen);
    CHECK_BLOCKS(&seen, &exp, what);
    hu_blocks_free(&seen);
    hu_blocks_free(&exp);
}

/*
 *   0x100 0x104   0x108           0x110  0x111
 *   |#|...|####|....|################|#|        node 0, max_order 4
 *   0x100/0, 0x104/2, 0x110/4 free ... (0x110/4 spans 0x110..0x11f)
 * Expect: order 1 comes from the order-2 block (the smallest that fits),
 * its top half 0x106; 0x104/1 stays; the order-4 block is untouched.
 */
TEST(alloc_heap_pages_smallest_order_check)
{
    struct pa_range r[] = { { 0x100, 0x120, 0 } };
    const uint64_t f[][2] = { { 0x100, 0 }, { 0x104, 2 }, { 0x110, 4 } };
    const uint64_t after[][2] = { { 0x100, 0 }, { 0x104, 1 }, { 0x110, 4 } };
    struct pa_heap *h = heap_with_free(r, 1, f, 3);

    if (!h)
        return;
    CHECK_EQ(pa_alloc_heap_pages(h, 1, 0, OWNER), 0x106);
    check_inuse(h, 0x106, 1);
    check_free_set(h, after, 3, 0, "after alloc order 1");
    CHECK_HEAP(h);
    pa_heap_destroy(h);
}

/*
 *   0x110              0x120
 *   |################|            one order-4 block, node 0
 * Expect: an order-0 allocation returns 0x11f and leaves the remainders
 * 0x110/3, 0x118/2, 0x11c/1, 0x11e/0; freeing it restores 0x110/4.
 */
TEST(alloc_heap_pages_split_remainders_check)
{
    struct pa_range r[] = { { 0x110, 0x120, 0 } };
    const uint64_t f[][2] = { { 0x110, 4 } };
    const uint64_t split[][2] = { { 0x110, 3 }, { 0x118, 2 }, { 0x11c, 1 }, { 0x11e, 0 } };
    struct pa_heap *h = heap_with_free(r, 1, f, 1);

    if (!h)
        return;
    CHECK_EQ(pa_alloc_heap_pages(h, 0, 0, OWNER), 0x11f);
    check_inuse(h, 0x11f, 0);
    check_free_set(h, split, 4, 0, "split remainders");
    CHECK_EQ(pa_avail(h, -1, -1), 15);
    CHECK_EQ(pa_free_heap_pages(h, 0x11f, 0), 0);
    check_free_set(h, f, 1, 0, "freed back");
    CHECK_HEAP(h);
    pa_heap_destroy(h);
}

/*
 *   0x100   0x110          0x1000   0x1010
 *   |########|     ...     |########|          node 0: zone 9 and zone 13
 * Expect: allocations come from zone 13 first (order 0: 0x100f, the top
 * of the split block; order 3: the remainder 0x1000/3), and an order-3
 * request that zone 13 can no longer satisfy comes from zone 9 (0x108).
 */
TEST(alloc_heap_pages_highest_zone_first_check)
{
    struct pa_range r[] = { { 0x100, 0x110, 0 }, { 0x1000, 0x1010, 0 } };
    const uint64_t f[][2] = { { 0x100, 4 }, { 0x1000, 4 } };
    struct pa_heap *h = heap_with_free(r, 2, f, 2);

    if (!h)
        return;
    CHECK_EQ(pa_alloc_heap_pages(h, 0, 0, OWNER), 0x100f);
    CHECK_EQ(pa_alloc_heap_pages(h, 3, 0, OWNER), 0x1000);
    CHECK_EQ(pa_avail(h, 0, 13), 7);
    CHECK_EQ(pa_avail(h, 0, 9), 16);
    CHECK_EQ(pa_alloc_heap_pages(h, 3, 0, OWNER), 0x108);  /* zone 13 has no order 3 */
    CHECK_EQ(pa_avail(h, 0, 9), 8);
    CHECK_HEAP(h);
    pa_heap_destroy(h);
}

/*
 *   0x100  0x110 | 0x200 0x210 | 0x300 0x310
 *   |######|      |#####|       |#####|          nodes 0, 1, 2
 * Expect: node 1 is asked first; once it is empty, node 2 (the next one),
 * then node 0 (wrapping); node -1 means node 0 first.
 */
TEST(alloc_heap_pages_node_order_check)
{
    struct pa_range r[] = { { 0x100, 0x110, 0 }, { 0x200, 0x210, 1 },
                            { 0x300, 0x310, 2 } };
    const uint64_t f[][2] = { { 0x100, 4 }, { 0x200, 4 }, { 0x300, 4 } };
    struct pa_heap *h = heap_with_free(r, 3, f, 3);

    if (!h)
        return;
    CHECK_EQ(pa_alloc_heap_pages(h, 4, 1, OWNER), 0x200);
    CHECK_EQ(pa_alloc_heap_pages(h, 3, 1, OWNER), 0x308);
    CHECK_EQ(pa_alloc_heap_pages(h, 3, 1, OWNER), 0x300);
    CHECK_EQ(pa_alloc_heap_pages(h, 0, 1, OWNER), 0x10f);
    CHECK_EQ(pa_avail(h, 0, -1), 15);
    CHECK_EQ(pa_free_heap_pages(h, 0x300, 3), 0);
    CHECK_EQ(pa_alloc_heap_pages(h, 0, -1, OWNER), 0x10e);  /* node 0 first */
    CHECK_HEAP(h);
    pa_heap_destroy(h);
}

/*
 *   0x100 0x104 0x108
 *   |####|....|##|..|              0x100/2 and 0x108/1 free, max_order 4
 * Expect: order 3 fits nowhere: PA_INVALID_MFN, the free set unchanged;
 * an order above max_order is refused the same way.
 */
TEST(alloc_heap_pages_nothing_fits_check)
{
    struct pa_range r[] = { { 0x100, 0x110, 0 } };
    const uint64_t f[][2] = { { 0x100, 2 }, { 0x108, 1 } };
    struct pa_heap *h = heap_with_free(r, 1, f, 2);

    if (!h)
        return;
    CHECK_EQ(pa_alloc_heap_pages(h, 3, 0, OWNER), PA_INVALID_MFN);
    CHECK_EQ(pa_alloc_heap_pages(h, 3, -1, OWNER), PA_INVALID_MFN);
    CHECK_EQ(pa_alloc_heap_pages(h, 5, 0, OWNER), PA_INVALID_MFN);
    CHECK_EQ(pa_alloc_heap_pages(h, 30, 0, OWNER), PA_INVALID_MFN);
    check_free_set(h, f, 2, 0, "after failed allocations");
    CHECK_EQ(pa_avail(h, -1, -1), 6);
    CHECK_HEAP(h);
    pa_heap_destroy(h);
}

/*
 * Allocate everything page by page, then free it all.
 *   0x100            0x120
 *   |################|              node 0, all free after pa_init_heap_pages
 * Expect: exactly ram allocations succeed (the only node keeps its metadata
 * in static storage, as Xen's first node), each a distinct page
 * in use; the next fails; freeing restores the initial blocks.
 */
TEST(alloc_heap_pages_exhaust_and_restore_check)
{
    struct pa_range r[] = { { 0x100, 0x120, 0 } };
    struct pa_heap *h = hu_heap_new(r, 1, PA_ENC_LEGACY, 4, PA_STRAT_PAGEWISE);
    struct hu_blocks before = { 0 }, after = { 0 };
    uint64_t got[32];
    unsigned n = 0;

    if (!h)
        return;
    CHECK_EQ(pa_init_heap_pages(h, 0x100, 0x20), 0);
    hu_collect(h, &before);
    while (n < 32 && (got[n] = pa_alloc_heap_pages(h, 0, 0, OWNER)) != PA_INVALID_MFN)
        n++;
    CHECK_EQ(n, 0x20);
    CHECK_EQ(pa_avail(h, -1, -1), 0);
    for (unsigned i = 0; i < n; i++) {
        CHECK(got[i] >= 0x100 && got[i] < 0x120);
        check_inuse(h, got[i], 0);
    }
    for (unsigned i = n; i-- > 0;)
        CHECK_EQ(pa_free_heap_pages(h, got[i], 0), 0);
    hu_collect(h, &after);
    CHECK_BLOCKS(&after, &before, "after freeing everything");
    CHECK_HEAP(h);
    hu_blocks_free(&before);
    hu_blocks_free(&after);
    pa_heap_destroy(h);
}
