/*
 * test_frametable.c - the frame table: 32-byte entries, memory proportional
 * to RAM on a sparse map, MFN <-> entry round trips, zones, page states
 * under both encodings, layout normalisation and reset.
 */
#include <sys/resource.h>
#include <errno.h>

#include "tests/unit/heaputil.h"

#define GIB_PAGES (1ULL << 18)
/* 0x2020_0000_0000 bytes, as a server whose node 0 starts at 32 TiB + 128 GiB. */
#define FAR_MFN (0x202000000000ULL >> PA_PAGE_SHIFT)

TEST(frametable_entry_size_check)
{
    CHECK_EQ(sizeof(struct pa_page), 32);
}

/*
 *   0x2020_0000_0000     +64 GiB         +128 GiB        +192 GiB
 *   |1 GiB node 0|  hole  |1 GiB node 1| hole |1 GiB n2| hole |1 GiB n3|
 * Expect: the table needs 32 bytes per RAM page (4 GiB of RAM: 32 MiB),
 * not 32 bytes per page up to the top address (about 262 GiB).
 */
TEST(frametable_bytes_sparse_check)
{
    struct pa_range r[4];
    uint64_t bytes = 0, ram = 0;

    for (unsigned n = 0; n < 4; n++) {
        uint64_t s = FAR_MFN + n * 64 * GIB_PAGES;
        r[n] = (struct pa_range){ s, s + GIB_PAGES, n };
        ram += GIB_PAGES;
    }
    CHECK_EQ(pa_frametable_bytes(r, 4, 0, &bytes), 0);
    CHECK(bytes >= ram * 32);
    CHECK(bytes <= 2 * ram * 32);
    CHECK(bytes < (r[3].end * 32) / 1000);
}

/*
 * Unaligned ranges still cost RAM plus rounding, never the holes:
 *   0x2020_0000_0000+5 pages .. +(1 GiB + 7)   node 0
 *   +1 TiB + 3 .. +1 TiB + 3 + 1000           node 1
 * Expect: at most RAM + one chunk of rounding per range end.
 */
TEST(frametable_bytes_unaligned_check)
{
    struct pa_range r[] = {
        { FAR_MFN + 5, FAR_MFN + GIB_PAGES + 7, 0 },
        { FAR_MFN + 256 * GIB_PAGES + 3, FAR_MFN + 256 * GIB_PAGES + 1003, 1 },
    };
    uint64_t bytes = 0, ram = (GIB_PAGES + 2) + 1000;

    CHECK_EQ(pa_frametable_bytes(r, 2, 0, &bytes), 0);
    CHECK(bytes >= ram * 32);
    CHECK(bytes <= (ram + 4 * GIB_PAGES) * 32);
    CHECK_EQ(pa_frametable_bytes(r, 2, PA_MAX_ORDER_LIMIT + 1, &bytes), -EINVAL);
}

/*
 * Round trips on a sparse 4-node map with small ranges:
 *   FAR+0x10 .. +0x210 node 0 | FAR+16 GiB .. +0x300 node 1 | ... node 2, 3
 * Expect: every RAM MFN maps to its own entry and back, holes map to
 * NULL, nodes come back as laid out, and a fresh table is all zero.
 */
TEST(frametable_mfn_page_round_trip_check)
{
    struct pa_range r[4];
    struct pa_heap *h;
    size_t entries = 0, bytes = 0;
    const struct pa_page *ft, *prev = NULL;

    for (unsigned n = 0; n < 4; n++) {
        uint64_t s = FAR_MFN + n * 16 * GIB_PAGES + 0x10 * (n + 1);
        r[n] = (struct pa_range){ s, s + 0x200 + 0x40 * n, 3 - n };
    }
    h = hu_heap_new(r, 4, PA_ENC_LEGACY, 0, PA_STRAT_PAGEWISE);
    if (!h)
        return;
    ft = pa_frametable(h, &entries, &bytes);
    CHECK_EQ(bytes, entries * 32);
    for (unsigned i = 0; i < 4; i++) {
        for (uint64_t m = r[i].start; m < r[i].end; m++) {
            const struct pa_page *pg = pa_mfn_to_page(h, m);
            if (!CHECK(pg != NULL))
                break;
            CHECK(pg >= ft && pg < ft + entries);
            CHECK(pg != prev);
            prev = pg;
            if (pa_page_to_mfn(h, pg) != m)
                CHECK_EQ(pa_page_to_mfn(h, pg), m);
            if (pa_mfn_to_node(h, m) != (int)r[i].node)
                CHECK_EQ(pa_mfn_to_node(h, m), r[i].node);
        }
        CHECK(pa_mfn_to_page(h, r[i].start - 1) == NULL);
        CHECK(pa_mfn_to_page(h, r[i].end) == NULL);
        CHECK(!pa_mfn_is_ram(h, r[i].end));
        CHECK_EQ(pa_mfn_to_node(h, r[i].end), -1);
    }
    CHECK(pa_mfn_to_page(h, 0) == NULL);
    CHECK(pa_mfn_to_page(h, FAR_MFN + 8 * GIB_PAGES) == NULL);
    for (size_t i = 0; i < entries; i++)
        if (ft[i].count_info || ft[i].next || ft[i].prev || ft[i].order || ft[i].owner) {
            hb_check_fail(__FILE__, __LINE__, "fresh entry %zu is not zero", i);
            break;
        }
    CHECK_EQ(pa_heap_nr_nodes(h), 4);
    CHECK_EQ(pa_heap_nr_ranges(h), 4);
    CHECK_EQ(pa_heap_range(h, 0)->start, r[0].start);
    CHECK(pa_heap_range(h, 4) == NULL);
    pa_heap_destroy(h);
}

