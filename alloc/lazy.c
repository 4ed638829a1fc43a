/*
 * lazy.c - lazy (PGC_state_uninitialised) and deferred (per-node threads)
 * heap initialisation, this project's extensions of the patch (which
 * keeps end_boot_allocator eager: strategy "patch", init.c).
 *
 * end_boot_allocator records the runs and touches no frame-table entry:
 * every page stays in state 0, "uninitialised" in the uninit encoding.
 * Memory then enters the heap by a free of uninitialised pages (buddy.c),
 * by an allocation that initialises, a chunk at a time, what an eager heap
 * would have served it from, by pa_lazy_finish, and on deferred heaps by
 * one thread per node.  One heap lock, taken per chunk by the threads:
 * docs/model.md, "The strategies", says what that bounds.
 */
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "alloc/internal.h"

/* ------------------------------------------------------------------------
 * Recording and querying pending runs
 * ------------------------------------------------------------------------ */

static int record_run(struct pa_heap *h, uint64_t mfn, uint64_t nr,
                      unsigned node, void *arg)
{
    (void)arg;
    if (mfn == 0) {
        h->mfn0_pending = true;     /* reserved when its node is touched */
        mfn++;
        nr--;
    }
    if (!nr)
        return 0;
    if (h->first_node < 0)
        h->first_node = (int)node;  /* as eager: the first run's node */
    if (h->nr_runs == h->cap_runs) {
        size_t cap = h->cap_runs ? 2 * h->cap_runs : 64;
        struct pai_run *r = realloc(h->runs, cap * sizeof *r);
        if (!r)
            return -ENOMEM;
        h->runs = r;
        h->cap_runs = cap;
    }
    h->runs[h->nr_runs++] = (struct pai_run){ mfn, mfn + nr, node };
    return 0;
}

int pai_lazy_record(struct pa_heap *h, uint64_t mfn, uint64_t nr)
{
    return pai_for_each_run(h, mfn, nr, record_run, NULL);
}

static bool overlaps(const struct pai_run *r, uint64_t mfn, uint64_t nr)
{
    return r->start < mfn + nr && mfn < r->end;
}

bool pai_overlaps_pending(const struct pa_heap *h, uint64_t mfn, uint64_t nr)
{
    if (h->mfn0_pending && mfn == 0 && nr)
        return true;    /* recorded apart from the runs (record_run) */
    for (size_t i = 0; i < h->nr_runs; i++)
        if (overlaps(&h->runs[i], mfn, nr))
            return true;
    for (size_t i = 0; i < PAI_MAX_INFLIGHT; i++)
        if (h->inflight_used[i] && overlaps(&h->inflight[i], mfn, nr))
            return true;
    return false;
}

uint64_t pa_lazy_pending(const struct pa_heap *h, int node)
{
    uint64_t n = 0;

    for (size_t i = 0; i < h->nr_runs; i++)
        if (node < 0 || h->runs[i].node == (unsigned)node)
            n += h->runs[i].end - h->runs[i].start;
    if (h->mfn0_pending && (node < 0 || pa_mfn_to_node(h, 0) == node))
        n++;
    return n;
}

/* ------------------------------------------------------------------------
 * Growing a node
 * ------------------------------------------------------------------------ */

static struct pai_run *next_run(struct pa_heap *h, unsigned node)
{
    size_t i = h->run_cursor[node];

    for (; i < h->nr_runs; i++) {
        struct pai_run *r = &h->runs[i];
        if (r->node == node && r->start < r->end)
            break;
        if (i == h->run_cursor[node])
            h->run_cursor[node]++;      /* skip what is done or foreign */
    }
    return i < h->nr_runs ? &h->runs[i] : NULL;
}

/* Initialise [start, stop) of run r, which is off the pending run already
 * (the caller moved r's start or end), as the eager init path does. */
static bool grow_piece(struct pa_heap *h, unsigned node, uint64_t start,
                       uint64_t stop)
{
    /* Off the pending run, but still "not yours to free" until done. */
    size_t slot = 0;
    while (slot < PAI_MAX_INFLIGHT && h->inflight_used[slot])
        slot++;
    if (slot == PAI_MAX_INFLIGHT)
        return false;
    h->inflight[slot] = (struct pai_run){ start, stop, node };
    h->inflight_used[slot] = true;
    /* The same init path as eager (per-page node lookup, then chunks), as
     * the patch's free_heap_pages hands uninitialised pages to it. */
    pai_init_scanned(h, start, stop - start, pai_init_scrub(h));
    h->inflight_used[slot] = false;
    return true;
}

