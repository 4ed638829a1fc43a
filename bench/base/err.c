/*
 * err.c - hb_err, the one way a command prints an error (see err.h).
 */
#include "bench/base/err.h"

#include <stdarg.h>
#include <stdio.h>

void hb_err(const char *fmt, ...)
{
    va_list ap;

    fputs("heapbench: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}
