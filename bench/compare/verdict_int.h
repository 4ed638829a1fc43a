/*
 * verdict_int.h - what the verdict's own files share; nothing outside
 * bench/compare/verdict*.c sees it.  The public interface is verdict.h.
 *
 * The verdict is built in two steps.  The sections (verdict_init.c,
 * verdict_free.c, verdict_state.c: one per question) read numbers from the
 * run (verdict_read.c), record each as an item with its interval and the
 * text shown for it, and write sentences that quote those texts
 * (verdict_num.c).  verdict.c puts the sentences in the reader's order and
 * verdict_print.c writes them, or the items, as Markdown, HTML or CSV.
 */
#ifndef HB_VERDICT_INT_H
#define HB_VERDICT_INT_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "bench/compare/csvread.h"

/* ------------------------------------------------------------------------
 * Numbers, the run, the verdict
 * ------------------------------------------------------------------------ */

enum { HBV_F_INIT, HBV_F_FREE, HBV_F_STATE, HBV_F_ALLOC, HBV_NFAM };

enum hbv_est_kind { HBV_EST_NONE, HBV_EST_REPS, HBV_EST_CI };

struct hbv_est {            /* a number with its interval */
    double v, lo, hi;
    enum hbv_est_kind kind;
};

struct hbv_run {
    const char *dir;
    struct hb_csv sum[HBV_NFAM], tidy[HBV_NFAM];
    bool has_sum[HBV_NFAM], has_tidy[HBV_NFAM];
    unsigned kinds;         /* 1 << enum hbv_est_kind of every number used */
    bool pooled;            /* a tidy-row number pooled several processes */
    double processes;       /* largest "processes" seen, 0 if none */
};

#define HBV_MAX_ITEMS 256
#define HBV_MAX_LINES 160

struct hbv_item {           /* one number of the verdict */
    char key[96];
    struct hbv_est e;
    const char *unit;
    char shown[160];
};

struct hbv_line {
    int section;            /* 0 preface, 1..3 the questions, 4 intervals */
    int depth;              /* 0 bullet, 1 sub-bullet */
    char text[1200];
};

struct hbv_verdict {
    struct hbv_run *r;
    struct hbv_item item[HBV_MAX_ITEMS];
    size_t nitems;
    struct hbv_line line[HBV_MAX_LINES];
    size_t nlines;
};

struct hbv_vals {           /* distinct values of a column */
    char v[64][64];
    size_t n;
};

/* ------------------------------------------------------------------------
 * Reading the run (verdict_read.c)
 * ------------------------------------------------------------------------ */

void hbv_load_run(struct hbv_run *r, const char *dir);
void hbv_free_run(struct hbv_run *r);
/* Metric m of the one benchmark of family fam matching "col=val;...". */
bool hbv_get(struct hbv_run *run, int fam, const char *where, const char *m,
             struct hbv_est *e);
void hbv_distinct(const struct hb_csv *c, const char *col, const char *where,
                  struct hbv_vals *out, bool sorted);
const struct hb_csv *hbv_rows(const struct hbv_run *r, int fam);

/* ------------------------------------------------------------------------
 * Arithmetic on intervals (conservative: from the ends)
 * ------------------------------------------------------------------------ */

static inline enum hbv_est_kind hbv_kind2(struct hbv_est a, struct hbv_est b)
{
    return a.kind < b.kind ? a.kind : b.kind;
}

static inline struct hbv_est hbv_sub(struct hbv_est a, struct hbv_est b)
{
    return (struct hbv_est){ a.v - b.v, a.lo - b.hi, a.hi - b.lo, hbv_kind2(a, b) };
}

/* a / b for positive b; an interval of b touching 0 gives an open end. */
static inline struct hbv_est hbv_div(struct hbv_est a, struct hbv_est b)
{
    struct hbv_est r = { a.v / b.v, 0, 0, hbv_kind2(a, b) };
    r.lo = b.hi > 0 ? (a.lo >= 0 ? a.lo / b.hi : a.lo / b.lo) : -INFINITY;
    r.hi = b.lo > 0 ? (a.hi >= 0 ? a.hi / b.lo : a.hi / b.hi) : INFINITY;
    return r;
}

static inline struct hbv_est hbv_scale(struct hbv_est a, double k)
{
    struct hbv_est r = { a.v * k, a.lo * k, a.hi * k, a.kind };
    if (k < 0) {
        r.lo = a.hi * k;
        r.hi = a.lo * k;
    }
    return r;
}

/* 1 / a for positive a. */
static inline struct hbv_est hbv_inv(struct hbv_est a)
{
    return (struct hbv_est){ 1 / a.v, a.hi > 0 ? 1 / a.hi : 0,
                             a.lo > 0 ? 1 / a.lo : INFINITY, a.kind };
}

/* ------------------------------------------------------------------------
 * Items and sentences (verdict_num.c)
 * ------------------------------------------------------------------------ */

/* Record number e under key; the text shown for it ("?" if full). */
const char *hbv_num(struct hbv_verdict *vd, const char *key, struct hbv_est e,
                    const char *unit);
/* Add a sentence to a section (1..3 the questions) at depth 0 or 1. */
void hbv_say(struct hbv_verdict *vd, int section, int depth, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* ------------------------------------------------------------------------
 * The questions, one file each
 * ------------------------------------------------------------------------ */

void hbv_section_init(struct hbv_verdict *vd);      /* verdict_init.c */
void hbv_section_free(struct hbv_verdict *vd);      /* verdict_free.c */
void hbv_section_state(struct hbv_verdict *vd);     /* verdict_state.c */
/* Exact counts (bench --count): opens question 1 (verdict_count.c). */
void hbv_section_count(struct hbv_verdict *vd);

/* ------------------------------------------------------------------------
 * Writing (verdict_print.c)
 * ------------------------------------------------------------------------ */

void hbv_print_md(FILE *f, const struct hbv_verdict *vd);
void hbv_print_html(FILE *f, const struct hbv_verdict *vd);
void hbv_print_csv(FILE *f, const struct hbv_verdict *vd);
/* Two runs: every number both have, as a change. */
void hbv_print_delta(FILE *f, const struct hbv_verdict *a, const struct hbv_verdict *b);

#endif
