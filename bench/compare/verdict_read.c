/*
 * verdict_read.c - the numbers a verdict reads from a results folder's CSV
 * files: one metric of one benchmark with its interval and standard error,
 * the per-process values of a series, and the distinct values of a
 * parameter column.
 *
 * One estimator whatever the file: the summary's <m>_mean with its t
 * interval, or the same statistics computed here from the tidy rows by
 * the same function (hb_hier_compute) when the summary is missing or
 * lacks the column; an older summary without _mean only when there are
 * no tidy rows, marked as such.  Each number read marks its kind and
 * processes in the run, so the verdict can say which intervals it shows.
 */
#include "bench/compare/verdict_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/compare/abrun.h"
#include "bench/stats/abstats.h"
#include "bench/compare/csvread.h"
#include "bench/stats/hstats.h"

static const char *const fam_name[HBV_NFAM] = { "init", "free", "state", "alloc" };

/* ------------------------------------------------------------------------
 * Reading the run
 * ------------------------------------------------------------------------ */

/* The summary and the tidy rows of each family the verdict reads, by the
 * file names of a run folder (bench/compare/abrun.h).  A file that is
 * absent or unreadable is left out: the sections say what they lack. */
void hbv_load_run(struct hbv_run *r, const char *dir)
{
    char why[4096 + 256];

    memset(r, 0, sizeof *r);
    r->dir = dir;
    for (int f = 0; f < HBV_NFAM; f++) {
        r->has_sum[f] = !hb_abrun_family_csv(&r->sum[f], dir, fam_name[f], true, why,
                                             sizeof why);
        r->has_tidy[f] = !hb_abrun_family_csv(&r->tidy[f], dir, fam_name[f], false, why,
                                              sizeof why);
    }
    snprintf(why, sizeof why, "%s/environment.csv", dir);
    r->has_env = !hb_csv_load(&r->env, why, why, sizeof why);
}

const char *hbv_env(const struct hbv_run *r, const char *key)
{
    int k = r->has_env ? hb_csv_col(&r->env, "key") : -1;
    int v = r->has_env ? hb_csv_col(&r->env, "value") : -1;

    for (size_t i = 0; k >= 0 && v >= 0 && i < r->env.nrows; i++)
        if (!strcmp(hb_csv_get(&r->env, i, k), key))
            return hb_csv_get(&r->env, i, v);
    return NULL;
}

void hbv_free_run(struct hbv_run *r)
{
    for (int f = 0; f < HBV_NFAM; f++) {
        if (r->has_sum[f])
            hb_csv_free(&r->sum[f]);
        if (r->has_tidy[f])
            hb_csv_free(&r->tidy[f]);
    }
    if (r->has_env)
        hb_csv_free(&r->env);
}

/* Runs written before the `series` column (tests/data, results/reference)
 * name no series: for them, and only them, each series the verdict asks
 * for stands for the filter its family declared then.  Frozen: a new
 * series is declared in its family's file and reaches the verdict through
 * the run's own `series` column. */
static const struct { const char *name, *filter; } before_series[] = {
    { "block_legacy", "what=block;variant=node_check;encoding=legacy" },
    { "block_uninit", "what=block;variant=node_check;encoding=uninit" },
    { "frag", "what=frag;variant=node_check;encoding=legacy" },
    { "range_lazy", "what=range;path=lazy" },
    { "range_eager", "what=range;path=eager" },
    { "scan", "what=scan" },
    { "synthetic_1node", "layout=synthetic;nodes=1;boot_alloc_mib=0" },
    { "ready_legacy", "what=block;state=ready;encoding=legacy" },
    { "ready_uninit", "what=block;state=ready;encoding=uninit" },
    { "lazy_uninit", "what=block;state=lazy;encoding=uninit" },
};

static bool row_matches(const struct hb_csv *c, size_t r, const char *where);

/* Whether row r is in series name: a word of its `series` cell, or, in a
 * run without the column, the frozen filter (none: no). */
static bool in_series(const struct hb_csv *c, size_t r, const char *name)
{
    int col = hb_csv_col(c, "series");
    size_t n = strlen(name);

    if (col < 0) {
        for (size_t i = 0; i < sizeof before_series / sizeof before_series[0]; i++)
            if (!strcmp(before_series[i].name, name))
                return row_matches(c, r, before_series[i].filter);
        return false;
    }
    for (const char *w = hb_csv_get(c, r, col); *w; w += strspn(w, " ")) {
        size_t k = strcspn(w, " ");
        if (k == n && !memcmp(w, name, n))
            return true;
        w += k;
    }
    return false;
}

