/*
 * opts.c - the table-driven option parser of every subcommand (opts.h):
 * parsing, the generated --help, the one error line.
 */
#include "bench/cmd/opts.h"

#include <regex.h>
#include <stdarg.h>
#include <string.h>

#include "bench/base/err.h"

#define HELP_COL 22       /* where the meanings start */
#define HELP_WIDTH 79

/* ------------------------------------------------------------------------
 * Parsing
 * ------------------------------------------------------------------------ */

static int fail(char *why, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(char *why, size_t len, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, len, fmt, ap);
    va_end(ap);
    return -1;
}

/* The entry named by a (up to '=' if there is one), or NULL. */
static const struct hb_opt *find(const struct hb_opts_spec *s, const char *a, size_t n)
{
    for (size_t k = 0; k < s->nopts; k++)
        if (s->opts[k].name && strlen(s->opts[k].name) == n &&
            !strncmp(s->opts[k].name, a, n))
            return &s->opts[k];
    return NULL;
}

const struct hb_opt *hb_opts_find(const struct hb_opts_spec *s, const char *word)
{
    const char *eq = strchr(word, '=');

    return find(s, word, eq ? (size_t)(eq - word) : strlen(word));
}

/* The option at argv[*i] (its value consumed too).  0 or -1 with why. */
static int take(const struct hb_opts_spec *s, void *ctx, unsigned *seen, int argc,
                char **argv, int *i, char *why, size_t len)
{
    const char *a = argv[*i], *eq = strchr(a, '=');
    const struct hb_opt *o = hb_opts_find(s, a);
    const char *v = eq ? eq + 1 : NULL;
    char reason[512];

    if (!o)
        return fail(why, len, "%s: unknown option: %.*s (see heapbench %s --help)",
                    s->cmd, eq ? (int)(eq - a) : (int)strlen(a), a, s->cmd);
    if (seen[o - s->opts]++ && !o->repeat)
        return fail(why, len, "%s: %s: given twice", s->cmd, o->name);
    if (!o->arg) {
        if (v)
            return fail(why, len, "%s: %s: takes no value: \"%s\"", s->cmd, o->name, v);
        *(bool *)((char *)ctx + o->off) = true;
        return 0;
    }
    if (!v) {
        if (*i + 1 >= argc)
            return fail(why, len, "%s: %s: needs a value (%s)", s->cmd, o->name, o->arg);
        v = argv[++*i];
    }
    reason[0] = '\0';
    if (o->set((char *)ctx + o->off, v, reason, sizeof reason))
        return fail(why, len, "%s: %s: %s: \"%s\"", s->cmd, o->name,
                    reason[0] ? reason : "bad value", v);
    return 0;
}

static bool is_option(const char *a)
{
    return a[0] == '-' && a[1] && strcmp(a, "--");
}

int hb_opts_parse(const struct hb_opts_spec *s, void *ctx, int argc, char **argv,
                  int *rest, char *why, size_t len)
{
    unsigned seen[HB_OPTS_MAX] = { 0 };
    bool options = true;

    *rest = argc;
    if (s->nopts > HB_OPTS_MAX)
        return fail(why, len, "%s: more than %d options in its table", s->cmd, HB_OPTS_MAX);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (options && (!strcmp(a, "--help") || !strcmp(a, "-h")))
            return 1;
        if (options && !strcmp(a, "--") && s->dashdash == HB_DASHDASH_REST) {
            *rest = i + 1;
            return 0;
        }
        if (options && !strcmp(a, "--") && s->dashdash == HB_DASHDASH_ARGS) {
            options = false;
            continue;
        }
        if (options && is_option(a)) {
            if (take(s, ctx, seen, argc, argv, &i, why, len))
                return -1;
            continue;
        }
        if (!s->positional)
            return fail(why, len, "%s: unexpected argument: \"%s\"", s->cmd, a);
        if (s->positional(ctx, a, why, len)) {
            char msg[512];

            snprintf(msg, sizeof msg, "%s", why);
            return fail(why, len, "%s: %s", s->cmd, msg);
        }
    }
    return 0;
}

int hb_opts_run(const struct hb_opts_spec *s, void *ctx, int argc, char **argv,
                int *rest)
{
    char why[1024];
    int rc = hb_opts_parse(s, ctx, argc, argv, rest, why, sizeof why);

    if (rc > 0) {
        hb_opts_help(s, stdout);
        return HB_EXIT_OK;
    }
    if (rc < 0) {
        hb_err("%s", why);
        return HB_EXIT_USAGE;
    }
    return HB_OPTS_GO;
}

/* ------------------------------------------------------------------------
 * Help
 * ------------------------------------------------------------------------ */

/* text wrapped at HELP_WIDTH, its lines after the first indented to col
 * (the first starts at column at). */
static void wrap(FILE *f, const char *text, int at, int col)
{
    const char *p = text;

    while (*p) {
        const char *end = p, *brk = NULL;

        while (*end && *end != '\n' && at + (end - p) < HELP_WIDTH) {
            if (*end == ' ')
                brk = end;
            end++;
        }
        if (*end && *end != '\n' && brk)
            end = brk;
        fprintf(f, "%.*s\n", (int)(end - p), p);
        p = *end ? end + 1 : end;
        at = col;
        if (*p)
            fprintf(f, "%*s", col, "");
    }
}

void hb_opts_help(const struct hb_opts_spec *s, FILE *f)
{
    fprintf(f, "usage: heapbench %s\n", s->usage);
    if (s->about)
        fputs(s->about, f);
    for (size_t k = 0; k < s->nopts; k++) {
        const struct hb_opt *o = &s->opts[k];
        int n;

        if (!o->name) {
            wrap(f, o->help, 0, 0);
            continue;
        }
        n = fprintf(f, "  %s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
        if (n >= HELP_COL)
            fprintf(f, "\n%*s", HELP_COL, "");
        else
            fprintf(f, "%*s", HELP_COL - n, "");
        wrap(f, o->help, HELP_COL, HELP_COL);
    }
    fprintf(f, "  --help, -h%*sthis help\n", HELP_COL - 12, "");
    if (s->footer)
        fputs(s->footer, f);
}

/* ------------------------------------------------------------------------
 * Common setters
 * ------------------------------------------------------------------------ */

int hb_opt_str(void *field, const char *v, char *why, size_t len)
{
    (void)why, (void)len;
    *(const char **)field = v;
    return 0;
}

int hb_opt_nonempty(void *field, const char *v, char *why, size_t len)
{
    if (!*v)
        return fail(why, len, "empty");
    *(const char **)field = v;
    return 0;
}

int hb_opt_regex(void *field, const char *v, char *why, size_t len)
{
    regex_t re;

    if (regcomp(&re, *v == '-' ? v + 1 : v, REG_EXTENDED | REG_NOSUB))
        return fail(why, len, "not a regular expression");
    regfree(&re);
    *(const char **)field = v;
    return 0;
}
