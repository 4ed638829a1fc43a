/*
 * memmap_int.h - what the two readers of --memmap share: the plain format
 * (layout_memmap.c) and boot logs (layout_bootlog.c).  Byte ranges with the
 * line they came from, the parse state, and the helpers both use.
 */
#ifndef HB_MEMMAP_INT_H
#define HB_MEMMAP_INT_H

#include "bench/source/layout.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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


/* Append r; -E2BIG with a message past PA_MAX_RANGES ranges. */
int hbm_list_add(struct mm_parse *m, struct mm_list *l, struct mm_range r);
/* Sort by start. */
void hbm_list_sort(struct mm_list *l);
/* Quote a line in a message: one line, at most 100 bytes, '?' for bytes
 * that are not printable. */
void hbm_quote(char *dst, size_t len, const char *line);
/* Append [s, e) bytes as whole pages to l (cap: its allocated ranges). */
int hbm_emit(struct hb_layout *l, size_t *cap, uint64_t s, uint64_t e,
             unsigned node);

/* ---- boot logs (layout_bootlog.c) ---- */

/* One line of a boot log: e820 and SRAT lines are kept, others ignored. */
int hbm_log_line(struct mm_parse *m, const char *text, unsigned line);
/* RAM from what the log's lines said (e820, SRAT or both). */
int hbm_log_to_ram(struct mm_parse *m, struct hb_layout *l);

#endif
