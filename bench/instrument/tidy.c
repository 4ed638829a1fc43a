/*
 * tidy.c - turn Google Benchmark's runs into tidy CSV (see tidy.h).
 *
 * Everything is kept in memory until the run ends: the ratio column needs
 * the baseline's medians, and a family's parameter columns are the union,
 * in first-seen order, of its benchmarks' parameters.  Runs are few
 * (benchmarks x repetitions), so linear searches are fine.
 */
#define _GNU_SOURCE
#include "bench/instrument/tidy.h"
#include "bench/base/vec.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HB_MAX_COLS 64

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------------
 * Names
 * ------------------------------------------------------------------------ */

static bool in_set(const struct hb_column *c, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (c[i].name[0] && !strcmp(key, c[i].name))
            return true;
    return false;
}

/* A key that would collide with a fixed column of either CSV. */
static bool reserved_column(const char *key)
{
    size_t nr, ns;
    const struct hb_column *rc = hb_tidy_columns(&nr), *sc = hb_tidy_summary_columns(&ns);

    return in_set(rc, nr, key) || in_set(sc, ns, key) || !strncmp(key, "param_", 6);
}

static int copy_piece(char *dst, size_t len, const char *src, size_t n)
{
    if (n >= len)
        return -EINVAL;
    memcpy(dst, src, n);
    dst[n] = '\0';
    return 0;
}

/* One "key:value" or bare segment after family and what. */
static int add_segment(struct hb_name *o, const char *s, size_t n, unsigned *bare)
{
    struct hb_param *p;
    const char *colon = memchr(s, ':', n);
    char key[sizeof o->p[0].key - sizeof "param_" + 1];  /* room for the prefix */

    if (o->nr == HB_MAX_PARAMS)
        return -EINVAL;
    p = &o->p[o->nr];
    if (colon) {
        if (copy_piece(key, sizeof key, s, (size_t)(colon - s)) ||
            copy_piece(p->value, sizeof p->value, colon + 1, n - (size_t)(colon - s) - 1))
            return -EINVAL;
        snprintf(p->key, sizeof p->key, "%s%s", reserved_column(key) ? "param_" : "", key);
    } else if ((n == 9 && !memcmp(s, "real_time", 9)) ||
               (n == 11 && !memcmp(s, "manual_time", 11))) {
        snprintf(p->key, sizeof p->key, "time");
        snprintf(p->value, sizeof p->value, "%s", *s == 'r' ? "real" : "manual");
    } else {
        snprintf(p->key, sizeof p->key, "arg%u", (*bare)++);
        if (copy_piece(p->value, sizeof p->value, s, n))
            return -EINVAL;
    }
    o->nr++;
    return 0;
}

int hb_name_parse(const char *name, struct hb_name *o)
{
    const char *s = name, *e;
    unsigned seg = 0, bare = 0;

    memset(o, 0, sizeof *o);
    if (!name || !*name)
        return -EINVAL;
    for (;; s = e + 1, seg++) {
        size_t n;
        int rc = 0;

        e = strchr(s, '/');
        n = e ? (size_t)(e - s) : strlen(s);
        if (seg == 0)
            rc = copy_piece(o->family, sizeof o->family, s, n);
        else if (seg == 1 && !memchr(s, ':', n))
            rc = copy_piece(o->what, sizeof o->what, s, n);
        else if (n)
            rc = add_segment(o, s, n, &bare);
        if (rc)
            return rc;
        if (!e)
            break;
    }
    return o->family[0] ? 0 : -EINVAL;
}

const char *hb_name_param(const struct hb_name *n, const char *key)
{
    for (unsigned i = 0; i < n->nr; i++)
        if (!strcmp(n->p[i].key, key))
            return n->p[i].value;
    return NULL;
}

/* ------------------------------------------------------------------------
 * Collecting runs
 * ------------------------------------------------------------------------ */

