/*
 * gbench.cc - the C shim over Google Benchmark (see gbench.h), and the
 * reference benchmark that measures the shim's own cost.
 *
 * This is the project's only C++.  The opaque hb_gb_state a C benchmark
 * receives lives on the stack of the trampoline that Google Benchmark calls
 * (one per thread per trial); it holds the library's State and the perf
 * counters that bracket the timed loop.  The counters are opened and read
 * outside the timed region: just before the first KeepRunningBatch (which
 * starts the timer) and just after the last (which stops it).
 *
 * Google Benchmark keeps its registry in process-wide state; the shim adds
 * none of its own.
 */
#include "bench/instrument/gbench.h"

#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <link.h>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include <benchmark/benchmark.h>

extern "C" {
#include "bench/instrument/icount.h"
#include "bench/instrument/perfctr.h"
}

/* A registered benchmark: the library's, the C function, and whether it
 * times itself (manual time: it brackets its own counted region). */
struct hb_gb_bench {
    benchmark::internal::Benchmark *b;
    std::string name;
    hb_gb_fn fn;
    void *arg;
    bool manual;
};

/* The state handle: the library's State plus the loop's bookkeeping. */
struct hb_gb_state {
    benchmark::State *st;
    const hb_gb_bench *reg;
    struct hb_perfctr pc;
    bool started, finished;
    bool count;               /* under callgrind: count the timed region */
    bool count_auto;          /* ... bracketed here (not manual time) */
    uint64_t brackets;        /* on/off pairs this thread went through */
};

/* Under callgrind (bench --count), iterations are fixed: a benchmark timed
 * for a minimum time runs this many, a fixed count is capped at the cap. */
#define HB_COUNT_ITERS 2
#define HB_COUNT_CAP 64

static_assert((int)HB_GB_RATE == (int)benchmark::Counter::kIsRate, "counter flags");
static_assert((int)HB_GB_AVG_THREADS == (int)benchmark::Counter::kAvgThreads, "counter flags");
static_assert((int)HB_GB_PER_ITER == (int)benchmark::Counter::kIsIterationInvariant, "counter flags");
static_assert((int)HB_GB_AVG_ITERS == (int)benchmark::Counter::kAvgIterations, "counter flags");

static benchmark::internal::Benchmark *B(hb_gb_bench *b)
{
    return b->b;
}

/* ------------------------------------------------------------------------
 * Counters around the timed loop
 * ------------------------------------------------------------------------ */

static void loop_begin(hb_gb_state *s)
{
    hb_perfctr_open(&s->pc, false);
    hb_perfctr_start(&s->pc);
    s->started = true;
    if (s->count_auto)
        hb_icount_on();
}

/* Per-iteration values: each thread adds its totals, the library sums the
 * threads and divides by all threads' iterations. */
static void loop_end(hb_gb_state *s)
{
    double v[HB_PERF_NR];

    if (s->count_auto) {
        hb_icount_off();
        s->brackets++;
    }
    s->finished = true;
    hb_perfctr_stop(&s->pc, v);
    hb_perfctr_close(&s->pc);
    if (s->st->error_occurred())
        return;
    for (int id = 0; id < HB_PERF_NR; id++)
        if (!std::isnan(v[id]))
            s->st->counters[hb_perfctr_name((enum hb_perf_id)id)] =
                benchmark::Counter(v[id], benchmark::Counter::kAvgIterations);
}

/* Google Benchmark calls this for every trial, on every thread. */
static void trampoline(benchmark::State &st, const hb_gb_bench *reg)
{
    hb_gb_state s;

    s.st = &st;
    s.reg = reg;
    s.started = s.finished = false;
    s.count = hb_icount_running();
    s.count_auto = s.count && !reg->manual;
    s.brackets = 0;
    reg->fn(&s, reg->arg);
    if (s.started && !s.finished) {
        /* The C code left the loop early (after skipping): let the library
         * finish it, and release the counters. */
        while (st.KeepRunningBatch(1))
            ;
        loop_end(&s);
    }
    /* Summed over threads: the reader subtracts each pair's own cost. */
    if (s.count)
        st.counters["count_brackets"] = benchmark::Counter((double)s.brackets);
}

/* ------------------------------------------------------------------------
 * Registration
 * ------------------------------------------------------------------------ */

/* The handle lives as long as the registration (the library's registry
 * is never freed either). */
extern "C" hb_gb_bench *hb_gb_register(const char *name, hb_gb_fn fn, void *arg)
{
    auto *reg = new hb_gb_bench{ nullptr, name, fn, arg, false };
    reg->b = benchmark::RegisterBenchmark(
        name, [reg](benchmark::State &st) { trampoline(st, reg); });
    if (hb_icount_running())
        reg->b->Iterations(HB_COUNT_ITERS);
    return reg;
}

