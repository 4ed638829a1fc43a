/*
 * cmd_bench.c - `heapbench bench`: run the benchmark suite into a results
 * folder, <out>/<UTC stamp>-<host>/, complete or absent (rundir.h); its
 * files are docs/results-format.md's.
 *
 * Processes are the unit of sampling (bench/stats/hstats.h): each family
 * runs in up to N fresh processes in turn (sampling.h: how many), and
 * each chunk (one family in one process) is measured in a child
 * (cmd_bench_chunk.c), so that an interrupted run leaves no half-written
 * folder (docs/running.md).
 *
 * This file: the options, the files of the folder, and the run from start
 * to published folder; the plan, the scheduler and the ETA are in
 * cmd_bench_sched.c.
 */
#define _GNU_SOURCE
#include "bench/cmd/cmd_bench.h"

#include "bench/base/clock.h"
#include "bench/base/parse.h"
#include "bench/base/vec.h"
#include "bench/cmd/cli.h"
#include "bench/families/family.h"
#include "bench/instrument/envrecord.h"
#include "bench/instrument/rundir.h"
#include "bench/instrument/topo.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <hwloc.h>

/* Processes and repetitions per profile (quick, default, full).  The
 * default: 3 x 2 took 3.5 min on a quiet 2-core VM and 16-19 min on one
 * loaded 5x over; 6 processes halve the variance of a median of
 * per-process medians (the minimum detectable effect falls by about 40 %)
 * for about 7 min quiet, which leaves room for a busy machine. */
static const int profile_procs[] = { 3, 6, 10 };
static const int profile_reps[] = { 2, 2, 3 };

/* ------------------------------------------------------------------------
 * Options
 * ------------------------------------------------------------------------ */

/* "--name VALUE" or "--name=VALUE"; 1 and *v set, 0 not this option,
 * -1 missing value (reported). */
static int opt_value(const char *name, int argc, char **argv, int *i, const char **v)
{
    size_t n = strlen(name);

    if (strncmp(argv[*i], name, n))
        return 0;
    if (argv[*i][n] == '=') {
        *v = argv[*i] + n + 1;
        return 1;
    }
    if (argv[*i][n])
        return 0;
    if (*i + 1 >= argc) {
        hb_err("%s: missing value", name);
        return -1;
    }
    *v = argv[++*i];
    return 1;
}

static int parse_profile(struct bench_opts *o, const char *v)
{
    static const char *const names[] = { "quick", "default", "full" };

    for (int p = 0; p < 3; p++)
        if (!strcmp(v, names[p])) {
            o->profile = (enum hb_profile)p;
            o->profile_name = names[p];
            return 0;
        }
    hb_err("--profile: expected quick, default or full: %s", v);
    return -1;
}

static int parse_count(const char *opt, int *out, const char *v)
{
    uint64_t n;

    /* Digits only: strtol would take " 5" or "+5". */
    if (!*v || v[strspn(v, "0123456789")] || hb_parse_u64(v, &n) || n < 1 ||
        n > 1000) {
        hb_err("%s: expected a whole number from 1 to 1000: %s", opt, v);
        return -1;
    }
    *out = (int)n;
    return 0;
}

/* --target PCT: a number from 0 to 100 (0: never stop early). */
static int parse_target(struct bench_opts *o, const char *v)
{
    char *end;
    double x = strtod(v, &end);

    if (!*v || *end || !(x >= 0 && x <= 100)) {
        hb_err("--target: expected a percentage from 0 to 100: %s", v);
        return -1;
    }
    o->target_pct = x;
    return 0;
}

/* --budget MIN: whole minutes, 0 for none. */
static int parse_budget(struct bench_opts *o, const char *v)
{
    uint64_t n;

    if (!*v || v[strspn(v, "0123456789")] || hb_parse_u64(v, &n) || n > 100000) {
        hb_err("--budget: expected whole minutes (0: none): %s", v);
        return -1;
    }
    o->budget_s = (double)n * 60;
    return 0;
}

/* Google Benchmark takes ECMAScript regexes with a leading '-' for "not";
 * POSIX extended is close enough to refuse nonsense before running. */
static int check_filter(const char *v)
{
    regex_t re;
    int rc = regcomp(&re, *v == '-' ? v + 1 : v, REG_EXTENDED | REG_NOSUB);

    if (rc) {
        hb_err("--filter: not a regular expression: %s", v);
        return -1;
    }
    regfree(&re);
    return 0;
}

