/*
 * envrecord.h - the environment record of a run: environment.csv, a
 * key,value table of the machine, the build and the run, so that a result
 * can be read (and two runs compared) knowing where it came from.  Its
 * keys, in the order written, are docs/results-format.md's.
 *
 * This module reads what the machine says about itself (/proc, /sys,
 * uname, git); what only the command knows comes in struct hb_env.
 * Fields are written with tidy.h's CSV writers.  Nothing here prints.
 */
#ifndef HB_ENVRECORD_H
#define HB_ENVRECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hb_topo;                       /* bench/instrument/topo.h */
struct hb_membudget;                  /* bench/instrument/membudget.h */
struct hb_perfctr;                    /* bench/instrument/perfctr.h */

struct hb_env {
    /* The machine as the run set it up */
    const char *thp_setting;          /* hb_env_thp() */
    bool hugepages;                   /* fixtures asked for huge pages */
    const struct hb_topo *topo;       /* NULL: hwloc could not load it */
    uint64_t mem_available;           /* MemAvailable when the run began */
    uint64_t max_table_bytes;         /* largest frame table allowed */
    const struct hb_membudget *mem;   /* NULL: no budget */
    const struct hb_perfctr *probe;   /* the counters this machine has */
    /* bench --count: "callgrind (exact, valgrind-3.19.0)", or NULL with
     * why in count_why (NULL: --count not given) */
    const char *count_source, *count_why;
    double count_bracket;             /* instructions per on/off pair, NAN */
    /* The build */
    const char *gbench_json;          /* its context: the library's build type */
    const char *cxx_compiler;         /* hb_gb_cxx_compiler() */
    const char *libbenchmark_version; /* hb_gb_library_version() */
    const char *commit;               /* built from: "da3a7a7[-dirty]" */
    /* The run */
    const char *date_utc;             /* 2026-12-02T01:02:03Z */
    int argc;                         /* the command line after "heapbench" */
    char **argv;
    const char *profile, *filter, *layout, *pinning;
    const char *xen;                  /* the model's Xen version: "4.17" */
    int processes, repetitions;
    /* The sampling rule (sampling.h) and how it went */
    const char *sampling_rule;        /* in words */
    int min_processes, floor_processes;
    double target_pct, budget_s;      /* 0: none */
    double heavy_s;                   /* one repetition from this; 0 never */
    long runs;                        /* benchmark-process runs */
    int procs_min, procs_median, procs_max;  /* per benchmark measured */
    long stopped_narrow, stopped_at_max, stopped_by_budget;
    long one_rep_procs;               /* family processes cut to one rep */
    double wall_s;                    /* the timed run's wall time */
    const char *load_start, *load_end; /* load averages "1 5 15", or NULL */
    double eta_at[3];                 /* predicted wall time at 1, 5, 20 min */
    /* Median real_ns of shim/direct_cxx, shim/c_batch, shim/c_single
     * (NAN if not run): what calling through the C shim adds */
    double shim_direct_ns, shim_c_batch_ns, shim_c_single_ns;
};

/* Write environment.csv at path.  0 or -errno. */
int hb_env_write(const struct hb_env *e, const char *path);

/* The host name, with what a shell would need to quote replaced by '_'
 * ("unknown" if there is none): safe in a file name. */
void hb_env_host(char *buf, size_t len);
/* The transparent huge page setting ("madvise"), or "unavailable". */
void hb_env_thp(char *buf, size_t len);

#endif
