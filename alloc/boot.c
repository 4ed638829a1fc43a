/*
 * boot.c - the boot allocator: RAM before the heap exists.
 *
 * As in Xen, a sorted array of free regions (at most PA_BOOT_MAX_REGIONS,
 * Xen's one page of them); allocations take from the top of the highest
 * region that fits, splitting it; end_boot_allocator hands what is left to
 * the heap, the first region on the boot CPU's node first (so that node's
 * heap exists before any other), then every other region from the highest
 * down.  Unlike Xen, an allocation may be restricted to one node, which the
 * benchmarks use to model a boot module on a given node.  Pages the boot
 * allocator hands out are never written: they keep the zeroed frame table's
 * state 0 ("in use" in the legacy encoding, "uninitialised" in uninit).
 */
#include <string.h>

#include "alloc/internal.h"

struct boot_region {
    uint64_t s, e;
};

struct pa_boot {
    struct pa_heap *h;
    struct boot_region r[PA_BOOT_MAX_REGIONS];
    size_t nr;
};

/* ------------------------------------------------------------------------
 * Regions
 * ------------------------------------------------------------------------ */

struct pa_boot *pa_boot_create(struct pa_heap *h)
{
    struct pa_boot *b = calloc(1, sizeof *b);

    if (b)
        b->h = h;
    return b;
}

void pa_boot_destroy(struct pa_boot *b)
{
    free(b);
}

size_t pa_boot_nr_regions(const struct pa_boot *b)
{
    return b->nr;
}

static bool all_ram(const struct pa_heap *h, uint64_t s, uint64_t e)
{
    while (s < e) {
        long r = pai_range_of(h, s);
        if (r < 0)
            return false;
        s = h->ranges[r].end;
    }
    return true;
}

/* Insert [s, e) at its sorted place (no merging, as Xen). */
static int insert_region(struct pa_boot *b, uint64_t s, uint64_t e)
{
    size_t i = 0;

    if (b->nr == PA_BOOT_MAX_REGIONS)
        return -ENOSPC;
    while (i < b->nr && b->r[i].s < s)
        i++;
    if ((i < b->nr && b->r[i].s < e) || (i > 0 && b->r[i - 1].e > s))
        return -EINVAL;
    memmove(&b->r[i + 1], &b->r[i], (b->nr - i) * sizeof b->r[0]);
    b->r[i] = (struct boot_region){ s, e };
    b->nr++;
    return 0;
}

int pa_boot_add(struct pa_boot *b, uint64_t s, uint64_t e)
{
    if (s >= e || !all_ram(b->h, s, e))
        return -EINVAL;
    return insert_region(b, s, e);
}

int pa_boot_add_all(struct pa_boot *b)
{
    for (size_t i = 0; i < b->h->nr_ranges; i++) {
        int rc = pa_boot_add(b, b->h->ranges[i].start, b->h->ranges[i].end);
        if (rc)
            return rc;
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * Allocation
 * ------------------------------------------------------------------------ */

/* Highest aligned [top, top+nr) inside [lo, hi), or PA_INVALID_MFN. */
static uint64_t fit_top(uint64_t lo, uint64_t hi, uint64_t nr, uint64_t align)
{
    uint64_t top;

    if (hi - lo < nr)
        return PA_INVALID_MFN;
    top = (hi - nr) / align * align;
    return top >= lo ? top : PA_INVALID_MFN;
}

/* Highest fit inside region i, within node's RAM if node >= 0. */
static uint64_t fit_region(const struct pa_boot *b, size_t i, uint64_t nr,
                           uint64_t align, int node)
{
    const struct pa_heap *h = b->h;
    const struct boot_region *r = &b->r[i];

    if (node < 0)
        return fit_top(r->s, r->e, nr, align);
    for (size_t k = h->nr_ranges; k-- > 0;) {
        const struct pa_range *g = &h->ranges[k];
        if (g->node != (unsigned)node || g->end <= r->s || g->start >= r->e)
            continue;
        uint64_t t = fit_top(g->start > r->s ? g->start : r->s,
                             g->end < r->e ? g->end : r->e, nr, align);
        if (t != PA_INVALID_MFN)
            return t;
    }
    return PA_INVALID_MFN;
}

/* Cut [top, top+nr) out of region i.  Only a cut in the middle needs a
 * new region, so only that can fail when the array is full. */
static int carve(struct pa_boot *b, size_t i, uint64_t top, uint64_t nr)
{
    struct boot_region *r = &b->r[i];
    uint64_t tail_s = top + nr, tail_e = r->e;

    if (top == r->s) {
        r->s = tail_s;
    } else {
        if (tail_s < tail_e && b->nr == PA_BOOT_MAX_REGIONS)
            return -ENOSPC;
        r->e = top;
        if (tail_s < tail_e)
            insert_region(b, tail_s, tail_e);
    }
    if (b->r[i].s == b->r[i].e) {
        memmove(&b->r[i], &b->r[i + 1], (b->nr - i - 1) * sizeof b->r[0]);
        b->nr--;
    }
    return 0;
}

uint64_t pa_boot_alloc(struct pa_boot *b, uint64_t nr, uint64_t align, int node)
{
    if (!nr || !align)
        return PA_INVALID_MFN;
    for (size_t i = b->nr; i-- > 0;) {
        uint64_t top = fit_region(b, i, nr, align, node);
        if (top == PA_INVALID_MFN)
            continue;
        return carve(b, i, top, nr) ? PA_INVALID_MFN : top;
    }
    return PA_INVALID_MFN;
}

/* ------------------------------------------------------------------------
 * Hand-off
 * ------------------------------------------------------------------------ */

static int hand_over(struct pa_boot *b, size_t i)
{
    struct pa_heap *h = b->h;
    uint64_t s = b->r[i].s, nr = b->r[i].e - b->r[i].s;

    b->r[i].e = s;
    if (!nr)
        return 0;
    if (pa_strategy_is_lazy(h->strategy))
        return pai_lazy_record(h, s, nr);
    return pai_init_range(h, s, nr, pai_init_scrub(h));
}

int pa_end_boot_allocator(struct pa_boot *b, unsigned boot_node)
{
    struct pa_heap *h = b->h;
    int rc = 0;

    pai_lock(h);
    for (size_t i = 0; i < b->nr; i++)
        if (pa_mfn_to_node(h, b->r[i].s) == (int)boot_node) {
            rc = hand_over(b, i);
            break;
        }
    for (size_t i = b->nr; i-- > 0 && !rc;)
        rc = hand_over(b, i);
    b->nr = 0;
    h->booting = false;     /* later inits free clean pages (Xen: active) */
    /* __start_xen calls paging_init() right after end_boot_allocator();
     * it maps the M2P table and sets machine_to_phys_mapping_valid
     * (xen/arch/x86/x86_64/mm.c), so frees from here on store entries. */
    h->m2p_valid = true;
    pai_autocheck(h);
    pai_unlock(h);
    return rc;
}
