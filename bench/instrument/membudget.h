/*
 * membudget.h - how much memory a benchmark run may have live at once.
 *
 * The budget is fixed when the run starts (MemAvailable and the memory
 * cgroup's headroom, less a margin, or --mem-budget); every big buffer is
 * held in a ledger, and before one is built the size check counts it
 * against the budget and against what is still available then.  A holder
 * of another family is released first.  docs/running.md, "Memory never
 * runs out", says how.  The parsers read from a folder given as argument
 * (/proc and /sys/fs/cgroup on a real run), so tests feed them fake trees.
 * Nothing here prints; errors come back as a negative errno.
 */
#ifndef HB_MEMBUDGET_H
#define HB_MEMBUDGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HB_MEM_UNLIMITED UINT64_MAX
#define HB_MEM_LEAVE_PCT 25          /* default margin: leave 25 % */
#define HB_MEM_HOLDERS 16

/* ------------------------------------------------------------------------
 * Reading the machine (from a root folder: "" for the real one)
 * ------------------------------------------------------------------------ */

/* MemAvailable in bytes from ROOT/proc/meminfo; -ENOENT, -EINVAL. */
int hb_mem_read_available(const char *root, uint64_t *bytes);

/*
 * The memory cgroup of the process whose /proc/PID/cgroup is at
 * ROOT/proc/self/cgroup, under ROOT/sys/fs/cgroup: v1 (a "memory"
 * controller line: memory/<path>/memory.limit_in_bytes and
 * memory.usage_in_bytes) or v2 (the "0::<path>" line: <path>/memory.max
 * and memory.current).  Every level from the process's cgroup up to the
 * root is read and the smallest headroom (limit - usage) kept; *limit and
 * *usage are that level's.  No limit anywhere: *limit = HB_MEM_UNLIMITED,
 * *usage = 0, and 0 is returned (a machine without cgroups is not an
 * error).  *version gets 1, 2, or 0 (none found).
 */
int hb_mem_read_cgroup(const char *root, uint64_t *limit, uint64_t *usage,
                       int *version);

/* ------------------------------------------------------------------------
 * The budget
 * ------------------------------------------------------------------------ */

struct hb_mem_holder {
    const void *id;                    /* NULL: slot unused */
    const char *family;
    uint64_t bytes;
    void (*release)(void *arg);        /* frees the buffer (may be NULL) */
    void *arg;
};

struct hb_membudget {
    const char *root;                  /* "" on a real run */
    uint64_t budget;                   /* bytes live at once, at most */
    uint64_t margin;                   /* kept free of what is available */
    uint64_t avail_start;              /* MemAvailable at the start */
    uint64_t cg_limit, cg_usage;       /* HB_MEM_UNLIMITED: no cgroup limit */
    int cg_version;
    bool given;                        /* --mem-budget */
    struct hb_mem_holder h[HB_MEM_HOLDERS];
};

/*
 * The arithmetic, on its own: available = min(avail, cg_limit - cg_usage);
 * budget = given if non-zero, else available less leave_pct %; a given
 * budget is capped at the available memory.  *margin = available - budget.
 */
void hb_mem_budget_of(uint64_t avail, uint64_t cg_limit, uint64_t cg_usage,
                      unsigned leave_pct, uint64_t given, uint64_t *budget,
                      uint64_t *margin);

/* Read the machine under root ("" = /) and fix the budget; given = 0 for
 * the default margin.  -errno if MemAvailable cannot be read. */
int hb_mem_init(struct hb_membudget *m, const char *root, uint64_t given);

/* Describe the budget: "6.0 GiB (75 % of 8.0 GiB: cgroup v1 limit)". */
void hb_mem_describe(const struct hb_membudget *m, char *buf, size_t len);

/*
 * May `need` more bytes be built now for `family`?  Holders of other
 * families are released first.  Then what stays held plus need must fit
 * the budget, and need must fit what is available now less the margin.
 * False with the reason in why ("needs 8.0 GiB with 4.0 GiB held; budget
 * 6.0 GiB (...)") if not.  m NULL: always true.
 */
bool hb_mem_fits(struct hb_membudget *m, const char *family, uint64_t need,
                 char *why, size_t whylen);

/* Put a buffer in the ledger / take it out (it was freed).  Hold fails
 * with -ENOSPC if the ledger is full (the buffer is then not counted). */
int hb_mem_hold(struct hb_membudget *m, const void *id, const char *family,
                uint64_t bytes, void (*release)(void *arg), void *arg);
void hb_mem_drop(struct hb_membudget *m, const void *id);
/* Bytes held now. */
uint64_t hb_mem_held(const struct hb_membudget *m);

#endif
