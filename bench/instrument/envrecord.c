/*
 * envrecord.c - environment.csv: the machine, the build and the run
 * (envrecord.h).  The keys and their order are the record's format:
 * readers (compare, plots) look them up by name, and a new key goes at the
 * end of its section.
 */
#define _GNU_SOURCE
#include "bench/instrument/envrecord.h"

#include "bench/instrument/membudget.h"
#include "bench/instrument/perfctr.h"
#include "bench/instrument/tidy.h"
#include "bench/instrument/topo.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

/* The flags the measured code was built with (the Makefile sets them). */
#ifndef HB_CFLAGS
#define HB_CFLAGS "unknown"
#endif

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

void hb_env_host(char *buf, size_t len)
{
    if (gethostname(buf, len) || !buf[0] || !strcmp(buf, "(none)"))
        snprintf(buf, len, "unknown");
    buf[len - 1] = '\0';
    /* Only what a shell never needs to quote. */
    for (char *p = buf; *p; p++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", *p))
            *p = '_';
}

/* The bracketed choice of a sysfs list: "always [madvise] never". */
void hb_env_thp(char *buf, size_t len)
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

/* The first value pick finds in a line of path (pick ends it in place),
 * else "unknown". */
static void first_value(const char *path, char *(*pick)(char *line), char *buf, size_t len)
{
    FILE *f = path ? fopen(path, "r") : NULL;
    char line[512], *v = NULL;

    snprintf(buf, len, "unknown");
    if (!f)
        return;
    while (!v && fgets(line, sizeof line, f))
        v = pick(line);
    if (v)
        snprintf(buf, len, "%s", v);
    fclose(f);
}

/* /proc/cpuinfo: "model name\t: Intel(R) ...". */
static char *model_name(char *line)
{
    char *c = strchr(line, ':');

    if (strncmp(line, "model name", 10) || !c)
        return NULL;
    c += 1 + strspn(c + 1, " \t");
    c[strcspn(c, "\n")] = '\0';
    return c;
}

/* "library_build_type": "debug" from the library's own JSON context. */
static char *build_type(char *line)
{
    char *k = strstr(line, "\"library_build_type\"");
    char *q = k ? strchr(k + 20, '"') : NULL;
    char *e = q ? strchr(q + 1, '"') : NULL;

    if (!e)
        return NULL;
    *e = '\0';
    return q + 1;
}

/* ------------------------------------------------------------------------
 * The sections of the record
 * ------------------------------------------------------------------------ */

static void kv(FILE *f, const char *key, const char *value)
{
    hb_tidy_field(f, key);
    fputc(',', f);
    hb_tidy_field(f, value ? value : "");
    fputc('\n', f);
}

static void kv_num(FILE *f, const char *key, double v)
{
    hb_tidy_field(f, key);
    fputc(',', f);
    hb_tidy_num(f, v);
    fputc('\n', f);
}

static void env_memory(FILE *f, const struct hb_env *e)
{
    char desc[160];

    kv_num(f, "mem_available_bytes", (double)e->mem_available);
    kv_num(f, "max_table_bytes", (double)e->max_table_bytes);
    if (!e->mem)
        return;
    hb_mem_describe(e->mem, desc, sizeof desc);
    kv_num(f, "mem_budget_bytes", (double)e->mem->budget);
    kv(f, "mem_budget", desc);
}

static void env_machine(FILE *f, const struct hb_env *e)
{
    char buf[4 * sizeof(((struct utsname *)0)->release) + 4];
    struct utsname u;

    hb_env_host(buf, sizeof buf);
    kv(f, "host", buf);
    first_value("/proc/cpuinfo", model_name, buf, sizeof buf);
    kv(f, "cpu_model", buf);
    if (e->topo)
        hb_topo_describe(e->topo, f);
    else
        kv(f, "topology", "unavailable (hwloc could not load it)");
    if (!uname(&u)) {
        snprintf(buf, sizeof buf, "%s %s %s %s", u.sysname, u.release, u.version, u.machine);
        kv(f, "kernel", buf);
    }
    kv(f, "thp_setting", e->thp_setting);
    kv(f, "thp_used", e->hugepages ? "yes (MADV_HUGEPAGE on fixtures and the baseline buffer)"
                                   : "no");
    read_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", buf, sizeof buf);
    kv(f, "cpu_governor", buf[0] ? buf : "unavailable");
    env_memory(f, e);
}

static void env_build(FILE *f, const struct hb_env *e)
{
    char buf[256], type[32];
    size_t n;

    /* The commit compiled in, not the tree's state now: a binary copied
     * away, or a tree that moved on, would name another commit. */
    snprintf(buf, sizeof buf, "%s", e->commit && e->commit[0] ? e->commit : "unknown");
    n = strlen(buf);
    kv(f, "heapbench_dirty", n > 6 && !strcmp(buf + n - 6, "-dirty") ? "yes" : "no");
    if (n > 6 && !strcmp(buf + n - 6, "-dirty"))
        buf[n - 6] = '\0';
    kv(f, "heapbench_commit", buf);
    kv(f, "compiler", __VERSION__);
    kv(f, "cflags", HB_CFLAGS);
    kv(f, "cxx_compiler", e->cxx_compiler);
    kv(f, "libbenchmark_version", e->libbenchmark_version);
    first_value(e->gbench_json, build_type, type, sizeof type);
    kv(f, "libbenchmark_build_type", type);
    kv(f, "libbenchmark_build_note",
       "the library labels itself by its own NDEBUG: Debian builds libbenchmark "
       "without NDEBUG, so it says debug; heapbench's own code is optimised "
       "(see cflags) and the timed loops run none of the library's asserts");
}

static void env_perf(FILE *f, const struct hb_env *e)
{
    char key[64], val[160];

    for (int id = 0; id < HB_PERF_NR; id++) {
        const char *why = hb_perfctr_why(e->probe, id);
        snprintf(key, sizeof key, "perf_%s", hb_perfctr_name(id));
        if (id == HB_PERF_FAULTS)
            snprintf(val, sizeof val, "available (%s)",
                     *why ? "getrusage" : "perf software counter");
        else if (hb_perfctr_available(e->probe, id))
            snprintf(val, sizeof val, "available");
        else
            snprintf(val, sizeof val, "unavailable: %s", why);
        kv(f, key, val);
    }
    kv(f, "page_faults_policy",
       "frame tables pre-faulted before timing; faults counted per benchmark "
       "(faults column: per iteration, inside the timed loop)");
}

/* What filled each counted column: callgrind's exact counts (bench
 * --count) before the hardware's, else why neither. */
static void env_counters(FILE *f, const struct hb_env *e)
{
    static const char *const exact[] = { "data_reads", "data_writes", "cond_branches" };
    const char *why = e->count_why ? e->count_why : "bench --count not given";
    char key[64], val[320];

    if (e->count_source)
        snprintf(val, sizeof val, "%s", e->count_source);
    else if (hb_perfctr_available(e->probe, HB_PERF_INSTRUCTIONS))
        snprintf(val, sizeof val, "perf");
    else
        snprintf(val, sizeof val, "unavailable: perf: %s; callgrind: %s",
                 hb_perfctr_why(e->probe, HB_PERF_INSTRUCTIONS), why);
    kv(f, "counter_instructions", val);
    for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++) {
        snprintf(key, sizeof key, "counter_%s", exact[i]);
        if (e->count_source)
            snprintf(val, sizeof val, "%s", e->count_source);
        else
            snprintf(val, sizeof val, "unavailable: callgrind: %s", why);
        kv(f, key, val);
    }
    if (e->count_source && e->count_bracket == e->count_bracket) {
        snprintf(val, sizeof val, "%.0f", e->count_bracket);
        kv(f, "count_bracket_instructions", val);
    }
}

