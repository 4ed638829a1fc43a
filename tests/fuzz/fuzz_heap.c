/*
 * fuzz_heap.c - a libFuzzer target for the heap model.
 *
 * The input is read as a small program: a layout (1-4 nodes, 1-8 ranges
 * with holes, at most FZ_MAX_RAM pages), an encoding, a strategy and a
 * max_order, boot allocations, end_boot_allocator, then up to FZ_MAX_OPS
 * operations, deliberate misuse among them.  The harness keeps its own
 * record of what it holds, checks each answer against it and the heap
 * after every operation (incremental checker; the full one every
 * FZ_CHECK_EVERY operations and at the end), and at the end requires the
 * free blocks of an eager heap given the same boot allocations back.  A
 * broken expectation prints one line and aborts (a libFuzzer crash);
 * FZ_TRACE=1 prints every decoded step.  docs/running.md says more.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "alloc/heap.h"
#include "tests/unit/blockset.h"

#define FZ_MAX_NODES 4
#define FZ_MAX_RANGES 8
/*
 * The size of what an input models (a build can widen it, e.g.
 * FZ_CFLAGS="-DFZ_MAX_RAM=65536 -DFZ_ORDERS=16 -DFZ_HIGH_BITS=12", the
 * decoding before the fuzzer was made fast; the same bytes are read either
 * way).  Small by default: an input's time grows with its RAM (init,
 * checks and the reference heap are per page), its max_order (chunks, so
 * the table and node map, are at least 2^max_order entries) and its
 * highest MFN (the directory has an entry per chunk up to it), and 16
 * MiB of RAM, max_order 3..12 and MFNs up to 2^24 still give node
 * boundaries inside and between chunks, holes, far chunks and other zones
 * at some 5 times the executions per second.
 *   FZ_MAX_RAM    pages of RAM at most (the first ranges get them)
 *   FZ_ORDERS     max_order is 3 .. 2 + FZ_ORDERS
 *   FZ_HIGH_BITS  "high MFNs" start at 2^20 .. 2^(19 + FZ_HIGH_BITS)
 */
#ifndef FZ_MAX_RAM
#define FZ_MAX_RAM (1u << 12)
#endif
#ifndef FZ_ORDERS
#define FZ_ORDERS 10
#endif
#ifndef FZ_HIGH_BITS
#define FZ_HIGH_BITS 4
#endif
#define FZ_MAX_BOOT 8
#define FZ_MAX_OPS 256
#define FZ_MAX_ITEMS 512
#define FZ_MAX_LOG (FZ_MAX_OPS + FZ_MAX_ITEMS + 16)
#define FZ_HISTORY 16

/*
 * Switches for library bugs: set one to 1 to keep the fuzzer away from an
 * operation while a bug is open, so that the rest goes on being fuzzed.
 * Both bugs below were found by this fuzzer and are fixed; the switches
 * stay at 0 so that the cases keep being tested.
 *
 * MFN0_PENDING: in a lazy heap, MFN 0 handed off by end_boot_allocator but
 * not yet reserved (its node untouched) was accepted by free_heap_pages and
 * init_heap_pages (order 0) with 0 instead of -EINVAL: the pending-run check
 * did not see it, since record_run leaves MFN 0 out of the runs.
 */
#ifndef FZ_AVOID_MFN0_PENDING
#define FZ_AVOID_MFN0_PENDING 0
#endif

/*
 * PENDING_RACE: in a deferred heap, a free of a never-allocated page in the
 * chunk a node thread is initialising was accepted and corrupted the lists:
 * pai_lazy_grow moves the run's start past the chunk before freeing it
 * block by block, and drops the lock between blocks (pai_call_boundary),
 * so the pending-run check no longer saw the chunk's uninitialised pages.
 * Fixed by tracking such chunks as in flight (alloc/lazy.c).
 */
#ifndef FZ_AVOID_PENDING_RACE
#define FZ_AVOID_PENDING_RACE 0
#endif

/*
 * INFLIGHT_INUSE (found by this fuzzer on the node map commits, fixed in
 * alloc/init.c): in a deferred heap, page-wise init set a page in use and
 * then let the lock go before freeing it; a free of that page in the gap
 * passed every misuse check (it was in use), so the page was freed twice.
 * Init now lets the lock go only between pages.  The crash input stays as
 * tests/fuzz/corpus/race-inflight-inuse (a race: it did not fail on every
 * replay).  Set to 1 to keep the fuzzer away from freeing pending pages
 * while threads run.
 */
#ifndef FZ_AVOID_INFLIGHT_INUSE
#define FZ_AVOID_INFLIGHT_INUSE 0
#endif

/* ------------------------------------------------------------------------
 * Input decoding: every byte string is a valid program (zeros past the end)
 * ------------------------------------------------------------------------ */

struct fz_in {
    const uint8_t *p;
    size_t n;
};

static unsigned fz_u8(struct fz_in *in)
{
    if (!in->n)
        return 0;
    in->n--;
    return *in->p++;
}

static unsigned fz_u16(struct fz_in *in)
{
    unsigned lo = fz_u8(in);

    return lo | fz_u8(in) << 8;
}

/* Uniform enough in [0, n) for n up to 65536. */
static uint64_t fz_below(struct fz_in *in, uint64_t n)
{
    if (n <= 1)
        return 0;
    return (n <= 256 ? fz_u8(in) : fz_u16(in)) % n;
}

/* ------------------------------------------------------------------------
 * Harness state
 * ------------------------------------------------------------------------ */

struct fz_layout {
    struct pa_range r[FZ_MAX_RANGES];   /* sorted, disjoint */
    size_t nr;
    unsigned nodes, max_order, boot_node;
    enum pa_encoding enc;
    enum pa_strategy strat, ref_strat;
    uint64_t ram;
    bool own_threads;                   /* deferred: the heap's own threads */
};

struct fz_boot {
    uint64_t pages, align, mfn;
    int node;
};

/* What the harness holds: heap blocks, boot allocations, live-update pages. */
enum fz_kind { FZ_ALLOC, FZ_BOOT, FZ_INUSE };

struct fz_item {
    uint64_t mfn, nr;
    unsigned order;
    enum fz_kind kind;
};

