/*
 * cmd_heap.c - `heapbench heap`: build a heap from a layout the way a
 * hypervisor boots (boot allocator, optional boot allocations, hand-off
 * with a strategy), optionally free the boot allocations and finish lazy
 * initialisation, run the invariant checker, and print the result.
 *
 * --dump-blocks output depends only on which pages are free, so it is the
 * same bytes for every strategy once everything is initialised: that is
 * the equivalence tests' oracle.  Timings go to stderr (--time) so they
 * never disturb it.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc/heap.h"
#include "bench/base/clock.h"
#include "bench/cmd/cli.h"
#include "bench/source/layout.h"
#include "bench/base/parse.h"
#include "bench/instrument/topo.h"

#define MAX_BOOT_ALLOCS 64

struct boot_req {
    uint64_t pages;
    int node;
    uint64_t mfn;
    const char *arg;          /* as given, for messages */
};

struct heap_opts {
    struct hb_layout_opts lo;
    int strategy;
    int encoding;             /* -1: the strategy's default */
    unsigned max_order;
    struct boot_req boot[MAX_BOOT_ALLOCS];
    unsigned nr_boot;
    bool free_boot, finish, dump, summary, timing;
    bool no_branch_harden;    /* Xen's spec-ctrl=no-branch-harden */
    int xen;                  /* enum pa_xen_version */
};

/* ------------------------------------------------------------------------
 * Options
 * ------------------------------------------------------------------------ */

static void usage(FILE *f)
{
    fprintf(f,
        "usage: heapbench heap [LAYOUT] [options]\n"
        "LAYOUT (default: --topology host), as in heapbench layout:\n"
        "  --topology T       host: this machine (hwloc and sysfs); synthetic:STRING\n"
        "                     an hwloc synthetic machine; xml:FILE an hwloc XML file\n"
        "  --memmap FILE      RAM ranges: START END NODE a line, or a boot log\n"
        "  --mem SIZE         scale the topology to SIZE of RAM, node shares kept\n"
        "  --strategy S       how the boot RAM reaches the heap: pagewise (default),\n"
        "                     chunked, patch, lazy or deferred (README.md)\n"
        "  --encoding E       page state encoding, legacy or uninit (default: the\n"
        "                     strategy's; patch, lazy and deferred need uninit)\n"
        "  --max-order N      largest buddy order (1-%d, default %d)\n"
        "  --boot-alloc SIZE[@NODE]  allocate SIZE from the boot allocator before\n"
        "                     the hand-off (on NODE); may be repeated\n"
        "  --free-boot        free those boot allocations into the heap afterwards\n"
        "  --finish           finish lazy initialisation (lazy, deferred)\n"
        "  --dump-blocks      print every free block: mfn,order,node,zone\n"
        "  --summary          print the pages of each node by state (free, in use...)\n"
        "  --time             the time of each step, on stderr\n"
        "  --no-branch-harden model Xen's spec-ctrl=no-branch-harden\n"
        "  --xen V            whose node lookups the model pays: 4.17 (default) or\n"
        "                     4.18 (x86 without PDX compression)\n"
        "Without --dump-blocks or --summary: one line, the pages free and pending.\n"
        "The invariant checker runs on the heap before anything is printed.\n",
        PA_MAX_ORDER_LIMIT, PA_MAX_ORDER_DEFAULT);
}

static int parse_boot_alloc(struct heap_opts *o, const char *arg)
{
    char buf[128], *at;
    uint64_t bytes, node = 0;

    if (o->nr_boot == MAX_BOOT_ALLOCS || strlen(arg) >= sizeof buf) {
        hb_err("too many or too long --boot-alloc: %s", arg);
        return -1;
    }
    strcpy(buf, arg);
    at = strchr(buf, '@');
    if (at)
        *at++ = '\0';
    if (hb_parse_size(buf, &bytes) || bytes == 0) {
        hb_err("--boot-alloc: not a size: %s", arg);
        return -1;
    }
    if (at && (hb_parse_u64(at, &node) || node >= PA_MAX_NODES)) {
        hb_err("--boot-alloc: bad node: %s", arg);
        return -1;
    }
    /* Rounded up without overflowing near 2^64. */
    o->boot[o->nr_boot++] = (struct boot_req){
        bytes / PA_PAGE_SIZE + !!(bytes % PA_PAGE_SIZE), at ? (int)node : -1, 0, arg };
    return 0;
}

