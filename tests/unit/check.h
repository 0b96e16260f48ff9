/* The unit tests' assertion: CHECK(cond, printf-style message) reports a failure with its
 * file and line and counts it in `failures`; a test's main returns failures != 0. */
#ifndef VX_TESTS_UNIT_CHECK_H
#define VX_TESTS_UNIT_CHECK_H

#include <stdio.h>

static int failures;

#define CHECK(cond, ...)                                  \
    do {                                                  \
        if (!(cond)) {                                    \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);   \
            printf(__VA_ARGS__);                          \
            printf("\n");                                 \
            failures++;                                   \
        }                                                 \
    } while (0)

#endif
