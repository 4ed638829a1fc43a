/*
 * cmd_bench_count.c - `heapbench bench --count`: after the timed chunks,
 * every selected benchmark runs once more, in one process under valgrind's
 * callgrind (bench/instrument/icount.h), with fixed iterations and
 * collection on only inside its timed region.  The counted process
 * (`bench --count-child FILE`) writes its runs into FILE; the parent joins
 * them with callgrind's parts by name, subtracts the brackets' own cost
 * and puts the counts per iteration into every row of the benchmark.
 * What is exact and what is not: docs/running.md, "Exact counts".
 */
#define _GNU_SOURCE
#include "bench/cmd/cmd_bench.h"
#include "bench/cmd/opts.h"

#include "bench/base/clock.h"
#include "bench/base/err.h"
#include "bench/families/family.h"
#include "bench/instrument/icount.h"
#include "bench/instrument/rundir.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* ------------------------------------------------------------------------
 * The counted process
 * ------------------------------------------------------------------------ */

int bench_count_child(struct bench_run *r)
{
    struct bench_opts one = *r->o;
    FILE *out = fopen(r->o->count_child, "w");
    struct hb_gb_suite s;

    if (!out) {
        hb_err("--count-child: cannot write %s: %s", r->o->count_child, strerror(errno));
        return HB_EXIT_USAGE;
    }
    if (!hb_icount_running())
        fprintf(stderr, "heapbench: --count-child outside valgrind counts nothing\n");
    one.reps = 1;
    for (size_t f = 0; f < hb_family_count(); f++)
        hb_family_get(f)->reg(&r->ctx);
    s = (struct hb_gb_suite){ .json_path = "/dev/null", .on_run = bench_put_run,
                              .arg = out, .console_path = "/dev/null", .count = true };
    if (bench_run_suite(&s, &one) < 0)
        return HB_EXIT_FAIL;
    return fclose(out) ? HB_EXIT_FAIL : HB_EXIT_OK;
}

/* ------------------------------------------------------------------------
 * Running it
 * ------------------------------------------------------------------------ */

/* "valgrind-3.19.0" from `valgrind --version`, or "" if it does not run. */
static void valgrind_version(char *buf, size_t len)
{
    FILE *p = popen("valgrind --version 2>/dev/null", "r");

    buf[0] = '\0';
    if (!p)
        return;
    if (!fgets(buf, (int)len, p))
        buf[0] = '\0';
    buf[strcspn(buf, "\r\n")] = '\0';
    if (pclose(p) != 0 || strncmp(buf, "valgrind", 8))
        buf[0] = '\0';
}

/* Whether the counted process leaves out the option at word: 0 it keeps
 * it, 1 it drops the word, 2 the word and its value (bench's table says
 * which options take one). */
static int dropped(const char *word)
{
    static const char *const drop[] = { "--out", "--processes", "--repetitions",
                                        "--count-child", "--count", "--verbose" };
    const struct hb_opt *o = bench_find_opt(word);

    for (size_t i = 0; o && i < sizeof drop / sizeof drop[0]; i++)
        if (!strcmp(o->name, drop[i]))
            return o->arg && !strchr(word, '=') ? 2 : 1;
    return 0;
}

/* valgrind's words, then this program with the run's options; NULL if
 * out of memory. */
static char **child_argv(const struct bench_run *r, const struct hb_icount_cmd *cmd,
                         const char *exe, const char *runs)
{
    const struct bench_opts *o = r->o;
    char **v = calloc((size_t)(cmd->n + o->argc + 4), sizeof *v);
    int n = 0, i = 1;

    if (!v)
        return NULL;
    for (int k = 0; k < cmd->n; k++)
        v[n++] = (char *)cmd->argv[k];
    v[n++] = (char *)exe;
    v[n++] = "bench";
    v[n++] = "--count-child";
    v[n++] = (char *)runs;
    for (; i < o->argc && strcmp(o->argv[i], "--"); i++) {
        int d = dropped(o->argv[i]);
        if (!d)
            v[n++] = o->argv[i];
        else if (d == 2)
            i++;
    }
    for (; i < o->argc; i++)
        v[n++] = o->argv[i];
    return v;
}

