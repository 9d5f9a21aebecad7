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

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Room for n more bytes and the NUL at s->buf[s->len]: the appends below write into the buffer
   directly (sb_addc's call, capacity test and NUL per byte were a third of the encoder). */
static inline void room(struct sb *s, size_t n)
{
    if (s->len + n + 1 <= s->cap)
        return;
    size_t cap = s->cap ? s->cap : 1024;
    while (cap < s->len + n + 1)
        cap *= 2;
    s->buf = xrealloc(s->buf, cap);
    s->cap = cap;
}

static inline void put_byte(struct sb *s, char c)
{
    room(s, 1);
    s->buf[s->len++] = c;
}

static inline void put_bytes(struct sb *s, const char *p, size_t n)
{
    room(s, n);
    memcpy(s->buf + s->len, p, n);
    s->len += n;
}

/* The decimal text of v, as "%" JSON_INTEGER_FORMAT writes it. */
static void put_int(struct sb *s, json_int_t v)
{
    char b[24];
    char *q = b + sizeof b;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        *--q = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--q = '-';
    put_bytes(s, q, (size_t)(b + sizeof b - q));
}

/* No byte of the eight in w is below 0x20, '"' or '\\' (the exact "has a byte less than"
   and "has a zero byte" word tests). */
static inline bool plain8(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
    uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
    return !((((w - ones * 0x20) & ~w) | ((q - ones) & ~q) | ((b - ones) & ~b)) & high);
}

static inline uint64_t load8(const char *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

static inline uint64_t load4(const char *p)
{
    uint32_t w;
    memcpy(&w, p, 4);
    return w;
}

/* Whether none of the n bytes at p needs escaping, a word at a time: the last (partial) word
   is read again from n - 8, or as two overlapping 4-byte halves, or byte by byte into a word
   of spaces — never past p + n. Most strings of an answer are short codes, dates and names
   with nothing to escape, whose bytes after the last whole word went through the escaping
   loop one at a time: two thirds of that loop's work in daily_receipts. */
static inline bool plain(const char *p, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        if (!plain8(load8(p + i)))
            return false;
    if (i == n)
        return true;
    if (n >= 8)
        return plain8(load8(p + n - 8));
    if (n >= 4)
        return plain8(load4(p) | load4(p + n - 4) << 32);
    uint64_t w = 0x2020202020202020u;
    for (size_t k = 0; k < n; k++)
        w = (w << 8) | (unsigned char)p[k];
    return plain8(w);
}

static void put_string(struct sb *s, const char *p, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    room(s, n + 2);
    s->buf[s->len++] = '"';
    if (plain(p, n)) {
        sb_copy_short(s->buf + s->len, p, n);
        s->len += n;
        s->buf[s->len++] = '"';
        return;
    }
    size_t run = 0; /* start of the bytes not yet copied */
    for (size_t i = 0; i < n; i++) {
        while (i + 8 <= n) { /* eight plain bytes a step */
            uint64_t w;
            memcpy(&w, p + i, 8);
            if (!plain8(w))
                break;
            i += 8;
        }
        if (i >= n)
            break;
        unsigned char ch = (unsigned char)p[i];
        if (ch >= 0x20 && ch != '"' && ch != '\\')
            continue;
        if (i > run)
            put_bytes(s, p + run, i - run);
        run = i + 1;
        char esc = 0;
        switch (ch) {
        case '"':
            esc = '"';
            break;
        case '\\':
            esc = '\\';
            break;
        case '\b':
            esc = 'b';
            break;
        case '\f':
            esc = 'f';
            break;
        case '\n':
            esc = 'n';
            break;
        case '\r':
            esc = 'r';
            break;
        case '\t':
            esc = 't';
            break;
        default:
            break;
        }
        if (esc) {
            char two[2] = {'\\', esc};
            put_bytes(s, two, 2);
        } else {
            char u[6] = {'\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 15]};
            put_bytes(s, u, sizeof u);
        }
    }
    if (n > run)
        put_bytes(s, p + run, n - run);
    put_byte(s, '"');
}

void json_put_string(struct sb *s, const char *p, size_t n)
{
    put_string(s, p, n);
    s->buf[s->len] = '\0';
}

static int put(struct sb *s, const json_t *v, bool sorted);

/* A member of an object whose keys are written sorted. */
struct member {
    const char *key;
    size_t len;
    const json_t *value;
};

/* jansson's order for JSON_SORT_KEYS: the keys' bytes compared as unsigned, a key before every
   longer key it begins. */
static int member_cmp(const void *a, const void *b)
{
    const struct member *x = a, *y = b;
    int r = memcmp(x->key, y->key, x->len < y->len ? x->len : y->len);
    if (r)
        return r;
    return (x->len > y->len) - (x->len < y->len);
}

static int put_sorted_object(struct sb *s, const json_t *v)
{
    size_t n = json_object_size(v);
    struct member few[16];
    struct member *m = n <= sizeof few / sizeof few[0] ? few : xmalloc(n * sizeof *m);
    size_t k = 0;
    for (void *it = json_object_iter((json_t *)v); it && k < n;
         it = json_object_iter_next((json_t *)v, it), k++)
        m[k] = (struct member){json_object_iter_key(it), json_object_iter_key_len(it),
                               json_object_iter_value(it)};
    qsort(m, k, sizeof *m, member_cmp);
    int rc = 0;
    put_byte(s, '{');
    for (size_t i = 0; i < k && rc == 0; i++) {
        if (i)
            put_byte(s, ',');
        put_string(s, m[i].key, m[i].len);
        put_byte(s, ':');
        rc = put(s, m[i].value, true);
    }
    put_byte(s, '}');
    if (m != few)
        free(m);
    return rc;
}

static int put(struct sb *s, const json_t *v, bool sorted)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        if (sorted)
            return put_sorted_object(s, v);
        put_byte(s, '{');
        bool first = true;
        for (void *it = json_object_iter((json_t *)v); it;
             it = json_object_iter_next((json_t *)v, it)) {
            if (!first)
                put_byte(s, ',');
            first = false;
            put_string(s, json_object_iter_key(it), json_object_iter_key_len(it));
            put_byte(s, ':');
            if (put(s, json_object_iter_value(it), false) < 0)
                return -1;
        }
        put_byte(s, '}');
        return 0;
    }
    case JSON_ARRAY: {
        put_byte(s, '[');
        size_t n = json_array_size(v);
        for (size_t i = 0; i < n; i++) {
            if (i)
                put_byte(s, ',');
            if (put(s, json_array_get(v, i), sorted) < 0)
                return -1;
        }
        put_byte(s, ']');
        return 0;
    }
    case JSON_STRING:
        put_string(s, json_string_value(v), json_string_length(v));
        return 0;
    case JSON_INTEGER:
        put_int(s, json_integer_value(v));
        return 0;
    case JSON_REAL: {
        char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        if (!t)
            return -1; /* NaN or infinity: jansson refuses them too */
        put_bytes(s, t, strlen(t));
        free(t);
        return 0;
    }
    case JSON_TRUE:
        put_bytes(s, "true", 4);
        return 0;
    case JSON_FALSE:
        put_bytes(s, "false", 5);
        return 0;
    case JSON_NULL:
        put_bytes(s, "null", 4);
        return 0;
    }
    return -1;
}

static char *compact(const json_t *v, size_t *len, bool sorted)
{
    if (!v || (!json_is_object(v) && !json_is_array(v)))
        return NULL; /* as json_dumps without JSON_ENCODE_ANY */
    struct sb s = SB_INIT;
    room(&s, 4095); /* 4 KiB: most answers fit: one allocation, no copies while it grows */
    if (put(&s, v, sorted) < 0) {
        sb_free(&s);
        return NULL;
    }
    s.buf[s.len] = '\0';
    if (len)
        *len = s.len;
    return sb_detach(&s);
}

char *json_compact(const json_t *v, size_t *len)
{
    return compact(v, len, false);
}

char *json_compact_sorted(const json_t *v, size_t *len)
{
    return compact(v, len, true);
}
