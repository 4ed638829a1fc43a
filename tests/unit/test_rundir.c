/*
 * test_rundir.c - the results folder (bench/instrument/rundir.h): written
 * under a temporary name, renamed into place when whole, and on failure
 * removed together with an --out folder the run created.
 */
#include "tests/unit/check.h"

#include "bench/instrument/rundir.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool exists(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0;
}

static void scratch(char *buf, size_t len)
{
    snprintf(buf, len, "/tmp/hb-rundir-XXXXXX");
    if (!mkdtemp(buf))
        hb_check_fail(__FILE__, __LINE__, "mkdtemp failed");
}

static void touch(const char *dir, const char *name)
{
    char path[PATH_MAX];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "w");
    if (f)
        fclose(f);
}

/*
 *   <root>/a/b/                      made (with a/)
 *   <root>/a/b/.tmp-STAMP-host-PID/  written into
 *   -> <root>/a/b/STAMP-host/        after publish
 * Expect: --out made with its parents, the temporary name hidden (a dot),
 * the file inside moved with the folder, the temporary name gone.
 */
TEST(rundir_create_publish_check)
{
    char root[64], out[128], file[PATH_MAX + 16];
    struct hb_rundir d;

    scratch(root, sizeof root);
    snprintf(out, sizeof out, "%s/a/b", root);
    CHECK_EQ(hb_rundir_create(&d, out, "20261202T010203Z", "host"), 0);
    CHECK(d.made_out);
    CHECK(exists(d.tmp));
    CHECK(strstr(d.tmp, "/.tmp-20261202T010203Z-host-") != NULL);
    touch(d.tmp, "environment.csv");
    CHECK_EQ(hb_rundir_publish(&d), 0);
    CHECK(!exists(d.tmp));
    snprintf(file, sizeof file, "%s/20261202T010203Z-host/environment.csv", out);
    CHECK(exists(file));
    CHECK(strstr(d.final, "/a/b/20261202T010203Z-host") != NULL);
    hb_remove_tree(root);
    CHECK(!exists(root));
}

/* Expect: a second run of the same second and host gets "-2", not the
 * first run's folder. */
TEST(rundir_publish_name_taken_check)
{
    char root[64];
    struct hb_rundir a, b;

    scratch(root, sizeof root);
    CHECK_EQ(hb_rundir_create(&a, root, "S", "h"), 0);
    CHECK(!a.made_out);
    touch(a.tmp, "x");
    CHECK_EQ(hb_rundir_publish(&a), 0);
    CHECK_EQ(hb_rundir_create(&b, root, "S", "h"), 0);
    touch(b.tmp, "y");
    CHECK_EQ(hb_rundir_publish(&b), 0);
    CHECK(strstr(b.final, "/S-h-2") != NULL);
    CHECK(strstr(a.final, "/S-h") != NULL && strstr(a.final, "/S-h-2") == NULL);
    hb_remove_tree(root);
}

/* Expect: discarding removes the temporary folder and what is in it, and
 * --out only if this run made it. */
TEST(rundir_discard_check)
{
    char root[64], out[128];
    struct hb_rundir d;

    scratch(root, sizeof root);
    snprintf(out, sizeof out, "%s/new", root);
    CHECK_EQ(hb_rundir_create(&d, out, "S", "h"), 0);
    touch(d.tmp, "half-written.csv");
    hb_rundir_discard(&d);
    CHECK(!exists(d.tmp));
    CHECK(!exists(out));
    CHECK(exists(root));
    CHECK_EQ(hb_rundir_create(&d, root, "S", "h"), 0);
    hb_rundir_discard(&d);
    CHECK(!exists(d.tmp));
    CHECK(exists(root));
    hb_remove_tree(root);
}

/* Expect: --out under a file cannot be made, and nothing is left. */
TEST(rundir_create_fails_check)
{
    char root[64], out[128];
    struct hb_rundir d;

    scratch(root, sizeof root);
    touch(root, "file");
    snprintf(out, sizeof out, "%s/file/sub", root);
    CHECK(hb_rundir_create(&d, out, "S", "h") < 0);
    CHECK_EQ(hb_mkdir_p(out), -ENOTDIR);
    hb_remove_tree(root);
    CHECK(!exists(root));
}
