/*
 * test_checker_incr.c - the incremental checker (pa_heap_check_touched,
 * and the autocheck of pa_heap_set_check_every) must pass every clean
 * operation, catch a corruption in what the last operations touched, miss
 * one elsewhere (the full checker's job), and always catch counters that
 * do not add up.  The same heap as test_checker.c:
 *
 *   0x100      0x180   0x1c0           0x300  0x400     0x43c 0x440
 *   |mmmm######|######|################|      |mmmm#####|BBBB|
 *   node 0             node 1 (boundary at 0x1c0, not aligned)
 * max_order 8, chunked, legacy encoding; node 0's free blocks are
 * 0x104/2 0x108/3 0x110/4 0x120/5 0x140/6 0x180/6, node 1's start with
 * 0x1c0/6; B is a boot allocation.
 */
#include <errno.h>
#include <string.h>

#include "tests/unit/heaputil.h"

/* The checker tests' heap (hu_checker_heap), nothing touched since. */
static struct pa_heap *clean_heap(void)
{
    struct pa_heap *h = hu_checker_heap();

    if (h)
        CHECK_EQ(pa_heap_check_touched(h, NULL, 0), 0);     /* forget the boot */
    return h;
}

/* The incremental checker must fail with a reason containing w. */
static void expect_touched_fault(struct pa_heap *h, const char *w)
{
    char why[256] = "";

    CHECK_EQ(pa_heap_check_touched(h, why, sizeof why), -EFAULT);
    if (!strstr(why, w))
        hb_check_fail(__FILE__, __LINE__, "reason \"%s\" does not name \"%s\"", why, w);
}

static uint64_t raw_of(enum pa_state st)
{
    return (uint64_t)pa_state_raw(PA_ENC_LEGACY, st) << PA_PGC_STATE_SHIFT;
}

/* Expect: allocations of orders 0-6 on both nodes, then their frees in
 * another order, each followed by a clean incremental and full check. */
TEST(checker_incr_clean_ops_check)
{
    struct pa_heap *h = clean_heap();
    uint64_t mfn[14];
    char why[256] = "";

    if (!h)
        return;
    for (unsigned i = 0; i < 14; i++) {
        mfn[i] = pa_alloc_heap_pages(h, i % 7, (int)(i & 1), 100 + i);
        CHECK(mfn[i] != PA_INVALID_MFN);
        CHECK_EQ(pa_heap_check_touched(h, why, sizeof why), 0);
        CHECK_HEAP(h);
    }
    for (unsigned k = 0; k < 14; k++) {
        unsigned i = (k * 5) % 14;
        CHECK_EQ(pa_free_heap_pages(h, mfn[i], i % 7), 0);
        CHECK_EQ(pa_heap_check_touched(h, why, sizeof why), 0);
        CHECK_HEAP(h);
    }
    if (why[0])
        hb_check_fail(__FILE__, __LINE__, "incremental check: %s", why);
    pa_heap_destroy(h);
}

/* Expect: a touched block moved to node 1's list: "0x180"; 0x180/6 merged
 * with 0x1c0/6 across the node boundary: "0x180". */
TEST(checker_incr_touched_lists_check)
{
    struct pa_heap *h = clean_heap();

    if (!h)
        return;
    CHECK_EQ(pa_test_move_block(h, 0x180, 1, 9, 6), 0);
    expect_touched_fault(h, "0x180");
    pa_heap_destroy(h);

    if (!(h = clean_heap()))
        return;
    CHECK_EQ(pa_test_force_merge(h, 0x180, 6), 0);
    expect_touched_fault(h, "0x180");
    pa_heap_destroy(h);
}

/* Expect: after freeing an order-2 block, a page of the free block that
 * holds it flipped to "in use" is caught ("not free"); the same flip in
 * node 1's untouched 0x1c0/6 is not seen by the incremental checker but
 * is by the full one. */
TEST(checker_incr_touched_pages_check)
{
    struct pa_heap *h = clean_heap();
    uint64_t m;

    if (!h)
        return;
    m = pa_alloc_heap_pages(h, 2, 0, 1);
    CHECK(m != PA_INVALID_MFN);
    CHECK_EQ(pa_heap_check_touched(h, NULL, 0), 0);
    CHECK_EQ(pa_free_heap_pages(h, m, 2), 0);
    pa_mfn_to_page(h, m + 1)->count_info = raw_of(PA_STATE_INUSE);
    expect_touched_fault(h, "not free");
    pa_heap_destroy(h);

    if (!(h = clean_heap()))
        return;
    pa_mfn_to_page(h, 0x1c5)->count_info = raw_of(PA_STATE_INUSE);
    m = pa_alloc_heap_pages(h, 0, 0, 1);
    CHECK(m != PA_INVALID_MFN && m < 0x1c0);
    CHECK_EQ(pa_heap_check_touched(h, NULL, 0), 0);
    CHECK_EQ(pa_heap_check(h, NULL, 0), -EFAULT);
    pa_heap_destroy(h);
}

/* Expect: a skewed avail[0][9] with nothing touched is still caught, as
 * total_avail no longer equals the sum of every node's zones. */
TEST(checker_incr_counter_sums_check)
{
    struct pa_heap *h = clean_heap();

    if (!h)
        return;
    pa_test_skew_counter(h, 0, 9, 1);
    expect_touched_fault(h, "total_avail");
    pa_heap_destroy(h);
}

/* Expect: autocheck every 4 with the corruption outside what operations
 * touch: the hook stays quiet for three allocations on node 0 and fires
 * on the fourth, the full check, with the flipped page's MFN. */
TEST(checker_incr_full_every_n_check)
{
    struct pa_heap *h = clean_heap();
    struct hu_hook_rec rec;

    if (!h)
        return;
    pa_heap_set_check_every(h, 4);
    pa_heap_set_autocheck(h, true);
    hu_hook_record(h, &rec);
    pa_mfn_to_page(h, 0x1c5)->count_info = raw_of(PA_STATE_INUSE);
    for (int i = 0; i < 3; i++)
        CHECK(pa_alloc_heap_pages(h, 0, 0, 1) != PA_INVALID_MFN);
#if PA_DEBUG >= 3
    CHECK_EQ(rec.fired, 0);
#endif
    CHECK(pa_alloc_heap_pages(h, 0, 0, 1) != PA_INVALID_MFN);
#if PA_DEBUG >= 3
    CHECK_EQ(rec.fired, 1);
    CHECK(strstr(rec.why, "0x1c5") != NULL);
#endif
    pa_heap_set_autocheck(h, false);
    pa_heap_destroy(h);
}
