/*
 * verdict_print.c - writing a built verdict: its sentences and tables as
 * Markdown, an HTML fragment or console text of 80 columns, its numbers
 * as CSV (each with its interval and the
 * exact text the report shows, for tests), or the numbers of two runs as
 * changes.  Writes only to the stream it is given.
 */
#include "bench/compare/verdict_int.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * Markdown and HTML
 * ------------------------------------------------------------------------ */

/* Sections: 0 the answers in short, 1..3 the questions, 4 how to read the
 * intervals, 5 real Xen (printed before the intervals: said before them). */
static const char *const section_title[] = {
    "In short", "Eager against lazy initialisation", "High-order frees at node boundaries",
    "Per-page state checks", "Intervals", "Real Xen 4.17, exact instructions",
};

static void html_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '<')
            fputs("&lt;", f);
        else if (*s == '>')
            fputs("&gt;", f);
        else if (*s == '&')
            fputs("&amp;", f);
        else
            fputc(*s, f);
    }
}

/* The tables of section sec placed before its line at (SIZE_MAX: all
 * that are left), each once: done marks them. */
static void tables(FILE *f, const struct hbv_verdict *vd, int sec, size_t at, bool *done,
                   enum hb_verdict_format fmt)
{
    for (size_t t = 0; t < vd->ntables; t++) {
        const struct hbv_table *tb = &vd->table[t];
        if (done[t] || tb->section != sec || (at != SIZE_MAX && tb->at > at))
            continue;
        done[t] = true;
        if (fmt == HB_VERDICT_HTML)
            hbv_table_html(f, tb);
        else if (fmt == HB_VERDICT_MD)
            hbv_table_md(f, tb);
        else
            hbv_table_text(f, tb, 80);
    }
}

void hbv_print_md(FILE *f, const struct hbv_verdict *vd)
{
    bool done[HBV_MAX_TABLES] = { false };
    int sec = -1;
    size_t at = 0;

    fprintf(f, "## Verdict\n\n");
    for (size_t i = 0; i < vd->nlines; i++) {
        const struct hbv_line *l = &vd->line[i];
        if (l->section != sec) {
            tables(f, vd, sec, SIZE_MAX, done, HB_VERDICT_MD);
            sec = l->section;
            at = 0;
            if (sec >= 1 && sec <= 3)
                fprintf(f, "\n### %d. %s\n\n", sec, section_title[sec]);
            else if (sec)
                fprintf(f, "\n### %s\n\n", section_title[sec]);
        }
        tables(f, vd, sec, at++, done, HB_VERDICT_MD);
        fprintf(f, "%s- %s\n", l->depth ? "  " : "", l->text);
    }
    tables(f, vd, sec, SIZE_MAX, done, HB_VERDICT_MD);
}

/* The console: the same, wrapped at 80 columns, the tables in plain text. */
void hbv_print_text(FILE *f, const struct hbv_verdict *vd)
{
    bool done[HBV_MAX_TABLES] = { false };
    int sec = -1;
    size_t at = 0;

    fprintf(f, "Verdict\n");
    for (size_t i = 0; i < vd->nlines; i++) {
        const struct hbv_line *l = &vd->line[i];
        if (l->section != sec) {
            tables(f, vd, sec, SIZE_MAX, done, HB_VERDICT_TEXT);
            sec = l->section;
            at = 0;
            if (sec >= 1 && sec <= 3)
                fprintf(f, "\n%d. %s\n\n", sec, section_title[sec]);
            else if (sec)
                fprintf(f, "\n%s\n\n", section_title[sec]);
            else
                fputc('\n', f);
        }
        tables(f, vd, sec, at++, done, HB_VERDICT_TEXT);
        hbv_wrap(f, l->depth ? "    - " : "  - ", l->text, 80);
    }
    tables(f, vd, sec, SIZE_MAX, done, HB_VERDICT_TEXT);
}

static void close_lists(FILE *f, int depth)
{
    for (; depth >= 0; depth--)
        fputs("</li></ul>", f);
    fputc('\n', f);
}

void hbv_print_html(FILE *f, const struct hbv_verdict *vd)
{
    bool done[HBV_MAX_TABLES] = { false };
    int sec = -1, depth = -1;
    size_t at = 0;

    fprintf(f, "<section id=\"verdict\"><h2>Verdict</h2>\n");
    for (size_t i = 0; i < vd->nlines; i++) {
        const struct hbv_line *l = &vd->line[i];
        bool table_next = false;
        for (size_t t = 0; t < vd->ntables; t++)
            table_next |= !done[t] && vd->table[t].section == l->section &&
                          l->section == sec && vd->table[t].at <= at;
        if (l->section != sec || table_next) {
            if (depth >= 0)
                close_lists(f, depth);
            depth = -1;
        }
        if (l->section != sec) {
            tables(f, vd, sec, SIZE_MAX, done, HB_VERDICT_HTML);
            sec = l->section;
            at = 0;
            if (sec >= 1 && sec <= 3)
                fprintf(f, "<h3>%d. %s</h3>\n", sec, section_title[sec]);
            else if (sec)
                fprintf(f, "<h3>%s</h3>\n", section_title[sec]);
        }
        tables(f, vd, sec, at++, done, HB_VERDICT_HTML);
        if (l->depth > depth)
            fprintf(f, "<ul class=\"s%d\"><li>", sec);
        else if (l->depth < depth)
            fputs("</li></ul></li><li>", f);
        else
            fputs("</li><li>", f);
        depth = l->depth;
        html_text(f, l->text);
        fputc('\n', f);
    }
    if (depth >= 0)
        close_lists(f, depth);
    tables(f, vd, sec, SIZE_MAX, done, HB_VERDICT_HTML);
    fprintf(f, "</section>\n");
}

