/*
 * layout.c - the layout options and the checks every layout goes through.
 *
 * The sources themselves live in layout_memmap.c (plain maps and boot logs)
 * and layout_hwloc.c (host, synthetic, XML).  This file parses the options,
 * dispatches to a source, normalises the result with the heap model's own
 * pa_layout_normalise (so the CLI and the heap agree on what is valid), and
 * refuses a layout whose frame table would not fit in this machine's
 * available memory before anyone allocates it.
 */
#include "bench/source/layout.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/base/parse.h"

/* ------------------------------------------------------------------------
 * Options
 * ------------------------------------------------------------------------ */

/* "--name VALUE" or "--name=VALUE": the value, or NULL (not this option);
 * *missing is set when the option is there without a value. */
static bool topology_valid(const char *t)
{
    if (!strcmp(t, "host"))
        return true;
    if (!strncmp(t, "synthetic:", 10))
        return t[10] != '\0';
    if (!strncmp(t, "xml:", 4))
        return t[4] != '\0';
    return false;
}

static int parse_mem(struct hb_layout_opts *o, const char *v, char *why,
                     size_t len)
{
    uint64_t b;
    int rc = hb_parse_size(v, &b);

    if (rc == -ERANGE)
        snprintf(why, len, "size too large");
    else if (rc == -EDOM)
        snprintf(why, len, "a size needs a unit (K, M, G, T, KiB ... TiB, or B)");
    else if (rc || b == 0)
        snprintf(why, len, "not a size (e.g. 64GiB, 512M)");
    else
        o->mem_bytes = b;
    return rc || b == 0 ? -EINVAL : 0;
}

int hb_layout_set(struct hb_layout_opts *o, const char *name, const char *v,
                  char *why, size_t len)
{
    if (!strcmp(name, "--mem"))
        return parse_mem(o, v, why, len);
    if (!strcmp(name, "--memmap")) {
        o->memmap = v;
        return 0;
    }
    if (!strcmp(name, "--topology") && topology_valid(v)) {
        o->topology = v;
        return 0;
    }
    snprintf(why, len, "%s", !strcmp(name, "--topology")
             ? "expected host, synthetic:STRING or xml:FILE" : "not a layout option");
    return -EINVAL;
}

/* ------------------------------------------------------------------------
 * Normalising and sizing a layout
 * ------------------------------------------------------------------------ */

uint64_t hb_layout_pages(const struct hb_layout *l, int node)
{
    uint64_t n = 0;

    for (size_t i = 0; i < l->nr; i++)
        if (node < 0 || l->ranges[i].node == (unsigned)node)
            n += l->ranges[i].end - l->ranges[i].start;
    return n;
}

/* Why pa_layout_normalise refused r[bad] (r is sorted by then). */
static void describe_bad(const struct pa_range *r, size_t bad, char *err,
                         size_t errlen)
{
    const struct pa_range *b = &r[bad];

    if (b->node >= PA_MAX_NODES)
        snprintf(err, errlen, "node %u: at most %d nodes", b->node, PA_MAX_NODES);
    else if (b->start >= b->end)
        snprintf(err, errlen, "empty range at 0x%llx",
                 (unsigned long long)b->start << PA_PAGE_SHIFT);
    else if (bad > 0 && b->start < r[bad - 1].end)
        snprintf(err, errlen,
                 "overlapping ranges: 0x%llx-0x%llx (node %u) and "
                 "0x%llx-0x%llx (node %u)",
                 (unsigned long long)r[bad - 1].start << PA_PAGE_SHIFT,
                 (unsigned long long)r[bad - 1].end << PA_PAGE_SHIFT,
                 r[bad - 1].node,
                 (unsigned long long)b->start << PA_PAGE_SHIFT,
                 (unsigned long long)b->end << PA_PAGE_SHIFT, b->node);
    else
        snprintf(err, errlen, "range 0x%llx-0x%llx ends beyond %d-bit "
                 "physical addresses",
                 (unsigned long long)b->start << PA_PAGE_SHIFT,
                 (unsigned long long)b->end << PA_PAGE_SHIFT, PA_PADDR_BITS);
}

