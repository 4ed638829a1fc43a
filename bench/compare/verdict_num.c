/*
 * verdict_num.c - the verdict's numbers as the reader sees them, and its
 * sentences.  Each number is recorded as an item (key, value, interval,
 * unit, the text shown) so --format csv can print them all and two runs can
 * be compared number by number; each sentence quotes the items' texts.
 */
#include "bench/compare/verdict_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * Formatting
 * ------------------------------------------------------------------------ */

static void fmt_plain(char *b, size_t n, double v)
{
    double a = fabs(v);

    if (isinf(v))
        snprintf(b, n, "%s", v > 0 ? "no bound" : "-no bound");
    else if (a >= 100 || v == floor(v))
        snprintf(b, n, "%.0f", v);
    else if (a >= 10)
        snprintf(b, n, "%.1f", v);
    else if (a >= 1)
        snprintf(b, n, "%.2f", v);
    else if (a >= 0.1)
        snprintf(b, n, "%.2f", v);
    else
        snprintf(b, n, "%.2g", v);
}

/* Counts in words: 140 million. */
static void fmt_count(char *b, size_t n, double v)
{
    static const struct { double k; const char *w; } big[] = {
        { 1e12, " trillion" }, { 1e9, " billion" }, { 1e6, " million" }, { 1e3, " thousand" },
    };
    char t[64];

    for (size_t i = 0; i < 4 && !isinf(v); i++)
        if (fabs(v) >= big[i].k) {
            fmt_plain(t, sizeof t, v / big[i].k);
            snprintf(b, n, "%s%s", t, big[i].w);
            return;
        }
    fmt_plain(b, n, v);
}

/* Time in ns scaled to the unit of its middle value. */
static const char *time_unit(double ns, double *div)
{
    double a = fabs(ns);

    *div = a >= 1e9 ? 1e9 : a >= 1e6 ? 1e6 : a >= 1e3 ? 1e3 : 1;
    return a >= 1e9 ? "s" : a >= 1e6 ? "ms" : a >= 1e3 ? "us" : "ns";
}

static void fmt_signed(char *b, size_t n, double v, bool count, bool sign)
{
    char t[40];

    (count ? fmt_count : fmt_plain)(t, sizeof t, v);
    snprintf(b, n, "%s%s", sign && v >= 0 && !isinf(v) ? "+" : "", t);
}

/* A change (a signed unit, or a ratio "x") whose interval includes none:
 * "not detected (+/-X unit)", X the farther end (as a % for a ratio). */
static bool not_detected(char *b, size_t n, struct hbv_est e, const char *unit)
{
    bool ratio = !strcmp(unit, "x");
    double none = ratio ? 1 : 0, w, div = 1;
    char t[40];

    if ((unit[0] != '+' && !ratio) || e.kind == HBV_EST_EXACT || hbv_excludes(e, none) ||
        isnan(e.lo) || isnan(e.hi))
        return false;
    w = fmax(fabs(e.lo - none), fabs(e.hi - none)) * (ratio ? 100 : 1);
    unit = ratio ? "%" : unit + 1;
    if (!strcmp(unit, "ns"))
        unit = time_unit(w, &div);
    fmt_plain(t, sizeof t, w / div);
    snprintf(b, n, "not detected (+/-%s%s%s)", t, strcmp(unit, "%") ? " " : " ", unit);
    return true;
}

/* "0.43 ms (0.41 to 0.45)".  unit: ns (scaled to the value, or to a
 * hundredth of the farther end if larger), x, %, pages/ns, and counts (frees, blocks:
 * no unit word, the sentence says it); a leading '+' prints signs ("+ns",
 * "+%").  An interval of one value prints "(exact)"; a change whose
 * interval includes none, "not detected (+/-X ...)". */
static void show(char *b, size_t n, struct hbv_est e, const char *unit)
{
    char v[44], lo[44], hi[44];
    bool sign = unit[0] == '+';
    const char *u = unit + sign;
    bool count = !strcmp(u, "frees") || !strcmp(u, "blocks");
    double div = 1;

    if (not_detected(b, n, e, unit))
        return;
    if (!strcmp(u, "ns"))
        u = time_unit(fmax(fabs(e.v), fmax(fabs(e.lo), fabs(e.hi)) / 100), &div);
    if (count)
        u = "";
    fmt_signed(v, sizeof v, e.v / div, count, sign);
    fmt_signed(lo, sizeof lo, e.lo / div, count, sign);
    fmt_signed(hi, sizeof hi, e.hi / div, count, sign);
    if (e.kind == HBV_EST_EXACT)
        snprintf(b, n, "%s%s%s (exact)", v, *u && strcmp(u, "x") ? " " : "", u);
    else if (e.lo == e.hi && e.lo == e.v && e.kind != HBV_EST_CI)
        /* one measurement, not a count: no spread to show, nor exactness */
        snprintf(b, n, "%s%s%s (one measurement: no interval)", v,
                 *u && strcmp(u, "x") ? " " : "", u);
    else
        snprintf(b, n, "%s%s%s (%s to %s)", v, *u && strcmp(u, "x") ? " " : "", u, lo, hi);
}

/* ------------------------------------------------------------------------
 * Items and sentences
 * ------------------------------------------------------------------------ */

static struct hbv_item *add_item(struct hbv_verdict *vd, const char *key,
                                 struct hbv_est e, const char *unit)
{
    if (vd->nitems >= HBV_MAX_ITEMS)
        return NULL;
    struct hbv_item *it = &vd->item[vd->nitems++];
    snprintf(it->key, sizeof it->key, "%s", key);
    it->e = e;
    it->unit = unit;
    show(it->shown, sizeof it->shown, e, unit);
    hbv_words(it->what, sizeof it->what, key);
    return it;
}

const struct hbv_item *hbv_item_of(const struct hbv_verdict *vd, const char *key)
{
    for (size_t i = 0; i < vd->nitems; i++)
        if (!strcmp(vd->item[i].key, key))
            return &vd->item[i];
    return NULL;
}

const char *hbv_shown(const struct hbv_verdict *vd, const char *key)
{
    const struct hbv_item *it = hbv_item_of(vd, key);

    return it ? it->shown : "?";
}

void hbv_show(char *b, size_t n, struct hbv_est e, const char *unit)
{
    show(b, n, e, unit);
}

const char *hbv_num(struct hbv_verdict *vd, const char *key, struct hbv_est e,
                    const char *unit)
{
    struct hbv_item *it = add_item(vd, key, e, unit);
    return it ? it->shown : "?";
}

void hbv_say(struct hbv_verdict *vd, int section, int depth, const char *fmt, ...)
{
    va_list ap;

    if (vd->nlines >= HBV_MAX_LINES)
        return;
    struct hbv_line *l = &vd->line[vd->nlines++];
    l->section = section;
    l->depth = depth;
    va_start(ap, fmt);
    vsnprintf(l->text, sizeof l->text, fmt, ap);
    va_end(ap);
}
