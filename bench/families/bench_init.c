/*
 * bench_init.c - family "init": eager versus lazy heap initialisation.
 *
 * One iteration boots a heap the way a hypervisor does and brings it to
 * "fully initialised": an untimed set-up (frame table zeroed, boot
 * allocations taken), the boot itself (boot_ns), then the same work after
 * boot for every strategy (first allocations, boot allocations freed, lazy
 * finished or deferred threads waited for: deferred_ns).  Eager strategies
 * do their work at boot, lazy and deferred after it.  memset_ns,
 * vs_memset, worst_ns and timed_faults are explained, with the steps, in
 * docs/model.md, "The families".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "bench/base/clock.h"
#include "bench/families/fixture.h"
#include "bench/instrument/gbench.h"
#include "bench/instrument/icount.h"
#include "bench/families/harness.h"

#define PROBES 64
#define MAX_BOOT 8

struct init_case {
    struct hb_fixtures *fx;
    const struct hb_bench_ctx *ctx;
    struct hb_fix_key key;
    enum pa_strategy strategy;
    uint64_t boot_pages;      /* per node, 0: none */
};

/* ------------------------------------------------------------------------
 * One boot
 * ------------------------------------------------------------------------ */

struct init_times {
    uint64_t boot, deferred, worst, threads, faults;
};

/* Page faults of the whole process, node threads included. */
static uint64_t process_faults(void)
{
    struct rusage ru;

    if (getrusage(RUSAGE_SELF, &ru))
        return 0;
    return (uint64_t)ru.ru_minflt + (uint64_t)ru.ru_majflt;
}

static void take_boot(const struct init_case *c, struct pa_boot *b, unsigned nodes,
                      uint64_t *mfn)
{
    for (unsigned n = 0; n < nodes && n < MAX_BOOT; n++)
        mfn[n] = c->boot_pages ? pa_boot_alloc(b, c->boot_pages, 1, (int)n)
                               : PA_INVALID_MFN;
}

static uint64_t timed_call_max(uint64_t worst, uint64_t t0)
{
    uint64_t d = hb_now_ns() - t0;
    return d > worst ? d : worst;
}

/* Step 3: first allocations, boot frees, finishing. */
static void after_boot(const struct init_case *c, struct pa_heap *h, unsigned nodes,
                       const uint64_t *mfn, struct init_times *t)
{
    for (unsigned i = 0; i < PROBES; i++) {
        uint64_t t0 = hb_now_ns();
        pa_alloc_heap_pages(h, 0, (int)(i % nodes), 1);
        t->worst = timed_call_max(t->worst, t0);
    }
    for (unsigned n = 0; n < nodes && n < MAX_BOOT; n++) {
        if (mfn[n] == PA_INVALID_MFN)
            continue;
        uint64_t t0 = hb_now_ns();
        if (pa_heap_encoding(h) == PA_ENC_UNINIT)
            pa_free_range(h, mfn[n], c->boot_pages);
        else
            pa_init_heap_pages(h, mfn[n], c->boot_pages);
        t->worst = timed_call_max(t->worst, t0);
    }
    if (c->strategy == PA_STRAT_DEFERRED)
        pa_deferred_join(h, &t->threads);
    if (c->strategy == PA_STRAT_LAZY || c->strategy == PA_STRAT_DEFERRED)
        pa_lazy_finish(h, -1);
}

static void one_boot(const struct init_case *c, struct pa_heap *h, struct init_times *t,
                     hb_gb_state *st)
{
    bool cnt = hb_gb_counting(st);
    unsigned nodes = pa_heap_nr_nodes(h);
    uint64_t mfn[MAX_BOOT], t0, t1;
    struct pa_boot *b = pa_boot_create(h);

    memset(t, 0, sizeof *t);
    pa_heap_set_strategy(h, c->strategy);
    pa_boot_add_all(b);
    take_boot(c, b, nodes, mfn);
    uint64_t f0 = process_faults();
    t0 = hb_now_ns();
    if (cnt)
        hb_icount_on();
    pa_end_boot_allocator(b, 0);
    if (c->strategy == PA_STRAT_DEFERRED)
        pa_deferred_start(h, hb_bind_thread, &c->fx->bind);
    if (cnt)
        hb_icount_off();
    t1 = hb_now_ns();
    hb_gb_count_phase(st, "boot");
    uint64_t t2 = hb_now_ns();
    if (cnt)
        hb_icount_on();
    after_boot(c, h, nodes, mfn, t);
    if (cnt)
        hb_icount_off();
    uint64_t t3 = hb_now_ns();
    hb_gb_count_phase(st, "deferred");
    hb_gb_count_brackets(st, 2);
    t->boot = t1 - t0;
    t->deferred = t3 - t2;
    t->faults = process_faults() - f0;
    pa_boot_destroy(b);
}

