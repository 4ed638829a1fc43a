/*
 * topo.h - the host as hwloc sees it, and binding: frame-table slices to
 * host NUMA nodes, threads to a node's CPUs, the benchmark thread to one PU.
 * Every binding reports whether it really happened; nothing claims a
 * placement that did not.
 */
#ifndef HB_TOPO_H
#define HB_TOPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct hb_topo;
struct hb_layout;                   /* bench/source/layout.h */

/* Load the host topology (hwloc).  NULL on failure. */
struct hb_topo *hb_topo_open(void);
void hb_topo_close(struct hb_topo *t);

unsigned hb_topo_nr_nodes(const struct hb_topo *t);
unsigned hb_topo_nr_cores(const struct hb_topo *t);
unsigned hb_topo_nr_pus(const struct hb_topo *t);
bool hb_topo_has_node(const struct hb_topo *t, unsigned node);
/* Bytes of memory hwloc reports for a host node (0 if none). */
unsigned long long hb_topo_node_memory(const struct hb_topo *t, unsigned node);
/* The node whose CPUs run a thread bound to `node`: the node itself when
 * it has CPUs; for a memory-only node the nearest node with CPUs by
 * distance (ties: the lower number).  -ENODEV if none (no such node, or a
 * memory-only node and no distances). */
int hb_topo_thread_node(const struct hb_topo *t, unsigned node);
/* Last-level cache size in bytes (0 if unknown). */
unsigned long long hb_topo_llc_bytes(const struct hb_topo *t);

/* pa_bind_fn: bind [addr, addr+len) to host node `node` before first touch.
 * arg is the struct hb_topo.  Returns 0 if bound, -ENODEV if the host has no
 * such node (nothing done), another negative errno on failure. */
int hb_topo_bind_area(void *addr, size_t len, unsigned node, void *arg);
/* pa_thread_bind_fn: bind the calling thread to the CPUs Linux lists for
 * hb_topo_thread_node(node) (a memory-only node's: the nearest node's). */
int hb_topo_bind_thread(unsigned node, void *arg);

/*
 * Binding a model heap built from a layout: the one pair of callbacks that
 * pa_heap_create (.bind) and pa_deferred_start take, for every caller.
 * Model node n binds to host node n only when the layout says that node is
 * the host's (layout->host_node[n]): node 1 of a synthetic or memory-map
 * layout has nothing to do with the host's node 1.  Otherwise, and with no
 * topology or no layout, -ENODEV and nothing done.  arg is a struct
 * hb_bind, which must outlive the heap's binding calls (the deferred
 * threads call it when they start).
 */
struct hb_bind {
    struct hb_topo *topo;           /* NULL: bind nothing */
    const struct hb_layout *layout; /* NULL: bind nothing */
};
int hb_bind_area(void *addr, size_t len, unsigned node, void *arg);
int hb_bind_thread(unsigned node, void *arg);

/* Pin the calling thread to one PU (logical index); 0 or negative errno. */
int hb_topo_pin_pu(struct hb_topo *t, unsigned pu);

/* key,value lines for the environment record: whether the machine is
 * virtual or emulated (an emulator's timings are not measurements), nodes,
 * each node's memory, CPUs and distances, cores, PUs, LLC. */
void hb_topo_describe(const struct hb_topo *t, FILE *csv);

#endif
