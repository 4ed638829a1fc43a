/*
 * buddy.c - the buddy allocator: free lists heap(node, zone, order), the
 * availability counters, free_heap_pages and alloc_heap_pages.
 *
 * As in Xen: a freed block merges with its buddy while the buddy is free,
 * of the same order and on the same node, up to max_order; an allocation
 * tries the requested node first, the highest zone first, the smallest
 * order that fits, and splits, returning the top part of the block.  Lists
 * are doubly linked through 32-bit frame-table indices.  Differences from
 * Xen: no scrubbing, no claims, no per-domain accounting; nodes are tried
 * in increasing order from the requested one rather than by distance.
 */
#include "alloc/internal.h"

#ifdef PAI_COUNT_LOOKUPS
uint64_t pai_node_lookups;
#endif

/* ------------------------------------------------------------------------
 * Lists
 * ------------------------------------------------------------------------ */

struct pai_list *pai_list(struct pa_heap *h, unsigned node, unsigned zone,
                          unsigned order)
{
    size_t i = ((size_t)node * PA_NR_ZONES + zone) * (h->max_order + 1) + order;

    return &h->lists[i];
}

/* The list operations are inline where Xen's page_list_* are (Xen's
 * xen/include/xen/mm.h); the extern copies serve the other files. */
#define PAI_INLINE static inline __attribute__((always_inline))

/* New free blocks go to the head, allocations take the head (as Xen). */
PAI_INLINE void list_add_head(struct pa_heap *h, pa_pdx_t pdx, unsigned node,
                              unsigned zone, unsigned order)
{
    struct pai_list *l = pai_list(h, node, zone, order);
    struct pa_page *pg = &h->ft[pdx];

    pai_touch_block(h, pdx, node, zone, order);
    pg->prev = PA_PDX_NONE;
    pg->next = l->head;
    if (l->head != PA_PDX_NONE)
        h->ft[l->head].prev = pdx;
    else
        l->tail = pdx;
    l->head = pdx;
}

/* Dirty blocks go to the tail (Xen's page_list_add_tail). */
PAI_INLINE void list_add_tail(struct pa_heap *h, pa_pdx_t pdx, unsigned node,
                              unsigned zone, unsigned order)
{
    struct pai_list *l = pai_list(h, node, zone, order);
    struct pa_page *pg = &h->ft[pdx];

    pai_touch_block(h, pdx, node, zone, order);
    pg->next = PA_PDX_NONE;
    pg->prev = l->tail;
    if (l->tail != PA_PDX_NONE)
        h->ft[l->tail].next = pdx;
    else
        l->head = pdx;
    l->tail = pdx;
}

PAI_INLINE void list_del(struct pa_heap *h, pa_pdx_t pdx, unsigned node,
                         unsigned zone, unsigned order)
{
    struct pai_list *l = pai_list(h, node, zone, order);
    struct pa_page *pg = &h->ft[pdx];

    pai_touch_block(h, pdx, node, zone, order);
    if (pg->prev != PA_PDX_NONE)
        h->ft[pg->prev].next = pg->next;
    else
        l->head = pg->next;
    if (pg->next != PA_PDX_NONE)
        h->ft[pg->next].prev = pg->prev;
    else
        l->tail = pg->prev;
}

void pai_list_add(struct pa_heap *h, pa_pdx_t pdx, unsigned node,
                  unsigned zone, unsigned order)
{
    list_add_head(h, pdx, node, zone, order);
}

void pai_list_add_tail(struct pa_heap *h, pa_pdx_t pdx, unsigned node,
                       unsigned zone, unsigned order)
{
    list_add_tail(h, pdx, node, zone, order);
}

void pai_list_del(struct pa_heap *h, pa_pdx_t pdx, unsigned node,
                  unsigned zone, unsigned order)
{
    list_del(h, pdx, node, zone, order);
}

/* ------------------------------------------------------------------------
 * Freeing and merging (mechanism)
 *
 * Each step Xen's free_heap_pages takes per page and per merge is here;
 * alloc/README.md maps them one by one.
 * ------------------------------------------------------------------------ */

/* Dirty blocks go to the tail, so allocations find clean ones first (Xen's
 * page_list_add_scrub: out of line in Xen's build, the list adds in it). */
