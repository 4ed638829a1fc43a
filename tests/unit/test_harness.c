/*
 * test_harness.c - the pure-C parts of the measuring instrument: benchmark
 * names to parameter columns, CSV fields and rows, the baseline ratio, the
 * summary statistics (GSL), and perf counters failing softly.
 *
 * Rows are built from hand-made hb_gb_run records, exactly as Google
 * Benchmark's reporter hands them over, so no benchmark runs here.
 */
#define _GNU_SOURCE
#include "tests/unit/check.h"

#include "bench/instrument/perfctr.h"
#include "bench/stats/hstats.h"
#include "bench/instrument/tidy.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

/* ------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------ */

/* What fn writes into a FILE, as a string (caller frees). */
#define CAPTURE(buf, stmt)                                                \
    do {                                                                  \
        size_t cap_len_;                                                  \
        FILE *f = open_memstream(&(buf), &cap_len_);                      \
        stmt;                                                             \
        fclose(f);                                                        \
    } while (0)

static char *field(const char *s)
{
    char *buf;
    CAPTURE(buf, hb_tidy_field(f, s));
    return buf;
}

static char *num(double v)
{
    char *buf;
    CAPTURE(buf, hb_tidy_num(f, v));
    return buf;
}

/* One repetition with pages/bytes counters (and more if given). */
static void add_run(struct hb_results *r, const char *name, long rep, double real_ns,
                    double pages, double bytes, const char *label)
{
    struct hb_gb_counter_value c[] = { { "bytes", bytes }, { "pages", pages },
                                       { "faults", 0 }, { "merges", 7 } };
    struct hb_gb_run run = {
        .name = name, .repetition = rep, .repetitions = 3, .iterations = 10,
        .threads = 1, .real_ns = real_ns, .cpu_ns = real_ns, .error = false,
        .error_message = "", .label = label ? label : "", .counters = c,
        .nr_counters = bytes > 0 ? 4 : 0, .last = false,
    };
    CHECK_EQ(hb_results_add(r, &run), 0);
}

/* Line number `n` (0-based) of text, in a static buffer. */
static const char *line_of(const char *text, int n)
{
    static char line[8192];
    const char *p = text;

    for (int i = 0; i < n && p; i++) {
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    if (!p)
        return "";
    snprintf(line, sizeof line, "%.*s", (int)strcspn(p, "\n"), p);
    return line;
}

/* ------------------------------------------------------------------------
 * Names
 * ------------------------------------------------------------------------ */

static const struct {
    const char *name;
    const char *family, *what;
    unsigned nr;
    const char *kv[4][2];
} names[] = {
    { "init/boot/strategy:chunked/ram_gib:16/nodes:1", "init", "boot", 3,
      { { "strategy", "chunked" }, { "ram_gib", "16" }, { "nodes", "1" } } },
    { "baseline/memset/bytes:268435456/threads:1", "baseline", "memset", 2,
      { { "param_bytes", "268435456" }, { "threads", "1" } } },
    { "shim/direct_cxx", "shim", "direct_cxx", 0, { { NULL } } },
    { "free/one/8/manual_time", "free", "one", 2, { { "arg0", "8" }, { "time", "manual" } } },
    { "state/encoding:uninit", "state", "", 1, { { "encoding", "uninit" } } },
    { "x/y/iterations:10/a:b:c", "x", "y", 2,
      { { "param_iterations", "10" }, { "a", "b:c" } } },
    { "lonely", "lonely", "", 0, { { NULL } } },
};

TEST(name_parse_table_check)
{
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        struct hb_name n;

        if (!CHECK_EQ(hb_name_parse(names[i].name, &n), 0))
            continue;
        CHECK_STR(n.family, names[i].family);
        CHECK_STR(n.what, names[i].what);
        CHECK_EQ(n.nr, names[i].nr);
        for (unsigned k = 0; k < names[i].nr && k < n.nr; k++) {
            CHECK_STR(n.p[k].key, names[i].kv[k][0]);
            CHECK_STR(n.p[k].value, names[i].kv[k][1]);
        }
    }
}

