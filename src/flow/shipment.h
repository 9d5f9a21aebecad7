/*
 * shipment.h — the SP flow (flows.md §3, api.md §3.4) on the document kernel: reading
 * shipments (with allowed_actions) and every action of the shipment state machine, from receive
 * to proof of delivery, with the stock moves each one implies and the backorders it opens and
 * fulfils. The backorder document (flow/backorder.c) sits above this file and uses the helpers
 * at the end; this file never includes flow/backorder.h.
 *
 * Each call runs inside the caller's transaction; on error nothing it wrote survives.
 * Answers are owned by the caller.
 */
#ifndef OSB_FLOW_SHIPMENT_H
#define OSB_FLOW_SHIPMENT_H

#include "core/docno.h"
#include "core/sb.h"
#include "flow/ctx.h"
#include "store/order.h"

#include <jansson.h>

int shipment_get(struct ctx *c, const char *number, json_t **out, struct osb_err *e);

struct shipment_query {
    const char *state, *order, *customer, *cursor;
    int limit;
    const char *q; /* api.md §5.1 q= (store_filter_q), NULL: none */
};
int shipment_list(struct ctx *c, const struct shipment_query *q, json_t **out, struct osb_err *e);

/* POST /shipments/{number}/{action}; 404 for an unknown action. */
int shipment_act(struct ctx *c, const char *number, const char *action, json_t *body, json_t **out,
                 struct osb_err *e);

/* ---- for backorders ----------------------------------------------------------------------- */

/* A new shipment (state new) of o that fills backorder bo: qty of sku (order line line_no),
   requested in full, with what is free reserved first-expiring-first in the warehouse that
   has most of it. 422 insufficient_stock when no warehouse has any. */
int shipment_create_for_backorder(struct ctx *c, const struct order *o, const char *bo, int line_no,
                                  const char *sku, int64_t qty, char number[DOCNO_MAX],
                                  struct osb_err *e);

/* Cancels a shipment that has not been dispatched: every reserved unit goes back to stock.
   Used when the backorder it fills is cancelled. */
int shipment_cancel_pending(struct ctx *c, const char *number, const char *why, struct osb_err *e);

/* Extension (entities §5.1): a released order whose shipments are all dispatched (or
   cancelled) and that has no open backorder becomes closed. */
int shipment_close_order_if_done(struct ctx *c, const char *order_no, struct osb_err *e);

/* "M牌婴儿配方奶粉1段 900g/听 60听（5箱）" — what the customer reads on notes and notices
   (malloc'ed; NULL with e set on error). */
char *shipment_describe(struct ctx *c, const char *sku, int64_t qty, struct osb_err *e);

/* This document kind, for the work queue (flow/queue.c). */
struct doc_kind;
extern const struct doc_kind *const shipment_doc_kind;

#endif
