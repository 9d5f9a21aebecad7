/*
 * json_out.h — the compact JSON text of an object or array, byte for byte what
 * json_dumps(v, JSON_COMPACT) gives, at a fraction of its cost (json_out.c says why).
 */
#ifndef OSB_JSON_OUT_H
#define OSB_JSON_OUT_H

#include <jansson.h>
#include <stddef.h>

/* A heap string (free it) and its length in *len (when len is not NULL); NULL when v is not an
   object or array, or holds a real jansson cannot write (NaN, infinity). */
char *json_compact(const json_t *v, size_t *len);
/* The same for json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS): every object's keys in jansson's
   sorted order (bytes compared as unsigned, a key before the longer keys it begins). */
char *json_compact_sorted(const json_t *v, size_t *len);

struct sb;
/* Appends the n bytes at p (valid UTF-8) as a JSON string, quoted and escaped exactly as
   json_dumps escapes a string without JSON_ENSURE_ASCII / JSON_ESCAPE_SLASH. */
void json_put_string(struct sb *s, const char *p, size_t n);

#endif
