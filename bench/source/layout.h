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
    /* Bytes the frame table may take (the caller reads the machine's
     * available memory; 0: not checked). */
    uint64_t mem_available;
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

/* One layout option's value (name "--topology", "--memmap" or "--mem"):
 * 0, or -EINVAL with the reason alone (no option, no value) in why; the
 * command line (bench/cmd/cli.h) names the option and the value. */
int hb_layout_set(struct hb_layout_opts *o, const char *name, const char *v,
                  char *why, size_t len);

/*
 * Load the layout the options describe.  On error returns a negative errno
 * and writes one line (no "heapbench: " prefix, no newline) into err.
 * Refuses a layout whose frame table would not fit in o->mem_available
 * bytes (when nonzero), naming the size it would need.
 */
int hb_layout_load(const struct hb_layout_opts *o, struct hb_layout *l,
                   char *err, size_t errlen);
void hb_layout_free(struct hb_layout *l);


/* ------------------------------------------------------------------------
 * The pieces hb_layout_load is made of (layout_*.c), declared here so that
 * the tests can drive each one with data of their own.
 * ------------------------------------------------------------------------ */

/* Where the host's sysfs memory blocks live (tests point elsewhere). */
#define HB_SYSFS_SYSTEM "/sys/devices/system"
/* Start of the below-4 GiB hole that hb_layout_place leaves, as a PC. */
#define HB_PLACE_HOLE_START (2ULL << 30)
#define HB_PLACE_HOLE_END (4ULL << 30)
/* --mem rounds each node's share to this many bytes. */
#define HB_SCALE_GRANULE (2ULL << 20)

/* --memmap: plain format or a Linux/Xen boot log, detected from the lines. */
int hb_layout_from_memmap(const char *path, struct hb_layout *l, char *err,
                          size_t errlen);
/* --topology host|synthetic:|xml: through hwloc (scaled if mem_bytes). */
int hb_layout_from_hwloc(const struct hb_layout_opts *o, struct hb_layout *l,
                         char *err, size_t errlen);
/*
 * Lay nodes out at consecutive physical addresses from 0, skipping the
 * [HB_PLACE_HOLE_START, HB_PLACE_HOLE_END) hole: node_bytes[n] bytes for
 * node n (0: no node), rounded down to pages.  Fills l->ranges and l->nr.
 */
int hb_layout_place(const uint64_t *node_bytes, unsigned nr_nodes,
                    struct hb_layout *l);
/* Scale node sizes to total mem_bytes keeping shares, in HB_SCALE_GRANULE
 * units (at least one per node that had memory).  -EINVAL if total is 0. */
int hb_layout_scale(uint64_t *node_bytes, unsigned nr_nodes, uint64_t mem_bytes);
/*
 * Host physical ranges of the given nodes from sysfs memory blocks under
 * root (normally HB_SYSFS_SYSTEM): root/node/nodeN/memoryM and
 * root/memory/block_size_bytes; offline blocks are left out.  Returns the
 * number of ranges found (0: sysfs unreadable) or a negative errno.
 */
int hb_layout_sysfs_ranges(const char *root, const unsigned *nodes,
                           unsigned nr_nodes, struct hb_layout *l);
/* Normalise l->ranges (pa_layout_normalise) and set nr_nodes; -EINVAL with
 * a message naming the offending range. */
int hb_layout_finish(struct hb_layout *l, char *err, size_t errlen);
/* Refuse a layout whose frame table needs more than avail_bytes. */
int hb_layout_check_fits(const struct hb_layout *l, uint64_t avail_bytes,
                         char *err, size_t errlen);
/* RAM pages of one node (every node: node < 0). */
uint64_t hb_layout_pages(const struct hb_layout *l, int node);

#endif
