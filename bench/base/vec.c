/*
 * vec.c - hb_vec_grow (see vec.h).
 */
#include "bench/base/vec.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

/* The first allocation: small enough to waste nothing that matters. */
#define HB_VEC_MIN 16

int hb_vec_grow(void **p, size_t *cap, size_t need, size_t elem)
{
    size_t n = *cap ? *cap : HB_VEC_MIN;
    void *q;

    if (need <= *cap)
        return 0;
    while (n < need) {
        if (n > SIZE_MAX / 2)
            return -ENOMEM;
        n *= 2;
    }
    if (elem && n > SIZE_MAX / elem)
        return -ENOMEM;
    q = realloc(*p, n * elem);
    if (!q)
        return -ENOMEM;
    *p = q;
    *cap = n;
    return 0;
}