extern "C" void hb_gb_args(hb_gb_bench *b, const int64_t *v, size_t n)
{
    B(b)->Args(std::vector<int64_t>(v, v + n));
}

extern "C" void hb_gb_arg(hb_gb_bench *b, int64_t v) { B(b)->Arg(v); }
extern "C" void hb_gb_range(hb_gb_bench *b, int64_t lo, int64_t hi) { B(b)->Range(lo, hi); }
extern "C" void hb_gb_range_multiplier(hb_gb_bench *b, int mult) { B(b)->RangeMultiplier(mult); }

extern "C" void hb_gb_dense_range(hb_gb_bench *b, int64_t lo, int64_t hi, int step)
{
    B(b)->DenseRange(lo, hi, step);
}

extern "C" void hb_gb_arg_names(hb_gb_bench *b, const char *const *names, size_t n)
{
    B(b)->ArgNames(std::vector<std::string>(names, names + n));
}

extern "C" void hb_gb_arg_name(hb_gb_bench *b, const char *name) { B(b)->ArgName(name); }
extern "C" void hb_gb_threads(hb_gb_bench *b, int n) { B(b)->Threads(n); }
extern "C" void hb_gb_repetitions(hb_gb_bench *b, int n) { B(b)->Repetitions(n); }
/* Counting: the fixed count set at registration stays. */
extern "C" void hb_gb_min_time(hb_gb_bench *b, double s)
{
    if (!hb_icount_running())
        B(b)->MinTime(s);
}

extern "C" void hb_gb_fixed_iterations(hb_gb_bench *b, uint64_t n)
{
    if (hb_icount_running() && n > HB_COUNT_CAP)
        n = HB_COUNT_CAP;
    B(b)->Iterations((benchmark::IterationCount)n);
}

extern "C" void hb_gb_use_manual_time(hb_gb_bench *b)
{
    b->manual = true;
    B(b)->UseManualTime();
}
extern "C" void hb_gb_use_real_time(hb_gb_bench *b) { B(b)->UseRealTime(); }

/* The reference: the library's own idiom, nothing in the loop but a
 * compiler barrier (what bench_shim.c's C loops do per iteration). */
static void direct_cxx(benchmark::State &st)
{
    for (auto _ : st)
        benchmark::ClobberMemory();
}

extern "C" void hb_gb_register_direct_cxx(const char *name)
{
    auto *b = benchmark::RegisterBenchmark(name, direct_cxx);
    if (hb_icount_running())
        b->Iterations(HB_COUNT_ITERS);   /* not counted: no bracket */
}

/* ------------------------------------------------------------------------
 * Inside a benchmark
 * ------------------------------------------------------------------------ */

/*
 * Hand out exactly what the library still wants, at most max at a time:
 * KeepRunningBatch(n) with n <= the remaining count takes its fast path and
 * never overshoots.  When nothing remains, KeepRunningBatch(1) finds the
 * count at zero and stops the timer.
 */
extern "C" uint64_t hb_gb_keep_running_batch(hb_gb_state *s, uint64_t max)
{
    benchmark::State &st = *s->st;
    int64_t left;
    uint64_t n;

    if (s->finished)
        return 0;
    if (!s->started)
        loop_begin(s);
    left = (int64_t)st.max_iterations - (int64_t)st.iterations();
    n = left > 0 ? (uint64_t)left : 0;
    if (n > max)
        n = max;
    if (n && st.KeepRunningBatch((benchmark::IterationCount)n))
        return n;
    if (!n && st.KeepRunningBatch(1))
        return 1;           /* not reached: the count is zero */
    loop_end(s);
    return 0;
}

extern "C" bool hb_gb_keep_running(hb_gb_state *s)
{
    return hb_gb_keep_running_batch(s, 1) != 0;
}

extern "C" bool hb_gb_counting(const hb_gb_state *s) { return s->count; }
extern "C" void hb_gb_count_brackets(hb_gb_state *s, uint64_t n) { s->brackets += n; }

extern "C" void hb_gb_count_phase(hb_gb_state *s, const char *phase)
{
    if (s->count)
        hb_icount_dump((s->reg->name + "@" + phase).c_str());
}

extern "C" int64_t hb_gb_range_arg(const hb_gb_state *s, size_t i) { return s->st->range(i); }
extern "C" int hb_gb_thread_index(const hb_gb_state *s) { return s->st->thread_index(); }
extern "C" int hb_gb_nr_threads(const hb_gb_state *s) { return s->st->threads(); }
extern "C" uint64_t hb_gb_iterations_done(const hb_gb_state *s) { return (uint64_t)s->st->iterations(); }

