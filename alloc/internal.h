/*
 * internal.h - what alloc/'s own files share; nothing outside alloc/ sees it.
 *
 * The frame table is indexed by "pdx" (Xen's name): MFNs with the holes
 * compressed out.  Compression works in chunks of 2^chunk_order pages,
 * chunk_order >= max_order (and >= 9, and coarse enough that the directory
 * has at most PAI_DIR_MAX entries): every chunk of address space that holds any RAM
 * gets a whole chunk of frame table, at a pdx that is a multiple of the
 * chunk size.  Since a buddy block never exceeds max_order, a block and its
 * buddy always share a chunk, so buddy arithmetic on pdx is the same as on
 * MFNs (pdx ^ 1 << order) and the hot paths never look the directory up.
 * Memory is proportional to RAM (rounded up to chunks), not to the highest
 * address.  Every chunk is pre-faulted whole, so holes inside a chunk read
 * as zero entries (never free) without a page fault.
 */
#ifndef PA_INTERNAL_H
#define PA_INTERNAL_H

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "alloc/heap.h"

#define PAI_CHUNK_ORDER_MIN 9
#define PAI_DIR_MAX (1UL << 20)
#define PAI_MAX_INFLIGHT (2 * PA_MAX_NODES)  /* node threads + callers */
#define PAI_DIR_ABSENT 0   /* zero, so a fresh zeroed directory is all absent */
#define PAI_NODE_MIXED (-1)
#define PAI_THREAD_STACK (256UL << 10)      /* per deferred node thread */

/* One directory entry per chunk of address space.  Absent is all zero, so
 * the directory comes from fresh zero pages and a sparse layout's holes
 * (up to PAI_DIR_MAX entries) are never written or even faulted in. */
struct pai_dir {
    uint32_t slot;         /* frame-table chunk index + 1, or PAI_DIR_ABSENT */
    int16_t node;          /* the node if all RAM here is one node, else MIXED */
    uint16_t full;         /* every page of the chunk is RAM */
};

/*
 * The heap lock: a ticket lock as Xen's spinlock.  Taking it is one atomic
 * fetch-and-add, dropping it a release store, whatever the process has
 * done before (a pthread mutex skips the atomic in a process that never
 * started a thread, which would make page-wise init look cheaper until
 * the first thread).  A waiter yields after a while: on a VM with fewer
 * CPUs than node threads, the holder may not be running.
 */
struct pai_ticket {
    _Atomic uint32_t next, owner;
};

struct pai_list {
    pa_pdx_t head, tail;
};

/* A run of RAM waiting for lazy initialisation, in hand-off order. */
struct pai_run {
    uint64_t start, end;
    unsigned node;
};

/*
 * What operations touched since the last autocheck, for the incremental
 * checker (check.c); recorded only at PA_DEBUG >= 3.  The blocks that
 * entered or left a list (merges and splits included) as frame-table
 * ranges, the first PAI_TOUCH_MAX of them and the span of all; the zones
 * whose lists or counters moved, per node.
 */
#define PAI_TOUCH_MAX 64
#define PAI_LIST_MOVED UINT64_MAX
struct pai_touched {
    pa_pdx_t pdx[PAI_TOUCH_MAX];
    uint8_t order[PAI_TOUCH_MAX];
    unsigned nr;                       /* touches, may exceed PAI_TOUCH_MAX */
    pa_pdx_t lo, hi;                   /* span of all touched blocks */
    uint64_t zones[PA_MAX_NODES];      /* bit z: zone z of the node */
    /* [node][zone][order]: pages in the list at its last clean walk, or
     * PAI_LIST_MOVED once a block entered or left it; a touched zone's
     * unmoved lists are then counted without a walk. */
    uint64_t *list_pages;
    unsigned every, since_full;        /* full check every N autochecks */
};

