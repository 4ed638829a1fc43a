/*
 * verdict.c - the verdict of a results folder: the three questions heapbench
 * exists to answer, each as a sentence with its numbers and their
 * intervals, computed from the results folder's CSV files alone (so a
 * report can be redrawn, and a test can recompute every number, without
 * the benchmarks):
 *
 *   1. eager against lazy initialisation: boot time per GiB and at 1 TiB
 *      (least-squares line through the measured sizes), the work deferred,
 *      the worst single call after boot, what the uninit encoding adds to
 *      free_heap_pages, and after how many frees that cost eats the saving;
 *   2. frees at node boundaries: cost at the boundary over the same free
 *      away from it, max-order blocks lost, the range free per page;
 *   3. per-page state scans: pages per ns beyond the cache, the share of the
 *      read roofline, and a full scan of a 1 TiB machine's frame table.
 *
 * Where a number comes from.  For metric M of one benchmark: the summary's
 * M_median with M_ci_lo..M_ci_hi (95 % interval over processes) when the
 * summary has them; else M_median with M_min..M_max (the repetitions of one
 * process); else the tidy rows' median, min and max of M.  A derived number
 * (difference, ratio, line) takes its interval from the ends of its inputs'
 * intervals, the conservative way.  --format csv prints every number with
 * its interval and the exact text the report shows, for tests.
 *
 * With two folders (BASE NEW), the same numbers as changes.  The command,
 * `heapbench verdict`, is bench/cmd/cmd_verdict.c.
 *
 * This file puts the verdict together: the three sections (one file each:
 * verdict_init.c, verdict_free.c, verdict_state.c), then the answers in
 * short and how to read the intervals.  Reading the run is verdict_read.c,
 * the numbers' text verdict_num.c, writing it verdict_print.c; what they
 * share is verdict_int.h.
 */
#include "bench/compare/verdict.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/compare/verdict_int.h"

/* ------------------------------------------------------------------------
 * The answers in short
 * ------------------------------------------------------------------------ */

static const struct hbv_item *find(const struct hbv_verdict *vd, const char *key)
{
    for (size_t i = 0; i < vd->nitems; i++)
        if (!strcmp(vd->item[i].key, key))
            return &vd->item[i];
    return NULL;
}

/* The item whose key starts with prefix and ends with suffix and whose
 * value is the largest. */
static const struct hbv_item *find_max(const struct hbv_verdict *vd, const char *prefix,
                                   const char *suffix)
{
    const struct hbv_item *best = NULL;
    size_t pl = strlen(prefix), sl = strlen(suffix);

    for (size_t i = 0; i < vd->nitems; i++) {
        const struct hbv_item *it = &vd->item[i];
        size_t kl = strlen(it->key);
        if (kl >= pl + sl && !strncmp(it->key, prefix, pl) && !strcmp(it->key + kl - sl, suffix) &&
            (!best || it->e.v > best->e.v))
            best = it;
    }
    return best;
}

/* One sentence per question, from numbers the sections computed. */
static void in_short(struct hbv_verdict *vd)
{
    const struct hbv_item *sv = find(vd, "init.lazy.saving_1tib"), *w = find(vd, "init.lazy.worst"),
                          *c = find(vd, "free.encoding.order0.away.ns"),
                          *be = find(vd, "init.break_even_frees");
    if (sv && w)
        hbv_say(vd, 0, 0, "Lazy initialisation moves %s of a 1 TiB boot to later (against "
            "chunked); the worst allocation or free after boot then waits %s.", sv->shown,
            w->shown);
    if (c)
        hbv_say(vd, 0, 0, "The uninit encoding changes an order-0 free by %s%s%s%s.", c->shown,
            !be ? "" : c->e.v <= 0 ? "; lazy's boot saving at 1 TiB lasts at least "
                                   : "; lazy's boot saving at 1 TiB is used up after ",
            be ? be->shown : "", be ? " such frees" : "");
    const struct hbv_item *r = find_max(vd, "free.", ".ratio");
    if (r) {
        char kind[96];
        unsigned order = 0;
        snprintf(kind, sizeof kind, "%s", r->key + 5);
        char *dot = strchr(kind, '.');
        if (dot) {
            *dot = 0;
            sscanf(dot + 1, "order%u", &order);
        }
        hbv_say(vd, 0, 0, "A free next to a node boundary costs at most %s of the same free away "
            "from it (%s boundary, order %u).", r->shown, kind, order);
    }
    const struct hbv_item *e = find(vd, "state.legacy.entries.scan_1tib"),
                          *b = find(vd, "state.legacy.bytearray.scan_1tib");
    if (e)
        hbv_say(vd, 0, 0, "A scan of a 1 TiB machine's frame table takes %s with 32-byte "
            "entries%s%s%s.", e->shown, b ? " and " : "", b ? b->shown : "",
            b ? " with a separate state array" : "");
    if (b && !e)
        hbv_say(vd, 0, 0, "A scan of a 1 TiB machine's frame table takes %s with a separate state "
            "array.", b->shown);
}

