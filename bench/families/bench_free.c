/*
 * bench_free.c - family "free": high-order frees next to and across NUMA
 * node boundaries, against the same frees away from any boundary.
 *
 * Two nodes of equal size, their boundary aligned to 1 GiB, to 2 MiB or
 * to nothing.  "block" frees an order-k block at the boundary, away from
 * it, and away merging as often ("away_capped"); "range" frees memory the
 * heap never received, lazily or through init_heap_pages; "frag" counts
 * the free blocks on each side.  variant:reserve_page is Xen before 2010;
 * encoding compares legacy and uninit on the same frees.  Block and frag
 * share one booted heap per key, restored and checked after every
 * repetition; each figure is the median of timed batches.  What each
 * benchmark does and why the median: docs/model.md, "The families".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/base/clock.h"
#include "bench/base/vec.h"
#include "bench/stats/hstats.h"
#include "bench/families/fixture.h"
#include "bench/instrument/gbench.h"
#include "bench/instrument/icount.h"
#include "bench/families/harness.h"

enum free_kind { FREE_BLOCK, FREE_RANGE, FREE_FRAG };

/* Where a block free happens: away from the boundary (merging up to max
 * order), at it, or away with its buddy in use (no merge) or with the
 * buddy of the merged block in use (exactly one merge). */
enum free_where { W_AWAY, W_BOUNDARY, W_BUDDY_USED, W_ONE_MERGE, W_AWAY_CAPPED };
static const char *const where_names[] = { "away", "boundary", "buddy_used", "one_merge",
                                           "away_capped" };

struct free_case {
    struct hb_fixtures *fx;
    struct hb_fix_key key;
    enum free_kind kind;
    unsigned order;
    enum free_where near;      /* block: where; range: -- */
    bool lazy;                 /* range: lazy (uninit) or eager path */
    bool uninit;               /* block: the heap uses the uninit encoding */
    uint64_t iters;            /* fixed iterations per repetition */
};

/* The fixture tag of a heap booted whole (chunked) with nothing claimed. */
#define FREE_BOOTED 1

/* Pages the pre-2010 variant keeps out at node boundaries (MFN 0 aside). */
static uint64_t lost_pages(const struct pa_heap *h)
{
    uint64_t n = 0;

    for (unsigned node = 0; node < pa_heap_nr_nodes(h); node++) {
        struct pa_node_stats s;
        pa_node_stats(h, node, &s);
        n += s.reserved;
    }
    return n - (pa_mfn_is_ram(h, 0) ? 1 : 0);
}

/* lost_pages of a booted heap, once per key: the count walks the whole
 * frame table (it was half the family's time), and a booted heap of a key
 * is always the same (boot is deterministic; block frees restore it). */
static uint64_t lost_pages_booted(const struct hb_fix_key *k, const struct pa_heap *h)
{
    static struct {
        struct hb_fix_key key;
        uint64_t lost;
    } cache[16];
    static unsigned nr;

    for (unsigned i = 0; i < nr; i++)
        if (cache[i].key.ram_pages == k->ram_pages && cache[i].key.nodes == k->nodes &&
            cache[i].key.boundary_order == k->boundary_order && cache[i].key.enc == k->enc &&
            cache[i].key.reserve_boundary == k->reserve_boundary)
            return cache[i].lost;
    uint64_t lost = lost_pages(h);
    if (nr < sizeof cache / sizeof cache[0])
        cache[nr++] = (typeof(cache[0])){ *k, lost };
    return lost;
}

static const struct {
    const char *name;
    unsigned order;
} boundaries[] = {
    { "natural", HB_ALIGN_NATURAL }, { "order9", 9 }, { "unaligned", 0 },
};

/* ------------------------------------------------------------------------
 * Set-up helpers
 * ------------------------------------------------------------------------ */

/* Hand all RAM except [skip_s, skip_e) to the heap with a strategy. */
static void boot_except(struct pa_heap *h, enum pa_strategy s, uint64_t skip_s,
                        uint64_t skip_e)
{
    struct pa_boot *b = pa_boot_create(h);

    pa_heap_set_strategy(h, s);
    for (size_t i = 0; i < pa_heap_nr_ranges(h); i++) {
        const struct pa_range *r = pa_heap_range(h, i);
        uint64_t a = r->start, e = r->end;
        if (skip_s < e && a < skip_e) {
            if (a < skip_s)
                pa_boot_add(b, a, skip_s);
            if (skip_e < e)
                pa_boot_add(b, skip_e, e);
        } else {
            pa_boot_add(b, a, e);
        }
    }
    pa_end_boot_allocator(b, 0);
    pa_boot_destroy(b);
}

