/*
 * tidy.c - a run's results in memory (see tidy.h): Google Benchmark's runs
 * collected as rows, names split into family and parameters, the derived
 * columns and the ratio to the same run's baseline (the reference family
 * its declaration names, tidy.h).  tidy_csv.c writes them out.
 *
 * Everything is kept until the run ends: the ratio column needs the
 * baseline's medians, and a family's parameter columns are the union, in
 * first-seen order, of its benchmarks' parameters.  Runs are few
 * (benchmarks x repetitions), so linear searches are fine.
 */
#define _GNU_SOURCE
#include "bench/instrument/tidy.h"
#include "bench/base/vec.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* ------------------------------------------------------------------------
 * The families' declarations (tidy.h)
 * ------------------------------------------------------------------------ */

static const struct hb_tidy_family *declared[HB_MAX_FAMILIES];
static size_t nr_declared;

int hb_tidy_declare(const struct hb_tidy_family *f)
{
    for (size_t i = 0; i < nr_declared; i++)
        if (declared[i] == f)
            return 0;
    if (nr_declared == HB_MAX_FAMILIES)
        return -ENOSPC;
    declared[nr_declared++] = f;
    return 0;
}

const struct hb_tidy_family *hb_tidy_reference(void)
{
    for (size_t i = 0; i < nr_declared; i++)
        if (declared[i]->reference)
            return declared[i];
    return NULL;
}

const struct hb_tidy_family *hb_tidy_family_named(const char *name)
{
    for (size_t i = 0; i < nr_declared; i++)
        if (!strcmp(declared[i]->name, name))
            return declared[i];
    return NULL;
}

/* Whether kind (n bytes) is one of the space-separated words of list. */
static bool in_words(const char *list, const char *kind, size_t n)
{
    for (const char *w = list; *w; w += strspn(w, " ")) {
        size_t k = strcspn(w, " ");
        if (k == n && !memcmp(w, kind, n))
            return true;
        w += k;
    }
    return false;
}

/* The kind a label asks of the reference: the word "<reference>=<kind>"
 * ("baseline=read") for one of its declared kinds, into out ("" if none:
 * the default). */
static void label_ref_kind(const char *label, char *out, size_t len)
{
    const struct hb_tidy_family *ref = hb_tidy_reference();
    size_t n = ref ? strlen(ref->name) : 0;

    out[0] = '\0';
    for (const char *p = label && ref ? strstr(label, ref->name) : NULL; p;
         p = strstr(p + 1, ref->name)) {
        size_t k = p[n] == '=' ? strcspn(p + n + 1, " ") : 0;
        if ((p == label || p[-1] == ' ') && k && k < len &&
            in_words(ref->ref_kinds, p + n + 1, k)) {
            memcpy(out, p + n + 1, k);
            out[k] = '\0';
            return;
        }
    }
}

