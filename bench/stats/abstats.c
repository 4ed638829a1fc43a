/*
 * abstats.c - Mann-Whitney U, the Hodges-Lehmann ratio interval, medians
 * and geometric means for `heapbench compare`.  The exact null distribution
 * of U is the coefficient list of the Gaussian binomial coefficient
 * [na + nb choose na]_q, built as a product of (1 - q^(nb+i)) / (1 - q^i):
 * a few lines of polynomial arithmetic instead of a table or a recursion.
 */
#include "bench/stats/abstats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

/* ------------------------------------------------------------------------
 * Medians and means
 * ------------------------------------------------------------------------ */

double hb_median(double *x, size_t n)
{
    if (n == 0)
        return NAN;
    gsl_sort(x, 1, n);
    return gsl_stats_median_from_sorted_data(x, 1, n);
}

double hb_geomean(const double *x, size_t n)
{
    double s = 0;

    if (n == 0)
        return NAN;
    for (size_t i = 0; i < n; i++) {
        if (!(x[i] > 0))
            return NAN;
        s += log(x[i]);
    }
    return exp(s / (double)n);
}

/* ------------------------------------------------------------------------
 * Ranks and U
 * ------------------------------------------------------------------------ */

struct pooled {
    double v;
    int from_a;
};

static int by_value(const void *x, const void *y)
{
    double a = ((const struct pooled *)x)->v, b = ((const struct pooled *)y)->v;
    return (a > b) - (a < b);
}

/* Rank sum of sample a in the pooled sample (mid-ranks for ties) and the
 * tie term sum(t^3 - t) over groups of equal values. */
static int rank_sum(const double *a, size_t na, const double *b, size_t nb,
                    double *ra, double *ties)
{
    size_t n = na + nb;
    struct pooled *all = malloc(n * sizeof *all);

    if (!all)
        return -1;
    for (size_t i = 0; i < na; i++)
        all[i] = (struct pooled){ a[i], 1 };
    for (size_t j = 0; j < nb; j++)
        all[na + j] = (struct pooled){ b[j], 0 };
    qsort(all, n, sizeof *all, by_value);
    *ra = 0;
    *ties = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && all[j + 1].v == all[i].v)
            j++;
        double t = (double)(j - i + 1), mid = (double)(i + j) / 2 + 1;
        for (size_t k = i; k <= j; k++)
            if (all[k].from_a)
                *ra += mid;
        *ties += t * t * t - t;
        i = j + 1;
    }
    free(all);
    return 0;
}

/* ------------------------------------------------------------------------
 * The exact null distribution of U
 * ------------------------------------------------------------------------ */

/* cdf[k] = P(U <= k) for k = 0..na*nb, with no ties.  Caller frees. */
static double *exact_cdf(size_t na, size_t nb)
{
    size_t m = na * nb;
    double *c = calloc(m + 1, sizeof *c), total = 0;

    if (!c)
        return NULL;
    c[0] = 1;
    for (size_t i = 1; i <= na; i++) {
        size_t up = nb + i;
        for (size_t k = m; k >= up; k--)       /* times (1 - q^(nb+i)) */
            c[k] -= c[k - up];
        for (size_t k = i; k <= m; k++)        /* divided by (1 - q^i) */
            c[k] += c[k - i];
    }
    for (size_t k = 0; k <= m; k++) {
        total += c[k];
        c[k] = total;
    }
    for (size_t k = 0; k <= m; k++)
        c[k] /= total;
    return c;
}

static bool use_exact(size_t na, size_t nb, double ties)
{
    return ties == 0 && na <= HB_MWU_EXACT_MAX && nb <= HB_MWU_EXACT_MAX;
}

double hb_mwu_min_p(size_t na, size_t nb)
{
    double p = 2 / gsl_sf_choose((unsigned)(na + nb), (unsigned)na);
    return p > 1 ? 1 : p;
}

/* ------------------------------------------------------------------------
 * The test
 * ------------------------------------------------------------------------ */

/* Two-sided p from the normal approximation, continuity-corrected. */
static double normal_p(double u, size_t na, size_t nb, double ties)
{
    double n = (double)(na + nb), mn = (double)na * (double)nb;
    double var = mn / 12 * ((n + 1) - ties / (n * (n - 1)));
    double z;

    if (!(var > 0))
        return 1;                  /* every value equal: no evidence */
    z = (fabs(u - mn / 2) - 0.5) / sqrt(var);
    if (z <= 0)
        return 1;
    return fmin(1, 2 * gsl_cdf_ugaussian_Q(z));
}

int hb_mann_whitney(const double *a, size_t na, const double *b, size_t nb,
                    struct hb_mwu *out)
{
    double ra, ties;

    if (na == 0 || nb == 0 || rank_sum(a, na, b, nb, &ra, &ties))
        return -1;
    out->u = ra - (double)na * (double)(na + 1) / 2;
    out->exact = use_exact(na, nb, ties);
    if (!out->exact) {
        out->p = normal_p(out->u, na, nb, ties);
        return 0;
    }
    double *cdf = exact_cdf(na, nb);
    if (!cdf)
        return -1;
    size_t k = (size_t)llround(out->u);
    double lower = cdf[k], upper = k ? 1 - cdf[k - 1] : 1;
    out->p = fmin(1, 2 * fmin(lower, upper));
    free(cdf);
    return 0;
}

/* ------------------------------------------------------------------------
 * The Hodges-Lehmann interval
 * ------------------------------------------------------------------------ */

/* The largest k with P(U <= k) <= alpha / 2 into *k, or -1 if even U = 0
 * is too likely (samples too small for this level).  Returns -1 only when
 * memory runs out. */
static int critical_k(size_t na, size_t nb, double alpha, bool exact, long *k)
{
    double mn = (double)na * (double)nb;

    *k = -1;
    if (exact) {
        double *cdf = exact_cdf(na, nb);
        if (!cdf)
            return -1;
        while ((size_t)(*k + 1) <= na * nb && cdf[*k + 1] <= alpha / 2)
            (*k)++;
        free(cdf);
        return 0;
    }
    double z = gsl_cdf_ugaussian_Qinv(alpha / 2);
    double sd = sqrt(mn * (double)(na + nb + 1) / 12);
    *k = (long)floor(mn / 2 - z * sd - 0.5);
    if (*k < -1)
        *k = -1;
    return 0;
}

int hb_ratio_ci(const double *base, size_t nb, const double *new_, size_t nn,
                double alpha, struct hb_ratio_ci *out)
{
    size_t m = nb * nn, at = 0;
    double *d, ra, ties;
    long k;

    if (nb == 0 || nn == 0 || rank_sum(new_, nn, base, nb, &ra, &ties))
        return -1;
    d = malloc(m * sizeof *d);
    if (!d)
        return -1;
    for (size_t j = 0; j < nn; j++)
        for (size_t i = 0; i < nb; i++) {
            if (!(base[i] > 0) || !(new_[j] > 0)) {
                free(d);
                return -1;
            }
            d[at++] = log(new_[j]) - log(base[i]);
        }
    gsl_sort(d, 1, m);
    out->est = exp(gsl_stats_median_from_sorted_data(d, 1, m));
    if (critical_k(nn, nb, alpha, use_exact(nn, nb, ties), &k)) {
        free(d);
        return -1;
    }
    out->short_cov = k < 0;
    if (k < 0)
        k = 0;
    out->lo = exp(d[k]);
    out->hi = exp(d[m - 1 - (size_t)k]);
    free(d);
    return 0;
}