TEST(name_parse_refuses_check)
{
    struct hb_name n;
    char longkey[128];

    CHECK_EQ(hb_name_parse("", &n), -EINVAL);
    CHECK_EQ(hb_name_parse("/what", &n), -EINVAL);
    memset(longkey, 'k', sizeof longkey);
    memcpy(longkey, "f/w/", 4);
    longkey[sizeof longkey - 3] = ':';
    longkey[sizeof longkey - 2] = '1';
    longkey[sizeof longkey - 1] = '\0';
    CHECK_EQ(hb_name_parse(longkey, &n), -EINVAL);
    CHECK(hb_name_param(&n, "anything") == NULL);
}

/* ------------------------------------------------------------------------
 * CSV fields
 * ------------------------------------------------------------------------ */

TEST(csv_field_quoting_check)
{
    static const char *const cases[][2] = {
        { "plain", "plain" },
        { "a,b", "\"a,b\"" },
        { "say \"hi\"", "\"say \"\"hi\"\"\"" },
        { "two\nlines", "\"two\nlines\"" },
        { "", "" },
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *s = field(cases[i][0]);
        CHECK_STR(s, cases[i][1]);
        free(s);
    }
    char *s = field(NULL);
    CHECK_STR(s, "");
    free(s);
}

TEST(csv_num_format_check)
{
    static const struct { double v; const char *want; } cases[] = {
        { 3, "3" }, { 0.25, "0.25" }, { 268435456, "268435456" },
        { 4294967296.0, "4294967296" }, { -2, "-2" }, { 1e20, "1e+20" },
        { 1.0 / 3, "0.3333333333" }, { NAN, "" }, { INFINITY, "" },
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *s = num(cases[i].v);
        CHECK_STR(s, cases[i].want);
        free(s);
    }
}

/* ------------------------------------------------------------------------
 * Rows, baseline and ratio
 *
 *   baseline/memset  1 MiB: 10 GB/s    4 MiB: 8 GB/s (three reps each)
 *   baseline/read    4 MiB: 16 GB/s
 *   init/boot 2 MiB of table in 500 us   -> memset 4 MiB row, ratio 500/262
 *   state/scan 2 MiB, label baseline=read -> read 4 MiB row
 *   state/huge 8 MiB                      -> largest memset row (4 MiB)
 * Expect: ratio = real_ns / (bytes / baseline_gbps).
 * ------------------------------------------------------------------------ */

#define MiB 1048576.0

/* The reference as bench_baseline.c declares it (the unit runner links no
 * bench_*.c): the writer knows it from this, not from its name. */
static const struct hb_tidy_family reference = {
    .name = "baseline", .reference = true, .ref_kinds = "memset read",
    .ref_size = "param_bytes",
};

static void fill(struct hb_results *r)
{
    CHECK_EQ(hb_tidy_declare(&reference), 0);
    for (long k = 0; k < 3; k++) {
        add_run(r, "baseline/memset/bytes:1048576/threads:1", k, MiB / 10, MiB / 32, MiB, NULL);
        add_run(r, "baseline/memset/bytes:4194304/threads:1", k, 4 * MiB / 8, 4 * MiB / 32,
                4 * MiB, NULL);
        add_run(r, "baseline/read/bytes:4194304/threads:1", k, 4 * MiB / 16, 4 * MiB / 32,
                4 * MiB, "baseline=read");
        add_run(r, "init/boot/strategy:chunked/ram_gib:1", k, 500000, 65536, 2 * MiB, NULL);
        add_run(r, "state/scan/encoding:legacy", k, 100000, 65536, 2 * MiB, "x baseline=read");
        add_run(r, "state/huge/encoding:uninit", k, 2e6, 262144, 8 * MiB, "baseline=ready");
        add_run(r, "shim/c_batch", k, 0.3 + 0.1 * (double)k, 0, 0, NULL);
    }
    hb_results_derive(r);
}

