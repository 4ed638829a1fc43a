/*
 * test_pre2010.c - the pre-2010 way of keeping blocks off node boundaries
 * (reserve_boundary): merges ignore nodes, and init reserves the first page
 * of a node that starts off a max_order boundary instead.
 *
 *   0x100            0x205 0x206                0x400    0x500      0x600
 *   |node 0 ..........|R|  node 1 ..............|  hole  |node 1 ...|
 *                      ^ 0x205 reserved (0x205 is not 64-aligned)
 * max_order 6.  Node 1's metadata comes from [0x500, 0x600), which the
 * boot allocator hands over before [0x205, 0x400) (highest first).
 * Expect: no free block spans 0x205; every other page of both nodes is
 * free; the free blocks are exactly the node-aware heap's blocks with the
 * one page 0x205 taken out; the checker accepts the reserved page.
 */
#include <errno.h>

#include "alloc/heap.h"
#include "tests/unit/check.h"
#include "tests/unit/heaputil.h"

static struct pa_heap *build(const struct pa_range *r, size_t nr, bool reserve,
                             enum pa_strategy s)
{
    struct pa_heap_config cfg = { .ranges = r, .nr_ranges = nr, .encoding = PA_ENC_LEGACY,
                                  .max_order = 6, .reserve_boundary = reserve };
    struct pa_heap *h;
    struct pa_boot *b;

    if (pa_heap_create(&cfg, &h))
        return NULL;
    pa_heap_set_strategy(h, s);
    b = pa_boot_create(h);
    pa_boot_add_all(b);
    pa_end_boot_allocator(b, 0);
    pa_boot_destroy(b);
    return h;
}

struct span_arg {
    uint64_t page;
    int hits;
    uint64_t pages;
};

static int spans(uint64_t mfn, unsigned order, unsigned node, unsigned zone, void *arg)
{
    struct span_arg *a = arg;

    (void)node, (void)zone;
    if (a->page >= mfn && a->page < mfn + (1ULL << order))
        a->hits++;
    a->pages += 1ULL << order;
    return 0;
}

TEST(reserve_boundary_unaligned_check)
{
    static const struct pa_range r[] = { { 0x100, 0x205, 0 }, { 0x205, 0x400, 1 },
                                         { 0x500, 0x600, 1 } };

    for (int s = PA_STRAT_PAGEWISE; s <= PA_STRAT_CHUNKED; s++) {
        struct pa_heap *old = build(r, 3, true, (enum pa_strategy)s);
        struct pa_heap *now = build(r, 3, false, (enum pa_strategy)s);
        struct span_arg a = { .page = 0x205 }, b = { .page = 0x205 };
        struct pa_node_stats st;

        if (!CHECK(old && now))
            return;
        CHECK_HEAP(old);
        pa_for_each_free_block(old, spans, &a);
        pa_for_each_free_block(now, spans, &b);
        CHECK_EQ(a.hits, 0);                    /* nothing holds the page */
        CHECK_EQ(b.hits, 1);                    /* node-aware: it is free */
        CHECK_EQ(a.pages + 1, b.pages);         /* one page lost, no more */
        pa_node_stats(old, 1, &st);
        CHECK_EQ(st.reserved, 1);
        CHECK(!pa_page_state_is(old, pa_mfn_to_page(old, 0x205), PA_STATE_FREE));
        pa_heap_destroy(old);
        pa_heap_destroy(now);
    }
}

/* An aligned boundary needs no reserved page: both modes agree exactly.
 *   0x100        0x200                0x400
 *   |node 0 ......|node 1 ..............|
 */
TEST(reserve_boundary_aligned_check)
{
    static const struct pa_range r[] = { { 0x100, 0x200, 0 }, { 0x200, 0x400, 1 } };
    struct pa_heap *old = build(r, 2, true, PA_STRAT_CHUNKED);
    struct pa_heap *now = build(r, 2, false, PA_STRAT_CHUNKED);
    struct hu_blocks x = { 0 }, y = { 0 };

    if (!CHECK(old && now))
        return;
    hu_collect(old, &x);
    hu_collect(now, &y);
    CHECK_BLOCKS(&x, &y, "aligned boundary");
    hu_blocks_free(&x);
    hu_blocks_free(&y);
    pa_heap_destroy(old);
    pa_heap_destroy(now);
}

/* Lazy strategies need to know nodes: the mode refuses them. */
TEST(reserve_boundary_refuses_lazy_check)
{
    static const struct pa_range r[] = { { 0x100, 0x400, 0 } };
    struct pa_heap_config cfg = { .ranges = r, .nr_ranges = 1, .encoding = PA_ENC_UNINIT,
                                  .max_order = 6, .reserve_boundary = true };
    struct pa_heap *h;

    if (!CHECK_EQ(pa_heap_create(&cfg, &h), 0))
        return;
    CHECK_EQ(pa_heap_set_strategy(h, PA_STRAT_LAZY), -EINVAL);
    CHECK_EQ(pa_heap_set_strategy(h, PA_STRAT_CHUNKED), 0);
    pa_heap_destroy(h);
}
