/*
 * test_random.c - random alloc/free sequences, and misuse.
 *
 * Each sequence runs on a fresh heap with the checker after every
 * operation (PA_DEBUG=3; a broken invariant fails the test through the
 * hook).  A shadow copy of the free pages, kept by the test alone, says at
 * every step how many pages are free and, every few steps, exactly which
 * blocks the lists must hold (a buddy heap stays maximally merged).  At the
 * end everything is freed and the initial free-block set must come back.
 * Misuse (double free, pages outside RAM, bad order or alignment, metadata
 * pages) must be refused with -EINVAL and leave the heap unchanged.
 */
#include <errno.h>
#include <stdio.h>

#include "tests/unit/heaputil.h"

#define MAX_LIVE 512

struct live {
    uint64_t mfn;
    unsigned order;
};

struct rnd {
    struct pa_heap *h;
    struct hu_ref *shadow;      /* pages free right now */
    const struct pa_range *r;
    size_t nr;
    struct live live[MAX_LIVE];
    size_t nlive;
    unsigned max_order, nodes;
};

/* Would the requested node have satisfied the request?  (Any free run of
 * the shadow on that node holding an aligned block of the order.) */
static bool node_can(const struct rnd *t, int node, unsigned order)
{
    struct hu_blocks b = { 0 };
    bool can = false;

    hu_ref_blocks(t->shadow, &b);
    for (size_t i = 0; i < b.nr && !can; i++)
        can = (int)b.v[i].node == node && b.v[i].order >= order;
    hu_blocks_free(&b);
    return can;
}

static void step_alloc(struct rnd *t, struct hu_rng *rng)
{
    unsigned order = (unsigned)hu_below(rng, (t->max_order < 4 ? t->max_order : 4) + 1);
    int node = (int)hu_below(rng, t->nodes + 1) - 1;
    bool can = node_can(t, node < 0 ? 0 : node, order);
    uint64_t m = pa_alloc_heap_pages(t->h, order, node, 42);

    if (m == PA_INVALID_MFN) {
        for (unsigned n = 0; n < t->nodes; n++)   /* nothing fits anywhere */
            if (node_can(t, (int)n, order))
                hb_check_fail(__FILE__, __LINE__, "order %u failed, node %u had room", order, n);
        return;
    }
    CHECK_EQ(m & ((1ULL << order) - 1), 0);
    for (uint64_t i = 0; i < (1ULL << order); i++)
        if (!hu_ref_is_free(t->shadow, m + i)) {
            hb_check_fail(__FILE__, __LINE__, "allocated page %#llx was not free",
                          (unsigned long long)(m + i));
            break;
        }
    if (can)
        CHECK_EQ(hu_ref_node(t->shadow, m), node < 0 ? 0 : node);
    hu_ref_set(t->shadow, m, 1ULL << order, false);
    t->live[t->nlive++] = (struct live){ m, order };
}

static void step_free(struct rnd *t, struct hu_rng *rng)
{
    size_t i = hu_below(rng, t->nlive);
    struct live l = t->live[i];

    CHECK_EQ(pa_free_heap_pages(t->h, l.mfn, l.order), 0);
    hu_ref_set(t->shadow, l.mfn, 1ULL << l.order, true);
    t->live[i] = t->live[--t->nlive];
}

static void compare_with_shadow(struct rnd *t, const char *what)
{
    struct hu_blocks seen = { 0 }, want = { 0 };

    hu_collect(t->h, &seen);
    hu_ref_blocks(t->shadow, &want);
    CHECK_BLOCKS(&seen, &want, what);
    hu_blocks_free(&seen);
    hu_blocks_free(&want);
}

