/*
 * cmd_bench.h - what the files of `heapbench bench` share (private to
 * them): the options, the run's state, and the calls between the command
 * (cmd_bench.c: options, the run from start to published folder), the
 * scheduler (cmd_bench_sched.c: plan, processes, progress) and the chunk
 * runner (cmd_bench_chunk.c: one family measured in
 * one fresh process, its repetitions sent back through a pipe, the
 * processes' JSON joined at the end).
 */
#ifndef HB_CMD_BENCH_H
#define HB_CMD_BENCH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "bench/families/family.h"
#include "bench/families/harness.h"
#include "bench/instrument/gbench.h"
#include "bench/instrument/membudget.h"
#include "bench/instrument/perfctr.h"
#include "bench/instrument/sampling.h"
#include "bench/instrument/tidy.h"
#include "bench/source/layout.h"

struct bench_opts {
    enum hb_profile profile;
    const char *profile_name;
    const char *filter;
    const char *out;
    int reps;
    int procs;                /* at most this many per benchmark */
    int min_procs;            /* --min-processes: the rule's minimum */
    double target_pct;        /* --target: stop at this half-width; 0 never */
    double budget_s;          /* --budget: wall-clock budget; 0 none */
    bool verbose;
    bool list;                /* --list: print the plan, run nothing */
    bool count;               /* --count: also count under callgrind */
    const char *count_child;  /* --count-child FILE: be the counted process */
    uint64_t mem_budget;      /* --mem-budget; 0: leave 25 % (membudget.h) */
    int xen;                  /* --xen: enum pa_xen_version (0: 4.17) */
    struct hb_layout_opts lopts;
    int gb_argc;              /* after "--" */
    char **gb_argv;
    int argc;                 /* the whole command line, for the record */
    char **argv;
};

/* A benchmark of the plan: how long it took in all the processes that ran
 * it so far, in how many processes it is done, and its samples for the
 * stopping rule (sampling.h). */
struct plan_bench {
    char *name;
    int family;               /* index in the family registry, -1 unknown */
    double seen_s;
    int procs_done;
    double *med;              /* per-process medians of real_ns (o->procs) */
    double *rep;              /* this process's repetitions (o->reps) */
    int nrep;
    long reps_seen;           /* repetitions over every process */
    int cur_reps;             /* repetitions in the process running it now */
    double last_s;            /* its last process: seconds, repetitions */
    int last_reps;
    bool heavy;               /* one repetition takes heavy_s or more */
    int expect;               /* processes it will likely get */
    bool active;              /* still sampled */
};

/* Per family: its registry entry, benchmarks planned, and the ETA's
 * scratch (progress_eta). */
struct plan_family {
    const struct hb_family *def;
    size_t planned;
    double seen_s, prior_s;
    size_t nseen;
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
    struct plan_family *fam;  /* by registry index (family.h) */
    size_t nfam;
    struct hb_sampling rule;  /* processes per benchmark (sampling.h) */
    double heavy_s;           /* a repetition this long: 1 a process; 0 off */
    double *samples;          /* the plan's med and rep arrays, one block */
    double *eta_cost;         /* the ETA's scratch, by family (nb each) */
    double *eta_cost1;        /* the same at one repetition */
    bool one_rep;             /* the process running is at one repetition */
    long one_rep_procs;       /* family processes the budget cut to one */
    int *eta_expect, *eta_done;
    struct hb_sampling_fam *eta_fam;
    double eta_at[3];         /* predicted wall time at 1, 5, 20 min */
    double wall_s;            /* the timed chunks' wall time */
    char load_start[48], load_end[48];   /* /proc/loadavg's first three */
    char *chunk_filter;       /* the active benchmarks of the chunk, or NULL */
    long done, chunks;        /* benchmark-process runs done; chunks run */
    int chunk_family;         /* the chunk running now; -1: none yet */
    long chunk_proc;
    double bench_t0;          /* when the current benchmark started */
    double t0;                /* when the measuring began (hb_now_s) */
    bool tty;                 /* a live line instead of plain lines */
    int cols;
    double last_line;
    FILE *log;                /* progress.log */
    uint64_t mem_start;       /* MemAvailable when the run began */
    struct hb_membudget mem;  /* what may be live at once (ctx.mem) */
    char count_source[96];    /* "callgrind (exact, valgrind-X)", or "" */
    char count_why[640];      /* why not counted ("" : counted or not asked) */
    double count_bracket;     /* instructions of one on/off pair */
    double count_wall_s;      /* the counted run's wall time */
};

/* ------------------------------------------------------------------------
 * The chunk runner (cmd_bench_chunk.c)
 * ------------------------------------------------------------------------ */

/* Google Benchmark's flags for the run: ours first, the user's (after --)
 * last so that they win.  NULL if out of memory. */
char **bench_gb_flags(const struct bench_opts *o, int *argc);
/* Run suite s (its callbacks and paths set) with o's flags: the number of
 * benchmark runs, or -1 with the reason printed. */
long bench_run_suite(struct hb_gb_suite *s, const struct bench_opts *o);
/* Where a chunk's repetitions go, one call each, in order. */
struct bench_reporter {
    void (*took)(void *arg, const struct hb_gb_run *run);
    void *arg;
};
/* Family fam (registry index) in a fresh process, the k-th chunk of the
 * run, its benchmarks those of filter (NULL: the run's --filter), reps
 * repetitions each; every repetition goes to rep.  0, or the exit status
 * to return (128 + a signal caught). */
