/*
 * heap.h - the public interface of heapbench's page-allocator model.
 *
 * This models Xen's boot-time heap: a frame table of 32-byte page entries,
 * one per 4 KiB machine frame (MFN), and a binary buddy allocator whose free
 * lists are indexed heap(node, zone, order).  Unlike Xen, all state lives in
 * a struct pa_heap that the caller creates, so every test and benchmark
 * builds its own heap.  The library never prints and never exits: calls
 * return NULL or a negative errno.  Aborts are kept for broken invariants
 * (only at PA_DEBUG >= 3, where the checker runs after every operation).
 *
 * Units: everything is in pages (MFNs), never bytes, unless a name says so.
 * Ranges are half-open: [start, end).
 */
#ifndef PA_HEAP_H
#define PA_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------------
 * Constants
 * ------------------------------------------------------------------------ */

#define PA_PAGE_SHIFT 12
#define PA_PAGE_SIZE (1UL << PA_PAGE_SHIFT)
#define PA_MAX_ORDER_DEFAULT 18     /* 1 GiB blocks, as Xen on x86 */
#define PA_MAX_ORDER_LIMIT 20       /* the largest max_order a heap accepts */
#define PA_PADDR_BITS 52            /* x86-64 physical address width */
#define PA_NR_ZONES (PA_PADDR_BITS - PA_PAGE_SHIFT + 1) /* 41, as Xen */
#define PA_MAX_NODES 64
#define PA_MAX_RANGES 4096          /* RAM ranges in one layout */
#define PA_NODE_META_PAGES 4        /* heap metadata pages per node (x86) */
#define PA_BOOT_MAX_REGIONS 256     /* Xen keeps them in one 4 KiB page */
#define PA_INVALID_MFN UINT64_MAX

/* ------------------------------------------------------------------------
 * Debug levels (compile-time: -DPA_DEBUG=N)
 *   0  benchmarks: no checks on the hot paths
 *   1  misuse checks on the API (double free, bad order, ...) return -EINVAL
 *   2  plus internal consistency asserts (counter underflow aborts)
 *   3  plus the full invariant checker after every public operation (tests)
 * ------------------------------------------------------------------------ */
#ifndef PA_DEBUG
#define PA_DEBUG 0
#endif

/* ------------------------------------------------------------------------
 * Frame table entry
 * ------------------------------------------------------------------------ */

/* Frame-table index (Xen's "pdx"): MFNs with the holes compressed out. */
typedef uint32_t pa_pdx_t;
#define PA_PDX_NONE UINT32_MAX

/*
 * 32 bytes, as Xen's struct page_info on x86-64, field for field where the
 * model has the field: list links (Xen compresses them to 32-bit pdx too),
 * count_info, the free head's order (Xen's v.free.order), the TLB-flush
 * timestamp, and one word that is the owner while in use and Xen's u.free
 * (first_dirty, need_tlbflush, scrub_state) while free: a free clears the
 * owner by writing the free fields over it, as Xen's page_set_owner(NULL)
 * writes over v.  Nodes are looked up in the node map (Xen's phys_to_nid),
 * never stored in the entry.
 */
#define PA_DIRTY_NONE UINT32_MAX    /* first_dirty: nothing to scrub */
struct pa_page {
    pa_pdx_t next, prev;   /* free-list links, frame-table indices */
    uint64_t count_info;   /* page state (PA_PGC_STATE_*) and flags */
    uint32_t order;        /* free block head: the block's order */
    uint32_t tlbflush_timestamp; /* freed by an owner: when (Xen's clock) */
    union {
        uint64_t owner;    /* in use: opaque owner tag (Xen: the domain) */
        struct {           /* free (Xen's u.free) */
            uint32_t first_dirty;  /* head: first page to scrub, or NONE */
            uint8_t need_tlbflush; /* freed by an owner: flush before reuse */
            uint8_t scrub_state;   /* head: scrubbing now (never, here) */
            uint8_t pad[2];
        };
    };
};
_Static_assert(sizeof(struct pa_page) == 32, "struct pa_page must be 32 bytes");

/* ------------------------------------------------------------------------
 * Page states and encodings
 * ------------------------------------------------------------------------ */

/*
 * Logical states.  The encoding maps them to the raw state field in
 * count_info.  UNINIT exists only in the uninit encoding, where raw 0 (a
 * zeroed frame table) means "never initialised"; in the legacy encoding raw
 * 0 means "in use", which is why a zeroed entry passes for an allocated page.
 */