/* Boot pages leaving the harness, in order: the reference replays these. */
enum fz_ev { FZ_EV_INIT, FZ_EV_INUSE, FZ_EV_FREE };

struct fz_event {
    enum fz_ev ev;
    uint64_t mfn, nr;
};

struct fz {
    struct fz_in in;
    struct fz_layout lay;
    struct pa_heap *h;
    struct fz_boot boot[FZ_MAX_BOOT];
    size_t nboot;
    struct fz_item items[FZ_MAX_ITEMS];
    size_t nitems;
    struct fz_event log[FZ_MAX_LOG];
    size_t nlog;
    struct fz_item freed[FZ_HISTORY];   /* recently freed alloc blocks */
    size_t nfreed;
    uint8_t held[FZ_MAX_RAM];           /* by RAM index */
    bool threads;                       /* deferred threads may be running */
    unsigned step;
    const char *op;
};

static bool fz_trace;
/* The input being run, written out by fz_fail when FZ_SAVE names a file:
 * libFuzzer may die before it writes its own crash file (a failure while
 * deferred threads run). */
static const uint8_t *fz_data;
static size_t fz_size;
static unsigned fz_check_every = 128;

static void fz_fail(const struct fz *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));

static void fz_fail(const struct fz *f, const char *fmt, ...)
{
    va_list ap;

    const char *save = getenv("FZ_SAVE");
    FILE *out;

    fprintf(stderr, "fuzz_heap: step %u (%s): ", f->step, f->op ? f->op : "setup");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    if (save && *save && (out = fopen(save, "wb"))) {
        fwrite(fz_data, 1, fz_size, out);
        fclose(out);
        fprintf(stderr, "fuzz_heap: input saved to %s\n", save);
    }
    abort();
}

