/*
 * layout.h - where a modelled machine comes from: the host (hwloc + sysfs),
 * an hwloc synthetic string or XML file, a plain memory map, or a Xen or
 * Linux boot log.  Everything the command line accepts as "layout options".
 */
#ifndef HB_LAYOUT_H
#define HB_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alloc/heap.h"

struct hb_layout_opts {
    const char *topology;    /* "host" (default), "synthetic:STR", "xml:FILE" */
    const char *memmap;      /* --memmap FILE (plain format or boot log) */
    uint64_t mem_bytes;      /* --mem SIZE (0: not given) */
};

struct hb_layout {
    struct pa_range *ranges; /* normalised: sorted, no overlap, MFNs */
    size_t nr;
    unsigned nr_nodes;       /* highest node + 1 */
    char source[256];        /* e.g. "memmap:FILE (xen boot log)" */
    /* Whether a node of the model is a real node of this host, so that its
     * frame-table slice and its threads can be bound there. */
    bool host_node[PA_MAX_NODES];
};

/*
 * If argv[*i] is a layout option (--topology, --memmap, --mem), consume it
 * and its value (advancing *i past the value) and return 1; return 0 if it
 * is not one; on a bad value print one line (hb_err) and return -1.
 */
int hb_layout_parse_opt(struct hb_layout_opts *o, int argc, char **argv, int *i);

/*
 * Load the layout the options describe.  On error returns a negative errno
 * and writes one line (no "heapbench: " prefix, no newline) into err.
 * Refuses a layout whose frame table would not fit in this machine's
 * available memory, naming the size it would need.
 */
int hb_layout_load(const struct hb_layout_opts *o, struct hb_layout *l,
                   char *err, size_t errlen);
void hb_layout_free(struct hb_layout *l);

/* "64GiB", "1G", "512M", "4096", "1.5T"? (no: integers only), K/M/G/T/P with
 * optional "iB" or "B"; powers of 1024.  -EINVAL if not a size, -ERANGE if
 * it overflows 64 bits. */
int hb_parse_size(const char *s, uint64_t *bytes);
/* "0x1000" or "4096" -> value; -EINVAL / -ERANGE. */
int hb_parse_u64(const char *s, uint64_t *v);

#endif
