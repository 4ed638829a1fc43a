/*
 * test_opts.c - the option parser of every subcommand (bench/cmd/opts.h):
 * both forms of a value, flags, refusals (unknown option, missing value,
 * bad value, repeated option, a value given to a flag), the three ways a
 * "--" is read, and the help generated from the table.
 */
#include "tests/unit/check.h"

#include "bench/cmd/opts.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct toy {
    const char *name;
    long count;
    bool fast;
    const char *pos[4];
    int npos;
};

static int set_count(void *field, const char *v, char *why, size_t len)
{
    char *end;
    long n = strtol(v, &end, 10);

    if (!*v || *end || n < 1 || n > 9) {
        snprintf(why, len, "expected 1 to 9");
        return -1;
    }
    *(long *)field = n;
    return 0;
}

static int take_pos(void *ctx, const char *arg, char *why, size_t len)
{
    struct toy *t = ctx;

    if (t->npos == 4) {
        snprintf(why, len, "more than four: \"%s\"", arg);
        return -1;
    }
    t->pos[t->npos++] = arg;
    return 0;
}

static const struct hb_opt toy_opts[] = {
    { NULL, NULL, "Toy options:", NULL, 0, false },
    { "--name", "NAME", "what the toy is called", hb_opt_nonempty,
      offsetof(struct toy, name), false },
    { "--count", "N", "how many toys, a long explanation that has to be wrapped over "
      "more than one line of the help to fit in its columns", set_count,
      offsetof(struct toy, count), true },
    { "--fast", NULL, "go fast", NULL, offsetof(struct toy, fast), false },
};

static struct hb_opts_spec toy_spec(enum hb_dashdash dd, bool positional)
{
    return (struct hb_opts_spec){
        .cmd = "toy", .usage = "toy [options] [ARG...]", .opts = toy_opts,
        .nopts = sizeof toy_opts / sizeof toy_opts[0],
        .positional = positional ? take_pos : NULL, .dashdash = dd,
    };
}

/* Parse the words (argv[0] "toy" added) into *t: hb_opts_parse's result. */
static int parse(enum hb_dashdash dd, bool positional, struct toy *t, int *rest,
                 char *why, size_t len, const char *const *words, int n)
{
    struct hb_opts_spec s = toy_spec(dd, positional);
    char *argv[16] = { "toy" };

    for (int i = 0; i < n; i++)
        argv[i + 1] = (char *)words[i];
    *t = (struct toy){ 0 };
    why[0] = '\0';
    return hb_opts_parse(&s, t, n + 1, argv, rest, why, len);
}

#define PARSE(dd, pos, t, rest, why, ...)                                     \
    parse(dd, pos, t, rest, why, sizeof why, (const char *const[]){ __VA_ARGS__ }, \
          (int)(sizeof (const char *const[]){ __VA_ARGS__ } / sizeof(const char *)))

TEST(opts_both_forms_check)
{
    struct toy a, b;
    char why[256];
    int rest;

    CHECK_EQ(PARSE(HB_DASHDASH_ARGS, false, &a, &rest, why, "--name", "x", "--count", "3",
                   "--fast"), 0);
    CHECK_EQ(PARSE(HB_DASHDASH_ARGS, false, &b, &rest, why, "--name=x", "--count=3",
                   "--fast"), 0);
    CHECK_STR(a.name, "x");
    CHECK_STR(b.name, "x");
    CHECK_EQ(a.count, 3);
    CHECK_EQ(b.count, 3);
    CHECK(a.fast && b.fast);
    CHECK_EQ(rest, 4);             /* argc of the last: nothing left over */
    /* A value may start with '-' or hold '=': it is the next word whole. */
    CHECK_EQ(PARSE(HB_DASHDASH_ARGS, false, &a, &rest, why, "--name", "-a=b"), 0);
    CHECK_STR(a.name, "-a=b");
    CHECK_EQ(PARSE(HB_DASHDASH_ARGS, false, &a, &rest, why, "--name=a=b"), 0);
    CHECK_STR(a.name, "a=b");
}

/* Each refusal: -1 and one line starting "toy: " that names the option or
 * the value. */
TEST(opts_refusals_check)
{
    struct toy t;
    char why[256];
    int rest;

    CHECK_EQ(PARSE(HB_DASHDASH_ARGS, false, &t, &rest, why, "--frobnicate"), -1);
    CHECK(!strncmp(why, "toy: unknown option: --frobnicate", 33));
    CHECK_EQ(PARSE(HB_DASHDASH_ARGS, false, &t, &rest, why, "--frob=1"), -1);
    CHECK(strstr(why, "unknown option: --frob ") != NULL);
    CHECK_EQ(PARSE(HB_DASHDASH_ARGS, false, &t, &rest, why, "--count"), -1);
    CHECK_STR(why, "toy: --count: needs a value (N)");
    CHECK_EQ(PARSE(HB_DASHDASH_ARGS, false, &t, &rest, why, "--count", "many"), -1);
    CHECK_STR(why, "toy: --count: expected 1 to 9: \"many\"");
    CHECK_EQ(PARSE(HB_DASHDASH_ARGS, false, &t, &rest, why, "--count="), -1);
    CHECK_STR(why, "toy: --count: expected 1 to 9: \"\"");
    CHECK_EQ(PARSE(HB_DASHDASH_ARGS, false, &t, &rest, why, "--name", ""), -1);
    CHECK_STR(why, "toy: --name: empty: \"\"");
    CHECK_EQ(PARSE(HB_DASHDASH_ARGS, false, &t, &rest, why, "--fast=yes"), -1);
    CHECK_STR(why, "toy: --fast: takes no value: \"yes\"");
    CHECK_EQ(PARSE(HB_DASHDASH_ARGS, false, &t, &rest, why, "stray"), -1);
    CHECK_STR(why, "toy: unexpected argument: \"stray\"");
    CHECK(strchr(why, '\n') == NULL);
}

