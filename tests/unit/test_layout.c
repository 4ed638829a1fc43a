/*
 * test_layout.c - the layout sources (bench/source/layout*.c) and the host topology
 * (bench/instrument/topo.c): every --memmap format, the hwloc sources, scaling,
 * placement, the sysfs reader, and every kind of bad input.
 *
 * Memory maps live in tests/data/ (bad ones in tests/data/bad/); the four
 * real hwloc XML topologies are read from ../shared/topologies (or
 * $HB_TOPOLOGIES).  Expected values are hard-coded from the files
 * themselves (and, for XML, from lstopo-no-graphics --input FILE).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <ftw.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench/source/layout.h"
#include "bench/instrument/membudget.h"
#include "bench/base/parse.h"
#include "bench/instrument/topo.h"
#include "tests/unit/check.h"

#define GiB (1ULL << 30)
#define MiB (1ULL << 20)

/* ------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------ */

struct want {
    uint64_t start, end;   /* bytes */
    unsigned node;
};

static int load_memmap(const char *path, struct hb_layout *l, char *err,
                       size_t errlen)
{
    struct hb_layout_opts o = { .memmap = path };

    return hb_layout_load(&o, l, err, errlen);
}

static int load_topology(const char *topo, uint64_t mem, struct hb_layout *l,
                         char *err, size_t errlen)
{
    struct hb_layout_opts o = { .topology = topo, .mem_bytes = mem };

    return hb_layout_load(&o, l, err, errlen);
}

/* The layout holds exactly these ranges, in this order. */
static void check_ranges(const struct hb_layout *l, const struct want *w,
                         size_t n)
{
    CHECK_EQ(l->nr, n);
    for (size_t i = 0; i < n && i < l->nr; i++) {
        CHECK_EQ(l->ranges[i].start, w[i].start >> PA_PAGE_SHIFT);
        CHECK_EQ(l->ranges[i].end, w[i].end >> PA_PAGE_SHIFT);
        CHECK_EQ(l->ranges[i].node, w[i].node);
    }
}

static void check_memmap(const char *path, const struct want *w, size_t n,
                         unsigned nr_nodes)
{
    struct hb_layout l;
    char err[512] = "";
    int rc = load_memmap(path, &l, err, sizeof err);

    if (!CHECK_EQ(rc, 0)) {
        CHECK_STR(err, "");
        return;
    }
    check_ranges(&l, w, n);
    CHECK_EQ(l.nr_nodes, nr_nodes);
    for (unsigned i = 0; i < PA_MAX_NODES; i++)
        CHECK(!l.host_node[i]);
    hb_layout_free(&l);
}

/* Load must fail with one line containing every needle. */
static void check_error(const struct hb_layout_opts *o, const char *n1,
                        const char *n2)
{
    struct hb_layout l;
    char err[512] = "";
    int rc = hb_layout_load(o, &l, err, sizeof err);

    CHECK(rc < 0);
    CHECK(err[0] != '\0');
    CHECK(!strchr(err, '\n'));
    if (!CHECK(strstr(err, n1)))
        CHECK_STR(err, n1);
    if (n2 && !CHECK(strstr(err, n2)))
        CHECK_STR(err, n2);
    CHECK(l.ranges == NULL);
}

static const char *topologies_dir(void)
{
    static const char *const dirs[] = { "../shared/topologies",
                                        "/work/shared/topologies" };
    const char *env = getenv("HB_TOPOLOGIES");

    if (env)
        return env;
    for (size_t i = 0; i < 2; i++)
        if (access(dirs[i], R_OK) == 0)
            return dirs[i];
    return dirs[0];
}

/* ------------------------------------------------------------------------
 * Numbers and options
 * ------------------------------------------------------------------------ */

/*
 * "64GiB" "1G" "512M" "4096B" ...  ->  bytes, powers of 1024
 * Expect: the table's sizes parse to the values listed; a bare number
 * ("16": bytes or GiB?) gives -EDOM, non-sizes -EINVAL and sizes past 2^64
 * -ERANGE.
 */