/* Whether row r matches "col=val;col=val" (a file without one of the
 * columns matches nothing); "series=NAME": the row is in the family's
 * series of that name (see in_series). */
static bool row_matches(const struct hb_csv *c, size_t r, const char *where)
{
    char buf[512], *save = NULL;

    snprintf(buf, sizeof buf, "%s", where);
    for (char *t = strtok_r(buf, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
        char *eq = strchr(t, '=');
        if (!eq)
            continue;
        *eq = 0;
        if (!strcmp(t, "series")) {
            if (!in_series(c, r, eq + 1))
                return false;
            continue;
        }
        int col = hb_csv_col(c, t);
        if (col < 0 || strcmp(hb_csv_get(c, r, col), eq + 1) != 0)
            return false;
    }
    return true;
}

static double cell_num(const struct hb_csv *c, size_t r, const char *col)
{
    int i = hb_csv_col(c, col);
    double v;

    return i >= 0 && hb_csv_num(hb_csv_get(c, r, i), &v) ? v : NAN;
}

/* The one row of a summary matching where, or -1 (none, or several
 * benchmarks: the filter is not specific enough for this run). */
static long one_row(const struct hb_csv *c, const char *where)
{
    long hit = -1;

    for (size_t r = 0; r < c->nrows; r++) {
        if (!row_matches(c, r, where))
            continue;
        if (hit >= 0)
            return -1;
        hit = (long)r;
    }
    return hit;
}

/* Metrics that are counts of the model, not timings: the same in every
 * process unless the model changed.  An exact metric (e.g. an instruction
 * count) joins this table. */
static const char *const exact_metrics[] = {
    "left_blocks", "right_blocks", "merges", "lost_pages",
    /* bench --count's columns: one value a benchmark, counted exactly */
    "instructions", "instructions_per_page", "boot_instructions",
    "deferred_instructions", "data_reads", "data_writes", "cond_branches",
};

static bool is_exact(const char *m)
{
    for (size_t i = 0; i < sizeof exact_metrics / sizeof exact_metrics[0]; i++)
        if (!strcmp(m, exact_metrics[i]))
            return true;
    return false;
}

/* The estimate of a summary's or the tidy rows' statistics: mean with its
 * t interval (standard error back from it), else the min-max range. */
static struct hbv_est est_of(double mean, double lo, double hi, double procs, double min,
                             double max, const char *m)
{
    struct hbv_est e = { mean, min, max, HBV_EST_REPS, NAN, false, NAN, procs };

    if (procs >= 2 && !isnan(lo) && !isnan(hi)) {
        double t = hb_t_quantile(procs - 1, 0.05);
        /* on the values the interval is symmetric, on the logs it is not */
        bool logs = mean > 0 && lo > 0 && fabs((hi - mean) - (mean - lo)) > 1e-9 * (hi - lo);
        e = hbv_from_se(mean, logs ? log(hi / mean) / t : (hi - mean) / t, procs - 1, logs,
                        procs);
        e.lo = lo, e.hi = hi;
    }
    if (min == max && (procs >= 2 || is_exact(m)))     /* every value the same */
        e = (struct hbv_est){ min, min, min, HBV_EST_EXACT, 0, false, procs - 1, procs };
    return e;
}

static bool est_from_summary(struct hbv_run *run, int fam, const char *where,
                             const char *m, bool old, struct hbv_est *e)
{
    const struct hb_csv *c = &run->sum[fam];
    char col[5][128];
    static const char *const sfx[] = { "mean", "ci_lo", "ci_hi", "min", "max" };
    long r;

    for (int i = 0; i < 5; i++)
        snprintf(col[i], sizeof col[i], "%s_%s", m, i == 0 && old ? "median" : sfx[i]);
    if (!run->has_sum[fam] || hb_csv_col(c, col[0]) < 0 || (r = one_row(c, where)) < 0)
        return false;
    double v[5], procs = cell_num(c, (size_t)r, "processes");
    for (int i = 0; i < 5; i++)
        v[i] = cell_num(c, (size_t)r, col[i]);
    *e = est_of(v[0], v[1], v[2], isnan(procs) ? 1 : procs, v[3], v[4], m);
    if (old && !isnan(v[1]) && !isnan(v[2]))   /* a bootstrap: no standard error */
        *e = (struct hbv_est){ v[0], v[1], v[2], HBV_EST_BOOT, NAN, false, NAN, procs };
    return !isnan(e->v) && !isnan(e->lo) && !isnan(e->hi);
}

/* The tidy rows of the one benchmark matching where: its values of m and
 * their processes into x, proc; how many (0: none, or several). */
static size_t tidy_values(const struct hbv_run *run, int fam, const char *where,
                          const char *m, double *x, long *proc)
{
    const struct hb_csv *c = &run->tidy[fam];
    int bc = hb_csv_col(c, "benchmark");
    const char *name = NULL;
    size_t n = 0;

    for (size_t r = 0; r < c->nrows; r++) {
        if (!row_matches(c, r, where))
            continue;
        if (name && strcmp(name, hb_csv_get(c, r, bc)))
            return 0;           /* several benchmarks: ambiguous */
        name = hb_csv_get(c, r, bc);
        double v = cell_num(c, r, m), p = cell_num(c, r, "process");
        if (!isnan(v)) {
            proc[n] = isnan(p) ? 0 : (long)p;
            x[n++] = v;
        }
    }
    return n;
}

/* The same statistics as a summary's, from the tidy rows. */
static bool est_from_tidy(struct hbv_run *run, int fam, const char *where,
                          const char *m, struct hbv_est *e)
{
    const struct hb_csv *c = &run->tidy[fam];
    struct hb_hier h;
    struct hb_stats st;
    size_t n;

    if (!run->has_tidy[fam] || hb_csv_col(c, m) < 0 || hb_csv_col(c, "benchmark") < 0)
        return false;
    double *x = malloc((c->nrows + 1) * sizeof *x);
    long *proc = malloc((c->nrows + 1) * sizeof *proc);
    n = x && proc ? tidy_values(run, fam, where, m, x, proc) : 0;
    if (n && !hb_hier_compute(x, proc, n, &h)) {
        hb_stats_compute(x, n, &st);
        *e = est_of(h.mean, h.ci_lo, h.ci_hi, (double)h.procs, st.min, st.max, m);
    } else {
        n = 0;
    }
    free(x);
    free(proc);
    return n > 0;
}

void hbv_used(struct hbv_run *run, const struct hbv_est *e)
{
    run->kinds |= 1u << e->kind;
    if (e->procs > 0 && (run->procs_min == 0 || e->procs < run->procs_min))
        run->procs_min = e->procs;
    if (e->procs > run->procs_max)
        run->procs_max = e->procs;
}

/* Metric m of the one benchmark of family fam matching where. */
bool hbv_get(struct hbv_run *run, int fam, const char *where, const char *m,
             struct hbv_est *e)
{
    if (!est_from_summary(run, fam, where, m, false, e) &&
        !est_from_tidy(run, fam, where, m, e) &&
        !est_from_summary(run, fam, where, m, true, e))
        return false;
    hbv_used(run, e);
    return true;
}

long hbv_series(struct hbv_run *run, int fam, const char *where, const char *col,
                const char *m, double *at, long *proc, double *x, size_t max)
{
    const struct hb_csv *c = &run->tidy[fam];
    int cc;
    size_t n = 0;

    if (!run->has_tidy[fam] || hb_csv_col(c, m) < 0 || (cc = hb_csv_col(c, col)) < 0)
        return -1;
    for (size_t r = 0; r < c->nrows && n < max; r++) {
        if (!row_matches(c, r, where))
            continue;
        double v = cell_num(c, r, m), p = cell_num(c, r, "process");
        if (isnan(v))
            continue;
        at[n] = atof(hb_csv_get(c, r, cc));
        proc[n] = isnan(p) ? 0 : (long)p;
        x[n++] = v;
    }
    return (long)n;
}

/* ------------------------------------------------------------------------
 * Distinct values
 * ------------------------------------------------------------------------ */

static void vals_add(struct hbv_vals *s, const char *v)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->v[i], v))
            return;
    if (s->n < 64)
        snprintf(s->v[s->n++], sizeof s->v[0], "%s", v);
}

static int cmp_num_str(const void *a, const void *b)
{
    double x = atof(a), y = atof(b);

    return (x > y) - (x < y);
}

/* Distinct values of col over the rows matching where, in order of
 * appearance (numeric order if sorted). */
void hbv_distinct(const struct hb_csv *c, const char *col, const char *where,
                  struct hbv_vals *out, bool sorted)
{
    int i = hb_csv_col(c, col);

    out->n = 0;
    for (size_t r = 0; i >= 0 && r < c->nrows; r++)
        if (row_matches(c, r, where))
            vals_add(out, hb_csv_get(c, r, i));
    if (sorted)
        qsort(out->v, out->n, sizeof out->v[0], cmp_num_str);
}

/* The family's rows: the summary if there is one, else the tidy rows. */
const struct hb_csv *hbv_rows(const struct hbv_run *r, int fam)
{
    return r->has_sum[fam] ? &r->sum[fam] : r->has_tidy[fam] ? &r->tidy[fam] : NULL;
}
