/*
 * bench_baseline.c - the baseline family: the physical limit, measured in
 * the same run as everything it is compared with.
 *
 * baseline/memset/bytes:N/threads:T is glibc's memset of N bytes (the
 * best write bandwidth the machine offers); baseline/read is one 8-byte
 * load per 32-byte entry (what a scan of N bytes of frame table must at
 * least cost).  Sizes run from cache-resident to well above the last-level
 * cache, on one thread and one per core, each thread on its own share.
 * One pre-faulted buffer of the largest size serves every benchmark and
 * lives until the process exits (docs/model.md, "The families").
 */
#define _GNU_SOURCE
#include "bench/instrument/gbench.h"
#include "bench/families/harness.h"
#include "bench/instrument/membudget.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#define HB_ENTRY_BYTES 32   /* sizeof(struct pa_page) */
#define KiB (1ULL << 10)
#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

enum baseline_kind { BASELINE_MEMSET, BASELINE_READ };

struct baseline;

struct baseline_case {
    struct baseline *b;
    enum baseline_kind kind;
    uint64_t bytes;
};

struct baseline {
    const struct hb_bench_ctx *ctx;
    pthread_mutex_t lock;          /* threads of one benchmark share the buffer */
    unsigned char *buf;
    uint64_t cap;                  /* the largest size registered */
    int err;                       /* errno of a failed creation: don't retry */
    unsigned pu_stride;            /* PUs per core: thread t runs on PU t*stride */
    struct baseline_case cases[32];
    unsigned nr_cases;
};

/* ------------------------------------------------------------------------
 * The buffer
 * ------------------------------------------------------------------------ */

/* Fault every page in now, so that no timed loop takes a fault. */
static int prefault(unsigned char *p, uint64_t len)
{
    if (madvise(p, len, MADV_POPULATE_WRITE) == 0)
        return 0;
    if (errno != EINVAL)
        return -errno;
    /* Kernels before 5.14: touch one byte per page. */
    for (uint64_t off = 0; off < len; off += 4096)
        p[off] = 0;
    return 0;
}

