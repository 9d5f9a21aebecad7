/*
 * validate.h — the shape rules for strings (entities.md §0, numbering-and-rules.md §8).
 * Each returns true when the value is acceptable. No allocation, no I/O.
 */
#ifndef OSB_VALIDATE_H
#define OSB_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

/* code / username: 1–32 chars of [A-Za-z0-9._-]. */
bool valid_code(const char *s);

/* Number of UTF-8 characters, or (size_t)-1 when s is not valid UTF-8. */
size_t utf8_chars(const char *s);

/* text(n): valid UTF-8, at most max characters, no control characters except '\n' when
   allow_newline. */
bool valid_text(const char *s, size_t max, bool allow_newline);

/* Phone: 5–20 chars of digits, space, '+', '-', '(' and ')'. */
bool valid_phone(const char *s);

enum tax_id_check {
    TAX_ID_BAD = 0,      /* wrong characters or length: 422 invalid_tax_id */
    TAX_ID_CHECKSUM = 1, /* 15–20 chars of [0-9A-Z] but not a valid 18-char USCC: kept, warned */
    TAX_ID_OK = 2        /* a valid 统一社会信用代码 (GB 32100-2015 check character) */
};
/* Accepts 15–20 chars of [0-9A-Z]; only an 18-char value can be TAX_ID_OK. */
enum tax_id_check tax_id_check(const char *s);

#endif
