/*
 * test_boot.c - the boot allocator: sorted regions, allocations from the
 * top of the highest region that fits, node restriction, alignment, the
 * PA_BOOT_MAX_REGIONS limit, and what end_boot_allocator leaves behind.
 * Addresses are worked out by hand from the diagrams.
 */
#include <errno.h>

#include "tests/unit/heaputil.h"

/*
 *   0x100       0x200       0x300       0x400
 *   |00000000000|           |11111111111|
 */
static const struct pa_range two[] = { { 0x100, 0x200, 0 }, { 0x300, 0x400, 1 } };

static struct pa_boot *boot_two(struct pa_heap **hp)
{
    struct pa_boot *b;

    *hp = hu_heap_new(two, 2, PA_ENC_LEGACY, 6, PA_STRAT_PAGEWISE);
    if (!*hp)
        return NULL;
    b = pa_boot_create(*hp);
    CHECK(b != NULL);
    return b;
}

/* Expect: regions added in any order end up sorted (allocations go to
 * the highest); overlaps and non-RAM are refused. */
TEST(boot_add_sorted_check)
{
    struct pa_heap *h;
    struct pa_boot *b = boot_two(&h);

    if (!b)
        return;
    CHECK_EQ(pa_boot_add(b, 0x300, 0x400), 0);
    CHECK_EQ(pa_boot_add(b, 0x100, 0x180), 0);
    CHECK_EQ(pa_boot_add(b, 0x180, 0x200), 0);
    CHECK_EQ(pa_boot_nr_regions(b), 3);
    CHECK_EQ(pa_boot_add(b, 0x150, 0x160), -EINVAL);   /* overlap */
    CHECK_EQ(pa_boot_add(b, 0x1f0, 0x210), -EINVAL);   /* runs into a hole */
    CHECK_EQ(pa_boot_add(b, 0x200, 0x300), -EINVAL);   /* not RAM */
    CHECK_EQ(pa_boot_add(b, 0x350, 0x350), -EINVAL);   /* empty */
    CHECK_EQ(pa_boot_alloc(b, 1, 1, -1), 0x3ff);
    CHECK_EQ(pa_boot_alloc(b, 0x100, 1, -1), PA_INVALID_MFN);  /* nothing that big */
    pa_boot_destroy(b);
    pa_heap_destroy(h);
}

/*
 * Expect: 0x10 pages come from the top of the highest region (0x3f0),
 * then 0x3e0; 0xe0 pages still fit below (0x300); then 0x20 pages must
 * come from node 0's region (0x1e0); 0x101 pages fit nowhere.
 */
TEST(boot_alloc_top_of_highest_check)
{
    struct pa_heap *h;
    struct pa_boot *b = boot_two(&h);

    if (!b)
        return;
    CHECK_EQ(pa_boot_add_all(b), 0);
    CHECK_EQ(pa_boot_alloc(b, 0x10, 1, -1), 0x3f0);
    CHECK_EQ(pa_boot_alloc(b, 0x10, 1, -1), 0x3e0);
    CHECK_EQ(pa_boot_alloc(b, 0xe0, 1, -1), 0x300);
    CHECK_EQ(pa_boot_nr_regions(b), 1);                    /* node 1 used up */
    CHECK_EQ(pa_boot_alloc(b, 0x20, 1, -1), 0x1e0);
    CHECK_EQ(pa_boot_alloc(b, 0x101, 1, -1), PA_INVALID_MFN);
    CHECK_EQ(pa_boot_alloc(b, 0, 1, -1), PA_INVALID_MFN);
    pa_boot_destroy(b);
    pa_heap_destroy(h);
}

/* Expect: node 0 allocations skip node 1's higher region (0x1f0); a node
 * with no room (node 1 asked for 0x101 pages) or no RAM fails. */
TEST(boot_alloc_node_restricted_check)
{
    struct pa_heap *h;
    struct pa_boot *b = boot_two(&h);

    if (!b)
        return;
    CHECK_EQ(pa_boot_add_all(b), 0);
    CHECK_EQ(pa_boot_alloc(b, 0x10, 1, 0), 0x1f0);
    CHECK_EQ(pa_boot_alloc(b, 0x10, 1, 1), 0x3f0);
    CHECK_EQ(pa_boot_alloc(b, 0x101, 1, 1), PA_INVALID_MFN);
    CHECK_EQ(pa_boot_alloc(b, 1, 1, 5), PA_INVALID_MFN);
    pa_boot_destroy(b);
    pa_heap_destroy(h);
}

/*
 *   0x300            0x380 0x390              0x400
 *   |................|BBBB|...................|
 * Expect: 0x10 pages aligned to 0x80 land at 0x380 (the highest aligned
 * start that fits), splitting the region in two; aligned to 0x400, none
 * fits in node 1, and node 0's [0x100, 0x200) has no 0x400-aligned start.
 */