TEST(hb_parse_size_table_check)
{
    static const struct { const char *s; int rc; uint64_t v; } t[] = {
        { "64GiB", 0, 64 * GiB }, { "1G", 0, GiB }, { "512M", 0, 512 * MiB },
        { "4096B", 0, 4096 }, { "4096", -EDOM, 0 }, { "16", -EDOM, 0 },
        { "1K", 0, 1024 }, { "2T", 0, 2048 * GiB },
        { "1P", 0, 1ULL << 50 }, { "3B", 0, 3 }, { "1GB", 0, GiB },
        { "16g", 0, 16 * GiB }, { "8MiB", 0, 8 * MiB },
        { "", -EINVAL, 0 }, { "abc", -EINVAL, 0 }, { "1.5T", -EINVAL, 0 },
        { "12Q", -EINVAL, 0 }, { "-1", -EINVAL, 0 }, { "1 G", -EINVAL, 0 },
        { "G", -EINVAL, 0 }, { "1GiBx", -EINVAL, 0 }, { "1iB", -EINVAL, 0 },
        { "16777216T", -ERANGE, 0 }, { "99999999999999999999", -ERANGE, 0 },
    };

    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        uint64_t v = 12345;

        if (!CHECK_EQ(hb_parse_size(t[i].s, &v), t[i].rc))
            CHECK_STR(t[i].s, "(the failing size)");
        if (t[i].rc == 0)
            CHECK_EQ(v, t[i].v);
    }
}

/*
 * "0x1000" "4096"  ->  values; no signs, spaces or junk.
 * Expect: the largest 64-bit value parses; one more is -ERANGE.
 */
TEST(hb_parse_u64_table_check)
{
    static const struct { const char *s; int rc; uint64_t v; } t[] = {
        { "0x1000", 0, 4096 }, { "4096", 0, 4096 }, { "0X1f", 0, 31 },
        { "0", 0, 0 }, { "18446744073709551615", 0, UINT64_MAX },
        { "0xffffffffffffffff", 0, UINT64_MAX },
        { "18446744073709551616", -ERANGE, 0 },
        { "0x10000000000000000", -ERANGE, 0 },
        { "0x", -EINVAL, 0 }, { "", -EINVAL, 0 }, { "12a", -EINVAL, 0 },
        { " 1", -EINVAL, 0 }, { "-1", -EINVAL, 0 }, { "+1", -EINVAL, 0 },
        { "0x1g", -EINVAL, 0 },
    };

    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        uint64_t v = 7;

        if (!CHECK_EQ(hb_parse_u64(t[i].s, &v), t[i].rc))
            CHECK_STR(t[i].s, "(the failing number)");
        if (t[i].rc == 0)
            CHECK_EQ(v, t[i].v);
    }
}

/*
 * argv: layout --topology xml:F --mem=16GiB --memmap M --csv
 * Expect: the three layout options are consumed (with their values, in
 * both "--opt V" and "--opt=V" forms), --csv is left alone (0), a bad
 * --topology, a non-size, a missing value and a zero size are refused
 * (-EINVAL) with one line in err naming what was wrong; nothing printed.
 */
TEST(hb_layout_opt_forms_check)
{
    char *argv[] = { "layout", "--topology", "xml:F", "--mem=16GiB",
                     "--memmap", "M", "--csv" };
    struct hb_layout_opts o = { 0 };
    char err[256];
    int i = 1;

    CHECK_EQ(hb_layout_opt(&o, 7, argv, &i, err, sizeof err), 1);
    CHECK_EQ(i, 2);
    CHECK_STR(o.topology, "xml:F");
    i = 3;
    CHECK_EQ(hb_layout_opt(&o, 7, argv, &i, err, sizeof err), 1);
    CHECK_EQ(o.mem_bytes, 16 * GiB);
    i = 4;
    CHECK_EQ(hb_layout_opt(&o, 7, argv, &i, err, sizeof err), 1);
    CHECK_EQ(i, 5);
    CHECK_STR(o.memmap, "M");
    i = 6;
    CHECK_EQ(hb_layout_opt(&o, 7, argv, &i, err, sizeof err), 0);

    /* Each refusal names, in err, the bad value (or the option missing one). */
    char *bad[][3] = { { "layout", "--topology", "numa:4" }, { "layout", "--mem", "lots" },
                       { "layout", "--memmap", NULL }, { "layout", "--mem", "0" } };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        const char *named = bad[k][2] ? bad[k][2] : bad[k][1];

        i = 1;
        err[0] = '\0';
        CHECK_EQ(hb_layout_opt(&o, bad[k][2] ? 3 : 2, bad[k], &i, err, sizeof err), -EINVAL);
        CHECK(strstr(err, named) != NULL);
        CHECK(strchr(err, '\n') == NULL);
    }
}