static bool inflight_full(const struct pa_heap *h)
{
    for (size_t i = 0; i < PAI_MAX_INFLIGHT; i++)
        if (!h->inflight_used[i])
            return false;
    return true;
}

/* Threads and the finishing call: the node's runs in hand-off order, each
 * from its bottom, a chunk (up to a max_order boundary) at a time.  With
 * every in-flight slot busy, grow nothing now rather than lose track. */
bool pai_lazy_grow(struct pa_heap *h, unsigned node)
{
    uint64_t block = 1ULL << h->max_order, start, stop;
    struct pai_run *r;

    if (!pa_strategy_is_lazy(h->strategy))
        return false;
    pai_node_touch(h, node, NULL, NULL, NULL);
    r = next_run(h, node);
    if (!r || inflight_full(h))
        return false;
    start = r->start;
    stop = ((start + block) & ~(block - 1));
    if (stop > r->end)
        stop = r->end;
    r->start = stop;
    return grow_piece(h, node, start, stop);
}

/* The highest block of 2^order pages, aligned, inside pending run r;
 * PA_INVALID_MFN if none fits. */
static uint64_t top_block(const struct pai_run *r, unsigned order)
{
    uint64_t n = 1ULL << order, b;

    if (r->end < n)
        return PA_INVALID_MFN;
    b = (r->end & ~(n - 1)) - n;
    return b >= r->start && r->end - r->start >= n ? b : PA_INVALID_MFN;
}

/*
 * Allocations: grow what an eager heap would serve from.  Eager serves the
 * highest zone that has a block of the order; so find the pending run of
 * the node whose highest aligned 2^order block is highest, and grow it
 * from its top, a chunk (down to a max_order boundary) at a time, while
 * that block's zone is above fit_zone (the zone the lists could serve
 * now, -1 if none).  A request no pending run can meet grows nothing.
 */
/* The pending run of node whose highest aligned 2^order block is
 * highest, and that block (*b); NULL if no pending run holds one. */
static struct pai_run *best_run(struct pa_heap *h, unsigned node,
                                unsigned order, uint64_t *b)
{
    struct pai_run *best = NULL;

    for (size_t i = h->run_cursor[node]; i < h->nr_runs; i++) {
        struct pai_run *r = &h->runs[i];
        uint64_t t;
        if (r->node != node || r->start >= r->end)
            continue;
        t = top_block(r, order);
        if (t != PA_INVALID_MFN && (!best || t > *b)) {
            best = r;
            *b = t;
        }
    }
    return best;
}

bool pai_lazy_grow_for(struct pa_heap *h, unsigned node, unsigned order,
                       int fit_zone)
{
    uint64_t block = 1ULL << h->max_order, b = 0, start, stop;
    struct pai_run *best;

    if (!pa_strategy_is_lazy(h->strategy) || inflight_full(h))
        return false;
    best = best_run(h, node, order, &b);
    if (!best || (int)pa_mfn_zone(b) <= fit_zone)
        return false;
    if (!h->meta_decided[node] || !h->node_avail[node]) {
        /* The node's heap first (its metadata may shorten a run). */
        pai_node_touch(h, node, NULL, NULL, NULL);
        best = best_run(h, node, order, &b);
        if (!best || (int)pa_mfn_zone(b) <= fit_zone)
            return false;
    }
    stop = best->end;
    start = (stop - 1) & ~(block - 1);
    if (start < best->start)
        start = best->start;
    best->end = start;
    return grow_piece(h, node, start, stop);
}

int pa_lazy_finish(struct pa_heap *h, int node)
{
    if (h->deferred)
        pa_deferred_join(h, NULL);
    pai_lock(h);
    for (unsigned n = 0; n < h->nr_nodes; n++) {
        if (node >= 0 && (unsigned)node != n)
            continue;
        if (pa_lazy_pending(h, (int)n))
            pai_node_touch(h, n, NULL, NULL, NULL);
        while (pai_lazy_grow(h, n))
            ;
    }
    pai_autocheck(h);
    pai_unlock(h);
    return 0;
}

/* ------------------------------------------------------------------------
 * Deferred: one background thread per node
 * ------------------------------------------------------------------------ */

