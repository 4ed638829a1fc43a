/*
 * cmd_compare.c - `heapbench compare BASE... -- NEW...`: the A/B table that
 * goes into a patch cover letter.  It reads the per-repetition CSV of every
 * family in the results folders of each side (one or more: the processes
 * of one run, runs on several days, a fleet of machines; a folder holding
 * run folders, as `heapbench ab` writes, stands for all of them), matches
 * benchmarks by name and compares one metric column (--metric, real_ns by
 * default).
 *
 * The sample is the process, not the repetition (bench/compare/hstats.h): each
 * (folder, process) contributes the median of its repetitions, and each
 * side's estimate is the geometric mean of those (the arithmetic mean
 * where one is zero: counts); the change is the ratio of the two printed
 * estimates, with Welch's interval (on the logs; on the values where a
 * zero forbids them).  A change is flagged when the test whose null is
 * "|change| <= threshold" rejects after Benjamini-Hochberg (so the false
 * discovery rate holds), the threshold being per benchmark (--threshold,
 * else its own standard error, at least 1 %).  With fewer than 2 processes on a side the
 * repetitions are all there is: Mann-Whitney U and the Hodges-Lehmann
 * interval on them (bench/compare/abstats.h), with a warning that repetitions of
 * one process are not independent.  A geometric mean closes the table.
 * The table fits an 80-column email; --csv writes the same numbers for
 * scripts; --plots DIR writes it with the figures' parameters and has
 * plots/compare.sh draw the figures (drawing is plots/' job, not C's).
 *
 * Refusals (one line, exit 2): a folder that is missing, holds no family
 * CSV, or has a CSV without the benchmark or real_ns column (the loader,
 * bench/compare/abrun.h); two runs with nothing in common.  Different machines only warn: comparing across
 * machines is sometimes the point, but never silently.
 */

#include "bench/cmd/cli.h"
#include "bench/compare/abrun.h"
#include "bench/compare/abstats.h"
#include "bench/compare/csvread.h"
#include "bench/compare/exact.h"
#include "bench/compare/hstats.h"
#include "bench/instrument/tidy.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <regex.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* ------------------------------------------------------------------------
 * State
 * ------------------------------------------------------------------------ */

#define MAX_DIRS 256

struct run {               /* one side: one or more results folders */
    const char *dir;       /* the first, for the heading */
    const char *const *dirs;
    size_t ndirs;
    const char *role;      /* "base" or "new", for messages */
    struct hb_abrun data;  /* samples by benchmark name, environment.csv */
};

struct side {              /* one side of a matched benchmark */
    const struct hb_abrun_sample *s;
    double *pm;            /* per-unit medians (filled by compare_pair) */
    size_t npm;
};

struct row {               /* one line of the table */
    struct side b, n;
    double mb, mn, ratio;  /* estimates and the ratio new/base (mn / mb) */
    double bmin, bmax, nmin, nmax;
    double lo, hi, p;      /* interval of the ratio, p-value */
    double noise;          /* standard error of a side (NaN: reps), hstats.h */
    bool by_procs;         /* tested on processes (else repetitions) */
    struct hb_welch t;     /* by_procs: the test */
    bool exact;            /* reps: exact U distribution */
    struct hb_ab_item ab;  /* the decision */
};

struct opts {
    const char *base, *new_, *csv, *plots;
    const char *pos[2 * MAX_DIRS];
    int nbase, nnew;
    const char *metric, *filter;
    regex_t re;
    double alpha, threshold;   /* threshold < 0: from the noise */
    bool metric_ns;            /* the metric is a time in ns (name ends in ns) */
    bool all;                  /* --all: every row, not only the flagged */
};

struct result {
    struct row *rows;
    size_t n;
    size_t only_base, only_new;
    double geo_b, geo_n, geo_ratio;
    size_t faster, slower, by_procs;
    double thr_min, thr_max;   /* the thresholds used, as fractions */
};

/* ------------------------------------------------------------------------
 * Command line
 * ------------------------------------------------------------------------ */

static void usage(FILE *f)
{
    fprintf(f,
            "usage: heapbench compare BASE_RUN... -- NEW_RUN... [options]\n"
            "       heapbench compare BASE_RUN NEW_RUN [options]\n"
            "  BASE_RUN, NEW_RUN  results folders (results/<date>-<host>/), or folders\n"
            "                     of them (heapbench ab); several make one side\n"
            "  --metric COL       the column compared, default real_ns (boot_ns, ...)\n"
            "  --filter REGEX     only benchmarks whose name matches (POSIX extended)\n"
            "  --threshold PCT    smallest change flagged, in %%; default: per benchmark,\n"
            "                     its standard error of a side, at least 1 %%\n"
            "  --alpha A          false discovery rate, default 0.05\n"
            "  --all              every benchmark in the table; by default only the\n"
            "                     flagged ones and a count of the rest\n"
            "  --csv FILE         also write the comparison as CSV (every benchmark)\n"
            "  --plots DIR        write compare.csv and figures (SVG, PNG) in DIR\n");
}