/* ------------------------------------------------------------------------
 * Plain memory maps
 * ------------------------------------------------------------------------ */

/*
 *   0      0x9fc00   1 MiB        2 GiB      4 GiB     5 GiB+2 MiB     9 GiB
 *   |- n0 -|  hole   |---- n0 ----|  hole    |-- n0 ---|------ n1 ------|
 * Expect: MFN 0 is RAM, the partial page at 0x9f000 is dropped, a decimal
 * start is read, and node 1 starts at 0x140200000 (not 1 GiB aligned).
 */
TEST(memmap_plain_holes_check)
{
    static const struct want w[] = {
        { 0x0, 0x9f000, 0 },
        { 0x100000, 0x80000000, 0 },
        { 0x100000000, 0x140200000, 0 },
        { 0x140200000, 0x240000000, 1 },
    };

    check_memmap("tests/data/holes.memmap", w, 4, 2);
}

/*
 *   0x1000      0x40100000          0xbffff000       4 GiB
 *   |--- n0 ----|-------- n1 --------|------ n0 ------|
 * Expect: ranges listed out of order come back sorted, node 0 surrounds
 * node 1, the start 0x800 is rounded up (MFN 0 not RAM), and the adjacent
 * ranges of different nodes are not merged.
 */
TEST(memmap_plain_surround_check)
{
    static const struct want w[] = {
        { 0x1000, 0x40100000, 0 },
        { 0x40100000, 0xbffff000, 1 },
        { 0xbffff000, 0x100000000, 0 },
    };

    check_memmap("tests/data/surround.memmap", w, 3, 2);
}

/*
 *   0x2020_0000_0000 n0 | 0x2a20.. n1 (2 MiB hole) n1 | 0x3420.. n2 |
 *   0x4010.. n3 ending at 0x4020_0000_0000: 256 GiB over 32 TiB
 * Expect: the five ranges exactly, 256 GiB of RAM on 4 nodes, and a frame
 * table proportional to RAM (at least 32 bytes a page, far below the
 * 512 GiB a table indexed by MFN would take).
 */
TEST(memmap_plain_server4_check)
{
    static const struct want w[] = {
        { 0x202000000000, 0x203000000000, 0 },
        { 0x2a2000000000, 0x2a2800100000, 1 },
        { 0x2a2800300000, 0x2a3000200000, 1 },
        { 0x342000000000, 0x343000000000, 2 },
        { 0x401000000000, 0x402000000000, 3 },
    };
    struct hb_layout l;
    char err[512] = "";
    uint64_t ft = 0;

    check_memmap("tests/data/server4.memmap", w, 5, 4);
    CHECK_EQ(load_memmap("tests/data/server4.memmap", &l, err, sizeof err), 0);
    CHECK_EQ(hb_layout_pages(&l, -1), 256 * GiB >> PA_PAGE_SHIFT);
    CHECK_EQ(hb_layout_pages(&l, 1), 64 * GiB >> PA_PAGE_SHIFT);
    CHECK_EQ(pa_frametable_bytes(l.ranges, l.nr, 0, &ft), 0);
    CHECK(ft >= (256 * GiB >> PA_PAGE_SHIFT) * 32);
    CHECK(ft <= 2 * (256 * GiB >> PA_PAGE_SHIFT) * 32);
    hb_layout_free(&l);
}

/* ------------------------------------------------------------------------
 * Boot logs
 * ------------------------------------------------------------------------ */

