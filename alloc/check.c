/*
 * check.c - the invariant checker, whole and incremental, and the
 * corruption hooks tests use to prove the checker can fail.
 *
 * The checker walks every free list (each block aligned, inside one RAM
 * range of its list's node and zone, never MFN 0, its pages free and
 * carrying its node, its links agreeing both ways, no overlap, counters
 * equal to a recount), then the whole frame table (every RAM page exactly
 * one of free, in use, uninitialised, metadata or reserved; pending lazy
 * runs uninitialised).  It is O(pages): tests run it after every
 * operation (PA_DEBUG=3), benchmarks never; the incremental checker
 * checks only what the operations since the last check touched.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "alloc/internal.h"

/* ------------------------------------------------------------------------
 * Checker
 * ------------------------------------------------------------------------ */

struct chk {
    const struct pa_heap *h;
    uint64_t *covered;        /* bitmap by pdx */
    uint64_t *count;          /* recount [node][zone] */
    char *why;
    size_t whylen;
};

static int fail(struct chk *c, const char *fmt, ...)
{
    va_list ap;

    if (c->why && c->whylen) {
        va_start(ap, fmt);
        vsnprintf(c->why, c->whylen, fmt, ap);
        va_end(ap);
    }
    return -EFAULT;
}

static bool test_and_set(uint64_t *bm, pa_pdx_t i)
{
    bool was = bm[i / 64] >> (i % 64) & 1;

    bm[i / 64] |= 1ULL << (i % 64);
    return was;
}

static int check_block(struct chk *c, pa_pdx_t pdx, unsigned node,
                       unsigned zone, unsigned order)
{
    const struct pa_heap *h = c->h;
    uint64_t mfn = pai_pdx_to_mfn(h, pdx), n = 1ULL << order;
    long r = pai_range_of(h, mfn);

    if (mfn & pai_mask(order))
        return fail(c, "block mfn %#lx order %u is misaligned", (unsigned long)mfn, order);
    if (mfn == 0)
        return fail(c, "block mfn 0 order %u holds MFN 0", order);
    if (r < 0 || mfn + n > h->ranges[r].end)
        return fail(c, "block mfn %#lx order %u is not inside one RAM range", (unsigned long)mfn, order);
    if (h->ranges[r].node != node)
        return fail(c, "block mfn %#lx on node %u's list lies on node %u", (unsigned long)mfn, node, h->ranges[r].node);
    if (pa_mfn_zone(mfn) != zone || pa_mfn_zone(mfn + n - 1) != zone)
        return fail(c, "block mfn %#lx order %u is not in zone %u", (unsigned long)mfn, order, zone);
    if (h->ft[pdx].order != order)
        return fail(c, "block mfn %#lx head says order %u, list order %u", (unsigned long)mfn, h->ft[pdx].order, order);
    for (uint64_t i = 0; i < n; i++) {
        const struct pa_page *pg = &h->ft[pdx + i];
        if (!pa_page_state_is(h, pg, PA_STATE_FREE) || pai_pdx_node(h, pdx + (pa_pdx_t)i) != (int)node)
            return fail(c, "page mfn %#lx in free block %#lx is not free on node %u", (unsigned long)(mfn + i), (unsigned long)mfn, node);
        if (test_and_set(c->covered, pdx + (pa_pdx_t)i))
            return fail(c, "page mfn %#lx is in two free blocks", (unsigned long)(mfn + i));
    }
    c->count[(size_t)node * PA_NR_ZONES + zone] += n;
    return 0;
}

static int check_list(struct chk *c, unsigned node, unsigned zone, unsigned order)
{
    const struct pa_heap *h = c->h;
    const struct pai_list *l = pai_list((struct pa_heap *)h, node, zone, order);
    pa_pdx_t prev = PA_PDX_NONE;
    uint64_t steps = 0;

    for (pa_pdx_t p = l->head; p != PA_PDX_NONE; p = h->ft[p].next) {
        if (p >= h->ft_entries || ++steps > h->ft_entries)
            return fail(c, "list (%u,%u,%u) is broken", node, zone, order);
        if (h->ft[p].prev != prev)
            return fail(c, "list (%u,%u,%u) back link is wrong", node, zone, order);
        int rc = check_block(c, p, node, zone, order);
        if (rc)
            return rc;
        prev = p;
    }
    if (l->tail != prev)
        return fail(c, "list (%u,%u,%u) tail is wrong", node, zone, order);
    return 0;
}

