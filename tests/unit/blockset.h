/*
 * blockset.h - a heap's free blocks as a flat sorted array of keys
 * (mfn << 16 | node << 8 | order), for comparing two heaps exactly.  Used
 * by the fuzzer and the soak, which build apart from the unit runner.
 */
#ifndef HB_BLOCKSET_H
#define HB_BLOCKSET_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "alloc/heap.h"

struct hb_blockset {
    uint64_t *v;
    size_t nr, cap;
};

static inline int hb_blockset_add(uint64_t mfn, unsigned order, unsigned node,
                                  unsigned zone, void *arg)
{
    struct hb_blockset *b = arg;

    (void)zone;
    if (b->nr == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 1024;
        uint64_t *v = realloc(b->v, cap * sizeof *v);
        if (!v)
            return -ENOMEM;
        b->v = v;
        b->cap = cap;
    }
    b->v[b->nr++] = mfn << 16 | (uint64_t)node << 8 | order;
    return 0;
}

#endif
