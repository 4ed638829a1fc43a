/*
 * layoututil.c - what the layout and topology tests share: loading a
 * layout from a memory map or a topology, and checking its ranges or the
 * one-line error it gives (layoututil.h).
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/unit/check.h"
#include "tests/unit/layoututil.h"

int lay_load_memmap(const char *path, struct hb_layout *l, char *err,
                       size_t errlen)
{
    struct hb_layout_opts o = { .memmap = path };

    return hb_layout_load(&o, l, err, errlen);
}

int lay_load_topology(const char *topo, uint64_t mem, struct hb_layout *l,
                         char *err, size_t errlen)
{
    struct hb_layout_opts o = { .topology = topo, .mem_bytes = mem };

    return hb_layout_load(&o, l, err, errlen);
}

/* The layout holds exactly these ranges, in this order. */
void lay_check_ranges(const struct hb_layout *l, const struct lay_want *w,
                         size_t n)
{
    CHECK_EQ(l->nr, n);
    for (size_t i = 0; i < n && i < l->nr; i++) {
        CHECK_EQ(l->ranges[i].start, w[i].start >> PA_PAGE_SHIFT);
        CHECK_EQ(l->ranges[i].end, w[i].end >> PA_PAGE_SHIFT);
        CHECK_EQ(l->ranges[i].node, w[i].node);
    }
}

void lay_check_memmap(const char *path, const struct lay_want *w, size_t n,
                         unsigned nr_nodes)
{
    struct hb_layout l;
    char err[512] = "";
    int rc = lay_load_memmap(path, &l, err, sizeof err);

    if (!CHECK_EQ(rc, 0)) {
        CHECK_STR(err, "");
        return;
    }
    lay_check_ranges(&l, w, n);
    CHECK_EQ(l.nr_nodes, nr_nodes);
    for (unsigned i = 0; i < PA_MAX_NODES; i++)
        CHECK(!l.host_node[i]);
    hb_layout_free(&l);
}

/* Load must fail with one line containing every needle. */
void lay_check_error(const struct hb_layout_opts *o, const char *n1,
                        const char *n2)
{
    struct hb_layout l;
    char err[512] = "";
    int rc = hb_layout_load(o, &l, err, sizeof err);

    CHECK(rc < 0);
    CHECK(err[0] != '\0');
    CHECK(!strchr(err, '\n'));
    if (!CHECK(strstr(err, n1)))
        CHECK_STR(err, n1);
    if (n2 && !CHECK(strstr(err, n2)))
        CHECK_STR(err, n2);
    CHECK(l.ranges == NULL);
}

const char *lay_topologies_dir(void)
{
    const char *const dirs[] = { "../shared/topologies",
                                        "/work/shared/topologies" };
    const char *env = getenv("HB_TOPOLOGIES");

    if (env)
        return env;
    for (size_t i = 0; i < 2; i++)
        if (access(dirs[i], R_OK) == 0)
            return dirs[i];
    return dirs[0];
}
