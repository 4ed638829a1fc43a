/*
 * layout_memmap.c - --memmap FILE: a plain memory map or a boot log.
 *
 * The plain format has one RAM range a line, "START END NODE".  A boot
 * log is recognised by its lines (dmesg timestamps, "(XEN)", e820 or SRAT
 * lines) and read for Linux's and Xen's e820 and SRAT lines; RAM is the
 * usable e820 ranges intersected with the SRAT ranges, as a kernel uses
 * it.  The lines read and the rules are docs/machines.md's.
 */
#include "bench/source/memmap_int.h"
#include "bench/base/parse.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/base/vec.h"

/* ------------------------------------------------------------------------
 * Shared with layout_bootlog.c (memmap_int.h)
 * ------------------------------------------------------------------------ */

/* Append r; a map with more ranges than a layout may hold is refused here,
 * as it is read, so that a runaway file costs neither memory nor time. */
int hbm_list_add(struct mm_parse *m, struct mm_list *l, struct mm_range r)
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
void hbm_list_sort(struct mm_list *l)
{
    if (l->n)
        qsort(l->v, l->n, sizeof *l->v, by_start);
}

/* Quote a line in a message: one line, not too long, and a binary file's
 * bytes shown as '?' rather than sent to the terminal. */
void hbm_quote(char *dst, size_t len, const char *line)
{
    size_t n = strcspn(line, "\r\n"), i;

    if (n > 100)
        n = 100;
    for (i = 0; i < n && i + 4 < len; i++)
        dst[i] = line[i] >= ' ' && line[i] < 127 ? line[i] : '?';
    snprintf(dst + i, len - i, "%s", n == 100 ? "..." : "");
}

/* Append [s, e) bytes as whole pages. */
int hbm_emit(struct hb_layout *l, size_t *cap, uint64_t s, uint64_t e,
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

/* ------------------------------------------------------------------------
 * The plain format
 * ------------------------------------------------------------------------ */

static int plain_bad(struct mm_parse *m, unsigned line, const char *why,
                     const char *text)
{
    char q[128];

    hbm_quote(q, sizeof q, text);
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
    return hbm_list_add(m, &m->e820, (struct mm_range){ s, e, (unsigned)node, line,
                                                 false });
}

static int plain_to_ram(struct mm_parse *m, struct hb_layout *l)
{
    struct mm_list *p = &m->e820;
    size_t cap = 0;
    int rc = 0;

    hbm_list_sort(p);
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
        rc = hbm_emit(l, &cap, p->v[i].start, p->v[i].end, p->v[i].node);
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
            rc = hbm_log_line(m, line, no + 1);
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
    return hbm_log_to_ram(m, l);
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
