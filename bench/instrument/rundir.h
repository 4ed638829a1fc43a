/*
 * rundir.h - the results folder of a run: complete or absent.
 *
 * A run writes into <out>/.tmp-<stamp>-<host>-<pid>/ and, only when every
 * file is in, renames it to <out>/<stamp>-<host>/ (-2, -3... if taken): a
 * reader of <out> sees a whole run or none.  A failed or interrupted run
 * removes the temporary folder, and <out> if it made it.  The signal
 * handler only notes SIGINT/SIGTERM and passes it to the measuring child;
 * that state is the module's one global, since a handler has no other way
 * to reach it.  Nothing here prints: failures are a negative errno.
 */
#ifndef HB_RUNDIR_H
#define HB_RUNDIR_H

#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

struct hb_rundir {
    char out[PATH_MAX];       /* the parent folder (--out) */
    char tmp[PATH_MAX];       /* written into until published */
    char final[PATH_MAX];     /* the name it was published under */
    char name[128];           /* <stamp>-<host> */
    bool made_out;            /* out did not exist: removed if discarded */
};

/* ------------------------------------------------------------------------
 * The folder
 * ------------------------------------------------------------------------ */

/* Make out (with its parents) and the temporary folder in it, named from
 * stamp and host (host must be safe in a file name).  0, or -errno with
 * nothing left behind. */
int hb_rundir_create(struct hb_rundir *d, const char *out, const char *stamp,
                     const char *host);
/* Rename the temporary folder to out/<stamp>-<host>[-k] (d->final).
 * 0 or -errno (the temporary folder is then still there). */
int hb_rundir_publish(struct hb_rundir *d);
/* Remove the temporary folder, and out if create made it and it is empty. */
void hb_rundir_discard(struct hb_rundir *d);

/* mkdir -p: 0 or -errno. */
int hb_mkdir_p(const char *path);
/* rm -rf, best effort (symbolic links are removed, not followed). */
void hb_remove_tree(const char *path);

/* ------------------------------------------------------------------------
 * Signals
 * ------------------------------------------------------------------------ */

/* From now on SIGINT and SIGTERM only note the signal (and pass it to the
 * child set below). */
void hb_rundir_catch_signals(void);
/* Hold SIGINT and SIGTERM back (the old mask into *old) while a child is
 * forked and named, so that none arrives between the two. */
void hb_rundir_block_signals(sigset_t *old);
/* The signal caught so far, 0 if none. */
int hb_rundir_signal(void);
/* The child process a caught signal is passed to (0: none). */
void hb_rundir_set_child(pid_t pid);
/* In a freshly forked child: default signal actions, death with the
 * parent, then the signal mask old.  -1 if the parent is already gone
 * (the child should exit). */
int hb_rundir_child_signals(pid_t parent, const sigset_t *old);

#endif
