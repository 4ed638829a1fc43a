/*
 * test_topology.c - layouts from hwloc (synthetic strings, the four real
 * XML topologies in ../shared/topologies or $HB_TOPOLOGIES, this host) and
 * the host topology's binding (bench/instrument/topo.c).  Expected values
 * are hard-coded from the files themselves (and lstopo-no-graphics --input
 * FILE).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench/source/layout.h"
#include "bench/instrument/topo.h"
#include "tests/unit/check.h"
#include "tests/unit/layoututil.h"

/* ------------------------------------------------------------------------
 * hwloc sources
 * ------------------------------------------------------------------------ */

/*
 * synthetic "pack:2 [numa(memory=64GiB)] core:8 pu:2"
 *   0   2G (hole) 4G            66G            130G
 *   |n0-|         |----- n0 -----|----- n1 -----|
 * Expect: two 64 GiB nodes placed like a PC; neither is a host node.
 */
TEST(topology_synthetic_two_nodes_check)
{
    static const struct lay_want w[] = {
        { 0, 2 * GiB, 0 }, { 4 * GiB, 66 * GiB, 0 }, { 66 * GiB, 130 * GiB, 1 },
    };
    struct hb_layout l;
    char err[512] = "";

    if (!CHECK_EQ(lay_load_topology("synthetic:pack:2 [numa(memory=64GiB)] core:8 "
                                "pu:2", 0, &l, err, sizeof err), 0)) {
        CHECK_STR(err, "");
        return;
    }
    lay_check_ranges(&l, w, 3);
    CHECK_EQ(l.nr_nodes, 2);
    CHECK(!l.host_node[0] && !l.host_node[1]);
    hb_layout_free(&l);
}

/*
 * the same synthetic machine with --mem 16GiB
 * Expect: 8 GiB per node: n0 [0, 2G) [4G, 10G), n1 [10G, 18G).
 */
TEST(topology_synthetic_mem_scaled_check)
{
    static const struct lay_want w[] = {
        { 0, 2 * GiB, 0 }, { 4 * GiB, 10 * GiB, 0 }, { 10 * GiB, 18 * GiB, 1 },
    };
    struct hb_layout l;
    char err[512] = "";

    if (!CHECK_EQ(lay_load_topology("synthetic:pack:2 [numa(memory=64GiB)] core:8 "
                                "pu:2", 16 * GiB, &l, err, sizeof err), 0))
        return;
    lay_check_ranges(&l, w, 3);
    hb_layout_free(&l);
}

/*
 * "bogus:3", an unreadable XML, a truncated XML.
 * Expect: each refused in one line naming what hwloc would not take (the
 * value or the file, never a library's or libc's own wording).
 */
TEST(topology_bad_input_check)
{
    struct hb_layout_opts a = { .topology = "synthetic:bogus:3" };
    struct hb_layout_opts b = { .topology = "xml:tests/data/no-such.xml" };
    struct hb_layout_opts c = { .topology = "xml:tests/data/bad/truncated.xml" };

    lay_check_error(&a, "\"bogus:3\"", NULL);
    lay_check_error(&b, "tests/data/no-such.xml", NULL);
    lay_check_error(&c, "tests/data/bad/truncated.xml", NULL);
}

/*
 * The four real machines (local memory per node in KiB from
 * lstopo-no-graphics --input FILE; pages = KiB / 4):
 *   16amd64-4distances         8 nodes: P#0 8386704, the others 8388608
 *   192em64t-24n8c2t          24 nodes: P#0 32475908, the others 32489472
 *   32em64t-2n8c2t-pci-noio    2 nodes: P#0 33525560, P#1 33554432
 *   96em64t-4n4d3ca2co-pci     4 nodes: P#0 50068292, the others 50069504
 * Expect: node counts, node 0's and node 1's pages, and total pages exact.
 */
TEST(topology_xml_shared_machines_check)
{
    static const struct {
        const char *file;
        unsigned nodes;
        uint64_t node0_kib, node1_kib, total_pages;
    } t[] = {
        { "16amd64-4distances.xml", 8, 8386704, 8388608, 16776740 },
        { "192em64t-24n8c2t.xml", 24, 32475908, 32489472, 194933441 },
        { "32em64t-2n8c2t-pci-noio.xml", 2, 33525560, 33554432, 16769998 },
        { "96em64t-4n4d3ca2co-pci.xml", 4, 50068292, 50069504, 50069201 },
    };

    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        char topo[512], err[512] = "";
        struct hb_layout l;

        snprintf(topo, sizeof topo, "xml:%s/%s", lay_topologies_dir(), t[i].file);
        if (!CHECK_EQ(lay_load_topology(topo, 0, &l, err, sizeof err), 0)) {
            CHECK_STR(err, "");
            continue;
        }
        CHECK_EQ(l.nr_nodes, t[i].nodes);
        CHECK_EQ(hb_layout_pages(&l, 0), t[i].node0_kib / 4);
        CHECK_EQ(hb_layout_pages(&l, 1), t[i].node1_kib / 4);
        CHECK_EQ(hb_layout_pages(&l, -1), t[i].total_pages);
        CHECK_EQ(l.ranges[0].start, 0);
        CHECK(!l.host_node[0]);
        hb_layout_free(&l);
    }
}

