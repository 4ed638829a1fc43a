/*
 * verdict.c - the verdict of a results folder: the three questions
 * heapbench exists to answer (eager or lazy initialisation, frees at node
 * boundaries, per-page state scans), each as a sentence with its numbers
 * and their intervals, from the folder's CSV files alone, so a report can
 * be redrawn and a test can recompute every number.  How each number is
 * estimated: docs/statistics.md, "The verdict's numbers".
 *
 * This file puts the verdict together: the three sections (verdict_init.c,
 * verdict_free.c, verdict_state.c), then the answers in short and how to
 * read the intervals.  Reading the run is verdict_read.c, the numbers'
 * text verdict_num.c, writing it verdict_print.c; what they share is
 * verdict_int.h; the command is bench/cmd/cmd_verdict.c.
 */
#include "bench/compare/verdict.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/compare/verdict_int.h"

/* ------------------------------------------------------------------------
 * The answers in short
 * ------------------------------------------------------------------------ */

static const struct hbv_item *find(const struct hbv_verdict *vd, const char *key)
{
    return hbv_item_of(vd, key);
}

/* The equal-work boundary ratios (free.KIND.orderN.ratio) in one
 * sentence: the largest detected, or none detected and the widest bound. */
static void boundary_short(struct hbv_verdict *vd)
{
    const struct hbv_item *best = NULL;
    double wide = 0;
    size_t n = 0;

    for (size_t i = 0; i < vd->nitems; i++) {
        const struct hbv_item *it = &vd->item[i];
        size_t kl = strlen(it->key);
        if (strncmp(it->key, "free.", 5) || kl < 6 || strcmp(it->key + kl - 6, ".ratio"))
            continue;
        n++;
        wide = fmax(wide, fmax(fabs(it->e.lo - 1), fabs(it->e.hi - 1)));
        if (hbv_excludes(it->e, 1) && (!best || it->e.v > best->e.v))
            best = it;
    }
    if (!n)
        return;
    if (!best) {
        hbv_say(vd, 0, 0, "A free next to a node boundary, against the same free merging as "
            "often away from it: no difference detected at any of the %zu boundary and "
            "order pairs measured (within +/-%.3g %%).", n, 100 * wide);
        return;
    }
    char kind[96];
    unsigned order = 0;
    snprintf(kind, sizeof kind, "%s", best->key + 5);
    char *dot = strchr(kind, '.');
    if (dot) {
        *dot = 0;
        sscanf(dot + 1, "order%u", &order);
    }
    hbv_say(vd, 0, 0, "A free next to a node boundary, against the same free merging as often "
        "away from it: at most %s (%s boundary, order %u), of %zu boundary and order "
        "pairs measured.", best->shown, kind, order, n);
}

/* One sentence per question, from numbers the sections computed; each
 * says the size it was measured at, or how far it is extrapolated. */
static void in_short(struct hbv_verdict *vd)
{
    const struct hbv_item *sv = find(vd, "init.lazy.saving_1tib"), *w = find(vd, "init.lazy.worst"),
                          *c = find(vd, "free.encoding.order0.away.ns"),
                          *be = find(vd, "init.break_even_frees"),
                          *tl = find(vd, "init.lazy.total_1tib"),
                          *tc = find(vd, "init.chunked.total_1tib");
    if (sv)
        hbv_say(vd, 0, 0, "Boot time lazy initialisation saves at 1 TiB (%s) against chunked: "
            "%s%s%s%s%s%s.", vd->span, sv->shown, tl && tc ? "; in all it then does " : "",
            tl && tc ? tl->shown : "", tl && tc ? " of initialisation work, against " : "",
            tl && tc ? tc->shown : "", tl && tc ? " for chunked" : "");
    if (w)
        hbv_say(vd, 0, 0, "After a lazy boot the worst single allocation or free waits %s, "
            "measured at %g GiB.", w->shown, vd->worst_gib);
    if (c)
        hbv_say(vd, 0, 0, "The uninit encoding's cost per order-0 free: %s; %s%s%s.", c->shown,
            be ? "lazy's boot saving at 1 TiB is used up after " : "break-even: no bound at "
                                                                  "this precision",
            be ? be->shown : "", be ? " such frees" : "");
    boundary_short(vd);
    const struct hbv_item *e = find(vd, "state.legacy.entries.scan_1tib"),
                          *b = find(vd, "state.legacy.bytearray.scan_1tib");
    if (e || b)
        hbv_say(vd, 0, 0, "A scan of a 1 TiB machine's frame table (scaled from a %s table) "
            "takes %s%s%s%s%s%s%s.", vd->state_table, e ? e->shown : "",
            e ? " with 32-byte entries" : "", e && vd->state_cached[0] ? " (read from cache)" : "",
            e && b ? " and " : "", b ? b->shown : "", b ? " with a separate state array" : "",
            b && vd->state_cached[1] ? " (its array read from cache: not memory's speed)" : "");
    hbv_xen_short(vd);
}

