/*
 * layout_memmap.c - --memmap FILE: a plain memory map or a boot log.
 *
 * The plain format has one RAM range a line, "START END NODE" (bytes, END
 * exclusive, '#' comments).  A boot log is recognised by its lines (dmesg
 * timestamps, "(XEN)", e820 or SRAT lines) and read for:
 *   Linux  "BIOS-e820: [mem 0xS-0xE] usable"            (E inclusive)
 *          "ACPI: SRAT: Node N PXM P [mem 0xS-0xE]"     (E inclusive)
 *   Xen    "(XEN)  S - E (usable)" or "[S, E] (usable)" after a
 *          "Xen-e820 RAM map:" line                   (exclusive / inclusive)
 *          "(XEN) SRAT: Node N PXM P S-E"               (E exclusive)
 *          "(XEN) SRAT: Node N PXM P [S, E]"            (E inclusive)
 * with an optional hotplug flag on SRAT lines; whatever precedes the marker
 * (timestamps, dates, "(XEN)") is ignored.  RAM is the usable e820 ranges
 * intersected with the SRAT ranges when both are present (as a kernel only
 * uses memory that both the firmware map and the SRAT describe); the SRAT
 * ranges without hotplug ones when there is no e820 (hotplug ranges are
 * possible, not present, memory); the usable e820 ranges on node 0 when
 * there is no SRAT.  Partial pages at either end of a range are dropped.
 */
#include "bench/source/layout.h"
#include "bench/base/parse.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/base/vec.h"

/* ------------------------------------------------------------------------
 * Byte ranges with the line they came from
 * ------------------------------------------------------------------------ */

struct mm_range {
    uint64_t start, end;   /* bytes, end exclusive */
    unsigned node, line;
    bool hotplug;          /* SRAT: hot-pluggable or non-volatile */
};

struct mm_list {
    struct mm_range *v;
    size_t n, cap;
};

struct mm_parse {
    const char *path;
    struct mm_list e820, srat; /* usable e820 ranges; SRAT ranges */
    size_t e820_lines;         /* e820 lines of any type */
    bool xen, xen_section;     /* Xen lines seen; inside a Xen-e820 map */
    bool cut;                  /* the file goes on past what was read */
    char *err;
    size_t errlen;
};

/* Append r; a map with more ranges than a layout may hold is refused here,
 * as it is read, so that a runaway file costs neither memory nor time. */
static int list_add(struct mm_parse *m, struct mm_list *l, struct mm_range r)
{
    if (l->n == PA_MAX_RANGES) {
        snprintf(m->err, m->errlen, "%s line %u: more than %d ranges, the "
                 "most a layout holds", m->path, r.line, PA_MAX_RANGES);
        return -E2BIG;
    }
    if (hb_vec_grow((void **)&l->v, &l->cap, l->n + 1, sizeof *l->v))
        return -ENOMEM;
    l->v[l->n++] = r;
    return 0;
}

static int by_start(const void *a, const void *b)
{
    const struct mm_range *x = a, *y = b;

    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->line < y->line ? -1 : x->line > y->line;
}

/* By start, then line (an empty list has no array to hand qsort). */
static void list_sort(struct mm_list *l)
{
    if (l->n)
        qsort(l->v, l->n, sizeof *l->v, by_start);
}

/* Quote a line in a message: one line, not too long, and a binary file's
 * bytes shown as '?' rather than sent to the terminal. */
static void quote(char *dst, size_t len, const char *line)
{
    size_t n = strcspn(line, "\r\n"), i;

    if (n > 100)
        n = 100;
    for (i = 0; i < n && i + 4 < len; i++)
        dst[i] = line[i] >= ' ' && line[i] < 127 ? line[i] : '?';
    snprintf(dst + i, len - i, "%s", n == 100 ? "..." : "");
}

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

    quote(q, sizeof q, text);
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
    return list_add(m, &m->e820, (struct mm_range){ s, e, 0, line, false });
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
    return list_add(m, &m->srat, r);
}

static int log_line(struct mm_parse *m, const char *text, unsigned line)
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

    list_sort(s);
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

    list_sort(l);
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

/* Append [s, e) bytes as whole pages. */
static int emit(struct hb_layout *l, size_t *cap, uint64_t s, uint64_t e,
                unsigned node)
{
    uint64_t ps = (s + PA_PAGE_SIZE - 1) >> PA_PAGE_SHIFT;
    uint64_t pe = e >> PA_PAGE_SHIFT;

    if (s > UINT64_MAX - PA_PAGE_SIZE)
        ps = UINT64_MAX >> PA_PAGE_SHIFT;
    if (ps >= pe)
        return 0;
    if (hb_vec_grow((void **)&l->ranges, cap, l->nr + 1, sizeof *l->ranges))
        return -ENOMEM;
    l->ranges[l->nr++] = (struct pa_range){ ps, pe, node };
    return 0;
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
                rc = emit(l, &cap, s, e, b->node);
        }
    return rc;
}

