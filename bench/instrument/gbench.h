/*
 * gbench.h - a small C interface to Google Benchmark (libbenchmark 1.7).
 *
 * Benchmarks are written in C and the library has no C API, so gbench.cc
 * (the project's only C++ file) wraps what we use: registration of a C
 * function by name, arguments, counters, labels, manual timing, skips,
 * threads, repetitions, and the suite run with a per-run callback, so that
 * C writes the tidy CSV while the library's JSON is written untouched.
 * The run loop is batched (hb_gb_keep_running_batch: no C++ crossing per
 * page, never more iterations than the library asked for), and every loop
 * is bracketed by perfctr.h's counters.  A benchmark's skeleton is in
 * docs/development.md, "Writing a benchmark".
 */
#ifndef HB_GBENCH_H
#define HB_GBENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------
 * Registration
 * ------------------------------------------------------------------------ */

/* A running benchmark (one thread of it): opaque. */
typedef struct hb_gb_state hb_gb_state;
/* A registered benchmark, for setting its arguments and options. */
typedef struct hb_gb_bench hb_gb_bench;

typedef void (*hb_gb_fn)(hb_gb_state *st, void *arg);

/* Register fn under name; arg is passed to every call and must outlive the
 * run.  Names follow bench/families/harness.h: "family/what/key:value". */
hb_gb_bench *hb_gb_register(const char *name, hb_gb_fn fn, void *arg);

/* One instance per call, with these argument values (hb_gb_arg_names
 * names them, so the benchmark's name gets "/key:value" segments). */
void hb_gb_args(hb_gb_bench *b, const int64_t *v, size_t n);
void hb_gb_arg(hb_gb_bench *b, int64_t v);
/* lo, lo*mult, ... up to hi (and hi itself), as Benchmark::Range. */
void hb_gb_range(hb_gb_bench *b, int64_t lo, int64_t hi);
void hb_gb_range_multiplier(hb_gb_bench *b, int mult);
void hb_gb_dense_range(hb_gb_bench *b, int64_t lo, int64_t hi, int step);
void hb_gb_arg_names(hb_gb_bench *b, const char *const *names, size_t n);
void hb_gb_arg_name(hb_gb_bench *b, const char *name);

void hb_gb_threads(hb_gb_bench *b, int n);       /* appends "/threads:n" */
void hb_gb_repetitions(hb_gb_bench *b, int n);   /* overrides the flag */
void hb_gb_min_time(hb_gb_bench *b, double seconds);
void hb_gb_fixed_iterations(hb_gb_bench *b, uint64_t n);
/* Time is what the benchmark reports with hb_gb_set_iteration_time. */
void hb_gb_use_manual_time(hb_gb_bench *b);
/* Decide iteration counts by wall time (threaded and I/O-bound work). */
void hb_gb_use_real_time(hb_gb_bench *b);

/* The same empty loop as bench/families/bench_shim.c, written directly in C++
 * (range-for over the State), for measuring the shim's own overhead. */
void hb_gb_register_direct_cxx(const char *name);

/* ------------------------------------------------------------------------
 * Inside a benchmark
 * ------------------------------------------------------------------------ */

/* How many iterations to run now (at most max, max > 0); 0 when done.  The
 * first call starts the timer, the call returning 0 stops it. */
uint64_t hb_gb_keep_running_batch(hb_gb_state *st, uint64_t max);
/* One iteration at a time (each call crosses into C++). */
bool hb_gb_keep_running(hb_gb_state *st);

int64_t hb_gb_range_arg(const hb_gb_state *st, size_t i);
int hb_gb_thread_index(const hb_gb_state *st);
int hb_gb_nr_threads(const hb_gb_state *st);
uint64_t hb_gb_iterations_done(const hb_gb_state *st);

/* Counting (bench --count: the process runs under callgrind).  Benchmarks
 * timed by the library are counted here, from the loop's start to its end;
 * a benchmark with manual time brackets what it times itself:
 *     bool cnt = hb_gb_counting(st);       (outside the loop)
 *     t0 = now(); if (cnt) hb_icount_on(); WORK; if (cnt) hb_icount_off(); t1 = now();
 * and says how many on/off pairs it went through (their own cost is
 * subtracted by the reader).  Outside callgrind hb_gb_counting is false. */
bool hb_gb_counting(const hb_gb_state *st);
void hb_gb_count_brackets(hb_gb_state *st, uint64_t pairs);
/* Counting: dump what was collected since the last dump as the phase
 * PHASE of this benchmark ("NAME@PHASE"), right after one on/off pair:
 * the reader sums a phase over iterations and reports it per iteration
 * as the counter PHASE_instructions.  No-op when not counting. */