struct pai_deferred {
    pthread_t tid[PA_MAX_NODES];
    bool started[PA_MAX_NODES];
    uint64_t busy_ns[PA_MAX_NODES];
    pa_thread_bind_fn bind;
    void *bind_arg;
    struct pa_heap *heap;
    unsigned nr;
};

struct pa_heap {
    enum pa_encoding enc;
    enum pa_strategy strategy;
    unsigned max_order, chunk_order, nr_nodes;
    uint64_t raw[PA_NR_STATES];        /* raw count_info state per state */

    struct pa_range *ranges;           /* normalised layout */
    size_t nr_ranges;

    struct pai_dir *dir;               /* indexed by mfn >> chunk_order */
    uint8_t *nodemap;                  /* indexed by pdx >> node_shift */
    unsigned node_shift;
    size_t nodemap_len;
    uint64_t *chunk_valid;             /* bit per chunk (Xen: pdx_group_valid) */
    uint64_t max_page;                 /* highest RAM MFN + 1 (Xen's max_page) */
    uint64_t pfn_hole_mask;            /* Xen's; 0 here (no pdx hole bits) */
    bool branch_harden;                /* Xen's opt_branch_harden (default on) */
    enum pa_xen_version xen;           /* whose pdx arithmetic is paid */
    int (*free_block)(struct pa_heap *, uint64_t, pa_pdx_t, unsigned, bool);
    /* Xen's pfn_pdx_bottom_mask, pfn_top_mask, pfn_pdx_hole_shift as it
     * sets them when no hole bits are compressed: conversions through
     * them are the identity on the model's index, and cost what Xen's do. */
    uint64_t pdx_bottom_mask, pdx_top_mask;
    unsigned pdx_hole_shift;
    size_t dir_len;
    uint64_t *chunk_mfn;               /* chunk index -> first MFN */
    size_t nr_chunks;
    struct pa_page *ft;                /* the frame table */
    uint64_t *m2p;                     /* Xen's machine_to_phys_mapping, by pdx */
    size_t ft_entries, ft_bytes, ft_map_bytes;
    bool ft_lent;                      /* the caller's memory (cfg->table) */

    struct pai_list *lists;            /* [node][zone][order] */
    uint64_t *avail;                   /* [node][zone] */
    uint64_t total_avail;
    uint64_t node_need_scrub[PA_MAX_NODES]; /* dirty free pages (Xen's) */
    uint32_t tlbflush_clock;           /* Xen's tlbflush_clock (fixed here) */
    uint32_t last_flush_stamp;         /* the last allocation's flush need */
    bool booting;                      /* until end_boot_allocator returns */
    bool m2p_valid;                    /* Xen's machine_to_phys_mapping_valid */
    /* Xen's avail[node]: the node's row of avail, NULL until its heap
     * structures exist (init_node_heap); tested as Xen tests it. */
    uint64_t *node_avail[PA_MAX_NODES];
    uint64_t node_online;              /* Xen's node_online_map: 0..nr_nodes-1 */
    bool node_meta[PA_MAX_NODES];      /* metadata pages taken */
    bool meta_decided[PA_MAX_NODES];   /* where its metadata lives is known */
    int first_node;                    /* first node handed RAM (-1: none) */

    /* Lazy initialisation: runs recorded by end_boot_allocator. */
    struct pai_run *runs;
    size_t nr_runs, cap_runs;
    size_t run_cursor[PA_MAX_NODES];   /* first run of the node not done */
    /* Chunks being initialised right now: off the pending runs, not yet
     * all free, and the lock is dropped between their blocks. */
    struct pai_run inflight[PAI_MAX_INFLIGHT];
    bool inflight_used[PAI_MAX_INFLIGHT];
    bool mfn0_pending;                 /* MFN 0 handed off, not reserved yet */