__attribute__((noinline))
void pai_list_add_scrub(struct pa_heap *h, pa_pdx_t pdx, unsigned node,
                        unsigned zone, unsigned order, uint32_t first_dirty)
{
    struct pa_page *pg = &h->ft[pdx];

    pg->order = order;
    pg->first_dirty = first_dirty;
    pg->scrub_state = 0;
    if (first_dirty == PA_DIRTY_NONE)
        list_add_head(h, pdx, node, zone, order);
    else
        list_add_tail(h, pdx, node, zone, order);
}

/* The same for a head whose first_dirty is already set (free's merged
 * block: Xen passes pg->u.free.first_dirty). */
__attribute__((noinline))
void pai_list_add_scrub_head(struct pa_heap *h, pa_pdx_t pdx, unsigned node,
                             unsigned zone, unsigned order)
{
    struct pa_page *pg = &h->ft[pdx];

    pg->order = order;
    pg->scrub_state = 0;
    if (pg->first_dirty == PA_DIRTY_NONE)
        list_add_head(h, pdx, node, zone, order);
    else
        list_add_tail(h, pdx, node, zone, order);
}

__attribute__((noinline))
bool pai_mfn_valid(const struct pa_heap *h, uint64_t mfn, pa_pdx_t pdx)
{
    size_t c = pdx >> h->chunk_order;
    bool over = mfn >= h->max_page;

    if (h->branch_harden)
        pai_lfence();       /* evaluate_nospec: fenced on both outcomes */
    if (over)
        return false;
    return !(mfn & h->pfn_hole_mask) &&
           ((h->chunk_valid[c / 64] >> (c % 64)) & 1);
}

__attribute__((noinline))
void pai_set_m2p(struct pa_heap *h, pa_pdx_t pdx, uint64_t entry)
{
    if (!h->m2p_valid)
        return;             /* Xen: !machine_to_phys_mapping_valid */
    h->m2p[pdx] = entry;
}

/* How a free looks nodes up, fixed when the heap is made (as a Xen build
 * fixes it): 4.17's PDX arithmetic, 4.18's plain load, or pre-2010
 * merging that ignores nodes. */
enum free_mode { FREE_417, FREE_418, FREE_PRE2010 };

static inline __attribute__((always_inline))
int free_node(const struct pa_heap *h, pa_pdx_t pdx, enum free_mode m)
{
    if (m == FREE_417)
        return pai_page_node_417(h, &h->ft[pdx]);
    if (m == FREE_418)
        return pai_pdx_node(h, pdx);
    return pai_page_node(h, pdx);
}

static inline __attribute__((always_inline))
bool buddy_mergeable(const struct pa_heap *h, uint64_t bmfn, pa_pdx_t bpdx,
                     unsigned order, unsigned node, enum free_mode m,
                     enum pa_encoding e)
{
    const struct pa_page *b = &h->ft[bpdx];

    return pai_mfn_valid(h, bmfn, bpdx) &&
           (b->count_info & PA_PGC_STATE_MASK) == pai_raw(e, PA_STATE_FREE) &&
           b->order == order &&
           (m == FREE_PRE2010 || free_node(h, bpdx, m) == (int)node);
}

/* Xen's mark_page_free, page by page: the state must be "in use" (and
 * not broken); the page becomes free; an owned page needs a TLB flush
 * before reuse and gets the flush clock; the owner is cleared; its M2P
 * entry is invalidated once the heap is past boot.  Then, as 4.17's
 * free_heap_pages, need_scrub is its own read-modify-write of count_info
 * (xen/common/page_alloc.c, free_heap_pages, RELEASE-4.17.0). */
