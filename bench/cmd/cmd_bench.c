/*
 * cmd_bench.c - `heapbench bench`: run the benchmark suite into a results
 * folder.
 *
 *   heapbench bench [--profile quick|default|full] [--filter REGEX]
 *                   [--out DIR] [--processes N] [--repetitions N]
 *                   [--verbose] [layout options] [-- google-benchmark flags]
 *
 * The results go to <out>/<UTC YYYYmmddTHHMMSSZ>-<host>/, written under
 * <out>/.tmp-... and renamed into place only when complete:
 *   gbench.json           Google Benchmark's JSON (every process's
 *                         "benchmarks" arrays joined, the first context)
 *   console.log           Google Benchmark's console table, every process
 *   <family>.csv          one row per repetition per process per benchmark
 *   <family>_summary.csv  one row per benchmark, over processes (tidy.h)
 *   skipped.csv           benchmark,reason: what could not run here (only
 *                         if there is any)
 *   environment.csv       key,value: the machine, the build, the run
 *   topology.xml          the machine as hwloc sees it (--topology xml:...)
 *   progress.log          elapsed seconds, work done, and the ETA given
 *
 * Processes are the unit of sampling (bench/compare/hstats.h): each family is run
 * in N fresh processes in turn, family by family (baseline in processes
 * 0..N-1, then shim, ...), so a slow minute of the machine falls on one
 * process of a family, not on one benchmark of every process.
 *
 * Interrupting a run must leave no half-written folder, whatever the
 * benchmark is doing at the time, and Google Benchmark cannot be stopped
 * cooperatively.  So the process forks: the child measures and writes into
 * the temporary folder; the parent waits, forwards SIGINT/SIGTERM to the
 * child, and either renames the folder (child succeeded) or removes it.
 * The two globals below are what the signal handler needs to do that.
 */
#define _GNU_SOURCE
#include "bench/cmd/cli.h"
#include "bench/instrument/gbench.h"
#include "bench/families/harness.h"
#include "bench/source/layout.h"
#include "bench/instrument/membudget.h"
#include "bench/instrument/perfctr.h"
#include "bench/instrument/tidy.h"
#include "bench/instrument/topo.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <math.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef HB_CFLAGS
#define HB_CFLAGS "unknown"
#endif

#include <hwloc.h>

/* Signal handling: the signal caught (0: none) and the child to pass it to. */
static volatile sig_atomic_t caught_signal;
static volatile pid_t child_pid;

/* --benchmark_min_time by profile (quick, default, full): Google
 * Benchmark's 0.5 s per repetition buys little once processes are the
 * samples. */
static const char *const profile_min_time[] = { "0.02", "0.05", "0.2" };

/* Processes and repetitions per profile (quick, default, full).  The
 * default: 3 x 2 took 3.5 min on a quiet 2-core VM and 16-19 min on one
 * loaded 5x over; 6 processes halve the variance of a median of
 * per-process medians (the minimum detectable effect falls by about 40 %)
 * for about 7 min quiet, which leaves room for a busy machine. */
static const int profile_procs[] = { 3, 6, 10 };
static const int profile_reps[] = { 2, 2, 3 };

struct bench_opts {
    enum hb_profile profile;
    const char *profile_name;
    const char *filter;
    const char *out;
    int reps;
    int procs;
    bool verbose;
    uint64_t mem_budget;      /* --mem-budget; 0: leave 25 % (membudget.h) */
    struct hb_layout_opts lopts;
    int gb_argc;              /* after "--" */
    char **gb_argv;
    int argc;                 /* the whole command line, for the record */
    char **argv;
};

/* A benchmark of the plan: how long it took in all the processes that ran
 * it so far, and in how many processes it is done. */
struct plan_bench {
    char *name;
    int family;               /* index in families[], -1 unknown */
    double seen_s;
    int procs_done;
};

/* What the run keeps (the measuring children get a copy). */
struct bench_run {
    const struct bench_opts *o;
    const char *dir;          /* the temporary folder */
    struct hb_layout *layout;
    struct hb_topo *topo;
    struct hb_bench_ctx ctx;
    char thp[32];
    char pinning[160];
    char date[32];
    struct hb_perfctr probe;  /* which counters this machine has */
    struct hb_results res;
    int add_err;
    struct plan_bench *b;     /* the plan: every benchmark selected */
    size_t nb, cap, cursor;
    size_t per_family[8];
    long done, chunks;        /* benchmark-process runs done; chunks run */
    int chunk_family;         /* the chunk running now */
    long chunk_proc;
    double bench_t0;          /* when the current benchmark started */
    struct timespec t0;
    bool tty;                 /* a live line instead of plain lines */
    int cols;
    double last_line;
    FILE *log;                /* progress.log */
    uint64_t mem_start;       /* MemAvailable when the run began */
    struct hb_membudget mem;  /* what may be live at once (ctx.mem) */
    bool made_out;            /* --out did not exist: removed if it fails */
};

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