/* ------------------------------------------------------------------------
 * The benchmark
 * ------------------------------------------------------------------------ */

static uint64_t ram_pages_of(const struct pa_heap *h)
{
    uint64_t n = 0;

    for (size_t i = 0; i < pa_heap_nr_ranges(h); i++)
        n += pa_heap_range(h, i)->end - pa_heap_range(h, i)->start;
    return n;
}

static void bm_init(hb_gb_state *st, void *arg)
{
    struct init_case *c = arg;
    struct init_times t, sum = { 0 };
    uint64_t iters = 0, worst = 0;
    char why[256];
    struct pa_heap *h = hb_fix_get(c->fx, &c->key, why, sizeof why);

    if (!h) {
        hb_gb_skip_with_error(st, why);
        return;
    }
    uint64_t memset_ns = 0;
    size_t table_bytes;
    void *table = pa_frametable(h, NULL, &table_bytes);
    /* Counting: memset_ns is a time, and slow under callgrind. */
    int floors = hb_gb_counting(st) ? 0 : 2;
    while (hb_gb_keep_running_batch(st, 1)) {
        /* Non-zero bytes: init writes non-zero states, and this CPU zeroes
         * memory faster than it writes data (a zero-store fast path). */
        uint64_t best = floors ? UINT64_MAX : 0;
        for (int k = 0; k < floors; k++) {  /* the better of two: a floor */
            uint64_t t0 = hb_now_ns();
            memset(table, 0xa5 + k, table_bytes);
            uint64_t d = hb_now_ns() - t0;
            best = d < best ? d : best;
        }
        memset_ns += best;
        pa_heap_reset(h);
        one_boot(c, h, &t, st);
        hb_gb_set_iteration_time(st, (double)(t.boot + t.deferred) * 1e-9);
        sum.boot += t.boot;
        sum.deferred += t.deferred;
        sum.threads += t.threads;
        sum.faults += t.faults;
        worst = t.worst > worst ? t.worst : worst;
        iters++;
    }
    uint64_t pages = ram_pages_of(h);
    hb_gb_set_work(st, (double)pages, (double)pages * sizeof(struct pa_page));
    hb_gb_counter(st, "boot_ns", (double)sum.boot / (double)iters, HB_GB_PLAIN);
    hb_gb_counter(st, "deferred_ns", (double)sum.deferred / (double)iters, HB_GB_PLAIN);
    hb_gb_counter(st, "total_ns", (double)(sum.boot + sum.deferred) / (double)iters, HB_GB_PLAIN);
    hb_gb_counter(st, "thread_ns", (double)sum.threads / (double)iters, HB_GB_PLAIN);
    hb_gb_counter(st, "worst_ns", (double)worst, HB_GB_PLAIN);
    hb_gb_counter(st, "timed_faults", (double)sum.faults / (double)iters, HB_GB_PLAIN);
    hb_gb_counter(st, "memset_ns", (double)memset_ns / (double)iters, HB_GB_PLAIN);
    hb_gb_counter(st, "vs_memset", (double)(sum.boot + sum.deferred) / (double)memset_ns,
                  HB_GB_PLAIN);
}

/* ------------------------------------------------------------------------
 * Registration
 * ------------------------------------------------------------------------ */

struct init_family {
    struct hb_fixtures fx;
    const struct hb_bench_ctx *ctx;
};

