/*
 * verdict_table.c - the verdict's tables: numbers of one kind lined up, a
 * row per strategy, boundary or scan, a column per quantity, each cell a
 * number with its interval as the verdict shows it.  Written as Markdown,
 * HTML, or plain text for a console of 80 columns, where a cell's value
 * sits over its interval so five columns fit.
 */
#include "bench/compare/verdict_int.h"

#include <stdio.h>
#include <string.h>

int hbv_table(struct hbv_verdict *vd, int section, const char *title, int ncol,
              const char *const heads[])
{
    struct hbv_table *t;
    size_t at = 0;

    if (vd->ntables >= HBV_MAX_TABLES || ncol > HBV_TCOLS)
        return -1;
    for (size_t i = 0; i < vd->nlines; i++)
        at += vd->line[i].section == section;
    t = &vd->table[vd->ntables];
    memset(t, 0, sizeof *t);
    t->section = section;
    t->at = at;
    t->ncol = ncol;
    snprintf(t->title, sizeof t->title, "%s", title);
    for (int c = 0; c < ncol; c++)
        snprintf(t->head[c], sizeof t->head[c], "%s", heads[c]);
    return (int)vd->ntables++;
}

void hbv_cell(struct hbv_verdict *vd, int t, const char *row, int col, const char *text)
{
    struct hbv_table *tb;
    size_t r;

    if (t < 0 || (size_t)t >= vd->ntables || col < 0 || col >= vd->table[t].ncol)
        return;
    tb = &vd->table[t];
    for (r = 0; r < tb->nrows && strcmp(tb->label[r], row); r++)
        ;
    if (r == tb->nrows) {
        if (r >= HBV_TROWS)
            return;
        snprintf(tb->label[tb->nrows++], sizeof tb->label[0], "%s", row);
    }
    snprintf(tb->cell[r][col], sizeof tb->cell[r][col], "%s", text);
}

/* A head on one line: its '\n' as a space. */
static void head1(FILE *f, const char *h)
{
    for (; *h; h++)
        fputc(*h == '\n' ? ' ' : *h, f);
}

void hbv_table_md(FILE *f, const struct hbv_table *t)
{
    fprintf(f, "\n%s\n\n| |", t->title);
    for (int c = 0; c < t->ncol; c++) {
        fputc(' ', f);
        head1(f, t->head[c]);
        fputs(" |", f);
    }
    fputs("\n|---|", f);
    for (int c = 0; c < t->ncol; c++)
        fputs("---:|", f);
    for (size_t r = 0; r < t->nrows; r++) {
        fprintf(f, "\n| %s |", t->label[r]);
        for (int c = 0; c < t->ncol; c++)
            fprintf(f, " %s |", *t->cell[r][c] ? t->cell[r][c] : "-");
    }
    fputs("\n\n", f);
}

static void html_esc(FILE *f, const char *s)
{
    for (; *s; s++)
        fputs(*s == '<' ? "&lt;" : *s == '>' ? "&gt;" : *s == '&' ? "&amp;"
                                                                 : (char[]){ *s, 0 }, f);
}

void hbv_table_html(FILE *f, const struct hbv_table *t)
{
    fputs("<p>", f);
    html_esc(f, t->title);
    fputs("</p>\n<table class=\"verdict\"><tr><th></th>", f);
    for (int c = 0; c < t->ncol; c++) {
        fputs("<th>", f);
        for (const char *h = t->head[c]; *h; h++)
            *h == '\n' ? (void)fputs(" ", f) : html_esc(f, (char[]){ *h, 0 });
        fputs("</th>", f);
    }
    fputs("</tr>\n", f);
    for (size_t r = 0; r < t->nrows; r++) {
        fputs("<tr><th>", f);
        html_esc(f, t->label[r]);
        fputs("</th>", f);
        for (int c = 0; c < t->ncol; c++) {
            fputs("<td>", f);
            html_esc(f, *t->cell[r][c] ? t->cell[r][c] : "-");
            fputs("</td>", f);
        }
        fputs("</tr>\n", f);
    }
    fputs("</table>\n", f);
}

/* ------------------------------------------------------------------------
 * Plain text
 * ------------------------------------------------------------------------ */

