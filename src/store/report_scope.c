/*
 * report_scope.c (store) — the customers of a report's scope and filters, read once and looked
 * up by code in C (store/report.h, struct scope_table): for the row reports of a long range,
 * whose rows each name a customer — a receipt, an order line — where a join to customers per
 * row (an index search and often a table row) or a hash of strings per row was much of their
 * CPU at 1,000,000 orders (bench/README.md).
 */
#include "store/report.h"

#include "core/audit_canon.h"
#include "core/sb.h"

#include <stdlib.h>
#include <string.h>

/* A slot of the code table: the code's bytes 0–7 and 8–11 (zero-padded), compared as two
   words; k its place + 1 (0: empty); its two values (each the text or NULL), which lie side by
   side in one block of text: one slot and one short text read a look-up. */
struct scope_slot {
    uint64_t lo;
    uint32_t hi;
    uint32_t k;
    const char *v[2];
};

#define CODE_MAX 12

/* The zero-padded words of code; false when it is longer than CODE_MAX bytes. */
static bool code_words(const char *code, uint64_t *lo, uint32_t *hi)
{
    char b[16] = {0};
    size_t i = 0;
    for (; i <= CODE_MAX && code[i]; i++)
        b[i] = code[i];
    if (i > CODE_MAX)
        return false;
    memcpy(lo, b, 8);
    memcpy(hi, b + 8, 4);
    return true;
}

static size_t code_hash(uint64_t lo, uint32_t hi, size_t mask)
{
    uint64_t h = (lo ^ ((uint64_t)hi << 17)) * 0x9E3779B97F4A7C15ULL;
    return (size_t)(h >> 32) & mask;
}

/* A copy of t (or NULL) at *at in text. */
static const char *text_put(char **at, const char *t)
{
    if (!t)
        return NULL;
    size_t n = strlen(t) + 1;
    memcpy(*at, t, n);
    *at += n;
    return *at - n;
}

/* The table of s's codes, when they all fit (else nslot stays 0). */
static void table_make(struct scope_table *s)
{
    size_t nslot = 1024, size = 1;
    while (2 * nslot < 3 * s->n)
        nslot *= 2;
    for (size_t k = 0; k < 2 * s->n; k++)
        size += s->v[k] ? strlen(s->v[k]) + 1 : 0;
    struct scope_slot *t = xcalloc(nslot, sizeof *t);
    char *text = xmalloc(size), *at = text;
    for (size_t e = 0; e < s->at.n; e++) {
        uint64_t lo;
        uint32_t hi;
        if (!code_words(s->at.v[e].key, &lo, &hi)) {
            free(t);
            free(text);
            return;
        }
        size_t i = code_hash(lo, hi, nslot - 1);
        while (t[i].k && !(t[i].lo == lo && t[i].hi == hi))
            i = (i + 1) & (nslot - 1);
        size_t k = (size_t)s->at.v[e].sum - 1;
        t[i] = (struct scope_slot){lo, hi, (uint32_t)(k + 1), {NULL, NULL}};
        t[i].v[0] = text_put(&at, s->v[2 * k]);
        t[i].v[1] = text_put(&at, s->v[2 * k + 1]);
    }
    s->slot = t;
    s->nslot = nslot;
    s->text = text;
}

/* Column col of q as dbq_object keeps it: a copy of its text, or NULL (null, or text that
   jansson would refuse). */
static char *value_copy(struct dbq *q, int col)
{
    const char *t = dbq_text(q, col);
    if (!t || !utf8_valid_n(t, dbq_len(q, col)))
        return NULL;
    return xstrdup(t);
}

int store_scope_table_read(struct db *db, struct osb_err *e, const struct report_params *p,
                           const char *cols, struct scope_table *s)
{
    struct sb head = SB_INIT;
    sb_addf(&head,
            "SELECT c.code, %s FROM customers c LEFT JOIN markets m ON m.code = c.market"
            " WHERE 1 = 1",
            cols);
    struct dbq *q = store_report_customers(db, e, p, sb_str(&head), "");
    sb_free(&head);
    if (!q)
        return -1;
    int rc;
    while ((rc = dbq_next(q, e)) == 1) {
        const char *code = dbq_text(q, 0);
        if (!code)
            continue;
        if (s->n == s->cap) {
            s->cap = s->cap ? s->cap * 2 : 256;
            s->v = xrealloc(s->v, 2 * s->cap * sizeof *s->v);
        }
        s->v[2 * s->n] = value_copy(q, 1);
        s->v[2 * s->n + 1] = value_copy(q, 2);
        store_kmap_get(&s->at, code)->sum = (int64_t)++s->n;
    }
    dbq_end(q);
    if (rc == 0 && s->n < 0x7fffffff)
        table_make(s);
    return rc;
}

bool store_scope_table_find(const struct scope_table *s, const char *code, const char **v0,
                            const char **v1)
{
    if (!s->nslot) {
        const struct ksum *c = store_kmap_find(&s->at, code);
        if (!c)
            return false;
        *v0 = s->v[2 * (c->sum - 1)];
        *v1 = s->v[2 * (c->sum - 1) + 1];
        return true;
    }
    uint64_t lo;
    uint32_t hi;
    if (!code_words(code, &lo, &hi))
        return false; /* longer than every code of the scope */
    for (size_t i = code_hash(lo, hi, s->nslot - 1);; i = (i + 1) & (s->nslot - 1)) {
        const struct scope_slot *t = &s->slot[i];
        if (!t->k)
            return false;
        if (t->lo == lo && t->hi == hi) {
            *v0 = t->v[0];
            *v1 = t->v[1];
            return true;
        }
    }
}

void store_scope_table_free(struct scope_table *s)
{
    free(s->slot);
    free(s->text);
    for (size_t i = 0; i < 2 * s->n; i++)
        free(s->v[i]);
    free(s->v);
    store_kmap_free(&s->at);
    memset(s, 0, sizeof *s);
}