int bench_run_chunk(struct bench_run *r, int fam, long k, const char *filter, int reps,
                    const struct bench_reporter *rep);
/* gbench.json from the chunks' files (removed): 0 or -errno. */
int bench_merge_json(const struct bench_run *r, long chunks);

/* ------------------------------------------------------------------------
 * The plan, the scheduler and the progress line (cmd_bench_sched.c)
 * ------------------------------------------------------------------------ */

/* The rule of profile/options o (sampling.h). */
struct hb_sampling bench_rule(const struct bench_opts *o);
/* A repetition from which a benchmark gets one repetition a process after
 * its first (0: never). */
double bench_heavy_s(const struct bench_opts *o);
/* Every benchmark selected, by family: 0 or the exit status. */
int bench_plan(struct bench_run *r);
/* Seconds the rest of the run will take (the rule replayed, sampling.h);
 * *runs (if not NULL): benchmark runs left. */
double bench_eta(struct bench_run *r, long *runs);
/* progress.log and the console line set up in r->dir. */
void bench_console_setup(struct bench_run *r);
/* The timed chunks: in rounds, a process of each family a round, while
 * the rule and the budget want more.  0 or the exit status. */
int bench_run_chunks(struct bench_run *r);
/* How the processes went: benchmark runs, the spread of processes per
 * benchmark measured (skips aside), and why each stopped. */
struct bench_sampled {
    long runs;
    int min, median, max;
    size_t narrow, at_max, cut;   /* within the target, at most, budget */
};
void bench_sampling_tally(const struct bench_run *r, struct bench_sampled *c);
/* That, as one line on the console. */
void bench_print_sampling(const struct bench_run *r);
/* "12 s", "3 min 04 s" */
void bench_fmt_duration(char *buf, size_t len, double s);

/* ------------------------------------------------------------------------
 * The console (cmd_bench_console.c)
 * ------------------------------------------------------------------------ */

/* name into out, at most max columns: whole, or its head and tail around
 * "..." (never cut at one end only). */
void bench_shorten(char *out, size_t len, const char *name, size_t max);
/* name without Google Benchmark's run settings ("/min_time:0.020", ...),
 * which every benchmark of a run shares: what identifies it is left. */
void bench_plain_name(char *out, size_t len, const char *name);
/* The skipped benchmarks, one entry per reason (reasons that differ only
 * in their numbers are one): count, reason, an example benchmark (on a
 * line of its own if the reason leaves no room); at most cols - 1 columns
 * where the reason allows. */
void bench_print_skips(const struct hb_results *res, int cols);
/* On stderr, before d is removed: the run was stopped by a signal (rc:
 * 128 + signal) and what is removed (its temporary folder, and --out if
 * the run made it). */
struct hb_rundir;
void bench_say_discarded(const struct bench_run *r, const struct hb_rundir *d, int rc);
/* Whether a Google Benchmark flag after "--" is one heapbench sets (the
 * flag and the option to use instead, on one line): 0, or -1. */
int bench_check_gb_flags(int argc, char **argv);
/* --list: every benchmark of the plan, then the counts and the prior ETA. */
void bench_print_plan(const struct bench_run *r, double eta_s);
/* A repetition as one line (fields separated by 0x1f; arg: the FILE), and
 * back: the line is split in place, cv holds up to BENCH_MAX_COUNTERS.
 * 0 or -EINVAL. */
#define BENCH_MAX_COUNTERS 32
void bench_put_run(const struct hb_gb_run *run, void *arg);
int bench_parse_run(char *line, struct hb_gb_run *run, struct hb_gb_counter_value *cv);

/* ------------------------------------------------------------------------
 * Counting (cmd_bench_count.c)
 * ------------------------------------------------------------------------ */

/* --count, after the timed chunks: every selected benchmark once under
 * callgrind, its exact counts into the rows (r->res).  0, or the exit
 * status to return (a signal caught); a run that cannot count says why in
 * one line and r->count_why, and returns 0. */
int bench_count(struct bench_run *r);
/* --count-child: the counted process itself (under valgrind).  Runs the
 * selected benchmarks once and writes their runs into o->count_child. */
int bench_count_child(struct bench_run *r);

/* cmd_bench_opts.c: the options into o (the profile's processes and
 * repetitions where not given).  HB_OPTS_GO, or the exit status to return
 * (0 after --help, 2 after one error line). */
int bench_parse_opts(struct bench_opts *o, int argc, char **argv);
/* The entry of word ("--name" or "--name=VALUE") in bench's table, or NULL. */
struct hb_opt;
const struct hb_opt *bench_find_opt(const char *word);

/* cmd_bench_xen.c: copy $(dirname heapbench)/xen/fidelity.csv (make
 * xen-check), variants.csv and variants-model.csv (make xen-bench), those
 * there are, into dir as xen_fidelity.csv, xen_variants.csv and
 * xen_variants_model.csv, each noted in environment.csv; 0 (also when
 * there are none), -1 if a copy failed. */
int bench_copy_fidelity(const char *dir);

#endif
