/*
 * cli.h - the heapbench command line: one function per subcommand, each in
 * its own file (cmd_*.c), each returning the process exit status.
 *
 * Conventions for every subcommand:
 *   - its options are one table read by bench/cmd/opts.h (parsing, --help);
 *   - a bad input prints ONE line on stderr, "heapbench: <what>: <bad value>",
 *     and returns HB_EXIT_USAGE (2) before any large allocation;
 *   - a failure at run time (I/O, out of memory) returns HB_EXIT_FAIL (1);
 *   - output that is a file is written to a temporary name and renamed.
 */
#ifndef HB_CLI_H
#define HB_CLI_H

#include <stddef.h>
#include "bench/base/err.h"     /* hb_err, HB_EXIT_* */
#include "bench/cmd/opts.h"     /* the option tables */

/* `git describe --always --dirty` of the tree the binary was built from,
 * as make wrote it into version.h (bench/cmd/main.c). */
extern const char hb_build_commit[];

int hb_cmd_layout(int argc, char **argv);   /* bench/cmd/cmd_layout.c */
int hb_cmd_heap(int argc, char **argv);     /* bench/cmd/cmd_heap.c */
int hb_cmd_bench(int argc, char **argv);    /* bench/cmd/cmd_bench.c */
int hb_cmd_compare(int argc, char **argv);  /* bench/cmd/cmd_compare.c */
int hb_cmd_ab(int argc, char **argv);       /* bench/cmd/cmd_ab.c */
int hb_cmd_verdict(int argc, char **argv);  /* bench/cmd/cmd_verdict.c */
int hb_cmd_letter(int argc, char **argv);   /* bench/cmd/cmd_letter.c */

/*
 * The layout options as entries of a command's option table (opts.h), for
 * a struct hb_layout_opts at offset off of its options (the command puts
 * a heading before them).  The setters are in bench/cmd/cmd_layout.c.
 */
int hb_layout_set_topology(void *lo, const char *v, char *why, size_t len);
int hb_layout_set_memmap(void *lo, const char *v, char *why, size_t len);
int hb_layout_set_mem(void *lo, const char *v, char *why, size_t len);
#define HB_LAYOUT_OPTIONS(off)                                                 \
    { "--topology", "T", "host: this machine's NUMA nodes and RAM (hwloc and "  \
      "sysfs); synthetic:STRING an hwloc synthetic machine, e.g. "              \
      "'pack:2 [numa(memory=64GiB)] core:8 pu:2'; xml:FILE an hwloc XML file "  \
      "(a run's topology.xml)", hb_layout_set_topology, off, false },          \
    { "--memmap", "FILE", "RAM ranges from a plain map (START END NODE a "      \
      "line) or a Linux or Xen boot log; not with --topology",                  \
      hb_layout_set_memmap, off, false },                                      \
    { "--mem", "SIZE", "scale the topology to SIZE of RAM (e.g. 16GiB), node " \
      "shares kept; not with --memmap", hb_layout_set_mem, off, false }

/* --max-order N (an unsigned field): 1 to PA_MAX_ORDER_LIMIT. */
int hb_opt_max_order(void *field, const char *v, char *why, size_t len);

/* --xen V (an int field): whose arithmetic the model pays (alloc/heap.h's
 * pa_xen_version: 4.17, the default, or 4.18, x86 without PDX
 * compression).  In bench/cmd/cmd_heap.c. */
int hb_opt_xen(void *field, const char *v, char *why, size_t len);
#define HB_XEN_HELP "whose node lookups the model pays: 4.17 (default) or 4.18 " \
                    "(x86 without PDX compression)"

/* hb_layout_load against this machine: a layout whose frame table would
 * not fit in MemAvailable is refused (the check is the command's choice;
 * the library reads no machine state).  In bench/cmd/cmd_layout.c. */
struct hb_layout;
struct hb_layout_opts;
int hb_layout_load_here(struct hb_layout_opts *o, struct hb_layout *l,
                        char *err, size_t errlen);

#endif
