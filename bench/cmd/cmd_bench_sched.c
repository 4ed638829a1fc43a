/*
 * cmd_bench_sched.c - the plan of `heapbench bench`, the scheduler that
 * spends processes on it, and the progress line with its ETA.
 *
 * In rounds, each family runs one process a round (a chunk each,
 * cmd_bench_chunk.c) while the rule (bench/instrument/sampling.h) wants
 * more of its benchmarks and the budget allows; a chunk measures only the
 * benchmarks still sampled.  Rounds share the budget fairly among the
 * families and spread each one's processes over the run's whole time, so
 * a load that comes and goes lands in every family's spread.  The ETA
 * replays the same rule over the plan, each benchmark costing what it took
 * so far, or its family's prior scaled by how the measured benchmarks
 * compare with theirs.
 */
#define _GNU_SOURCE
#include "bench/cmd/cmd_bench.h"

#include "bench/base/clock.h"
#include "bench/base/err.h"
#include "bench/base/vec.h"
#include "bench/stats/hstats.h"
#include "bench/families/family.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* The rule by profile (quick, default, full): the minimum processes, the
 * interval half-width (%) to stop at, the budget (s), and the repetition
 * time from which a benchmark gets one repetition a process (with it, a
 * family's first process runs one repetition of each: what one costs is
 * unknown until then, and full's largest sizes take a minute for three).  Quick and default keep a fixed count (their few processes are
 * all needed for an interval); full stops a benchmark whose interval is
 * within 2 % after 3 processes and ends in 40 min (a 45-minute goal, less
 * one chunk's misestimate). */
static const int profile_min[] = { 0, 0, 3 };
static const double profile_target[] = { 0, 0, 2 };
static const double profile_budget[] = { 0, 0, 40 * 60 };
static const double profile_heavy[] = { 0, 0, 1.0 };

double bench_heavy_s(const struct bench_opts *o)
{
    return o->reps > 1 ? profile_heavy[o->profile] : 0;
}

struct hb_sampling bench_rule(const struct bench_opts *o)
{
    struct hb_sampling s = { .max_procs = o->procs };
    int min = o->min_procs ? o->min_procs : profile_min[o->profile];

    s.target_pct = o->target_pct >= 0 ? o->target_pct : profile_target[o->profile];
    s.budget_s = o->budget_s >= 0 ? o->budget_s : profile_budget[o->profile];
    s.min_procs = min && min < o->procs && s.target_pct > 0 ? min : o->procs;
    s.floor_procs = s.budget_s > 0 ? (o->procs < 2 ? o->procs : 2) : o->procs;
    s.first_one_rep = bench_heavy_s(o) > 0;
    return s;
}

/* ------------------------------------------------------------------------
 * The plan
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
    *b = (struct plan_bench){ .name = strdup(name), .family = hb_family_of(name),
                              .active = true, .expect = r->o->procs };
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

/* The samples and the ETA's scratch, once the plan is known. */
static int plan_alloc(struct bench_run *r)
{
    size_t per = (size_t)r->o->procs + (size_t)r->o->reps;

    r->samples = calloc(r->nb * per, sizeof *r->samples);
    r->eta_cost = calloc(r->nb, sizeof *r->eta_cost);
    r->eta_cost1 = calloc(r->nb, sizeof *r->eta_cost1);
    r->eta_expect = calloc(r->nb, sizeof *r->eta_expect);
    r->eta_done = calloc(r->nb, sizeof *r->eta_done);
    r->eta_fam = calloc(r->nfam, sizeof *r->eta_fam);
    if (!r->samples || !r->eta_cost || !r->eta_cost1 || !r->eta_expect || !r->eta_done || !r->eta_fam)
        return -ENOMEM;
    for (size_t i = 0; i < r->nb; i++) {
        r->b[i].med = r->samples + i * per;
        r->b[i].rep = r->b[i].med + r->o->procs;
    }
    return 0;
}

/* Every family registers its benchmarks; the plan is what the filter
 * keeps of them. */
int bench_plan(struct bench_run *r)
{
    char bad[256] = "";
    struct hb_gb_suite s = { 0 };
    long n;

    r->rule = bench_rule(r->o);
    r->heavy_s = bench_heavy_s(r->o);
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
    if (r->add_err || (n > 0 && r->nb && plan_alloc(r))) {
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
 * The ETA
 * ------------------------------------------------------------------------ */

void bench_fmt_duration(char *buf, size_t len, double s)
{
    if (!isfinite(s) || s < 0)
        s = 0;
    if (s < 90)
        snprintf(buf, len, "%.0f s", s);
    else
        snprintf(buf, len, "%.0f min %02.0f s", floor(s / 60), fmod(floor(s), 60));
}

/* What one more process of a measured benchmark costs: its last process's
 * time, per repetition times the repetitions it will run (the latest
 * process follows a changing load, and a family's first process, which
 * may populate memory the others reuse, is not taken as typical). */
static double measured_cost(const struct bench_run *r, const struct plan_bench *b, bool one)
{
    if (!b->last_reps)
        return b->last_s;
    return b->last_s / b->last_reps * (b->heavy || one ? 1 : r->o->reps);
}

/* Per family: the cost of each benchmark measured so far, summed, and the
 * same benchmarks' priors; *all_s and *all_p: over every family. */
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
        pf->seen_s += measured_cost(r, b, false);
        pf->nseen++;
        pf->prior_s += pf->def->prior_s[pr] * reps;
    }
    *all_s = *all_p = 0;
    for (size_t f = 0; f < r->nfam; f++)
        *all_s += r->fam[f].seen_s, *all_p += r->fam[f].prior_s;
}

/*
 * One process of a benchmark costs what its last process took, else its
 * family's prior scaled by how the run's measured benchmarks compare with
 * their priors: the family's own ratio as far as it is measured, the rest
 * the whole run's to the power 0.75.  The power shrinks the other families' ratio
 * towards the prior: a load that slows the threaded memory baseline 3-5x
 * slows the single-threaded families less (the square root did best on
 * three quick runs at loads 1.6 to 9), but on a quick run at load 13
 * every family slowed 4-9x, baseline 9x, and the square root predicted
 * half the time left at the first minute.
 */
static double bench_cost(struct bench_run *r, const struct plan_bench *b, double all_s,
                         double all_p, bool one)
{
    const struct plan_family *pf = &r->fam[b->family < 0 ? 0 : b->family];
    double run = all_p > 0 && all_s > 0 ? 0.75 * log(all_s / all_p) : 0;
    /* A chunk's first benchmarks carry the process's set-up (its
     * fixtures): a family's own ratio counts by the share of it measured
     * (in logs; on a quick run at load 7 taking it whole after a tenth
     * predicted +74 %, one benchmark's set-up spread over the family). */
    double w = pf->planned ? (double)pf->nseen / (double)pf->planned : 0;
    double own = pf->prior_s > 0 && pf->seen_s > 0 ? log(pf->seen_s / pf->prior_s) : run;
    double scale = exp(w * own + (1 - w) * run);

    if (b->procs_done)
        return measured_cost(r, b, one);
    return pf->def->prior_s[r->o->profile] * (one ? 1 : r->o->reps) * scale;
}

/* The plan by family into the ETA's arrays.  A benchmark is expected to
 * get the processes the rule expects of it (hb_sampling_expect): without
 * a spread yet, all it may (the budget's replay then caps the run).  Not
 * a guess from the benchmarks measured so far: in rounds, those are the
 * first families' two processes, or the skips (one process each), and on
 * the full profile such a guess put the end at a fifth of the run. */
static void eta_fill(struct bench_run *r)
{
    double all_s, all_p;
    size_t k = 0;

    eta_tally(r, &all_s, &all_p);
    for (size_t f = 0; f < r->nfam; f++) {
        struct hb_sampling_fam *ef = &r->eta_fam[f];

        *ef = (struct hb_sampling_fam){ .cost_s = r->eta_cost + k, .cost1_s = r->eta_cost1 + k,
                                        .expect = r->eta_expect + k, .done = r->eta_done + k,
                                        .one_rep_now = r->one_rep && (int)f == r->chunk_family };
        for (size_t i = 0; i < r->nb; i++) {
            const struct plan_bench *b = &r->b[i];

            if (b->family != (int)f)
                continue;
            r->eta_cost[k] = bench_cost(r, b, all_s, all_p, false);
            r->eta_cost1[k] = bench_cost(r, b, all_s, all_p, true);
            r->eta_expect[k] = b->expect;
            if (r->eta_expect[k] <= b->procs_done && b->active)
                r->eta_expect[k] = b->procs_done + 1;
            r->eta_done[k] = b->procs_done;
            k++, ef->nb++;
        }
    }
}

double bench_eta(struct bench_run *r, long *runs)
{
    size_t cur = r->chunk_family < 0 ? r->nfam : (size_t)r->chunk_family;
    int proc = r->chunk_family < 0 ? -1 : (int)r->chunk_proc;
    double t = r->t0 > 0 ? hb_now_s() - r->t0 : 0;

    eta_fill(r);
    return hb_sampling_eta(&r->rule, r->eta_fam, r->nfam, cur, proc, t, runs);
}

/* ------------------------------------------------------------------------
 * Progress: progress.log always; on a terminal one live line, else a
 * line at the end of each chunk and every 30 s
 * ------------------------------------------------------------------------ */

void bench_console_setup(struct bench_run *r)
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

/* Which of its family's benchmarks name is, from 1 (0: not planned). */
static size_t family_index(struct bench_run *r, const char *name)
{
    const struct plan_bench *b = plan_find(r, name);
    size_t k = 0;

    for (const struct plan_bench *x = r->b; b && x <= b; x++)
        k += x->family == b->family;
    return k;
}

/* The predicted wall time at 1, 5 and 20 minutes (environment.csv). */
static void note_eta(struct bench_run *r, double t, double eta)
{
    static const double at[3] = { 60, 300, 1200 };

    for (int i = 0; i < 3; i++)
        if (t >= at[i] && !(r->eta_at[i] > 0))
            r->eta_at[i] = t + eta;
}

static void progress_line(struct bench_run *r, const char *name, bool chunk_end, long total,
                          double t, const char *left)
{
    char el[32], line[256], nm[256], plain[256];
    long p = r->chunk_proc + 1;
    const char *fam = r->fam[r->chunk_family].def->name;

    bench_fmt_duration(el, sizeof el, t);
    bench_plain_name(plain, sizeof plain, chunk_end ? "done" : name);
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

static void progress(struct bench_run *r, const char *name, bool chunk_end)
{
    char left[32];
    long runs = 0;
    double t = hb_now_s() - r->t0, eta = bench_eta(r, &runs);

    bench_fmt_duration(left, sizeof left, eta);
    note_eta(r, t, eta);
    if (r->log)
        fprintf(r->log, "%.1f %ld %ld %.1f\n", t, r->done, r->done + runs, eta);
    progress_line(r, name, chunk_end, r->done + runs, t, left);
}

/* ------------------------------------------------------------------------
 * The repetitions as they come back, and the stopping rule
 * ------------------------------------------------------------------------ */

/* A benchmark's last repetition in this process: its median joins the
 * samples, and the rule says whether it wants another process. */
static void bench_sampled(struct bench_run *r, struct plan_bench *b)
{
    struct hb_stats st;

    hb_stats_compute(b->rep, (size_t)b->nrep, &st);
    if (b->procs_done < r->o->procs)
        b->med[b->procs_done] = b->nrep ? st.median : NAN;
    b->procs_done++;
    b->nrep = 0;
    b->heavy = r->heavy_s > 0 && b->reps_seen && b->seen_s / b->reps_seen >= r->heavy_s;
    b->active = !hb_sampling_done(&r->rule, b->med, (size_t)b->procs_done);
    b->expect = hb_sampling_expect(&r->rule, b->med, (size_t)b->procs_done);
}

static void took(void *arg, const struct hb_gb_run *from_child)
{
    struct bench_run *r = arg;
    struct hb_gb_run run = *from_child;
    struct plan_bench *b;
    double now;
    int rc;

    run.process = r->chunk_proc;
    rc = hb_results_add(&r->res, &run);
    if (rc && !r->add_err)
        r->add_err = rc;
    b = plan_find(r, run.name);
    if (b && !run.error && b->nrep < r->o->reps && isfinite(run.real_ns))
        b->rep[b->nrep++] = run.real_ns;
    if (b)
        b->reps_seen++, b->cur_reps++;
    if (!run.last)
        return;
    /* A benchmark's last repetition moves the progress on. */
    now = hb_now_s() - r->t0;
    if (b) {       /* a skip is told at the end, with the others of its reason */
        b->seen_s += now - r->bench_t0;
        b->last_s = now - r->bench_t0;
        b->last_reps = b->cur_reps;
        b->cur_reps = 0;
        bench_sampled(r, b);
    }
    r->bench_t0 = now;
    r->done++;
    progress(r, run.name, false);
}

/* ------------------------------------------------------------------------
 * The scheduler
 * ------------------------------------------------------------------------ */

/* The chunks of a family's process: its light benchmarks, its heavy ones
 * (one repetition each), or all of them. */
enum chunk_part { PART_LIGHT, PART_HEAVY, PART_ALL };

static bool in_chunk(const struct plan_bench *b, size_t f, enum chunk_part part)
{
    return b->family == (int)f && b->active && (part == PART_ALL || b->heavy == (part == PART_HEAVY));
}

/* The benchmarks of that part of family f's process as one anchored regex
 * into *re; NULL if that is every benchmark of f (the run's --filter then
 * selects them).  The number of benchmarks in the chunk. */
static size_t chunk_filter(const struct bench_run *r, size_t f, enum chunk_part part, char **re)
{
    size_t len = 8, all = 0, act = 0;
    char *p;

    for (size_t i = 0; i < r->nb; i++)
        if (r->b[i].family == (int)f) {
            all++;
            act += in_chunk(&r->b[i], f, part);
            len += in_chunk(&r->b[i], f, part) ? 2 * strlen(r->b[i].name) + 1 : 0;
        }
    *re = NULL;
    if (act == all || !act || !(*re = p = malloc(len)))
        return act;
    *p++ = '^', *p++ = '(';
    for (size_t i = 0; i < r->nb; i++) {
        if (!in_chunk(&r->b[i], f, part))
            continue;
        if (p[-1] != '(')
            *p++ = '|';
        for (const char *c = r->b[i].name; *c; c++) {
            if (strchr(".[]{}()*+?^$|\\", *c))
                *p++ = '\\';
            *p++ = *c;
        }
    }
    strcpy(p, ")$");
    return act;
}

/* Seconds one process of family f costs, its active benchmarks, at all
 * their repetitions or one, at the costs the ETA filled in. */
static double chunk_cost(const struct bench_run *r, size_t f, bool one)
{
    const struct hb_sampling_fam *ef = &r->eta_fam[f];
    double c = 0;
    size_t k = 0;

    for (size_t i = 0; i < r->nb; i++)
        if (r->b[i].family == (int)f) {
            if (r->b[i].active)
                c += one ? ef->cost1_s[k] : ef->cost_s[k];
            k++;
        }
    return c;
}

/* How family f runs process p (sampling.h): not at all when no benchmark
 * wants it or the budget has no room for it and the rest of round p. */
static enum hb_sampling_mode want_chunk(struct bench_run *r, size_t f, long p)
{
    struct hb_sampling_cost c = { 0 };

    bench_eta(r, NULL);      /* fills the costs */
    c.chunk = chunk_cost(r, f, false);
    c.one1 = chunk_cost(r, f, true);
    for (size_t g = f + 1; g < r->nfam; g++) {
        c.later += chunk_cost(r, g, false);
        c.later1 += chunk_cost(r, g, true);
    }
    return hb_sampling_mode(&r->rule, (int)p, hb_now_s() - r->t0, &c);
}

/* Family f in process p: its benchmarks still sampled, in one chunk (one
 * fresh process), those with one repetition in another; all in one at one
 * repetition when the budget says so.  *k counts the chunks. */
static int run_chunk(struct bench_run *r, size_t f, long p, long *k, enum hb_sampling_mode m)
{
    static const enum chunk_part parts[2][2] = { { PART_LIGHT, PART_HEAVY },
                                                 { PART_ALL, PART_ALL } };
    struct bench_reporter rep = { took, r };
    bool one = m == HB_SAMPLING_ONE_REP;
    int rc = 0;

    r->chunk_family = (int)f;
    r->chunk_proc = p;
    r->one_rep = one;
    for (int i = 0; i < (one ? 1 : 2) && !rc; i++) {
        enum chunk_part part = parts[one][i];
        char *filter;

        if (!chunk_filter(r, f, part, &filter))
            continue;
        r->bench_t0 = hb_now_s() - r->t0;
        rc = bench_run_chunk(r, (int)f, (*k)++, filter,
                             part == PART_LIGHT ? r->o->reps : 1, &rep);
        free(filter);
    }
    if (one)
        r->one_rep_procs++;
    r->one_rep = false;
    if (!rc)
        progress(r, "", true);
    return rc;
}

/* The load averages (1, 5, 15 min) as /proc/loadavg has them, or "". */
static void read_load(char *buf, size_t len)
{
    FILE *f = fopen("/proc/loadavg", "r");
    double a, b, c;

    buf[0] = '\0';
    if (f && fscanf(f, "%lf %lf %lf", &a, &b, &c) == 3)
        snprintf(buf, len, "%.2f %.2f %.2f", a, b, c);
    if (f)
        fclose(f);
}

int bench_run_chunks(struct bench_run *r)
{
    long k = 0;
    int rc = 0;

    r->t0 = 0;
    r->chunk_family = -1;     /* no process in progress */
    printf("heapbench bench: profile %s, %zu benchmarks x %d processes x %d repetitions\n"
           "first estimate: about %.0f min (re-estimated as benchmarks finish)\n",
           r->o->profile_name, r->nb, r->o->procs, r->o->reps, ceil(bench_eta(r, NULL) / 60));
    fflush(stdout);
    read_load(r->load_start, sizeof r->load_start);
    r->t0 = hb_now_s();
    for (long p = 0; p < r->o->procs && !rc; p++) {
        bool any = false;

        for (size_t f = 0; f < r->nfam && !rc; f++) {
            enum hb_sampling_mode m = r->fam[f].planned ? want_chunk(r, f, p) : HB_SAMPLING_STOP;

            if (m == HB_SAMPLING_STOP)
                continue;
            any = true;
            rc = run_chunk(r, f, p, &k, m);
        }
        if (!any)
            break;
    }
    if (r->tty)
        putchar('\n');
    r->wall_s = hb_now_s() - r->t0;
    read_load(r->load_end, sizeof r->load_end);
    r->chunks = k;
    return rc;
}

/* ------------------------------------------------------------------------
 * How the processes were spent
 * ------------------------------------------------------------------------ */

static int cmp_int(const void *a, const void *b)
{
    return (*(const int *)a > *(const int *)b) - (*(const int *)a < *(const int *)b);
}

void bench_sampling_tally(const struct bench_run *r, struct bench_sampled *c)
{
    int *n = calloc(r->nb ? r->nb : 1, sizeof *n);
    size_t k = 0;

    *c = (struct bench_sampled){ 0 };
    for (size_t i = 0; i < r->nb && n; i++) {
        const struct plan_bench *b = &r->b[i];

        c->runs += b->procs_done;
        if (!b->procs_done || !isfinite(b->med[0]))
            continue;          /* skipped: told with the others */
        n[k++] = b->procs_done;
        if (b->procs_done >= r->rule.max_procs)
            c->at_max++;
        else if (b->active)
            c->cut++;
        else
            c->narrow++;
    }
    if (k) {
        qsort(n, k, sizeof *n, cmp_int);
        c->min = n[0], c->max = n[k - 1], c->median = n[k / 2];
    }
    free(n);
}

void bench_print_sampling(const struct bench_run *r)
{
    struct bench_sampled c;

    bench_sampling_tally(r, &c);
    if (c.min == c.max) {
        printf("processes per benchmark: %d\n", c.max);
        return;
    }
    printf("processes per benchmark: %d to %d, median %d; %zu stopped within "
           "+/-%g %%, %zu at %d, %zu cut by the budget\n", c.min, c.max, c.median,
           c.narrow, r->rule.target_pct, c.at_max, r->rule.max_procs, c.cut);
    if (r->one_rep_procs)
        printf("the budget ran %ld family processes at one repetition\n", r->one_rep_procs);
}
