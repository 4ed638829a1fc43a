/*
 * abrun.c - loading the runs of a comparison (see abrun.h): folders to
 * family CSVs, CSV rows to one sample per benchmark name, and the pairing
 * of two sides by name.  The statistics are the caller's.
 */
#include "bench/compare/abrun.h"

#include "bench/base/vec.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* What hb_abrun_load() works with besides the side it fills. */
struct load {
    struct hb_abrun *r;
    const struct hb_abrun_query *q;
    long folder;           /* the next folder's number */
    char *why;
    size_t whylen;
};

/* ------------------------------------------------------------------------
 * Samples by benchmark name
 * ------------------------------------------------------------------------ */

void hb_abrun_free(struct hb_abrun *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->s[i].name);
        free(r->s[i].x);
        free(r->s[i].unit);
    }
    free(r->s);
    if (r->has_env)
        hb_csv_free(&r->env);
    *r = (struct hb_abrun){ 0 };
}

/* The sample for name: rows of one benchmark are adjacent in our CSVs, so
 * the last sample is tried first and the search is rarely needed. */
static struct hb_abrun_sample *sample_for(struct hb_abrun *r, const char *name)
{
    struct hb_abrun_sample *s;

    for (size_t i = r->n; i-- > 0;)
        if (!strcmp(r->s[i].name, name))
            return &r->s[i];
    if (hb_vec_grow((void **)&r->s, &r->cap, r->n + 1, sizeof *r->s))
        return NULL;
    s = &r->s[r->n];
    *s = (struct hb_abrun_sample){ .name = strdup(name) };
    if (!s->name)
        return NULL;
    r->n++;
    return s;
}

static int add_value(struct hb_abrun_sample *s, double v, long unit)
{
    size_t cap = s->cap;

    /* both arrays grow to the same capacity; s->cap moves last */
    if (hb_vec_grow((void **)&s->x, &cap, s->n + 1, sizeof *s->x))
        return -ENOMEM;
    cap = s->cap;
    if (hb_vec_grow((void **)&s->unit, &cap, s->n + 1, sizeof *s->unit))
        return -ENOMEM;
    s->cap = cap;
    s->unit[s->n] = unit;
    s->x[s->n++] = v;
    return 0;
}

/* ------------------------------------------------------------------------
 * One family CSV
 * ------------------------------------------------------------------------ */

struct cols {
    int bench, metric, process, note;
};

/* Row i's value and process.  1: take it; 0: leave it out (empty cell,
 * or a name the filter rejects); -EINVAL: a bad cell, named in why. */
static int row_value(const struct load *ld, const struct hb_csv *csv, const char *path,
                     size_t i, const struct cols *c, double *v, double *proc)
{
    const char *name = hb_csv_get(csv, i, c->bench);
    const char *cell = hb_csv_get(csv, i, c->metric);
    const char *pcell = hb_csv_get(csv, i, c->process);
    const regex_t *re = ld->q->filter;

    *proc = 0;
    if (!*cell || (re && *name && regexec(re, name, 0, NULL, 0)))
        return 0;
    if (!*name || !hb_csv_num(cell, v) || *v < 0 ||
        (c->process >= 0 && *pcell &&
         (!hb_csv_num(pcell, proc) || *proc < 0 || *proc >= HB_ABRUN_PROCS))) {
        snprintf(ld->why, ld->whylen, "%s: row %zu: bad %s: '%s'", path, i + 1,
                 *name ? ld->q->metric : "benchmark", *name ? cell : name);
        return -EINVAL;
    }
    return 1;
}

/* Rows of one family CSV into samples; a file without the metric adds
 * nothing, unless the metric is real_ns, which every family has. */
