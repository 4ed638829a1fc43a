/*
 * perfctr.h - per-benchmark counters from perf_event_open(2).
 *
 * Four hardware counters (cycles, instructions, cache misses, dTLB load
 * misses) are opened as one group, so that they count over exactly the same
 * interval, and read in one go with PERF_FORMAT_GROUP; when the PMU
 * multiplexes them, values are scaled by time enabled / time running.
 * Page faults are a software counter opened on its own: it works where the
 * hardware counters do not (virtual machines), and falls back to
 * getrusage(RUSAGE_THREAD) where perf_event_open is refused altogether.
 *
 * Nothing here fails: a counter that cannot be opened is recorded with the
 * errno that said so, and reads as NAN (an empty CSV cell).  Counters count
 * the calling thread only, user space only for the hardware ones.
 */
#ifndef HB_PERFCTR_H
#define HB_PERFCTR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum hb_perf_id {
    HB_PERF_CYCLES,
    HB_PERF_INSTRUCTIONS,
    HB_PERF_CACHE_MISSES,
    HB_PERF_DTLB_MISSES,
    HB_PERF_FAULTS,
    HB_PERF_NR
};
#define HB_PERF_NR_HW HB_PERF_FAULTS   /* the group: the ids before faults */

struct hb_perfctr {
    int fd[HB_PERF_NR];        /* -1: not open */
    int err[HB_PERF_NR];       /* errno of the failed open, 0 if open */
    int leader;                /* id of the group leader, -1: no group */
    unsigned slot[HB_PERF_NR]; /* position in the group read */
    unsigned nr_group;
    bool faults_rusage;        /* faults from getrusage, not perf */
    uint64_t faults_start;
};

/* Column name of a counter in the CSVs ("cycles", ..., "faults"). */
const char *hb_perfctr_name(enum hb_perf_id id);

/* Open what can be opened (disabled until hb_perfctr_start); never fails.
 * skip_hw leaves the hardware group out (recorded as ECANCELED), for
 * callers that only want faults. */
void hb_perfctr_open(struct hb_perfctr *p, bool skip_hw);
void hb_perfctr_close(struct hb_perfctr *p);

bool hb_perfctr_available(const struct hb_perfctr *p, enum hb_perf_id id);
/* Why a counter is not available ("" if it is): strerror of the open, or
 * "getrusage" for faults counted that way (available, by another route). */
const char *hb_perfctr_why(const struct hb_perfctr *p, enum hb_perf_id id);

/* Reset and start every open counter. */
void hb_perfctr_start(struct hb_perfctr *p);
/* Stop and read: out[id] is the count since start (scaled if multiplexed),
 * NAN if the counter is not available or never ran. */
void hb_perfctr_stop(struct hb_perfctr *p, double out[HB_PERF_NR]);

#endif
