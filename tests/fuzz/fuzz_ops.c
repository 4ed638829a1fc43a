/*
 * fuzz_ops.c - the operations of the heap fuzzer (fuzz_heap.c runs them):
 * allocations and claims, frees, live-update init, lazy finishing and
 * deferred threads, and deliberate misuse, each refused with a negative
 * errno.  Each reads its arguments from the input, checks the heap's
 * answer against what the harness knows, and records what it now holds.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc/heap.h"
#include "tests/fuzz/fuzz_heap.h"

/* ------------------------------------------------------------------------
 * Operations: allocation and claims
 * ------------------------------------------------------------------------ */

/* An aligned block of 2^order pages of the node, all pending: RAM of the
 * node, uninitialised, held by nobody (boot pages are uninitialised too),
 * not MFN 0.  PA_INVALID_MFN if none. */
static uint64_t fz_pending_block(const struct fz *f, unsigned node, unsigned order)
{
    uint64_t nr = 1ULL << order;

    for (size_t i = 0; i < f->lay.nr; i++) {
        const struct pa_range *r = &f->lay.r[i];
        if (r->node != node)
            continue;
        for (uint64_t m = (r->start + nr - 1) & ~(nr - 1); m && m + nr <= r->end; m += nr) {
            uint64_t k = 0;
            while (k < nr && !fz_any_held(f, m + k, 1) &&
                   pa_page_state_is(f->h, pa_mfn_to_page(f->h, m + k), PA_STATE_UNINIT))
                k++;
            if (k == nr)
                return m;
        }
    }
    return PA_INVALID_MFN;
}

/* A node that alloc skipped must have had nothing to give: no free block
 * of the order or more, and no pending memory that holds an aligned block
 * of the order (an allocation initialises pending memory only where a
 * block of its order fits, as an eager heap would serve it: alloc/lazy.c). */
static void fz_expect_empty(const struct fz *f, unsigned node, unsigned order)
{
    uint64_t m;

    for (unsigned j = order; j <= f->lay.max_order; j++)
        if (pa_free_blocks(f->h, (int)node, j))
            fz_fail(f, "alloc order %u passed over node %u with a free block of order %u",
                    order, node, j);
    m = fz_pending_block(f, node, order);
    if (m != PA_INVALID_MFN)
        fz_fail(f, "alloc order %u passed over node %u with pending block mfn %#lx", order,
                node, (unsigned long)m);
}

/* Check a block the heap handed out, and take it. */
static void fz_take(struct fz *f, uint64_t mfn, unsigned order, uint64_t owner)
{
    uint64_t nr = 1ULL << order;

    if (mfn & (nr - 1))
        fz_fail(f, "block mfn %#lx is not aligned to order %u", (unsigned long)mfn, order);
    if (!fz_one_node(&f->lay, mfn, nr))
        fz_fail(f, "block mfn %#lx order %u is not RAM of one node", (unsigned long)mfn, order);
    if (mfn == 0)
        fz_fail(f, "MFN 0 was handed out");
    if (fz_any_held(f, mfn, nr))
        fz_fail(f, "block mfn %#lx order %u overlaps pages already held", (unsigned long)mfn, order);
    for (uint64_t i = 0; i < nr; i++) {
        const struct pa_page *pg = pa_mfn_to_page(f->h, mfn + i);
        if (!pa_page_state_is(f->h, pg, PA_STATE_INUSE) || pg->owner != owner ||
            (pg->count_info & (PA_PGC_META | PA_PGC_RESERVED)))
            fz_fail(f, "page mfn %#lx handed out is not in use by its owner",
                    (unsigned long)(mfn + i));
    }
    fz_hold(f, mfn, nr, true);
    if (!fz_add_item(f, mfn, nr, order, FZ_ALLOC)) {
        struct fz_item it = { mfn, nr, order, FZ_ALLOC };
        fz_free_alloc(f, &it, false);
    }
}

void op_alloc(struct fz *f)
{
    unsigned b = fz_u8(&f->in), lim = f->lay.max_order + 1;
    unsigned order = b < 192 ? b % (lim < 4 ? lim : 4) : b % lim;
    int node = (int)fz_below(&f->in, f->lay.nodes + 1) - 1;
    unsigned nn = pa_heap_nr_nodes(f->h), first;
    uint64_t owner = 1000 + f->step, mfn;
    int got;

    mfn = pa_alloc_heap_pages(f->h, order, node, owner);
    fz_log(f, "alloc order %u node %d -> %#lx", order, node, (unsigned long)mfn);
    got = mfn == PA_INVALID_MFN ? -1 : fz_node_of(&f->lay, mfn);
    if (mfn != PA_INVALID_MFN)
        fz_take(f, mfn, order, owner);
    if (f->threads)
        return;     /* the threads may have grown a node in the meantime */
    first = node < 0 || (unsigned)node >= nn ? 0 : (unsigned)node;
    for (unsigned k = 0; k < nn; k++) {
        unsigned n = (first + k) % nn;
        if ((int)n == got)
            break;
        fz_expect_empty(f, n, order);
    }
}

