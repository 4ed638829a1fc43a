/*
 * placement.c - run inside a multi-node guest (tests/numa/guest.sh): does
 * heapbench put things where it says it does?  The frame table of a heap
 * on the host layout, built as the benchmarks build it: a sample of each
 * node's slice is asked where it lives (move_pages(2), a query).  The
 * deferred threads: each records sched_getcpu and its affinity, compared
 * with the CPUs Linux lists for its node (or, for a memory-only node, the
 * nearest node with CPUs).  The expectations are read from sysfs, not
 * from hb_topo, so that a mistake in topo.c cannot agree with itself.
 * Output: two tables, then one "@numa ok NAME" or "@numa FAIL NAME: why"
 * line per check; exit status 1 if any check failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "alloc/heap.h"
#include "bench/source/layout.h"
#include "bench/instrument/topo.h"
#include "tests/numa/sysnode.h"

#define SAMPLES 64          /* table pages asked about per node */

static int failures;

static void result(bool ok, const char *name, const char *fmt, ...)
{
    va_list ap;

    if (ok) {
        printf("@numa ok %s\n", name);
        return;
    }
    failures++;
    printf("@numa FAIL %s: ", name);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

/* ------------------------------------------------------------------------
 * What sysfs says
 * ------------------------------------------------------------------------ */

static void cpus_str(const cpu_set_t *s, char *buf, size_t len)
{
    size_t at = 0;

    buf[0] = '\0';
    for (int c = 0; c < CPU_SETSIZE && at + 8 < len; c++)
        if (CPU_ISSET(c, s))
            at += (size_t)snprintf(buf + at, len - at, "%s%d", at ? " " : "", c);
    if (!at)
        snprintf(buf, len, "none");
}

/* ------------------------------------------------------------------------
 * The heap
 * ------------------------------------------------------------------------ */

struct ctx {
    struct hb_bind bind;            /* the benchmarks' binding */
    int bind_rc[PA_MAX_NODES];
    bool ran[PA_MAX_NODES];
    int cpu[PA_MAX_NODES];
    cpu_set_t affinity[PA_MAX_NODES];
};

/* Each deferred thread calls this first; it binds as bench_init.c does and
 * then records where it landed (sched_setaffinity moves the caller). */
static int bind_thread(unsigned node, void *arg)
{
    struct ctx *c = arg;
    int rc = hb_bind_thread(node, &c->bind);

    c->bind_rc[node] = rc;
    c->cpu[node] = sched_getcpu();
    sched_getaffinity(0, sizeof c->affinity[node], &c->affinity[node]);
    c->ran[node] = true;
    return rc;
}

static struct pa_heap *build(struct ctx *c)
{
    struct pa_heap_config cfg = {
        .ranges = c->bind.layout->ranges, .nr_ranges = c->bind.layout->nr,
        .encoding = PA_ENC_UNINIT, .hugepages = true,
        .bind = hb_bind_area, .bind_arg = &c->bind,
    };
    struct pa_heap *h = NULL;
    int rc = pa_heap_create(&cfg, &h);

    if (rc)
        fprintf(stderr, "placement: cannot build the heap: %s\n", strerror(-rc));
    return h;
}

/* ------------------------------------------------------------------------
 * Frame-table placement
 * ------------------------------------------------------------------------ */

/* The table page holding mfn's entry, if every entry on it is node's. */
static void *table_page_of(struct pa_heap *h, uint64_t mfn, unsigned node)
{
    const size_t per = 4096 / sizeof(struct pa_page);
    struct pa_page *pg = pa_mfn_to_page(h, mfn), *first, *ft;

    ft = pa_frametable(h, NULL, NULL);
    first = ft + ((size_t)(pg - ft) / per) * per;
    if (pa_mfn_to_node(h, pa_page_to_mfn(h, first)) != (int)node ||
        pa_mfn_to_node(h, pa_page_to_mfn(h, first + per - 1)) != (int)node)
        return NULL;
    return first;
}

/* Up to SAMPLES distinct table pages spread evenly over the node's RAM. */
static unsigned sample_node(struct pa_heap *h, const struct hb_layout *l,
                            unsigned node, void **pages)
{
    uint64_t total = hb_layout_pages(l, (int)node);
    unsigned nr = 0;

    for (unsigned i = 0; i < SAMPLES && total; i++) {
        uint64_t k = total * i / SAMPLES;     /* k-th RAM page of the node */
        void *p;

        for (size_t r = 0; r < l->nr; r++) {
            const struct pa_range *rg = &l->ranges[r];
            if (rg->node != node)
                continue;
            if (k < rg->end - rg->start) {
                p = table_page_of(h, rg->start + k, node);
                if (p && (nr == 0 || pages[nr - 1] != p))
                    pages[nr++] = p;
                break;
            }
            k -= rg->end - rg->start;
        }
    }
    return nr;
}

static void check_table(struct pa_heap *h, const struct hb_layout *l)
{
    void *pages[SAMPLES];
    int status[SAMPLES];
    char name[64];

    printf("frame table placement (move_pages query)\n");
    printf("%-6s %-14s %-14s %s\n", "node", "pages_sampled", "pages_on_node", "elsewhere");
    for (unsigned n = 0; n < l->nr_nodes; n++) {
        unsigned nr = sample_node(h, l, n, pages), on = 0;
        char other[128] = "";
        size_t at = 0;
        long rc = nr ? syscall(SYS_move_pages, 0, nr, pages, NULL, status, 0) : 0;

        for (unsigned i = 0; i < nr; i++) {
            if (rc == 0 && status[i] == (int)n)
                on++;
            else if (at + 16 < sizeof other)
                at += (size_t)snprintf(other + at, sizeof other - at, "%s%d",
                                       at ? " " : "", rc ? -errno : status[i]);
        }
        printf("%-6u %-14u %-14u %s\n", n, nr, on, at ? other : "-");
        snprintf(name, sizeof name, "frame_table_node%u_on_node%u", n, n);
        result(nr > 0 && on == nr, name, "%u of %u sampled table pages on node %u "
               "(others: %s)", on, nr, n, at ? other : "none sampled");
    }
}

/* ------------------------------------------------------------------------
 * Deferred threads
 * ------------------------------------------------------------------------ */

static void check_threads(struct pa_heap *h, struct ctx *c)
{
    const struct hb_layout *l = c->bind.layout;
    struct pa_boot *b;
    char name[64], want_s[256], aff_s[256];
    int rc;

    if ((rc = pa_heap_set_strategy(h, PA_STRAT_DEFERRED)) ||
        !(b = pa_boot_create(h))) {
        result(false, "deferred_boot", "cannot set up the deferred strategy: %d", rc);
        return;
    }
    rc = pa_boot_add_all(b);
    if (!rc)
        rc = pa_end_boot_allocator(b, 0);
    pa_boot_destroy(b);
    if (!rc)
        rc = pa_deferred_start(h, bind_thread, c);
    if (!rc)
        rc = pa_deferred_join(h, NULL);
    result(rc == 0, "deferred_boot", "boot failed: %s", strerror(-rc));

    printf("deferred threads (sched_getcpu after hb_bind_thread)\n");
    printf("%-6s %-12s %-12s %-10s %s\n", "node", "node_cpus", "runs_on", "cpu", "affinity");
    for (unsigned n = 0; n < l->nr_nodes; n++) {
        int want = sys_thread_node(n);
        cpu_set_t own, wanted;

        sys_node_cpus(n, &own);
        cpus_str(&own, want_s, sizeof want_s);
        if (want >= 0)
            sys_node_cpus((unsigned)want, &wanted);
        else
            CPU_ZERO(&wanted);
        cpus_str(&c->affinity[n], aff_s, sizeof aff_s);
        printf("%-6u %-12s node%-8d %-10d %s\n", n, want_s, want,
               c->ran[n] ? c->cpu[n] : -1, c->ran[n] ? aff_s : "(no thread)");
        snprintf(name, sizeof name, "deferred_thread_node%u_on_node%d", n, want);
        if (!c->ran[n])
            result(false, name, "no thread ran for node %u", n);
        else
            result(want >= 0 && c->bind_rc[n] == 0 && CPU_ISSET(c->cpu[n], &wanted) &&
                   CPU_EQUAL(&c->affinity[n], &wanted) &&
                   hb_topo_thread_node(c->bind.topo, n) == want, name,
                   "bind %d, ran on CPU %d with affinity {%s}; node %d's CPUs "
                   "expected (hb_topo_thread_node says %d)", c->bind_rc[n], c->cpu[n],
                   aff_s, want, hb_topo_thread_node(c->bind.topo, n));
    }
}

int main(void)
{
    struct hb_layout_opts none = { 0 };
    struct hb_layout l;
    struct ctx c = { 0 };
    char err[512] = "";
    struct pa_heap *h;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (hb_layout_load(&none, &l, err, sizeof err)) {
        result(false, "host_layout", "%s", err);
        return 1;
    }
    c.bind.topo = hb_topo_open();
    c.bind.layout = &l;
    if (!c.bind.topo || !(h = build(&c))) {
        result(false, "placement_heap", "no topology or no heap");
        return 1;
    }
    check_table(h, &l);
    check_threads(h, &c);
    pa_heap_destroy(h);
    hb_topo_close(c.bind.topo);
    hb_layout_free(&l);
    return failures ? 1 : 0;
}
