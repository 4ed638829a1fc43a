/*
 * heaputil.c - the shared test helpers: heaps wired to the test framework,
 * a boot sequence, free-block sets, the reference model and a PRNG.
 *
 * The reference model is deliberately naive: one byte per RAM page, ranges
 * sorted and merged by its own code, blocks found by trying every order at
 * every free page.  It shares no code with alloc/ beyond the constants of
 * heap.h, so a bug in the heap cannot hide in the expected values.
 */
#include "tests/unit/heaputil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * Heaps and the check hook
 * ------------------------------------------------------------------------ */

static void hook_report(const char *why, void *arg)
{
    (void)arg;
    hb_check_fail(__FILE__, __LINE__, "autocheck after an operation: %s", why);
}

static void hook_record(const char *why, void *arg)
{
    struct hu_hook_rec *rec = arg;

    if (!rec->fired++)
        snprintf(rec->why, sizeof rec->why, "%s", why);
}

void hu_hook_record(struct pa_heap *h, struct hu_hook_rec *rec)
{
    memset(rec, 0, sizeof *rec);
    pa_heap_set_check_hook(h, hook_record, rec);
}

void hu_hook_report(struct pa_heap *h)
{
    pa_heap_set_check_hook(h, hook_report, NULL);
}

struct pa_heap *hu_heap_new(const struct pa_range *r, size_t nr,
                            enum pa_encoding enc, unsigned max_order,
                            enum pa_strategy strat)
{
    struct pa_heap_config cfg = {
        .ranges = r, .nr_ranges = nr, .encoding = enc, .max_order = max_order,
    };
    struct pa_heap *h = NULL;
    int rc = pa_heap_create(&cfg, &h);

    if (rc) {
        hb_check_fail(__FILE__, __LINE__, "pa_heap_create: %d", rc);
        return NULL;
    }
    hu_hook_report(h);
    rc = pa_heap_set_strategy(h, strat);
    if (rc) {
        hb_check_fail(__FILE__, __LINE__, "pa_heap_set_strategy(%s): %d",
                      pa_strategy_name(strat), rc);
        pa_heap_destroy(h);
        return NULL;
    }
    return h;
}

struct pa_heap *hu_heap_strat(const struct pa_range *r, size_t nr,
                              unsigned max_order, enum pa_strategy strat)
{
    return hu_heap_new(r, nr, pa_strategy_default_encoding(strat), max_order,
                       strat);
}

/* ------------------------------------------------------------------------
 * Booting
 * ------------------------------------------------------------------------ */

int hu_boot(struct pa_heap *h, struct hu_boot_req *req, size_t nreq,
            unsigned boot_node)
{
    struct pa_boot *b = pa_boot_create(h);
    int rc;

    if (!b)
        return -ENOMEM;
    rc = pa_boot_add_all(b);
    for (size_t i = 0; !rc && i < nreq; i++) {
        req[i].mfn = pa_boot_alloc(b, req[i].pages, req[i].align ? req[i].align : 1,
                                   req[i].node);
        if (req[i].mfn == PA_INVALID_MFN)
            rc = -ENOMEM;
    }
    if (!rc)
        rc = pa_end_boot_allocator(b, boot_node);
    pa_boot_destroy(b);
    if (!rc && pa_heap_strategy(h) == PA_STRAT_DEFERRED)
        rc = pa_deferred_start(h, NULL, NULL);
    return rc;
}

int hu_free_boot(struct pa_heap *h, const struct hu_boot_req *req, size_t nreq)
{
    for (size_t i = 0; i < nreq; i++) {
        int rc = pa_heap_encoding(h) == PA_ENC_UNINIT
                     ? pa_free_range(h, req[i].mfn, req[i].pages)
                     : pa_init_heap_pages(h, req[i].mfn, req[i].pages);
        if (rc)
            return rc;
    }
    return 0;
}