/* Whether the folder a path would be written in exists, so that a typo in
 * --csv or --plots is refused before the work, not after the table. */
static bool parent_is_dir(const char *path)
{
    char buf[PATH_MAX], *slash;
    struct stat st;

    if (!*path || snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return false;
    for (size_t n = strlen(buf); n > 1 && buf[n - 1] == '/'; n--)
        buf[n - 1] = '\0';       /* "plots/" is the folder "plots" */
    slash = strrchr(buf, '/');
    if (!slash)
        return true;
    if (slash == buf)
        slash[1] = '\0';
    else
        *slash = '\0';
    return stat(buf, &st) == 0 && S_ISDIR(st.st_mode);
}

enum { OPT_CSV, OPT_PLOTS, OPT_ALPHA, OPT_METRIC, OPT_FILTER, OPT_THRESHOLD, NOPT };
static const char *const opt_name[NOPT] = { "--csv", "--plots", "--alpha", "--metric",
                                            "--filter", "--threshold" };

/* Option k's value v into o: 0, or an exit status. */
static int set_value(struct opts *o, int k, const char *v)
{
    switch (k) {
    case OPT_CSV: o->csv = v; return 0;
    case OPT_PLOTS: o->plots = v; return 0;
    case OPT_ALPHA:
        if (!hb_csv_num(v, &o->alpha) || !(o->alpha > 0 && o->alpha < 0.5)) {
            hb_err("compare: --alpha must be in (0, 0.5): %s", v);
            return HB_EXIT_USAGE;
        }
        return 0;
    case OPT_METRIC:
        if (!*v || strpbrk(v, ",\"\n")) {
            hb_err("compare: --metric: not a column name: %s", v);
            return HB_EXIT_USAGE;
        }
        o->metric = v;
        return 0;
    case OPT_FILTER:
        if (o->filter)
            regfree(&o->re);
        o->filter = NULL;
        if (regcomp(&o->re, v, REG_EXTENDED | REG_NOSUB)) {
            hb_err("compare: --filter: not a regular expression: %s", v);
            return HB_EXIT_USAGE;
        }
        o->filter = v;
        return 0;
    default:
        if (!hb_csv_num(v, &o->threshold) || !(o->threshold >= 0 && o->threshold < 1000)) {
            hb_err("compare: --threshold: expected a percentage from 0 to 1000: %s", v);
            return HB_EXIT_USAGE;
        }
        o->threshold /= 100;
        return 0;
    }
}

/* One option with a value at argv[*i]: 0 taken, 1 not an option with a
 * value, else an exit status. */
static int parse_valued(int argc, char **argv, int *i, struct opts *o)
{
    const char *a = argv[*i];
    int k;

    for (k = 0; k < NOPT && strcmp(a, opt_name[k]); k++)
        ;
    if (k == NOPT)
        return 1;
    if (*i + 1 == argc) {
        hb_err("compare: %s needs a value", a);
        return HB_EXIT_USAGE;
    }
    return set_value(o, k, argv[++*i]);
}

static int check_outputs(const struct opts *o)
{
    for (int k = 0; k < 2; k++) {
        const char *v = k ? o->plots : o->csv;

        if (v && !parent_is_dir(v)) {
            hb_err("compare: %s: no folder to write in: %s", k ? "--plots" : "--csv", v);
            return HB_EXIT_USAGE;
        }
    }
    return 0;
}

/* The run folders o->pos[0..npos) into the two sides: split is the index
 * of the first new one ('--'), or -1 if there was no '--'. */
static int set_sides(struct opts *o, int npos, int split)
{
    size_t ml = strlen(o->metric);

    if (split < 0 && npos > 2) {
        hb_err("compare: several runs a side need '--' between base and new: %s",
               o->pos[2]);
        return HB_EXIT_USAGE;
    }
    if (split < 0)
        split = npos == 2 ? 1 : -1;
    if (split < 1 || split >= npos || split > MAX_DIRS || npos - split > MAX_DIRS) {
        hb_err("compare: need BASE_RUN and NEW_RUN (see heapbench compare --help)");
        return HB_EXIT_USAGE;
    }
    o->nbase = split;
    o->nnew = npos - split;
    o->metric_ns = ml >= 2 && !strcmp(o->metric + ml - 2, "ns");
    o->base = o->pos[0];
    o->new_ = o->pos[split];
    return check_outputs(o);
}

static int parse_args(int argc, char **argv, struct opts *o)
{
    int npos = 0, split = -1, rc;

    *o = (struct opts){ .alpha = 0.05, .threshold = -1, .metric = "real_ns" };
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return -1;
        }
        if (!strcmp(a, "--")) {
            if (split >= 0) {
                hb_err("compare: '--' twice: one base side, one new side");
                return HB_EXIT_USAGE;
            }
            split = npos;
            continue;
        }
        if (!strcmp(a, "--all")) {
            o->all = true;
            continue;
        }
        if ((rc = parse_valued(argc, argv, &i, o)) != 1) {
            if (rc)
                return rc;
            continue;
        }
        if (a[0] == '-' && a[1]) {
            hb_err("compare: unknown option: %s", a);
            return HB_EXIT_USAGE;
        }
        if (npos == 2 * MAX_DIRS) {
            hb_err("compare: more than %d run folders: %s", 2 * MAX_DIRS, a);
            return HB_EXIT_USAGE;
        }
        o->pos[npos++] = a;
    }
    return set_sides(o, npos, split);
}

