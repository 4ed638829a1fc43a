/*
 * main.c - heapbench's entry point: dispatch to a subcommand.
 */
#include "bench/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *what;
} commands[] = {
    { "layout", hb_cmd_layout, "print the modelled machine (nodes, ranges, holes)" },
    { "heap", hb_cmd_heap, "build a heap from a layout, check it, dump it" },
    { "bench", hb_cmd_bench, "run the benchmark suite into a results folder" },
    { "compare", hb_cmd_compare, "compare two results folders (A/B table)" },
};

static void usage(FILE *f)
{
    fprintf(f, "usage: heapbench COMMAND [OPTIONS]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].what);
    fprintf(f, "\n'heapbench COMMAND --help' for a command's options.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return HB_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return HB_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].fn(argc - 1, argv + 1);
    hb_err("unknown command: %s", argv[1]);
    return HB_EXIT_USAGE;
}
