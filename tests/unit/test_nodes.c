/*
 * test_nodes.c - node boundaries: blocks never cross a node, whatever the
 * alignment of the boundary and however the nodes' ranges interleave.
 *
 * Each layout is brought up with every strategy (hu_check_strategies) and
 * compared with the reference decomposition; the blocks are also checked
 * page by page against the layout.  Diagrams: digits are node numbers,
 * ' ' a hole.
 */
#include "tests/unit/heaputil.h"

/*
 *   0x100          0x1234              0x2000
 *   |0000000000000|1111111111111111111|          max_order 8
 * Expect: node 0 ends in small blocks below 0x1234 (0x1230/2), node 1
 * starts with 0x1234/2, 0x1238/3, ...; no block spans 0x1234.
 */
TEST(init_heap_pages_node_boundary_unaligned_check)
{
    struct pa_range r[] = { { 0x100, 0x1234, 0 }, { 0x1234, 0x2000, 1 } };
    struct pa_heap *h;
    struct hu_blocks b = { 0 };

    hu_check_strategies("unaligned boundary", r, 2, 8, NULL, 0, false, 0);
    h = hu_heap_new(r, 2, PA_ENC_LEGACY, 8, PA_STRAT_PAGEWISE);
    if (!h)
        return;
    CHECK_EQ(hu_boot(h, NULL, 0, 0), 0);
    hu_collect(h, &b);
    for (size_t i = 0; i < b.nr; i++) {
        uint64_t end = b.v[i].mfn + (1ULL << b.v[i].order);
        if (b.v[i].mfn < 0x1234 && end > 0x1234)
            hb_check_fail(__FILE__, __LINE__, "block %#llx/%u spans 0x1234",
                          (unsigned long long)b.v[i].mfn, b.v[i].order);
        if (b.v[i].mfn == 0x1230) {
            CHECK_EQ(b.v[i].order, 2);
            CHECK_EQ(b.v[i].node, 0);
        }
        if (b.v[i].mfn == 0x1234) {
            CHECK_EQ(b.v[i].order, 2);
            CHECK_EQ(b.v[i].node, 1);
        }
    }
    hu_blocks_free(&b);
    pa_heap_destroy(h);
}

/*
 *   0x100     0x300      0x500            0x900
 *   |000000000|111111111|0000000000000000|       node 1 inside node 0
 * Expect: node 1 is the two order-8 blocks 0x300 and 0x400, nothing of
 * node 0 merges across it, node 0 above is 0x500/8 0x600/9 0x800/8.
 */
TEST(init_heap_pages_node_inside_node_check)
{
    struct pa_range r[] = { { 0x100, 0x300, 0 }, { 0x300, 0x500, 1 },
                            { 0x500, 0x900, 0 } };
    struct pa_heap *h;
    uint64_t n1_blocks;

    hu_check_strategies("surrounded node", r, 3, 9, NULL, 0, false, 0);
    h = hu_heap_new(r, 3, PA_ENC_LEGACY, 9, PA_STRAT_CHUNKED);
    if (!h)
        return;
    CHECK_EQ(hu_boot(h, NULL, 0, 0), 0);
    n1_blocks = pa_free_blocks(h, 1, 8);
    CHECK_EQ(n1_blocks, 1);     /* 0x400/8; 0x300 holds node 1's metadata */
    CHECK_EQ(pa_free_blocks(h, 0, 9), 1);
    CHECK_EQ(pa_avail(h, 1, -1), 0x200 - PA_NODE_META_PAGES);
    CHECK_EQ(pa_avail(h, 0, -1), 0x600);    /* first node: static metadata */
    pa_heap_destroy(h);
}

/*
 * A table of awkward boundaries (max_order 6 unless noted):
 *   a  0000|1111|0000|1111     four touching 5-page ranges
 *   b  0 1 0 1 0 1             one-page ranges with one-page holes
 *   c  000000000011            node 1 is the last 3 pages of a 64-page span
 *   d  1111111|0000000         node 1 below node 0, boundary at 0x1001
 *   e  nodes 0..3 each 0x3ff pages, touching, max_order 10
 */
TEST(init_heap_pages_node_boundary_table_check)
{
    static const struct {
        const char *name;
        struct pa_range r[8];
        size_t nr;
        unsigned max_order;
    } t[] = {
        { "a", { { 0x40, 0x45, 0 }, { 0x45, 0x4a, 1 }, { 0x4a, 0x4f, 0 },
                 { 0x4f, 0x54, 1 } }, 4, 6 },
        { "b", { { 0x80, 0x81, 0 }, { 0x82, 0x83, 1 }, { 0x84, 0x85, 0 },
                 { 0x86, 0x87, 1 }, { 0x88, 0x89, 0 }, { 0x8a, 0x8b, 1 } }, 6, 6 },
        { "c", { { 0x1000, 0x103d, 0 }, { 0x103d, 0x1040, 1 } }, 2, 6 },
        { "d", { { 0xe00, 0x1001, 1 }, { 0x1001, 0x1200, 0 } }, 2, 6 },
        { "e", { { 0x400, 0x7ff, 0 }, { 0x7ff, 0xbfe, 1 }, { 0xbfe, 0xffd, 2 },
                 { 0xffd, 0x13fc, 3 } }, 4, 10 },
    };

    for (size_t i = 0; i < HU_ARRAY_SIZE(t); i++)
        hu_check_strategies(t[i].name, t[i].r, t[i].nr, t[i].max_order, NULL, 0,
                            false, 0);
}

/*
 * The boot node's region goes first: with node 1 as boot node, node 1's
 * metadata is still its own lowest pages, node 0's its own.
 *   0x100      0x200     0x300
 *   |0000000000|111111111|
 * Expect: strategies agree with the reference for boot nodes 0 and 1.
 */
TEST(end_boot_allocator_boot_node_check)
{
    struct pa_range r[] = { { 0x100, 0x200, 0 }, { 0x200, 0x300, 1 } };

    hu_check_strategies("boot node 0", r, 2, 6, NULL, 0, false, 0);
    hu_check_strategies("boot node 1", r, 2, 6, NULL, 0, false, 1);
}