static int check_counters(struct chk *c)
{
    const struct pa_heap *h = c->h;
    uint64_t total = 0;

    for (unsigned n = 0; n < h->nr_nodes; n++) {
        uint64_t node = 0;
        for (unsigned z = 0; z < PA_NR_ZONES; z++) {
            uint64_t seen = c->count[(size_t)n * PA_NR_ZONES + z];
            if (h->avail[(size_t)n * PA_NR_ZONES + z] != seen)
                return fail(c, "avail[%u][%u] = %lu, recount %lu", n, z,
                            (unsigned long)h->avail[(size_t)n * PA_NR_ZONES + z], (unsigned long)seen);
            node += seen;
        }
        total += node;
    }
    if (h->total_avail != total)
        return fail(c, "total_avail = %lu, recount %lu", (unsigned long)h->total_avail, (unsigned long)total);
    return 0;
}

static int check_page(struct chk *c, uint64_t mfn, uint64_t *meta)
{
    const struct pa_heap *h = c->h;
    pa_pdx_t pdx = pai_mfn_to_pdx(h, mfn);
    const struct pa_page *pg = &h->ft[pdx];
    bool covered = c->covered[pdx / 64] >> (pdx % 64) & 1;
    enum pa_state st = pai_state(h, pg);

    if ((st == PA_STATE_FREE) != covered)
        return fail(c, "page mfn %#lx is %s but %s a free block", (unsigned long)mfn,
                    covered ? "not free" : "free", covered ? "inside" : "outside");
    if ((pg->count_info & (PA_PGC_META | PA_PGC_RESERVED)) && st != PA_STATE_INUSE)
        return fail(c, "metadata or reserved page mfn %#lx is not in use", (unsigned long)mfn);
    if ((pg->count_info & PA_PGC_RESERVED) && mfn != 0 &&
        !(h->reserve_boundary && pai_boundary_page(h, mfn)))
        return fail(c, "page mfn %#lx is reserved but is not MFN 0", (unsigned long)mfn);
    if (pg->count_info & PA_PGC_META)
        (*meta)++;
    return 0;
}

static int check_pages(struct chk *c)
{
    const struct pa_heap *h = c->h;
    uint64_t meta[PA_MAX_NODES] = { 0 };

    for (size_t i = 0; i < h->nr_ranges; i++) {
        const struct pa_range *r = &h->ranges[i];
        for (uint64_t m = r->start; m < r->end; m++) {
            int rc = check_page(c, m, &meta[r->node]);
            if (rc)
                return rc;
        }
    }
    for (unsigned n = 0; n < h->nr_nodes; n++)
        if (meta[n] != (h->node_meta[n] ? PA_NODE_META_PAGES : 0))
            return fail(c, "node %u has %lu metadata pages", n, (unsigned long)meta[n]);
    for (size_t i = 0; i < h->nr_runs; i++)
        for (uint64_t m = h->runs[i].start; m < h->runs[i].end; m++)
            if (!pa_page_state_is(h, &h->ft[pai_mfn_to_pdx(h, m)], PA_STATE_UNINIT))
                return fail(c, "pending page mfn %#lx is not uninitialised", (unsigned long)m);
    return 0;
}

int pai_check(const struct pa_heap *h, char *why, size_t whylen)
{
    struct chk c = { .h = h, .why = why, .whylen = whylen };
    int rc = 0;

    c.covered = calloc(h->ft_entries / 64 + 1, sizeof *c.covered);
    c.count = calloc((size_t)h->nr_nodes * PA_NR_ZONES, sizeof *c.count);
    if (!c.covered || !c.count)
        rc = fail(&c, "checker out of memory");
    for (unsigned n = 0; !rc && n < h->nr_nodes; n++)
        for (unsigned z = 0; !rc && z < PA_NR_ZONES; z++)
            for (unsigned o = 0; !rc && o <= h->max_order; o++)
                rc = check_list(&c, n, z, o);
    if (!rc)
        rc = check_counters(&c);
    if (!rc)
        rc = check_pages(&c);
    free(c.covered);
    free(c.count);
    return rc;
}

int pa_heap_check(const struct pa_heap *h, char *why, size_t whylen)
{
    struct pa_heap *mh = (struct pa_heap *)h;
    int rc;

    pai_lock(mh);
    rc = pai_check(h, why, whylen);
    pai_unlock(mh);
    return rc;
}

