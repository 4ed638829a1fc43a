/*
 * harness.h - what a benchmark family gets from `heapbench bench`.
 *
 * A family is bench/families/bench_<family>.c with one HB_FAMILY line
 * (family.h); it registers its benchmarks through the C shim (gbench.h).
 * Names carry parameters as path segments, "family/what/key:value/...",
 * each key a column of <family>.csv.  Every benchmark sets two counters
 * per iteration: pages (of modelled RAM the work covers: ns_per_page,
 * ms_per_gib) and bytes (of frame table touched: GB/s and the ratio to
 * the same run's baseline).  Other counters become extra columns.
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
