/*
 * test_topo.c - binding on every node of this host (bench/instrument/topo.c): memory
 * to each node, a thread to each node's CPUs (a memory-only node's thread
 * to the nearest node with CPUs), the deferred strategy's per-node threads,
 * and the environment record's nodes.  On a one-node host each test covers
 * node 0 only; `make numa-test` runs them in multi-node guests (tests/numa/),
 * where every node and the memory-only case are met.  What Linux says
 * (tests/numa/sysnode.h) is the expectation, not hwloc.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "alloc/heap.h"
#include "bench/source/layout.h"
#include "bench/instrument/topo.h"
#include "tests/unit/check.h"
#include "tests/numa/sysnode.h"

#define MiB (1ULL << 20)

/*
 *   node k:  [ 4 MiB anonymous area ]  bound with hb_topo_bind_area, then
 *            touched; 16 of its pages asked where they are (move_pages)
 * Expect: for every host node with memory, all 16 pages on node k.
 */
TEST(hb_topo_bind_area_every_node_check)
{
    struct hb_topo *t = hb_topo_open();
    size_t len = 4 * MiB;

    if (!CHECK(t != NULL))
        return;
    for (unsigned n = 0; n < PA_MAX_NODES; n++) {
        void *pages[16];
        int status[16], on = 0;
        char *p;

        if (!hb_topo_has_node(t, n) || !hb_topo_node_memory(t, n))
            continue;
        p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (!CHECK(p != MAP_FAILED))
            break;
        CHECK_EQ(hb_topo_bind_area(p, len, n, t), 0);
        memset(p, 1, len);
        for (int i = 0; i < 16; i++)
            pages[i] = p + (size_t)i * (len / 16);
        CHECK_EQ(syscall(SYS_move_pages, 0, 16, pages, NULL, status, 0), 0);
        for (int i = 0; i < 16; i++)
            on += status[i] == (int)n;
        if (!CHECK_EQ(on, 16))
            hb_check_fail(__FILE__, __LINE__, "node %u: %d of 16 pages on it", n, on);
        munmap(p, len);
    }
    hb_topo_close(t);
}

/*
 *   node k with CPUs      -> its own CPUs (nodeK/cpulist)
 *   node m, memory only   -> the CPUs of the nearest node with CPUs
 * Expect: hb_topo_thread_node names that node; after hb_topo_bind_thread
 * the affinity is exactly its CPUs and sched_getcpu is one of them.
 */
TEST(hb_topo_bind_thread_every_node_check)
{
    struct hb_topo *t = hb_topo_open();
    cpu_set_t saved, now, want;

    if (!CHECK(t != NULL))
        return;
    CHECK_EQ(sched_getaffinity(0, sizeof saved, &saved), 0);
    for (unsigned n = 0; n < PA_MAX_NODES; n++) {
        int on;

        if (!hb_topo_has_node(t, n))
            continue;
        on = sys_thread_node(n);
        if (!CHECK_EQ(hb_topo_thread_node(t, n), on) || on < 0)
            continue;
        sys_node_cpus((unsigned)on, &want);
        CHECK_EQ(hb_topo_bind_thread(n, t), 0);
        CHECK_EQ(sched_getaffinity(0, sizeof now, &now), 0);
        if (!CHECK(CPU_EQUAL(&now, &want)))
            hb_check_fail(__FILE__, __LINE__, "node %u: affinity of %d CPUs, node %d has %d",
                          n, CPU_COUNT(&now), on, CPU_COUNT(&want));
        CHECK(CPU_ISSET(sched_getcpu(), &want));
        sched_setaffinity(0, sizeof saved, &saved);
    }
    hb_topo_close(t);
}

/* ------------------------------------------------------------------------
 * Which parts of the frame table are offered for binding
 * ------------------------------------------------------------------------ */

struct offered {
    size_t nr;
    struct { char *addr; size_t len; unsigned node; } span[256];
};

static int record_area(void *addr, size_t len, unsigned node, void *arg)
{
    struct offered *o = arg;

    if (o->nr < 256)
        o->span[o->nr++] = (typeof(o->span[0])){ addr, len, node };
    return 0;
}

/*
 *   0          0x60000            0xc0000   (MFNs; 1.5 GiB and 3 GiB)
 *   |000000000000|111111111111111|
 *                 ^ off 1 GiB: a chunk of the table holds both nodes
 * Expect: every 4 KiB page of the table is offered exactly once, to the
 * node of its first entry: none left to first touch, none twice.
 */
TEST(pa_heap_bind_mixed_chunk_check)
{
    struct pa_range r[] = { { 0, 0x60000, 0 }, { 0x60000, 0xc0000, 1 } };
    static struct offered o;
    static int node_of[8192];
    struct pa_heap_config cfg = { .ranges = r, .nr_ranges = 2, .encoding = PA_ENC_LEGACY,
                                  .bind = record_area, .bind_arg = &o };
    struct pa_heap *h = NULL;
    size_t bytes, bad = 0;
    char *ft;

    if (!CHECK_EQ(pa_heap_create(&cfg, &h), 0))
        return;
    ft = (char *)pa_frametable(h, NULL, &bytes);
    CHECK(bytes / 4096 <= 8192);
    for (size_t p = 0; p < 8192; p++)
        node_of[p] = -1;
    for (size_t i = 0; i < o.nr; i++)
        for (size_t p = (size_t)(o.span[i].addr - ft) / 4096;
             p < (size_t)(o.span[i].addr - ft + o.span[i].len) / 4096 && p < 8192; p++)
            node_of[p] = node_of[p] == -1 ? (int)o.span[i].node : -2;
    for (size_t p = 0; p < bytes / 4096 && p < 8192; p++) {
        struct pa_page *first = (struct pa_page *)(ft + p * 4096);
        int want = pa_mfn_to_node(h, pa_page_to_mfn(h, first));

        if (node_of[p] != want && bad++ < 3)
            hb_check_fail(__FILE__, __LINE__, "table page %zu (MFN 0x%lx): offered to %d, "
                          "expected node %d", p, (unsigned long)pa_page_to_mfn(h, first),
                          node_of[p], want);
    }
    CHECK_EQ(bad, 0);
    pa_heap_destroy(h);
}

