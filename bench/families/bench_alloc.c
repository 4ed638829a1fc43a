/*
 * bench_alloc.c - family "alloc": alloc_heap_pages under both page-state
 * encodings, and lazy's allocation that has to initialise memory first.
 *
 * One node of 2 GiB.  state:ready allocates 2^order pages from a heap
 * booted whole, freed back untimed so every allocation splits the same
 * max-order block; state:lazy times the first allocation after a lazy
 * boot, which initialises a chunk first (initialised_pages).  Each
 * allocation is timed on its own; the figure is the mean.  The free
 * family's block frees are the other half of the same question: what the
 * uninit encoding adds to the hot paths (docs/model.md, "The families").
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench/base/clock.h"
#include "bench/families/fixture.h"
#include "bench/instrument/gbench.h"
#include "bench/instrument/icount.h"
#include "bench/families/harness.h"

struct alloc_case {
    struct hb_fixtures *fx;
    struct hb_fix_key key;
    unsigned order;
    bool lazy;
};

static void boot_all(struct pa_heap *h, enum pa_strategy s)
{
    struct pa_boot *b = pa_boot_create(h);

    pa_heap_set_strategy(h, s);
    pa_boot_add_all(b);
    pa_end_boot_allocator(b, 0);
    pa_boot_destroy(b);
}

/* One timed allocation; its block in *mfn (PA_INVALID_MFN: failed). */
static uint64_t timed_alloc(unsigned order, struct pa_heap *h, bool cnt, uint64_t *mfn)
{
    uint64_t t0 = hb_now_ns();
    if (cnt)
        hb_icount_on();
    *mfn = pa_alloc_heap_pages(h, order, 0, 1);
    if (cnt)
        hb_icount_off();
    return hb_now_ns() - t0;
}

static void bm_ready(hb_gb_state *st, const struct alloc_case *c, struct pa_heap *h)
{
    bool cnt = hb_gb_counting(st);
    uint64_t n, iters = 0, avail, warm;

    /* Untimed: a fresh boot, and one allocation freed back, so that every
     * timed one finds the heap the same whatever ran before it. */
    pa_heap_reset(h);
    boot_all(h, PA_STRAT_CHUNKED);
    avail = pa_avail(h, -1, -1);
    warm = pa_alloc_heap_pages(h, c->order, 0, 1);
    if (warm != PA_INVALID_MFN)
        pa_free_heap_pages(h, warm, c->order);
    while ((n = hb_gb_keep_running_batch(st, 1))) {
        uint64_t mfn, ns = timed_alloc(c->order, h, cnt, &mfn);
        if (mfn == PA_INVALID_MFN) {
            hb_gb_skip_with_error(st, "allocation failed on a booted heap");
            return;
        }
        pa_free_heap_pages(h, mfn, c->order);
        hb_gb_set_iteration_time(st, (double)ns * 1e-9);
        iters++;
    }
    hb_gb_count_brackets(st, iters);
    if (pa_avail(h, -1, -1) != avail)
        hb_gb_skip_with_error(st, "the frees did not give the heap back its pages");
}

static void bm_lazy(hb_gb_state *st, const struct alloc_case *c, struct pa_heap *h)
{
    bool cnt = hb_gb_counting(st);
    uint64_t n, iters = 0, inited = 0;

    while ((n = hb_gb_keep_running_batch(st, 1))) {
        pa_heap_reset(h);
        boot_all(h, PA_STRAT_LAZY);
        uint64_t before = pa_lazy_pending(h, 0), mfn;
        uint64_t ns = timed_alloc(c->order, h, cnt, &mfn);
        if (mfn == PA_INVALID_MFN) {
            hb_gb_skip_with_error(st, "allocation failed on a lazily booted heap");
            return;
        }
        inited += before - pa_lazy_pending(h, 0);
        hb_gb_set_iteration_time(st, (double)ns * 1e-9);
        iters++;
    }
    hb_gb_count_brackets(st, iters);
    if (iters)
        hb_gb_counter(st, "initialised_pages", (double)inited / (double)iters, HB_GB_PLAIN);
}

static void bm_alloc(hb_gb_state *st, void *arg)
{
    struct alloc_case *c = arg;
    char why[256];
    struct pa_heap *h = hb_fix_get(c->fx, &c->key, why, sizeof why);

    if (!h) {
        hb_gb_skip_with_error(st, why);
        return;
    }
    if (c->lazy)
        bm_lazy(st, c, h);
    else
        bm_ready(st, c, h);
    hb_gb_set_work(st, (double)(1ULL << c->order),
                   (double)(1ULL << c->order) * sizeof(struct pa_page));
}

static void add(struct hb_fixtures *fx, unsigned order, enum pa_encoding enc, bool lazy)
{
    struct alloc_case *c = calloc(1, sizeof *c);
    char name[256];

    *c = (struct alloc_case){ fx, { .ram_pages = 2ULL << 18, .nodes = 1,
                                    .boundary_order = HB_ALIGN_NATURAL, .enc = enc },
                              order, lazy };
    snprintf(name, sizeof name, "alloc/block/order:%u/encoding:%s/state:%s", order,
             pa_encoding_name(enc), lazy ? "lazy" : "ready");
    hb_gb_bench *b = hb_gb_register(name, bm_alloc, c);
    hb_gb_use_manual_time(b);
    /* Counted (under callgrind), a lazy boot's allocation is ~10^7
     * instructions: two of them say what sixteen would. */
    hb_gb_fixed_iterations(b, lazy ? (hb_icount_running() ? 2 : 16) : order ? 512 : 4096);
}

void hb_family_alloc_register(const struct hb_bench_ctx *ctx)
{
    struct hb_fixtures *fx = calloc(1, sizeof *fx);

    hb_fix_init(fx, ctx);
    for (unsigned o = 0; o <= 9; o += 9) {
        add(fx, o, PA_ENC_LEGACY, false);
        add(fx, o, PA_ENC_UNINIT, false);
        add(fx, o, PA_ENC_UNINIT, true);
    }
}

/* What the verdict asks of this family, by name (docs/results-format.md):
 * allocations from a ready heap in each encoding, and lazy's first ones. */
static const struct hb_tidy_series alloc_series[] = {
    { "ready_legacy", "what=block;state=ready;encoding=legacy" },
    { "ready_uninit", "what=block;state=ready;encoding=uninit" },
    { "lazy_uninit", "what=block;state=lazy;encoding=uninit" },
    { NULL, NULL },
};

HB_FAMILY(alloc, 35, hb_family_alloc_register, 0.02, 0.03, 0.04, .series = alloc_series);
