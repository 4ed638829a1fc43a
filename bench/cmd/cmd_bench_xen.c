/*
 * cmd_bench_xen.c - the machine's latest `make xen-check` table in a run
 * folder: the fidelity.csv that xen-check wrote next to this binary
 * ($(BUILD)/xen/fidelity.csv) is copied as xen_fidelity.csv, so that the
 * report can say how close the model's instruction counts were to Xen
 * 4.17's in the tree that was measured.  No table, no file: the report
 * then says that no xen-check was run.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bench/cmd/cmd_bench.h"

/* $(dirname /proc/self/exe)/xen/fidelity.csv, or -1. */
static int fidelity_path(char *out, size_t len)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char *slash;

    if (n <= 0)
        return -1;
    exe[n] = '\0';
    slash = strrchr(exe, '/');
    if (!slash)
        return -1;
    *slash = '\0';
    return snprintf(out, len, "%s/xen/fidelity.csv", exe) < (int)len ? 0 : -1;
}

static int copy_file(const char *from, const char *to)
{
    char tmp[PATH_MAX], buf[8192];
    FILE *in = fopen(from, "r"), *out;
    size_t n;
    int bad = 0;

    if (!in)
        return -1;
    if (snprintf(tmp, sizeof tmp, "%s.tmp", to) >= (int)sizeof tmp ||
        !(out = fopen(tmp, "w"))) {
        fclose(in);
        return -1;
    }
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        bad |= fwrite(buf, 1, n, out) != n;
    bad |= ferror(in);
    fclose(in);
    bad |= fclose(out) != 0;
    if (bad || rename(tmp, to)) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

int bench_copy_fidelity(const char *dir)
{
    char from[PATH_MAX], to[PATH_MAX];

    if (fidelity_path(from, sizeof from) || access(from, R_OK))
        return 0;           /* no xen-check was run here */
    if (snprintf(to, sizeof to, "%s/xen_fidelity.csv", dir) >= (int)sizeof to)
        return -1;
    return copy_file(from, to);
}
