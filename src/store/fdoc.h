/*
 * fdoc.h (store) — the field-sales documents' aggregate (api.md §5.7): quotations, after-sales
 * tickets, visit plans, visit reports, forecasts and plans share one table, field_docs. A row
 * holds what lists, scope and deadlines read as columns — the customer (NULL for a plan or a
 * forecast of no customer) with its market, region, KAM and rep (for a document of no
 * customer: the owner's), the owner, the state, a reference (a visit's plan item, a won
 * quotation's contract) — and the rest of the document as one JSON object `data`, which only
 * the document's flow file reads. The data fields that reports, lists and jobs select or filter
 * on (level, period_type, period, base_month, visited_at, kind, target_sales_fen,
 * target_collection_fen, total_fen, valid_until) are also typed columns: insert and save copy
 * them from data, so SQL reads them on SQLite and PostgreSQL alike. Dated items (visit plan items)
 * are field_items rows, for the deadline job. All of their SQL is here.
 */
#ifndef OSB_STORE_FDOC_H
#define OSB_STORE_FDOC_H

#include "core/docno.h"
#include "rules/perm.h"
#include "store/db.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct fdoc {
    char number[DOCNO_MAX], type[24], customer[40], market[40], region[40], kam[40], rep[40];
    char owner[40], state[24], ref[64];
    int64_t version, created_at, updated_at;
    json_t *data;     /* owned: the document's own fields */
    bool ref_changed; /* save writes ref */
    json_t *items;    /* owned, NULL: new dated items [{seq, customer, date}] save inserts */
};

/* 1 found (of that type), 0 none, -1 error. */
int store_fdoc_load(struct db *db, struct osb_err *e, const char *type, const char *number,
                    struct fdoc *d);
void store_fdoc_release(struct fdoc *d);
/* Inserts a new document (state, version 1, created_at = updated_at) and its items. */
int store_fdoc_insert(struct db *db, struct osb_err *e, struct fdoc *d);
/* Writes one action: state, version + 1, updated_at, data, ref when changed. */
int store_fdoc_save(struct db *db, struct osb_err *e, struct fdoc *d, const char *state,
                    int64_t now);

struct fdoc_filter {
    const char *type, *customer, *state, *owner, *q, *cursor;
    int limit;
};
/* One page of the documents of f->type u may see (their customer's scope, or for those of no
   customer the market, region, KAM and rep columns, or owned by u): *numbers, *next. */
int store_fdoc_list(struct db *db, struct osb_err *e, const struct scope_user *u,
                    const struct fdoc_filter *f, json_t **numbers, char **next);

/* Fills the typed columns (level, period, visited_at, total_fen, valid_until …) of every row
   from its data: the migration that adds them runs it (schema.c). 0 or -1. */
int store_fdoc_backfill(struct db *db, struct osb_err *e);

/* Documents of type whose ref is ref (a visit plan item's visits): numbers, oldest first. */
json_t *store_fdoc_by_ref(struct db *db, struct osb_err *e, const char *type, const char *ref);

/* The numbers of issued quotations whose valid_until is before today (the expiry job). */
json_t *store_fdoc_quotations_past(struct db *db, struct osb_err *e, const char *today);

/* The active user's role, market, region and manager: 1 found (*out a new object), 0, -1. */
int store_fdoc_user(struct db *db, struct osb_err *e, const char *username, json_t **out);

/* The usernames of the active users of role (in market when not NULL): a new array. */
json_t *store_fdoc_users(struct db *db, struct osb_err *e, const char *role, const char *market);

/* The supervising SLT member of market into out (40 bytes; "" when none). */
int store_fdoc_supervisor(struct db *db, struct osb_err *e, const char *market, char *out);

/* A product's list price: 1 found, 0 unknown SKU, -1 error. */
int store_fdoc_list_price(struct db *db, struct osb_err *e, const char *sku, int64_t *price);

/* Quantity of sku shipped (dispatched in [from, to)) to customer, or when customer is NULL
   to every customer of market (NULL: all): the actual of forecasts. */
int store_fdoc_actual_qty(struct db *db, struct osb_err *e, const char *customer,
                          const char *market, const char *sku, int64_t from, int64_t to,
                          int64_t *qty);

#endif