enum pa_state {
    PA_STATE_INUSE,
    PA_STATE_FREE,
    PA_STATE_OFFLINING,
    PA_STATE_OFFLINED,
    PA_STATE_UNINIT,
    PA_NR_STATES
};

enum pa_encoding {
    PA_ENC_LEGACY,         /* Xen today: in use = 0 */
    PA_ENC_UNINIT,         /* PGC_state_uninitialised: 0 = uninitialised */
};

#define PA_PGC_STATE_SHIFT 61
#define PA_PGC_STATE_MASK (7ULL << PA_PGC_STATE_SHIFT)
/* Model-only bookkeeping flags (as Xen's PGC_xen_heap marks xenheap pages). */
#define PA_PGC_META (1ULL << 60)       /* node heap metadata page */
#define PA_PGC_RESERVED (1ULL << 59)   /* kept out of the heap (MFN 0) */
/* As Xen's PGC_need_scrub: freed dirty (init under bootscrub=idle). */
#define PA_PGC_NEED_SCRUB (1ULL << 58)
/* As Xen's PGC_broken: never set here, but tested where Xen tests it. */
#define PA_PGC_BROKEN (1ULL << 57)

/* Raw state value for a logical state under an encoding (-1: not encodable). */
int pa_state_raw(enum pa_encoding enc, enum pa_state st);
/* Logical state of a raw count_info under an encoding. */
enum pa_state pa_state_of(enum pa_encoding enc, uint64_t count_info);

static inline uint64_t pa_raw_field(uint64_t count_info)
{
    return (count_info & PA_PGC_STATE_MASK) >> PA_PGC_STATE_SHIFT;
}

/* ------------------------------------------------------------------------
 * Layouts: RAM ranges with their node
 * ------------------------------------------------------------------------ */

struct pa_range {
    uint64_t start, end;   /* MFNs, end exclusive */
    unsigned node;
};

/*
 * Sort ranges by start and check them: non-empty, no overlap, node below
 * PA_MAX_NODES, end within PA_PADDR_BITS.  Adjacent ranges of one node are
 * merged.  Returns the new count or -EINVAL; on error *bad is the index (in
 * sorted order) of the offending range.
 */
int pa_layout_normalise(struct pa_range *r, size_t nr, size_t *bad);

/* ------------------------------------------------------------------------
 * Heap creation
 * ------------------------------------------------------------------------ */

struct pa_heap;

/*
 * The Xen whose arithmetic the hot paths pay.  4.17 converts between
 * frame-table index and MFN with PDX compression (xen/include/xen/pdx.h:
 * masks and a shift) inside every phys_to_nid(page_to_maddr(pg)); from
 * 4.18, x86 builds without PDX compression and the conversions are the
 * identity.  The free blocks are the same; only the instructions differ.
 */
enum pa_xen_version {
    PA_XEN_4_17,           /* the default: the release the project studies */
    PA_XEN_4_18,           /* 4.18 and later on x86 */
    PA_NR_XEN_VERSIONS
};
const char *pa_xen_version_name(enum pa_xen_version v);  /* "4.17", "4.18" */
int pa_xen_version_parse(const char *name);              /* -EINVAL if unknown */

/*
 * Called once per contiguous frame-table span that holds entries of one
 * node, before the span is first touched, so that the caller can bind the
 * memory to a host NUMA node (hwloc).  Returns 0 or a negative errno.
 */
typedef int (*pa_bind_fn)(void *addr, size_t len, unsigned node, void *arg);

