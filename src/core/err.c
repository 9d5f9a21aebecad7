/*
 * err.c — the error table of err.h: code → pinned string and HTTP status, and the setters.
 */
#include "core/err.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *str;
    int status;
} err_table[ERR__COUNT] = {
#define XX(name, status, str) [ERR_##name] = {str, status},
    ERR_MAP(XX)
#undef XX
};

const char *err_code_str(enum err_code c)
{
    return (c >= 0 && c < ERR__COUNT) ? err_table[c].str : "internal";
}

int err_http_status(enum err_code c)
{
    return (c >= 0 && c < ERR__COUNT) ? err_table[c].status : 500;
}

void err_clear(struct osb_err *e)
{
    if (e->extra)
        json_decref(e->extra);
    memset(e, 0, sizeof *e);
}

static void copy(char *dst, size_t n, const char *src)
{
    if (!src)
        src = "";
    size_t l = strlen(src);
    if (l >= n)
        l = n - 1;
    memcpy(dst, src, l);
    dst[l] = '\0';
}

/* Length of the well-formed UTF-8 sequence at p (RFC 3629: no overlongs, no surrogates,
   nothing above U+10FFFF), or 0. A NUL fails the continuation test, so it never reads past the
   terminator. */
static size_t utf8_seq(const unsigned char *p)
{
    unsigned char lo = 0x80, hi = 0xBF;
    size_t len;
    if (p[0] < 0x80)
        return 1;
    if (p[0] >= 0xC2 && p[0] <= 0xDF) {
        len = 2;
    } else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
        len = 3;
        if (p[0] == 0xE0)
            lo = 0xA0; /* overlong */
        else if (p[0] == 0xED)
            hi = 0x9F; /* surrogates */
    } else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
        len = 4;
        if (p[0] == 0xF0)
            lo = 0x90; /* overlong */
        else if (p[0] == 0xF4)
            hi = 0x8F; /* above U+10FFFF */
    } else {
        return 0;
    }
    for (size_t i = 1; i < len; i++)
        if (p[i] < (i == 1 ? lo : 0x80) || p[i] > (i == 1 ? hi : 0xBF))
            return 0;
    return len;
}

/* Messages quote client input (a JSON parser's excerpt of the body, an unknown field name, a
   path) and are cut at a fixed size, possibly inside a character. The error envelope is JSON,
   which jansson refuses to build from invalid UTF-8 (err_envelope would answer NULL and the
   server would send nothing or crash), so every byte that is not part of a well-formed
   sequence becomes '?'. */
static void utf8_scrub(char *s)
{
    unsigned char *p = (unsigned char *)s;
    while (*p) {
        size_t len = utf8_seq(p);
        if (len == 0)
            *p++ = '?';
        else
            p += len;
    }
}

static void vset(struct osb_err *e, enum err_code c, const char *field, const char *rule,
                 const char *state, const char *fmt, va_list ap)
{
    err_clear(e);
    e->code = c;
    if (fmt && vsnprintf(e->message, sizeof e->message, fmt, ap) < 0)
        e->message[0] = '\0';
    copy(e->field, sizeof e->field, field);
    copy(e->rule, sizeof e->rule, rule);
    copy(e->state, sizeof e->state, state);
    utf8_scrub(e->message);
    utf8_scrub(e->field);
    utf8_scrub(e->rule);
    utf8_scrub(e->state);
}

int err_set(struct osb_err *e, enum err_code c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vset(e, c, NULL, NULL, NULL, fmt, ap);
    va_end(ap);
    return -1;
}

int err_invalid(struct osb_err *e, const char *field, const char *rule, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vset(e, ERR_VALIDATION_FAILED, field, rule, NULL, fmt, ap);
    va_end(ap);
    return -1;
}

int err_bad(struct osb_err *e, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vset(e, ERR_BAD_REQUEST, field, NULL, NULL, fmt, ap);
    va_end(ap);
    return -1;
}

int err_forbidden(struct osb_err *e, const char *rule, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vset(e, ERR_FORBIDDEN, NULL, rule, NULL, fmt, ap);
    va_end(ap);
    return -1;
}

int err_state(struct osb_err *e, const char *state, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vset(e, ERR_INVALID_STATE, NULL, NULL, state, fmt, ap);
    va_end(ap);
    return -1;
}
