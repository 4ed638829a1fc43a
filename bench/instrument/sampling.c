/*
 * sampling.c - the stopping rule, the budget and the ETA (sampling.h).
 */
#include "bench/instrument/sampling.h"

#include "bench/stats/hstats.h"

#include <math.h>

double hb_sampling_halfwidth_pct(const double *med, size_t n)
{
    struct hb_hier h;

    if (n < 2)
        return NAN;
    hb_mean_ci(med, n, 0.05, &h);
    if (!isfinite(h.ci_lo) || !isfinite(h.ci_hi) || h.mean == 0)
        return NAN;
    return 100 * (h.ci_hi - h.ci_lo) / 2 / fabs(h.mean);
}

/* Finite values of med[0..n): a process that skipped leaves a NAN. */
static size_t finite_count(const double *med, size_t n)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++)
        k += isfinite(med[i]);
    return k;
}

bool hb_sampling_done(const struct hb_sampling *s, const double *med, size_t n)
{
    double hw;

    if ((int)n >= s->max_procs)
        return true;
    if (!(s->target_pct > 0))
        return false;
    if (n && finite_count(med, n) < n)
        return true;
    if ((int)n < s->min_procs)
        return false;
    hw = hb_sampling_halfwidth_pct(med, n);
    return isfinite(hw) && hw <= s->target_pct;
}

int hb_sampling_expect(const struct hb_sampling *s, const double *med, size_t n)
{
    double sd;
    int k = (int)n + 1 > s->min_procs ? (int)n + 1 : s->min_procs;

    if (hb_sampling_done(s, med, n))
        return (int)n;
    if (!(s->target_pct > 0) || n < 2)
        return s->max_procs;
    sd = hb_sd_log(med, n);
    if (!isfinite(sd))
        return s->max_procs;
    /* The half-width t(k-1) sd / sqrt(k), in %, at the spread seen. */
    for (; k < s->max_procs; k++)
        if (100 * expm1(hb_t_quantile(k - 1, 0.05) * sd / sqrt(k)) <= s->target_pct)
            return k;
    return s->max_procs;
}

/* Whether this process and the rest of its round fit. */
static bool fits(const struct hb_sampling *s, double t, double chunk, double later)
{
    return !(s->budget_s > 0) || t + chunk + later <= s->budget_s;
}

enum hb_sampling_mode hb_sampling_mode(const struct hb_sampling *s, int p, double elapsed_s,
                                       const struct hb_sampling_cost *c)
{
    if (p >= s->max_procs || !(c->chunk > 0))
        return HB_SAMPLING_STOP;
    if (p == 0 && s->first_one_rep)
        return HB_SAMPLING_ONE_REP;
    if (fits(s, elapsed_s, c->chunk, c->later))
        return HB_SAMPLING_FULL;
    if (fits(s, elapsed_s, c->one1, c->later1) || p < s->floor_procs)
        return HB_SAMPLING_ONE_REP;
    return HB_SAMPLING_STOP;
}

/* One process of family f: what its benchmarks expected in process p cost
 * (every benchmark when p < 0), at all their repetitions or at one. */
static double fam_cost(const struct hb_sampling_fam *f, int p, bool one)
{
    const double *c = one && f->cost1_s ? f->cost1_s : f->cost_s;
    double sum = 0;

    for (size_t b = 0; b < f->nb; b++)
        if (p < 0 || f->expect[b] > p)
            sum += c[b];
    return sum;
}

/* Benchmarks of family f expected in process p (every one when p < 0). */
static long fam_runs(const struct hb_sampling_fam *f, int p)
{
    long k = 0;

    for (size_t b = 0; b < f->nb; b++)
        k += p < 0 || f->expect[b] > p;
    return k;
}

/* What is left of the process in progress: its benchmarks not done yet. */
static double rest_of_chunk(const struct hb_sampling_fam *f, int p, long *runs)
{
    const double *cost = f->one_rep_now && f->cost1_s ? f->cost1_s : f->cost_s;
    double c = 0;

    for (size_t b = 0; b < f->nb; b++)
        if (f->done[b] == p && f->expect[b] > p) {
            c += cost[b];
            ++*runs;
        }
    return c;
}

/* One round's process of family g: its cost, and the rest of the round's. */
static struct hb_sampling_cost round_cost(const struct hb_sampling_fam *fam, size_t nf, size_t g,
                                          int p)
{
    struct hb_sampling_cost c = { fam_cost(&fam[g], p, false), fam_cost(&fam[g], p, true), 0, 0 };

    for (size_t h = g + 1; h < nf; h++) {
        c.later += fam_cost(&fam[h], p, false);
        c.later1 += fam_cost(&fam[h], p, true);
    }
    return c;
}

double hb_sampling_eta(const struct hb_sampling *s, const struct hb_sampling_fam *fam,
                       size_t nf, size_t cur, int proc, double elapsed_s, long *runs)
{
    double t = elapsed_s;
    long k = 0;

    for (int p = proc > 0 ? proc : 0; p < s->max_procs; p++) {
        size_t g = 0;

        if (p == proc && cur < nf) {      /* the rest of the process in progress */
            t += rest_of_chunk(&fam[cur], p, &k);
            g = cur + 1;
        }
        for (; g < nf; g++) {
            struct hb_sampling_cost c = round_cost(fam, nf, g, p);
            enum hb_sampling_mode m = hb_sampling_mode(s, p, t, &c);

            if (m == HB_SAMPLING_STOP)
                continue;
            t += m == HB_SAMPLING_FULL ? c.chunk : c.one1;
            k += fam_runs(&fam[g], p);
        }
    }
    if (runs)
        *runs = k;
    return t - elapsed_s;
}
