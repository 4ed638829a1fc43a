/*
 * letter.c - the cover letter's block (letter.h): the verdict's numbers in
 * CSV form (hb_verdict_write, HB_VERDICT_CSV) read back by key, set in
 * tables of at most 72 columns with one line on what was measured.
 *
 * An answer whose interval holds "no effect" (0 for a change, 1 for a
 * ratio) is written "not detected (+/-X %)": X is how large an effect the
 * interval still allows, so a reader sees what the run could resolve.  A
 * change between two runs is computed by the verdict's own function
 * (hb_verdict_change: Welch's t on the standard errors the CSV carries),
 * so it is the change `heapbench verdict BASE NEW` prints.
 */
#define _GNU_SOURCE
#include "bench/compare/letter.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "bench/compare/csvread.h"
#include "bench/compare/verdict.h"

#define W HB_LETTER_WIDTH

static const char *const strategies[] = { "pagewise", "chunked", "patch", "lazy",
                                          "deferred" };
#define NSTRAT (sizeof strategies / sizeof strategies[0])

struct lrun {
    const char *dir;
    struct hb_csv v;          /* the verdict's numbers (key,value,lo,hi,...) */
    struct hb_csv env;        /* environment.csv (key,value), may be empty */
    double ram_lo, ram_hi;    /* modelled RAM of init's rows, GiB; 0: none */
    double tab_lo, tab_hi;    /* state's table sizes, bytes; 0: none */
};

/* A verdict number. */
struct lnum {
    double v, lo, hi;         /* lo, hi NAN if the CSV has none */
    const char *unit, *shown;
    bool range;               /* min-max of repetitions, not a 95 % interval */
    struct hb_verdict_num m;  /* the row, for hb_verdict_change */
};

/* ------------------------------------------------------------------------
 * Reading a run
 * ------------------------------------------------------------------------ */

static int verdict_csv(struct lrun *r, char *why, size_t whylen)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    int rc;

    if (!m) {
        snprintf(why, whylen, "out of memory");
        return -1;
    }
    rc = hb_verdict_write(m, &r->dir, 1, HB_VERDICT_CSV);
    if (fclose(m) || rc) {
        free(text);
        snprintf(why, whylen, "no verdict from %s: %s", r->dir, strerror(rc ? -rc : errno));
        return -1;
    }
    rc = hb_csv_parse(&r->v, text, len, why, whylen);
    free(text);
    return rc;
}

/* The smallest and largest number of column col in dir/file; 0, 0 if
 * there is none. */
static void span(const char *dir, const char *file, const char *col, double *lo, double *hi)
{
    char path[PATH_MAX], why[128];
    struct hb_csv c;
    int k;

    *lo = *hi = 0;
    snprintf(path, sizeof path, "%s/%s", dir, file);
    if (hb_csv_load(&c, path, why, sizeof why))
        return;
    k = hb_csv_col(&c, col);
    for (size_t i = 0; k >= 0 && i < c.nrows; i++) {
        double x;
        if (!hb_csv_num(hb_csv_get(&c, i, k), &x))
            continue;
        if (*lo == 0 || x < *lo)
            *lo = x;
        if (x > *hi)
            *hi = x;
    }
    hb_csv_free(&c);
}

static int load(struct lrun *r, const char *dir, char *why, size_t whylen)
{
    char path[PATH_MAX], ignore[128];

    memset(r, 0, sizeof *r);
    r->dir = dir;
    if (!hb_verdict_is_run(dir)) {
        snprintf(why, whylen, "not a results folder (no init, free or state CSV): %s", dir);
        return -1;
    }
    if (verdict_csv(r, why, whylen))
        return -1;
    snprintf(path, sizeof path, "%s/environment.csv", dir);
    if (hb_csv_load(&r->env, path, ignore, sizeof ignore))
        memset(&r->env, 0, sizeof r->env);
    span(dir, "init_summary.csv", "ram_gib", &r->ram_lo, &r->ram_hi);
    span(dir, "state_summary.csv", "table_bytes", &r->tab_lo, &r->tab_hi);
    return 0;
}