/* One sequence of steps on a freshly booted heap. */
static void run_sequence(const char *name, const struct pa_range *r, size_t nr,
                         unsigned max_order, enum pa_strategy s, uint64_t seed,
                         int steps)
{
    struct hu_rng rng = { seed };
    struct rnd t = { .r = r, .nr = nr, .max_order = max_order };
    struct hu_blocks initial = { 0 }, final = { 0 };

    for (size_t i = 0; i < nr; i++)
        if (r[i].node + 1 > t.nodes)
            t.nodes = r[i].node + 1;
    t.h = hu_heap_strat(r, nr, max_order, s);
    if (!t.h)
        return;
    CHECK_EQ(hu_boot(t.h, NULL, 0, 0), 0);
    CHECK_EQ(hu_finish(t.h), 0);
    t.shadow = hu_ref_new(r, nr, max_order);
    hu_ref_boot(t.shadow, NULL, 0, 0);
    hu_collect(t.h, &initial);
    compare_with_shadow(&t, name);
    for (int k = 0; k < steps && !hb_test_failed(); k++) {
        if (t.nlive < MAX_LIVE && (t.nlive == 0 || hu_below(&rng, 100) < 55))
            step_alloc(&t, &rng);
        else
            step_free(&t, &rng);
        CHECK_EQ(pa_avail(t.h, -1, -1), hu_ref_free_pages(t.shadow));
        if (k % 64 == 0)
            compare_with_shadow(&t, name);
    }
    while (t.nlive)
        step_free(&t, &rng);
    hu_collect(t.h, &final);
    CHECK_BLOCKS(&final, &initial, name);
    CHECK_HEAP(t.h);
    hu_blocks_free(&initial);
    hu_blocks_free(&final);
    hu_ref_destroy(t.shadow);
    pa_heap_destroy(t.h);
}

/*
 * Fixed layouts:
 *   one       0x100..0x500 node 0                         max_order 6
 *   holes     00  0000 000000  0  (from MFN 0)            max_order 4
 *   nodes     0000|111|0000|22222 unaligned boundaries    max_order 5
 * Expect: 1500 random steps each, checker clean throughout, the shadow's
 * blocks at every 64th step, the initial blocks at the end.
 */
TEST(alloc_free_random_fixed_layouts_check)
{
    static const struct pa_range one[] = { { 0x100, 0x500, 0 } };
    static const struct pa_range holes[] = { { 0, 0x30, 0 }, { 0x38, 0x95, 0 },
                                             { 0xa0, 0x1a1, 0 }, { 0x1b0, 0x1b1, 0 } };
    static const struct pa_range nodes[] = { { 0x100, 0x1e3, 0 }, { 0x1e3, 0x245, 1 },
                                             { 0x245, 0x301, 0 }, { 0x301, 0x400, 2 } };

    run_sequence("one node", one, 1, 6, PA_STRAT_PAGEWISE, 1, 1500);
    run_sequence("holes", holes, 4, 4, PA_STRAT_CHUNKED, 2, 1500);
    run_sequence("nodes", nodes, 4, 5, PA_STRAT_CHUNKED, 3, 1500);
    run_sequence("nodes lazy", nodes, 4, 5, PA_STRAT_LAZY, 4, 1500);
}

/* Expect: the same on 8 random layouts (up to 3 nodes, 1200 pages). */
TEST(alloc_free_random_layouts_check)
{
    struct hu_rng rng = { 0xa110c };

    for (int i = 0; i < 8 && !hb_test_failed(); i++) {
        struct pa_range r[8];
        unsigned nodes = 1 + (unsigned)hu_below(&rng, 3);
        size_t nr = hu_random_layout(&rng, r, 8, nodes, 1200);
        char name[32];

        snprintf(name, sizeof name, "random layout %d", i);
        run_sequence(name, r, nr, 2 + (unsigned)hu_below(&rng, 7),
                     (enum pa_strategy)hu_below(&rng, PA_NR_STRATEGIES),
                     hu_rand(&rng), 800);
    }
}

/* ------------------------------------------------------------------------
 * Misuse
 * ------------------------------------------------------------------------ */

/*
 *   0x100 0x104              0x180  0x200         0x280
 *   |mmmm|##################|       |11111111111111|     max_order 6
 *   node 0, then a hole, then node 1 (metadata 0x200..0x203)
 * Expect: each misuse returns -EINVAL, the heap checks clean and its free
 * blocks are unchanged.
 */
