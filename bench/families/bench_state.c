/*
 * bench_state.c - family "state": per-page state checks on large frame
 * tables, under both encodings.
 *
 * scan counts the pages in each state (in the frame table or a separate
 * byte array); any_uninit asks whether a range holds an uninitialised
 * page (first page only, as the patch; every page; or a per-node
 * watermark, as Linux); check is the assertion of the free and share
 * paths.  The table holds a live-update heap, every page in use, so each
 * check scans its whole range; scans are set against the same run's read
 * bandwidth.  One encoding's table is held at a time (docs/model.md, "The
 * families").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/families/fixture.h"
#include "bench/instrument/gbench.h"
#include "bench/families/harness.h"
#include "bench/families/statescan.h"
#include "bench/instrument/membudget.h"

enum state_what { ST_SCAN, ST_ANY, ST_CHECK };
enum state_layout { LY_ENTRIES, LY_BYTES, LY_BITMAP };
enum any_method { ANY_FIRST, ANY_WHOLE, ANY_WATERMARK };

/* The table every benchmark of one encoding reads, built once. */
struct state_table {
    struct hb_fixtures fx;
    const struct hb_bench_ctx *ctx;
    struct hb_fix_key key;
    struct pa_heap *heap;
    const struct pa_page *ft;   /* the first RAM page's entry */
    size_t n;                   /* RAM pages from ft on */
    uint8_t *bytes;             /* raw state per page */
    uint64_t *bits;             /* initialised-page bitmap */
    uint64_t watermark;         /* pages below it are initialised */
    char why[256];
};

struct state_case {
    struct state_table *t;
    enum state_what what;
    enum state_layout layout;
    enum any_method method;
    enum hb_impl impl;
    size_t n;
};

/* ------------------------------------------------------------------------
 * The table
 * ------------------------------------------------------------------------ */

/* Both encodings' tables: building one releases the other. */
static struct state_table *tables[2];

/* Everything the table holds goes: heap, M2P, side arrays.  The next
 * benchmark that needs it builds it again. */
static void table_release(void *arg)
{
    struct state_table *t = arg;

    hb_mem_drop(t->ctx->mem, t);
    hb_fix_release(&t->fx);
    free(t->bytes);
    free(t->bits);
    t->bytes = NULL;
    t->bits = NULL;
    t->heap = NULL;
    t->ft = NULL;
    t->n = 0;
}

/* The byte array and the bitmap: what they add to the budget. */
static uint64_t side_bytes(size_t n)
{
    return n + (n + 63) / 64 * 8;
}

/* The heap's ledger entry (its table and M2P, held by the fixture cache)
 * becomes the table's, side arrays included, under this family. */
static void table_hold(struct state_table *t)
{
    size_t entries, ft_bytes;

    pa_frametable(t->heap, &entries, &ft_bytes);
    hb_mem_drop(t->ctx->mem, t->heap);
    hb_mem_hold(t->ctx->mem, t, "state",
                ft_bytes + entries * sizeof(uint64_t) + side_bytes(t->n), table_release, t);
}

static int build_side_arrays(struct state_table *t)
{
    t->bytes = malloc(t->n);
    t->bits = malloc((t->n + 63) / 64 * 8);
    if (!t->bytes || !t->bits)
        return -1;
    for (size_t i = 0; i < t->n; i++)
        t->bytes[i] = (uint8_t)pa_raw_field(t->ft[i].count_info);
    memset(t->bits, 0xff, (t->n + 63) / 64 * 8);
    t->watermark = t->n;
    return 0;
}

/* Build on first use: every page in use, as after a live update. */
static struct state_table *table_get(struct state_table *t)
{
    const struct pa_range *r;

    if (t->heap || t->why[0])
        return t->heap ? t : NULL;
    for (int e = 0; e < 2; e++)
        if (tables[e] && tables[e] != t && tables[e]->heap)
            table_release(tables[e]);
    t->heap = hb_fix_get(&t->fx, &t->key, t->why, sizeof t->why);
    if (!t->heap)
        return NULL;
    r = pa_heap_range(t->heap, 0);
    if (pa_heap_encoding(t->heap) == PA_ENC_UNINIT)
        pa_init_inuse(t->heap, r->start, r->end - r->start, 1);
    t->ft = pa_mfn_to_page(t->heap, r->start);
    t->n = r->end - r->start;
    if (!hb_mem_fits(t->ctx->mem, "state", side_bytes(t->n), t->why, sizeof t->why)) {
        table_release(t);
        return NULL;
    }
    if (build_side_arrays(t)) {
        table_release(t);
        snprintf(t->why, sizeof t->why, "out of memory for the state arrays");
        return NULL;
    }
    table_hold(t);
    return t;
}

