/*
 * record.h (store) — generic rows of a record_def: insert, patch, get, list. The SQL is built
 * from the field list, so a collection is declared once (store/masterdata.c).
 */
#ifndef OSB_STORE_RECORD_H
#define OSB_STORE_RECORD_H

#include "core/record.h"
#include "core/sb.h"
#include "store/db.h"

/* Inserts the fields of clean plus created_at/created_by/updated_at. */
int rec_insert(struct db *db, struct osb_err *e, const struct record_def *d, json_t *clean,
               int64_t now, const char *actor);
/* Applies the fields of changes to the row with that key, bumps version. 0 ok, -1 error
   (404 when no such row). */
int rec_update(struct db *db, struct osb_err *e, const struct record_def *d, const char *key,
               json_t *changes, int64_t now);
/* Locks the row with that key until the transaction ends, before it is read for a change
   (PostgreSQL; nothing on SQLite's single writer): a PATCH with If-Match then sees the version
   the last writer left, so of two editors sending the same version one gets 409. A customer
   shares the key the credit check takes (store/credit.c), so a limit change and an order's
   check follow each other. */
int rec_lock(struct db *db, struct osb_err *e, const struct record_def *d, const char *key);
/* The row with that key as the API shows it (hidden fields left out): 1 found, 0 none. */
int rec_get(struct db *db, struct osb_err *e, const struct record_def *d, const char *key,
            json_t **out);

/* Whether a row of d has that key: 1 yes, 0 no, -1 error. */
int rec_exists(struct db *db, struct osb_err *e, const struct record_def *d, const char *key);

/* A list query: filters are (column = value) pairs ANDed; extra_where is raw SQL with its own
   params appended (may be NULL). Ordered by key; keyset cursor on the key. */
struct rec_filter {
    const char *column;
    const char *value;
};
json_t *rec_list(struct db *db, struct osb_err *e, const struct record_def *d,
                 const struct rec_filter *f, size_t nf, const char *extra_where,
                 json_t *extra_params, const char *cursor, int limit);

/* The SELECT list of d's visible fields with the type suffixes of db.h ("x!b", "x!j"). */
void rec_select_list(const struct record_def *d, struct sb *out);

#endif