/* ------------------------------------------------------------------------
 * CSV
 * ------------------------------------------------------------------------ */

static void csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++)
        fputs(*s == '"' ? "\"\"" : (char[]){ *s, 0 }, f);
    fputc('"', f);
}

void hbv_print_csv(FILE *f, const struct hbv_verdict *vd)
{
    fprintf(f, "key,value,lo,hi,unit,interval,se,scale,df,shown\n");
    for (size_t i = 0; i < vd->nitems; i++) {
        const struct hbv_item *it = &vd->item[i];
        fprintf(f, "%s,%.17g,%.17g,%.17g,%s,%s,", it->key, it->e.v, it->e.lo, it->e.hi,
                it->unit, hbv_kind_name[it->e.kind]);
        if (isfinite(it->e.se))
            fprintf(f, "%.17g,%s,%.17g,", it->e.se, it->e.logs ? "log" : "value", it->e.df);
        else
            fputs(",,,", f);
        csv_field(f, it->shown);
        fputc('\n', f);
    }
}

/* ------------------------------------------------------------------------
 * Two runs
 * ------------------------------------------------------------------------ */

/* A verdict number's key in words: "init.lazy.saving_1tib" -> "lazy: boot
 * time saved at 1 TiB, against chunked". */
static void describe(char *b, size_t n, const char *key)
{
    static const struct { const char *suffix, *words; } w[] = {
        { ".boot_per_gib", "boot time per GiB" },
        { ".boot_1tib", "boot time at 1 TiB" },
        { ".boot_largest", "boot time at the largest size measured" },
        { ".deferred_1tib", "work deferred after boot at 1 TiB" },
        { ".total_1tib", "all initialisation work at 1 TiB" },
        { ".ratio_fewer_merges", "free at boundary / away, fewer merges at it" },
        { ".worst", "worst call after boot" },
        { ".saving_1tib", "boot time saved at 1 TiB" },
        { ".ns", "time uninit adds per free" },
        { ".pct", "time uninit adds per free, %" },
        { ".ratio", "free at boundary / away" },
        { ".maxorder_blocks", "free max-order blocks" },
        { ".maxorder_lost", "max-order blocks lost" },
        { ".range_lazy_per_page", "range free per page, lazy" },
        { ".range_eager_per_page", "range free per page, eager" },
        { ".pages_per_ns", "scan, pages per ns" },
        { ".scan_1tib", "scan of a 1 TiB frame table" },
        { ".roofline_pct", "scan, % of read roofline" },
        { "break_even_frees", "break-even, order-0 frees" },
    };
    size_t kl = strlen(key);

    for (size_t i = 0; i < sizeof w / sizeof w[0]; i++) {
        size_t sl = strlen(w[i].suffix);
        if (kl >= sl && !strcmp(key + kl - sl, w[i].suffix)) {
            const char *mid = strchr(key, '.');
            int ml = (int)(kl - sl) - (int)(mid ? mid + 1 - key : 0);
            if (!mid || ml <= 0)
                snprintf(b, n, "%s", w[i].words);
            else
                snprintf(b, n, "%.*s: %s", ml, mid + 1, w[i].words);
            return;
        }
    }
    snprintf(b, n, "%s", key);
}

/* Two runs: every number of both, as a change with its interval. */
void hbv_print_delta(FILE *f, const struct hbv_verdict *a, const struct hbv_verdict *b)
{
    size_t n = 0;

    fprintf(f, "## Verdict, BASE -> NEW\n\nBASE %s, NEW %s. Each line: the number in BASE, "
            "in NEW, and the change NEW against BASE with its 95 %% interval (Welch's t, the "
            "runs independent); \"not detected (+/-X)\" where that interval includes no "
            "change.  Each interval holds 95 %% on its own: among many unchanged numbers about "
            "1 in 20 shows a change by chance (heapbench compare controls that across "
            "benchmarks).\n\n", a->r->dir, b->r->dir);
    for (size_t i = 0; i < a->nitems; i++)
        for (size_t j = 0; j < b->nitems; j++) {
            const struct hbv_item *x = &a->item[i], *y = &b->item[j];
            if (strcmp(x->key, y->key))
                continue;
            char what[160], ch[200];
            describe(what, sizeof what, x->key);
            if (hbv_change(ch, sizeof ch, x->e, x->unit, y->e) == HB_CHANGE_NO_INTERVAL)
                snprintf(ch + strcspn(ch, "("), sizeof ch - strcspn(ch, "("),
                         "no interval (one process, or an older summary)");
            fprintf(f, "- %s: %s -> %s: %s\n", what, x->shown, y->shown, ch);
            n++;
        }
    if (!n)
        fprintf(f, "The two runs have no verdict number in common.\n");
}