    /* One heap lock (as Xen's heap_lock); see lazy.c for deferred. */
    struct pai_ticket lock;
    _Atomic uint32_t preempt;          /* Xen's preempt count (lock.c) */
    struct pai_deferred *deferred;
    void *stacks;                      /* node threads' stacks, pre-faulted */
    struct pa_runner runner;           /* the caller's threads (run: NULL = own) */

    bool reserve_boundary;             /* pre-2010: see heap.h */
    bool autocheck;
    struct pai_touched touched;        /* incremental checker (check.c) */
    pa_check_fail_fn check_fail;
    void *check_fail_arg;
};

/* ------------------------------------------------------------------------
 * Frame table (frametable.c)
 * ------------------------------------------------------------------------ */

static inline uint64_t pai_mask(unsigned order)
{
    return (1ULL << order) - 1;
}

/* pdx of a RAM or in-chunk MFN; PA_PDX_NONE if the chunk has no RAM (a
 * directory load: the translation of the model's MFN-based API). */
static inline pa_pdx_t pai_mfn_to_pdx(const struct pa_heap *h, uint64_t mfn)
{
    uint64_t c = mfn >> h->chunk_order;

    if (c >= h->dir_len || h->dir[c].slot == PAI_DIR_ABSENT)
        return PA_PDX_NONE;
    return (pa_pdx_t)((((uint64_t)h->dir[c].slot - 1) << h->chunk_order) |
                      (mfn & pai_mask(h->chunk_order)));
}

static inline uint64_t pai_pdx_to_mfn(const struct pa_heap *h, pa_pdx_t pdx)
{
    return h->chunk_mfn[pdx >> h->chunk_order] | (pdx & pai_mask(h->chunk_order));
}

/* Xen's page_to_zone: the MFN's bit width, inline as Xen's (pa_mfn_zone
 * is the public copy). */
static inline unsigned pai_zone(uint64_t mfn)
{
    return mfn ? 64 - (unsigned)__builtin_clzll(mfn) : 0;
}
/* Index of the range holding mfn, or -1. */
long pai_range_of(const struct pa_heap *h, uint64_t mfn);

/*
 * The node map, as Xen's memnodemap (xen/common/numa.c): one byte per
 * granule of 2^node_shift frame-table entries, where node_shift is the
 * lowest set bit of the pdx of every range start at which the node
 * changes (capped at chunk_order), so no granule holds two nodes.  A
 * lookup is one load, whatever the alignment of the nodes.  Granules
 * with no RAM hold PAI_NODE_NONE.  Xen indexes by pdx too; its
 * mfn_to_pdx is register arithmetic where ours is a directory read, so
 * callers that walk pages translate once and look up by pdx.
 */
#define PAI_NODE_NONE 0xff

#ifdef PAI_COUNT_LOOKUPS     /* measurement builds only: lookups made */
extern uint64_t pai_node_lookups;
#define PAI_COUNT_LOOKUP() (pai_node_lookups++)
#else
#define PAI_COUNT_LOOKUP() ((void)0)
#endif

static inline int pai_pdx_node(const struct pa_heap *h, pa_pdx_t pdx)
{
    PAI_COUNT_LOOKUP();
    return h->nodemap[pdx >> h->node_shift];
}

/*
 * phys_to_nid(page_to_maddr(pg)) as Xen 4.17 computes it on x86
 * (xen/arch/x86/include/asm/numa.h, xen/include/xen/pdx.h at
 * RELEASE-4.17.0): the frame-table index to an MFN (pdx_to_pfn), to an
 * address limited to PADDR_BITS, back to an index (pfn_to_pdx), then the
 * memnodemap load.  Xen 4.18+ (no PDX compression on x86): the load only.
 * Callers on per-page paths test the version outside their loop.
 */
