/*
 * cmd_bench.c - `heapbench bench`: run the benchmark suite into a results
 * folder.
 *
 *   heapbench bench [--profile quick|default|full] [--filter REGEX]
 *                   [--out DIR] [--repetitions N] [layout options]
 *                   [-- google-benchmark flags]
 *
 * The results go to <out>/<UTC YYYYmmddTHHMMSSZ>-<host>/, written under
 * <out>/.tmp-... and renamed into place only when complete:
 *   gbench.json           Google Benchmark's JSON, untouched
 *   <family>.csv          one row per repetition per benchmark (bench/tidy.h)
 *   <family>_summary.csv  one row per benchmark: median, min, max, quartiles
 *   skipped.txt           benchmarks that could not run here, and why (only
 *                         if there are any)
 *   environment.csv       key,value: the machine, the build, the run
 *
 * Interrupting a run must leave no half-written folder, whatever the
 * benchmark is doing at the time, and Google Benchmark cannot be stopped
 * cooperatively.  So the process forks: the child measures and writes into
 * the temporary folder; the parent waits, forwards SIGINT/SIGTERM to the
 * child, and either renames the folder (child succeeded) or removes it.
 * The two globals below are what the signal handler needs to do that.
 */
#define _GNU_SOURCE
#include "bench/cli.h"
#include "bench/gbench.h"
#include "bench/harness.h"
#include "bench/layout.h"
#include "bench/perfctr.h"
#include "bench/tidy.h"
#include "bench/topo.h"

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
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef HB_CFLAGS
#define HB_CFLAGS "unknown"
#endif

/* Signal handling: the signal caught (0: none) and the child to pass it to. */
static volatile sig_atomic_t caught_signal;
static volatile pid_t child_pid;

#define HB_MIN_TIME_QUICK "0.05"

struct bench_opts {
    enum hb_profile profile;
    const char *profile_name;
    const char *filter;
    const char *out;
    int reps;
    struct hb_layout_opts lopts;
    int gb_argc;              /* after "--" */
    char **gb_argv;
    int argc;                 /* the whole command line, for the record */
    char **argv;
};

/* What the measuring child keeps. */
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
    long total, done;
    struct timespec t0;
    char family[48];
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

static int parse_reps(struct bench_opts *o, const char *v)
{
    uint64_t n;

    /* Digits only: strtol would take " 5" or "+5". */
    if (!*v || v[strspn(v, "0123456789")] || hb_parse_u64(v, &n) || n < 1 ||
        n > 1000) {
        hb_err("--repetitions: expected a whole number from 1 to 1000: %s", v);
        return -1;
    }
    o->reps = (int)n;
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
            "                       [--out DIR] [--repetitions N]\n"
            "                       [--topology T] [--memmap FILE] [--mem SIZE]\n"
            "                       [-- google-benchmark flags]\n"
            "Defaults: --profile default, --repetitions 5 (quick: 3), --out results\n");
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
        return rc < 0 ? -1 : parse_reps(o, v);
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
        o->reps = o->profile == HB_PROFILE_QUICK ? 3 : 5;
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
    if (gethostname(buf, len) || !buf[0])
        snprintf(buf, len, "unknown");
    buf[len - 1] = '\0';
    for (char *p = buf; *p; p++)
        if (*p == '/' || *p == ' ')
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
    FILE *f = fopen("/proc/meminfo", "r");
    char line[128];
    unsigned long long kb = 0;

    if (!f)
        return 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
            break;
    fclose(f);
    return (uint64_t)kb * 1024;
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
    kv_num(f, "mem_available_bytes", (double)mem_available());
    kv_num(f, "max_table_bytes", (double)r->ctx.max_table_bytes);
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
        rc = write_file(r->dir, "skipped", ".txt", &r->res, write_skipped);
    return rc;
}

/* ------------------------------------------------------------------------
 * Progress
 * ------------------------------------------------------------------------ */

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void fmt_duration(char *buf, size_t len, double s)
{
    if (s < 90)
        snprintf(buf, len, "%.0f s", s);
    else
        snprintf(buf, len, "%.0f min %02.0f s", floor(s / 60), fmod(s, 60));
}

static void progress(struct bench_run *r, const struct hb_gb_run *run)
{
    struct hb_name n;
    char el[32], left[32];
    double t = seconds_since(&r->t0);

    if (hb_name_parse(run->name, &n))
        snprintf(n.family, sizeof n.family, "?");
    r->done++;
    fmt_duration(el, sizeof el, t);
    fmt_duration(left, sizeof left, t / (double)r->done * (double)(r->total - r->done));
    printf("[%ld/%ld] %s: %s%s%s; %s elapsed, about %s left\n", r->done, r->total,
           n.family, run->name, run->error ? " SKIPPED: " : " done",
           run->error ? run->error_message : "", el, r->done < r->total ? left : "0 s");
    fflush(stdout);
}

/* Google Benchmark reports a benchmark when all its repetitions are done;
 * a family header goes before the family's first benchmark. */
static void on_run(const struct hb_gb_run *run, void *arg)
{
    struct bench_run *r = arg;
    struct hb_name n;
    int rc = hb_results_add(&r->res, run);

    if (rc && !r->add_err)
        r->add_err = rc;
    if (!hb_name_parse(run->name, &n) && strcmp(n.family, r->family)) {
        snprintf(r->family, sizeof r->family, "%s", n.family);
        printf("== family %s ==\n", n.family);
    }
    if (run->last)
        progress(r, run);
}