TEST(opts_repeated_check)
{
    struct toy t;
    char why[256];
    int rest;

    CHECK_EQ(PARSE(HB_DASHDASH_ARGS, false, &t, &rest, why, "--name", "a", "--name=b"), -1);
    CHECK_STR(why, "toy: --name: given twice");
    CHECK_EQ(PARSE(HB_DASHDASH_ARGS, false, &t, &rest, why, "--fast", "--fast"), -1);
    CHECK_STR(why, "toy: --fast: given twice");
    /* --count is marked repeatable: the last one counts. */
    CHECK_EQ(PARSE(HB_DASHDASH_ARGS, false, &t, &rest, why, "--count", "2", "--count=5"), 0);
    CHECK_EQ(t.count, 5);
}

TEST(opts_help_flag_check)
{
    struct toy t;
    char why[256];
    int rest;

    CHECK_EQ(PARSE(HB_DASHDASH_ARGS, false, &t, &rest, why, "--count", "2", "--help"), 1);
    CHECK_EQ(PARSE(HB_DASHDASH_ARGS, false, &t, &rest, why, "-h"), 1);
    /* After "--", --help is an argument like any other. */
    CHECK_EQ(PARSE(HB_DASHDASH_ARGS, true, &t, &rest, why, "--", "--help"), 0);
    CHECK_STR(t.pos[0], "--help");
}

TEST(opts_dashdash_check)
{
    struct toy t;
    char why[256];
    int rest;

    /* ARGS: what follows is arguments, even "--fast" and a second "--". */
    CHECK_EQ(PARSE(HB_DASHDASH_ARGS, true, &t, &rest, why, "a", "--", "--fast", "--"), 0);
    CHECK_EQ(t.npos, 3);
    CHECK(!t.fast);
    CHECK_STR(t.pos[1], "--fast");
    CHECK_STR(t.pos[2], "--");
    CHECK_EQ(rest, 5);
    /* Without positional arguments, a word after "--" is refused. */
    CHECK_EQ(PARSE(HB_DASHDASH_ARGS, false, &t, &rest, why, "--", "x"), -1);
    CHECK_STR(why, "toy: unexpected argument: \"x\"");
    /* REST: parsing stops; rest is the index of the first word after. */
    CHECK_EQ(PARSE(HB_DASHDASH_REST, false, &t, &rest, why, "--fast", "--", "--name=x"), 0);
    CHECK_EQ(rest, 3);
    CHECK(t.fast && !t.name);
    /* SPLIT: "--" goes to positional(), options go on after it. */
    CHECK_EQ(PARSE(HB_DASHDASH_SPLIT, true, &t, &rest, why, "a", "--", "b", "--fast"), 0);
    CHECK_EQ(t.npos, 3);
    CHECK_STR(t.pos[1], "--");
    CHECK(t.fast);
    /* A positional refusal carries the command's prefix. */
    CHECK_EQ(PARSE(HB_DASHDASH_ARGS, true, &t, &rest, why, "1", "2", "3", "4", "5"), -1);
    CHECK_STR(why, "toy: more than four: \"5\"");
}

/* The help names every option of the table, at the start of a line and
 * with its argument, every heading, and --help; no line is wider than 79. */
TEST(opts_help_check)
{
    struct hb_opts_spec s = toy_spec(HB_DASHDASH_ARGS, true);
    char *buf = NULL, *line, *save = NULL;
    size_t len = 0, widest = 0;
    FILE *f = open_memstream(&buf, &len);

    if (!CHECK(f != NULL))
        return;
    hb_opts_help(&s, f);
    fclose(f);
    CHECK(!strncmp(buf, "usage: heapbench toy [options] [ARG...]\n", 40));
    CHECK(strstr(buf, "\nToy options:\n") != NULL);
    CHECK(strstr(buf, "\n  --name NAME ") != NULL);
    CHECK(strstr(buf, "\n  --count N ") != NULL);
    CHECK(strstr(buf, "\n  --fast ") != NULL);
    CHECK(strstr(buf, "\n  --help, -h ") != NULL);
    CHECK(strstr(buf, "what the toy is called\n") != NULL);
    CHECK(strstr(buf, "in its columns\n") != NULL);      /* the wrapped end */
    for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
        if (strlen(line) > widest)
            widest = strlen(line);
    CHECK(widest <= 79);
    CHECK(widest > 60);                                  /* wrapped, not cut short */
    free(buf);
}
