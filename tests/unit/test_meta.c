/*
 * test_meta.c - where a node's heap metadata comes from.
 *
 * heap.h's rule, Xen 4.17's init_node_heap: the first node handed RAM
 * keeps its metadata in static storage; any other takes PA_NODE_META_PAGES
 * pages from its first run in hand-off order, the tail when the run starts
 * on a max_order boundary and ends no less aligned, else the head, none if
 * the run is too short; end_boot_allocator hands off the first region on
 * the boot node first, then the others from the highest down.  Every strategy
 * must pick the same pages (lazy and deferred after finishing) unless a
 * region spans nodes, where page-wise ones judge on it as 4.16 did (last
 * two tests).  Expected pages are written by hand
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
    struct hu_ref *ref = hu_ref_new(c->r, c->nr, 6);
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
 *   0x100     0x140  0x200   0x280  0x300 0x302
 *   |11111111|  ... |000000|  ...  |00|          boot node 1
 * Expect: node 1, handed RAM first, keeps its metadata in static storage
 * (Xen's _heap_static); node 0's first run (the highest region, 2 pages)
 * is too small, so node 0 takes no pages at all (Xen xmallocs them), not
 * even from its larger run later.
 */
TEST(meta_first_run_too_small_check)
{
    struct meta_case c = {
        "too small", { { 0x100, 0x140, 1 }, { 0x200, 0x280, 0 }, { 0x300, 0x302, 0 } }, 3,
        .boot_node = 1, .meta = { PA_INVALID_MFN, PA_INVALID_MFN }, .nodes = 2,
    };
    run_meta_case(&c);
}

/*
 *   0x100  0x200  0x300   0x400  0x500   0x600  0x700
 *   |000000|111111|       |000000|       |111111|
 * Expect, boot node 0: node 0 static (its region is handed off first);
 * node 1 from its first run, the highest region, which starts on a
 * max_order (6) boundary and ends no less aligned: its tail, 0x6fc.
 * Expect, boot node 1: node 1 static; node 0 from the highest node-0
 * region, its tail 0x4fc.
 */
TEST(meta_end_boot_allocator_order_check)
{
    struct meta_case c = {
        "order, boot node 0",
        { { 0x100, 0x200, 0 }, { 0x200, 0x300, 1 }, { 0x400, 0x500, 0 },
          { 0x600, 0x700, 1 } }, 4,
        .boot_node = 0, .meta = { PA_INVALID_MFN, 0x6fc }, .nodes = 2,
    };
    run_meta_case(&c);
    c.name = "order, boot node 1";
    c.boot_node = 1;
    c.meta[0] = 0x4fc;
    c.meta[1] = PA_INVALID_MFN;
    run_meta_case(&c);
}

/*
 *   0x100        0x300   0x400
 *   |000000000000|BBBBBBB|         node 1 wholly taken by the boot allocator
 * Expect: node 0 static; node 1's metadata is the first pages freed there,
 * 0x300 (the head: the run's end is more aligned than its start).
 */
TEST(meta_node_taken_by_boot_allocator_check)
{
    struct meta_case c = {
        "whole node", { { 0x100, 0x300, 0 }, { 0x300, 0x400, 1 } }, 2,
        .req = { { 0x100, 1, 1, 0 } }, .nreq = 1,
        .meta = { PA_INVALID_MFN, 0x300 }, .nodes = 2,
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
        .meta = { PA_INVALID_MFN, 0x380 }, .nodes = 2,
    };
    run_meta_case(&c);
}

/*
 *   0x300          0x3fe 0x400
 *   |BBBBBBBBBBBBBB|AA|          A: 2 pages, freed first, too small
 * Expect: node 1's first run is too small: it takes no pages, not even
 * from B later (Xen xmallocs its structures).
 */
TEST(meta_first_freed_run_too_small_check)
{
    struct meta_case c = {
        "first freed too small", { { 0x100, 0x300, 0 }, { 0x300, 0x400, 1 } }, 2,
        .req = { { 2, 1, 1, 0 }, { 0xfe, 1, 1, 0 } }, .nreq = 2,
        .meta = { PA_INVALID_MFN, PA_INVALID_MFN }, .nodes = 2,
    };
    run_meta_case(&c);
}

/*
 *   0    1     0x40      0x80      0x100
 *   |r|000|  1111111  |00000000|         node 0 starts at MFN 0
 * Expect, boot node 1: node 1 static; node 0's first run is the highest,
 * 0x80..0x100 (its end more aligned than its start: the head, 0x80).
 * Expect, boot node 0: node 0 static (MFN 0 is no run page); node 1 from
 * the head of 0x40..0x80, 0x40.
 */
TEST(meta_skips_mfn0_check)
{
    struct meta_case c = {
        "mfn 0", { { 0, 0x40, 0 }, { 0x40, 0x80, 1 }, { 0x80, 0x100, 0 } }, 3,
        .boot_node = 1, .meta = { 0x80, PA_INVALID_MFN }, .nodes = 2,
    };
    run_meta_case(&c);
    c.name = "mfn 0, boot node 0";
    c.boot_node = 0;
    c.meta[0] = PA_INVALID_MFN;
    c.meta[1] = 0x40;
    run_meta_case(&c);
}

