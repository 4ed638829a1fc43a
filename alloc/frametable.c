/*
 * frametable.c - the frame table, its hole compression, page states and
 * heap creation.
 *
 * Xen maps MFNs to frame-table indices with PDX compression, which removes
 * one run of address bits that is zero in all RAM.  We compress by chunks of
 * 2^chunk_order pages instead (see internal.h): it handles any number of
 * holes, keeps buddy arithmetic on indices, and costs one directory lookup
 * per public call.  The table is mmap'd zeroed (a zeroed frame table is the
 * starting point of both encodings), optionally with transparent huge pages,
 * each node's span is offered to a bind callback before it is first touched,
 * and then the whole table is pre-faulted so no later access page-faults.
 */
#include <string.h>
#include <sys/mman.h>

#include "alloc/internal.h"

/* ------------------------------------------------------------------------
 * Page states and encodings
 * ------------------------------------------------------------------------ */

/* Raw values of the 3-bit state field (internal.h, pai_raw).  Legacy
 * follows Xen (in use = 0); uninit follows the PGC_state_uninitialised
 * proposal (0 = uninitialised, everything else moved up by one). */
int pa_state_raw(enum pa_encoding enc, enum pa_state st)
{
    if ((unsigned)enc > PA_ENC_UNINIT || (unsigned)st >= PA_NR_STATES ||
        (st == PA_STATE_UNINIT && enc != PA_ENC_UNINIT))
        return -1;
    return (int)(pai_raw(enc, st) >> PA_PGC_STATE_SHIFT);
}

enum pa_state pa_state_of(enum pa_encoding enc, uint64_t count_info)
{
    uint64_t raw = pa_raw_field(count_info);

    for (int st = 0; st < PA_NR_STATES; st++)
        if (pa_state_raw(enc, (enum pa_state)st) == (int)raw)
            return (enum pa_state)st;
    return PA_STATE_INUSE;  /* unreachable for values we write */
}

const char *pa_encoding_name(enum pa_encoding e)
{
    return e == PA_ENC_UNINIT ? "uninit" : "legacy";
}

int pa_encoding_parse(const char *name)
{
    if (!strcmp(name, "legacy"))
        return PA_ENC_LEGACY;
    if (!strcmp(name, "uninit"))
        return PA_ENC_UNINIT;
    return -EINVAL;
}

unsigned pa_mfn_zone(uint64_t mfn)
{
    return mfn ? 64 - (unsigned)__builtin_clzll(mfn) : 0;
}

/* ------------------------------------------------------------------------
 * Layouts
 * ------------------------------------------------------------------------ */

static int range_cmp(const void *a, const void *b)
{
    const struct pa_range *x = a, *y = b;

    return x->start < y->start ? -1 : x->start > y->start;
}

int pa_layout_normalise(struct pa_range *r, size_t nr, size_t *bad)
{
    size_t out = 0;

    qsort(r, nr, sizeof *r, range_cmp);
    for (size_t i = 0; i < nr; i++) {
        if (r[i].start >= r[i].end || r[i].node >= PA_MAX_NODES ||
            r[i].end > (1ULL << (PA_PADDR_BITS - PA_PAGE_SHIFT)) ||
            (out && r[i].start < r[out - 1].end)) {
            if (bad)
                *bad = i;
            return -EINVAL;
        }
        if (out && r[i].start == r[out - 1].end && r[i].node == r[out - 1].node)
            r[out - 1].end = r[i].end;
        else
            r[out++] = r[i];
    }
    return (int)out;
}

/* ------------------------------------------------------------------------
 * Directory and sizes
 * ------------------------------------------------------------------------ */

/* At least max_order (buddies share a chunk), at least PAI_CHUNK_ORDER_MIN
 * (16 KiB of table: whole pages, for binding), and coarse enough that the
 * directory for the highest MFN stays within PAI_DIR_MAX entries. */
static unsigned chunk_order_for(unsigned max_order, uint64_t top)
{
    unsigned co = max_order > PAI_CHUNK_ORDER_MIN ? max_order : PAI_CHUNK_ORDER_MIN;

    while ((top >> co) > PAI_DIR_MAX)
        co++;
    return co;
}

/* Chunks of address space holding RAM (ranges sorted). */
static uint64_t count_chunks(const struct pa_range *r, size_t nr, unsigned co)
{
    uint64_t n = 0, last = UINT64_MAX;

    for (size_t i = 0; i < nr; i++) {
        uint64_t first = r[i].start >> co, end = (r[i].end - 1) >> co;

        if (first == last)
            first++;
        if (end >= first)
            n += end - first + 1;
        last = end;
    }
    return n;
}