int hu_finish(struct pa_heap *h)
{
    enum pa_strategy s = pa_heap_strategy(h);

    if (s == PA_STRAT_DEFERRED) {
        int rc = pa_deferred_join(h, NULL);
        if (rc)
            return rc;
    }
    if (s == PA_STRAT_LAZY || s == PA_STRAT_DEFERRED)
        return pa_lazy_finish(h, -1);
    return 0;
}

struct pa_heap *hu_checker_heap(void)
{
    static const struct pa_range lay[] = { { 0x100, 0x1c0, 0 }, { 0x1c0, 0x300, 1 },
                                           { 0x400, 0x440, 1 } };
    struct pa_heap *h = hu_heap_new(lay, 3, PA_ENC_LEGACY, 8, PA_STRAT_CHUNKED);
    struct hu_boot_req req[] = { { 4, 1, 1, 0 } };

    if (!h)
        return NULL;
    CHECK_EQ(hu_boot(h, req, 1, 0), 0);
    CHECK_EQ(req[0].mfn, 0x43c);
    pa_heap_set_autocheck(h, false);
    CHECK_HEAP(h);
    return h;
}

/* ------------------------------------------------------------------------
 * Free-block sets
 * ------------------------------------------------------------------------ */

void hu_blocks_add(struct hu_blocks *b, uint64_t mfn, unsigned order,
                   unsigned node, unsigned zone)
{
    if (b->nr == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 256;
        struct hu_block *v = realloc(b->v, cap * sizeof *v);
        if (!v)
            abort();
        b->v = v;
        b->cap = cap;
    }
    b->v[b->nr++] = (struct hu_block){ mfn, order, node, zone };
}

static int collect_one(uint64_t mfn, unsigned order, unsigned node,
                       unsigned zone, void *arg)
{
    hu_blocks_add(arg, mfn, order, node, zone);
    return 0;
}

void hu_collect(const struct pa_heap *h, struct hu_blocks *out)
{
    out->nr = 0;
    if (pa_for_each_free_block(h, collect_one, out))
        hb_check_fail(__FILE__, __LINE__, "pa_for_each_free_block failed");
}

void hu_blocks_free(struct hu_blocks *b)
{
    free(b->v);
    *b = (struct hu_blocks){ 0 };
}

uint64_t hu_blocks_pages(const struct hu_blocks *b)
{
    uint64_t n = 0;

    for (size_t i = 0; i < b->nr; i++)
        n += 1ULL << b->v[i].order;
    return n;
}

static void fmt_block(char *buf, size_t len, const struct hu_blocks *b, size_t i)
{
    if (i >= b->nr)
        snprintf(buf, len, "(none)");
    else
        snprintf(buf, len, "mfn %#llx order %u node %u zone %u",
                 (unsigned long long)b->v[i].mfn, b->v[i].order, b->v[i].node,
                 b->v[i].zone);
}

/* Field by field: the struct has padding. */
static bool block_eq(const struct hu_block *a, const struct hu_block *b)
{
    return a->mfn == b->mfn && a->order == b->order && a->node == b->node &&
           a->zone == b->zone;
}

bool hu_blocks_same(const struct hu_blocks *seen, const struct hu_blocks *want,
                    const char *what, const char *file, int line)
{
    char s[96], w[96];
    size_t i = 0;

    while (i < seen->nr && i < want->nr && block_eq(&seen->v[i], &want->v[i]))
        i++;
    if (i == seen->nr && i == want->nr)
        return true;
    fmt_block(s, sizeof s, seen, i);
    fmt_block(w, sizeof w, want, i);
    hb_check_fail(file, line,
                  "%s: free blocks differ at #%zu: expected %s, seen %s "
                  "(%zu blocks expected, %zu seen)",
                  what, i, w, s, want->nr, seen->nr);
    return false;
}

/* ------------------------------------------------------------------------
 * Reference model
 * ------------------------------------------------------------------------ */

struct ref_range {
    uint64_t start, end;
    unsigned node;
    uint8_t *free;          /* one byte per page */
};