static uint64_t block_mfn(const struct free_case *c)
{
    uint64_t bnd = hb_fix_boundary(&c->key, 1), size = 1ULL << c->order;

    if (c->near != W_BOUNDARY)     /* the middle of node 0, 1 GiB aligned */
        return (bnd / 2) & ~((1ULL << 18) - 1);
    return (bnd & ~(size - 1)) - size;
}

/* The block kept in use while the block at mfn is freed (typical frees):
 * its buddy (no merge), or the buddy of the two merged (one merge).
 * Returns false if none. */
static bool pin_block(const struct free_case *c, uint64_t mfn, uint64_t *pin, unsigned *order)
{
    if (c->near == W_BUDDY_USED) {
        *pin = mfn ^ (1ULL << c->order), *order = c->order;
        return true;
    }
    if (c->near == W_ONE_MERGE) {
        *pin = mfn ^ (2ULL << c->order), *order = c->order + 1;
        return true;
    }
    return false;
}

/* ------------------------------------------------------------------------
 * Benchmarks
 * ------------------------------------------------------------------------ */

/* What a restore must leave as it was: the free blocks, sorted by MFN, as
 * keys (mfn << 16 | node << 8 | order), and the free pages per node. */
struct free_snap {
    uint64_t *v;
    size_t nr, cap;
    uint64_t avail[PA_MAX_NODES];
};

static int snap_add(uint64_t mfn, unsigned order, unsigned node, unsigned zone, void *arg)
{
    struct free_snap *s = arg;

    (void)zone;
    if (hb_vec_grow((void **)&s->v, &s->cap, s->nr + 1, sizeof *s->v))
        return -ENOMEM;
    s->v[s->nr++] = mfn << 16 | (uint64_t)node << 8 | order;
    return 0;
}

static int snap_take(const struct pa_heap *h, struct free_snap *s)
{
    s->nr = 0;
    memset(s->avail, 0, sizeof s->avail);
    for (unsigned n = 0; n < pa_heap_nr_nodes(h) && n < PA_MAX_NODES; n++)
        s->avail[n] = pa_avail(h, (int)n, -1);
    return pa_for_each_free_block(h, snap_add, s);
}

static bool snap_same(const struct free_snap *a, const struct free_snap *b)
{
    return a->nr == b->nr && !memcmp(a->avail, b->avail, sizeof a->avail) &&
           (!a->nr || !memcmp(a->v, b->v, a->nr * sizeof *a->v));
}

/* Frees per timed batch: enough that the timer's granularity does not
 * matter at low orders; from order 6 up one free is a batch. */
static uint64_t batch_size(unsigned order)
{
    return order < 6 ? 64 >> order : 1;
}

/* One repetition of a block benchmark: the block, the batches' times per
 * free, and the heap's free blocks before and after. */
struct block_rep {
    uint64_t mfn, bs;          /* the block; frees per batch */
    uint64_t buddy;            /* capped: the buddy held, of order cap */
    unsigned cap;              /* 0: none held */
    uint64_t merges, iters;
    double *per_op;            /* each batch's time per free, ns */
    size_t nb, maxb;
    struct free_snap before, after;
};

/* Untimed, for away_capped: free the boundary block once to count its
 * merges, then hold the away block's buddy at the order where that free
 * stopped (none if it reached max_order). */
static const char *hold_buddy(struct block_rep *br, const struct free_case *c,
                              struct pa_heap *h)
{
    struct free_case at = *c;
    uint64_t head;
    unsigned stop;

    at.near = W_BOUNDARY;
    uint64_t bm = block_mfn(&at);
    if (pa_claim_block(h, bm, c->order, 1))
        return "boundary block to count merges is not free";
    pa_free_heap_pages(h, bm, c->order);
    if (pa_free_block_of(h, bm, &head, &stop))   /* the order it reached */
        return "boundary block is not free after its free";
    if (stop >= PA_MAX_ORDER_DEFAULT)
        return NULL;
    br->buddy = br->mfn ^ (1ULL << stop);
    if (pa_claim_block(h, br->buddy, stop, 1))
        return "buddy to hold is not free";
    br->cap = stop + 1;
    return NULL;
}

/* Untimed: the batch array (touched now, so no page faults while timing),
 * the booted heap, and what it holds before the first free. */
