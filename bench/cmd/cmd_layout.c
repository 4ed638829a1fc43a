/*
 * cmd_layout.c - `heapbench layout`: print the machine a layout models.
 *
 * Readable output shows what matters to the heap: RAM per node, the ranges
 * and the holes between them, the zones (MFN bit widths) each node spans,
 * node boundaries that fall inside a MAX_ORDER block (where the buddy
 * allocator must stop merging), the frame table's size, and whether each
 * node's frame-table slice and threads would really be bound to a host
 * node.  --csv prints the ranges alone, for scripts.
 */
#include "bench/cmd/cli.h"
#include "bench/source/layout.h"
#include "bench/base/parse.h"
#include "bench/instrument/membudget.h"
#include "bench/instrument/topo.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct layout_args {
    struct hb_layout_opts lo;
    unsigned max_order;
    bool csv;
};

/* ------------------------------------------------------------------------
 * The layout options of every command
 * ------------------------------------------------------------------------ */

int hb_layout_load_here(struct hb_layout_opts *o, struct hb_layout *l,
                        char *err, size_t errlen)
{
    /* One reader of /proc/meminfo: the memory budget's.  Unknown: 0, so
     * the load does not check. */
    if (hb_mem_read_available("", &o->mem_available))
        o->mem_available = 0;
    return hb_layout_load(o, l, err, errlen);
}

int hb_layout_set_topology(void *lo, const char *v, char *why, size_t len)
{
    return hb_layout_set(lo, "--topology", v, why, len) ? -1 : 0;
}

int hb_layout_set_memmap(void *lo, const char *v, char *why, size_t len)
{
    return hb_layout_set(lo, "--memmap", v, why, len) ? -1 : 0;
}

int hb_layout_set_mem(void *lo, const char *v, char *why, size_t len)
{
    return hb_layout_set(lo, "--mem", v, why, len) ? -1 : 0;
}

/* ------------------------------------------------------------------------
 * Options
 * ------------------------------------------------------------------------ */

int hb_opt_max_order(void *field, const char *v, char *why, size_t len)
{
    uint64_t n;

    if (hb_parse_u64(v, &n) || n < 1 || n > PA_MAX_ORDER_LIMIT) {
        snprintf(why, len, "expected 1 to %d", PA_MAX_ORDER_LIMIT);
        return -1;
    }
    *(unsigned *)field = (unsigned)n;
    return 0;
}

#define MAX_ORDER_HELP(what)                                                  \
    "largest buddy order" what " (1-" HB_STR(PA_MAX_ORDER_LIMIT) ", default " \
    HB_STR(PA_MAX_ORDER_DEFAULT) ")"

static const struct hb_opt layout_opts[] = {
    { NULL, NULL, "The machine modelled (default: --topology host):", NULL, 0, false },
    HB_LAYOUT_OPTIONS(offsetof(struct layout_args, lo)),
    { NULL, NULL, "Output:", NULL, 0, false },
    { "--max-order", "N", MAX_ORDER_HELP(" for the alignment report"), hb_opt_max_order,
      offsetof(struct layout_args, max_order), false },
    { "--csv", NULL, "print node,start,end,pages, one row per RAM range", NULL,
      offsetof(struct layout_args, csv), false },
};

static const struct hb_opts_spec layout_spec = {
    .cmd = "layout",
    .usage = "layout [--topology T | --memmap FILE] [--mem SIZE] [options]",
    .about = "The machine a layout models: RAM per node, ranges and holes, zones, node\n"
             "boundaries inside a MAX_ORDER block, the frame table's size, binding.\n",
    .opts = layout_opts,
    .nopts = sizeof layout_opts / sizeof layout_opts[0],
};

/* ------------------------------------------------------------------------
 * Formatting helpers
 * ------------------------------------------------------------------------ */

static const char *human(uint64_t bytes, char *buf, size_t len)
{
    static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
    double v = (double)bytes;
    unsigned u = 0;

    while (v >= 1024 && u < 5) {
        v /= 1024;
        u++;
    }
    snprintf(buf, len, u ? "%.2f %s" : "%.0f %s", v, units[u]);
    return buf;
}

static uint64_t zone_mask(const struct pa_range *r)
{
    unsigned lo = pa_mfn_zone(r->start), hi = pa_mfn_zone(r->end - 1);
    uint64_t m = 0;

    for (unsigned z = lo; z <= hi; z++)
        m |= 1ULL << z;
    return m;
}

/* "0-19,32-35" */
static const char *zone_list(uint64_t mask, char *buf, size_t len)
{
    size_t at = 0;

    buf[0] = '\0';
    for (unsigned z = 0; z < 64 && at < len; z++) {
        unsigned e = z;

        if (!(mask >> z & 1))
            continue;
        while (e + 1 < 64 && (mask >> (e + 1) & 1))
            e++;
        at += (size_t)snprintf(buf + at, len - at, e > z ? "%s%u-%u" : "%s%u",
                               at ? "," : "", z, e);
        z = e;
    }
    return buf;
}

/* ------------------------------------------------------------------------
 * The report
 * ------------------------------------------------------------------------ */

static void print_csv(const struct hb_layout *l)
{
    printf("node,start,end,pages\n");
    for (size_t i = 0; i < l->nr; i++) {
        const struct pa_range *r = &l->ranges[i];

        printf("%u,0x%" PRIx64 ",0x%" PRIx64 ",%" PRIu64 "\n", r->node,
               r->start << PA_PAGE_SHIFT, r->end << PA_PAGE_SHIFT,
               r->end - r->start);
    }
}

