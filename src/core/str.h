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
   formatted (dst is then NUL-terminated, possibly truncated). core/banned.h bans snprintf:
   this is what OSB formats into a fixed buffer with. */
int str_fmt(char *dst, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* str_fmt into the char array dst of a text at most need bytes long, NUL included, where need
   is a constant the caller works out from the format and the arrays it prints (e.g. sizeof
   "customer:" + sizeof o->customer - 1): the build checks need <= sizeof dst, so a cut cannot
   happen and the result need not be looked at. */
#define STR_FMT_FITS(dst, need, ...)                                                               \
    do {                                                                                           \
        _Static_assert(sizeof(dst) >= (need), "STR_FMT_FITS: " #dst " may be cut");                \
        (void)str_fmt((dst), sizeof(dst), __VA_ARGS__);                                            \
    } while (0)

/* Copies the char array src into the char array dst when dst is at least as large: a cut
   cannot happen, and the build proves it (both must be arrays; a pointer fails to compile). */
#define STR_COPY_ARRAY(dst, src)                                                                   \
    do {                                                                                           \
        _Static_assert(!__builtin_types_compatible_p(__typeof__(dst), __typeof__(&(dst)[0])) &&    \
                           !__builtin_types_compatible_p(__typeof__(src), __typeof__(&(src)[0])),  \
                       "STR_COPY_ARRAY needs two arrays");                                         \
        _Static_assert(sizeof(dst) >= sizeof(src), "STR_COPY_ARRAY: " #dst " shorter than " #src); \
        (void)str_copy((dst), sizeof(dst), (src));                                                 \
    } while (0)

/* Parses all of s as a base-10 integer in [min, max]: true and *out, or false (empty, junk
   after the digits, out of range) with *out untouched. */
bool str_to_long(const char *s, long min, long max, long *out);
bool str_to_int(const char *s, int min, int max, int *out);

#endif
