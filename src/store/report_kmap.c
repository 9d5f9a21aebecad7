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

/* The slot of key k (hash h) in m: its entry's, or the empty one where it would go. */
static size_t kmap_slot(const struct kmap *m, const char *k, uint64_t h)
{
    uint64_t top = h & 0xffffffff00000000ULL;
    size_t i = h & (m->nslot - 1);
    for (;; i = (i + 1) & (m->nslot - 1)) {
        uint64_t s = m->slot[i];
        if (!s || ((s & 0xffffffff00000000ULL) == top &&
                   strcmp(m->v[(s & 0xffffffffULL) - 1].key, k) == 0))
            return i;
    }
}

struct ksum *store_kmap_find(const struct kmap *m, const char *k)
{
    if (!m->nslot)
        return NULL;
    uint64_t s = m->slot[kmap_slot(m, k, kmap_hash(k))];
    return s ? &m->v[(s & 0xffffffffULL) - 1] : NULL;
}

/* k's entry, made (zero) when there is none */
struct ksum *store_kmap_get(struct kmap *m, const char *k)
{
    uint64_t h = kmap_hash(k);
    if (m->nslot) {
        uint64_t s = m->slot[kmap_slot(m, k, h)];
        if (s)
            return &m->v[(s & 0xffffffffULL) - 1];
    }
    if ((m->n + 1) * 2 > m->nslot) {
        size_t nslot = m->nslot ? m->nslot * 2 : 1024;
        uint64_t *slot = xcalloc(nslot, sizeof *slot);
        for (size_t e = 0; e < m->n; e++) {
            size_t j = kmap_hash(m->v[e].key) & (nslot - 1);
            while (slot[j])
                j = (j + 1) & (nslot - 1);
            slot[j] = (kmap_hash(m->v[e].key) & 0xffffffff00000000ULL) | (uint64_t)(e + 1);
        }
        free(m->slot);
        m->slot = slot;
        m->nslot = nslot;
    }
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 512;
        struct ksum *v = xcalloc(m->cap, sizeof *v);
        if (m->n)
            memcpy(v, m->v, m->n * sizeof *v);
        free(m->v);
        m->v = v;
    }
    size_t i = kmap_slot(m, k, h);
    m->v[m->n].key = xstrdup(k);
    m->slot[i] = (h & 0xffffffff00000000ULL) | (uint64_t)(m->n + 1);
    return &m->v[m->n++];
}

void store_kmap_free(struct kmap *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->v[i].key);
    free(m->v);
    free(m->slot);
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