/* ------------------------------------------------------------------------
 * The deferred strategy's threads
 * ------------------------------------------------------------------------ */

struct seen {
    struct hb_topo *t;
    bool ran[PA_MAX_NODES];
    int rc[PA_MAX_NODES], cpu[PA_MAX_NODES];
    cpu_set_t aff[PA_MAX_NODES];
};

static int record_bind(unsigned node, void *arg)
{
    struct seen *s = arg;

    s->rc[node] = hb_topo_bind_thread(node, s->t);
    s->cpu[node] = sched_getcpu();
    sched_getaffinity(0, sizeof s->aff[node], &s->aff[node]);
    s->ran[node] = true;
    return s->rc[node];
}

/*
 *   host layout scaled to 64 MiB per node:  |node 0|node 1|...|node n-1|
 *   deferred boot: one thread per node, bound as the benchmarks bind it
 * Expect: every node's thread ran, bound (0), with the affinity of the node
 * sys_thread_node names, on one of its CPUs; the heap checks clean.
 */
TEST(hb_topo_deferred_threads_every_node_check)
{
    struct hb_layout_opts o = { .mem_bytes = 0 };
    struct seen s = { 0 };
    struct hb_layout l;
    struct pa_heap *h = NULL;
    struct pa_boot *b;
    char err[256] = "";

    if (!CHECK((s.t = hb_topo_open()) != NULL))
        return;
    o.mem_bytes = 64 * MiB * hb_topo_nr_nodes(s.t);
    if (!CHECK_EQ(hb_layout_load(&o, &l, err, sizeof err), 0)) {
        CHECK_STR(err, "");
        hb_topo_close(s.t);
        return;
    }
    struct pa_heap_config cfg = { .ranges = l.ranges, .nr_ranges = l.nr,
                                  .encoding = PA_ENC_UNINIT };
    if (CHECK_EQ(pa_heap_create(&cfg, &h), 0) &&
        CHECK_EQ(pa_heap_set_strategy(h, PA_STRAT_DEFERRED), 0) &&
        CHECK((b = pa_boot_create(h)) != NULL)) {
        CHECK_EQ(pa_boot_add_all(b), 0);
        CHECK_EQ(pa_end_boot_allocator(b, 0), 0);
        pa_boot_destroy(b);
        CHECK_EQ(pa_deferred_start(h, record_bind, &s), 0);
        CHECK_EQ(pa_deferred_join(h, NULL), 0);
        CHECK_HEAP(h);
    }
    for (unsigned n = 0; n < l.nr_nodes; n++) {
        int on = sys_thread_node(n);
        cpu_set_t want;

        if (!l.host_node[n] || !hb_layout_pages(&l, (int)n))
            continue;
        sys_node_cpus(on < 0 ? 0 : (unsigned)on, &want);
        if (!CHECK(s.ran[n])) {
            hb_check_fail(__FILE__, __LINE__, "no deferred thread for node %u", n);
            continue;
        }
        CHECK_EQ(s.rc[n], 0);
        CHECK(on >= 0 && CPU_EQUAL(&s.aff[n], &want));
        CHECK(CPU_ISSET(s.cpu[n], &want));
    }
    pa_heap_destroy(h);
    hb_layout_free(&l);
    hb_topo_close(s.t);
}

/*
 * The environment record's node lines, against sysfs.
 * Expect: a virtualisation line; for every node its CPUs ("none (memory
 * only)" when it has none) and its row of distances as nodeN/distance.
 */
TEST(hb_topo_describe_nodes_check)
{
    struct hb_topo *t = hb_topo_open();
    char *buf = NULL, line[512];
    size_t len = 0;
    FILE *f;

    if (!CHECK(t != NULL))
        return;
    f = open_memstream(&buf, &len);
    hb_topo_describe(t, f);
    fclose(f);
    CHECK(strstr(buf, "\nvirtualisation,") != NULL);
    for (unsigned n = 0; n < PA_MAX_NODES; n++) {
        unsigned d[64];
        int nd;
        size_t at;
        cpu_set_t cpus;

        if (!hb_topo_has_node(t, n))
            continue;
        nd = sys_distances(n, d, 64);
        at = (size_t)snprintf(line, sizeof line, "\nnode%u_distances,", n);
        for (int i = 0; i < nd && at < sizeof line - 16; i++)
            at += (size_t)snprintf(line + at, sizeof line - at, "%s%u", i ? " " : "", d[i]);
        snprintf(line + at, sizeof line - at, "\n");
        if (!CHECK(nd > 0 && strstr(buf, line) != NULL))
            hb_check_fail(__FILE__, __LINE__, "no line \"%s\"", line + 1);
        sys_node_cpus(n, &cpus);
        snprintf(line, sizeof line, "\nnode%u_cpus,%s", n,
                 CPU_COUNT(&cpus) ? "" : "none (memory only)\n");
        CHECK(strstr(buf, line) != NULL);
    }
    free(buf);
    hb_topo_close(t);
}
