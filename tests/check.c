/*
 * check.c - the test runner.  Each test runs in order of registration
 * (file, then line order within the file); a failed check marks the test
 * failed and the run continues.  Arguments filter tests by substring.
 */
#include "tests/check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define HB_MAX_TESTS 1024

struct hb_test {
    const char *name, *file;
    hb_test_fn fn;
};

static struct hb_test tests[HB_MAX_TESTS];
static int nr_tests;
static const char *current;
static bool current_failed;

void hb_test_register(const char *name, const char *file, hb_test_fn fn)
{
    if (nr_tests == HB_MAX_TESTS) {
        fprintf(stderr, "check: more than %d tests\n", HB_MAX_TESTS);
        abort();
    }
    tests[nr_tests++] = (struct hb_test){ name, file, fn };
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

static int by_file(const void *a, const void *b)
{
    const struct hb_test *x = a, *y = b;
    return strcmp(x->file, y->file);
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

    /* Constructors run in reverse order of definition within a file; a
     * stable sort by file after reversing keeps each file's own order. */
    for (int i = 0; i < nr_tests / 2; i++) {
        struct hb_test t = tests[i];
        tests[i] = tests[nr_tests - 1 - i];
        tests[nr_tests - 1 - i] = t;
    }
    for (int i = 1; i < nr_tests; i++)        /* insertion sort: stable */
        for (int j = i; j > 0 && by_file(&tests[j - 1], &tests[j]) > 0; j--) {
            struct hb_test t = tests[j];
            tests[j] = tests[j - 1];
            tests[j - 1] = t;
        }
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
