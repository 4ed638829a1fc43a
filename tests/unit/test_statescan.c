/*
 * test_statescan.c - the state-scan kernels of the "state" benchmarks agree
 * with a plain per-entry reference, whatever the CPU runs (AVX2, AVX-512),
 * for any length (vector bodies and scalar tails) and any state mix.
 *
 *   entry i:  count_info = raw state r(i) << 61, other fields noise
 *   byte  i:  r(i)
 * Expect: every available kernel's counts equal the reference; find
 * returns the first index that matches (or not), or n when there is none.
 */
#include <stdlib.h>

#include "bench/families/statescan.h"
#include "tests/unit/check.h"

static uint64_t next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

struct table {
    struct pa_page *ft;
    uint8_t *bytes;
    size_t n;
};

/* States drawn from `spread` values starting at `base` (spread 1: all one). */
static struct table make(size_t n, unsigned base, unsigned spread, uint64_t seed)
{
    struct table t = { calloc(n + 1, sizeof *t.ft), calloc(n + 1, 1), n };

    for (size_t i = 0; i < n; i++) {
        unsigned raw = (base + (unsigned)(next(&seed) % spread)) & 7;
        t.ft[i].count_info = (uint64_t)raw << PA_PGC_STATE_SHIFT | (next(&seed) & 0xffffff);
        t.ft[i].owner = next(&seed);
        t.ft[i].next = (uint32_t)next(&seed);
        t.bytes[i] = (uint8_t)raw;
    }
    return t;
}

static void drop(struct table *t)
{
    free(t->ft);
    free(t->bytes);
}

static size_t ref_find(const struct table *t, unsigned raw, bool eq)
{
    for (size_t i = 0; i < t->n; i++)
        if ((t->bytes[i] == raw) == eq)
            return i;
    return t->n;
}

static void check_counts(const struct table *t)
{
    uint64_t want[8] = { 0 }, got[8];

    for (size_t i = 0; i < t->n; i++)
        want[t->bytes[i]]++;
    for (int k = 0; k < HB_NR_IMPL; k++) {
        if (!hb_impl_available((enum hb_impl)k))
            continue;
        hb_scan_count((enum hb_impl)k, t->ft, t->n, got);
        for (int s = 0; s < 8; s++)
            CHECK_EQ(got[s], want[s]);
        hb_bytes_count((enum hb_impl)k, t->bytes, t->n, got);
        for (int s = 0; s < 8; s++)
            CHECK_EQ(got[s], want[s]);
    }
}

static void check_finds(const struct table *t)
{
    for (unsigned raw = 0; raw < 8; raw++)
        for (int eq = 0; eq < 2; eq++)
            for (int k = 0; k < HB_NR_IMPL; k++) {
                if (!hb_impl_available((enum hb_impl)k))
                    continue;
                size_t want = ref_find(t, raw, eq);
                CHECK_EQ(hb_scan_find((enum hb_impl)k, t->ft, t->n, raw, eq), want);
                CHECK_EQ(hb_bytes_find((enum hb_impl)k, t->bytes, t->n, (uint8_t)raw, eq), want);
            }
}

/* Lengths around every vector width and past the byte counters' flush
 * interval (255 steps of 8 entries = 2040). */
TEST(statescan_kernels_agree_check)
{
    static const size_t lens[] = { 0, 1, 3, 4, 7, 8, 31, 32, 63, 64, 65, 2039, 2040, 2041, 5000, 70001 };

    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        struct table mixed = make(lens[i], 0, 5, 7 + i), same = make(lens[i], 1, 1, 9 + i);
        check_counts(&mixed);
        check_counts(&same);
        check_finds(&mixed);
        check_finds(&same);
        drop(&mixed);
        drop(&same);
    }
}

/* A bitmap of initialised pages: the first clear bit, or nbits. */
TEST(statescan_bits_find_clear_check)
{
    uint64_t bm[4] = { ~0ULL, ~0ULL, ~0ULL, ~0ULL };

    CHECK_EQ(hb_bits_find_clear(bm, 256), 256);
    CHECK_EQ(hb_bits_find_clear(bm, 200), 200);
    bm[2] &= ~(1ULL << 5);
    CHECK_EQ(hb_bits_find_clear(bm, 256), 133);
    CHECK_EQ(hb_bits_find_clear(bm, 130), 130);
    bm[3] = 0;
    CHECK_EQ(hb_bits_find_clear(bm, 256), 133);
}