static void usage(FILE *f)
{
    fprintf(f,
            "usage: heapbench bench [--profile quick|default|full] [--filter REGEX]\n"
            "                       [--out DIR] [--processes N] [--repetitions N]\n"
            "                       [--verbose] [--mem-budget SIZE]\n"
            "                       [--topology T] [--memmap FILE] [--mem SIZE]\n"
            "                       [-- google-benchmark flags]\n"
            "Defaults: --out results; quick: %d processes x %d repetitions, default:\n"
            "%d x %d, full: %d x %d.  Each family runs in N fresh processes in turn.\n"
            "--verbose: Google Benchmark's console table on the screen too (it is\n"
            "always in console.log in the results folder)\n"
            "--mem-budget: what the run may hold at once (default: 75 %% of what\n"
            "MemAvailable and the memory cgroup leave); what does not fit is skipped\n",
            profile_procs[0], profile_reps[0], profile_procs[1], profile_reps[1],
            profile_procs[2], profile_reps[2]);
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
    if (!strcmp(argv[*i], "--verbose")) {
        o->verbose = true;
        return 0;
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
    o->argc = argc;
    o->argv = argv;
    for (int i = 1; i < argc; i++) {
        int rc;

        if (!strcmp(argv[i], "--")) {
            o->gb_argc = argc - i - 1;
            o->gb_argv = argv + i + 1;
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
 * The results folder
 * ------------------------------------------------------------------------ */

static int mkdir_p(const char *path)
{
    char buf[PATH_MAX];

    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return -ENAMETOOLONG;
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0777) && errno != EEXIST)
                return -errno;
            *p = '/';
        }
    if (mkdir(buf, 0777) && errno != EEXIST)
        return -errno;
    return 0;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void remove_tree(const char *path)
{
    nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Host name, safe as part of a file name. */
static void host_name(char *buf, size_t len)
{
    if (gethostname(buf, len) || !buf[0] || !strcmp(buf, "(none)"))
        snprintf(buf, len, "unknown");
    buf[len - 1] = '\0';
    /* Only what a shell never needs to quote. */
    for (char *p = buf; *p; p++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", *p))
            *p = '_';
}

/* Rename tmp to <out>/<stamp>-<host>, adding -2, -3... if that exists. */
static int publish(const char *tmp, const char *out, const char *stamp, char *final,
                   size_t len)
{
    char host[64];

    host_name(host, sizeof host);
    for (int k = 1; k < 100; k++) {
        if (k == 1)
            snprintf(final, len, "%s/%s-%s", out, stamp, host);
        else
            snprintf(final, len, "%s/%s-%s-%d", out, stamp, host, k);
        if (!rename(tmp, final))
            return 0;
        if (errno != EEXIST && errno != ENOTEMPTY)
            return -errno;
    }
    return -EEXIST;
}

/* ------------------------------------------------------------------------
 * Small facts about the machine
 * ------------------------------------------------------------------------ */

/* First line of a file, newline dropped; "" if unreadable. */
static void read_line(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "r");

    buf[0] = '\0';
    if (!f)
        return;
    if (!fgets(buf, (int)len, f))
        buf[0] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
    fclose(f);
}

/* The bracketed choice of a sysfs list: "always [madvise] never". */
static void thp_setting(char *buf, size_t len)
{
    char line[128];
    char *a, *b;

    read_line("/sys/kernel/mm/transparent_hugepage/enabled", line, sizeof line);
    a = strchr(line, '[');
    b = a ? strchr(a, ']') : NULL;
    if (!a || !b) {
        snprintf(buf, len, "unavailable");
        return;
    }
    *b = '\0';
    snprintf(buf, len, "%s", a + 1);
}

static uint64_t mem_available(void)
{
    uint64_t bytes = 0;

    return hb_mem_available(&bytes) == 0 ? bytes : 0;
}

static void cpu_model(char *buf, size_t len)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[256];

    snprintf(buf, len, "unknown");
    if (!f)
        return;
    while (fgets(line, sizeof line, f)) {
        char *c = strchr(line, ':');
        if (!strncmp(line, "model name", 10) && c) {
            c += 1 + strspn(c + 1, " \t");
            c[strcspn(c, "\n")] = '\0';
            snprintf(buf, len, "%s", c);
            break;
        }
    }
    fclose(f);
}

/* `git describe --always --dirty` of the tree the binary was built in (the
 * binary's folder, then the current one). */
static void git_describe(char *buf, size_t len)
{
    char exe[PATH_MAX], cmd[PATH_MAX + 64];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    FILE *p;

    snprintf(buf, len, "unknown");
    exe[n > 0 ? n : 0] = '\0';
    if (n > 0 && strrchr(exe, '/') && !strchr(exe, '\''))
        *strrchr(exe, '/') = '\0';
    else
        snprintf(exe, sizeof exe, ".");
    snprintf(cmd, sizeof cmd, "git -C '%s' describe --always --dirty 2>/dev/null", exe);
    p = popen(cmd, "r");
    if (!p)
        return;
    if (!fgets(buf, (int)len, p) || !buf[0])
        snprintf(buf, len, "unknown");
    buf[strcspn(buf, "\n")] = '\0';
    pclose(p);
}

/* "library_build_type": "debug" from the library's own JSON context. */
static void json_build_type(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "r");
    char line[512];

    snprintf(buf, len, "unknown");
    if (!f)
        return;
    while (fgets(line, sizeof line, f)) {
        char *k = strstr(line, "\"library_build_type\"");
        char *q = k ? strchr(k + 20, '"') : NULL;
        char *e = q ? strchr(q + 1, '"') : NULL;
        if (e) {
            *e = '\0';
            snprintf(buf, len, "%s", q + 1);
            break;
        }
    }
    fclose(f);
}

/* ------------------------------------------------------------------------
 * environment.csv
 * ------------------------------------------------------------------------ */

static void kv(FILE *f, const char *key, const char *value)
{
    hb_tidy_field(f, key);
    fputc(',', f);
    hb_tidy_field(f, value);
    fputc('\n', f);
}

static void kv_num(FILE *f, const char *key, double v)
{
    hb_tidy_field(f, key);
    fputc(',', f);
    hb_tidy_num(f, v);
    fputc('\n', f);
}

static void env_command_line(FILE *f, const struct bench_opts *o)
{
    char buf[4096] = "heapbench";
    size_t n = strlen(buf);

    for (int i = 0; i < o->argc && n < sizeof buf; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, " %s", o->argv[i]);
    kv(f, "command_line", buf);
}

static void env_build(FILE *f, const struct bench_run *r)
{
    char buf[256], ver[32];
    size_t n;

    git_describe(buf, sizeof buf);
    n = strlen(buf);
    kv(f, "heapbench_dirty", n > 6 && !strcmp(buf + n - 6, "-dirty") ? "yes" : "no");
    if (n > 6 && !strcmp(buf + n - 6, "-dirty"))
        buf[n - 6] = '\0';
    kv(f, "heapbench_commit", buf);
    kv(f, "compiler", __VERSION__);
    kv(f, "cflags", HB_CFLAGS);
    kv(f, "cxx_compiler", hb_gb_cxx_compiler());
    kv(f, "libbenchmark_version", hb_gb_library_version(ver, sizeof ver));
    snprintf(buf, sizeof buf, "%s/gbench.json", r->dir);
    json_build_type(buf, ver, sizeof ver);
    kv(f, "libbenchmark_build_type", ver);
    kv(f, "libbenchmark_build_note",
       "the library labels itself by its own NDEBUG: Debian builds libbenchmark "
       "without NDEBUG, so it says debug; heapbench's own code is optimised "
       "(see cflags) and the timed loops run none of the library's asserts");
}

static void env_machine(FILE *f, const struct bench_run *r)
{
    char buf[4 * sizeof(((struct utsname *)0)->release) + 4];
    struct utsname u;

    host_name(buf, sizeof buf);
    kv(f, "host", buf);
    cpu_model(buf, sizeof buf);
    kv(f, "cpu_model", buf);
    if (r->topo)
        hb_topo_describe(r->topo, f);
    else
        kv(f, "topology", "unavailable (hwloc could not load it)");
    if (!uname(&u)) {
        snprintf(buf, sizeof buf, "%s %s %s %s", u.sysname, u.release, u.version, u.machine);
        kv(f, "kernel", buf);
    }
    kv(f, "thp_setting", r->thp);
    kv(f, "thp_used", r->ctx.hugepages ? "yes (MADV_HUGEPAGE on fixtures and the baseline buffer)"
                                       : "no");
    read_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", buf, sizeof buf);
    kv(f, "cpu_governor", buf[0] ? buf : "unavailable");
    kv_num(f, "mem_available_bytes", (double)r->mem_start);
    kv_num(f, "max_table_bytes", (double)r->ctx.max_table_bytes);
    if (r->ctx.mem) {
        char desc[160];
        hb_mem_describe(r->ctx.mem, desc, sizeof desc);
        kv_num(f, "mem_budget_bytes", (double)r->mem.budget);
        kv(f, "mem_budget", desc);
    }
}

static void env_perf(FILE *f, const struct bench_run *r)
{
    char key[64], val[160];

    for (int id = 0; id < HB_PERF_NR; id++) {
        const char *why = hb_perfctr_why(&r->probe, id);
        snprintf(key, sizeof key, "perf_%s", hb_perfctr_name(id));
        if (id == HB_PERF_FAULTS)
            snprintf(val, sizeof val, "available (%s)",
                     *why ? "getrusage" : "perf software counter");
        else if (hb_perfctr_available(&r->probe, id))
            snprintf(val, sizeof val, "available");
        else
            snprintf(val, sizeof val, "unavailable: %s", why);
        kv(f, key, val);
    }
    kv(f, "page_faults_policy",
       "frame tables pre-faulted before timing; faults counted per benchmark "
       "(faults column: per iteration, inside the timed loop)");
}

static void env_run(FILE *f, const struct bench_run *r)
{
    const struct bench_opts *o = r->o;
    double direct = hb_results_median_real_ns(&r->res, "shim/direct_cxx");

    kv(f, "date_utc", r->date);
    env_command_line(f, o);
    kv(f, "profile", o->profile_name);
    kv_num(f, "processes", o->procs);
    kv_num(f, "repetitions", o->reps);
    kv(f, "filter", o->filter ? o->filter : "");
    kv(f, "layout", r->layout ? r->layout->source : "");
    kv(f, "pinning", r->pinning);
    kv(f, "timing", "real_ns: wall clock per iteration (threads: wall time / all "
                    "threads' iterations); cpu_ns: CPU time of all threads per iteration");
    kv_num(f, "shim_overhead_c_batch_ns",
           hb_results_median_real_ns(&r->res, "shim/c_batch") - direct);
    kv_num(f, "shim_overhead_c_single_ns",
           hb_results_median_real_ns(&r->res, "shim/c_single") - direct);
}

static int write_environment(struct bench_run *r)
{
    char path[PATH_MAX];
    FILE *f;
    int rc;

    snprintf(path, sizeof path, "%s/environment.csv", r->dir);
    f = fopen(path, "w");
    if (!f)
        return -errno;
    errno = 0;
    fputs("key,value\n", f);
    env_machine(f, r);
    env_build(f, r);
    env_perf(f, r);
    env_run(f, r);
    rc = ferror(f) ? (errno ? -errno : -EIO) : 0;
    if (fclose(f) && !rc)
        rc = -errno;
    return rc;
}

/* ------------------------------------------------------------------------
 * The tidy CSVs
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

/* ------------------------------------------------------------------------
 * The plan and its progress
 * ------------------------------------------------------------------------ */

/* The families, in the order they run, with what one repetition of one of
 * their benchmarks took on a quiet 2-core VM (seconds, per profile: quick,
 * default, full), set-up included: the ETA's first guess, until the run
 * has measured better (progress_eta).  Quick and default measured on
 * 2026-12-02 (commit 68ea5ba: 38 s and 6 min 33 s); full scaled from the
 * default by the busy-VM priors' ratio.  A busy machine runs 3-5x slower:
 * the first guess is then low, and the re-estimate catches up within the
 * first tenth of the run. */
static const struct family_def {
    const char *name;
    void (*reg)(const struct hb_bench_ctx *ctx);
    double prior_s[3];
} families[] = {
    { "baseline", hb_family_baseline_register, { 0.031, 0.075, 0.23 } },
    { "shim", hb_family_shim_register, { 0.02, 0.083, 0.26 } },
    { "init", hb_family_init_register, { 0.027, 0.118, 0.36 } },
    { "free", hb_family_free_register, { 0.013, 0.0073, 0.024 } },
    { "state", hb_family_state_register, { 0.037, 0.094, 0.27 } },
};

#define NR_FAMILIES (sizeof families / sizeof families[0])

static int family_index(const char *name)
{
    size_t n = strcspn(name, "/");

    for (size_t f = 0; f < NR_FAMILIES; f++)
        if (strlen(families[f].name) == n && !strncmp(name, families[f].name, n))
            return (int)f;
    return -1;
}

static void plan_add(const char *name, void *arg)
{
    struct bench_run *r = arg;
    struct plan_bench *b;

    if (r->nb == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 256;
        b = realloc(r->b, cap * sizeof *b);
        if (!b) {
            r->add_err = -ENOMEM;
            return;
        }
        r->b = b;
        r->cap = cap;
    }
    b = &r->b[r->nb];
    *b = (struct plan_bench){ .name = strdup(name), .family = family_index(name) };
    if (!b->name) {
        r->add_err = -ENOMEM;
        return;
    }
    r->nb++;
    if (b->family >= 0)
        r->per_family[b->family]++;
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

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void fmt_duration(char *buf, size_t len, double s)
{
    if (!isfinite(s) || s < 0)
        s = 0;
    if (s < 90)
        snprintf(buf, len, "%.0f s", s);
    else
        snprintf(buf, len, "%.0f min %02.0f s", floor(s / 60), fmod(floor(s), 60));
}

/*
 * Seconds left: every benchmark still to run in some process costs what it
 * took on average in the processes that ran it, else its family's prior scaled
 * by how the run's measured benchmarks compare with their priors (the
 * family's own if it has any, else the whole run's).
 */
static double progress_eta(const struct bench_run *r)
{
    double seen[NR_FAMILIES] = { 0 }, prior[NR_FAMILIES] = { 0 }, all_s = 0, all_p = 0;
    size_t nseen[NR_FAMILIES] = { 0 };
    double left = 0;
    double reps = r->o->reps;
    enum hb_profile pr = r->o->profile;
    int procs = r->o->procs;

    for (size_t i = 0; i < r->nb; i++) {
        const struct plan_bench *b = &r->b[i];
        if (b->family < 0 || !b->procs_done)
            continue;
        seen[b->family] += b->seen_s / b->procs_done;
        nseen[b->family]++;
        prior[b->family] += families[b->family].prior_s[pr] * reps;
    }
    for (size_t f = 0; f < NR_FAMILIES; f++)
        all_s += seen[f], all_p += prior[f];
    for (size_t i = 0; i < r->nb; i++) {
        const struct plan_bench *b = &r->b[i];
        int f = b->family < 0 ? 0 : b->family;
        /* A chunk's first benchmark carries the process's set-up (its
         * fixtures): a family's own scale waits for a tenth of it. */
        bool own = nseen[f] >= 5 && nseen[f] * 10 >= r->per_family[f];
        double scale = own && prior[f] > 0 ? seen[f] / prior[f]
                       : all_p > 0 ? all_s / all_p : 1;
        double each = b->procs_done ? b->seen_s / b->procs_done
                                    : families[f].prior_s[pr] * reps * scale;
        left += each * (procs - b->procs_done);
    }
    return left;
}

/* A name cut to fit a line: its tail, which holds the parameters. */
static const char *short_name(const char *name, size_t max)
{
    size_t n = strlen(name);

    return n > max ? name + n - max : name;
}

static void progress(struct bench_run *r, const char *name, bool chunk_end)
{
    char el[32], left[32], line[256];
    double t = seconds_since(&r->t0), eta = progress_eta(r);
    long total = (long)r->nb * r->o->procs;

    fmt_duration(el, sizeof el, t);
    fmt_duration(left, sizeof left, eta);
    if (r->log)
        fprintf(r->log, "%.1f %ld %ld %.1f\n", t, r->done, total, eta);
    if (r->tty) {
        snprintf(line, sizeof line, "[%ld/%ld] %s p%ld/%d %s, %s left", r->done, total,
                 families[r->chunk_family].name, r->chunk_proc + 1, r->o->procs,
                 short_name(name, 44), left);
        printf("\r\033[K%.*s", r->cols > 20 ? r->cols - 1 : 79, line);
        fflush(stdout);
        return;
    }
    if (!chunk_end && t - r->last_line < 30)
        return;
    r->last_line = t;
    if (chunk_end)
        printf("[%ld/%ld] %s: process %ld/%d done; %s elapsed, about %s left\n", r->done,
               total, families[r->chunk_family].name, r->chunk_proc + 1, r->o->procs, el,
               left);
    else
        printf("[%ld/%ld] %s: process %ld/%d at %s; %s elapsed, about %s left\n", r->done,
               total, families[r->chunk_family].name, r->chunk_proc + 1, r->o->procs,
               short_name(name, 40), el, left);
    fflush(stdout);
}

/* ------------------------------------------------------------------------
 * Runs through the pipe: the child writes one line per repetition, the
 * parent parses it back (fields separated by 0x1f, which no name holds)
 * ------------------------------------------------------------------------ */

#define SEP '\x1f'

static void put_text(FILE *f, const char *s)
{
    for (; s && *s; s++)
        fputc(*s == '\n' || *s == '\r' || *s == SEP ? ' ' : *s, f);
}

static void on_run_child(const struct hb_gb_run *run, void *arg)
{
    FILE *f = arg;

    put_text(f, run->name);
    fprintf(f, "%c%ld%c%ld%c%llu%c%d%c%.17g%c%.17g%c%d%c", SEP, run->repetition, SEP,
            run->repetitions, SEP, (unsigned long long)run->iterations, SEP, run->threads,
            SEP, run->real_ns, SEP, run->cpu_ns, SEP, run->error, SEP);
    put_text(f, run->error ? run->error_message : "");
    fputc(SEP, f);
    put_text(f, run->label);
    fprintf(f, "%c%d%c%zu", SEP, run->last, SEP, run->nr_counters);
    for (size_t i = 0; i < run->nr_counters; i++) {
        fputc(SEP, f);
        put_text(f, run->counters[i].name);
        fprintf(f, "%c%.17g", SEP, run->counters[i].value);
    }
    fputc('\n', f);
    fflush(f);
}

/* Split line in place at SEP; returns the number of fields. */
static size_t split_fields(char *line, char **fld, size_t max)
{
    size_t n = 0;

    line[strcspn(line, "\n")] = '\0';
    for (char *p = line; n < max; p++) {
        fld[n++] = p;
        p = strchr(p, SEP);
        if (!p)
            break;
        *p = '\0';
    }
    return n;
}

#define MAX_COUNTERS 32

static int parse_run(char *line, struct hb_gb_run *run, struct hb_gb_counter_value *cv)
{
    char *f[12 + 2 * MAX_COUNTERS];
    size_t n = split_fields(line, f, sizeof f / sizeof f[0]), nc;

    if (n < 12)
        return -EINVAL;
    nc = strtoul(f[11], NULL, 10);
    if (nc > MAX_COUNTERS || n != 12 + 2 * nc)
        return -EINVAL;
    *run = (struct hb_gb_run){
        .name = f[0], .repetition = strtol(f[1], NULL, 10),
        .repetitions = strtol(f[2], NULL, 10), .iterations = strtoull(f[3], NULL, 10),
        .threads = (int)strtol(f[4], NULL, 10), .real_ns = strtod(f[5], NULL),
        .cpu_ns = strtod(f[6], NULL), .error = f[7][0] == '1', .error_message = f[8],
        .label = f[9], .last = f[10][0] == '1', .counters = cv, .nr_counters = nc,
    };
    for (size_t i = 0; i < nc; i++)
        cv[i] = (struct hb_gb_counter_value){ f[12 + 2 * i], strtod(f[13 + 2 * i], NULL) };
    return 0;
}

/* One repetition back from the child: into the results; a benchmark's last
 * repetition also moves the progress on. */
static void take_line(struct bench_run *r, char *line)
{
    struct hb_gb_run run;
    struct hb_gb_counter_value cv[MAX_COUNTERS];
    struct plan_bench *b;
    int rc;

    if (parse_run(line, &run, cv)) {
        if (!r->add_err)
            r->add_err = -EPROTO;
        return;
    }
    run.process = r->chunk_proc;
    rc = hb_results_add(&r->res, &run);
    if (rc && !r->add_err)
        r->add_err = rc;
    if (!run.last)
        return;
    double now = seconds_since(&r->t0);
    b = plan_find(r, run.name);
    if (b) {
        b->seen_s += now - r->bench_t0;
        b->procs_done++;
        if (run.error && b->procs_done == 1)   /* once, with its reason */
            printf("%sskipped %s: %s\n", r->tty ? "\r\033[K" : "", run.name,
                   run.error_message ? run.error_message : "");
    }
    r->bench_t0 = now;
    r->done++;
    progress(r, run.name, false);
}

/* ------------------------------------------------------------------------
 * The measuring child: one family in one process
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

static void register_families(const struct hb_bench_ctx *ctx)
{
    for (size_t i = 0; i < NR_FAMILIES; i++)
        families[i].reg(ctx);
}

/* google-benchmark flags: ours first, so that the user's (after --) win. */
static char **gb_flags(const struct bench_opts *o, int *argc)
{
    char **v = calloc((size_t)o->gb_argc + 5, sizeof *v);
    int n = 0;

    if (!v)
        return NULL;
    v[n++] = "heapbench";
    if (asprintf(&v[n++], "--benchmark_repetitions=%d", o->reps) < 0)
        return NULL;
    if (o->filter && asprintf(&v[n++], "--benchmark_filter=%s", o->filter) < 0)
        return NULL;
    if (asprintf(&v[n++], "--benchmark_min_time=%s", profile_min_time[o->profile]) < 0)
        return NULL;
    for (int i = 0; i < o->gb_argc; i++)
        v[n++] = o->gb_argv[i];
    *argc = n;
    return v;
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

/* The library does not report a failed write of its JSON (a full disk):
 * a complete file ends with the closing brace. */
static bool json_complete(const char *path)
{
    FILE *f = fopen(path, "r");
    long at;
    int c = EOF;

    if (!f)
        return false;
    for (at = -1; fseek(f, at, SEEK_END) == 0 && at > -16; at--)
        if ((c = fgetc(f)) != '\n' && c != ' ')
            break;
    fclose(f);
    return c == '}';
}

static void chunk_json(const struct bench_run *r, long k, char *buf, size_t len)
{
    snprintf(buf, len, "%s/.gbench-%03ld.json", r->dir, k);
}

static int child_main(struct bench_run *r, int fam, long k, int fd)
{
    char json[PATH_MAX], console[PATH_MAX], bad[256] = "";
    struct hb_gb_suite s;
    FILE *out = fdopen(fd, "w");
    long n;

    if (!out)
        return HB_EXIT_FAIL;
    hb_gb_clear();
    families[fam].reg(&r->ctx);
    chunk_json(r, k, json, sizeof json);
    snprintf(console, sizeof console, "%s/console.log", r->dir);
    s = (struct hb_gb_suite){ .json_path = json, .on_run = on_run_child, .arg = out,
                              .console_path = console, .console_echo = r->o->verbose };
    s.argv = gb_flags(r->o, &s.argc);
    if (!s.argv) {
        hb_err("out of memory");
        return HB_EXIT_FAIL;
    }
    n = hb_gb_run_suite(&s, bad, sizeof bad);
    if (n < 0) {
        hb_err("google-benchmark could not run: %s", *bad ? bad : strerror((int)-n));
        return HB_EXIT_FAIL;
    }
    if (n > 0 && !json_complete(json)) {
        struct statvfs v;
        bool full = !statvfs(r->dir, &v) && (uint64_t)v.f_bavail * v.f_frsize < (64 << 10);
        hb_err("cannot write the results into %s: gbench.json is incomplete (%s)", r->dir,
               full ? strerror(ENOSPC) : "disk full?");
        return HB_EXIT_FAIL;
    }
    return fclose(out) ? HB_EXIT_FAIL : HB_EXIT_OK;
}

/* ------------------------------------------------------------------------
 * The waiting parent
 * ------------------------------------------------------------------------ */

static void on_signal(int sig)
{
    caught_signal = sig;
    if (child_pid > 0)
        kill(child_pid, sig);
}

static void catch_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* The child takes signals as they come (and dies with its parent). */
static void child_signals(pid_t parent, const sigset_t *old)
{
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent)
        _exit(HB_EXIT_FAIL);
    sigprocmask(SIG_SETMASK, old, NULL);
}

/* Exit status of the child as ours: its code, or 128 + its signal. */
static int wait_child(pid_t pid)
{
    int status;

    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return HB_EXIT_FAIL;
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return 128 + WTERMSIG(status);
}

/* Everything the child sends, until it closes the pipe. */
static void read_child(struct bench_run *r, int fd)
{
    FILE *in = fdopen(fd, "r");
    char *line = NULL;
    size_t cap = 0;

    if (!in) {
        close(fd);
        return;
    }
    for (;;) {
        errno = 0;
        if (getline(&line, &cap, in) >= 0) {
            take_line(r, line);
            continue;
        }
        if (errno == EINTR) {      /* a signal: passed on; keep reading */
            clearerr(in);
            continue;
        }
        break;
    }
    free(line);
    fclose(in);
}

/* Family fam in a fresh process, the k-th chunk of the run. */
static int run_chunk(struct bench_run *r, int fam, long proc, long k)
{
    sigset_t block, old;
    pid_t parent = getpid(), pid;
    int fd[2], rc;

    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigprocmask(SIG_BLOCK, &block, &old);
    if (caught_signal) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        return 128 + caught_signal;
    }
    if (pipe(fd)) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        hb_err("cannot make a pipe: %s", strerror(errno));
        return HB_EXIT_FAIL;
    }
    fflush(NULL);
    pid = fork();
    if (pid == 0) {
        close(fd[0]);
        child_signals(parent, &old);
        rc = child_main(r, fam, k, fd[1]);
        fflush(NULL);
        _exit(rc);
    }
    close(fd[1]);
    if (pid < 0) {
        close(fd[0]);
        sigprocmask(SIG_SETMASK, &old, NULL);
        hb_err("cannot fork: %s", strerror(errno));
        return HB_EXIT_FAIL;
    }
    child_pid = pid;
    r->chunk_family = fam;
    r->chunk_proc = proc;
    r->bench_t0 = seconds_since(&r->t0);
    sigprocmask(SIG_SETMASK, &old, NULL);
    read_child(r, fd[0]);
    rc = wait_child(pid);
    child_pid = 0;
    if (caught_signal && !rc)
        rc = 128 + caught_signal;
    if (!rc)
        progress(r, "", true);
    return rc;
}

