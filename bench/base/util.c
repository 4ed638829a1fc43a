/*
 * util.c - small helpers shared by the subcommands.
 */
#include "bench/cmd/cli.h"

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