/* The child's stdout and stderr go to log; then valgrind. */
static void exec_child(char **argv, const char *log)
{
    int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

    if (fd >= 0) {
        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
        close(fd);
    }
    execvp(argv[0], argv);
    fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

/* Run argv, signals passed on as for a chunk: its exit status, 128 + a
 * signal, or -1 (could not fork). */
static int run_counted(char **argv, const char *log)
{
    pid_t parent = getpid(), pid;
    sigset_t old;
    int status;

    hb_rundir_block_signals(&old);
    fflush(NULL);
    pid = fork();
    if (pid == 0) {
        if (hb_rundir_child_signals(parent, &old))
            _exit(HB_EXIT_FAIL);
        exec_child(argv, log);
    }
    if (pid > 0)
        hb_rundir_set_child(pid);
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (pid < 0)
        return -1;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            hb_rundir_set_child(0);
            return -1;
        }
    hb_rundir_set_child(0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The last non-empty line of the child's log, for a one-line reason. */
static void last_line(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "r");
    char line[512];

    snprintf(buf, len, "no message");
    if (!f)
        return;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0])
            snprintf(buf, len, "%s", line);
    }
    fclose(f);
}

/* ------------------------------------------------------------------------
 * Reading the counts back
 * ------------------------------------------------------------------------ */

struct count_part {
    char *name;
    struct hb_icount c;
};

struct count_parts {
    struct count_part *p;
    size_t n, cap;
    struct hb_icount empty;
    bool have_empty;
};

static int part_add(const char *name, const struct hb_icount *c, void *ctx)
{
    struct count_parts *ps = ctx;

    if (!strcmp(name, HB_ICOUNT_EMPTY)) {
        ps->empty = *c;
        ps->have_empty = true;
        return 0;
    }
    if (ps->n == ps->cap) {
        size_t cap = ps->cap ? ps->cap * 2 : 64;
        void *p = realloc(ps->p, cap * sizeof *ps->p);
        if (!p)
            return -ENOMEM;
        ps->p = p;
        ps->cap = cap;
    }
    ps->p[ps->n].name = strdup(name);
    ps->p[ps->n].c = *c;
    if (!ps->p[ps->n].name)
        return -ENOMEM;
    ps->n++;
    return 0;
}

static void parts_free(struct count_parts *ps)
{
    for (size_t i = 0; i < ps->n; i++)
        free(ps->p[i].name);
    free(ps->p);
}

/* Whether part P is of benchmark NAME (P is "NAME" or "NAME@PHASE", the
 * registered name: without the iterations segment); its phase or NULL. */
static bool part_of(const char *p, const char *name, const char **phase)
{
    const char *at = strrchr(p, '@');
    char base[1024];

    *phase = at ? at + 1 : NULL;
    snprintf(base, sizeof base, "%.*s", at ? (int)(at - p) : (int)strlen(p), p);
    return hb_same_benchmark(base, name);
}

/* The parts of benchmark NAME summed: all of them (phase NULL: "NAME"
 * and every "NAME@PHASE"), or those of one phase; how many in *nr. */
static struct hb_icount part_sum(const struct count_parts *ps, const char *name,
                                 const char *phase, size_t *nr)
{
    struct hb_icount sum = { { 0 }, { false } };
    const char *ph;

    *nr = 0;
    for (size_t i = 0; i < ps->n; i++) {
        if (!part_of(ps->p[i].name, name, &ph))
            continue;
        if (phase && (!ph || strcmp(ph, phase)))
            continue;
        for (int e = 0; e < HB_IC_NR; e++) {
            sum.ev[e] += ps->p[i].c.ev[e];
            sum.have[e] = sum.have[e] || ps->p[i].c.have[e];
        }
        (*nr)++;
    }
    return sum;
}

