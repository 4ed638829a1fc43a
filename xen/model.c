/*
 * xen/model.c - the model's side of `make xen-check`: build the heap from
 * what Xen's end_boot_allocator received (a run folder of xen/check.sh),
 * hand it over with the 4.17 strategy (chunked), write the free blocks, give
 * the heap Xen's runtime free lists, and run the operations Xen ran, each
 * counted exactly under callgrind with the same client-request bracket as
 * `bench --count` (bench/instrument/icount).
 *
 * Usage: xen-model DIR    reads DIR/regions.csv, info.csv, ops.csv,
 *   runtime-blocks.csv; writes DIR/model-blocks.csv (node,zone,order,mfn)
 *   and DIR/model.csv (what,node,order,mfn,instructions).  Started outside
 *   valgrind, it runs itself under callgrind and reads the counts back.
 *   XEN_MODEL_STRATEGY (pagewise, patch, ...): another strategy, for
 *   xen-bench's variants.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alloc/heap.h"
#include "bench/instrument/icount.h"

#define MAX_OPS 64
#define MAX_REGIONS PA_BOOT_MAX_REGIONS

struct input {
    struct pa_range ranges[MAX_REGIONS];        /* split at nodes */
    uint64_t boot_s[MAX_REGIONS], boot_e[MAX_REGIONS]; /* Xen's regions */
    size_t nr_ranges, nr_boot;
    unsigned boot_node, max_order;
    unsigned op_node[MAX_OPS], op_order[MAX_OPS];
    size_t nr_ops;
};

static void die(const char *fmt, const char *arg)
{
    fprintf(stderr, "xen-model: ");
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    exit(1);
}

static FILE *open_in(const char *dir, const char *name, char *line, size_t len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    if (!f || !fgets(line, (int)len, f))   /* the header */
        die("cannot read %s", path);
    return f;
}

static void read_regions(const char *dir, struct input *in)
{
    char line[512];
    FILE *f = open_in(dir, "regions.csv", line, sizeof line);
    unsigned long long s, e;
    unsigned node, idx, last = ~0u;

    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "%llx,%llx,%u,%u", &s, &e, &node, &idx) != 4 ||
            in->nr_ranges == MAX_REGIONS)
            die("bad regions.csv line: %s", line);
        in->ranges[in->nr_ranges++] = (struct pa_range){ s, e, node };
        if (idx != last) {          /* a new region of Xen's list */
            in->boot_s[in->nr_boot] = s;
            in->nr_boot++;
            last = idx;
        }
        in->boot_e[in->nr_boot - 1] = e;
    }
    fclose(f);
}

static void read_info(const char *dir, struct input *in)
{
    char line[512], key[128];
    FILE *f = open_in(dir, "info.csv", line, sizeof line);
    unsigned long long v;

    in->max_order = PA_MAX_ORDER_DEFAULT;
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "%127[^,],%lli", key, &v) != 2)
            continue;
        if (!strcmp(key, "boot_node"))
            in->boot_node = (unsigned)v;
        else if (!strcmp(key, "max_order"))
            in->max_order = (unsigned)v;
    }
    fclose(f);
}

static void read_ops(const char *dir, struct input *in)
{
    char line[512];
    FILE *f = open_in(dir, "ops.csv", line, sizeof line);

    while (fgets(line, sizeof line, f) && in->nr_ops < MAX_OPS) {
        if (sscanf(line, "%u,%u", &in->op_node[in->nr_ops],
                   &in->op_order[in->nr_ops]) == 2)
            in->nr_ops++;
    }
    fclose(f);
}

static int print_block(uint64_t mfn, unsigned order, unsigned node,
                       unsigned zone, void *arg)
{
    fprintf(arg, "%u,%u,%u,0x%llx\n", node, zone, order, (unsigned long long)mfn);
    return 0;
}

static FILE *open_out(const char *dir, const char *name, const char *header)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        die("cannot write %s", path);
    fprintf(f, "%s\n", header);
    return f;
}

/* A heap's free blocks, collected in the order the lists hold them. */
struct blocks {
    uint64_t mfn[1 << 14];
    unsigned order[1 << 14];
    bool dirty[1 << 14];
    size_t n;
};