static void fz_log(const struct fz *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void fz_log(const struct fz *f, const char *fmt, ...)
{
    va_list ap;

    if (!fz_trace)
        return;
    fprintf(stderr, "  [%u] ", f->step);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static void fz_check(const struct fz *f, struct pa_heap *h)
{
    char why[256];

    if (pa_heap_check(h, why, sizeof why))
        fz_fail(f, "pa_heap_check: %s", why);
}

/* After a step: the operations' own autochecks have run; the full checker
 * again only in full mode. */
static void fz_check_step(const struct fz *f, struct pa_heap *h)
{
    if (fz_check_every <= 1)
        fz_check(f, h);
}

/* The autocheck (PA_DEBUG=3) reports through here rather than abort(). */
static void fz_autocheck_failed(const char *why, void *arg)
{
    fz_fail(arg, "autocheck: %s", why);
}

/* ------------------------------------------------------------------------
 * The layout as the harness knows it (never asking the heap)
 * ------------------------------------------------------------------------ */

static long fz_ram_index(const struct fz_layout *l, uint64_t mfn)
{
    uint64_t base = 0;

    for (size_t i = 0; i < l->nr; i++) {
        if (mfn >= l->r[i].start && mfn < l->r[i].end)
            return (long)(base + mfn - l->r[i].start);
        base += l->r[i].end - l->r[i].start;
    }
    return -1;
}

static int fz_node_of(const struct fz_layout *l, uint64_t mfn)
{
    for (size_t i = 0; i < l->nr; i++)
        if (mfn >= l->r[i].start && mfn < l->r[i].end)
            return (int)l->r[i].node;
    return -1;
}

static uint64_t fz_ram_mfn(const struct fz_layout *l, uint64_t idx)
{
    for (size_t i = 0; i < l->nr; i++) {
        uint64_t len = l->r[i].end - l->r[i].start;
        if (idx < len)
            return l->r[i].start + idx;
        idx -= len;
    }
    return PA_INVALID_MFN;
}

/* Every page RAM of one node? */
static bool fz_one_node(const struct fz_layout *l, uint64_t mfn, uint64_t nr)
{
    int node = fz_node_of(l, mfn);

    for (uint64_t i = 1; node >= 0 && i < nr; i++)
        if (fz_node_of(l, mfn + i) != node)
            return false;
    return node >= 0;
}

static bool fz_any_held(const struct fz *f, uint64_t mfn, uint64_t nr)
{
    for (uint64_t i = 0; i < nr; i++) {
        long k = fz_ram_index(&f->lay, mfn + i);
        if (k >= 0 && f->held[k])
            return true;
    }
    return false;
}

static void fz_hold(struct fz *f, uint64_t mfn, uint64_t nr, bool on)
{
    for (uint64_t i = 0; i < nr; i++) {
        long k = fz_ram_index(&f->lay, mfn + i);
        if (k < 0)
            fz_fail(f, "mfn %#lx is not RAM", (unsigned long)(mfn + i));
        f->held[k] = on;
    }
}

/* Hole lengths: mostly none (a node boundary right at a range end), some
 * small, a few large, at most one that starts a new frame-table chunk. */
static uint64_t fz_gap(struct fz_in *in, bool *far_used)
{
    unsigned c = fz_u8(in);

    if (c < 112)
        return 0;
    if (c < 224)
        return 1 + (c & 63);
    if (c < 255 || *far_used)
        return (uint64_t)(c - 223) * 4099;
    *far_used = true;
    return (1ULL << 18) + 7;
}

static void fz_gen_ranges(struct fz_in *in, struct fz_layout *l)
{
    unsigned flags = fz_u8(in), want = 1 + fz_u8(in) % FZ_MAX_RANGES;
    uint64_t at = 0;
    bool far_used = false;

    /* Bits 5-7, unused by the layout: one input in 8 creates its own
     * deferred threads (pa_deferred_start's default), the rest use the
     * pool (fz_runner). */
    l->own_threads = (flags & 0xe0) == 0xe0;
    if (flags & 2)          /* high MFNs: other zones, a sparse directory */
        at = (1ULL << (20 + fz_below(in, FZ_HIGH_BITS))) + fz_u8(in);
    else if (!(flags & 1))  /* MFN 0 is a hole */
        at = 1 + fz_u8(in) % 32;
    l->nr = 0;
    l->ram = 0;
    for (unsigned i = 0; i < want && l->ram < FZ_MAX_RAM; i++) {
        unsigned sel = fz_u8(in);
        /* Mostly a few thousand pages at most: init and the checks are
         * O(pages).  Sometimes up to 64K (then capped at FZ_MAX_RAM). */
        uint64_t len = 1 + fz_below(in, 1ULL << (sel >= 0xf0 ? sel % 17 : sel % 13));
        if (i)
            at += fz_gap(in, &far_used);
        if (len > FZ_MAX_RAM - l->ram)
            len = FZ_MAX_RAM - l->ram;
        l->r[l->nr++] = (struct pa_range){ at, at + len, fz_u8(in) % l->nodes };
        l->ram += len;
        at += len;
    }
}

static void fz_gen_layout(struct fz_in *in, struct fz_layout *l)
{
    static const enum pa_strategy eager[2] = { PA_STRAT_PAGEWISE, PA_STRAT_CHUNKED };
    unsigned c = fz_u8(in);

    l->nodes = 1 + c % FZ_MAX_NODES;
    l->strat = (enum pa_strategy)(c >> 2 & 3);
    l->enc = pa_strategy_default_encoding(l->strat);
    if (l->enc == PA_ENC_LEGACY && (c & 0x10))
        l->enc = PA_ENC_UNINIT;
    l->ref_strat = eager[c >> 5 & 1];
    l->max_order = 3 + fz_u8(in) % FZ_ORDERS;
    l->boot_node = fz_u8(in) % l->nodes;
    fz_gen_ranges(in, l);
}

/* ------------------------------------------------------------------------
 * Heap creation and boot (shared by the fuzzed heap and the reference)
 * ------------------------------------------------------------------------ */

/*
 * Table memory for the two heaps of an input (the fuzzed one and the
 * reference), mapped once and lent to every heap (cfg.table): a fresh
 * mapping per heap, pre-faulted and unmapped again, took most of an
 * input's time.  After an input the used part is zeroed again: by memset
 * while small (its pages stay mapped), by MADV_DONTNEED when large (the
 * zero page comes back on the next read, and only touched pages cost).
 * A table larger than the arena gets its own mapping as before.
 */
#define FZ_ARENA_BYTES (256UL << 20)
#define FZ_MEMSET_MAX (4UL << 20)

enum fz_role { FZ_FUZZED, FZ_REF };

struct fz_arena {
    void *p;
    size_t used;
};

static struct fz_arena fz_arenas[2];

static void *fz_arena_take(enum fz_role role, size_t bytes)
{
    struct fz_arena *a = &fz_arenas[role];

    if (!a->p) {
        a->p = mmap(NULL, FZ_ARENA_BYTES, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (a->p == MAP_FAILED)
            a->p = NULL;
    }
    if (!a->p || bytes > FZ_ARENA_BYTES)
        return NULL;
    a->used = bytes;
    return a->p;
}

static void fz_heap_destroy(struct pa_heap *h, enum fz_role role)
{
    struct fz_arena *a = &fz_arenas[role];

    pa_heap_destroy(h);
    if (a->used > FZ_MEMSET_MAX)
        madvise(a->p, a->used, MADV_DONTNEED);
    else if (a->used)
        memset(a->p, 0, a->used);
    a->used = 0;
}

/* ------------------------------------------------------------------------
 * Node threads that outlive the inputs (pa_runner)
 * ------------------------------------------------------------------------ */

/*
 * Deferred heaps run their node jobs on a pool of one thread per node,
 * started at the first use and kept for the whole run: creating and
 * joining up to four threads per input under ASan (its per-thread
 * mappings, and the TLB shootdowns when they go) took more time than the
 * input itself.  The jobs still run concurrently with the operations, on
 * threads of their own.  A few inputs (fz_own_threads) keep the heap's own
 * threads, so that path stays fuzzed too.
 */
struct fz_worker {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pa_job_fn fn;           /* the job to run; NULL once it has returned */
    void *job;
    bool started;
};

static struct fz_worker fz_pool[PA_MAX_NODES];

static void *fz_worker_main(void *arg)
{
    struct fz_worker *w = arg;

    pthread_mutex_lock(&w->mu);
    for (;;) {
        pa_job_fn fn;
        void *job;
        while (!w->fn)
            pthread_cond_wait(&w->cv, &w->mu);
        fn = w->fn;
        job = w->job;
        pthread_mutex_unlock(&w->mu);
        fn(job);
        pthread_mutex_lock(&w->mu);
        w->fn = NULL;
        pthread_cond_broadcast(&w->cv);
    }
    return NULL;
}

static int fz_pool_run(void *ctx, unsigned node, pa_job_fn fn, void *job)
{
    struct fz_worker *w = &fz_pool[node];
    pthread_t tid;

    (void)ctx;
    if (!w->started) {
        pthread_mutex_init(&w->mu, NULL);
        pthread_cond_init(&w->cv, NULL);
        if (pthread_create(&tid, NULL, fz_worker_main, w))
            return -EAGAIN;
        pthread_detach(tid);
        w->started = true;
    }
    pthread_mutex_lock(&w->mu);
    w->job = job;
    w->fn = fn;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    return 0;
}

static void fz_pool_wait(void *ctx, unsigned node)
{
    struct fz_worker *w = &fz_pool[node];

    (void)ctx;
    pthread_mutex_lock(&w->mu);
    while (w->fn)
        pthread_cond_wait(&w->cv, &w->mu);
    pthread_mutex_unlock(&w->mu);
}

static const struct pa_runner fz_runner = { fz_pool_run, fz_pool_wait, NULL };

static struct pa_heap *fz_heap(struct fz *f, enum pa_strategy s, enum fz_role role)
{
    struct pa_heap_config cfg = {
        .ranges = f->lay.r, .nr_ranges = f->lay.nr,
        .encoding = f->lay.enc, .max_order = f->lay.max_order,
    };
    struct pa_heap *h;
    uint64_t bytes;
    int rc = pa_heap_table_bytes(f->lay.r, f->lay.nr, f->lay.max_order, &bytes);

    if (rc)
        fz_fail(f, "pa_heap_table_bytes: %d", rc);
    cfg.table = fz_arena_take(role, (size_t)bytes);
    cfg.table_bytes = cfg.table ? (size_t)bytes : 0;
    rc = pa_heap_create(&cfg, &h);

    if (rc)
        fz_fail(f, "pa_heap_create: %d", rc);
    pa_heap_set_check_hook(h, fz_autocheck_failed, f);
    pa_heap_set_check_every(h, fz_check_every);
    if (!f->lay.own_threads && pa_heap_set_runner(h, &fz_runner))
        fz_fail(f, "pa_heap_set_runner refused");
    rc = pa_heap_set_strategy(h, s);
    if (rc)
        fz_fail(f, "pa_heap_set_strategy(%s): %d", pa_strategy_name(s), rc);
    return h;
}

static void fz_gen_boot(struct fz *f)
{
    f->nboot = fz_u8(&f->in) % (FZ_MAX_BOOT + 1);
    for (size_t i = 0; i < f->nboot; i++) {
        struct fz_boot *b = &f->boot[i];
        b->pages = 1 + fz_below(&f->in, 1ULL << (fz_u8(&f->in) % 11));
        b->align = 1ULL << fz_u8(&f->in) % 6;
        b->node = (int)fz_below(&f->in, f->lay.nodes + 1) - 1;
    }
}

/* Boot allocations in order, then the hand-off; mfn[i] gets each answer. */
static void fz_boot_heap(struct fz *f, struct pa_heap *h, uint64_t *mfn)
{
    struct pa_boot *b = pa_boot_create(h);
    int rc;

    if (!b)
        fz_fail(f, "pa_boot_create failed");
    rc = pa_boot_add_all(b);
    if (rc)
        fz_fail(f, "pa_boot_add_all: %d", rc);
    for (size_t i = 0; i < f->nboot; i++)
        mfn[i] = pa_boot_alloc(b, f->boot[i].pages, f->boot[i].align, f->boot[i].node);
    rc = pa_end_boot_allocator(b, f->lay.boot_node);
    pa_boot_destroy(b);
    if (rc)
        fz_fail(f, "pa_end_boot_allocator: %d", rc);
}

/* ------------------------------------------------------------------------
 * Items the harness holds
 * ------------------------------------------------------------------------ */

static bool fz_add_item(struct fz *f, uint64_t mfn, uint64_t nr, unsigned order,
                        enum fz_kind kind)
{
    if (f->nitems == FZ_MAX_ITEMS)
        return false;
    f->items[f->nitems++] = (struct fz_item){ mfn, nr, order, kind };
    return true;
}

static void fz_drop_item(struct fz *f, size_t i)
{
    f->items[i] = f->items[--f->nitems];
}

static void fz_logev(struct fz *f, enum fz_ev ev, uint64_t mfn, uint64_t nr)
{
    if (f->nlog == FZ_MAX_LOG)
        fz_fail(f, "event log full");
    f->log[f->nlog++] = (struct fz_event){ ev, mfn, nr };
}

static void fz_expect_ok(const struct fz *f, int rc, const char *what)
{
    if (rc)
        fz_fail(f, "%s returned %d, expected 0", what, rc);
}

static void fz_expect_err(const struct fz *f, int rc, const char *what)
{
    if (rc >= 0)
        fz_fail(f, "misuse accepted: %s returned %d, expected a negative errno", what, rc);
}

/* Return boot pages: init_heap_pages when the encoding cannot tell them
 * from pages in use (legacy), else a free that takes the init path. */
static int fz_release_boot(struct pa_heap *h, enum pa_encoding enc,
                           uint64_t mfn, uint64_t nr)
{
    return enc == PA_ENC_LEGACY ? pa_init_heap_pages(h, mfn, nr)
                                : pa_free_range(h, mfn, nr);
}

/* Free an alloc block: as one block, or as a range. */
static void fz_free_alloc(struct fz *f, const struct fz_item *it, bool as_range)
{
    int rc = as_range ? pa_free_range(f->h, it->mfn, it->nr)
                      : pa_free_heap_pages(f->h, it->mfn, it->order);

    fz_log(f, "free %s mfn %#lx order %u", as_range ? "range" : "block",
           (unsigned long)it->mfn, it->order);
    fz_expect_ok(f, rc, "free of an allocated block");
    fz_hold(f, it->mfn, it->nr, false);
    f->freed[f->nfreed++ % FZ_HISTORY] = *it;
}

/* Give back [mfn, mfn+nr) of a boot or live-update item. */
static void fz_free_piece(struct fz *f, enum fz_kind kind, uint64_t mfn, uint64_t nr)
{
    int rc;

    if (kind == FZ_BOOT) {
        fz_log(f, "release boot mfn %#lx nr %lu", (unsigned long)mfn, (unsigned long)nr);
        rc = fz_release_boot(f->h, f->lay.enc, mfn, nr);
        fz_expect_ok(f, rc, "release of boot pages");
        fz_logev(f, FZ_EV_INIT, mfn, nr);
    } else {
        fz_log(f, "free inuse mfn %#lx nr %lu", (unsigned long)mfn, (unsigned long)nr);
        rc = pa_free_range(f->h, mfn, nr);
        fz_expect_ok(f, rc, "free of live-update pages");
        fz_logev(f, FZ_EV_FREE, mfn, nr);
    }
    fz_hold(f, mfn, nr, false);
}

/* Free item i, whole or (boot, live update) a prefix or suffix of it. */
static void fz_free_item(struct fz *f, size_t i, unsigned how)
{
    struct fz_item *it = &f->items[i];
    uint64_t len = it->nr;

    if (it->kind == FZ_ALLOC) {
        fz_free_alloc(f, it, how & 1);
        fz_drop_item(f, i);
        return;
    }
    if (how & 1)
        len = 1 + (how >> 2) % it->nr;
    if (how & 2) {          /* from the top */
        fz_free_piece(f, it->kind, it->mfn + it->nr - len, len);
    } else {
        fz_free_piece(f, it->kind, it->mfn, len);
        it->mfn += len;
    }
    it->nr -= len;
    if (!it->nr)
        fz_drop_item(f, i);
}

/* ------------------------------------------------------------------------
 * Operations: allocation and claims
 * ------------------------------------------------------------------------ */

/* An aligned block of 2^order pages of the node, all pending: RAM of the
 * node, uninitialised, held by nobody (boot pages are uninitialised too),
 * not MFN 0.  PA_INVALID_MFN if none. */
static uint64_t fz_pending_block(const struct fz *f, unsigned node, unsigned order)
{
    uint64_t nr = 1ULL << order;

    for (size_t i = 0; i < f->lay.nr; i++) {
        const struct pa_range *r = &f->lay.r[i];
        if (r->node != node)
            continue;
        for (uint64_t m = (r->start + nr - 1) & ~(nr - 1); m && m + nr <= r->end; m += nr) {
            uint64_t k = 0;
            while (k < nr && !fz_any_held(f, m + k, 1) &&
                   pa_page_state_is(f->h, pa_mfn_to_page(f->h, m + k), PA_STATE_UNINIT))
                k++;
            if (k == nr)
                return m;
        }
    }
    return PA_INVALID_MFN;
}

/* A node that alloc skipped must have had nothing to give: no free block
 * of the order or more, and no pending memory that holds an aligned block
 * of the order (an allocation initialises pending memory only where a
 * block of its order fits, as an eager heap would serve it: alloc/lazy.c). */
static void fz_expect_empty(const struct fz *f, unsigned node, unsigned order)
{
    uint64_t m;

    for (unsigned j = order; j <= f->lay.max_order; j++)
        if (pa_free_blocks(f->h, (int)node, j))
            fz_fail(f, "alloc order %u passed over node %u with a free block of order %u",
                    order, node, j);
    m = fz_pending_block(f, node, order);
    if (m != PA_INVALID_MFN)
        fz_fail(f, "alloc order %u passed over node %u with pending block mfn %#lx", order,
                node, (unsigned long)m);
}

/* Check a block the heap handed out, and take it. */
static void fz_take(struct fz *f, uint64_t mfn, unsigned order, uint64_t owner)
{
    uint64_t nr = 1ULL << order;

    if (mfn & (nr - 1))
        fz_fail(f, "block mfn %#lx is not aligned to order %u", (unsigned long)mfn, order);
    if (!fz_one_node(&f->lay, mfn, nr))
        fz_fail(f, "block mfn %#lx order %u is not RAM of one node", (unsigned long)mfn, order);
    if (mfn == 0)
        fz_fail(f, "MFN 0 was handed out");
    if (fz_any_held(f, mfn, nr))
        fz_fail(f, "block mfn %#lx order %u overlaps pages already held", (unsigned long)mfn, order);
    for (uint64_t i = 0; i < nr; i++) {
        const struct pa_page *pg = pa_mfn_to_page(f->h, mfn + i);
        if (!pa_page_state_is(f->h, pg, PA_STATE_INUSE) || pg->owner != owner ||
            (pg->count_info & (PA_PGC_META | PA_PGC_RESERVED)))
            fz_fail(f, "page mfn %#lx handed out is not in use by its owner",
                    (unsigned long)(mfn + i));
    }
    fz_hold(f, mfn, nr, true);
    if (!fz_add_item(f, mfn, nr, order, FZ_ALLOC)) {
        struct fz_item it = { mfn, nr, order, FZ_ALLOC };
        fz_free_alloc(f, &it, false);
    }
}

static void op_alloc(struct fz *f)
{
    unsigned b = fz_u8(&f->in), lim = f->lay.max_order + 1;
    unsigned order = b < 192 ? b % (lim < 4 ? lim : 4) : b % lim;
    int node = (int)fz_below(&f->in, f->lay.nodes + 1) - 1;
    unsigned nn = pa_heap_nr_nodes(f->h), first;
    uint64_t owner = 1000 + f->step, mfn;
    int got;

    mfn = pa_alloc_heap_pages(f->h, order, node, owner);
    fz_log(f, "alloc order %u node %d -> %#lx", order, node, (unsigned long)mfn);
    got = mfn == PA_INVALID_MFN ? -1 : fz_node_of(&f->lay, mfn);
    if (mfn != PA_INVALID_MFN)
        fz_take(f, mfn, order, owner);
    if (f->threads)
        return;     /* the threads may have grown a node in the meantime */
    first = node < 0 || (unsigned)node >= nn ? 0 : (unsigned)node;
    for (unsigned k = 0; k < nn; k++) {
        unsigned n = (first + k) % nn;
        if ((int)n == got)
            break;
        fz_expect_empty(f, n, order);
    }
}

/* Would a claim of [mfn, mfn+nr) succeed: every page free, one node? */
static bool fz_claimable(const struct fz *f, uint64_t mfn, uint64_t nr)
{
    if (!fz_one_node(&f->lay, mfn, nr))
        return false;
    for (uint64_t i = 0; i < nr; i++)
        if (!pa_page_state_is(f->h, pa_mfn_to_page(f->h, mfn + i), PA_STATE_FREE))
            return false;
    return true;
}

static void op_claim(struct fz *f)
{
    uint64_t mfn = fz_ram_mfn(&f->lay, fz_below(&f->in, f->lay.ram));
    unsigned order = fz_u8(&f->in) % (f->lay.max_order + 1);
    uint64_t owner = 1000 + f->step, nr = 1ULL << order;
    bool want;
    int rc;

    if (fz_u8(&f->in) & 1)
        order %= 3, nr = 1ULL << order;
    mfn &= ~(nr - 1);
    want = fz_claimable(f, mfn, nr);
    rc = pa_claim_block(f->h, mfn, order, owner);
    fz_log(f, "claim mfn %#lx order %u -> %d", (unsigned long)mfn, order, rc);
    if (want && rc)
        fz_fail(f, "claim of free block mfn %#lx order %u failed: %d", (unsigned long)mfn, order, rc);
    if (!want && !rc && !f->threads)
        fz_fail(f, "claim of mfn %#lx order %u succeeded on pages not all free", (unsigned long)mfn, order);
    if (!rc)
        fz_take(f, mfn, order, owner);
    else if (rc != -ENOENT && rc != -EINVAL)
        fz_fail(f, "claim returned %d, expected 0, -ENOENT or -EINVAL", rc);
}

/* ------------------------------------------------------------------------
 * Operations: frees, live update, lazy and deferred
 * ------------------------------------------------------------------------ */

static void op_free(struct fz *f)
{
    size_t i = (size_t)fz_below(&f->in, f->nitems);
    unsigned how = fz_u16(&f->in);

    if (f->nitems)
        fz_free_item(f, i, how);
}

/* Live update: part of a boot allocation becomes properly "in use". */
static void op_inuse(struct fz *f)
{
    size_t i = (size_t)fz_below(&f->in, f->nitems);
    struct fz_item *it = &f->items[i];
    uint64_t len;
    int rc;

    if (!f->nitems || it->kind != FZ_BOOT || f->nitems == FZ_MAX_ITEMS)
        return;
    len = 1 + fz_below(&f->in, it->nr);
    rc = pa_init_inuse(f->h, it->mfn, len, 2000 + f->step);
    fz_log(f, "init_inuse mfn %#lx nr %lu -> %d", (unsigned long)it->mfn, (unsigned long)len, rc);
    fz_expect_ok(f, rc, "pa_init_inuse of boot pages");
    fz_logev(f, FZ_EV_INUSE, it->mfn, len);
    fz_add_item(f, it->mfn, len, 0, FZ_INUSE);
    it->mfn += len;
    it->nr -= len;
    if (!it->nr)
        fz_drop_item(f, i);
}

static void op_finish(struct fz *f)
{
    int node = (int)fz_below(&f->in, f->lay.nodes + 1) - 1;
    int rc = pa_lazy_finish(f->h, node);

    fz_log(f, "lazy_finish node %d -> %d", node, rc);
    fz_expect_ok(f, rc, "pa_lazy_finish");
    f->threads = false;     /* finish joins deferred threads first */
    if (pa_lazy_pending(f->h, node))
        fz_fail(f, "%lu pages still pending on node %d after finish",
                (unsigned long)pa_lazy_pending(f->h, node), node);
}

static void op_deferred(struct fz *f)
{
    int rc;

    if (f->lay.strat != PA_STRAT_DEFERRED) {
        fz_expect_err(f, pa_deferred_start(f->h, NULL, NULL), "pa_deferred_start on an eager heap");
        fz_expect_err(f, pa_deferred_join(f->h, NULL), "pa_deferred_join without threads");
        return;
    }
    if (f->threads) {
        rc = pa_deferred_join(f->h, NULL);
        fz_log(f, "deferred_join -> %d", rc);
        fz_expect_ok(f, rc, "pa_deferred_join");
        f->threads = false;
        return;
    }
    rc = pa_deferred_start(f->h, NULL, NULL);
    fz_log(f, "deferred_start -> %d", rc);
    fz_expect_ok(f, rc, "pa_deferred_start");
    f->threads = true;
    fz_expect_err(f, pa_deferred_start(f->h, NULL, NULL), "second pa_deferred_start");
}

/* ------------------------------------------------------------------------
 * Operations: misuse, each refused with a negative errno
 * ------------------------------------------------------------------------ */

/* A RAM page, searched from a random place, that nobody holds and whose
 * state is st (with meta: a metadata page). */
static uint64_t fz_find_page(struct fz *f, enum pa_state st, bool meta)
{
    uint64_t from = fz_below(&f->in, f->lay.ram);

    for (uint64_t k = 0; k < f->lay.ram; k++) {
        uint64_t idx = (from + k) % f->lay.ram, mfn = fz_ram_mfn(&f->lay, idx);
        const struct pa_page *pg = pa_mfn_to_page(f->h, mfn);
        if (f->held[idx] || !pa_page_state_is(f->h, pg, st) ||
            !(pg->count_info & PA_PGC_META) != !meta)
            continue;
        if (mfn == 0 && st == PA_STATE_UNINIT && FZ_AVOID_MFN0_PENDING)
            continue;
        return mfn;
    }
    return PA_INVALID_MFN;
}

/* A range free skips a reserved MFN 0 (a returned boot module may start
 * there): 0 is a fine answer as long as MFN 0 stays reserved. */
static void fz_free_range_mfn0(struct fz *f, const char *what)
{
    int rc = pa_free_range(f->h, 0, 1);

    if (rc < 0)
        return;
    if (!(pa_mfn_to_page(f->h, 0)->count_info & PA_PGC_RESERVED))
        fz_fail(f, "%s returned %d and MFN 0 is not reserved", what, rc);
}

/* Every way to give the heap a page it must refuse. */
static void fz_refuse_page(struct fz *f, uint64_t mfn, const char *what)
{
    char buf[96];

    fz_log(f, "misuse %s mfn %#lx", what, (unsigned long)mfn);
    snprintf(buf, sizeof buf, "free of %s mfn %#lx", what, (unsigned long)mfn);
    fz_expect_err(f, pa_free_heap_pages(f->h, mfn, 0), buf);
    snprintf(buf, sizeof buf, "free_range of %s mfn %#lx", what, (unsigned long)mfn);
    if (mfn)
        fz_expect_err(f, pa_free_range(f->h, mfn, 1), buf);
    else
        fz_free_range_mfn0(f, buf);
    snprintf(buf, sizeof buf, "init_heap_pages of %s mfn %#lx", what, (unsigned long)mfn);
    fz_expect_err(f, pa_init_heap_pages(f->h, mfn, 1), buf);
    snprintf(buf, sizeof buf, "init_inuse of %s mfn %#lx", what, (unsigned long)mfn);
    fz_expect_err(f, pa_init_inuse(f->h, mfn, 1, 1), buf);
}

/* Double free: a recently freed block nobody holds again, or any free page. */
static void mis_double_free(struct fz *f)
{
    uint64_t mfn;

    if (f->nfreed && !f->threads) {
        const struct fz_item *it = &f->freed[fz_below(&f->in, f->nfreed < FZ_HISTORY ? f->nfreed : FZ_HISTORY)];
        if (!fz_any_held(f, it->mfn, it->nr)) {
            fz_log(f, "misuse double free mfn %#lx order %u", (unsigned long)it->mfn, it->order);
            fz_expect_err(f, pa_free_heap_pages(f->h, it->mfn, it->order), "double free of a block");
        }
    }
    mfn = fz_find_page(f, PA_STATE_FREE, false);
    if (mfn != PA_INVALID_MFN)
        fz_refuse_page(f, mfn, "a free page");
}

/* Pages outside RAM: a hole, past the end, absurd MFNs, a block that runs
 * off the end of its range. */
static void mis_outside(struct fz *f)
{
    const struct fz_layout *l = &f->lay;
    const struct pa_range *r = &l->r[fz_below(&f->in, l->nr)];
    uint64_t cand[4] = { r->end, r->start ? r->start - 1 : r->end,
                         1ULL << (20 + fz_u8(&f->in) % 44), UINT64_MAX - fz_u8(&f->in) };
    uint64_t mfn = cand[fz_u8(&f->in) % 4];
    unsigned order = fz_u8(&f->in) % 4;

    if (fz_ram_index(l, mfn) >= 0)
        return;
    mfn &= ~((1ULL << order) - 1);
    if (fz_ram_index(l, mfn) >= 0)
        order = 0, mfn = cand[0];
    if (fz_ram_index(l, mfn) >= 0)
        return;
    fz_log(f, "misuse outside RAM mfn %#lx order %u", (unsigned long)mfn, order);
    fz_expect_err(f, pa_free_heap_pages(f->h, mfn, order), "free outside RAM");
    fz_expect_err(f, pa_free_range(f->h, mfn, 1ULL << order), "free_range outside RAM");
    fz_expect_err(f, pa_init_heap_pages(f->h, mfn, 1), "init_heap_pages outside RAM");
    fz_expect_err(f, pa_claim_block(f->h, mfn, 0, 1), "claim outside RAM");
}

/* Does [mfn, mfn+nr) hold a page that is not RAM? */
static bool fz_any_hole(const struct fz_layout *l, uint64_t mfn, uint64_t nr)
{
    for (uint64_t i = 0; i < nr; i++)
        if (fz_ram_index(l, mfn + i) < 0)
            return true;
    return false;
}

/*
 * A held block widened until it leaves its range: only the range check can
 * refuse it when its pages are in use.  In the uninit encoding a block of
 * uninitialised boot pages spanning two nodes is a valid free (it takes
 * the init path), so there the block must reach into a hole.
 */
static void mis_straddle(struct fz *f)
{
    const struct fz_item *it;
    unsigned order;

    if (!f->nitems)
        return;
    it = &f->items[fz_below(&f->in, f->nitems)];
    for (order = it->order + 1; order <= f->lay.max_order; order++) {
        uint64_t mfn = it->mfn & ~((1ULL << order) - 1), nr = 1ULL << order;
        if (f->lay.enc == PA_ENC_LEGACY ? fz_one_node(&f->lay, mfn, nr)
                                        : !fz_any_hole(&f->lay, mfn, nr))
            continue;
        fz_log(f, "misuse straddle mfn %#lx order %u", (unsigned long)mfn, order);
        fz_expect_err(f, pa_free_heap_pages(f->h, mfn, order), "free of a block leaving its range");
        return;
    }
}

static void mis_order(struct fz *f)
{
    unsigned order = f->lay.max_order + 1 + fz_u8(&f->in) % 50;
    uint64_t mfn = f->nitems ? f->items[0].mfn : f->lay.r[0].start;

    fz_log(f, "misuse order %u", order);
    fz_expect_err(f, pa_free_heap_pages(f->h, mfn, order), "free above max_order");
    fz_expect_err(f, pa_claim_block(f->h, mfn & ~((1ULL << (order & 63)) - 1), order, 1),
                  "claim above max_order");
    if (pa_alloc_heap_pages(f->h, order, -1, 1) != PA_INVALID_MFN)
        fz_fail(f, "alloc above max_order succeeded");
}

static void mis_misaligned(struct fz *f)
{
    const struct fz_item *it;
    uint64_t off;

    if (!f->nitems)
        return;
    it = &f->items[fz_below(&f->in, f->nitems)];
    if (it->kind != FZ_ALLOC || it->order == 0)
        return;
    off = 1 + fz_below(&f->in, it->nr - 1);
    fz_log(f, "misuse misaligned mfn %#lx order %u", (unsigned long)(it->mfn + off), it->order);
    fz_expect_err(f, pa_free_heap_pages(f->h, it->mfn + off, it->order), "misaligned free");
    fz_expect_err(f, pa_claim_block(f->h, it->mfn + off, it->order, 1), "misaligned claim");
}

static void mis_meta(struct fz *f)
{
    uint64_t mfn = fz_find_page(f, PA_STATE_INUSE, true);

    if (mfn != PA_INVALID_MFN)
        fz_refuse_page(f, mfn, "a metadata page");
}

/* MFN 0 once the heap has it (reserved, or pending in a lazy run). */
static void mis_mfn0(struct fz *f)
{
    long k = fz_ram_index(&f->lay, 0);

    if (k < 0 || f->held[k])
        return;
    if (FZ_AVOID_MFN0_PENDING &&
        pa_page_state_is(f->h, pa_mfn_to_page(f->h, 0), PA_STATE_UNINIT))
        return;
    fz_refuse_page(f, 0, "MFN 0");
    fz_expect_err(f, pa_free_heap_pages(f->h, 0, 1 + fz_u8(&f->in) % f->lay.max_order),
                  "free of a block holding MFN 0");
}

/* Pages still waiting for lazy init were never allocated. */
static void mis_pending(struct fz *f)
{
    uint64_t mfn = fz_find_page(f, PA_STATE_UNINIT, false);

    if (mfn != PA_INVALID_MFN &&
        !(f->threads && (FZ_AVOID_PENDING_RACE || FZ_AVOID_INFLIGHT_INUSE)))
        fz_refuse_page(f, mfn, "a pending page");
}

static void op_misuse(struct fz *f)
{
    static void (*const mis[])(struct fz *) = {
        mis_double_free, mis_outside, mis_straddle, mis_order,
        mis_misaligned, mis_meta, mis_mfn0, mis_pending,
    };

    mis[fz_u8(&f->in) % (sizeof mis / sizeof mis[0])](f);
}

/* ------------------------------------------------------------------------
 * The run and the equivalence check
 * ------------------------------------------------------------------------ */

static void fz_setup(struct fz *f)
{
    uint64_t mfn[FZ_MAX_BOOT];

    fz_gen_layout(&f->in, &f->lay);
    fz_gen_boot(f);
    if (fz_trace) {
        fprintf(stderr, "layout: %s/%s ref %s max_order %u boot_node %u threads %s\n",
                pa_strategy_name(f->lay.strat), pa_encoding_name(f->lay.enc),
                pa_strategy_name(f->lay.ref_strat), f->lay.max_order, f->lay.boot_node,
                f->lay.own_threads ? "own" : "pool");
        for (size_t i = 0; i < f->lay.nr; i++)
            fprintf(stderr, "  range [%#lx, %#lx) node %u\n", (unsigned long)f->lay.r[i].start,
                    (unsigned long)f->lay.r[i].end, f->lay.r[i].node);
    }
    f->h = fz_heap(f, f->lay.strat, FZ_FUZZED);
    fz_boot_heap(f, f->h, mfn);
    for (size_t i = 0; i < f->nboot; i++) {
        f->boot[i].mfn = mfn[i];
        fz_log(f, "boot alloc %lu pages align %lu node %d -> %#lx", (unsigned long)f->boot[i].pages,
               (unsigned long)f->boot[i].align, f->boot[i].node, (unsigned long)mfn[i]);
        if (mfn[i] == PA_INVALID_MFN)
            continue;
        fz_hold(f, mfn[i], f->boot[i].pages, true);
        fz_add_item(f, mfn[i], f->boot[i].pages, 0, FZ_BOOT);
    }
    fz_check_step(f, f->h);
}

static void fz_run_ops(struct fz *f)
{
    static void (*const ops[])(struct fz *) = {
        op_alloc, op_alloc, op_alloc, op_free, op_free, op_free,
        op_claim, op_inuse, op_finish, op_deferred, op_misuse, op_misuse,
    };
    static const char *const names[] = {
        "alloc", "alloc", "alloc", "free", "free", "free",
        "claim", "init_inuse", "lazy_finish", "deferred", "misuse", "misuse",
    };

    for (f->step = 1; f->step <= FZ_MAX_OPS && f->in.n; f->step++) {
        unsigned k = fz_u8(&f->in) % (sizeof ops / sizeof ops[0]);
        f->op = names[k];
        ops[k](f);
        fz_check_step(f, f->h);
    }
    f->op = "teardown";
}

/* Everything back, then finish: no page may stay pending. */
static void fz_return_all(struct fz *f)
{
    while (f->nitems)
        fz_free_item(f, f->nitems - 1, 0);
    fz_expect_ok(f, pa_lazy_finish(f->h, -1), "final pa_lazy_finish");
    f->threads = false;
    if (pa_lazy_pending(f->h, -1))
        fz_fail(f, "%lu pages pending after the final finish",
                (unsigned long)pa_lazy_pending(f->h, -1));
    fz_check(f, f->h);
}

/* The reference: same layout, eager strategy, same boot allocations and
 * the same sequence of boot pages leaving the harness. */
static struct pa_heap *fz_reference(struct fz *f)
{
    struct pa_heap *ref = fz_heap(f, f->lay.ref_strat, FZ_REF);
    uint64_t mfn[FZ_MAX_BOOT];
    int rc = 0;

    fz_boot_heap(f, ref, mfn);
    for (size_t i = 0; i < f->nboot; i++)
        if (mfn[i] != f->boot[i].mfn)
            fz_fail(f, "reference boot allocation %zu at %#lx, fuzzed heap %#lx", i,
                    (unsigned long)mfn[i], (unsigned long)f->boot[i].mfn);
    for (size_t i = 0; i < f->nlog && !rc; i++) {
        const struct fz_event *e = &f->log[i];
        if (e->ev == FZ_EV_INIT)
            rc = fz_release_boot(ref, f->lay.enc, e->mfn, e->nr);
        else if (e->ev == FZ_EV_INUSE)
            rc = pa_init_inuse(ref, e->mfn, e->nr, 1);
        else
            rc = pa_free_range(ref, e->mfn, e->nr);
        if (rc)
            fz_fail(f, "reference replay of event %zu (mfn %#lx nr %lu): %d", i,
                    (unsigned long)e->mfn, (unsigned long)e->nr, rc);
    }
    fz_check_step(f, ref);     /* its free blocks are compared next */
    return ref;
}

static void fz_compare(struct fz *f, struct pa_heap *ref)
{
    struct hb_blockset a = { 0 }, b = { 0 };
    size_t i;

    if (pa_for_each_free_block(f->h, hb_blockset_add, &a) ||
        pa_for_each_free_block(ref, hb_blockset_add, &b))
        fz_fail(f, "collecting free blocks failed");
    for (i = 0; i < a.nr && i < b.nr && a.v[i] == b.v[i]; i++)
        ;
    if (i < a.nr || i < b.nr) {
        uint64_t x = i < a.nr ? a.v[i] : 0, y = i < b.nr ? b.v[i] : 0;
        fz_fail(f, "free blocks differ from %s at #%zu of %zu/%zu: fuzzed mfn %#lx node %u "
                "order %u, reference mfn %#lx node %u order %u",
                pa_strategy_name(f->lay.ref_strat), i, a.nr, b.nr,
                (unsigned long)(x >> 16), (unsigned)(x >> 8 & 255), (unsigned)(x & 255),
                (unsigned long)(y >> 16), (unsigned)(y >> 8 & 255), (unsigned)(y & 255));
    }
    free(a.v);
    free(b.v);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *every = getenv("FZ_CHECK_EVERY");

    (void)argc;
    (void)argv;
    fz_trace = getenv("FZ_TRACE") != NULL;
    if (every && *every)
        fz_check_every = (unsigned)strtoul(every, NULL, 10);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fz *f = calloc(1, sizeof *f);
    struct pa_heap *ref;

    if (!f)
        return 0;
    f->in = (struct fz_in){ data, size };
    fz_data = data;
    fz_size = size;
    fz_setup(f);
    fz_run_ops(f);
    fz_return_all(f);
    ref = fz_reference(f);
    fz_compare(f, ref);
    fz_heap_destroy(ref, FZ_REF);
    fz_heap_destroy(f->h, FZ_FUZZED);
    free(f);
    return 0;
}