static const struct hb_row *row_named(const struct hb_results *r, const char *name)
{
    for (size_t i = 0; i < r->nr; i++)
        if (!strcmp(r->rows[i].name, name))
            return &r->rows[i];
    return NULL;
}

TEST(results_baseline_choice_check)
{
    struct hb_results r = { 0 };
    const struct hb_row *row;

    fill(&r);
    row = row_named(&r, "init/boot/strategy:chunked/ram_gib:1");
    if (CHECK(row)) {
        CHECK_STR(row->baseline, "baseline/memset/bytes:4194304/threads:1");
        CHECK(fabs(row->baseline_gbps - 8) < 1e-9);
        CHECK(fabs(row->ratio - 500000 / (2 * MiB / 8)) < 1e-9);
        CHECK(fabs(row->ns_per_page - 500000.0 / 65536) < 1e-9);
        CHECK(fabs(row->ms_per_gib - row->ns_per_page * 262144 / 1e6) < 1e-9);
        CHECK(fabs(row->gbps - 2 * MiB / 500000) < 1e-9);
    }
    row = row_named(&r, "state/scan/encoding:legacy");
    if (CHECK(row))
        CHECK_STR(row->baseline, "baseline/read/bytes:4194304/threads:1");
    row = row_named(&r, "state/huge/encoding:uninit");      /* not the word */
    if (CHECK(row))
        CHECK_STR(row->baseline, "baseline/memset/bytes:4194304/threads:1");
    row = row_named(&r, "shim/c_batch");
    if (CHECK(row)) {
        CHECK(row->baseline == NULL);
        CHECK(isnan(row->ratio) && isnan(row->ns_per_page));
    }
    row = row_named(&r, "baseline/memset/bytes:1048576/threads:1");
    if (CHECK(row))
        CHECK_STR(row->baseline, row->name);
    hb_results_free(&r);
}

/* A family that declares series gets a `series` column; the others none:
 *   sfam/block/enc:a/ord:1   in "blk_a" and "ord1"
 *   sfam/block/enc:b/ord:1   in "ord1" only
 *   sfam/frag/enc:a          in none
 * Expect: the header ends ",series"; the cells "blk_a ord1", "ord1", "";
 * init (no series declared) has no such column. */
static const struct hb_tidy_series sfam_series[] = {
    { "blk_a", "what=block;enc=a" },
    { "ord1", "ord=1" },
    { NULL, NULL },
};
static const struct hb_tidy_family sfam = { .name = "sfam", .series = sfam_series };

TEST(results_series_check)
{
    struct hb_results r = { 0 };
    char *csv;

    CHECK_EQ(hb_tidy_declare(&sfam), 0);
    add_run(&r, "sfam/block/enc:a/ord:1", 0, 100, 1, 32, NULL);
    add_run(&r, "sfam/block/enc:b/ord:1", 0, 100, 1, 32, NULL);
    add_run(&r, "sfam/frag/enc:a", 0, 100, 1, 32, NULL);
    fill(&r);
    CAPTURE(csv, hb_results_write_csv(&r, "sfam", f));
    CHECK(strstr(line_of(csv, 0), ",merges,series") != NULL);
    CHECK(strstr(line_of(csv, 1), ",\"blk_a ord1\"") == NULL);  /* no quotes needed */
    CHECK(strstr(line_of(csv, 1), ",7,blk_a ord1") != NULL);
    CHECK(strstr(line_of(csv, 2), ",7,ord1") != NULL);
    CHECK(strstr(line_of(csv, 3), ",7,") != NULL && !strstr(line_of(csv, 3), "ord1"));
    free(csv);
    CAPTURE(csv, hb_results_write_summary(&r, "sfam", f));
    CHECK(strstr(line_of(csv, 0), "_mde_pct,series") != NULL);
    CHECK(strstr(line_of(csv, 1), ",blk_a ord1") != NULL);
    free(csv);
    CAPTURE(csv, hb_results_write_csv(&r, "init", f));
    CHECK(strstr(line_of(csv, 0), "series") == NULL);
    free(csv);
    hb_results_free(&r);
}