PAI_INLINE bool mark_pages_free(struct pa_heap *h, pa_pdx_t pdx, uint64_t n,
                                bool need_scrub, enum pa_encoding e)
{
    bool offlined = false;
    uint32_t clock = h->tlbflush_clock;

    for (uint64_t i = 0; i < n; i++) {
        struct pa_page *pg = &h->ft[pdx + i];
        uint64_t owner = pg->owner;

        if ((pg->count_info & PA_PGC_STATE_MASK) == pai_raw(e, PA_STATE_INUSE)) {
            if (pg->count_info & PA_PGC_BROKEN)
                abort();    /* Xen: BUG_ON(pg->count_info & PGC_broken) */
            pg->count_info = pai_raw(e, PA_STATE_FREE);
        } else if ((pg->count_info & PA_PGC_STATE_MASK) ==
                   pai_raw(e, PA_STATE_OFFLINING)) {
            pg->count_info = pai_raw(e, PA_STATE_OFFLINED);
            offlined = true;
        } else {
            abort();        /* Xen: BUG() (misuse is refused before this) */
        }
        pg->owner = 0;
        pg->need_tlbflush = owner != 0;
        if (owner)
            pg->tlbflush_timestamp = clock;
        pai_set_m2p(h, pdx + (pa_pdx_t)i, PAI_M2P_INVALID);
        if (need_scrub)
            pg->count_info |= PA_PGC_NEED_SCRUB;
    }
    return offlined;
}

static int free_uninit(struct pa_heap *h, uint64_t mfn, uint64_t nr,
                       bool need_scrub);

static inline __attribute__((always_inline))
int free_block(struct pa_heap *h, uint64_t mfn, pa_pdx_t pdx, unsigned order,
               bool need_scrub, enum free_mode m, enum pa_encoding e)
{
    uint64_t n = 1ULL << order;

    /* The patch: a block the heap never saw goes through heap init. */
    if (e == PA_ENC_UNINIT &&
        __builtin_expect((h->ft[pdx].count_info & PA_PGC_STATE_MASK) ==
                         pai_raw(e, PA_STATE_UNINIT), 0))    /* Xen: unlikely() */
        return free_uninit(h, mfn, n, need_scrub);

    unsigned node = (unsigned)free_node(h, pdx, m);  /* free_heap_pages' own */
    unsigned zone = pai_zone(mfn);
    bool offlined = mark_pages_free(h, pdx, n, need_scrub, e);
    pai_avail_adjust(h, node, zone, (int64_t)n);
    if (need_scrub)
        h->node_need_scrub[node] += n;
    h->ft[pdx].first_dirty = need_scrub ? 0 : PA_DIRTY_NONE;

    while (order < h->max_order) {
        pa_pdx_t bit = (pa_pdx_t)1 << order, bpdx = pdx ^ bit;
        struct pa_page *b = &h->ft[bpdx], *head = &h->ft[pdx];

        if (!buddy_mergeable(h, mfn ^ bit, bpdx, order, node, m, e))
            break;
        pai_stop_scrub(b);
        list_del(h, bpdx, node, zone, order);
        if (bpdx < pdx) {           /* the buddy becomes the head */
            if (b->first_dirty == PA_DIRTY_NONE && head->first_dirty != PA_DIRTY_NONE)
                b->first_dirty = bit + head->first_dirty;
            pdx = bpdx;
            mfn ^= bit;
        } else if (head->first_dirty == PA_DIRTY_NONE &&
                   b->first_dirty != PA_DIRTY_NONE) {
            head->first_dirty = bit + b->first_dirty;
        }
        order++;
    }
    pai_list_add_scrub_head(h, pdx, node, zone, order);
    if (offlined)
        pai_reserve_offlined(h, pdx, order, node, zone);
    return 0;
}

/* One copy per encoding and way of looking nodes up, both constants in
 * it (pai_free_fn). */
#define FREE_COPY(name, m, e)                                               \
    static int name(struct pa_heap *h, uint64_t mfn, pa_pdx_t pdx,          \
                    unsigned order, bool need_scrub)                        \
    {                                                                       \
        return free_block(h, mfn, pdx, order, need_scrub, m, e);            \
    }
FREE_COPY(free_legacy_417, FREE_417, PA_ENC_LEGACY)
FREE_COPY(free_legacy_418, FREE_418, PA_ENC_LEGACY)
FREE_COPY(free_legacy_pre2010, FREE_PRE2010, PA_ENC_LEGACY)
FREE_COPY(free_uninit_417, FREE_417, PA_ENC_UNINIT)
FREE_COPY(free_uninit_418, FREE_418, PA_ENC_UNINIT)
FREE_COPY(free_uninit_pre2010, FREE_PRE2010, PA_ENC_UNINIT)

