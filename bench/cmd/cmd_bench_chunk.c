/*
 * cmd_bench_chunk.c - the chunk runner of `heapbench bench`: one family
 * measured in one fresh process (cmd_bench.h).
 *
 * The parent forks; the child registers the family, runs Google Benchmark
 * into the temporary folder (.gbench-<k>.json, console.log) and writes one
 * line per repetition into a pipe; the parent reads the lines back and
 * hands each to the caller's reporter.  Signals caught meanwhile are
 * passed to the child (bench/instrument/rundir.h).  At the end the chunks'
 * JSON files are joined into gbench.json.
 */
#define _GNU_SOURCE
#include "bench/cmd/cmd_bench.h"

#include "bench/base/err.h"
#include "bench/base/vec.h"
#include "bench/families/family.h"
#include "bench/instrument/rundir.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

/* --benchmark_min_time by profile (quick, default, full): Google
 * Benchmark's 0.5 s per repetition buys little once processes are the
 * samples. */
static const char *const profile_min_time[] = { "0.02", "0.05", "0.2" };

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

void bench_put_run(const struct hb_gb_run *run, void *arg)
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

int bench_parse_run(char *line, struct hb_gb_run *run, struct hb_gb_counter_value *cv)
{
    char *f[12 + 2 * BENCH_MAX_COUNTERS];
    size_t n = split_fields(line, f, sizeof f / sizeof f[0]), nc;

    if (n < 12)
        return -EINVAL;
    nc = strtoul(f[11], NULL, 10);
    if (nc > BENCH_MAX_COUNTERS || n != 12 + 2 * nc)
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

/* One repetition back from the child, to the reporter. */
static void take_line(struct bench_run *r, char *line, const struct bench_reporter *rep)
{
    struct hb_gb_run run;
    struct hb_gb_counter_value cv[BENCH_MAX_COUNTERS];

    if (bench_parse_run(line, &run, cv)) {
        if (!r->add_err)
            r->add_err = -EPROTO;
        return;
    }
    rep->took(rep->arg, &run);
}

/* ------------------------------------------------------------------------
 * The measuring child: one family in one process
 * ------------------------------------------------------------------------ */

long bench_run_suite(struct hb_gb_suite *s, const struct bench_opts *o)
{
    char bad[256] = "";
    long n;

    s->argv = bench_gb_flags(o, &s->argc);
    if (!s->argv) {
        hb_err("out of memory");
        return -1;
    }
    n = hb_gb_run_suite(s, bad, sizeof bad);
    if (n < 0) {
        hb_err("google-benchmark could not run: %s", *bad ? bad : strerror((int)-n));
        return -1;
    }
    return n;
}

char **bench_gb_flags(const struct bench_opts *o, int *argc)
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

/* The suite ran (n benchmarks) but did its JSON reach the disk? */
static int check_json(const struct bench_run *r, const char *json, long n)
{
    struct statvfs v;
    bool full;

    if (n <= 0 || json_complete(json))
        return HB_EXIT_OK;
    full = !statvfs(r->dir, &v) && (uint64_t)v.f_bavail * v.f_frsize < (64 << 10);
    hb_err("cannot write the results into %s: gbench.json is incomplete (%s)", r->dir,
           full ? strerror(ENOSPC) : "disk full?");
    return HB_EXIT_FAIL;
}

static int child_main(struct bench_run *r, int fam, long k, const char *filter, int reps,
                      int fd)
{
    char json[PATH_MAX], console[PATH_MAX];
    struct hb_gb_suite s;
    struct bench_opts o = *r->o;
    FILE *out = fdopen(fd, "w");
    long n;

    if (!out)
        return HB_EXIT_FAIL;
    hb_gb_clear();
    r->fam[fam].def->reg(&r->ctx);
    chunk_json(r, k, json, sizeof json);
    snprintf(console, sizeof console, "%s/console.log", r->dir);
    s = (struct hb_gb_suite){ .json_path = json, .on_run = bench_put_run, .arg = out,
                              .console_path = console, .console_echo = r->o->verbose };
    if (filter)
        o.filter = filter;
    o.reps = reps;
    if ((n = bench_run_suite(&s, &o)) < 0)
        return HB_EXIT_FAIL;
    if (check_json(r, json, n))
        return HB_EXIT_FAIL;
    return fclose(out) ? HB_EXIT_FAIL : HB_EXIT_OK;
}

/* ------------------------------------------------------------------------
 * The waiting parent
 * ------------------------------------------------------------------------ */

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
static void read_child(struct bench_run *r, int fd, const struct bench_reporter *rep)
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
            take_line(r, line, rep);
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

/* Fork the measuring child, signals held back (*old: the mask to go back
 * to); the parent gets the pipe's reading end in *fd. */
static pid_t fork_child(struct bench_run *r, int fam, long k, const char *filter, int reps,
                        const sigset_t *old, int *fd)
{
    pid_t parent = getpid(), pid;
    int p[2];

    if (pipe(p)) {
        hb_err("cannot make a pipe: %s", strerror(errno));
        return -1;
    }
    fflush(NULL);
    pid = fork();
    if (pid == 0) {
        int rc = HB_EXIT_FAIL;

        close(p[0]);
        if (!hb_rundir_child_signals(parent, old))
            rc = child_main(r, fam, k, filter, reps, p[1]);
        fflush(NULL);
        _exit(rc);
    }
    close(p[1]);
    if (pid < 0) {
        close(p[0]);
        hb_err("cannot fork: %s", strerror(errno));
        return -1;
    }
    *fd = p[0];
    return pid;
}

int bench_run_chunk(struct bench_run *r, int fam, long k, const char *filter, int reps,
                    const struct bench_reporter *rep)
{
    sigset_t old;
    pid_t pid;
    int fd, rc;

    hb_rundir_block_signals(&old);
    if (hb_rundir_signal()) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        return 128 + hb_rundir_signal();
    }
    pid = fork_child(r, fam, k, filter, reps, &old, &fd);
    if (pid > 0)
        hb_rundir_set_child(pid);
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (pid < 0)
        return HB_EXIT_FAIL;
    read_child(r, fd, rep);
    rc = wait_child(pid);
    hb_rundir_set_child(0);
    if (hb_rundir_signal() && !rc)
        rc = 128 + hb_rundir_signal();
    return rc;
}