/* Would a claim of [mfn, mfn+nr) succeed: every page free, one node? */
static bool fz_claimable(const struct fz *f, uint64_t mfn, uint64_t nr)
{
    if (!fz_one_node(&f->lay, mfn, nr))
        return false;
    for (uint64_t i = 0; i < nr; i++)
        if (!pa_page_state_is(f->h, pa_mfn_to_page(f->h, mfn + i), PA_STATE_FREE))
            return false;
    return true;
}

void op_claim(struct fz *f)
{
    uint64_t mfn = fz_ram_mfn(&f->lay, fz_below(&f->in, f->lay.ram));
    unsigned order = fz_u8(&f->in) % (f->lay.max_order + 1);
    uint64_t owner = 1000 + f->step, nr = 1ULL << order;
    bool want;
    int rc;

    if (fz_u8(&f->in) & 1)
        order %= 3, nr = 1ULL << order;
    mfn &= ~(nr - 1);
    want = fz_claimable(f, mfn, nr);
    rc = pa_claim_block(f->h, mfn, order, owner);
    fz_log(f, "claim mfn %#lx order %u -> %d", (unsigned long)mfn, order, rc);
    if (want && rc)
        fz_fail(f, "claim of free block mfn %#lx order %u failed: %d", (unsigned long)mfn, order, rc);
    if (!want && !rc && !f->threads)
        fz_fail(f, "claim of mfn %#lx order %u succeeded on pages not all free", (unsigned long)mfn, order);
    if (!rc)
        fz_take(f, mfn, order, owner);
    else if (rc != -ENOENT && rc != -EINVAL)
        fz_fail(f, "claim returned %d, expected 0, -ENOENT or -EINVAL", rc);
}

/* ------------------------------------------------------------------------
 * Operations: frees, live update, lazy and deferred
 * ------------------------------------------------------------------------ */

void op_free(struct fz *f)
{
    size_t i = (size_t)fz_below(&f->in, f->nitems);
    unsigned how = fz_u16(&f->in);

    if (f->nitems)
        fz_free_item(f, i, how);
}

/* Live update: part of a boot allocation becomes properly "in use". */
void op_inuse(struct fz *f)
{
    size_t i = (size_t)fz_below(&f->in, f->nitems);
    struct fz_item *it = &f->items[i];
    uint64_t len;
    int rc;

    if (!f->nitems || it->kind != FZ_BOOT || f->nitems == FZ_MAX_ITEMS)
        return;
    len = 1 + fz_below(&f->in, it->nr);
    rc = pa_init_inuse(f->h, it->mfn, len, 2000 + f->step);
    fz_log(f, "init_inuse mfn %#lx nr %lu -> %d", (unsigned long)it->mfn, (unsigned long)len, rc);
    fz_expect_ok(f, rc, "pa_init_inuse of boot pages");
    fz_logev(f, FZ_EV_INUSE, it->mfn, len);
    fz_add_item(f, it->mfn, len, 0, FZ_INUSE);
    it->mfn += len;
    it->nr -= len;
    if (!it->nr)
        fz_drop_item(f, i);
}

void op_finish(struct fz *f)
{
    int node = (int)fz_below(&f->in, f->lay.nodes + 1) - 1;
    int rc = pa_lazy_finish(f->h, node);

    fz_log(f, "lazy_finish node %d -> %d", node, rc);
    fz_expect_ok(f, rc, "pa_lazy_finish");
    f->threads = false;     /* finish joins deferred threads first */
    if (pa_lazy_pending(f->h, node))
        fz_fail(f, "%lu pages still pending on node %d after finish",
                (unsigned long)pa_lazy_pending(f->h, node), node);
}

void op_deferred(struct fz *f)
{
    int rc;

    if (f->lay.strat != PA_STRAT_DEFERRED) {
        fz_expect_err(f, pa_deferred_start(f->h, NULL, NULL), "pa_deferred_start on an eager heap");
        fz_expect_err(f, pa_deferred_join(f->h, NULL), "pa_deferred_join without threads");
        return;
    }
    if (f->threads) {
        rc = pa_deferred_join(f->h, NULL);
        fz_log(f, "deferred_join -> %d", rc);
        fz_expect_ok(f, rc, "pa_deferred_join");
        f->threads = false;
        return;
    }
    rc = pa_deferred_start(f->h, NULL, NULL);
    fz_log(f, "deferred_start -> %d", rc);
    fz_expect_ok(f, rc, "pa_deferred_start");
    f->threads = true;
    fz_expect_err(f, pa_deferred_start(f->h, NULL, NULL), "second pa_deferred_start");
}

