/*
 * tidy.h - from Google Benchmark's runs to tidy CSV: one row per
 * repetition per benchmark, parameters as columns, derived per-page and
 * bandwidth figures, the ratio to the same run's baseline, and one summary
 * row per benchmark with the statistics of every numeric column
 * (bench/stats/hstats.h).
 *
 * Each CSV's columns come from one table (struct hb_column: name, unit,
 * how to compute the cell) from which header, rows and summary are
 * written.  docs/results-format.md is the written contract (how names
 * become columns, which baseline a row is compared with), and a unit test
 * checks that it lists every column of the tables.
 */
#ifndef HB_TIDY_H
#define HB_TIDY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bench/stats/hstats.h"
#include "bench/instrument/gbench.h"
#include "bench/instrument/perfctr.h"

#define HB_MAX_PARAMS 16

struct hb_param {
    char key[48];
    char value[80];
};

struct hb_name {
    char family[48];
    char what[64];
    struct hb_param p[HB_MAX_PARAMS];
    unsigned nr;
};

/* ------------------------------------------------------------------------
 * What a family tells the writer
 *
 * Each family's declaration (bench/families/family.h, one HB_FAMILY line
 * in its own file) carries one of these, handed over as it registers, so
 * that the writer names no family.  A reference family's rows are what
 * every other row's `ratio` is to: its `what` names the kind of access
 * ("memset", "read"); ref_kinds lists them, the default first, and a
 * label word "<family>=<kind>" on another row picks one of them; ref_size
 * is its parameter column holding the buffer size.
 *
 * A family's series are what the verdict asks of it, by name: each is a
 * filter on its parameter columns ("what=block;encoding=legacy"), and
 * each row's `series` column lists the names of those it matches, so a
 * reader finds a series in the run's own CSV files (docs/results-format.md).
 * ------------------------------------------------------------------------ */

struct hb_tidy_series {
    const char *name;                 /* a word: [a-z0-9_] */
    const char *filter;               /* "col=value;col=value" ("what" too) */
};

struct hb_tidy_family {
    const char *name;
    bool reference;
    const char *ref_kinds;            /* reference: "memset read", default first */
    const char *ref_size;             /* reference: its buffer-size column */
    const struct hb_tidy_series *series;  /* ends with { NULL } (NULL: none) */
};

/* Declare a family (again: ignored).  0, or -ENOSPC past HB_MAX_FAMILIES. */
#define HB_MAX_FAMILIES 32
int hb_tidy_declare(const struct hb_tidy_family *f);
/* The reference family declared, NULL if none; a family by name. */
const struct hb_tidy_family *hb_tidy_reference(void);
const struct hb_tidy_family *hb_tidy_family_named(const char *name);

/* Split a benchmark name; -EINVAL if empty or a piece does not fit. */
int hb_name_parse(const char *name, struct hb_name *out);
/* Value of a parameter (by its column name), NULL if absent. */
const char *hb_name_param(const struct hb_name *n, const char *key);

/* ------------------------------------------------------------------------
 * Rows
 * ------------------------------------------------------------------------ */

/* Counts only callgrind gives (bench --count); its instructions go into
 * perf[HB_PERF_INSTRUCTIONS], so that the column has one name whatever
 * counted it (environment.csv says what did). */
enum hb_exact_id { HB_EXACT_DATA_READS, HB_EXACT_DATA_WRITES, HB_EXACT_COND_BRANCHES,
                   HB_EXACT_NR };

struct hb_counter_kv {
    char *name;
    double value;
};

struct hb_row {
    char *name;
    struct hb_name n;
    long repetition;
    long process;                     /* 0-based invocation (--processes) */
    uint64_t iterations;
    double real_ns, cpu_ns;           /* per iteration */
    double pages, bytes;              /* per iteration; NAN if not set */
    double perf[HB_PERF_NR];          /* per iteration; NAN if not counted */
    double exact[HB_EXACT_NR];        /* bench --count, per iteration; NAN */
    char *count_note;                 /* why not counted, or how (NULL) */
    char ref_kind[24];                /* label "<reference>=<kind>"; "": default */
    struct hb_counter_kv *other;      /* every other counter */
    size_t nr_other, cap_other;
    /* Derived by hb_results_derive (NAN / NULL: not applicable). */
    double ns_per_page, ms_per_gib, gbps, baseline_gbps, ratio;
    const char *baseline;             /* name of the baseline benchmark */
    char *series;                     /* the series it is in, "a b"; NULL */
};