/*
 * 32em64t-2n8c2t-pci-noio.xml (33525560 KiB + 33554432 KiB) scaled to
 * 1 GiB, and 192em64t-24n8c2t.xml scaled to 100 GiB.
 * Expect: 512 MiB per node for the first; for the second each node's share
 * to the nearest 2 MiB: node 0 (slightly smaller) 2132.48 granules ->
 * 4264 MiB, the others 2133.37 -> 4266 MiB.
 */
TEST(topology_xml_mem_scaled_check)
{
    char topo[512], err[512] = "";
    struct hb_layout l;

    snprintf(topo, sizeof topo, "xml:%s/32em64t-2n8c2t-pci-noio.xml",
             lay_topologies_dir());
    if (CHECK_EQ(lay_load_topology(topo, GiB, &l, err, sizeof err), 0)) {
        CHECK_EQ(hb_layout_pages(&l, 0), 512 * MiB >> PA_PAGE_SHIFT);
        CHECK_EQ(hb_layout_pages(&l, 1), 512 * MiB >> PA_PAGE_SHIFT);
        hb_layout_free(&l);
    }
    snprintf(topo, sizeof topo, "xml:%s/192em64t-24n8c2t.xml", lay_topologies_dir());
    if (CHECK_EQ(lay_load_topology(topo, 100 * GiB, &l, err, sizeof err), 0)) {
        CHECK_EQ(l.nr_nodes, 24);
        CHECK_EQ(hb_layout_pages(&l, 0), 4264 * MiB >> PA_PAGE_SHIFT);
        for (int n = 1; n < 24; n++)
            CHECK_EQ(hb_layout_pages(&l, n), 4266 * MiB >> PA_PAGE_SHIFT);
        hb_layout_free(&l);
    }
}

/*
 * The host (this machine), as hwloc and sysfs see it.
 * Expect: its nodes are exactly hwloc's (host_node), each node's RAM is at
 * least what hwloc reports (memory blocks include firmware-reserved
 * pages), and the default source (no options) is the host.
 */
TEST(topology_host_check)
{
    struct hb_layout_opts none = { 0 };
    struct hb_topo *t = hb_topo_open();
    struct hb_layout l;
    char err[512] = "";

    if (!CHECK(t != NULL))
        return;
    if (!CHECK_EQ(hb_layout_load(&none, &l, err, sizeof err), 0)) {
        CHECK_STR(err, "");
        hb_topo_close(t);
        return;
    }
    CHECK(strstr(l.source, "host") != NULL);
    for (unsigned n = 0; n < PA_MAX_NODES; n++) {
        CHECK_EQ(l.host_node[n], hb_topo_has_node(t, n));
        if (hb_topo_has_node(t, n))
            CHECK(hb_layout_pages(&l, (int)n) >=
                  hb_topo_node_memory(t, n) >> PA_PAGE_SHIFT);
    }
    CHECK(l.nr_nodes >= hb_topo_nr_nodes(t));
    hb_layout_free(&l);
    hb_topo_close(t);
}

/* ------------------------------------------------------------------------
 * Host topology and binding
 * ------------------------------------------------------------------------ */

/*
 * hwloc's view of this host: counts and the environment record.
 * Expect: at least one node, cores <= PUs, node memory for every node,
 * none for node 63 (no such host), describe() lists numa_nodes.
 */
TEST(hb_topo_counts_check)
{
    struct hb_topo *t = hb_topo_open();
    char *buf = NULL, line[64];
    size_t len = 0;
    FILE *f;

    if (!CHECK(t != NULL))
        return;
    CHECK(hb_topo_nr_nodes(t) >= 1);
    CHECK(hb_topo_nr_cores(t) >= 1);
    CHECK(hb_topo_nr_cores(t) <= hb_topo_nr_pus(t));
    CHECK_EQ(hb_topo_nr_pus(t), sysconf(_SC_NPROCESSORS_ONLN));
    CHECK(!hb_topo_has_node(t, 63));
    CHECK_EQ(hb_topo_node_memory(t, 63), 0);
    f = open_memstream(&buf, &len);
    hb_topo_describe(t, f);
    fclose(f);
    snprintf(line, sizeof line, "numa_nodes,%u\n", hb_topo_nr_nodes(t));
    CHECK(strstr(buf, line) != NULL);
    free(buf);
    hb_topo_close(t);
}