TEST(results_family_csv_check)
{
    struct hb_results r = { 0 };
    const char *fam[8];
    char *csv;

    fill(&r);
    CHECK_EQ(hb_results_families(&r, fam, 8), 4);
    CHECK_STR(fam[0], "baseline");
    CHECK_STR(fam[3], "shim");
    CAPTURE(csv, hb_results_write_csv(&r, "init", f));
    CHECK_STR(line_of(csv, 0),
              "benchmark,what,strategy,ram_gib,repetition,process,iterations,real_ns,cpu_ns,"
              "pages,bytes,ns_per_page,ms_per_gib,gbps,baseline,baseline_gbps,ratio,"
              "faults,cycles,instructions,cache_misses,dtlb_misses,cycles_per_page,"
              "instructions_per_page,cache_misses_per_page,dtlb_misses_per_page,"
              "data_reads,data_writes,cond_branches,count_note,merges");
    CHECK_STR(line_of(csv, 1),
              "init/boot/strategy:chunked/ram_gib:1,boot,chunked,1,0,0,10,500000,500000,"
              "65536,2097152,7.629394531,2,4.194304,"
              "baseline/memset/bytes:4194304/threads:1,8,1.907348633,0,,,,,,,,,,,,,7");
    CHECK_STR(line_of(csv, 4), "");
    free(csv);
    CAPTURE(csv, hb_results_write_csv(&r, "shim", f));
    CHECK_STR(line_of(csv, 1), "shim/c_batch,c_batch,0,0,10,0.3,0.3,,,,,,,,,,,,,,,,,,,,,");
    free(csv);
    hb_results_free(&r);
}

/*
 * A counted run's names fix the iterations:
 *   timed   init/boot/strategy:chunked/ram_gib:1/iterations:4/manual_time
 *   counted init/boot/strategy:chunked/ram_gib:1/iterations:2/manual_time
 *   part    init/boot/strategy:chunked/ram_gib:1 (registered name)
 * Expect: one benchmark in all three, not ram_gib:16 nor a longer name;
 * the counts land in that benchmark's three rows only, with their note, and the
 * instructions column prints them.
 */
TEST(results_set_count_check)
{
    struct hb_results r = { 0 };
    const double ex[HB_EXACT_NR] = { 10, 20, 30 };
    const char *b = "init/boot/strategy:chunked/ram_gib:1";
    char *csv;

    CHECK(hb_same_benchmark(b, "init/boot/strategy:chunked/ram_gib:1/iterations:2/manual_time"));
    CHECK(hb_same_benchmark("init/boot/strategy:chunked/ram_gib:1/iterations:4/manual_time",
                            "init/boot/strategy:chunked/ram_gib:1/iterations:2/manual_time"));
    CHECK(hb_same_benchmark("state/scan/x:1/min_time:0.050", "state/scan/x:1/iterations:2"));
    CHECK(!hb_same_benchmark(b, "init/boot/strategy:chunked/ram_gib:16"));
    CHECK(!hb_same_benchmark(b, "init/boot/strategy:chunked/ram_gib:1/nodes:2"));
    fill(&r);
    CHECK_EQ(hb_results_set_count(&r, b, 1234, ex, "why"), 3);   /* its 3 repetitions */
    CHECK_EQ(hb_results_set_counter(&r, b, "boot_instructions", 1000), 3);
    CHECK_EQ(hb_results_set_count(&r, "init/none", 1, ex, NULL), 0);
    const struct hb_row *row = row_named(&r, b);
    if (CHECK(row)) {
        CHECK_EQ(row->perf[HB_PERF_INSTRUCTIONS], 1234);
        CHECK_EQ(row->exact[HB_EXACT_COND_BRANCHES], 30);
        CHECK_STR(row->count_note, "why");
    }
    CAPTURE(csv, hb_results_write_csv(&r, "init", f));
    CHECK(strstr(line_of(csv, 1), ",1234,") != NULL);
    CHECK(strstr(line_of(csv, 1), ",10,20,30,why,") != NULL);
    CHECK(strstr(line_of(csv, 0), "boot_instructions") != NULL);
    free(csv);
    hb_results_free(&r);
}

