/*
 * banned.h — C library calls OSB does not use (after git's banned.h). Included into every
 * translation unit by the Makefile (-include), so using one is a compile error naming it:
 *   sorry_strcpy_is_a_banned_function undeclared
 *
 * Why, and what to use instead:
 *   strcpy, strcat, strncpy, strncat, sprintf, vsprintf, gets — unbounded or silently
 *     unterminated: str_copy / str_fmt (core/str.h) into a fixed field, sb_add / sb_addf
 *     (core/sb.h) for anything built up.
 *   snprintf — bounded, but its cut goes unnoticed unless every caller compares the result:
 *     str_fmt (0 or -1 on a cut); str_copy / STR_COPY_ARRAY / str_field (core/field.h) for a
 *     copy; STR_FMT_FITS where the build proves the text fits; sb_addf for text of any length.
 *     (vsnprintf stays for the few wrappers that check it: str_fmt, sb, err.)
 *   atoi, atol, atoll — no error report ("12x" is 12, "x" is 0): str_to_int / str_to_long.
 *   gmtime, localtime, ctime — static buffers shared between threads: the date and ts
 *     functions of core/date.h (or the _r forms).
 *
 * The standard headers declaring these are included first, so their own declarations are
 * seen before the macros exist; everything after (the file itself, libraries' headers) gets
 * the macros.
 */
#ifndef OSB_BANNED_H
#define OSB_BANNED_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) BANNED(strncat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef snprintf
#define snprintf(...) BANNED(snprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef gets
#define gets(x) BANNED(gets)
#undef atoi
#define atoi(x) BANNED(atoi)
#undef atol
#define atol(x) BANNED(atol)
#undef atoll
#define atoll(x) BANNED(atoll)
#undef gmtime
#define gmtime(t) BANNED(gmtime)
#undef localtime
#define localtime(t) BANNED(localtime)
#undef ctime
#define ctime(t) BANNED(ctime)

#endif
