/*
 * verdict_words.c - a verdict number's subject in words, made from its
 * key when the number is recorded: "free.natural.order9.ratio" ->
 * "boundary natural (1 GiB-aligned), order 9: free at boundary over
 * away".  Every form that names a number (two runs' changes, the CSV's
 * `what` column, the letter) takes it from here; the key stays for
 * machines.  A key it does not know comes out with spaces for its dots.
 */
#include "bench/compare/verdict_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXP 8

/* key split at its dots into p (at most MAXP parts); how many. */
static int split(char *key, char **p)
{
    int k = 0;

    for (char *s = key; s && k < MAXP; k++) {
        p[k] = s;
        s = strchr(s, '.');
        if (s)
            *s++ = 0;
    }
    return k;
}

/* "order9" -> "order 9", "o9" -> "9"; NULL if s is neither. */
static const char *order_of(const char *s)
{
    if (!strncmp(s, "order", 5) && s[5] >= '0' && s[5] <= '9')
        return s + 5;
    if (s[0] == 'o' && s[1] >= '0' && s[1] <= '9')
        return s + 1;
    return NULL;
}

static const char *where_words(const char *w)
{
    static const struct { const char *w, *words; } t[] = {
        { "away", "away from a boundary" },
        { "boundary", "at a node boundary" },
        { "buddy_used", "whose buddy is in use" },
        { "one_merge", "that merges once" },
        { "boot", "of a page the heap never initialised" },
        { "none", "that fails" },
    };

    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (!strcmp(w, t[i].w))
            return t[i].words;
    return w;
}

static const char *boundary_words(const char *kind)
{
    return !strcmp(kind, "natural") ? "boundary natural (1 GiB-aligned)"
           : !strcmp(kind, "order9") ? "boundary order-9 aligned"
           : !strcmp(kind, "unaligned") ? "boundary unaligned" : NULL;
}

/* "free o9 away" split as p[0..2]: "order-9 free away from a boundary". */
static void op_words(char *b, size_t n, char **p, int k)
{
    const char *o = k >= 2 ? order_of(p[1]) : NULL;

    if (k >= 2 && o && (!strcmp(p[0], "free") || !strcmp(p[0], "alloc")))
        snprintf(b, n, "order-%s %s%s%s", o, p[0][0] == 'f' ? "free" : "allocation",
                 k >= 3 ? " " : "", k >= 3 ? where_words(p[2]) : "");
    else if (k >= 1)
        snprintf(b, n, "%s", p[0]);     /* a function's name: end_boot_allocator */
    else
        snprintf(b, n, "?");
}

static const char *metric_words(const char *m)
{
    static const struct { const char *m, *words; } t[] = {
        { "boot_per_gib", "boot time per GiB" },
        { "boot_1tib", "boot time at 1 TiB" },
        { "boot_largest", "boot time at the largest size measured" },
        { "deferred_1tib", "work deferred after boot at 1 TiB" },
        { "total_1tib", "all initialisation work at 1 TiB" },
        { "worst", "worst call after boot" },
        { "saving_1tib", "boot time saved at 1 TiB, against chunked" },
        { "ratio", "free at boundary over away" },
        { "ratio_fewer_merges", "free at boundary over away, fewer merges at it" },
        { "maxorder_blocks", "free max-order blocks" },
        { "maxorder_lost", "max-order blocks lost against natural" },
        { "range_lazy_per_page", "range free per page, lazy" },
        { "range_eager_per_page", "range free per page, eager" },
        { "pages_per_ns", "pages per ns" },
        { "roofline_pct", "% of read roofline" },
        { "scan_1tib", "scan of a 1 TiB frame table" },
        { "ns", "time added per free" },
        { "pct", "time added per free, %" },
        { "exact_pct", "instructions its code adds per free (exact), %" },
        { "boot_per_page", "boot instructions per page" },
    };

    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (!strcmp(m, t[i].m))
            return t[i].words;
    return NULL;
}

static bool init_words(char *b, size_t n, char **p, int k)
{
    const char *m = k == 3 ? metric_words(p[2]) : NULL;

    if (k == 2 && !strcmp(p[1], "break_even_frees"))
        snprintf(b, n, "break-even: order-0 frees away from a boundary");
    else if (m)
        snprintf(b, n, "%s: %s", p[1], m);
    else
        return false;
    return true;
}

static bool free_words(char *b, size_t n, char **p, int k)
{
    const char *o = k >= 3 ? order_of(p[2]) : NULL, *bw = k >= 2 ? boundary_words(p[1]) : NULL;
    const char *m = metric_words(p[k - 1]);

    if (k == 5 && !strcmp(p[1], "encoding") && o && m)
        snprintf(b, n, "uninit encoding, order-%s free %s: %s", o, where_words(p[3]), m);
    else if (k == 4 && bw && o && m)
        snprintf(b, n, "%s, order %s: %s", bw, o, m);
    else if (k == 3 && bw && m)
        snprintf(b, n, "%s: %s", bw, m);
    else
        return false;
    return true;
}

