/*
 * check.c - the test runner.  Each test runs in order of registration
 * (file, then line order within the file); a failed check marks the test
 * failed and the run continues.  Arguments filter tests by substring.
 */
#include "tests/unit/check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define HB_MAX_TESTS 1024

struct hb_test {
    const char *name, *file;
    int line;
    hb_test_fn fn;
};

static struct hb_test tests[HB_MAX_TESTS];
static int nr_tests;
static const char *current;
static bool current_failed;

void hb_test_register(const char *name, const char *file, int line, hb_test_fn fn)
{
    if (nr_tests == HB_MAX_TESTS) {
        fprintf(stderr, "check: more than %d tests\n", HB_MAX_TESTS);
        abort();
    }
    tests[nr_tests++] = (struct hb_test){ name, file, line, fn };
}

void hb_check_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "FAIL %s:%d: %s: ", file, line, current ? current : "?");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    current_failed = true;
}

const char *hb_current_test(void) { return current; }
bool hb_test_failed(void) { return current_failed; }

/* File by file, each file in the order its tests are written. */
static int by_place(const void *a, const void *b)
{
    const struct hb_test *x = a, *y = b;
    int c = strcmp(x->file, y->file);

    return c ? c : x->line - y->line;
}

static bool selected(const char *name, int argc, char **argv)
{
    if (argc < 2)
        return true;
    for (int i = 1; i < argc; i++)
        if (strstr(name, argv[i]))
            return true;
    return false;
}

int main(int argc, char **argv)
{
    int passed = 0, failed = 0;

    qsort(tests, (size_t)nr_tests, sizeof tests[0], by_place);
    for (int i = 0; i < nr_tests; i++) {
        if (!selected(tests[i].name, argc, argv))
            continue;
        current = tests[i].name;
        current_failed = false;
        tests[i].fn();
        if (current_failed)
            failed++;
        else
            passed++;
        printf("%s %s\n", current_failed ? "FAIL" : "ok  ", current);
        fflush(stdout);
    }
    printf("unit: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