int pa_frametable_bytes(const struct pa_range *r, size_t nr, unsigned max_order,
                        uint64_t *bytes)
{
    struct pa_range *tmp;
    int n;

    if (!max_order)
        max_order = PA_MAX_ORDER_DEFAULT;
    if (max_order > PA_MAX_ORDER_LIMIT || nr == 0 || nr > PA_MAX_RANGES)
        return -EINVAL;
    tmp = malloc(nr * sizeof *tmp);
    if (!tmp)
        return -ENOMEM;
    memcpy(tmp, r, nr * sizeof *tmp);
    n = pa_layout_normalise(tmp, nr, NULL);
    if (n > 0) {
        unsigned co = chunk_order_for(max_order, tmp[n - 1].end);
        *bytes = (count_chunks(tmp, (size_t)n, co) << co) * sizeof(struct pa_page);
    }
    free(tmp);
    return n < 0 ? n : 0;
}

int pa_heap_table_bytes(const struct pa_range *r, size_t nr, unsigned max_order,
                        uint64_t *bytes)
{
    int rc = pa_frametable_bytes(r, nr, max_order, bytes);

    if (!rc)
        *bytes += *bytes / sizeof(struct pa_page) * sizeof(uint64_t);
    return rc;
}

/* The frame-table chunk of a present directory entry. */
static inline uint64_t dir_chunk(const struct pai_dir *d)
{
    return (uint64_t)d->slot - 1;
}

/* Directories this big come straight from mmap: fresh zero pages, so the
 * holes of a sparse layout (high MFNs with a small max_order give up to
 * PAI_DIR_MAX entries, 8 MiB) cost neither a fill nor a page fault.  malloc
 * may hand back recycled memory that calloc then clears whole. */
#define DIR_MMAP_BYTES (64UL << 10)

static size_t dir_bytes(const struct pa_heap *h)
{
    return h->dir_len * sizeof *h->dir;
}

static struct pai_dir *dir_alloc(const struct pa_heap *h)
{
    void *p;

