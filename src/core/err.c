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