/* The default kind: the first of the declared ones. */
static void ref_default(const struct hb_tidy_family *ref, char *out, size_t len)
{
    size_t k = strcspn(ref->ref_kinds, " ");

    snprintf(out, len, "%.*s", (int)k, ref->ref_kinds);
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
    free(row->series);
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
    label_ref_kind(run->label, row.ref_kind, sizeof row.ref_kind);
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

static double real_ns_of(const struct hb_row *row, int a) { (void)a; return row->real_ns; }
static double gbps_of(const struct hb_row *row, int a) { (void)a; return row->gbps; }

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
    return median_of(r, name, real_ns_of);
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

/* Buffer size of a reference row: its declared size column. */
static double buffer_of(const struct hb_tidy_family *ref, const struct hb_row *row)
{
    const char *b = hb_name_param(&row->n, ref->ref_size);

    return b ? strtod(b, NULL) : NAN;
}

static bool is_reference(const struct hb_tidy_family *ref, const struct hb_row *row)
{
    return ref && !strcmp(row->n.family, ref->name);
}

static bool is_baseline_of(const struct hb_tidy_family *ref, const struct hb_row *b,
                           const char *what, long threads)
{
    return is_reference(ref, b) && !strcmp(b->n.what, what) && threads_of(b) == threads &&
           isfinite(buffer_of(ref, b));
}

/* The reference row (any repetition) for `need` bytes: see tidy.h. */
static const struct hb_row *pick_baseline(const struct hb_results *r,
                                          const struct hb_tidy_family *ref, const char *what,
                                          long threads, double need)
{
    const struct hb_row *fit = NULL, *largest = NULL;

    for (size_t i = 0; i < r->nr; i++) {
        const struct hb_row *b = &r->rows[i];
        double size = buffer_of(ref, b);

        if (!is_baseline_of(ref, b, what, threads))
            continue;
        if (!largest || size > buffer_of(ref, largest))
            largest = b;
        if (size >= need && (!fit || size < buffer_of(ref, fit)))
            fit = b;
    }
    if (!fit && !largest && threads != 1)
        return pick_baseline(r, ref, what, 1, need);
    return fit ? fit : largest;
}

static void derive_row(struct hb_results *r, struct hb_row *row)
{
    const struct hb_tidy_family *ref = hb_tidy_reference();
    const struct hb_row *b = NULL;
    char kind[sizeof row->ref_kind];
    double pages = positive(row->pages), bytes = positive(row->bytes), gbps;

    row->ns_per_page = row->real_ns / pages;
    row->ms_per_gib = row->ns_per_page * 262144.0 / 1e6;
    row->gbps = bytes / row->real_ns;
    row->baseline = NULL;
    row->baseline_gbps = row->ratio = NAN;
    if (!isfinite(bytes) || !isfinite(row->real_ns) || !ref)
        return;
    if (is_reference(ref, row))
        b = row;
    else {
        if (row->ref_kind[0])
            snprintf(kind, sizeof kind, "%s", row->ref_kind);
        else
            ref_default(ref, kind, sizeof kind);
        b = pick_baseline(r, ref, kind, threads_of(row), bytes * (double)threads_of(row));
    }
    if (!b)
        return;
    gbps = median_of(r, b->name, gbps_of);
    if (!isfinite(gbps) || gbps <= 0)
        return;
    row->baseline = b->name;
    row->baseline_gbps = gbps;
    row->ratio = row->real_ns / (bytes / gbps);
}

/* Whether a row matches a series' filter "col=value;...": every column
 * present with that value ("what" is the second segment of the name). */
static bool in_series(const struct hb_row *row, const char *filter)
{
    for (const char *t = filter; *t; t += *t == ';') {
        size_t n = strcspn(t, ";"), k = strcspn(t, "=");
        char col[48];
        const char *v;

        if (k >= n || k >= sizeof col)
            return false;
        snprintf(col, sizeof col, "%.*s", (int)k, t);
        v = strcmp(col, "what") ? hb_name_param(&row->n, col) : row->n.what;
        if (!v || strlen(v) != n - k - 1 || memcmp(v, t + k + 1, n - k - 1))
            return false;
        t += n;
    }
    return true;
}

/* The names of the declared series a row is in, "a b" (NULL: none). */
static int derive_series(struct hb_row *row)
{
    const struct hb_tidy_family *fam = hb_tidy_family_named(row->n.family);
    char buf[512] = "";
    size_t at = 0;

    free(row->series);
    row->series = NULL;
    for (const struct hb_tidy_series *s = fam ? fam->series : NULL; s && s->name; s++)
        if (in_series(row, s->filter) && at < sizeof buf)
            at += (size_t)snprintf(buf + at, sizeof buf - at, "%s%s", at ? " " : "", s->name);
    if (!at)
        return 0;
    row->series = strdup(buf);
    return row->series ? 0 : -ENOMEM;
}

/* Two passes: the baseline rows' own gbps first, then everything else. */
void hb_results_derive(struct hb_results *r)
{
    for (size_t i = 0; i < r->nr; i++) {
        struct hb_row *row = &r->rows[i];
        row->gbps = positive(row->bytes) / row->real_ns;
    }
    for (size_t i = 0; i < r->nr; i++) {
        derive_row(r, &r->rows[i]);
        derive_series(&r->rows[i]);
    }
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