/* ------------------------------------------------------------------------
 * Putting the chunks together
 * ------------------------------------------------------------------------ */

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "r");
    char *buf = NULL;
    size_t cap = 0, n = 0, got;

    if (!f)
        return NULL;
    do {
        if (n + 4096 > cap) {
            char *p = realloc(buf, cap = cap * 2 + 8192);
            if (!p) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = p;
        }
        got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
    } while (got);
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* The array's contents: after '"benchmarks": [' up to its closing ']'. */
static bool json_items(char *text, char **from, char **to)
{
    char *a = strstr(text, "\"benchmarks\": [");
    char *z = strrchr(text, ']');

    if (!a || !z || z < a)
        return false;
    *from = a + strlen("\"benchmarks\": [");
    *to = z;
    return true;
}

/* gbench.json: the first chunk's context, every chunk's benchmarks. */
static int merge_json(struct bench_run *r, long chunks)
{
    char path[PATH_MAX];
    FILE *out;
    bool first = true, head = false;
    int rc = 0;

    snprintf(path, sizeof path, "%s/gbench.json", r->dir);
    out = fopen(path, "w");
    if (!out)
        return -errno;
    for (long k = 0; k < chunks && !rc; k++) {
        char cpath[PATH_MAX], *text, *a, *z;
        size_t len;

        chunk_json(r, k, cpath, sizeof cpath);
        text = slurp(cpath, &len);
        if (!text)
            continue;      /* a family the filter left empty */
        if (json_items(text, &a, &z)) {
            while (a < z && (*a == '\n' || *a == ' '))
                a++;
            while (z > a && (z[-1] == '\n' || z[-1] == ' '))
                z--;
            if (!head)
                fwrite(text, 1, (size_t)(a - text), out), head = true;
            if (z > a) {
                fputs(first ? "" : ",\n    ", out);
                fwrite(a, 1, (size_t)(z - a), out);
                first = false;
            }
        }
        free(text);
        unlink(cpath);
    }
    if (!head)
        fputs("{\n  \"benchmarks\": [", out);
    fputs("\n  ]\n}\n", out);
    rc = ferror(out) ? -EIO : 0;
    if (fclose(out) && !rc)
        rc = -errno;
    return rc;
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

/* ------------------------------------------------------------------------
 * The run
 * ------------------------------------------------------------------------ */

static int plan_run(struct bench_run *r)
{
    char bad[256] = "";
    struct hb_gb_suite s = { 0 };
    long n;

    register_families(&r->ctx);
    s.argv = gb_flags(r->o, &s.argc);
    if (!s.argv) {
        hb_err("out of memory");
        return HB_EXIT_FAIL;
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

static int run_chunks(struct bench_run *r)
{
    long k = 0;
    int rc = 0;

    printf("heapbench bench: profile %s, %zu benchmarks x %d processes x %d repetitions; "
           "about %.0f min\n",
           r->o->profile_name, r->nb, r->o->procs, r->o->reps, ceil(progress_eta(r) / 60));
    fflush(stdout);
    clock_gettime(CLOCK_MONOTONIC, &r->t0);
    for (size_t f = 0; f < NR_FAMILIES && !rc; f++) {
        if (!r->per_family[f])
            continue;
        for (long p = 0; p < r->o->procs && !rc; p++)
            rc = run_chunk(r, (int)f, p, k++);
    }
    if (r->tty)
        putchar('\n');
    r->chunks = k;
    return rc;
}

static int write_results(struct bench_run *r)
{
    int rc = r->add_err;

    if (!rc)
        rc = merge_json(r, r->chunks);
    if (!rc)
        rc = write_tables(r);
    if (!rc)
        rc = write_environment(r);
    if (!rc)
        write_topology(r->dir);  /* a record, not a result: best effort */
    if (rc)
        hb_err("cannot write the results into %s: %s", r->dir,
               rc == -EPROTO ? "a measuring process sent a garbled line" : strerror(-rc));
    return rc ? HB_EXIT_FAIL : 0;
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
    fmt_duration(wall, sizeof wall, seconds_since(&r->t0));
    printf("done: %zu benchmarks run in %d processes x %d repetitions, %zu skipped%s; "
           "wall time %s\n",
           ran - (r->res.nr_skips < ran ? r->res.nr_skips : ran), r->o->procs, r->o->reps,
           r->res.nr_skips, r->res.nr_skips ? " (skipped.csv)" : "", wall);
    printf("results: %s\n", final);
}

/* ------------------------------------------------------------------------
 * The command
 * ------------------------------------------------------------------------ */

static int prepare(struct bench_run *r, struct hb_layout *l, char *tmp, size_t len,
                   char *stamp, size_t slen)
{
    const struct bench_opts *o = r->o;
    char err[256] = "", host[64];
    time_t now = time(NULL);
    struct tm tm;
    int rc;

    rc = hb_layout_load(&o->lopts, l, err, sizeof err);
    if (rc) {
        hb_err("%s", err);
        return HB_EXIT_USAGE;
    }
    r->layout = l;
    gmtime_r(&now, &tm);
    strftime(stamp, slen, "%Y%m%dT%H%M%SZ", &tm);
    strftime(r->date, sizeof r->date, "%Y-%m-%dT%H:%M:%SZ", &tm);
    host_name(host, sizeof host);
    snprintf(tmp, len, "%s/.tmp-%s-%s-%ld", o->out, stamp, host, (long)getpid());
    r->made_out = access(o->out, F_OK) != 0;
    if (mkdir_p(o->out) || mkdir(tmp, 0777)) {
        if (r->made_out)
            rmdir(o->out);
        hb_err("--out: cannot write there: %s", o->out);
        return HB_EXIT_USAGE;
    }
    r->dir = tmp;
    return 0;
}

static void make_ctx(struct bench_run *r)
{
    thp_setting(r->thp, sizeof r->thp);
    r->topo = hb_topo_open();
    r->ctx.profile = r->o->profile;
    r->ctx.layout = r->layout;
    r->ctx.topo = r->topo;
    /* Room for the baseline buffer and the rest of the system. */
    r->mem_start = mem_available();
    r->ctx.max_table_bytes = r->mem_start / 4 * 3;
    if (hb_mem_init(&r->mem, "", r->o->mem_budget) == 0)
        r->ctx.mem = &r->mem;
    r->ctx.hugepages = strcmp(r->thp, "never") && strcmp(r->thp, "unavailable");
}

int hb_cmd_bench(int argc, char **argv)
{
    struct bench_opts o;
    struct bench_run r;
    struct hb_layout layout;
    char tmp[PATH_MAX], final[PATH_MAX], stamp[32];
    int rc = parse_opts(&o, argc, argv);

    if (rc > 0) {
        usage(stdout);
        return HB_EXIT_OK;
    }
    if (rc < 0)
        return HB_EXIT_USAGE;
    memset(&r, 0, sizeof r);
    memset(&layout, 0, sizeof layout);
    r.o = &o;
    /* From here a SIGINT or SIGTERM only sets caught_signal: the folder
     * prepare makes is removed below, not left behind by a sudden death. */
    catch_signals();
    rc = prepare(&r, &layout, tmp, sizeof tmp, stamp, sizeof stamp);
    if (rc) {
        if (r.layout)
            hb_layout_free(&layout);
        return rc;
    }
    make_ctx(&r);
    rc = measure(&r);
    if (!rc && (rc = publish(tmp, o.out, stamp, final, sizeof final))) {
        hb_err("cannot rename %s into place: %s", tmp, strerror(-rc));
        rc = HB_EXIT_FAIL;
    }
    if (rc) {
        remove_tree(tmp);
        if (r.made_out)
            rmdir(o.out);     /* only if empty: it held nothing before */
    } else
        print_summary(&r, final);
    for (size_t i = 0; i < r.nb; i++)
        free(r.b[i].name);
    free(r.b);
    hb_results_free(&r.res);
    if (r.topo)
        hb_topo_close(r.topo);
    hb_layout_free(&layout);
    return rc;
}
