/*
 * layout_hwloc.c - layouts from hwloc: this host, a synthetic string or an
 * XML topology file.
 *
 * hwloc knows how much memory each NUMA node has but not where it sits.
 * For this host, sysfs memory blocks say where; otherwise nodes are placed
 * like a PC's, one after the other from address 0 with the MMIO hole
 * below 4 GiB, so node boundaries fall off any power of two, as on real
 * machines.  --mem scales the per-node sizes, shares kept, in 2 MiB units
 * (docs/machines.md).
 */
#include "bench/source/layout.h"
#include "bench/base/parse.h"

#include <dirent.h>
#include <errno.h>
#include <hwloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/base/vec.h"

/* ------------------------------------------------------------------------
 * Placement and scaling
 * ------------------------------------------------------------------------ */

static int add_range(struct hb_layout *l, size_t *cap, uint64_t s, uint64_t e,
                     unsigned node)
{
    if (hb_vec_grow((void **)&l->ranges, cap, l->nr + 1, sizeof *l->ranges))
        return -ENOMEM;
    l->ranges[l->nr++] = (struct pa_range){ s, e, node };
    return 0;
}

int hb_layout_place(const uint64_t *node_bytes, unsigned nr_nodes,
                    struct hb_layout *l)
{
    const uint64_t hole_s = HB_PLACE_HOLE_START >> PA_PAGE_SHIFT;
    const uint64_t hole_e = HB_PLACE_HOLE_END >> PA_PAGE_SHIFT;
    uint64_t at = 0;       /* next free MFN */
    size_t cap = l->nr;
    int rc = 0;

    for (unsigned n = 0; n < nr_nodes && !rc; n++) {
        uint64_t left = node_bytes[n] >> PA_PAGE_SHIFT;

        while (left && !rc) {
            uint64_t take = left;

            if (at < hole_s && take > hole_s - at)
                take = hole_s - at;
            rc = add_range(l, &cap, at, at + take, n);
            at += take;
            left -= take;
            if (at == hole_s)
                at = hole_e;
        }
    }
    return rc;
}