struct pa_heap_config {
    const struct pa_range *ranges; /* need not be sorted; copied */
    size_t nr_ranges;
    enum pa_encoding encoding;
    unsigned max_order;            /* 0 means PA_MAX_ORDER_DEFAULT */
    bool hugepages;                /* madvise(MADV_HUGEPAGE) the table */
    /* Xen before 2010 (commit e7187a2e01): merges do not look at nodes;
     * instead init reserves the first page of a node that starts off a
     * max_order boundary, so no merged block can span it.  Eager
     * strategies only (pa_heap_set_strategy refuses lazy and deferred). */
    bool reserve_boundary;
    /* Xen's spec-ctrl=no-branch-harden: mfn_valid without its LFENCE.
     * Off by default, as Xen hardens branches by default. */
    bool no_branch_harden;
    enum pa_xen_version xen;       /* 0: PA_XEN_4_17 */
    pa_bind_fn bind;               /* optional */
    void *bind_arg;
    /* Optional: memory for the table (frame table and M2P) instead of a
     * fresh mapping: page-aligned, all zero, at least pa_heap_table_bytes
     * long (else -ENOSPC), not pre-faulted, not unmapped by destroy, and
     * hugepages and bind do not apply.  Nothing else is pre-faulted either
     * (deferred threads' stacks): such a heap is for testing, not timing.  The fuzzer reuses one buffer
     * across inputs: mapping, pre-faulting and unmapping two tables per
     * input took longer than running it. */
    void *table;
    size_t table_bytes;
};

/* Frame-table bytes a layout would need. */
int pa_frametable_bytes(const struct pa_range *r, size_t nr, unsigned max_order,
                        uint64_t *bytes);
/* All a heap maps per frame-table entry: the frame table and the M2P
 * table (8 bytes per entry) after it (for refusing a layout up front). */
int pa_heap_table_bytes(const struct pa_range *r, size_t nr, unsigned max_order,
                        uint64_t *bytes);

/* Build a heap: the frame table is allocated, pre-faulted and all zero. */
int pa_heap_create(const struct pa_heap_config *cfg, struct pa_heap **out);
void pa_heap_destroy(struct pa_heap *h);
/* Zero the frame table and empty every list: as fresh from pa_heap_create,
 * without faulting the table in again (benchmark fixtures reuse heaps). */
void pa_heap_reset(struct pa_heap *h);

/* ------------------------------------------------------------------------
 * Frame-table queries
 * ------------------------------------------------------------------------ */

bool pa_mfn_is_ram(const struct pa_heap *h, uint64_t mfn);
/* Entry of a RAM MFN, else NULL. */
struct pa_page *pa_mfn_to_page(const struct pa_heap *h, uint64_t mfn);
uint64_t pa_page_to_mfn(const struct pa_heap *h, const struct pa_page *pg);
/* The M2P entry of a RAM MFN (Xen's get_gpfn_from_mfn): 0 until a free
 * after end_boot_allocator writes PA_M2P_INVALID (INVALID_M2P_ENTRY). */
#define PA_M2P_INVALID UINT64_MAX
uint64_t pa_m2p_entry(const struct pa_heap *h, uint64_t mfn);
/* Node of a RAM MFN (-1 if not RAM). */
int pa_mfn_to_node(const struct pa_heap *h, uint64_t mfn);
/* Zone of an MFN: its bit width (0 for MFN 0). */
unsigned pa_mfn_zone(uint64_t mfn);
/* Logical state of a RAM page. */
enum pa_state pa_page_state(const struct pa_heap *h, const struct pa_page *pg);
bool pa_page_state_is(const struct pa_heap *h, const struct pa_page *pg,
                      enum pa_state st);

enum pa_encoding pa_heap_encoding(const struct pa_heap *h);
enum pa_xen_version pa_heap_xen_version(const struct pa_heap *h);
unsigned pa_heap_max_order(const struct pa_heap *h);
unsigned pa_heap_nr_nodes(const struct pa_heap *h);       /* max node id + 1 */
size_t pa_heap_nr_ranges(const struct pa_heap *h);
const struct pa_range *pa_heap_range(const struct pa_heap *h, size_t i);
/* The frame table itself (entries 0..n-1, indexed by pdx) for scans. */
struct pa_page *pa_frametable(const struct pa_heap *h, size_t *nr_entries,
                              size_t *bytes);

/* ------------------------------------------------------------------------
 * Buddy allocator
 * ------------------------------------------------------------------------ */

/*
 * Free a block of 2^order pages at mfn (aligned to its order) and merge it
 * with free buddies of the same node up to max_order.  In the uninit
 * encoding, a block whose pages are uninitialised is handed to the init path
 * instead (as the PGC_state_uninitialised patch does).  Errors: -EINVAL
 * (misuse, checked at PA_DEBUG >= 1), -ENODEV (the node has no heap
 * metadata: in Xen a NULL dereference; also checked at PA_DEBUG >= 1).
 * A release build trusts its caller, as Xen's ASSERT-only checks do: an
 * order above max_order is not refused there.
 */
