/*
 * cmd_compare_out.c - what `heapbench compare` writes: the table that
 * fits an 80-column email, the same numbers as CSV for scripts (--csv),
 * and for --plots DIR that CSV with the figures' parameters, drawn by
 * plots/compare.sh (drawing is plots/' job, not C's).
 */

#include "bench/cmd/cli.h"
#include "bench/cmd/cmd_compare.h"
#include "bench/instrument/tidy.h"
#include "bench/stats/abstats.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
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

static void print_row(const struct hb_pair *w, const char *name, const struct opts *o)
{
    char b[16], n[16], c[16], lo[16], hi[16], ci[40], p[16];

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
    size_t reps = res->n - res->sum.by_procs, minp = min_pb < min_pn ? min_pb : min_pn;

    fmt_time(b, sizeof b, res->sum.geo_b, o->metric_ns);
    fmt_time(n, sizeof n, res->sum.geo_n, o->metric_ns);
    fmt_change(c, sizeof c, res->sum.geo_ratio);
    print_rule();
    printf("%-*s %8s %8s %6s%%\n", NAME_W, "geomean", b, n, c);
    printf("\n%zu benchmarks tested: %zu faster, %zu slower, %zu not flagged;\n"
           "%zu only in base, %zu only in new.\n",
           res->n, res->sum.faster, res->sum.slower, res->n - res->sum.faster - res->sum.slower,
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
           100 * res->sum.thr_min, 100 * res->sum.thr_max);
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
        const struct hb_pair *w = &res->rows[i];
        if (o->all || w->ab.flagged)
            print_row(w, res->names[i], o);
        else
            hidden++;
        min_b = w->b.n < min_b ? w->b.n : min_b;
        min_n = w->n.n < min_n ? w->n.n : min_n;
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
        const struct hb_pair *w = &res->rows[i];
        hb_tidy_field(f, res->names[i]);
        fprintf(f, ",%zu,%zu,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.4f,%.6g,%.6g,"
                   "%.6g,%.6g,%.6g,%.4g,%s,%d,%zu,%zu\n",
                w->b.n, w->n.n, w->mb, w->mn, w->bmin, w->bmax, w->nmin, w->nmax,
                w->ratio, (w->ratio - 1) * 100, w->lo, w->hi, w->p, w->ab.q, w->noise,
                100 * w->ab.thr,
                !w->by_procs ? (w->exact ? "mwu_exact" : "mwu_normal")
                : w->t.log_scale ? "welch" : "welch_diff",
                w->ab.flagged, w->b.npm, w->n.npm);
    }
    fprintf(f, "geomean,,,%.6g,%.6g,,,,,%.6g,%.4f,,,,,,,,,,\n", res->sum.geo_b, res->sum.geo_n,
            res->sum.geo_ratio, (res->sum.geo_ratio - 1) * 100);
}

int hb_compare_write_file(const char *path, void (*fill)(FILE *, const void *), const void *arg)
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

static void csv_fill(FILE *f, const void *res)
{
    csv_rows(f, res);
}

static int write_csv(const char *path, const struct result *res)
{
    return hb_compare_write_file(path, csv_fill, res);
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
        rc = hb_compare_write_file(params, params_fill, o);
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

int hb_compare_outputs(const struct opts *o, const struct result *res,
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