/*
 * A 4 MiB anonymous area bound to the first host node, and to node 63.
 * Expect: bound (0) on the real node; -ENODEV (nothing done) on node 63.
 */
TEST(hb_topo_bind_area_check)
{
    struct hb_topo *t = hb_topo_open();
    size_t len = 4 * MiB;
    void *p;
    unsigned n = 0;

    if (!CHECK(t != NULL))
        return;
    while (n < PA_MAX_NODES && !hb_topo_has_node(t, n))
        n++;
    p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
             -1, 0);
    if (CHECK(p != MAP_FAILED)) {
        CHECK_EQ(hb_topo_bind_area(p, len, n, t), 0);
        CHECK_EQ(hb_topo_bind_area(p, len, 63, t), -ENODEV);
        memset(p, 1, len);
        munmap(p, len);
    }
    hb_topo_close(t);
}

/*
 * Pin the test thread to PU 0, then to the first node's CPUs; restore.
 * Expect: pinned to exactly one CPU; bound to as many CPUs as the node
 * has; PU 100000 and node 63 give -ENODEV.
 */
TEST(hb_topo_bind_thread_check)
{
    struct hb_topo *t = hb_topo_open();
    cpu_set_t saved, now;
    unsigned n = 0;

    if (!CHECK(t != NULL))
        return;
    CHECK_EQ(sched_getaffinity(0, sizeof saved, &saved), 0);
    CHECK_EQ(hb_topo_pin_pu(t, 0), 0);
    CHECK_EQ(sched_getaffinity(0, sizeof now, &now), 0);
    CHECK_EQ(CPU_COUNT(&now), 1);
    while (n < PA_MAX_NODES && !hb_topo_has_node(t, n))
        n++;
    CHECK_EQ(hb_topo_bind_thread(n, t), 0);
    CHECK_EQ(sched_getaffinity(0, sizeof now, &now), 0);
    if (hb_topo_nr_nodes(t) == 1)
        CHECK_EQ(CPU_COUNT(&now), hb_topo_nr_pus(t));
    CHECK_EQ(hb_topo_pin_pu(t, 100000), -ENODEV);
    CHECK_EQ(hb_topo_bind_thread(63, t), -ENODEV);
    sched_setaffinity(0, sizeof saved, &saved);
    hb_topo_close(t);
}

/*
 * The benchmarks' binding (struct hb_bind) of model node n, the host's
 * first node:
 *   host layout       host_node[n] set      -> bound
 *   synthetic layout  no host_node set      -> not bound
 *   no topology, no layout, node PA_MAX_NODES -> not bound
 * Expect: 0 for the host layout, area and thread alike; -ENODEV (nothing
 * done) for every other case.
 */
TEST(hb_bind_check)
{
    struct hb_topo *t = hb_topo_open();
    struct hb_layout host = { 0 }, synth = { 0 };
    struct hb_bind b[] = { { t, &host }, { t, &synth }, { NULL, &host }, { t, NULL } };
    size_t len = 4 * MiB;
    cpu_set_t saved;
    unsigned n = 0;
    void *p;

    if (!CHECK(t != NULL))
        return;
    while (n < PA_MAX_NODES && !hb_topo_has_node(t, n))
        n++;
    host.host_node[n] = true;
    p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK_EQ(sched_getaffinity(0, sizeof saved, &saved), 0);
    if (CHECK(p != MAP_FAILED)) {
        for (unsigned i = 0; i < sizeof b / sizeof b[0]; i++) {
            CHECK_EQ(hb_bind_area(p, len, n, &b[i]), i == 0 ? 0 : -ENODEV);
            CHECK_EQ(hb_bind_thread(n, &b[i]), i == 0 ? 0 : -ENODEV);
        }
        CHECK_EQ(hb_bind_area(p, len, PA_MAX_NODES, &b[0]), -ENODEV);
        CHECK_EQ(hb_bind_thread(PA_MAX_NODES, &b[0]), -ENODEV);
        munmap(p, len);
    }
    sched_setaffinity(0, sizeof saved, &saved);
    hb_topo_close(t);
}