/* ------------------------------------------------------------------------
 * Kernels, one call = one iteration
 * ------------------------------------------------------------------------ */

static uint64_t run_scan(const struct state_case *c)
{
    uint64_t cnt[8];

    if (c->layout == LY_BYTES)
        hb_bytes_count(c->impl, c->t->bytes, c->n, cnt);
    else
        hb_scan_count(c->impl, c->t->ft, c->n, cnt);
    return cnt[0] + cnt[1] * 3 + cnt[4] * 7;
}

static uint64_t run_any(const struct state_case *c)
{
    const struct state_table *t = c->t;
    unsigned uninit = (unsigned)pa_state_raw(PA_ENC_UNINIT, PA_STATE_UNINIT);

    switch (c->method) {
    case ANY_FIRST:
        return pa_raw_field(t->ft[0].count_info) == uninit;
    case ANY_WATERMARK:
        return c->n > t->watermark;
    default:
        break;
    }
    if (c->layout == LY_BITMAP)
        return hb_bits_find_clear(t->bits, c->n);
    if (c->layout == LY_BYTES)
        return hb_bytes_find(c->impl, t->bytes, c->n, (uint8_t)uninit, true);
    return hb_scan_find(c->impl, t->ft, c->n, uninit, true);
}

static uint64_t run_check(const struct state_case *c)
{
    enum pa_encoding enc = pa_heap_encoding(c->t->heap);
    unsigned inuse = (unsigned)pa_state_raw(enc, PA_STATE_INUSE);

    return hb_scan_find(c->impl, c->t->ft, c->n, inuse, false);
}

static uint64_t run_once(const struct state_case *c)
{
    return c->what == ST_SCAN ? run_scan(c) : c->what == ST_ANY ? run_any(c) : run_check(c);
}

/* ------------------------------------------------------------------------
 * The benchmark
 * ------------------------------------------------------------------------ */

/* Bytes one iteration streams, for GB/s and the read-bandwidth ratio. */
static double bytes_of(const struct state_case *c)
{
    if (c->what == ST_ANY && c->method == ANY_FIRST)
        return sizeof(struct pa_page);
    if (c->what == ST_ANY && c->method == ANY_WATERMARK)
        return sizeof(uint64_t);
    if (c->layout == LY_BYTES)
        return (double)c->n;
    if (c->layout == LY_BITMAP)
        return (double)c->n / 8;
    return (double)c->n * sizeof(struct pa_page);
}

static void bm_state(hb_gb_state *st, void *arg)
{
    struct state_case *c = arg;
    volatile uint64_t sink = 0;
    uint64_t n;

    if (!hb_impl_available(c->impl)) {
        hb_gb_skip_with_error(st, "this CPU lacks the instructions for this kernel");
        return;
    }
    if (!table_get(c->t)) {
        hb_gb_skip_with_error(st, c->t->why);
        return;
    }
    if (c->n > c->t->n) {
        char why[200];
        snprintf(why, sizeof why, "a %.2f GiB frame table does not fit: this run's tables "
                 "stop at %.2f GiB, within a third of its %.1f GiB memory budget",
                 (double)c->n * sizeof(struct pa_page) / (1 << 30),
                 (double)c->t->n * sizeof(struct pa_page) / (1 << 30),
                 (double)c->t->ctx->max_table_bytes / (1 << 30));
        hb_gb_skip_with_error(st, why);
        return;
    }
    while ((n = hb_gb_keep_running_batch(st, 64)))
        for (uint64_t i = 0; i < n; i++)
            sink += run_once(c);
    (void)sink;
    hb_gb_set_work(st, (double)c->n, bytes_of(c));
    hb_gb_set_label(st, "baseline=read");     /* a scan: set against reads */
}

/* ------------------------------------------------------------------------
 * Registration
 * ------------------------------------------------------------------------ */

static const char *const layout_names[] = { "entries", "bytearray", "bitmap" };
static const char *const method_names[] = { "first", "whole", "watermark" };

/* Seconds per repetition, by profile (quick, default, full): a scan is
 * steady, the spread that matters is between processes (bench/stats/hstats.h). */
static const double min_times[] = { 0.02, 0.05, 0.1 };
static double min_time = 0.1;

