/*
 * pair.c - one benchmark on two sides, and the decision over many (see
 * pair.h).
 */
#include "bench/stats/pair.h"
#include "bench/stats/abstats.h"

#include <math.h>
#include <stdlib.h>

/* The median of each unit's values, into d->pm (units in any order). */
static int unit_medians(struct hb_pair_side *d)
{
    double *tmp = malloc((d->n + 1) * sizeof *tmp);

    d->pm = malloc((d->n + 1) * sizeof *d->pm);
    d->npm = 0;
    if (!tmp || !d->pm) {
        free(tmp);
        return -1;
    }
    for (size_t i = 0; i < d->n; i++) {
        size_t k = 0;
        bool first = true;
        for (size_t j = 0; j < i && first; j++)
            first = d->unit[j] != d->unit[i];
        if (!first)
            continue;
        for (size_t j = i; j < d->n; j++)
            if (d->unit[j] == d->unit[i])
                tmp[k++] = d->x[j];
        d->pm[d->npm++] = hb_median(tmp, k);
    }
    free(tmp);
    return 0;
}

static double min_of(const double *x, size_t n)
{
    double m = x[0];

    for (size_t i = 1; i < n; i++)
        m = x[i] < m ? x[i] : m;
    return m;
}

static double max_of(const double *x, size_t n)
{
    double m = x[0];

    for (size_t i = 1; i < n; i++)
        m = x[i] > m ? x[i] : m;
    return m;
}

/* Repetitions as the samples: the only choice with one unit a side.
 * The estimates are the medians of the repetitions; the Hodges-Lehmann
 * interval needs every value > 0 (else none). */
static int by_reps(struct hb_pair *w, double alpha)
{
    const struct hb_pair_side *b = &w->b, *n = &w->n;
    struct hb_mwu t;
    struct hb_ratio_ci ci = { NAN, NAN, NAN, false };
    bool pos = min_of(b->x, b->n) > 0 && min_of(n->x, n->n) > 0;

    if (hb_mann_whitney(n->x, n->n, b->x, b->n, &t) ||
        (pos && hb_ratio_ci(b->x, b->n, n->x, n->n, alpha, &ci)))
        return -1;
    w->p = t.p;
    w->exact = t.exact;
    w->lo = ci.lo;
    w->hi = ci.hi;
    w->ratio = w->mb != 0 ? w->mn / w->mb : NAN;
    w->noise = NAN;
    return 0;
}

int hb_pair_compare(struct hb_pair *w, const double *bx, const long *bu, size_t bn,
                    const double *nx, const long *nu, size_t nn, double alpha)
{
    *w = (struct hb_pair){ .b = { .x = bx, .unit = bu, .n = bn },
                           .n = { .x = nx, .unit = nu, .n = nn } };
    if (!bn || !nn || unit_medians(&w->b) || unit_medians(&w->n))
        return -1;
    w->bmin = min_of(bx, bn);
    w->bmax = max_of(bx, bn);
    w->nmin = min_of(nx, nn);
    w->nmax = max_of(nx, nn);
    w->by_procs = w->b.npm >= 2 && w->n.npm >= 2;
    if (!w->by_procs) {
        w->mb = hb_median(w->b.pm, w->b.npm);
        w->mn = hb_median(w->n.pm, w->n.npm);
        return by_reps(w, alpha);
    }
    if (hb_welch(w->b.pm, w->b.npm, w->n.pm, w->n.npm, alpha, &w->t))
        return -1;
    w->mb = w->t.mb;
    w->mn = w->t.mn;
    w->ratio = w->t.ratio;
    w->lo = w->t.lo;
    w->hi = w->t.hi;
    w->p = w->t.p;
    w->noise = w->t.sd_pool / sqrt((double)(w->b.npm < w->n.npm ? w->b.npm : w->n.npm));
    return 0;
}

void hb_pair_free(struct hb_pair *w)
{
    free(w->b.pm);
    free(w->n.pm);
    w->b.pm = w->n.pm = NULL;
    w->b.npm = w->n.npm = 0;
}

/* The counts and geometric means over w[0..n) once decided. */
static int summarise(const struct hb_pair *w, size_t n, struct hb_pair_sum *sum)
{
    double *rb = malloc((n + 1) * sizeof *rb);
    double *rn = malloc((n + 1) * sizeof *rn);
    size_t k = 0;

    if (!rb || !rn) {
        free(rb);
        free(rn);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (w[i].mb > 0 && w[i].mn > 0) {  /* a zero has no log: left out */
            rb[k] = w[i].mb;
            rn[k++] = w[i].mn;
        }
        if (w[i].ab.flagged)
            w[i].mn < w[i].mb ? sum->faster++ : sum->slower++;
    }
    sum->geo_b = hb_geomean(rb, k);
    sum->geo_n = hb_geomean(rn, k);
    sum->geo_ratio = sum->geo_n / sum->geo_b;
    free(rb);
    free(rn);
    return 0;
}

int hb_pair_decide(struct hb_pair *w, size_t n, double alpha, double threshold,
                   struct hb_pair_sum *sum)
{
    struct hb_ab_item *it = malloc((n + 1) * sizeof *it);

    *sum = (struct hb_pair_sum){ .thr_min = INFINITY, .thr_max = 0 };
    if (!it)
        return -1;
    for (size_t i = 0; i < n; i++)
        it[i] = (struct hb_ab_item){ .ratio = w[i].ratio, .lo = w[i].lo, .hi = w[i].hi,
                                     .log_scale = w[i].by_procs && w[i].t.log_scale,
                                     .d = w[i].by_procs ? w[i].t.d : NAN,
                                     .se = w[i].by_procs ? w[i].t.se : NAN,
                                     .df = w[i].by_procs ? w[i].t.df : NAN,
                                     .base = w[i].mb, .noise = w[i].noise, .p = w[i].p };
    if (hb_ab_decide(it, n, alpha, threshold)) {
        free(it);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        w[i].ab = it[i];
        sum->by_procs += w[i].by_procs;
        sum->thr_min = fmin(sum->thr_min, it[i].thr);
        sum->thr_max = fmax(sum->thr_max, it[i].thr);
    }
    free(it);
    return summarise(w, n, sum);
}