/*
 * e820 usable:  [0, 0x9fc00) [1 MiB, 0x7ffdc000) [4 GiB, 10 GiB)
 * SRAT:         n0 [0, 0xa0000) [1 MiB, 2 GiB) [4 GiB, 6 GiB)
 *               n1 [6 GiB, 10 GiB), n1 [10 GiB, 18 GiB) hotplug
 * Expect: the intersection; the hotplug range has no e820 RAM so adds
 * nothing; "e820: update" and "ACPI: SRAT 0x..." lines are ignored.
 */
TEST(memmap_linux_log_check)
{
    static const struct want w[] = {
        { 0x0, 0x9f000, 0 },
        { 0x100000, 0x7ffdc000, 0 },
        { 0x100000000, 0x180000000, 0 },
        { 0x180000000, 0x280000000, 1 },
    };

    check_memmap("tests/data/linux-2node.log", w, 4, 2);
}

/*
 * SRAT only (syslog prefix):  n0 [0, 2G)  n1 [2G, 4G)
 *                             n1 [4G, 8G) hotplug, n2 [8G, 12G) hotplug nv
 * Expect: the two present ranges; hotplug ones are possible, not present.
 */
TEST(memmap_linux_srat_only_check)
{
    static const struct want w[] = {
        { 0x0, 0x80000000, 0 },
        { 0x80000000, 0x100000000, 1 },
    };

    check_memmap("tests/data/linux-srat-only.log", w, 2, 2);
}

/*
 * e820 only: usable [0, 0x9fc00) [1 MiB, 0xbffe0000) [4 GiB, 5 GiB),
 * persistent [5 GiB, 5.25 GiB)
 * Expect: the usable ranges, all on node 0; persistent memory is not RAM.
 */
TEST(memmap_linux_no_srat_check)
{
    static const struct want w[] = {
        { 0x0, 0x9f000, 0 },
        { 0x100000, 0xbffe0000, 0 },
        { 0x100000000, 0x140000000, 0 },
    };

    check_memmap("tests/data/linux-no-srat.log", w, 3, 1);
}

/*
 * Xen-e820 "S - E (usable)": [0, 0x9c000) [1M, 0x7a289000)
 *   [0x7bab8000, 0x7bae0000) [4G, 34G); SRAT "S-E" (exclusive) for node 0
 *   and "[S, E]" (inclusive) for node 1 at 18 GiB.
 * Expect: e820 intersected with both SRAT variants; a 40-page usable
 * island between ACPI ranges survives; "SRAT: PXM 0 -> APIC" is ignored.
 */
TEST(memmap_xen_log_check)
{
    static const struct want w[] = {
        { 0x0, 0x9c000, 0 },
        { 0x100000, 0x7a289000, 0 },
        { 0x7bab8000, 0x7bae0000, 0 },
        { 0x100000000, 0x480000000, 0 },
        { 0x480000000, 0x880000000, 1 },
    };
    struct hb_layout l;
    char err[256];

    check_memmap("tests/data/xen-dmesg.log", w, 5, 2);
    CHECK_EQ(load_memmap("tests/data/xen-dmesg.log", &l, err, sizeof err), 0);
    CHECK(strstr(l.source, "xen boot log") != NULL);
    hb_layout_free(&l);
}

/*
 * Dates + "(XEN) [timestamp]" prefixes, e820 as "[S, E] (usable)":
 *   [0, 640K) [1M, 0x7fb50000) [4G, 18G)
 * SRAT n0 [0,2G) [4G, 0x280200000), n1 [0x280200000, 18G),
 *      n1 [18G, 34G) (hotplug)
 * Expect: the boundary at 0x280200000 (10 GiB + 2 MiB) is kept exactly.
 */
TEST(memmap_xen_timestamps_check)
{
    static const struct want w[] = {
        { 0x0, 0xa0000, 0 },
        { 0x100000, 0x7fb50000, 0 },
        { 0x100000000, 0x280200000, 0 },
        { 0x280200000, 0x480000000, 1 },
    };

    check_memmap("tests/data/xen-timestamps.log", w, 4, 2);
}