static const char *block_setup(struct block_rep *br, const struct free_case *c,
                               struct pa_heap *h, bool kept)
{
    br->mfn = block_mfn(c);
    br->bs = batch_size(c->order);
    br->maxb = (size_t)(c->iters / br->bs + 2);
    br->per_op = calloc(br->maxb, sizeof *br->per_op);
    if (!kept)
        boot_except(h, PA_STRAT_CHUNKED, 0, 0);
    if (c->near == W_AWAY_CAPPED) {
        const char *err = hold_buddy(br, c, h);
        if (err)
            return err;
    }
    if (!br->per_op || snap_take(h, &br->before))
        return "out of memory";
    return NULL;
}

/* The timed loop: claim (untimed), free (timed), batch by batch. */
static const char *block_batches(hb_gb_state *st, struct block_rep *br,
                                 const struct free_case *c, struct pa_heap *h)
{
    uint64_t mfn = br->mfn, bs = br->bs, iters = 0, n, head;
    uint64_t in_batch = 0, batch_ns = 0;
    size_t nb = 0, maxb = br->maxb;
    double *per_op = br->per_op;
    bool cnt = hb_gb_counting(st);
    unsigned reached;

    while ((n = hb_gb_keep_running_batch(st, bs - in_batch))) {
        for (uint64_t i = 0; i < n; i++) {
            if (pa_claim_block(h, mfn, c->order, 1))
                return "block to free is not free in the heap";
            uint64_t t0 = hb_now_ns();
            if (cnt)
                hb_icount_on();
            pa_free_heap_pages(h, mfn, c->order);
            if (cnt)
                hb_icount_off();
            uint64_t t1 = hb_now_ns();
            batch_ns += t1 - t0;
        }
        iters += n;
        in_batch += n;
        if (in_batch == bs && nb < maxb) {
            per_op[nb++] = (double)batch_ns / (double)bs;
            in_batch = batch_ns = 0;
        }
    }
    if (in_batch && nb < maxb)
        per_op[nb++] = (double)batch_ns / (double)in_batch;
    /* Each free undoes its claim, so every free merged as often as the
     * last: up to the order of the free block it left. */
    if (iters && pa_free_block_of(h, mfn, &head, &reached))
        return "freed block is not free in the heap";
    br->merges = iters ? (uint64_t)(reached - c->order) * iters : 0;
    br->iters = iters, br->nb = nb;
    hb_gb_count_brackets(st, iters);
    return NULL;
}

/* Untimed: the repetition ran, and the heap is what it was before it. */
static const char *block_check(struct block_rep *br, const struct pa_heap *h)
{
    if (!br->iters || !br->nb)
        return "no iterations";
    if (snap_take(h, &br->after) || !snap_same(&br->before, &br->after))
        return "restore left the heap different (free blocks or counters)";
    return NULL;
}

/* The repetition's time (median batch per free, times the iterations) and
 * its counters. */
static void block_report(hb_gb_state *st, struct block_rep *br, const struct free_case *c,
                         const struct pa_heap *h)
{
    struct hb_stats s;

    hb_stats_compute(br->per_op, br->nb, &s);   /* sorts per_op; all finite */
    double med = s.median, iqr = s.q3 - s.q1;
    hb_gb_set_iteration_time(st, med * (double)br->iters * 1e-9);
    hb_gb_counter(st, "batches", (double)br->nb, HB_GB_PLAIN);
    hb_gb_counter(st, "batch_iqr_pct", med > 0 ? 100.0 * iqr / med : 0, HB_GB_PLAIN);
    hb_gb_counter(st, "merges", (double)br->merges / (double)br->iters, HB_GB_PLAIN);
    hb_gb_counter(st, "lost_pages", (double)lost_pages_booted(&c->key, h), HB_GB_PLAIN);
    hb_gb_set_work(st, (double)(1ULL << c->order),
                   (double)(1ULL << c->order) * sizeof(struct pa_page));
}

static void bm_block(hb_gb_state *st, struct free_case *c, struct pa_heap *h, bool kept)
{
    struct block_rep br = { 0 };
    const char *err = block_setup(&br, c, h, kept);
    uint64_t pin;
    unsigned pin_order;
    bool pinned = !err && pin_block(c, br.mfn, &pin, &pin_order);

    /* Untimed: the pinned block stays in use for the repetition. */
    if (pinned && pa_claim_block(h, pin, pin_order, 1))
        err = "block to keep in use is not free in the heap", pinned = false;
    if (!err)
        err = block_batches(st, &br, c, h);
    if (pinned)
        pa_free_heap_pages(h, pin, pin_order);
    if (!err)
        err = block_check(&br, h);
    if (!err)
        block_report(st, &br, c, h);
    if (!err && br.cap)             /* the booted heap again */
        pa_free_heap_pages(h, br.buddy, br.cap - 1);
    if (err) {
        hb_fix_untag(c->fx, h);     /* the next user boots it afresh */
        hb_gb_skip_with_error(st, err);
    }
    free(br.before.v);
    free(br.after.v);
    free(br.per_op);
}

