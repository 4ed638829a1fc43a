/*
 * cmd_bench_opts.c - the options of `heapbench bench` as one table
 * (bench/cmd/opts.h): their checks, their help, the profiles' processes
 * and repetitions, and the Google Benchmark flags after "--".
 */
#include "bench/cmd/cmd_bench.h"

#include "bench/base/parse.h"
#include "bench/cmd/cli.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Processes and repetitions per profile (quick, default, full).  The
 * default: 3 x 2 took 3.5 min on a quiet 2-core VM and 16-19 min on one
 * loaded 5x over; 6 processes halve the variance of a median of
 * per-process medians (the minimum detectable effect falls by about 40 %)
 * for about 7 min quiet, which leaves room for a busy machine. */
#define QUICK_P 3
#define QUICK_R 2
#define DEFAULT_P 6
#define DEFAULT_R 2
#define FULL_P 10
#define FULL_R 3
static const int profile_procs[] = { QUICK_P, DEFAULT_P, FULL_P };
static const int profile_reps[] = { QUICK_R, DEFAULT_R, FULL_R };
static const char *const profile_names[] = { "quick", "default", "full" };

static int set_profile(void *field, const char *v, char *why, size_t len)
{
    for (size_t p = 0; p < 3; p++)
        if (!strcmp(v, profile_names[p])) {
            *(const char **)field = profile_names[p];
            return 0;
        }
    snprintf(why, len, "expected quick, default or full");
    return -1;
}

/* 1 to 1000, digits only: strtol would take " 5" or "+5". */
static int set_count(void *field, const char *v, char *why, size_t len)
{
    uint64_t n;

    if (!*v || v[strspn(v, "0123456789")] || hb_parse_u64(v, &n) || n < 1 || n > 1000) {
        snprintf(why, len, "expected a whole number from 1 to 1000");
        return -1;
    }
    *(int *)field = (int)n;
    return 0;
}

static int set_mem_budget(void *field, const char *v, char *why, size_t len)
{
    uint64_t *b = field;

    if (hb_parse_size(v, b) || !*b) {
        snprintf(why, len, "not a size with a unit (e.g. 8GiB)");
        return -1;
    }
    return 0;
}

/* --target PCT: a number from 0 to 100 (0: never stop early). */
static int set_target(void *field, const char *v, char *why, size_t len)
{
    char *end;
    double x = strtod(v, &end);

    if (!*v || *end || !(x >= 0 && x <= 100)) {
        snprintf(why, len, "expected a percentage from 0 to 100");
        return -1;
    }
    *(double *)field = x;
    return 0;
}

/* --budget MIN: whole minutes, 0 for none. */
static int set_budget(void *field, const char *v, char *why, size_t len)
{
    uint64_t n;

    if (!*v || v[strspn(v, "0123456789")] || hb_parse_u64(v, &n) || n > 100000) {
        snprintf(why, len, "expected whole minutes (0: none)");
        return -1;
    }
    *(double *)field = (double)n * 60;
    return 0;
}

#define OFF(f) offsetof(struct bench_opts, f)
static const struct hb_opt bench_opts[] = {
    { "--profile", "P", "quick, default or full: the sizes measured and the samples "
      "(quick: " HB_STR(QUICK_P) " processes x " HB_STR(QUICK_R) " repetitions, default: "
      HB_STR(DEFAULT_P) " x " HB_STR(DEFAULT_R) ", full: " HB_STR(FULL_P) " x "
      HB_STR(FULL_R) "); default: default", set_profile, OFF(profile_name), false },
    { "--filter", "REGEX", "only the benchmarks whose name matches (a leading '-' "
      "keeps those that do not); see --list", hb_opt_regex, OFF(filter), false },
    { "--list", NULL, "print the benchmarks that would run and their count, with "
      "--profile and --filter; run nothing", NULL, OFF(list), false },
    { "--processes", "N", "measure each benchmark in at most N fresh processes (the "
      "samples: a process of each family a round)", set_count, OFF(procs), false },
    { "--min-processes", "N", "processes every benchmark gets before --target may stop "
      "it (full: 3)", set_count, OFF(min_procs), false },
    { "--target", "PCT", "stop sampling a benchmark once the 95 % interval of its "
      "estimate is within +/-PCT % (full: 2; 0: never, quick and default)", set_target,
      OFF(target_pct), false },
    { "--budget", "MIN", "wall-clock budget of the timed run in minutes: a family's "
      "process starts only if it and the rest of its round fit; 2 always run (full: 40; 0: none)", set_budget, OFF(budget_s), false },
    { "--repetitions", "N", "repetitions of each benchmark inside each process",
      set_count, OFF(reps), false },
    { "--out", "DIR", "where the run folder goes (default: results)", hb_opt_nonempty,
      OFF(out), false },
    { "--mem-budget", "SIZE", "what the run may hold at once, e.g. 8GiB (default: 75 % "
      "of what MemAvailable and the memory cgroup leave); what does not fit is "
      "skipped, never attempted", set_mem_budget, OFF(mem_budget), false },
    { "--xen", "V", HB_XEN_HELP, hb_opt_xen, OFF(xen), false },
    { "--verbose", NULL, "Google Benchmark's own table on the screen too (it is always "
      "in console.log in the run folder)", NULL, OFF(verbose), false },
    { "--count", NULL, "also run every selected benchmark once under valgrind's "
      "callgrind: exact instructions, data reads and writes, conditional branches per "
      "iteration, of the timed region only (make bench COUNT=1)", NULL, OFF(count), false },
    { "--count-child", "FILE", "the counted process that --count runs under valgrind "
      "(internal: not for use by hand)", hb_opt_str, OFF(count_child), false },
    { NULL, NULL, "The machine that init's 'layout:given' benchmarks model (default "
      "and full profiles; by default --topology host, this machine):", NULL, 0, false },
    HB_LAYOUT_OPTIONS(OFF(lopts)),
};
#undef OFF

static const struct hb_opts_spec bench_spec = {
    .cmd = "bench",
    .usage = "bench [options] [-- google-benchmark flags]",
    .opts = bench_opts,
    .nopts = sizeof bench_opts / sizeof bench_opts[0],
    .footer = "After '--': Google Benchmark's own flags, except those heapbench sets\n"
              "(repetitions, filter, output, listing, aggregates): use the options above.\n",
    .dashdash = HB_DASHDASH_REST,
};

int bench_parse_opts(struct bench_opts *o, int argc, char **argv)
{
    int rest, rc;

    memset(o, 0, sizeof *o);
    o->profile_name = "default";
    o->out = "results";
    o->target_pct = o->budget_s = -1;     /* the profile's */
    o->argc = argc;
    o->argv = argv;
    rc = hb_opts_run(&bench_spec, o, argc, argv, &rest);
    if (rc != HB_OPTS_GO)
        return rc;
    o->gb_argc = argc - rest;
    o->gb_argv = argv + rest;
    if (bench_check_gb_flags(o->gb_argc, o->gb_argv))
        return HB_EXIT_USAGE;
    for (int p = 0; p < 3; p++)
        if (!strcmp(o->profile_name, profile_names[p]))
            o->profile = (enum hb_profile)p;
    if (!o->reps)
        o->reps = profile_reps[o->profile];
    if (!o->procs)
        o->procs = profile_procs[o->profile];
    return HB_OPTS_GO;
}

const struct hb_opt *bench_find_opt(const char *word)
{
    return hb_opts_find(&bench_spec, word);
}