int pa_free_heap_pages(struct pa_heap *h, uint64_t mfn, unsigned order);
/* The same from the block's first frame-table entry (pa_mfn_to_page), as
 * Xen's free_heap_pages(pg, order, false) takes it: no MFN translation
 * (what `make xen-check` counts against Xen's call).  A pointer outside
 * the frame table is refused at PA_DEBUG >= 1 only, as Xen trusts pg. */
int pa_free_heap_pages_at(struct pa_heap *h, struct pa_page *pg, unsigned order);
/* The same with need_scrub true (Xen's free_heap_pages(pg, order, true)):
 * every page marked to scrub, the block's first_dirty 0.  Set-up speed:
 * every page is tested in use first (-EINVAL if not). */
int pa_free_heap_pages_dirty(struct pa_heap *h, uint64_t mfn, unsigned order);

/* Free an arbitrary range as the largest aligned blocks, each through
 * pa_free_heap_pages (how a caller returns a boot module page by page). */
int pa_free_range(struct pa_heap *h, uint64_t mfn, uint64_t nr);

/*
 * Allocate 2^order pages: node first (-1: node 0), then the others in
 * increasing node order, wrapping; highest zone first; smallest order that
 * fits, splitting.  Lazy heaps initialise more of a node before giving up on
 * it.  Returns the MFN or PA_INVALID_MFN.  Pages are in use, owner set.
 */
uint64_t pa_alloc_heap_pages(struct pa_heap *h, unsigned order, int node,
                             uint64_t owner);

/*
 * Xen's offline_page (without its status word): a free page is offlined
 * at once, its free block split around it into the largest aligned blocks
 * that hold no offlined page (reserve_offlined_page), and it leaves the
 * counters; a page in use becomes "offlining" and is offlined when freed
 * (free_heap_pages frees and merges its block, then splits it around the
 * page).  PA_OFFLINE_DONE or PA_OFFLINE_PENDING; -EINVAL for a page that
 * is not RAM, not initialised, node metadata or MFN 0.
 */
#define PA_OFFLINE_DONE 0
#define PA_OFFLINE_PENDING 1
int pa_offline_page(struct pa_heap *h, uint64_t mfn);

/*
 * Take the specific block [mfn, mfn + 2^order) out of the free lists, in
 * use with owner, splitting the free block that holds it (as Xen's page
 * offlining splits a free block around a page).  Benchmarks use it to put
 * a block back in use between timed frees.  -ENOENT if the block is not
 * wholly inside one free block.  Set-up speed: walks the lists.
 */
int pa_claim_block(struct pa_heap *h, uint64_t mfn, unsigned order, uint64_t owner);

/* ------------------------------------------------------------------------
 * Heap initialisation
 * ------------------------------------------------------------------------ */

/*
 * Which are Xen's, which the patch's, which this project's:
 *   pagewise  Xen up to 4.16: init_heap_pages frees page by page.
 *   chunked   Xen 4.17: init_heap_pages frees the largest aligned blocks.
 *   patch     the PGC_state_uninitialised patch exactly as posted (on a
 *             Xen whose init is page-wise): state 0 of a zeroed frame table
 *             means "uninitialised" (uninit encoding); end_boot_allocator
 *             stays eager; a free of uninitialised (boot-allocated) pages
 *             goes through init_heap_pages, which sets each page in use
 *             before freeing it.
 *   lazy      this project's extension of the patch, not the patch: end of
 *             boot only records the runs; an allocation that finds its node
 *             short initialises more of it; pa_lazy_finish does the rest.
 *   deferred  this project's extension: lazy plus one thread per node (as
 *             Linux's deferred struct-page init).
 */
enum pa_strategy {
    PA_STRAT_PAGEWISE,     /* Xen <= 4.16 */
    PA_STRAT_CHUNKED,      /* Xen 4.17 */
    PA_STRAT_LAZY,         /* project's extension: nothing at boot */
    PA_STRAT_DEFERRED,     /* project's extension: lazy + node threads */
    PA_STRAT_PATCH,        /* the PGC_state_uninitialised patch as posted */
    PA_NR_STRATEGIES
};

const char *pa_strategy_name(enum pa_strategy s);
int pa_strategy_parse(const char *name);          /* -EINVAL if unknown */
const char *pa_encoding_name(enum pa_encoding e);
int pa_encoding_parse(const char *name);          /* -EINVAL if unknown */
/* The encoding a strategy needs (patch, lazy, deferred: uninit). */
enum pa_encoding pa_strategy_default_encoding(enum pa_strategy s);
/* Lazy and deferred: end_boot_allocator only records the runs. */
bool pa_strategy_is_lazy(enum pa_strategy s);