/* ------------------------------------------------------------------------
 * Building the verdict
 * ------------------------------------------------------------------------ */

static void preface(struct hbv_verdict *vd)
{
    unsigned k = vd->r->kinds;

    if (k & (1u << HBV_EST_CI))
        hbv_say(vd, 4, 0, "%s a median with its 95 %% confidence interval over %g "
            "processes (from the run's per-process statistics).",
            k & (1u << HBV_EST_REPS) ? "A number from the summaries is" : "Every number is",
            vd->r->processes);
    if ((k & (1u << HBV_EST_REPS)) && vd->r->pooled)
        hbv_say(vd, 4, 0, "%s (counters the summaries do not cover: boot_ns, deferred_ns, "
            "worst_ns, block counts) the median and min-max of every repetition of every "
            "process, pooled: a range, not a confidence interval.",
            k & (1u << HBV_EST_CI) ? "The other numbers carry" : "Every number carries");
    else if (k & (1u << HBV_EST_REPS))
        hbv_say(vd, 4, 0, "%s the min-max of the repetitions: an interval over "
            "repetitions of one process, narrower than the machine's run-to-run noise.",
            k & (1u << HBV_EST_CI) ? "The other numbers carry" : "Every number carries");
    hbv_say(vd, 4, 0, "A number computed from two measurements (a difference, a ratio, a line) "
        "takes its interval from their intervals' ends.");
}

static void build(struct hbv_verdict *vd, struct hbv_run *r)
{
    memset(vd, 0, sizeof *vd);
    vd->r = r;
    hbv_section_count(vd);          /* instructions first, then the times */
    hbv_section_init(vd);
    hbv_section_free(vd);
    hbv_section_state(vd);
    preface(vd);                    /* needs the kinds the sections used */
    struct hbv_line *body = malloc(vd->nlines * sizeof *body);
    if (!body)
        return;
    size_t n = vd->nlines;
    memcpy(body, vd->line, n * sizeof *body);
    vd->nlines = 0;
    in_short(vd);                   /* first, from the sections' numbers */
    for (size_t i = 0; i < n && vd->nlines < HBV_MAX_LINES; i++)
        vd->line[vd->nlines++] = body[i];
    free(body);
}

bool hb_verdict_is_run(const char *dir)
{
    struct hbv_run r;
    bool any = false;

    hbv_load_run(&r, dir);
    for (int f = 0; f < HBV_NFAM; f++)
        any |= r.has_sum[f] || r.has_tidy[f];
    hbv_free_run(&r);
    return any;
}

/* ------------------------------------------------------------------------
 * The verdict of one or two folders
 * ------------------------------------------------------------------------ */

int hb_verdict_write(FILE *f, const char *const dirs[], int nd,
                     enum hb_verdict_format fmt)
{
    struct hbv_run *r;
    struct hbv_verdict *vd;

    if (nd < 1 || nd > 2)
        return -EINVAL;
    r = calloc(2, sizeof *r);
    vd = calloc(2, sizeof *vd);
    if (!r || !vd) {
        free(r), free(vd);
        return -ENOMEM;
    }
    for (int i = 0; i < nd; i++) {
        hbv_load_run(&r[i], dirs[i]);
        build(&vd[i], &r[i]);
    }
    if (nd == 2)
        hbv_print_delta(f, &vd[0], &vd[1]);
    else if (fmt == HB_VERDICT_HTML)
        hbv_print_html(f, &vd[0]);
    else if (fmt == HB_VERDICT_CSV)
        hbv_print_csv(f, &vd[0]);
    else
        hbv_print_md(f, &vd[0]);
    for (int i = 0; i < nd; i++)
        hbv_free_run(&r[i]);
    free(r), free(vd);
    return 0;
}
