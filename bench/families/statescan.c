/*
 * statescan.c - the state-scan kernels.  The vector kernels are compiled
 * with target attributes and chosen at run time, so one binary runs on any
 * x86-64; hb_impl_available says which this CPU has.
 */
#include <immintrin.h>
#include <string.h>

#include "bench/families/statescan.h"

#define RAW(ci) ((unsigned)((ci) >> PA_PGC_STATE_SHIFT) & 7)

const char *hb_impl_name(enum hb_impl i)
{
    static const char *const n[] = { "scalar", "avx2", "avx512" };
    return (unsigned)i < HB_NR_IMPL ? n[i] : "?";
}

bool hb_impl_available(enum hb_impl i)
{
    __builtin_cpu_init();
    switch (i) {
    case HB_IMPL_SCALAR:
        return true;
    case HB_IMPL_AVX2:
        return __builtin_cpu_supports("avx2");
    case HB_IMPL_AVX512:
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
    default:
        return false;
    }
}

/* ------------------------------------------------------------------------
 * Scalar
 * ------------------------------------------------------------------------ */

/* Four tables of counters so that runs of one state do not chain every
 * increment through the same memory word. */
static void count_scalar(const struct pa_page *ft, size_t n, uint64_t cnt[8])
{
    uint64_t c[4][8] = { { 0 } };
    size_t i = 0;

    for (; i + 4 <= n; i += 4) {
        c[0][RAW(ft[i].count_info)]++;
        c[1][RAW(ft[i + 1].count_info)]++;
        c[2][RAW(ft[i + 2].count_info)]++;
        c[3][RAW(ft[i + 3].count_info)]++;
    }
    for (; i < n; i++)
        c[0][RAW(ft[i].count_info)]++;
    for (int s = 0; s < 8; s++)
        cnt[s] = c[0][s] + c[1][s] + c[2][s] + c[3][s];
}

static size_t find_scalar(const struct pa_page *ft, size_t n, unsigned raw, bool eq)
{
    for (size_t i = 0; i < n; i++)
        if ((RAW(ft[i].count_info) == raw) == eq)
            return i;
    return n;
}

static void bytes_count_scalar(const uint8_t *s, size_t n, uint64_t cnt[8])
{
    uint64_t c[4][8] = { { 0 } };
    size_t i = 0;

    for (; i + 4 <= n; i += 4) {
        c[0][s[i] & 7]++;
        c[1][s[i + 1] & 7]++;
        c[2][s[i + 2] & 7]++;
        c[3][s[i + 3] & 7]++;
    }
    for (; i < n; i++)
        c[0][s[i] & 7]++;
    for (int k = 0; k < 8; k++)
        cnt[k] = c[0][k] + c[1][k] + c[2][k] + c[3][k];
}

static size_t bytes_find_scalar(const uint8_t *s, size_t n, uint8_t raw, bool eq)
{
    for (size_t i = 0; i < n; i++)
        if ((s[i] == raw) == eq)
            return i;
    return n;
}

/* ------------------------------------------------------------------------
 * AVX2: four entries per step
 * ------------------------------------------------------------------------ */

/* The state fields of entries i..i+3, one per 64-bit lane. */
__attribute__((target("avx2"))) static inline __m256i
states4(const struct pa_page *p)
{
    __m256i a = _mm256_loadu_si256((const __m256i *)&p[0]);
    __m256i b = _mm256_loadu_si256((const __m256i *)&p[1]);
    __m256i c = _mm256_loadu_si256((const __m256i *)&p[2]);
    __m256i d = _mm256_loadu_si256((const __m256i *)&p[3]);
    __m256i ab = _mm256_unpackhi_epi64(a, b);  /* a.ci b.ci a.owner b.owner */
    __m256i cd = _mm256_unpackhi_epi64(c, d);
    __m256i v = _mm256_permute2x128_si256(ab, cd, 0x20);
    return _mm256_srli_epi64(v, PA_PGC_STATE_SHIFT);
}

/* Histograms in registers: each 64-bit lane holds eight byte counters, and
 * an entry in state s adds 1 << 8s to its lane (one variable shift, one
 * add); the bytes are flushed to 64-bit totals before they can overflow. */
static void flush_lanes(const uint64_t *lanes, size_t nr, uint64_t cnt[8])
{
    for (size_t l = 0; l < nr; l++)
        for (int s = 0; s < 8; s++)
            cnt[s] += (lanes[l] >> (8 * s)) & 0xff;
}

