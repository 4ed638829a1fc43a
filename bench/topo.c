/*
 * topo.c - the host as hwloc sees it, and binding to it.
 *
 * Nodes are named by their OS index (Linux's node number), the same number
 * a layout uses, so model node N binds to host node N when the host has
 * it.  Every binding function reports whether it bound: -ENODEV means "the
 * host has no such node, nothing was done", and callers print that rather
 * than claim a placement.  hwloc allows binding calls on one topology from
 * several threads at once (they do not modify it), which the deferred
 * initialisation threads rely on.
 */
#include "bench/topo.h"

#include <errno.h>
#include <hwloc.h>
#include <stdlib.h>

struct hb_topo {
    hwloc_topology_t topo;
};

/* ------------------------------------------------------------------------
 * Opening and counting
 * ------------------------------------------------------------------------ */

struct hb_topo *hb_topo_open(void)
{
    struct hb_topo *t = calloc(1, sizeof *t);

    if (!t)
        return NULL;
    if (hwloc_topology_init(&t->topo)) {
        free(t);
        return NULL;
    }
    if (hwloc_topology_load(t->topo)) {
        hwloc_topology_destroy(t->topo);
        free(t);
        return NULL;
    }
    return t;
}

void hb_topo_close(struct hb_topo *t)
{
    if (!t)
        return;
    hwloc_topology_destroy(t->topo);
    free(t);
}

static unsigned count(const struct hb_topo *t, hwloc_obj_type_t type)
{
    int n = hwloc_get_nbobjs_by_type(t->topo, type);

    return n > 0 ? (unsigned)n : 0;
}

unsigned hb_topo_nr_nodes(const struct hb_topo *t)
{
    return count(t, HWLOC_OBJ_NUMANODE);
}

unsigned hb_topo_nr_cores(const struct hb_topo *t)
{
    return count(t, HWLOC_OBJ_CORE);
}

unsigned hb_topo_nr_pus(const struct hb_topo *t)
{
    return count(t, HWLOC_OBJ_PU);
}

static hwloc_obj_t node_obj(const struct hb_topo *t, unsigned node)
{
    return hwloc_get_numanode_obj_by_os_index(t->topo, node);
}

bool hb_topo_has_node(const struct hb_topo *t, unsigned node)
{
    return node_obj(t, node) != NULL;
}

unsigned long long hb_topo_node_memory(const struct hb_topo *t, unsigned node)
{
    hwloc_obj_t obj = node_obj(t, node);

    return obj ? (unsigned long long)obj->attr->numanode.local_memory : 0;
}

unsigned long long hb_topo_llc_bytes(const struct hb_topo *t)
{
    static const hwloc_obj_type_t levels[] = {
        HWLOC_OBJ_L5CACHE, HWLOC_OBJ_L4CACHE, HWLOC_OBJ_L3CACHE,
        HWLOC_OBJ_L2CACHE, HWLOC_OBJ_L1CACHE,
    };

    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
        hwloc_obj_t obj = hwloc_get_obj_by_type(t->topo, levels[i], 0);

        if (obj && obj->attr->cache.size)
            return (unsigned long long)obj->attr->cache.size;
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * Binding
 * ------------------------------------------------------------------------ */

int hb_topo_bind_area(void *addr, size_t len, unsigned node, void *arg)
{
    struct hb_topo *t = arg;
    hwloc_obj_t obj = t ? node_obj(t, node) : NULL;

    if (!obj)
        return -ENODEV;
    errno = 0;
    if (hwloc_set_area_membind(t->topo, addr, len, obj->nodeset,
                               HWLOC_MEMBIND_BIND, HWLOC_MEMBIND_BYNODESET))
        return errno ? -errno : -EIO;
    return 0;
}

int hb_topo_bind_thread(unsigned node, void *arg)
{
    struct hb_topo *t = arg;
    hwloc_obj_t obj = t ? node_obj(t, node) : NULL;

    /* A memory-only node has no CPUs to run on: nothing to bind to. */
    if (!obj || !obj->cpuset || hwloc_bitmap_iszero(obj->cpuset))
        return -ENODEV;
    errno = 0;
    if (hwloc_set_cpubind(t->topo, obj->cpuset, HWLOC_CPUBIND_THREAD))
        return errno ? -errno : -EIO;
    return 0;
}

int hb_topo_pin_pu(struct hb_topo *t, unsigned pu)
{
    hwloc_obj_t obj = hwloc_get_obj_by_type(t->topo, HWLOC_OBJ_PU, pu);

    if (!obj)
        return -ENODEV;
    errno = 0;
    if (hwloc_set_cpubind(t->topo, obj->cpuset, HWLOC_CPUBIND_THREAD))
        return errno ? -errno : -EIO;
    return 0;
}

/* ------------------------------------------------------------------------
 * The environment record
 * ------------------------------------------------------------------------ */

void hb_topo_describe(const struct hb_topo *t, FILE *csv)
{
    hwloc_obj_t obj = NULL;

    fprintf(csv, "hwloc_api_version,0x%x\n", hwloc_get_api_version());
    fprintf(csv, "numa_nodes,%u\n", hb_topo_nr_nodes(t));
    while ((obj = hwloc_get_next_obj_by_type(t->topo, HWLOC_OBJ_NUMANODE, obj)))
        fprintf(csv, "node%u_memory_bytes,%llu\n", obj->os_index,
                (unsigned long long)obj->attr->numanode.local_memory);
    fprintf(csv, "cores,%u\n", hb_topo_nr_cores(t));
    fprintf(csv, "pus,%u\n", hb_topo_nr_pus(t));
    fprintf(csv, "llc_bytes,%llu\n", hb_topo_llc_bytes(t));
}