struct hu_ref {
    struct ref_range *r;
    size_t nr;
    unsigned max_order;
    uint64_t meta[PA_MAX_NODES];
    bool decided[PA_MAX_NODES];     /* the node's first run was seen */
    int first;                      /* the first node seen: static storage */
};

unsigned hu_zone(uint64_t mfn)
{
    unsigned w = 0;

    while (mfn) {
        w++;
        mfn >>= 1;
    }
    return w;
}

static int ref_cmp(const void *a, const void *b)
{
    const struct ref_range *x = a, *y = b;

    return x->start < y->start ? -1 : x->start > y->start;
}

struct hu_ref *hu_ref_new(const struct pa_range *r, size_t nr, unsigned max_order)
{
    struct hu_ref *ref = calloc(1, sizeof *ref);
    size_t out = 0;

    ref->r = calloc(nr ? nr : 1, sizeof *ref->r);
    ref->max_order = max_order ? max_order : PA_MAX_ORDER_DEFAULT;
    for (size_t i = 0; i < nr; i++)
        ref->r[i] = (struct ref_range){ r[i].start, r[i].end, r[i].node, NULL };
    qsort(ref->r, nr, sizeof *ref->r, ref_cmp);
    for (size_t i = 0; i < nr; i++) {       /* merge touching same-node ranges */
        if (out && ref->r[out - 1].end == ref->r[i].start &&
            ref->r[out - 1].node == ref->r[i].node)
            ref->r[out - 1].end = ref->r[i].end;
        else
            ref->r[out++] = ref->r[i];
    }
    ref->nr = out;
    for (size_t i = 0; i < out; i++)
        ref->r[i].free = calloc(ref->r[i].end - ref->r[i].start, 1);
    for (unsigned n = 0; n < PA_MAX_NODES; n++)
        ref->meta[n] = PA_INVALID_MFN;
    ref->first = -1;
    return ref;
}

void hu_ref_destroy(struct hu_ref *ref)
{
    if (!ref)
        return;
    for (size_t i = 0; i < ref->nr; i++)
        free(ref->r[i].free);
    free(ref->r);
    free(ref);
}

static struct ref_range *ref_find(const struct hu_ref *ref, uint64_t mfn)
{
    for (size_t i = 0; i < ref->nr; i++)
        if (mfn >= ref->r[i].start && mfn < ref->r[i].end)
            return &ref->r[i];
    return NULL;
}

int hu_ref_node(const struct hu_ref *ref, uint64_t mfn)
{
    struct ref_range *g = ref_find(ref, mfn);

    return g ? (int)g->node : -1;
}

bool hu_ref_is_free(const struct hu_ref *ref, uint64_t mfn)
{
    struct ref_range *g = ref_find(ref, mfn);

    return g && g->free[mfn - g->start];
}

void hu_ref_set(struct hu_ref *ref, uint64_t mfn, uint64_t nr, bool free)
{
    for (size_t i = 0; i < ref->nr; i++) {
        struct ref_range *g = &ref->r[i];
        uint64_t s = mfn > g->start ? mfn : g->start;
        uint64_t e = mfn + nr < g->end ? mfn + nr : g->end;
        if (s < e)
            memset(g->free + (s - g->start), free, e - s);
    }
}

/* One run: a piece of one range. */
static void ref_run(struct hu_ref *ref, uint64_t s, uint64_t e, unsigned node)
{
    if (s == 0)
        s = 1;                      /* MFN 0 never enters the heap */
    if (s >= e)
        return;
    /* Xen 4.17's init_node_heap, from its first run: the first node has
     * static storage; another takes the tail of a run that starts on a
     * max_order boundary and ends no less aligned, else the head; nothing
     * from a run too short. */
    if (!ref->decided[node]) {
        uint64_t size = 1ULL << ref->max_order;
        ref->decided[node] = true;
        if (ref->first < 0) {
            ref->first = (int)node;
        } else if (e - s >= PA_NODE_META_PAGES) {
            unsigned ts = 0, te = 0;
            while (!((s >> ts) & 1))
                ts++;
            while (!((e >> te) & 1))
                te++;
            if (s % size == 0 && te <= ts) {
                e -= PA_NODE_META_PAGES;
                ref->meta[node] = e;
            } else {
                ref->meta[node] = s;
                s += PA_NODE_META_PAGES;
            }
        }
    }
    hu_ref_set(ref, s, e - s, true);
}