void hb_gb_count_phase(hb_gb_state *st, const char *phase);

/* Manual timing: call once per iteration with that iteration's time. */
void hb_gb_set_iteration_time(hb_gb_state *st, double seconds);

/* Counter flags, as benchmark::Counter::Flags (they may be or-ed):
 *   RATE       divided by the run's time (per second)
 *   PER_ITER   the value is per iteration: multiplied by the iterations
 *   AVG_ITERS  the value is a total: divided by the iterations
 *   AVG_THREADS  averaged over threads instead of summed */
enum {
    HB_GB_PLAIN = 0,
    HB_GB_RATE = 1 << 0,
    HB_GB_AVG_THREADS = 1 << 1,
    HB_GB_PER_ITER = 1 << 2,
    HB_GB_AVG_ITERS = 1 << 3,
};
void hb_gb_counter(hb_gb_state *st, const char *name, double v, unsigned flags);
/* The per-iteration work every benchmark should report (bench/families/harness.h):
 * pages and bytes done by one iteration of this thread (averaged over
 * threads, so that bytes / real time per iteration is the bandwidth of
 * all threads together). */
void hb_gb_set_work(hb_gb_state *st, double pages, double bytes);
void hb_gb_set_items_processed(hb_gb_state *st, int64_t items);
void hb_gb_set_bytes_processed(hb_gb_state *st, int64_t bytes);
void hb_gb_set_label(hb_gb_state *st, const char *label);
/* The benchmark cannot run here: say why (shown in the output and in the
 * results folder's skipped.csv).  Then return without entering the loop, or leave
 * it at once. */
void hb_gb_skip_with_error(hb_gb_state *st, const char *msg);
bool hb_gb_error_occurred(const hb_gb_state *st);

/* ------------------------------------------------------------------------
 * Running the suite
 * ------------------------------------------------------------------------ */

struct hb_gb_counter_value {
    const char *name;
    double value;            /* as reported: rates per second, averages done */
};

/* One repetition of one benchmark, as the library reports it (no aggregates). */
struct hb_gb_run {
    const char *name;        /* full name, e.g. "baseline/read/bytes:4096/threads:1" */
    long repetition;         /* 0-based */
    long repetitions;
    uint64_t iterations;     /* all threads' iterations together */
    int threads;
    double real_ns;          /* per iteration (threads: wall time / iterations) */
    double cpu_ns;           /* per iteration, all threads' CPU time */
    bool error;
    const char *error_message;
    const char *label;
    const struct hb_gb_counter_value *counters;
    size_t nr_counters;
    bool last;               /* the benchmark's last report: it is done */
    long process;            /* 0-based invocation; the shim sets 0 */
};

typedef void (*hb_gb_run_fn)(const struct hb_gb_run *run, void *arg);

struct hb_gb_suite {
    int argc;                /* google-benchmark flags; argv[0] = program */
    char **argv;
    const char *json_path;   /* the library's JSON goes here, untouched */
    hb_gb_run_fn on_run;     /* called once per repetition, in order */
    void *arg;
    const char *console_path; /* the console table is appended here (NULL:
                                 stdout) ... */
    bool console_echo;        /* ... and also shown on stdout */
    bool count;               /* under callgrind: dump each benchmark's
                                 counts as a part named after it, after an
                                 empty region (icount.h) */
};

/*
 * Count the benchmarks the flags select (--benchmark_filter), without
 * running them.  Returns the count, or -EINVAL for a flag the library does
 * not know (named in bad, if given).
 */
long hb_gb_count(const struct hb_gb_suite *s, char *bad, size_t badlen);

/*
 * The names of the benchmarks the flags select, one call of fn each, in
 * the order they would run.  Returns the count, or as hb_gb_count.
 */
long hb_gb_list(const struct hb_gb_suite *s, void (*fn)(const char *name, void *arg),
                void *arg, char *bad, size_t badlen);

/* Forget every registered benchmark (a forked child then registers only
 * the family it runs). */
void hb_gb_clear(void);

/*
 * Run the selected benchmarks: the library's console table (see
 * console_path), its
 * JSON in json_path, on_run for every repetition.  Aggregates-only flags
 * are forced off: the tidy CSV needs every repetition.  Returns the number
 * of benchmarks run, or a negative errno (-EINVAL: unknown flag, named in
 * bad).
 */
long hb_gb_run_suite(const struct hb_gb_suite *s, char *bad, size_t badlen);

/* "1.7.1" as read from the loaded shared library's file name, else
 * "unknown". */
const char *hb_gb_library_version(char *buf, size_t len);
/* The C++ compiler that built the shim (__VERSION__). */
const char *hb_gb_cxx_compiler(void);

#ifdef __cplusplus
}
#endif

#endif