int hb_layout_finish(struct hb_layout *l, char *err, size_t errlen)
{
    size_t bad = 0;
    int n;

    if (l->nr == 0) {
        snprintf(err, errlen, "%s: no RAM", l->source);
        return -EINVAL;
    }
    n = pa_layout_normalise(l->ranges, l->nr, &bad);
    if (n < 0) {
        describe_bad(l->ranges, bad, err, errlen);
        return n;
    }
    if ((size_t)n > PA_MAX_RANGES) {
        snprintf(err, errlen, "%s: %d RAM ranges, at most %d", l->source, n,
                 PA_MAX_RANGES);
        return -E2BIG;
    }
    l->nr = (size_t)n;
    l->nr_nodes = 0;
    for (size_t i = 0; i < l->nr; i++)
        if (l->ranges[i].node + 1 > l->nr_nodes)
            l->nr_nodes = l->ranges[i].node + 1;
    return 0;
}

static double gib(uint64_t bytes)
{
    return (double)bytes / (double)(1ULL << 30);
}

int hb_layout_check_fits(const struct hb_layout *l, uint64_t avail_bytes,
                         char *err, size_t errlen)
{
    uint64_t bytes = 0, all = 0;
    int rc = pa_frametable_bytes(l->ranges, l->nr, PA_MAX_ORDER_DEFAULT, &bytes);

    /* A heap maps the M2P table beside the frame table: count both. */
    if (!rc)
        rc = pa_heap_table_bytes(l->ranges, l->nr, PA_MAX_ORDER_DEFAULT, &all);

    if (rc) {
        snprintf(err, errlen, "%s: cannot size the frame table (%s)",
                 l->source, strerror(-rc));
        return rc;
    }
    /* Frame-table indices are 32 bits (pa_pdx_t). */
    if (bytes / sizeof(struct pa_page) >= PA_PDX_NONE) {
        snprintf(err, errlen, "%s: frame table needs %.1f GiB, more than "
                 "2^32 entries", l->source, gib(bytes));
        return -E2BIG;
    }
    if (all > avail_bytes) {
        snprintf(err, errlen, "%s: frame table needs %.1f GiB (%.1f GiB with "
                 "the M2P table), only %.1f GiB available (MemAvailable)",
                 l->source, gib(bytes), gib(all), gib(avail_bytes));
        return -ENOMEM;
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * Loading
 * ------------------------------------------------------------------------ */

static int load_source(const struct hb_layout_opts *o, struct hb_layout *l,
                       char *err, size_t errlen)
{
    if (o->memmap && o->topology) {
        snprintf(err, errlen, "--memmap and --topology are exclusive: "
                 "choose one source");
        return -EINVAL;
    }
    if (o->memmap) {
        /* A map fixes its own addresses and sizes: scaling it would mean
         * inventing new ones, so --mem is for topologies only. */
        if (o->mem_bytes) {
            snprintf(err, errlen, "--mem scales --topology layouts, not a "
                     "--memmap (its ranges are fixed): %s", o->memmap);
            return -EINVAL;
        }
        return hb_layout_from_memmap(o->memmap, l, err, errlen);
    }
    return hb_layout_from_hwloc(o, l, err, errlen);
}

int hb_layout_load(const struct hb_layout_opts *o, struct hb_layout *l,
                   char *err, size_t errlen)
{
    int rc;

    memset(l, 0, sizeof *l);
    rc = load_source(o, l, err, errlen);
    if (!rc)
        rc = hb_layout_finish(l, err, errlen);
    if (!rc && o->mem_available)
        rc = hb_layout_check_fits(l, o->mem_available, err, errlen);
    if (rc)
        hb_layout_free(l);
    return rc;
}

void hb_layout_free(struct hb_layout *l)
{
    free(l->ranges);
    l->ranges = NULL;
    l->nr = 0;
    l->nr_nodes = 0;
}