static int add_rows(struct load *ld, const struct hb_csv *csv, const char *path, long folder)
{
    struct cols c = { hb_csv_col(csv, "benchmark"), hb_csv_col(csv, ld->q->metric),
                      hb_csv_col(csv, "process"), hb_csv_col(csv, "count_note") };
    double v, proc;
    int rc;

    if (c.bench < 0 || (c.metric < 0 && !strcmp(ld->q->metric, "real_ns"))) {
        snprintf(ld->why, ld->whylen, "%s: missing column: %s", path,
                 c.bench < 0 ? "benchmark" : ld->q->metric);
        return -EINVAL;
    }
    for (size_t i = 0; c.metric >= 0 && i < csv->nrows; i++) {
        rc = row_value(ld, csv, path, i, &c, &v, &proc);
        if (rc <= 0) {
            if (rc)
                return rc;
            continue;
        }
        struct hb_abrun_sample *s = sample_for(ld->r, hb_csv_get(csv, i, c.bench));
        if (!s || add_value(s, v, folder * HB_ABRUN_PROCS + (long)proc)) {
            snprintf(ld->why, ld->whylen, "compare: out of memory");
            return -ENOMEM;
        }
        if (c.note >= 0 && *hb_csv_get(csv, i, c.note))
            s->inexact = true;
    }
    return 0;
}

static int load_file(struct load *ld, const char *dir, const char *name, long folder)
{
    char path[PATH_MAX], why[256];
    struct hb_csv csv;
    int rc;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (hb_csv_load(&csv, path, why, sizeof why)) {
        snprintf(ld->why, ld->whylen, "%s: %s", path, why);
        return -EINVAL;
    }
    rc = add_rows(ld, &csv, path, folder);
    hb_csv_free(&csv);
    return rc;
}

/* ------------------------------------------------------------------------
 * Folders
 * ------------------------------------------------------------------------ */

bool hb_abrun_is_family_csv(const char *name)
{
    size_t n = strlen(name);

    if (n < 5 || strcmp(name + n - 4, ".csv") || name[0] == '.')
        return false;
    if (n >= 12 && !strcmp(name + n - 12, "_summary.csv"))
        return false;
    return strcmp(name, "environment.csv") && strcmp(name, "skipped.csv") &&
           strncmp(name, "xen_", 4);   /* real Xen's tables: xen-check's, xen-bench's */
}

static int only_csv(const struct dirent *d)
{
    return hb_abrun_is_family_csv(d->d_name);
}

static int only_dirs(const struct dirent *d)
{
    return d->d_name[0] != '.';
}

/* The side's record of its machine: the first folder with data that has
 * a readable environment.csv with key and value columns. */
static void load_env(struct hb_abrun *r, const char *dir)
{
    char path[PATH_MAX], why[256];

    snprintf(path, sizeof path, "%s/environment.csv", dir);
    if (hb_csv_load(&r->env, path, why, sizeof why))
        return;
    r->has_env = hb_csv_col(&r->env, "key") >= 0 && hb_csv_col(&r->env, "value") >= 0;
    if (!r->has_env)
        hb_csv_free(&r->env);
}

/* The family CSVs of one folder; none: 0 with *found false. */
static int load_folder(struct load *ld, const char *dir, bool *found)
{
    struct dirent **names;
    long folder = ld->folder++;
    int n, rc = 0;

    *found = false;
    n = scandir(dir, &names, only_csv, alphasort);
    if (n < 0) {
        snprintf(ld->why, ld->whylen, "compare: %s: %s", dir, strerror(errno));
        return -EINVAL;
    }
    for (int i = 0; i < n; i++) {
        if (!rc)
            rc = load_file(ld, dir, names[i]->d_name, folder);
        free(names[i]);
    }
    free(names);
    *found = n > 0;
    if (!rc && n > 0 && !ld->r->has_env)
        load_env(ld->r, dir);
    return rc;
}

