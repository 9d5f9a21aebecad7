/*
 * str.c — bounded copies and checked parsing (str.h).
 */
#include "core/str.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int str_copy(char *dst, size_t n, const char *src)
{
    if (n == 0)
        return -1;
    if (!src)
        src = "";
    size_t len = strlen(src);
    size_t k = len < n ? len : n - 1;
    memcpy(dst, src, k);
    dst[k] = '\0';
    return k == len ? 0 : -1;
}

int str_fmt(char *dst, size_t n, const char *fmt, ...)
{
    if (n == 0)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(dst, n, fmt, ap);
    va_end(ap);
    if (r < 0) {
        dst[0] = '\0';
        return -1;
    }
    return (size_t)r < n ? 0 : -1;
}

bool str_to_long(const char *s, long min, long max, long *out)
{
    if (!s || !*s)
        return false;
    errno = 0;
    char *end;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max)
        return false;
    *out = v;
    return true;
}

bool str_to_int(const char *s, int min, int max, int *out)
{
    long v;
    if (!str_to_long(s, min, max, &v))
        return false;
    *out = (int)v;
    return true;
}
