/*
 * fixture.h - heaps for benchmarks: synthetic NUMA layouts with chosen node
 * boundary alignment, built once per parameter set and reused.
 *
 * Google Benchmark 1.7 runs Setup on every trial and repetition, and a
 * frame table of many GiB takes seconds to fault in, so fixtures keep the
 * last few heaps keyed by their parameters.  A heap handed out is reset:
 * its (already faulted) table zeroed, its lists empty.  No page fault
 * happens after pa_heap_create returns: the table is pre-faulted there.
 */
#ifndef HB_FIXTURE_H
#define HB_FIXTURE_H

#include <stdint.h>

#include "alloc/heap.h"
#include "bench/families/harness.h"

#define HB_FIX_SLOTS 2
#define HB_ALIGN_NATURAL 99   /* boundaries at multiples of the node size */

struct hb_fix_key {
    uint64_t ram_pages;        /* total modelled RAM */
    unsigned nodes;            /* equal shares */
    unsigned boundary_order;   /* node boundaries aligned to 2^k pages
                                  (k < 18), or HB_ALIGN_NATURAL */
    enum pa_encoding enc;
    unsigned max_order;        /* 0: default */
    bool given;                /* use the layout of the command line */
    bool reserve_boundary;     /* pre-2010 boundary handling (heap.h) */
};

struct hb_fixtures {
    const struct hb_bench_ctx *ctx;
    struct hb_bind bind;       /* ctx's topology and layout, for binding */
    struct {
        struct hb_fix_key key;
        struct pa_heap *heap;
        unsigned tag;          /* hb_fix_get_tagged: 0 none */
    } slot[HB_FIX_SLOTS];
    unsigned next;
};

void hb_fix_init(struct hb_fixtures *f, const struct hb_bench_ctx *ctx);
void hb_fix_release(struct hb_fixtures *f);

/* Build the ranges of a synthetic layout (caller frees); count in *nr.
 * RAM starts at 1 MiB, as on a PC; node i ends at (i+1)*share + offset. */
struct pa_range *hb_fix_layout(const struct hb_fix_key *k, size_t *nr);

/* A reset heap for the key, or NULL with a reason in why (does not fit). */
struct pa_heap *hb_fix_get(struct hb_fixtures *f, const struct hb_fix_key *k,
                           char *why, size_t whylen);

/* A heap for the key that keeps its state between users who agree on it.
 * If the cached heap carries tag (non-zero: a state the caller names, such
 * as "booted, nothing allocated"), it is returned as its last user left it
 * and *kept is true: the caller skips its set-up.  Otherwise as hb_fix_get
 * (reset, *kept false) and now tagged: the caller must bring it to the
 * state the tag names and leave it so, or drop the tag with hb_fix_untag.
 * hb_fix_get drops a heap's tag (it resets the heap). */
struct pa_heap *hb_fix_get_tagged(struct hb_fixtures *f, const struct hb_fix_key *k,
                                  unsigned tag, bool *kept, char *why, size_t whylen);
void hb_fix_untag(struct hb_fixtures *f, const struct pa_heap *h);

/* Where node boundary i (1-based) of a synthetic layout lies. */
uint64_t hb_fix_boundary(const struct hb_fix_key *k, unsigned i);

#endif
