/*
 * test_xenver.c - the Xen version a heap pays the arithmetic of (heap.h,
 * enum pa_xen_version): named, parsed, refused when unknown, and without
 * effect on what the heap does.
 *
 *   0x100        0x2c0        0x500   0x600    0x700
 *   |000000000000|111111111111|       |11111111|       max_order 6
 * Expect: 4.17 (PDX arithmetic in every node lookup) and 4.18 (a plain
 * load) leave the same free blocks after end_boot_allocator and after
 * the same allocations and frees.
 */
#include <errno.h>
#include <string.h>

#include "tests/unit/heaputil.h"

static struct pa_heap *xen_heap(const struct pa_range *r, size_t nr,
                                enum pa_xen_version v)
{
    struct pa_heap_config cfg = { .ranges = r, .nr_ranges = nr,
                                  .max_order = 6, .xen = v };
    struct pa_heap *h = NULL;

    if (!CHECK_EQ(pa_heap_create(&cfg, &h), 0))
        return NULL;
    CHECK_EQ(pa_heap_set_strategy(h, PA_STRAT_CHUNKED), 0);
    CHECK_EQ(pa_heap_xen_version(h), v);
    return h;
}

TEST(xen_version_names_check)
{
    CHECK(!strcmp(pa_xen_version_name(PA_XEN_4_17), "4.17"));
    CHECK(!strcmp(pa_xen_version_name(PA_XEN_4_18), "4.18"));
    CHECK_EQ(pa_xen_version_parse("4.17"), PA_XEN_4_17);
    CHECK_EQ(pa_xen_version_parse("4.18"), PA_XEN_4_18);
    CHECK_EQ(pa_xen_version_parse("4.16"), -EINVAL);
    CHECK(!strcmp(pa_xen_version_name(PA_NR_XEN_VERSIONS), "?"));
}

TEST(xen_version_refused_check)
{
    struct pa_range r[] = { { 0x100, 0x200, 0 } };
    struct pa_heap_config cfg = { .ranges = r, .nr_ranges = 1,
                                  .xen = PA_NR_XEN_VERSIONS };
    struct pa_heap *h = NULL;

    CHECK_EQ(pa_heap_create(&cfg, &h), -EINVAL);
    CHECK(h == NULL);
}

TEST(xen_version_same_blocks_check)
{
    struct pa_range r[] = { { 0x100, 0x2c0, 0 }, { 0x2c0, 0x500, 1 },
                            { 0x600, 0x700, 1 } };
    struct pa_heap *a = xen_heap(r, 3, PA_XEN_4_17), *b = xen_heap(r, 3, PA_XEN_4_18);
    struct hu_blocks ba = { 0 }, bb = { 0 };

    if (!a || !b)
        return;
    CHECK_EQ(hu_boot(a, NULL, 0, 0), 0);
    CHECK_EQ(hu_boot(b, NULL, 0, 0), 0);
    for (unsigned o = 0; o < 7; o += 3) {
        for (int n = 0; n < 2; n++) {
            uint64_t ma = pa_alloc_heap_pages(a, o, n, 1);
            uint64_t mb = pa_alloc_heap_pages(b, o, n, 1);
            CHECK_EQ(ma, mb);
            if (ma != PA_INVALID_MFN && o)
                CHECK_EQ(pa_free_heap_pages(a, ma, o), 0);
            if (mb != PA_INVALID_MFN && o)
                CHECK_EQ(pa_free_heap_pages(b, mb, o), 0);
        }
    }
    hu_collect(a, &ba);
    hu_collect(b, &bb);
    CHECK_BLOCKS(&ba, &bb, "4.17 against 4.18");
    CHECK_HEAP(a);
    CHECK_HEAP(b);
    hu_blocks_free(&ba);
    hu_blocks_free(&bb);
    pa_heap_destroy(a);
    pa_heap_destroy(b);
}
