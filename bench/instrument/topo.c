/*
 * topo.c - the host as hwloc sees it, and binding to it.
 *
 * Nodes are named by their OS index, the number a layout uses, so model
 * node N binds to host node N when the host has it; -ENODEV means "no
 * such node, nothing was done".  Everything a binding needs is worked out
 * when the topology is opened, so the deferred threads may bind at once
 * without reading a file.  A node's CPUs are the ones Linux lists for it
 * (nodeN/cpumap), not hwloc's cpuset; a memory-only node's thread runs on
 * the nearest node with CPUs (docs/machines.md).
 */
#include "bench/instrument/topo.h"

#include <cpuid.h>
#include <errno.h>
#include <hwloc.h>
#include <hwloc/linux.h>
#include <stdlib.h>
#include <string.h>

#include "bench/source/layout.h"

#define TOPO_NODES 64           /* as PA_MAX_NODES: nodes a layout can name */

struct hb_topo {
    hwloc_topology_t topo;
    hwloc_bitmap_t cpus[TOPO_NODES];    /* the node's own CPUs (may be empty) */
    int runs_on[TOPO_NODES];            /* whose CPUs its thread uses; -1 none */
    unsigned dist[TOPO_NODES][TOPO_NODES];  /* 0: unknown */
};

/* ------------------------------------------------------------------------
 * Opening and counting
 * ------------------------------------------------------------------------ */

static hwloc_obj_t node_obj(const struct hb_topo *t, unsigned node)
{
    return hwloc_get_numanode_obj_by_os_index(t->topo, node);
}

/* The firmware's node distances (ACPI SLIT, as Linux reports them). */
static void load_distances(struct hb_topo *t)
{
    struct hwloc_distances_s *d = NULL;
    unsigned nr = 1;

    if (hwloc_distances_get_by_type(t->topo, HWLOC_OBJ_NUMANODE, &nr, &d,
                                    HWLOC_DISTANCES_KIND_FROM_OS, 0) || nr == 0) {
        /* hwloc keeps no matrix for one node: its distance is the local 10. */
        hwloc_obj_t only = hwloc_get_obj_by_type(t->topo, HWLOC_OBJ_NUMANODE, 0);
        if (hb_topo_nr_nodes(t) == 1 && only->os_index < TOPO_NODES)
            t->dist[only->os_index][only->os_index] = 10;
        return;
    }
    for (unsigned i = 0; i < d->nbobjs; i++)
        for (unsigned j = 0; j < d->nbobjs; j++) {
            unsigned a = d->objs[i]->os_index, b = d->objs[j]->os_index;
            if (a < TOPO_NODES && b < TOPO_NODES)
                t->dist[a][b] = (unsigned)d->values[i * d->nbobjs + j];
        }
    hwloc_distances_release(t->topo, d);
}

/* Linux's CPUs of a node; hwloc's cpuset where sysfs cannot be read. */
static int load_cpus(struct hb_topo *t, unsigned node)
{
    char path[96];

    if (!(t->cpus[node] = hwloc_bitmap_alloc()))
        return -ENOMEM;
    snprintf(path, sizeof path, "/sys/devices/system/node/node%u/cpumap", node);
    if (hwloc_linux_read_path_as_cpumask(path, t->cpus[node]) &&
        hwloc_bitmap_copy(t->cpus[node], node_obj(t, node)->cpuset))
        return -ENOMEM;
    return 0;
}

/* The node itself if it has CPUs, else the nearest node that does. */
static int nearest_with_cpus(const struct hb_topo *t, unsigned node)
{
    int best = -1;

    if (!hwloc_bitmap_iszero(t->cpus[node]))
        return (int)node;
    for (unsigned n = 0; n < TOPO_NODES; n++) {
        if (!t->cpus[n] || hwloc_bitmap_iszero(t->cpus[n]) || !t->dist[node][n])
            continue;
        if (best < 0 || t->dist[node][n] < t->dist[node][best])
            best = (int)n;
    }
    return best;
}

static int load_nodes(struct hb_topo *t)
{
    for (unsigned n = 0; n < TOPO_NODES; n++)
        if (node_obj(t, n) && load_cpus(t, n))
            return -ENOMEM;
    load_distances(t);
    for (unsigned n = 0; n < TOPO_NODES; n++)
        t->runs_on[n] = t->cpus[n] ? nearest_with_cpus(t, n) : -1;
    return 0;
}

struct hb_topo *hb_topo_open(void)
{
    struct hb_topo *t = calloc(1, sizeof *t);

    if (!t)
        return NULL;
    if (hwloc_topology_init(&t->topo)) {
        free(t);
        return NULL;
    }
    if (hwloc_topology_load(t->topo) || load_nodes(t)) {
        hb_topo_close(t);
        return NULL;
    }
    return t;
}

