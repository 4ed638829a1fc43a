/*
 * opts.h - the one option parser of every subcommand, driven by a table.
 *
 * A command lists its options once (name, argument, one-line meaning,
 * setter, field); from that table come the parsing, the --help text and
 * the error lines, so every command follows one convention: "--name VALUE"
 * and "--name=VALUE" are the same, "--help" and "-h" print the help, a
 * lone "--" ends the options (or, for compare, separates its two sides),
 * and a bad input is one line "CMD: --name: reason: "VALUE"" (exit 2).
 */
#ifndef HB_OPTS_H
#define HB_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Check value v and store it in field; 0, or -1 with the reason (without
 * the option or the value: the parser adds them) written into why. */
typedef int (*hb_opt_set)(void *field, const char *v, char *why, size_t len);

struct hb_opt {
    const char *name;     /* "--strategy"; NULL: a heading line in the help */
    const char *arg;      /* "S", or NULL for a flag (field is a bool) */
    const char *help;     /* the meaning, one sentence (wrapped to 79 columns) */
    hb_opt_set set;       /* NULL for a flag */
    size_t off;           /* the field in the command's options struct */
    bool repeat;          /* may be given more than once */
};

enum hb_dashdash {
    HB_DASHDASH_ARGS,     /* after "--", every word is an argument */
    HB_DASHDASH_REST,     /* "--" ends the parsing; the rest is the caller's */
    HB_DASHDASH_SPLIT,    /* "--" is handed to positional() (compare's sides) */
};

struct hb_opts_spec {
    const char *cmd;      /* "heap": the prefix of every error line */
    const char *usage;    /* after "usage: heapbench " (may hold newlines) */
    const char *about;    /* a paragraph before the options, or NULL */
    const struct hb_opt *opts;
    size_t nopts;
    const char *footer;   /* a paragraph after the options, or NULL */
    /* An argument that is not an option: 0, or -1 with why (a full
     * message, without the command).  NULL: none are taken. */
    int (*positional)(void *ctx, const char *arg, char *why, size_t len);
    enum hb_dashdash dashdash;
};

#define HB_OPTS_MAX 48    /* options in one table */
#define HB_STR_(x) #x
#define HB_STR(x) HB_STR_(x)  /* a number macro as a string, for help texts */

/*
 * Parse argv[1..argc) into ctx.  0: parsed, *rest is the index of the
 * first word after a "--" when s->dashdash is HB_DASHDASH_REST (else argc);
 * 1: --help was asked for; -1: bad input, one line (no "heapbench: "
 * prefix, no newline) in why.  Prints nothing.
 */
int hb_opts_parse(const struct hb_opts_spec *s, void *ctx, int argc, char **argv,
                  int *rest, char *why, size_t len);

/* The entry of word ("--name" or "--name=VALUE"), or NULL. */
const struct hb_opt *hb_opts_find(const struct hb_opts_spec *s, const char *word);

/* The help generated from the table: usage, about, every option with its
 * argument and meaning, footer. */
void hb_opts_help(const struct hb_opts_spec *s, FILE *f);

/*
 * hb_opts_parse for a command: the help on stdout, or the error line on
 * stderr.  HB_OPTS_GO: parsed, go on; otherwise the exit status to return
 * now (0 after the help, HB_EXIT_USAGE after an error).
 */
#define HB_OPTS_GO (-1)
int hb_opts_run(const struct hb_opts_spec *s, void *ctx, int argc, char **argv,
                int *rest);

/* Setters most options need.  hb_opt_str: any value, even empty;
 * hb_opt_nonempty: any but ""; hb_opt_regex: a POSIX extended regular
 * expression (a leading '-' negates it, as bench --filter takes it). */
int hb_opt_str(void *field, const char *v, char *why, size_t len);
int hb_opt_nonempty(void *field, const char *v, char *why, size_t len);
int hb_opt_regex(void *field, const char *v, char *why, size_t len);

#endif