static void add_case(struct init_family *fam, enum pa_strategy s, unsigned gib,
                     unsigned nodes, bool aligned, unsigned boot_mib)
{
    struct init_case *c = calloc(1, sizeof *c);
    char name[256];

    c->fx = &fam->fx;
    c->ctx = fam->ctx;
    c->strategy = s;
    c->boot_pages = (uint64_t)boot_mib << 8;
    c->key = (struct hb_fix_key){
        .ram_pages = (uint64_t)gib << 18, .nodes = nodes,
        .boundary_order = aligned ? HB_ALIGN_NATURAL : 0,
        .enc = pa_strategy_default_encoding(s),
    };
    snprintf(name, sizeof name,
             "init/heap/strategy:%s/layout:synthetic/ram_gib:%u/nodes:%u/aligned:%s/boot_alloc_mib:%u",
             pa_strategy_name(s), gib, nodes, aligned ? "yes" : "no", boot_mib);
    hb_gb_bench *b = hb_gb_register(name, bm_init, c);
    hb_gb_use_manual_time(b);
    /* About 4 GiB of modelled RAM per repetition, at least one boot. */
    hb_gb_fixed_iterations(b, gib >= 4 ? 1 : 4 / gib);
}

static void add_given(struct init_family *fam, enum pa_strategy s)
{
    const struct hb_layout *l = fam->ctx->layout;
    struct init_case *c = calloc(1, sizeof *c);
    uint64_t pages = 0;
    char name[320];

    for (size_t i = 0; i < l->nr; i++)
        pages += l->ranges[i].end - l->ranges[i].start;
    c->fx = &fam->fx;
    c->ctx = fam->ctx;
    c->strategy = s;
    c->key = (struct hb_fix_key){ .given = true, .enc = pa_strategy_default_encoding(s),
                                  .ram_pages = pages, .nodes = l->nr_nodes };
    snprintf(name, sizeof name,
             "init/heap/strategy:%s/layout:given/ram_gib:%.0f/nodes:%u/aligned:/boot_alloc_mib:0",
             pa_strategy_name(s), (double)pages / 262144.0, l->nr_nodes);
    hb_gb_bench *b = hb_gb_register(name, bm_init, c);
    hb_gb_use_manual_time(b);
    hb_gb_fixed_iterations(b, 1);
}

/* RAM sizes: powers of two from 1 GiB to the profile's cap, whatever this
 * host holds: a size whose frame table and M2P do not fit the memory budget
 * is skipped when its turn comes, with its size and the budget (fixture.c),
 * so a run on a small machine lists what it could not do instead of
 * quietly stopping short. */
static unsigned max_gib(const struct hb_bench_ctx *ctx)
{
    return ctx->profile == HB_PROFILE_QUICK ? 4
         : ctx->profile == HB_PROFILE_DEFAULT ? 64 : 1024;
}

void hb_family_init_register(const struct hb_bench_ctx *ctx)
{
    struct init_family *fam = calloc(1, sizeof *fam);
    bool quick = ctx->profile == HB_PROFILE_QUICK;
    unsigned mid = quick ? 4 : 16;

    fam->ctx = ctx;
    hb_fix_init(&fam->fx, ctx);
    for (unsigned g = 1; g <= max_gib(ctx); g *= 2)
        for (int s = 0; s < PA_NR_STRATEGIES; s++)
            add_case(fam, (enum pa_strategy)s, g, 1, true, 0);
    for (unsigned nodes = 2; nodes <= (quick ? 2 : 8); nodes *= 2)
        for (int a = quick; a < 2; a++)
            for (int s = 0; s < PA_NR_STRATEGIES; s++)
                add_case(fam, (enum pa_strategy)s, mid, nodes, a == 0, 0);
    static const unsigned boot_mib[] = { 64, 1024 };
    for (unsigned i = 0; i < (quick ? 1u : 2u); i++)
        for (int s = 0; s < PA_NR_STRATEGIES; s++)
            add_case(fam, (enum pa_strategy)s, mid, 2, false, boot_mib[i]);
    if (!quick && ctx->layout && ctx->layout->nr)
        for (int s = 0; s < PA_NR_STRATEGIES; s++)
            add_given(fam, (enum pa_strategy)s);
}

/* What the verdict asks of this family by name (docs/results-format.md):
 * the exact counts' series, across strategy and RAM size.  (Its time
 * series it finds in the run: the one measured at the most sizes.) */
static const struct hb_tidy_series init_series[] = {
    { "synthetic_1node", "layout=synthetic;nodes=1;boot_alloc_mib=0" },
    { NULL, NULL },
};

HB_FAMILY(init, 20, hb_family_init_register, 0.027, 0.20, 0.36, .series = init_series);