static bool state_words(char *b, size_t n, char **p, int k)
{
    const char *m = k == 4 ? metric_words(p[3]) : NULL;

    if (!m)
        return false;
    snprintf(b, n, "state scan, %s, %s: %s", p[1],
             !strcmp(p[2], "entries") ? "32-byte entries"
             : !strcmp(p[2], "bytearray") ? "a state byte per page" : p[2], m);
    return true;
}

static bool count_words(char *b, size_t n, char **p, int k)
{
    const char *o = k >= 3 ? order_of(p[k - 1]) : NULL;

    if (k == 4 && !strcmp(p[1], "free") && order_of(p[2]))
        snprintf(b, n, "uninit encoding, order-%s free %s: instructions added", order_of(p[2]),
                 where_words(p[3]));
    else if (k == 3 && !strcmp(p[1], "alloc") && o)
        snprintf(b, n, "uninit encoding, order-%s allocation: instructions added", o);
    else if (k == 4 && !strcmp(p[1], "alloc") && !strcmp(p[2], "lazy") && o)
        snprintf(b, n, "lazy's first order-%s allocation: instructions", o);
    else if (k == 4 && !strcmp(p[1], "init") && !strcmp(p[3], "boot_per_page"))
        snprintf(b, n, "%s: boot instructions per page", p[2]);
    else if (k == 4 && !strcmp(p[1], "init") && !strcmp(p[3], "saving_1tib"))
        snprintf(b, n, "%s: boot instructions saved at 1 TiB, against chunked",
                 p[2]);
    else if (k == 3 && !strcmp(p[1], "init") && !strcmp(p[2], "break_even_frees"))
        snprintf(b, n, "break-even in instructions: order-0 frees away from a boundary");
    else
        return false;
    return true;
}

static bool xen_words(char *b, size_t n, char **p, int k)
{
    static const char *const who[][2] = {
        { "real", "real Xen 4.17" }, { "model", "the model" },
        { "disagree", "model and Xen disagree" },
    };
    const char *w = NULL;
    char op[160];

    if (k == 4 && !strcmp(p[1], "fidelity") && !strcmp(p[2], "eba"))
        snprintf(b, n, "model/Xen instructions per page, end_boot_allocator");
    else if (k == 3 && !strcmp(p[1], "fidelity") && !strcmp(p[2], "in_band"))
        snprintf(b, n, "real Xen 4.17: operations within 0.90-1.10 of Xen's count");
    else if (k == 3 && !strcmp(p[1], "fidelity") && !strcmp(p[2], "blocks_equal"))
        snprintf(b, n, "real Xen 4.17: operations with free blocks identical to Xen's");
    else if (k == 3 && !strcmp(p[1], "variants") && !strcmp(p[2], "in_band"))
        snprintf(b, n, "Xen 4.17's variants: operations within 0.90-1.10 of Xen's count");
    else {
        for (size_t i = 0; k >= 3 && i < sizeof who / sizeof who[0]; i++)
            if (!strcmp(p[1], who[i][0]))
                w = who[i][1];
        if (!w)
            return false;
        if (!strcmp(p[2], "init") && k == 4 && !strcmp(p[3], "pagewise_over_stock"))
            snprintf(b, n, "%s: page-wise init over %s, instructions per page", w,
                     !strcmp(p[1], "real") ? "stock" : "chunked");
        else if (!strcmp(p[2], "encoding")) {
            op_words(op, sizeof op, p + 3, k - 3);
            snprintf(b, n, "%s: the encoding's instructions, %s", w, op);
        } else {                /* a variant's operation: "stock alloc o18 away" */
            op_words(op, sizeof op, p + 3, k - 3);
            snprintf(b, n, "%s: %s, %s", w, p[2], op);
        }
    }
    return true;
}

void hbv_words(char *b, size_t n, const char *key)
{
    char k[96], *p[MAXP];
    int np;
    bool ok = false;

    snprintf(k, sizeof k, "%s", key);
    np = split(k, p);
    if (np >= 2 && !strcmp(p[0], "init"))
        ok = init_words(b, n, p, np);
    else if (np >= 3 && !strcmp(p[0], "free"))
        ok = free_words(b, n, p, np);
    else if (np >= 3 && !strcmp(p[0], "state"))
        ok = state_words(b, n, p, np);
    else if (np >= 3 && !strcmp(p[0], "count"))
        ok = count_words(b, n, p, np);
    else if (np >= 3 && !strcmp(p[0], "xen"))
        ok = xen_words(b, n, p, np);
    if (ok)
        return;
    snprintf(b, n, "%s", key);
    for (char *s = b; *s; s++)
        *s = *s == '.' || *s == '_' ? ' ' : *s;
}