/*
 * Summary of shim/c_batch: 3 repetitions in one process, real_ns 0.3, 0.4,
 * 0.5, 10 iterations each, no pages, bytes or counters.
 * Expect: the four first metrics in their first order (real_ns,
 * ns_per_page, ratio, gbps), then every other numeric column in the
 * family CSV's order, then the family's counters; each with the same ten
 * statistics.
 */
TEST(results_summary_csv_check)
{
    static const char first[] =
        "benchmark,what,reps,processes,real_ns_median,real_ns_min,real_ns_max,"
        "real_ns_q1,real_ns_q3,real_ns_mean,real_ns_ci_lo,real_ns_ci_hi,real_ns_cv_between,"
        "real_ns_cv_within,real_ns_mde_pct,ns_per_page_median,ns_per_page_min,"
        "ns_per_page_max,ns_per_page_q1,ns_per_page_q3,ns_per_page_mean,ns_per_page_ci_lo,"
        "ns_per_page_ci_hi,ns_per_page_cv_between,ns_per_page_cv_within,"
        "ns_per_page_mde_pct,ratio_median,ratio_min,ratio_max,ratio_q1,ratio_q3,"
        "ratio_mean,ratio_ci_lo,ratio_ci_hi,ratio_cv_between,ratio_cv_within,ratio_mde_pct,"
        "gbps_median,gbps_min,gbps_max,gbps_q1,gbps_q3,gbps_mean,gbps_ci_lo,gbps_ci_hi,"
        "gbps_cv_between,gbps_cv_within,gbps_mde_pct,";
    static const char iters[] =
        "iterations_median,iterations_min,iterations_max,iterations_q1,iterations_q3,"
        "iterations_mean,iterations_ci_lo,iterations_ci_hi,iterations_cv_between,iterations_cv_within,"
        "iterations_mde_pct,cpu_ns_median,";
    /* One process of 0.3, 0.4, 0.5: no between-process spread to measure
     * (cv_between, mde_pct, the interval of the mean empty); within: SD 0.1 over mean 0.4.  Then
     * iterations, 10 each: no spread; then cpu_ns as real_ns. */
    static const char row1[] =
        "shim/c_batch,c_batch,3,1,0.4,0.3,0.5,0.35,0.45,0.4,,,,0.25,"
        ",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,"
        "10,10,10,10,10,10,,,,0,,0.4,0.3,0.5,0.35,0.45,0.4,,,,0.25,,";
    struct hb_results r = { 0 };
    const char *h;
    char *csv;

    fill(&r);
    CAPTURE(csv, hb_results_write_summary(&r, "shim", f));
    h = line_of(csv, 0);
    CHECK(!strncmp(h, first, strlen(first)));
    CHECK(!strncmp(h + strlen(first), iters, strlen(iters)));
    CHECK(strstr(h, ",dtlb_misses_per_page_median,") != NULL);
    CHECK(strstr(h, ",baseline_median") == NULL);          /* text: no statistics */
    CHECK(strstr(h, ",repetition_median") == NULL);        /* index: none */
    CHECK(strstr(h, ",process_median") == NULL);
    CHECK(!strncmp(line_of(csv, 1), row1, strlen(row1)));
    CHECK_STR(line_of(csv, 2), "");
    free(csv);
    CHECK(fabs(hb_results_median_real_ns(&r, "shim/c_batch") - 0.4) < 1e-12);
    CHECK(isnan(hb_results_median_real_ns(&r, "shim/none")));
    hb_results_free(&r);
}