/* ------------------------------------------------------------------------
 * The measuring child
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
    void (*const fns[])(const struct hb_bench_ctx *) = {
        hb_family_baseline_register, hb_family_shim_register, hb_family_init_register,
        hb_family_free_register, hb_family_state_register,
    };

    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
        fns[i](ctx);
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
    if (o->profile == HB_PROFILE_QUICK)
        v[n++] = "--benchmark_min_time=" HB_MIN_TIME_QUICK;
    for (int i = 0; i < o->gb_argc; i++)
        v[n++] = o->gb_argv[i];
    *argc = n;
    return v;
}

/* The library explains a bad flag on stderr before we do; one line is
 * ours to print, so its explanation goes to /dev/null while counting. */
static long count_quietly(struct hb_gb_suite *s, char *bad, size_t len)
{
    int saved = dup(STDERR_FILENO), null = open("/dev/null", O_WRONLY);
    long n;

    fflush(stderr);
    if (saved >= 0 && null >= 0)
        dup2(null, STDERR_FILENO);
    n = hb_gb_count(s, bad, len);
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

static int run_suite(struct bench_run *r, struct hb_gb_suite *s)
{
    char bad[256] = "";
    long n;

    r->total = count_quietly(s, bad, sizeof bad);
    if (r->total == -EINVAL) {
        hb_err("unknown google-benchmark flag: %s", bad);
        return HB_EXIT_USAGE;
    }
    if (r->total <= 0) {
        hb_err("--filter: matches no benchmark: %s", r->o->filter ? r->o->filter : "");
        return HB_EXIT_USAGE;
    }
    printf("heapbench bench: profile %s, %ld benchmarks x %d repetitions\n"
           "note: libbenchmark calls itself a DEBUG build because Debian builds it "
           "without NDEBUG; heapbench's code is optimised (environment.csv)\n",
           r->o->profile_name, r->total, r->o->reps);
    fflush(stdout);
    clock_gettime(CLOCK_MONOTONIC, &r->t0);
    n = hb_gb_run_suite(s, bad, sizeof bad);
    if (n < 0) {
        hb_err("google-benchmark could not run: %s", bad);
        return HB_EXIT_FAIL;
    }
    if (!json_complete(s->json_path)) {
        hb_err("cannot write the results into %s: gbench.json is incomplete "
               "(disk full?)", r->dir);
        return HB_EXIT_FAIL;
    }
    return HB_EXIT_OK;
}

static int child_main(struct bench_run *r)
{
    char json[PATH_MAX];
    struct hb_gb_suite s;
    int rc;

    pin_benchmark_thread(r);
    hb_perfctr_open(&r->probe, false);
    hb_perfctr_close(&r->probe);
    register_families(&r->ctx);
    snprintf(json, sizeof json, "%s/gbench.json", r->dir);
    s = (struct hb_gb_suite){ .json_path = json, .on_run = on_run, .arg = r };
    s.argv = gb_flags(r->o, &s.argc);
    if (!s.argv) {
        hb_err("out of memory");
        return HB_EXIT_FAIL;
    }
    rc = run_suite(r, &s);
    if (rc)
        return rc;
    if (r->add_err || (rc = write_tables(r)) || (rc = write_environment(r))) {
        hb_err("cannot write the results into %s: %s", r->dir,
               strerror(r->add_err ? -r->add_err : -rc));
        return HB_EXIT_FAIL;
    }
    hb_results_free(&r->res);
    return HB_EXIT_OK;
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

static int fork_and_wait(struct bench_run *r)
{
    sigset_t block, old;
    pid_t parent = getpid(), pid;
    int rc;

    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigprocmask(SIG_BLOCK, &block, &old);
    if (caught_signal) {        /* while preparing: nothing to measure */
        sigprocmask(SIG_SETMASK, &old, NULL);
        return 128 + caught_signal;
    }
    fflush(NULL);
    pid = fork();
    if (pid == 0) {
        child_signals(parent, &old);
        rc = child_main(r);
        fflush(NULL);
        _exit(rc);
    }
    if (pid < 0) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        hb_err("cannot fork: %s", strerror(errno));
        return HB_EXIT_FAIL;
    }
    child_pid = pid;
    sigprocmask(SIG_SETMASK, &old, NULL);
    rc = wait_child(pid);
    if (caught_signal && !rc)
        rc = 128 + caught_signal;
    return rc;
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
    r->ctx.max_table_bytes = mem_available() / 4 * 3;
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
    rc = fork_and_wait(&r);
    if (!rc && (rc = publish(tmp, o.out, stamp, final, sizeof final))) {
        hb_err("cannot rename %s into place: %s", tmp, strerror(-rc));
        rc = HB_EXIT_FAIL;
    }
    if (rc) {
        remove_tree(tmp);
        if (r.made_out)
            rmdir(o.out);     /* only if empty: it held nothing before */
    } else
        printf("results: %s\n", final);
    if (r.topo)
        hb_topo_close(r.topo);
    hb_layout_free(&layout);
    return rc;
}
