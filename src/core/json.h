/*
 * json.h — the small readers every flow uses on jansson objects. A missing key or a value of
 * another type reads as NULL / 0 / false, which is what the callers test for.
 */
#ifndef OSB_JSON_H
#define OSB_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static inline const char *jstr(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static inline int64_t jint(json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

/* Two non-empty strings that are equal (NULL and "" never match anything). */
static inline bool is(const char *a, const char *b)
{
    return a && b && *a && strcmp(a, b) == 0;
}

#endif
