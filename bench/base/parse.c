/*
 * parse.c - numbers and sizes from the command line and from memory maps,
 * stricter than strtoull: no sign, no spaces, no trailing junk.
 */
#include "bench/base/parse.h"

#include <errno.h>
#include <string.h>

static int digit_value(char c, unsigned base)
{
    unsigned v;

    if (c >= '0' && c <= '9')
        v = (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f')
        v = (unsigned)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
        v = (unsigned)(c - 'A' + 10);
    else
        return -1;
    return v < base ? (int)v : -1;
}

/* Digits in base, all of s up to *end (strtoull accepts signs and spaces,
 * which a memory map should not). */
static int parse_digits(const char *s, unsigned base, uint64_t *v,
                        const char **end)
{
    uint64_t x = 0;
    const char *p = s;
    int d;

    for (; (d = digit_value(*p, base)) >= 0; p++) {
        if (x > (UINT64_MAX - (unsigned)d) / base)
            return -ERANGE;
        x = x * base + (unsigned)d;
    }
    if (p == s)
        return -EINVAL;
    *v = x;
    *end = p;
    return 0;
}

int hb_parse_u64(const char *s, uint64_t *v)
{
    const char *end;
    unsigned base = 10;
    int rc;

    if (!s)
        return -EINVAL;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    rc = parse_digits(s, base, v, &end);
    if (rc)
        return rc;
    return *end ? -EINVAL : 0;
}

/* Power of 1024 for a unit letter, -1 if it is not one. */
static int unit_shift(char c)
{
    static const char units[] = "KMGTP";
    const char *u = c ? strchr(units, c >= 'a' ? c - 'a' + 'A' : c) : NULL;

    return u ? 10 * (int)(u - units + 1) : -1;
}

int hb_parse_size(const char *s, uint64_t *bytes)
{
    const char *p;
    uint64_t n;
    int shift = 0, rc;

    if (!s)
        return -EINVAL;
    rc = parse_digits(s, 10, &n, &p);
    if (rc)
        return rc;
    if (!*p)
        return -EDOM;       /* a bare number: bytes or GiB?  Say which. */
    if (unit_shift(*p) >= 0)
        shift = unit_shift(*p++);
    if (shift && !strcmp(p, "iB"))
        p += 2;
    else if (!strcmp(p, "B"))
        p++;
    if (*p)
        return -EINVAL;
    if (shift && n > (UINT64_MAX >> shift))
        return -ERANGE;
    *bytes = n << shift;
    return 0;
}
