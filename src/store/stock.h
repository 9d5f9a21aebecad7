/*
 * stock.h (store) — one stock movement: the change to a lot's running figures together with
 * the append-only move that proves it (entities §3.4–3.5), so that `osb check`'s invariants
 *   on_hand  = Σ in-moves − Σ out-moves
 *   reserved = Σ reserve − Σ unreserve − Σ ship
 * hold after every call. Receipts stay in flow/stock.c (they may create the lot).
 */
#ifndef OSB_STORE_STOCK_H
#define OSB_STORE_STOCK_H

#include "store/db.h"

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

#endif
