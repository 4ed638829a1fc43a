/*
 * verdict_est.c - arithmetic on the verdict's estimates.  A number read
 * from a run carries its standard error over processes (bench/compare/
 * hstats.h); a number computed from two of them gets Welch's interval:
 * a ratio on the logs, a sum or difference on the values (the delta
 * method turns a log standard error into one on the values).  Numbers
 * without a standard error (one process, an older summary) fall back to
 * the ends of their intervals, the conservative way.  The change between
 * two runs (hbv_change) is here too, public as hb_verdict_change so the
 * letter writes the changes `verdict BASE NEW` does.
 */
#include "bench/compare/verdict_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bench/stats/hstats.h"

static enum hbv_est_kind kind2(struct hbv_est a, struct hbv_est b)
{
    enum hbv_est_kind k = a.kind < b.kind ? a.kind : b.kind;

    return k == HBV_EST_EXACT && (a.kind != b.kind) ? HBV_EST_CI : k;
}

static double fewest(double a, double b)
{
    return a < b ? a : b;
}

/* Standard error on the values (delta method for a log one). */
static double se_values(struct hbv_est a)
{
    return a.logs ? fabs(a.v) * a.se : a.se;
}

/* Standard error of log a (delta method for one on the values). */
static double se_logs(struct hbv_est a)
{
    return a.logs ? a.se : a.v > 0 ? a.se / a.v : NAN;
}

struct hbv_est hbv_from_se(double v, double se, double df, bool logs, double procs)
{
    struct hbv_est e = { v, v, v, se == 0 ? HBV_EST_EXACT : HBV_EST_CI, se, logs, df, procs };
    double t = hb_t_quantile(df, 0.05);

    if (!isfinite(se) || !isfinite(t)) {
        e.kind = se == 0 ? HBV_EST_EXACT : HBV_EST_NONE;
        return e;
    }
    e.lo = logs ? v * exp(-t * se) : v - t * se;
    e.hi = logs ? v * exp(t * se) : v + t * se;
    return e;
}

static bool both_se(struct hbv_est a, struct hbv_est b)
{
    return isfinite(a.se) && isfinite(b.se);
}

/* a + sign * b on the values. */
static struct hbv_est add_signed(struct hbv_est a, struct hbv_est b, double sign)
{
    if (both_se(a, b)) {
        double sa = se_values(a), sb = se_values(b);
        struct hbv_est r = hbv_from_se(a.v + sign * b.v, sqrt(sa * sa + sb * sb),
                                       hb_welch_df(sa, a.df, sb, b.df), false,
                                       fewest(a.procs, b.procs));
        r.kind = kind2(a, b);
        return r;
    }
    struct hbv_est r = { a.v + sign * b.v, 0, 0, kind2(a, b), NAN, false, NAN,
                         fewest(a.procs, b.procs) };
    r.lo = sign > 0 ? a.lo + b.lo : a.lo - b.hi;
    r.hi = sign > 0 ? a.hi + b.hi : a.hi - b.lo;
    return r;
}

struct hbv_est hbv_sub(struct hbv_est a, struct hbv_est b)
{
    return add_signed(a, b, -1);
}

struct hbv_est hbv_add(struct hbv_est a, struct hbv_est b)
{
    return add_signed(a, b, 1);
}

struct hbv_est hbv_div(struct hbv_est a, struct hbv_est b)
{
    if (both_se(a, b) && a.v > 0 && b.v > 0) {
        double sa = se_logs(a), sb = se_logs(b);
        struct hbv_est r = hbv_from_se(a.v / b.v, sqrt(sa * sa + sb * sb),
                                       hb_welch_df(sa, a.df, sb, b.df), true,
                                       fewest(a.procs, b.procs));
        r.kind = kind2(a, b);
        return r;
    }
    struct hbv_est r = { a.v / b.v, 0, 0, kind2(a, b), NAN, false, NAN,
                         fewest(a.procs, b.procs) };
    r.lo = b.hi > 0 ? (a.lo >= 0 ? a.lo / b.hi : a.lo / b.lo) : -INFINITY;
    r.hi = b.lo > 0 ? (a.hi >= 0 ? a.hi / b.lo : a.hi / b.hi) : INFINITY;
    return r;
}

