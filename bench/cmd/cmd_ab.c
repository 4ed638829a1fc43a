/*
 * cmd_ab.c - `heapbench ab`: an interleaved A/B run of two builds of the
 * suite, or of two settings of one.
 *
 * Each of N processes a side is one invocation of BIN bench --processes 1,
 * base then new, N times over (ABAB...), so that a drift of the machine
 * falls on both sides alike (Kalibera and Jones, ISMM 2013).  Each writes
 * a run folder of its own under <out>/ab-<UTC stamp>/base/ or .../new/,
 * and `heapbench compare <ab>/base -- <ab>/new` reads them, each run
 * folder one process of its side (docs/running.md, "Comparing runs").
 */
#define _GNU_SOURCE
#include "bench/cmd/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench/base/clock.h"

extern char **environ;

struct ab_opts {
    const char *bin[2];       /* base, new */
    const char *filter, *profile, *reps, *out;
    long procs;
    int extra_argc;           /* after "--" */
    char **extra_argv;
};

/* The processes of each profile, as bench has them (cmd_bench.c). */
static long profile_procs(const char *profile)
{
    if (profile && !strcmp(profile, "quick"))
        return 3;
    if (profile && !strcmp(profile, "full"))
        return 10;
    return 6;
}

static bool executable(const char *path)
{
    struct stat st;

    return !stat(path, &st) && S_ISREG(st.st_mode) && !access(path, X_OK);
}

static int set_bin(void *field, const char *v, char *why, size_t len)
{
    if (!executable(v))
        return snprintf(why, len, "not an executable file"), -1;
    *(const char **)field = v;
    return 0;
}

static int set_procs(void *field, const char *v, char *why, size_t len)
{
    long *n = field;
    char *end;

    errno = 0;
    *n = strtol(v, &end, 10);
    if (!*v || *end || errno || *n < 2 || *n > 1000 || *v == '+' || *v == ' ')
        return snprintf(why, len, "expected a whole number from 2 to 1000"), -1;
    return 0;
}

static int set_profile(void *field, const char *v, char *why, size_t len)
{
    if (strcmp(v, "quick") && strcmp(v, "default") && strcmp(v, "full"))
        return snprintf(why, len, "expected quick, default or full"), -1;
    *(const char **)field = v;
    return 0;
}

#define OFF(f) offsetof(struct ab_opts, f)
static const struct hb_opt ab_opts[] = {
    { "--base", "BIN", "the heapbench binary of the base side", set_bin, OFF(bin[0]), false },
    { "--new", "BIN", "the heapbench binary of the new side", set_bin, OFF(bin[1]), false },
    { "--processes", "N", "measure each benchmark in N fresh processes a side, as in "
      "bench: here one `bench --processes 1` invocation each, base and new in turn "
      "(ABAB...); default: the profile's (quick 3, default 6, full 10), at least 2",
      set_procs, OFF(procs), false },
    { "--profile", "P", "quick, default or full (bench --profile); default: default",
      set_profile, OFF(profile), false },
    { "--filter", "REGEX", "only the benchmarks whose name matches (bench --filter)",
      hb_opt_regex, OFF(filter), false },
    { "--repetitions", "N", "repetitions inside each process (bench --repetitions)",
      hb_opt_nonempty, OFF(reps), false },
    { "--out", "DIR", "where <DIR>/ab-<stamp>/base and .../new go (default: results)",
      hb_opt_nonempty, OFF(out), false },
};
#undef OFF

static const struct hb_opts_spec ab_spec = {
    .cmd = "ab",
    .usage = "ab --base BIN --new BIN [options] [-- bench options]",
    .about = "Interleaved A/B runs of two builds, each process one bench invocation.\n",
    .opts = ab_opts,
    .nopts = sizeof ab_opts / sizeof ab_opts[0],
    .footer = "After '--': more options of bench for both sides (--mem-budget, layouts,\n"
              "Google Benchmark flags after a second '--'), but none of the above.\n"
              "Then: heapbench compare <DIR>/ab-<stamp>/base -- <DIR>/ab-<stamp>/new\n",
    .dashdash = HB_DASHDASH_REST,
};

/* bench options after "--" that ab sets itself (those of ab's table):
 * refused, not passed on to be overridden or to override.  0, or an exit
 * status after one line. */
static int check_extra(const struct ab_opts *o)
{
    for (int i = 0; i < o->extra_argc; i++) {
        const char *a = o->extra_argv[i];
        const struct hb_opt *own = hb_opts_find(&ab_spec, a);

        if (!strcmp(a, "--"))
            break;                        /* Google Benchmark's from here */
        if (own) {
            hb_err("ab: %s after '--' conflicts with ab's own option; give it "
                   "before '--'", own->name);
            return HB_EXIT_USAGE;
        }
    }
    return 0;
}