/* One option at argv[*i]: 0 done, 1 help, -1 bad (reported). */
static int parse_one(struct bench_opts *o, int argc, char **argv, int *i)
{
    const char *v;
    int rc;

    if (!strcmp(argv[*i], "--help") || !strcmp(argv[*i], "-h"))
        return 1;
    if ((rc = opt_value("--profile", argc, argv, i, &v)))
        return rc < 0 ? -1 : parse_profile(o, v);
    if ((rc = opt_value("--repetitions", argc, argv, i, &v)))
        return rc < 0 ? -1 : parse_count("--repetitions", &o->reps, v);
    if ((rc = opt_value("--processes", argc, argv, i, &v)))
        return rc < 0 ? -1 : parse_count("--processes", &o->procs, v);
    if ((rc = opt_value("--min-processes", argc, argv, i, &v)))
        return rc < 0 ? -1 : parse_count("--min-processes", &o->min_procs, v);
    if ((rc = opt_value("--target", argc, argv, i, &v)))
        return rc < 0 ? -1 : parse_target(o, v);
    if ((rc = opt_value("--budget", argc, argv, i, &v)))
        return rc < 0 ? -1 : parse_budget(o, v);
    if (!strcmp(argv[*i], "--verbose")) {
        o->verbose = true;
        return 0;
    }
    if (!strcmp(argv[*i], "--list")) {
        o->list = true;
        return 0;
    }
    if (!strcmp(argv[*i], "--count")) {
        o->count = true;
        return 0;
    }
    if ((rc = opt_value("--count-child", argc, argv, i, &v))) {
        o->count_child = v;
        return rc < 0 ? -1 : 0;
    }
    if ((rc = opt_value("--mem-budget", argc, argv, i, &v))) {
        if (rc > 0 && (hb_parse_size(v, &o->mem_budget) || !o->mem_budget)) {
            hb_err("--mem-budget: not a size with a unit: %s", v);
            return -1;
        }
        return rc < 0 ? -1 : 0;
    }
    if ((rc = opt_value("--filter", argc, argv, i, &v))) {
        o->filter = v;
        return rc < 0 ? -1 : check_filter(v);
    }
    if ((rc = opt_value("--xen", argc, argv, i, &v)))
        return rc < 0 || (o->xen = hb_xen_parse(v)) < 0 ? -1 : 0;
    if ((rc = opt_value("--out", argc, argv, i, &v))) {
        o->out = v;
        return rc < 0 ? -1 : 0;
    }
    rc = hb_layout_parse_opt(&o->lopts, argc, argv, i);
    if (rc)
        return rc < 0 ? -1 : 0;
    hb_err("bench: unknown option: %s", argv[*i]);
    return -1;
}

static int parse_opts(struct bench_opts *o, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    o->profile = HB_PROFILE_DEFAULT;
    o->profile_name = "default";
    o->out = "results";
    o->target_pct = o->budget_s = -1;     /* the profile's */
    o->argc = argc;
    o->argv = argv;
    for (int i = 1; i < argc; i++) {
        int rc;

        if (!strcmp(argv[i], "--")) {
            o->gb_argc = argc - i - 1;
            o->gb_argv = argv + i + 1;
            if (bench_check_gb_flags(o->gb_argc, o->gb_argv))
                return -1;
            break;
        }
        rc = parse_one(o, argc, argv, &i);
        if (rc)
            return rc;
    }
    if (!o->reps)
        o->reps = profile_reps[o->profile];
    if (!o->procs)
        o->procs = profile_procs[o->profile];
    return 0;
}

/* ------------------------------------------------------------------------
 * The files of the results folder
 * ------------------------------------------------------------------------ */

typedef int (*write_fn)(const struct hb_results *r, const char *family, FILE *f);

static int write_file(const char *dir, const char *family, const char *suffix,
                      const struct hb_results *res, write_fn fn)
{
    char path[PATH_MAX];
    FILE *f;
    int rc;

    snprintf(path, sizeof path, "%s/%s%s", dir, family, suffix);
    f = fopen(path, "w");
    if (!f)
        return -errno;
    errno = 0;
    rc = fn(res, family, f);
    /* errno names the cause (ENOSPC) better than the writers' -EIO. */
    if (rc == -EIO && errno)
        rc = -errno;
    if (fclose(f) && !rc)
        rc = -errno;
    return rc;
}

