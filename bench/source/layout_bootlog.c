/*
 * layout_bootlog.c - --memmap FILE when FILE is a Linux or Xen boot log:
 * its e820 and SRAT lines, and the RAM they describe (see layout_memmap.c's
 * header for the lines recognised and how e820 and SRAT combine).
 */
#include "bench/source/memmap_int.h"
#include "bench/base/parse.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * Scanning helpers: each advances *p only on success
 * ------------------------------------------------------------------------ */

static void skip_sp(const char **p)
{
    while (**p == ' ' || **p == '\t')
        (*p)++;
}

static bool lit(const char **p, const char *s)
{
    size_t n = strlen(s);

    if (strncmp(*p, s, n))
        return false;
    *p += n;
    return true;
}

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
           (c >= 'A' && c <= 'F');
}

/* Hex number, "0x" optional unless need_0x. */
static bool hexnum(const char **p, bool need_0x, uint64_t *v)
{
    const char *q = *p;
    char buf[24] = "0x";
    size_t n = 0;

    if (!lit(&q, "0x") && need_0x)
        return false;
    while (is_hex(q[n]) && n < 18)
        n++;
    if (n == 0 || n > 16 || is_hex(q[n]))
        return false;
    memcpy(buf + 2, q, n);
    if (hb_parse_u64(buf, v))
        return false;
    *p = q + n;
    return true;
}

static bool decnum(const char **p, unsigned *v)
{
    unsigned long long x = 0;
    const char *q = *p;

    while (*q >= '0' && *q <= '9' && x < 100000)
        x = x * 10 + (unsigned)(*q++ - '0');
    if (q == *p || (*q >= '0' && *q <= '9'))
        return false;
    *v = (unsigned)x;
    *p = q;
    return true;
}

/* Only spaces, tabs and the line end left. */
static bool at_end(const char *p)
{
    skip_sp(&p);
    return *p == '\0' || *p == '\r' || *p == '\n';
}

/* An inclusive end, made exclusive (the all-ones address has no successor). */
static bool incl_end(uint64_t *e)
{
    if (*e == UINT64_MAX)
        return false;
    (*e)++;
    return true;
}

/* ------------------------------------------------------------------------
 * Boot-log lines
 * ------------------------------------------------------------------------ */

static int malformed(struct mm_parse *m, unsigned line, const char *what,
                     const char *text)
{
    char q[128];

    hbm_quote(q, sizeof q, text);
    snprintf(m->err, m->errlen, "%s line %u: malformed %s line: \"%s\"",
             m->path, line, what, q);
    return -EINVAL;
}

/* "(TYPE)" with the rest of the line empty; *usable says which. */
static bool e820_type_paren(const char **p, bool *usable)
{
    const char *q = *p, *close;

    skip_sp(&q);
    if (*q != '(' || !(close = strrchr(q, ')')) || close == q + 1 ||
        !at_end(close + 1))
        return false;
    *usable = (size_t)(close - q - 1) == 6 && !strncmp(q + 1, "usable", 6);
    *p = close + 1;
    return true;
}

static int add_e820(struct mm_parse *m, uint64_t s, uint64_t e, bool usable,
                    unsigned line, const char *text)
{
    m->e820_lines++;
    if (e <= s)
        return malformed(m, line, "e820", text);
    if (!usable)
        return 0;
    return hbm_list_add(m, &m->e820, (struct mm_range){ s, e, 0, line, false });
}

/* Linux: "BIOS-e820: [mem 0xS-0xE] TYPE". */
static int linux_e820(struct mm_parse *m, const char *p, unsigned line,
                      const char *text)
{
    uint64_t s, e;
    const char *type;

    skip_sp(&p);
    if (!lit(&p, "[mem ") || !hexnum(&p, true, &s) || !lit(&p, "-") ||
        !hexnum(&p, true, &e) || !lit(&p, "]") || !incl_end(&e))
        return malformed(m, line, "e820", text);
    skip_sp(&p);
    type = p;
    if (at_end(type))
        return malformed(m, line, "e820", text);
    return add_e820(m, s, e, !strncmp(type, "usable", 6) && at_end(type + 6),
                    line, text);
}

