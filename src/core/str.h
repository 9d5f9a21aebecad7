/*
 * str.h — bounded strings in fixed buffers and checked number parsing: the replacements for
 * the calls core/banned.h forbids (strcpy, strncpy, sprintf, atoi ...). Anything longer than a
 * fixed field is built with sb (core/sb.h) instead.
 */
#ifndef OSB_STR_H
#define OSB_STR_H

#include <stdbool.h>
#include <stddef.h>

/* Copies src (NULL copies "") into dst of n bytes, always NUL-terminated. 0, or -1 when src
   did not fit: dst then holds what fitted, so a caller that may ignore truncation can. */
int str_copy(char *dst, size_t n, const char *src);

/* snprintf into dst of n bytes: 0, or -1 when the text did not fit or could not be
   formatted (dst is then NUL-terminated, possibly truncated). */
int str_fmt(char *dst, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Parses all of s as a base-10 integer in [min, max]: true and *out, or false (empty, junk
   after the digits, out of range) with *out untouched. */
bool str_to_long(const char *s, long min, long max, long *out);
bool str_to_int(const char *s, int min, int max, int *out);

#endif
