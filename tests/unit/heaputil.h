/*
 * heaputil.h - helpers the allocator tests share.
 *
 * Building a heap from a table of ranges with the checker wired to the test
 * framework; booting it the way a hypervisor does (boot allocator, boot
 * allocations, hand-off); collecting the free blocks for comparison; and a
 * reference model that knows nothing of buddy lists: it marks pages free in
 * a plain array, applies the metadata and MFN 0 rules of heap.h by itself,
 * and derives the expected free blocks as the unique maximal decomposition
 * into aligned, single-node blocks of at most max_order.  Tests compare the
 * heap with that, never with numbers the heap itself produced.
 */
#ifndef HB_HEAPUTIL_H
#define HB_HEAPUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alloc/heap.h"
#include "tests/unit/check.h"

#define HU_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------------
 * Heaps
 * ------------------------------------------------------------------------ */

/*
 * A fresh heap over ranges (MFNs) with the given encoding, max_order (0:
 * default) and strategy, its check hook reporting through hb_check_fail.
 * Reports a check failure and returns NULL if the heap cannot be built.
 */
struct pa_heap *hu_heap_new(const struct pa_range *r, size_t nr,
                            enum pa_encoding enc, unsigned max_order,
                            enum pa_strategy strat);
/* Same, encoding chosen from the strategy (lazy/deferred: uninit). */
struct pa_heap *hu_heap_strat(const struct pa_range *r, size_t nr,
                              unsigned max_order, enum pa_strategy strat);

/* Check hook that records failures instead of reporting them, for tests
 * that expect the autocheck to fire. */
struct hu_hook_rec {
    int fired;
    char why[256];
};
void hu_hook_record(struct pa_heap *h, struct hu_hook_rec *rec);
/* Back to the reporting hook. */
void hu_hook_report(struct pa_heap *h);

/* A boot allocation: pages, alignment (0: 1), node (-1: any); mfn is
 * filled in by hu_boot. */
struct hu_boot_req {
    uint64_t pages, align;
    int node;
    uint64_t mfn;
};

/*
 * Boot the heap: every RAM range to a boot allocator, the boot allocations
 * taken in order, end_boot_allocator(boot_node), and for deferred heaps the
 * background threads started.  Returns 0 or the first error (a boot
 * allocation that does not fit: -ENOMEM).
 */
int hu_boot(struct pa_heap *h, struct hu_boot_req *req, size_t nreq,
            unsigned boot_node);
/*
 * Return the boot allocations to the heap in order, as a hypervisor does:
 * with init_heap_pages when the encoding cannot tell uninitialised pages
 * (legacy), else with free_heap_pages on the range (uninit).
 */
int hu_free_boot(struct pa_heap *h, const struct hu_boot_req *req, size_t nreq);
/* Deferred: join the threads; lazy/deferred: initialise what is left. */
int hu_finish(struct pa_heap *h);
/*
 * The heap of the checker tests (test_checker.c, test_checker_incr.c):
 *   0x100      0x180   0x1c0           0x300  0x400     0x43c 0x440
 *   |mmmm######|######|################|      |mmmm#####|BBBB|
 *   node 0             node 1 (boundary at 0x1c0, not aligned)
 * max_order 8, chunked, legacy; booted with one boot allocation B of 4
 * pages on node 1 (it lands at 0x43c), autocheck off, checked clean.
 * NULL (a failure reported) if it cannot be built.
 */
struct pa_heap *hu_checker_heap(void);

/* ------------------------------------------------------------------------
 * Free-block sets
 * ------------------------------------------------------------------------ */

struct hu_block {
    uint64_t mfn;
    unsigned order, node, zone;
};

struct hu_blocks {
    struct hu_block *v;
    size_t nr, cap;
};

/* Every free block of the heap, sorted by MFN (pa_for_each_free_block). */
void hu_collect(const struct pa_heap *h, struct hu_blocks *out);
void hu_blocks_add(struct hu_blocks *b, uint64_t mfn, unsigned order,
                   unsigned node, unsigned zone);