/* HB_OPTS_GO, or an exit status. */
static int parse_args(struct ab_opts *o, int argc, char **argv)
{
    int rest, rc;

    *o = (struct ab_opts){ .procs = 0, .out = "results" };
    rc = hb_opts_run(&ab_spec, o, argc, argv, &rest);
    if (rc != HB_OPTS_GO)
        return rc;
    o->extra_argc = argc - rest;
    o->extra_argv = argv + rest;
    if (!o->bin[0] || !o->bin[1]) {
        hb_err("ab: need --base BIN and --new BIN (see heapbench ab --help)");
        return HB_EXIT_USAGE;
    }
    if (!o->procs)
        o->procs = profile_procs(o->profile);
    rc = check_extra(o);
    return rc ? rc : HB_OPTS_GO;
}

/* BIN bench --processes 1 --out DIR [options], console into log. */
static int run_one(const struct ab_opts *o, int side, const char *dir, const char *log)
{
    char *argv[24 + 64];
    int n = 0, st;
    pid_t pid;
    posix_spawn_file_actions_t fa;

    argv[n++] = (char *)o->bin[side];
    argv[n++] = "bench";
    argv[n++] = "--processes";
    argv[n++] = "1";
    argv[n++] = "--out";
    argv[n++] = (char *)dir;
    if (o->filter)
        argv[n++] = "--filter", argv[n++] = (char *)o->filter;
    if (o->profile)
        argv[n++] = "--profile", argv[n++] = (char *)o->profile;
    if (o->reps)
        argv[n++] = "--repetitions", argv[n++] = (char *)o->reps;
    for (int i = 0; i < o->extra_argc && n < 24 + 62; i++)
        argv[n++] = o->extra_argv[i];
    argv[n] = NULL;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, log, O_WRONLY | O_CREAT | O_TRUNC,
                                     0666);
    st = posix_spawn(&pid, o->bin[side], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (st) {
        hb_err("ab: cannot run %s: %s", o->bin[side], strerror(st));
        return HB_EXIT_FAIL;
    }
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return HB_EXIT_FAIL;
    if (WIFSIGNALED(st))
        return 128 + WTERMSIG(st);
    return WEXITSTATUS(st);
}

static int make_dirs(const struct ab_opts *o, char *top, size_t len)
{
    char stamp[32], sub[PATH_MAX + 8];
    time_t t = time(NULL);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    if (mkdir(o->out, 0777) && errno != EEXIST) {
        hb_err("ab: --out: cannot write there: %s", o->out);
        return HB_EXIT_USAGE;
    }
    snprintf(top, len, "%s/ab-%s", o->out, stamp);
    if (mkdir(top, 0777)) {
        hb_err("ab: cannot create %s: %s", top, strerror(errno));
        return HB_EXIT_FAIL;
    }
    for (int s = 0; s < 2; s++) {
        snprintf(sub, sizeof sub, "%s/%s", top, s ? "new" : "base");
        if (mkdir(sub, 0777)) {
            hb_err("ab: cannot create %s: %s", sub, strerror(errno));
            return HB_EXIT_FAIL;
        }
    }
    return 0;
}

int hb_cmd_ab(int argc, char **argv)
{
    static const char *const side[] = { "base", "new" };
    struct ab_opts o;
    char top[PATH_MAX], dir[PATH_MAX + 8], log[PATH_MAX + 32];
    int rc = parse_args(&o, argc, argv);
    double t0 = hb_now_s();

    if (rc != HB_OPTS_GO)
        return rc;
    rc = make_dirs(&o, top, sizeof top);
    if (rc)
        return rc;
    printf("heapbench ab: %ld processes a side (one bench invocation each), "
           "interleaved;\ninto %s\n", o.procs, top);
    fflush(stdout);
    for (long i = 0; i < o.procs && !rc; i++)
        for (int s = 0; s < 2 && !rc; s++) {
            snprintf(dir, sizeof dir, "%s/%s", top, side[s]);
            snprintf(log, sizeof log, "%s/%s-%ld.log", top, side[s], i);
            rc = run_one(&o, s, dir, log);
            printf("[%ld/%ld] %s (%s): %s; %.0f s elapsed\n", 2 * i + s + 1, 2 * o.procs,
                   side[s], o.bin[s], rc ? "FAILED" : "done", hb_now_s() - t0);
            fflush(stdout);
            if (rc)
                hb_err("ab: %s invocation %ld failed (exit %d): see %s", side[s], i, rc, log);
        }
    if (!rc)
        printf("compare: heapbench compare %s/base -- %s/new\n", top, top);
    return rc;
}
