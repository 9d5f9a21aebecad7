/*
 * free_goods.h (flow) — order lines paid from expense money (free goods: flows.md §15 settle,
 * QC-5) and lines priced below the customer's list under a quotation or contract (flows.md §8).
 * Called by the order flow (QC, pricing) and the expense application's answer.
 */
#ifndef OSB_FLOW_FREE_GOODS_H
#define OSB_FLOW_FREE_GOODS_H

#include "core/date.h"
#include "flow/ctx.h"
#include "store/order.h"

#include <jansson.h>

/* QC-5: every expense line names an expense application of the order's customer that offers
   free goods (rules/free_goods.h) with enough left for the lines of this order naming it
   (qty × expense_price, before the quota cut); each miss appends {rule expense_unavailable,
   line, sku, message} to failed. */
int free_goods_qc(struct ctx *c, const struct order *o, json_t *failed, struct osb_err *e);

/* What an expense application's answer shows of its free goods (added to app):
   free_goods_fen (null when it offers none), free_goods_drawn_fen, free_goods_shipped_fen,
   free_goods_remaining_fen. */
int free_goods_answer(struct ctx *c, json_t *app, struct osb_err *e);

/* The drawn amount of application app by all orders (for settle's check). */
int free_goods_drawn(struct ctx *c, const char *app, int64_t *drawn, struct osb_err *e);

/* flows.md §8: the quotation or contract of customer valid on day that quotes sku at a price
   the asked price is not below; source gets its number (1) or "" (0). */
int free_goods_price_cover(struct ctx *c, const char *customer, const char *sku, int64_t asked,
                           date_t day, char source[DOCNO_MAX], struct osb_err *e);

#endif