TEST(boot_alloc_alignment_check)
{
    struct pa_heap *h;
    struct pa_boot *b = boot_two(&h);

    if (!b)
        return;
    CHECK_EQ(pa_boot_add_all(b), 0);
    CHECK_EQ(pa_boot_alloc(b, 0x10, 0x80, -1), 0x380);
    CHECK_EQ(pa_boot_nr_regions(b), 3);
    CHECK_EQ(pa_boot_alloc(b, 0x10, 0x400, -1), PA_INVALID_MFN);
    CHECK_EQ(pa_boot_alloc(b, 0x70, 1, -1), 0x390);
    CHECK_EQ(pa_boot_alloc(b, 0x10, 0x100, -1), 0x300);
    CHECK_EQ(pa_boot_alloc(b, 1, 0, -1), PA_INVALID_MFN);  /* align 0 is misuse */
    pa_boot_destroy(b);
    pa_heap_destroy(h);
}

/*
 * PA_BOOT_MAX_REGIONS five-page ranges (with holes) fill the boot
 * allocator; one more is refused with -ENOSPC, as is an allocation that
 * would split a region in two:
 *   8i+1        8i+4      8i+6
 *   |....|....|..B.|....|         page 8i+4 (aligned to 4) is in the middle
 * Expect: that allocation fails and leaves the region whole; the top page
 * (no new region needed) can still be taken.
 */
TEST(boot_add_too_many_regions_check)
{
    enum { N = PA_BOOT_MAX_REGIONS + 1 };
    struct pa_range r[N];
    struct pa_heap *h;
    struct pa_boot *b;

    for (unsigned i = 0; i < N; i++)
        r[i] = (struct pa_range){ 0x1000 + 8 * i + 1, 0x1000 + 8 * i + 6, 0 };
    h = hu_heap_new(r, N, PA_ENC_LEGACY, 6, PA_STRAT_PAGEWISE);
    if (!h)
        return;
    b = pa_boot_create(h);
    CHECK_EQ(pa_boot_add_all(b), -ENOSPC);
    CHECK_EQ(pa_boot_nr_regions(b), PA_BOOT_MAX_REGIONS);
    CHECK_EQ(pa_boot_add(b, r[N - 1].start, r[N - 1].end), -ENOSPC);
    /* the middle page of the highest region: a split needs a new slot */
    CHECK_EQ(pa_boot_alloc(b, 1, 4, -1), PA_INVALID_MFN);
    CHECK_EQ(pa_boot_nr_regions(b), PA_BOOT_MAX_REGIONS);
    CHECK_EQ(pa_boot_alloc(b, 5, 1, -1), r[N - 2].start);   /* still whole */
    CHECK_EQ(pa_boot_nr_regions(b), PA_BOOT_MAX_REGIONS - 1);
    /* the top page needs no new slot */
    CHECK_EQ(pa_boot_alloc(b, 1, 1, -1), r[N - 3].end - 1);
    pa_boot_destroy(b);
    pa_heap_destroy(h);
}

/*
 * After end_boot_allocator the boot allocator is empty; the pages it gave
 * out were never written: raw 0, "in use" in legacy, "uninitialised" in
 * uninit; everything else is free or metadata.
 */
TEST(end_boot_allocator_leaves_boot_pages_check)
{
    static const enum pa_encoding encs[] = { PA_ENC_LEGACY, PA_ENC_UNINIT };

    for (size_t e = 0; e < 2; e++) {
        struct pa_heap *h = hu_heap_new(two, 2, encs[e], 6, PA_STRAT_CHUNKED);
        struct pa_boot *b;
        struct pa_node_stats s;
        uint64_t m;

        if (!h)
            return;
        b = pa_boot_create(h);
        CHECK_EQ(pa_boot_add_all(b), 0);
        m = pa_boot_alloc(b, 0x20, 1, 1);
        CHECK_EQ(m, 0x3e0);
        CHECK_EQ(pa_end_boot_allocator(b, 0), 0);
        CHECK_EQ(pa_boot_nr_regions(b), 0);
        CHECK_EQ(pa_boot_alloc(b, 1, 1, -1), PA_INVALID_MFN);
        for (uint64_t i = 0; i < 0x20; i++) {
            const struct pa_page *pg = pa_mfn_to_page(h, m + i);
            CHECK_EQ(pg->count_info, 0);
            CHECK_EQ(pa_page_state(h, pg),
                     encs[e] == PA_ENC_LEGACY ? PA_STATE_INUSE : PA_STATE_UNINIT);
        }
        CHECK_EQ(pa_node_stats(h, 1, &s), 0);
        CHECK_EQ(s.free, 0x100 - 0x20 - PA_NODE_META_PAGES);
        CHECK_EQ(encs[e] == PA_ENC_LEGACY ? s.inuse : s.uninit, 0x20);
        CHECK_HEAP(h);
        pa_boot_destroy(b);
        pa_heap_destroy(h);
    }
}
