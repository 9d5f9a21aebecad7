/*
 * sb.c — string builder and the aborting allocation helpers of sb.h.
 */
#include "core/sb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        abort();
    return p;
}

void *xcalloc(size_t n, size_t m)
{
    void *p = calloc(n ? n : 1, m ? m : 1);
    if (!p)
        abort();
    return p;
}

void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        abort();
    return p;
}

char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = xmalloc(n);
    memcpy(p, s, n);
    return p;
}

static void grow(struct sb *s, size_t extra)
{
    size_t need = s->len + extra + 1;
    if (need <= s->cap)
        return;
    size_t cap = s->cap ? s->cap : 64;
    while (cap < need)
        cap *= 2;
    s->buf = xrealloc(s->buf, cap);
    s->cap = cap;
}

void sb_addn(struct sb *s, const char *str, size_t n)
{
    grow(s, n);
    memcpy(s->buf + s->len, str, n);
    s->len += n;
    s->buf[s->len] = '\0';
}

void sb_add(struct sb *s, const char *str)
{
    sb_addn(s, str, strlen(str));
}

void sb_addc(struct sb *s, char c)
{
    sb_addn(s, &c, 1);
}

void sb_vaddf(struct sb *s, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        return;
    grow(s, (size_t)n);
    int m = vsnprintf(s->buf + s->len, (size_t)n + 1, fmt, ap);
    if (m == n)
        s->len += (size_t)n;
    s->buf[s->len] = '\0';
}

void sb_addf(struct sb *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sb_vaddf(s, fmt, ap);
    va_end(ap);
}

void sb_reset(struct sb *s)
{
    s->len = 0;
    if (s->buf)
        s->buf[0] = '\0';
}

char *sb_detach(struct sb *s)
{
    char *r = s->buf ? s->buf : xstrdup("");
    s->buf = NULL;
    s->len = s->cap = 0;
    return r;
}

void sb_free(struct sb *s)
{
    free(s->buf);
    s->buf = NULL;
    s->len = s->cap = 0;
}

const char *sb_str(const struct sb *s)
{
    return s->buf ? s->buf : "";
}