void hu_ref_handoff(struct hu_ref *ref, uint64_t mfn, uint64_t nr)
{
    for (size_t i = 0; i < ref->nr; i++) {
        struct ref_range *g = &ref->r[i];
        uint64_t s = mfn > g->start ? mfn : g->start;
        uint64_t e = mfn + nr < g->end ? mfn + nr : g->end;
        if (s < e)
            ref_run(ref, s, e, g->node);
    }
}

uint64_t hu_ref_meta(const struct hu_ref *ref, unsigned node)
{
    return ref->meta[node];
}

uint64_t hu_ref_free_pages(const struct hu_ref *ref)
{
    uint64_t n = 0;

    for (size_t i = 0; i < ref->nr; i++)
        for (uint64_t m = 0; m < ref->r[i].end - ref->r[i].start; m++)
            n += ref->r[i].free[m];
    return n;
}

static bool all_free(const struct ref_range *g, uint64_t s, uint64_t n)
{
    if (s + n > g->end)
        return false;
    for (uint64_t i = 0; i < n; i++)
        if (!g->free[s - g->start + i])
            return false;
    return true;
}

/* Greedy from the bottom: at each free page the largest aligned block of
 * free pages of this range.  Ranges are maximal per node, so a block never
 * needs two of them. */
void hu_ref_blocks(const struct hu_ref *ref, struct hu_blocks *out)
{
    out->nr = 0;
    for (size_t i = 0; i < ref->nr; i++) {
        const struct ref_range *g = &ref->r[i];
        uint64_t m = g->start;
        while (m < g->end) {
            unsigned k = 0;
            if (!g->free[m - g->start]) {
                m++;
                continue;
            }
            while (k < ref->max_order && m % (2ULL << k) == 0 &&
                   all_free(g, m, 2ULL << k))
                k++;
            hu_blocks_add(out, m, k, g->node, hu_zone(m));
            m += 1ULL << k;
        }
    }
}

struct piece {
    uint64_t s, e;
    unsigned node;
};

/* Range g minus every allocation, appended to v in ascending order. */
static size_t cut_range(const struct ref_range *g, const struct hu_boot_req *req,
                        size_t nreq, struct piece *v, size_t n)
{
    uint64_t m = g->start;

    while (m < g->end) {
        uint64_t next = g->end;
        bool taken = false;
        for (size_t i = 0; i < nreq; i++) {
            uint64_t s = req[i].mfn, e = req[i].mfn + req[i].pages;
            if (m >= s && m < e) {
                taken = true;
                next = e < next ? e : next;
            } else if (s > m && s < next) {
                next = s;
            }
        }
        if (!taken)
            v[n++] = (struct piece){ m, next, g->node };
        m = next;
    }
    return n;
}

void hu_ref_boot(struct hu_ref *ref, const struct hu_boot_req *req,
                 size_t nreq, unsigned boot_node)
{
    struct piece *v = calloc(ref->nr + nreq + 1, sizeof *v);
    size_t n = 0, first = SIZE_MAX;

    for (size_t i = 0; i < ref->nr; i++)
        n = cut_range(&ref->r[i], req, nreq, v, n);
    for (size_t i = 0; i < n && first == SIZE_MAX; i++)
        if (v[i].node == boot_node)
            first = i;
    if (first != SIZE_MAX)
        hu_ref_handoff(ref, v[first].s, v[first].e - v[first].s);
    for (size_t i = n; i-- > 0;)
        if (i != first)
            hu_ref_handoff(ref, v[i].s, v[i].e - v[i].s);
    free(v);
}

