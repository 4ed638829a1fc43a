/*
 * cmd_bench_xen.c - the machine's latest real-Xen tables in a run folder:
 * what `make xen-check` and `make xen-bench` wrote next to this binary
 * ($(BUILD)/xen/fidelity.csv, variants.csv, variants-model.csv) is copied
 * as xen_fidelity.csv, xen_variants.csv and xen_variants_model.csv, so
 * that the verdict, the letter and the report can say what real Xen 4.17
 * counted in the tree that was measured.  environment.csv gains, per file
 * copied, where it came from and its date, so a stale table shows.  No
 * table, no file: the verdict then says that no Xen check was run.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench/cmd/cmd_bench.h"

/* $(dirname /proc/self/exe)/xen/NAME, or -1. */
static int xen_path(char *out, size_t len, const char *name)
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
    return snprintf(out, len, "%s/xen/%s", exe, name) < (int)len ? 0 : -1;
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

/* A CSV field: quoted when it holds a comma, a quote or a newline. */
static void csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* environment.csv gains <stem>_from (the file copied) and <stem>_date
 * (its modification time, UTC). */
static int note_source(const char *dir, const char *stem, const char *from)
{
    char path[PATH_MAX], date[32] = "unknown";
    struct stat st;
    struct tm tm;
    FILE *f;

    if (!stat(from, &st) && gmtime_r(&st.st_mtime, &tm))
        strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (snprintf(path, sizeof path, "%s/environment.csv", dir) >= (int)sizeof path ||
        !(f = fopen(path, "a")))
        return -1;
    fprintf(f, "%s_from,", stem);
    csv_field(f, from);
    fprintf(f, "\n%s_date,%s\n", stem, date);
    return fclose(f) ? -1 : 0;
}

int bench_copy_fidelity(const char *dir)
{
    static const struct {
        const char *from, *stem;
    } file[] = {
        { "fidelity.csv", "xen_fidelity" },
        { "variants.csv", "xen_variants" },
        { "variants-model.csv", "xen_variants_model" },
    };
    int rc = 0;

    for (size_t i = 0; i < sizeof file / sizeof file[0]; i++) {
        char from[PATH_MAX], to[PATH_MAX];

        if (xen_path(from, sizeof from, file[i].from) || access(from, R_OK))
            continue;       /* that make target was not run here */
        if (snprintf(to, sizeof to, "%s/%s.csv", dir, file[i].stem) >= (int)sizeof to ||
            copy_file(from, to) || note_source(dir, file[i].stem, from))
            rc = -1;
    }
    return rc;
}
