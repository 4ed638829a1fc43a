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
#include "bench/compare/hstats.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#define HB_MAX_COLS 64

/* Columns every family CSV has, in order, around the parameters. */
static const char *const head_cols[] = { "benchmark", "what" };
static const char *const fixed_cols[] = {
    "repetition", "process", "iterations", "real_ns", "cpu_ns", "pages", "bytes",
    "ns_per_page", "ms_per_gib", "gbps", "baseline", "baseline_gbps", "ratio",
    "faults", "cycles", "instructions", "cache_misses", "dtlb_misses",
    "cycles_per_page", "instructions_per_page", "cache_misses_per_page",
    "dtlb_misses_per_page",
};
static const char *const summary_metrics[] = { "real_ns", "ns_per_page", "ratio", "gbps" };
static const char *const summary_stats[] = {
    "median", "min", "max", "q1", "q3", "ci_lo", "ci_hi", "cv_between", "cv_within", "mde_pct",
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------------
 * Names
 * ------------------------------------------------------------------------ */

static bool reserved_column(const char *key)
{
    for (size_t i = 0; i < ARRAY_SIZE(head_cols); i++)
        if (!strcmp(key, head_cols[i]))
            return true;
    for (size_t i = 0; i < ARRAY_SIZE(fixed_cols); i++)
        if (!strcmp(key, fixed_cols[i]))
            return true;
    return !strcmp(key, "reps") || !strcmp(key, "processes") || !strncmp(key, "param_", 6);
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

static int grow(void **arr, size_t *cap, size_t nr, size_t elem)
{
    void *p;
    size_t ncap;

    if (nr < *cap)
        return 0;
    ncap = *cap ? *cap * 2 : 64;
    p = realloc(*arr, ncap * elem);
    if (!p)
        return -ENOMEM;
    *arr = p;
    *cap = ncap;
    return 0;
}

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
    if (grow((void **)&r->skips, &r->cap_skips, r->nr_skips, sizeof *r->skips))
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
    o = realloc(row->other, (row->nr_other + 1) * sizeof *o);
    if (!o)
        return -ENOMEM;
    row->other = o;
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
    row.read_baseline = label_wants_read(run->label);
    row.name = strdup(run->name);
    for (size_t i = 0; row.name && i < run->nr_counters; i++)
        if (add_counter(&row, run->counters[i].name, run->counters[i].value))
            break;
    if (!row.name || grow((void **)&r->rows, &r->cap, r->nr, sizeof row)) {
        row_free(&row);
        return -ENOMEM;
    }
    r->rows[r->nr++] = row;
    return 0;
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
 * Statistics (GSL)
 * ------------------------------------------------------------------------ */

void hb_stats_compute(double *v, size_t n, struct hb_stats *s)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i]))
            v[k++] = v[i];
    s->n = k;
    if (!k) {
        s->median = s->min = s->max = s->q1 = s->q3 = NAN;
        return;
    }
    gsl_sort(v, 1, k);
    s->median = gsl_stats_median_from_sorted_data(v, 1, k);
    s->q1 = gsl_stats_quantile_from_sorted_data(v, 1, k, 0.25);
    s->q3 = gsl_stats_quantile_from_sorted_data(v, 1, k, 0.75);
    s->min = v[0];
    s->max = v[k - 1];
}

/* Statistics of one metric over a benchmark's rows. */
typedef double (*metric_fn)(const struct hb_row *row);

static void stats_of(const struct hb_results *r, const char *name, metric_fn m,
                     struct hb_stats *s)
{
    double *v = malloc((r->nr ? r->nr : 1) * sizeof *v);
    size_t n = 0;

    if (!v) {
        hb_stats_compute(NULL, 0, s);
        return;
    }
    for (size_t i = 0; i < r->nr; i++)
        if (!strcmp(r->rows[i].name, name))
            v[n++] = m(&r->rows[i]);
    hb_stats_compute(v, n, s);
    free(v);
}

static double m_real_ns(const struct hb_row *row) { return row->real_ns; }
static double m_ns_per_page(const struct hb_row *row) { return row->ns_per_page; }
static double m_ratio(const struct hb_row *row) { return row->ratio; }
static double m_gbps(const struct hb_row *row) { return row->gbps; }