static void bm_range(hb_gb_state *st, struct free_case *c, struct pa_heap *h)
{
    uint64_t bnd = hb_fix_boundary(&c->key, 1), half = 1ULL << c->order >> 1;
    uint64_t s = bnd - half, n = 1ULL << c->order;
    bool cnt = hb_gb_counting(st);

    while (hb_gb_keep_running_batch(st, 1)) {
        pa_heap_reset(h);
        boot_except(h, c->lazy ? PA_STRAT_LAZY : PA_STRAT_CHUNKED, s, s + n);
        uint64_t t0 = hb_now_ns();
        if (cnt)
            hb_icount_on();
        int rc = c->lazy ? pa_free_range(h, s, n) : pa_init_heap_pages(h, s, n);
        if (cnt)
            hb_icount_off();
        uint64_t t1 = hb_now_ns();
        hb_gb_count_brackets(st, 1);
        if (rc) {
            hb_gb_skip_with_error(st, "range free failed");
            return;
        }
        hb_gb_set_iteration_time(st, (double)(t1 - t0) * 1e-9);
    }
    hb_gb_set_work(st, (double)n, (double)n * sizeof(struct pa_page));
}

static void bm_frag(hb_gb_state *st, struct free_case *c, struct pa_heap *h, bool kept)
{
    uint64_t left = 0, right = 0;

    if (!kept)
        boot_except(h, PA_STRAT_CHUNKED, 0, 0);
    bool cnt = hb_gb_counting(st);
    uint64_t t0 = hb_now_ns();
    if (cnt)
        hb_icount_on();
    left = pa_free_blocks(h, 0, c->order);
    right = pa_free_blocks(h, 1, c->order);
    if (cnt)
        hb_icount_off();
    uint64_t took = hb_now_ns() - t0;
    /* The walk is timed once; counted once per iteration it stands for. */
    hb_gb_count_brackets(st, 1);
    /* The time is what counting costs (a walk of both lists), once. */
    while (hb_gb_keep_running_batch(st, 1))
        hb_gb_set_iteration_time(st, (double)(took ? took : 1) * 1e-9);
    hb_gb_counter(st, "lost_pages", (double)lost_pages_booted(&c->key, h), HB_GB_PLAIN);
    hb_gb_counter(st, "left_blocks", (double)left, HB_GB_PLAIN);
    hb_gb_counter(st, "right_blocks", (double)right, HB_GB_PLAIN);
}

static void bm_free(hb_gb_state *st, void *arg)
{
    struct free_case *c = arg;
    char why[256];
    bool kept = false;
    /* Blocks and frag leave the heap booted; ranges rebuild it anyway.
     * Counted, every block benchmark boots afresh: a kept heap holds the
     * same free blocks but not in the same list order, and a count would
     * depend by a few instructions on which benchmarks ran before. */
    bool fresh = c->kind == FREE_RANGE || (c->kind == FREE_BLOCK && hb_gb_counting(st));
    struct pa_heap *h = fresh ? hb_fix_get(c->fx, &c->key, why, sizeof why)
                            : hb_fix_get_tagged(c->fx, &c->key, FREE_BOOTED, &kept, why,
                                                sizeof why);

    if (!h) {
        hb_gb_skip_with_error(st, why);
        return;
    }
    if (c->kind == FREE_BLOCK)
        bm_block(st, c, h, kept);
    else if (c->kind == FREE_RANGE)
        bm_range(st, c, h);
    else
        bm_frag(st, c, h, kept);
}

/* ------------------------------------------------------------------------
 * Registration
 * ------------------------------------------------------------------------ */

/* variant: node_check (today: merges compare nodes) or reserve_page (before
 * 2010: the first page of a node off a max_order boundary is kept out). */