static void env_command_line(FILE *f, const struct hb_env *e)
{
    char buf[4096] = "heapbench";
    size_t n = strlen(buf);

    for (int i = 0; i < e->argc && n < sizeof buf; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, " %s", e->argv[i]);
    kv(f, "command_line", buf);
}

/* The rule that spent the processes, what it gave, and the ETA's record. */
static void env_sampling(FILE *f, const struct hb_env *e)
{
    kv(f, "sampling_rule", e->sampling_rule);
    kv_num(f, "sampling_min_processes", e->min_processes);
    kv_num(f, "sampling_floor_processes", e->floor_processes);
    kv_num(f, "sampling_target_pct", e->target_pct);
    kv_num(f, "sampling_budget_s", e->budget_s);
    kv_num(f, "sampling_one_repetition_from_s", e->heavy_s);
    kv_num(f, "sampling_runs", (double)e->runs);
    kv_num(f, "sampling_processes_min", e->procs_min);
    kv_num(f, "sampling_processes_median", e->procs_median);
    kv_num(f, "sampling_processes_max", e->procs_max);
    kv_num(f, "sampling_stopped_narrow", (double)e->stopped_narrow);
    kv_num(f, "sampling_stopped_at_max", (double)e->stopped_at_max);
    kv_num(f, "sampling_stopped_by_budget", (double)e->stopped_by_budget);
    kv_num(f, "sampling_one_repetition_processes", (double)e->one_rep_procs);
    kv_num(f, "wall_s", e->wall_s);
    kv(f, "loadavg_start", e->load_start);
    kv(f, "loadavg_end", e->load_end);
    kv_num(f, "eta_total_s_at_60s", e->eta_at[0]);
    kv_num(f, "eta_total_s_at_300s", e->eta_at[1]);
    kv_num(f, "eta_total_s_at_1200s", e->eta_at[2]);
}

static void env_run(FILE *f, const struct hb_env *e)
{
    kv(f, "date_utc", e->date_utc);
    env_command_line(f, e);
    kv(f, "profile", e->profile);
    kv_num(f, "processes", e->processes);
    kv_num(f, "repetitions", e->repetitions);
    env_sampling(f, e);
    kv(f, "filter", e->filter ? e->filter : "");
    kv(f, "layout", e->layout ? e->layout : "");
    kv(f, "pinning", e->pinning);
    kv(f, "xen_version", e->xen ? e->xen : "4.17");
    kv(f, "timing", "real_ns: wall clock per iteration (threads: wall time / all "
                    "threads' iterations); cpu_ns: CPU time of all threads per iteration");
    kv_num(f, "shim_overhead_c_batch_ns", e->shim_c_batch_ns - e->shim_direct_ns);
    kv_num(f, "shim_overhead_c_single_ns", e->shim_c_single_ns - e->shim_direct_ns);
}

/* ------------------------------------------------------------------------
 * The record
 * ------------------------------------------------------------------------ */

int hb_env_write(const struct hb_env *e, const char *path)
{
    FILE *f = fopen(path, "w");
    int rc;

    if (!f)
        return -errno;
    errno = 0;
    fputs("key,value\n", f);
    env_machine(f, e);
    env_build(f, e);
    env_perf(f, e);
    env_counters(f, e);
    env_run(f, e);
    rc = ferror(f) ? (errno ? -errno : -EIO) : 0;
    if (fclose(f) && !rc)
        rc = -errno;
    return rc;
}