/* Part k (0, 1) of a text split at the first newline (a head), or of a
 * cell "v (lo to hi)" into v and "lo to hi"; "not detected (+/-X)" into
 * "n.d." and "+/-X". */
static void part(char *out, size_t n, const char *s, int k, bool head)
{
    const char *p = head ? strchr(s, '\n') : strstr(s, " (");

    if (!head && !strncmp(s, "not detected (", 14)) {
        snprintf(out, n, "%s", k ? s + 14 : "n.d.");
        p = NULL;
    } else if (!p)
        snprintf(out, n, "%s", k ? "" : *s ? s : "-");
    else if (!k)
        snprintf(out, n, "%.*s", (int)(p - s), s);
    else
        snprintf(out, n, "%s", p + (head ? 1 : 2));
    size_t l = strlen(out);
    if (k && !head && l && out[l - 1] == ')' && !strchr(out, '('))
        out[l - 1] = 0;
}

static int widths(const struct hbv_table *t, int *w)
{
    char b[160];
    int total = 0;

    w[0] = 0;
    for (size_t r = 0; r < t->nrows; r++)
        w[0] = (int)fmax(w[0], strlen(t->label[r]));
    for (int c = 0; c < t->ncol; c++) {
        w[c + 1] = 0;
        for (int k = 0; k < 2; k++) {
            part(b, sizeof b, t->head[c], k, true);
            w[c + 1] = (int)fmax(w[c + 1], strlen(b));
            for (size_t r = 0; r < t->nrows; r++) {
                part(b, sizeof b, t->cell[r][c], k, false);
                w[c + 1] = (int)fmax(w[c + 1], strlen(b));
            }
        }
    }
    for (int c = 0; c <= t->ncol; c++)
        total += w[c] + (c ? 2 : 0);
    return total;
}

/* Too wide for columns: a paragraph per row. */
static void rows_as_text(FILE *f, const struct hbv_table *t, int width)
{
    char line[1600], h[80];

    for (size_t r = 0; r < t->nrows; r++) {
        size_t n = 0;
        for (int c = 0; c < t->ncol; c++) {
            snprintf(h, sizeof h, "%s", t->head[c]);
            for (char *q = h; *q; q++)
                *q = *q == '\n' ? ' ' : *q;
            n += (size_t)snprintf(line + n, n < sizeof line ? sizeof line - n : 0, "%s%s: %s",
                                  c ? "; " : "", h, *t->cell[r][c] ? t->cell[r][c] : "-");
        }
        char lead[80];
        snprintf(lead, sizeof lead, "  %s: ", t->label[r]);
        hbv_wrap(f, lead, line, width);
    }
}

void hbv_table_text(FILE *f, const struct hbv_table *t, int width)
{
    int w[HBV_TCOLS + 1];
    char b[160];

    fputc('\n', f);
    hbv_wrap(f, "", t->title, width);
    if (widths(t, w) + 2 > width) {
        rows_as_text(f, t, width);
        return;
    }
    for (size_t r = 0; r <= t->nrows; r++)      /* the heads, then each row */
        for (int k = 0; k < 2; k++) {
            char line[512];
            int n = snprintf(line, sizeof line, "  %-*s", w[0], !r || k ? "" : t->label[r - 1]);
            for (int c = 0; c < t->ncol && n < (int)sizeof line; c++) {
                part(b, sizeof b, r ? t->cell[r - 1][c] : t->head[c], k, !r);
                n += snprintf(line + n, sizeof line - (size_t)n, "  %*s", w[c + 1], b);
            }
            while (n > 0 && line[n - 1] == ' ')
                line[--n] = 0;
            fprintf(f, "%s\n", line);
        }
    fputc('\n', f);
}

void hbv_wrap(FILE *f, const char *lead, const char *text, int width)
{
    int indent = (int)strlen(lead), col = indent;

    fputs(lead, f);
    while (*text) {
        int word = (int)strcspn(text, " ");
        if (col > indent && col + 1 + word > width) {
            fprintf(f, "\n%*s", indent, "");
            col = indent;
        } else if (col > indent) {
            fputc(' ', f);
            col++;
        }
        fprintf(f, "%.*s", word, text);
        col += word;
        text += word;
        text += strspn(text, " ");
    }
    fputc('\n', f);
}
