/*
 * cmd_bench_console.c - what `heapbench bench` tells a person on the
 * console besides the progress line (cmd_bench.h): names shortened to fit
 * without losing their ends, the benchmarks skipped as one entry per
 * reason (a count and one example, on the next line if the reason leaves
 * no room; skipped.csv has them all), the closing
 * message of a run that did not finish, the plan that --list prints, and
 * the command line's help and its refusals of flags after "--".
 *
 * A reason is grouped by its words, its numbers aside: "needs 16.0 GiB"
 * and "needs 32.0 GiB" are one reason, shown with the first example's
 * numbers.
 */
#define _GNU_SOURCE
#include "bench/cmd/cmd_bench.h"

#include "bench/base/err.h"
#include "bench/instrument/rundir.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * The command line: --help, and the flags after "--" heapbench refuses
 * ------------------------------------------------------------------------ */

/* Google Benchmark flags that would undo one of ours, with the option to
 * use instead: refused, not silently obeyed (environment.csv records
 * ours). */
static const struct {
    const char *flag, *instead;
} gb_taken[] = {
    { "--benchmark_repetitions", "--repetitions" },
    { "--benchmark_filter", "--filter" },
    { "--benchmark_list_tests", "--list" },
    { "--benchmark_out", "nothing: heapbench writes gbench.json itself" },
    { "--benchmark_out_format", "nothing: heapbench writes gbench.json itself" },
    { "--benchmark_report_aggregates_only", "nothing: the CSVs need every repetition" },
    { "--benchmark_display_aggregates_only", "nothing: the CSVs need every repetition" },
    { "--benchmark_enable_random_interleaving",
      "nothing: --processes interleaves the samples" },
};

int bench_check_gb_flags(int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];

        for (size_t k = 0; k < sizeof gb_taken / sizeof gb_taken[0]; k++) {
            size_t n = strlen(gb_taken[k].flag);

            if (!strncmp(a, gb_taken[k].flag, n) && (!a[n] || a[n] == '=')) {
                hb_err("bench: %s after '--' conflicts with heapbench's own; use %s",
                       a, gb_taken[k].instead);
                return -1;
            }
        }
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * Names that fit
 * ------------------------------------------------------------------------ */

void bench_shorten(char *out, size_t len, const char *name, size_t max)
{
    size_t n = strlen(name), head, tail;

    if (max < 8)
        max = 8;
    if (max >= len)
        max = len - 1;
    if (n <= max) {
        snprintf(out, len, "%s", name);
        return;
    }
    /* The family and kind lead, the parameters that vary last trail. */
    head = (max - 3) * 2 / 5;
    tail = max - 3 - head;
    snprintf(out, len, "%.*s...%s", (int)head, name, name + n - tail);
}

/* ------------------------------------------------------------------------
 * Skipped benchmarks, one line per reason
 * ------------------------------------------------------------------------ */

/* Whether reasons a and b differ only in their numbers. */
static bool same_reason(const char *a, const char *b)
{
    while (*a && *b) {
        bool na = isdigit((unsigned char)*a), nb = isdigit((unsigned char)*b);

        if (na != nb)
            return false;
        if (na) {
            while (isdigit((unsigned char)*a) || *a == '.')
                a++;
            while (isdigit((unsigned char)*b) || *b == '.')
                b++;
            continue;
        }
        if (*a++ != *b++)
            return false;
    }
    return *a == *b;
}

void bench_plain_name(char *out, size_t len, const char *name)
{
    static const char *const settings[] = { "/min_time:", "/iterations:", "/repeats:",
                                            "/manual_time", "/real_time", "/process_time" };
    size_t n = strlen(name);

    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
        const char *at = strstr(name, settings[i]);

        if (at && (size_t)(at - name) < n)
            n = (size_t)(at - name);
    }
    snprintf(out, len, "%.*s", (int)n, name);
}

