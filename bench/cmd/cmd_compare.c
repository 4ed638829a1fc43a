/*
 * cmd_compare.c - `heapbench compare BASE... -- NEW...`: the A/B table for
 * a patch cover letter.  Each side is one or more results folders (a
 * folder of run folders, as `heapbench ab` writes, stands for all of
 * them); benchmarks are matched by name and one metric column compared
 * (--metric, real_ns by default).  The statistics (the process as the
 * sample, Welch or Mann-Whitney, the threshold test, Benjamini-Hochberg)
 * are bench/stats/pair.h's, explained in docs/statistics.md; exact counts
 * are compared value against value (bench/compare/exact.h).
 * Refusals (one line, exit 2): a missing folder, no family CSV, a CSV
 * without the benchmark or real_ns column, two runs with nothing in
 * common.  Different machines only warn, never silently.
 */
#include "bench/cmd/cli.h"
#include "bench/cmd/cmd_compare.h"
#include "bench/compare/abrun.h"
#include "bench/compare/csvread.h"
#include "bench/compare/exact.h"
#include "bench/stats/pair.h"

#include <errno.h>
#include <stddef.h>
#include <limits.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------------------
 * Command line
 * ------------------------------------------------------------------------ */

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

static int set_alpha(void *field, const char *v, char *why, size_t len)
{
    double *a = field;

    if (!hb_csv_num(v, a) || !(*a > 0 && *a < 0.5))
        return snprintf(why, len, "expected a number in (0, 0.5)"), -1;
    return 0;
}

static int set_threshold(void *field, const char *v, char *why, size_t len)
{
    double *t = field;

    if (!hb_csv_num(v, t) || !(*t >= 0 && *t < 1000))
        return snprintf(why, len, "expected a percentage from 0 to 1000"), -1;
    *t /= 100;
    return 0;
}

static int set_metric(void *field, const char *v, char *why, size_t len)
{
    if (!*v || strpbrk(v, ",\"\n"))
        return snprintf(why, len, "not a column name"), -1;
    *(const char **)field = v;
    return 0;
}

/* A POSIX extended regular expression, as given (no leading '-' to
 * negate it, unlike bench --filter). */
static int set_filter(void *field, const char *v, char *why, size_t len)
{
    regex_t re;

    if (regcomp(&re, v, REG_EXTENDED | REG_NOSUB))
        return snprintf(why, len, "not a regular expression"), -1;
    regfree(&re);
    *(const char **)field = v;
    return 0;
}

/* A run folder, or the '--' between the sides. */
static int add_pos(void *ctx, const char *a, char *why, size_t len)
{
    struct opts *o = ctx;

    if (!strcmp(a, "--")) {
        if (o->split >= 0)
            return snprintf(why, len, "'--' twice: one base side, one new side"), -1;
        o->split = o->npos;
        return 0;
    }
    if (o->npos == 2 * MAX_DIRS)
        return snprintf(why, len, "more than %d run folders: \"%s\"", 2 * MAX_DIRS, a), -1;
    o->pos[o->npos++] = a;
    return 0;
}

#define OFF(f) offsetof(struct opts, f)
static const struct hb_opt compare_opts[] = {
    { "--metric", "COL", "the column compared, default real_ns (boot_ns, ...)",
      set_metric, OFF(metric), false },
    { "--filter", "REGEX", "only benchmarks whose name matches (POSIX extended)",
      set_filter, OFF(filter), false },
    { "--threshold", "PCT", "smallest change flagged, in %; default: per benchmark, "
      "its standard error of a side, at least 1 %", set_threshold, OFF(threshold), false },
    { "--alpha", "A", "false discovery rate, default 0.05", set_alpha, OFF(alpha), false },
    { "--all", NULL, "every benchmark in the table; by default only the flagged ones "
      "and a count of the rest", NULL, OFF(all), false },
    { "--csv", "FILE", "also write the comparison as CSV (every benchmark)",
      hb_opt_str, OFF(csv), false },
    { "--plots", "DIR", "write compare.csv and figures (SVG, PNG) in DIR",
      hb_opt_str, OFF(plots), false },
};
#undef OFF

static const struct hb_opts_spec compare_spec = {
    .cmd = "compare",
    .usage = "compare BASE_RUN... -- NEW_RUN... [options]\n"
             "       heapbench compare BASE_RUN NEW_RUN [options]",
    .about = "BASE_RUN, NEW_RUN: results folders (results/<date>-<host>/), or folders\n"
             "of them (heapbench ab); several make one side.  The options may come\n"
             "anywhere, before or after the '--' between the sides.\n",
    .opts = compare_opts,
    .nopts = sizeof compare_opts / sizeof compare_opts[0],
    .positional = add_pos,
    .dashdash = HB_DASHDASH_SPLIT,
};

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

/* HB_OPTS_GO: parsed (o->re compiled when o->filter), or an exit status. */
static int parse_args(int argc, char **argv, struct opts *o)
{
    int rest, rc;

    *o = (struct opts){ .alpha = 0.05, .threshold = -1, .metric = "real_ns", .split = -1 };
    rc = hb_opts_run(&compare_spec, o, argc, argv, &rest);
    if (rc != HB_OPTS_GO)
        return rc;
    rc = set_sides(o, o->npos, o->split);
    if (!rc && o->filter && regcomp(&o->re, o->filter, REG_EXTENDED | REG_NOSUB))
        rc = HB_EXIT_FAIL;        /* set_filter compiled it once: cannot happen */
    if (rc)
        o->filter = NULL;
    return rc ? rc : HB_OPTS_GO;
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
 * Comparing (bench/stats/pair.h)
 * ------------------------------------------------------------------------ */

static void free_result(struct result *res)
{
    for (size_t i = 0; i < res->n; i++)
        hb_pair_free(&res->rows[i]);
    free(res->rows);
    free(res->names);
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
    res->names = calloc(m.n + 1, sizeof *res->names);
    res->only_base = m.only_base;
    res->only_new = m.only_new;
    for (size_t i = 0; !rc && i < m.n; i++) {
        const struct hb_abrun_sample *b = m.pair[i].base, *n = m.pair[i].new_;
        if (!res->rows || !res->names) {
            rc = -1;
            break;
        }
        res->names[res->n] = b->name;
        rc = hb_pair_compare(&res->rows[res->n++], b->x, b->unit, b->n, n->x, n->unit, n->n,
                             o->alpha);
    }
    hb_abrun_match_free(&m);
    if (!res->rows || !res->names || rc)
        return -1;
    return hb_pair_decide(res->rows, res->n, o->alpha, o->threshold, &res->sum);
}

static void exact_csv_fill(FILE *f, const void *e)
{
    hb_exact_write_csv(f, e);
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
            rc = hb_compare_write_file(o->csv, exact_csv_fill, &e);
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

    if (rc != HB_OPTS_GO)
        return rc;
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
        rc = hb_compare_outputs(&o, &res, &base, &new_);
    }
done:
    if (o.filter)
        regfree(&o.re);
    free_result(&res);
    hb_abrun_free(&base.data);
    hb_abrun_free(&new_.data);
    return rc;
}