/* ------------------------------------------------------------------------
 * Building the verdict
 * ------------------------------------------------------------------------ */

/* The first line: what was measured, where. */
static void measured(struct hbv_verdict *vd)
{
    const struct hbv_run *r = vd->r;
    const char *cpu = hbv_env(r, "cpu_model"), *virt = hbv_env(r, "virtualisation");
    const char *nodes = hbv_env(r, "numa_nodes"), *reps = hbv_env(r, "repetitions");
    char where[160];

    if (!virt)
        snprintf(where, sizeof where, "bare metal or not: not recorded");
    else if (!strcmp(virt, "none"))
        snprintf(where, sizeof where, "on bare metal");
    else
        snprintf(where, sizeof where, "%s%.*s", strncmp(virt, "virtual", 7) ? "" : "in a ",
                 (int)strcspn(virt, ":"), virt);
    char procs[64];
    if (r->procs_min == r->procs_max)
        snprintf(procs, sizeof procs, "%g processes", r->procs_max);
    else
        snprintf(procs, sizeof procs, "%g to %g processes", r->procs_min, r->procs_max);
    char sizes[128] = "";
    if (vd->max_gib > 0)
        snprintf(sizes, sizeof sizes, "; init measured up to %g GiB, so its 1 TiB figures are "
                 "extrapolated x%.3g", vd->max_gib, 1024 / vd->max_gib);
    hbv_say(vd, 0, 0, "Measured: heapbench's user-space model of Xen's heap (not Xen itself), "
        "on %s, %s, %s NUMA node%s, %s%s%s%s a benchmark%s.", cpu ? cpu : "a CPU not recorded",
        where, nodes ? nodes : "?", nodes && !strcmp(nodes, "1") ? "" : "s", procs,
        reps ? " x " : "", reps ? reps : "", reps ? " repetitions" : "", sizes);
}

static void preface(struct hbv_verdict *vd)
{
    unsigned k = vd->r->kinds;
    double pmin = vd->r->procs_min;

    if (k & (1u << HBV_EST_CI))
        hbv_say(vd, 4, 0, "A number with an interval is the geometric mean of per-process "
            "medians (a line: the mean of each process's line) with its 95 %% confidence "
            "interval over %g processes (Student's t); a number computed from two (a "
            "difference, a ratio) has Welch's interval.", vd->r->procs_max);
    if ((k & (1u << HBV_EST_CI)) && pmin >= 2 && pmin < HB_PROCS_EXACT)
        hbv_say(vd, 4, 0, "%g processes: interval approximate (it rests on normal per-process "
            "medians, which so few processes cannot check).", pmin);
    if (k & (1u << HBV_EST_REPS))
        hbv_say(vd, 4, 0, "A number from one process carries the min-max of its repetitions: "
            "a range, not a confidence interval.");
    if (k & (1u << HBV_EST_BOOT))
        hbv_say(vd, 4, 0, "Numbers from a summary of an older format carry its bootstrap "
            "interval, whose coverage is below 95 %% with few processes.");
    if (k & (1u << HBV_EST_EXACT))
        hbv_say(vd, 4, 0, "(exact): a count that is the same in every process.");
    hbv_say(vd, 4, 0, "A change whose interval includes none is written \"not detected "
        "(+/-X)\": X is the largest change the interval leaves possible.");
}

static void build(struct hbv_verdict *vd, struct hbv_run *r)
{
    memset(vd, 0, sizeof *vd);
    vd->r = r;
    hbv_section_count(vd);          /* instructions first, then the times */
    hbv_section_init(vd);
    hbv_section_free(vd);
    hbv_section_state(vd);
    hbv_section_xen(vd);
    preface(vd);                    /* needs the kinds the sections used */
    struct hbv_line *body = malloc(vd->nlines * sizeof *body);
    if (!body)
        return;
    size_t n = vd->nlines;
    memcpy(body, vd->line, n * sizeof *body);
    vd->nlines = 0;
    measured(vd);
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
    else if (fmt == HB_VERDICT_TEXT)
        hbv_print_text(f, &vd[0]);
    else
        hbv_print_md(f, &vd[0]);
    for (int i = 0; i < nd; i++)
        hbv_free_run(&r[i]);
    free(r), free(vd);
    return 0;
}
