/*
 * layoututil.h - helpers of the layout tests (test_layout.c) and the
 * topology tests (test_topology.c).
 */
#ifndef HB_TEST_LAYOUTUTIL_H
#define HB_TEST_LAYOUTUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "bench/source/layout.h"

#define GiB (1ULL << 30)
#define MiB (1ULL << 20)

struct lay_want {
    uint64_t start, end;   /* bytes */
    unsigned node;
};

int lay_load_memmap(const char *path, struct hb_layout *l, char *err, size_t errlen);
int lay_load_topology(const char *topo, uint64_t mem, struct hb_layout *l, char *err,
                      size_t errlen);
/* The layout holds exactly these ranges, in this order. */
void lay_check_ranges(const struct hb_layout *l, const struct lay_want *w, size_t n);
/* A memory map loads to exactly these ranges on nr_nodes nodes. */
void lay_check_memmap(const char *path, const struct lay_want *w, size_t n,
                      unsigned nr_nodes);
/* Load must fail with one line containing every needle (n2 may be NULL). */
void lay_check_error(const struct hb_layout_opts *o, const char *n1, const char *n2);
/* The folder of the real hwloc XML topologies ($HB_TOPOLOGIES first). */
const char *lay_topologies_dir(void);

#endif
