/*
 * json_out.c — json_compact(): the bytes json_dumps(v, JSON_COMPACT) writes, without its cost.
 *
 * Every API answer is encoded once. jansson's encoder checks each object and array for a loop
 * by formatting its address with snprintf("%p") into a hash table, and decodes every string's
 * UTF-8 a code point at a time; on the bench's path that was about 10 % of the server's
 * instructions (bench/README.md). This writer walks the same tree in the same order (an
 * object's keys as inserted: json_object_iter, as json_dumps without JSON_SORT_KEYS) and
 * escapes exactly what jansson escapes without JSON_ENSURE_ASCII / JSON_ESCAPE_SLASH: '"',
 * '\\', and bytes below 0x20 (\b \f \n \r \t by name, the rest as \u00XX in upper-case hex).
 * A jansson string holds valid UTF-8 (json_string checks it), so bytes >= 0x20 are copied as
 * they are. Reals are rare in answers and their text has rules of its own (%.17g, ".0",
 * exponent digits): they are left to jansson. tests/unit/test_json_out.c holds the output
 * equal to json_dumps on every kind of value.
 */
#include "core/json_out.h"

#include "core/sb.h"
#include "core/str.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

void json_put_string(struct sb *s, const char *p, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    sb_addc(s, '"');
    size_t run = 0; /* start of the bytes not yet copied */
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)p[i];
        if (ch >= 0x20 && ch != '"' && ch != '\\')
            continue;
        if (i > run)
            sb_addn(s, p + run, i - run);
        run = i + 1;
        switch (ch) {
        case '"':
            sb_addn(s, "\\\"", 2);
            break;
        case '\\':
            sb_addn(s, "\\\\", 2);
            break;
        case '\b':
            sb_addn(s, "\\b", 2);
            break;
        case '\f':
            sb_addn(s, "\\f", 2);
            break;
        case '\n':
            sb_addn(s, "\\n", 2);
            break;
        case '\r':
            sb_addn(s, "\\r", 2);
            break;
        case '\t':
            sb_addn(s, "\\t", 2);
            break;
        default: {
            char u[6] = {'\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 15]};
            sb_addn(s, u, sizeof u);
        }
        }
    }
    if (n > run)
        sb_addn(s, p + run, n - run);
    sb_addc(s, '"');
}

static int put(struct sb *s, const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        sb_addc(s, '{');
        bool first = true;
        for (void *it = json_object_iter((json_t *)v); it;
             it = json_object_iter_next((json_t *)v, it)) {
            if (!first)
                sb_addc(s, ',');
            first = false;
            json_put_string(s, json_object_iter_key(it), json_object_iter_key_len(it));
            sb_addc(s, ':');
            if (put(s, json_object_iter_value(it)) < 0)
                return -1;
        }
        sb_addc(s, '}');
        return 0;
    }
    case JSON_ARRAY: {
        sb_addc(s, '[');
        size_t n = json_array_size(v);
        for (size_t i = 0; i < n; i++) {
            if (i)
                sb_addc(s, ',');
            if (put(s, json_array_get(v, i)) < 0)
                return -1;
        }
        sb_addc(s, ']');
        return 0;
    }
    case JSON_STRING:
        json_put_string(s, json_string_value(v), json_string_length(v));
        return 0;
    case JSON_INTEGER: {
        char b[24];
        if (str_fmt(b, sizeof b, "%" JSON_INTEGER_FORMAT, json_integer_value(v)) < 0)
            return -1;
        sb_add(s, b);
        return 0;
    }
    case JSON_REAL: {
        char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        if (!t)
            return -1; /* NaN or infinity: jansson refuses them too */
        sb_add(s, t);
        free(t);
        return 0;
    }
    case JSON_TRUE:
        sb_addn(s, "true", 4);
        return 0;
    case JSON_FALSE:
        sb_addn(s, "false", 5);
        return 0;
    case JSON_NULL:
        sb_addn(s, "null", 4);
        return 0;
    }
    return -1;
}

char *json_compact(const json_t *v, size_t *len)
{
    if (!v || (!json_is_object(v) && !json_is_array(v)))
        return NULL; /* as json_dumps without JSON_ENCODE_ANY */
    struct sb s = SB_INIT;
    if (put(&s, v) < 0) {
        sb_free(&s);
        return NULL;
    }
    if (len)
        *len = s.len;
    return sb_detach(&s);
}