/*
 * Every bad --memmap, one line each.
 * Expect: a negative errno, no ranges left behind, and a message naming
 * the file and line (quoting the line where it is malformed).
 */
TEST(memmap_bad_input_check)
{
    static const struct { const char *file, *n1, *n2; } t[] = {
        { "tests/data/no-such.memmap", "tests/data/no-such.memmap", NULL },
        { "tests/data/bad/no-memory.log", "no memory lines", "no-memory.log" },
        { "tests/data/bad/srat-malformed.log", "line 3: malformed SRAT",
          "\"[    0.004580] ACPI: SRAT: Node 0 PXM 0 [mem 0x00000000-0x0009zzzz]\"" },
        { "tests/data/bad/xen-srat-malformed.log", "line 5: malformed SRAT",
          "\"(XEN) SRAT: Node 1 PXM 1 7ff00000\"" },
        { "tests/data/bad/e820-malformed.log", "line 4: malformed e820",
          "0x0000000000100000 0x000000007ffdbfff] usable\"" },
        { "tests/data/bad/xen-e820-malformed.log", "line 4: malformed e820",
          "\"(XEN)  0000000000100000 - 000000007a2g9000 (usable)\"" },
        { "tests/data/bad/plain-malformed.memmap", "line 3: expected START "
          "END NODE", "\"0x100000 0x200000\"" },
        { "tests/data/bad/end-before-start.memmap", "line 3: END before START",
          NULL },
        { "tests/data/bad/overlap.memmap", "lines 2 and 4: overlapping",
          "0x200000-0x400000 and 0x300000-0x500000" },
        { "tests/data/bad/srat-overlap.log", "lines 2 and 3: SRAT ranges of "
          "nodes 0 and 1 overlap", NULL },
    };

    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        struct hb_layout_opts o = { .memmap = t[i].file };

        check_error(&o, t[i].n1, t[i].n2);
    }
}

/*
 * --mem with --memmap; --memmap with --topology.
 * Expect: both refused with a message that says why.
 */
TEST(memmap_option_conflicts_check)
{
    struct hb_layout_opts a = { .memmap = "tests/data/small.memmap",
                                .mem_bytes = GiB };
    struct hb_layout_opts b = { .memmap = "tests/data/small.memmap",
                                .topology = "host" };

    check_error(&a, "--mem scales --topology layouts", NULL);
    check_error(&b, "exclusive", NULL);
}

/*
 * A plain map whose overlap survives only after sorting (pa_range level):
 *   [0, 8K) n0 and [4K, 12K) n1 handed straight to hb_layout_finish.
 * Expect: -EINVAL with both ranges named.
 */
TEST(hb_layout_finish_overlap_check)
{
    struct pa_range r[] = { { 1, 3, 1 }, { 0, 2, 0 } };
    struct hb_layout l = { .ranges = r, .nr = 2, .source = "test" };
    char err[256] = "";

    CHECK_EQ(hb_layout_finish(&l, err, sizeof err), -EINVAL);
    CHECK(strstr(err, "overlapping ranges: 0x0-0x2000 (node 0) and "
                      "0x1000-0x3000 (node 1)") != NULL);
}

/* ------------------------------------------------------------------------
 * Frame-table size check
 * ------------------------------------------------------------------------ */

/*
 * server4: 256 GiB of RAM -> a 2 GiB frame table (64 Mi entries x 32 B)
 * and a 0.5 GiB M2P table (8 B each) beside it: 2.5 GiB mapped.
 * huge: 15 TiB -> 120 GiB; 20 TiB -> more than 2^32 entries.
 * Expect: refused with 1 GiB and with 2.25 GiB available (saying 2.0 GiB
 * of table, 2.5 GiB with the M2P), accepted with 3 GiB; 20 TiB refused
 * whatever is available.
 */
