/*
 * rundir.c - the results folder of a run: a temporary name, renamed into
 * place when whole, removed on failure or a signal (rundir.h).
 */
#define _GNU_SOURCE
#include "bench/instrument/rundir.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

/* The signal caught (0: none) and the child to pass it to. */
static volatile sig_atomic_t caught_signal;
static volatile pid_t child_pid;

/* ------------------------------------------------------------------------
 * The folder
 * ------------------------------------------------------------------------ */

int hb_mkdir_p(const char *path)
{
    char buf[PATH_MAX];

    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return -ENAMETOOLONG;
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0777) && errno != EEXIST)
                return -errno;
            *p = '/';
        }
    if (mkdir(buf, 0777) && errno != EEXIST)
        return -errno;
    return 0;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void hb_remove_tree(const char *path)
{
    nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int hb_rundir_create(struct hb_rundir *d, const char *out, const char *stamp,
                     const char *host)
{
    int rc;

    memset(d, 0, sizeof *d);
    if (snprintf(d->out, sizeof d->out, "%s", out) >= (int)sizeof d->out ||
        snprintf(d->name, sizeof d->name, "%s-%s", stamp, host) >= (int)sizeof d->name ||
        snprintf(d->tmp, sizeof d->tmp, "%s/.tmp-%s-%ld", out, d->name, (long)getpid()) >=
            (int)sizeof d->tmp)
        return -ENAMETOOLONG;
    d->made_out = access(out, F_OK) != 0;
    rc = hb_mkdir_p(out);
    if (!rc && mkdir(d->tmp, 0777))
        rc = -errno;
    if (rc && d->made_out)
        rmdir(out);
    return rc;
}

int hb_rundir_publish(struct hb_rundir *d)
{
    for (int k = 1; k < 100; k++) {
        /* Never truncated: shorter than the temporary name, which fit. */
        int n = k == 1 ? snprintf(d->final, sizeof d->final, "%s/%s", d->out, d->name)
                       : snprintf(d->final, sizeof d->final, "%s/%s-%d", d->out, d->name, k);

        if (n >= (int)sizeof d->final)
            return -ENAMETOOLONG;
        if (!rename(d->tmp, d->final))
            return 0;
        if (errno != EEXIST && errno != ENOTEMPTY)
            return -errno;
    }
    return -EEXIST;
}

void hb_rundir_discard(struct hb_rundir *d)
{
    hb_remove_tree(d->tmp);
    if (d->made_out)
        rmdir(d->out);        /* only if empty: it held nothing before */
}

/* ------------------------------------------------------------------------
 * Signals
 * ------------------------------------------------------------------------ */

static void on_signal(int sig)
{
    caught_signal = sig;
    if (child_pid > 0)
        kill(child_pid, sig);
}

void hb_rundir_catch_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

void hb_rundir_block_signals(sigset_t *old)
{
    sigset_t block;

    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigprocmask(SIG_BLOCK, &block, old);
}

int hb_rundir_signal(void)
{
    return caught_signal;
}

void hb_rundir_set_child(pid_t pid)
{
    child_pid = pid;
}

/* The child takes signals as they come (and dies with its parent). */
int hb_rundir_child_signals(pid_t parent, const sigset_t *old)
{
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent)
        return -1;
    sigprocmask(SIG_SETMASK, old, NULL);
    return 0;
}
