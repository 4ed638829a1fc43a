/*
 * cmd_bench.c - `heapbench bench`: run the benchmark suite into a results
 * folder, <out>/<UTC stamp>-<host>/, complete or absent (rundir.h); its
 * files are docs/results-format.md's.
 *
 * Processes are the unit of sampling (bench/stats/hstats.h): each family
 * runs in N fresh processes in turn, and each chunk (one family in one
 * process) is measured in a child (cmd_bench_chunk.c), so that an
 * interrupted run leaves no half-written folder (docs/running.md).
 *
 * This file: the options, the plan (every benchmark selected, by family),
 * the progress line and its ETA, and the run from start to published
 * folder.
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

/* environment.csv: what only the run knows, and envrecord.h the rest. */
static int write_environment(const struct bench_run *r)
{
    char path[PATH_MAX], json[PATH_MAX], ver[32];
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
 * The plan: every benchmark selected, by family
 * ------------------------------------------------------------------------ */

static void plan_add(const char *name, void *arg)
{
    struct bench_run *r = arg;
    struct plan_bench *b;

    if (hb_vec_grow((void **)&r->b, &r->cap, r->nb + 1, sizeof *r->b)) {
        r->add_err = -ENOMEM;
        return;
    }
    b = &r->b[r->nb];
    *b = (struct plan_bench){ .name = strdup(name), .family = hb_family_of(name) };
    if (!b->name) {
        r->add_err = -ENOMEM;
        return;
    }
    r->nb++;
    if (b->family >= 0)
        r->fam[b->family].planned++;
}

static struct plan_bench *plan_find(struct bench_run *r, const char *name)
{
    for (size_t i = r->cursor; i < r->nb; i++)
        if (!strcmp(r->b[i].name, name))
            return &r->b[r->cursor = i];
    for (size_t i = 0; i < r->cursor && i < r->nb; i++)
        if (!strcmp(r->b[i].name, name))
            return &r->b[r->cursor = i];
    return NULL;
}

/* The library explains a bad flag on stderr before we do; one line is
 * ours to print, so its explanation goes to /dev/null while listing. */
static long list_quietly(struct hb_gb_suite *s, struct bench_run *r, char *bad, size_t len)
{
    int saved = dup(STDERR_FILENO), null = open("/dev/null", O_WRONLY);
    long n;

    fflush(stderr);
    if (saved >= 0 && null >= 0)
        dup2(null, STDERR_FILENO);
    n = hb_gb_list(s, plan_add, r, bad, len);
    fflush(stderr);
    if (saved >= 0 && null >= 0)
        dup2(saved, STDERR_FILENO);
    if (saved >= 0)
        close(saved);
    if (null >= 0)
        close(null);
    return n;
}

/* Every family registers its benchmarks; the plan is what the filter
 * keeps of them. */
static int plan_run(struct bench_run *r)
{
    char bad[256] = "";
    struct hb_gb_suite s = { 0 };
    long n;

    r->nfam = hb_family_count();
    r->fam = calloc(r->nfam ? r->nfam : 1, sizeof *r->fam);
    s.argv = bench_gb_flags(r->o, &s.argc);
    if (!r->fam || !s.argv) {
        hb_err("out of memory");
        return HB_EXIT_FAIL;
    }
    for (size_t f = 0; f < r->nfam; f++) {
        r->fam[f].def = hb_family_get(f);
        r->fam[f].def->reg(&r->ctx);
    }
    n = list_quietly(&s, r, bad, sizeof bad);
    if (n == -EINVAL) {
        hb_err("unknown google-benchmark flag: %s", bad);
        return HB_EXIT_USAGE;
    }
    if (r->add_err) {
        hb_err("out of memory");
        return HB_EXIT_FAIL;
    }
    if (n <= 0 || r->nb == 0) {
        hb_err("--filter: matches no benchmark: %s", r->o->filter ? r->o->filter : "");
        return HB_EXIT_USAGE;
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * Progress and its ETA
 * ------------------------------------------------------------------------ */

static void fmt_duration(char *buf, size_t len, double s)
{
    if (!isfinite(s) || s < 0)
        s = 0;
    if (s < 90)
        snprintf(buf, len, "%.0f s", s);
    else
        snprintf(buf, len, "%.0f min %02.0f s", floor(s / 60), fmod(floor(s), 60));
}

/* Per family: the mean time of each benchmark measured so far, summed, and
 * the same benchmarks' priors; *all_s and *all_p: over every family. */
static void eta_tally(struct bench_run *r, double *all_s, double *all_p)
{
    double reps = r->o->reps;
    enum hb_profile pr = r->o->profile;

    for (size_t f = 0; f < r->nfam; f++)
        r->fam[f].seen_s = r->fam[f].prior_s = 0, r->fam[f].nseen = 0;
    for (size_t i = 0; i < r->nb; i++) {
        const struct plan_bench *b = &r->b[i];
        struct plan_family *pf = b->family >= 0 ? &r->fam[b->family] : NULL;

        if (!pf || !b->procs_done)
            continue;
        pf->seen_s += b->seen_s / b->procs_done;
        pf->nseen++;
        pf->prior_s += pf->def->prior_s[pr] * reps;
    }
    *all_s = *all_p = 0;
    for (size_t f = 0; f < r->nfam; f++)
        *all_s += r->fam[f].seen_s, *all_p += r->fam[f].prior_s;
}

/*
 * Seconds left: every benchmark still to run in some process costs what it
 * took on average in the processes that ran it, else its family's prior scaled
 * by how the run's measured benchmarks compare with their priors: the
 * family's own ratio if it has one, else the square root of the whole
 * run's.  The square root shrinks the other families' ratio halfway to the
 * prior (in log terms): a load that slows the threaded memory baseline
 * 3-5x slows the single-threaded families less.  Replayed on three quick
 * runs' progress.log (loads 1.6 to 9), the mean error from 5 % of the run
 * on fell from 29 % (the whole run's ratio) to 21 %.
 */
static double progress_eta(struct bench_run *r)
{
    double all_s, all_p, left = 0;
    double reps = r->o->reps;
    enum hb_profile pr = r->o->profile;

    eta_tally(r, &all_s, &all_p);
    for (size_t i = 0; i < r->nb; i++) {
        const struct plan_bench *b = &r->b[i];
        const struct plan_family *pf = &r->fam[b->family < 0 ? 0 : b->family];
        /* A chunk's first benchmark carries the process's set-up (its
         * fixtures): a family's own scale waits for a tenth of it. */
        bool own = pf->nseen >= 5 && pf->nseen * 10 >= pf->planned;
        double scale = own && pf->prior_s > 0 ? pf->seen_s / pf->prior_s
                       : all_p > 0 ? sqrt(all_s / all_p) : 1;
        double each = b->procs_done ? b->seen_s / b->procs_done
                                    : pf->def->prior_s[pr] * reps * scale;
        left += each * (r->o->procs - b->procs_done);
    }
    return left;
}

/* Which of its family's benchmarks name is, from 1 (0: not planned). */
static size_t family_index(struct bench_run *r, const char *name)
{
    const struct plan_bench *b = plan_find(r, name);
    size_t k = 0;

    for (const struct plan_bench *x = r->b; b && x <= b; x++)
        k += x->family == b->family;
    return k;
}

/* progress.log always; on a terminal one live line, else a line at the end
 * of each chunk and every 30 s. */
static void progress(struct bench_run *r, const char *name, bool chunk_end)
{
    char el[32], left[32], line[256], nm[256], plain[256];
    double t = hb_now_s() - r->t0, eta = progress_eta(r);
    long total = (long)r->nb * r->o->procs, p = r->chunk_proc + 1;
    const char *fam = r->fam[r->chunk_family].def->name;

    fmt_duration(el, sizeof el, t);
    fmt_duration(left, sizeof left, eta);
    bench_plain_name(plain, sizeof plain, chunk_end ? "done" : name);
    if (r->log)
        fprintf(r->log, "%.1f %ld %ld %.1f\n", t, r->done, total, eta);
    if (r->tty) {
        /* The name gets what the rest of the line leaves, shortened in
         * the middle: never cut at an end. */
        int head = snprintf(line, sizeof line, "[%ld/%ld] %s p%ld/%d ", r->done, total, fam,
                            p, r->o->procs);
        int room = (r->cols > 20 ? r->cols - 1 : 79) - head - (int)strlen(left) - 7;

        bench_shorten(nm, sizeof nm, plain, room > 8 ? (size_t)room : 8);
        printf("\r\033[K%s%s, %s left", line, nm, left);
    } else if (chunk_end || t - r->last_line >= 30) {
        r->last_line = t;
        if (chunk_end)
            printf("[%ld/%ld] %s: process %ld/%d done; %s elapsed, %s left\n", r->done,
                   total, fam, p, r->o->procs, el, left);
        else    /* no room for a name here: the family and the index */
            printf("[%ld/%ld] %s: process %ld/%d, benchmark %zu/%zu; %s left\n", r->done,
                   total, fam, p, r->o->procs, family_index(r, name),
                   r->fam[r->chunk_family].planned, left);
    }
    fflush(stdout);
}

void bench_took(struct bench_run *r, const struct hb_gb_run *from_child)
{
    struct hb_gb_run run = *from_child;
    struct plan_bench *b;
    double now;
    int rc;

    run.process = r->chunk_proc;
    rc = hb_results_add(&r->res, &run);
    if (rc && !r->add_err)
        r->add_err = rc;
    if (!run.last)
        return;
    /* A benchmark's last repetition moves the progress on. */
    now = hb_now_s() - r->t0;
    b = plan_find(r, run.name);
    if (b) {       /* a skip is told at the end, with the others of its reason */
        b->seen_s += now - r->bench_t0;
        b->procs_done++;
    }
    r->bench_t0 = now;
    r->done++;
    progress(r, run.name, false);
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

static void console_setup(struct bench_run *r)
{
    char path[PATH_MAX];
    struct winsize ws;

    r->tty = isatty(STDOUT_FILENO) && !r->o->verbose;
    r->cols = r->tty && !ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_col ? ws.ws_col : 80;
    snprintf(path, sizeof path, "%s/progress.log", r->dir);
    r->log = fopen(path, "w");
    if (r->log) {
        setvbuf(r->log, NULL, _IOLBF, 0);
        fputs("# elapsed_s done total eta_s\n", r->log);
    }
}

/* Family f in process p, the k-th chunk of the run. */
static int run_chunk(struct bench_run *r, size_t f, long p, long k)
{
    int rc;

    r->chunk_family = (int)f;
    r->chunk_proc = p;
    r->bench_t0 = hb_now_s() - r->t0;
    rc = bench_run_chunk(r, (int)f, k);
    if (!rc)
        progress(r, "", true);
    return rc;
}

/* Family by family in registry order, each in every process in turn. */
static int run_chunks(struct bench_run *r)
{
    long k = 0;
    int rc = 0;

    printf("heapbench bench: profile %s, %zu benchmarks x %d processes x %d repetitions\n"
           "first estimate: about %.0f min (re-estimated as benchmarks finish)\n",
           r->o->profile_name, r->nb, r->o->procs, r->o->reps, ceil(progress_eta(r) / 60));
    fflush(stdout);
    r->t0 = hb_now_s();
    for (size_t f = 0; f < r->nfam && !rc; f++) {
        if (!r->fam[f].planned)
            continue;
        for (long p = 0; p < r->o->procs && !rc; p++)
            rc = run_chunk(r, f, p, k++);
    }
    if (r->tty)
        putchar('\n');
    r->chunks = k;
    return rc;
}

static int measure(struct bench_run *r)
{
    int rc;

    pin_benchmark_thread(r);     /* the measuring processes inherit it */
    hb_perfctr_open(&r->probe, false);
    hb_perfctr_close(&r->probe);
    rc = plan_run(r);
    if (rc)
        return rc;
    console_setup(r);
    rc = run_chunks(r);
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
    fmt_duration(wall, sizeof wall, hb_now_s() - r->t0);
    bench_print_skips(&r->res, r->cols);
    printf("done: %zu run, %zu skipped; %d processes x %d repetitions; wall time %s\n",
           ran - (r->res.nr_skips < ran ? r->res.nr_skips : ran), r->res.nr_skips,
           r->o->procs, r->o->reps, wall);
    if (r->count_source[0]) {
        fmt_duration(wall, sizeof wall, r->count_wall_s);
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
    rc = plan_run(r);
    if (!rc)
        bench_print_plan(r, progress_eta(r));
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