/*
 * The node map (Xen's memnodemap) on starts of every alignment:
 *   0x1        0x40001     0x80000 0x80200      0xc0000   0x100003 0x100100
 *   |node 0    |node 1     | hole  |node 2      | hole    |node 0  |
 *   one page off 1 GiB    order 9               3 pages off
 * Expect: every MFN from 0 to past the end gives its range's node, holes
 * -1, even where a granule of 1 GiB would hold two nodes.
 */
TEST(frametable_node_map_unaligned_check)
{
    struct pa_range r[] = {
        { 0x1, 0x40001, 0 }, { 0x40001, 0x80000, 1 },
        { 0x80200, 0xc0000, 2 }, { 0x100003, 0x100100, 0 },
    };
    struct pa_heap *h = hu_heap_new(r, 4, PA_ENC_LEGACY, 0, PA_STRAT_CHUNKED);
    unsigned bad = 0;

    if (!h)
        return;
    for (uint64_t m = 0; m < 0x100200 && bad < 3; m++) {
        int want = -1;
        for (size_t i = 0; i < 4; i++)
            if (m >= r[i].start && m < r[i].end)
                want = (int)r[i].node;
        if (pa_mfn_to_node(h, m) != want) {
            CHECK_EQ(pa_mfn_to_node(h, m), want);
            bad++;
        }
    }
    pa_heap_destroy(h);
}

/* Zone = bit width of the MFN. */
TEST(frametable_zone_check)
{
    static const struct { uint64_t mfn; unsigned zone; } t[] = {
        { 0, 0 }, { 1, 1 }, { 2, 2 }, { 3, 2 }, { 4, 3 }, { 0xfff, 12 },
        { 0x1000, 13 }, { 0xfffff, 20 }, { 0x100000, 21 },
        { (1ULL << 40) - 1, 40 }, { 1ULL << 40, 41 }, { FAR_MFN, 34 },
    };

    for (size_t i = 0; i < HU_ARRAY_SIZE(t); i++) {
        CHECK_EQ(pa_mfn_zone(t[i].mfn), t[i].zone);
        CHECK_EQ(hu_zone(t[i].mfn), t[i].zone);
    }
    CHECK_EQ(PA_NR_ZONES, 41);
}

/*
 * Encodings: legacy has in use = raw 0 and no uninitialised state; uninit
 * has uninitialised = raw 0 and in use elsewhere.  Within one encoding the
 * raw values are distinct and read back as the same state.
 */
TEST(frametable_state_encoding_check)
{
    static const enum pa_encoding encs[] = { PA_ENC_LEGACY, PA_ENC_UNINIT };

    CHECK_EQ(pa_state_raw(PA_ENC_LEGACY, PA_STATE_INUSE), 0);
    CHECK_EQ(pa_state_raw(PA_ENC_LEGACY, PA_STATE_UNINIT), -1);
    CHECK_EQ(pa_state_raw(PA_ENC_UNINIT, PA_STATE_UNINIT), 0);
    CHECK(pa_state_raw(PA_ENC_UNINIT, PA_STATE_INUSE) > 0);
    CHECK_EQ(pa_state_of(PA_ENC_LEGACY, 0), PA_STATE_INUSE);
    CHECK_EQ(pa_state_of(PA_ENC_UNINIT, 0), PA_STATE_UNINIT);
    for (size_t e = 0; e < 2; e++)
        for (int a = 0; a < PA_NR_STATES; a++) {
            int ra = pa_state_raw(encs[e], (enum pa_state)a);
            if (ra < 0)
                continue;
            CHECK(ra < 8);
            CHECK_EQ(pa_state_of(encs[e], (uint64_t)ra << PA_PGC_STATE_SHIFT), a);
            /* flags outside the state field do not change the state */
            CHECK_EQ(pa_state_of(encs[e], ((uint64_t)ra << PA_PGC_STATE_SHIFT) |
                                              PA_PGC_META | 0x1234), a);
            for (int b = 0; b < a; b++)
                CHECK(pa_state_raw(encs[e], (enum pa_state)b) != ra);
        }
    CHECK_STR(pa_encoding_name(PA_ENC_LEGACY), "legacy");
    CHECK_STR(pa_encoding_name(PA_ENC_UNINIT), "uninit");
    CHECK_EQ(pa_encoding_parse("uninit"), PA_ENC_UNINIT);
    CHECK_EQ(pa_encoding_parse("legacy"), PA_ENC_LEGACY);
    CHECK_EQ(pa_encoding_parse("lazy"), -EINVAL);
}