static void add(struct hb_fixtures *fx, enum free_kind kind, unsigned bi,
                unsigned order, enum free_where near, bool lazy, bool reserve, bool uninit)
{
    struct free_case *c = calloc(1, sizeof *c);
    static const char *const what[] = { "block", "range", "frag" };
    /* Blocks: 8 GiB, so an order-18 block fits away from the boundary on
     * each side; ranges of up to 2^18 pages centred on the boundary: 2 GiB. */
    unsigned gib = kind == FREE_RANGE ? 2 : 8;
    char name[256];

    *c = (struct free_case){ fx, { .ram_pages = (uint64_t)gib << 18, .nodes = 2,
                                   .boundary_order = boundaries[bi].order,
                                   .enc = lazy || uninit ? PA_ENC_UNINIT : PA_ENC_LEGACY,
                                   .reserve_boundary = reserve },
                             kind, order, near, lazy, uninit, 0 };
    snprintf(name, sizeof name,
             "free/%s/boundary:%s/order:%u/where:%s/path:%s/variant:%s/encoding:%s",
             what[kind], boundaries[bi].name, order,
             kind == FREE_BLOCK ? where_names[near] : "boundary",
             kind == FREE_RANGE ? (lazy ? "lazy" : "eager") : "free_heap_pages",
             reserve ? "reserve_page" : "node_check", lazy || uninit ? "uninit" : "legacy");
    hb_gb_bench *b = hb_gb_register(name, bm_free, c);
    hb_gb_use_manual_time(b);
    if (kind == FREE_BLOCK) {
        uint64_t it = (1ULL << 20) >> order;
        c->iters = it < 64 ? 64 : it > 10000 ? 10000 : it;
    } else {
        /* Counted, a range's iterations are alike (each boots afresh):
         * two say what eight would. */
        c->iters = kind == FREE_RANGE ? (hb_icount_running() ? 2 : 8) : 1;
    }
    hb_gb_fixed_iterations(b, c->iters);
}

void hb_family_free_register(const struct hb_bench_ctx *ctx)
{
    struct hb_fixtures *fx = calloc(1, sizeof *fx);
    bool quick = ctx->profile == HB_PROFILE_QUICK;
    unsigned step = quick ? 9 : 1;

    hb_fix_init(fx, ctx);
    for (unsigned bi = 0; bi < 3; bi++) {
        for (int v = 0; v < 2; v++)
            for (unsigned o = 0; o <= 18; o += step) {
                add(fx, FREE_BLOCK, bi, o, W_BOUNDARY, false, v, false);
                add(fx, FREE_BLOCK, bi, o, W_AWAY, false, v, false);
                add(fx, FREE_FRAG, bi, o, W_BOUNDARY, false, v, false);
            }
        /* Equal work: away, merging as often as at the boundary (a
         * natural boundary stops nothing short of max_order). */
        for (unsigned o = 0; bi && o <= 18; o += step)
            add(fx, FREE_BLOCK, bi, o, W_AWAY_CAPPED, false, false, false);
        for (unsigned o = 1; o <= 18; o += quick ? 8 : 1) {
            add(fx, FREE_RANGE, bi, o, W_BOUNDARY, true, false, false);
            add(fx, FREE_RANGE, bi, o, W_BOUNDARY, false, false, false);
        }
    }
    /* The encoding's cost on the hot path: the same frees, uninit. */
    for (unsigned o = 0; o <= 18; o += 9) {
        add(fx, FREE_BLOCK, 0, o, W_BOUNDARY, false, false, true);
        add(fx, FREE_BLOCK, 0, o, W_AWAY, false, false, true);
    }
    /* Typical frees, under both encodings: the buddy in use, one merge. */
    for (unsigned o = 0; o <= 9; o += 9)
        for (int u = 0; u < 2; u++) {
            add(fx, FREE_BLOCK, 0, o, W_BUDDY_USED, false, false, u);
            add(fx, FREE_BLOCK, 0, o, W_ONE_MERGE, false, false, u);
        }
}

/* What the verdict asks of this family, by name (each row's `series`
 * column, docs/results-format.md): the question varies boundary, order and
 * where; a new parameter is pinned here, for the verdict, to its value. */
static const struct hb_tidy_series free_series[] = {
    { "block_legacy", "what=block;variant=node_check;encoding=legacy" },
    { "block_uninit", "what=block;variant=node_check;encoding=uninit" },
    { "frag", "what=frag;variant=node_check;encoding=legacy" },
    { "range_lazy", "what=range;path=lazy" },
    { "range_eager", "what=range;path=eager" },
    { NULL, NULL },
};

HB_FAMILY(free, 30, hb_family_free_register, 0.024, 0.019, 0.024, .series = free_series);