pai_free_fn pai_free_block_for(const struct pa_heap *h)
{
    static const pai_free_fn copies[2][3] = {
        { free_legacy_417, free_legacy_418, free_legacy_pre2010 },
        { free_uninit_417, free_uninit_418, free_uninit_pre2010 },
    };
    enum free_mode m = h->reserve_boundary ? FREE_PRE2010
                     : h->xen == PA_XEN_4_17 ? FREE_417 : FREE_418;

    return copies[h->enc == PA_ENC_UNINIT][m];
}

/* The largest block that starts at mfn, is aligned and fits in nr pages. */
static unsigned chunk_order(const struct pa_heap *h, uint64_t mfn, uint64_t nr)
{
    unsigned order = mfn ? (unsigned)__builtin_ctzll(mfn) : h->max_order;
    unsigned fit = 63 - (unsigned)__builtin_clzll(nr);

    if (order > fit)
        order = fit;
    return order < h->max_order ? order : h->max_order;
}

static inline __attribute__((always_inline))
void free_chunks(struct pa_heap *h, uint64_t mfn, uint64_t nr, bool scrub,
                 enum pa_encoding e)
{
    while (nr) {
        unsigned order = chunk_order(h, mfn, nr);
        pa_pdx_t pdx = pai_mfn_to_pdx(h, mfn);

        /* One free_heap_pages call per block: the lock is let go between
         * blocks, never between setting a block in use and freeing it
         * (a free of it in between would free it twice). */
        pai_call_boundary(h);
        pai_set_inuse(&h->ft[pdx], 1ULL << order, e);
        h->free_block(h, mfn, pdx, order, scrub);
        mfn += 1ULL << order;
        nr -= 1ULL << order;
    }
}

void pai_free_chunked(struct pa_heap *h, uint64_t mfn, uint64_t nr, bool scrub)
{
    if (h->enc == PA_ENC_UNINIT)    /* once per run, as Xen's build fixes it */
        free_chunks(h, mfn, nr, scrub, PA_ENC_UNINIT);
    else
        free_chunks(h, mfn, nr, scrub, PA_ENC_LEGACY);
}

/* ------------------------------------------------------------------------
 * free_heap_pages (policy and misuse checks)
 * ------------------------------------------------------------------------ */

/* Uninitialised pages (boot allocations in the uninit encoding) go
 * through the init path, as in the PGC_state_uninitialised patch. */
static int free_uninit(struct pa_heap *h, uint64_t mfn, uint64_t nr,
                       bool need_scrub)
{
#if PA_DEBUG >= 1
    for (uint64_t i = 0; i < nr; i++)
        if (!pa_mfn_is_ram(h, mfn + i) || !pai_block_uninit(h, mfn + i))
            return -EINVAL;
    if (pai_overlaps_pending(h, mfn, nr))
        return -EINVAL;     /* never allocated: still waiting for lazy init */
#endif
    /* The patch passes the freeing caller's need_scrub on to heap init
     * (the public frees are clean: need_scrub false). */
    return pai_init_range(h, mfn, nr, need_scrub);
}

/* Misuse is refused in debug builds only, so a release build pays what
 * Xen's free_heap_pages pays (Xen only ASSERTs the order). */
static inline __attribute__((always_inline))
int free_locked(struct pa_heap *h, uint64_t mfn, pa_pdx_t pdx, unsigned order)
{
#if PA_DEBUG >= 1
    int rc = pai_check_free(h, mfn, pdx, order);

    if (rc)
        return rc;
#endif
    return h->free_block(h, mfn, pdx, order, false);
}

int pa_free_heap_pages(struct pa_heap *h, uint64_t mfn, unsigned order)
{
    pa_pdx_t pdx = pai_mfn_to_pdx(h, mfn);
    int rc;

    if (pdx == PA_PDX_NONE)
        return -EINVAL;     /* no frame table here: not RAM */
    pai_lock(h);
    rc = free_locked(h, mfn, pdx, order);
    pai_autocheck(h);
    pai_unlock(h);
    return rc;
}

