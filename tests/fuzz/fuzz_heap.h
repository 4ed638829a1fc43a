/*
 * fuzz_heap.h - what the fuzzer's two files share: the size of an input's
 * world, the switches that keep it away from a known bug, the harness's
 * state, and the helpers the operations (fuzz_ops.c) use from the harness
 * (fuzz_heap.c).
 */
#ifndef FZ_HEAP_H
#define FZ_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alloc/heap.h"

#define FZ_MAX_NODES 4
#define FZ_MAX_RANGES 8
/*
 * The size of what an input models (a build can widen it, e.g.
 * FZ_CFLAGS="-DFZ_MAX_RAM=65536 -DFZ_ORDERS=16 -DFZ_HIGH_BITS=12", the
 * decoding before the fuzzer was made fast; the same bytes are read either
 * way).  Small by default: an input's time grows with its RAM (init,
 * checks and the reference heap are per page), its max_order (chunks, so
 * the table and node map, are at least 2^max_order entries) and its
 * highest MFN (the directory has an entry per chunk up to it), and 16
 * MiB of RAM, max_order 3..12 and MFNs up to 2^24 still give node
 * boundaries inside and between chunks, holes, far chunks and other zones
 * at some 5 times the executions per second.
 *   FZ_MAX_RAM    pages of RAM at most (the first ranges get them)
 *   FZ_ORDERS     max_order is 3 .. 2 + FZ_ORDERS
 *   FZ_HIGH_BITS  "high MFNs" start at 2^20 .. 2^(19 + FZ_HIGH_BITS)
 */
#ifndef FZ_MAX_RAM
#define FZ_MAX_RAM (1u << 12)
#endif
#ifndef FZ_ORDERS
#define FZ_ORDERS 10
#endif
#ifndef FZ_HIGH_BITS
#define FZ_HIGH_BITS 4
#endif
#define FZ_MAX_BOOT 8
#define FZ_MAX_OPS 256
#define FZ_MAX_ITEMS 512
#define FZ_MAX_LOG (FZ_MAX_OPS + FZ_MAX_ITEMS + 16)
#define FZ_HISTORY 16

/*
 * Switches for library bugs: set one to 1 to keep the fuzzer away from an
 * operation while a bug is open, so that the rest goes on being fuzzed.
 * Both bugs below were found by this fuzzer and are fixed; the switches
 * stay at 0 so that the cases keep being tested.
 *
 * MFN0_PENDING: in a lazy heap, MFN 0 handed off by end_boot_allocator but
 * not yet reserved (its node untouched) was accepted by free_heap_pages and
 * init_heap_pages (order 0) with 0 instead of -EINVAL: the pending-run check
 * did not see it, since record_run leaves MFN 0 out of the runs.
 */
#ifndef FZ_AVOID_MFN0_PENDING
#define FZ_AVOID_MFN0_PENDING 0
#endif

/*
 * PENDING_RACE: in a deferred heap, a free of a never-allocated page in the
 * chunk a node thread is initialising was accepted and corrupted the lists:
 * pai_lazy_grow moves the run's start past the chunk before freeing it
 * block by block, and drops the lock between blocks (pai_call_boundary),
 * so the pending-run check no longer saw the chunk's uninitialised pages.
 * Fixed by tracking such chunks as in flight (alloc/lazy.c).
 */
#ifndef FZ_AVOID_PENDING_RACE
#define FZ_AVOID_PENDING_RACE 0
#endif

/*
 * INFLIGHT_INUSE (found by this fuzzer on the node map commits, fixed in
 * alloc/init.c): in a deferred heap, page-wise init set a page in use and
 * then let the lock go before freeing it; a free of that page in the gap
 * passed every misuse check (it was in use), so the page was freed twice.
 * Init now lets the lock go only between pages.  The crash input stays as
 * tests/fuzz/corpus/race-inflight-inuse (a race: it did not fail on every
 * replay).  Set to 1 to keep the fuzzer away from freeing pending pages
 * while threads run.
 */
#ifndef FZ_AVOID_INFLIGHT_INUSE
#define FZ_AVOID_INFLIGHT_INUSE 0
#endif

struct fz_in {
    const uint8_t *p;
    size_t n;
};

struct fz_layout {
    struct pa_range r[FZ_MAX_RANGES];   /* sorted, disjoint */
    size_t nr;
    unsigned nodes, max_order, boot_node;
    enum pa_encoding enc;
    enum pa_strategy strat, ref_strat;
    uint64_t ram;
    bool own_threads;                   /* deferred: the heap's own threads */
};

struct fz_boot {
    uint64_t pages, align, mfn;
    int node;
};

/* What the harness holds: heap blocks, boot allocations, live-update pages. */
enum fz_kind { FZ_ALLOC, FZ_BOOT, FZ_INUSE };

struct fz_item {
    uint64_t mfn, nr;
    unsigned order;
    enum fz_kind kind;
};

/* Boot pages leaving the harness, in order: the reference replays these. */
enum fz_ev { FZ_EV_INIT, FZ_EV_INUSE, FZ_EV_FREE };

struct fz_event {
    enum fz_ev ev;
    uint64_t mfn, nr;
};

struct fz {
    struct fz_in in;
    struct fz_layout lay;
    struct pa_heap *h;
    struct fz_boot boot[FZ_MAX_BOOT];
    size_t nboot;
    struct fz_item items[FZ_MAX_ITEMS];
    size_t nitems;
    struct fz_event log[FZ_MAX_LOG];
    size_t nlog;
    struct fz_item freed[FZ_HISTORY];   /* recently freed alloc blocks */
    size_t nfreed;
    uint8_t held[FZ_MAX_RAM];           /* by RAM index */
    bool threads;                       /* deferred threads may be running */
    unsigned step;
    const char *op;
};

/* Harness (fuzz_heap.c) */
unsigned fz_u8(struct fz_in *in);
unsigned fz_u16(struct fz_in *in);
uint64_t fz_below(struct fz_in *in, uint64_t n);
void fz_fail(const struct fz *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));
void fz_log(const struct fz *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void fz_check(const struct fz *f, struct pa_heap *h);
long fz_ram_index(const struct fz_layout *l, uint64_t mfn);
int fz_node_of(const struct fz_layout *l, uint64_t mfn);
uint64_t fz_ram_mfn(const struct fz_layout *l, uint64_t idx);
bool fz_one_node(const struct fz_layout *l, uint64_t mfn, uint64_t nr);
bool fz_any_held(const struct fz *f, uint64_t mfn, uint64_t nr);
void fz_hold(struct fz *f, uint64_t mfn, uint64_t nr, bool on);
bool fz_add_item(struct fz *f, uint64_t mfn, uint64_t nr, unsigned order, enum fz_kind kind);
void fz_drop_item(struct fz *f, size_t i);
void fz_logev(struct fz *f, enum fz_ev ev, uint64_t mfn, uint64_t nr);
void fz_expect_ok(const struct fz *f, int rc, const char *what);
void fz_expect_err(const struct fz *f, int rc, const char *what);
void fz_free_alloc(struct fz *f, const struct fz_item *it, bool as_range);
void fz_free_item(struct fz *f, size_t i, unsigned how);

/* Operations (fuzz_ops.c), each reading its arguments from f->in */
void op_alloc(struct fz *f);
void op_claim(struct fz *f);
void op_free(struct fz *f);
void op_inuse(struct fz *f);
void op_finish(struct fz *f);
void op_deferred(struct fz *f);
void op_misuse(struct fz *f);

#endif
