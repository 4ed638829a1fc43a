/*
 * statescan.h - per-page state checks over a frame table, and over a
 * separate state array beside it (the design alternative): scalar, AVX2
 * and AVX-512 kernels chosen at run time.
 *
 * The state is the 3-bit field at the top of count_info, 8 bytes into each
 * 32-byte entry, so a scan of entries streams the whole table (two entries
 * per cache line) while a byte array streams 1 byte per page: that ratio,
 * 32, is the most a separate array can gain once memory is the limit.
 */
#ifndef HB_STATESCAN_H
#define HB_STATESCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alloc/heap.h"

enum hb_impl { HB_IMPL_SCALAR, HB_IMPL_AVX2, HB_IMPL_AVX512, HB_NR_IMPL };

const char *hb_impl_name(enum hb_impl i);
/* Whether this CPU runs the kernel (cpuid, at run time). */
bool hb_impl_available(enum hb_impl i);

/* Count entries per raw state value (cnt[0..7]). */
void hb_scan_count(enum hb_impl i, const struct pa_page *ft, size_t n, uint64_t cnt[8]);
/* First entry whose raw state is (eq) or is not (!eq) raw; n if none. */
size_t hb_scan_find(enum hb_impl i, const struct pa_page *ft, size_t n,
                    unsigned raw, bool eq);

/* The same over a separate array of one raw state per byte. */
void hb_bytes_count(enum hb_impl i, const uint8_t *s, size_t n, uint64_t cnt[8]);
size_t hb_bytes_find(enum hb_impl i, const uint8_t *s, size_t n, uint8_t raw, bool eq);

/* A bitmap of initialised pages: the first clear bit below nbits, or nbits. */
size_t hb_bits_find_clear(const uint64_t *bm, size_t nbits);

#endif