int pa_free_heap_pages_at(struct pa_heap *h, struct pa_page *pg, unsigned order)
{
    pa_pdx_t pdx = (pa_pdx_t)(pg - h->ft);
    int rc;

#if PA_DEBUG >= 1
    if (pg < h->ft || (size_t)(pg - h->ft) >= h->ft_entries)
        return -EINVAL;     /* not a page of the frame table */
#endif
    pai_lock(h);
    rc = free_locked(h, pai_pdx_to_mfn(h, pdx), pdx, order);
    pai_autocheck(h);
    pai_unlock(h);
    return rc;
}

static int free_run(struct pa_heap *h, uint64_t mfn, uint64_t nr,
                    unsigned node, void *arg)
{
    (void)node;
    (void)arg;
    if (mfn == 0 && (h->ft[pai_mfn_to_pdx(h, 0)].count_info & PA_PGC_RESERVED)) {
        mfn++;      /* initialised MFN 0 is kept out; skip it */
        nr--;
    }
    while (nr) {
        unsigned order = chunk_order(h, mfn, nr);
        int rc = free_locked(h, mfn, pai_mfn_to_pdx(h, mfn), order);

        if (rc)
            return rc;
        mfn += 1ULL << order;
        nr -= 1ULL << order;
    }
    return 0;
}

int pa_free_range(struct pa_heap *h, uint64_t mfn, uint64_t nr)
{
    int rc;

    pai_lock(h);
    if (nr && pai_block_uninit(h, mfn))
        rc = free_uninit(h, mfn, nr, false);
    else
        rc = pai_for_each_run(h, mfn, nr, free_run, NULL);
    pai_autocheck(h);
    pai_unlock(h);
    return rc;
}

/* ------------------------------------------------------------------------
 * alloc_heap_pages
 * ------------------------------------------------------------------------ */

/* The allocated pages, as 4.17's alloc_heap_pages under the lock: each
 * must be free (else BUG()); it becomes in use keeping PGC_need_scrub for
 * the pass after the lock; the TLB-flush need is gathered (Xen's
 * accumulate_tlbflush; the flush itself is not modelled); then Xen's two
 * stores: type_info = 0 in u (the model's owner word: the owner tag) and
 * page_set_owner(pg, NULL) in v (which overlays v.free.order: the order
 * field, cleared). */
PAI_INLINE void mark_pages_inuse(struct pa_heap *h, pa_pdx_t pdx, unsigned order,
                                 uint64_t owner, enum pa_encoding e)
{
    uint32_t flush_stamp = 0;

    for (uint64_t i = 0; i < (1ULL << order); i++) {
        struct pa_page *pg = &h->ft[pdx + i];
        uint64_t ci = pg->count_info;
        if ((ci & ~PA_PGC_NEED_SCRUB) != pai_raw(e, PA_STATE_FREE))
            abort();        /* Xen: BUG() */
        pg->count_info = pai_raw(e, PA_STATE_INUSE) | (ci & PA_PGC_NEED_SCRUB);
        if (pg->need_tlbflush && pg->tlbflush_timestamp > flush_stamp)
            flush_stamp = pg->tlbflush_timestamp;
        pg->owner = owner;
        pg->order = 0;
    }
    h->last_flush_stamp = flush_stamp;
}

/* The encoding tested once per call, its constants in each copy. */
PAI_INLINE void mark_inuse(struct pa_heap *h, pa_pdx_t pdx, unsigned order,
                           uint64_t owner)
{
    if (h->enc == PA_ENC_UNINIT)
        mark_pages_inuse(h, pdx, order, owner, PA_ENC_UNINIT);
    else
        mark_pages_inuse(h, pdx, order, owner, PA_ENC_LEGACY);
}

/* After the lock, when the block had dirty pages: each page's
 * PGC_need_scrub cleared with an atomic test-and-clear (the model has no
 * contents to scrub, as MEMF_no_scrub), and the node's count of dirty
 * pages lowered under the lock if any were (alloc_heap_pages, 4.17). */
static void clear_need_scrub(struct pa_heap *h, pa_pdx_t pdx, unsigned order,
                             unsigned node)
{
    uint64_t dirty = 0;

    for (uint64_t i = 0; i < (1ULL << order); i++)
        if (__atomic_fetch_and(&h->ft[pdx + i].count_info, ~PA_PGC_NEED_SCRUB,
                               __ATOMIC_SEQ_CST) & PA_PGC_NEED_SCRUB)
            dirty++;
    if (dirty) {
        pai_lock(h);
        h->node_need_scrub[node] -= dirty;
        pai_unlock(h);
    }
}