void hu_blocks_free(struct hu_blocks *b);
uint64_t hu_blocks_pages(const struct hu_blocks *b);
/* Equal?  If not, reports the first difference (as "what") at file:line. */
bool hu_blocks_same(const struct hu_blocks *seen, const struct hu_blocks *want,
                    const char *what, const char *file, int line);
#define CHECK_BLOCKS(seen, want, what) \
    hu_blocks_same((seen), (want), (what), __FILE__, __LINE__)

/* ------------------------------------------------------------------------
 * Reference model
 * ------------------------------------------------------------------------ */

struct hu_ref;

/* Every page starts "not free".  Ranges need not be sorted. */
struct hu_ref *hu_ref_new(const struct pa_range *r, size_t nr, unsigned max_order);
void hu_ref_destroy(struct hu_ref *ref);
/* Node of a RAM page, -1 in a hole. */
int hu_ref_node(const struct hu_ref *ref, uint64_t mfn);
bool hu_ref_is_free(const struct hu_ref *ref, uint64_t mfn);
/* Mark RAM pages of [mfn, mfn+nr) free or not (holes skipped). */
void hu_ref_set(struct hu_ref *ref, uint64_t mfn, uint64_t nr, bool free);
/*
 * The heap receives [mfn, mfn+nr): split by node; MFN 0 kept out; a node
 * seen the first time takes its metadata as Xen 4.17's init_node_heap
 * (none for the first node, else the tail or head of this first run, none
 * if it is too short); the rest is free.
 */
void hu_ref_handoff(struct hu_ref *ref, uint64_t mfn, uint64_t nr);
/* Metadata pages chosen for a node (PA_INVALID_MFN: none yet). */
uint64_t hu_ref_meta(const struct hu_ref *ref, unsigned node);
/* Free pages, total. */
uint64_t hu_ref_free_pages(const struct hu_ref *ref);
/* The unique maximal decomposition of the free pages into blocks. */
void hu_ref_blocks(const struct hu_ref *ref, struct hu_blocks *out);
/*
 * What end_boot_allocator hands off, in its order, after the boot
 * allocations (already placed: req[i].mfn), without asking the heap: each
 * RAM range minus the allocations, the first piece on boot_node first, then
 * every other piece from the highest down.
 */
void hu_ref_boot(struct hu_ref *ref, const struct hu_boot_req *req,
                 size_t nreq, unsigned boot_node);

/* Expected blocks after boot + (optionally) returning the boot allocations,
 * for a layout: the whole reference story in one call. */
void hu_expect(const struct pa_range *r, size_t nr, unsigned max_order,
               const struct hu_boot_req *req, size_t nreq, bool freed,
               unsigned boot_node, struct hu_blocks *out);

/*
 * The core property: for every strategy (pagewise, chunked, lazy, deferred)
 * build a fresh heap, boot it with the boot allocations (a copy of req),
 * return them if freed, finish, and require the free blocks to equal the
 * reference (hu_expect).  Also checks, without the heap's help, that no
 * block holds MFN 0 or leaves its node, and that the per-node page counts
 * add up to the RAM.  Returns true if every strategy matched.
 */
bool hu_check_strategies(const char *what, const struct pa_range *r, size_t nr,
                         unsigned max_order, const struct hu_boot_req *req,
                         size_t nreq, bool freed, unsigned boot_node);
/* Blocks inside one node of the layout and without MFN 0?  Reports. */
bool hu_blocks_sane(const struct hu_blocks *b, const struct pa_range *r,
                    size_t nr, const char *what);

/* Bit width of an MFN, computed by a loop (independent of pa_mfn_zone). */
unsigned hu_zone(uint64_t mfn);

/* ------------------------------------------------------------------------
 * Deterministic randomness (splitmix64)
 * ------------------------------------------------------------------------ */

struct hu_rng {
    uint64_t s;
};
uint64_t hu_rand(struct hu_rng *r);
/* Uniform in [0, n) (n > 0). */
uint64_t hu_below(struct hu_rng *r, uint64_t n);

/* A random layout: nodes 0..nodes-1 interleaved, holes, sometimes MFN 0,
 * at most max_ranges ranges and about max_pages pages in all. */
size_t hu_random_layout(struct hu_rng *rng, struct pa_range *out,
                        size_t max_ranges, unsigned nodes, uint64_t max_pages);

#endif