TEST(free_heap_pages_misuse_check)
{
    struct pa_range r[] = { { 0x100, 0x180, 0 }, { 0x200, 0x280, 1 } };
    struct pa_heap *h = hu_heap_new(r, 2, PA_ENC_LEGACY, 6, PA_STRAT_CHUNKED);
    struct hu_blocks before = { 0 }, after = { 0 };
    uint64_t a, b;

    if (!h)
        return;
    CHECK_EQ(hu_boot(h, NULL, 0, 0), 0);
    a = pa_alloc_heap_pages(h, 2, 0, 1);
    b = pa_alloc_heap_pages(h, 0, 0, 1);
    CHECK(a != PA_INVALID_MFN && b != PA_INVALID_MFN);
    CHECK_EQ(pa_free_heap_pages(h, b, 0), 0);           /* b is free again */
    hu_collect(h, &before);
    {
        const struct { const char *what; uint64_t mfn; unsigned order; } t[] = {
            { "double free", b, 0 },
            { "free page of a free block", 0x140, 0 },
            { "hole", 0x190, 0 },
            { "beyond RAM", 0x10000, 0 },
            { "below RAM", 0x10, 0 },
            { "order above max", 0x100, 7 },
            { "order far above max", 0x100, 40 },
            { "misaligned", a + 1, 1 },
            { "block larger than the allocation", a, 3 },
            { "metadata page", 0x101, 0 },
            { "metadata block", 0x100, 2 },
            { "node 1 metadata", 0x200, 0 },
        };
        for (size_t i = 0; i < HU_ARRAY_SIZE(t); i++) {
            int rc = pa_free_heap_pages(h, t[i].mfn, t[i].order);
            if (rc != -EINVAL)
                hb_check_fail(__FILE__, __LINE__, "%s (%#llx/%u): expected -EINVAL, seen %d",
                              t[i].what, (unsigned long long)t[i].mfn, t[i].order, rc);
        }
    }
    CHECK_EQ(pa_free_range(h, 0x170, 0x20), -EINVAL);   /* runs into the hole */
    CHECK_EQ(pa_init_heap_pages(h, 0x140, 4), -EINVAL);  /* already free */
    CHECK_EQ(pa_init_heap_pages(h, 0x101, 1), -EINVAL);  /* metadata */
    hu_collect(h, &after);
    CHECK_BLOCKS(&after, &before, "after misuse");
    CHECK_HEAP(h);
    CHECK_EQ(pa_free_heap_pages(h, a, 2), 0);           /* the real free works */
    CHECK_HEAP(h);
    hu_blocks_free(&before);
    hu_blocks_free(&after);
    pa_heap_destroy(h);
}

/*
 *   0x100        0x140 | 0x140        0x180
 *   |.. in use ..|      |.. in use ..|       node 0 | node 1, all in use
 * Expect: an order-7 free of 0x100 (both nodes) is refused with -EINVAL;
 * pa_free_range over the same pages splits at the node and succeeds.
 */
TEST(free_heap_pages_block_spanning_nodes_check)
{
    struct pa_range r[] = { { 0x100, 0x140, 0 }, { 0x140, 0x180, 1 } };
    struct pa_heap *h = hu_heap_new(r, 2, PA_ENC_LEGACY, 7, PA_STRAT_PAGEWISE);

    if (!h)
        return;
    CHECK_EQ(pa_init_inuse(h, 0x100, 0x80, 3), 0);
    CHECK_EQ(pa_free_heap_pages(h, 0x100, 7), -EINVAL);
    CHECK_EQ(pa_avail(h, -1, -1), 0);
    CHECK_HEAP(h);
    CHECK_EQ(pa_free_range(h, 0x100, 0x80), 0);
    CHECK_EQ(pa_free_blocks(h, 0, 6), 1);
    CHECK_EQ(pa_free_blocks(h, 1, 6), 1);
    CHECK_EQ(pa_free_blocks(h, -1, 7), 0);
    CHECK_HEAP(h);
    pa_heap_destroy(h);
}