static int write_skipped(const struct hb_results *res, const char *family, FILE *f)
{
    (void)family;
    return hb_results_write_skipped(res, f);
}

static int write_tables(struct bench_run *r)
{
    const char *fam[64];
    size_t n = hb_results_families(&r->res, fam, 64);
    int rc = 0;

    hb_results_derive(&r->res);
    for (size_t i = 0; i < n && i < 64 && !rc; i++) {
        rc = write_file(r->dir, fam[i], ".csv", &r->res, hb_results_write_csv);
        if (!rc)
            rc = write_file(r->dir, fam[i], "_summary.csv", &r->res, hb_results_write_summary);
    }
    if (!rc && r->res.nr_skips)
        rc = write_file(r->dir, "skipped", ".csv", &r->res, write_skipped);
    return rc;
}

/* The rule and what it gave, into e. */
static void env_sampling(const struct bench_run *r, struct hb_env *e, char *rule, size_t len)
{
    const struct hb_sampling *s = &r->rule;
    struct bench_sampled c;

    bench_sampling_tally(r, &c);
    if (s->min_procs >= s->max_procs && !(s->budget_s > 0))
        snprintf(rule, len, "fixed: every benchmark in %d processes", s->max_procs);
    else
        snprintf(rule, len,
                 "every benchmark in %d processes; then it stops once the 95 %% t "
                 "interval of its geometric mean of per-process medians of real_ns is "
                 "within +/-target %%, or at %d; a family starts another process only "
                 "if it and as many of every later family fit the budget, at one "
                 "repetition a benchmark if only so (%d always run); a family's first "
                 "process runs one repetition a benchmark, later ones too for one whose "
                 "repetition took sampling_one_repetition_from_s or more",
                 s->min_procs, s->max_procs, s->floor_procs);
    e->sampling_rule = rule;
    e->min_processes = s->min_procs, e->floor_processes = s->floor_procs;
    e->target_pct = s->target_pct, e->budget_s = s->budget_s;
    e->heavy_s = r->heavy_s;
    e->runs = c.runs;
    e->procs_min = c.min, e->procs_median = c.median, e->procs_max = c.max;
    e->stopped_narrow = (long)c.narrow, e->stopped_at_max = (long)c.at_max;
    e->stopped_by_budget = (long)c.cut;
    e->one_rep_procs = r->one_rep_procs;
    e->wall_s = r->wall_s;
    e->load_start = r->load_start, e->load_end = r->load_end;
    for (int i = 0; i < 3; i++)
        e->eta_at[i] = r->eta_at[i] > 0 ? r->eta_at[i] : NAN;
}

/* environment.csv: what only the run knows, and envrecord.h the rest. */
static int write_environment(const struct bench_run *r)
{
    char path[PATH_MAX], json[PATH_MAX], ver[32], rule[512];
    const struct bench_opts *o = r->o;
    struct hb_env e = {
        .thp_setting = r->thp, .hugepages = r->ctx.hugepages, .topo = r->topo,
        .mem_available = r->mem_start, .max_table_bytes = r->ctx.max_table_bytes,
        .mem = r->ctx.mem, .probe = &r->probe, .gbench_json = json,
        .count_source = r->count_source[0] ? r->count_source : NULL,
        .count_why = r->count_why[0] ? r->count_why : NULL,
        .count_bracket = r->count_bracket,
        .cxx_compiler = hb_gb_cxx_compiler(),
        .libbenchmark_version = hb_gb_library_version(ver, sizeof ver),
        .date_utc = r->date, .argc = o->argc, .argv = o->argv,
        .profile = o->profile_name, .filter = o->filter,
        .layout = r->layout ? r->layout->source : "", .pinning = r->pinning,
        .processes = o->procs, .repetitions = o->reps, .xen = pa_xen_version_name(o->xen),
        .shim_direct_ns = hb_results_median_real_ns(&r->res, "shim/direct_cxx"),
        .shim_c_batch_ns = hb_results_median_real_ns(&r->res, "shim/c_batch"),
        .shim_c_single_ns = hb_results_median_real_ns(&r->res, "shim/c_single"),
    };

    env_sampling(r, &e, rule, sizeof rule);
    snprintf(json, sizeof json, "%s/gbench.json", r->dir);
    snprintf(path, sizeof path, "%s/environment.csv", r->dir);
    return hb_env_write(&e, path);
}

