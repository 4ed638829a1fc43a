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
    fprintf(f, "key,value,lo,hi,unit,interval,se,scale,df,shown,what\n");
    for (size_t i = 0; i < vd->nitems; i++) {
        const struct hbv_item *it = &vd->item[i];
        fprintf(f, "%s,%.17g,%.17g,%.17g,%s,%s,", it->key, it->e.v, it->e.lo, it->e.hi,
                it->unit, hbv_kind_name[it->e.kind]);
        if (isfinite(it->e.se))
            fprintf(f, "%.17g,%s,%.17g,", it->e.se, it->e.logs ? "log" : "value", it->e.df);
        else
            fputs(",,,", f);
        csv_field(f, it->shown);
        fputc(',', f);
        csv_field(f, it->what);
        fputc('\n', f);
    }
}

/* ------------------------------------------------------------------------
 * Two runs
 * ------------------------------------------------------------------------ */

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
            char ch[200];
            enum hb_verdict_change_kind k = hbv_change(ch, sizeof ch, x->e, x->unit, y->e);
            if (k == HB_CHANGE_NO_INTERVAL)
                snprintf(ch + strcspn(ch, "("), sizeof ch - strcspn(ch, "("),
                         "no interval (one process, or an older summary)");
            if (k == HB_CHANGE_UNCHANGED && !strcmp(x->shown, y->shown))
                fprintf(f, "- %s: %s: %s\n", x->what, x->shown, ch);    /* said once */
            else
                fprintf(f, "- %s: %s -> %s: %s\n", x->what, x->shown, y->shown, ch);
            n++;
        }
    if (!n)
        fprintf(f, "The two runs have no verdict number in common.\n");
}
