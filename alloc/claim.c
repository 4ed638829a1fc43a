/*
 * claim.c - taking a given block out of the free lists (pa_claim_block)
 * and finding the free block that holds a page (pa_free_block_of): the
 * benchmarks' set-up, which Xen's page offlining resembles; not hot
 * paths.  Both walk the lists of the page's zone.  And a free that marks
 * the block dirty (pa_free_heap_pages_dirty), for set-up likewise.
 */
#include <errno.h>

#include "alloc/internal.h"

/* The free block holding mfn, found by walking the lists of its zone. */
static bool find_holder(const struct pa_heap *h, uint64_t mfn, unsigned node,
                        unsigned from, pa_pdx_t *pdx, unsigned *order)
{
    unsigned zone = pa_mfn_zone(mfn);

    for (unsigned k = from; k <= h->max_order; k++) {
        pa_pdx_t want = pai_mfn_to_pdx(h, mfn & ~pai_mask(k));
        struct pai_list *l = pai_list((struct pa_heap *)h, node, zone, k);
        for (pa_pdx_t p = l->head; p != PA_PDX_NONE; p = h->ft[p].next)
            if (p == want) {
                *pdx = p;
                *order = k;
                return true;
            }
    }
    return false;
}

int pa_free_block_of(const struct pa_heap *h, uint64_t mfn, uint64_t *head,
                     unsigned *order)
{
    int node = pa_mfn_to_node(h, mfn);
    pa_pdx_t pdx;

    if (node < 0)
        return -EINVAL;
    if (!find_holder(h, mfn, (unsigned)node, 0, &pdx, order))
        return -ENOENT;
    *head = pai_pdx_to_mfn(h, pdx);
    return 0;
}

int pa_claim_block(struct pa_heap *h, uint64_t mfn, unsigned order, uint64_t owner)
{
    int node = pa_mfn_to_node(h, mfn);
    unsigned zone = pa_mfn_zone(mfn), k;
    pa_pdx_t pdx, target = pai_mfn_to_pdx(h, mfn);
    uint32_t fd = PA_DIRTY_NONE;
    int rc = 0;

    if (node < 0 || order > h->max_order || (mfn & pai_mask(order)))
        return -EINVAL;
    pai_lock(h);
    if (!find_holder(h, mfn, (unsigned)node, order, &pdx, &k)) {
        rc = -ENOENT;
    } else {
        fd = h->ft[pdx].first_dirty;

        pai_list_del(h, pdx, (unsigned)node, zone, k);
        while (k > order) {     /* keep the half without the target free */
            pa_pdx_t half = (pa_pdx_t)1 << --k;
            pa_pdx_t other = (target & half) ? pdx : pdx + half;
            /* Either half may hold dirty pages: mark both from 0. */
            fd = fd == PA_DIRTY_NONE ? fd : 0;
            pai_list_add_scrub(h, other, (unsigned)node, zone, k, fd);
            pdx = (target & half) ? pdx + half : pdx;
        }
        pai_avail_adjust(h, (unsigned)node, zone, -(int64_t)(1ULL << order));
        pai_mark_inuse(h, pdx, order, owner);
    }
    pai_autocheck(h);
    pai_unlock(h);
    if (!rc && fd != PA_DIRTY_NONE)
        pai_clear_need_scrub(h, pdx, order, (unsigned)node);
    return rc;
}

int pa_free_heap_pages_dirty(struct pa_heap *h, uint64_t mfn, unsigned order)
{
    pa_pdx_t pdx = pai_mfn_to_pdx(h, mfn);
    int rc;

    if (pdx == PA_PDX_NONE || order > h->max_order || (mfn & pai_mask(order)))
        return -EINVAL;
    for (uint64_t i = 0; i < (1ULL << order); i++)
        if (!pa_page_state_is(h, &h->ft[pdx + i], PA_STATE_INUSE))
            return -EINVAL;
    pai_lock(h);
    rc = h->free_block(h, mfn, pdx, order, true);
    pai_autocheck(h);
    pai_unlock(h);
    return rc;
}
