/*
 * hstats.c - order statistics, process-level summaries and A/B decisions
 * (see hstats.h).  The variance components follow the one-way
 * random-effects model described in docs/statistics.md.
 */
#include "bench/stats/hstats.h"
#include "bench/stats/abstats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

/* ------------------------------------------------------------------------
 * Order statistics of one sample
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
    s->median = hb_median(v, k);        /* sorts v: the quantiles read it */
    s->q1 = gsl_stats_quantile_from_sorted_data(v, 1, k, 0.25);
    s->q3 = gsl_stats_quantile_from_sorted_data(v, 1, k, 0.75);
    s->min = v[0];
    s->max = v[k - 1];
}

/* ------------------------------------------------------------------------
 * Grouping values by process
 * ------------------------------------------------------------------------ */

struct groups {
    double *v;            /* values, process by process */
    size_t *start, *len;  /* of each process in v */
    size_t np, n;
};

struct tagged {
    long proc;
    double v;
};

static int by_proc(const void *a, const void *b)
{
    const struct tagged *x = a, *y = b;

    return (x->proc > y->proc) - (x->proc < y->proc);
}

static void groups_free(struct groups *g)
{
    free(g->v);
    free(g->start);
    free(g->len);
}

static int groups_make(const double *x, const long *proc, size_t n, struct groups *g)
{
    struct tagged *t = malloc((n ? n : 1) * sizeof *t);
    size_t k = 0;

    memset(g, 0, sizeof *g);
    g->v = malloc((n ? n : 1) * sizeof *g->v);
    g->start = malloc((n ? n : 1) * sizeof *g->start);
    g->len = malloc((n ? n : 1) * sizeof *g->len);
    if (!t || !g->v || !g->start || !g->len) {
        free(t);
        groups_free(g);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        if (isfinite(x[i]))
            t[k++] = (struct tagged){ proc ? proc[i] : 0, x[i] };
    qsort(t, k, sizeof *t, by_proc);
    for (size_t i = 0; i < k; i++) {
        if (i == 0 || t[i].proc != t[i - 1].proc) {
            g->start[g->np] = i;
            g->len[g->np++] = 0;
        }
        g->len[g->np - 1]++;
        g->v[i] = t[i].v;
    }
    g->n = k;
    free(t);
    return 0;
}

/* ------------------------------------------------------------------------
 * Variance components and the MDE
 * ------------------------------------------------------------------------ */

double hb_sd_log(const double *x, size_t n)
{
    double *l;
    double sd;

    if (n < 2 || !(l = malloc(n * sizeof *l)))
        return NAN;
    for (size_t i = 0; i < n; i++) {
        if (!(x[i] > 0)) {
            free(l);
            return NAN;
        }
        l[i] = log(x[i]);
    }
    sd = gsl_stats_sd(l, 1, n);
    free(l);
    return sd;
}

double hb_mde_pct(double sd_log, size_t p, double alpha, double power)
{
    double df, k;

    if (p < 2 || !isfinite(sd_log))
        return NAN;
    df = 2.0 * (double)p - 2;
    k = gsl_cdf_tdist_Pinv(1 - alpha / 2, df) + gsl_cdf_tdist_Pinv(power, df);
    return (exp(k * sd_log * sqrt(2.0 / (double)p)) - 1) * 100;
}

static void components(const struct groups *g, double *med, struct hb_hier *o)
{
    double mean = gsl_stats_mean(g->v, 1, g->n), ss = 0, *pm = malloc(g->np * sizeof *pm);
    size_t df = 0;

    o->cv_within = o->cv_between = o->mde_pct = NAN;
    if (!pm)
        return;
    for (size_t p = 0; p < g->np; p++) {
        const double *v = g->v + g->start[p];
        pm[p] = gsl_stats_mean(v, 1, g->len[p]);
        if (g->len[p] >= 2) {
            ss += gsl_stats_variance_m(v, 1, g->len[p], pm[p]) * (double)(g->len[p] - 1);
            df += g->len[p] - 1;
        }
    }
    if (df && mean > 0)
        o->cv_within = sqrt(ss / (double)df) / mean;
    if (g->np >= 2 && mean > 0) {
        double vb = gsl_stats_variance(pm, 1, g->np);
        double r = (double)g->n / (double)g->np;
        if (df)
            vb -= ss / (double)df / r;
        o->cv_between = sqrt(vb > 0 ? vb : 0) / mean;
        o->mde_pct = hb_mde_pct(hb_sd_log(med, g->np), g->np, 0.05, 0.8);
    }
    free(pm);
}

/* ------------------------------------------------------------------------
 * The estimate and its t interval
 * ------------------------------------------------------------------------ */

double hb_t_quantile(double df, double alpha)
{
    if (!(df >= 1))
        return NAN;
    if (isinf(df))
        return gsl_cdf_ugaussian_Pinv(1 - alpha / 2);
    return gsl_cdf_tdist_Pinv(1 - alpha / 2, df);
}

double hb_welch_df(double se_a, double df_a, double se_b, double df_b)
{
    double va = se_a * se_a, vb = se_b * se_b, den = 0;

    if (va > 0)
        den += va * va / df_a;
    if (vb > 0)
        den += vb * vb / df_b;
    return den > 0 ? (va + vb) * (va + vb) / den : df_a + df_b;
}

void hb_mean_ci(const double *v, size_t n, double alpha, struct hb_hier *o)
{
    double s = 0, ss = 0, m, tq;

    o->log_scale = n > 0;
    for (size_t i = 0; i < n; i++)
        o->log_scale &= v[i] > 0;
    for (size_t i = 0; i < n; i++)
        s += o->log_scale ? log(v[i]) : v[i];
    m = n ? s / (double)n : NAN;
    for (size_t i = 0; i < n; i++) {
        double d = (o->log_scale ? log(v[i]) : v[i]) - m;
        ss += d * d;
    }
    o->mean = o->log_scale ? exp(m) : m;
    o->se = o->ci_lo = o->ci_hi = NAN;
    if (n < 2)
        return;
    o->se = sqrt(ss / (double)(n - 1) / (double)n);
    tq = hb_t_quantile((double)(n - 1), alpha);
    o->ci_lo = o->log_scale ? exp(m - tq * o->se) : m - tq * o->se;
    o->ci_hi = o->log_scale ? exp(m + tq * o->se) : m + tq * o->se;
}

int hb_hier_compute(const double *x, const long *proc, size_t n, struct hb_hier *o)
{
    struct groups g;
    double *med;

    *o = (struct hb_hier){ 0, 0, NAN, NAN, false, NAN, NAN, NAN, NAN, NAN, NAN };
    if (groups_make(x, proc, n, &g))
        return -1;
    o->procs = g.np;
    o->n = g.n;
    if (!g.np) {
        groups_free(&g);
        return 0;
    }
    med = malloc(g.np * sizeof *med);
    if (!med) {
        groups_free(&g);
        return -1;
    }
    for (size_t p = 0; p < g.np; p++) {
        double *v = g.v + g.start[p];
        med[p] = hb_median(v, g.len[p]);   /* sorts the group: harmless */
    }
    components(&g, med, o);
    hb_mean_ci(med, g.np, 0.05, o);
    o->median = hb_median(med, g.np);
    free(med);
    groups_free(&g);
    return 0;
}

/* ------------------------------------------------------------------------
 * Comparing two runs
 * ------------------------------------------------------------------------ */

/* Mean and variance of x[0..n), of its logs if logs (every x > 0). */
static void moments(const double *x, size_t n, bool logs, double *mean, double *var)
{
    double s = 0, ss = 0;

    for (size_t i = 0; i < n; i++)
        s += logs ? log(x[i]) : x[i];
    *mean = s / (double)n;
    for (size_t i = 0; i < n; i++) {
        double d = (logs ? log(x[i]) : x[i]) - *mean;
        ss += d * d;
    }
    *var = ss / (double)(n - 1);
}

static bool all_positive(const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!(x[i] > 0))
            return false;
    return true;
}

