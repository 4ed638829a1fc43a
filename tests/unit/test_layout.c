/*
 * test_layout.c - the layout sources (bench/source/layout*.c): sizes and
 * options, every --memmap format (plain maps, Linux and Xen boot logs),
 * the frame-table size check, placement, scaling, the sysfs reader, and
 * every kind of bad input; hwloc and the host are test_topology.c's.
 * Memory maps live in tests/data/ (bad ones in tests/data/bad/); expected
 * values are hard-coded from the files themselves.
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
#include "tests/unit/layoututil.h"


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
 * Values: --topology xml:F, --mem 16GiB, --memmap M (the option parser,
 * bench/cmd/opts.h, has split the words).
 * Expect: each is stored; a bad --topology, a non-size, a zero size, a
 * size without a unit and a name that is not a layout option are refused
 * (-EINVAL) with one line of reason, the options unchanged; nothing printed.
 */
TEST(hb_layout_set_check)
{
    struct hb_layout_opts o = { 0 };
    char why[256];

    CHECK_EQ(hb_layout_set(&o, "--topology", "xml:F", why, sizeof why), 0);
    CHECK_STR(o.topology, "xml:F");
    CHECK_EQ(hb_layout_set(&o, "--mem", "16GiB", why, sizeof why), 0);
    CHECK_EQ(o.mem_bytes, 16 * GiB);
    CHECK_EQ(hb_layout_set(&o, "--memmap", "M", why, sizeof why), 0);
    CHECK_STR(o.memmap, "M");

    /* Each refusal gives a reason of one line (the command line adds the
     * option and the value). */
    static const char *const bad[][2] = { { "--topology", "numa:4" }, { "--topology", "synthetic:" },
                                          { "--mem", "lots" }, { "--mem", "0" },
                                          { "--mem", "16" }, { "--csv", "x" } };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        why[0] = '\0';
        CHECK_EQ(hb_layout_set(&o, bad[k][0], bad[k][1], why, sizeof why), -EINVAL);
        CHECK(why[0] != '\0' && strchr(why, '\n') == NULL);
    }
    CHECK_STR(o.topology, "xml:F");          /* a refused value changes nothing */
    CHECK_EQ(o.mem_bytes, 16 * GiB);
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
    static const struct lay_want w[] = {
        { 0x0, 0x9f000, 0 },
        { 0x100000, 0x80000000, 0 },
        { 0x100000000, 0x140200000, 0 },
        { 0x140200000, 0x240000000, 1 },
    };

    lay_check_memmap("tests/data/holes.memmap", w, 4, 2);
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
    static const struct lay_want w[] = {
        { 0x1000, 0x40100000, 0 },
        { 0x40100000, 0xbffff000, 1 },
        { 0xbffff000, 0x100000000, 0 },
    };

    lay_check_memmap("tests/data/surround.memmap", w, 3, 2);
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
    static const struct lay_want w[] = {
        { 0x202000000000, 0x203000000000, 0 },
        { 0x2a2000000000, 0x2a2800100000, 1 },
        { 0x2a2800300000, 0x2a3000200000, 1 },
        { 0x342000000000, 0x343000000000, 2 },
        { 0x401000000000, 0x402000000000, 3 },
    };
    struct hb_layout l;
    char err[512] = "";
    uint64_t ft = 0;

    lay_check_memmap("tests/data/server4.memmap", w, 5, 4);
    CHECK_EQ(lay_load_memmap("tests/data/server4.memmap", &l, err, sizeof err), 0);
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
    static const struct lay_want w[] = {
        { 0x0, 0x9f000, 0 },
        { 0x100000, 0x7ffdc000, 0 },
        { 0x100000000, 0x180000000, 0 },
        { 0x180000000, 0x280000000, 1 },
    };

    lay_check_memmap("tests/data/linux-2node.log", w, 4, 2);
}

/*
 * SRAT only (syslog prefix):  n0 [0, 2G)  n1 [2G, 4G)
 *                             n1 [4G, 8G) hotplug, n2 [8G, 12G) hotplug nv
 * Expect: the two present ranges; hotplug ones are possible, not present.
 */
TEST(memmap_linux_srat_only_check)
{
    static const struct lay_want w[] = {
        { 0x0, 0x80000000, 0 },
        { 0x80000000, 0x100000000, 1 },
    };

    lay_check_memmap("tests/data/linux-srat-only.log", w, 2, 2);
}

/*
 * e820 only: usable [0, 0x9fc00) [1 MiB, 0xbffe0000) [4 GiB, 5 GiB),
 * persistent [5 GiB, 5.25 GiB)
 * Expect: the usable ranges, all on node 0; persistent memory is not RAM.
 */
TEST(memmap_linux_no_srat_check)
{
    static const struct lay_want w[] = {
        { 0x0, 0x9f000, 0 },
        { 0x100000, 0xbffe0000, 0 },
        { 0x100000000, 0x140000000, 0 },
    };

    lay_check_memmap("tests/data/linux-no-srat.log", w, 3, 1);
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
    static const struct lay_want w[] = {
        { 0x0, 0x9c000, 0 },
        { 0x100000, 0x7a289000, 0 },
        { 0x7bab8000, 0x7bae0000, 0 },
        { 0x100000000, 0x480000000, 0 },
        { 0x480000000, 0x880000000, 1 },
    };
    struct hb_layout l;
    char err[256];

    lay_check_memmap("tests/data/xen-dmesg.log", w, 5, 2);
    CHECK_EQ(lay_load_memmap("tests/data/xen-dmesg.log", &l, err, sizeof err), 0);
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
    static const struct lay_want w[] = {
        { 0x0, 0xa0000, 0 },
        { 0x100000, 0x7fb50000, 0 },
        { 0x100000000, 0x280200000, 0 },
        { 0x280200000, 0x480000000, 1 },
    };

    lay_check_memmap("tests/data/xen-timestamps.log", w, 4, 2);
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

        lay_check_error(&o, t[i].n1, t[i].n2);
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

    lay_check_error(&a, "--mem scales --topology layouts", NULL);
    lay_check_error(&b, "exclusive", NULL);
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

    if (!CHECK_EQ(lay_load_memmap("tests/data/server4.memmap", &l, err, sizeof err), 0))
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
        lay_check_error(&o, "frame table needs 120.0 GiB", "available");
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
    static const struct lay_want w[] = {
        { 0, GiB, 0 }, { GiB, 2 * GiB, 1 }, { 4 * GiB, 6 * GiB, 1 },
        { 6 * GiB, 6 * GiB + 512 * MiB, 3 },
    };
    struct hb_layout l = { 0 };

    CHECK_EQ(hb_layout_place(bytes, 4, &l), 0);
    lay_check_ranges(&l, w, 4);
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
    static const struct lay_want w[] = {
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
    lay_check_ranges(&l, w, 3);
    hb_layout_free(&l);
    nftw(root, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}
