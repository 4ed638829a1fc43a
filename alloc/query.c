/*
 * query.c - what a heap holds, read without changing it: pages of each
 * node by state, available pages by node and zone, free blocks by order,
 * the work counters, and every free block visited in MFN order (heap.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "alloc/internal.h"

/* ------------------------------------------------------------------------
 * Statistics
 * ------------------------------------------------------------------------ */

int pa_node_stats(const struct pa_heap *h, unsigned node, struct pa_node_stats *s)
{
    memset(s, 0, sizeof *s);
    if (node >= h->nr_nodes)
        return -EINVAL;
    for (size_t i = 0; i < h->nr_ranges; i++) {
        const struct pa_range *r = &h->ranges[i];
        if (r->node != node)
            continue;
        s->ram += r->end - r->start;
        for (uint64_t m = r->start; m < r->end; m++) {
            const struct pa_page *pg = &h->ft[pai_mfn_to_pdx(h, m)];
            enum pa_state st = pai_state(h, pg);
            if (pg->count_info & PA_PGC_META)
                s->meta++;
            else if (pg->count_info & PA_PGC_RESERVED)
                s->reserved++;
            else if (st == PA_STATE_FREE)
                s->free++;
            else if (st == PA_STATE_UNINIT)
                s->uninit++;
            else if (st == PA_STATE_INUSE)
                s->inuse++;
            else
                s->offline++;
        }
    }
    return 0;
}

uint64_t pa_avail(const struct pa_heap *h, int node, int zone)
{
    uint64_t n = 0;

    if (node < 0 && zone < 0)
        return h->total_avail;
    for (unsigned k = 0; k < h->nr_nodes; k++)
        for (unsigned z = 0; z < PA_NR_ZONES; z++)
            if ((node < 0 || (unsigned)node == k) && (zone < 0 || (unsigned)zone == z))
                n += h->avail[(size_t)k * PA_NR_ZONES + z];
    return n;
}

uint64_t pa_free_blocks(const struct pa_heap *h, int node, unsigned order)
{
    uint64_t n = 0;

    if (order > h->max_order)
        return 0;
    for (unsigned k = 0; k < h->nr_nodes; k++) {
        if (node >= 0 && (unsigned)node != k)
            continue;
        for (unsigned z = 0; z < PA_NR_ZONES; z++) {
            const struct pai_list *l = pai_list((struct pa_heap *)h, k, z, order);
            for (pa_pdx_t p = l->head; p != PA_PDX_NONE; p = h->ft[p].next)
                n++;
        }
    }
    return n;
}

/* ------------------------------------------------------------------------
 * Visiting free blocks in MFN order
 * ------------------------------------------------------------------------ */

struct blk {
    uint64_t mfn;
    unsigned order, node, zone;
};

static int blk_cmp(const void *a, const void *b)
{
    const struct blk *x = a, *y = b;

    return x->mfn < y->mfn ? -1 : x->mfn > y->mfn;
}

int pa_for_each_free_block(const struct pa_heap *h, pa_block_fn fn, void *arg)
{
    size_t nr = 0, cap = 1024;
    struct blk *v = malloc(cap * sizeof *v);
    int rc = 0;

    if (!v)
        return -ENOMEM;
    for (unsigned n = 0; n < h->nr_nodes; n++)
        for (unsigned z = 0; z < PA_NR_ZONES; z++)
            for (unsigned o = 0; o <= h->max_order; o++) {
                const struct pai_list *l = pai_list((struct pa_heap *)h, n, z, o);
                for (pa_pdx_t p = l->head; p != PA_PDX_NONE; p = h->ft[p].next) {
                    if (nr == cap) {
                        struct blk *nv = realloc(v, 2 * cap * sizeof *v);
                        if (!nv) {
                            free(v);
                            return -ENOMEM;
                        }
                        v = nv;
                        cap *= 2;
                    }
                    v[nr++] = (struct blk){ pai_pdx_to_mfn(h, p), o, n, z };
                }
            }
    qsort(v, nr, sizeof *v, blk_cmp);
    for (size_t i = 0; i < nr && !rc; i++)
        rc = fn(v[i].mfn, v[i].order, v[i].node, v[i].zone, arg);
    free(v);
    return rc;
}