void hb_topo_close(struct hb_topo *t)
{
    if (!t)
        return;
    for (unsigned n = 0; n < TOPO_NODES; n++)
        hwloc_bitmap_free(t->cpus[n]);
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

bool hb_topo_has_node(const struct hb_topo *t, unsigned node)
{
    return node_obj(t, node) != NULL;
}

unsigned long long hb_topo_node_memory(const struct hb_topo *t, unsigned node)
{
    hwloc_obj_t obj = node_obj(t, node);

    return obj ? (unsigned long long)obj->attr->numanode.local_memory : 0;
}

int hb_topo_thread_node(const struct hb_topo *t, unsigned node)
{
    return node < TOPO_NODES && t->runs_on[node] >= 0 ? t->runs_on[node] : -ENODEV;
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
    int on = t ? hb_topo_thread_node(t, node) : -ENODEV;

    if (on < 0)
        return on;
    errno = 0;
    if (hwloc_set_cpubind(t->topo, t->cpus[on], HWLOC_CPUBIND_THREAD))
        return errno ? -errno : -EIO;
    return 0;
}

/* Whether model node `node` of b's layout stands for the host's node. */
static bool bind_is_real(const struct hb_bind *b, unsigned node)
{
    return b && b->topo && b->layout && node < PA_MAX_NODES &&
           b->layout->host_node[node];
}

int hb_bind_area(void *addr, size_t len, unsigned node, void *arg)
{
    const struct hb_bind *b = arg;

    if (!bind_is_real(b, node))
        return -ENODEV;
    return hb_topo_bind_area(addr, len, node, b->topo);
}

int hb_bind_thread(unsigned node, void *arg)
{
    const struct hb_bind *b = arg;

    if (!bind_is_real(b, node))
        return -ENODEV;
    return hb_topo_bind_thread(node, b->topo);
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

/* What runs this machine: bare metal, a hypervisor, or an emulator.  The
 * CPUID hypervisor bit and leaf 0x40000000's vendor say which; QEMU
 * without KVM (TCG) may give no vendor, but its firmware names QEMU. */
static void describe_virtualisation(FILE *csv)
{
    unsigned a, b, c, d;
    char sig[13] = "", vendor[64] = "";
    FILE *f;

    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 31))) {
        fprintf(csv, "virtualisation,none\n");
        return;
    }
    __cpuid(0x40000000, a, b, c, d);
    memcpy(sig, &b, 4);
    memcpy(sig + 4, &c, 4);
    memcpy(sig + 8, &d, 4);
    if ((f = fopen("/sys/class/dmi/id/sys_vendor", "r"))) {
        if (!fgets(vendor, sizeof vendor, f))
            vendor[0] = '\0';
        fclose(f);
    }
    if (!strcmp(sig, "TCGTCGTCGTCG") ||
        (!strncmp(vendor, "QEMU", 4) && strcmp(sig, "KVMKVMKVM")))
        fprintf(csv, "virtualisation,emulated (QEMU TCG): its timings are not "
                     "measurements; its NUMA nodes share the host's memory\n");
    else
        fprintf(csv, "virtualisation,virtual machine (hypervisor \"%s\"): NUMA "
                     "nodes and distances are the hypervisor's\n",
                sig[0] ? sig : "unnamed");
}

/* A CPU list with spaces, not commas ("0-1 4"): it is one CSV field. */
static void describe_node(const struct hb_topo *t, hwloc_obj_t obj, FILE *csv)
{
    unsigned n = obj->os_index;
    char list[256];

    fprintf(csv, "node%u_memory_bytes,%llu\n", n,
            (unsigned long long)obj->attr->numanode.local_memory);
    if (n >= TOPO_NODES)
        return;
    hwloc_bitmap_list_snprintf(list, sizeof list, t->cpus[n]);
    for (char *p = list; *p; p++)
        *p = *p == ',' ? ' ' : *p;
    fprintf(csv, "node%u_cpus,%s\n", n, list[0] ? list : "none (memory only)");
    if (t->runs_on[n] >= 0 && t->runs_on[n] != (int)n)
        fprintf(csv, "node%u_threads_on,node%d (nearest with CPUs)\n", n, t->runs_on[n]);
    fprintf(csv, "node%u_distances,", n);
    if (!t->dist[n][n])
        fputs("unknown", csv);
    for (unsigned m = 0, first = 1; t->dist[n][n] && m < TOPO_NODES; m++)
        if (node_obj(t, m)) {
            fprintf(csv, "%s%u", first ? "" : " ", t->dist[n][m]);
            first = 0;
        }
    fputc('\n', csv);
}

void hb_topo_describe(const struct hb_topo *t, FILE *csv)
{
    hwloc_obj_t obj = NULL;

    fprintf(csv, "hwloc_api_version,0x%x\n", hwloc_get_api_version());
    describe_virtualisation(csv);
    fprintf(csv, "numa_nodes,%u\n", hb_topo_nr_nodes(t));
    while ((obj = hwloc_get_next_obj_by_type(t->topo, HWLOC_OBJ_NUMANODE, obj)))
        describe_node(t, obj, csv);
    fprintf(csv, "cores,%u\n", hb_topo_nr_cores(t));
    fprintf(csv, "pus,%u\n", hb_topo_nr_pus(t));
    fprintf(csv, "llc_bytes,%llu\n", hb_topo_llc_bytes(t));
}