/* The interval of the ratio from d's: exact on the logs, else d / mb. */
static void welch_ratio(struct hb_welch *o)
{
    if (o->log_scale) {
        o->ratio = exp(o->d);
        o->lo = exp(o->dlo);
        o->hi = exp(o->dhi);
        return;
    }
    o->ratio = o->mb != 0 ? o->mn / o->mb : NAN;
    o->lo = o->mb > 0 ? 1 + o->dlo / o->mb : NAN;
    o->hi = o->mb > 0 ? 1 + o->dhi / o->mb : NAN;
}

int hb_welch(const double *base, size_t nb, const double *new_, size_t nn,
             double alpha, struct hb_welch *o)
{
    double mb, vb, mn, vn, tq;

    if (nb < 2 || nn < 2)
        return -1;
    o->log_scale = all_positive(base, nb) && all_positive(new_, nn);
    moments(base, nb, o->log_scale, &mb, &vb);
    moments(new_, nn, o->log_scale, &mn, &vn);
    o->mb = o->log_scale ? exp(mb) : mb;
    o->mn = o->log_scale ? exp(mn) : mn;
    o->d = mn - mb;
    o->se = sqrt(vb / (double)nb + vn / (double)nn);
    o->sd_pool = sqrt((vb * (double)(nb - 1) + vn * (double)(nn - 1)) / (double)(nb + nn - 2));
    o->df = hb_welch_df(sqrt(vb / (double)nb), (double)(nb - 1), sqrt(vn / (double)nn),
                        (double)(nn - 1));
    if (o->se == 0) {           /* constant samples: certain, either way */
        o->dlo = o->dhi = o->d;
        o->p = o->d == 0 ? 1 : 0;
    } else {
        o->p = 2 * gsl_cdf_tdist_Q(fabs(o->d / o->se), o->df);
        tq = hb_t_quantile(o->df, alpha);
        o->dlo = o->d - tq * o->se;
        o->dhi = o->d + tq * o->se;
    }
    welch_ratio(o);
    return 0;
}