/*
 * Hand a range of RAM to the heap, eagerly, with the heap's eager strategy
 * (pagewise unless pa_heap_set_strategy chose chunked).  MFN 0 is kept out
 * and counted as reserved; the range is split at node boundaries; a node's
 * metadata is built the first time the heap sees the node.
 *
 * Metadata rule, Xen 4.17's init_node_heap: the first node handed RAM
 * keeps its metadata in static storage (no pages); any other takes
 * PA_NODE_META_PAGES pages from its first run (a contiguous piece of one
 * node, MFN 0 removed) in hand-off order: the tail when the run starts on
 * a max_order boundary and ends no less aligned, else the head; none if
 * that run is shorter.  Lazy heaps take them from the run end_boot_allocator
 * recorded first for that node, so the pages are the same as eager's.
 * Page-wise strategies (pagewise, patch) follow 4.16: the tail and the
 * room are those of the rest of the range handed in, and the tail also
 * needs the range's last page on the node; different pages only when a
 * range spans nodes.
 */
int pa_init_heap_pages(struct pa_heap *h, uint64_t mfn, uint64_t nr);

/* Live update: pages a previous instance gave away are made properly "in
 * use" (owner set) without entering the heap.  The node's heap exists
 * afterwards, but takes no metadata from these pages (they are in use):
 * it takes them from a pending lazy run of the node if there is one, else
 * from the next run it receives.  As on every init path, MFN 0 is kept out
 * (reserved); a later pa_free_range skips it. */
int pa_init_inuse(struct pa_heap *h, uint64_t mfn, uint64_t nr, uint64_t owner);

/* Set the strategy (before any init).  Patch, lazy and deferred need the
 * uninit encoding, lazy and deferred no reserve_boundary: -EINVAL
 * otherwise. */
int pa_heap_set_strategy(struct pa_heap *h, enum pa_strategy s);
enum pa_strategy pa_heap_strategy(const struct pa_heap *h);

/* Lazy/deferred: initialise whatever is still pending (-1: every node).
 * Deferred heaps wait for their threads first. */
int pa_lazy_finish(struct pa_heap *h, int node);
/* Pages still waiting for lazy initialisation. */
uint64_t pa_lazy_pending(const struct pa_heap *h, int node);

/* Deferred: start one thread per node with pending memory; bind(node) is
 * called on each thread first (hwloc CPU binding), may be NULL. */
typedef int (*pa_thread_bind_fn)(unsigned node, void *arg);
int pa_deferred_start(struct pa_heap *h, pa_thread_bind_fn bind, void *arg);
/* Wait for the threads; *busy_ns (optional) gets their summed run time. */
int pa_deferred_join(struct pa_heap *h, uint64_t *busy_ns);

/*
 * Optional: threads the caller lends for the node jobs, instead of one
 * thread created by pa_deferred_start and joined by pa_deferred_join per
 * node.  run starts fn(job) on a thread of the caller's for that node (0,
 * or a negative errno: nothing started); wait returns once that fn(job)
 * has returned.  The heap has at most one job per node at a time, and
 * maps no thread stacks.  The fuzzer keeps a pool for all its inputs:
 * creating and joining threads under ASan took most of a deferred input's
 * time.  Set before pa_heap_set_strategy (else the stacks it mapped stay
 * unused); NULL goes back to own threads; -EBUSY while threads run.
 */
typedef void (*pa_job_fn)(void *job);
struct pa_runner {
    int (*run)(void *ctx, unsigned node, pa_job_fn fn, void *job);
    void (*wait)(void *ctx, unsigned node);
    void *ctx;
};
int pa_heap_set_runner(struct pa_heap *h, const struct pa_runner *r);

/* ------------------------------------------------------------------------
 * Boot allocator
 * ------------------------------------------------------------------------ */

struct pa_boot;

struct pa_boot *pa_boot_create(struct pa_heap *h);
void pa_boot_destroy(struct pa_boot *b);
/* Add free RAM [s, e); -ENOSPC past PA_BOOT_MAX_REGIONS regions, -EINVAL if
 * not RAM or overlapping. */
