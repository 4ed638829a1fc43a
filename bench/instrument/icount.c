/*
 * icount.c - callgrind client requests and the reader of callgrind's output
 * (see icount.h).  The reader knows only the output format's keys that
 * every callgrind writes ("part:", "desc: Trigger:", "events:",
 * "totals:"), not a release's wording of anything else.
 */
#include "bench/instrument/icount.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool hb_icount_running(void)
{
    return RUNNING_ON_VALGRIND != 0;
}

void hb_icount_calibrate(void)
{
    hb_icount_begin();
    hb_icount_end(HB_ICOUNT_EMPTY);
}

/* ---- events ------------------------------------------------------------- */

static const struct {
    const char *cg;     /* callgrind's event name */
    const char *col;    /* ours */
} events[HB_IC_NR] = {
    [HB_IC_IR]  = { "Ir",  "instructions" },
    [HB_IC_DR]  = { "Dr",  "data_reads" },
    [HB_IC_DW]  = { "Dw",  "data_writes" },
    [HB_IC_BC]  = { "Bc",  "cond_branches" },
    [HB_IC_BCM] = { "Bcm", "cond_mispredicts" },
};

const char *hb_icount_ev_name(enum hb_icount_ev ev)
{
    return ev < HB_IC_NR ? events[ev].col : "?";
}

void hb_icount_sub(struct hb_icount *c, const struct hb_icount *empty)
{
    for (int e = 0; e < HB_IC_NR; e++) {
        if (!c->have[e] || !empty->have[e])
            continue;
        c->ev[e] = c->ev[e] > empty->ev[e] ? c->ev[e] - empty->ev[e] : 0;
    }
}

/* ---- reading ------------------------------------------------------------ */

#define MAX_EVENTS 32

struct part {
    char name[256];
    bool client;                /* triggered by a client request */
    int slot[MAX_EVENTS];       /* events: position -> hb_icount_ev, or -1 */
    int nslot;
};

static void parse_events(struct part *p, char *list)
{
    p->nslot = 0;
    for (char *tok = strtok(list, " \t\n"); tok && p->nslot < MAX_EVENTS;
         tok = strtok(NULL, " \t\n")) {
        int id = -1;
        for (int e = 0; e < HB_IC_NR; e++)
            if (strcmp(tok, events[e].cg) == 0)
                id = e;
        p->slot[p->nslot++] = id;
    }
}

static int parse_totals(const struct part *p, const char *vals,
                        struct hb_icount *c, char *err, size_t errlen)
{
    memset(c, 0, sizeof(*c));
    const char *s = vals;
    for (int i = 0; i < p->nslot; i++) {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(s, &end, 10);
        if (end == s) {
            /* Callgrind drops trailing zero events from a totals line. */
            v = 0;
        } else if (errno) {
            snprintf(err, errlen, "callgrind totals out of range: %s", vals);
            return -1;
        }
        if (p->slot[i] >= 0) {
            c->ev[p->slot[i]] = v;
            c->have[p->slot[i]] = true;
        }
        s = end;
    }
    return 0;
}

static void chomp(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
}

int hb_icount_read(const char *path, hb_icount_part_fn fn, void *ctx,
                   char *err, size_t errlen)
{
    static const char trig[] = "desc: Trigger: Client Request: ";
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    struct part p = { .nslot = 0 };
    char line[4096];
    int rc = 0, parts = 0;
    while (rc == 0 && fgets(line, sizeof(line), f)) {
        chomp(line);
        if (strncmp(line, "part:", 5) == 0) {
            p.client = false;
            p.name[0] = '\0';
        } else if (strncmp(line, trig, sizeof(trig) - 1) == 0) {
            p.client = true;
            snprintf(p.name, sizeof(p.name), "%.*s", (int)sizeof(p.name) - 1,
                     line + sizeof(trig) - 1);
        } else if (strncmp(line, "events:", 7) == 0) {
            parse_events(&p, line + 7);
        } else if (strncmp(line, "totals:", 7) == 0) {
            parts++;
            if (!p.client)
                continue;
            struct hb_icount c;
            if (parse_totals(&p, line + 7, &c, err, errlen) < 0)
                rc = -1;
            else
                rc = fn(p.name, &c, ctx);
        }
    }
    fclose(f);
    if (rc == 0 && parts == 0) {
        snprintf(err, errlen, "%s: no callgrind totals in the file", path);
        return -1;
    }
    return rc;
}

/* ---- the command --------------------------------------------------------- */

int hb_icount_cmd_init(struct hb_icount_cmd *cmd, const char *out_file,
                       bool full)
{
    int n = snprintf(cmd->out_opt, sizeof(cmd->out_opt),
                     "--callgrind-out-file=%s", out_file);
    if (n < 0 || (size_t)n >= sizeof(cmd->out_opt))
        return -1;
    const char *fixed[] = {
        "valgrind", "-q", "--tool=callgrind", "--collect-atstart=no",
        "--combine-dumps=yes", "--dump-line=no",
        full ? "--cache-sim=yes" : "--cache-sim=no",
        full ? "--branch-sim=yes" : "--branch-sim=no",
    };
    cmd->n = 0;
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
        cmd->argv[cmd->n++] = fixed[i];
    cmd->argv[cmd->n++] = cmd->out_opt;
    cmd->argv[cmd->n] = NULL;
    return 0;
}