/* ------------------------------------------------------------------------
 * Corruption hooks for tests
 * ------------------------------------------------------------------------ */

/* Find the list holding the free block whose head is mfn. */
static bool find_block(struct pa_heap *h, uint64_t mfn, unsigned *node,
                       unsigned *zone, unsigned *order)
{
    pa_pdx_t pdx = pai_mfn_to_pdx(h, mfn);

    if (pdx == PA_PDX_NONE || !pa_page_state_is(h, &h->ft[pdx], PA_STATE_FREE))
        return false;
    *node = (unsigned)pai_pdx_node(h, pdx);
    *zone = pa_mfn_zone(mfn);
    *order = h->ft[pdx].order;
    for (pa_pdx_t p = pai_list(h, *node, *zone, *order)->head; p != PA_PDX_NONE;
         p = h->ft[p].next)
        if (p == pdx)
            return true;
    return false;
}

int pa_test_move_block(struct pa_heap *h, uint64_t mfn, unsigned node,
                       unsigned zone, unsigned order)
{
    unsigned n, z, o;

    if (!find_block(h, mfn, &n, &z, &o) || node >= h->nr_nodes ||
        zone >= PA_NR_ZONES || order > h->max_order)
        return -EINVAL;
    pai_list_del(h, pai_mfn_to_pdx(h, mfn), n, z, o);
    pai_list_add(h, pai_mfn_to_pdx(h, mfn), node, zone, order);
    return 0;
}

void pa_test_skew_counter(struct pa_heap *h, unsigned node, unsigned zone,
                          long delta)
{
    h->avail[(size_t)node * PA_NR_ZONES + zone] += (uint64_t)delta;
}

int pa_test_force_merge(struct pa_heap *h, uint64_t mfn, unsigned order)
{
    uint64_t bmfn = mfn ^ (1ULL << order), lo = mfn < bmfn ? mfn : bmfn;
    unsigned n1, z1, o1, n2, z2, o2;

    if (!find_block(h, mfn, &n1, &z1, &o1) || !find_block(h, bmfn, &n2, &z2, &o2) ||
        o1 != order || o2 != order)
        return -EINVAL;
    pai_list_del(h, pai_mfn_to_pdx(h, mfn), n1, z1, o1);
    pai_list_del(h, pai_mfn_to_pdx(h, bmfn), n2, z2, o2);
    h->ft[pai_mfn_to_pdx(h, lo)].order = order + 1;
    pai_list_add(h, pai_mfn_to_pdx(h, lo), n1, pa_mfn_zone(lo), order + 1);
    return 0;
}

/* ------------------------------------------------------------------------
 * Incremental checker
 *
 * Checks only what the operations since the last check touched (buddy.c
 * records it in h->touched): every page of the touched blocks (the blocks
 * freed, allocated, merged or split) and the free blocks that now hold
 * them, with their list links; in a zone whose lists or counters moved,
 * every list a block entered or left walked (links, tail, the heads of the
 * touched blocks), the zone recounted against avail[node][zone] with the
 * other lists counted as at their last walk; and the per-node and total
 * counters against the per-zone ones.  What it leaves out (overlap of free
 * blocks elsewhere, pending lazy runs, metadata counts, pages whose state
 * changed without a list moving, untouched heads in a walked list) is the
 * full checker's: pai_check_auto runs that one every check_every calls.
 * ------------------------------------------------------------------------ */

/* The free block holding pdx, found from the largest order down: a stale
 * order in a non-head page of a larger block is never reached first. */
static bool incr_head(const struct pa_heap *h, pa_pdx_t pdx, pa_pdx_t *head,
                      unsigned *order)
{
    for (int k = (int)h->max_order; k >= 0; k--) {
        pa_pdx_t q = pdx & ~(pa_pdx_t)pai_mask((unsigned)k);
        const struct pa_page *pg = &h->ft[q];
        if (pg->order == (unsigned)k && pa_page_state_is(h, pg, PA_STATE_FREE)) {
            *head = q;
            *order = (unsigned)k;
            return true;
        }
    }
    return false;
}