#define PAI_PADDR_MASK ((1ULL << PA_PADDR_BITS) - 1)
static inline int pai_page_node_417(const struct pa_heap *h, const struct pa_page *pg)
{
    uint64_t pdx = (uint64_t)(pg - h->ft);  /* page_to_pdx: pg - frame_table */
    uint64_t pfn = (pdx & h->pdx_bottom_mask) |
                   ((pdx << h->pdx_hole_shift) & h->pdx_top_mask);
    uint64_t ma = (pfn << PA_PAGE_SHIFT) & PAI_PADDR_MASK;
    uint64_t p = ma >> PA_PAGE_SHIFT;

    return pai_pdx_node(h, (pa_pdx_t)((p & h->pdx_bottom_mask) |
                                      ((p & h->pdx_top_mask) >> h->pdx_hole_shift)));
}

static inline int pai_page_node(const struct pa_heap *h, pa_pdx_t pdx)
{
    return h->xen == PA_XEN_4_17 ? pai_page_node_417(h, &h->ft[pdx]) : pai_pdx_node(h, pdx);
}

/* Node of a page known to be RAM, as Xen's phys_to_nid (no RAM check). */
static inline int pai_ram_node(const struct pa_heap *h, uint64_t mfn)
{
    return pai_pdx_node(h, pai_mfn_to_pdx(h, mfn));
}

/* Node of an MFN, -1 if not RAM. */
static inline int pai_mfn_to_node(const struct pa_heap *h, uint64_t mfn)
{
    return pa_mfn_to_node(h, mfn);
}

/*
 * Xen's mfn_valid on a buddy (__mfn_valid, xen/common/pdx.c): an
 * out-of-line call that compares the MFN with max_page under
 * evaluate_nospec (an LFENCE on either outcome while branch hardening is
 * on, Xen's default), then tests the hole mask and the valid-group bitmap
 * (pdx_group_valid).  buddy.c keeps it out of line, as Xen's is.  Here a
 * buddy always shares its chunk with the block, so it is always valid;
 * the call, fence and loads are what Xen pays.
 */
bool pai_mfn_valid(const struct pa_heap *h, uint64_t mfn, pa_pdx_t pdx);

static inline void pai_lfence(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_lfence();
#endif
}

/*
 * Xen's set_gpfn_from_mfn (xen/arch/x86/x86_64/mm.c), called by
 * mark_page_free for every page freed: an out-of-line call that returns
 * at once until paging_init has set machine_to_phys_mapping_valid, which
 * is after end_boot_allocator (here: h->m2p_valid, set at its end), and then
 * stores 8 bytes in the M2P table.  The table lies after the frame table
 * in the same mapping, one entry per frame-table entry, pre-faulted.
 */
#define PAI_M2P_INVALID PA_M2P_INVALID
void pai_set_m2p(struct pa_heap *h, pa_pdx_t pdx, uint64_t entry);

static inline enum pa_state pai_state(const struct pa_heap *h,
                                      const struct pa_page *pg)
{
    return pa_state_of(h->enc, pg->count_info);
}

/*
 * The raw state field (in count_info) of a state under an encoding: legacy
 * in use 0, offlining 1, offlined 2, free 3; uninit the same plus one, 0
 * being uninitialised.  The hot paths pass a constant encoding and get a
 * constant, as Xen's PGC_state_* masks are; h->raw holds the same values
 * for the paths that look the encoding up at run time.
 */
static inline __attribute__((always_inline))
uint64_t pai_raw(enum pa_encoding e, enum pa_state st)
{
    uint64_t legacy = st == PA_STATE_INUSE ? 0 : st == PA_STATE_OFFLINING ? 1
                    : st == PA_STATE_OFFLINED ? 2 : 3;

    if (st == PA_STATE_UNINIT)
        return 0;
    return (legacy + (e == PA_ENC_UNINIT)) << PA_PGC_STATE_SHIFT;
}

/* ------------------------------------------------------------------------
 * Buddy mechanism (buddy.c)
 * ------------------------------------------------------------------------ */

struct pai_list *pai_list(struct pa_heap *h, unsigned node, unsigned zone,
                          unsigned order);
