/*
 * membudget.c - the memory budget of a benchmark run (see membudget.h).
 *
 * Why a ledger and not just MemAvailable at each benchmark: the run's own
 * cached fixtures and baseline buffer are already out of MemAvailable, and
 * a check of one table against what is left says nothing about the next
 * table that is built while the old ones are still cached.  The ledger
 * counts them all; MemAvailable read again at each check only catches
 * other jobs that grew since the start.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/instrument/membudget.h"

#define MIB (1024.0 * 1024)
#define GIB (1024.0 * MIB)
/* cgroup v1 says "no limit" with a value near 2^63 (rounded to pages). */
#define V1_NO_LIMIT (1ULL << 62)

/* ------------------------------------------------------------------------
 * Reading files
 * ------------------------------------------------------------------------ */

static FILE *open_under(const char *root, const char *path)
{
    char full[4096];

    if (snprintf(full, sizeof full, "%s%s", root, path) >= (int)sizeof full)
        return NULL;
    return fopen(full, "r");
}

int hb_mem_read_available(const char *root, uint64_t *bytes)
{
    FILE *f = open_under(root, "/proc/meminfo");
    char line[256];
    unsigned long long kb;
    int rc = -EINVAL;

    if (!f)
        return -ENOENT;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1) {
            *bytes = (uint64_t)kb * 1024;
            rc = 0;
            break;
        }
    fclose(f);
    return rc;
}

/* One number (or "max") from a cgroup file: 0, -ENOENT, -EINVAL. */
static int read_value(const char *root, const char *dir, const char *file,
                      uint64_t *v)
{
    char path[4096], buf[64];
    unsigned long long x;
    FILE *f;
    int rc = -EINVAL;

    if (snprintf(path, sizeof path, "%s/%s", dir, file) >= (int)sizeof path)
        return -EINVAL;
    if (!(f = open_under(root, path)))
        return -ENOENT;
    if (fgets(buf, sizeof buf, f)) {
        if (!strncmp(buf, "max", 3)) {
            *v = HB_MEM_UNLIMITED;
            rc = 0;
        } else if (sscanf(buf, "%llu", &x) == 1) {
            *v = x >= V1_NO_LIMIT ? HB_MEM_UNLIMITED : (uint64_t)x;
            rc = 0;
        }
    }
    fclose(f);
    return rc;
}

/* The cgroup path of the memory controller (v1) or the unified one (v2),
 * from ROOT/proc/self/cgroup.  Returns the version, 0 if none. */
static int self_cgroup(const char *root, char *path, size_t len)
{
    FILE *f = open_under(root, "/proc/self/cgroup");
    char line[4096], v2[4096] = "";
    int version = 0;

    if (!f)
        return 0;
    while (fgets(line, sizeof line, f)) {
        char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        char ctrl[256];
        if (!c2)
            continue;
        line[strcspn(line, "\n")] = 0;
        snprintf(ctrl, sizeof ctrl, ",%.*s,", (int)(c2 - c1 - 1), c1 + 1);
        if (strstr(ctrl, ",memory,")) {
            snprintf(path, len, "%s", c2 + 1);
            version = 1;
            break;
        }
        if (!strncmp(line, "0::", 3))
            snprintf(v2, sizeof v2, "%s", c2 + 1);
    }
    fclose(f);
    if (!version && v2[0]) {
        snprintf(path, len, "%s", v2);
        version = 2;
    }
    return version;
}

