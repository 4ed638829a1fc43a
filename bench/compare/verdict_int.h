/*
 * verdict_int.h - what the verdict's own files share; nothing outside
 * bench/compare/verdict*.c sees it.  The public interface is verdict.h.
 *
 * The verdict is built in two steps.  The sections (verdict_init.c,
 * verdict_free.c, verdict_state.c: one per question; verdict_xen*.c: real
 * Xen 4.17's exact counts) read numbers from the
 * run (verdict_read.c), record each as an item with its interval and the
 * text shown for it, and write sentences that quote those texts
 * (verdict_num.c) and tables that line them up (verdict_table.c).
 * verdict.c puts the sentences in the reader's order and verdict_print.c
 * writes them with the tables, or the items, as text, Markdown, HTML or
 * CSV.
 */
#ifndef HB_VERDICT_INT_H
#define HB_VERDICT_INT_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "bench/compare/csvread.h"
#include "bench/stats/hstats.h"
#include "bench/compare/verdict.h"

/* ------------------------------------------------------------------------
 * Numbers, the run, the verdict
 * ------------------------------------------------------------------------ */

enum { HBV_F_INIT, HBV_F_FREE, HBV_F_STATE, HBV_F_ALLOC, HBV_NFAM };

/* How a number's interval was found, from the weakest: none; the min-max
 * of the repetitions of one process (a range, not an interval); the ends
 * of an older summary's bootstrap interval; a t interval over processes
 * (hstats.h), or a count that is the same in every process (exact). */
enum hbv_est_kind { HBV_EST_NONE, HBV_EST_REPS, HBV_EST_BOOT, HBV_EST_CI, HBV_EST_EXACT };

struct hbv_est {            /* a number with its interval */
    double v, lo, hi;
    enum hbv_est_kind kind;
    double se;              /* standard error: of log v if logs, else of v;
                               NAN: none (the interval is a range) */
    bool logs;
    double df;              /* degrees of freedom of se */
    double procs;           /* processes behind it (the fewest) */
};

struct hbv_run {
    const char *dir;
    struct hb_csv sum[HBV_NFAM], tidy[HBV_NFAM], env;
    bool has_sum[HBV_NFAM], has_tidy[HBV_NFAM], has_env;
    unsigned kinds;         /* 1 << enum hbv_est_kind of every number used */
    double procs_min, procs_max;   /* processes behind the numbers (0: none) */
};

#define HBV_MAX_ITEMS 256
#define HBV_MAX_LINES 160

struct hbv_item {           /* one number of the verdict */
    char key[96];
    struct hbv_est e;
    const char *unit;
    char shown[160];
    char what[160];         /* its subject in words (hbv_words) */
};

/* Sections beyond the questions: how to read the intervals, real Xen. */
enum { HBV_SECTION_INTERVALS = 4, HBV_SECTION_XEN = 5 };

struct hbv_line {
    int section;            /* 0 preface, 1..3 the questions, 4 intervals, 5 real Xen */
    int depth;              /* 0 bullet, 1 sub-bullet */
    char text[1200];
};

#define HBV_MAX_TABLES 14
#define HBV_TCOLS 6
#define HBV_TROWS 24

struct hbv_table {          /* numbers of a kind, lined up */
    int section;
    size_t at;              /* printed before the section's line at */
    char title[400];
    int ncol;
    char head[HBV_TCOLS][64];      /* '\n' splits it over two lines in text */
    size_t nrows;
    char label[HBV_TROWS][64];
    char cell[HBV_TROWS][HBV_TCOLS][160];
};

