/*
 * cmd_letter.c - `heapbench letter RUN [BASE]`: the block of plain text
 * (at most 72 columns) a patch's cover letter quotes, on stdout
 * (bench/compare/letter.h).
 */
#include "bench/cmd/cli.h"

#include <stdio.h>
#include <string.h>

#include "bench/compare/letter.h"

struct letter_args {
    const char *dirs[2];
    int nd;
};

static int add_dir(void *ctx, const char *arg, char *why, size_t len)
{
    struct letter_args *a = ctx;

    if (a->nd == 2)
        return snprintf(why, len, "more than two folders: \"%s\"", arg), -1;
    a->dirs[a->nd++] = arg;
    return 0;
}

static const struct hb_opts_spec letter_spec = {
    .cmd = "letter",
    .usage = "letter RUN_DIR [BASE_RUN_DIR]",
    .about = "The verdict of a results folder as plain text of at most "
             HB_STR(HB_LETTER_WIDTH) " columns,\n"
             "for a cover letter: what was measured (model, CPU, VM or not, nodes,\n"
             "sizes, the command), then each answer with its interval, or \"not\n"
             "detected (+/-X %)\" where the interval allows no effect; then what\n"
             "real Xen 4.17 counted (make xen-check, make xen-bench), or that no\n"
             "Xen check was run.  With BASE_RUN_DIR, the changes from that run too.\n",
    .positional = add_dir,
};

int hb_cmd_letter(int argc, char **argv)
{
    struct letter_args a = { .nd = 0 };
    const char *const *dirs = a.dirs;
    char why[512];
    int rest, rc = hb_opts_run(&letter_spec, &a, argc, argv, &rest);
    int nd = a.nd;

    if (rc != HB_OPTS_GO)
        return rc;
    if (!nd) {
        hb_err("letter: need RUN_DIR (see heapbench letter --help)");
        return HB_EXIT_USAGE;
    }
    if (hb_letter_write(stdout, dirs[0], nd == 2 ? dirs[1] : NULL, why, sizeof why)) {
        hb_err("letter: %s", why);
        return strstr(why, "out of memory") ? HB_EXIT_FAIL : HB_EXIT_USAGE;
    }
    return fflush(stdout) ? HB_EXIT_FAIL : HB_EXIT_OK;
}
