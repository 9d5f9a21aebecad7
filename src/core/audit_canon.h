/*
 * audit_canon.h — the canonical text of an audit entry, the input of its chain hash
 * (store/audit.c).
 */
#ifndef OSB_AUDIT_CANON_H
#define OSB_AUDIT_CANON_H

#include <stdbool.h>
#include <stdint.h>

struct sb;

/* Appends to b the bytes json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) writes for the object o
   of the members seq, at, actor, on_behalf_of, ip, request_id, action, object_type, object_key,
   before and after (a NULL string is null; a string that is not UTF-8 is left out, as
   json_string() refuses it and json_object_set_new() then sets nothing). */
void audit_canonical(struct sb *b, int64_t seq, int64_t at, const char *actor, const char *obo,
                     const char *ip, const char *rid, const char *action, const char *otype,
                     const char *okey, const char *before, const char *after);

/* jansson's test of a string (utf8_check_string): UTF-8 of RFC 3629 — no overlong forms, no
   surrogates, nothing beyond U+10FFFF. */
bool utf8_valid(const char *s);

/* Whether the n bytes at s (s[n] is a NUL) hold no NUL and are utf8_valid — strlen(s) == n &&
   utf8_valid(s) — tested eight ASCII bytes at a time first: the codes, numbers and dates of a
   report's rows, millions of them a year at 1,000,000 orders. */
bool utf8_valid_n(const char *s, size_t n);

#endif