/* The phases of benchmark NAME ("boot" of "NAME@boot"), first-seen order. */
static size_t phases_of(const struct count_parts *ps, const char *name, const char **ph,
                        size_t max)
{
    size_t k = 0;
    const char *p;

    for (size_t i = 0; i < ps->n; i++) {
        if (!part_of(ps->p[i].name, name, &p) || !p)
            continue;
        bool seen = false;
        for (size_t j = 0; j < k; j++)
            seen = seen || !strcmp(ph[j], p);
        if (!seen && k < max)
            ph[k++] = p;
    }
    return k;
}

static double counter_of(const struct hb_gb_run *run, const char *name, double dflt)
{
    for (size_t i = 0; i < run->nr_counters; i++)
        if (!strcmp(run->counters[i].name, name))
            return run->counters[i].value;
    return dflt;
}

/* Per iteration: (part - brackets x empty) / iterations; NAN if absent. */
static double per_iter(const struct hb_icount *c, const struct count_parts *ps,
                       enum hb_icount_ev ev, double brackets, double iters)
{
    if (!c->have[ev] || !ps->empty.have[ev] || iters <= 0)
        return NAN;
    double v = (double)c->ev[ev] - brackets * (double)ps->empty.ev[ev];
    return (v > 0 ? v : 0) / iters;
}

/* Why a benchmark's count is not exact (NULL: it is). */
static const char *count_note_of(const struct hb_gb_run *run)
{
    if (run->threads > 1)
        return "not exact: its threads meet at Google Benchmark's start and stop "
               "barrier inside the counted loop, and how often they wait varies";
    if (strstr(run->name, "strategy:deferred"))
        return "not exact: the benchmark thread only (callgrind collects per thread; "
               "deferred's node threads are left out), and its allocations depend on "
               "how far the node threads got";
    return NULL;
}

/* Each phase's instructions per iteration, as counters PHASE_instructions
 * (each phase part follows one on/off pair). */
static int apply_phases(struct bench_run *r, const struct count_parts *ps,
                        const struct hb_gb_run *run)
{
    const char *ph[8];
    size_t n = phases_of(ps, run->name, ph, 8), nr;
    char key[64];

    for (size_t i = 0; i < n; i++) {
        struct hb_icount c = part_sum(ps, run->name, ph[i], &nr);
        snprintf(key, sizeof key, "%s_instructions", ph[i]);
        double v = per_iter(&c, ps, HB_IC_IR, (double)nr, (double)run->iterations);
        if (hb_results_set_counter(&r->res, run->name, key, v) < 0)
            return -ENOMEM;
    }
    return 0;
}

/* One run of the counted process into the rows of its benchmark. */
static int apply_run(struct bench_run *r, const struct count_parts *ps,
                     const struct hb_gb_run *run)
{
    static const enum hb_icount_ev ex[HB_EXACT_NR] = { HB_IC_DR, HB_IC_DW, HB_IC_BC };
    size_t nr;
    struct hb_icount c = part_sum(ps, run->name, NULL, &nr);
    double exact[HB_EXACT_NR], ir = NAN, it = (double)run->iterations;
    double br = counter_of(run, "count_brackets", -1);
    char note[400];

    for (int i = 0; i < HB_EXACT_NR; i++)
        exact[i] = NAN;
    if (run->error || !nr || br < 0) {
        snprintf(note, sizeof note, "not counted: %s",
                 run->error ? run->error_message
                 : !nr      ? "no callgrind part"
                            : "not run through the C shim, so nothing brackets its loop");
        return hb_results_set_count(&r->res, run->name, ir, exact, note) < 0 ? -ENOMEM : 0;
    }
    ir = per_iter(&c, ps, HB_IC_IR, br, it);
    for (int i = 0; i < HB_EXACT_NR; i++)
        exact[i] = per_iter(&c, ps, ex[i], br, it);
    if (hb_results_set_count(&r->res, run->name, ir, exact, count_note_of(run)) < 0)
        return -ENOMEM;
    return apply_phases(r, ps, run);
}