/* ------------------------------------------------------------------------
 * Putting the chunks together
 * ------------------------------------------------------------------------ */

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    char *buf = NULL;
    size_t cap = 0, n = 0, got;

    if (!f)
        return NULL;
    do {
        if (hb_vec_grow((void **)&buf, &cap, n + 8192, 1)) {
            free(buf);
            fclose(f);
            return NULL;
        }
        got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
    } while (got);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

/* The array's contents: after '"benchmarks": [' up to its closing ']',
 * blanks at either end dropped. */
static bool json_items(char *text, char **from, char **to)
{
    char *a = strstr(text, "\"benchmarks\": [");
    char *z = strrchr(text, ']');

    if (!a || !z || z < a)
        return false;
    a += strlen("\"benchmarks\": [");
    while (a < z && (*a == '\n' || *a == ' '))
        a++;
    while (z > a && (z[-1] == '\n' || z[-1] == ' '))
        z--;
    *from = a;
    *to = z;
    return true;
}

/* One chunk's file into out: its head (the context) if none written yet,
 * its items after a comma if some were. */
static void merge_chunk(FILE *out, char *text, bool *head, bool *first)
{
    char *a, *z;

    if (!json_items(text, &a, &z))
        return;
    if (!*head) {
        fwrite(text, 1, (size_t)(a - text), out);
        *head = true;
    }
    if (z > a) {
        fputs(*first ? "" : ",\n    ", out);
        fwrite(a, 1, (size_t)(z - a), out);
        *first = false;
    }
}

/* gbench.json: the first chunk's context, every chunk's benchmarks. */
int bench_merge_json(const struct bench_run *r, long chunks)
{
    char path[PATH_MAX];
    FILE *out;
    bool first = true, head = false;
    int rc;

    snprintf(path, sizeof path, "%s/gbench.json", r->dir);
    out = fopen(path, "w");
    if (!out)
        return -errno;
    for (long k = 0; k < chunks; k++) {
        char cpath[PATH_MAX], *text;

        chunk_json(r, k, cpath, sizeof cpath);
        text = slurp(cpath);
        if (!text)
            continue;      /* a family the filter left empty */
        merge_chunk(out, text, &head, &first);
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
