/*
 * cmd_verdict.c - `heapbench verdict [--format text|md|html|csv] RUN_DIR
 * [NEW_RUN_DIR]`: the verdict of a results folder on stdout, or every
 * verdict number of one folder against another (bench/compare/verdict.h).
 */
#include "bench/cmd/cli.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "bench/compare/verdict.h"

struct verdict_args {
    enum hb_verdict_format fmt;
    const char *dirs[2];
    int nd;
};

/* "text", "md", "html", "csv" -> the format; anything else refused. */
static int set_format(void *field, const char *v, char *why, size_t len)
{
    static const char *const names[] = { "text", "md", "html", "csv" };
    static const enum hb_verdict_format fmt[] = { HB_VERDICT_TEXT, HB_VERDICT_MD,
                                                  HB_VERDICT_HTML, HB_VERDICT_CSV };

    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(v, names[i])) {
            *(enum hb_verdict_format *)field = fmt[i];
            return 0;
        }
    snprintf(why, len, "expected text, md, html or csv");
    return -1;
}

static int add_dir(void *ctx, const char *arg, char *why, size_t len)
{
    struct verdict_args *a = ctx;

    if (a->nd == 2)
        return snprintf(why, len, "more than two folders: \"%s\"", arg), -1;
    a->dirs[a->nd++] = arg;
    return 0;
}

static const struct hb_opt verdict_opts[] = {
    { "--format", "F", "text: for a console of 80 columns (default); md: the "
      "report's Markdown; html: the same as an HTML fragment; csv: every number "
      "with its interval", set_format, offsetof(struct verdict_args, fmt), false },
};

static const struct hb_opts_spec verdict_spec = {
    .cmd = "verdict",
    .usage = "verdict [--format text|md|html|csv] RUN_DIR [NEW_RUN_DIR]",
    .about = "The verdict of a results folder, from its CSV files (real Xen's too:\n"
             "xen_fidelity.csv, xen_variants*.csv); with two folders,\n"
             "every verdict number of the first against the second (md only).\n",
    .opts = verdict_opts,
    .nopts = sizeof verdict_opts / sizeof verdict_opts[0],
    .footer = "For a block to paste into a cover letter: heapbench letter.\n",
    .positional = add_dir,
};

int hb_cmd_verdict(int argc, char **argv)
{
    struct verdict_args a = { .fmt = HB_VERDICT_TEXT };
    int rest, rc = hb_opts_run(&verdict_spec, &a, argc, argv, &rest);
    const char *const *dirs = a.dirs;
    int nd = a.nd;

    if (rc != HB_OPTS_GO)
        return rc;
    if (!nd) {
        hb_err("verdict: need RUN_DIR (see heapbench verdict --help)");
        return HB_EXIT_USAGE;
    }
    for (int i = 0; i < nd; i++)
        if (!hb_verdict_is_run(dirs[i])) {
            hb_err("verdict: not a results folder (no init, free or state CSV): %s", dirs[i]);
            return HB_EXIT_USAGE;
        }
    if (hb_verdict_write(stdout, dirs, nd, a.fmt))
        return HB_EXIT_FAIL;
    return fflush(stdout) ? HB_EXIT_FAIL : HB_EXIT_OK;
}
