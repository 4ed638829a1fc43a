/*
 * init.c - handing RAM to the heap eagerly: init_heap_pages (page-wise as
 * Xen up to 4.16, or in aligned chunks as Xen 4.17), node metadata, MFN 0,
 * and the live-update "initialise as in use" path.
 *
 * Metadata rule, Xen's init_node_heap: the first node handed RAM uses
 * static storage; any other takes PA_NODE_META_PAGES pages from the tail
 * or head of its first run in hand-off order (a run is a contiguous piece
 * of one node, MFN 0 removed), none if that run is too short; page-wise
 * strategies judge tail or head on the whole range handed in, as 4.16.
 * Lazy heaps look first at the runs that end_boot_allocator recorded.
 */
#include <string.h>

#include "alloc/internal.h"

/* ------------------------------------------------------------------------
 * Strategies
 * ------------------------------------------------------------------------ */

static const char *const strategy_names[PA_NR_STRATEGIES] = {
    [PA_STRAT_PAGEWISE] = "pagewise",
    [PA_STRAT_CHUNKED] = "chunked",
    [PA_STRAT_PATCH] = "patch",
    [PA_STRAT_LAZY] = "lazy",
    [PA_STRAT_DEFERRED] = "deferred",
};

const char *pa_strategy_name(enum pa_strategy s)
{
    return (unsigned)s < PA_NR_STRATEGIES ? strategy_names[s] : "?";
}

int pa_strategy_parse(const char *name)
{
    for (int s = 0; s < PA_NR_STRATEGIES; s++)
        if (!strcmp(name, strategy_names[s]))
            return s;
    return -EINVAL;
}

enum pa_encoding pa_strategy_default_encoding(enum pa_strategy s)
{
    return s == PA_STRAT_PATCH || pa_strategy_is_lazy(s) ? PA_ENC_UNINIT
                                                         : PA_ENC_LEGACY;
}

bool pa_strategy_is_lazy(enum pa_strategy s)
{
    return s == PA_STRAT_LAZY || s == PA_STRAT_DEFERRED;
}

int pa_heap_set_strategy(struct pa_heap *h, enum pa_strategy s)
{
    bool uninit = pa_strategy_default_encoding(s) == PA_ENC_UNINIT;

    if ((unsigned)s >= PA_NR_STRATEGIES ||
        (uninit && h->enc != PA_ENC_UNINIT) ||
        (pa_strategy_is_lazy(s) && h->reserve_boundary))
        return -EINVAL;
    if (s == PA_STRAT_DEFERRED && pai_thread_stacks(h))
        return -ENOMEM;
    h->strategy = s;
    return 0;
}

enum pa_strategy pa_heap_strategy(const struct pa_heap *h)
{
    return h->strategy;
}

/* ------------------------------------------------------------------------
 * Runs: single-node pieces of a range
 * ------------------------------------------------------------------------ */

