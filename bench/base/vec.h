/*
 * vec.h - the one growable array of bench/.
 *
 * A growable array is three things its owner keeps in its own struct: a
 * pointer, a count and a capacity.  hb_vec_grow() makes room for `need`
 * elements, doubling the capacity (from a small minimum) so that appending
 * one at a time costs O(1) amortised.  Callers keep their count themselves.
 *
 *     if (hb_vec_grow((void **)&l->v, &l->cap, l->nr + 1, sizeof *l->v))
 *         return -ENOMEM;
 *     l->v[l->nr++] = x;
 */
#ifndef HB_VEC_H
#define HB_VEC_H

#include <stddef.h>

/*
 * Make *p hold at least `need` elements of `elem` bytes.  0 on success
 * (*p and *cap updated); -ENOMEM if the allocation or the size
 * computation fails, leaving *p and *cap as they were (still valid, still
 * owned by the caller).
 */
int hb_vec_grow(void **p, size_t *cap, size_t need, size_t elem);

#endif