/* ------------------------------------------------------------------------
 * Operations: misuse, each refused with a negative errno
 * ------------------------------------------------------------------------ */

/* A RAM page, searched from a random place, that nobody holds and whose
 * state is st (with meta: a metadata page). */
static uint64_t fz_find_page(struct fz *f, enum pa_state st, bool meta)
{
    uint64_t from = fz_below(&f->in, f->lay.ram);

    for (uint64_t k = 0; k < f->lay.ram; k++) {
        uint64_t idx = (from + k) % f->lay.ram, mfn = fz_ram_mfn(&f->lay, idx);
        const struct pa_page *pg = pa_mfn_to_page(f->h, mfn);
        if (f->held[idx] || !pa_page_state_is(f->h, pg, st) ||
            !(pg->count_info & PA_PGC_META) != !meta)
            continue;
        if (mfn == 0 && st == PA_STATE_UNINIT && FZ_AVOID_MFN0_PENDING)
            continue;
        return mfn;
    }
    return PA_INVALID_MFN;
}

/* A range free skips a reserved MFN 0 (a returned boot module may start
 * there): 0 is a fine answer as long as MFN 0 stays reserved. */
static void fz_free_range_mfn0(struct fz *f, const char *what)
{
    int rc = pa_free_range(f->h, 0, 1);

    if (rc < 0)
        return;
    if (!(pa_mfn_to_page(f->h, 0)->count_info & PA_PGC_RESERVED))
        fz_fail(f, "%s returned %d and MFN 0 is not reserved", what, rc);
}

/* Every way to give the heap a page it must refuse. */
static void fz_refuse_page(struct fz *f, uint64_t mfn, const char *what)
{
    char buf[96];

    fz_log(f, "misuse %s mfn %#lx", what, (unsigned long)mfn);
    snprintf(buf, sizeof buf, "free of %s mfn %#lx", what, (unsigned long)mfn);
    fz_expect_err(f, pa_free_heap_pages(f->h, mfn, 0), buf);
    snprintf(buf, sizeof buf, "free_range of %s mfn %#lx", what, (unsigned long)mfn);
    if (mfn)
        fz_expect_err(f, pa_free_range(f->h, mfn, 1), buf);
    else
        fz_free_range_mfn0(f, buf);
    snprintf(buf, sizeof buf, "init_heap_pages of %s mfn %#lx", what, (unsigned long)mfn);
    fz_expect_err(f, pa_init_heap_pages(f->h, mfn, 1), buf);
    snprintf(buf, sizeof buf, "init_inuse of %s mfn %#lx", what, (unsigned long)mfn);
    fz_expect_err(f, pa_init_inuse(f->h, mfn, 1, 1), buf);
}

/* Double free: a recently freed block nobody holds again, or any free page. */
static void mis_double_free(struct fz *f)
{
    uint64_t mfn;

    if (f->nfreed && !f->threads) {
        const struct fz_item *it = &f->freed[fz_below(&f->in, f->nfreed < FZ_HISTORY ? f->nfreed : FZ_HISTORY)];
        if (!fz_any_held(f, it->mfn, it->nr)) {
            fz_log(f, "misuse double free mfn %#lx order %u", (unsigned long)it->mfn, it->order);
            fz_expect_err(f, pa_free_heap_pages(f->h, it->mfn, it->order), "double free of a block");
        }
    }
    mfn = fz_find_page(f, PA_STATE_FREE, false);
    if (mfn != PA_INVALID_MFN)
        fz_refuse_page(f, mfn, "a free page");
}

/* Pages outside RAM: a hole, past the end, absurd MFNs, a block that runs
 * off the end of its range. */
static void mis_outside(struct fz *f)
{
    const struct fz_layout *l = &f->lay;
    const struct pa_range *r = &l->r[fz_below(&f->in, l->nr)];
    uint64_t cand[4] = { r->end, r->start ? r->start - 1 : r->end,
                         1ULL << (20 + fz_u8(&f->in) % 44), UINT64_MAX - fz_u8(&f->in) };
    uint64_t mfn = cand[fz_u8(&f->in) % 4];
    unsigned order = fz_u8(&f->in) % 4;

    if (fz_ram_index(l, mfn) >= 0)
        return;
    mfn &= ~((1ULL << order) - 1);
    if (fz_ram_index(l, mfn) >= 0)
        order = 0, mfn = cand[0];
    if (fz_ram_index(l, mfn) >= 0)
        return;
    fz_log(f, "misuse outside RAM mfn %#lx order %u", (unsigned long)mfn, order);
    fz_expect_err(f, pa_free_heap_pages(f->h, mfn, order), "free outside RAM");
    fz_expect_err(f, pa_free_range(f->h, mfn, 1ULL << order), "free_range outside RAM");
    fz_expect_err(f, pa_init_heap_pages(f->h, mfn, 1), "init_heap_pages outside RAM");
    fz_expect_err(f, pa_claim_block(f->h, mfn, 0, 1), "claim outside RAM");
}

