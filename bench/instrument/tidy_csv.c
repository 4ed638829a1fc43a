/*
 * tidy_csv.c - the tidy CSV files of a run (see tidy.h): the column sets
 * (one {name, unit, accessor} table each, the one place that says what a
 * CSV holds), a family's columns with its parameters and counters filled
 * in, and the writers of <family>.csv, <family>_summary.csv and
 * skipped.csv.
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
 * Column sets: the one place that says what each CSV holds
 * ------------------------------------------------------------------------ */

static const char *t_name(const struct hb_row *row) { return row->name; }
static const char *t_what(const struct hb_row *row) { return row->n.what; }
static const char *t_baseline(const struct hb_row *row) { return row->baseline; }
static const char *t_count_note(const struct hb_row *row) { return row->count_note; }
static const char *t_series(const struct hb_row *row) { return row->series; }

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
    { "series", "text", HB_COL_SERIES, 0, NULL, t_series, NULL },
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
    { "series", "text", HB_COL_SERIES, 0, NULL, t_series, NULL },
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
    bool series;                      /* declares series: the column is there */
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
    const struct hb_tidy_family *decl = hb_tidy_family_named(name);

    fam->name = name;
    fam->series = decl && decl->series && decl->series[0].name;
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
        case HB_COL_SERIES:
            if (fam->series)
                put_name(f, set[i].name, NULL, &first);
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
    case HB_COL_SERIES:
        if (!fam->series)
            return;
        break;
    default:
        break;
    }
    if (at)
        fputc(',', f);
    if (c->kind == HB_COL_KEY || c->kind == HB_COL_TEXT || c->kind == HB_COL_SERIES)
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
