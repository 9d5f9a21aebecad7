/*
 * report_kmap.c (store) — sums by text key (invoice number, customer code) for the report
 * queries (store/report.h): an open-addressing table, FNV-1a, filled from a query's rows.
 */
#include "store/report.h"

#include "core/sb.h"

#include <stdlib.h>
#include <string.h>

static uint64_t kmap_hash(const char *k)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *k; k++)
        h = (h ^ (unsigned char)*k) * 1099511628211ULL;
    return h;
}

struct ksum *store_kmap_find(const struct kmap *m, const char *k)
{
    if (!m->cap)
        return NULL;
    for (size_t i = kmap_hash(k) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        if (!m->v[i].key)
            return NULL;
        if (strcmp(m->v[i].key, k) == 0)
            return &m->v[i];
    }
}

/* k's entry, made (zero) when there is none */
struct ksum *store_kmap_get(struct kmap *m, const char *k)
{
    struct ksum *f = store_kmap_find(m, k);
    if (f)
        return f;
    if ((m->n + 1) * 2 > m->cap) {
        struct kmap g = {xcalloc(m->cap ? m->cap * 2 : 1024, sizeof *g.v),
                         m->cap ? m->cap * 2 : 1024, m->n};
        for (size_t i = 0; i < m->cap; i++)
            if (m->v[i].key) {
                size_t j = kmap_hash(m->v[i].key) & (g.cap - 1);
                while (g.v[j].key)
                    j = (j + 1) & (g.cap - 1);
                g.v[j] = m->v[i];
            }
        free(m->v);
        *m = g;
    }
    size_t i = kmap_hash(k) & (m->cap - 1);
    while (m->v[i].key)
        i = (i + 1) & (m->cap - 1);
    m->v[i].key = xstrdup(k);
    m->n++;
    return &m->v[i];
}

void store_kmap_free(struct kmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->v[i].key);
    free(m->v);
}

/* Reads the rows of sql (its arguments a, both consumed), calling each(m, q) on every one. */
int store_kmap_fill(struct db *db, struct osb_err *e, const char *sql, json_t *a,
                    void (*each)(struct kmap *m, struct kmap *by, struct dbq *q), struct kmap *m,
                    struct kmap *by)
{
    struct dbq *q = db_query_a(db, e, sql, a);
    json_decref(a);
    if (!q)
        return -1;
    int rc;
    while ((rc = dbq_next(q, e)) == 1)
        each(m, by, q);
    dbq_end(q);
    return rc;
}

void store_kmap_per_customer(struct kmap *m, struct kmap *by, struct dbq *q)
{
    (void)by;
    struct ksum *f = store_kmap_get(m, dbq_text(q, 0));
    int64_t net = dbq_int(q, 1);
    f->sum += net;
    f->sum2 += dbq_int(q, 2);
    f->seen = true;
    f->active = f->active || net != 0;
}
