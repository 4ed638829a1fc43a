/*
 * soak.c - a long random run of the heap model: tens of millions of
 * allocations and frees on a multi-GiB deferred heap (lazy for the first
 * quarter, then node threads initialising while allocations and frees go
 * on), with boot allocations returned and pages offlined all along, the
 * full checker every few million operations, and at the end the free
 * blocks compared with a chunked heap given the same boot allocations back
 * and the same pages offlined.  Its own bitmap of the pages it holds
 * checks every block handed out; a double free now and then must be
 * refused.  Built at PA_DEBUG=1 and -O2 so the count can be large.  The
 * layout and each phase: docs/running.md, "Fuzzing, soaking, profiling".
 *
 * Usage: soak [OPS] [CHECK_EVERY]   (defaults: 20 million, OPS/4)
 * Last line: "soak: N passed, N failed".
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc/heap.h"
#include "tests/unit/blockset.h"

#define SK_MAX_HELD (1u << 16)      /* blocks held at once */
#define SK_NR_BOOT 4
#define SK_MAX_EVENTS 256
#define SK_BOOT_NODE 0
#define SK_MAX_OFFLINE 4096         /* pages offlined (done or pending) */

/* The layout: MFNs. */
static const struct pa_range sk_ranges[] = {
    { 0x0, 0x9f, 0 },                   /* low memory, MFN 0 included */
    { 0x100, 0x101234, 0 },             /* ~4 GiB, ends off any block boundary */
    { 0x101234, 0x1f0000, 1 },          /* node 1 starts right there */
    { 0x200000, 0x220077, 1 },          /* past a hole */
};
#define SK_NR_RANGES (sizeof sk_ranges / sizeof sk_ranges[0])
#define SK_TOP 0x220077ULL

/* Boot allocations: pages, alignment, node (-1: any). */
static const struct { uint64_t pages, align; int node; } sk_boot_req[SK_NR_BOOT] = {
    { 16384, 512, 0 }, { 5000, 1, 1 }, { 777, 8, -1 }, { 3, 1, 0 },
};

struct sk_block {
    uint64_t mfn;
    unsigned order;
};

/* A piece of a boot allocation returned to the heap. */
struct sk_event {
    uint64_t mfn, nr;
};

struct soak {
    struct pa_heap *h;
    uint64_t rng;
    struct sk_block *held;
    size_t nheld;
    uint64_t *bitmap;                   /* pages held, by MFN */
    uint64_t boot_mfn[SK_NR_BOOT], boot_left[SK_NR_BOOT];
    struct sk_event ev[SK_MAX_EVENTS];
    size_t nev;
    struct sk_block last_freed;
    uint64_t *offl;                     /* pages offlined or offlining, by MFN */
    uint64_t offlined[SK_MAX_OFFLINE];  /* in the order they became offlined */
    size_t noffl, noffl_marked;         /* offlined; offlined or offlining */
    uint64_t ops, allocs, frees, failed_allocs, checks, misuse;
    uint64_t off_done, off_pending, off_refused;
    uint64_t during_threads;            /* boot pieces and offlines while they ran */
    bool threads;                       /* node threads may have work left */
    int failures;
};

static void sk_fail(struct soak *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void sk_fail(struct soak *s, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "soak: FAIL after %" PRIu64 " ops: ", s->ops);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    s->failures++;
}

