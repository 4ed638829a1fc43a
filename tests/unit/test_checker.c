/*
 * test_checker.c - the invariant checker catches corruption.  Each test
 * builds a clean heap, proves it checks clean, corrupts one thing (a test
 * hook or a write to the frame table) and requires pa_heap_check to return
 * -EFAULT naming the problem; autocheck is off except in the last test.
 *
 *   0x100      0x180   0x1c0           0x300  0x400     0x43c 0x440
 *   |##########|######|################|      |#####mmmm|BBBB|
 *   node 0             node 1 (boundary at 0x1c0, not aligned)
 * max_order 8, boot node 0.  Node 0 keeps its metadata in static storage
 * (as Xen); node 1's first run is its highest region, aligned, so its
 * metadata is the tail 0x438..0x43b (Xen's use_tail); a boot allocation B
 * holds 0x43c..0x43f.  Node 0 ends with 0x180/6, node 1 starts with
 * 0x1c0/6: buddies at order 6 across the node boundary.
 */
#include <errno.h>
#include <string.h>

#include "tests/unit/heaputil.h"

/* The checker must fail with a reason containing each of the words. */
static void expect_fault(struct pa_heap *h, const char *w1, const char *w2)
{
    char why[256] = "";

    CHECK_EQ(pa_heap_check(h, why, sizeof why), -EFAULT);
    if (!strstr(why, w1) || (w2 && !strstr(why, w2)))
        hb_check_fail(__FILE__, __LINE__, "reason \"%s\" does not name \"%s\"%s%s",
                      why, w1, w2 ? " and " : "", w2 ? w2 : "");
}

static bool is_free_block(struct pa_heap *h, uint64_t mfn, unsigned order)
{
    struct hu_blocks b = { 0 };
    bool found = false;

    hu_collect(h, &b);
    for (size_t i = 0; i < b.nr; i++)
        found |= b.v[i].mfn == mfn && b.v[i].order == order;
    hu_blocks_free(&b);
    return found;
}

/* Expect: the layout gives 0x180/6 on node 0 and 0x1c0/6 on node 1. */
TEST(checker_clean_heap_check)
{
    struct pa_heap *h = hu_checker_heap();

    if (!h)
        return;
    CHECK(is_free_block(h, 0x180, 6));
    CHECK(is_free_block(h, 0x1c0, 6));
    CHECK_EQ(pa_heap_check(h, NULL, 0), 0);
    pa_heap_destroy(h);
}

/* Expect: 0x180/6 moved to node 1's list: "lies on node 0"; moved to
 * the order-5 list: "order"; to zone 10's list: "zone". */
TEST(checker_block_on_wrong_list_check)
{
    static const struct { unsigned node, zone, order; const char *w1, *w2; } t[] = {
        { 1, 9, 6, "node 1", "node 0" },
        { 0, 9, 5, "order", NULL },
        { 0, 10, 6, "zone", NULL },
    };

    for (size_t i = 0; i < HU_ARRAY_SIZE(t); i++) {
        struct pa_heap *h = hu_checker_heap();
        if (!h)
            return;
        CHECK_EQ(pa_test_move_block(h, 0x180, t[i].node, t[i].zone, t[i].order), 0);
        expect_fault(h, t[i].w1, t[i].w2);
        pa_heap_destroy(h);
    }
}

/* Expect: avail[0][9] one too high or too low: "avail". */
TEST(checker_counter_off_by_one_check)
{
    for (long d = -1; d <= 1; d += 2) {
        struct pa_heap *h = hu_checker_heap();
        if (!h)
            return;
        pa_test_skew_counter(h, 0, 9, d);
        expect_fault(h, "avail", NULL);
        pa_heap_destroy(h);
    }
}

/* Expect: 0x180/6 (node 0) merged with its buddy 0x1c0/6 (node 1) into
 * 0x180/7: the block leaves its node's RAM: "0x180". */
TEST(checker_cross_node_merge_check)
{
    struct pa_heap *h = hu_checker_heap();

    if (!h)
        return;
    CHECK_EQ(pa_test_force_merge(h, 0x180, 6), 0);
    expect_fault(h, "0x180", NULL);
    pa_heap_destroy(h);
}

/* Expect: a page inside a free block flipped to "in use": "not free";
 * an in-use metadata page flipped to "free": "free"; a metadata flag
 * cleared: "metadata". */
TEST(checker_state_flipped_check)
{
    struct pa_heap *h = hu_checker_heap();
    uint64_t inuse = (uint64_t)pa_state_raw(PA_ENC_LEGACY, PA_STATE_INUSE) << PA_PGC_STATE_SHIFT;
    uint64_t freeraw = (uint64_t)pa_state_raw(PA_ENC_LEGACY, PA_STATE_FREE) << PA_PGC_STATE_SHIFT;

    if (!h)
        return;
    pa_mfn_to_page(h, 0x185)->count_info = inuse;
    expect_fault(h, "0x185", "not free");
    pa_heap_destroy(h);

    if (!(h = hu_checker_heap()))
        return;
    pa_mfn_to_page(h, 0x43d)->count_info = freeraw;       /* boot-allocated page */
    expect_fault(h, "0x43d", "free");
    pa_heap_destroy(h);

    if (!(h = hu_checker_heap()))
        return;
    pa_mfn_to_page(h, 0x439)->count_info &= ~PA_PGC_META;
    expect_fault(h, "metadata", NULL);
    pa_heap_destroy(h);
}

/* Expect: a wrong back link, and a forward link into a page that is not
 * a free block head, are both caught. */
TEST(checker_broken_link_check)
{
    struct pa_heap *h = hu_checker_heap();

    if (!h)
        return;
    pa_mfn_to_page(h, 0x180)->prev = 7;
    expect_fault(h, "link", NULL);
    pa_heap_destroy(h);

    if (!(h = hu_checker_heap()))
        return;
    /* 0x180 is alone on its list: point it at a metadata page's index */
    {
        size_t entries;
        struct pa_page *ft = pa_frametable(h, &entries, NULL);
        struct pa_page *meta = pa_mfn_to_page(h, 0x101);
        pa_mfn_to_page(h, 0x180)->next = (pa_pdx_t)(meta - ft);
        CHECK_EQ(pa_heap_check(h, NULL, 0), -EFAULT);
    }
    pa_heap_destroy(h);
}

/* Expect: with autocheck on, the next operation after a corruption calls
 * the hook with the checker's reason (instead of aborting). */
TEST(checker_autocheck_hook_check)
{
    struct pa_heap *h = hu_checker_heap();
    struct hu_hook_rec rec;

    if (!h)
        return;
    pa_heap_set_autocheck(h, true);
    hu_hook_record(h, &rec);
    CHECK(pa_alloc_heap_pages(h, 0, 1, 1) != PA_INVALID_MFN);
    CHECK_EQ(rec.fired, 0);
    pa_test_skew_counter(h, 1, 9, 3);
    (void)pa_alloc_heap_pages(h, 0, 1, 1);
#if PA_DEBUG >= 3
    CHECK_EQ(rec.fired, 1);
    CHECK(strstr(rec.why, "avail") != NULL);
#endif
    pa_heap_set_autocheck(h, false);
    pa_heap_destroy(h);
}