extern "C" void hb_gb_set_iteration_time(hb_gb_state *s, double seconds)
{
    s->st->SetIterationTime(seconds);
}

extern "C" void hb_gb_counter(hb_gb_state *s, const char *name, double v, unsigned flags)
{
    s->st->counters[name] = benchmark::Counter(v, (benchmark::Counter::Flags)flags);
}

extern "C" void hb_gb_set_work(hb_gb_state *s, double pages, double bytes)
{
    hb_gb_counter(s, "pages", pages, HB_GB_AVG_THREADS);
    hb_gb_counter(s, "bytes", bytes, HB_GB_AVG_THREADS);
}

extern "C" void hb_gb_set_items_processed(hb_gb_state *s, int64_t items)
{
    s->st->SetItemsProcessed(items);
}

extern "C" void hb_gb_set_bytes_processed(hb_gb_state *s, int64_t bytes)
{
    s->st->SetBytesProcessed(bytes);
}

extern "C" void hb_gb_set_label(hb_gb_state *s, const char *label) { s->st->SetLabel(label); }
extern "C" void hb_gb_skip_with_error(hb_gb_state *s, const char *msg) { s->st->SkipWithError(msg); }
extern "C" bool hb_gb_error_occurred(const hb_gb_state *s) { return s->st->error_occurred(); }

/* ------------------------------------------------------------------------
 * Running: the console table plus a callback per repetition
 * ------------------------------------------------------------------------ */

namespace {

class CallbackReporter : public benchmark::ConsoleReporter {
  public:
    CallbackReporter(const hb_gb_suite *s, OutputOptions o)
        : benchmark::ConsoleReporter(o), suite_(s)
    {
    }

    void ReportRuns(const std::vector<Run> &runs) override
    {
        benchmark::ConsoleReporter::ReportRuns(runs);
        GetOutputStream().flush();
        size_t last = runs.size();
        for (size_t i = 0; i < runs.size(); i++)
            if (runs[i].run_type == Run::RT_Iteration)
                last = i;
        for (size_t i = 0; i < runs.size(); i++)
            if (runs[i].run_type == Run::RT_Iteration)
                deliver(runs[i], i == last);
        /* Counting: what the benchmark's regions collected, as a part
         * named after it (the dump zeroes for the next one). */
        if (suite_->count && last < runs.size())
            hb_icount_dump(runs[last].benchmark_name().c_str());
    }

  private:
    void deliver(const Run &r, bool last) const
    {
        std::string name = r.benchmark_name();
        std::vector<hb_gb_counter_value> cv;
        for (const auto &c : r.counters)
            cv.push_back({ c.first.c_str(), c.second.value });
        double it = (double)r.iterations;
        hb_gb_run run;
        run.name = name.c_str();
        run.repetition = (long)r.repetition_index;
        run.repetitions = (long)r.repetitions;
        run.iterations = (uint64_t)r.iterations;
        run.threads = (int)r.threads;
        run.real_ns = it > 0 ? r.real_accumulated_time * 1e9 / it : NAN;
        run.cpu_ns = it > 0 ? r.cpu_accumulated_time * 1e9 / it : NAN;
        run.error = r.error_occurred;
        run.error_message = r.error_message.c_str();
        run.label = r.report_label.c_str();
        run.counters = cv.data();
        run.nr_counters = cv.size();
        run.last = last;
        run.process = 0;
        if (suite_->on_run)
            suite_->on_run(&run, suite_->arg);
    }

    const hb_gb_suite *suite_;
};

/* The console table into a file and, if echo, to stdout as well. */
class TeeBuf : public std::streambuf {
  public:
    TeeBuf(std::streambuf *a, std::streambuf *b) : a_(a), b_(b) {}

  protected:
    int overflow(int c) override
    {
        if (c == EOF)
            return !EOF;
        if (a_->sputc((char)c) == EOF || (b_ && b_->sputc((char)c) == EOF))
            return EOF;
        return c;
    }
    int sync() override
    {
        int x = a_->pubsync(), y = b_ ? b_->pubsync() : 0;
        return x == 0 && y == 0 ? 0 : -1;
    }

  private:
    std::streambuf *a_, *b_;
};

/* argv for Initialize: the caller's flags, then ours (later flags win). */
struct Flags {
    std::vector<std::string> strs;
    std::vector<char *> ptrs;