TEST(hb_layout_check_fits_check)
{
    struct hb_layout l;
    char err[512] = "";
    struct pa_range big = { 0, (20ULL << 40) >> PA_PAGE_SHIFT, 0 };
    struct hb_layout lb = { .ranges = &big, .nr = 1, .source = "big" };

    if (!CHECK_EQ(load_memmap("tests/data/server4.memmap", &l, err, sizeof err), 0))
        return;
    CHECK_EQ(hb_layout_check_fits(&l, GiB, err, sizeof err), -ENOMEM);
    CHECK(strstr(err, "frame table needs 2.0 GiB (2.5 GiB with the M2P table), "
                      "only 1.0 GiB available") != NULL);
    CHECK_EQ(hb_layout_check_fits(&l, 2 * GiB + GiB / 4, err, sizeof err), -ENOMEM);
    CHECK_EQ(hb_layout_check_fits(&l, 3 * GiB, err, sizeof err), 0);
    CHECK_EQ(hb_layout_check_fits(&lb, UINT64_MAX, err, sizeof err), -E2BIG);
    CHECK(strstr(err, "2^32 entries") != NULL);
    hb_layout_free(&l);
}

/*
 * tests/data/bad/huge.memmap: 15 TiB of RAM on node 0.
 * Expect: hb_layout_load refuses it when MemAvailable is below the 120 GiB
 * table (as on any ordinary test machine), naming the GiB it needs.
 */
TEST(hb_layout_load_too_big_check)
{
    struct hb_layout_opts o = { .memmap = "tests/data/bad/huge.memmap" };
    uint64_t avail = 0;

    CHECK_EQ(hb_mem_read_available("", &avail), 0);
    CHECK(avail > 0);
    o.mem_available = avail;
    if (avail < 120 * GiB)
        check_error(&o, "frame table needs 120.0 GiB", "available");
}

/* ------------------------------------------------------------------------
 * Placement, scaling, sysfs
 * ------------------------------------------------------------------------ */

/*
 * node bytes {1 GiB, 3 GiB, 0, 512 MiB + 100 bytes}
 *   0    1G   2G  (hole)  4G       6G    6.5G
 *   |-n0-|-n1-|           |---n1---|--n3--|
 * Expect: node 1 is split by the 2-4 GiB hole, node 2 has no range, node
 * 3 follows with its partial page dropped.
 */
TEST(hb_layout_place_hole_check)
{
    uint64_t bytes[4] = { GiB, 3 * GiB, 0, 512 * MiB + 100 };
    static const struct want w[] = {
        { 0, GiB, 0 }, { GiB, 2 * GiB, 1 }, { 4 * GiB, 6 * GiB, 1 },
        { 6 * GiB, 6 * GiB + 512 * MiB, 3 },
    };
    struct hb_layout l = { 0 };

    CHECK_EQ(hb_layout_place(bytes, 4, &l), 0);
    check_ranges(&l, w, 4);
    hb_layout_free(&l);
}

/*
 * {3 GiB, 1 GiB, 0} scaled to 8 GiB; {1 byte, 1 TiB} scaled to 1 GiB.
 * Expect: shares kept (6 + 2 GiB, empty node stays empty); a tiny node
 * gets one 2 MiB granule rather than nothing.
 */
TEST(hb_layout_scale_shares_check)
{
    uint64_t a[3] = { 3 * GiB, GiB, 0 };
    uint64_t b[2] = { 1, 1024 * GiB };
    uint64_t z[2] = { 0, 0 };

    CHECK_EQ(hb_layout_scale(a, 3, 8 * GiB), 0);
    CHECK_EQ(a[0], 6 * GiB);
    CHECK_EQ(a[1], 2 * GiB);
    CHECK_EQ(a[2], 0);
    CHECK_EQ(hb_layout_scale(b, 2, GiB), 0);
    CHECK_EQ(b[0], HB_SCALE_GRANULE);
    CHECK_EQ(b[1], GiB);
    CHECK_EQ(hb_layout_scale(z, 2, GiB), -EINVAL);
}

static int rm_entry(const char *path, const struct stat *st, int flag,
                    struct FTW *ftw)
{
    (void)st; (void)flag; (void)ftw;
    return remove(path);
}

static void put_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "w");
    if (CHECK(f != NULL)) {
        fputs(text, f);
        fclose(f);
    }
}

