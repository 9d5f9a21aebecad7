/*
 * free_goods.h (store) — what the free-goods and below-list price rules read
 * (flow/free_goods.c decides).
 */
#ifndef OSB_STORE_FREE_GOODS_H
#define OSB_STORE_FREE_GOODS_H

#include "store/db.h"

#include <jansson.h>
#include <stdint.h>

/* What orders other than except_order (may be "") draw on expense application app: drawn =
   Σ (qty − qty_cut − qty_cancelled of its backorders) × expense_price of the lines of orders
   past QC and not rejected or cancelled, less what received returns gave back; shipped = Σ
   (dispatched qty − shortages after POD resolved by a backorder) × expense_price, less the
   same returns — a backorder's own dispatch then counts those units once. */
int store_free_goods_drawn(struct db *db, struct osb_err *e, const char *app,
                           const char *except_order, int64_t *drawn, int64_t *shipped);

/* The documents that may cover a below-list price for customer on day (YYYY-MM-DD):
   [{"number","kind":"quotation"|"contract","valid_until"|null,"data"}] — quotations approved,
   issued or won; contracts approved, signed or archived valid on day, with the data (JSON
   text) of the quotation they came from. */
json_t *store_price_covers(struct db *db, struct osb_err *e, const char *customer, const char *day);

#endif