/*
 *   0x100                0x140 0x150
 *   |################mmmm|1111|   after pa_init_heap_pages (m: metadata)
 * Node 1 is handed RAM first (static metadata, as Xen's first node); node
 * 0's range starts on a max_order (4) boundary and ends no less aligned
 * than 16 pages, so its metadata is its tail (Xen's use_tail).
 * Expect: on a fresh table every page reads "in use" (legacy) or
 * "uninitialised" (uninit); after init the free pages read free, the
 * metadata pages in use with PA_PGC_META, under both encodings; a page
 * allocated reads in use and is non-zero only in the uninit encoding.
 */
TEST(frametable_states_fresh_and_initialised_check)
{
    static const enum pa_encoding encs[] = { PA_ENC_LEGACY, PA_ENC_UNINIT };
    struct pa_range r[] = { { 0x100, 0x140, 0 }, { 0x140, 0x150, 1 } };

    for (size_t e = 0; e < 2; e++) {
        struct pa_heap *h = hu_heap_new(r, 2, encs[e], 4, PA_STRAT_PAGEWISE);
        enum pa_state fresh = encs[e] == PA_ENC_LEGACY ? PA_STATE_INUSE : PA_STATE_UNINIT;
        uint64_t m;

        if (!h)
            return;
        CHECK_EQ(pa_heap_encoding(h), encs[e]);
        for (m = 0x100; m < 0x140; m++) {
            CHECK_EQ(pa_page_state(h, pa_mfn_to_page(h, m)), fresh);
            CHECK(pa_page_state_is(h, pa_mfn_to_page(h, m), fresh));
        }
        CHECK(!pa_page_state_is(h, pa_mfn_to_page(h, 0x100), PA_STATE_FREE));
        CHECK_EQ(pa_init_heap_pages(h, 0x140, 0x10), 0);
        CHECK_EQ(pa_init_heap_pages(h, 0x100, 0x40), 0);
        for (m = 0x100; m < 0x150; m++) {
            const struct pa_page *pg = pa_mfn_to_page(h, m);
            bool meta = m >= 0x140 - PA_NODE_META_PAGES && m < 0x140;
            CHECK_EQ(pa_page_state(h, pg), meta ? PA_STATE_INUSE : PA_STATE_FREE);
            CHECK_EQ(!!(pg->count_info & PA_PGC_META), meta);
        }
        m = pa_alloc_heap_pages(h, 0, 0, 5);
        if (CHECK(m != PA_INVALID_MFN)) {
            const struct pa_page *pg = pa_mfn_to_page(h, m);
            CHECK(pa_page_state_is(h, pg, PA_STATE_INUSE));
            CHECK_EQ(pa_raw_field(pg->count_info) != 0, encs[e] == PA_ENC_UNINIT);
        }
        CHECK_HEAP(h);
        pa_heap_destroy(h);
    }
}

/*
 * Layout normalisation: sorted, touching ranges of one node merged, those
 * of different nodes kept; overlap, empty ranges and bad nodes refused.
 */
TEST(layout_normalise_check)
{
    struct pa_range ok[] = { { 0x30, 0x40, 1 }, { 0x10, 0x20, 0 },
                             { 0x20, 0x30, 0 }, { 0x40, 0x50, 1 } };
    struct pa_range overlap[] = { { 0x10, 0x20, 0 }, { 0x1f, 0x30, 1 } };
    struct pa_range empty[] = { { 0x10, 0x10, 0 } };
    struct pa_range badnode[] = { { 0x10, 0x20, PA_MAX_NODES } };
    size_t bad = 99;

    CHECK_EQ(pa_layout_normalise(ok, 4, &bad), 2);
    CHECK_EQ(ok[0].start, 0x10);
    CHECK_EQ(ok[0].end, 0x30);
    CHECK_EQ(ok[0].node, 0);
    CHECK_EQ(ok[1].start, 0x30);
    CHECK_EQ(ok[1].end, 0x50);
    CHECK_EQ(pa_layout_normalise(overlap, 2, &bad), -EINVAL);
    CHECK_EQ(bad, 1);
    CHECK_EQ(pa_layout_normalise(empty, 1, &bad), -EINVAL);
    CHECK_EQ(pa_layout_normalise(badnode, 1, &bad), -EINVAL);
}

