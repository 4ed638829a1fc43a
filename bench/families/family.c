/*
 * family.c - the registry of benchmark families (family.h): a list kept
 * in run order as the families' constructors add themselves, in whatever
 * order the linker placed them.  Each hands its declaration to the CSV
 * writer (hb_tidy_declare) as it joins.
 */
#include "bench/families/family.h"

#include <string.h>

static struct hb_family *families;   /* the registry, in run order */

/* Does a run before b? */
static int runs_before(const struct hb_family *a, const struct hb_family *b)
{
    if (a->order != b->order)
        return a->order < b->order;
    return strcmp(a->name, b->name) < 0;
}

void hb_family_add(struct hb_family *f)
{
    struct hb_family **at = &families;

    while (*at && !runs_before(f, *at))
        at = &(*at)->next;
    f->next = *at;
    *at = f;
    hb_tidy_declare(&f->tidy);
}

size_t hb_family_count(void)
{
    size_t n = 0;

    for (const struct hb_family *f = families; f; f = f->next)
        n++;
    return n;
}

const struct hb_family *hb_family_get(size_t i)
{
    const struct hb_family *f = families;

    while (f && i--)
        f = f->next;
    return f;
}

int hb_family_of(const char *bench_name)
{
    size_t n = strcspn(bench_name, "/");
    int i = 0;

    for (const struct hb_family *f = families; f; f = f->next, i++)
        if (strlen(f->name) == n && !strncmp(bench_name, f->name, n))
            return i;
    return -1;
}