/* A free block's head: aligned, inside one range of its node, in one zone. */
static int incr_block_head(struct chk *c, pa_pdx_t pdx, unsigned node,
                           unsigned zone, unsigned order)
{
    const struct pa_heap *h = c->h;
    uint64_t mfn = pai_pdx_to_mfn(h, pdx), n = 1ULL << order;
    long r = pai_range_of(h, mfn);
    const struct pa_page *pg = &h->ft[pdx];

    if (mfn == 0 || (mfn & pai_mask(order)))
        return fail(c, "block mfn %#lx order %u is misaligned or holds MFN 0", (unsigned long)mfn, order);
    if (r < 0 || mfn + n > h->ranges[r].end || h->ranges[r].node != node)
        return fail(c, "block mfn %#lx order %u is not inside one RAM range of node %u", (unsigned long)mfn, order, node);
    if (pa_mfn_zone(mfn) != zone || pa_mfn_zone(mfn + n - 1) != zone)
        return fail(c, "block mfn %#lx order %u is not in zone %u", (unsigned long)mfn, order, zone);
    if (pg->order != order || pai_pdx_node(h, pdx) != (int)node || !pa_page_state_is(h, pg, PA_STATE_FREE))
        return fail(c, "block mfn %#lx head is not free order %u on node %u", (unsigned long)mfn, order, node);
    return 0;
}

/* Its list links agree with its neighbours' (or the list's ends). */
static int incr_block_links(struct chk *c, pa_pdx_t pdx, unsigned node,
                            unsigned zone, unsigned order)
{
    struct pa_heap *h = (struct pa_heap *)c->h;
    const struct pai_list *l = pai_list(h, node, zone, order);
    pa_pdx_t prev = h->ft[pdx].prev, next = h->ft[pdx].next;
    bool ok_prev = prev == PA_PDX_NONE ? l->head == pdx
                                       : prev < h->ft_entries && h->ft[prev].next == pdx;
    bool ok_next = next == PA_PDX_NONE ? l->tail == pdx
                                       : next < h->ft_entries && h->ft[next].prev == pdx;

    if (!ok_prev || !ok_next)
        return fail(c, "free block mfn %#lx order %u is not linked in list (%u,%u,%u)",
                    (unsigned long)pai_pdx_to_mfn(h, pdx), order, node, zone, order);
    return 0;
}

/* A page outside every free block. */
static int incr_page(struct chk *c, uint64_t mfn, const struct pa_page *pg)
{
    const struct pa_heap *h = c->h;

    if ((pg->count_info & (PA_PGC_META | PA_PGC_RESERVED)) &&
        !pa_page_state_is(h, pg, PA_STATE_INUSE))
        return fail(c, "metadata or reserved page mfn %#lx is not in use", (unsigned long)mfn);
    if ((pg->count_info & PA_PGC_RESERVED) && mfn != 0 &&
        !(h->reserve_boundary && pai_boundary_page(h, mfn)))
        return fail(c, "page mfn %#lx is reserved but is not MFN 0", (unsigned long)mfn);
    return 0;
}

/* Every page of [s, e) (one RAM range), free blocks checked whole. */
static int incr_scan_range(struct chk *c, uint64_t s, uint64_t e)
{
    const struct pa_heap *h = c->h;

    while (s < e) {
        pa_pdx_t pdx = pai_mfn_to_pdx(h, s), head;
        const struct pa_page *pg = &h->ft[pdx];
        unsigned node, order;
        int rc;

        if (!pa_page_state_is(h, pg, PA_STATE_FREE)) {
            rc = incr_page(c, s++, pg);
            if (rc)
                return rc;
            continue;
        }
        if (!incr_head(h, pdx, &head, &order))
            return fail(c, "free page mfn %#lx is outside every free block", (unsigned long)s);
        node = (unsigned)pai_pdx_node(h, head);
        rc = incr_block_head(c, head, node, pa_mfn_zone(pai_pdx_to_mfn(h, head)), order);
        if (!rc)
            rc = incr_block_links(c, head, node, pa_mfn_zone(pai_pdx_to_mfn(h, head)), order);
        for (uint64_t i = 0; !rc && i < (1ULL << order); i++) {
            pg = &h->ft[head + i];
            if (!pa_page_state_is(h, pg, PA_STATE_FREE) || pai_pdx_node(h, head + (pa_pdx_t)i) != (int)node)
                rc = fail(c, "page mfn %#lx in free block %#lx is not free on node %u",
                          (unsigned long)pai_pdx_to_mfn(h, head + (pa_pdx_t)i),
                          (unsigned long)pai_pdx_to_mfn(h, head), node);
        }
        if (rc)
            return rc;
        s = pai_pdx_to_mfn(h, head) + (1ULL << order);
    }
    return 0;
}