struct hbv_est hbv_scale(struct hbv_est a, double k)
{
    struct hbv_est r = a;

    r.v = a.v * k;
    r.lo = (k < 0 ? a.hi : a.lo) * k;
    r.hi = (k < 0 ? a.lo : a.hi) * k;
    if (!a.logs)
        r.se = a.se * fabs(k);
    return r;
}

struct hbv_est hbv_inv(struct hbv_est a)
{
    struct hbv_est r = a;

    r.v = 1 / a.v;
    r.lo = a.hi > 0 ? 1 / a.hi : 0;
    r.hi = a.lo > 0 ? 1 / a.lo : INFINITY;
    r.se = se_logs(a);
    r.logs = true;
    return r;
}

bool hbv_excludes(struct hbv_est e, double x)
{
    return e.lo > x || e.hi < x;
}

struct hbv_est hbv_pct(struct hbv_est ratio)
{
    struct hbv_est r = ratio;

    r.v = (ratio.v - 1) * 100;
    r.lo = (ratio.lo - 1) * 100;
    r.hi = (ratio.hi - 1) * 100;
    r.se = 100 * ratio.v * se_logs(ratio);
    r.logs = false;
    return r;
}

/* ------------------------------------------------------------------------
 * The change between two runs
 * ------------------------------------------------------------------------ */

const char *const hbv_kind_name[] = { "none", "reps", "boot", "ci95", "exact" };

/* The change from x to y with its interval (the runs are independent):
 * a ratio as a percentage when both intervals lie above zero, else a
 * difference in x's unit (a signed quantity, a count, or a number whose
 * interval reaches zero has no useful ratio). */
enum hb_verdict_change_kind hbv_change(char *b, size_t n, struct hbv_est x,
                                       const char *unit, struct hbv_est y)
{
    bool diff = unit[0] == '+' || !strcmp(unit, "blocks") || !strcmp(unit, "operations") ||
                !(x.lo > 0) || !(y.lo > 0);
    bool exact = x.kind == HBV_EST_EXACT && y.kind == HBV_EST_EXACT;
    struct hbv_est c;
    char u[16];

    if (exact && x.v == y.v) {
        snprintf(b, n, "unchanged (exact)");
        return HB_CHANGE_UNCHANGED;
    }
    if (diff) {
        c = hbv_sub(y, x);
        snprintf(u, sizeof u, "+%s", unit + (unit[0] == '+'));
    } else {
        c = hbv_pct(hbv_div(y, x));
        snprintf(u, sizeof u, "+%%");
    }
    if (!both_se(x, y) && !exact) {
        char v[64];
        c.lo = c.hi = c.v;
        c.kind = HBV_EST_EXACT;
        hbv_show(v, sizeof v, c, u);
        snprintf(b, n, "%.*s(no interval)", (int)strcspn(v, "("), v);
        return HB_CHANGE_NO_INTERVAL;
    }
    hbv_show(b, n, c, u);           /* "not detected" where c holds 0 */
    return c.kind != HBV_EST_EXACT && !hbv_excludes(c, 0) ? HB_CHANGE_NOT_DETECTED
                                                           : HB_CHANGE_DETECTED;
}

static struct hbv_est from_num(const struct hb_verdict_num *m)
{
    struct hbv_est e = { m->v, m->lo, m->hi, HBV_EST_NONE, m->se, m->logs, m->df, 0 };

    for (int k = HBV_EST_NONE; k <= HBV_EST_EXACT; k++)
        if (m->interval && !strcmp(m->interval, hbv_kind_name[k]))
            e.kind = (enum hbv_est_kind)k;
    return e;
}

enum hb_verdict_change_kind hb_verdict_change(char *b, size_t n,
                                              const struct hb_verdict_num *base,
                                              const struct hb_verdict_num *now)
{
    return hbv_change(b, n, from_num(base), base->unit ? base->unit : "", from_num(now));
}
