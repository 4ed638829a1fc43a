/*
 * main.c - heapbench's entry point: the one rule every subcommand's options
 * follow, then dispatch to the subcommand.
 *
 * The rule: "--name VALUE" and "--name=VALUE" are the same option, in every
 * subcommand.  It is applied here, once, by splitting "--name=VALUE" into
 * two words before a subcommand sees its arguments, so no subcommand can
 * forget it.  A lone "--" ends the options: what follows (compare's run
 * folders, say) is passed through untouched.
 */
#include "bench/cmd/cli.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "version.h"    /* generated in $(BUILD): HB_VERSION, HB_COMMIT */

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *what;
} commands[] = {
    { "layout", hb_cmd_layout, "print the modelled machine (nodes, ranges, holes)" },
    { "heap", hb_cmd_heap, "build a heap from a layout, check it, dump it" },
    { "bench", hb_cmd_bench, "run the benchmark suite into a results folder" },
    { "compare", hb_cmd_compare, "compare two results folders (A/B table)" },
    { "ab", hb_cmd_ab, "interleaved A/B runs of two builds into two folders" },
    { "verdict", hb_cmd_verdict, "the report's verdict from a results folder's CSVs" },
    { "letter", hb_cmd_letter, "the verdict as 72-column plain text for a cover letter" },
};

static void usage(FILE *f)
{
    fprintf(f, "usage: heapbench COMMAND [OPTIONS]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].what);
    fprintf(f, "\n'heapbench COMMAND --help' for a command's options;"
               " '--name VALUE' and '--name=VALUE' are the same everywhere.\n"
               "'heapbench --version' for the version and commit.\n");
}

/* argv with every "--name=VALUE" before a lone "--" split in two; NULL
 * when out of memory.  The strings are argv's own or the copies made here,
 * alive until exit. */
static char **split_equals(int argc, char **argv, int *out_argc)
{
    char **v = calloc((size_t)argc * 2 + 1, sizeof *v);
    bool options = true;
    int n = 0;

    if (!v)
        return NULL;
    for (int i = 0; i < argc; i++) {
        char *eq = strchr(argv[i], '=');

        if (options && !strcmp(argv[i], "--"))
            options = false;
        if (!options || strncmp(argv[i], "--", 2) || !eq || eq == argv[i] + 2) {
            v[n++] = argv[i];
            continue;
        }
        v[n] = strndup(argv[i], (size_t)(eq - argv[i]));
        if (!v[n])
            return NULL;
        n++;
        v[n++] = eq + 1;
    }
    *out_argc = n;
    return v;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "--version")) {
        printf("heapbench %s (commit %s)\n", HB_VERSION, HB_COMMIT);
        return HB_EXIT_OK;
    }
    if (argc >= 2) {
        argv = split_equals(argc, argv, &argc);
        if (!argv) {
            hb_err("out of memory reading the command line");
            return HB_EXIT_FAIL;
        }
    }
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
