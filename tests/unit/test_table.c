/*
 * test_table.c - what the caller may lend a heap (heap.h): the memory of
 * its table (cfg.table) and the threads of its deferred node jobs
 * (pa_runner).  Both are for testing (the fuzzer uses them to run
 * thousands of inputs a second), so they must not change what the heap
 * does: a heap in a caller's buffer, or with lent threads, ends with the
 * same free blocks as one with its own mapping and threads.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "tests/unit/heaputil.h"

/* Two nodes, a hole, MFN 0 in RAM, a node boundary off max_order. */
static const struct pa_range lay[] = {
    { 0, 0x1a0, 0 }, { 0x1a0, 0x300, 1 }, { 0x340, 0x500, 1 },
};
#define LAY_NR HU_ARRAY_SIZE(lay)
#define LAY_ORDER 6

/* ------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------ */

/* A zeroed, page-aligned buffer of len bytes (NULL: reported). */
static void *map_buffer(size_t len)
{
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED) {
        hb_check_fail(__FILE__, __LINE__, "mmap of %zu bytes failed", len);
        return NULL;
    }
    return p;
}

static size_t table_bytes(void)
{
    uint64_t bytes = 0;

    CHECK_EQ(pa_heap_table_bytes(lay, LAY_NR, LAY_ORDER, &bytes), 0);
    return (size_t)bytes;
}

/* A heap of the layout, in buf when given, with runner when given. */
static struct pa_heap *table_heap(enum pa_strategy s, void *buf, size_t len,
                                  const struct pa_runner *runner)
{
    struct pa_heap_config cfg = {
        .ranges = lay, .nr_ranges = LAY_NR, .max_order = LAY_ORDER,
        .encoding = pa_strategy_default_encoding(s), .table = buf, .table_bytes = len,
    };
    struct pa_heap *h = NULL;

    if (!CHECK_EQ(pa_heap_create(&cfg, &h), 0))
        return NULL;
    hu_hook_report(h);
    if (runner)
        CHECK_EQ(pa_heap_set_runner(h, runner), 0);
    CHECK_EQ(pa_heap_set_strategy(h, s), 0);
    return h;
}

/*
 * The story both heaps go through: boot with two boot allocations, finish;
 * blocks into after_init; the boot allocations back, two allocations and
 * their frees; blocks into after_free.
 */
static void table_story(struct pa_heap *h, struct hu_blocks *after_init,
                        struct hu_blocks *after_free)
{
    struct hu_boot_req req[] = { { 5, 1, 0, 0 }, { 16, 16, 1, 0 } };
    uint64_t a, b;

    CHECK_EQ(hu_boot(h, req, HU_ARRAY_SIZE(req), 1), 0);
    CHECK_EQ(hu_finish(h), 0);
    hu_collect(h, after_init);
    CHECK_EQ(hu_free_boot(h, req, HU_ARRAY_SIZE(req)), 0);
    a = pa_alloc_heap_pages(h, 3, 0, 7);
    b = pa_alloc_heap_pages(h, 0, 1, 7);
    CHECK(a != PA_INVALID_MFN && b != PA_INVALID_MFN);
    CHECK_EQ(pa_free_heap_pages(h, b, 0), 0);
    CHECK_EQ(pa_free_heap_pages(h, a, 3), 0);
    hu_collect(h, after_free);
    CHECK_HEAP(h);
}

/* ------------------------------------------------------------------------
 * Lent table
 * ------------------------------------------------------------------------ */

/* Every strategy: the heap in a caller's buffer has the blocks of the heap
 * in its own mapping, after init and after frees, and really lives in the
 * buffer. */
TEST(table_lent_same_blocks)
{
    size_t len = table_bytes();

    for (int s = PA_STRAT_PAGEWISE; s <= PA_STRAT_DEFERRED; s++) {
        struct hu_blocks own_init = { 0 }, own_free = { 0 };
        struct hu_blocks lent_init = { 0 }, lent_free = { 0 };
        char *buf = map_buffer(len);
        struct pa_heap *own = table_heap((enum pa_strategy)s, NULL, 0, NULL);
        struct pa_heap *lent = table_heap((enum pa_strategy)s, buf, len, NULL);
        char what[64];
        if (!buf || !own || !lent)
            return;
        snprintf(what, sizeof what, "lent table, %s", pa_strategy_name((enum pa_strategy)s));
        table_story(own, &own_init, &own_free);
        table_story(lent, &lent_init, &lent_free);
        CHECK(own_init.nr > 0);
        CHECK_BLOCKS(&lent_init, &own_init, what);
        CHECK_BLOCKS(&lent_free, &own_free, what);
        CHECK((char *)pa_frametable(lent, NULL, NULL) == buf);
        pa_heap_destroy(own);
        pa_heap_destroy(lent);
        hu_blocks_free(&own_init);
        hu_blocks_free(&own_free);
        hu_blocks_free(&lent_init);
        hu_blocks_free(&lent_free);
        munmap(buf, len);
    }
}

