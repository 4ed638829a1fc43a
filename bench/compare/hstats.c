/*
 * hstats.c - order statistics, process-level summaries and A/B decisions
 * (see hstats.h).
 *
 * Variance components follow the one-way random-effects model: a value
 * is mu * (1 + b_p + e_pr) with b_p the process's effect and e_pr the
 * repetition's noise.  The within variance is the pooled variance of the
 * repetitions about their process's mean; the between variance is the
 * variance of process means less the part the within noise explains
 * (s_w^2 / r), floored at zero.
 */
#include "bench/compare/hstats.h"
#include "bench/compare/abstats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>
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
 * The two-level bootstrap
 * ------------------------------------------------------------------------ */

static int bootstrap(const struct groups *g, struct hb_hier *o)
{
    size_t maxlen = 1;
    double *boot = malloc(HB_BOOT_RESAMPLES * sizeof *boot);
    double *meds = malloc(g->np * sizeof *meds);
    double *tmp;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);

    for (size_t p = 0; p < g->np; p++)
        maxlen = g->len[p] > maxlen ? g->len[p] : maxlen;
    tmp = malloc(maxlen * sizeof *tmp);
    if (!boot || !meds || !tmp || !rng) {
        free(boot), free(meds), free(tmp);
        if (rng)
            gsl_rng_free(rng);
        return -1;
    }
    gsl_rng_set(rng, HB_BOOT_SEED);
    for (size_t b = 0; b < HB_BOOT_RESAMPLES; b++) {
        for (size_t i = 0; i < g->np; i++) {
            size_t p = gsl_rng_uniform_int(rng, g->np);
            const double *v = g->v + g->start[p];
            for (size_t j = 0; j < g->len[p]; j++)
                tmp[j] = v[gsl_rng_uniform_int(rng, g->len[p])];
            meds[i] = hb_median(tmp, g->len[p]);
        }
        boot[b] = hb_median(meds, g->np);
    }
    gsl_sort(boot, 1, HB_BOOT_RESAMPLES);
    o->ci_lo = gsl_stats_quantile_from_sorted_data(boot, 1, HB_BOOT_RESAMPLES, 0.025);
    o->ci_hi = gsl_stats_quantile_from_sorted_data(boot, 1, HB_BOOT_RESAMPLES, 0.975);
    free(boot), free(meds), free(tmp);
    gsl_rng_free(rng);
    return 0;
}

int hb_hier_compute(const double *x, const long *proc, size_t n, struct hb_hier *o)
{
    struct groups g;
    double *med;
    int rc = 0;

    *o = (struct hb_hier){ 0, 0, NAN, NAN, NAN, NAN, NAN, NAN };
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
    o->median = hb_median(med, g.np);
    rc = bootstrap(&g, o);
    free(med);
    groups_free(&g);
    return rc;
}

/* ------------------------------------------------------------------------
 * Comparing two runs
 * ------------------------------------------------------------------------ */

static int log_moments(const double *x, size_t n, double *mean, double *var)
{
    double s = 0, ss = 0;

    for (size_t i = 0; i < n; i++) {
        if (!(x[i] > 0))
            return -1;
        s += log(x[i]);
    }
    *mean = s / (double)n;
    for (size_t i = 0; i < n; i++)
        ss += (log(x[i]) - *mean) * (log(x[i]) - *mean);
    *var = ss / (double)(n - 1);
    return 0;
}

int hb_welch_log(const double *base, size_t nb, const double *new_, size_t nn,
                 double alpha, struct hb_welch *o)
{
    double mb, vb, mn, vn, d, se, t, tq;

    if (nb < 2 || nn < 2 || log_moments(base, nb, &mb, &vb) ||
        log_moments(new_, nn, &mn, &vn))
        return -1;
    d = mn - mb;
    se = sqrt(vb / (double)nb + vn / (double)nn);
    o->sd_pool = sqrt((vb * (double)(nb - 1) + vn * (double)(nn - 1)) / (double)(nb + nn - 2));
    o->ratio = exp(d);
    if (se == 0) {              /* constant samples: certain, either way */
        o->df = (double)(nb + nn - 2);
        o->lo = o->hi = o->ratio;
        o->p = d == 0 ? 1 : 0;
        return 0;
    }
    o->df = pow(se, 4) / (pow(vb / (double)nb, 2) / (double)(nb - 1) +
                          pow(vn / (double)nn, 2) / (double)(nn - 1));
    t = d / se;
    o->p = 2 * gsl_cdf_tdist_Q(fabs(t), o->df);
    tq = gsl_cdf_tdist_Pinv(1 - alpha / 2, o->df);
    o->lo = exp(d - tq * se);
    o->hi = exp(d + tq * se);
    return 0;
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

/* Median of the finite noises, at least 1 %. */
static double default_threshold(const struct hb_ab_item *it, size_t m)
{
    double *v = malloc((m ? m : 1) * sizeof *v), t = 0.01;
    size_t k = 0;

    if (!v)
        return -1;
    for (size_t i = 0; i < m; i++)
        if (isfinite(it[i].noise))
            v[k++] = it[i].noise;
    if (k) {
        double med = hb_median(v, k);

        t = med > t ? med : t;
    }
    free(v);
    return t;
}

double hb_ab_decide(struct hb_ab_item *it, size_t m, double alpha, double threshold)
{
    double *p = malloc((m ? m : 1) * sizeof *p), *q = malloc((m ? m : 1) * sizeof *q);

    if (!p || !q) {
        free(p), free(q);
        return -1;
    }
    for (size_t i = 0; i < m; i++)
        p[i] = it[i].p;
    if (hb_bh_adjust(p, m, q) < 0 || (threshold < 0 && (threshold = default_threshold(it, m)) < 0)) {
        free(p), free(q);
        return -1;
    }
    for (size_t i = 0; i < m; i++) {
        it[i].q = q[i];
        it[i].flagged = isfinite(q[i]) && q[i] <= alpha && (it[i].lo > 1 || it[i].hi < 1) &&
                        fabs(it[i].ratio - 1) > threshold;
    }
    free(p), free(q);
    return threshold;
}
