/*
 * sysnode.h - what Linux says about its NUMA nodes, read straight from
 * /sys/devices/system/node: the oracle the multi-node checks compare
 * heapbench's hwloc-based view with (tests/unit/test_topo.c and
 * tests/numa/placement.c), so that a mistake in bench/instrument/topo.c cannot agree
 * with itself.  Static functions: each user is one program.
 */
#ifndef HB_SYSNODE_H
#define HB_SYSNODE_H

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

#define SYSNODE "/sys/devices/system/node/node"

/* nodeN/cpulist ("0-1,3", or empty for a memory-only node) as a set. */
static inline int sys_node_cpus(unsigned node, cpu_set_t *set)
{
    char path[96], buf[1024], *p = buf;
    FILE *f;

    CPU_ZERO(set);
    snprintf(path, sizeof path, SYSNODE "%u/cpulist", node);
    if (!(f = fopen(path, "r")))
        return -errno;
    if (!fgets(buf, sizeof buf, f))
        buf[0] = '\0';
    fclose(f);
    while (*p >= '0' && *p <= '9') {
        unsigned long a = strtoul(p, &p, 10), b = a;

        if (*p == '-')
            b = strtoul(p + 1, &p, 10);
        for (unsigned long c = a; c <= b && c < CPU_SETSIZE; c++)
            CPU_SET(c, set);
        if (*p == ',')
            p++;
    }
    return 0;
}

/* nodeN/distance: one number per online node, in node order; how many. */
static inline int sys_distances(unsigned node, unsigned *d, unsigned max)
{
    char path[96];
    unsigned n = 0;
    FILE *f;

    snprintf(path, sizeof path, SYSNODE "%u/distance", node);
    if (!(f = fopen(path, "r")))
        return -errno;
    while (n < max && fscanf(f, "%u", &d[n]) == 1)
        n++;
    fclose(f);
    return (int)n;
}

/* The node whose CPUs a thread of `node` should run on: its own if it has
 * any, else the nearest node with CPUs by distance, the lower number on a
 * tie (-1: none).  Assumes online nodes 0..n-1, as guests and most hosts
 * have (a gap would shift nodeN/distance's columns). */
static inline int sys_thread_node(unsigned node)
{
    unsigned d[64];
    cpu_set_t s;
    int best = -1;
    int nd = sys_distances(node, d, 64);

    if (!sys_node_cpus(node, &s) && CPU_COUNT(&s))
        return (int)node;
    for (int n = 0; n < nd; n++) {
        if (sys_node_cpus((unsigned)n, &s) || !CPU_COUNT(&s))
            continue;
        if (best < 0 || d[n] < d[best])
            best = n;
    }
    return best;
}

#endif