/* text from column at, broken at spaces before width; continuation lines
 * start at column 8.  Returns the column where it ended. */
static size_t print_wrapped(const char *text, size_t at, size_t width)
{
    bool fresh = false;       /* at the start of a continuation line */

    while (*text) {
        size_t word = strcspn(text, " ");

        if (!fresh && at > 8 && at + word + 1 > width) {
            printf("\n%8s", "");
            at = 8;
            fresh = true;
        } else if (!fresh) {
            putchar(' ');
            at++;
        }
        fresh = false;
        printf("%.*s", (int)word, text);
        at += word;
        text += word;
        text += strspn(text, " ");
    }
    return at;
}

/* One reason: its count and reason (wrapped if need be), and an example on
 * the same line if it fits whole there, else on the next (shortened in the
 * middle if need be). */
static void print_reason(const struct hb_skip *s, size_t count, int cols)
{
    char name[256], ex[256];
    const char *why = *s->message ? s->message : "no reason given";
    size_t width = cols > 40 ? (size_t)cols - 1 : 79;
    size_t at = (size_t)printf("  %zu x", count);

    at = print_wrapped(why, at, width);
    bench_plain_name(name, sizeof name, s->name);
    if (at + strlen(name) + 8 <= width) {
        printf(" (e.g. %s)\n", name);
        return;
    }
    bench_shorten(ex, sizeof ex, name, width - 13);
    printf("\n        e.g. %s\n", ex);
}

void bench_print_skips(const struct hb_results *res, int cols)
{
    size_t n = res->nr_skips;
    bool *done = calloc(n + 1, sizeof *done);

    if (!n || !done) {
        free(done);
        return;
    }
    printf("skipped %zu benchmark%s (skipped.csv has each with its reason):\n", n,
           n == 1 ? "" : "s");
    for (size_t i = 0; i < n; i++) {
        size_t count = 0;

        if (done[i])
            continue;
        for (size_t j = i; j < n; j++)
            if (!done[j] && same_reason(res->skips[i].message, res->skips[j].message))
                done[j] = true, count++;
        print_reason(&res->skips[i], count, cols);
    }
    free(done);
}

/* ------------------------------------------------------------------------
 * A run that did not finish
 * ------------------------------------------------------------------------ */

void bench_say_discarded(const struct bench_run *r, const struct hb_rundir *d, int rc)
{
    long total = (long)r->nb * r->o->procs;
    const char *sig = sigabbrev_np(rc - 128);

    hb_err("bench: interrupted by SIG%s after %ld of %ld benchmark runs; removed the "
           "unfinished folder %s%s%s, no results kept", sig ? sig : "?", r->done, total,
           d->tmp, d->made_out ? " and " : "", d->made_out ? d->out : "");
}

/* ------------------------------------------------------------------------
 * --list
 * ------------------------------------------------------------------------ */

void bench_print_plan(const struct bench_run *r, double eta_s)
{
    const struct bench_opts *o = r->o;

    for (size_t i = 0; i < r->nb; i++)
        printf("%s\n", r->b[i].name);
    printf("%zu benchmarks:", r->nb);
    for (size_t f = 0, k = 0; f < r->nfam; f++)
        if (r->fam[f].planned)
            printf("%s %s %zu", k++ ? "," : "", r->fam[f].def->name, r->fam[f].planned);
    printf("\nprofile %s: each in %d processes x %d repetitions, %ld benchmark runs;\n",
           o->profile_name, o->procs, o->reps, (long)r->nb * o->procs);
    if (r->rule.min_procs < r->rule.max_procs || r->rule.budget_s > 0)
        printf("rule: %d to %d processes, stop within +/-%g %%, budget %.0f min\n",
               r->rule.min_procs, r->rule.max_procs, r->rule.target_pct,
               r->rule.budget_s / 60);
    printf("about %.0f min on a quiet 2-core machine (the families' priors)\n",
           ceil(eta_s / 60));
}
