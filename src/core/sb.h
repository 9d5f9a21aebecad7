/*
 * sb.h — the one string builder (after git's strbuf). Always NUL-terminated; grows on the heap.
 * Allocation failure aborts: OSB cannot do anything useful without memory.
 * The caller owns sb.buf; sb_free() releases it, sb_detach() hands it over.
 */
#ifndef OSB_SB_H
#define OSB_SB_H

#include <stdarg.h>
#include <stddef.h>

struct sb {
    char *buf;
    size_t len;
    size_t cap;
};

#define SB_INIT                                                                                    \
    {                                                                                              \
        0, 0, 0                                                                                    \
    }

void sb_add(struct sb *s, const char *str);
void sb_addn(struct sb *s, const char *str, size_t n);
void sb_addc(struct sb *s, char c);
void sb_addf(struct sb *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vaddf(struct sb *s, const char *fmt, va_list ap);
void sb_reset(struct sb *s);
/* Returns the buffer ("" when empty, still heap-allocated) and leaves s empty. */
char *sb_detach(struct sb *s);
void sb_free(struct sb *s);
/* s->buf, or "" when nothing was added yet. */
const char *sb_str(const struct sb *s);

/* Allocation helpers that abort on failure. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

#endif
