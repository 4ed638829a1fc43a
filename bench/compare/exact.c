/*
 * exact.c - comparing exact counts value against value (see exact.h).
 */
#include "bench/compare/exact.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The columns bench --count fills, and the environment key naming their
 * source. */
static const struct {
    const char *col, *key;
} counted[] = {
    { "instructions", "counter_instructions" },
    { "instructions_per_page", "counter_instructions" },
    { "boot_instructions", "counter_instructions" },
    { "deferred_instructions", "counter_instructions" },
    { "data_reads", "counter_data_reads" },
    { "data_writes", "counter_data_writes" },
    { "cond_branches", "counter_cond_branches" },
};

static const char *key_of(const char *metric)
{
    for (size_t i = 0; i < sizeof counted / sizeof counted[0]; i++)
        if (!strcmp(metric, counted[i].col))
            return counted[i].key;
    return NULL;
}

bool hb_exact_metric(const char *metric)
{
    return key_of(metric) != NULL;
}

const char *hb_exact_source(const struct hb_abrun *r, const char *metric)
{
    const char *key = key_of(metric), *v = key ? hb_abrun_env(r, key) : NULL;

    return v && !strncmp(v, "callgrind", 9) ? v : NULL;
}

/* ------------------------------------------------------------------------
 * Comparing
 * ------------------------------------------------------------------------ */

/* The side's one value; false if its values differ (not exact). */
static bool one_value(const struct hb_abrun_sample *s, double *v)
{
    *v = s->n ? s->x[0] : NAN;
    for (size_t i = 1; i < s->n; i++)
        if (s->x[i] != s->x[0])
            return false;
    return s->n > 0;
}

int hb_exact_compare(const struct hb_abrun *base, const struct hb_abrun *new_,
                     struct hb_exact *e)
{
    struct hb_abrun_match m;

    memset(e, 0, sizeof *e);
    if (hb_abrun_match(base, new_, &m))
        return -ENOMEM;
    e->row = calloc(m.n ? m.n : 1, sizeof *e->row);
    if (!e->row) {
        hb_abrun_match_free(&m);
        return -ENOMEM;
    }
    for (size_t i = 0; i < m.n; i++) {
        struct hb_exact_row *w = &e->row[e->n++];
        const struct hb_abrun_pair *p = &m.pair[i];
        bool ob = one_value(p->base, &w->base), on = one_value(p->new_, &w->new_);
        w->name = p->base->name;
        w->inexact = !ob || !on || p->base->inexact || p->new_->inexact;
        w->changed = !w->inexact && w->base != w->new_;
        e->inexact += w->inexact;
        e->changed += w->changed;
        e->same += !w->inexact && !w->changed;
    }
    e->only_base = m.only_base;
    e->only_new = m.only_new;
    hb_abrun_match_free(&m);
    return 0;
}

void hb_exact_free(struct hb_exact *e)
{
    free(e->row);
    memset(e, 0, sizeof *e);
}

void hb_exact_change(char *out, size_t len, double base, double new_)
{
    double d = new_ - base;

    if (d == 0)
        snprintf(out, len, "0");
    else if (base == 0)
        snprintf(out, len, "%+.10g (from 0)", d);
    else
        snprintf(out, len, "%+.10g (%+.2f %%)", d, 100.0 * d / base);
}

/* ------------------------------------------------------------------------
 * Writing
 * ------------------------------------------------------------------------ */

void hb_exact_print(FILE *f, const struct hb_exact *e, const char *metric,
                    const char *source)
{
    char ch[96];

    fprintf(f, "%s: exact counts (%s), no statistics: any difference is a change\n",
            metric, source);
    fprintf(f, "%16s %16s  %s\n", "base", "new", "change");
    for (size_t i = 0; i < e->n; i++) {
        const struct hb_exact_row *w = &e->row[i];
        if (w->inexact)
            snprintf(ch, sizeof ch, "not exact (count_note, or varies within a side)");
        else
            hb_exact_change(ch, sizeof ch, w->base, w->new_);
        fprintf(f, "%s\n%16.10g %16.10g  %s%s\n", w->name, w->base, w->new_, ch,
                w->changed ? "  <- changed" : "");
    }
    fprintf(f, "%zu benchmarks: %zu changed, %zu the same", e->n, e->changed, e->same);
    if (e->inexact)
        fprintf(f, ", %zu not exact", e->inexact);
    if (e->only_base || e->only_new)
        fprintf(f, "; only in base %zu, only in new %zu", e->only_base, e->only_new);
    fputc('\n', f);
}

int hb_exact_write_csv(FILE *f, const struct hb_exact *e)
{
    fputs("benchmark,base,new,change,change_pct,changed,exact\n", f);
    for (size_t i = 0; i < e->n; i++) {
        const struct hb_exact_row *w = &e->row[i];
        double d = w->new_ - w->base;
        fprintf(f, "%s,%.10g,%.10g,%.10g,", w->name, w->base, w->new_, d);
        if (w->base != 0)
            fprintf(f, "%.10g", 100.0 * d / w->base);
        fprintf(f, ",%d,%d\n", w->changed, !w->inexact);
    }
    return ferror(f) ? -EIO : 0;
}
