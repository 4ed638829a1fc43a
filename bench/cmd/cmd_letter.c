/*
 * cmd_letter.c - `heapbench letter RUN [BASE]`: the block of plain text
 * (at most 72 columns) a patch's cover letter quotes, on stdout
 * (bench/compare/letter.h).
 */
#include "bench/cmd/cli.h"

#include <stdio.h>
#include <string.h>

#include "bench/compare/letter.h"

static int usage(FILE *f)
{
    fprintf(f, "usage: heapbench letter RUN_DIR [BASE_RUN_DIR]\n"
               "The verdict of a results folder as plain text of at most %d columns,\n"
               "for a cover letter: what was measured (model, CPU, VM or not, nodes,\n"
               "sizes, the command), then each answer with its interval, or \"not\n"
               "detected (+/-X %%)\" where the interval allows no effect; then what\n"
               "real Xen 4.17 counted (make xen-check, make xen-bench), or that no\n"
               "Xen check was run.  With BASE_RUN_DIR, the changes from that run too.\n",
            HB_LETTER_WIDTH);
    return f == stdout ? HB_EXIT_OK : HB_EXIT_USAGE;
}

int hb_cmd_letter(int argc, char **argv)
{
    const char *dirs[2];
    char why[512];
    int nd = 0;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return usage(stdout);
        if (argv[i][0] == '-' && argv[i][1]) {
            hb_err("letter: unknown option: %s", argv[i]);
            return HB_EXIT_USAGE;
        }
        if (nd == 2) {
            hb_err("letter: more than two folders: %s", argv[i]);
            return HB_EXIT_USAGE;
        }
        dirs[nd++] = argv[i];
    }
    if (!nd)
        return usage(stderr);
    if (hb_letter_write(stdout, dirs[0], nd == 2 ? dirs[1] : NULL, why, sizeof why)) {
        hb_err("letter: %s", why);
        return strstr(why, "out of memory") ? HB_EXIT_FAIL : HB_EXIT_USAGE;
    }
    return fflush(stdout) ? HB_EXIT_FAIL : HB_EXIT_OK;
}