static void unload(struct lrun *r)
{
    hb_csv_free(&r->v);
    if (r->env.cell)
        hb_csv_free(&r->env);
}

/* Column `value` of the row whose `key` is k, in a key,value CSV. */
static const char *lookup(const struct hb_csv *c, const char *k, const char *value)
{
    int ck = c->cell ? hb_csv_col(c, "key") : -1, cv = c->cell ? hb_csv_col(c, value) : -1;

    for (size_t i = 0; ck >= 0 && cv >= 0 && i < c->nrows; i++)
        if (!strcmp(hb_csv_get(c, i, ck), k))
            return hb_csv_get(c, i, cv);
    return NULL;
}

static const char *env(const struct lrun *r, const char *k)
{
    const char *v = lookup(&r->env, k, "value");

    return v && *v ? v : NULL;
}

/* The verdict number called key (printf-style), false if the run has none. */
static bool num(const struct lrun *r, struct lnum *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bool num(const struct lrun *r, struct lnum *n, const char *fmt, ...)
{
    char key[128];
    const char *v, *iv;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(key, sizeof key, fmt, ap);
    va_end(ap);
    v = lookup(&r->v, key, "value");
    if (!v || !hb_csv_num(v, &n->v))
        return false;
    if (!hb_csv_num(lookup(&r->v, key, "lo"), &n->lo))
        n->lo = NAN;
    if (!hb_csv_num(lookup(&r->v, key, "hi"), &n->hi))
        n->hi = NAN;
    n->unit = lookup(&r->v, key, "unit");
    n->shown = lookup(&r->v, key, "shown");
    iv = lookup(&r->v, key, "interval");
    n->range = iv && !strcmp(iv, "reps");
    n->m = (struct hb_verdict_num){ n->v, n->lo, n->hi, n->unit, iv, NAN, NAN, false };
    if (!hb_csv_num(lookup(&r->v, key, "se"), &n->m.se) ||
        !hb_csv_num(lookup(&r->v, key, "df"), &n->m.df))
        n->m.se = n->m.df = NAN;
    iv = lookup(&r->v, key, "scale");
    n->m.logs = iv && !strcmp(iv, "log");
    return n->shown != NULL;
}

/* ------------------------------------------------------------------------
 * Text
 * ------------------------------------------------------------------------ */

/* text as lines of at most W columns, words kept whole unless a word is
 * longer than a line (a command's regex): that one is cut at the edge.
 * Later lines are indented by indent. */
static void para(FILE *f, const char *text, int indent)
{
    int col = 0;

    while (*text) {
        int word = (int)strcspn(text, " ");

        if (col && col + 1 + word > W) {
            fprintf(f, "\n%*s", indent, "");
            col = indent;
        } else if (col) {
            fputc(' ', f);
            col++;
        }
        if (col + word > W)
            word = W - col;
        fprintf(f, "%.*s", word, text);
        col += word;
        text += word;
        if (*text == ' ')
            text += strspn(text, " ");
        else if (*text)
            col = W;           /* the rest of a cut word: a new line */
    }
    fputc('\n', f);
}

/* The number of shown without its interval: "13.1 ms (10.4 to 13.8)" ->
 * "13.1 ms". */
static void bare(char *out, size_t len, const char *shown)
{
    const char *p = strstr(shown, " (");

    if (!strncmp(shown, "not detected", 12)) {   /* the verdict's own words */
        snprintf(out, len, "n.d.");
        return;
    }

    snprintf(out, len, "%.*s", p ? (int)(p - shown) : (int)strlen(shown), shown);
}

/* "not detected (+/-X %)" if the interval [lo, hi] of a change in % holds
 * 0, else nothing (false). */
static bool undetected(char *out, size_t len, double lo, double hi)
{
    double x = fmax(fabs(lo), fabs(hi));

    if (!(lo <= 0 && hi >= 0))
        return false;
    snprintf(out, len, x < 9.95 ? "not detected (+/-%.1f %%)" : "not detected (+/-%.0f %%)", x);
    return true;
}

/* A verdict answer: its shown text, or "not detected" for a change (unit
 * starting with '+') or a ratio ("x") whose interval holds no effect. */
static void answer(char *out, size_t len, const struct lnum *n, const struct lnum *pct)
{
    bool ratio = n->unit && !strcmp(n->unit, "x");
    bool change = n->unit && n->unit[0] == '+';

    if (ratio && undetected(out, len, (n->lo - 1) * 100, (n->hi - 1) * 100))
        return;
    if (change && pct && undetected(out, len, pct->lo, pct->hi))
        return;
    snprintf(out, len, "%s%s%s%s", n->shown, pct ? ", " : "", pct ? pct->shown : "",
             n->range ? " r" : "");
}

static void fmt_size(char *out, size_t len, double bytes)
{
    static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
    int u = 0;

    while (u < 4 && bytes >= 1024) {
        bytes /= 1024;
        u++;
    }
    snprintf(out, len, "%g %s", bytes, unit[u]);
}

/* ------------------------------------------------------------------------
 * What was measured
 * ------------------------------------------------------------------------ */

static void measured(FILE *f, const struct lrun *r)
{
    const char *virt = env(r, "virtualisation"), *nodes = env(r, "numa_nodes");
    const char *cmd = env(r, "command_line"), *date = env(r, "date_utc");
    const char *lo = env(r, "sampling_processes_min"), *hi = env(r, "sampling_processes_max");
    const char *procs = env(r, "processes"), *dirty = env(r, "heapbench_dirty");
    char text[2048], sizes[160] = "", a[32], b[32], spent[96];
    size_t n = 0;

    /* What the processes came to where the rule or the budget cut them. */
    if (lo && hi && procs && (strcmp(lo, procs) || strcmp(hi, procs)))
        snprintf(spent, sizeof spent, "%s%s%s processes a benchmark (of up to %s)", lo,
                 strcmp(lo, hi) ? " to " : "", strcmp(lo, hi) ? hi : "", procs);
    else
        snprintf(spent, sizeof spent, "%s processes", procs ? procs : "?");

    if (r->ram_hi > 0 && r->ram_lo < r->ram_hi)
        n += (size_t)snprintf(sizes + n, sizeof sizes - n, "; modelled RAM %g to %g GiB",
                              r->ram_lo, r->ram_hi);
    else if (r->ram_hi > 0)
        n += (size_t)snprintf(sizes + n, sizeof sizes - n, "; modelled RAM %g GiB",
                              r->ram_hi);
    if (r->tab_hi > 0) {
        fmt_size(a, sizeof a, r->tab_lo);
        fmt_size(b, sizeof b, r->tab_hi);
        snprintf(sizes + n, sizeof sizes - n, ", state tables %s%s%s", a,
                 r->tab_lo < r->tab_hi ? " to " : "", r->tab_lo < r->tab_hi ? b : "");
    }
    snprintf(text, sizeof text,
             "Measured: heapbench %s%s, a user-space model of Xen's boot-time heap "
             "(not Xen itself), on %s (%s cores), %s, %s NUMA node%s%s; %.10s; `%s`, "
             "%s x %s repetitions each.",
             env(r, "heapbench_commit") ? env(r, "heapbench_commit") : "(commit unknown)",
             dirty && !strcmp(dirty, "yes") ? " with uncommitted changes" : "",
             env(r, "cpu_model") ? env(r, "cpu_model") : "an unknown CPU",
             env(r, "cores") ? env(r, "cores") : "?",
             !virt ? "VM or not unknown" : strncmp(virt, "virtual", 7) ? "not a VM" : "a VM",
             nodes ? nodes : "?", nodes && !strcmp(nodes, "1") ? "" : "s", sizes,
             date ? date : "date unknown", cmd ? cmd : "command unknown",
             spent, env(r, "repetitions") ? env(r, "repetitions") : "?");
    para(f, text, 0);
}

/* ------------------------------------------------------------------------
 * The answers
 * ------------------------------------------------------------------------ */

/* One row per strategy: two numbers, key1 and key2 of init.<s>. */
static void init_table(FILE *f, const struct lrun *r, const char *title, const char *k1,
                       const char *k2)
{
    bool head = false;

    for (size_t i = 0; i < NSTRAT; i++) {
        struct lnum a, b;
        char x[96], y[96];

        if (!num(r, &a, "init.%s.%s", strategies[i], k1) ||
            !num(r, &b, "init.%s.%s", strategies[i], k2))
            continue;
        if (!head)
            fprintf(f, "\n%s\n", title);
        head = true;
        answer(x, sizeof x, &a, NULL);
        answer(y, sizeof y, &b, NULL);
        fprintf(f, "  %-9s %-29s %s\n", strategies[i], x, y);
    }
}

static void init_answers(FILE *f, const struct lrun *r)
{
    struct lnum n, pct;
    char text[512], a[96];

    init_table(f, r, "Boot (end_boot_allocator): per GiB of RAM, and at 1 TiB (a line\n"
                     "through the sizes measured, extrapolated):", "boot_per_gib", "boot_1tib");
    init_table(f, r, "After boot: work left at 1 TiB, and the worst single allocation\n"
                     "or free:", "deferred_1tib", "worst");
    for (size_t i = 3; i < NSTRAT; i++)
        if (num(r, &n, "init.%s.saving_1tib", strategies[i])) {
            answer(a, sizeof a, &n, NULL);
            snprintf(text, sizeof text, "%c%s moves %s of a 1 TiB boot to after it, "
                     "against chunked.", toupper((unsigned char)strategies[i][0]),
                     strategies[i] + 1, a);
            para(f, text, 0);
        }
    for (int order = 0; order <= 9; order += 9)
        if (num(r, &n, "free.encoding.order%d.away.ns", order) &&
            num(r, &pct, "free.encoding.order%d.away.pct", order)) {
            struct lnum x;

            answer(a, sizeof a, &n, &pct);
            if (num(r, &x, "free.encoding.order%d.away.exact_pct", order))
                snprintf(text, sizeof text, "The uninit encoding's cost to an order-%d free: "
                         "timed %s, but its code adds %s (exact): the machine's state, not "
                         "the encoding.", order, pct.shown ? pct.shown : a,
                         x.shown ? x.shown : "?");
            else
                snprintf(text, sizeof text, "The uninit encoding's cost to an order-%d free: "
                         "%s.", order, a);
            para(f, text, 0);
        }
}

/* Per boundary kind, the largest cost over the orders measured. */
static void free_answers(FILE *f, const struct lrun *r)
{
    static const char *const kind[] = { "natural", "order9", "unaligned" };
    static const char *const what[] = { "natural (1 GiB-aligned)", "aligned to order 9",
                                        "unaligned (a page off)" };
    bool head = false;

    for (size_t k = 0; k < 3; k++) {
        struct lnum best = { 0 }, n;
        int at = -1;
        char a[96];

        for (int o = 0; o <= 18; o++)
            if (num(r, &n, "free.%s.order%d.ratio", kind[k], o) && (at < 0 || n.v > best.v))
                best = n, at = o;
        if (at < 0)
            continue;
        if (!head)
            fprintf(f, "\nA free next to a node boundary, over the same free away from it\n"
                       "(the largest over the orders measured):\n");
        head = true;
        answer(a, sizeof a, &best, NULL);
        fprintf(f, "  %-24s %s, order %d\n", what[k], a, at);
    }
}

static void state_answers(FILE *f, const struct lrun *r)
{
    static const char *const enc[] = { "legacy", "uninit" };
    static const char *const lay[] = { "entries", "bytearray" };
    static const char *const what[] = { "32-byte entries", "a state byte array" };
    bool head = false;

    for (size_t e = 0; e < 2; e++)
        for (size_t l = 0; l < 2; l++) {
            struct lnum n;
            char a[96], label[64];

            if (!num(r, &n, "state.%s.%s.scan_1tib", enc[e], lay[l]))
                continue;
            if (!head)
                fprintf(f, "\nA scan of every page's state of a 1 TiB machine:\n");
            head = true;
            answer(a, sizeof a, &n, NULL);
            snprintf(label, sizeof label, "%s, %s", enc[e], what[l]);
            fprintf(f, "  %-28s %s\n", label, a);
        }
}

/* ------------------------------------------------------------------------
 * Real Xen 4.17 (the verdict's xen.* numbers)
 * ------------------------------------------------------------------------ */

/* "0.91x (Xen 58.0, model 53.0, exact)" -> "0.91x" and " (Xen ...)". */
static void split_paren(const char *shown, char *v, size_t vn, const char **paren)
{
    const char *p = strstr(shown, " (");

    snprintf(v, vn, "%.*s", p ? (int)(p - shown) : (int)strlen(shown), shown);
    *paren = p ? p : "";
}

static void xen_fidelity(FILE *f, const struct lrun *r)
{
    struct lnum band, eq, eba;
    char text[1024], v[48], when[64] = "";
    const char *paren, *d = env(r, "xen_fidelity_date");
    size_t n = 0;

    if (!num(r, &band, "xen.fidelity.in_band")) {
        para(f, "No Xen check was run on this machine: the model was not held against "
                "real Xen here (make xen-check counts Xen 4.17 exactly under QEMU; "
                "heapbench bench then copies its table into the run).", 0);
        return;
    }
    if (d)
        snprintf(when, sizeof when, "; the check's table of %.10s", d);
    if (num(r, &eba, "xen.fidelity.eba.ratio")) {
        split_paren(eba.shown, v, sizeof v, &paren);
        n += (size_t)snprintf(text, sizeof text, "The model runs %s Xen 4.17's instructions "
                              "per page in end_boot_allocator%s; ", v, paren);
    }
    snprintf(text + n, sizeof text - n, "%s %s operations within 0.90-1.10 of Xen's "
             "count%s%s%s.", n ? "" : "The model against Xen 4.17:", band.shown,
             num(r, &eq, "xen.fidelity.blocks_equal") ? ", free blocks identical in " : "",
             num(r, &eq, "xen.fidelity.blocks_equal") ? eq.shown : "", when);
    para(f, text, 0);
}

/* The encoding's cost at the operations the verdict counts, Xen then model. */
static void xen_encoding(FILE *f, const struct lrun *r)
{
    static const char *const op[] = { "free.o0.away", "free.o9.away", "free.o0.boot" };
    static const char *const what[] = { "to an order-0 free", "at order 9",
                                        "to the first free of a never-initialised page" };
    static const char *const brief[] = { "", "at order 9", "at that first free" };
    char text[1024], model[256] = "";
    size_t n = 0, m = 0;
    struct lnum x, y;

    for (size_t i = 0; i < 3; i++) {
        if (!num(r, &x, "xen.real.encoding.%s", op[i]))
            continue;
        n += (size_t)snprintf(text + n, n < sizeof text ? sizeof text - n : 0, "%s%s %s%s",
                              !n ? "In real Xen 4.17 the uninit encoding adds "
                                 : strchr(text, '(') ? ", " : " (",
                              x.shown, !i ? "instructions " : "", what[i]);
        if (num(r, &y, "xen.model.encoding.%s", op[i]))
            m += (size_t)snprintf(model + m, m < sizeof model ? sizeof model - m : 0,
                                  "%s%s%s%s", m ? "; " : "", y.shown, i ? " " : "",
                                  i ? brief[i] : "");
    }
    if (!n)
        return;
    if (n < sizeof text)
        snprintf(text + n, sizeof text - n, "%s%s%s%s.", strchr(text, '(') ? ")" : "",
                 m ? "; the model: " : "", model,
                 m && !strstr(model, brief[2]) && strstr(text, what[2]) ? " (no model figure "
                 "for the never-initialised page)" : "");
    para(f, text, 0);
}

/* The verdict's xen.disagree.* numbers: where the model and Xen differ. */
static void xen_disagree(FILE *f, const struct lrun *r)
{
    int ck = hb_csv_col(&r->v, "key"), cs = hb_csv_col(&r->v, "shown");
    bool head = false;
    char text[300];

    for (size_t i = 0; ck >= 0 && cs >= 0 && i < r->v.nrows; i++) {
        if (strncmp(hb_csv_get(&r->v, i, ck), "xen.disagree.", 13))
            continue;
        if (!head)
            para(f, "The model and real Xen disagree (more than 10 % apart) on:", 0);
        head = true;
        snprintf(text, sizeof text, "- %s", hb_csv_get(&r->v, i, cs));
        para(f, text, 2);
    }
}

static void xen_answers(FILE *f, const struct lrun *r)
{
    struct lnum x, y;
    char text[512];

    fprintf(f, "\nReal Xen 4.17, exact instructions (QEMU -icount):\n");
    xen_fidelity(f, r);
    if (!num(r, &x, "xen.real.init.pagewise_over_stock") &&
        !num(r, &x, "xen.real.encoding.free.o0.away")) {
        if (num(r, &y, "xen.fidelity.in_band"))
            para(f, "No variant of Xen was counted on this machine (make xen-bench).", 0);
        return;
    }
    if (num(r, &x, "xen.real.init.pagewise_over_stock")) {
        bool m = num(r, &y, "xen.model.init.pagewise_over_stock");
        snprintf(text, sizeof text, "Instructions per page of end_boot_allocator in real "
                 "Xen 4.17, page-wise init (as up to 4.16) against chunked: %s%s%s.",
                 x.shown, m ? "; the model: " : "", m ? y.shown : "");
        para(f, text, 0);
    }
    xen_encoding(f, r);
    xen_disagree(f, r);
}

/* Which intervals the numbers carry. */
static void intervals(FILE *f, const struct lrun *r)
{
    int ci = hb_csv_col(&r->v, "interval");
    bool reps = false;

    for (size_t i = 0; ci >= 0 && i < r->v.nrows; i++)
        reps |= !strcmp(hb_csv_get(&r->v, i, ci), "reps");
    fprintf(f, "\n");
    para(f, reps ? "In brackets: the 95 % confidence interval over processes; r: the "
                   "min-max of every repetition instead (a range, for numbers the "
                   "summaries do not cover)."
                 : "In brackets: the 95 % confidence interval over processes.", 0);
}

/* ------------------------------------------------------------------------
 * Changes from a base run
 * ------------------------------------------------------------------------ */

/* One row if both runs have the number. */
static void change_row(FILE *f, const struct lrun *base, const struct lrun *run,
                       const char *label, const char *key)
{
    struct lnum b, a;
    char vb[32], va[32], c[96];
    int col;

    if (!num(base, &b, "%s", key) || !num(run, &a, "%s", key))
        return;
    bare(vb, sizeof vb, b.shown);
    bare(va, sizeof va, a.shown);
    hb_verdict_change(c, sizeof c, &b.m, &a.m);
    col = fprintf(f, "  %-20s %9s -> %-9s", label, vb, va);
    if (col + 1 + (int)strlen(c) > W)
        fprintf(f, "\n%*s", W - (int)strlen(c) - 1, "");
    fprintf(f, " %s\n", c);
}

/* Real Xen's exact figures, if both runs have them; else which lacks them. */
static void xen_changes(FILE *f, const struct lrun *base, const struct lrun *run)
{
    static const char *const row[][2] = {
        { "end_boot_allocator", "xen.fidelity.eba.ratio" },
        { "ops in 0.90-1.10", "xen.fidelity.in_band" },
        { "o0 free, Xen", "xen.real.encoding.free.o0.away" },
        { "o0 free, model", "xen.model.encoding.free.o0.away" },
        { "o9 free, Xen", "xen.real.encoding.free.o9.away" },
        { "o9 free, model", "xen.model.encoding.free.o9.away" },
    };
    struct lnum x;
    bool hb = num(base, &x, "xen.fidelity.in_band"), hr = num(run, &x, "xen.fidelity.in_band");

    if (!hb && !hr)
        return;
    if (!hb || !hr) {
        para(f, !hb ? "Real Xen 4.17: the base run has no Xen check; this run has one."
                    : "Real Xen 4.17: this run has no Xen check; the base run has one.", 0);
        return;
    }
    para(f, "Real Xen 4.17, exact: end_boot_allocator as the model's instructions per "
            "page over Xen's, operations within 0.90-1.10 of Xen's count, the uninit "
            "encoding's instructions per free away from a boundary:", 0);
    for (size_t i = 0; i < sizeof row / sizeof row[0]; i++)
        change_row(f, base, run, row[i][0], row[i][1]);
}

static void changes(FILE *f, const struct lrun *base, const struct lrun *run)
{
    static const char *const init_keys[] = { "boot_per_gib", "deferred_1tib", "worst" };
    static const char *const init_what[] = { "boot/GiB", "after@1TiB", "worst" };
    char text[1024], key[96], label[64];

    fprintf(f, "\n");
    snprintf(text, sizeof text, "Changes from the base run (heapbench %s, %s) to this one, "
             "each with its 95 %% interval (Welch's t, the runs independent), as `heapbench "
             "verdict BASE NEW` computes them (n.d.: not detected in that run):",
             env(base, "heapbench_commit") ? env(base, "heapbench_commit") : "?",
             env(base, "date_utc") ? env(base, "date_utc") : base->dir);
    para(f, text, 0);
    for (size_t k = 0; k < 3; k++)
        for (size_t i = 0; i < NSTRAT; i++) {
            snprintf(key, sizeof key, "init.%s.%s", strategies[i], init_keys[k]);
            snprintf(label, sizeof label, "%s %s", strategies[i], init_what[k]);
            change_row(f, base, run, label, key);
        }
    for (int o = 0; o <= 18; o += 9) {
        snprintf(key, sizeof key, "free.natural.order%d.ratio", o);
        snprintf(label, sizeof label, "boundary order %d", o);
        change_row(f, base, run, label, key);
    }
    change_row(f, base, run, "scan legacy entries", "state.legacy.entries.scan_1tib");
    change_row(f, base, run, "scan uninit entries", "state.uninit.entries.scan_1tib");
    change_row(f, base, run, "scan legacy bytes", "state.legacy.bytearray.scan_1tib");
    change_row(f, base, run, "scan uninit bytes", "state.uninit.bytearray.scan_1tib");
    xen_changes(f, base, run);
}

/* ------------------------------------------------------------------------
 * The letter
 * ------------------------------------------------------------------------ */

int hb_letter_write(FILE *f, const char *run, const char *base, char *why, size_t whylen)
{
    struct lrun r, b;

    if (load(&r, run, why, whylen))
        return -1;
    if (base && load(&b, base, why, whylen)) {
        unload(&r);
        return -1;
    }
    measured(f, &r);
    init_answers(f, &r);
    free_answers(f, &r);
    state_answers(f, &r);
    xen_answers(f, &r);
    if (base)
        changes(f, &b, &r);
    intervals(f, &r);
    unload(&r);
    if (base)
        unload(&b);
    return 0;
}