static void add(struct state_table *t, enum state_what w, enum state_layout ly,
                enum any_method m, enum hb_impl impl, size_t bytes)
{
    struct state_case *c = calloc(1, sizeof *c);
    char name[256];
    const char *enc = pa_encoding_name(t->key.enc);

    *c = (struct state_case){ t, w, ly, m, impl, bytes / sizeof(struct pa_page) };
    if (w == ST_SCAN)
        snprintf(name, sizeof name, "state/scan/encoding:%s/table_bytes:%zu/impl:%s/layout:%s",
                 enc, bytes, hb_impl_name(impl), layout_names[ly]);
    else if (w == ST_ANY)
        snprintf(name, sizeof name,
                 "state/any_uninit/encoding:%s/table_bytes:%zu/impl:%s/layout:%s/method:%s",
                 enc, bytes, hb_impl_name(impl), layout_names[ly], method_names[m]);
    else
        snprintf(name, sizeof name, "state/check/encoding:%s/table_bytes:%zu/impl:%s/layout:entries",
                 enc, bytes, hb_impl_name(impl));
    hb_gb_min_time(hb_gb_register(name, bm_state, c), min_time);
}

static void add_size(struct state_table *t, size_t bytes)
{
    for (int i = 0; i < HB_NR_IMPL; i++) {
        add(t, ST_SCAN, LY_ENTRIES, 0, (enum hb_impl)i, bytes);
        add(t, ST_SCAN, LY_BYTES, 0, (enum hb_impl)i, bytes);
        add(t, ST_CHECK, LY_ENTRIES, 0, (enum hb_impl)i, bytes);
    }
    if (t->key.enc != PA_ENC_UNINIT)
        return;
    for (int i = 0; i < HB_NR_IMPL; i++) {
        add(t, ST_ANY, LY_ENTRIES, ANY_WHOLE, (enum hb_impl)i, bytes);
        add(t, ST_ANY, LY_BYTES, ANY_WHOLE, (enum hb_impl)i, bytes);
    }
    add(t, ST_ANY, LY_BITMAP, ANY_WHOLE, HB_IMPL_SCALAR, bytes);
    add(t, ST_ANY, LY_ENTRIES, ANY_FIRST, HB_IMPL_SCALAR, bytes);
    add(t, ST_ANY, LY_ENTRIES, ANY_WATERMARK, HB_IMPL_SCALAR, bytes);
}

/* Largest table of the profile: 1 GiB by default (many times any LLC),
 * 256 MiB quick, 4 GiB full. */
static size_t profile_table(const struct hb_bench_ctx *ctx)
{
    return ctx->profile == HB_PROFILE_QUICK ? 256UL << 20
         : ctx->profile == HB_PROFILE_DEFAULT ? 1UL << 30 : 4UL << 30;
}

/* The table this run builds: the profile's, or the largest power of two
 * within a third of the memory budget (the table, its M2P and the side
 * arrays come to about 1.3 times the table).  Sizes above it are still
 * registered and skipped with the reason (bm_state), never left out. */
static size_t max_table(const struct hb_bench_ctx *ctx)
{
    size_t max = profile_table(ctx);

    while (max > (1UL << 20) && max > ctx->max_table_bytes / 3)
        max /= 2;
    return max;
}

void hb_family_state_register(const struct hb_bench_ctx *ctx)
{
    min_time = min_times[ctx->profile];
    size_t max = max_table(ctx);

    for (int e = 0; e < 2; e++) {
        struct state_table *t = calloc(1, sizeof *t);
        tables[e] = t;
        t->ctx = ctx;
        hb_fix_init(&t->fx, ctx);
        /* RAM from 1 MiB up: max/32 pages of entries plus the hole. */
        t->key = (struct hb_fix_key){ .ram_pages = max / sizeof(struct pa_page) + 0x100,
                                      .nodes = 1, .boundary_order = HB_ALIGN_NATURAL,
                                      .enc = (enum pa_encoding)e };
        size_t step = ctx->profile == HB_PROFILE_QUICK ? 16 : 4, b = 256UL << 10;
        size_t top = profile_table(ctx);
        for (; b < top; b *= step)
            add_size(t, b);
        add_size(t, top);
    }
}

/* What the verdict asks of this family, by name (docs/results-format.md):
 * the scans, across encoding, layout, table size and kernel. */
static const struct hb_tidy_series state_series[] = {
    { "scan", "what=scan" },
    { NULL, NULL },
};

HB_FAMILY(state, 40, hb_family_state_register, 0.037, 0.065, 0.27, .series = state_series);