/* [s, e) in MFNs, range by range (holes have no pages to check). */
static int incr_scan(struct chk *c, uint64_t s, uint64_t e)
{
    const struct pa_heap *h = c->h;

    for (size_t i = 0; i < h->nr_ranges; i++) {
        uint64_t a = h->ranges[i].start > s ? h->ranges[i].start : s;
        uint64_t b = h->ranges[i].end < e ? h->ranges[i].end : e;
        if (a < b) {
            int rc = incr_scan_range(c, a, b);
            if (rc)
                return rc;
        }
    }
    return 0;
}

struct incr_span {
    uint64_t s, e;
};

static int incr_span_cmp(const void *a, const void *b)
{
    const struct incr_span *x = a, *y = b;

    return x->s < y->s ? -1 : x->s > y->s;
}

/* The touched blocks, sorted and merged so each page is scanned once; the
 * whole span when more were touched than recorded. */
static int incr_blocks(struct chk *c)
{
    const struct pai_touched *t = &c->h->touched;
    const struct pa_heap *h = c->h;
    struct incr_span v[PAI_TOUCH_MAX];
    size_t n = 0;
    int rc = 0;

    if (!t->nr)
        return 0;
    if (t->nr > PAI_TOUCH_MAX)
        return incr_scan(c, pai_pdx_to_mfn(h, t->lo), pai_pdx_to_mfn(h, t->hi - 1) + 1);
    for (unsigned i = 0; i < t->nr; i++) {
        uint64_t m = pai_pdx_to_mfn(h, t->pdx[i]);
        v[i] = (struct incr_span){ m, m + (1ULL << t->order[i]) };
    }
    qsort(v, t->nr, sizeof v[0], incr_span_cmp);
    for (unsigned i = 1; i < t->nr; i++) {
        if (v[i].s <= v[n].e) {
            if (v[i].e > v[n].e)
                v[n].e = v[i].e;
        } else {
            v[++n] = v[i];
        }
    }
    for (size_t i = 0; i <= n && !rc; i++)
        rc = incr_scan(c, v[i].s, v[i].e);
    return rc;
}

/* Whether a block entered or left a list at pdx since the last check. */
static bool incr_touched(const struct pai_touched *t, pa_pdx_t pdx)
{
    if (!t->nr || pdx < t->lo || pdx >= t->hi)
        return false;
    if (t->nr > PAI_TOUCH_MAX)
        return true;
    for (unsigned i = 0; i < t->nr; i++)
        if (pdx >= t->pdx[i] && pdx - t->pdx[i] < (pa_pdx_t)1 << t->order[i])
            return true;
    return false;
}

/*
 * One list walked: links, tail and pages counted.  A head is checked only
 * where a block entered or left a list since the last check: any other
 * block of the list was in it, head checked, at the last walk (it entered
 * it touched), and nothing moved it since.  The links are all followed, as
 * taking a block out rewrites its untouched neighbours'.
 */
static int incr_list(struct chk *c, unsigned node, unsigned zone, unsigned o,
                     uint64_t *pages)
{
    struct pa_heap *h = (struct pa_heap *)c->h;
    const struct pai_list *l = pai_list(h, node, zone, o);
    pa_pdx_t prev = PA_PDX_NONE;
    uint64_t steps = 0;

    for (pa_pdx_t p = l->head; p != PA_PDX_NONE; p = h->ft[p].next) {
        if (p >= h->ft_entries || ++steps > h->ft_entries)
            return fail(c, "list (%u,%u,%u) is broken", node, zone, o);
        if (h->ft[p].prev != prev)
            return fail(c, "list (%u,%u,%u) back link is wrong", node, zone, o);
        if (incr_touched(&h->touched, p)) {
            int rc = incr_block_head(c, p, node, zone, o);
            if (rc)
                return rc;
        }
        prev = p;
    }
    if (l->tail != prev)
        return fail(c, "list (%u,%u,%u) tail is wrong", node, zone, o);
    *pages = steps << o;
    return 0;
}

/* Every list of (node, zone) that a block entered or left, walked; the
 * others counted as at their last walk; the zone's pages recounted. */
