/*
 * harness.h - what a benchmark family gets from `heapbench bench`.
 *
 * Families live in bench/families/bench_<family>.c, each announced by one
 * HB_FAMILY line (family.h), and register their benchmarks through the C
 * shim (bench/instrument/gbench.h).  Benchmark names carry their
 * parameters as path segments: "family/what/key:value/key:value", e.g.
 * "init/boot/strategy:chunked/ram_gib:16/nodes:1".  The tidy CSV writer
 * turns every key into a column of <family>.csv.
 *
 * Per-iteration counters every benchmark should set (through the shim):
 *   pages  pages of modelled RAM the work covers (for ns_per_page, ms_per_gib)
 *   bytes  frame-table bytes the work touches (for GB/s and the ratio to the
 *          same run's baseline bandwidth)
 * Other counters become extra columns.
 */
#ifndef HB_HARNESS_H
#define HB_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

#include "bench/source/layout.h"
#include "bench/instrument/topo.h"

enum hb_profile { HB_PROFILE_QUICK, HB_PROFILE_DEFAULT, HB_PROFILE_FULL };

struct hb_membudget;                  /* bench/instrument/membudget.h */

struct hb_bench_ctx {
    enum hb_profile profile;
    const struct hb_layout *layout;   /* the layout options given (or host) */
    struct hb_topo *topo;             /* host topology, for binding */
    uint64_t max_table_bytes;         /* largest frame table that fits */
    bool hugepages;                   /* THP allowed for fixtures */
    struct hb_membudget *mem;         /* what may be live at once (or NULL) */
    int xen;                          /* every heap's enum pa_xen_version */
};

/* Each family registers itself with one HB_FAMILY line (its run order
 * and ETA priors): family.h. */
#include "bench/families/family.h"

#endif
