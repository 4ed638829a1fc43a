/*
 * test_meta.c - where a node's heap metadata comes from.
 *
 * heap.h's rule: a node's PA_NODE_META_PAGES pages are the lowest pages of
 * the first run of at least that many pages the heap receives on the node,
 * in hand-off order; end_boot_allocator hands off the first region on the
 * boot node first, then the others from the highest down.  Every strategy
 * must pick the same pages (lazy and deferred after finishing), or their
 * free blocks could not be identical.  Expected pages are written by hand
 * from the diagrams.  Digits: node of a range; 'B' a boot allocation.
 */
#include "tests/unit/heaputil.h"

struct meta_case {
    const char *name;
    struct pa_range r[6];
    size_t nr;
    struct hu_boot_req req[3];
    size_t nreq;
    unsigned boot_node;
    uint64_t meta[3];           /* first metadata page of nodes 0, 1, 2 */
    unsigned nodes;
};

/* First metadata page of a node, PA_INVALID_MFN if none; reports a node
 * whose metadata pages are not PA_NODE_META_PAGES contiguous pages. */
static uint64_t meta_of(struct pa_heap *h, const struct pa_range *r, size_t nr,
                        unsigned node)
{
    uint64_t first = PA_INVALID_MFN, count = 0;

    for (size_t i = 0; i < nr; i++)
        for (uint64_t m = r[i].start; r[i].node == node && m < r[i].end; m++)
            if (pa_mfn_to_page(h, m)->count_info & PA_PGC_META) {
                if (first == PA_INVALID_MFN)
                    first = m;
                else if (m != first + count)
                    hb_check_fail(__FILE__, __LINE__, "node %u metadata not contiguous", node);
                count++;
            }
    if (first != PA_INVALID_MFN)
        CHECK_EQ(count, PA_NODE_META_PAGES);
    return first;
}

static void run_meta_case(const struct meta_case *c)
{
    struct hu_ref *ref = hu_ref_new(c->r, c->nr, 0);
    struct hu_boot_req placed[3];

    for (int s = 0; s < PA_NR_STRATEGIES; s++) {
        struct pa_heap *h = hu_heap_strat(c->r, c->nr, 6, (enum pa_strategy)s);
        if (!h)
            return;
        memcpy(placed, c->req, sizeof placed);
        CHECK_EQ(hu_boot(h, placed, c->nreq, c->boot_node), 0);
        CHECK_EQ(hu_free_boot(h, placed, c->nreq), 0);
        CHECK_EQ(hu_finish(h), 0);
        for (unsigned n = 0; n < c->nodes; n++)
            if (meta_of(h, c->r, c->nr, n) != c->meta[n])
                hb_check_fail(__FILE__, __LINE__, "%s, %s: node %u metadata at %#llx, expected %#llx",
                              c->name, pa_strategy_name((enum pa_strategy)s), n,
                              (unsigned long long)meta_of(h, c->r, c->nr, n),
                              (unsigned long long)c->meta[n]);
        CHECK_HEAP(h);
        pa_heap_destroy(h);
    }
    /* the reference model applies the same rule */
    hu_ref_boot(ref, placed, c->nreq, c->boot_node);
    for (size_t i = 0; i < c->nreq; i++)
        hu_ref_handoff(ref, placed[i].mfn, placed[i].pages);
    for (unsigned n = 0; n < c->nodes; n++)
        if (hu_ref_meta(ref, n) != c->meta[n])
            hb_check_fail(__FILE__, __LINE__, "%s: reference puts node %u metadata at %#llx",
                          c->name, n, (unsigned long long)hu_ref_meta(ref, n));
    hu_check_strategies(c->name, c->r, c->nr, 6, c->req, c->nreq, true, c->boot_node);
    hu_ref_destroy(ref);
}

/*
 *   0x100 0x102     0x200      0x300
 *   |00|     ...     |0000...000|         node 0: a 2-page run first
 * Expect: the 2-page run is too small (the node is usable without
 * metadata); the metadata is 0x200..0x203.
 */