/* Page-wise init is Xen 4.16's, whose init_heap_pages judges tail or
 * head on the rest of the range handed in, asking also that the range end
 * on the node; 4.17's (chunked, lazy, deferred) judges the node's run.
 * One case: the layout, the boot regions as end_boot_allocator gets them
 * (not split at nodes), and the first metadata page of nodes 1 and 2 by
 * each rule. */
struct rule_case {
    const char *name;
    struct pa_range r[4];
    size_t nr;
    uint64_t region[3][2];
    size_t nregions;
    uint64_t meta416[2], meta417[2];
};

static void run_rule_case(const struct rule_case *c)
{
    for (int s = 0; s < PA_NR_STRATEGIES; s++) {
        bool page_wise = s == PA_STRAT_PAGEWISE || s == PA_STRAT_PATCH;
        const uint64_t *want = page_wise ? c->meta416 : c->meta417;
        uint64_t ram = 0, meta = 0;
        struct pa_heap *h = hu_heap_strat(c->r, c->nr, 6, (enum pa_strategy)s);
        struct pa_boot *b = h ? pa_boot_create(h) : NULL;

        if (!b) {
            hb_check_fail(__FILE__, __LINE__, "%s: no heap", c->name);
            pa_heap_destroy(h);
            continue;
        }
        for (size_t i = 0; i < c->nregions; i++)
            CHECK_EQ(pa_boot_add(b, c->region[i][0], c->region[i][1]), 0);
        CHECK_EQ(pa_end_boot_allocator(b, 0), 0);
        if (s == PA_STRAT_DEFERRED)
            CHECK_EQ(pa_deferred_start(h, NULL, NULL), 0);
        CHECK_EQ(hu_finish(h), 0);
        for (unsigned n = 1; n <= 2; n++) {
            uint64_t got = meta_of(h, c->r, c->nr, n);
            if (got != want[n - 1])
                hb_check_fail(__FILE__, __LINE__, "%s, %s: node %u metadata at %#llx, expected %#llx",
                              c->name, pa_strategy_name((enum pa_strategy)s), n,
                              (unsigned long long)got, (unsigned long long)want[n - 1]);
            meta += got != PA_INVALID_MFN ? PA_NODE_META_PAGES : 0;
        }
        for (size_t i = 0; i < c->nr; i++)
            ram += c->r[i].end - c->r[i].start;
        CHECK_EQ(pa_avail(h, -1, -1), ram - meta);     /* the rest is free */
        CHECK_HEAP(h);
        pa_boot_destroy(b);
        pa_heap_destroy(h);
    }
}

/*
 *   0x100    0x140  0x200          0x300    0x380
 *   |00000000|      |11111111111111|22222222|
 *   region A        region B (one region over two nodes)
 * Node 0 static (A, on the boot node, goes first); then B.
 * Expect, node 1 (met at 0x200, max_order 6 aligned):
 *   4.17: its run 0x200-0x300 ends no more aligned: the tail, 0x2fc;
 *   4.16: B's last page is on node 2: the head, 0x200.
 * Expect, node 2: 0x300-0x380 ends B and its node: the tail, 0x37c.
 */
TEST(meta_416_range_ends_on_other_node_check)
{
    struct rule_case c = {
        "416 other node",
        { { 0x100, 0x140, 0 }, { 0x200, 0x300, 1 }, { 0x300, 0x380, 2 } }, 3,
        { { 0x100, 0x140 }, { 0x200, 0x380 } }, 2,
        .meta416 = { 0x200, 0x37c }, .meta417 = { 0x2fc, 0x37c },
    };
    run_rule_case(&c);
}

/*
 *   0x100    0x140  0x200    0x280    0x300  0x340
 *   |00000000|      |11111111|22222222|111111|
 *   region A        region B: nodes 1, 2, 1
 * Expect, node 1 (met at 0x200):
 *   4.17: its first run 0x200-0x280: the tail, 0x27c;
 *   4.16: B ends on node 1, 0x340 no more aligned than 0x200: B's tail,
 *         0x33c, in node 1's second run; B now ends at 0x33c.
 * Expect, node 2 (met at 0x280, aligned to 64):
 *   4.17: 0x280-0x300 ends more aligned than it starts: the head, 0x280;
 *   4.16: B (now to 0x33c) ends on node 1: the head, 0x280.
 */
TEST(meta_416_tail_of_range_on_same_node_check)
{
    struct rule_case c = {
        "416 same node",
        { { 0x100, 0x140, 0 }, { 0x200, 0x280, 1 }, { 0x280, 0x300, 2 },
          { 0x300, 0x340, 1 } }, 4,
        { { 0x100, 0x140 }, { 0x200, 0x340 } }, 2,
        .meta416 = { 0x33c, 0x280 }, .meta417 = { 0x27c, 0x280 },
    };
    run_rule_case(&c);
}