struct hb_skip {
    char *name, *message;
};

struct hb_results {
    struct hb_row *rows;
    size_t nr, cap;
    struct hb_skip *skips;            /* benchmarks that reported an error */
    size_t nr_skips, cap_skips;
};

/* Record one repetition (errors go to skips, once per benchmark).
 * 0, -EINVAL (a name that does not parse), -ENOMEM. */
int hb_results_add(struct hb_results *r, const struct hb_gb_run *run);
/* Names of one benchmark but for Google Benchmark's own segments
 * (iterations:N, min_time:S, manual_time, real_time): a counted run fixes
 * its iterations, and a registered name has none of them. */
bool hb_same_benchmark(const char *a, const char *b);

/* The exact counts of a benchmark (bench --count) into each of its rows:
 * instructions and the exact ids per iteration (NAN: not counted), and a
 * note (NULL: none).  Returns the rows set; -ENOMEM. */
long hb_results_set_count(struct hb_results *r, const char *name, double instructions,
                          const double exact[HB_EXACT_NR], const char *note);

/* A family counter (a column of its own) into each row of a benchmark:
 * set, or added.  Returns the rows set; -ENOMEM. */
long hb_results_set_counter(struct hb_results *r, const char *name, const char *counter,
                            double v);

/* Fill the derived columns once every run is in. */
void hb_results_derive(struct hb_results *r);
void hb_results_free(struct hb_results *r);

/* Families in first-seen order; returns how many (at most max filled). */
size_t hb_results_families(const struct hb_results *r, const char **fam, size_t max);

/* <family>.csv and <family>_summary.csv contents; 0 or -EIO. */
int hb_results_write_csv(const struct hb_results *r, const char *family, FILE *f);
int hb_results_write_summary(const struct hb_results *r, const char *family, FILE *f);
/* skipped.csv: "benchmark,reason" (readers of family tables skip it by
 * name, as they skip environment.csv). */
int hb_results_write_skipped(const struct hb_results *r, FILE *f);

/* Median real_ns of a benchmark's repetitions (NAN if none). */
double hb_results_median_real_ns(const struct hb_results *r, const char *name);

/* ------------------------------------------------------------------------
 * Pieces, exposed for the tests
 * ------------------------------------------------------------------------ */

/* One CSV field, quoted (RFC 4180) if it holds a comma, quote or newline. */
void hb_tidy_field(FILE *f, const char *s);
/* A number without units; NAN and infinities are an empty field. */
void hb_tidy_num(FILE *f, double v);

/* ------------------------------------------------------------------------
 * Column sets
 * ------------------------------------------------------------------------ */

enum hb_col_kind {
    HB_COL_KEY,       /* text naming the benchmark: in both CSVs */
    HB_COL_PARAMS,    /* stands for the family's parameter columns (text) */
    HB_COL_INDEX,     /* a number naming the row (repetition, process) */
    HB_COL_NUM,       /* a measured or derived number: summarised */
    HB_COL_TEXT,      /* other text (the baseline's name) */
    HB_COL_COUNTERS,  /* stands for the family's own counters: summarised */
    HB_COL_COUNT,     /* summary: a count over the benchmark's rows */
    HB_COL_STATS,     /* summary: stands for <column>_<stat> of every
                         summarised column (see hb_tidy_summary_stats) */
    HB_COL_SERIES,    /* stands for `series` if the family declares any */
};

struct hb_column {
    const char *name;                   /* "" for the stand-ins */
    const char *unit;
    enum hb_col_kind kind;
    int arg;                            /* handed to num (a perf counter) */
    double (*num)(const struct hb_row *row, int arg);     /* INDEX, NUM */
    const char *(*text)(const struct hb_row *row);        /* KEY, TEXT */
    size_t (*count)(const struct hb_row *const *rows, size_t n);  /* COUNT */
};

/* The columns of <family>.csv and of <family>_summary.csv, in order;
 * *n is set to how many. */
const struct hb_column *hb_tidy_columns(size_t *n);
const struct hb_column *hb_tidy_summary_columns(size_t *n);

/* The statistics of a summarised column: <column>_<suffix>, in order.
 * unit NULL: the column's own unit. */
struct hb_stat_column {
    const char *suffix;
    const char *unit;
    double (*get)(const struct hb_stats *s, const struct hb_hier *h);
};
const struct hb_stat_column *hb_tidy_summary_stats(size_t *n);

#endif