static int collect_block(uint64_t mfn, unsigned order, unsigned node,
                         unsigned zone, void *arg)
{
    struct blocks *b = arg;

    (void)node, (void)zone;
    if (b->n == sizeof b->mfn / sizeof b->mfn[0])
        return -1;
    b->mfn[b->n] = mfn;
    b->order[b->n++] = order;
    return 0;
}

/* Every block of want lies inside a block of now. */
static bool covered(const struct blocks *want, const struct blocks *now)
{
    for (size_t i = 0; i < want->n; i++) {
        size_t j = 0;
        uint64_t e = want->mfn[i] + (1ULL << want->order[i]);

        while (j < now->n && !(now->mfn[j] <= want->mfn[i] &&
                               e <= now->mfn[j] + (1ULL << now->order[j])))
            j++;
        if (j == now->n)
            return false;
    }
    return true;
}

/*
 * Xen's operations run later in boot than end_boot_allocator (xen_gdb.py:
 * the M2P valid, before dom0), after boot has allocated from the heap;
 * DIR/runtime-blocks.csv holds Xen's free lists there, in list order.  Give
 * the model the same lists: take every free block out, then free Xen's
 * blocks back, dirty (first_dirty 0) where Xen's block is, clean where it
 * has nothing to scrub.  page_list_add_scrub puts a clean block at the
 * head of its list and a dirty one at the tail, so the clean go back from
 * tail to head, then the dirty from head to tail: each list is Xen's when
 * its clean blocks come before its dirty ones, as those two rules keep
 * them.  A block dirty from a later page is refused (never seen).  Not counted.  No file (an
 * older run folder), or Xen's lists hold a page the model's do not (a
 * strategy whose boot differs, e.g. pagewise's metadata on 4x1G): the
 * operations start from the model's boot heap, said on stderr.
 */
static void to_runtime(struct pa_heap *h, const char *dir)
{
    static struct blocks now, want;
    char path[4096], line[256];
    unsigned long long mfn;
    unsigned node, zone, order;
    char dirty[16];

    snprintf(path, sizeof path, "%s/runtime-blocks.csv", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    if (!fgets(line, sizeof line, f))
        die("cannot read %s", path);
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "%u,%u,%u,%llx,%15s", &node, &zone, &order, &mfn,
                   dirty) != 5 || collect_block(mfn, order, node, zone, &want) ||
            (strcmp(dirty, "none") && strcmp(dirty, "0")))
            die("bad runtime-blocks.csv line: %s", line);
        want.dirty[want.n - 1] = strcmp(dirty, "none") != 0;
    }
    fclose(f);
    if (pa_for_each_free_block(h, collect_block, &now))
        die("too many free blocks in the model's heap of %s", dir);
    if (!covered(&want, &now)) {
        fprintf(stderr, "xen-model: %s: Xen's runtime lists hold pages the "
                "model's boot did not free; operations from boot's heap\n", dir);
        return;
    }
    for (size_t i = 0; i < now.n; i++)
        if (pa_claim_block(h, now.mfn[i], now.order[i], 0))
            die("cannot take a free block out of the heap of %s", dir);
    for (size_t i = want.n; i-- > 0;)
        if (!want.dirty[i] && pa_free_heap_pages(h, want.mfn[i], want.order[i]))
            die("Xen's runtime free lists of %s are not the model's pages", dir);
    for (size_t i = 0; i < want.n; i++)
        if (want.dirty[i] && pa_free_heap_pages_dirty(h, want.mfn[i], want.order[i]))
            die("Xen's runtime free lists of %s are not the model's pages", dir);
}