static int log_to_ram(struct mm_parse *m, struct hb_layout *l)
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
            rc = emit(l, &cap, m->srat.v[i].start, m->srat.v[i].end,
                      m->srat.v[i].node);
        how = "SRAT only";
    } else {
        for (size_t i = 0; i < m->e820.n && !rc; i++)
            rc = emit(l, &cap, m->e820.v[i].start, m->e820.v[i].end, 0);
        how = "e820 only, one node";
    }
    snprintf(l->source, sizeof l->source, "memmap:%s (%s boot log, %s)",
             m->path, m->xen ? "xen" : "linux", how);
    return rc;
}

/* ------------------------------------------------------------------------
 * The plain format
 * ------------------------------------------------------------------------ */

static int plain_bad(struct mm_parse *m, unsigned line, const char *why,
                     const char *text)
{
    char q[128];

    quote(q, sizeof q, text);
    snprintf(m->err, m->errlen, "%s line %u: %s: \"%s\"", m->path, line, why, q);
    return -EINVAL;
}

/* "START END NODE" (a copy of the line, comment cut off). */
static int plain_line(struct mm_parse *m, char *buf, unsigned line,
                      const char *text)
{
    char *tok[4], *save = NULL;
    uint64_t s, e, node;
    int n = 0;

    for (char *t = strtok_r(buf, " \t\r\n", &save); t && n < 4;
         t = strtok_r(NULL, " \t\r\n", &save))
        tok[n++] = t;
    if (n == 0)
        return 0;
    if (n == 3 && (hb_parse_u64(tok[0], &s) == -ERANGE ||
                   hb_parse_u64(tok[1], &e) == -ERANGE))
        return plain_bad(m, line, "address beyond 64 bits", text);
    if (n != 3 || hb_parse_u64(tok[0], &s) || hb_parse_u64(tok[1], &e) ||
        hb_parse_u64(tok[2], &node))
        return plain_bad(m, line, "expected START END NODE", text);
    if (e < s)
        return plain_bad(m, line, "END before START", text);
    if (e == s)
        return plain_bad(m, line, "empty range", text);
    if (node >= PA_MAX_NODES)
        return plain_bad(m, line, "node out of range (at most 64 nodes)", text);
    if (e > 1ULL << PA_PADDR_BITS)
        return plain_bad(m, line, "beyond 52-bit physical addresses", text);
    return list_add(m, &m->e820, (struct mm_range){ s, e, (unsigned)node, line,
                                                 false });
}

static int plain_to_ram(struct mm_parse *m, struct hb_layout *l)
{
    struct mm_list *p = &m->e820;
    size_t cap = 0;
    int rc = 0;

    list_sort(p);
    for (size_t i = 1; i < p->n; i++)
        if (p->v[i].start < p->v[i - 1].end) {
            snprintf(m->err, m->errlen, "%s lines %u and %u: overlapping "
                     "ranges 0x%llx-0x%llx and 0x%llx-0x%llx", m->path,
                     p->v[i - 1].line, p->v[i].line,
                     (unsigned long long)p->v[i - 1].start,
                     (unsigned long long)p->v[i - 1].end,
                     (unsigned long long)p->v[i].start,
                     (unsigned long long)p->v[i].end);
            return -EINVAL;
        }
    for (size_t i = 0; i < p->n && !rc; i++)
        rc = emit(l, &cap, p->v[i].start, p->v[i].end, p->v[i].node);
    snprintf(l->source, sizeof l->source, "memmap:%s (plain)", m->path);
    return rc;
}

/* ------------------------------------------------------------------------
 * Reading the file
 * ------------------------------------------------------------------------ */

/* Lines that only a boot log has. */
static bool log_marker(const char *line)
{
    static const char *const marks[] = {
        "(XEN)", "BIOS-e820", "e820:", "SRAT:", "Linux version",
        "Xen version", "Command line:", "RAM map:",
    };
    const char *p = line, *hash = strchr(line, '#');

    /* A plain map's comments may name these too: look before any '#'.
     * ("e820" alone would match an address such as 0x1e820000.) */
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++) {
        const char *at = strstr(line, marks[i]);

        if (at && (!hash || at < hash))
            return true;
    }
    /* A dmesg timestamp: "[    0.000000] ". */
    if (*p++ != '[')
        return false;
    while (*p == ' ')
        p++;
    while (*p >= '0' && *p <= '9')
        p++;
    return *p == '.';
}

