/*
 * stock.h (store) — one stock movement: the change to a lot's running figures together with
 * the append-only move that proves it (entities §3.4–3.5), so that `osb check`'s invariants
 *   on_hand  = Σ in-moves − Σ out-moves
 *   reserved = Σ reserve − Σ unreserve − Σ ship
 * hold after every call; a receipt (which may create the lot) with its RK row; the lots of a
 * SKU first-expiring-first; and the stock list. All of stock's SQL is here (flow/stock.c and
 * flow/shipment.c decide).
 */
#ifndef OSB_STORE_STOCK_H
#define OSB_STORE_STOCK_H

#include "core/docno.h"
#include "store/db.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

enum stock_move_kind {
    SM_RESERVE,   /* reserved += qty */
    SM_UNRESERVE, /* reserved −= qty */
    SM_SHIP,      /* on_hand −= qty and reserved −= qty: only reserved stock ships */
};

struct stock_move {
    int64_t at;
    const char *warehouse, *sku, *batch;
    enum stock_move_kind kind;
    int64_t qty;          /* > 0; a call with qty <= 0 does nothing */
    const char *document; /* the shipment (FH) that moved it */
    const char *by;
};

/* Applies m to its lot and appends its move. The lot's CHECK constraints (0 ≤ reserved ≤
   on_hand) are the last guard: callers validate first, so a violation here is a bug (500). */
int store_stock_move(struct db *db, struct osb_err *e, const struct stock_move *m);

/* The lots of sku in wh, first-expiring-first (flows.md §3.1 SP2: earliest expires, then
   earliest produced_on, then batch code): [{batch, ok, free}] (free = on_hand − reserved), a
   new array, or NULL on error. */
json_t *store_stock_fefo(struct db *db, struct osb_err *e, const char *wh, const char *sku);

struct stock_receipt {
    char number[DOCNO_MAX];
    const char *warehouse, *sku, *batch, *expires, *produced_on, *source, *by;
    int64_t qty, at;
};
/* Do the warehouse and the product exist? */
int store_stock_refs(struct db *db, struct osb_err *e, const char *wh, const char *sku, bool *wh_ok,
                     bool *sku_ok);
/* The lot as the stock list shows it ({warehouse, sku, batch, expires, on_hand, reserved,
   available}); 1 found, 0 none, -1 error. */
int store_stock_lot(struct db *db, struct osb_err *e, const char *wh, const char *sku,
                    const char *batch, json_t **out);
/* Writes the receipt row, adds qty to the lot (creating it) and appends its receipt move. */
int store_stock_receive(struct db *db, struct osb_err *e, const struct stock_receipt *r);

/* Lots by warehouse, SKU and first expiring first, limit + 1 rows after the keyset after (4
   strings: warehouse, sku, sort expiry, batch; NULL from the start); each row has sort_exp. */
json_t *store_stock_list(struct db *db, struct osb_err *e, const char *sku, const char *wh,
                         const char *q, json_t *after, int limit);

#endif