int hb_welch_log(const double *base, size_t nb, const double *new_, size_t nn,
                 double alpha, struct hb_welch *o)
{
    if (nb < 2 || nn < 2 || !all_positive(base, nb) || !all_positive(new_, nn))
        return -1;
    return hb_welch(base, nb, new_, nn, alpha, o);
}

struct pidx {
    double p;
    size_t i;
};

static int by_p(const void *a, const void *b)
{
    double x = ((const struct pidx *)a)->p, y = ((const struct pidx *)b)->p;

    return (x > y) - (x < y);
}

long hb_bh_adjust(const double *p, size_t m, double *q)
{
    struct pidx *s = malloc((m ? m : 1) * sizeof *s);
    size_t k = 0;
    double run = 1;

    if (!s)
        return -1;
    for (size_t i = 0; i < m; i++) {
        q[i] = NAN;
        if (isfinite(p[i]))
            s[k++] = (struct pidx){ p[i], i };
    }
    qsort(s, k, sizeof *s, by_p);
    /* q_(j) = min over l >= j of p_(l) * k / l */
    for (size_t j = k; j-- > 0;) {
        double v = s[j].p * (double)k / (double)(j + 1);
        run = v < run ? v : run;
        q[s[j].i] = run;
    }
    free(s);
    return (long)k;
}

/* Item i's threshold on its test's scale, and as a fraction. */
static double item_delta(const struct hb_ab_item *it, double threshold, double *frac)
{
    double f = threshold;

    if (f < 0) {        /* its own noise, as a fraction, at least the floor */
        double n = it->noise;
        f = !isfinite(n) ? HB_THRESHOLD_FLOOR
            : it->log_scale ? expm1(n) : it->base > 0 ? n / it->base : HB_THRESHOLD_FLOOR;
        f = f > HB_THRESHOLD_FLOOR ? f : HB_THRESHOLD_FLOOR;
    }
    *frac = f;
    if (it->log_scale)
        return log1p(f);
    return it->base != 0 ? f * fabs(it->base) : 0;
}

/* p of the test whose null is |change| <= delta (see hstats.h). */
static double threshold_p(double d, double se, double df, double delta)
{
    double a = fabs(d);

    if (se == 0)
        return a > delta ? 0 : 1;
    return fmin(1, gsl_cdf_tdist_Q((a - delta) / se, df) + gsl_cdf_tdist_Q((a + delta) / se, df));
}

/* Whether the item's 1 - alpha interval excludes no change. */
static bool excludes_none(const struct hb_ab_item *it, double alpha)
{
    double tq;

    if (!isfinite(it->se))
        return it->lo > 1 || it->hi < 1;
    if (it->se == 0)
        return it->d != 0;
    tq = hb_t_quantile(it->df, alpha);
    return it->d - tq * it->se > 0 || it->d + tq * it->se < 0;
}

int hb_ab_decide(struct hb_ab_item *it, size_t m, double alpha, double threshold)
{
    double *p = calloc(m ? m : 1, sizeof *p), *q = malloc((m ? m : 1) * sizeof *q);

    if (!p || !q) {
        free(p), free(q);
        return -1;
    }
    for (size_t i = 0; i < m; i++) {
        double delta = item_delta(&it[i], threshold, &it[i].thr);
        if (isfinite(it[i].se))
            it[i].p = threshold_p(it[i].d, it[i].se, it[i].df, delta);
        p[i] = it[i].p;
    }
    if (hb_bh_adjust(p, m, q) < 0) {
        free(p), free(q);
        return -1;
    }
    for (size_t i = 0; i < m; i++) {
        it[i].q = q[i];
        it[i].flagged = isfinite(q[i]) && q[i] <= alpha && excludes_none(&it[i], alpha) &&
                        (isfinite(it[i].se) || fabs(it[i].ratio - 1) > it[i].thr);
    }
    free(p), free(q);
    return 0;
}