void pai_list_add(struct pa_heap *h, pa_pdx_t pdx, unsigned node,
                  unsigned zone, unsigned order);
void pai_list_del(struct pa_heap *h, pa_pdx_t pdx, unsigned node,
                  unsigned zone, unsigned order);
/* The one place the two counters (Xen's avail[node][zone] and
 * total_avail_pages) move, together, with underflow checks
 * (defined below, inline as Xen's updates are). */
static inline void pai_avail_adjust(struct pa_heap *h, unsigned node,
                                    unsigned zone, int64_t delta);
void pai_list_add_tail(struct pa_heap *h, pa_pdx_t pdx, unsigned node,
                       unsigned zone, unsigned order);
/* Xen's free_heap_pages without the lock or checks: in the uninit
 * encoding, a block whose first page is uninitialised goes to heap init;
 * otherwise mark the pages free (dirty if need_scrub) on their node
 * (looked up) and merge.  One copy per encoding and way of looking nodes
 * up (4.17, 4.18, pre-2010), chosen when the heap is made, as Xen's build
 * fixes both: no test of the encoding, version or mode inside.  Call it
 * as h->free_block(...); 0, or the heap init's error (debug builds). */
typedef int (*pai_free_fn)(struct pa_heap *h, uint64_t mfn, pa_pdx_t pdx,
                           unsigned order, bool need_scrub);
pai_free_fn pai_free_block_for(const struct pa_heap *h);
/* Xen's page_list_add_scrub: set the head's order and first dirty page
 * (PA_DIRTY_NONE: clean); dirty blocks go to the tail, so allocations
 * find clean ones first. */
void pai_list_add_scrub(struct pa_heap *h, pa_pdx_t pdx, unsigned node,
                        unsigned zone, unsigned order, uint32_t first_dirty);
/* The same with the head's first_dirty already set. */
void pai_list_add_scrub_head(struct pa_heap *h, pa_pdx_t pdx, unsigned node,
                             unsigned zone, unsigned order);
/* Xen's check_and_stop_scrub: a buddy being scrubbed is told to stop.
 * Nothing scrubs in the model, so only the read remains. */
static inline void pai_stop_scrub(struct pa_page *b)
{
    if (b->scrub_state)
        b->scrub_state = 0;
}
/* alloc_heap_pages' marking of an allocated block's pages in use (owner
 * set), and the pass after the lock that clears their need_scrub. */
void pai_mark_inuse(struct pa_heap *h, pa_pdx_t pdx, unsigned order, uint64_t owner);
/* free_heap_pages' misuse checks of debug builds (check.c): 0 or -errno;
 * and whether the block at mfn is uninitialised (uninit encoding). */
int pai_check_free(struct pa_heap *h, uint64_t mfn, pa_pdx_t pdx, unsigned order);
static inline bool pai_block_uninit(const struct pa_heap *h, uint64_t mfn)
{
    pa_pdx_t pdx = pai_mfn_to_pdx(h, mfn);

    return h->enc == PA_ENC_UNINIT && pdx != PA_PDX_NONE &&
           pa_page_state_is(h, &h->ft[pdx], PA_STATE_UNINIT);
}
void pai_clear_need_scrub(struct pa_heap *h, pa_pdx_t pdx, unsigned order,
                          unsigned node);
/* Xen's reserve_offlined_page on the free block at head (offline.c). */
void pai_reserve_offlined(struct pa_heap *h, pa_pdx_t head, unsigned order,
                          unsigned node, unsigned zone);
/* Free [mfn, mfn+nr) of one node as the largest aligned blocks (init). */
void pai_free_chunked(struct pa_heap *h, uint64_t mfn, uint64_t nr, bool scrub);

/* Init paths mark pages dirty while the heap boots (Xen: bootscrub=idle,
 * the default, before system_state is active). */
static inline bool pai_init_scrub(const struct pa_heap *h)
{
    return h->booting;
}

