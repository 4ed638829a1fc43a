/*
 * test_compare.c - unit tests for what `heapbench compare` computes with:
 * the CSV reader (bench/compare/csvread.h), the loader of results folders
 * (bench/compare/abrun.h) and the A/B statistics (bench/stats/abstats.h).  Expected values are worked out by hand in each
 * test's comment, so a failure can be judged without running anything.
 */
#include "bench/compare/abrun.h"
#include "bench/stats/abstats.h"
#include "bench/compare/csvread.h"
#include "tests/unit/check.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHECK_NEAR(a, b, tol)                                                \
    ({                                                                       \
        double hb_x_ = (a), hb_y_ = (b);                                     \
        fabs(hb_x_ - hb_y_) <= (tol)                                         \
            ? true                                                           \
            : (hb_check_fail(__FILE__, __LINE__, "%s: expected %.9g, seen %.9g", \
                             #a, hb_y_, hb_x_),                              \
               false);                                                       \
    })

/* ------------------------------------------------------------------------
 * CSV reader
 * ------------------------------------------------------------------------ */

static bool parse(struct hb_csv *csv, const char *text, char *why)
{
    return hb_csv_parse(csv, text, strlen(text), why, 128) == 0;
}

/*
 *   benchmark,what,note         header: 3 columns
 *   "a,b",scan,"say ""hi"""     comma and doubled quotes inside quotes
 *   c,,                         two empty cells
 * Expect: 2 rows, cells decoded, empty cells as "".
 */
TEST(compare_csv_quotes_and_empty_cells_check)
{
    struct hb_csv csv;
    char why[128];

    if (!CHECK(parse(&csv, "benchmark,what,note\n\"a,b\",scan,\"say \"\"hi\"\"\"\nc,,\n", why)))
        return;
    CHECK_EQ(csv.ncols, 3);
    CHECK_EQ(csv.nrows, 2);
    CHECK_STR(hb_csv_get(&csv, 0, 0), "a,b");
    CHECK_STR(hb_csv_get(&csv, 0, 2), "say \"hi\"");
    CHECK_STR(hb_csv_get(&csv, 1, 0), "c");
    CHECK_STR(hb_csv_get(&csv, 1, 1), "");
    CHECK_STR(hb_csv_get(&csv, 1, 2), "");
    CHECK_EQ(hb_csv_col(&csv, "note"), 2);
    CHECK_EQ(hb_csv_col(&csv, "real_ns"), -1);
    CHECK_STR(hb_csv_get(&csv, 5, 0), "");     /* out of range reads as empty */
    hb_csv_free(&csv);
}

/*
 *   <BOM>k,v<CRLF>              byte-order mark, Windows line ends
 *   "two<LF>lines",1<CRLF>      a newline inside quotes is data
 *   <CRLF>                      a blank line is skipped
 *   x,2                         no newline at the end
 * Expect: 2 rows; the header's first name is "k", not BOM + "k".
 */
TEST(compare_csv_crlf_bom_multiline_check)
{
    struct hb_csv csv;
    char why[128];

    if (!CHECK(parse(&csv, "\xef\xbb\xbfk,v\r\n\"two\nlines\",1\r\n\r\nx,2", why)))
        return;
    CHECK_EQ(csv.nrows, 2);
    CHECK_EQ(hb_csv_col(&csv, "k"), 0);
    CHECK_STR(hb_csv_get(&csv, 0, 0), "two\nlines");
    CHECK_STR(hb_csv_get(&csv, 0, 1), "1");
    CHECK_STR(hb_csv_get(&csv, 1, 1), "2");
    hb_csv_free(&csv);
}

/* Malformed inputs: each is refused with the line it went wrong on. */
TEST(compare_csv_malformed_refused_check)
{
    static const struct {
        const char *text, *why;
    } cases[] = {
        { "a,b\n1,2\n3\n", "line 3: 1 fields, header has 2" },
        { "a,b\n1,2,3\n", "line 2: 3 fields, header has 2" },
        { "a,b\n\"1,2\n", "line 2: quote never closed" },
        { "a,b\n\"1\"x,2\n", "line 2: text after a closing quote" },
        { "", "no header line" },
        { "\n\n", "no header line" },
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct hb_csv csv;
        char why[128] = "";
        CHECK(!parse(&csv, cases[i].text, why));
        CHECK_STR(why, cases[i].why);
    }
}

/* A header alone is a table with no rows, not an error. */
TEST(compare_csv_header_only_check)
{
    struct hb_csv csv;
    char why[128];

    if (!CHECK(parse(&csv, "benchmark,real_ns\n", why)))
        return;
    CHECK_EQ(csv.ncols, 2);
    CHECK_EQ(csv.nrows, 0);
    hb_csv_free(&csv);
}

TEST(compare_csv_num_cells_check)
{
    double v = 0;

    CHECK(hb_csv_num("1e3", &v) && v == 1000);
    CHECK(hb_csv_num("-2.5", &v) && v == -2.5);
    CHECK(!hb_csv_num("", &v));
    CHECK(!hb_csv_num("abc", &v));
    CHECK(!hb_csv_num("1.5x", &v));
    CHECK(!hb_csv_num("inf", &v));
    CHECK(!hb_csv_num("nan", &v));
}

/* ------------------------------------------------------------------------
 * Medians and geometric means
 * ------------------------------------------------------------------------ */

TEST(compare_stats_median_geomean_check)
{
    double odd[] = { 3, 1, 2 }, even[] = { 4, 1, 3, 2 };
    double g1[] = { 1, 4 }, g2[] = { 2, 8, 4 }, bad[] = { 2, 0 };

    CHECK_NEAR(hb_median(odd, 3), 2, 0);
    CHECK_NEAR(hb_median(even, 4), 2.5, 0);
    CHECK(isnan(hb_median(odd, 0)));
    CHECK_NEAR(hb_geomean(g1, 2), 2, 1e-12);        /* sqrt(1 * 4) */
    CHECK_NEAR(hb_geomean(g2, 3), 4, 1e-12);        /* cbrt(64) */
    CHECK(isnan(hb_geomean(bad, 2)));               /* a zero has no log */
    CHECK(isnan(hb_geomean(g1, 0)));
}

/* ------------------------------------------------------------------------
 * Mann-Whitney U
 * ------------------------------------------------------------------------ */

/* Identical samples {1..5} and {1..5}: every value tied across the
 * groups, U = 12.5 = mn/2, so z = 0 and p = 1 (normal, tie-corrected). */
TEST(compare_mwu_identical_samples_check)
{
    double a[] = { 1, 2, 3, 4, 5 }, b[] = { 1, 2, 3, 4, 5 };
    struct hb_mwu t;

    if (!CHECK_EQ(hb_mann_whitney(a, 5, b, 5, &t), 0))
        return;
    CHECK_NEAR(t.u, 12.5, 0);
    CHECK_NEAR(t.p, 1, 1e-12);
    CHECK(!t.exact);
}

/* Fully separated, n = 5 each: of C(10,5) = 252 orderings one gives U = 0
 * and one U = 25, so the exact two-sided p is 2/252 = 0.0079365. */
TEST(compare_mwu_separated_exact_check)
{
    double a[] = { 1, 2, 3, 4, 5 }, b[] = { 6, 7, 8, 9, 10 };
    struct hb_mwu t;

    if (!CHECK_EQ(hb_mann_whitney(a, 5, b, 5, &t), 0))
        return;
    CHECK(t.exact);
    CHECK_NEAR(t.u, 0, 0);
    CHECK_NEAR(t.p, 2.0 / 252, 1e-12);
    hb_mann_whitney(b, 5, a, 5, &t);
    CHECK_NEAR(t.u, 25, 0);
    CHECK_NEAR(t.p, 2.0 / 252, 1e-12);
    CHECK_NEAR(hb_mwu_min_p(5, 5), 2.0 / 252, 1e-12);
    CHECK_NEAR(hb_mwu_min_p(3, 3), 0.1, 1e-12);     /* 2 / C(6,3) */
}

/* a = {1,3,5}, b = {2,4,6}: pairs with a > b are (3,2) (5,2) (5,4), U = 3.
 * The counts of U = 0..9 over the 20 orderings are 1 1 2 3 3 3 3 2 1 1,
 * so P(U <= 3) = 7/20 and p = 2 * 7/20 = 0.7. */
TEST(compare_mwu_interleaved_exact_check)
{
    double a[] = { 1, 3, 5 }, b[] = { 2, 4, 6 };
    struct hb_mwu t;

    if (!CHECK_EQ(hb_mann_whitney(a, 3, b, 3, &t), 0))
        return;
    CHECK_NEAR(t.u, 3, 0);
    CHECK_NEAR(t.p, 0.7, 1e-12);
}

/* a = {1,1,2,2}, b = {2,3,3,3}: pooled ranks 1.5 1.5 | 4 4 4 | 7 7 7, so
 * R_a = 11, U = 11 - 4*5/2 = 1.  Ties t = 2, 3, 3: sum(t^3 - t) = 54;
 * var = 16/12 * (9 - 54/56) = 10.7142857; z = (|1 - 8| - 0.5)/sqrt(var)
 * = 1.9857828; p = 2 Q(z) = 0.0470574. */
TEST(compare_mwu_ties_normal_check)
{
    double a[] = { 1, 1, 2, 2 }, b[] = { 2, 3, 3, 3 };
    struct hb_mwu t;

    if (!CHECK_EQ(hb_mann_whitney(a, 4, b, 4, &t), 0))
        return;
    CHECK(!t.exact);
    CHECK_NEAR(t.u, 1, 0);
    CHECK_NEAR(t.p, 0.0470574463, 1e-8);
}

TEST(compare_mwu_empty_refused_check)
{
    double a[] = { 1 };
    struct hb_mwu t;

    CHECK_EQ(hb_mann_whitney(a, 1, a, 0, &t), -1);
}

/* ------------------------------------------------------------------------
 * Hodges-Lehmann interval for the ratio
 * ------------------------------------------------------------------------ */

/* new = 1.1 * base, base spread 4% (10.0..10.4), n = 5 each.  All 25
 * pairwise ratios new_j/base_i lie in 1.1 * [10/10.4, 10.4/10], so the
 * interval (order statistics 3 and 23, U critical value 2 at 5%) lies
 * within that, excludes 1, and the estimate is 1.1 (median ratio). */
TEST(compare_ratio_ci_shift_check)
{
    double b[] = { 10.0, 10.1, 10.2, 10.3, 10.4 }, n[5];
    struct hb_ratio_ci ci;

    for (int i = 0; i < 5; i++)
        n[i] = 1.1 * b[i];
    if (!CHECK_EQ(hb_ratio_ci(b, 5, n, 5, 0.05, &ci), 0))
        return;
    CHECK_NEAR(ci.est, 1.1, 1e-9);
    CHECK(ci.lo > 1.1 * 10 / 10.4 - 1e-12 && ci.lo < 1.1);
    CHECK(ci.hi < 1.1 * 10.4 / 10 + 1e-12 && ci.hi > 1.1);
    CHECK(ci.lo > 1);
    CHECK(!ci.short_cov);
}

/* Two values a side: P(U = 0) = 1/6 > 0.025, no interval reaches 95%;
 * the whole range of pairwise ratios is given and flagged. */
TEST(compare_ratio_ci_too_few_check)
{
    double b[] = { 1, 2 }, n[] = { 2, 4 }, bad[] = { 1, 0 };
    struct hb_ratio_ci ci;

    if (!CHECK_EQ(hb_ratio_ci(b, 2, n, 2, 0.05, &ci), 0))
        return;
    CHECK(ci.short_cov);
    CHECK_NEAR(ci.lo, 1, 1e-12);      /* min of 2/2, 2/1, 4/2, 4/1 */
    CHECK_NEAR(ci.hi, 4, 1e-12);
    CHECK_EQ(hb_ratio_ci(b, 2, bad, 2, 0.05, &ci), -1);
}

/* ------------------------------------------------------------------------
 * Loading results folders
 * ------------------------------------------------------------------------ */

/* A scratch folder and the files written in it, removed by tmp_clean. */
struct tmp {
    char root[64];
    char files[16][PATH_MAX];
    size_t nfiles;
    char dirs[8][PATH_MAX];
    size_t ndirs;
};

static bool tmp_make(struct tmp *t)
{
    *t = (struct tmp){ .root = "/tmp/hb-abrun-XXXXXX" };
    return CHECK(mkdtemp(t->root) != NULL);
}

/* <root>/<sub> as a folder ("" for the root itself): its path in out. */
static void tmp_dir(struct tmp *t, const char *sub, char *out, size_t len)
{
    snprintf(out, len, "%s%s%s", t->root, *sub ? "/" : "", sub);
    if (*sub && !mkdir(out, 0777) && t->ndirs < 8)
        snprintf(t->dirs[t->ndirs++], PATH_MAX, "%s", out);
}

static void tmp_file(struct tmp *t, const char *name, const char *text)
{
    char path[PATH_MAX];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", t->root, name);
    f = fopen(path, "w");
    if (!CHECK(f != NULL))
        return;
    fputs(text, f);
    fclose(f);
    if (t->nfiles < 16)
        snprintf(t->files[t->nfiles++], PATH_MAX, "%s", path);
}

static void tmp_clean(struct tmp *t)
{
    while (t->nfiles)
        unlink(t->files[--t->nfiles]);
    while (t->ndirs)
        rmdir(t->dirs[--t->ndirs]);
    rmdir(t->root);
}

/*
 *   run/a.csv        benchmark,process,real_ns    x in processes 0 and 1,
 *                    x,0,10 / x,0,12 / x,1,11 /   y with an empty cell (a
 *                    y,0, / y,1,20                repetition that did not run)
 *   run/b.csv        benchmark,real_ns            z, no process column
 *                    z,5
 *   run/a_summary.csv, run/skipped.csv            not family CSVs: not read
 *   run/environment.csv  key,value / kernel,6.1
 * Expect: samples x (3 values, units 0, 0, 1), y (1 value), z (1 value,
 * unit 0) in that order; the kernel from environment.csv; a key that is
 * not there is NULL.
 */
TEST(compare_abrun_load_check)
{
    struct hb_abrun_query q = { .metric = "real_ns" };
    struct hb_abrun r;
    struct tmp t;
    char dir[PATH_MAX], why[256] = "";
    const char *dirs[1] = { dir };

    if (!tmp_make(&t))
        return;
    tmp_dir(&t, "", dir, sizeof dir);
    tmp_file(&t, "a.csv", "benchmark,process,real_ns\nx,0,10\nx,0,12\nx,1,11\ny,0,\ny,1,20\n");
    tmp_file(&t, "b.csv", "benchmark,real_ns\nz,5\n");
    tmp_file(&t, "a_summary.csv", "benchmark,real_ns_median\nx,11\n");
    tmp_file(&t, "skipped.csv", "benchmark,reason\nw,no memory\n");
    tmp_file(&t, "environment.csv", "key,value\nkernel,6.1\n");
    if (CHECK_EQ(hb_abrun_load(&r, dirs, 1, &q, why, sizeof why), 0) && CHECK_EQ(r.n, 3)) {
        CHECK_STR(r.s[0].name, "x");
        CHECK_EQ(r.s[0].n, 3);
        CHECK_EQ(r.s[0].unit[0], 0);
        CHECK_EQ(r.s[0].unit[2], 1);
        CHECK_NEAR(r.s[0].x[1], 12, 0);
        CHECK_STR(r.s[1].name, "y");
        CHECK_EQ(r.s[1].n, 1);
        CHECK_STR(r.s[2].name, "z");
        CHECK_STR(hb_abrun_env(&r, "kernel"), "6.1");
        CHECK(hb_abrun_env(&r, "date") == NULL);
    }
    hb_abrun_free(&r);
    tmp_clean(&t);
}

/*
 *   top/r1/x.csv, top/r2/x.csv   a folder of run folders (heapbench ab)
 * Expect: one sample of 2 values whose units tell the folders apart (the
 * top folder counts as folder 0, r1 as 1, r2 as 2).
 */
TEST(compare_abrun_folder_of_runs_check)
{
    struct hb_abrun_query q = { .metric = "real_ns" };
    struct hb_abrun r;
    struct tmp t;
    char dir[PATH_MAX], sub[PATH_MAX], why[256] = "";
    const char *dirs[1] = { dir };

    if (!tmp_make(&t))
        return;
    tmp_dir(&t, "", dir, sizeof dir);
    tmp_dir(&t, "r1", sub, sizeof sub);
    tmp_dir(&t, "r2", sub, sizeof sub);
    tmp_file(&t, "r1/x.csv", "benchmark,real_ns\nb,1\n");
    tmp_file(&t, "r2/x.csv", "benchmark,real_ns\nb,2\n");
    if (CHECK_EQ(hb_abrun_load(&r, dirs, 1, &q, why, sizeof why), 0) && CHECK_EQ(r.n, 1) &&
        CHECK_EQ(r.s[0].n, 2)) {
        CHECK_EQ(r.s[0].unit[0], 1 * HB_ABRUN_PROCS);
        CHECK_EQ(r.s[0].unit[1], 2 * HB_ABRUN_PROCS);
        CHECK(!r.has_env);
    }
    hb_abrun_free(&r);
    tmp_clean(&t);
}

/* Each bad folder: -EINVAL and a message naming the file or folder and
 * the bad value. */
TEST(compare_abrun_refusals_check)
{
    static const struct {
        const char *file, *text, *metric, *says;
    } bad[] = {
        { "x.csv", "what,real_ns\nx,1\n", "real_ns", "x.csv: missing column: benchmark" },
        { "x.csv", "benchmark,what\nb,x\n", "real_ns", "x.csv: missing column: real_ns" },
        { "x.csv", "benchmark,real_ns\nb,-1\n", "real_ns", "x.csv: row 1: bad real_ns: '-1'" },
        { "x.csv", "benchmark,real_ns,process\nb,1,-2\n", "real_ns", "x.csv: row 1: bad real_ns" },
        { "x.csv", "benchmark,real_ns\n,1\n", "real_ns", "x.csv: row 1: bad benchmark: ''" },
        { "x.csv", "benchmark,real_ns\n\"b,1\n", "real_ns", "x.csv: line 2" },
        { "x.csv", "benchmark,real_ns\nb,1\n", "boot_ns", "no benchmark with a boot_ns value" },
        { "notes.txt", "hello\n", "real_ns", "no benchmark CSV in" },
    };

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct hb_abrun_query q = { .metric = bad[i].metric };
        struct hb_abrun r;
        struct tmp t;
        char dir[PATH_MAX], why[256] = "";
        const char *dirs[1] = { dir };

        if (!tmp_make(&t))
            return;
        tmp_dir(&t, "", dir, sizeof dir);
        tmp_file(&t, bad[i].file, bad[i].text);
        CHECK_EQ(hb_abrun_load(&r, dirs, 1, &q, why, sizeof why), -EINVAL);
        if (!CHECK(strstr(why, bad[i].says) != NULL))
            hb_check_fail(__FILE__, __LINE__, "case %zu: \"%s\"", i, why);
        hb_abrun_free(&r);
        tmp_clean(&t);
    }
}