struct node_job {
    struct pai_deferred *d;
    unsigned node;
};

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* A node's job, on its own thread or on one the caller lent (runner). */
static void node_job_run(void *arg)
{
    struct node_job *job = arg;
    struct pai_deferred *d = job->d;
    struct pa_heap *h = d->heap;
    unsigned node = job->node;
    uint64_t t0;
    bool more;

    free(job);
    if (d->bind)
        d->bind(node, d->bind_arg);
    t0 = now_ns();
    do {
        pai_lock(h);
        more = pai_lazy_grow(h, node);
        pai_autocheck(h);
        pai_unlock(h);
    } while (more);
    d->busy_ns[node] = now_ns() - t0;
}

static void *node_thread(void *arg)
{
    node_job_run(arg);
    return NULL;
}

/*
 * Node threads run on stacks mapped and pre-faulted when the strategy is
 * set, outside any timed region: a fresh pthread stack takes page faults
 * when first touched, which would land in the deferred benchmark's timing.
 */
int pai_thread_stacks(struct pa_heap *h)
{
    size_t len = (size_t)h->nr_nodes * PAI_THREAD_STACK;

    if (h->stacks || h->runner.run)
        return 0;   /* mapped already, or the caller's threads run the jobs */
    h->stacks = mmap(NULL, len, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (h->stacks == MAP_FAILED) {
        h->stacks = NULL;
        return -ENOMEM;
    }
    if (h->ft_lent)     /* a lent table: nothing is timed, nothing pre-faulted */
        return 0;
#ifdef MADV_POPULATE_WRITE
    if (madvise(h->stacks, len, MADV_POPULATE_WRITE) == 0)
        return 0;
#endif
    for (size_t off = 0; off < len; off += 4096)
        ((volatile char *)h->stacks)[off] = 0;
    return 0;
}

static int start_thread(struct pa_heap *h, struct pai_deferred *d, unsigned n,
                        struct node_job *job)
{
    pthread_attr_t attr;
    int rc;

    if (h->runner.run)
        return h->runner.run(h->runner.ctx, n, node_job_run, job) ? -EAGAIN : 0;
    if (pthread_attr_init(&attr))
        return -EAGAIN;
    rc = pthread_attr_setstack(&attr, (char *)h->stacks + (size_t)n * PAI_THREAD_STACK,
                               PAI_THREAD_STACK);
    if (!rc)
        rc = pthread_create(&d->tid[n], &attr, node_thread, job);
    pthread_attr_destroy(&attr);
    return rc ? -EAGAIN : 0;
}

int pa_deferred_start(struct pa_heap *h, pa_thread_bind_fn bind, void *arg)
{
    struct pai_deferred *d;

    if (h->strategy != PA_STRAT_DEFERRED || h->deferred)
        return -EINVAL;
    if (pai_thread_stacks(h))
        return -ENOMEM;
    d = calloc(1, sizeof *d);
    if (!d)
        return -ENOMEM;
    *d = (struct pai_deferred){ .bind = bind, .bind_arg = arg, .heap = h };
    h->deferred = d;
    for (unsigned n = 0; n < h->nr_nodes; n++) {
        struct node_job *job;
        if (!pa_lazy_pending(h, (int)n))
            continue;
        job = malloc(sizeof *job);
        if (!job)
            return -ENOMEM;     /* started threads are joined later */
        *job = (struct node_job){ d, n };
        if (start_thread(h, d, n, job)) {
            free(job);
            return -EAGAIN;
        }
        d->started[n] = true;
    }
    return 0;
}

int pa_deferred_join(struct pa_heap *h, uint64_t *busy_ns)
{
    struct pai_deferred *d = h->deferred;
    uint64_t busy = 0;

    if (!d)
        return -EINVAL;
    for (unsigned n = 0; n < PA_MAX_NODES; n++) {
        if (!d->started[n])
            continue;
        if (h->runner.run)
            h->runner.wait(h->runner.ctx, n);
        else
            pthread_join(d->tid[n], NULL);
        busy += d->busy_ns[n];
    }
    h->deferred = NULL;
    free(d);
    if (busy_ns)
        *busy_ns = busy;
    return 0;
}

int pa_heap_set_runner(struct pa_heap *h, const struct pa_runner *r)
{
    if (h->deferred)
        return -EBUSY;  /* its threads would be waited for the wrong way */
    if (r && (!r->run || !r->wait))
        return -EINVAL;
    h->runner = r ? *r : (struct pa_runner){ 0 };
    return 0;
}