/* A folder of run folders (heapbench ab): each one a folder of the side. */
static int load_parent(struct load *ld, const char *dir, bool *found)
{
    struct dirent **names;
    int n, rc = 0;

    *found = false;
    n = scandir(dir, &names, only_dirs, alphasort);
    if (n < 0)
        return 0;
    for (int i = 0; i < n; i++) {
        char sub[PATH_MAX];
        struct stat st;
        bool got = false;
        snprintf(sub, sizeof sub, "%s/%s", dir, names[i]->d_name);
        if (!rc && !stat(sub, &st) && S_ISDIR(st.st_mode)) {
            rc = load_folder(ld, sub, &got);
            *found |= got;
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

/* One folder given on the command line: a run, or a folder of runs. */
static int load_dir(struct load *ld, const char *dir)
{
    struct stat st;
    bool found = false;
    int rc;

    if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
        snprintf(ld->why, ld->whylen, "compare: not a results folder: %s", dir);
        return -EINVAL;
    }
    rc = load_folder(ld, dir, &found);
    if (!rc && !found)
        rc = load_parent(ld, dir, &found);
    if (!rc && !found) {
        snprintf(ld->why, ld->whylen, "compare: no benchmark CSV in %s", dir);
        rc = -EINVAL;
    }
    return rc;
}

int hb_abrun_load(struct hb_abrun *r, const char *const *dirs, size_t ndirs,
                  const struct hb_abrun_query *q, char *why, size_t whylen)
{
    struct load ld = { .r = r, .q = q, .why = why, .whylen = whylen };
    int rc = 0;

    *r = (struct hb_abrun){ 0 };
    for (size_t k = 0; k < ndirs && !rc; k++)
        rc = load_dir(&ld, dirs[k]);
    if (!rc && r->n == 0) {
        snprintf(why, whylen, "compare: no benchmark with a %s value%s in %s", q->metric,
                 q->filter ? " matching --filter" : "", ndirs ? dirs[0] : "");
        rc = -EINVAL;
    }
    return rc;
}

const char *hb_abrun_env(const struct hb_abrun *r, const char *key)
{
    int k, v;

    if (!r->has_env)
        return NULL;
    k = hb_csv_col(&r->env, "key");
    v = hb_csv_col(&r->env, "value");
    for (size_t i = 0; i < r->env.nrows; i++)
        if (!strcmp(hb_csv_get(&r->env, i, k), key))
            return hb_csv_get(&r->env, i, v);
    return NULL;
}

int hb_abrun_family_csv(struct hb_csv *csv, const char *dir, const char *family,
                        bool summary, char *why, size_t whylen)
{
    char path[PATH_MAX], reason[256];
    struct stat st;

    snprintf(path, sizeof path, "%s/%s%s.csv", dir, family, summary ? "_summary" : "");
    memset(csv, 0, sizeof *csv);
    if (stat(path, &st) && errno == ENOENT) {
        snprintf(why, whylen, "%s: %s", path, strerror(ENOENT));
        return -ENOENT;
    }
    if (hb_csv_load(csv, path, reason, sizeof reason)) {
        snprintf(why, whylen, "%s: %s", path, reason);
        return -EINVAL;
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * Matching
 * ------------------------------------------------------------------------ */

static int by_name(const void *x, const void *y)
{
    const struct hb_abrun_sample *const *a = x, *const *b = y;

    return strcmp((*a)->name, (*b)->name);
}

/* Pairs in the base side's order, for every name the new side has too. */
int hb_abrun_match(const struct hb_abrun *base, const struct hb_abrun *new_,
                   struct hb_abrun_match *m)
{
    const struct hb_abrun_sample **idx = malloc((new_->n + 1) * sizeof *idx);

    *m = (struct hb_abrun_match){ .pair = malloc((base->n + 1) * sizeof *m->pair) };
    if (!idx || !m->pair) {
        free(idx);
        hb_abrun_match_free(m);
        return -ENOMEM;
    }
    for (size_t i = 0; i < new_->n; i++)
        idx[i] = &new_->s[i];
    qsort(idx, new_->n, sizeof *idx, by_name);
    for (size_t i = 0; i < base->n; i++) {
        const struct hb_abrun_sample *key = &base->s[i], **hit;
        hit = bsearch(&key, idx, new_->n, sizeof *idx, by_name);
        if (hit)
            m->pair[m->n++] = (struct hb_abrun_pair){ key, *hit };
        else
            m->only_base++;
    }
    m->only_new = new_->n - m->n;
    free(idx);
    return 0;
}

void hb_abrun_match_free(struct hb_abrun_match *m)
{
    free(m->pair);
    *m = (struct hb_abrun_match){ 0 };
}
