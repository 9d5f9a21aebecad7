/*
 * expect.h — the one helper the table-driven unit tests share.
 *
 * A table test walks its rows and calls expect() for each; a failing row prints its name and
 * what went wrong but the walk goes on, so one run shows every broken boundary. The test ends
 * with assert_int_equal(bad, 0), which is what cmocka counts. Include this instead of cmocka.h.
 */
#ifndef OSB_TEST_EXPECT_H
#define OSB_TEST_EXPECT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static inline void __attribute__((format(printf, 3, 4)))
expect(int *bad, bool ok, const char *fmt, ...)
{
    if (ok)
        return;
    va_list ap;
    va_start(ap, fmt);
    vprint_error(fmt, ap);
    va_end(ap);
    print_error("\n");
    (*bad)++;
}

#define ROWS(a) (sizeof(a) / sizeof((a)[0]))

#endif