/* splitmix64: fast, and the same run for the same seed. */
static uint64_t sk_rand(struct soak *s)
{
    uint64_t z = (s->rng += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t sk_below(struct soak *s, uint64_t n)
{
    return n ? sk_rand(s) % n : 0;
}

static double sk_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ------------------------------------------------------------------------
 * Heaps
 * ------------------------------------------------------------------------ */

static struct pa_heap *sk_heap(enum pa_strategy strat)
{
    struct pa_heap_config cfg = {
        .ranges = sk_ranges, .nr_ranges = SK_NR_RANGES,
        .encoding = PA_ENC_UNINIT, .max_order = 0,
    };
    struct pa_heap *h;

    if (pa_heap_create(&cfg, &h) || pa_heap_set_strategy(h, strat)) {
        fprintf(stderr, "soak: cannot build a %s heap\n", pa_strategy_name(strat));
        exit(1);
    }
    return h;
}

/* Boot allocations, then end_boot_allocator; mfn[i] gets each answer. */
static int sk_boot(struct pa_heap *h, uint64_t *mfn)
{
    struct pa_boot *b = pa_boot_create(h);
    int rc;

    if (!b)
        return -ENOMEM;
    rc = pa_boot_add_all(b);
    for (size_t i = 0; i < SK_NR_BOOT && !rc; i++) {
        mfn[i] = pa_boot_alloc(b, sk_boot_req[i].pages, sk_boot_req[i].align,
                               sk_boot_req[i].node);
        if (mfn[i] == PA_INVALID_MFN)
            rc = -ENOMEM;
    }
    if (!rc)
        rc = pa_end_boot_allocator(b, SK_BOOT_NODE);
    pa_boot_destroy(b);
    return rc;
}

static void sk_full_check(struct soak *s, struct pa_heap *h, const char *when)
{
    char why[256];

    s->checks++;
    if (pa_heap_check(h, why, sizeof why))
        sk_fail(s, "pa_heap_check (%s): %s", when, why);
}

/* ------------------------------------------------------------------------
 * The harness's own record of held pages
 * ------------------------------------------------------------------------ */

static bool sk_bit(const struct soak *s, uint64_t mfn)
{
    return s->bitmap[mfn / 64] >> (mfn % 64) & 1;
}

static bool sk_offl(const struct soak *s, uint64_t mfn)
{
    return s->offl[mfn / 64] >> (mfn % 64) & 1;
}

static void sk_mark(struct soak *s, uint64_t mfn, uint64_t nr, bool on)
{
    for (uint64_t i = 0; i < nr; i++) {
        if (on)
            s->bitmap[(mfn + i) / 64] |= 1ULL << ((mfn + i) % 64);
        else
            s->bitmap[(mfn + i) / 64] &= ~(1ULL << ((mfn + i) % 64));
    }
}

/* A block handed out must be aligned, in RAM below the top, not MFN 0,
 * and held by nobody. */
static bool sk_block_ok(struct soak *s, uint64_t mfn, unsigned order)
{
    uint64_t nr = 1ULL << order;

    if ((mfn & (nr - 1)) || mfn == 0 || mfn + nr > SK_TOP) {
        sk_fail(s, "alloc order %u returned bad mfn %#" PRIx64, order, mfn);
        return false;
    }
    for (uint64_t i = 0; i < nr; i++)
        if (sk_bit(s, mfn + i) || sk_offl(s, mfn + i)) {
            sk_fail(s, "alloc order %u at %#" PRIx64 " hands out %s page %#" PRIx64,
                    order, mfn, sk_bit(s, mfn + i) ? "held" : "offlined", mfn + i);
            return false;
        }
    return true;
}

/* ------------------------------------------------------------------------
 * Operations
 * ------------------------------------------------------------------------ */

/* Mostly small orders, as a hypervisor's allocations; now and then a
 * large block, rarely up to 1 GiB: those drive lazy growth, slowly enough
 * that the heap stays partly uninitialised for much of the run. */
static unsigned sk_order(struct soak *s)
{
    uint64_t r = sk_rand(s);
    unsigned order = (unsigned)__builtin_ctzll(r | (1ULL << 10)) / 2;

    if ((r >> 32) % 65536 == 0)
        order = 15 + (unsigned)((r >> 52) % 4);
    else if ((r >> 32) % 4096 == 0)
        order = 9 + (unsigned)((r >> 52) % 6);
    return order;
}

/* A page that became offlined: recorded for the reference, in order. */
static void sk_offlined(struct soak *s, uint64_t mfn)
{
    const struct pa_page *pg = pa_mfn_to_page(s->h, mfn);

    if (!pg || !pa_page_state_is(s->h, pg, PA_STATE_OFFLINED))
        sk_fail(s, "page %#" PRIx64 " should be offlined, is in state %d", mfn,
                pg ? (int)pa_page_state(s->h, pg) : -1);
    s->offlined[s->noffl++] = mfn;
}

/* Offlining pages of a block just freed are offlined now. */
static void sk_freed_offlining(struct soak *s, struct sk_block b)
{
    if (s->noffl == s->noffl_marked)
        return;
    for (uint64_t i = 0; i < (1ULL << b.order); i++)
        if (sk_offl(s, b.mfn + i))
            sk_offlined(s, b.mfn + i);
}

static void sk_free_held(struct soak *s, size_t i)
{
    struct sk_block b = s->held[i];
    int rc = pa_free_heap_pages(s->h, b.mfn, b.order);

    if (rc)
        sk_fail(s, "free of held mfn %#" PRIx64 " order %u: %d", b.mfn, b.order, rc);
    sk_mark(s, b.mfn, 1ULL << b.order, false);
    sk_freed_offlining(s, b);
    s->held[i] = s->held[--s->nheld];
    s->last_freed = b;
    s->frees++;
}

static void sk_alloc(struct soak *s)
{
    unsigned order = sk_order(s);
    int node = (int)sk_below(s, 3) - 1;
    uint64_t mfn;

    if (s->nheld == SK_MAX_HELD)
        sk_free_held(s, (size_t)sk_below(s, s->nheld));
    mfn = pa_alloc_heap_pages(s->h, order, node, s->ops);
    if (mfn == PA_INVALID_MFN) {
        s->failed_allocs++;
        return;
    }
    if (!sk_block_ok(s, mfn, order))
        return;
    sk_mark(s, mfn, 1ULL << order, true);
    s->held[s->nheld++] = (struct sk_block){ mfn, order };
    s->allocs++;
}

/* Return the next piece (from the bottom) of a boot allocation. */
static void sk_boot_piece(struct soak *s)
{
    size_t i = (size_t)sk_below(s, SK_NR_BOOT);
    uint64_t cap = sk_boot_req[i].pages / 16 + 1;   /* some 30 pieces each */
    uint64_t nr = 1 + sk_below(s, s->boot_left[i] < cap ? s->boot_left[i] : cap);
    uint64_t mfn = s->boot_mfn[i] + sk_boot_req[i].pages - s->boot_left[i];
    int rc;

    if (!s->boot_left[i] || s->nev >= SK_MAX_EVENTS - SK_NR_BOOT)   /* the end returns the rest */
        return;
    rc = pa_free_range(s->h, mfn, nr);
    if (rc)
        sk_fail(s, "return of boot pages %#" PRIx64 "+%" PRIu64 ": %d", mfn, nr, rc);
    sk_mark(s, mfn, nr, false);
    s->boot_left[i] -= nr;
    s->ev[s->nev++] = (struct sk_event){ mfn, nr };
}

/* The block freed last, if nobody holds any of it again, is free: a
 * second free must be refused. */
static void sk_double_free(struct soak *s)
{
    struct sk_block b = s->last_freed;

    if (!b.mfn)
        return;
    for (uint64_t i = 0; i < (1ULL << b.order); i++)
        if (sk_bit(s, b.mfn + i))
            return;
    s->misuse++;
    if (pa_free_heap_pages(s->h, b.mfn, b.order) >= 0)
        sk_fail(s, "double free of mfn %#" PRIx64 " order %u accepted", b.mfn, b.order);
}

/* Is mfn still part of a boot allocation the soak holds? */
static bool sk_in_boot(const struct soak *s, uint64_t mfn)
{
    for (size_t i = 0; i < SK_NR_BOOT; i++) {
        uint64_t end = s->boot_mfn[i] + sk_boot_req[i].pages;
        if (mfn < end && mfn >= end - s->boot_left[i])
            return true;
    }
    return false;
}

/* A RAM page: half the time one in a block the soak holds. */
static uint64_t sk_offline_target(struct soak *s)
{
    uint64_t ram = 0, k;

    if (s->nheld && sk_rand(s) % 2) {
        const struct sk_block *b = &s->held[sk_below(s, s->nheld)];
        return b->mfn + sk_below(s, 1ULL << b->order);
    }
    for (size_t i = 0; i < SK_NR_RANGES; i++)
        ram += sk_ranges[i].end - sk_ranges[i].start;
    k = sk_below(s, ram);
    for (size_t i = 0; i < SK_NR_RANGES; i++) {
        uint64_t len = sk_ranges[i].end - sk_ranges[i].start;
        if (k < len)
            return sk_ranges[i].start + k;
        k -= len;
    }
    return 0;
}

/*
 * Offline a page.  Held (an allocation): "offlining" until its block is
 * freed.  Not held: offlined at once if free, refused if uninitialised,
 * metadata or reserved (MFN 0).  Boot pages are left alone.
 */
static void sk_offline(struct soak *s)
{
    uint64_t mfn = sk_offline_target(s);
    bool held = sk_bit(s, mfn), again = sk_offl(s, mfn);
    int rc;

    if (sk_in_boot(s, mfn) || s->noffl_marked == SK_MAX_OFFLINE)
        return;
    rc = pa_offline_page(s->h, mfn);
    if (held ? rc != PA_OFFLINE_PENDING : rc == PA_OFFLINE_PENDING) {
        sk_fail(s, "offline of %s page %#" PRIx64 ": %d", held ? "a held" : "a free",
                mfn, rc);
        return;
    }
    if (rc < 0) {
        const struct pa_page *pg = pa_mfn_to_page(s->h, mfn);
        if (again || !(pa_page_state_is(s->h, pg, PA_STATE_UNINIT) ||
                       (pg->count_info & (PA_PGC_META | PA_PGC_RESERVED))))
            sk_fail(s, "offline of page %#" PRIx64 " refused (%d) in state %d", mfn,
                    rc, (int)pa_page_state(s->h, pg));
        s->off_refused++;
        return;
    }
    if (again)
        return;
    s->offl[mfn / 64] |= 1ULL << (mfn % 64);
    s->noffl_marked++;
    if (rc == PA_OFFLINE_PENDING) {
        s->off_pending++;
    } else {
        s->off_done++;
        sk_offlined(s, mfn);
    }
}

/*
 * While node threads initialise (a few milliseconds: they free whole
 * chunks), an offline or a boot piece after every operation, so that both
 * meet pages being initialised.  Whether the
 * threads still have work is read without the lock: the count is only
 * reported, and a stale answer costs an event or two.
 */
static void sk_thread_event(struct soak *s)
{
    if (!pa_lazy_pending(s->h, -1)) {
        s->threads = false;
        return;
    }
    s->during_threads++;
    if (s->during_threads % 64 == 0)
        sk_boot_piece(s);
    else
        sk_offline(s);
}

static void sk_step(struct soak *s, uint64_t total)
{
    uint64_t r = sk_rand(s) % 1000;

    if (r < 510)
        sk_alloc(s);
    else if (s->nheld)
        sk_free_held(s, (size_t)sk_below(s, s->nheld));
    if (s->ops % (total / 100 + 1) == 0)
        sk_boot_piece(s);
    else if (s->ops % (total / 1000 + 1) == 0)
        sk_offline(s);
    else if (s->threads)
        sk_thread_event(s);
    if (s->ops == total / 4) {
        if (pa_deferred_start(s->h, NULL, NULL))
            sk_fail(s, "pa_deferred_start failed");
        s->threads = true;
    }
    if (s->ops % 99991 == 0)
        sk_double_free(s);
    if (s->ops == total / 2 && pa_lazy_finish(s->h, 1))    /* joins the threads */
        sk_fail(s, "pa_lazy_finish(1) failed");
    if (s->ops == total / 2)
        s->threads = false;
}

/* ------------------------------------------------------------------------
 * The end: everything back, and the equivalence with a chunked heap
 * ------------------------------------------------------------------------ */

static void sk_return_all(struct soak *s)
{
    while (s->nheld)
        sk_free_held(s, s->nheld - 1);
    for (size_t i = 0; i < SK_NR_BOOT; i++) {
        uint64_t mfn = s->boot_mfn[i] + sk_boot_req[i].pages - s->boot_left[i];
        if (!s->boot_left[i])
            continue;
        if (pa_free_range(s->h, mfn, s->boot_left[i]))
            sk_fail(s, "final return of boot allocation %zu failed", i);
        s->ev[s->nev++] = (struct sk_event){ mfn, s->boot_left[i] };
        s->boot_left[i] = 0;
    }
    if (pa_lazy_finish(s->h, -1) || pa_lazy_pending(s->h, -1))
        sk_fail(s, "lazy finish left %" PRIu64 " pages pending", pa_lazy_pending(s->h, -1));
    sk_full_check(s, s->h, "after returning everything");
}

static void sk_equivalence(struct soak *s)
{
    struct pa_heap *ref = sk_heap(PA_STRAT_CHUNKED);
    struct hb_blockset a = { 0 }, b = { 0 };
    uint64_t mfn[SK_NR_BOOT];
    size_t i;

    if (sk_boot(ref, mfn))
        sk_fail(s, "reference boot failed");
    for (i = 0; i < SK_NR_BOOT; i++)
        if (mfn[i] != s->boot_mfn[i])
            sk_fail(s, "reference boot allocation %zu at %#" PRIx64 ", soak heap %#" PRIx64,
                    i, mfn[i], s->boot_mfn[i]);
    for (i = 0; i < s->nev; i++)
        if (pa_free_range(ref, s->ev[i].mfn, s->ev[i].nr))
            sk_fail(s, "reference return of boot pages %#" PRIx64 " failed", s->ev[i].mfn);
    for (i = 0; i < s->noffl; i++)
        if (pa_offline_page(ref, s->offlined[i]) != PA_OFFLINE_DONE)
            sk_fail(s, "reference offline of free page %#" PRIx64 " failed", s->offlined[i]);
    sk_full_check(s, ref, "reference");
    if (pa_for_each_free_block(s->h, hb_blockset_add, &a) ||
        pa_for_each_free_block(ref, hb_blockset_add, &b))
        sk_fail(s, "collecting free blocks failed");
    for (i = 0; i < a.nr && i < b.nr && a.v[i] == b.v[i]; i++)
        ;
    if (i < a.nr || i < b.nr)
        sk_fail(s, "free blocks differ from chunked at #%zu of %zu/%zu: %#" PRIx64 " vs %#" PRIx64,
                i, a.nr, b.nr, i < a.nr ? a.v[i] : 0, i < b.nr ? b.v[i] : 0);
    else
        printf("soak: %zu free blocks, %" PRIu64 " pages free, same as chunked\n",
               a.nr, pa_avail(s->h, -1, -1));
    free(a.v);
    free(b.v);
    pa_heap_destroy(ref);
}

int main(int argc, char **argv)
{
    uint64_t total = argc > 1 ? strtoull(argv[1], NULL, 0) : 20000000;
    uint64_t every = argc > 2 ? strtoull(argv[2], NULL, 0) : total / 4;
    struct soak s = { .rng = 0x5eed };
    double t0, t1;

    s.h = sk_heap(PA_STRAT_DEFERRED);
    s.held = malloc(SK_MAX_HELD * sizeof *s.held);
    s.bitmap = calloc(SK_TOP / 64 + 1, sizeof *s.bitmap);
    s.offl = calloc(SK_TOP / 64 + 1, sizeof *s.offl);
    if (!s.held || !s.bitmap || !s.offl || sk_boot(s.h, s.boot_mfn)) {
        fprintf(stderr, "soak: set-up failed\nsoak: 0 passed, 1 failed\n");
        return 1;
    }
    for (size_t i = 0; i < SK_NR_BOOT; i++) {
        s.boot_left[i] = sk_boot_req[i].pages;
        sk_mark(&s, s.boot_mfn[i], sk_boot_req[i].pages, true);
    }
    printf("soak: %" PRIu64 " ops on %.2f GiB, 2 nodes, deferred (threads from 1/4 to 1/2), "
           "offlining, check every %" PRIu64 "\n",
           total, (double)SK_TOP * PA_PAGE_SIZE / (1 << 30), every);
    t0 = sk_now();
    for (s.ops = 1; s.ops <= total && s.failures < 10; s.ops++) {
        sk_step(&s, total);
        if (every && s.ops % every == 0) {
            sk_full_check(&s, s.h, "periodic");
            printf("soak: %" PRIu64 " ops, %zu blocks held, %" PRIu64 " pages pending, %.1f s\n",
                   s.ops, s.nheld, pa_lazy_pending(s.h, -1), sk_now() - t0);
            fflush(stdout);
        }
    }
    s.ops--;
    t1 = sk_now();
    sk_return_all(&s);
    sk_equivalence(&s);
    printf("soak: %" PRIu64 " ops (%" PRIu64 " allocs, %" PRIu64 " failed, %" PRIu64
           " frees, %zu boot pieces, %" PRIu64 " double frees refused, %" PRIu64
           " full checks, %" PRIu64 " pages offlined at once, %" PRIu64 " when freed, %" PRIu64
           " offlines refused, %" PRIu64 " of these events while node threads ran) in %.1f s, %.2f M ops/s; total %.1f s\n",
           s.ops, s.allocs, s.failed_allocs, s.frees, s.nev, s.misuse, s.checks,
           s.off_done, s.off_pending, s.off_refused, s.during_threads,
           t1 - t0, (double)s.ops / (t1 - t0) / 1e6, sk_now() - t0);
    printf("soak: %d passed, %d failed\n", s.failures ? 0 : 1, s.failures ? 1 : 0);
    pa_heap_destroy(s.h);
    free(s.held);
    free(s.bitmap);
    free(s.offl);
    return s.failures ? 1 : 0;
}