/* The text after "(XEN)" and an optional "[timestamp]" (no comma in it,
 * unlike an "[S, E]" entry). */
static const char *xen_payload(const char *text)
{
    const char *p = text, *x;

    while ((x = strstr(p, "(XEN)")))
        p = x + 5;
    skip_sp(&p);
    if (*p == '[') {
        size_t n = strcspn(p, "],");

        if (p[n] == ']')
            p += n + 1;
    }
    skip_sp(&p);
    return p;
}

/* Does a line inside a Xen-e820 map look like an entry (else the map has
 * ended)?  "[" + hex, or hex digits then "-" (as "0000... - 0000..."). */
static bool xen_e820_candidate(const char *p)
{
    size_t n = 0;

    if (*p == '[')
        return is_hex(p[1]);
    while (is_hex(p[n]))
        n++;
    p += n;
    skip_sp(&p);
    return n > 0 && *p == '-';
}

/* Xen: "S - E (TYPE)" (E exclusive) or "[S, E] (TYPE)" (E inclusive). */
static int xen_e820(struct mm_parse *m, const char *p, unsigned line,
                    const char *text)
{
    uint64_t s, e;
    bool usable, ok;

    if (lit(&p, "[")) {
        ok = hexnum(&p, false, &s) && lit(&p, ",") && (skip_sp(&p), true) &&
             hexnum(&p, false, &e) && lit(&p, "]") && incl_end(&e);
    } else {
        ok = hexnum(&p, false, &s) && (skip_sp(&p), lit(&p, "-")) &&
             (skip_sp(&p), hexnum(&p, false, &e));
    }
    if (!ok || !e820_type_paren(&p, &usable))
        return malformed(m, line, "e820", text);
    return add_e820(m, s, e, usable, line, text);
}

/* SRAT address part: "[mem 0xS-0xE]", "[S, E]" (inclusive) or "S-E". */
static bool srat_addrs(const char **p, uint64_t *s, uint64_t *e)
{
    if (lit(p, "[mem "))
        return hexnum(p, true, s) && lit(p, "-") && hexnum(p, true, e) &&
               lit(p, "]") && incl_end(e);
    if (lit(p, "["))
        return hexnum(p, false, s) && lit(p, ",") && (skip_sp(p), true) &&
               hexnum(p, false, e) && lit(p, "]") && incl_end(e);
    return hexnum(p, false, s) && lit(p, "-") && hexnum(p, false, e);
}

/* Trailing flags: "hotplug" / "(hotplug)", "non-volatile". */
static bool srat_flags(const char *p, bool *hotplug)
{
    static const char *const flags[] = { "hotplug", "(hotplug)",
                                         "non-volatile", "(non-volatile)" };

    *hotplug = false;
    for (skip_sp(&p); !at_end(p); skip_sp(&p)) {
        size_t k = 0;

        while (k < 4 && !lit(&p, flags[k]))
            k++;
        if (k == 4)
            return false;
        *hotplug = true;
    }
    return true;
}

/* "SRAT: Node N PXM P ADDRS [FLAGS]", p just after "SRAT: Node ". */
static int srat_line(struct mm_parse *m, const char *p, unsigned line,
                     const char *text)
{
    struct mm_range r = { .line = line };
    unsigned pxm;

    if (!decnum(&p, &r.node) || !lit(&p, " PXM ") || !decnum(&p, &pxm) ||
        !lit(&p, " ") || (skip_sp(&p), !srat_addrs(&p, &r.start, &r.end)) ||
        !srat_flags(p, &r.hotplug) || r.end <= r.start)
        return malformed(m, line, "SRAT", text);
    if (r.node >= PA_MAX_NODES) {
        snprintf(m->err, m->errlen, "%s line %u: SRAT node %u: at most %d "
                 "nodes", m->path, line, r.node, PA_MAX_NODES);
        return -EINVAL;
    }
    return hbm_list_add(m, &m->srat, r);
}

