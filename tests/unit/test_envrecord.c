/*
 * test_envrecord.c - environment.csv (bench/instrument/envrecord.h): the
 * keys readers look up, in their documented order, and the values the run
 * hands in written as given.
 */
#include "tests/unit/check.h"

#include "bench/instrument/envrecord.h"
#include "bench/instrument/perfctr.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The keys of a record without a topology or a memory budget. */
static const char *const keys[] = {
    "key", "host", "cpu_model", "topology", "kernel", "thp_setting", "thp_used",
    "cpu_governor", "mem_available_bytes", "max_table_bytes", "heapbench_dirty",
    "heapbench_commit", "compiler", "cflags", "cxx_compiler", "libbenchmark_version",
    "libbenchmark_build_type", "libbenchmark_build_note", "perf_cycles",
    "perf_instructions", "perf_cache_misses", "perf_dtlb_misses", "perf_faults",
    "page_faults_policy", "counter_instructions", "counter_data_reads",
    "counter_data_writes", "counter_cond_branches", "date_utc", "command_line", "profile", "processes",
    "repetitions", "sampling_rule", "sampling_min_processes", "sampling_floor_processes",
    "sampling_target_pct", "sampling_budget_s", "sampling_one_repetition_from_s",
    "sampling_runs", "sampling_processes_min", "sampling_processes_median",
    "sampling_processes_max", "sampling_stopped_narrow", "sampling_stopped_at_max",
    "sampling_stopped_by_budget", "sampling_one_repetition_processes", "wall_s", "loadavg_start", "loadavg_end", "eta_total_s_at_60s", "eta_total_s_at_300s",
    "eta_total_s_at_1200s", "filter", "layout", "pinning", "timing", "shim_overhead_c_batch_ns",
    "shim_overhead_c_single_ns",
};

/* The value of key in the record at path ("" if absent; the first comma
 * ends the key: none of the keys holds one). */
static void value_of(const char *path, const char *key, char *buf, size_t len)
{
    FILE *f = fopen(path, "r");
    char line[1024];
    size_t n = strlen(key);

    buf[0] = '\0';
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, key, n) && line[n] == ',') {
            line[strcspn(line, "\n")] = '\0';
            snprintf(buf, len, "%s", line + n + 1);
            break;
        }
    if (f)
        fclose(f);
}

static void write_record(char *path, size_t len, const struct hb_perfctr *probe)
{
    static char *argv[] = { "bench", "--profile", "quick" };
    struct hb_env e = {
        .thp_setting = "madvise", .hugepages = true, .mem_available = 1 << 20,
        .max_table_bytes = 3 << 18, .probe = probe, .gbench_json = "/nonexistent",
        .cxx_compiler = "c++ 1", .libbenchmark_version = "1.7.1",
        .date_utc = "2026-12-02T01:02:03Z", .argc = 3, .argv = argv,
        .profile = "quick", .filter = NULL, .layout = "host", .pinning = "pinned, to 0",
        .processes = 3, .repetitions = 2,
        .shim_direct_ns = 2.0, .shim_c_batch_ns = 2.5, .shim_c_single_ns = NAN,
        .sampling_rule = "fixed", .min_processes = 3, .target_pct = 2.5, .budget_s = 2400,
        .stopped_by_budget = 7, .wall_s = 61.5, .eta_at = { 70, NAN, NAN },
    };
    int fd;

    snprintf(path, len, "/tmp/hb-envrecord-XXXXXX");
    fd = mkstemp(path);
    if (fd < 0)
        hb_check_fail(__FILE__, __LINE__, "mkstemp failed");
    else
        close(fd);
    CHECK_EQ(hb_env_write(&e, path), 0);
}

/* Expect: every key once, in the order of keys[]. */
TEST(envrecord_keys_check)
{
    char path[64], line[1024];
    struct hb_perfctr probe = { .fd = { -1, -1, -1, -1, -1 },
                                .err = { ENOENT, ENOENT, ENOENT, ENOENT, ENOENT } };
    size_t i = 0;
    FILE *f;

    write_record(path, sizeof path, &probe);
    f = fopen(path, "r");
    CHECK(f != NULL);
    while (f && fgets(line, sizeof line, f)) {
        line[strcspn(line, ",")] = '\0';
        if (i < sizeof keys / sizeof keys[0])
            CHECK_STR(line, keys[i]);
        i++;
    }
    CHECK_EQ(i, sizeof keys / sizeof keys[0]);
    if (f)
        fclose(f);
    unlink(path);
}

/* Expect: the run's values as given: the command line joined after
 * "heapbench", a value with a comma quoted, an empty filter empty, the
 * shim overhead the difference of medians (empty when one is missing), a
 * JSON that cannot be read an "unknown" build type. */
TEST(envrecord_values_check)
{
    /* key, expected value; prefix: only the value's start is known (THP
     * use and perf access depend on the machine). */
    static const struct { const char *key, *want; bool prefix; } want[] = {
        { "command_line", "heapbench bench --profile quick", false },
        { "pinning", "\"pinned, to 0\"", false },
        { "filter", "", false },
        { "thp_used", "yes", true },
        { "mem_available_bytes", "1048576", false },
        { "shim_overhead_c_batch_ns", "0.5", false },
        { "shim_overhead_c_single_ns", "", false },
        { "libbenchmark_build_type", "unknown", false },
        { "perf_cycles", "unavailable: ", true },
        { "sampling_rule", "fixed", false },
        { "sampling_target_pct", "2.5", false },
        { "sampling_budget_s", "2400", false },
        { "sampling_stopped_by_budget", "7", false },
        { "wall_s", "61.5", false },
        { "eta_total_s_at_60s", "70", false },
        { "eta_total_s_at_300s", "", false },
    };
    char path[64], v[512], seen[600], exp[600];
    struct hb_perfctr probe = { .fd = { -1, -1, -1, -1, -1 },
                                .err = { ENOENT, ENOENT, ENOENT, ENOENT, ENOENT } };

    write_record(path, sizeof path, &probe);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        value_of(path, want[i].key, v, sizeof v);
        if (want[i].prefix)
            v[strnlen(v, strlen(want[i].want))] = '\0';
        /* key=value on both sides, so a failure names the key */
        snprintf(seen, sizeof seen, "%s=%s", want[i].key, v);
        snprintf(exp, sizeof exp, "%s=%s", want[i].key, want[i].want);
        CHECK_STR(seen, exp);
    }
    unlink(path);
}

/* Expect: a host name safe in a file name; a record that cannot be
 * created is an errno, not a message. */
TEST(envrecord_host_and_errors_check)
{
    char host[64];
    struct hb_env e = { 0 };

    hb_env_host(host, sizeof host);
    CHECK(host[0] != '\0');
    CHECK_EQ(strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                          "0123456789._-"), strlen(host));
    CHECK_EQ(hb_env_write(&e, "/nonexistent/dir/environment.csv"), -ENOENT);
}