/* Bad configurations are refused before anything is allocated. */
TEST(heap_create_refuses_bad_config_check)
{
    struct pa_range r[] = { { 0x10, 0x20, 0 } };
    struct pa_range overlap[] = { { 0x10, 0x20, 0 }, { 0x18, 0x30, 1 } };
    struct pa_heap_config cfg = { .ranges = r, .nr_ranges = 1,
                                  .max_order = PA_MAX_ORDER_LIMIT + 1 };
    struct pa_heap *h = NULL;

    CHECK_EQ(pa_heap_create(&cfg, &h), -EINVAL);
    cfg.max_order = 4;
    cfg.nr_ranges = 0;
    CHECK_EQ(pa_heap_create(&cfg, &h), -EINVAL);
    cfg.ranges = overlap;
    cfg.nr_ranges = 2;
    CHECK_EQ(pa_heap_create(&cfg, &h), -EINVAL);
    cfg.ranges = r;
    cfg.nr_ranges = 1;
    cfg.encoding = (enum pa_encoding)7;
    CHECK_EQ(pa_heap_create(&cfg, &h), -EINVAL);
    CHECK(h == NULL);
}

/*
 * pa_heap_reset gives back a fresh heap without remapping.
 *   0x100                  0x180
 *   |mmmm##################|     init, reset, init again
 * Expect: after reset the table is all zero and no page is free; the
 * second init leaves the same blocks as the first.
 */
TEST(heap_reset_check)
{
    struct pa_range r[] = { { 0x100, 0x180, 0 } };
    struct pa_heap *h = hu_heap_new(r, 1, PA_ENC_UNINIT, 4, PA_STRAT_CHUNKED);
    struct hu_blocks a = { 0 }, b = { 0 };
    size_t entries = 0;
    const struct pa_page *ft;

    if (!h)
        return;
    CHECK_EQ(pa_init_heap_pages(h, 0x100, 0x80), 0);
    hu_collect(h, &a);
    pa_heap_reset(h);
    ft = pa_frametable(h, &entries, NULL);
    for (size_t i = 0; i < entries; i++)
        if (ft[i].count_info) {
            hb_check_fail(__FILE__, __LINE__, "entry %zu not zero after reset", i);
            break;
        }
    CHECK_EQ(pa_avail(h, -1, -1), 0);
    CHECK_EQ(pa_free_blocks(h, -1, 4), 0);
    CHECK_HEAP(h);
    CHECK_EQ(pa_init_heap_pages(h, 0x100, 0x80), 0);
    hu_collect(h, &b);
    CHECK_BLOCKS(&b, &a, "after reset and init");
    CHECK(a.nr > 0);
    hu_blocks_free(&a);
    hu_blocks_free(&b);
    pa_heap_destroy(h);
}

/*
 * Lookups in the holes of a sparse map take no page fault:
 *   0 ......... hole ......... FAR | 4 small nodes 16 GiB apart |
 * The directory spans the whole address space (1 Mi entries, mapped, not
 * written where there is no RAM); a heap that pre-faults its table maps
 * those holes too.  Expect: a lookup in every 4 KiB of the directory,
 * holes and RAM alike, adds no minor fault (timed regions look up buddies
 * in holes: mfn_valid).
 */
TEST(frametable_hole_lookup_no_fault_check)
{
    struct pa_range r[4];
    struct pa_heap *h;
    struct rusage before, after;
    uint64_t top, step, found = 0;

    for (unsigned n = 0; n < 4; n++) {
        uint64_t s = FAR_MFN + n * 16 * GIB_PAGES + 0x10 * (n + 1);
        r[n] = (struct pa_range){ s, s + 0x200, n };
    }
    h = hu_heap_new(r, 4, PA_ENC_LEGACY, 0, PA_STRAT_PAGEWISE);
    if (!h)
        return;
    top = r[3].end;
    /* One probe per 512 directory entries (4 KiB of 8-byte entries) at
     * the smallest chunk the directory may use: at least one per page. */
    step = (top >> 20) * 512 / 2;
    getrusage(RUSAGE_SELF, &before);
    for (uint64_t m = 1; m < top; m += step)
        found += pa_mfn_to_page(h, m) != NULL;
    getrusage(RUSAGE_SELF, &after);
    CHECK_EQ(after.ru_minflt - before.ru_minflt, 0);
    CHECK(found < 4);
    pa_heap_destroy(h);
}