/* ------------------------------------------------------------------------
 * Loading the two sides (bench/compare/abrun.h)
 * ------------------------------------------------------------------------ */

static void set_side(struct run *r, const char *const *dirs, int n)
{
    r->ndirs = (size_t)n;
    r->dirs = dirs;
    r->dir = dirs[0];
}

static int load_side(struct run *r, const struct opts *o)
{
    struct hb_abrun_query q = { .metric = o->metric, .filter = o->filter ? &o->re : NULL };
    char why[PATH_MAX + 256];
    int rc = hb_abrun_load(&r->data, r->dirs, r->ndirs, &q, why, sizeof why);

    if (!rc)
        return 0;
    hb_err("%s", why);
    return rc == -ENOMEM ? HB_EXIT_FAIL : HB_EXIT_USAGE;
}

/* ------------------------------------------------------------------------
 * Environments
 * ------------------------------------------------------------------------ */

/* One warning line per difference, within 80 columns: two long values
 * lose the start they share (shown as "..."), keeping a few characters
 * before the first difference. */
static void warn_differ(const char *key, const char *x, const char *y)
{
    size_t common = 0, cut = 0;

    while (x[common] && x[common] == y[common])
        common++;
    if (strlen(key) + strlen(x) + strlen(y) + 44 > 80 && common > 12)
        cut = common - 6;
    hb_err("warning: %s differs: base '%s%s', new '%s%s'", key, cut ? "..." : "", x + cut,
           cut ? "..." : "", y + cut);
}

/* One warning line per difference that could explain a change by itself. */
static void warn_env(const struct run *a, const struct run *b)
{
    static const char *keys[] = { "host", "cpu_model", "kernel", "compiler", "thp_setting" };

    for (int i = 0; i < 2; i++) {
        const struct run *r = i ? b : a;
        if (!r->data.has_env)
            hb_err("warning: %s run has no readable environment.csv: "
                   "cannot check the machines match", r->role);
    }
    if (!a->data.has_env || !b->data.has_env)
        return;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *x = hb_abrun_env(&a->data, keys[i]), *y = hb_abrun_env(&b->data, keys[i]);
        if (!x || !y || strcmp(x, y))
            warn_differ(keys[i], x ? x : "?", y ? y : "?");
    }
}

/* ------------------------------------------------------------------------
 * Matching and statistics
 * ------------------------------------------------------------------------ */