struct hbv_verdict {
    struct hbv_run *r;
    double max_gib, worst_gib;     /* init: largest size measured, of the worst */
    char span[96];                 /* init: "measured 1 to 64 GiB, ..." */
    char state_table[48];          /* state: the table scanned, "4 MiB" */
    bool state_cached[2];          /* state: entries, bytearray read from the LLC */
    struct hbv_item item[HBV_MAX_ITEMS];
    size_t nitems;
    struct hbv_line line[HBV_MAX_LINES];
    size_t nlines;
    struct hbv_table table[HBV_MAX_TABLES];
    size_t ntables;
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

/* The value of an environment.csv key, or NULL. */
const char *hbv_env(const struct hbv_run *r, const char *key);
/* Every value of metric m in the tidy rows matching where (one benchmark
 * per value of col: the caller's where says so): x[i] at col's value
 * at[i], process proc[i]; how many (at most max), or -1 if there are no
 * tidy rows with m and col. */
long hbv_series(struct hbv_run *run, int fam, const char *where, const char *col,
                const char *m, double *at, long *proc, double *x, size_t max);
/* Record that a number of this kind, from this many processes, was used. */
void hbv_used(struct hbv_run *run, const struct hbv_est *e);

/* ------------------------------------------------------------------------
 * Arithmetic on estimates (verdict_est.c): with standard errors, Welch's
 * t (ratios on the logs, sums and differences on the values); without,
 * from the ends of the intervals (conservative)
 * ------------------------------------------------------------------------ */

struct hbv_est hbv_sub(struct hbv_est a, struct hbv_est b);
struct hbv_est hbv_add(struct hbv_est a, struct hbv_est b);
struct hbv_est hbv_div(struct hbv_est a, struct hbv_est b);   /* b > 0 */
struct hbv_est hbv_scale(struct hbv_est a, double k);
struct hbv_est hbv_inv(struct hbv_est a);                     /* a > 0 */
/* A ratio as a change in %: (r - 1) x 100, its standard error on the values. */
struct hbv_est hbv_pct(struct hbv_est ratio);
/* An estimate from a mean, its standard error and df (logs or values). */
struct hbv_est hbv_from_se(double v, double se, double df, bool logs, double procs);
/* Whether e's interval leaves out x (a change of 0, a ratio of 1). */
bool hbv_excludes(struct hbv_est e, double x);
/* The change from x (in unit) to y, written into b as two runs' verdicts
 * show it (hb_verdict_change, verdict.h). */
enum hb_verdict_change_kind hbv_change(char *b, size_t n, struct hbv_est x,
                                       const char *unit, struct hbv_est y);
/* The names of enum hbv_est_kind, as the CSV's interval column has them. */
extern const char *const hbv_kind_name[];

/* ------------------------------------------------------------------------
 * Items and sentences (verdict_num.c)
 * ------------------------------------------------------------------------ */

/* Record number e under key; the text shown for it ("?" if full). */
const char *hbv_num(struct hbv_verdict *vd, const char *key, struct hbv_est e,
                    const char *unit);
/* The text shown for the item key ("?" if none). */
const char *hbv_shown(const struct hbv_verdict *vd, const char *key);
/* The number called key, or NULL. */
const struct hbv_item *hbv_item_of(const struct hbv_verdict *vd, const char *key);
/* The text of e in unit, as hbv_num shows it, without recording it. */
void hbv_show(char *b, size_t n, struct hbv_est e, const char *unit);
/* A verdict number's subject in words, from its key (verdict_words.c). */
void hbv_words(char *b, size_t n, const char *key);
/* Add a sentence to a section (1..3 the questions) at depth 0 or 1. */
void hbv_say(struct hbv_verdict *vd, int section, int depth, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* ------------------------------------------------------------------------
 * Tables (verdict_table.c)
 * ------------------------------------------------------------------------ */

/* A new table in section, after the sentences said so far, with ncol
 * columns besides the row labels (heads[0..ncol-1]); its index, -1 if full. */
int hbv_table(struct hbv_verdict *vd, int section, const char *title, int ncol,
              const char *const heads[]);
/* Set the cell of row (added if new) and column col of table t to text. */
void hbv_cell(struct hbv_verdict *vd, int t, const char *row, int col, const char *text);
void hbv_table_md(FILE *f, const struct hbv_table *t);
void hbv_table_html(FILE *f, const struct hbv_table *t);
/* Plain text of at most width columns: each cell's value over its interval. */
void hbv_table_text(FILE *f, const struct hbv_table *t, int width);
/* text as lines of at most width columns, the first after lead, the
 * others indented as far. */
void hbv_wrap(FILE *f, const char *lead, const char *text, int width);

/* ------------------------------------------------------------------------
 * The questions, one file each
 * ------------------------------------------------------------------------ */

void hbv_section_init(struct hbv_verdict *vd);      /* verdict_init.c */
void hbv_section_free(struct hbv_verdict *vd);      /* verdict_free.c */
void hbv_section_state(struct hbv_verdict *vd);     /* verdict_state.c */
/* Exact counts (bench --count): opens question 1 (verdict_count.c). */
void hbv_section_count(struct hbv_verdict *vd);
/* Real Xen 4.17 (xen_fidelity.csv, xen_variants*.csv; verdict_xen.c), and
 * its sentence in short (after the section, from its numbers). */
void hbv_section_xen(struct hbv_verdict *vd);
void hbv_xen_short(struct hbv_verdict *vd);

/* ------------------------------------------------------------------------
 * Real Xen's tables, shared by verdict_xen.c and verdict_xen_var.c: rows
 * grouped by operation, the range of up to three figures in each
 * ------------------------------------------------------------------------ */

#define HBX_BAND_LO 0.90    /* the model agrees with Xen within this band */
#define HBX_BAND_HI 1.10
#define HBX_MAXG 32

struct xgrp {
    char key[96];
    double lo[3], hi[3], sum[3];
    int n, in_band, equal;
    char outside[200];      /* the layouts outside the band */
};

struct xgroups {
    struct xgrp g[HBX_MAXG];
    size_t n;
};

struct xgrp *hbx_grp(struct xgroups *gs, const char *key);      /* NULL: full */
void hbx_put(struct xgrp *g, int k, double x);
bool hbx_in_band(double r);
void hbx_fmt_n(char *b, size_t n, double x);                       /* "58.0" */
/* "571 to 597" ("+4 to +6" if sign, three decimals if ratio). */
void hbx_fmt_range(char *b, size_t n, double lo, double hi, bool sign, bool ratio);
void hbx_tab_range(char *b, size_t n, double lo, double hi, bool ratio);   /* "571-597" */
/* The run's table name (0 rows: false); a cell by column name; a number. */
bool hbx_load(const struct hbv_run *r, const char *name, struct hb_csv *c);
const char *hbx_cell(const struct hb_csv *c, size_t i, const char *name);
double hbx_numc(const struct hb_csv *c, size_t i, const char *name);
/* Row i's operation: "end_boot_allocator", "free o9 away". */
void hbx_op_key(char *b, size_t n, const struct hb_csv *c, size_t i);
/* An exact number and the text shown for it. */
void hbx_item(struct hbv_verdict *vd, const char *key, double v, double lo, double hi,
              const char *unit, const char *shown);
/* "`make xen-bench` of DATE, N days before this run" from environment.csv. */
void hbx_source_note(char *b, size_t n, const struct hbv_run *r, const char *stem,
                     const char *what);
/* The groups with rows outside the band, named with their figures. */
void hbx_name_outside(char *b, size_t n, const struct xgroups *gs);
/* Real Xen's variants (verdict_xen_var.c). */
void hbv_xen_variants(struct hbv_verdict *vd);

/* ------------------------------------------------------------------------
 * Writing (verdict_print.c)
 * ------------------------------------------------------------------------ */

void hbv_print_md(FILE *f, const struct hbv_verdict *vd);
void hbv_print_html(FILE *f, const struct hbv_verdict *vd);
void hbv_print_csv(FILE *f, const struct hbv_verdict *vd);
void hbv_print_text(FILE *f, const struct hbv_verdict *vd);     /* 80 columns */
/* Two runs: every number both have, as a change. */
void hbv_print_delta(FILE *f, const struct hbv_verdict *a, const struct hbv_verdict *b);

#endif