    if (dir_bytes(h) < DIR_MMAP_BYTES)
        return calloc(h->dir_len, sizeof *h->dir);
    p = mmap(NULL, dir_bytes(h), PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static void dir_free(struct pa_heap *h)
{
    if (!h->dir)
        return;
    if (dir_bytes(h) < DIR_MMAP_BYTES)
        free(h->dir);
    else
        munmap(h->dir, dir_bytes(h));
    h->dir = NULL;
}

static int build_directory(struct pa_heap *h)
{
    unsigned co = h->chunk_order;
    uint64_t top = h->ranges[h->nr_ranges - 1].end;

    h->dir_len = (size_t)((top - 1) >> co) + 1;
    h->nr_chunks = count_chunks(h->ranges, h->nr_ranges, co);
    if ((h->nr_chunks << co) > (uint64_t)PA_PDX_NONE)
        return -E2BIG;
    /* Zeroed: every chunk ABSENT (its node and full are never read). */
    h->dir = dir_alloc(h);
    h->chunk_mfn = malloc(h->nr_chunks * sizeof *h->chunk_mfn);
    if (!h->dir || !h->chunk_mfn)
        return -ENOMEM;

    uint32_t next = 0;
    for (size_t i = 0; i < h->nr_ranges; i++) {
        const struct pa_range *r = &h->ranges[i];
        for (uint64_t c = r->start >> co; c <= (r->end - 1) >> co; c++) {
            struct pai_dir *d = &h->dir[c];
            if (d->slot == PAI_DIR_ABSENT) {
                d->slot = next + 1;
                d->node = (int16_t)r->node;
                d->full = 0;
                h->chunk_mfn[next++] = c << co;
            } else if (d->node != (int16_t)r->node) {
                d->node = PAI_NODE_MIXED;
            }
        }
    }
    /* A chunk is "full" if one range covers it entirely. */
    for (size_t i = 0; i < h->nr_ranges; i++) {
        const struct pa_range *r = &h->ranges[i];
        uint64_t c0 = (r->start + pai_mask(co)) >> co, c1 = r->end >> co;
        for (uint64_t c = c0; c < c1; c++)
            h->dir[c].full = 1;
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * Node map (Xen's memnodemap)
 * ------------------------------------------------------------------------ */

/* pdx of a RAM MFN, from the directory before the table exists. */
static uint64_t dir_pdx(const struct pa_heap *h, uint64_t mfn)
{
    return (dir_chunk(&h->dir[mfn >> h->chunk_order]) << h->chunk_order) |
           (mfn & pai_mask(h->chunk_order));
}

/*
 * As Xen's extract_lsb_from_nodes: the shift is the lowest set bit of the
 * pdx of every range start where the node changes (the first range's
 * start excepted), so every granule holds one node.  One node: one entry
 * per chunk (Xen: shift 63, one entry).  Capped at chunk_order, so the map
 * never spans two chunks' pdx in one entry.
 */
static unsigned nodemap_shift(const struct pa_heap *h)
{
    uint64_t bits = 0;

    for (size_t i = 1; i < h->nr_ranges; i++)
        if (h->ranges[i].node != h->ranges[i - 1].node)
            bits |= dir_pdx(h, h->ranges[i].start);
    if (!bits)
        return h->chunk_order;
    unsigned lsb = (unsigned)__builtin_ctzll(bits);
    return lsb < h->chunk_order ? lsb : h->chunk_order;
}

/*
 * As Xen's populate_memnodemap: each range marks the granules it covers.
 * Xen keeps a static map of 64 entries and takes a larger one from the boot
 * allocator (allocate_cachealigned_memnodemap), and turns NUMA off when no
 * shift works (nodes overlapping in a granule).  With the shift taken from
 * every node change, no granule holds two nodes, and the map is at most one
 * byte per frame-table entry (1/32 of the table), so the model always
 * builds it, from malloc rather than boot pages.
 */
static int build_nodemap(struct pa_heap *h)
{
    size_t nv = (h->nr_chunks + 63) / 64;

    h->node_shift = nodemap_shift(h);
    h->nodemap_len = (size_t)((h->nr_chunks << h->chunk_order) >> h->node_shift);
    h->nodemap = malloc(h->nodemap_len);
    h->chunk_valid = malloc(nv * sizeof *h->chunk_valid);
    if (!h->nodemap || !h->chunk_valid)
        return -ENOMEM;
    memset(h->nodemap, PAI_NODE_NONE, h->nodemap_len);
    memset(h->chunk_valid, 0xff, nv * sizeof *h->chunk_valid);
    for (size_t i = 0; i < h->nr_ranges; i++) {
        const struct pa_range *r = &h->ranges[i];
        for (uint64_t m = r->start; m < r->end;) {
            /* Granule by granule, a chunk's pdx at a time. */
            uint64_t cend = (m | pai_mask(h->chunk_order)) + 1;
            uint64_t stop = cend < r->end ? cend : r->end;
            uint64_t g0 = dir_pdx(h, m) >> h->node_shift;
            uint64_t g1 = (dir_pdx(h, stop - 1) >> h->node_shift) + 1;
            memset(h->nodemap + g0, (int)r->node, (size_t)(g1 - g0));
            m = stop;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * Frame-table memory
 * ------------------------------------------------------------------------ */

#define FT_PAGE 4096        /* a host page: what memory binding works in */

/* Bind table entries [from, to) to a node, by whole host pages: a page
 * goes with the node of its first entry. */
static int bind_entries(struct pa_heap *h, const struct pa_heap_config *cfg,
                        uint64_t from, uint64_t to, unsigned node)
{
    const uint64_t per = FT_PAGE / sizeof(struct pa_page);
    uint64_t a = (from + per - 1) / per * per, b = (to + per - 1) / per * per;
    int rc;

    if (a >= b)
        return 0;
    rc = cfg->bind((char *)h->ft + a * sizeof(struct pa_page),
                   (size_t)(b - a) * sizeof(struct pa_page), node, cfg->bind_arg);
    return rc == -ENODEV ? 0 : rc;
}

/* A chunk that holds two nodes (a node boundary off the chunk size, as on
 * most machines): each range's share of it. */
static int bind_mixed(struct pa_heap *h, const struct pa_heap_config *cfg)
{
    unsigned co = h->chunk_order;
    int rc = 0;

    for (size_t i = 0; i < h->nr_ranges && !rc; i++) {
        const struct pa_range *r = &h->ranges[i];
        for (uint64_t c = r->start >> co; c <= (r->end - 1) >> co && !rc; c++) {
            const struct pai_dir *d = &h->dir[c];
            uint64_t s = r->start > c << co ? r->start : c << co;
            uint64_t e = r->end < (c + 1) << co ? r->end : (c + 1) << co;
            uint64_t base = dir_chunk(d) << co;

            if (d->node == PAI_NODE_MIXED)
                rc = bind_entries(h, cfg, base + (s & pai_mask(co)),
                                  base + ((e - 1) & pai_mask(co)) + 1, r->node);
        }
    }
    return rc;
}

/* Offer each node's part of the table to the bind callback: whole chunks
 * of one node, then the shares of chunks that hold two. */
static int bind_table(struct pa_heap *h, const struct pa_heap_config *cfg)
{
    size_t csz = ((size_t)1 << h->chunk_order) * sizeof(struct pa_page);

    if (!cfg->bind)
        return 0;
    for (size_t c = 0; c < h->dir_len; c++) {
        struct pai_dir *d = &h->dir[c];
        if (d->slot == PAI_DIR_ABSENT || d->node == PAI_NODE_MIXED)
            continue;
        int rc = cfg->bind((char *)h->ft + dir_chunk(d) * csz, csz,
                           (unsigned)d->node, cfg->bind_arg);
        if (rc && rc != -ENODEV)
            return rc;
    }
    return bind_mixed(h, cfg);
}

/* A heap that pre-faults its table (one that is timed) maps the
 * directory's untouched holes too, read-only onto the zero page: a lookup
 * in a hole inside a timed region must not take a page fault either.  A
 * lent table (the fuzzer) skips this, as it skips pre-faulting. */
static void dir_prefault(const struct pa_heap *h)
{
    if (dir_bytes(h) < DIR_MMAP_BYTES)
        return;                 /* calloc'd: written already */
    for (size_t off = 0; off < dir_bytes(h); off += 4096)
        (void)((volatile const char *)h->dir)[off];
}

static int map_table(struct pa_heap *h, const struct pa_heap_config *cfg)
{
    h->ft_entries = h->nr_chunks << h->chunk_order;
    h->ft_bytes = h->ft_entries * sizeof(struct pa_page);
    h->ft_map_bytes = h->ft_bytes + h->ft_entries * sizeof *h->m2p;
    if (cfg->table) {
        if (cfg->table_bytes < h->ft_map_bytes)
            return -ENOSPC;
        h->ft = cfg->table;
        h->ft_lent = true;
        h->m2p = (uint64_t *)((char *)h->ft + h->ft_bytes);
        return 0;
    }
    h->ft = mmap(NULL, h->ft_map_bytes, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (h->ft == MAP_FAILED) {
        h->ft = NULL;
        return -ENOMEM;
    }
    h->m2p = (uint64_t *)((char *)h->ft + h->ft_bytes);
    if (cfg->hugepages)
        madvise(h->ft, h->ft_map_bytes, MADV_HUGEPAGE);
    int rc = bind_table(h, cfg);
    if (rc)
        return rc;
    dir_prefault(h);
#ifdef MADV_POPULATE_WRITE
    if (madvise(h->ft, h->ft_map_bytes, MADV_POPULATE_WRITE) == 0)
        return 0;
#endif
    /* Older kernels: touch one byte per 4 KiB page. */
    for (size_t off = 0; off < h->ft_map_bytes; off += 4096)
        ((volatile char *)h->ft)[off] = 0;
    return 0;
}

/* ------------------------------------------------------------------------
 * Heap creation
 * ------------------------------------------------------------------------ */

static int copy_layout(struct pa_heap *h, const struct pa_heap_config *cfg)
{
    int n;

    if (!cfg->ranges || cfg->nr_ranges == 0 || cfg->nr_ranges > PA_MAX_RANGES)
        return -EINVAL;
    h->ranges = malloc(cfg->nr_ranges * sizeof *h->ranges);
    if (!h->ranges)
        return -ENOMEM;
    memcpy(h->ranges, cfg->ranges, cfg->nr_ranges * sizeof *h->ranges);
    n = pa_layout_normalise(h->ranges, cfg->nr_ranges, NULL);
    if (n < 0)
        return n;
    h->nr_ranges = (size_t)n;
    for (size_t i = 0; i < h->nr_ranges; i++)
        if (h->ranges[i].node + 1 > h->nr_nodes)
            h->nr_nodes = h->ranges[i].node + 1;
    /* Xen 4.17 sets online every node SRAT gives memory or CPUs
     * (srat.c, setup_node_bootmem): the model takes a node below the
     * highest with RAM to have CPUs. */
    h->node_online = h->nr_nodes == 64 ? ~0ULL : (1ULL << h->nr_nodes) - 1;
    return 0;
}

static int alloc_lists(struct pa_heap *h)
{
    size_t nl = (size_t)h->nr_nodes * PA_NR_ZONES * (h->max_order + 1);

    h->lists = malloc(nl * sizeof *h->lists);
    h->avail = calloc((size_t)h->nr_nodes * PA_NR_ZONES, sizeof *h->avail);
    h->touched.list_pages = malloc(nl * sizeof *h->touched.list_pages);
    if (!h->lists || !h->avail || !h->touched.list_pages)
        return -ENOMEM;
    for (size_t i = 0; i < nl; i++) {
        h->lists[i] = (struct pai_list){ PA_PDX_NONE, PA_PDX_NONE };
        h->touched.list_pages[i] = PAI_LIST_MOVED;
    }
    return 0;
}

int pa_heap_create(const struct pa_heap_config *cfg, struct pa_heap **out)
{
    struct pa_heap *h;
    int rc;

    if (!cfg || !out || (unsigned)cfg->encoding > PA_ENC_UNINIT ||
        cfg->max_order > PA_MAX_ORDER_LIMIT ||
        (unsigned)cfg->xen >= PA_NR_XEN_VERSIONS)
        return -EINVAL;
    h = calloc(1, sizeof *h);
    if (!h)
        return -ENOMEM;
    h->enc = cfg->encoding;
    h->reserve_boundary = cfg->reserve_boundary;
    h->strategy = PA_STRAT_PAGEWISE;
    h->max_order = cfg->max_order ? cfg->max_order : PA_MAX_ORDER_DEFAULT;
    h->autocheck = true;
    h->booting = true;
    h->m2p_valid = false;   /* until the end of boot (Xen: paging_init) */
    h->first_node = -1;
    h->branch_harden = !cfg->no_branch_harden;
    h->xen = cfg->xen;
    h->free_block = pai_free_block_for(h);
    h->pdx_bottom_mask = ~0ULL;
    h->pdx_top_mask = 0;
    h->pdx_hole_shift = 0;
    h->tlbflush_clock = 1;
    for (int st = 0; st < PA_NR_STATES; st++) {
        int raw = pa_state_raw(h->enc, (enum pa_state)st);
        h->raw[st] = raw < 0 ? 0 : (uint64_t)raw << PA_PGC_STATE_SHIFT;
    }
    rc = copy_layout(h, cfg);
    if (!rc) {
        h->chunk_order = chunk_order_for(h->max_order, h->ranges[h->nr_ranges - 1].end);
        rc = build_directory(h);
        h->max_page = h->ranges[h->nr_ranges - 1].end;
    }
    if (!rc)
        rc = build_nodemap(h);
    if (!rc)
        rc = alloc_lists(h);
    if (!rc)
        rc = map_table(h, cfg);
    if (rc) {
        pa_heap_destroy(h);
        return rc;
    }
    *out = h;
    return 0;
}

void pa_heap_destroy(struct pa_heap *h)
{
    if (!h)
        return;
    if (h->deferred)
        pa_deferred_join(h, NULL);
    if (h->ft && !h->ft_lent)
        munmap(h->ft, h->ft_map_bytes);
    if (h->stacks)
        munmap(h->stacks, (size_t)h->nr_nodes * PAI_THREAD_STACK);
    free(h->ranges);
    dir_free(h);
    free(h->nodemap);
    free(h->chunk_valid);
    free(h->chunk_mfn);
    free(h->lists);
    free(h->touched.list_pages);
    free(h->avail);
    free(h->runs);
    free(h);
}

void pa_heap_reset(struct pa_heap *h)
{
    size_t nl = (size_t)h->nr_nodes * PA_NR_ZONES * (h->max_order + 1);

    if (h->deferred)
        pa_deferred_join(h, NULL);
    memset(h->ft, 0, h->ft_map_bytes);     /* the frame table and the M2P */
    for (size_t i = 0; i < nl; i++) {
        h->lists[i] = (struct pai_list){ PA_PDX_NONE, PA_PDX_NONE };
        h->touched.list_pages[i] = PAI_LIST_MOVED;
    }
    memset(h->avail, 0, (size_t)h->nr_nodes * PA_NR_ZONES * sizeof *h->avail);
    memset(h->node_need_scrub, 0, sizeof h->node_need_scrub);
    h->booting = true;
    h->m2p_valid = false;   /* until the end of boot (Xen: paging_init) */
    memset(h->node_meta, 0, sizeof h->node_meta);
    memset(h->meta_decided, 0, sizeof h->meta_decided);
    h->first_node = -1;
    memset(h->node_avail, 0, sizeof h->node_avail);
    memset(h->run_cursor, 0, sizeof h->run_cursor);
    memset(h->inflight_used, 0, sizeof h->inflight_used);
    h->total_avail = 0;
    h->nr_runs = 0;
    h->mfn0_pending = false;
}

/* ------------------------------------------------------------------------
 * Lookups
 * ------------------------------------------------------------------------ */

long pai_range_of(const struct pa_heap *h, uint64_t mfn)
{
    size_t lo = 0, hi = h->nr_ranges;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (mfn < h->ranges[mid].start)
            hi = mid;
        else if (mfn >= h->ranges[mid].end)
            lo = mid + 1;
        else
            return (long)mid;
    }
    return -1;
}

bool pa_mfn_is_ram(const struct pa_heap *h, uint64_t mfn)
{
    uint64_t c = mfn >> h->chunk_order;

    if (c >= h->dir_len || h->dir[c].slot == PAI_DIR_ABSENT)
        return false;
    return h->dir[c].full || pai_range_of(h, mfn) >= 0;
}

int pa_mfn_to_node(const struct pa_heap *h, uint64_t mfn)
{
    return pa_mfn_is_ram(h, mfn) ? pai_pdx_node(h, pai_mfn_to_pdx(h, mfn)) : -1;
}

struct pa_page *pa_mfn_to_page(const struct pa_heap *h, uint64_t mfn)
{
    return pa_mfn_is_ram(h, mfn) ? &h->ft[pai_mfn_to_pdx(h, mfn)] : NULL;
}

uint64_t pa_m2p_entry(const struct pa_heap *h, uint64_t mfn)
{
    pa_pdx_t pdx = pa_mfn_is_ram(h, mfn) ? pai_mfn_to_pdx(h, mfn) : PA_PDX_NONE;

    return pdx == PA_PDX_NONE ? 0 : h->m2p[pdx];
}

uint64_t pa_page_to_mfn(const struct pa_heap *h, const struct pa_page *pg)
{
    return pai_pdx_to_mfn(h, (pa_pdx_t)(pg - h->ft));
}

enum pa_state pa_page_state(const struct pa_heap *h, const struct pa_page *pg)
{
    return pai_state(h, pg);
}

bool pa_page_state_is(const struct pa_heap *h, const struct pa_page *pg,
                      enum pa_state st)
{
    return (pg->count_info & PA_PGC_STATE_MASK) == h->raw[st] &&
           (st != PA_STATE_UNINIT || h->enc == PA_ENC_UNINIT);
}

enum pa_encoding pa_heap_encoding(const struct pa_heap *h) { return h->enc; }
enum pa_xen_version pa_heap_xen_version(const struct pa_heap *h) { return h->xen; }

static const char *const xen_names[PA_NR_XEN_VERSIONS] = {
    [PA_XEN_4_17] = "4.17",
    [PA_XEN_4_18] = "4.18",
};

const char *pa_xen_version_name(enum pa_xen_version v)
{
    return (unsigned)v < PA_NR_XEN_VERSIONS ? xen_names[v] : "?";
}

int pa_xen_version_parse(const char *name)
{
    for (int v = 0; v < PA_NR_XEN_VERSIONS; v++)
        if (!strcmp(name, xen_names[v]))
            return v;
    return -EINVAL;
}
unsigned pa_heap_max_order(const struct pa_heap *h) { return h->max_order; }
unsigned pa_heap_nr_nodes(const struct pa_heap *h) { return h->nr_nodes; }
size_t pa_heap_nr_ranges(const struct pa_heap *h) { return h->nr_ranges; }

const struct pa_range *pa_heap_range(const struct pa_heap *h, size_t i)
{
    return i < h->nr_ranges ? &h->ranges[i] : NULL;
}

struct pa_page *pa_frametable(const struct pa_heap *h, size_t *nr_entries,
                              size_t *bytes)
{
    if (nr_entries)
        *nr_entries = h->ft_entries;
    if (bytes)
        *bytes = h->ft_bytes;
    return h->ft;
}

void pa_heap_set_check_hook(struct pa_heap *h, pa_check_fail_fn fn, void *arg)
{
    h->check_fail = fn;
    h->check_fail_arg = arg;
}

void pa_heap_set_autocheck(struct pa_heap *h, bool on)
{
    h->autocheck = on;
}