/* topology.xml: the host as hwloc sees it, for --topology xml:FILE. */
static int write_topology(const char *dir)
{
    char path[PATH_MAX];
    hwloc_topology_t t;
    int rc = -EIO;

    snprintf(path, sizeof path, "%s/topology.xml", dir);
    if (hwloc_topology_init(&t))
        return -ENOMEM;
    if (!hwloc_topology_load(t) && !hwloc_topology_export_xml(t, path, 0))
        rc = 0;
    hwloc_topology_destroy(t);
    return rc;
}

static int write_results(struct bench_run *r)
{
    int rc = r->add_err;

    if (!rc)
        rc = bench_merge_json(r, r->chunks);
    if (!rc)
        rc = write_tables(r);
    if (!rc)
        rc = write_environment(r);
    if (!rc)
        write_topology(r->dir);  /* a record, not a result: best effort */
    if (!rc)
        bench_copy_fidelity(r->dir);  /* the same: xen_fidelity.csv */
    if (rc)
        hb_err("cannot write the results into %s: %s", r->dir,
               rc == -EPROTO ? "a measuring process sent a garbled line" : strerror(-rc));
    return rc ? HB_EXIT_FAIL : 0;
}

/* ------------------------------------------------------------------------
 * The run
 * ------------------------------------------------------------------------ */

static void pin_benchmark_thread(struct bench_run *r)
{
    int rc;

    if (!r->topo) {
        snprintf(r->pinning, sizeof r->pinning, "not pinned: no host topology");
        return;
    }
    rc = hb_topo_pin_pu(r->topo, 0);
    if (rc)
        snprintf(r->pinning, sizeof r->pinning, "not pinned: %s", strerror(-rc));
    else
        snprintf(r->pinning, sizeof r->pinning,
                 "benchmark thread pinned to PU 0 (hwloc logical index); "
                 "threaded benchmarks pin thread k to a PU of core k");
}

static int measure(struct bench_run *r)
{
    int rc;

    pin_benchmark_thread(r);     /* the measuring processes inherit it */
    hb_perfctr_open(&r->probe, false);
    hb_perfctr_close(&r->probe);
    rc = bench_plan(r);
    if (rc)
        return rc;
    bench_console_setup(r);
    rc = bench_run_chunks(r);
    if (!rc && r->o->count)
        rc = bench_count(r);
    if (r->log)
        fclose(r->log);
    if (!rc)
        rc = write_results(r);
    return rc;
}

/* The benchmarks that ran (rows of their own) and the wall time. */
static void print_summary(const struct bench_run *r, const char *final)
{
    char wall[32];
    size_t ran = 0;

    for (size_t i = 0; i < r->nb; i++)
        ran += r->b[i].procs_done > 0;
    bench_fmt_duration(wall, sizeof wall, r->wall_s);
    bench_print_skips(&r->res, r->cols);
    printf("done: %zu run, %zu skipped; %d repetitions per process; wall time %s\n",
           ran - (r->res.nr_skips < ran ? r->res.nr_skips : ran), r->res.nr_skips,
           r->o->reps, wall);
    bench_print_sampling(r);
    if (r->count_source[0]) {
        bench_fmt_duration(wall, sizeof wall, r->count_wall_s);
        printf("counted: every benchmark once under %s, wall time %s\n", r->count_source, wall);
    }
    printf("results: %s\n", final);
}

/* ------------------------------------------------------------------------
 * The command
 * ------------------------------------------------------------------------ */

/* The layout, the date, and the temporary folder to write into. */
static int prepare(struct bench_run *r, struct hb_layout *l, struct hb_rundir *d)
{
    const struct bench_opts *o = r->o;
    char err[256] = "", host[64], stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    struct hb_layout_opts lo = o->lopts;

    if (hb_layout_load_here(&lo, l, err, sizeof err)) {
        hb_err("%s", err);
        return HB_EXIT_USAGE;
    }
    r->layout = l;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    strftime(r->date, sizeof r->date, "%Y-%m-%dT%H:%M:%SZ", &tm);
    hb_env_host(host, sizeof host);
    if (hb_rundir_create(d, o->out, stamp, host)) {
        hb_err("--out: cannot write there: %s", o->out);
        return HB_EXIT_USAGE;
    }
    r->dir = d->tmp;
    return 0;
}