TEST(meta_first_run_too_small_check)
{
    struct meta_case c = {
        "too small", { { 0x100, 0x102, 0 }, { 0x200, 0x300, 0 } }, 2,
        .meta = { 0x200 }, .nodes = 1,
    };
    run_meta_case(&c);
}

/*
 *   0x100  0x200  0x300   0x400  0x500   0x600  0x700
 *   |000000|111111|       |000000|       |111111|
 * Expect, boot node 0: node 0 from its first region (0x100), node 1 from
 * the highest region (0x600), not its lowest.
 * Expect, boot node 1: node 1 from its first region (0x200), node 0 from
 * the highest node-0 region (0x400).
 */
TEST(meta_end_boot_allocator_order_check)
{
    struct meta_case c = {
        "order, boot node 0",
        { { 0x100, 0x200, 0 }, { 0x200, 0x300, 1 }, { 0x400, 0x500, 0 },
          { 0x600, 0x700, 1 } }, 4,
        .boot_node = 0, .meta = { 0x100, 0x600 }, .nodes = 2,
    };
    run_meta_case(&c);
    c.name = "order, boot node 1";
    c.boot_node = 1;
    c.meta[0] = 0x400;
    c.meta[1] = 0x200;
    run_meta_case(&c);
}

/*
 *   0x100        0x300   0x400
 *   |000000000000|BBBBBBB|         node 1 wholly taken by the boot allocator
 * Expect: node 1's metadata is the first pages freed there, 0x300.
 */
TEST(meta_node_taken_by_boot_allocator_check)
{
    struct meta_case c = {
        "whole node", { { 0x100, 0x300, 0 }, { 0x300, 0x400, 1 } }, 2,
        .req = { { 0x100, 1, 1, 0 } }, .nreq = 1,
        .meta = { 0x100, 0x300 }, .nodes = 2,
    };
    run_meta_case(&c);
}

/*
 *   0x300     0x380    0x400
 *   |BBBB B|BBBB A|            node 1 taken by two boot allocations
 * A (the first taken, the top half) is freed first.
 * Expect: node 1's metadata at 0x380, the lowest pages of A.
 */
TEST(meta_first_freed_run_check)
{
    struct meta_case c = {
        "first freed", { { 0x100, 0x300, 0 }, { 0x300, 0x400, 1 } }, 2,
        .req = { { 0x80, 1, 1, 0 }, { 0x80, 1, 1, 0 } }, .nreq = 2,
        .meta = { 0x100, 0x380 }, .nodes = 2,
    };
    run_meta_case(&c);
}

/*
 *   0x300          0x3fe 0x400
 *   |BBBBBBBBBBBBBB|AA|          A: 2 pages, freed first, too small
 * Expect: node 1's metadata at 0x300, the lowest pages of B.
 */
TEST(meta_first_freed_run_too_small_check)
{
    struct meta_case c = {
        "first freed too small", { { 0x100, 0x300, 0 }, { 0x300, 0x400, 1 } }, 2,
        .req = { { 2, 1, 1, 0 }, { 0xfe, 1, 1, 0 } }, .nreq = 2,
        .meta = { 0x100, 0x300 }, .nodes = 2,
    };
    run_meta_case(&c);
}

/*
 *   0    1     5  0x40 0x80      0x100
 *   |r|mmmm|...|  |0000|  ...    |         node 0 starts at MFN 0
 *                  0x40..0x80 node 1
 * Expect: MFN 0 is not a run page: node 0's metadata is 0x1..0x4; node 1
 * 0x40 (boot node 1 hands node 1 first; node 0 from the highest down).
 */
TEST(meta_skips_mfn0_check)
{
    struct meta_case c = {
        "mfn 0", { { 0, 0x40, 0 }, { 0x40, 0x80, 1 }, { 0x80, 0x100, 0 } }, 3,
        .boot_node = 1, .meta = { 0x80, 0x40 }, .nodes = 2,
    };
    run_meta_case(&c);
    c.name = "mfn 0, boot node 0";
    c.boot_node = 0;
    c.meta[0] = 0x1;
    run_meta_case(&c);
}