/* The same two for claim.c. */
void pai_mark_inuse(struct pa_heap *h, pa_pdx_t pdx, unsigned order, uint64_t owner)
{
    mark_inuse(h, pdx, order, owner);
}

void pai_clear_need_scrub(struct pa_heap *h, pa_pdx_t pdx, unsigned order,
                          unsigned node)
{
    clear_need_scrub(h, pdx, order, node);
}

/* The zone get_free_buddy would serve from now, or -1 if none can. */
static int fit_zone(struct pa_heap *h, unsigned node, unsigned order)
{
    for (int z = PA_NR_ZONES - 1; z >= 0; z--) {
        if (h->avail[(size_t)node * PA_NR_ZONES + z] < (1ULL << order))
            continue;
        for (unsigned j = order; j <= h->max_order; j++)
            if (pai_list(h, node, (unsigned)z, j)->head != PA_PDX_NONE)
                return z;
    }
    return -1;
}

/* get_free_buddy's memflags: Xen's MEMF_no_scrub and MEMF_exact_node. */
#define PAI_MEMF_NO_SCRUB   1u
#define PAI_MEMF_EXACT_NODE 2u

/* Xen's next_node()/first_node() over a one-word nodemask (MAX_NUMNODES
 * is 64 on x86): the lowest set bit at or above from, or PA_MAX_NODES.
 * Xen 4.17 xen/include/xen/nodemask.h (__next_node, __first_node) on x86's
 * find_next_bit (asm/bitops.h: a shift and __scanbit's bsf/cmovz). */
static inline unsigned node_from(uint64_t mask, unsigned from)
{
    if (from >= PA_MAX_NODES)
        return PA_MAX_NODES;
    mask >>= from;
    return mask ? from + (unsigned)__builtin_ctzll(mask) : PA_MAX_NODES;
}

/* Xen 4.17's get_free_buddy (xen/common/page_alloc.c, RELEASE-4.17.0
 * lines 817-919), out of line as in Xen's build and called with the
 * zone bounds as run-time arguments, as Xen's alloc_heap_pages passes
 * them (noipa: no copy specialised on them).  Its steps, paid in order:
 * a copy of node_online_map (no domain: no affinity to clamp it to);
 * from the requested node (Xen: node >= MAX_NUMNODES fails), per zone
 * from zone_hi down to zone_lo the test of avail[node] (a pointer, NULL
 * without heap structures) and of avail[node][zone] against the request,
 * the smallest order with a block, taken from the list's head; a dirty
 * block is taken as it is (the model allocates as MEMF_no_scrub) after
 * check_and_stop_scrub.  Then the next node: a node outside the mask
 * restarts at the mask's first node, else next_node wrapping to
 * first_node; back at the first node, one retry over the online nodes
 * not in the mask (none here: the mask is all of them) before failing.
 * Lazy heaps first grow the node's pending memory an eager heap would
 * serve from. */
