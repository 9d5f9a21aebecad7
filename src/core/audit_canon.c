/*
 * audit_canon.c — the canonical text of an audit entry (audit_canon.h).
 *
 * The chain hash was first computed over json_dumps(JSON_COMPACT | JSON_SORT_KEYS) of a jansson
 * object built for each entry: ~70 k instructions per write request, most of it jansson's
 * encoder (a loop check per object, sorting the keys, a code point at a time). This writes the
 * same bytes directly, the keys in their sorted order, strings escaped by json_put_string()
 * (core/json_out.c); tests/unit/test_audit_canon.c holds it equal to jansson's text, including
 * what jansson does with text that is not UTF-8 (it leaves the member out), so every hash
 * already stored is made again byte for byte.
 */
#include "core/audit_canon.h"

#include "core/json_out.h"
#include "core/sb.h"

#include <inttypes.h>
#include <string.h>

bool utf8_valid(const char *p)
{
    const unsigned char *u = (const unsigned char *)p;
    while (*u) {
        unsigned char c = *u;
        size_t n;
        int32_t v;
        if (c < 0x80) {
            u++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            n = 2, v = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 3, v = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 4, v = c & 0x07;
        } else {
            return false;
        }
        for (size_t i = 1; i < n; i++) {
            if (u[i] < 0x80 || u[i] > 0xBF)
                return false; /* also the terminating NUL */
            v = (v << 6) + (u[i] & 0x3F);
        }
        if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) || (n == 2 && v < 0x80) ||
            (n == 3 && v < 0x800) || (n == 4 && v < 0x10000))
            return false;
        u += n;
    }
    return true;
}

static void member(struct sb *b, bool *first, const char *key)
{
    sb_addc(b, *first ? '{' : ',');
    *first = false;
    sb_addc(b, '"');
    sb_add(b, key);
    sb_addn(b, "\":", 2);
}

bool utf8_valid_n(const char *s, size_t n)
{
    const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (((w - ones) & ~w & high) | (w & high))
            break; /* a NUL or a byte >= 0x80 */
    }
    for (; i < n; i++)
        if (!s[i] || (s[i] & 0x80))
            return strlen(s) == n && utf8_valid(s);
    return true;
}

static void str_member(struct sb *b, bool *first, const char *key, const char *v)
{
    if (v && !utf8_valid(v))
        return;
    member(b, first, key);
    if (v)
        json_put_string(b, v, strlen(v));
    else
        sb_addn(b, "null", 4);
}

static void int_member(struct sb *b, bool *first, const char *key, int64_t v)
{
    member(b, first, key);
    sb_addf(b, "%" PRId64, v);
}

void audit_canonical(struct sb *b, int64_t seq, int64_t at, const char *actor, const char *obo,
                     const char *ip, const char *rid, const char *action, const char *otype,
                     const char *okey, const char *before, const char *after)
{
    bool first = true;
    str_member(b, &first, "action", action);
    str_member(b, &first, "actor", actor);
    str_member(b, &first, "after", after);
    int_member(b, &first, "at", at);
    str_member(b, &first, "before", before);
    str_member(b, &first, "ip", ip);
    str_member(b, &first, "object_key", okey);
    str_member(b, &first, "object_type", otype);
    str_member(b, &first, "on_behalf_of", obo);
    str_member(b, &first, "request_id", rid);
    int_member(b, &first, "seq", seq);
    sb_addc(b, '}');
}
