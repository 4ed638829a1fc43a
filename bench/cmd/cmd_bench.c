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
 * This file: the files of the folder, and the run from start to published
 * folder; the options are in cmd_bench_opts.c, the plan, the scheduler and
 * the ETA in cmd_bench_sched.c.
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
                 "within +/-target %%, or at %d; processes run in rounds, one of each "
                 "family a round, and a family's process starts only if it and the "
                 "rest of its round fit the budget, at one repetition a benchmark if "
                 "only so (%d always run); a family's first "
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
        .commit = hb_build_commit,
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
    int rc = bench_parse_opts(&o, argc, argv);

    if (rc != HB_OPTS_GO)
        return rc;
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