/* The largest file read: a boot log of a big machine is a few MiB, a map
 * of PA_MAX_RANGES lines far less.  A pipe or file beyond this is read no
 * further (a billion lines would otherwise fill memory first). */
#define MEMMAP_MAX_BYTES (64u << 20)

/* The file's text, or its first MEMMAP_MAX_BYTES cut after the last whole
 * line, with *more set. */
static int read_all(const char *path, char **buf, bool *more, char *err,
                    size_t errlen)
{
    FILE *f = fopen(path, "r");
    size_t len = 0, cap = 1 << 16, n;
    char *b = malloc(cap), *nl;

    *more = false;
    if (!f || !b) {
        snprintf(err, errlen, "cannot read memory map %s: %s", path,
                 strerror(f ? ENOMEM : errno));
        free(b);
        if (f)
            fclose(f);
        return -EINVAL;
    }
    while ((n = fread(b + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (len + 1 == cap && cap >= MEMMAP_MAX_BYTES) {
            *more = true;
            break;
        }
        /* A failed grow leaves cap as it was: the test below reports it. */
        if (len + 1 == cap && hb_vec_grow((void **)&b, &cap, cap + 1, 1))
            break;
    }
    b[len] = '\0';
    if (ferror(f) || (len + 1 == cap && !*more)) {
        snprintf(err, errlen, "cannot read memory map %s: %s", path,
                 strerror(ferror(f) ? errno : ENOMEM));
        fclose(f);
        free(b);
        return -EINVAL;
    }
    fclose(f);
    if (*more && (nl = strrchr(b, '\n')))
        nl[1] = '\0';
    *buf = b;
    return 0;
}

/* Parse each line (NUL-terminated in place for the time), numbered from 1,
 * as the plain format (comment cut off a copy) or as a boot log. */
static int each_line(char *buf, struct mm_parse *m, bool plain)
{
    unsigned no = 0;
    int rc = 0;

    for (char *line = buf; line && *line && !rc; no++) {
        char *nl = strchr(line, '\n'), *hash;

        if (nl)
            *nl = '\0';
        if (plain) {
            char *copy = strdup(line);

            if (!copy)
                return -ENOMEM;
            if ((hash = strchr(copy, '#')))
                *hash = '\0';
            rc = plain_line(m, copy, no + 1, line);
            free(copy);
        } else {
            rc = log_line(m, line, no + 1);
        }
        if (nl)
            *nl = '\n';
        line = nl ? nl + 1 : NULL;
    }
    return rc;
}

static bool is_boot_log(char *buf)
{
    for (char *line = buf; line && *line;) {
        char *nl = strchr(line, '\n');
        bool mark;

        if (nl)
            *nl = '\0';
        mark = log_marker(line);
        if (nl)
            *nl = '\n';
        if (mark)
            return true;
        line = nl ? nl + 1 : NULL;
    }
    return false;
}

static int parse_buffer(struct mm_parse *m, char *buf, struct hb_layout *l)
{
    bool log = is_boot_log(buf);
    int rc = each_line(buf, m, !log);

    if (rc)
        return rc;
    if (m->cut) {   /* a bad line would have said more; the whole file can't */
        snprintf(m->err, m->errlen, "%s: larger than %u MiB, not a memory map",
                 m->path, MEMMAP_MAX_BYTES >> 20);
        return -EFBIG;
    }
    if (!log)
        return plain_to_ram(m, l);
    if (m->e820_lines == 0 && m->srat.n == 0) {
        snprintf(m->err, m->errlen, "%s: boot log with no memory lines "
                 "(no BIOS-e820, Xen-e820 or SRAT: Node lines)", m->path);
        return -EINVAL;
    }
    return log_to_ram(m, l);
}

int hb_layout_from_memmap(const char *path, struct hb_layout *l, char *err,
                          size_t errlen)
{
    struct mm_parse m = { .path = path, .err = err, .errlen = errlen };
    char *buf;
    int rc = read_all(path, &buf, &m.cut, err, errlen);

    if (rc)
        return rc;
    snprintf(l->source, sizeof l->source, "memmap:%s", path);
    rc = parse_buffer(&m, buf, l);
    if (rc == -ENOMEM)
        snprintf(err, errlen, "%s: out of memory", path);
    free(buf);
    free(m.e820.v);
    free(m.srat.v);
    return rc;
}