__attribute__((target("avx2"))) static void
count_avx2(const struct pa_page *ft, size_t n, uint64_t cnt[8])
{
    const __m256i one = _mm256_set1_epi64x(1);
    size_t i = 0;

    while (i + 4 <= n) {
        __m256i acc = _mm256_setzero_si256();
        uint64_t l[4];
        for (int k = 0; k < 255 && i + 4 <= n; k++, i += 4) {
            __m256i sh = _mm256_slli_epi64(states4(&ft[i]), 3);
            acc = _mm256_add_epi64(acc, _mm256_sllv_epi64(one, sh));
        }
        _mm256_storeu_si256((__m256i *)l, acc);
        flush_lanes(l, 4, cnt);
    }
    for (; i < n; i++)
        cnt[RAW(ft[i].count_info)]++;
}

__attribute__((target("avx2"))) static size_t
find_avx2(const struct pa_page *ft, size_t n, unsigned raw, bool eq)
{
    __m256i want = _mm256_set1_epi64x(raw);
    size_t i = 0;

    for (; i + 4 <= n; i += 4) {
        int m = _mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpeq_epi64(states4(&ft[i]), want)));
        if (!eq)
            m ^= 0xf;
        if (m)
            return i + (size_t)__builtin_ctz((unsigned)m);
    }
    return i + find_scalar(&ft[i], n - i, raw, eq);
}

__attribute__((target("avx2,popcnt"))) static void
bytes_count_avx2(const uint8_t *p, size_t n, uint64_t cnt[8])
{
    uint64_t c[8] = { 0 };
    size_t i = 0;

    for (; i + 32 <= n; i += 32) {
        __m256i v = _mm256_loadu_si256((const __m256i *)&p[i]);
        for (int s = 0; s < 8; s++)
            c[s] += (uint64_t)__builtin_popcount(
                (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_set1_epi8((char)s))));
    }
    bytes_count_scalar(&p[i], n - i, cnt);
    for (int s = 0; s < 8; s++)
        cnt[s] += c[s];
}

__attribute__((target("avx2"))) static size_t
bytes_find_avx2(const uint8_t *p, size_t n, uint8_t raw, bool eq)
{
    __m256i want = _mm256_set1_epi8((char)raw);
    size_t i = 0;

    for (; i + 32 <= n; i += 32) {
        unsigned m = (unsigned)_mm256_movemask_epi8(
            _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)&p[i]), want));
        if (!eq)
            m = ~m;
        if (m)
            return i + (size_t)__builtin_ctz(m);
    }
    return i + bytes_find_scalar(&p[i], n - i, raw, eq);
}

/* ------------------------------------------------------------------------
 * AVX-512: eight entries per step
 * ------------------------------------------------------------------------ */

__attribute__((target("avx512f"))) static inline __m512i
states8(const struct pa_page *p)
{
    /* Each 64-byte load holds two entries; count_info is qword 1 and 5. */
    const __m512i pick = _mm512_set_epi64(0, 0, 0, 0, 13, 9, 5, 1);
    __m512i a = _mm512_loadu_si512(&p[0]), b = _mm512_loadu_si512(&p[2]);
    __m512i c = _mm512_loadu_si512(&p[4]), d = _mm512_loadu_si512(&p[6]);
    __m512i lo = _mm512_permutex2var_epi64(a, pick, b);
    __m512i hi = _mm512_permutex2var_epi64(c, pick, d);
    __m512i v = _mm512_inserti64x4(lo, _mm512_castsi512_si256(hi), 1);
    return _mm512_srli_epi64(v, PA_PGC_STATE_SHIFT);
}

__attribute__((target("avx512f"))) static void
count_avx512(const struct pa_page *ft, size_t n, uint64_t cnt[8])
{
    const __m512i one = _mm512_set1_epi64(1);
    size_t i = 0;

    while (i + 8 <= n) {
        __m512i acc = _mm512_setzero_si512();
        uint64_t l[8];
        for (int k = 0; k < 255 && i + 8 <= n; k++, i += 8) {
            __m512i sh = _mm512_slli_epi64(states8(&ft[i]), 3);
            acc = _mm512_add_epi64(acc, _mm512_sllv_epi64(one, sh));
        }
        _mm512_storeu_si512(l, acc);
        flush_lanes(l, 8, cnt);
    }
    for (; i < n; i++)
        cnt[RAW(ft[i].count_info)]++;
}