static void put_dir(const char *dir, const char *name)
{
    char path[512];

    snprintf(path, sizeof path, "%s/%s", dir, name);
    CHECK_EQ(mkdir(path, 0755), 0);
}

/*
 * A fake sysfs, 128 MiB blocks:
 *   node0: memory0 memory1 memory2(offline) memory3, memory_side_cache
 *   node1: memory5 memory4
 *   0     256M  384M   512M     768M
 *   |-n0--|      |-n0-|---n1---|
 * Expect: runs of online blocks become ranges, the offline block is a
 * hole, non-block entries are ignored; no block_size_bytes -> 0 ranges.
 */
TEST(hb_layout_sysfs_ranges_fake_check)
{
    char root[] = "/tmp/hb-sysfs-XXXXXX";
    static const struct want w[] = {
        { 0, 256 * MiB, 0 }, { 384 * MiB, 512 * MiB, 0 },
        { 512 * MiB, 768 * MiB, 1 },
    };
    static const char *const dirs[] = {
        "node", "node/node0", "node/node1", "memory", "memory/memory2",
        "node/node0/memory0", "node/node0/memory1", "node/node0/memory2",
        "node/node0/memory3", "node/node0/memory_side_cache",
        "node/node1/memory5", "node/node1/memory4",
    };
    unsigned nodes[2] = { 0, 1 };
    struct hb_layout l = { 0 };

    if (!CHECK(mkdtemp(root) != NULL))
        return;
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
        put_dir(root, dirs[i]);
    put_file(root, "memory/memory2/state", "offline\n");
    CHECK_EQ(hb_layout_sysfs_ranges(root, nodes, 2, &l), 0);
    put_file(root, "memory/block_size_bytes", "8000000\n");
    CHECK_EQ(hb_layout_sysfs_ranges(root, nodes, 2, &l), 3);
    check_ranges(&l, w, 3);
    hb_layout_free(&l);
    nftw(root, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

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
    static const struct want w[] = {
        { 0, 2 * GiB, 0 }, { 4 * GiB, 66 * GiB, 0 }, { 66 * GiB, 130 * GiB, 1 },
    };
    struct hb_layout l;
    char err[512] = "";

    if (!CHECK_EQ(load_topology("synthetic:pack:2 [numa(memory=64GiB)] core:8 "
                                "pu:2", 0, &l, err, sizeof err), 0)) {
        CHECK_STR(err, "");
        return;
    }
    check_ranges(&l, w, 3);
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
    static const struct want w[] = {
        { 0, 2 * GiB, 0 }, { 4 * GiB, 10 * GiB, 0 }, { 10 * GiB, 18 * GiB, 1 },
    };
    struct hb_layout l;
    char err[512] = "";

    if (!CHECK_EQ(load_topology("synthetic:pack:2 [numa(memory=64GiB)] core:8 "
                                "pu:2", 16 * GiB, &l, err, sizeof err), 0))
        return;
    check_ranges(&l, w, 3);
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

    check_error(&a, "\"bogus:3\"", NULL);
    check_error(&b, "tests/data/no-such.xml", NULL);
    check_error(&c, "tests/data/bad/truncated.xml", NULL);
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

        snprintf(topo, sizeof topo, "xml:%s/%s", topologies_dir(), t[i].file);
        if (!CHECK_EQ(load_topology(topo, 0, &l, err, sizeof err), 0)) {
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
             topologies_dir());
    if (CHECK_EQ(load_topology(topo, GiB, &l, err, sizeof err), 0)) {
        CHECK_EQ(hb_layout_pages(&l, 0), 512 * MiB >> PA_PAGE_SHIFT);
        CHECK_EQ(hb_layout_pages(&l, 1), 512 * MiB >> PA_PAGE_SHIFT);
        hb_layout_free(&l);
    }
    snprintf(topo, sizeof topo, "xml:%s/192em64t-24n8c2t.xml", topologies_dir());
    if (CHECK_EQ(load_topology(topo, 100 * GiB, &l, err, sizeof err), 0)) {
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