/* The patch's init_heap_pages step, per page: an uninitialised page is
 * set in use before it is freed (free_heap_pages frees pages in use).
 * Nothing in the legacy encoding.  Callers pass a constant encoding. */
static inline __attribute__((always_inline))
void pai_set_inuse(struct pa_page *pg, uint64_t n, enum pa_encoding e)
{
    if (e != PA_ENC_UNINIT)
        return;
    for (uint64_t i = 0; i < n; i++, pg++)
        if ((pg->count_info & PA_PGC_STATE_MASK) == pai_raw(e, PA_STATE_UNINIT))
            pg->count_info |= pai_raw(e, PA_STATE_INUSE);
}

/* ------------------------------------------------------------------------
 * Initialisation (init.c, lazy.c)
 * ------------------------------------------------------------------------ */

/* Give a node its heap structures the first time it is seen, as Xen's
 * init_node_heap: the first node handed RAM uses static storage (no
 * pages); any other takes PA_NODE_META_PAGES pages from its first run (its
 * first pending lazy run, else [*mfn, *mfn + *nr), shortened past them):
 * the tail when the run starts on a max_order boundary and ends no less
 * aligned, else the head; none (Xen's xmalloc) if the run is shorter.
 * With range_end (Xen 4.16's rule, page-wise strategies) the tail and
 * the room are those of the range [*mfn, *range_end) the run is the
 * start of, and the tail also needs the range's last page on the node:
 * *range_end is lowered past a tail; a head may reach past the run
 * (*mfn beyond it, *nr 0). */
void pai_node_touch(struct pa_heap *h, unsigned node, uint64_t *mfn, uint64_t *nr,
                    uint64_t *range_end);
/* Initialise a single-node run eagerly (meta, MFN 0, then free); returns
 * the MFN after what it took (past the run when 4.16's head metadata
 * reaches beyond it).  range_end: as pai_node_touch. */
uint64_t pai_init_run(struct pa_heap *h, uint64_t mfn, uint64_t nr, unsigned node,
                      enum pa_strategy s, bool scrub, uint64_t *range_end);
/* Pre-2010 mode: the first page of a node that starts off a max_order
 * boundary, right after another node's RAM. */
bool pai_boundary_page(const struct pa_heap *h, uint64_t mfn);
/* Visit every single-node piece of [mfn, mfn+nr); -EINVAL on a hole. */
typedef int (*pai_run_fn)(struct pa_heap *h, uint64_t mfn, uint64_t nr,
                          unsigned node, void *arg);
int pai_for_each_run(struct pa_heap *h, uint64_t mfn, uint64_t nr,
                     pai_run_fn fn, void *arg);
/* The eager init of RAM [mfn, mfn+nr) without checks: each node's run
 * found by per-page lookup, then freed by pages or chunks, dirty if
 * scrub (pai_init_scrub, or the freeing caller's need_scrub). */
void pai_init_scanned(struct pa_heap *h, uint64_t mfn, uint64_t nr, bool scrub);
/* init_heap_pages without the lock or the autocheck. */
int pai_init_range(struct pa_heap *h, uint64_t mfn, uint64_t nr, bool scrub);
int pai_lazy_record(struct pa_heap *h, uint64_t mfn, uint64_t nr);
/* Map and pre-fault the deferred node threads' stacks (once per heap). */
int pai_thread_stacks(struct pa_heap *h);
/* Initialise the node's next pending chunk; false if nothing is pending. */
bool pai_lazy_grow(struct pa_heap *h, unsigned node);
/* For an allocation of 2^order on node: grow the node's pending memory in
 * the zone an eager heap would serve from, if above fit_zone (the zone
 * the lists can serve from now, -1: none); false if nothing to grow. */
bool pai_lazy_grow_for(struct pa_heap *h, unsigned node, unsigned order,
                       int fit_zone);
bool pai_overlaps_pending(const struct pa_heap *h, uint64_t mfn, uint64_t nr);