/* Every line of the runs file. */
static int apply_runs(struct bench_run *r, const struct count_parts *ps, const char *path)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    int rc = 0;

    if (!f)
        return -errno;
    while (!rc && getline(&line, &cap, f) >= 0) {
        struct hb_gb_run run;
        struct hb_gb_counter_value cv[BENCH_MAX_COUNTERS];
        rc = bench_parse_run(line, &run, cv) ? -EPROTO : apply_run(r, ps, &run);
    }
    free(line);
    fclose(f);
    return rc;
}

/* ------------------------------------------------------------------------
 * The step of the run
 * ------------------------------------------------------------------------ */

struct count_files {
    char cg[PATH_MAX], runs[PATH_MAX], log[PATH_MAX], exe[PATH_MAX];
};

static int count_files(const struct bench_run *r, struct count_files *cf)
{
    ssize_t n = readlink("/proc/self/exe", cf->exe, sizeof cf->exe - 1);

    if (n <= 0)
        return -1;
    cf->exe[n] = '\0';
    snprintf(cf->cg, sizeof cf->cg, "%s/.count.callgrind", r->dir);
    snprintf(cf->runs, sizeof cf->runs, "%s/.count-runs.txt", r->dir);
    snprintf(cf->log, sizeof cf->log, "%s/.count.log", r->dir);
    return 0;
}

/* Not counted: one line, and the reason for environment.csv. */
static int count_skip(struct bench_run *r, const char *why)
{
    snprintf(r->count_why, sizeof r->count_why, "%s", why);
    printf("count: skipped: %s\n", why);
    return 0;
}

static int count_read(struct bench_run *r, const struct count_files *cf)
{
    struct count_parts ps = { 0 };
    char err[512] = "";
    int rc = hb_icount_read(cf->cg, part_add, &ps, err, sizeof err);

    if (rc == 0 && !ps.have_empty)
        snprintf(err, sizeof err, "no calibration part in %.400s", cf->cg), rc = -1;
    if (rc == 0)
        rc = apply_runs(r, &ps, cf->runs);
    if (rc == 0)
        r->count_bracket = (double)ps.empty.ev[HB_IC_IR];
    else if (!err[0])
        snprintf(err, sizeof err, "%s", rc == -EPROTO ? "a garbled run line" : strerror(-rc));
    parts_free(&ps);
    if (rc)
        return count_skip(r, err);
    return 0;
}

int bench_count(struct bench_run *r)
{
    char ver[64], why[600], **argv;
    struct count_files cf;
    struct hb_icount_cmd cmd;
    double t0 = hb_now_s();
    int st;

    valgrind_version(ver, sizeof ver);
    if (!ver[0])
        return count_skip(r, "valgrind is not installed (apt-get install valgrind)");
    if (count_files(r, &cf) || hb_icount_cmd_init(&cmd, cf.cg, true))
        return count_skip(r, "cannot name this program or its files");
    argv = child_argv(r, &cmd, cf.exe, cf.runs);
    if (!argv)
        return count_skip(r, "out of memory");
    printf("count: every selected benchmark once under callgrind (%s)\n", ver);
    fflush(stdout);
    st = run_counted(argv, cf.log);
    free(argv);
    r->count_wall_s = hb_now_s() - t0;
    if (st > 128 && hb_rundir_signal())
        return st;
    if (st != 0) {
        char line[512];
        last_line(cf.log, line, sizeof line);
        snprintf(why, sizeof why, "the counted run failed (status %d): %.400s", st, line);
        return count_skip(r, why);
    }
    if (count_read(r, &cf) == 0 && !r->count_why[0])
        snprintf(r->count_source, sizeof r->count_source, "callgrind (exact, %s)", ver);
    unlink(cf.cg);
    unlink(cf.runs);
    unlink(cf.log);
    return 0;
}
