/*
 * check.h - the test framework: tests register themselves (one file per
 * area, no shared list to edit), checks report file, line, test, expected
 * and seen, and keep going; the runner ends with "N passed, N failed".
 *
 *   TEST(heap_free_merge_check) { ... CHECK_EQ(a, b); ... }
 */
#ifndef HB_CHECK_H
#define HB_CHECK_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

typedef void (*hb_test_fn)(void);
void hb_test_register(const char *name, const char *file, int line, hb_test_fn fn);
void hb_check_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Name of the running test (for messages). */
const char *hb_current_test(void);
/* Did the running test fail so far? */
bool hb_test_failed(void);

#define TEST(name)                                                        \
    static void name(void);                                               \
    __attribute__((constructor)) static void name##_register(void)        \
    {                                                                     \
        hb_test_register(#name, __FILE__, __LINE__, name);                          \
    }                                                                     \
    static void name(void)

#define CHECK(cond)                                                       \
    ((cond) ? true                                                        \
            : (hb_check_fail(__FILE__, __LINE__, "expected %s", #cond), false))

#define CHECK_EQ(a, b)                                                    \
    ({                                                                    \
        long long hb_a_ = (long long)(a), hb_b_ = (long long)(b);         \
        hb_a_ == hb_b_ ? true                                             \
                       : (hb_check_fail(__FILE__, __LINE__,               \
                                        "%s == %s: expected %lld, seen %lld", \
                                        #a, #b, hb_b_, hb_a_),            \
                          false);                                         \
    })

#define CHECK_STR(a, b)                                                   \
    ({                                                                    \
        const char *hb_a_ = (a), *hb_b_ = (b);                            \
        (hb_a_ && hb_b_ && strcmp(hb_a_, hb_b_) == 0)                     \
            ? true                                                        \
            : (hb_check_fail(__FILE__, __LINE__,                          \
                             "%s: expected \"%s\", seen \"%s\"", #a,      \
                             hb_b_ ? hb_b_ : "(null)",                    \
                             hb_a_ ? hb_a_ : "(null)"),                   \
               false);                                                    \
    })

/* A heap check that must pass: reports the checker's reason. */
#define CHECK_HEAP(h)                                                     \
    ({                                                                    \
        char hb_why_[256] = "";                                           \
        int hb_rc_ = pa_heap_check((h), hb_why_, sizeof hb_why_);         \
        hb_rc_ == 0 ? true                                                \
                    : (hb_check_fail(__FILE__, __LINE__,                  \
                                     "heap check failed: %s", hb_why_),   \
                       false);                                            \
    })

#endif