__attribute__((noinline, noipa))
static pa_pdx_t get_free_buddy(struct pa_heap *h, unsigned zone_lo,
                               unsigned zone_hi, unsigned order,
                               unsigned memflags, int req_node)
{
    uint64_t mask = h->node_online;
    bool use_unscrubbed = memflags & PAI_MEMF_NO_SCRUB;
    unsigned node = req_node < 0 ? 0 : (unsigned)req_node, first, retry = 0;

    if (node >= PA_MAX_NODES)
        return PA_PDX_NONE;
    first = node;
    for (;;) {
        unsigned zone = zone_hi;

        while (h->nr_runs && pai_lazy_grow_for(h, node, order, fit_zone(h, node, order)))
            ;
        do {
            /* avail[node] read from memory per zone, as Xen's build does
             * (-fno-strict-aliasing: the put-back path's list stores may
             * alias it); a relaxed atomic load keeps it in the loop. */
            const uint64_t *av = __atomic_load_n(&h->node_avail[node], __ATOMIC_RELAXED);

            if (!av || av[zone] < (1ULL << order))
                continue;
            /* heap(node, zone, j) for j = order.. are adjacent lists. */
            const struct pai_list *l = pai_list(h, node, zone, order);

            for (unsigned j = order; j <= h->max_order; j++, l++) {
                pa_pdx_t pdx = l->head;

                if (pdx == PA_PDX_NONE)
                    continue;
                list_del(h, pdx, node, zone, j);
                if (h->ft[pdx].first_dirty != PA_DIRTY_NONE) {
                    /* Xen: a dirty block serves order 0 or MEMF_no_scrub,
                     * else it goes back to the tail. */
                    if (order && !use_unscrubbed) {
                        list_add_tail(h, pdx, node, zone, j);
                        continue;
                    }
                    pai_stop_scrub(&h->ft[pdx]);
                }
                return pdx;
            }
        } while (zone-- > zone_lo);
        if ((memflags & PAI_MEMF_EXACT_NODE) && req_node >= 0)
            return PA_PDX_NONE;
        if (!(mask >> node & 1)) {
            first = node = node_from(mask, 0);
            if (node < PA_MAX_NODES)
                continue;
        } else if ((node = node_from(mask, node + 1)) >= PA_MAX_NODES) {
            node = node_from(mask, 0);
        }
        if (node == first) {
            if (retry++)
                return PA_PDX_NONE;
            mask = h->node_online & ~mask;
            first = node = node_from(mask, 0);
            if (node >= PA_MAX_NODES)
                return PA_PDX_NONE;
        }
    }
}

/* An allocated block whose pages may need scrubbing (the pass after the
 * lock). */
struct pai_got {
    pa_pdx_t pdx;
    unsigned node;
    bool dirty;
};

/* alloc_heap_pages after get_free_buddy: the node from the page, the
 * split, the counters and the pages marked in use. */
static uint64_t alloc_found(struct pa_heap *h, pa_pdx_t pdx, unsigned order,
                            uint64_t owner, struct pai_got *got)
{
    /* As Xen, from the page: phys_to_nid, page_to_zone, PFN_ORDER. */
    unsigned node = (unsigned)pai_page_node(h, pdx);
    unsigned zone = pai_zone(pai_pdx_to_mfn(h, pdx)), j = h->ft[pdx].order;
    uint32_t fd = h->ft[pdx].first_dirty;

    /* Split as 4.17's alloc_heap_pages: keep the lower halves on the
     * lists, each with the first dirty page it holds, and return the top
     * part, whose first dirty page moves down with it. */
    while (j != order) {
        uint32_t half = 1U << --j;

        pai_list_add_scrub(h, pdx, node, zone, j, half > fd ? fd : PA_DIRTY_NONE);
        pdx += half;
        if (fd != PA_DIRTY_NONE)
            fd = fd >= half ? fd - half : 0;
    }
    pai_avail_adjust(h, node, zone, -(int64_t)(1ULL << order));
    mark_inuse(h, pdx, order, owner);
    *got = (struct pai_got){ pdx, node, fd != PA_DIRTY_NONE };
    return pai_pdx_to_mfn(h, pdx);
}

uint64_t pa_alloc_heap_pages(struct pa_heap *h, unsigned order, int node,
                             uint64_t owner)
{
    uint64_t mfn = PA_INVALID_MFN;
    unsigned first = node < 0 || (unsigned)node >= h->nr_nodes ? 0 : (unsigned)node;
    struct pai_got got = { 0, 0, false };
    pa_pdx_t found;

    if (order > h->max_order)
        return PA_INVALID_MFN;
    pai_lock(h);
    /* Xen refuses at once what all the free memory cannot hold (the claims
     * test, with no claims and no domain: request > total_avail_pages);
     * lazy heaps may still grow, so only an eager heap is refused here. */
    if ((1ULL << order) > h->total_avail && !h->nr_runs) {
        pai_unlock(h);
        return PA_INVALID_MFN;
    }
    found = get_free_buddy(h, 0, PA_NR_ZONES - 1, order, PAI_MEMF_NO_SCRUB, (int)first);
    if (found != PA_PDX_NONE)
        mfn = alloc_found(h, found, order, owner, &got);
    pai_autocheck(h);
    pai_unlock(h);
    if (got.dirty)
        clear_need_scrub(h, got.pdx, order, got.node);
    return mfn;
}