/* The counted run (under callgrind): regions named by what they count. */
static void counted(const char *dir)
{
    static struct input in;
    struct pa_heap *h;
    struct pa_heap_config cfg = { 0 };
    char name[64];
    /* xen-bench sets the strategy of the variant it counts (default: 4.17's). */
    const char *sname = getenv("XEN_MODEL_STRATEGY");
    int strat = sname ? pa_strategy_parse(sname) : PA_STRAT_CHUNKED;

    if (strat < 0)
        die("unknown XEN_MODEL_STRATEGY \"%s\"", sname);
    read_regions(dir, &in);
    read_info(dir, &in);
    read_ops(dir, &in);
    cfg.ranges = in.ranges;
    cfg.nr_ranges = in.nr_ranges;
    cfg.encoding = pa_strategy_default_encoding((enum pa_strategy)strat);
    cfg.max_order = in.max_order;
    if (pa_heap_create(&cfg, &h) || pa_heap_set_strategy(h, (enum pa_strategy)strat))
        die("cannot build the heap of %s", dir);
    struct pa_boot *b = pa_boot_create(h);
    for (size_t i = 0; b && i < in.nr_boot; i++)
        if (pa_boot_add(b, in.boot_s[i], in.boot_e[i]))
            die("the model refuses a boot region of %s", dir);
    if (!b)
        die("cannot create the boot allocator for %s", dir);
    hb_icount_calibrate();
    hb_icount_begin();
    int rc = pa_end_boot_allocator(b, in.boot_node);
    hb_icount_end("end_boot_allocator");
    if (rc)
        die("end_boot_allocator failed on %s", dir);
    FILE *f = open_out(dir, "model-blocks.csv", "node,zone,order,mfn");
    pa_for_each_free_block(h, print_block, f);
    fclose(f);
    if (!pa_strategy_is_lazy((enum pa_strategy)strat))
        to_runtime(h, dir);
    f = open_out(dir, "model-ops.csv", "node,order,mfn");
    for (size_t i = 0; i < in.nr_ops; i++) {
        snprintf(name, sizeof name, "alloc_heap_pages %zu", i);
        hb_icount_begin();
        uint64_t mfn = pa_alloc_heap_pages(h, in.op_order[i], (int)in.op_node[i], 0);
        hb_icount_end(name);
        if (mfn != PA_INVALID_MFN) {
            /* Xen's free_heap_pages takes the page: so does the call
             * counted (the MFN's translation stays outside, as Xen's). */
            struct pa_page *pg = pa_mfn_to_page(h, mfn);
            snprintf(name, sizeof name, "free_heap_pages %zu", i);
            hb_icount_begin();
            rc = pa_free_heap_pages_at(h, pg, in.op_order[i]);
            hb_icount_end(name);
            if (rc)
                die("free_heap_pages failed on %s", dir);
            fprintf(f, "%u,%u,0x%llx\n", in.op_node[i], in.op_order[i],
                    (unsigned long long)mfn);
        } else {
            fprintf(f, "%u,%u,none\n", in.op_node[i], in.op_order[i]);
        }
    }
    fclose(f);
    pa_boot_destroy(b);
    pa_heap_destroy(h);
}

struct parts {
    FILE *out;
    struct hb_icount empty;
    struct hb_icount c[2 * MAX_OPS + 1];
    char names[2 * MAX_OPS + 1][64];
    size_t n;
};

static int on_part(const char *name, const struct hb_icount *c, void *arg)
{
    struct parts *p = arg;

    if (!strcmp(name, HB_ICOUNT_EMPTY)) {
        p->empty = *c;
    } else if (p->n < sizeof p->c / sizeof p->c[0]) {
        p->c[p->n] = *c;
        snprintf(p->names[p->n++], sizeof p->names[0], "%s", name);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--counted")) {
        counted(argv[2]);
        return 0;
    }
    if (argc != 2) {
        fprintf(stderr, "usage: xen-model DIR (a run folder of xen/check.sh)\n");
        return 2;
    }
    char cg[4096], err[512];
    struct hb_icount_cmd cmd;
    snprintf(cg, sizeof cg, "%s/model.callgrind", argv[1]);
    if (hb_icount_cmd_init(&cmd, cg, false))
        die("path too long: %s", argv[1]);
    const char *av[HB_ICOUNT_ARGV_MAX + 4];
    int n = 0;
    for (; n < cmd.n; n++)
        av[n] = cmd.argv[n];
    av[n++] = argv[0];
    av[n++] = "--counted";
    av[n++] = argv[1];
    av[n] = NULL;
    pid_t pid = fork();
    if (pid == 0) {
        execvp(av[0], (char **)av);
        die("cannot run %s", av[0]);
    }
    int st;
    if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
        die("the counted run on %s failed", argv[1]);
    static struct parts p;
    if (hb_icount_read(cg, on_part, &p, err, sizeof err))
        die("%s", err);
    FILE *f = open_out(argv[1], "model.csv", "what,instructions");
    for (size_t i = 0; i < p.n; i++) {
        hb_icount_sub(&p.c[i], &p.empty);
        fprintf(f, "%s,%llu\n", p.names[i], (unsigned long long)p.c[i].ev[HB_IC_IR]);
    }
    fclose(f);
    return 0;
}
