/*
 * main.c - heapbench's entry point: --version, --help, and dispatch to the
 * subcommand.  Every subcommand reads its options through one parser
 * (bench/cmd/opts.h), so "--name VALUE" and "--name=VALUE" are the same
 * option everywhere.
 */
#include "bench/cmd/cli.h"

#include <stdio.h>
#include <string.h>

#include "version.h"    /* generated in $(BUILD): HB_VERSION, HB_COMMIT */

const char hb_build_commit[] = HB_COMMIT;

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

int main(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "--version")) {
        printf("heapbench %s (commit %s)\n", HB_VERSION, HB_COMMIT);
        return HB_EXIT_OK;
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
