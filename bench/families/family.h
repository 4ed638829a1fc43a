/*
 * family.h - the benchmark families `heapbench bench` runs, registered by
 * the families themselves: adding a family is one file,
 * bench/families/bench_<name>.c, with one HB_FAMILY line in it.
 *
 *   HB_FAMILY(free, 30, hb_family_free_register, 0.024, 0.0073, 0.024,
 *             .series = free_series);
 *
 * The line adds the family to the registry from a constructor, before
 * main, so no list elsewhere names the families.  Families run in
 * increasing order (baseline first: every ratio column needs it), equal
 * orders by name.  The three numbers are the ETA's priors: one
 * repetition's seconds per profile (quick, default, full; docs/running.md).
 * What follows is what the CSV writer asks of it (struct hb_tidy_family).
 */
#ifndef HB_FAMILY_H
#define HB_FAMILY_H

#include <stddef.h>

#include "bench/instrument/tidy.h"

struct hb_bench_ctx;                  /* bench/families/harness.h */

struct hb_family {
    const char *name;                 /* the first segment of its names */
    int order;                        /* run order: lower first */
    void (*reg)(const struct hb_bench_ctx *ctx);  /* registers its benchmarks */
    double prior_s[3];                /* by enum hb_profile */
    struct hb_tidy_family tidy;       /* what the CSV writer asks of it */
    struct hb_family *next;           /* the registry's, in run order */
};

/* Add a family (from its constructor); keeps the registry in run order. */
void hb_family_add(struct hb_family *f);

/* The families, in run order: how many, the i-th (NULL past the end). */
size_t hb_family_count(void);
const struct hb_family *hb_family_get(size_t i);
/* The index of the family a benchmark name belongs to ("init/boot/..." ->
 * init's), -1 if none. */
int hb_family_of(const char *bench_name);

/* The entry is declared first so that the constructor can name it, and
 * defined last so that the line ends with the caller's semicolon. */
#define HB_FAMILY(name_, order_, reg_, quick_s, default_s, full_s, ...)     \
    static struct hb_family hb_family_##name_##_entry;                      \
    __attribute__((constructor)) static void hb_family_##name_##_add(void)  \
    {                                                                       \
        hb_family_add(&hb_family_##name_##_entry);                          \
    }                                                                       \
    static struct hb_family hb_family_##name_##_entry = {                   \
        .name = #name_, .order = (order_), .reg = (reg_),                   \
        .prior_s = { (quick_s), (default_s), (full_s) },                    \
        .tidy = { .name = #name_, __VA_ARGS__ },                            \
    }

#endif