/*
 * The family "init" has a counter of its own (merges = 7 in every row).
 * Expect: merges_median ... merges_mde_pct close the summary header, and
 * every header has as many fields as each row.
 */
TEST(results_summary_counters_check)
{
    struct hb_results r = { 0 };
    char *csv, *h;
    size_t commas_h = 0, commas_1 = 0;

    fill(&r);
    CAPTURE(csv, hb_results_write_summary(&r, "init", f));
    h = strdup(line_of(csv, 0));
    CHECK(strstr(h, ",merges_median,merges_min,merges_max,merges_q1,merges_q3,merges_mean,merges_ci_lo,"
                    "merges_ci_hi,merges_cv_between,merges_cv_within,merges_mde_pct") != NULL);
    for (const char *p = h; *p; p++)
        commas_h += *p == ',';
    for (const char *p = line_of(csv, 1); *p; p++)
        commas_1 += *p == ',';
    CHECK_EQ(commas_h, commas_1);
    CHECK(strstr(line_of(csv, 1), ",7,7,7,7,7,7,,,,0,") != NULL);   /* one process: no interval */
    free(h);
    free(csv);
    hb_results_free(&r);
}

TEST(results_errors_skipped_check)
{
    struct hb_results r = { 0 };
    struct hb_gb_run run = { .name = "init/boot/ram_gib:4096", .error = true,
                             .error_message = "needs 32 GiB, 20 GiB available" };
    char *txt;

    CHECK_EQ(hb_results_add(&r, &run), 0);
    CHECK_EQ(hb_results_add(&r, &run), 0);       /* once per benchmark */
    CHECK_EQ(r.nr, 0);
    CHECK_EQ(r.nr_skips, 1);
    CAPTURE(txt, hb_results_write_skipped(&r, f));
    CHECK_STR(txt, "benchmark,reason\n"
                   "init/boot/ram_gib:4096,\"needs 32 GiB, 20 GiB available\"\n");
    free(txt);
    hb_results_free(&r);
}

/* ------------------------------------------------------------------------
 * The written contract
 * ------------------------------------------------------------------------ */

/* docs/results-format.md, found from this file's path (the tests run from
 * the top of the tree); NULL if unreadable. */
static char *read_format_doc(char *path, size_t len)
{
    const char *me = __FILE__, *tail = strstr(me, "tests/unit/");
    FILE *f;
    char *text = NULL;
    size_t n = 0;

    snprintf(path, len, "%.*sdocs/results-format.md", tail ? (int)(tail - me) : 0, me);
    f = fopen(path, "r");
    if (!f)
        return NULL;
    if (getdelim(&text, &n, '\0', f) < 0) {
        free(text);
        text = NULL;
    }
    fclose(f);
    return text;
}

/* "| `name` | unit |" somewhere in the doc. */
static bool doc_lists(const char *doc, const char *name, const char *unit)
{
    char row[256];

    snprintf(row, sizeof row, "\n| `%s` | %s |", name, unit);
    return strstr(doc, row) != NULL;
}

static void check_set_documented(const char *doc, const struct hb_column *c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (c[i].name[0] && !CHECK(doc_lists(doc, c[i].name, c[i].unit)))
            fprintf(stderr, "  docs/results-format.md lacks the row | `%s` | %s |\n",
                    c[i].name, c[i].unit);
}

/*
 * Every column of the two column sets of tidy_csv.c, and every statistic of a
 * summary, has its row in docs/results-format.md with the same unit.
 * Expect: adding a column without documenting it fails here.
 */