int hb_mem_read_cgroup(const char *root, uint64_t *limit, uint64_t *usage,
                       int *version)
{
    char path[4096], dir[4200];
    uint64_t best = HB_MEM_UNLIMITED;

    *limit = HB_MEM_UNLIMITED;
    *usage = 0;
    *version = self_cgroup(root, path, sizeof path);
    if (!*version)
        return 0;
    /* From the process's own cgroup up to the root of the hierarchy. */
    for (;;) {
        uint64_t l, u = 0;
        size_t n = strlen(path);
        while (n > 1 && path[n - 1] == '/')
            path[--n] = 0;
        snprintf(dir, sizeof dir, "/sys/fs/cgroup%s%s", *version == 1 ? "/memory" : "",
                 strcmp(path, "/") ? path : "");
        if (read_value(root, dir, *version == 1 ? "memory.limit_in_bytes" : "memory.max", &l) == 0 &&
            l != HB_MEM_UNLIMITED) {
            read_value(root, dir, *version == 1 ? "memory.usage_in_bytes" : "memory.current", &u);
            if (l - (u < l ? u : l) < best) {
                best = l - (u < l ? u : l);
                *limit = l;
                *usage = u;
            }
        }
        char *slash = strrchr(path, '/');
        if (!slash || !strcmp(path, "/"))
            break;
        if (slash == path)
            path[1] = 0;
        else
            *slash = 0;
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * The budget
 * ------------------------------------------------------------------------ */

/* "8.0 GiB", or "12.5 MiB" below 1 GiB. */
static const char *size_str(char *buf, size_t len, uint64_t b)
{
    if (b >= (1ULL << 30))
        snprintf(buf, len, "%.1f GiB", (double)b / GIB);
    else
        snprintf(buf, len, "%.1f MiB", (double)b / MIB);
    return buf;
}

void hb_mem_budget_of(uint64_t avail, uint64_t cg_limit, uint64_t cg_usage,
                      unsigned leave_pct, uint64_t given, uint64_t *budget,
                      uint64_t *margin)
{
    uint64_t have = avail;

    if (cg_limit != HB_MEM_UNLIMITED) {
        uint64_t room = cg_limit > cg_usage ? cg_limit - cg_usage : 0;
        if (room < have)
            have = room;
    }
    if (leave_pct > 100)
        leave_pct = 100;
    *budget = given ? given : have / 100 * (100 - leave_pct) + have % 100 * (100 - leave_pct) / 100;
    if (*budget > have)
        *budget = have;
    *margin = given ? 0 : have - *budget;   /* a given budget is the user's call */
}

int hb_mem_init(struct hb_membudget *m, const char *root, uint64_t given)
{
    int rc;

    memset(m, 0, sizeof *m);
    m->root = root ? root : "";
    m->given = given != 0;
    rc = hb_mem_read_available(m->root, &m->avail_start);
    if (rc)
        return rc;
    hb_mem_read_cgroup(m->root, &m->cg_limit, &m->cg_usage, &m->cg_version);
    hb_mem_budget_of(m->avail_start, m->cg_limit, m->cg_usage, HB_MEM_LEAVE_PCT,
                     given, &m->budget, &m->margin);
    return 0;
}

void hb_mem_describe(const struct hb_membudget *m, char *buf, size_t len)
{
    uint64_t have = m->budget + m->margin;
    char b[32], h[32], l[32];
    bool cg = m->cg_limit != HB_MEM_UNLIMITED &&
              m->cg_limit - (m->cg_usage < m->cg_limit ? m->cg_usage : m->cg_limit) < m->avail_start;

    size_str(b, sizeof b, m->budget);
    size_str(h, sizeof h, m->given ? m->avail_start : have);
    size_str(l, sizeof l, m->cg_limit);
    if (m->given)
        snprintf(buf, len, "%s (--mem-budget; MemAvailable %s)", b, h);
    else if (cg)
        snprintf(buf, len, "%s (%d %% of %s left under the cgroup v%d limit of %s)",
                 b, 100 - HB_MEM_LEAVE_PCT, h, m->cg_version, l);
    else
        snprintf(buf, len, "%s (%d %% of MemAvailable %s)", b, 100 - HB_MEM_LEAVE_PCT, h);
}

uint64_t hb_mem_held(const struct hb_membudget *m)
{
    uint64_t n = 0;

    for (unsigned i = 0; i < HB_MEM_HOLDERS; i++)
        if (m->h[i].id)
            n += m->h[i].bytes;
    return n;
}

/* Release the buffers of every family but this one. */
static void release_others(struct hb_membudget *m, const char *family)
{
    for (unsigned i = 0; i < HB_MEM_HOLDERS; i++) {
        struct hb_mem_holder *h = &m->h[i];
        if (h->id && h->release && strcmp(h->family, family)) {
            void (*fn)(void *) = h->release;
            void *arg = h->arg;
            h->id = NULL;           /* before: the release may call drop */
            fn(arg);
        }
    }
}

/* What may still be taken now: available now, less the margin. */
static uint64_t room_now(const struct hb_membudget *m)
{
    uint64_t avail, limit, usage, budget, margin;
    int version;

    if (hb_mem_read_available(m->root, &avail))
        return HB_MEM_UNLIMITED;
    hb_mem_read_cgroup(m->root, &limit, &usage, &version);
    hb_mem_budget_of(avail, limit, usage, 0, 0, &budget, &margin);
    return budget > m->margin ? budget - m->margin : 0;
}

bool hb_mem_fits(struct hb_membudget *m, const char *family, uint64_t need,
                 char *why, size_t whylen)
{
    char desc[160], n[32], hd[32], rm[32];
    uint64_t held, room;

    if (!m)
        return true;
    release_others(m, family);
    held = hb_mem_held(m);
    room = room_now(m);
    if (held + need <= m->budget && need <= room)
        return true;
    hb_mem_describe(m, desc, sizeof desc);
    size_str(n, sizeof n, need);
    size_str(hd, sizeof hd, held);
    size_str(rm, sizeof rm, room);
    if (held + need > m->budget)
        snprintf(why, whylen, "needs %s with %s held; budget %s", n, hd, desc);
    else
        snprintf(why, whylen, "needs %s, only %s free now after the margin; budget %s",
                 n, rm, desc);
    return false;
}

int hb_mem_hold(struct hb_membudget *m, const void *id, const char *family,
                uint64_t bytes, void (*release)(void *arg), void *arg)
{
    if (!m)
        return 0;
    for (unsigned i = 0; i < HB_MEM_HOLDERS; i++)
        if (!m->h[i].id) {
            m->h[i] = (struct hb_mem_holder){ id, family, bytes, release, arg };
            return 0;
        }
    return -ENOSPC;
}

void hb_mem_drop(struct hb_membudget *m, const void *id)
{
    if (!m)
        return;
    for (unsigned i = 0; i < HB_MEM_HOLDERS; i++)
        if (m->h[i].id == id)
            m->h[i].id = NULL;
}