__attribute__((target("avx512f"))) static size_t
find_avx512(const struct pa_page *ft, size_t n, unsigned raw, bool eq)
{
    __m512i want = _mm512_set1_epi64(raw);
    size_t i = 0;

    for (; i + 8 <= n; i += 8) {
        unsigned m = eq ? _mm512_cmpeq_epi64_mask(states8(&ft[i]), want)
                        : _mm512_cmpneq_epi64_mask(states8(&ft[i]), want);
        if (m)
            return i + (size_t)__builtin_ctz(m);
    }
    return i + find_scalar(&ft[i], n - i, raw, eq);
}

__attribute__((target("avx512f,avx512bw,popcnt"))) static void
bytes_count_avx512(const uint8_t *p, size_t n, uint64_t cnt[8])
{
    uint64_t c[8] = { 0 };
    size_t i = 0;

    for (; i + 64 <= n; i += 64) {
        __m512i v = _mm512_loadu_si512(&p[i]);
        for (int s = 0; s < 8; s++)
            c[s] += (uint64_t)__builtin_popcountll(
                _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8((char)s)));
    }
    bytes_count_scalar(&p[i], n - i, cnt);
    for (int s = 0; s < 8; s++)
        cnt[s] += c[s];
}

__attribute__((target("avx512f,avx512bw"))) static size_t
bytes_find_avx512(const uint8_t *p, size_t n, uint8_t raw, bool eq)
{
    __m512i want = _mm512_set1_epi8((char)raw);
    size_t i = 0;

    for (; i + 64 <= n; i += 64) {
        __m512i v = _mm512_loadu_si512(&p[i]);
        uint64_t m = eq ? _mm512_cmpeq_epi8_mask(v, want) : _mm512_cmpneq_epi8_mask(v, want);
        if (m)
            return i + (size_t)__builtin_ctzll(m);
    }
    return i + bytes_find_scalar(&p[i], n - i, raw, eq);
}

/* ------------------------------------------------------------------------
 * Dispatch
 * ------------------------------------------------------------------------ */

void hb_scan_count(enum hb_impl i, const struct pa_page *ft, size_t n, uint64_t cnt[8])
{
    memset(cnt, 0, 8 * sizeof *cnt);
    if (i == HB_IMPL_AVX512)
        count_avx512(ft, n, cnt);
    else if (i == HB_IMPL_AVX2)
        count_avx2(ft, n, cnt);
    else
        count_scalar(ft, n, cnt);
}

size_t hb_scan_find(enum hb_impl i, const struct pa_page *ft, size_t n,
                    unsigned raw, bool eq)
{
    if (i == HB_IMPL_AVX512)
        return find_avx512(ft, n, raw, eq);
    if (i == HB_IMPL_AVX2)
        return find_avx2(ft, n, raw, eq);
    return find_scalar(ft, n, raw, eq);
}

void hb_bytes_count(enum hb_impl i, const uint8_t *s, size_t n, uint64_t cnt[8])
{
    memset(cnt, 0, 8 * sizeof *cnt);
    if (i == HB_IMPL_AVX512)
        bytes_count_avx512(s, n, cnt);
    else if (i == HB_IMPL_AVX2)
        bytes_count_avx2(s, n, cnt);
    else
        bytes_count_scalar(s, n, cnt);
}

size_t hb_bytes_find(enum hb_impl i, const uint8_t *s, size_t n, uint8_t raw, bool eq)
{
    if (i == HB_IMPL_AVX512)
        return bytes_find_avx512(s, n, raw, eq);
    if (i == HB_IMPL_AVX2)
        return bytes_find_avx2(s, n, raw, eq);
    return bytes_find_scalar(s, n, raw, eq);
}

size_t hb_bits_find_clear(const uint64_t *bm, size_t nbits)
{
    size_t words = nbits / 64;

    for (size_t w = 0; w < words; w++)
        if (~bm[w])
            return w * 64 + (size_t)__builtin_ctzll(~bm[w]);
    for (size_t b = words * 64; b < nbits; b++)
        if (!(bm[b / 64] >> (b % 64) & 1))
            return b;
    return nbits;
}
