/*
 * test_membudget.c - the memory budget: its arithmetic, /proc/meminfo and
 * the cgroup files (v1 and v2) read from a fake tree, and the ledger.
 *
 * Each test writes a small tree in a temporary folder and points the
 * module at it as its root; nothing depends on the machine running it.
 *
 *   ROOT/proc/meminfo                   MemAvailable: N kB
 *   ROOT/proc/self/cgroup               "7:memory:/a/b" (v1) or "0::/a/b" (v2)
 *   ROOT/sys/fs/cgroup/memory/a/...     memory.limit_in_bytes, memory.usage_in_bytes
 *   ROOT/sys/fs/cgroup/a/...            memory.max, memory.current
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench/instrument/membudget.h"
#include "tests/unit/check.h"

#define GiB (1ULL << 30)

struct tree {
    char root[64];
};

static void put(const struct tree *t, const char *path, const char *text)
{
    char full[512], *p;
    FILE *f;

    snprintf(full, sizeof full, "%s%s", t->root, path);
    for (p = full + strlen(t->root) + 1; (p = strchr(p, '/')); p++) {
        *p = 0;
        mkdir(full, 0755);
        *p = '/';
    }
    f = fopen(full, "w");
    if (!f) {
        hb_check_fail(__FILE__, __LINE__, "cannot write %s", full);
        return;
    }
    fputs(text, f);
    fclose(f);
}

static void put_num(const struct tree *t, const char *path, unsigned long long v)
{
    char buf[32];

    snprintf(buf, sizeof buf, "%llu\n", v);
    put(t, path, buf);
}

static void meminfo(const struct tree *t, unsigned long long avail_kb)
{
    char buf[256];

    snprintf(buf, sizeof buf, "MemTotal:       25165824 kB\nMemFree:        1000 kB\n"
             "MemAvailable:   %llu kB\nBuffers:           0 kB\n", avail_kb);
    put(t, "/proc/meminfo", buf);
}

static void tree_new(struct tree *t)
{
    snprintf(t->root, sizeof t->root, "/tmp/hb-membudget-XXXXXX");
    if (!mkdtemp(t->root))
        hb_check_fail(__FILE__, __LINE__, "mkdtemp failed");
}

static void tree_rm(struct tree *t)
{
    char cmd[128];

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->root);
    if (system(cmd) != 0)
        hb_check_fail(__FILE__, __LINE__, "cannot remove %s", t->root);
}

/* Expect: budget = min(MemAvailable, cgroup headroom) less the margin; a
 * given budget replaces the margin but never exceeds what is there. */
TEST(membudget_arithmetic_check)
{
    static const struct {
        uint64_t avail, limit, usage, given, budget, margin;
    } t[] = {
        { 20 * GiB, HB_MEM_UNLIMITED, 0, 0, 15 * GiB, 5 * GiB },
        { 20 * GiB, 8 * GiB, 0, 0, 6 * GiB, 2 * GiB },
        { 20 * GiB, 8 * GiB, 4 * GiB, 0, 3 * GiB, 1 * GiB },
        { 4 * GiB, 8 * GiB, 0, 0, 3 * GiB, 1 * GiB },
        { 20 * GiB, 8 * GiB, 9 * GiB, 0, 0, 0 },
        { 20 * GiB, HB_MEM_UNLIMITED, 0, 2 * GiB, 2 * GiB, 0 },
        { 20 * GiB, 8 * GiB, 0, 12 * GiB, 8 * GiB, 0 },
        { 100, HB_MEM_UNLIMITED, 0, 0, 75, 25 },
    };

    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        uint64_t b = 1, m = 1;
        hb_mem_budget_of(t[i].avail, t[i].limit, t[i].usage, HB_MEM_LEAVE_PCT, t[i].given, &b, &m);
        CHECK_EQ(b, t[i].budget);
        CHECK_EQ(m, t[i].margin);
    }
}

/* Expect: v1, memory controller shared with cpu on one line, the process
 * in /job/step with no limit of its own, /job limited to 8 GiB with 1 GiB
 * used, the root unlimited (v1's 2^63-4096): limit 8 GiB, usage 1 GiB. */
TEST(membudget_cgroup_v1_check)
{
    struct tree t;
    uint64_t limit = 0, usage = 0;
    int v = -1;

    tree_new(&t);
    put(&t, "/proc/self/cgroup", "12:pids:/job\n7:cpu,memory:/job/step\n0::/job\n");
    put_num(&t, "/sys/fs/cgroup/memory/memory.limit_in_bytes", 9223372036854771712ULL);
    put_num(&t, "/sys/fs/cgroup/memory/memory.usage_in_bytes", 3 * GiB);
    put_num(&t, "/sys/fs/cgroup/memory/job/memory.limit_in_bytes", 8 * GiB);
    put_num(&t, "/sys/fs/cgroup/memory/job/memory.usage_in_bytes", 1 * GiB);
    put_num(&t, "/sys/fs/cgroup/memory/job/step/memory.limit_in_bytes", 9223372036854771712ULL);
    put_num(&t, "/sys/fs/cgroup/memory/job/step/memory.usage_in_bytes", 1 * GiB);
    CHECK_EQ(hb_mem_read_cgroup(t.root, &limit, &usage, &v), 0);
    CHECK_EQ(v, 1);
    CHECK_EQ(limit, 8 * GiB);
    CHECK_EQ(usage, 1 * GiB);
    tree_rm(&t);
}