/* "baseline=read" as a word of the label. */
static bool label_wants_read(const char *label)
{
    const char *w = "baseline=read";
    size_t n = strlen(w);

    for (const char *p = label ? strstr(label, w) : NULL; p; p = strstr(p + 1, w))
        if ((p == label || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
            return true;
    return false;
}

static int add_skip(struct hb_results *r, const struct hb_gb_run *run)
{
    for (size_t i = 0; i < r->nr_skips; i++)
        if (!strcmp(r->skips[i].name, run->name))
            return 0;
    if (hb_vec_grow((void **)&r->skips, &r->cap_skips, r->nr_skips + 1, sizeof *r->skips))
        return -ENOMEM;
    r->skips[r->nr_skips].name = strdup(run->name);
    r->skips[r->nr_skips].message = strdup(run->error_message ? run->error_message : "");
    if (!r->skips[r->nr_skips].name || !r->skips[r->nr_skips].message)
        return -ENOMEM;
    r->nr_skips++;
    return 0;
}

/* Sort one counter into its column. */
static int add_counter(struct hb_row *row, const char *name, double v)
{
    struct hb_counter_kv *o;

    if (!strcmp(name, "pages")) {
        row->pages = v;
        return 0;
    }
    if (!strcmp(name, "bytes")) {
        row->bytes = v;
        return 0;
    }
    for (int id = 0; id < HB_PERF_NR; id++)
        if (!strcmp(name, hb_perfctr_name(id))) {
            row->perf[id] = v;
            return 0;
        }
    if (hb_vec_grow((void **)&row->other, &row->cap_other, row->nr_other + 1, sizeof *o))
        return -ENOMEM;
    o = row->other;
    o[row->nr_other].name = strdup(name);
    o[row->nr_other].value = v;
    if (!o[row->nr_other].name)
        return -ENOMEM;
    row->nr_other++;
    return 0;
}

static void row_free(struct hb_row *row)
{
    free(row->name);
    free(row->count_note);
    for (size_t i = 0; i < row->nr_other; i++)
        free(row->other[i].name);
    free(row->other);
}

int hb_results_add(struct hb_results *r, const struct hb_gb_run *run)
{
    struct hb_row row;

    if (run->error)
        return add_skip(r, run);
    memset(&row, 0, sizeof row);
    if (hb_name_parse(run->name, &row.n))
        return -EINVAL;
    row.repetition = run->repetition;
    row.process = run->process;
    row.iterations = run->iterations;
    row.real_ns = run->real_ns;
    row.cpu_ns = run->cpu_ns;
    row.pages = row.bytes = NAN;
    for (int id = 0; id < HB_PERF_NR; id++)
        row.perf[id] = NAN;
    for (int id = 0; id < HB_EXACT_NR; id++)
        row.exact[id] = NAN;
    row.read_baseline = label_wants_read(run->label);
    row.name = strdup(run->name);
    for (size_t i = 0; row.name && i < run->nr_counters; i++)
        if (add_counter(&row, run->counters[i].name, run->counters[i].value))
            break;
    if (!row.name || hb_vec_grow((void **)&r->rows, &r->cap, r->nr + 1, sizeof row)) {
        row_free(&row);
        return -ENOMEM;
    }
    r->rows[r->nr++] = row;
    return 0;
}

/* The segment of a name at s (up to '/' or the end), skipping Google
 * Benchmark's own (iterations:N, min_time:S, manual_time, real_time), which
 * a registered name lacks; NULL at the end. */
static const char *next_segment(const char *s, size_t *n)
{
    while (*s) {
        const char *e = strchr(s, '/');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        bool gb = !strncmp(s, "iterations:", 11) || !strncmp(s, "min_time:", 9) ||
                  (len == 11 && !memcmp(s, "manual_time", 11)) ||
                  (len == 9 && !memcmp(s, "real_time", 9));
        if (!gb) {
            *n = len;
            return s;
        }
        s += len + (e ? 1 : 0);
    }
    return NULL;
}

bool hb_same_benchmark(const char *a, const char *b)
{
    size_t na, nb;

    for (;;) {
        a = next_segment(a, &na);
        b = next_segment(b, &nb);
        if (!a || !b)
            return !a && !b;
        if (na != nb || memcmp(a, b, na))
            return false;
        a += na + (a[na] ? 1 : 0);
        b += nb + (b[nb] ? 1 : 0);
    }
}

long hb_results_set_count(struct hb_results *r, const char *name, double instructions,
                          const double exact[HB_EXACT_NR], const char *note)
{
    long n = 0;

    for (size_t i = 0; i < r->nr; i++) {
        struct hb_row *row = &r->rows[i];
        if (!hb_same_benchmark(row->name, name))
            continue;
        row->perf[HB_PERF_INSTRUCTIONS] = instructions;
        for (int id = 0; id < HB_EXACT_NR; id++)
            row->exact[id] = exact[id];
        free(row->count_note);
        row->count_note = note && *note ? strdup(note) : NULL;
        if (note && *note && !row->count_note)
            return -ENOMEM;
        n++;
    }
    return n;
}

long hb_results_set_counter(struct hb_results *r, const char *name, const char *counter,
                            double v)
{
    long n = 0;

    for (size_t i = 0; i < r->nr; i++) {
        struct hb_row *row = &r->rows[i];
        size_t k = 0;
        if (!hb_same_benchmark(row->name, name))
            continue;
        while (k < row->nr_other && strcmp(row->other[k].name, counter))
            k++;
        if (k < row->nr_other)
            row->other[k].value = v;
        else if (add_counter(row, counter, v))
            return -ENOMEM;
        n++;
    }
    return n;
}

void hb_results_free(struct hb_results *r)
{
    for (size_t i = 0; i < r->nr; i++)
        row_free(&r->rows[i]);
    for (size_t i = 0; i < r->nr_skips; i++) {
        free(r->skips[i].name);
        free(r->skips[i].message);
    }
    free(r->rows);
    free(r->skips);
    memset(r, 0, sizeof *r);
}


/* ------------------------------------------------------------------------
 * Column sets: the one place that says what each CSV holds
 * ------------------------------------------------------------------------ */

static const char *t_name(const struct hb_row *row) { return row->name; }
static const char *t_what(const struct hb_row *row) { return row->n.what; }
static const char *t_baseline(const struct hb_row *row) { return row->baseline; }
static const char *t_count_note(const struct hb_row *row) { return row->count_note; }

static double c_repetition(const struct hb_row *row, int a) { (void)a; return (double)row->repetition; }
static double c_process(const struct hb_row *row, int a) { (void)a; return (double)row->process; }
static double c_iterations(const struct hb_row *row, int a) { (void)a; return (double)row->iterations; }
static double c_real_ns(const struct hb_row *row, int a) { (void)a; return row->real_ns; }
static double c_cpu_ns(const struct hb_row *row, int a) { (void)a; return row->cpu_ns; }
static double c_pages(const struct hb_row *row, int a) { (void)a; return row->pages; }
static double c_bytes(const struct hb_row *row, int a) { (void)a; return row->bytes; }
static double c_ns_per_page(const struct hb_row *row, int a) { (void)a; return row->ns_per_page; }
static double c_ms_per_gib(const struct hb_row *row, int a) { (void)a; return row->ms_per_gib; }
static double c_gbps(const struct hb_row *row, int a) { (void)a; return row->gbps; }
static double c_baseline_gbps(const struct hb_row *row, int a) { (void)a; return row->baseline_gbps; }
static double c_ratio(const struct hb_row *row, int a) { (void)a; return row->ratio; }
static double c_perf(const struct hb_row *row, int id) { return row->perf[id]; }
static double c_exact(const struct hb_row *row, int id) { return row->exact[id]; }
/* A hardware counter per page of modelled RAM. */
static double c_perf_per_page(const struct hb_row *row, int id)
{
    return row->pages > 0 ? row->perf[id] / row->pages : NAN;
}

#define KEY(n, fn) { n, "text", HB_COL_KEY, 0, NULL, fn, NULL }
#define NUM(n, u, fn) { n, u, HB_COL_NUM, 0, fn, NULL, NULL }
#define PERF(n, u, fn, id) { n, u, HB_COL_NUM, id, fn, NULL, NULL }
#define STANDIN(kind) { "", "", kind, 0, NULL, NULL, NULL }

/* <family>.csv: one row per repetition of each benchmark.  Numbers are
 * per iteration (Google Benchmark's averages). */
static const struct hb_column row_columns[] = {
    KEY("benchmark", t_name),
    KEY("what", t_what),
    STANDIN(HB_COL_PARAMS),
    { "repetition", "index", HB_COL_INDEX, 0, c_repetition, NULL, NULL },
    { "process", "index", HB_COL_INDEX, 0, c_process, NULL, NULL },
    NUM("iterations", "count", c_iterations),
    NUM("real_ns", "ns", c_real_ns),
    NUM("cpu_ns", "ns", c_cpu_ns),
    NUM("pages", "pages", c_pages),
    NUM("bytes", "bytes", c_bytes),
    NUM("ns_per_page", "ns/page", c_ns_per_page),
    NUM("ms_per_gib", "ms/GiB", c_ms_per_gib),
    NUM("gbps", "GB/s", c_gbps),
    { "baseline", "text", HB_COL_TEXT, 0, NULL, t_baseline, NULL },
    NUM("baseline_gbps", "GB/s", c_baseline_gbps),
    NUM("ratio", "ratio", c_ratio),
    PERF("faults", "count", c_perf, HB_PERF_FAULTS),
    PERF("cycles", "count", c_perf, HB_PERF_CYCLES),
    PERF("instructions", "count", c_perf, HB_PERF_INSTRUCTIONS),
    PERF("cache_misses", "count", c_perf, HB_PERF_CACHE_MISSES),
    PERF("dtlb_misses", "count", c_perf, HB_PERF_DTLB_MISSES),
    PERF("cycles_per_page", "count/page", c_perf_per_page, HB_PERF_CYCLES),
    PERF("instructions_per_page", "count/page", c_perf_per_page, HB_PERF_INSTRUCTIONS),
    PERF("cache_misses_per_page", "count/page", c_perf_per_page, HB_PERF_CACHE_MISSES),
    PERF("dtlb_misses_per_page", "count/page", c_perf_per_page, HB_PERF_DTLB_MISSES),
    PERF("data_reads", "count", c_exact, HB_EXACT_DATA_READS),
    PERF("data_writes", "count", c_exact, HB_EXACT_DATA_WRITES),
    PERF("cond_branches", "count", c_exact, HB_EXACT_COND_BRANCHES),
    { "count_note", "text", HB_COL_TEXT, 0, NULL, t_count_note, NULL },
    STANDIN(HB_COL_COUNTERS),
};

static size_t g_reps(const struct hb_row *const *rows, size_t n);
static size_t g_processes(const struct hb_row *const *rows, size_t n);

/* <family>_summary.csv: one row per benchmark. */
static const struct hb_column summary_columns[] = {
    KEY("benchmark", t_name),
    KEY("what", t_what),
    STANDIN(HB_COL_PARAMS),
    { "reps", "count", HB_COL_COUNT, 0, NULL, NULL, g_reps },
    { "processes", "count", HB_COL_COUNT, 0, NULL, NULL, g_processes },
    STANDIN(HB_COL_STATS),
};

/* Summarised first, in this order (the first summaries had only these);
 * then every other NUM column in the order of row_columns, then the
 * family's counters. */
static const char *const summary_first[] = { "real_ns", "ns_per_page", "ratio", "gbps" };

static double s_median(const struct hb_stats *s, const struct hb_hier *h) { (void)s; return h->median; }
static double s_min(const struct hb_stats *s, const struct hb_hier *h) { (void)h; return s->min; }
static double s_max(const struct hb_stats *s, const struct hb_hier *h) { (void)h; return s->max; }
static double s_q1(const struct hb_stats *s, const struct hb_hier *h) { (void)h; return s->q1; }
static double s_q3(const struct hb_stats *s, const struct hb_hier *h) { (void)h; return s->q3; }
static double s_mean(const struct hb_stats *s, const struct hb_hier *h) { (void)s; return h->mean; }
static double s_ci_lo(const struct hb_stats *s, const struct hb_hier *h) { (void)s; return h->ci_lo; }
static double s_ci_hi(const struct hb_stats *s, const struct hb_hier *h) { (void)s; return h->ci_hi; }
static double s_cv_between(const struct hb_stats *s, const struct hb_hier *h) { (void)s; return h->cv_between; }
static double s_cv_within(const struct hb_stats *s, const struct hb_hier *h) { (void)s; return h->cv_within; }
static double s_mde_pct(const struct hb_stats *s, const struct hb_hier *h) { (void)s; return h->mde_pct; }

/* The median and the mean are over processes (of per-process medians;
 * the mean geometric unless one is <= 0), the interval is the mean's (t
 * over processes); min, max and quartiles over every repetition. */
static const struct hb_stat_column summary_stats[] = {
    { "median", NULL, s_median },
    { "min", NULL, s_min },
    { "max", NULL, s_max },
    { "q1", NULL, s_q1 },
    { "q3", NULL, s_q3 },
    { "mean", NULL, s_mean },
    { "ci_lo", NULL, s_ci_lo },
    { "ci_hi", NULL, s_ci_hi },
    { "cv_between", "fraction", s_cv_between },
    { "cv_within", "fraction", s_cv_within },
    { "mde_pct", "%", s_mde_pct },
};

const struct hb_column *hb_tidy_columns(size_t *n)
{
    *n = ARRAY_SIZE(row_columns);
    return row_columns;
}

const struct hb_column *hb_tidy_summary_columns(size_t *n)
{
    *n = ARRAY_SIZE(summary_columns);
    return summary_columns;
}

const struct hb_stat_column *hb_tidy_summary_stats(size_t *n)
{
    *n = ARRAY_SIZE(summary_stats);
    return summary_stats;
}

static const struct hb_column *row_column(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(row_columns); i++)
        if (!strcmp(row_columns[i].name, name))
            return &row_columns[i];
    return NULL;
}

/* ------------------------------------------------------------------------
 * A benchmark's rows
 * ------------------------------------------------------------------------ */

/* Every repetition of one benchmark, in the order they were added. */
struct bench_rows {
    const struct hb_row **row;
    size_t n;
};

/* A family's rows, benchmark by benchmark: one sort instead of a search
 * of every row per benchmark (a default run has thousands of rows). */
struct family_rows {
    const struct hb_row **row;        /* sorted by name, then position */
    struct bench_rows *bench;         /* slices of row, first-seen order */
    size_t nr_bench;
};

static int by_name_then_position(const void *a, const void *b)
{
    const struct hb_row *x = *(const struct hb_row *const *)a;
    const struct hb_row *y = *(const struct hb_row *const *)b;
    int c = strcmp(x->name, y->name);

    return c ? c : (x > y) - (x < y);
}

static int by_first_row(const void *a, const void *b)
{
    const struct hb_row *x = ((const struct bench_rows *)a)->row[0];
    const struct hb_row *y = ((const struct bench_rows *)b)->row[0];

    return (x > y) - (x < y);
}

static int family_rows_of(const struct hb_results *r, const char *family,
                          struct family_rows *fr)
{
    size_t n = 0;

    fr->nr_bench = 0;
    fr->row = malloc((r->nr ? r->nr : 1) * sizeof *fr->row);
    fr->bench = malloc((r->nr ? r->nr : 1) * sizeof *fr->bench);
    if (!fr->row || !fr->bench)
        return -ENOMEM;
    for (size_t i = 0; i < r->nr; i++)
        if (!strcmp(r->rows[i].n.family, family))
            fr->row[n++] = &r->rows[i];
    qsort(fr->row, n, sizeof *fr->row, by_name_then_position);
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || strcmp(fr->row[i]->name, fr->row[i - 1]->name))
            fr->bench[fr->nr_bench++] = (struct bench_rows){ &fr->row[i], 0 };
        fr->bench[fr->nr_bench - 1].n++;
    }
    qsort(fr->bench, fr->nr_bench, sizeof *fr->bench, by_first_row);
    return 0;
}