void hu_expect(const struct pa_range *r, size_t nr, unsigned max_order,
               const struct hu_boot_req *req, size_t nreq, bool freed,
               unsigned boot_node, struct hu_blocks *out)
{
    struct hu_ref *ref = hu_ref_new(r, nr, max_order);

    hu_ref_boot(ref, req, nreq, boot_node);
    for (size_t i = 0; freed && i < nreq; i++)
        hu_ref_handoff(ref, req[i].mfn, req[i].pages);
    hu_ref_blocks(ref, out);
    hu_ref_destroy(ref);
}

/* ------------------------------------------------------------------------
 * Randomness
 * ------------------------------------------------------------------------ */

uint64_t hu_rand(struct hu_rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t hu_below(struct hu_rng *r, uint64_t n)
{
    return hu_rand(r) % n;
}

size_t hu_random_layout(struct hu_rng *rng, struct pa_range *out,
                        size_t max_ranges, unsigned nodes, uint64_t max_pages)
{
    size_t nr = 1 + hu_below(rng, max_ranges);
    uint64_t avg = max_pages / nr, m = hu_below(rng, 2) ? 0 : hu_below(rng, 64);

    if (avg < 2)
        avg = 2;
    for (size_t i = 0; i < nr; i++) {
        uint64_t len = 1 + hu_below(rng, 2 * avg - 1);
        unsigned node = (unsigned)hu_below(rng, nodes);
        out[i] = (struct pa_range){ m, m + len, node };
        m += len;
        if (hu_below(rng, 3))               /* else the next range touches */
            m += 1 + hu_below(rng, avg);
    }
    return nr;
}

/* ------------------------------------------------------------------------
 * Equivalence of the strategies
 * ------------------------------------------------------------------------ */

bool hu_blocks_sane(const struct hu_blocks *b, const struct pa_range *r,
                    size_t nr, const char *what)
{
    struct hu_ref *ref = hu_ref_new(r, nr, 0);
    bool ok = true;

    for (size_t i = 0; i < b->nr && ok; i++) {
        const struct hu_block *k = &b->v[i];
        uint64_t last = k->mfn + (1ULL << k->order) - 1;
        if (k->mfn == 0 || (k->mfn & ((1ULL << k->order) - 1)) ||
            hu_ref_node(ref, k->mfn) != (int)k->node ||
            hu_ref_node(ref, last) != (int)k->node || k->zone != hu_zone(k->mfn)) {
            hb_check_fail(__FILE__, __LINE__,
                          "%s: block mfn %#llx order %u node %u zone %u is not "
                          "an aligned block of one node without MFN 0", what,
                          (unsigned long long)k->mfn, k->order, k->node, k->zone);
            ok = false;
        }
        /* a block may span touching ranges only if both are its node */
        for (uint64_t m = k->mfn; ok && m <= last; m++)
            if (hu_ref_node(ref, m) != (int)k->node) {
                hb_check_fail(__FILE__, __LINE__, "%s: block %#llx/%u covers "
                              "mfn %#llx of node %d", what,
                              (unsigned long long)k->mfn, k->order,
                              (unsigned long long)m, hu_ref_node(ref, m));
                ok = false;
            }
    }
    hu_ref_destroy(ref);
    return ok;
}

static bool stats_add_up(const struct pa_heap *h, const struct pa_range *r,
                         size_t nr, const char *what)
{
    bool ok = true;

    for (unsigned n = 0; n < pa_heap_nr_nodes(h); n++) {
        struct pa_node_stats s;
        uint64_t ram = 0;
        for (size_t i = 0; i < nr; i++)
            if (r[i].node == n)
                ram += r[i].end - r[i].start;
        if (pa_node_stats(h, n, &s)) {
            hb_check_fail(__FILE__, __LINE__, "%s: pa_node_stats(%u) failed", what, n);
            return false;
        }
        if (s.ram != ram || s.free + s.inuse + s.uninit + s.meta + s.reserved + s.offline != ram) {
            hb_check_fail(__FILE__, __LINE__, "%s: node %u: ram %llu, stats ram "
                          "%llu free %llu inuse %llu uninit %llu meta %llu reserved %llu",
                          what, n, (unsigned long long)ram, (unsigned long long)s.ram,
                          (unsigned long long)s.free, (unsigned long long)s.inuse,
                          (unsigned long long)s.uninit, (unsigned long long)s.meta,
                          (unsigned long long)s.reserved);
            ok = false;
        }
    }
    return ok;
}

static bool one_strategy(const char *what, enum pa_strategy s,
                         const struct pa_range *r, size_t nr, unsigned max_order,
                         const struct hu_boot_req *req, size_t nreq, bool freed,
                         unsigned boot_node, const struct hu_blocks *want)
{
    struct hu_boot_req copy[64];
    struct pa_heap *h = hu_heap_strat(r, nr, max_order, s);
    struct hu_blocks seen = { 0 };
    char label[160];
    bool ok;
    int rc;

    if (!h || nreq > HU_ARRAY_SIZE(copy))
        return false;
    snprintf(label, sizeof label, "%s, %s", what, pa_strategy_name(s));
    if (nreq)
        memcpy(copy, req, nreq * sizeof *req);
    rc = hu_boot(h, copy, nreq, boot_node);
    if (!rc && freed)
        rc = hu_free_boot(h, copy, nreq);
    if (!rc)
        rc = hu_finish(h);
    if (rc)
        hb_check_fail(__FILE__, __LINE__, "%s: boot/free/finish: %d", label, rc);
    for (size_t i = 0; i < nreq; i++)
        if (copy[i].mfn != req[i].mfn)
            hb_check_fail(__FILE__, __LINE__, "%s: boot allocation %zu at %#llx, "
                          "expected %#llx", label, i, (unsigned long long)copy[i].mfn,
                          (unsigned long long)req[i].mfn);
    hu_collect(h, &seen);
    ok = !rc && CHECK_HEAP(h) && CHECK_BLOCKS(&seen, want, label) &&
         hu_blocks_sane(&seen, r, nr, label) && stats_add_up(h, r, nr, label);
    if (ok && pa_lazy_pending(h, -1))
        ok = CHECK_EQ(pa_lazy_pending(h, -1), 0);
    hu_blocks_free(&seen);
    pa_heap_destroy(h);
    return ok;
}

bool hu_check_strategies(const char *what, const struct pa_range *r, size_t nr,
                         unsigned max_order, const struct hu_boot_req *req,
                         size_t nreq, bool freed, unsigned boot_node)
{
    struct hu_boot_req placed[64];
    struct hu_blocks want = { 0 };
    bool ok = true;

    if (nreq > HU_ARRAY_SIZE(placed))
        return false;
    /* Where the boot allocations land: from a pagewise run (test_boot.c
     * checks placement against hand-computed addresses). */
    {
        struct pa_heap *h = hu_heap_strat(r, nr, max_order, PA_STRAT_PAGEWISE);
        if (!h)
            return false;
        if (nreq)
            memcpy(placed, req, nreq * sizeof *req);
        if (hu_boot(h, placed, nreq, boot_node)) {
            hb_check_fail(__FILE__, __LINE__, "%s: boot allocations do not fit", what);
            pa_heap_destroy(h);
            return false;
        }
        pa_heap_destroy(h);
    }
    hu_expect(r, nr, max_order, placed, nreq, freed, boot_node, &want);
    for (int s = 0; s < PA_NR_STRATEGIES; s++)
        ok &= one_strategy(what, (enum pa_strategy)s, r, nr, max_order, placed,
                           nreq, freed, boot_node, &want);
    hu_blocks_free(&want);
    return ok;
}