TEST(docs_results_format_check)
{
    char path[4096], name[64];
    char *doc = read_format_doc(path, sizeof path);
    const struct hb_column *set;
    const struct hb_stat_column *st;
    size_t n;

    if (!CHECK(doc)) {
        fprintf(stderr, "  cannot read %s\n", path);
        return;
    }
    set = hb_tidy_columns(&n);
    check_set_documented(doc, set, n);
    set = hb_tidy_summary_columns(&n);
    check_set_documented(doc, set, n);
    st = hb_tidy_summary_stats(&n);
    for (size_t i = 0; i < n; i++) {
        snprintf(name, sizeof name, "<column>_%s", st[i].suffix);
        if (!CHECK(doc_lists(doc, name, st[i].unit ? st[i].unit : "as the column")))
            fprintf(stderr, "  docs/results-format.md lacks the row for %s\n", name);
    }
    free(doc);
}

/* ------------------------------------------------------------------------
 * Summary statistics
 * ------------------------------------------------------------------------ */

TEST(stats_quartiles_check)
{
    double odd[] = { 5, 1, NAN, 3, 2, 4 }, even[] = { 4, 1, 3, 2 }, none[] = { NAN };
    struct hb_stats s;

    hb_stats_compute(odd, 6, &s);
    CHECK_EQ(s.n, 5);
    CHECK(s.median == 3 && s.min == 1 && s.max == 5 && s.q1 == 2 && s.q3 == 4);
    hb_stats_compute(even, 4, &s);
    CHECK(s.median == 2.5 && fabs(s.q1 - 1.75) < 1e-12 && fabs(s.q3 - 3.25) < 1e-12);
    hb_stats_compute(none, 1, &s);
    CHECK_EQ(s.n, 0);
    CHECK(isnan(s.median) && isnan(s.q1) && isnan(s.max));
}

/* ------------------------------------------------------------------------
 * perf counters
 * ------------------------------------------------------------------------ */

/* Each counter is either open or says why not; faults always count. */
TEST(perfctr_soft_failure_check)
{
    struct hb_perfctr p;
    double v[HB_PERF_NR];
    size_t len = 64 * 4096;
    unsigned char *m;

    hb_perfctr_open(&p, false);
    for (int id = 0; id < HB_PERF_NR_HW; id++)
        CHECK(hb_perfctr_available(&p, id) == (hb_perfctr_why(&p, id)[0] == '\0'));
    CHECK(hb_perfctr_available(&p, HB_PERF_FAULTS));
    m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (!CHECK(m != MAP_FAILED))
        return;
    madvise(m, len, MADV_NOHUGEPAGE);
    hb_perfctr_start(&p);
    for (size_t off = 0; off < len; off += 4096)
        m[off] = 1;
    hb_perfctr_stop(&p, v);
    CHECK(v[HB_PERF_FAULTS] >= 64);
    for (int id = 0; id < HB_PERF_NR_HW; id++)
        if (!hb_perfctr_available(&p, id))
            CHECK(isnan(v[id]));
    hb_perfctr_close(&p);
    munmap(m, len);
}

TEST(perfctr_skip_hw_check)
{
    struct hb_perfctr p;
    double v[HB_PERF_NR];

    hb_perfctr_open(&p, true);
    for (int id = 0; id < HB_PERF_NR_HW; id++) {
        CHECK(!hb_perfctr_available(&p, id));
        CHECK_STR(hb_perfctr_why(&p, id), "not requested");
    }
    hb_perfctr_start(&p);
    hb_perfctr_stop(&p, v);
    for (int id = 0; id < HB_PERF_NR_HW; id++)
        CHECK(isnan(v[id]));
    CHECK(v[HB_PERF_FAULTS] >= 0);
    CHECK_STR(hb_perfctr_name(HB_PERF_DTLB_MISSES), "dtlb_misses");
    hb_perfctr_close(&p);
}
