/*
 * bench_shim.c - the shim family: what the C shim (bench/instrument/gbench.h) costs.
 *
 * Three benchmarks run the same empty loop, whose body is only a compiler
 * barrier so that the loop is not optimised away:
 *   shim/direct_cxx  written directly in C++ (bench/instrument/gbench.cc), the
 *                    library's own range-for idiom: the reference;
 *   shim/c_batch     in C through hb_gb_keep_running_batch(), as every
 *                    family's loops are written;
 *   shim/c_single    in C asking for one iteration at a time, so every
 *                    iteration crosses into C++ (what batching avoids).
 * The shim's overhead per iteration is c_batch's (or c_single's) time per
 * iteration minus direct_cxx's, measured in the same run.
 */
#include "bench/instrument/gbench.h"
#include "bench/families/harness.h"

#include <stdint.h>

/* Large enough that the call per batch is lost in the noise, small enough
 * that the last batch does not overshoot min_time noticeably (it never
 * overshoots the iteration count: the shim hands out what is left). */
#define HB_SHIM_BATCH 65536

static inline void empty_body(void)
{
    __asm__ volatile("" ::: "memory");
}

static void shim_c_batch(hb_gb_state *st, void *arg)
{
    uint64_t n;

    (void)arg;
    while ((n = hb_gb_keep_running_batch(st, HB_SHIM_BATCH)))
        for (uint64_t i = 0; i < n; i++)
            empty_body();
}

static void shim_c_single(hb_gb_state *st, void *arg)
{
    (void)arg;
    while (hb_gb_keep_running(st))
        empty_body();
}

void hb_family_shim_register(const struct hb_bench_ctx *ctx)
{
    (void)ctx;
    hb_gb_register_direct_cxx("shim/direct_cxx");
    hb_gb_register("shim/c_batch", shim_c_batch, NULL);
    hb_gb_register("shim/c_single", shim_c_single, NULL);
}

HB_FAMILY(shim, 10, hb_family_shim_register, 0.02, 0.083, 0.26);