/* Boot allocations the layout cannot hold, whatever the allocator does: a
 * node it does not have, more pages than the node (or the machine) has.
 * Refused as bad input before the frame table is allocated. */
static int check_boot_allocs(const struct heap_opts *o, const struct hb_layout *l)
{
    uint64_t total = hb_layout_pages(l, -1), sum = 0;

    for (unsigned i = 0; i < o->nr_boot; i++) {
        const struct boot_req *r = &o->boot[i];
        uint64_t have = r->node < 0 ? total : hb_layout_pages(l, r->node);

        if (r->node >= 0 && have == 0)
            return hb_err("--boot-alloc: the layout has no RAM on node %d: %s",
                          r->node, r->arg), -1;
        if (r->pages > have)
            return hb_err("--boot-alloc: more than the %lu pages of RAM %s: %s",
                          (unsigned long)have,
                          r->node >= 0 ? "on that node" : "in the layout", r->arg), -1;
        if ((sum += r->pages) > total)
            return hb_err("--boot-alloc: together more than the %lu pages of RAM "
                          "in the layout: %s", (unsigned long)total, r->arg), -1;
    }
    return 0;
}

int hb_xen_parse(const char *v)
{
    int x = pa_xen_version_parse(v);

    if (x < 0)
        hb_err("--xen: expected 4.17 or 4.18: %s", v);
    return x < 0 ? -1 : x;
}

static int parse_value(struct heap_opts *o, const char *opt, const char *val)
{
    uint64_t v;

    if (!strcmp(opt, "--strategy")) {
        if ((o->strategy = pa_strategy_parse(val)) < 0)
            return hb_err("--strategy: expected pagewise, chunked, patch, lazy or deferred: %s", val), -1;
    } else if (!strcmp(opt, "--encoding")) {
        if ((o->encoding = pa_encoding_parse(val)) < 0)
            return hb_err("unknown encoding: %s", val), -1;
    } else if (!strcmp(opt, "--max-order")) {
        if (hb_parse_u64(val, &v) || v < 1 || v > PA_MAX_ORDER_LIMIT)
            return hb_err("--max-order must be 1 to %d: %s", PA_MAX_ORDER_LIMIT, val), -1;
        o->max_order = (unsigned)v;
    } else if (!strcmp(opt, "--xen")) {
        if ((o->xen = hb_xen_parse(val)) < 0)
            return -1;
    } else if (!strcmp(opt, "--boot-alloc")) {
        return parse_boot_alloc(o, val);
    } else {
        return hb_err("unknown option: %s", opt), -1;
    }
    return 0;
}

static int parse_flag(struct heap_opts *o, const char *opt)
{
    static const struct { const char *name; size_t off; } flags[] = {
        { "--free-boot", offsetof(struct heap_opts, free_boot) },
        { "--finish", offsetof(struct heap_opts, finish) },
        { "--dump-blocks", offsetof(struct heap_opts, dump) },
        { "--summary", offsetof(struct heap_opts, summary) },
        { "--time", offsetof(struct heap_opts, timing) },
        { "--no-branch-harden", offsetof(struct heap_opts, no_branch_harden) },
    };

    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        if (!strcmp(opt, flags[i].name)) {
            *(bool *)((char *)o + flags[i].off) = true;
            return 1;
        }
    return 0;
}