/* The median of each unit's values, into d->pm (units in any order). */
static int unit_medians(struct side *d)
{
    const struct hb_abrun_sample *s = d->s;
    double *tmp = malloc(s->n * sizeof *tmp);

    d->pm = malloc(s->n * sizeof *d->pm);
    d->npm = 0;
    if (!tmp || !d->pm) {
        free(tmp);
        return -1;
    }
    for (size_t i = 0; i < s->n; i++) {
        size_t k = 0;
        bool first = true;
        for (size_t j = 0; j < i && first; j++)
            first = s->unit[j] != s->unit[i];
        if (!first)
            continue;
        for (size_t j = i; j < s->n; j++)
            if (s->unit[j] == s->unit[i])
                tmp[k++] = s->x[j];
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

/* Repetitions as the samples: the only choice with one process a side.
 * The estimates are the medians of the repetitions; the Hodges-Lehmann
 * interval needs every value > 0 (else none). */
static int by_reps(struct row *w, double alpha)
{
    const struct hb_abrun_sample *b = w->b.s, *n = w->n.s;
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

/* Statistics of one matched pair: processes as the samples when both
 * sides have at least two. */
static int compare_pair(struct row *w, const struct hb_abrun_pair *pair, double alpha)
{
    const struct hb_abrun_sample *b = pair->base, *n = pair->new_;

    *w = (struct row){ .b.s = b, .n.s = n };
    if (unit_medians(&w->b) || unit_medians(&w->n))
        return -1;
    w->bmin = min_of(b->x, b->n);
    w->bmax = max_of(b->x, b->n);
    w->nmin = min_of(n->x, n->n);
    w->nmax = max_of(n->x, n->n);
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

/* Benjamini-Hochberg and the threshold over every row, then counts. */
static int decide(struct result *res, const struct opts *o)
{
    struct hb_ab_item *it = malloc((res->n + 1) * sizeof *it);

    if (!it)
        return -1;
    for (size_t i = 0; i < res->n; i++) {
        const struct row *w = &res->rows[i];
        it[i] = (struct hb_ab_item){ .ratio = w->ratio, .lo = w->lo, .hi = w->hi,
                                     .log_scale = w->by_procs && w->t.log_scale,
                                     .d = w->by_procs ? w->t.d : NAN,
                                     .se = w->by_procs ? w->t.se : NAN,
                                     .df = w->by_procs ? w->t.df : NAN,
                                     .base = w->mb, .noise = w->noise, .p = w->p };
    }
    if (hb_ab_decide(it, res->n, o->alpha, o->threshold)) {
        free(it);
        return -1;
    }
    res->thr_min = INFINITY;
    res->thr_max = 0;
    for (size_t i = 0; i < res->n; i++) {
        res->rows[i].ab = it[i];
        res->by_procs += res->rows[i].by_procs;
        res->thr_min = fmin(res->thr_min, it[i].thr);
        res->thr_max = fmax(res->thr_max, it[i].thr);
    }
    free(it);
    return 0;
}

static int summarise(struct result *res)
{
    double *rb = malloc((res->n + 1) * sizeof *rb);
    double *rn = malloc((res->n + 1) * sizeof *rn);

    if (!rb || !rn) {
        free(rb);
        free(rn);
        return -1;
    }
    size_t k = 0;

    for (size_t i = 0; i < res->n; i++) {
        const struct row *w = &res->rows[i];
        if (w->mb > 0 && w->mn > 0) {      /* a zero has no log: left out */
            rb[k] = w->mb;
            rn[k++] = w->mn;
        }
        if (w->ab.flagged)
            w->mn < w->mb ? res->faster++ : res->slower++;
    }
    res->geo_b = hb_geomean(rb, k);
    res->geo_n = hb_geomean(rn, k);
    res->geo_ratio = res->geo_n / res->geo_b;
    free(rb);
    free(rn);
    return 0;
}

static void free_result(struct result *res)
{
    for (size_t i = 0; i < res->n; i++) {
        free(res->rows[i].b.pm);
        free(res->rows[i].n.pm);
    }
    free(res->rows);
    *res = (struct result){ 0 };
}

/* One row per benchmark both sides have, in the base side's order (family
 * files alphabetically, then the order the suite ran them).  0 or -1 (out
 * of memory). */
static int compare_runs(const struct run *base, const struct run *new_, const struct opts *o,
                        struct result *res)
{
    struct hb_abrun_match m;
    int rc = 0;

    *res = (struct result){ 0 };
    if (hb_abrun_match(&base->data, &new_->data, &m))
        return -1;
    res->rows = calloc(m.n + 1, sizeof *res->rows);
    res->only_base = m.only_base;
    res->only_new = m.only_new;
    for (size_t i = 0; !rc && i < m.n; i++)
        rc = res->rows ? compare_pair(&res->rows[res->n++], &m.pair[i], o->alpha) : -1;
    hb_abrun_match_free(&m);
    if (!res->rows || rc || decide(res, o))
        return -1;
    return summarise(res);
}

/* ------------------------------------------------------------------------
 * The 80-column table
 * ------------------------------------------------------------------------ */

#define NAME_W 27

/* A time in ns with 3 significant digits and a unit, e.g. "12.3 ms"; a
 * metric that is not a time (!is_ns) with 4 significant digits. */
static void fmt_time(char *out, size_t len, double ns, bool is_ns)
{
    static const char *unit[] = { "ns", "us", "ms", "s" };
    int u = 0;

    if (!is_ns) {
        snprintf(out, len, "%.4g", ns);
        return;
    }
    while (u < 3 && fabs(ns) >= 999.5) {
        ns /= 1000;
        u++;
    }
    snprintf(out, len, fabs(ns) < 9.995 ? "%.2f %s" : fabs(ns) < 99.95 ? "%.1f %s" : "%.0f %s",
             ns, unit[u]);
}

/* A ratio as a signed percent change: "+3.2" or "-12"; wide ones lose
 * their decimal so the column keeps its width. */
static void fmt_change(char *out, size_t len, double ratio)
{
    double pct = (ratio - 1) * 100;

    if (!isfinite(pct))
        snprintf(out, len, "--");
    else
        snprintf(out, len, fabs(pct) < 99.95 ? "%+.1f" : "%+.0f", pct);
}

static void fmt_p(char *out, size_t len, double p)
{
    if (p < 0.001)
        snprintf(out, len, "<.001");
    else
        snprintf(out, len, "%.3f", p);
}

/* A name too long for the row goes on lines of its own, broken before a
 * '/' so that every line fits 80 columns; continuation lines are indented.
 * Google Benchmark's run settings (/min_time:..., /iterations:...), which
 * say how and not what, are left out. */
static void print_long_name(const char *name)
{
    static const char *const settings[] = { "/min_time:", "/iterations:", "/repeats:",
                                            "/manual_time", "/real_time" };
    size_t col = 0, n = strlen(name);
    char buf[512];

    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
        const char *at = strstr(name, settings[i]);
        if (at && (size_t)(at - name) < n)
            n = (size_t)(at - name);
    }
    snprintf(buf, sizeof buf, "%.*s", (int)n, name);
    name = buf;
    while (*name) {
        size_t seg = strcspn(name + 1, "/") + 1;   /* up to the next '/' */
        if (col && col + seg > 79) {
            fputs("\n  ", stdout);
            col = 2;
        }
        if (seg > 79 - col)
            seg = 79 - col;                         /* one huge segment */
        fwrite(name, 1, seg, stdout);
        col += seg;
        name += seg;
    }
    fputc('\n', stdout);
}

static void print_row(const struct row *w, const struct opts *o)
{
    char b[16], n[16], c[16], lo[16], hi[16], ci[40], p[16];
    const char *name = w->b.s->name;

    fmt_time(b, sizeof b, w->mb, o->metric_ns);
    fmt_time(n, sizeof n, w->mn, o->metric_ns);
    fmt_change(c, sizeof c, w->ratio);
    fmt_change(lo, sizeof lo, w->lo);
    fmt_change(hi, sizeof hi, w->hi);
    snprintf(ci, sizeof ci, "%s..%s%s", lo, hi, w->by_procs ? "" : "r");
    fmt_p(p, sizeof p, w->ab.q);
    if (strlen(name) > NAME_W) {
        print_long_name(name);
        name = "";
    }
    printf("%-*s %8s %8s %6s%% %14s %5s%s\n", NAME_W, name, b, n, c, ci, p,
           !w->ab.flagged ? "" : w->ratio < 1 ? " fast" : " slow");
}

static void print_head(const struct run *r, const char *label)
{
    const char *host = hb_abrun_env(&r->data, "host");
    const char *commit = hb_abrun_env(&r->data, "heapbench_commit");
    const char *date = hb_abrun_env(&r->data, "date_utc");
    const char *dirty = hb_abrun_env(&r->data, "heapbench_dirty");

    const char *cpu = hb_abrun_env(&r->data, "cpu_model");
    const char *virt = hb_abrun_env(&r->data, "virtualisation");
    const char *nodes = hb_abrun_env(&r->data, "numa_nodes");

    printf("%s %.60s\n", label, r->dir);
    if (!r->data.has_env)
        return;
    printf("     host %.20s, commit %.12s%s, %.24s\n", host ? host : "?",
           commit ? commit : "?", dirty && !strcmp(dirty, "yes") ? " (dirty)" : "",
           date ? date : "?");
    /* what was measured, where: the model, the CPU, VM or not, nodes */
    const char *where = !virt ? "VM or not ?" : strcmp(virt, "none") ? virt : "bare metal";
    int wl = (int)strcspn(where, ":(");
    while (wl > 0 && where[wl - 1] == ' ')
        wl--;
    printf("     heapbench's model of Xen's heap; %.24s, %.*s, %.3s NUMA node%s\n",
           cpu ? cpu : "CPU ?", wl, where, nodes ? nodes : "?",
           nodes && !strcmp(nodes, "1") ? "" : "s");
}

static void print_rule(void)
{
    printf("%.*s %.8s %.8s %.7s %.14s %.5s %.4s\n", NAME_W,
           "----------------------------------------", "--------", "--------",
           "-------", "----------------", "-----", "----");
}

static void print_foot(const struct result *res, const struct opts *o, size_t min_b,
                       size_t min_n, size_t min_pb, size_t min_pn)
{
    char b[16], n[16], c[16];
    size_t reps = res->n - res->by_procs, minp = min_pb < min_pn ? min_pb : min_pn;

    fmt_time(b, sizeof b, res->geo_b, o->metric_ns);
    fmt_time(n, sizeof n, res->geo_n, o->metric_ns);
    fmt_change(c, sizeof c, res->geo_ratio);
    print_rule();
    printf("%-*s %8s %8s %6s%%\n", NAME_W, "geomean", b, n, c);
    printf("\n%zu benchmarks tested: %zu faster, %zu slower, %zu not flagged;\n"
           "%zu only in base, %zu only in new.\n",
           res->n, res->faster, res->slower, res->n - res->faster - res->slower,
           res->only_base, res->only_new);
    printf("%s: geometric means of per-process medians (%zu..%zu processes a side;\n"
           "arithmetic where one is 0).  Change: new/base - 1, with its %g%% interval\n"
           "(Welch t on log per-process medians; on the values where one is 0).\n"
           "q: p of the test |change| <= threshold, adjusted for %zu tests\n"
           "(Benjamini-Hochberg).  flag: slow or fast if q < %g and the interval\n"
           "excludes 0.  Threshold %s:\n%.1f%% to %.1f%% here.\n",
           o->metric, minp, min_pb > min_pn ? min_pb : min_pn, 100 * (1 - o->alpha), res->n,
           o->alpha, o->threshold < 0 ? "per benchmark, its side's standard error, at least 1%"
                                      : "--threshold",
           100 * res->thr_min, 100 * res->thr_max);
    if (minp >= 2 && minp < HB_PROCS_EXACT)
        printf("%zu processes a side: intervals approximate (they rest on normal\n"
               "per-process medians, which so few processes cannot check).\n", minp);
    if (reps) {
        double floor_p = hb_mwu_min_p(min_b, min_n);
        printf("Warning: %zu benchmarks (r) have one process on a side: tested on its\n"
               "repetitions (Mann-Whitney U, Hodges-Lehmann), which are not independent\n"
               "and may cry wolf.  With %zu against %zu repetitions p cannot go below\n"
               "%.3f%s.  Run bench --processes N.\n",
               reps, min_b, min_n, floor_p,
               floor_p * (double)res->n >= o->alpha ? ", too high to pass the FDR control" : "");
    }
}

static void print_table(const struct result *res, const struct run *base,
                        const struct run *new_, const struct opts *o)
{
    size_t min_b = SIZE_MAX, min_n = SIZE_MAX, min_pb = SIZE_MAX, min_pn = SIZE_MAX;

    size_t hidden = 0;

    print_head(base, "base");
    print_head(new_, "new ");
    printf("\n%-*s %8s %8s %7s %14s %5s %4s\n", NAME_W, "benchmark", "base", "new",
           "change", "CI of change %", "q", "flag");
    print_rule();
    for (size_t i = 0; i < res->n; i++) {
        const struct row *w = &res->rows[i];
        if (o->all || w->ab.flagged)
            print_row(w, o);
        else
            hidden++;
        min_b = w->b.s->n < min_b ? w->b.s->n : min_b;
        min_n = w->n.s->n < min_n ? w->n.s->n : min_n;
        min_pb = w->b.npm < min_pb ? w->b.npm : min_pb;
        min_pn = w->n.npm < min_pn ? w->n.npm : min_pn;
    }
    if (hidden)
        printf("%s%zu benchmark%s not flagged, not shown (--all shows every row)\n",
               hidden == res->n ? "(none flagged) " : "", hidden, hidden == 1 ? "" : "s");
    print_foot(res, o, min_b, min_n, min_pb, min_pn);
}

/* ------------------------------------------------------------------------
 * CSV output
 * ------------------------------------------------------------------------ */

static void csv_rows(FILE *f, const struct result *res)
{
    fputs("benchmark,base_reps,new_reps,base_mean_ns,new_mean_ns,base_min_ns,"
          "base_max_ns,new_min_ns,new_max_ns,ratio,change_pct,ratio_lo,ratio_hi,"
          "p,q,noise,threshold_pct,test,significant,base_procs,new_procs\n", f);
    for (size_t i = 0; i < res->n; i++) {
        const struct row *w = &res->rows[i];
        hb_tidy_field(f, w->b.s->name);
        fprintf(f, ",%zu,%zu,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.4f,%.6g,%.6g,"
                   "%.6g,%.6g,%.6g,%.4g,%s,%d,%zu,%zu\n",
                w->b.s->n, w->n.s->n, w->mb, w->mn, w->bmin, w->bmax, w->nmin, w->nmax,
                w->ratio, (w->ratio - 1) * 100, w->lo, w->hi, w->p, w->ab.q, w->noise,
                100 * w->ab.thr,
                !w->by_procs ? (w->exact ? "mwu_exact" : "mwu_normal")
                : w->t.log_scale ? "welch" : "welch_diff",
                w->ab.flagged, w->b.npm, w->n.npm);
    }
    fprintf(f, "geomean,,,%.6g,%.6g,,,,,%.6g,%.4f,,,,,,,,,,\n", res->geo_b, res->geo_n,
            res->geo_ratio, (res->geo_ratio - 1) * 100);
}

/* Written under a temporary name and renamed: never a half-written file.
 * fill writes the content, from arg. */
static int write_file(const char *path, void (*fill)(FILE *, const void *), const void *arg)
{
    char tmp[PATH_MAX];
    FILE *f;
    int bad;

    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    f = fopen(tmp, "w");
    if (!f) {
        hb_err("compare: %s: %s", path, strerror(errno));
        return HB_EXIT_FAIL;
    }
    fill(f, arg);
    bad = ferror(f);
    bad |= fclose(f);
    if (bad || rename(tmp, path)) {
        hb_err("compare: cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
        return HB_EXIT_FAIL;
    }
    return 0;
}

static void exact_csv_fill(FILE *f, const void *e)
{
    hb_exact_write_csv(f, e);
}

static void csv_fill(FILE *f, const void *res)
{
    csv_rows(f, res);
}

static int write_csv(const char *path, const struct result *res)
{
    return write_file(path, csv_fill, res);
}

/* ------------------------------------------------------------------------
 * Figures: the CSVs for plots/compare.sh, which draws them
 * ------------------------------------------------------------------------ */

/* What the figures need beside compare.csv, as key,value rows (plots/
 * reads CSV files only): each side's first folder, for the titles, and
 * alpha, the level of the intervals. */
static void params_fill(FILE *f, const void *arg)
{
    const struct opts *o = arg;

    fputs("key,value\nbase,", f);
    hb_tidy_field(f, o->base);
    fputs("\nnew,", f);
    hb_tidy_field(f, o->new_);
    fprintf(f, "\nalpha,%g\n", o->alpha);
}

/* Whether <dir>/compare.sh is there, its path into out. */
static bool script_in(char *out, size_t len, const char *dir)
{
    return snprintf(out, len, "%s/compare.sh", dir) < (int)len && access(out, R_OK) == 0;
}

/* plots/compare.sh into out: in $HEAPBENCH_PLOTS if set, else in plots/
 * beside the binary's build folder (build/heapbench), else in ./plots.
 * 0, or an exit status after one line. */
static int find_script(char *out, size_t len)
{
    const char *env = getenv("HEAPBENCH_PLOTS");
    char exe[PATH_MAX], dir[PATH_MAX + 8];
    ssize_t n;

    if (env && *env) {
        if (script_in(out, len, env))
            return 0;
        hb_err("compare: --plots: no compare.sh in HEAPBENCH_PLOTS: %s", env);
        return HB_EXIT_USAGE;
    }
    n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        for (int up = 0; up < 2; up++) {
            char *slash = strrchr(exe, '/');
            if (slash)
                *slash = '\0';
        }
        snprintf(dir, sizeof dir, "%s/plots", exe);
        if (script_in(out, len, dir))
            return 0;
    }
    if (script_in(out, len, "plots"))
        return 0;
    hb_err("compare: --plots: no plots/compare.sh beside the binary or here "
           "(HEAPBENCH_PLOTS=path/to/plots)");
    return HB_EXIT_FAIL;
}

/* bash plots/compare.sh DIR.  The script says why it failed in one line
 * and exits 1 or 2; any other end (a signal, no bash) is said here. */
static int run_script(const char *script, const char *dir)
{
    char *argv[] = { "bash", (char *)script, (char *)dir, NULL };
    pid_t pid;
    int st, err = posix_spawnp(&pid, "bash", NULL, NULL, argv, environ);

    if (err) {
        hb_err("compare: cannot run bash %s: %s", script, strerror(err));
        return HB_EXIT_FAIL;
    }
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR) {
            hb_err("compare: %s: %s", script, strerror(errno));
            return HB_EXIT_FAIL;
        }
    }
    if (WIFEXITED(st) && WEXITSTATUS(st) <= HB_EXIT_USAGE)
        return WEXITSTATUS(st);
    if (WIFEXITED(st))
        hb_err("compare: %s: exit status %d", script, WEXITSTATUS(st));
    else
        hb_err("compare: %s: killed by signal %d", script, WTERMSIG(st));
    return HB_EXIT_FAIL;
}

/* --plots DIR: compare.csv and compare_params.csv into DIR (made if need
 * be), then plots/compare.sh draws the figures beside them.  After a
 * failure the script has left no figure, the CSVs go too, and DIR if this
 * run made it: DIR holds the whole comparison or nothing of it. */
static int write_plots(const struct opts *o, const struct result *res)
{
    char script[PATH_MAX + 16], csv[PATH_MAX + 32], params[PATH_MAX + 32];
    bool made = mkdir(o->plots, 0777) == 0;
    int rc;

    if (!made && errno != EEXIST) {
        hb_err("compare: cannot create %s: %s", o->plots, strerror(errno));
        return HB_EXIT_FAIL;
    }
    snprintf(csv, sizeof csv, "%s/compare.csv", o->plots);
    snprintf(params, sizeof params, "%s/compare_params.csv", o->plots);
    rc = write_csv(csv, res);
    if (!rc)
        rc = write_file(params, params_fill, o);
    if (!rc)
        rc = find_script(script, sizeof script);
    if (!rc)
        rc = run_script(script, o->plots);
    if (rc) {
        unlink(csv);
        unlink(params);
        if (made)
            rmdir(o->plots);
    }
    return rc;
}

/* ------------------------------------------------------------------------
 * The subcommand
 * ------------------------------------------------------------------------ */

static int outputs(const struct opts *o, const struct result *res,
                   const struct run *base, const struct run *new_)
{
    int rc = 0;

    print_table(res, base, new_, o);
    if (fflush(stdout))
        return HB_EXIT_FAIL;
    if (o->csv)
        rc = write_csv(o->csv, res);
    if (!rc && o->plots)
        rc = write_plots(o, res);
    return rc;
}

/* Exact counts on both sides (bench --count): compared value against
 * value (bench/compare/exact.h).  The exit status, or -1: not exact, the
 * statistics compare. */
static int compare_exact(const struct opts *o, const struct run *base, const struct run *new_)
{
    const char *sb = hb_exact_source(&base->data, o->metric);
    const char *sn = hb_exact_source(&new_->data, o->metric);
    struct hb_exact e;
    int rc = 0;

    if (!hb_exact_metric(o->metric) || !sb || !sn) {
        if (hb_exact_metric(o->metric) && (sb || sn))
            hb_err("warning: %s: only the %s side is an exact count; comparing with "
                   "statistics", o->metric, sb ? "base" : "new");
        return -1;
    }
    if (o->plots) {
        hb_err("compare: --plots: exact counts have no intervals to draw (use --csv)");
        return HB_EXIT_USAGE;
    }
    if (hb_exact_compare(&base->data, &new_->data, &e)) {
        hb_err("compare: out of memory");
        return HB_EXIT_FAIL;
    }
    if (e.n == 0) {
        hb_err("compare: no benchmark in common between %s and %s", o->base, o->new_);
        rc = HB_EXIT_USAGE;
    } else {
        hb_exact_print(stdout, &e, o->metric, sb);
        if (o->csv)
            rc = write_file(o->csv, exact_csv_fill, &e);
    }
    hb_exact_free(&e);
    return rc;
}

int hb_cmd_compare(int argc, char **argv)
{
    struct opts o;
    struct run base = { .role = "base" }, new_ = { .role = "new" };
    struct result res = { 0 };
    int ex, rc = parse_args(argc, argv, &o);

    if (rc) {
        if (o.filter)
            regfree(&o.re);
        return rc < 0 ? HB_EXIT_OK : rc;
    }
    set_side(&base, o.pos, o.nbase);
    set_side(&new_, o.pos + o.nbase, o.nnew);
    rc = load_side(&base, &o);
    if (!rc)
        rc = load_side(&new_, &o);
    if (!rc && (ex = compare_exact(&o, &base, &new_)) >= 0) {
        rc = ex;
        goto done;
    }
    if (!rc && compare_runs(&base, &new_, &o, &res)) {
        hb_err("compare: out of memory");
        rc = HB_EXIT_FAIL;
    }
    if (!rc && res.n == 0) {
        hb_err("compare: no benchmark in common between %s and %s", o.base, o.new_);
        rc = HB_EXIT_USAGE;
    }
    if (!rc) {
        warn_env(&base, &new_);
        rc = outputs(&o, &res, &base, &new_);
    }
done:
    if (o.filter)
        regfree(&o.re);
    free_result(&res);
    hb_abrun_free(&base.data);
    hb_abrun_free(&new_.data);
    return rc;
}