/* Median over a benchmark's repetitions of one column. */
static double median_of(const struct hb_results *r, const char *name,
                        double (*num)(const struct hb_row *, int))
{
    double *v = malloc((r->nr ? r->nr : 1) * sizeof *v);
    struct hb_stats s = { .median = NAN };
    size_t n = 0;

    if (!v)
        return NAN;
    for (size_t i = 0; i < r->nr; i++)
        if (!strcmp(r->rows[i].name, name))
            v[n++] = num(&r->rows[i], 0);
    hb_stats_compute(v, n, &s);
    free(v);
    return s.median;
}

double hb_results_median_real_ns(const struct hb_results *r, const char *name)
{
    return median_of(r, name, c_real_ns);
}

/* Repetitions with a time. */
static size_t g_reps(const struct hb_row *const *rows, size_t n)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++)
        k += isfinite(rows[i]->real_ns) != 0;
    return k;
}

/* Processes with at least one repetition with a time. */
static size_t g_processes(const struct hb_row *const *rows, size_t n)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        bool seen = false;
        if (!isfinite(rows[i]->real_ns))
            continue;
        for (size_t j = 0; j < i && !seen; j++)
            seen = rows[j]->process == rows[i]->process && isfinite(rows[j]->real_ns);
        k += !seen;
    }
    return k;
}