static int buffer_create(struct baseline *b)
{
    void *p = mmap(NULL, b->cap, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int rc;

    if (p == MAP_FAILED)
        return -errno;
    if (b->ctx->hugepages)
        madvise(p, b->cap, MADV_HUGEPAGE);   /* a hint: refusal is harmless */
    rc = prefault(p, b->cap);
    if (rc) {
        munmap(p, b->cap);
        return rc;
    }
    b->buf = p;
    return 0;
}

/* The memory budget lets it go when another family needs the room. */
static void buffer_release(void *arg)
{
    struct baseline *b = arg;

    munmap(b->buf, b->cap);
    b->buf = NULL;
}

static unsigned char *buffer_get(struct baseline *b, char *why, size_t len)
{
    unsigned char *buf;

    pthread_mutex_lock(&b->lock);
    if (!b->buf && !b->err && !hb_mem_fits(b->ctx->mem, "baseline", b->cap, why, len)) {
        pthread_mutex_unlock(&b->lock);
        return NULL;
    }
    if (!b->buf && !b->err) {
        int rc = buffer_create(b);
        if (rc)
            b->err = -rc;
        else
            hb_mem_hold(b->ctx->mem, b, "baseline", b->cap, buffer_release, b);
    }
    buf = b->buf;
    if (!buf)
        snprintf(why, len, "cannot map and pre-fault %llu bytes: %s",
                 (unsigned long long)b->cap, strerror(b->err));
    pthread_mutex_unlock(&b->lock);
    return buf;
}

/* ------------------------------------------------------------------------
 * The loops
 * ------------------------------------------------------------------------ */

/* First 8 bytes of every 32-byte entry; four sums so that the adds do not
 * form one dependency chain in cache-resident sizes. */
static uint64_t read_entries(const uint64_t *p, uint64_t nr)
{
    const uint64_t step = HB_ENTRY_BYTES / sizeof *p;
    uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0, i = 0;

    for (; i + 4 <= nr; i += 4) {
        s0 += p[i * step];
        s1 += p[(i + 1) * step];
        s2 += p[(i + 2) * step];
        s3 += p[(i + 3) * step];
    }
    for (; i < nr; i++)
        s0 += p[i * step];
    return s0 + s1 + s2 + s3;
}

static void run_memset(hb_gb_state *st, unsigned char *p, uint64_t len)
{
    uint64_t n, it = 0;

    while ((n = hb_gb_keep_running_batch(st, 1)))
        for (uint64_t i = 0; i < n; i++, it++) {
            memset(p, (int)(it & 0xff), len);
            __asm__ volatile("" : : "r"(p) : "memory");
        }
}

static void run_read(hb_gb_state *st, unsigned char *p, uint64_t len)
{
    uint64_t n, sum = 0;

    while ((n = hb_gb_keep_running_batch(st, 1)))
        for (uint64_t i = 0; i < n; i++) {
            sum += read_entries((const uint64_t *)p, len / HB_ENTRY_BYTES);
            __asm__ volatile("" : "+r"(sum) : : "memory");
        }
}

/* With several threads, each on its own core (GB threads inherit the
 * benchmark thread's pinning to PU 0 otherwise). */
static int pin_thread(hb_gb_state *st, struct baseline *b, char *why, size_t len)
{
    unsigned pu = (unsigned)hb_gb_thread_index(st) * b->pu_stride;
    int rc;

    if (hb_gb_nr_threads(st) == 1)
        return 0;
    if (!b->ctx->topo) {
        snprintf(why, len, "no host topology: cannot pin threads");
        return -ENODEV;
    }
    rc = hb_topo_pin_pu(b->ctx->topo, pu);
    if (rc)
        snprintf(why, len, "cannot pin thread %d to PU %u: %s",
                 hb_gb_thread_index(st), pu, strerror(-rc));
    return rc;
}

static void bm_baseline(hb_gb_state *st, void *arg)
{
    struct baseline_case *c = arg;
    int nthr = hb_gb_nr_threads(st);
    uint64_t share = c->bytes / (uint64_t)nthr / 64 * 64;
    unsigned char *buf, *p;
    char why[160];

    buf = buffer_get(c->b, why, sizeof why);
    if (!buf || pin_thread(st, c->b, why, sizeof why)) {
        hb_gb_skip_with_error(st, why);
        return;
    }
    p = buf + share * (uint64_t)hb_gb_thread_index(st);
    if (c->kind == BASELINE_MEMSET) {
        run_memset(st, p, share);
    } else {
        run_read(st, p, share);
        hb_gb_set_label(st, "baseline=read");
    }
    hb_gb_set_work(st, (double)(share / HB_ENTRY_BYTES), (double)share);
}

/* ------------------------------------------------------------------------
 * Registration
 * ------------------------------------------------------------------------ */

static const uint64_t sizes_quick[] = { 256 * KiB, 4 * MiB, 64 * MiB, 256 * MiB, 0 };
static const uint64_t sizes_default[] = { 256 * KiB, 4 * MiB, 32 * MiB, 256 * MiB, GiB, 0 };
static const uint64_t sizes_full[] = { 256 * KiB, 4 * MiB, 32 * MiB, 256 * MiB, GiB,
                                       4 * GiB, 0 };

static const uint64_t *profile_sizes(enum hb_profile p)
{
    switch (p) {
    case HB_PROFILE_QUICK: return sizes_quick;
    case HB_PROFILE_FULL: return sizes_full;
    default: return sizes_default;
    }
}

static void add_case(struct baseline *b, enum baseline_kind kind, uint64_t bytes,
                     unsigned cores)
{
    static const char *const what[] = { "memset", "read" };
    struct baseline_case *c = &b->cases[b->nr_cases++];
    char name[96];
    hb_gb_bench *gb;

    *c = (struct baseline_case){ b, kind, bytes };
    snprintf(name, sizeof name, "baseline/%s/bytes:%llu", what[kind],
             (unsigned long long)bytes);
    gb = hb_gb_register(name, bm_baseline, c);
    hb_gb_threads(gb, 1);
    if (cores > 1)
        hb_gb_threads(gb, (int)cores);
}

void hb_family_baseline_register(const struct hb_bench_ctx *ctx)
{
    struct baseline *b = calloc(1, sizeof *b);
    const uint64_t *sz = profile_sizes(ctx->profile);
    unsigned cores = ctx->topo ? hb_topo_nr_cores(ctx->topo) : 1;
    unsigned pus = ctx->topo ? hb_topo_nr_pus(ctx->topo) : 1;

    if (!b)
        return;
    b->ctx = ctx;
    pthread_mutex_init(&b->lock, NULL);
    b->pu_stride = cores && pus >= cores ? pus / cores : 1;
    for (unsigned i = 0; sz[i]; i++) {
        /* The largest sizes only where they fit next to the fixtures. */
        if (sz[i] > ctx->max_table_bytes && i > 0)
            break;
        b->cap = sz[i];
        for (int k = BASELINE_MEMSET; k <= BASELINE_READ; k++)
            add_case(b, (enum baseline_kind)k, sz[i], cores);
    }
}

HB_FAMILY(baseline, 0, hb_family_baseline_register, 0.031, 0.075, 0.23,
          .reference = true, .ref_kinds = "memset read", .ref_size = "param_bytes");