/* Does [mfn, mfn+nr) hold a page that is not RAM? */
static bool fz_any_hole(const struct fz_layout *l, uint64_t mfn, uint64_t nr)
{
    for (uint64_t i = 0; i < nr; i++)
        if (fz_ram_index(l, mfn + i) < 0)
            return true;
    return false;
}

/*
 * A held block widened until it leaves its range: only the range check can
 * refuse it when its pages are in use.  In the uninit encoding a block of
 * uninitialised boot pages spanning two nodes is a valid free (it takes
 * the init path), so there the block must reach into a hole.
 */
static void mis_straddle(struct fz *f)
{
    const struct fz_item *it;
    unsigned order;

    if (!f->nitems)
        return;
    it = &f->items[fz_below(&f->in, f->nitems)];
    for (order = it->order + 1; order <= f->lay.max_order; order++) {
        uint64_t mfn = it->mfn & ~((1ULL << order) - 1), nr = 1ULL << order;
        if (f->lay.enc == PA_ENC_LEGACY ? fz_one_node(&f->lay, mfn, nr)
                                        : !fz_any_hole(&f->lay, mfn, nr))
            continue;
        fz_log(f, "misuse straddle mfn %#lx order %u", (unsigned long)mfn, order);
        fz_expect_err(f, pa_free_heap_pages(f->h, mfn, order), "free of a block leaving its range");
        return;
    }
}

static void mis_order(struct fz *f)
{
    unsigned order = f->lay.max_order + 1 + fz_u8(&f->in) % 50;
    uint64_t mfn = f->nitems ? f->items[0].mfn : f->lay.r[0].start;

    fz_log(f, "misuse order %u", order);
    fz_expect_err(f, pa_free_heap_pages(f->h, mfn, order), "free above max_order");
    fz_expect_err(f, pa_claim_block(f->h, mfn & ~((1ULL << (order & 63)) - 1), order, 1),
                  "claim above max_order");
    if (pa_alloc_heap_pages(f->h, order, -1, 1) != PA_INVALID_MFN)
        fz_fail(f, "alloc above max_order succeeded");
}

static void mis_misaligned(struct fz *f)
{
    const struct fz_item *it;
    uint64_t off;

    if (!f->nitems)
        return;
    it = &f->items[fz_below(&f->in, f->nitems)];
    if (it->kind != FZ_ALLOC || it->order == 0)
        return;
    off = 1 + fz_below(&f->in, it->nr - 1);
    fz_log(f, "misuse misaligned mfn %#lx order %u", (unsigned long)(it->mfn + off), it->order);
    fz_expect_err(f, pa_free_heap_pages(f->h, it->mfn + off, it->order), "misaligned free");
    fz_expect_err(f, pa_claim_block(f->h, it->mfn + off, it->order, 1), "misaligned claim");
}

static void mis_meta(struct fz *f)
{
    uint64_t mfn = fz_find_page(f, PA_STATE_INUSE, true);

    if (mfn != PA_INVALID_MFN)
        fz_refuse_page(f, mfn, "a metadata page");
}

/* MFN 0 once the heap has it (reserved, or pending in a lazy run). */
static void mis_mfn0(struct fz *f)
{
    long k = fz_ram_index(&f->lay, 0);

    if (k < 0 || f->held[k])
        return;
    if (FZ_AVOID_MFN0_PENDING &&
        pa_page_state_is(f->h, pa_mfn_to_page(f->h, 0), PA_STATE_UNINIT))
        return;
    fz_refuse_page(f, 0, "MFN 0");
    fz_expect_err(f, pa_free_heap_pages(f->h, 0, 1 + fz_u8(&f->in) % f->lay.max_order),
                  "free of a block holding MFN 0");
}

/* Pages still waiting for lazy init were never allocated. */
static void mis_pending(struct fz *f)
{
    uint64_t mfn = fz_find_page(f, PA_STATE_UNINIT, false);

    if (mfn != PA_INVALID_MFN &&
        !(f->threads && (FZ_AVOID_PENDING_RACE || FZ_AVOID_INFLIGHT_INUSE)))
        fz_refuse_page(f, mfn, "a pending page");
}

void op_misuse(struct fz *f)
{
    static void (*const mis[])(struct fz *) = {
        mis_double_free, mis_outside, mis_straddle, mis_order,
        mis_misaligned, mis_meta, mis_mfn0, mis_pending,
    };

    mis[fz_u8(&f->in) % (sizeof mis / sizeof mis[0])](f);
}