static void print_summary(const struct hb_layout *l, unsigned max_order)
{
    uint64_t pages = hb_layout_pages(l, -1), ft = 0;
    uint64_t lo = l->ranges[0].start, hi = l->ranges[l->nr - 1].end;
    char a[32], b[32], z[128];
    uint64_t zones = 0;

    for (size_t i = 0; i < l->nr; i++)
        zones |= zone_mask(&l->ranges[i]);
    printf("source:       %s\n", l->source);
    printf("nodes:        %u\n", l->nr_nodes);
    printf("RAM:          %s (%" PRIu64 " pages) in %zu ranges\n",
           human(pages << PA_PAGE_SHIFT, a, sizeof a), pages, l->nr);
    printf("address span: 0x%" PRIx64 "-0x%" PRIx64 " (%s)\n",
           lo << PA_PAGE_SHIFT, hi << PA_PAGE_SHIFT,
           human((hi - lo) << PA_PAGE_SHIFT, b, sizeof b));
    printf("zones:        %s\n", zone_list(zones, z, sizeof z));
    if (pa_frametable_bytes(l->ranges, l->nr, max_order, &ft) == 0)
        printf("frame table:  %s (%" PRIu64 " entries of %zu bytes; RAM "
               "needs %" PRIu64 ")\n", human(ft, a, sizeof a),
               ft / sizeof(struct pa_page), sizeof(struct pa_page), pages);
}

static void print_nodes(const struct hb_layout *l, struct hb_topo *topo)
{
    char a[32], z[128];

    printf("\nnode  RAM           pages       ranges  zones\n");
    for (unsigned n = 0; n < l->nr_nodes; n++) {
        uint64_t pages = hb_layout_pages(l, (int)n), zones = 0;
        size_t nr = 0;

        for (size_t i = 0; i < l->nr; i++)
            if (l->ranges[i].node == n) {
                zones |= zone_mask(&l->ranges[i]);
                nr++;
            }
        printf("%-4u  %-12s  %-10" PRIu64 "  %-6zu  %-11s  ", n,
               human(pages << PA_PAGE_SHIFT, a, sizeof a), pages, nr,
               nr ? zone_list(zones, z, sizeof z) : "-");
        if (l->host_node[n])
            printf("binding: real (host node %u)\n", n);
        else if (!topo || !hb_topo_has_node(topo, n))
            printf("binding: skipped (host has no node %u)\n", n);
        else
            printf("binding: skipped (not this host's layout)\n");
    }
}

static void print_ranges(const struct hb_layout *l)
{
    char a[32], z[128];

    printf("\nranges (end exclusive):\n");
    for (size_t i = 0; i < l->nr; i++) {
        const struct pa_range *r = &l->ranges[i];

        if (i && l->ranges[i - 1].end < r->start)
            printf("  hole    0x%016" PRIx64 "-0x%016" PRIx64 "  %s\n",
                   l->ranges[i - 1].end << PA_PAGE_SHIFT,
                   r->start << PA_PAGE_SHIFT,
                   human((r->start - l->ranges[i - 1].end) << PA_PAGE_SHIFT,
                         a, sizeof a));
        printf("  node %-2u 0x%016" PRIx64 "-0x%016" PRIx64 "  %-11s zones %s\n",
               r->node, r->start << PA_PAGE_SHIFT, r->end << PA_PAGE_SHIFT,
               human((r->end - r->start) << PA_PAGE_SHIFT, a, sizeof a),
               zone_list(zone_mask(r), z, sizeof z));
    }
}

/* A boundary is where one node's range ends and another node's begins
 * (the next range in address order, hole or not); it is aligned when both
 * addresses are multiples of the MAX_ORDER block size. */
static void print_boundaries(const struct hb_layout *l, unsigned max_order)
{
    const uint64_t mask = (1ULL << max_order) - 1;
    size_t total = 0, bad = 0;
    char a[32];

    for (size_t i = 1; i < l->nr; i++)
        if (l->ranges[i].node != l->ranges[i - 1].node)
            total++;
    printf("\nnode boundaries: %zu, max order %u (%s blocks)\n", total,
           max_order, human((1ULL << max_order) << PA_PAGE_SHIFT, a, sizeof a));
    for (size_t i = 1; i < l->nr; i++) {
        const struct pa_range *p = &l->ranges[i - 1], *r = &l->ranges[i];

        if (p->node == r->node || (!(p->end & mask) && !(r->start & mask)))
            continue;
        if (bad++ < 32)
            printf("  not aligned: node %u ends at 0x%" PRIx64 ", node %u "
                   "starts at 0x%" PRIx64 "\n", p->node,
                   p->end << PA_PAGE_SHIFT, r->node,
                   r->start << PA_PAGE_SHIFT);
    }
    if (bad > 32)
        printf("  ... and %zu more not aligned\n", bad - 32);
    if (!bad)
        printf("  all aligned to max order\n");
    else
        printf("  %zu of %zu not aligned to max order\n", bad, total);
}

int hb_cmd_layout(int argc, char **argv)
{
    struct layout_args a = { .max_order = PA_MAX_ORDER_DEFAULT };
    struct hb_layout l;
    struct hb_topo *topo;
    char err[512];
    int rest, rc = hb_opts_run(&layout_spec, &a, argc, argv, &rest);

    if (rc != HB_OPTS_GO)
        return rc;
    if (hb_layout_load_here(&a.lo, &l, err, sizeof err)) {
        hb_err("%s", err);
        return HB_EXIT_USAGE;
    }
    if (a.csv) {
        print_csv(&l);
    } else {
        topo = hb_topo_open();
        print_summary(&l, a.max_order);
        print_nodes(&l, topo);
        print_ranges(&l);
        print_boundaries(&l, a.max_order);
        hb_topo_close(topo);
    }
    hb_layout_free(&l);
    return fflush(stdout) ? HB_EXIT_FAIL : HB_EXIT_OK;
}