    Flags(const hb_gb_suite *s, std::initializer_list<std::string> forced)
    {
        strs.push_back(s->argc > 0 ? s->argv[0] : "heapbench");
        for (int i = 1; i < s->argc; i++)
            strs.push_back(s->argv[i]);
        for (const auto &f : forced)
            strs.push_back(f);
        for (auto &x : strs)
            ptrs.push_back(&x[0]);
        ptrs.push_back(nullptr);
    }

    /* Parse; false (first unknown flag in bad) if the library left any. */
    bool init(char *bad, size_t badlen)
    {
        int argc = (int)strs.size();
        benchmark::Initialize(&argc, ptrs.data());
        if (argc <= 1)
            return true;
        if (bad && badlen)
            snprintf(bad, badlen, "%s", ptrs[1]);
        return false;
    }
};

} // namespace

extern "C" long hb_gb_count(const hb_gb_suite *s, char *bad, size_t badlen)
{
    Flags f(s, { "--benchmark_out=", "--benchmark_list_tests=true" });
    if (!f.init(bad, badlen))
        return -EINVAL;
    std::ostringstream sink;
    benchmark::ConsoleReporter rep(benchmark::ConsoleReporter::OO_None);
    rep.SetOutputStream(&sink);
    rep.SetErrorStream(&sink);
    return (long)benchmark::RunSpecifiedBenchmarks(&rep);
}

extern "C" long hb_gb_list(const hb_gb_suite *s, void (*fn)(const char *, void *), void *arg,
                           char *bad, size_t badlen)
{
    Flags f(s, { "--benchmark_out=", "--benchmark_list_tests=true" });
    if (!f.init(bad, badlen))
        return -EINVAL;
    std::ostringstream sink, err;
    benchmark::ConsoleReporter rep(benchmark::ConsoleReporter::OO_None);
    rep.SetOutputStream(&sink);
    rep.SetErrorStream(&err);
    long n = (long)benchmark::RunSpecifiedBenchmarks(&rep);
    std::istringstream lines(sink.str());
    std::string line;
    while (std::getline(lines, line))
        if (!line.empty())
            fn(line.c_str(), arg);
    return n;
}

extern "C" void hb_gb_clear(void) { benchmark::ClearRegisteredBenchmarks(); }

extern "C" long hb_gb_run_suite(const hb_gb_suite *s, char *bad, size_t badlen)
{
    Flags f(s, { std::string("--benchmark_out=") + s->json_path,
                 "--benchmark_out_format=json",
                 "--benchmark_display_aggregates_only=false",
                 "--benchmark_report_aggregates_only=false",
                 "--benchmark_list_tests=false" });
    if (!f.init(bad, badlen))
        return -EINVAL;
    bool file = s->console_path != nullptr;
    CallbackReporter display(s, !file && isatty(STDOUT_FILENO)
                                    ? benchmark::ConsoleReporter::OO_Color
                                    : benchmark::ConsoleReporter::OO_None);
    std::ofstream log;
    TeeBuf tee(nullptr, nullptr);
    std::ostream out(nullptr);
    if (file) {
        log.open(s->console_path, std::ios::app);
        if (!log)
            return -errno;
        tee = TeeBuf(log.rdbuf(), s->console_echo ? std::cout.rdbuf() : nullptr);
        out.rdbuf(&tee);
        display.SetOutputStream(&out);
        display.SetErrorStream(&out);
    }
    benchmark::JSONReporter json;
    if (s->count)
        hb_icount_calibrate();
    long n = (long)benchmark::RunSpecifiedBenchmarks(&display, &json);
    out.flush();
    return n;
}

/* ------------------------------------------------------------------------
 * Versions
 * ------------------------------------------------------------------------ */

static int find_libbenchmark(struct dl_phdr_info *info, size_t, void *data)
{
    std::string *path = static_cast<std::string *>(data);
    if (info->dlpi_name && strstr(info->dlpi_name, "/libbenchmark.so")) {
        *path = info->dlpi_name;
        return 1;
    }
    return 0;
}

/* The loaded file, symlinks resolved, is libbenchmark.so.X.Y.Z. */
extern "C" const char *hb_gb_library_version(char *buf, size_t len)
{
    std::string path;
    char real[PATH_MAX];

    snprintf(buf, len, "unknown");
    dl_iterate_phdr(find_libbenchmark, &path);
    if (path.empty() || !realpath(path.c_str(), real))
        return buf;
    const char *v = strstr(real, ".so.");
    if (v && v[4] >= '0' && v[4] <= '9')
        snprintf(buf, len, "%s", v + 4);
    return buf;
}

extern "C" const char *hb_gb_cxx_compiler(void) { return __VERSION__; }