static int incr_zone(struct chk *c, unsigned node, unsigned zone)
{
    struct pa_heap *h = (struct pa_heap *)c->h;
    uint64_t seen = 0, have = h->avail[(size_t)node * PA_NR_ZONES + zone];
    uint64_t *known = &h->touched.list_pages[((size_t)node * PA_NR_ZONES + zone) *
                                             (h->max_order + 1)];

    for (unsigned o = 0; o <= h->max_order; o++) {
        if (known[o] == PAI_LIST_MOVED) {
            uint64_t pages = 0;
            int rc = incr_list(c, node, zone, o, &pages);
            if (rc)
                return rc;
            known[o] = pages;
        }
        seen += known[o];
    }
    if (seen != have)
        return fail(c, "avail[%u][%u] = %lu, recount %lu", node, zone,
                    (unsigned long)have, (unsigned long)seen);
    return 0;
}

/* Touched zones recounted; node and total counters are the zones' sums. */
static int incr_counters(struct chk *c)
{
    const struct pa_heap *h = c->h;
    uint64_t total = 0;

    for (unsigned n = 0; n < h->nr_nodes; n++) {
        uint64_t sum = 0;
        for (unsigned z = 0; z < PA_NR_ZONES; z++) {
            if (h->touched.zones[n] >> z & 1) {
                int rc = incr_zone(c, n, z);
                if (rc)
                    return rc;
            }
            sum += h->avail[(size_t)n * PA_NR_ZONES + z];
        }
        total += sum;
    }
    if (h->total_avail != total)
        return fail(c, "total_avail = %lu, the nodes sum to %lu",
                    (unsigned long)h->total_avail, (unsigned long)total);
    return 0;
}

static void incr_forget(struct pa_heap *h)
{
    h->touched.nr = 0;
    memset(h->touched.zones, 0, h->nr_nodes * sizeof h->touched.zones[0]);
}

static int incr_check(struct pa_heap *h, char *why, size_t whylen)
{
    struct chk c = { .h = h, .why = why, .whylen = whylen };
    int rc = incr_blocks(&c);

    if (!rc)
        rc = incr_counters(&c);
    incr_forget(h);
    return rc;
}

int pai_check_auto(struct pa_heap *h, char *why, size_t whylen)
{
    struct pai_touched *t = &h->touched;

    if (t->every > 1 && ++t->since_full < t->every)
        return incr_check(h, why, whylen);
    t->since_full = 0;
    incr_forget(h);
    return pai_check(h, why, whylen);
}

int pa_heap_check_touched(struct pa_heap *h, char *why, size_t whylen)
{
    int rc;

    pai_lock(h);
    rc = incr_check(h, why, whylen);
    pai_unlock(h);
    return rc;
}

void pa_heap_set_check_every(struct pa_heap *h, unsigned every)
{
    pai_lock(h);
    h->touched.every = every;
    h->touched.since_full = 0;
    pai_unlock(h);
}

/* ------------------------------------------------------------------------
 * free_heap_pages' misuse checks (debug builds call them; buddy.c)
 * ------------------------------------------------------------------------ */

/* Misuse a debug build refuses: bad order or alignment, pages that are not
 * RAM of one node, not in use (double free), metadata or reserved; a node
 * without heap structures (Xen: avail[node] is NULL, a crash).  Heap init
 * checks an uninitialised block's pages. */
int pai_check_free(struct pa_heap *h, uint64_t mfn, pa_pdx_t pdx, unsigned order)
{
    uint64_t n = 1ULL << order;
    int node = pai_pdx_node(h, pdx);
    long r;

    if (order > h->max_order)
        return -EINVAL;
    if (pai_block_uninit(h, mfn))
        return 0;
    if (node == PAI_NODE_NONE || (mfn & pai_mask(order)))
        return -EINVAL;
    r = pai_range_of(h, mfn);
    if (r < 0 || mfn + n > h->ranges[r].end || (int)h->ranges[r].node != node)
        return -EINVAL;
    for (uint64_t i = 0; i < n; i++) {
        const struct pa_page *pg = &h->ft[pai_mfn_to_pdx(h, mfn + i)];
        if (!(pa_page_state_is(h, pg, PA_STATE_INUSE) ||
              pa_page_state_is(h, pg, PA_STATE_OFFLINING)) ||
            (pg->count_info & (PA_PGC_META | PA_PGC_RESERVED)))
            return -EINVAL;
    }
    return h->node_avail[node] ? 0 : -ENODEV;
}