int hb_layout_scale(uint64_t *node_bytes, unsigned nr_nodes, uint64_t mem_bytes)
{
    unsigned __int128 total = 0;

    for (unsigned n = 0; n < nr_nodes; n++)
        total += node_bytes[n];
    if (total == 0)
        return -EINVAL;
    for (unsigned n = 0; n < nr_nodes; n++) {
        unsigned __int128 share = (unsigned __int128)node_bytes[n] * mem_bytes;
        uint64_t units;

        if (!node_bytes[n])
            continue;
        /* Nearest whole granule, and never none for a node that had RAM. */
        units = (uint64_t)((share + total * HB_SCALE_GRANULE / 2) /
                           (total * HB_SCALE_GRANULE));
        node_bytes[n] = (units ? units : 1) * HB_SCALE_GRANULE;
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * sysfs memory blocks
 * ------------------------------------------------------------------------ */

static int read_line(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "r");
    bool ok;

    if (!f)
        return -errno;
    ok = fgets(buf, (int)len, f) != NULL;
    fclose(f);
    if (!ok)
        return -EIO;
    buf[strcspn(buf, "\n")] = '\0';
    return 0;
}

/* An offline block is not RAM the kernel uses; an unreadable state counts
 * as online (older kernels, restricted sysfs). */
static bool block_online(const char *root, unsigned long block)
{
    char path[512], state[64];

    snprintf(path, sizeof path, "%s/memory/memory%lu/state", root, block);
    return read_line(path, state, sizeof state) || !strncmp(state, "online", 6);
}

static int cmp_ulong(const void *a, const void *b)
{
    unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

    return x < y ? -1 : x > y;
}

/* The block numbers listed under nodeN, sorted. */
static int node_blocks(const char *root, unsigned node, unsigned long **out,
                       size_t *nr)
{
    char path[512];
    size_t cap = 0;
    struct dirent *d;
    DIR *dir;

    snprintf(path, sizeof path, "%s/node/node%u", root, node);
    if (!(dir = opendir(path)))
        return -errno;
    *out = NULL;
    *nr = 0;
    while ((d = readdir(dir))) {
        char *end;
        unsigned long m;

        if (strncmp(d->d_name, "memory", 6) || !(d->d_name[6] >= '0' &&
                                                  d->d_name[6] <= '9'))
            continue;
        m = strtoul(d->d_name + 6, &end, 10);
        if (*end || !block_online(root, m))
            continue;
        if (hb_vec_grow((void **)out, &cap, *nr + 1, sizeof **out)) {
            closedir(dir);
            return -ENOMEM;
        }
        (*out)[(*nr)++] = m;
    }
    closedir(dir);
    if (*nr)
        qsort(*out, *nr, sizeof **out, cmp_ulong);
    return 0;
}

/* Runs of consecutive blocks become one range each. */
static int blocks_to_ranges(const unsigned long *b, size_t nr, uint64_t pages,
                            unsigned node, struct hb_layout *l, size_t *cap)
{
    int rc = 0;

    for (size_t i = 0; i < nr && !rc;) {
        size_t j = i + 1;

        while (j < nr && b[j] == b[j - 1] + 1)
            j++;
        rc = add_range(l, cap, b[i] * pages, (b[j - 1] + 1) * pages, node);
        i = j;
    }
    return rc;
}

int hb_layout_sysfs_ranges(const char *root, const unsigned *nodes,
                           unsigned nr_nodes, struct hb_layout *l)
{
    char path[512], line[64];
    uint64_t bs;
    size_t cap = l->nr, before = l->nr;
    int rc;

    snprintf(path, sizeof path, "%s/memory/block_size_bytes", root);
    if (read_line(path, line, sizeof line))
        return 0;
    snprintf(path, sizeof path, "0x%s", line);
    if (hb_parse_u64(path, &bs) || bs < PA_PAGE_SIZE || bs % PA_PAGE_SIZE)
        return 0;
    for (unsigned i = 0; i < nr_nodes; i++) {
        unsigned long *b = NULL;
        size_t nr = 0;

        rc = node_blocks(root, nodes[i], &b, &nr);
        if (!rc)
            rc = blocks_to_ranges(b, nr, bs >> PA_PAGE_SHIFT, nodes[i], l, &cap);
        free(b);
        if (rc == -ENOMEM)
            return rc;
        if (rc) {          /* unreadable: fall back, keep nothing */
            l->nr = before;
            return 0;
        }
    }
    return (int)(l->nr - before);
}

/* ------------------------------------------------------------------------
 * hwloc
 * ------------------------------------------------------------------------ */

struct hw_nodes {
    unsigned os[PA_MAX_NODES];       /* os index of each node found */
    unsigned nr;
    uint64_t bytes[PA_MAX_NODES];    /* by os index */
    unsigned top;                    /* highest os index + 1 */
};

static int open_topology(const struct hb_layout_opts *o, hwloc_topology_t *t,
                         char *err, size_t errlen)
{
    const char *topo = o->topology ? o->topology : "host";
    int rc = 0;

    if (hwloc_topology_init(t)) {
        snprintf(err, errlen, "hwloc: cannot initialise a topology");
        return -ENOMEM;
    }
    if (!strncmp(topo, "synthetic:", 10) &&
        hwloc_topology_set_synthetic(*t, topo + 10)) {
        snprintf(err, errlen, "hwloc rejects synthetic topology: \"%s\"",
                 topo + 10);
        rc = -EINVAL;
    } else if (!strncmp(topo, "xml:", 4)) {
        FILE *f = fopen(topo + 4, "r");

        if (!f) {
            snprintf(err, errlen, "cannot read hwloc XML %s: %s", topo + 4,
                     strerror(errno));
            rc = -EINVAL;
        } else {
            fclose(f);
            /* Which call refuses a broken file differs between hwloc
             * releases (2.9 takes it in set_xml and refuses it in load):
             * one message for both, so users and tests see one wording. */
            if (hwloc_topology_set_xml(*t, topo + 4) ||
                hwloc_topology_load(*t)) {
                snprintf(err, errlen, "hwloc cannot load XML topology %s",
                         topo + 4);
                rc = -EINVAL;
            }
            goto out;
        }
    }
    if (!rc && hwloc_topology_load(*t)) {
        snprintf(err, errlen, "hwloc cannot load topology %s", topo);
        rc = -EINVAL;
    }
out:
    if (rc)
        hwloc_topology_destroy(*t);
    return rc;
}

static int collect_nodes(hwloc_topology_t t, struct hw_nodes *hn, char *err,
                         size_t errlen)
{
    hwloc_obj_t obj = NULL;

    memset(hn, 0, sizeof *hn);
    while ((obj = hwloc_get_next_obj_by_type(t, HWLOC_OBJ_NUMANODE, obj))) {
        if (obj->os_index >= PA_MAX_NODES || hn->nr == PA_MAX_NODES) {
            snprintf(err, errlen, "NUMA node P#%u: at most %d nodes",
                     obj->os_index, PA_MAX_NODES);
            return -E2BIG;
        }
        hn->os[hn->nr++] = obj->os_index;
        hn->bytes[obj->os_index] = obj->attr->numanode.local_memory;
        if (obj->os_index + 1 > hn->top)
            hn->top = obj->os_index + 1;
    }
    if (hn->nr == 0) {
        snprintf(err, errlen, "hwloc topology has no NUMA node");
        return -EINVAL;
    }
    return 0;
}

static void set_source(const struct hb_layout_opts *o, const struct hw_nodes *hn,
                       const char *how, struct hb_layout *l)
{
    const char *topo = o->topology ? o->topology : "host";

    snprintf(l->source, sizeof l->source, "%s%s (hwloc, %u node%s, %s)",
             strchr(topo, ':') ? "" : "topology:", topo, hn->nr,
             hn->nr == 1 ? "" : "s", how);
}

static int place_nodes(const struct hb_layout_opts *o, struct hw_nodes *hn,
                       bool host, struct hb_layout *l, char *err, size_t errlen)
{
    int rc;

    if (o->mem_bytes) {
        if (hb_layout_scale(hn->bytes, hn->top, o->mem_bytes)) {
            snprintf(err, errlen, "%s: hwloc reports no memory to scale",
                     o->topology ? o->topology : "host");
            return -EINVAL;
        }
        set_source(o, hn, "scaled by --mem, placed from 0", l);
    } else if (host && (rc = hb_layout_sysfs_ranges(HB_SYSFS_SYSTEM, hn->os,
                                                    hn->nr, l)) != 0) {
        if (rc > 0)
            set_source(o, hn, "ranges from sysfs memory blocks", l);
        return rc < 0 ? rc : 0;
    } else {
        set_source(o, hn, host ? "sysfs unreadable, placed from 0" :
                                 "placed from 0", l);
    }
    return hb_layout_place(hn->bytes, hn->top, l);
}

int hb_layout_from_hwloc(const struct hb_layout_opts *o, struct hb_layout *l,
                         char *err, size_t errlen)
{
    bool host = !o->topology || !strcmp(o->topology, "host");
    struct hw_nodes hn;
    hwloc_topology_t t;
    int rc = open_topology(o, &t, err, errlen);

    if (rc)
        return rc;
    rc = collect_nodes(t, &hn, err, errlen);
    hwloc_topology_destroy(t);
    if (rc)
        return rc;
    for (unsigned i = 0; host && i < hn.nr; i++)
        l->host_node[hn.os[i]] = true;
    rc = place_nodes(o, &hn, host, l, err, errlen);
    if (rc == -ENOMEM)
        snprintf(err, errlen, "out of memory");
    return rc;
}