static void make_ctx(struct bench_run *r)
{
    hb_env_thp(r->thp, sizeof r->thp);
    r->topo = hb_topo_open();
    r->ctx.profile = r->o->profile;
    r->ctx.xen = r->o->xen;
    r->ctx.layout = r->layout;
    r->ctx.topo = r->topo;
    /* Room for the baseline buffer and the rest of the system. */
    if (hb_mem_read_available("", &r->mem_start))
        r->mem_start = 0;
    r->ctx.max_table_bytes = r->mem_start / 4 * 3;
    /* The budget (MemAvailable, the memory cgroup, --mem-budget) is also
     * the largest frame table: one table never outgrows what may be live. */
    if (hb_mem_init(&r->mem, "", r->o->mem_budget) == 0) {
        r->ctx.mem = &r->mem;
        r->ctx.max_table_bytes = r->mem.budget;
    }
    r->ctx.hugepages = strcmp(r->thp, "never") && strcmp(r->thp, "unavailable");
}

static void free_run(struct bench_run *r)
{
    free(r->samples);
    free(r->eta_cost);
    free(r->eta_cost1);
    free(r->eta_expect);
    free(r->eta_done);
    free(r->eta_fam);
    for (size_t i = 0; i < r->nb; i++)
        free(r->b[i].name);
    free(r->b);
    free(r->fam);
    hb_results_free(&r->res);
    if (r->topo)
        hb_topo_close(r->topo);
}

/* The layout and the context, for the modes that make no folder. */
static int load_only(struct bench_run *r, struct hb_layout *l)
{
    char err[256] = "";

    if (hb_layout_load(&r->o->lopts, l, err, sizeof err)) {
        hb_err("%s", err);
        return HB_EXIT_USAGE;
    }
    r->layout = l;
    make_ctx(r);
    return 0;
}

/* --list: the plan of these options, nothing run, no folder made. */
static int list_plan(struct bench_run *r, struct hb_layout *l)
{
    int rc = load_only(r, l);

    if (rc)
        return rc;
    rc = bench_plan(r);
    if (!rc)
        bench_print_plan(r, bench_eta(r, NULL));
    free_run(r);
    hb_layout_free(l);
    return rc;
}

/* --count-child: no folder of its own (the parent's holds its files). */
static int bench_count_child_main(struct bench_run *r, struct hb_layout *l)
{
    int rc = load_only(r, l);

    if (rc)
        return rc;
    pin_benchmark_thread(r);
    rc = bench_count_child(r);
    free_run(r);
    hb_layout_free(l);
    return rc;
}

int hb_cmd_bench(int argc, char **argv)
{
    struct bench_opts o;
    struct bench_run r;
    struct hb_layout layout;
    struct hb_rundir dir;
    int rc = parse_opts(&o, argc, argv);

    if (rc > 0) {
        bench_usage(stdout, profile_procs, profile_reps);
        return HB_EXIT_OK;
    }
    if (rc < 0)
        return HB_EXIT_USAGE;
    memset(&r, 0, sizeof r);
    memset(&layout, 0, sizeof layout);
    r.o = &o;
    if (o.list)
        return list_plan(&r, &layout);
    r.count_bracket = NAN;
    if (o.count_child)
        return bench_count_child_main(&r, &layout);
    /* From here a SIGINT or SIGTERM is only noted: the folder prepare
     * makes is removed below, not left behind by a sudden death. */
    hb_rundir_catch_signals();
    rc = prepare(&r, &layout, &dir);
    if (rc) {
        if (r.layout)
            hb_layout_free(&layout);
        return rc;
    }
    make_ctx(&r);
    rc = measure(&r);
    if (!rc && (rc = hb_rundir_publish(&dir))) {
        hb_err("cannot rename %s into place: %s", dir.tmp, strerror(-rc));
        rc = HB_EXIT_FAIL;
    }
    if (rc > 128)       /* an error has said its one line already */
        bench_say_discarded(&r, &dir, rc);
    if (rc)
        hb_rundir_discard(&dir);
    else
        print_summary(&r, dir.final);
    free_run(&r);
    hb_layout_free(&layout);
    return rc;
}