/* ------------------------------------------------------------------------
 * Derived columns and the baseline
 * ------------------------------------------------------------------------ */

static double positive(double v)
{
    return isfinite(v) && v > 0 ? v : NAN;
}

static long threads_of(const struct hb_row *row)
{
    const char *t = hb_name_param(&row->n, "threads");
    long v = t ? strtol(t, NULL, 10) : 1;

    return v > 0 ? v : 1;
}

/* Buffer size of a baseline row: its "bytes" parameter. */
static double buffer_of(const struct hb_row *row)
{
    const char *b = hb_name_param(&row->n, "param_bytes");

    return b ? strtod(b, NULL) : NAN;
}

static bool is_baseline_of(const struct hb_row *b, const char *what, long threads)
{
    return !strcmp(b->n.family, "baseline") && !strcmp(b->n.what, what) &&
           threads_of(b) == threads && isfinite(buffer_of(b));
}

/* The baseline row (any repetition) for `need` bytes: see tidy.h. */
static const struct hb_row *pick_baseline(const struct hb_results *r, const char *what,
                                          long threads, double need)
{
    const struct hb_row *fit = NULL, *largest = NULL;

    for (size_t i = 0; i < r->nr; i++) {
        const struct hb_row *b = &r->rows[i];
        double size = buffer_of(b);

        if (!is_baseline_of(b, what, threads))
            continue;
        if (!largest || size > buffer_of(largest))
            largest = b;
        if (size >= need && (!fit || size < buffer_of(fit)))
            fit = b;
    }
    if (!fit && !largest && threads != 1)
        return pick_baseline(r, what, 1, need);
    return fit ? fit : largest;
}