/* ------------------------------------------------------------------------
 * Locking and the debug checker
 * ------------------------------------------------------------------------ */

static inline void pai_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/* The heap lock, as Xen's heap_lock: every public call takes it, through
 * out-of-line calls as Xen's spin_lock/spin_unlock (lock.c), with the
 * fence Xen's spin_lock() puts after the call (block_lock_speculation). */
void pai_spin_lock(struct pa_heap *h);
void pai_spin_unlock(struct pa_heap *h);

static inline void pai_lock(struct pa_heap *h)
{
    pai_spin_lock(h);
    pai_lfence();
}

static inline void pai_unlock(struct pa_heap *h)
{
    pai_spin_unlock(h);
}

/*
 * Init paths run under the lock but model a sequence of free_heap_pages
 * calls, each of which takes the lock in Xen: drop and retake it per call,
 * which costs what the call's own lock/unlock would and lets allocations
 * (deferred init) in between.
 */
static inline void pai_call_boundary(struct pa_heap *h)
{
    pai_unlock(h);
    pai_lock(h);
}

int pai_check(const struct pa_heap *h, char *why, size_t whylen);
/* The check after an operation: the full checker, or (check_every > 1)
 * the incremental one and the full one every N calls; forgets the touches. */
int pai_check_auto(struct pa_heap *h, char *why, size_t whylen);

/* Record a block entering or leaving a list (incremental checker). */
static inline void pai_touch_block(struct pa_heap *h, pa_pdx_t pdx,
                                   unsigned node, unsigned zone, unsigned order)
{
#if PA_DEBUG >= 3
    struct pai_touched *t = &h->touched;
    pa_pdx_t end = pdx + ((pa_pdx_t)1 << order);

    if (t->nr < PAI_TOUCH_MAX) {
        t->pdx[t->nr] = pdx;
        t->order[t->nr] = (uint8_t)order;
    }
    if (!t->nr || pdx < t->lo)
        t->lo = pdx;
    if (!t->nr || end > t->hi)
        t->hi = end;
    t->nr++;
    t->zones[node] |= 1ULL << zone;
    t->list_pages[((size_t)node * PA_NR_ZONES + zone) * (h->max_order + 1) + order] =
        PAI_LIST_MOVED;
#else
    (void)h, (void)pdx, (void)node, (void)zone, (void)order;
#endif
}

/* Record a counter move (incremental checker). */
static inline void pai_touch_zone(struct pa_heap *h, unsigned node, unsigned zone)
{
#if PA_DEBUG >= 3
    h->touched.zones[node] |= 1ULL << zone;
#else
    (void)h, (void)node, (void)zone;
#endif
}

/* After a public operation: the checker at PA_DEBUG >= 3. */
static inline void pai_autocheck(struct pa_heap *h)
{
#if PA_DEBUG >= 3
    char why[256];

    if (h->autocheck && pai_check_auto(h, why, sizeof why)) {
        if (h->check_fail)
            h->check_fail(why, h->check_fail_arg);
        else
            abort();
    }
#else
    (void)h;
#endif
}

#if PA_DEBUG >= 2
#define PAI_ASSERT(c) ((c) ? (void)0 : abort())
#else
#define PAI_ASSERT(c) ((void)0)
#endif

static inline void pai_avail_adjust(struct pa_heap *h, unsigned node,
                                    unsigned zone, int64_t delta)
{
    uint64_t *nz = &h->avail[(size_t)node * PA_NR_ZONES + zone];

    pai_touch_zone(h, node, zone);
    if (delta < 0) {
        uint64_t d = (uint64_t)-delta;
        PAI_ASSERT(*nz >= d && h->total_avail >= d);
        *nz -= d;
        h->total_avail -= d;
    } else {
        *nz += (uint64_t)delta;
        h->total_avail += (uint64_t)delta;
    }
}

#endif /* PA_INTERNAL_H */
