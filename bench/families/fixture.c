/*
 * fixture.c - cached benchmark heaps over synthetic or given layouts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/families/fixture.h"
#include "bench/instrument/membudget.h"
#include "bench/instrument/topo.h"

/* ------------------------------------------------------------------------
 * Layouts
 * ------------------------------------------------------------------------ */

#define RAM_BASE 0x100         /* 1 MiB: below it the PC's legacy hole */

uint64_t hb_fix_boundary(const struct hb_fix_key *k, unsigned i)
{
    uint64_t share = k->ram_pages / k->nodes;
    uint64_t off = k->boundary_order >= 18 ? 0 : 1ULL << k->boundary_order;

    return (uint64_t)i * share + off;
}

struct pa_range *hb_fix_layout(const struct hb_fix_key *k, size_t *nr)
{
    struct pa_range *r = calloc(k->nodes, sizeof *r);

    if (!r)
        return NULL;
    for (unsigned i = 0; i < k->nodes; i++) {
        r[i].start = i ? hb_fix_boundary(k, i) : RAM_BASE;
        r[i].end = i + 1 < k->nodes ? hb_fix_boundary(k, i + 1) : k->ram_pages;
        r[i].node = i;
    }
    *nr = k->nodes;
    return r;
}

/* ------------------------------------------------------------------------
 * Cache
 * ------------------------------------------------------------------------ */

void hb_fix_init(struct hb_fixtures *f, const struct hb_bench_ctx *ctx)
{
    memset(f, 0, sizeof *f);
    f->ctx = ctx;
    f->bind = (struct hb_bind){ ctx->topo, ctx->layout };
}

void hb_fix_release(struct hb_fixtures *f)
{
    for (unsigned i = 0; i < HB_FIX_SLOTS; i++) {
        hb_mem_drop(f->ctx->mem, f->slot[i].heap);
        pa_heap_destroy(f->slot[i].heap);
        f->slot[i].heap = NULL;
    }
}

/* The memory budget counts the tables still cached; if the new one does
 * not fit next to them, they go (a cache is not worth a skip). */
static bool fits_budget(struct hb_fixtures *f, uint64_t bytes, char *why, size_t whylen)
{
    if (hb_mem_fits(f->ctx->mem, "fixtures", bytes, why, whylen))
        return true;
    hb_fix_release(f);
    return hb_mem_fits(f->ctx->mem, "fixtures", bytes, why, whylen);
}

static struct pa_heap *build(struct hb_fixtures *f, const struct hb_fix_key *k,
                             char *why, size_t whylen)
{
    const struct hb_layout *given = f->ctx->layout;
    struct pa_range *r = NULL;
    size_t nr = 0;
    uint64_t bytes;
    struct pa_heap *h = NULL;

    if (k->given && given) {
        r = given->ranges;
        nr = given->nr;
    } else if (!(r = hb_fix_layout(k, &nr))) {
        snprintf(why, whylen, "out of memory");
        return NULL;
    }
    /* The frame table and the M2P table mapped beside it. */
    /* The budget's own check names sizes in the right unit; without a
     * budget (unit tests), the cap on one table is the guard. */
    if (pa_heap_table_bytes(r, nr, k->max_order, &bytes) ||
        (!f->ctx->mem && bytes > f->ctx->max_table_bytes)) {
        snprintf(why, whylen, "frame table and M2P of %.1f GiB do not fit (%.1f GiB available)",
                 (double)bytes / (1 << 30), (double)f->ctx->max_table_bytes / (1 << 30));
    } else if (fits_budget(f, bytes, why, whylen)) {
        struct pa_heap_config cfg = {
            .ranges = r, .nr_ranges = nr, .encoding = k->enc, .max_order = k->max_order,
            .hugepages = f->ctx->hugepages, .reserve_boundary = k->reserve_boundary,
            .bind = hb_bind_area, .bind_arg = &f->bind,
            .xen = (enum pa_xen_version)f->ctx->xen,
        };
        int rc = pa_heap_create(&cfg, &h);
        if (rc)
            snprintf(why, whylen, "cannot build the heap: %s", strerror(-rc));
        else
            hb_mem_hold(f->ctx->mem, h, "fixtures", bytes, NULL, NULL);
    }
    if (!(k->given && given))
        free(r);
    return h;
}

static bool key_eq(const struct hb_fix_key *a, const struct hb_fix_key *b)
{
    return a->ram_pages == b->ram_pages && a->nodes == b->nodes &&
           a->boundary_order == b->boundary_order && a->enc == b->enc &&
           a->max_order == b->max_order && a->given == b->given &&
           a->reserve_boundary == b->reserve_boundary;
}

struct pa_heap *hb_fix_get_tagged(struct hb_fixtures *f, const struct hb_fix_key *k,
                                  unsigned tag, bool *kept, char *why, size_t whylen)
{
    *kept = false;
    for (unsigned i = 0; i < HB_FIX_SLOTS; i++)
        if (f->slot[i].heap && key_eq(&f->slot[i].key, k)) {
            if (tag && f->slot[i].tag == tag) {
                *kept = true;
                return f->slot[i].heap;
            }
            pa_heap_reset(f->slot[i].heap);
            f->slot[i].tag = tag;
            return f->slot[i].heap;
        }
    /* Free the victim first: two big tables need not fit at once. */
    unsigned v = f->next++ % HB_FIX_SLOTS;
    hb_mem_drop(f->ctx->mem, f->slot[v].heap);
    pa_heap_destroy(f->slot[v].heap);
    f->slot[v].heap = NULL;
    f->slot[v].heap = build(f, k, why, whylen);
    f->slot[v].key = *k;
    f->slot[v].tag = f->slot[v].heap ? tag : 0;
    return f->slot[v].heap;
}

struct pa_heap *hb_fix_get(struct hb_fixtures *f, const struct hb_fix_key *k,
                           char *why, size_t whylen)
{
    bool kept;

    return hb_fix_get_tagged(f, k, 0, &kept, why, whylen);
}

void hb_fix_untag(struct hb_fixtures *f, const struct pa_heap *h)
{
    for (unsigned i = 0; i < HB_FIX_SLOTS; i++)
        if (h && f->slot[i].heap == h)
            f->slot[i].tag = 0;
}