static void derive_row(struct hb_results *r, struct hb_row *row)
{
    const struct hb_row *b;
    double pages = positive(row->pages), bytes = positive(row->bytes), gbps;

    row->ns_per_page = row->real_ns / pages;
    row->ms_per_gib = row->ns_per_page * 262144.0 / 1e6;
    row->gbps = bytes / row->real_ns;
    row->baseline = NULL;
    row->baseline_gbps = row->ratio = NAN;
    if (!isfinite(bytes) || !isfinite(row->real_ns))
        return;
    if (!strcmp(row->n.family, "baseline"))
        b = row;
    else
        b = pick_baseline(r, row->read_baseline ? "read" : "memset", threads_of(row),
                          bytes * (double)threads_of(row));
    if (!b)
        return;
    gbps = median_of(r, b->name, c_gbps);
    if (!isfinite(gbps) || gbps <= 0)
        return;
    row->baseline = b->name;
    row->baseline_gbps = gbps;
    row->ratio = row->real_ns / (bytes / gbps);
}

/* Two passes: the baseline rows' own gbps first, then everything else. */
void hb_results_derive(struct hb_results *r)
{
    for (size_t i = 0; i < r->nr; i++) {
        struct hb_row *row = &r->rows[i];
        row->gbps = positive(row->bytes) / row->real_ns;
    }
    for (size_t i = 0; i < r->nr; i++)
        derive_row(r, &r->rows[i]);
}

