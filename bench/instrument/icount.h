/*
 * icount.h - exact counts of a code region under valgrind's callgrind.
 *
 * Time on a machine without hardware counters cannot resolve a few
 * instructions; callgrind counts them exactly.  A program run under
 *   valgrind --tool=callgrind --collect-atstart=no --combine-dumps=yes ...
 * brackets the region with hb_icount_begin() / hb_icount_end(NAME): the
 * statistics are zeroed, collection is on only inside, and the end dumps
 * them as a part named NAME.  hb_icount_read() then reads every part of the
 * output file.  The bracket itself costs a few instructions (the client
 * requests' own code): an empty region, hb_icount_calibrate(), measures them
 * so that readers subtract them (hb_icount_sub).  Outside valgrind the
 * requests are a handful of no-op instructions.  Used by `bench --count`
 * and by the Xen check's model side, so both count the same way.
 */
#ifndef HB_ICOUNT_H
#define HB_ICOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <valgrind/callgrind.h>

/* ---- counting (in the counted process) -------------------------------- */

/* The name of the empty region hb_icount_calibrate() dumps. */
#define HB_ICOUNT_EMPTY "hb-icount-empty"

/* True when the process runs under valgrind (any tool). */
bool hb_icount_running(void);

/* Inline so that the region holds the caller's code and the two requests
 * only; the compiler barrier keeps the region's code between them. */
static inline void hb_icount_begin(void)
{
    CALLGRIND_ZERO_STATS;
    CALLGRIND_TOGGLE_COLLECT;
    __asm__ __volatile__("" ::: "memory");
}

static inline void hb_icount_end(const char *name)
{
    __asm__ __volatile__("" ::: "memory");
    CALLGRIND_TOGGLE_COLLECT;
    CALLGRIND_DUMP_STATS_AT(name);
}

/* A region entered and left many times (once per timed call) and dumped
 * once: hb_icount_on() / hb_icount_off() toggle collection without
 * zeroing, hb_icount_dump(NAME) writes what the pairs collected as a part
 * and zeroes.  Each on/off pair costs what one begin/end bracket costs
 * (the same two toggles): subtract pairs x the empty region's count. */
static inline void hb_icount_on(void)
{
    CALLGRIND_TOGGLE_COLLECT;
    __asm__ __volatile__("" ::: "memory");
}

static inline void hb_icount_off(void)
{
    __asm__ __volatile__("" ::: "memory");
    CALLGRIND_TOGGLE_COLLECT;
}

static inline void hb_icount_dump(const char *name)
{
    CALLGRIND_DUMP_STATS_AT(name);
}

/* Dump an empty region named HB_ICOUNT_EMPTY: the bracket's own cost. */
void hb_icount_calibrate(void);

/* ---- reading (in the process that ran valgrind) ----------------------- */

enum hb_icount_ev {
    HB_IC_IR,      /* instructions executed */
    HB_IC_DR,      /* data reads (--cache-sim=yes) */
    HB_IC_DW,      /* data writes (--cache-sim=yes) */
    HB_IC_BC,      /* conditional branches (--branch-sim=yes) */
    HB_IC_BCM,     /* of which mispredicted by callgrind's simple model */
    HB_IC_NR
};

struct hb_icount {
    uint64_t ev[HB_IC_NR];
    bool have[HB_IC_NR];       /* false: the event was not collected */
};

/* Column-style name of an event ("instructions", "data_reads", ...). */
const char *hb_icount_ev_name(enum hb_icount_ev ev);

/* Called once per dumped part, in file order; a nonzero return stops the
 * read and becomes hb_icount_read's result. */
typedef int (*hb_icount_part_fn)(const char *name, const struct hb_icount *c,
                                 void *ctx);

/* Read callgrind output PATH (one file, --combine-dumps=yes or a single
 * dump).  Parts not triggered by a client request (program termination)
 * are skipped.  Returns 0, the callback's nonzero value, or -1 with a
 * one-line reason in err. */
int hb_icount_read(const char *path, hb_icount_part_fn fn, void *ctx,
                   char *err, size_t errlen);

/* c -= empty, per event, never below zero; events absent in either side
 * stay absent. */
void hb_icount_sub(struct hb_icount *c, const struct hb_icount *empty);

/* The command that runs a program counted: argv[0..n) is valgrind with
 * collection off at start, all dumps combined into OUT_FILE, and data and
 * branch events when full is true (cache and branch simulation: slower);
 * the caller appends the program and its arguments after argv[n-1]. */
#define HB_ICOUNT_ARGV_MAX 10
struct hb_icount_cmd {
    const char *argv[HB_ICOUNT_ARGV_MAX];
    int n;
    char out_opt[4200];
};
/* Returns 0, or -1 when OUT_FILE is too long for the option. */
int hb_icount_cmd_init(struct hb_icount_cmd *cmd, const char *out_file,
                       bool full);

#endif
