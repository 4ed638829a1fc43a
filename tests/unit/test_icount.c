/*
 * test_icount.c - reading callgrind's output (bench/instrument/icount.h):
 * every client-request part in order with its totals, the program's own
 * termination part skipped, events mapped by name wherever they stand,
 * trailing zeros that callgrind leaves out read as zero, the bracket's cost
 * subtracted.  The real tool's output is checked end to end by the command
 * line suites (bench --count); here the file is written by hand so that
 * each rule has a case of its own.
 */
#include "tests/unit/check.h"

#include "bench/instrument/icount.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct seen {
    char name[4][64];
    struct hb_icount c[4];
    int n;
};

static int collect(const char *name, const struct hb_icount *c, void *ctx)
{
    struct seen *s = ctx;
    if (s->n < 4) {
        snprintf(s->name[s->n], sizeof(s->name[0]), "%s", name);
        s->c[s->n] = *c;
    }
    s->n++;
    return 0;
}

static void write_file(char *path, size_t len, const char *text)
{
    snprintf(path, len, "/tmp/hb-icount-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0) {
        hb_check_fail(__FILE__, __LINE__, "mkstemp failed");
        return;
    }
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
}

/*
 *   part 1  "hb-icount-empty"  Ir Dr Dw Bc Bcm = 11 1 2 (rest left out)
 *   part 2  "free/order:0"     Ir Dr Dw Bc Bcm = 75 10 17 5 1
 *   part 3  program termination              = 0
 * Expect: two parts, in order, with their names; part 1's missing Bc and
 * Bcm read as 0 but present; part 3 not reported; 75 - 11 = 64 after the
 * bracket's cost is subtracted, 17 - 2 = 15 writes.
 */
TEST(icount_read_parts_check)
{
    const char *text =
        "version: 1\ncreator: callgrind-3.19.0\npid: 1\ncmd: ./x\n"
        "part: 1\ndesc: Trigger: Client Request: hb-icount-empty\n"
        "positions: line\nevents: Ir Dr Dw Bc Bcm\nsummary: 11 1 2\n"
        "fn=(1) f\n0 11 1 2\ntotals: 11 1 2\n"
        "part: 2\ndesc: Trigger: Client Request: free/order:0\n"
        "positions: line\nevents: Ir Dr Dw Bc Bcm\nsummary: 75 10 17 5 1\n"
        "totals: 75 10 17 5 1\n"
        "part: 3\ndesc: Trigger: Program termination\n"
        "events: Ir Dr Dw Bc Bcm\nsummary: 0\ntotals: 0\n";
    char path[64], err[256] = "";
    struct seen s = { .n = 0 };

    write_file(path, sizeof(path), text);
    CHECK_EQ(hb_icount_read(path, collect, &s, err, sizeof(err)), 0);
    unlink(path);
    CHECK_EQ(s.n, 2);
    CHECK_STR(s.name[0], HB_ICOUNT_EMPTY);
    CHECK_STR(s.name[1], "free/order:0");
    CHECK(s.c[0].have[HB_IC_BC]);
    CHECK_EQ(s.c[0].ev[HB_IC_BC], 0);
    hb_icount_sub(&s.c[1], &s.c[0]);
    CHECK_EQ(s.c[1].ev[HB_IC_IR], 64);
    CHECK_EQ(s.c[1].ev[HB_IC_DW], 15);
    CHECK_EQ(s.c[1].ev[HB_IC_BCM], 1);
}

/*
 *   events: Ir only (no cache or branch simulation), in another order
 *   than ours: "Bc Ir" in a second file
 * Expect: only the events listed are present; values land by name.
 */
TEST(icount_read_events_by_name_check)
{
    char path[64], err[256] = "";
    struct seen s = { .n = 0 };

    write_file(path, sizeof(path),
               "part: 1\ndesc: Trigger: Client Request: a\nevents: Ir\n"
               "totals: 30\n"
               "part: 2\ndesc: Trigger: Client Request: b\nevents: Bc Ir\n"
               "totals: 7 40\n");
    CHECK_EQ(hb_icount_read(path, collect, &s, err, sizeof(err)), 0);
    unlink(path);
    CHECK_EQ(s.n, 2);
    CHECK(s.c[0].have[HB_IC_IR]);
    CHECK(!s.c[0].have[HB_IC_DR]);
    CHECK_EQ(s.c[0].ev[HB_IC_IR], 30);
    CHECK_EQ(s.c[1].ev[HB_IC_IR], 40);
    CHECK_EQ(s.c[1].ev[HB_IC_BC], 7);
}

/*
 *   a missing file; a file with no totals at all
 * Expect: -1 and a reason naming the file.
 */
TEST(icount_read_bad_file_check)
{
    char path[64], err[256] = "";
    struct seen s = { .n = 0 };

    CHECK_EQ(hb_icount_read("/nonexistent/cg.out", collect, &s, err,
                            sizeof(err)), -1);
    CHECK(strstr(err, "/nonexistent/cg.out") != NULL);
    write_file(path, sizeof(path), "version: 1\n");
    err[0] = '\0';
    CHECK_EQ(hb_icount_read(path, collect, &s, err, sizeof(err)), -1);
    CHECK(strstr(err, path) != NULL);
    unlink(path);
    CHECK_EQ(s.n, 0);
}

/*
 * Expect: valgrind first, the output file in an option, data and branch
 * simulation only when asked, the list NULL-terminated.
 */
TEST(icount_cmd_check)
{
    struct hb_icount_cmd cmd;
    bool full_seen = false;

    CHECK_EQ(hb_icount_cmd_init(&cmd, "/tmp/x.cg", true), 0);
    CHECK_STR(cmd.argv[0], "valgrind");
    CHECK(cmd.argv[cmd.n] == NULL);
    for (int i = 0; i < cmd.n; i++)
        if (strcmp(cmd.argv[i], "--cache-sim=yes") == 0)
            full_seen = true;
    CHECK(full_seen);
    CHECK_STR(cmd.argv[cmd.n - 1], "--callgrind-out-file=/tmp/x.cg");
    CHECK_EQ(hb_icount_cmd_init(&cmd, "/tmp/x.cg", false), 0);
    for (int i = 0; i < cmd.n; i++)
        CHECK(strcmp(cmd.argv[i], "--cache-sim=yes") != 0);
}
