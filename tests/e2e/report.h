/* What the e2e checkers share: one line per check, "ok" or "FAIL", and a failure flag that
 * decides their exit code. */
#ifndef VX_TESTS_E2E_REPORT_H
#define VX_TESTS_E2E_REPORT_H

#include <stdarg.h>
#include <stdio.h>

static int g_fail;

static void check(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void check(int ok, const char *fmt, ...)
{
    va_list ap;
    printf("%s ", ok ? "ok  " : "FAIL");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    if (!ok)
        g_fail = 1;
}

#endif
