/*
 * offline.c - page offlining: Xen's offline_page and reserve_offlined_page.
 * A free page is offlined at once and its free block split around it into
 * the largest aligned blocks without an offlined page; a page in use is
 * marked "offlining" and offlined when freed (buddy.c calls
 * pai_reserve_offlined after the merge).  Where the split differs from
 * Xen's: alloc/README.md, mark_page_free.
 */
#include "alloc/internal.h"

static bool is_offlined(const struct pa_heap *h, pa_pdx_t pdx)
{
    return (h->ft[pdx].count_info & PA_PGC_STATE_MASK) == h->raw[PA_STATE_OFFLINED];
}

/* The largest order at which the block at cur (inside [head, end)) is
 * aligned, stays inside, and holds no offlined page. */
static unsigned clean_order(const struct pa_heap *h, pa_pdx_t head, pa_pdx_t end,
                            pa_pdx_t cur, unsigned max)
{
    unsigned o = 0;

    while (o < max) {
        pa_pdx_t sz = (pa_pdx_t)2 << o;
        if (((cur - head) & (sz - 1)) || cur + sz > end)
            break;
        for (pa_pdx_t p = cur + (sz >> 1); p < cur + sz; p++)
            if (is_offlined(h, p))
                return o;
        o++;
    }
    return o;
}

/*
 * Xen's reserve_offlined_page: the free block at head leaves its list; its
 * offlined pages leave the heap (and the counters); the rest goes back as
 * the largest aligned blocks that hold no offlined page, each dirty from
 * where the block was.  Xen grows each piece while it holds no offlined
 * page without checking its alignment; see alloc/README.md.
 */
void pai_reserve_offlined(struct pa_heap *h, pa_pdx_t head,
                          unsigned order, unsigned node, unsigned zone)
{
    pa_pdx_t end = head + ((pa_pdx_t)1 << order), cur = head;
    uint32_t fd = h->ft[head].first_dirty;
    uint64_t gone = 0;

    pai_stop_scrub(&h->ft[head]);
    pai_list_del(h, head, node, zone, order);
    while (cur < end) {
        if (is_offlined(h, cur)) {
            cur++, gone++;
            if (fd != PA_DIRTY_NONE && fd)
                fd--;
            continue;
        }
        unsigned o = clean_order(h, head, end, cur, order);
        pa_pdx_t sz = (pa_pdx_t)1 << o;
        pai_list_add_scrub(h, cur, node, zone, o, sz > fd ? fd : PA_DIRTY_NONE);
        if (fd != PA_DIRTY_NONE)
            fd = fd >= sz ? fd - (uint32_t)sz : 0;
        cur += sz;
    }
    pai_avail_adjust(h, node, zone, -(int64_t)gone);
}

/* ------------------------------------------------------------------------
 * Offlining (Xen's offline_page)
 * ------------------------------------------------------------------------ */

/* The free block holding pdx: as Xen's reserve_heap_page, a walk of the
 * lists of the page's node and zone, smallest order first. */
static bool find_free_block(struct pa_heap *h, pa_pdx_t pdx, unsigned node,
                            unsigned zone, pa_pdx_t *head, unsigned *order)
{
    for (unsigned o = 0; o <= h->max_order; o++)
        for (pa_pdx_t b = pai_list(h, node, zone, o)->head; b != PA_PDX_NONE;
             b = h->ft[b].next)
            if (b <= pdx && pdx - b < ((pa_pdx_t)1 << o)) {
                *head = b;
                *order = o;
                return true;
            }
    return false;
}

static int offline_locked(struct pa_heap *h, uint64_t mfn)
{
    struct pa_page *pg;
    pa_pdx_t pdx, head;
    unsigned node, zone, order;

    if (!pa_mfn_is_ram(h, mfn))
        return -EINVAL;
    pdx = pai_mfn_to_pdx(h, mfn);
    pg = &h->ft[pdx];
    if (pg->count_info & (PA_PGC_META | PA_PGC_RESERVED))
        return -EINVAL;     /* Xen: the heap's own pages (is_xen_fixed_mfn) */
    switch (pai_state(h, pg)) {
    case PA_STATE_INUSE:    /* offlined when freed (mark_page_free) */
        pg->count_info = (pg->count_info & ~PA_PGC_STATE_MASK) |
                         h->raw[PA_STATE_OFFLINING];
        return PA_OFFLINE_PENDING;
    case PA_STATE_OFFLINING:
        return PA_OFFLINE_PENDING;
    case PA_STATE_OFFLINED:
        return PA_OFFLINE_DONE;
    case PA_STATE_FREE:
        break;
    default:
        return -EINVAL;     /* uninitialised: not the heap's yet */
    }
    node = (unsigned)pai_pdx_node(h, pdx);
    zone = pa_mfn_zone(mfn);
    if (!find_free_block(h, pdx, node, zone, &head, &order))
        abort();            /* a free page outside every list */
    pg->count_info = h->raw[PA_STATE_OFFLINED];
    pai_reserve_offlined(h, head, order, node, zone);
    return PA_OFFLINE_DONE;
}

int pa_offline_page(struct pa_heap *h, uint64_t mfn)
{
    int rc;

    pai_lock(h);
    rc = offline_locked(h, mfn);
    pai_autocheck(h);
    pai_unlock(h);
    return rc;
}

