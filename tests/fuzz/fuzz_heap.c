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
#include "tests/fuzz/fuzz_heap.h"

/* ------------------------------------------------------------------------
 * Input decoding: every byte string is a valid program (zeros past the end)
 * ------------------------------------------------------------------------ */


unsigned fz_u8(struct fz_in *in)
{
    if (!in->n)
        return 0;
    in->n--;
    return *in->p++;
}

unsigned fz_u16(struct fz_in *in)
{
    unsigned lo = fz_u8(in);

    return lo | fz_u8(in) << 8;
}

/* Uniform enough in [0, n) for n up to 65536. */
uint64_t fz_below(struct fz_in *in, uint64_t n)
{
    if (n <= 1)
        return 0;
    return (n <= 256 ? fz_u8(in) : fz_u16(in)) % n;
}

static bool fz_trace;
/* The input being run, written out by fz_fail when FZ_SAVE names a file:
 * libFuzzer may die before it writes its own crash file (a failure while
 * deferred threads run). */
static const uint8_t *fz_data;
static size_t fz_size;
static unsigned fz_check_every = 128;

void fz_fail(const struct fz *f, const char *fmt, ...)
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

void fz_log(const struct fz *f, const char *fmt, ...)
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

void fz_check(const struct fz *f, struct pa_heap *h)
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

long fz_ram_index(const struct fz_layout *l, uint64_t mfn)
{
    uint64_t base = 0;

    for (size_t i = 0; i < l->nr; i++) {
        if (mfn >= l->r[i].start && mfn < l->r[i].end)
            return (long)(base + mfn - l->r[i].start);
        base += l->r[i].end - l->r[i].start;
    }
    return -1;
}

int fz_node_of(const struct fz_layout *l, uint64_t mfn)
{
    for (size_t i = 0; i < l->nr; i++)
        if (mfn >= l->r[i].start && mfn < l->r[i].end)
            return (int)l->r[i].node;
    return -1;
}

uint64_t fz_ram_mfn(const struct fz_layout *l, uint64_t idx)
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
bool fz_one_node(const struct fz_layout *l, uint64_t mfn, uint64_t nr)
{
    int node = fz_node_of(l, mfn);

    for (uint64_t i = 1; node >= 0 && i < nr; i++)
        if (fz_node_of(l, mfn + i) != node)
            return false;
    return node >= 0;
}

bool fz_any_held(const struct fz *f, uint64_t mfn, uint64_t nr)
{
    for (uint64_t i = 0; i < nr; i++) {
        long k = fz_ram_index(&f->lay, mfn + i);
        if (k >= 0 && f->held[k])
            return true;
    }
    return false;
}

void fz_hold(struct fz *f, uint64_t mfn, uint64_t nr, bool on)
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

bool fz_add_item(struct fz *f, uint64_t mfn, uint64_t nr, unsigned order,
                        enum fz_kind kind)
{
    if (f->nitems == FZ_MAX_ITEMS)
        return false;
    f->items[f->nitems++] = (struct fz_item){ mfn, nr, order, kind };
    return true;
}

void fz_drop_item(struct fz *f, size_t i)
{
    f->items[i] = f->items[--f->nitems];
}

void fz_logev(struct fz *f, enum fz_ev ev, uint64_t mfn, uint64_t nr)
{
    if (f->nlog == FZ_MAX_LOG)
        fz_fail(f, "event log full");
    f->log[f->nlog++] = (struct fz_event){ ev, mfn, nr };
}

void fz_expect_ok(const struct fz *f, int rc, const char *what)
{
    if (rc)
        fz_fail(f, "%s returned %d, expected 0", what, rc);
}

void fz_expect_err(const struct fz *f, int rc, const char *what)
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
void fz_free_alloc(struct fz *f, const struct fz_item *it, bool as_range)
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
void fz_free_item(struct fz *f, size_t i, unsigned how)
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
