/*
 * verdict.h - the verdict of a results folder, from its CSV files alone:
 * eager against lazy initialisation, frees at node boundaries, per-page
 * state scans, each a sentence with its numbers and intervals (how each
 * number is found: bench/compare/verdict.c).  Prints nothing on its own:
 * the text goes to the stream the caller passes.
 */
#ifndef HB_VERDICT_H
#define HB_VERDICT_H

#include <stdbool.h>
#include <stdio.h>

enum hb_verdict_format {
    HB_VERDICT_MD,          /* the report's Markdown */
    HB_VERDICT_HTML,        /* the same, as an HTML fragment */
    HB_VERDICT_CSV,         /* every number with its interval and text */
};

/* Whether dir holds what a verdict reads: an init, free or state CSV. */
bool hb_verdict_is_run(const char *dir);

/*
 * Write to f the verdict of dirs[0] in fmt (nd 1), or every verdict number
 * of dirs[0] against dirs[1] as a change (nd 2, Markdown whatever fmt).
 * 0, -EINVAL if nd is not 1 or 2, -ENOMEM.  The caller checks f's errors.
 */
int hb_verdict_write(FILE *f, const char *const dirs[], int nd,
                     enum hb_verdict_format fmt);

#endif