int pai_for_each_run(struct pa_heap *h, uint64_t mfn, uint64_t nr,
                     pai_run_fn fn, void *arg)
{
    uint64_t end = mfn + nr;

    if (end < mfn)
        return -EINVAL;
    while (mfn < end) {
        long r = pai_range_of(h, mfn);
        uint64_t stop;
        int rc;

        if (r < 0)
            return -EINVAL;     /* a hole: not RAM */
        stop = h->ranges[r].end < end ? h->ranges[r].end : end;
        rc = fn(h, mfn, stop - mfn, h->ranges[r].node, arg);
        if (rc)
            return rc;
        mfn = stop;
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * Node metadata and MFN 0
 * ------------------------------------------------------------------------ */

static void mark_pages(struct pa_heap *h, uint64_t mfn, uint64_t nr,
                       uint64_t count_info)
{
    for (uint64_t i = 0; i < nr; i++) {
        struct pa_page *pg = &h->ft[pai_mfn_to_pdx(h, mfn + i)];
        pg->count_info = count_info;
        pg->owner = 0;
    }
}

static void take_meta(struct pa_heap *h, unsigned node, uint64_t mfn)
{
    mark_pages(h, mfn, PA_NODE_META_PAGES, h->raw[PA_STATE_INUSE] | PA_PGC_META);
    h->node_meta[node] = true;
}

/* Xen's init_node_heap on [*s, *e) for a node other than the first:
 * use_tail as its caller computes it (the start aligned to MAX_ORDER,
 * find_first_set_bit(e) <= find_first_set_bit(s)), the tail or the head;
 * too short a range takes nothing.  4.17 (_init_heap_pages, RELEASE-4.17.0
 * lines 1797-1808) passes the node's run; 4.16 (init_heap_pages,
 * RELEASE-4.16.0 lines 1816-1838) passes the rest of the range handed in,
 * which may hold other nodes, and also asks that its last page be on the
 * node (phys_to_nid(e - 1)): always true of a run. */
static void place_meta(struct pa_heap *h, unsigned node, uint64_t *s, uint64_t *e)
{
    bool use_tail = !(*s & pai_mask(h->max_order)) && *s &&
                    __builtin_ctzll(*e) <= __builtin_ctzll(*s) &&
                    pai_mfn_to_node(h, *e - 1) == (int)node;

    if (*e - *s < PA_NODE_META_PAGES)
        return;
    if (use_tail) {
        *e -= PA_NODE_META_PAGES;
        take_meta(h, node, *e);
    } else {
        take_meta(h, node, *s);
        *s += PA_NODE_META_PAGES;
    }
}

/* The node's first pending lazy run (its first run in hand-off order). */
static struct pai_run *pending_run(struct pa_heap *h, unsigned node)
{
    for (size_t i = h->run_cursor[node]; i < h->nr_runs; i++)
        if (h->runs[i].node == node && h->runs[i].start < h->runs[i].end)
            return &h->runs[i];
    return NULL;
}

void pai_node_touch(struct pa_heap *h, unsigned node, uint64_t *mfn, uint64_t *nr,
                    uint64_t *range_end)
{
    h->node_avail[node] = &h->avail[(size_t)node * PA_NR_ZONES];
    if (h->mfn0_pending && pa_mfn_to_node(h, 0) == (int)node) {
        mark_pages(h, 0, 1, h->raw[PA_STATE_INUSE] | PA_PGC_RESERVED);
        h->mfn0_pending = false;
    }
    if (h->meta_decided[node])
        return;
    struct pai_run *r = pending_run(h, node);
    if (!r && !(nr && *nr))
        return;             /* decided by the node's first non-empty run */
    if (h->first_node < 0)
        h->first_node = (int)node;
    if (h->first_node == (int)node) {
        h->meta_decided[node] = true;       /* Xen: _heap_static */
    } else if (r) {
        place_meta(h, node, &r->start, &r->end);
        h->meta_decided[node] = true;
    } else {
        uint64_t stop = *mfn + *nr, e = range_end ? *range_end : stop;

        place_meta(h, node, mfn, &e);
        if (range_end)
            *range_end = e;
        if (e < stop)
            stop = e;
        *nr = stop > *mfn ? stop - *mfn : 0;
        h->meta_decided[node] = true;
    }
}

/* ------------------------------------------------------------------------
 * Eager initialisation
 * ------------------------------------------------------------------------ */

bool pai_boundary_page(const struct pa_heap *h, uint64_t mfn)
{
    int prev;

    if (!mfn || !(mfn & pai_mask(h->max_order)))
        return false;
    prev = pai_mfn_to_node(h, mfn - 1);
    return prev >= 0 && prev != pai_mfn_to_node(h, mfn);
}

/* Xen up to 4.16 (and the patch as posted, on top of it): per page, a
 * node lookup (here node_run's, which found this run), a check that the
 * node's heap exists, then one free_heap_pages call (with its own lookup);
 * the patch first sets an uninitialised page in use. */
static inline __attribute__((always_inline))
void init_pages(struct pa_heap *h, uint64_t mfn, uint64_t nr, unsigned node,
                bool scrub, enum pa_encoding e)
{
    pa_pdx_t pdx = pai_mfn_to_pdx(h, mfn);
    struct pa_page *pg = &h->ft[pdx];   /* Xen's loop steps the page */

    for (uint64_t i = 0; i < nr; i++, pdx++, pg++) {
        if (!h->node_avail[node])
            abort();                /* the run's node was touched above */
        /* Xen <= 4.16: free_heap_pages per page, the lock taken per call.
         * The lock is let go between pages, never between setting a page
         * in use and freeing it: a deferred thread (or a bogus free) seeing
         * that page "in use" in between would free it twice. */
        pai_call_boundary(h);
        pai_set_inuse(pg, 1, e);
        h->free_block(h, mfn + i, pdx, 0, scrub);
    }
}

static void init_pagewise(struct pa_heap *h, uint64_t mfn, uint64_t nr,
                          unsigned node, bool scrub)
{
    if (h->enc == PA_ENC_UNINIT)    /* once per run, as Xen's build fixes it */
        init_pages(h, mfn, nr, node, scrub, PA_ENC_UNINIT);
    else
        init_pages(h, mfn, nr, node, scrub, PA_ENC_LEGACY);
}

uint64_t pai_init_run(struct pa_heap *h, uint64_t mfn, uint64_t nr, unsigned node,
                      enum pa_strategy s, bool scrub, uint64_t *range_end)
{
    uint64_t stop = mfn + nr;

    if (mfn == 0 && nr) {
        /* MFN 0 stays out: merging with it would cross zones. */
        mark_pages(h, 0, 1, h->raw[PA_STATE_INUSE] | PA_PGC_RESERVED);
        mfn++;
        nr--;
    }
    if (nr && h->reserve_boundary && pai_boundary_page(h, mfn)) {
        /* Pre-2010: no merged block can hold this page, so none spans the
         * boundary, though merges never look at nodes. */
        mark_pages(h, mfn, 1, h->raw[PA_STATE_INUSE] | PA_PGC_RESERVED);
        mfn++;
        nr--;
    }
    pai_node_touch(h, node, &mfn, &nr, range_end);
    if (s == PA_STRAT_PAGEWISE || s == PA_STRAT_PATCH)
        init_pagewise(h, mfn, nr, node, scrub);
    else
        pai_free_chunked(h, mfn, nr, scrub);
    return mfn > stop ? mfn : stop;
}

/* Debug: pages handed to init must not be in the heap or kept out of it. */
static int check_init(struct pa_heap *h, uint64_t mfn, uint64_t nr,
                      unsigned node, void *arg)
{
    (void)node;
    (void)arg;
#if PA_DEBUG >= 1
    for (uint64_t i = 0; i < nr; i++) {
        const struct pa_page *pg = &h->ft[pai_mfn_to_pdx(h, mfn + i)];
        if (pa_page_state_is(h, pg, PA_STATE_FREE) ||
            (pg->count_info & (PA_PGC_META | PA_PGC_RESERVED)))
            return -EINVAL;
    }
    if (pai_overlaps_pending(h, mfn, nr))
        return -EINVAL;
#else
    (void)h, (void)mfn, (void)nr;
#endif
    return 0;
}

/* Xen has no range table at hand here: it finds where a node's run ends
 * by looking up each page's node (phys_to_nid(page_to_maddr(pg + i)),
 * from the page pointer as 4.17's init_heap_pages does), so do the same.
 * Callers pass RAM only (checked, or recorded by end_boot_allocator),
 * whose pdx are consecutive. */
static __attribute__((noinline))
uint64_t node_run(const struct pa_heap *h, const struct pa_page *pg,
                  uint64_t nr, int node)
{
    pa_pdx_t pdx = (pa_pdx_t)(pg - h->ft);
    uint64_t len = 1;

    if (h->xen == PA_XEN_4_17)      /* one test per run, not per page */
        while (len < nr && pai_page_node_417(h, pg + len) == node)
            len++;
    else
        while (len < nr && pai_pdx_node(h, pdx + (pa_pdx_t)len) == node)
            len++;
    return len;
}

void pai_init_scanned(struct pa_heap *h, uint64_t mfn, uint64_t nr, bool scrub)
{
    /* Page-wise init is 4.16's: its metadata rule sees the whole range. */
    bool whole = h->strategy == PA_STRAT_PAGEWISE || h->strategy == PA_STRAT_PATCH;
    uint64_t end = mfn + nr;

    while (mfn < end) {
        pa_pdx_t pdx = pai_mfn_to_pdx(h, mfn);
        int node = pai_page_node(h, pdx);
        uint64_t len = node_run(h, &h->ft[pdx], end - mfn, node);

        mfn = pai_init_run(h, mfn, len, (unsigned)node, h->strategy, scrub,
                           whole ? &end : NULL);
    }
}

int pai_init_range(struct pa_heap *h, uint64_t mfn, uint64_t nr, bool scrub)
{
    int rc = pai_for_each_run(h, mfn, nr, check_init, NULL);

    if (!rc)
        pai_init_scanned(h, mfn, nr, scrub);
    return rc;
}

int pa_init_heap_pages(struct pa_heap *h, uint64_t mfn, uint64_t nr)
{
    int rc;

    pai_lock(h);
    rc = pai_init_range(h, mfn, nr, pai_init_scrub(h));
    pai_autocheck(h);
    pai_unlock(h);
    return rc;
}

/* ------------------------------------------------------------------------
 * Live update: pages already given away
 * ------------------------------------------------------------------------ */

struct inuse_arg {
    uint64_t owner;
};

static int inuse_run_cb(struct pa_heap *h, uint64_t mfn, uint64_t nr,
                        unsigned node, void *arg)
{
    const struct inuse_arg *a = arg;

    if (mfn == 0) {
        /* An init path: MFN 0 stays out of the heap, in use or not. */
        mark_pages(h, 0, 1, h->raw[PA_STATE_INUSE] | PA_PGC_RESERVED);
        mfn++;
        nr--;
    }
    pai_node_touch(h, node, NULL, NULL, NULL);
    for (uint64_t i = 0; i < nr; i++) {
        struct pa_page *pg = &h->ft[pai_mfn_to_pdx(h, mfn + i)];
        pg->count_info = h->raw[PA_STATE_INUSE];
        pg->owner = a->owner;
    }
    return 0;
}

int pa_init_inuse(struct pa_heap *h, uint64_t mfn, uint64_t nr, uint64_t owner)
{
    struct inuse_arg a = { owner };
    int rc;

    pai_lock(h);
    rc = pai_for_each_run(h, mfn, nr, check_init, NULL);
    if (!rc)
        rc = pai_for_each_run(h, mfn, nr, inuse_run_cb, &a);
    pai_autocheck(h);
    pai_unlock(h);
    return rc;
}