/* A path that is not a folder: refused before anything is read. */
TEST(compare_abrun_not_a_folder_check)
{
    struct hb_abrun_query q = { .metric = "real_ns" };
    struct hb_abrun r;
    const char *dirs[1] = { "/nonexistent/hb-abrun" };
    char why[256] = "";

    CHECK_EQ(hb_abrun_load(&r, dirs, 1, &q, why, sizeof why), -EINVAL);
    CHECK_STR(why, "compare: not a results folder: /nonexistent/hb-abrun");
    hb_abrun_free(&r);
}

/*
 *   base: a b c        new: c a d
 * Expect: pairs (a, a) and (c, c) in the base side's order; b only in
 * base, d only in new.
 */
TEST(compare_abrun_match_check)
{
    struct hb_abrun_sample bs[] = { { .name = "a" }, { .name = "b" }, { .name = "c" } };
    struct hb_abrun_sample ns[] = { { .name = "c" }, { .name = "a" }, { .name = "d" } };
    struct hb_abrun base = { .s = bs, .n = 3 }, new_ = { .s = ns, .n = 3 };
    struct hb_abrun_match m;

    if (!CHECK_EQ(hb_abrun_match(&base, &new_, &m), 0))
        return;
    if (CHECK_EQ(m.n, 2)) {
        CHECK(m.pair[0].base == &bs[0] && m.pair[0].new_ == &ns[1]);
        CHECK(m.pair[1].base == &bs[2] && m.pair[1].new_ == &ns[0]);
    }
    CHECK_EQ(m.only_base, 1);
    CHECK_EQ(m.only_new, 1);
    hb_abrun_match_free(&m);
}