int pa_boot_add(struct pa_boot *b, uint64_t s, uint64_t e);
/* Add every RAM range of the heap's layout. */
int pa_boot_add_all(struct pa_boot *b);
/* Take nr pages (aligned to align pages) from the top of the highest region
 * that fits, within node if node >= 0.  PA_INVALID_MFN if none fits. */
uint64_t pa_boot_alloc(struct pa_boot *b, uint64_t nr, uint64_t align, int node);
size_t pa_boot_nr_regions(const struct pa_boot *b);
/*
 * Hand every remaining region to the heap with its strategy: the first
 * region on boot_node first, then the others from the highest down (as Xen's
 * end_boot_allocator).  Lazy and deferred only record the runs.  The boot
 * allocator is empty afterwards.
 */
int pa_end_boot_allocator(struct pa_boot *b, unsigned boot_node);

/* ------------------------------------------------------------------------
 * Statistics and the invariant checker
 * ------------------------------------------------------------------------ */

struct pa_node_stats {
    uint64_t ram, free, inuse, uninit, meta, reserved, offline;
};

/* Counts per node by walking the frame table (what --summary prints). */
int pa_node_stats(const struct pa_heap *h, unsigned node, struct pa_node_stats *s);
/* Counters the heap keeps (what the checker compares with a recount). */
uint64_t pa_avail(const struct pa_heap *h, int node, int zone); /* -1: all */
/* Number of free blocks of an order on a node (-1: all nodes). */
uint64_t pa_free_blocks(const struct pa_heap *h, int node, unsigned order);
/* The free block that holds mfn: its first MFN and order; -ENOENT if
 * mfn is not free, -EINVAL if not RAM.  Walks the lists of the MFN's zone
 * (set-up speed): how the free benchmarks count a free's merges (the
 * order it reached), which the heap does not count on its hot paths. */
int pa_free_block_of(const struct pa_heap *h, uint64_t mfn, uint64_t *head,
                     unsigned *order);

/* Visit every free block, sorted by MFN.  Stops if fn returns non-zero. */
typedef int (*pa_block_fn)(uint64_t mfn, unsigned order, unsigned node,
                           unsigned zone, void *arg);
int pa_for_each_free_block(const struct pa_heap *h, pa_block_fn fn, void *arg);

/*
 * The full invariant checker.  Returns 0 if the heap is consistent, else
 * -EFAULT with a one-line reason in why (if non-NULL).  Walks every free
 * list and the whole frame table: O(pages).
 */
int pa_heap_check(const struct pa_heap *h, char *why, size_t whylen);

/* At PA_DEBUG >= 3 the checker runs after every public operation; on a
 * broken invariant it calls this hook (default: abort()).  Tests install
 * one that records the failure; autocheck can be switched off for a heap
 * that a test corrupts on purpose. */
typedef void (*pa_check_fail_fn)(const char *why, void *arg);
void pa_heap_set_check_hook(struct pa_heap *h, pa_check_fail_fn fn, void *arg);
void pa_heap_set_autocheck(struct pa_heap *h, bool on);

/*
 * Incremental checking, for long random runs (the fuzzer): with every > 1,
 * the check after an operation covers only what the operations since the
 * last check touched (the blocks freed, allocated, merged or split, the
 * lists and counters of their zones), and the full checker runs every
 * every-th time.  0 or 1 (the default): the full checker every time.
 * pa_heap_check_touched runs the incremental checker on its own (and
 * forgets what it checked); same return as pa_heap_check.
 */
void pa_heap_set_check_every(struct pa_heap *h, unsigned every);
int pa_heap_check_touched(struct pa_heap *h, char *why, size_t whylen);

/* ------------------------------------------------------------------------
 * Test hooks: deliberate corruption, so tests can prove the checker works
 * ------------------------------------------------------------------------ */

/* Move the free block at mfn to another list (node, zone, order as given). */
int pa_test_move_block(struct pa_heap *h, uint64_t mfn, unsigned node,
                       unsigned zone, unsigned order);
/* Add delta to the per-node+zone counter only. */
void pa_test_skew_counter(struct pa_heap *h, unsigned node, unsigned zone,
                          long delta);
/* Merge two free buddy blocks ignoring the node rule. */
int pa_test_force_merge(struct pa_heap *h, uint64_t mfn, unsigned order);

#endif /* PA_HEAP_H */