static const metric_fn summary_fns[] = { m_real_ns, m_ns_per_page, m_ratio, m_gbps };

double hb_results_median_real_ns(const struct hb_results *r, const char *name)
{
    struct hb_stats s;

    stats_of(r, name, m_real_ns, &s);
    return s.median;
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
    double pages = positive(row->pages), bytes = positive(row->bytes);
    struct hb_stats s;

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
    stats_of(r, b->name, m_gbps, &s);
    if (!isfinite(s.median) || s.median <= 0)
        return;
    row->baseline = b->name;
    row->baseline_gbps = s.median;
    row->ratio = row->real_ns / (bytes / s.median);
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
 * CSV
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

/* A family's parameter (or other counter) columns, first-seen order. */
struct cols {
    const char *name[HB_MAX_COLS];
    size_t n;
};

static void cols_add(struct cols *c, const char *name)
{
    for (size_t i = 0; i < c->n; i++)
        if (!strcmp(c->name[i], name))
            return;
    if (c->n < HB_MAX_COLS)
        c->name[c->n++] = name;
}

static void family_cols(const struct hb_results *r, const char *family,
                        struct cols *params, struct cols *other)
{
    params->n = 0;
    if (other)
        other->n = 0;
    for (size_t i = 0; i < r->nr; i++) {
        const struct hb_row *row = &r->rows[i];
        if (strcmp(row->n.family, family))
            continue;
        for (unsigned k = 0; k < row->n.nr; k++)
            cols_add(params, row->n.p[k].key);
        for (size_t k = 0; other && k < row->nr_other; k++)
            cols_add(other, row->other[k].name);
    }
}

static double other_value(const struct hb_row *row, const char *name)
{
    for (size_t i = 0; i < row->nr_other; i++)
        if (!strcmp(row->other[i].name, name))
            return row->other[i].value;
    return NAN;
}

static void write_head(FILE *f, const struct cols *params)
{
    fputs("benchmark,what", f);
    for (size_t i = 0; i < params->n; i++) {
        fputc(',', f);
        hb_tidy_field(f, params->name[i]);
    }
}

static void write_row_head(FILE *f, const struct hb_row *row, const struct cols *params)
{
    hb_tidy_field(f, row->name);
    fputc(',', f);
    hb_tidy_field(f, row->n.what);
    for (size_t i = 0; i < params->n; i++) {
        fputc(',', f);
        hb_tidy_field(f, hb_name_param(&row->n, params->name[i]));
    }
}

static void write_row(FILE *f, const struct hb_row *row, const struct cols *params,
                      const struct cols *other)
{
    const double nums[] = { row->real_ns, row->cpu_ns, row->pages, row->bytes,
                            row->ns_per_page, row->ms_per_gib, row->gbps };

    write_row_head(f, row, params);
    fprintf(f, ",%ld,%ld,%llu", row->repetition, row->process,
            (unsigned long long)row->iterations);
    for (size_t i = 0; i < ARRAY_SIZE(nums); i++) {
        fputc(',', f);
        hb_tidy_num(f, nums[i]);
    }
    fputc(',', f);
    hb_tidy_field(f, row->baseline);
    fputc(',', f);
    hb_tidy_num(f, row->baseline_gbps);
    fputc(',', f);
    hb_tidy_num(f, row->ratio);
    for (int id = 0; id < HB_PERF_NR; id++) {
        static const enum hb_perf_id order[] = { HB_PERF_FAULTS, HB_PERF_CYCLES,
                                                 HB_PERF_INSTRUCTIONS, HB_PERF_CACHE_MISSES,
                                                 HB_PERF_DTLB_MISSES };
        fputc(',', f);
        hb_tidy_num(f, row->perf[order[id]]);
    }
    /* The hardware counters again, per page of modelled RAM. */
    for (int id = HB_PERF_CYCLES; id <= HB_PERF_DTLB_MISSES; id++) {
        fputc(',', f);
        hb_tidy_num(f, row->pages > 0 ? row->perf[id] / row->pages : NAN);
    }
    for (size_t i = 0; i < other->n; i++) {
        fputc(',', f);
        hb_tidy_num(f, other_value(row, other->name[i]));
    }
    fputc('\n', f);
}

int hb_results_write_csv(const struct hb_results *r, const char *family, FILE *f)
{
    struct cols params, other;

    family_cols(r, family, &params, &other);
    write_head(f, &params);
    for (size_t i = 0; i < ARRAY_SIZE(fixed_cols); i++)
        fprintf(f, ",%s", fixed_cols[i]);
    for (size_t i = 0; i < other.n; i++) {
        fputc(',', f);
        hb_tidy_field(f, other.name[i]);
    }
    fputc('\n', f);
    for (size_t i = 0; i < r->nr; i++)
        if (!strcmp(r->rows[i].n.family, family))
            write_row(f, &r->rows[i], &params, &other);
    return ferror(f) ? -EIO : 0;
}

static bool seen_before(const struct hb_results *r, size_t i)
{
    for (size_t j = 0; j < i; j++)
        if (!strcmp(r->rows[j].name, r->rows[i].name))
            return true;
    return false;
}

/* One metric of one benchmark: the classic order statistics over every
 * repetition, and the process-level summary (bench/compare/hstats.h), whose
 * median of per-process medians is the _median column. */
static void write_metric(FILE *f, const struct hb_results *r, const char *name, metric_fn m,
                         double *v, long *proc)
{
    struct hb_stats s;
    struct hb_hier h;
    size_t n = 0;

    for (size_t i = 0; i < r->nr; i++)
        if (!strcmp(r->rows[i].name, name)) {
            v[n] = m(&r->rows[i]);
            proc[n++] = r->rows[i].process;
        }
    if (hb_hier_compute(v, proc, n, &h))
        h = (struct hb_hier){ 0, 0, NAN, NAN, NAN, NAN, NAN, NAN };
    hb_stats_compute(v, n, &s);
    const double out[] = { h.median, s.min, s.max, s.q1, s.q3, h.ci_lo, h.ci_hi,
                           h.cv_between, h.cv_within, h.mde_pct };
    for (size_t k = 0; k < ARRAY_SIZE(out); k++) {
        fputc(',', f);
        hb_tidy_num(f, out[k]);
    }
}

static size_t processes_of(const struct hb_results *r, const char *name)
{
    size_t n = 0;

    for (size_t i = 0; i < r->nr; i++) {
        const struct hb_row *row = &r->rows[i];
        bool seen = false;
        if (strcmp(row->name, name) || !isfinite(row->real_ns))
            continue;
        for (size_t j = 0; j < i && !seen; j++)
            seen = r->rows[j].process == row->process && !strcmp(r->rows[j].name, name) &&
                   isfinite(r->rows[j].real_ns);
        n += !seen;
    }
    return n;
}

static void write_summary_row(FILE *f, const struct hb_results *r, const struct hb_row *row,
                              const struct cols *params, double *v, long *proc)
{
    struct hb_stats s;

    write_row_head(f, row, params);
    stats_of(r, row->name, m_real_ns, &s);
    fprintf(f, ",%zu,%zu", s.n, processes_of(r, row->name));
    for (size_t m = 0; m < ARRAY_SIZE(summary_fns); m++)
        write_metric(f, r, row->name, summary_fns[m], v, proc);
    fputc('\n', f);
}

int hb_results_write_summary(const struct hb_results *r, const char *family, FILE *f)
{
    struct cols params;
    double *v = malloc((r->nr ? r->nr : 1) * sizeof *v);
    long *proc = malloc((r->nr ? r->nr : 1) * sizeof *proc);

    if (!v || !proc) {
        free(v), free(proc);
        return -ENOMEM;
    }
    family_cols(r, family, &params, NULL);
    write_head(f, &params);
    fputs(",reps,processes", f);
    for (size_t m = 0; m < ARRAY_SIZE(summary_metrics); m++)
        for (size_t k = 0; k < ARRAY_SIZE(summary_stats); k++)
            fprintf(f, ",%s_%s", summary_metrics[m], summary_stats[k]);
    fputc('\n', f);
    for (size_t i = 0; i < r->nr; i++)
        if (!strcmp(r->rows[i].n.family, family) && !seen_before(r, i))
            write_summary_row(f, r, &r->rows[i], &params, v, proc);
    free(v), free(proc);
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
