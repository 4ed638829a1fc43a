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

struct boot_reqs {
    struct boot_req r[MAX_BOOT_ALLOCS];
    unsigned nr;
};

struct heap_opts {
    struct hb_layout_opts lo;
    int strategy;
    int encoding;             /* -1: the strategy's default */
    unsigned max_order;
    struct boot_reqs boot;
    bool free_boot, finish, dump, summary, timing;
    bool no_branch_harden;    /* Xen's spec-ctrl=no-branch-harden */
    int xen;                  /* enum pa_xen_version */
};

/* ------------------------------------------------------------------------
 * Options
 * ------------------------------------------------------------------------ */

static int set_boot_alloc(void *field, const char *arg, char *why, size_t len)
{
    struct boot_reqs *b = field;
    char buf[128], *at;
    uint64_t bytes, node = 0;

    if (b->nr == MAX_BOOT_ALLOCS || strlen(arg) >= sizeof buf)
        return snprintf(why, len, b->nr == MAX_BOOT_ALLOCS ? "more than %d"
                        : "too long", MAX_BOOT_ALLOCS), -1;
    strcpy(buf, arg);
    at = strchr(buf, '@');
    if (at)
        *at++ = '\0';
    if (hb_parse_size(buf, &bytes) || bytes == 0)
        return snprintf(why, len, "not a size (e.g. 64K, 2M@1)"), -1;
    if (at && (hb_parse_u64(at, &node) || node >= PA_MAX_NODES))
        return snprintf(why, len, "bad node (0 to %d)", PA_MAX_NODES - 1), -1;
    /* Rounded up without overflowing near 2^64. */
    b->r[b->nr++] = (struct boot_req){
        bytes / PA_PAGE_SIZE + !!(bytes % PA_PAGE_SIZE), at ? (int)node : -1, 0, arg };
    return 0;
}

static int set_strategy(void *field, const char *v, char *why, size_t len)
{
    if ((*(int *)field = pa_strategy_parse(v)) < 0)
        return snprintf(why, len, "expected pagewise, chunked, patch, lazy or deferred"), -1;
    return 0;
}

int hb_opt_xen(void *field, const char *v, char *why, size_t len)
{
    int x = pa_xen_version_parse(v);

    if (x < 0)
        return snprintf(why, len, "expected 4.17 or 4.18"), -1;
    *(int *)field = x;
    return 0;
}

static int set_encoding(void *field, const char *v, char *why, size_t len)
{
    if ((*(int *)field = pa_encoding_parse(v)) < 0)
        return snprintf(why, len, "expected legacy or uninit"), -1;
    return 0;
}

#define OFF(f) offsetof(struct heap_opts, f)
static const struct hb_opt heap_opts[] = {
    { NULL, NULL, "The machine modelled (default: --topology host):", NULL, 0, false },
    HB_LAYOUT_OPTIONS(OFF(lo)),
    { NULL, NULL, "The heap:", NULL, 0, false },
    { "--strategy", "S", "how the boot RAM reaches the heap: pagewise (default), "
      "chunked, patch, lazy or deferred (docs/model.md)", set_strategy, OFF(strategy), false },
    { "--encoding", "E", "page state encoding, legacy or uninit (default: the "
      "strategy's; patch, lazy and deferred need uninit)", set_encoding, OFF(encoding), false },
    { "--max-order", "N", "largest buddy order (1-" HB_STR(PA_MAX_ORDER_LIMIT)
      ", default " HB_STR(PA_MAX_ORDER_DEFAULT) ")", hb_opt_max_order, OFF(max_order), false },
    { "--boot-alloc", "SIZE[@NODE]", "allocate SIZE from the boot allocator before "
      "the hand-off (on NODE); up to " HB_STR(MAX_BOOT_ALLOCS) " times",
      set_boot_alloc, OFF(boot), true },
    { "--xen", "V", HB_XEN_HELP, hb_opt_xen, OFF(xen), false },
    { "--free-boot", NULL, "free those boot allocations into the heap afterwards",
      NULL, OFF(free_boot), false },
    { "--no-branch-harden", NULL, "model Xen's spec-ctrl=no-branch-harden", NULL,
      OFF(no_branch_harden), false },
    { "--finish", NULL, "finish lazy initialisation (lazy, deferred)", NULL, OFF(finish), false },
    { NULL, NULL, "Output (without --dump-blocks or --summary: one line, the pages free "
      "and pending; the invariant checker runs before anything is printed):",
      NULL, 0, false },
    { "--dump-blocks", NULL, "print every free block: mfn,order,node,zone", NULL,
      OFF(dump), false },
    { "--summary", NULL, "print the pages of each node by state (free, in use...)",
      NULL, OFF(summary), false },
    { "--time", NULL, "the time of each step, on stderr", NULL, OFF(timing), false },
};
#undef OFF

static const struct hb_opts_spec heap_spec = {
    .cmd = "heap",
    .usage = "heap [--topology T | --memmap FILE] [--mem SIZE] [options]",
    .about = "Build a heap from a layout the way a hypervisor boots, check it, print it.\n",
    .opts = heap_opts,
    .nopts = sizeof heap_opts / sizeof heap_opts[0],
};

/* Boot allocations the layout cannot hold, whatever the allocator does: a
 * node it does not have, more pages than the node (or the machine) has.
 * Refused as bad input before the frame table is allocated. */
static int check_boot_allocs(const struct heap_opts *o, const struct hb_layout *l)
{
    uint64_t total = hb_layout_pages(l, -1), sum = 0;

    for (unsigned i = 0; i < o->boot.nr; i++) {
        const struct boot_req *r = &o->boot.r[i];
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

/* The strategy's encoding when none was given; one it cannot use refused. */
static int check_encoding(struct heap_opts *o)
{
    enum pa_encoding want = pa_strategy_default_encoding((enum pa_strategy)o->strategy);

    if (o->encoding < 0)
        o->encoding = (int)want;
    if (want == PA_ENC_UNINIT && o->encoding != PA_ENC_UNINIT) {
        hb_err("heap: --encoding: strategy %s needs uninit: \"legacy\"",
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
    for (unsigned i = 0; i < o->boot.nr; i++) {
        struct boot_req *r = &o->boot.r[i];
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
    for (unsigned i = 0; i < o->boot.nr; i++) {
        const struct boot_req *r = &o->boot.r[i];
        int rc = o->encoding == PA_ENC_UNINIT ? pa_free_range(h, r->mfn, r->pages)
                                              : pa_init_heap_pages(h, r->mfn, r->pages);
        if (rc) {
            hb_err("freeing boot allocation at mfn 0x%lx failed: %s",
                   (unsigned long)r->mfn, strerror(-rc));
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
    int rest, rc = hb_opts_run(&heap_spec, &o, argc, argv, &rest);

    if (rc != HB_OPTS_GO)
        return rc;
    if (check_encoding(&o))
        return HB_EXIT_USAGE;
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