/* 0: parsed; 1: --help shown; -1: error already printed. */
static int parse_args(struct heap_opts *o, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        int rc = hb_layout_parse_opt(&o->lo, argc, argv, &i);
        if (rc < 0)
            return -1;
        if (rc > 0 || parse_flag(o, argv[i]))
            continue;
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return 1;
        }
        if (argv[i][0] != '-' || i + 1 >= argc) {
            hb_err(argv[i][0] == '-' ? "option needs a value: %s" : "unexpected argument: %s", argv[i]);
            return -1;
        }
        if (parse_value(o, argv[i], argv[i + 1]))
            return -1;
        i++;
    }
    if (o->encoding < 0)
        o->encoding = (int)pa_strategy_default_encoding((enum pa_strategy)o->strategy);
    if (pa_strategy_default_encoding((enum pa_strategy)o->strategy) == PA_ENC_UNINIT &&
        o->encoding != PA_ENC_UNINIT) {
        hb_err("strategy %s needs --encoding uninit, not: legacy",
               pa_strategy_name((enum pa_strategy)o->strategy));
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * Output
 * ------------------------------------------------------------------------ */

static int print_block(uint64_t mfn, unsigned order, unsigned node,
                       unsigned zone, void *arg)
{
    fprintf(arg, "0x%lx,%u,%u,%u\n", (unsigned long)mfn, order, node, zone);
    return 0;
}

static void print_summary(const struct pa_heap *h)
{
    printf("node,ram_pages,free_pages,inuse_pages,uninit_pages,metadata_pages,reserved_pages\n");
    for (unsigned n = 0; n < pa_heap_nr_nodes(h); n++) {
        struct pa_node_stats s;
        pa_node_stats(h, n, &s);
        if (!s.ram)
            continue;
        printf("%u,%lu,%lu,%lu,%lu,%lu,%lu\n", n, (unsigned long)s.ram,
               (unsigned long)s.free, (unsigned long)(s.inuse + s.offline),
               (unsigned long)s.uninit, (unsigned long)s.meta, (unsigned long)s.reserved);
    }
}

static double ms_since(uint64_t t0)
{
    return (double)(hb_now_ns() - t0) / 1e6;
}

/* ------------------------------------------------------------------------
 * Building the heap
 * ------------------------------------------------------------------------ */

static int boot_allocs(struct heap_opts *o, struct pa_boot *b)
{
    for (unsigned i = 0; i < o->nr_boot; i++) {
        struct boot_req *r = &o->boot[i];
        r->mfn = pa_boot_alloc(b, r->pages, 1, r->node);
        if (r->mfn == PA_INVALID_MFN) {
            if (r->node >= 0)
                hb_err("--boot-alloc: %lu pages do not fit on node %d",
                       (unsigned long)r->pages, r->node);
            else
                hb_err("--boot-alloc: %lu pages do not fit", (unsigned long)r->pages);
            return -1;
        }
    }
    return 0;
}

/* Boot allocations go back the way a hypervisor returns them: through
 * init_heap_pages when eager (Xen's init_domheap_pages), through
 * free_heap_pages when the encoding can tell uninitialised pages. */
static int free_boot(struct heap_opts *o, struct pa_heap *h)
{
    for (unsigned i = 0; i < o->nr_boot; i++) {
        int rc = o->encoding == PA_ENC_UNINIT
                     ? pa_free_range(h, o->boot[i].mfn, o->boot[i].pages)
                     : pa_init_heap_pages(h, o->boot[i].mfn, o->boot[i].pages);
        if (rc) {
            hb_err("freeing boot allocation at mfn 0x%lx failed: %s",
                   (unsigned long)o->boot[i].mfn, strerror(-rc));
            return -1;
        }
    }
    return 0;
}

static int boot_heap(struct heap_opts *o, struct pa_heap *h, struct hb_bind *bc)
{
    struct pa_boot *b = pa_boot_create(h);
    uint64_t t0;
    int rc;

    if (!b)
        return hb_err("out of memory"), -1;
    rc = pa_boot_add_all(b);
    if (rc) {
        pa_boot_destroy(b);
        if (rc == -ENOSPC)
            hb_err("layout has more than %d boot regions: %zu",
                   PA_BOOT_MAX_REGIONS, pa_heap_nr_ranges(h));
        else
            hb_err("layout rejected by the boot allocator: %s", strerror(-rc));
        return -1;
    }
    if (boot_allocs(o, b)) {
        pa_boot_destroy(b);
        return -2;          /* bad input: the request does not fit */
    }
    t0 = hb_now_ns();
    rc = pa_end_boot_allocator(b, 0);
    if (o->timing)
        fprintf(stderr, "end_boot_allocator: %.3f ms (%s)\n", ms_since(t0),
                pa_strategy_name((enum pa_strategy)o->strategy));
    pa_boot_destroy(b);
    if (!rc && o->strategy == PA_STRAT_DEFERRED)
        rc = pa_deferred_start(h, hb_bind_thread, bc);
    if (rc)
        return hb_err("heap initialisation failed: %s", strerror(-rc)), -1;
    return 0;
}

static int finish_heap(struct heap_opts *o, struct pa_heap *h)
{
    uint64_t t0;
    uint64_t busy = 0;

    if (o->free_boot && free_boot(o, h))
        return -1;
    t0 = hb_now_ns();
    if (o->strategy == PA_STRAT_DEFERRED)
        pa_deferred_join(h, &busy);    /* the threads run to completion */
    if (o->finish)
        pa_lazy_finish(h, -1);
    if (o->timing && (o->finish || busy))
        fprintf(stderr, "finish: %.3f ms (threads busy %.3f ms)\n", ms_since(t0),
                (double)busy / 1e6);
    return 0;
}

static int run(struct heap_opts *o, const struct hb_layout *l, struct hb_topo *topo)
{
    struct hb_bind bc = { topo, l };
    struct pa_heap_config cfg = {
        .ranges = l->ranges, .nr_ranges = l->nr,
        .encoding = (enum pa_encoding)o->encoding, .max_order = o->max_order,
        .hugepages = true, .bind = hb_bind_area, .bind_arg = &bc,
        .no_branch_harden = o->no_branch_harden, .xen = (enum pa_xen_version)o->xen,
    };
    struct pa_heap *h;
    char why[256];
    int rc = pa_heap_create(&cfg, &h);

    if (rc)
        return hb_err("cannot build the heap: %s", strerror(-rc)), HB_EXIT_FAIL;
    pa_heap_set_strategy(h, (enum pa_strategy)o->strategy);
    rc = boot_heap(o, h, &bc);
    if (rc || finish_heap(o, h)) {
        pa_heap_destroy(h);
        return rc == -2 ? HB_EXIT_USAGE : HB_EXIT_FAIL;
    }
    rc = pa_heap_check(h, why, sizeof why);
    if (rc) {
        hb_err("heap check failed: %s", why);
    } else {
        if (o->dump) {
            printf("mfn,order,node,zone\n");
            pa_for_each_free_block(h, print_block, stdout);
        }
        if (o->summary)
            print_summary(h);
        if (!o->dump && !o->summary)
            printf("heap: %s, %s encoding, %lu pages free of %lu pending, check ok\n",
                   pa_strategy_name((enum pa_strategy)o->strategy),
                   pa_encoding_name((enum pa_encoding)o->encoding),
                   (unsigned long)pa_avail(h, -1, -1), (unsigned long)pa_lazy_pending(h, -1));
    }
    pa_heap_destroy(h);
    return rc ? HB_EXIT_FAIL : HB_EXIT_OK;
}

int hb_cmd_heap(int argc, char **argv)
{
    struct heap_opts o = { .strategy = PA_STRAT_PAGEWISE, .encoding = -1 };
    struct hb_layout l = { 0 };
    struct hb_topo *topo;
    char err[512];
    int rc = parse_args(&o, argc, argv);

    if (rc)
        return rc > 0 ? HB_EXIT_OK : HB_EXIT_USAGE;
    rc = hb_layout_load_here(&o.lo, &l, err, sizeof err);
    if (rc) {
        hb_err("%s", err);
        return HB_EXIT_USAGE;
    }
    if (check_boot_allocs(&o, &l)) {
        hb_layout_free(&l);
        return HB_EXIT_USAGE;
    }
    topo = hb_topo_open();
    rc = run(&o, &l, topo);
    if (topo)
        hb_topo_close(topo);
    hb_layout_free(&l);
    return rc;
}