/* The files of a run folder by family: present, absent (-ENOENT) and
 * malformed (-EINVAL naming the file); which names are family CSVs. */
TEST(compare_abrun_family_files_check)
{
    struct hb_csv csv;
    struct tmp t;
    char dir[PATH_MAX], why[PATH_MAX + 300] = "";

    CHECK(hb_abrun_is_family_csv("init.csv"));
    CHECK(!hb_abrun_is_family_csv("init_summary.csv"));
    CHECK(!hb_abrun_is_family_csv("environment.csv"));
    CHECK(!hb_abrun_is_family_csv("xen_fidelity.csv"));
    CHECK(!hb_abrun_is_family_csv("xen_variants.csv"));
    CHECK(!hb_abrun_is_family_csv("xen_variants_model.csv"));
    CHECK(!hb_abrun_is_family_csv("skipped.csv"));
    CHECK(!hb_abrun_is_family_csv(".init.csv"));
    CHECK(!hb_abrun_is_family_csv("gbench.json"));
    if (!tmp_make(&t))
        return;
    tmp_dir(&t, "", dir, sizeof dir);
    tmp_file(&t, "init_summary.csv", "benchmark,real_ns_median\nb,1\n");
    tmp_file(&t, "free.csv", "benchmark,real_ns\n\"b,1\n");
    if (CHECK_EQ(hb_abrun_family_csv(&csv, dir, "init", true, why, sizeof why), 0)) {
        CHECK_EQ(csv.nrows, 1);
        hb_csv_free(&csv);
    }
    CHECK_EQ(hb_abrun_family_csv(&csv, dir, "init", false, why, sizeof why), -ENOENT);
    CHECK_EQ(hb_abrun_family_csv(&csv, dir, "free", false, why, sizeof why), -EINVAL);
    CHECK(strstr(why, "/free.csv: line 2") != NULL);
    tmp_clean(&t);
}
