/*
 * cmd_verdict.c - `heapbench verdict [--format text|md|html|csv] RUN_DIR
 * [NEW_RUN_DIR]`: the verdict of a results folder on stdout, or every
 * verdict number of one folder against another (bench/compare/verdict.h).
 */
#include "bench/cmd/cli.h"

#include <stdio.h>
#include <string.h>

#include "bench/compare/verdict.h"

static int usage(FILE *f)
{
    fprintf(f, "usage: heapbench verdict [--format text|md|html|csv] RUN_DIR [NEW_RUN_DIR]\n"
               "The verdict of a results folder, from its CSV files (real Xen's too:\n"
               "xen_fidelity.csv, xen_variants*.csv); with two folders,\n"
               "every verdict number of the first against the second (md only).\n"
               "  --format F   text: for a console of 80 columns (default); md: the\n"
               "               report's Markdown; html: the same as an HTML fragment;\n"
               "               csv: every number with its interval\n"
               "For a block to paste into a cover letter: heapbench letter.\n");
    return f == stdout ? HB_EXIT_OK : HB_EXIT_USAGE;
}

/* "text", "md", "html", "csv" -> *fmt; -1 for anything else. */
static int parse_format(const char *s, enum hb_verdict_format *fmt)
{
    static const char *const names[] = { "text", "md", "html", "csv" };
    static const enum hb_verdict_format v[] = { HB_VERDICT_TEXT, HB_VERDICT_MD,
                                                HB_VERDICT_HTML, HB_VERDICT_CSV };

    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(s, names[i])) {
            *fmt = v[i];
            return 0;
        }
    return -1;
}

int hb_cmd_verdict(int argc, char **argv)
{
    const char *fmt_s = "text", *dirs[2];
    enum hb_verdict_format fmt;
    int nd = 0;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return usage(stdout);
        if (!strcmp(argv[i], "--format") && i + 1 < argc)
            fmt_s = argv[++i];
        else if (!strncmp(argv[i], "--format=", 9))
            fmt_s = argv[i] + 9;
        else if (argv[i][0] == '-' && argv[i][1]) {
            hb_err("verdict: unknown option: %s", argv[i]);
            return HB_EXIT_USAGE;
        } else if (nd < 2)
            dirs[nd++] = argv[i];
        else {
            hb_err("verdict: more than two folders: %s", argv[i]);
            return HB_EXIT_USAGE;
        }
    }
    if (!nd)
        return usage(stderr);
    if (parse_format(fmt_s, &fmt)) {
        hb_err("verdict: --format must be text, md, html or csv: %s", fmt_s);
        return HB_EXIT_USAGE;
    }
    for (int i = 0; i < nd; i++)
        if (!hb_verdict_is_run(dirs[i])) {
            hb_err("verdict: not a results folder (no init, free or state CSV): %s", dirs[i]);
            return HB_EXIT_USAGE;
        }
    if (hb_verdict_write(stdout, dirs, nd, fmt))
        return HB_EXIT_FAIL;
    return fflush(stdout) ? HB_EXIT_FAIL : HB_EXIT_OK;
}