/* ------------------------------------------------------------------------
 * CSV fields
 * ------------------------------------------------------------------------ */

void hb_tidy_field(FILE *f, const char *s)
{
    if (!s)
        return;
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* Integers exactly, everything else with 10 significant digits. */
void hb_tidy_num(FILE *f, double v)
{
    if (!isfinite(v))
        return;
    if (v == floor(v) && fabs(v) < 9007199254740992.0)
        fprintf(f, "%.0f", v);
    else
        fprintf(f, "%.10g", v);
}

size_t hb_results_families(const struct hb_results *r, const char **fam, size_t max)
{
    size_t n = 0;

    for (size_t i = 0; i < r->nr; i++) {
        size_t j;

        for (j = 0; j < n && j < max; j++)
            if (!strcmp(fam[j], r->rows[i].n.family))
                break;
        if (j < n)
            continue;
        if (n < max)
            fam[n] = r->rows[i].n.family;
        n++;
    }
    return n;
}

/* ------------------------------------------------------------------------
 * A family's columns: the tables with their stand-ins filled in
 * ------------------------------------------------------------------------ */

/* Names in first-seen order. */
struct names {
    const char *name[HB_MAX_COLS];
    size_t n;
};

static void names_add(struct names *c, const char *name)
{
    for (size_t i = 0; i < c->n; i++)
        if (!strcmp(c->name[i], name))
            return;
    if (c->n < HB_MAX_COLS)
        c->name[c->n++] = name;
}

/* One summarised column: a NUM column of the table, or a counter. */
struct metric {
    const struct hb_column *col;      /* NULL: the counter `name` */
    const char *name;
};

struct family {
    const char *name;
    struct names params, counters;
    struct metric metric[ARRAY_SIZE(row_columns) + HB_MAX_COLS];
    size_t nr_metric;
};

static void family_metrics(struct family *fam)
{
    fam->nr_metric = 0;
    for (size_t i = 0; i < ARRAY_SIZE(summary_first); i++)
        fam->metric[fam->nr_metric++] = (struct metric){ row_column(summary_first[i]),
                                                         summary_first[i] };
    for (size_t i = 0; i < ARRAY_SIZE(row_columns); i++) {
        const struct hb_column *c = &row_columns[i];
        bool first = false;
        for (size_t k = 0; k < ARRAY_SIZE(summary_first); k++)
            first |= !strcmp(c->name, summary_first[k]);
        if (c->kind == HB_COL_NUM && !first)
            fam->metric[fam->nr_metric++] = (struct metric){ c, c->name };
    }
    for (size_t i = 0; i < fam->counters.n; i++)
        fam->metric[fam->nr_metric++] = (struct metric){ NULL, fam->counters.name[i] };
}

static void family_init(const struct hb_results *r, const char *name, struct family *fam)
{
    fam->name = name;
    fam->params.n = fam->counters.n = 0;
    for (size_t i = 0; i < r->nr; i++) {
        const struct hb_row *row = &r->rows[i];
        if (strcmp(row->n.family, name))
            continue;
        for (unsigned k = 0; k < row->n.nr; k++)
            names_add(&fam->params, row->n.p[k].key);
        for (size_t k = 0; k < row->nr_other; k++)
            names_add(&fam->counters, row->other[k].name);
    }
    family_metrics(fam);
}

static double counter_value(const struct hb_row *row, const char *name)
{
    for (size_t i = 0; i < row->nr_other; i++)
        if (!strcmp(row->other[i].name, name))
            return row->other[i].value;
    return NAN;
}

static double metric_value(const struct metric *m, const struct hb_row *row)
{
    return m->col ? m->col->num(row, m->col->arg) : counter_value(row, m->name);
}

/* ------------------------------------------------------------------------
 * Writing a column set
 * ------------------------------------------------------------------------ */

static void put_names(FILE *f, const struct names *c, bool *first)
{
    for (size_t i = 0; i < c->n; i++) {
        if (!*first)
            fputc(',', f);
        *first = false;
        hb_tidy_field(f, c->name[i]);
    }
}

static void put_name(FILE *f, const char *name, const char *suffix, bool *first)
{
    char buf[160];

    snprintf(buf, sizeof buf, "%s%s%s", name, suffix ? "_" : "", suffix ? suffix : "");
    if (!*first)
        fputc(',', f);
    *first = false;
    hb_tidy_field(f, buf);
}

static void write_header(FILE *f, const struct hb_column *set, size_t n,
                         const struct family *fam)
{
    bool first = true;

    for (size_t i = 0; i < n; i++) {
        switch (set[i].kind) {
        case HB_COL_PARAMS:
            put_names(f, &fam->params, &first);
            break;
        case HB_COL_COUNTERS:
            put_names(f, &fam->counters, &first);
            break;
        case HB_COL_STATS:
            for (size_t m = 0; m < fam->nr_metric; m++)
                for (size_t k = 0; k < ARRAY_SIZE(summary_stats); k++)
                    put_name(f, fam->metric[m].name, summary_stats[k].suffix, &first);
            break;
        default:
            put_name(f, set[i].name, NULL, &first);
        }
    }
    fputc('\n', f);
}

/* The statistics of one metric over a benchmark's repetitions. */
static void put_stats(FILE *f, const struct metric *m, const struct bench_rows *b,
                      double *v, long *proc)
{
    struct hb_stats s;
    struct hb_hier h;

    for (size_t i = 0; i < b->n; i++) {
        v[i] = metric_value(m, b->row[i]);
        proc[i] = b->row[i]->process;
    }
    if (hb_hier_compute(v, proc, b->n, &h))
        h = (struct hb_hier){ 0, 0, NAN, NAN, false, NAN, NAN, NAN, NAN, NAN, NAN };
    hb_stats_compute(v, b->n, &s);
    for (size_t k = 0; k < ARRAY_SIZE(summary_stats); k++) {
        fputc(',', f);
        hb_tidy_num(f, summary_stats[k].get(&s, &h));
    }
}

/* Column i of a set (with the comma before it, but for the first);
 * stand-ins expand to their columns.  b: the benchmark's rows, for
 * summaries. */
static void put_cell(FILE *f, const struct hb_column *set, size_t at, const struct family *fam,
                     const struct hb_row *row, const struct bench_rows *b, double *v,
                     long *proc)
{
    const struct hb_column *c = &set[at];

    switch (c->kind) {
    case HB_COL_PARAMS:
        for (size_t i = 0; i < fam->params.n; i++) {
            fputc(',', f);
            hb_tidy_field(f, hb_name_param(&row->n, fam->params.name[i]));
        }
        return;
    case HB_COL_COUNTERS:
        for (size_t i = 0; i < fam->counters.n; i++) {
            fputc(',', f);
            hb_tidy_num(f, counter_value(row, fam->counters.name[i]));
        }
        return;
    case HB_COL_STATS:
        for (size_t m = 0; m < fam->nr_metric; m++)
            put_stats(f, &fam->metric[m], b, v, proc);
        return;
    default:
        break;
    }
    if (at)
        fputc(',', f);
    if (c->kind == HB_COL_KEY || c->kind == HB_COL_TEXT)
        hb_tidy_field(f, c->text(row));
    else if (c->kind == HB_COL_COUNT)
        fprintf(f, "%zu", c->count(b->row, b->n));
    else
        hb_tidy_num(f, c->num(row, c->arg));
}

/* ------------------------------------------------------------------------
 * The family CSV, its summary, skipped.csv
 * ------------------------------------------------------------------------ */

int hb_results_write_csv(const struct hb_results *r, const char *family, FILE *f)
{
    struct family fam;

    family_init(r, family, &fam);
    write_header(f, row_columns, ARRAY_SIZE(row_columns), &fam);
    for (size_t i = 0; i < r->nr; i++) {
        if (strcmp(r->rows[i].n.family, family))
            continue;
        for (size_t c = 0; c < ARRAY_SIZE(row_columns); c++)
            put_cell(f, row_columns, c, &fam, &r->rows[i], NULL, NULL, NULL);
        fputc('\n', f);
    }
    return ferror(f) ? -EIO : 0;
}

static void write_summary_row(FILE *f, const struct family *fam, const struct bench_rows *b,
                              double *v, long *proc)
{
    for (size_t c = 0; c < ARRAY_SIZE(summary_columns); c++)
        put_cell(f, summary_columns, c, fam, b->row[0], b, v, proc);
    fputc('\n', f);
}

int hb_results_write_summary(const struct hb_results *r, const char *family, FILE *f)
{
    struct family fam;
    struct family_rows fr;
    double *v = malloc((r->nr ? r->nr : 1) * sizeof *v);
    long *proc = malloc((r->nr ? r->nr : 1) * sizeof *proc);
    int rc = family_rows_of(r, family, &fr);

    if (!v || !proc || rc) {
        free(v), free(proc), free(fr.row), free(fr.bench);
        return -ENOMEM;
    }
    family_init(r, family, &fam);
    write_header(f, summary_columns, ARRAY_SIZE(summary_columns), &fam);
    for (size_t i = 0; i < fr.nr_bench; i++)
        write_summary_row(f, &fam, &fr.bench[i], v, proc);
    free(v), free(proc), free(fr.row), free(fr.bench);
    return ferror(f) ? -EIO : 0;
}

int hb_results_write_skipped(const struct hb_results *r, FILE *f)
{
    fputs("benchmark,reason\n", f);
    for (size_t i = 0; i < r->nr_skips; i++) {
        hb_tidy_field(f, r->skips[i].name);
        fputc(',', f);
        hb_tidy_field(f, r->skips[i].message);
        fputc('\n', f);
    }
    return ferror(f) ? -EIO : 0;
}