int hbm_log_line(struct mm_parse *m, const char *text, unsigned line)
{
    const char *p;

    if (strstr(text, "(XEN)"))
        m->xen = true;
    if ((p = strstr(text, "BIOS-e820:")))
        return linux_e820(m, p + 10, line, text);
    if (strstr(text, "Xen-e820 RAM map:")) {
        /* A later map replaces an earlier one: the last is what Xen used. */
        m->xen = m->xen_section = true;
        m->e820.n = 0;
        return 0;
    }
    if (m->xen_section) {
        p = xen_payload(text);
        if (xen_e820_candidate(p))
            return xen_e820(m, p, line, text);
        m->xen_section = false;
    }
    if ((p = strstr(text, "SRAT: Node ")))
        return srat_line(m, p + 11, line, text);
    return 0;
}

/* ------------------------------------------------------------------------
 * From e820 and SRAT to RAM
 * ------------------------------------------------------------------------ */

/* Sort and reject SRAT ranges of two nodes that overlap. */
static int srat_check(struct mm_parse *m)
{
    struct mm_list *s = &m->srat;
    size_t far = 0;   /* the range reaching furthest so far */

    hbm_list_sort(s);
    for (size_t i = 1; i < s->n; i++) {
        const struct mm_range *a = &s->v[far], *b = &s->v[i];

        if (b->start < a->end && b->node != a->node) {
            snprintf(m->err, m->errlen, "%s lines %u and %u: SRAT ranges of "
                     "nodes %u and %u overlap: 0x%llx-0x%llx and 0x%llx-0x%llx",
                     m->path, a->line, b->line, a->node, b->node,
                     (unsigned long long)a->start, (unsigned long long)a->end,
                     (unsigned long long)b->start, (unsigned long long)b->end);
            return -EINVAL;
        }
        if (b->end > a->end)
            far = i;
    }
    return 0;
}

/* Sort and merge overlapping ranges (of one node: srat_check ran). */
static void merge_overlaps(struct mm_list *l)
{
    size_t out = 0;

    hbm_list_sort(l);
    for (size_t i = 0; i < l->n; i++) {
        struct mm_range *last = out ? &l->v[out - 1] : NULL;

        if (last && l->v[i].start < last->end && l->v[i].node == last->node) {
            if (l->v[i].end > last->end)
                last->end = l->v[i].end;
        } else {
            l->v[out++] = l->v[i];
        }
    }
    l->n = out;
}

static int intersect(struct mm_parse *m, struct hb_layout *l)
{
    size_t cap = 0;
    int rc = 0;

    for (size_t i = 0; i < m->e820.n && !rc; i++)
        for (size_t j = 0; j < m->srat.n && !rc; j++) {
            const struct mm_range *a = &m->e820.v[i], *b = &m->srat.v[j];
            uint64_t s = a->start > b->start ? a->start : b->start;
            uint64_t e = a->end < b->end ? a->end : b->end;

            if (s < e)
                rc = hbm_emit(l, &cap, s, e, b->node);
        }
    return rc;
}

int hbm_log_to_ram(struct mm_parse *m, struct hb_layout *l)
{
    const char *how;
    size_t cap = 0;
    int rc = srat_check(m);

    if (rc)
        return rc;
    merge_overlaps(&m->e820);
    if (m->srat.n && m->e820_lines) {
        merge_overlaps(&m->srat);
        rc = intersect(m, l);
        how = "e820 and SRAT";
    } else if (m->srat.n) {
        size_t out = 0;

        for (size_t i = 0; i < m->srat.n; i++)
            if (!m->srat.v[i].hotplug)
                m->srat.v[out++] = m->srat.v[i];
        m->srat.n = out;
        merge_overlaps(&m->srat);
        for (size_t i = 0; i < m->srat.n && !rc; i++)
            rc = hbm_emit(l, &cap, m->srat.v[i].start, m->srat.v[i].end,
                      m->srat.v[i].node);
        how = "SRAT only";
    } else {
        for (size_t i = 0; i < m->e820.n && !rc; i++)
            rc = hbm_emit(l, &cap, m->e820.v[i].start, m->e820.v[i].end, 0);
        how = "e820 only, one node";
    }
    snprintf(l->source, sizeof l->source, "memmap:%s (%s boot log, %s)",
             m->path, m->xen ? "xen" : "linux", how);
    return rc;
}