/* Destroy leaves the buffer mapped, with what the heap wrote in it. */
TEST(table_lent_not_unmapped)
{
    size_t len = table_bytes();
    unsigned char *buf = map_buffer(len);
    struct pa_heap *h = buf ? table_heap(PA_STRAT_CHUNKED, buf, len, NULL) : NULL;
    struct hu_blocks init = { 0 }, freed = { 0 };
    size_t nonzero = 0;

    if (!h)
        return;
    table_story(h, &init, &freed);
    pa_heap_destroy(h);
    /* A fault here would mean destroy unmapped the caller's memory. */
    for (size_t i = 0; i < len; i++)
        nonzero += buf[i] != 0;
    CHECK(nonzero > 0);
    buf[len - 1] = 0x5a;
    CHECK_EQ(buf[len - 1], 0x5a);
    hu_blocks_free(&init);
    hu_blocks_free(&freed);
    munmap(buf, len);
}

/* A buffer one byte short is refused with -ENOSPC, and no heap is made;
 * the exact size is taken. */
TEST(table_lent_too_small)
{
    size_t len = table_bytes();
    char *buf = map_buffer(len);
    struct pa_heap_config cfg = {
        .ranges = lay, .nr_ranges = LAY_NR, .max_order = LAY_ORDER,
        .encoding = PA_ENC_LEGACY, .table = buf, .table_bytes = len - 1,
    };
    struct pa_heap *h = NULL;

    if (!buf)
        return;
    CHECK_EQ(pa_heap_create(&cfg, &h), -ENOSPC);
    CHECK(h == NULL);
    cfg.table_bytes = len;
    CHECK_EQ(pa_heap_create(&cfg, &h), 0);
    CHECK(h != NULL);
    pa_heap_destroy(h);
    munmap(buf, len);
}

/* ------------------------------------------------------------------------
 * Lent threads (pa_runner)
 * ------------------------------------------------------------------------ */

/* A runner that runs each job at once on the calling thread, and counts. */
struct inline_runner {
    unsigned runs[PA_MAX_NODES], waits[PA_MAX_NODES];
    bool pending[PA_MAX_NODES];
};

static int inline_run(void *ctx, unsigned node, pa_job_fn fn, void *job)
{
    struct inline_runner *r = ctx;

    CHECK(!r->pending[node]);   /* at most one job per node at a time */
    r->pending[node] = true;
    r->runs[node]++;
    fn(job);
    return 0;
}

static void inline_wait(void *ctx, unsigned node)
{
    struct inline_runner *r = ctx;

    CHECK(r->pending[node]);
    r->pending[node] = false;
    r->waits[node]++;
}

/* Deferred with a runner: one job per node with pending memory, each
 * waited for once, and the blocks of a heap with its own threads. */
TEST(table_runner_same_blocks)
{
    struct inline_runner ir = { 0 };
    struct pa_runner runner = { inline_run, inline_wait, &ir };
    struct hu_blocks own_init = { 0 }, own_free = { 0 };
    struct hu_blocks lent_init = { 0 }, lent_free = { 0 };
    struct pa_heap *own = table_heap(PA_STRAT_DEFERRED, NULL, 0, NULL);
    struct pa_heap *lent = table_heap(PA_STRAT_DEFERRED, NULL, 0, &runner);

    if (!own || !lent)
        return;
    table_story(own, &own_init, &own_free);
    table_story(lent, &lent_init, &lent_free);
    CHECK_BLOCKS(&lent_init, &own_init, "runner, after init");
    CHECK_BLOCKS(&lent_free, &own_free, "runner, after frees");
    for (unsigned n = 0; n < 2; n++) {
        CHECK_EQ(ir.runs[n], 1);
        CHECK_EQ(ir.waits[n], 1);
    }
    CHECK_EQ(ir.runs[2], 0);
    pa_heap_destroy(own);
    pa_heap_destroy(lent);
    hu_blocks_free(&own_init);
    hu_blocks_free(&own_free);
    hu_blocks_free(&lent_init);
    hu_blocks_free(&lent_free);
}

/* A runner without wait is refused; none can be set while jobs run; NULL
 * goes back to the heap's own threads. */
TEST(table_runner_refused)
{
    struct inline_runner ir = { 0 };
    struct pa_runner half = { inline_run, NULL, &ir };
    struct pa_runner runner = { inline_run, inline_wait, &ir };
    struct hu_boot_req req[] = { { 1, 1, -1, 0 } };
    struct pa_heap *h = table_heap(PA_STRAT_DEFERRED, NULL, 0, NULL);

    if (!h)
        return;
    CHECK_EQ(pa_heap_set_runner(h, &half), -EINVAL);
    CHECK_EQ(pa_heap_set_runner(h, &runner), 0);
    CHECK_EQ(pa_heap_set_runner(h, NULL), 0);
    CHECK_EQ(hu_boot(h, req, 1, 0), 0);       /* own threads started */
    CHECK_EQ(pa_heap_set_runner(h, &runner), -EBUSY);
    CHECK_EQ(hu_finish(h), 0);
    CHECK_EQ(ir.runs[0] + ir.runs[1], 0);
    CHECK_EQ(pa_lazy_pending(h, -1), 0);
    CHECK_HEAP(h);
    pa_heap_destroy(h);
}