/* Expect: v2, /a limited to 4 GiB ("4294967296") with 3 GiB used, /a/b
 * limited to 2 GiB with 0.5 GiB used: the smaller headroom, /a's 1 GiB,
 * wins; "max" everywhere: no limit. */
TEST(membudget_cgroup_v2_check)
{
    struct tree t;
    uint64_t limit = 0, usage = 0;
    int v = -1;

    tree_new(&t);
    put(&t, "/proc/self/cgroup", "0::/a/b\n");
    put_num(&t, "/sys/fs/cgroup/a/memory.max", 4 * GiB);
    put_num(&t, "/sys/fs/cgroup/a/memory.current", 3 * GiB);
    put_num(&t, "/sys/fs/cgroup/a/b/memory.max", 2 * GiB);
    put_num(&t, "/sys/fs/cgroup/a/b/memory.current", GiB / 2);
    CHECK_EQ(hb_mem_read_cgroup(t.root, &limit, &usage, &v), 0);
    CHECK_EQ(v, 2);
    CHECK_EQ(limit, 4 * GiB);
    CHECK_EQ(usage, 3 * GiB);
    put(&t, "/sys/fs/cgroup/a/memory.max", "max\n");
    put(&t, "/sys/fs/cgroup/a/b/memory.max", "max\n");
    CHECK_EQ(hb_mem_read_cgroup(t.root, &limit, &usage, &v), 0);
    CHECK_EQ(limit, HB_MEM_UNLIMITED);
    tree_rm(&t);
}

/* Expect: no /proc/self/cgroup: version 0, no limit, not an error; no
 * meminfo: -ENOENT; a meminfo without MemAvailable: -EINVAL. */
TEST(membudget_missing_files_check)
{
    struct tree t;
    uint64_t limit = 0, usage = 1, avail = 0;
    int v = -1;

    tree_new(&t);
    CHECK_EQ(hb_mem_read_cgroup(t.root, &limit, &usage, &v), 0);
    CHECK_EQ(v, 0);
    CHECK_EQ(limit, HB_MEM_UNLIMITED);
    CHECK_EQ(usage, 0);
    CHECK_EQ(hb_mem_read_available(t.root, &avail), -ENOENT);
    put(&t, "/proc/meminfo", "MemTotal: 100 kB\n");
    CHECK_EQ(hb_mem_read_available(t.root, &avail), -EINVAL);
    tree_rm(&t);
}

static int released;

static void release_fn(void *arg)
{
    released++;
    hb_mem_drop(arg, &released);
}

/*
 * Expect: 20 GiB available under an 8 GiB v1 cgroup: budget 6 GiB.  The
 * baseline holds 4 GiB; an init table of 3 GiB fits once the baseline is
 * released (it is, once); a second 3 GiB table next to the first does not
 * ("needs 3.0 GiB with 3.0 GiB held"); after another job takes memory
 * (MemAvailable 2 GiB) even 1 GiB does not fit.
 */
TEST(membudget_ledger_check)
{
    struct tree t;
    struct hb_membudget m;
    char why[256] = "";
    static int table1;

    tree_new(&t);
    meminfo(&t, 20ULL * 1024 * 1024);
    put(&t, "/proc/self/cgroup", "5:memory:/squeeze\n");
    put_num(&t, "/sys/fs/cgroup/memory/squeeze/memory.limit_in_bytes", 8 * GiB);
    put_num(&t, "/sys/fs/cgroup/memory/squeeze/memory.usage_in_bytes", 0);
    CHECK_EQ(hb_mem_init(&m, t.root, 0), 0);
    CHECK_EQ(m.budget, 6 * GiB);
    hb_mem_describe(&m, why, sizeof why);
    CHECK(strstr(why, "cgroup v1") != NULL);

    released = 0;
    CHECK_EQ(hb_mem_hold(&m, &released, "baseline", 4 * GiB, release_fn, &m), 0);
    CHECK(hb_mem_fits(&m, "baseline", 1 * GiB, why, sizeof why));
    CHECK_EQ(released, 0);
    CHECK(hb_mem_fits(&m, "init", 3 * GiB, why, sizeof why));
    CHECK_EQ(released, 1);
    CHECK_EQ(hb_mem_held(&m), 0);
    CHECK_EQ(hb_mem_hold(&m, &table1, "init", 3 * GiB, NULL, NULL), 0);
    CHECK(!hb_mem_fits(&m, "init", 3 * GiB + 1, why, sizeof why));
    CHECK(strstr(why, "with 3.0 GiB held") != NULL);
    CHECK(hb_mem_fits(&m, "init", 3 * GiB, why, sizeof why));
    meminfo(&t, 2ULL * 1024 * 1024);
    CHECK(!hb_mem_fits(&m, "init", 1 * GiB, why, sizeof why));
    hb_mem_drop(&m, &table1);
    CHECK_EQ(hb_mem_held(&m), 0);
    CHECK_EQ(released, 1);
    tree_rm(&t);
}
