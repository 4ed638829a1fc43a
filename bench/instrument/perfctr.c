/*
 * perfctr.c - perf_event_open(2) counters for one thread, grouped, scaled
 * when multiplexed, and failing softly: see perfctr.h.
 *
 * The group leader is the first hardware counter that opens; a counter that
 * will not open (ENOENT or EOPNOTSUPP in a VM without a virtual PMU, EACCES
 * under perf_event_paranoid) is left out of the group and remembered.
 */
#define _GNU_SOURCE
#include "bench/instrument/perfctr.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <math.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

/* ------------------------------------------------------------------------
 * What each counter is
 * ------------------------------------------------------------------------ */

static const struct {
    const char *name;
    uint32_t type;
    uint64_t config;
} events[HB_PERF_NR] = {
    [HB_PERF_CYCLES] = { "cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES },
    [HB_PERF_INSTRUCTIONS] = { "instructions", PERF_TYPE_HARDWARE,
                               PERF_COUNT_HW_INSTRUCTIONS },
    [HB_PERF_CACHE_MISSES] = { "cache_misses", PERF_TYPE_HARDWARE,
                               PERF_COUNT_HW_CACHE_MISSES },
    [HB_PERF_DTLB_MISSES] = { "dtlb_misses", PERF_TYPE_HW_CACHE,
                              PERF_COUNT_HW_CACHE_DTLB |
                                  (PERF_COUNT_HW_CACHE_OP_READ << 8) |
                                  (PERF_COUNT_HW_CACHE_RESULT_MISS << 16) },
    [HB_PERF_FAULTS] = { "faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS },
};

const char *hb_perfctr_name(enum hb_perf_id id)
{
    return id < HB_PERF_NR ? events[id].name : "?";
}

/* ------------------------------------------------------------------------
 * Opening
 * ------------------------------------------------------------------------ */

static int perf_open(enum hb_perf_id id, int group_fd, bool user_only)
{
    struct perf_event_attr a;

    memset(&a, 0, sizeof a);
    a.size = sizeof a;
    a.type = events[id].type;
    a.config = events[id].config;
    a.disabled = group_fd < 0;      /* members follow their leader */
    a.exclude_kernel = user_only;
    a.exclude_hv = 1;
    if (id != HB_PERF_FAULTS)
        a.read_format = PERF_FORMAT_GROUP | PERF_FORMAT_TOTAL_TIME_ENABLED |
                        PERF_FORMAT_TOTAL_TIME_RUNNING;
    return (int)syscall(SYS_perf_event_open, &a, 0, -1, group_fd, PERF_FLAG_FD_CLOEXEC);
}

static void open_group(struct hb_perfctr *p)
{
    for (int id = 0; id < HB_PERF_NR_HW; id++) {
        int group_fd = p->leader < 0 ? -1 : p->fd[p->leader];
        int fd = perf_open(id, group_fd, true);

        if (fd < 0) {
            p->err[id] = errno;
            continue;
        }
        p->fd[id] = fd;
        p->slot[id] = p->nr_group++;
        if (p->leader < 0)
            p->leader = id;
    }
}

/* Faults in the kernel's own accesses on our behalf count too, so try
 * without exclude_kernel first; paranoid settings may only allow user. */
static void open_faults(struct hb_perfctr *p)
{
    int fd = perf_open(HB_PERF_FAULTS, -1, false);

    if (fd < 0)
        fd = perf_open(HB_PERF_FAULTS, -1, true);
    if (fd >= 0) {
        p->fd[HB_PERF_FAULTS] = fd;
        return;
    }
    p->err[HB_PERF_FAULTS] = errno;
    p->faults_rusage = true;
}

void hb_perfctr_open(struct hb_perfctr *p, bool skip_hw)
{
    memset(p, 0, sizeof *p);
    p->leader = -1;
    for (int id = 0; id < HB_PERF_NR; id++)
        p->fd[id] = -1;
    if (skip_hw)
        for (int id = 0; id < HB_PERF_NR_HW; id++)
            p->err[id] = ECANCELED;
    else
        open_group(p);
    open_faults(p);
}

void hb_perfctr_close(struct hb_perfctr *p)
{
    /* Members first: closing the leader would break up the group. */
    for (int id = HB_PERF_NR - 1; id >= 0; id--)
        if (p->fd[id] >= 0) {
            close(p->fd[id]);
            p->fd[id] = -1;
        }
    p->leader = -1;
    p->nr_group = 0;
}

bool hb_perfctr_available(const struct hb_perfctr *p, enum hb_perf_id id)
{
    if (id == HB_PERF_FAULTS)
        return true;
    return id < HB_PERF_NR && p->fd[id] >= 0;
}

const char *hb_perfctr_why(const struct hb_perfctr *p, enum hb_perf_id id)
{
    if (id >= HB_PERF_NR)
        return "no such counter";
    if (id == HB_PERF_FAULTS && p->faults_rusage)
        return "getrusage";
    if (p->fd[id] >= 0 || !p->err[id])
        return "";
    if (p->err[id] == ECANCELED)
        return "not requested";
    return strerror(p->err[id]);
}

/* ------------------------------------------------------------------------
 * Counting
 * ------------------------------------------------------------------------ */

static uint64_t rusage_faults(void)
{
    struct rusage ru;

    if (getrusage(RUSAGE_THREAD, &ru))
        return 0;
    return (uint64_t)ru.ru_minflt + (uint64_t)ru.ru_majflt;
}

void hb_perfctr_start(struct hb_perfctr *p)
{
    int fd = p->fd[HB_PERF_FAULTS];

    if (fd >= 0) {
        ioctl(fd, PERF_EVENT_IOC_RESET, 0);
        ioctl(fd, PERF_EVENT_IOC_ENABLE, 0);
    } else {
        p->faults_start = rusage_faults();
    }
    if (p->leader >= 0) {
        ioctl(p->fd[p->leader], PERF_EVENT_IOC_RESET, PERF_IOC_FLAG_GROUP);
        ioctl(p->fd[p->leader], PERF_EVENT_IOC_ENABLE, PERF_IOC_FLAG_GROUP);
    }
}

/* One read of the whole group: nr, time enabled, time running, values. */
static void read_group(struct hb_perfctr *p, double out[HB_PERF_NR])
{
    uint64_t buf[3 + HB_PERF_NR_HW];
    ssize_t want = (ssize_t)((3 + p->nr_group) * sizeof buf[0]);
    double scale;

    if (read(p->fd[p->leader], buf, sizeof buf) < want || buf[0] != p->nr_group)
        return;
    if (buf[2] == 0)                /* never scheduled: no information */
        return;
    scale = (double)buf[1] / (double)buf[2];
    for (int id = 0; id < HB_PERF_NR_HW; id++)
        if (p->fd[id] >= 0)
            out[id] = (double)buf[3 + p->slot[id]] * scale;
}

void hb_perfctr_stop(struct hb_perfctr *p, double out[HB_PERF_NR])
{
    int fd = p->fd[HB_PERF_FAULTS];
    uint64_t v;

    if (p->leader >= 0)
        ioctl(p->fd[p->leader], PERF_EVENT_IOC_DISABLE, PERF_IOC_FLAG_GROUP);
    if (fd >= 0)
        ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);
    for (int id = 0; id < HB_PERF_NR; id++)
        out[id] = NAN;
    if (p->leader >= 0)
        read_group(p, out);
    if (fd >= 0) {
        if (read(fd, &v, sizeof v) == sizeof v)
            out[HB_PERF_FAULTS] = (double)v;
    } else {
        out[HB_PERF_FAULTS] = (double)(rusage_faults() - p->faults_start);
    }
}
