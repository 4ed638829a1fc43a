/*
 * parse.h - the one home of number and size parsing (options, memory maps,
 * boot logs).  Each returns 0 or a negative errno and never prints: the
 * caller names the bad value.
 */
#ifndef HB_PARSE_H
#define HB_PARSE_H

#include <stdint.h>

/* "64GiB", "1G", "512M", "4096B", "1.5T"? (no: integers only), K/M/G/T/P
 * with optional "iB" or "B", or plain "B" for bytes; powers of 1024.
 * -EDOM for a bare number (no unit: "16" is refused, not taken as bytes),
 * -EINVAL if not a size, -ERANGE if it overflows 64 bits. */
int hb_parse_size(const char *s, uint64_t *bytes);
/* "0x1000" or "4096" -> value; -EINVAL / -ERANGE. */
int hb_parse_u64(const char *s, uint64_t *v);

#endif
