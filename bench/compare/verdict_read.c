/*
 * verdict_read.c - the numbers a verdict reads from a results folder's CSV
 * files: one metric of one benchmark with its interval, and the distinct
 * values of a parameter column.
 *
 * Which number is read (a summary's 95 % interval over processes, its
 * min-max over repetitions, or the tidy rows'): "Where a number comes
 * from" in verdict.c.  Each number read marks its kind in the run
 * (hbv_run.kinds, .pooled, .processes), so the verdict can say which
 * intervals it shows.
 */
#include "bench/compare/verdict_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/compare/abrun.h"
#include "bench/compare/abstats.h"
#include "bench/compare/csvread.h"

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
}

void hbv_free_run(struct hbv_run *r)
{
    for (int f = 0; f < HBV_NFAM; f++) {
        if (r->has_sum[f])
            hb_csv_free(&r->sum[f]);
        if (r->has_tidy[f])
            hb_csv_free(&r->tidy[f]);
    }
}

/* Whether row r matches "col=val;col=val" (a file without one of the
 * columns matches nothing). */
static bool row_matches(const struct hb_csv *c, size_t r, const char *where)
{
    char buf[512], *save = NULL;

    snprintf(buf, sizeof buf, "%s", where);
    for (char *t = strtok_r(buf, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
        char *eq = strchr(t, '=');
        if (!eq)
            continue;
        *eq = 0;
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

static bool est_from_summary(struct hbv_run *run, int fam, const char *where,
                             const char *m, struct hbv_est *e)
{
    const struct hb_csv *c = &run->sum[fam];
    char col[128];
    long r;

    snprintf(col, sizeof col, "%s_median", m);
    if (!run->has_sum[fam] || hb_csv_col(c, col) < 0 || (r = one_row(c, where)) < 0)
        return false;
    e->v = cell_num(c, (size_t)r, col);
    snprintf(col, sizeof col, "%s_ci_lo", m);
    e->lo = cell_num(c, (size_t)r, col);
    snprintf(col, sizeof col, "%s_ci_hi", m);
    e->hi = cell_num(c, (size_t)r, col);
    e->kind = HBV_EST_CI;
    if (isnan(e->lo) || isnan(e->hi)) {
        snprintf(col, sizeof col, "%s_min", m);
        e->lo = cell_num(c, (size_t)r, col);
        snprintf(col, sizeof col, "%s_max", m);
        e->hi = cell_num(c, (size_t)r, col);
        e->kind = HBV_EST_REPS;
    } else {
        double p = cell_num(c, (size_t)r, "processes");
        if (p > run->processes)
            run->processes = p;
    }
    return !isnan(e->v) && !isnan(e->lo) && !isnan(e->hi);
}

/* Median, min and max of m over the tidy rows matching where; they must
 * all be one benchmark's repetitions. */
static bool est_from_tidy(struct hbv_run *run, int fam, const char *where,
                          const char *m, struct hbv_est *e)
{
    const struct hb_csv *c = &run->tidy[fam];
    int bc = hb_csv_col(c, "benchmark");
    const char *name = NULL, *proc = NULL;
    int pc = hb_csv_col(c, "process");
    size_t n = 0;
    bool pooled = false;

    if (!run->has_tidy[fam] || hb_csv_col(c, m) < 0 || bc < 0)
        return false;
    double *x = malloc((c->nrows + 1) * sizeof *x);
    for (size_t r = 0; x && r < c->nrows; r++) {
        if (!row_matches(c, r, where))
            continue;
        if (name && strcmp(name, hb_csv_get(c, r, bc))) {
            n = 0;          /* several benchmarks: ambiguous */
            break;
        }
        name = hb_csv_get(c, r, bc);
        if (pc >= 0 && proc && strcmp(proc, hb_csv_get(c, r, pc)))
            pooled = true;
        proc = pc >= 0 ? hb_csv_get(c, r, pc) : NULL;
        double v = cell_num(c, r, m);
        if (!isnan(v))
            x[n++] = v;
    }
    if (n)
        *e = (struct hbv_est){ hb_median(x, n), x[0], x[n - 1], HBV_EST_REPS };
    run->pooled |= n && pooled;
    free(x);
    return n > 0;
}

/* Metric m of the one benchmark of family fam matching where. */
bool hbv_get(struct hbv_run *run, int fam, const char *where, const char *m,
             struct hbv_est *e)
{
    if (!est_from_summary(run, fam, where, m, e) && !est_from_tidy(run, fam, where, m, e))
        return false;
    run->kinds |= 1u << e->kind;
    return true;
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
