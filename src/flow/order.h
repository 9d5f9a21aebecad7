/*
 * order.h — the OP flow (flows.md §2, api.md §3.3): create, read, list and every action of the
 * order state machine, plus the re-check when a customer's money changes.
 *
 * Each call runs inside the caller's transaction; on error nothing it wrote survives.
 * Answers (the order as api.md shows it) are owned by the caller.
 */
#ifndef OSB_FLOW_ORDER_H
#define OSB_FLOW_ORDER_H

#include "core/docno.h"
#include "flow/ctx.h"

#include <jansson.h>

int order_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e);
int order_get(struct ctx *c, const char *number, json_t **out, struct osb_err *e);

struct order_query {
    const char *state, *customer, *market, *from, *to, *cursor;
    int limit;
    const char *q; /* api.md §5.1 q= (store_filter_q), NULL: none */
};
int order_list(struct ctx *c, const struct order_query *q, json_t **out, struct osb_err *e);

/* POST /orders/{number}/{action}; 404 for an unknown action. */
int order_act(struct ctx *c, const char *number, const char *action, json_t *body, json_t **out,
              struct osb_err *e);

/* Rule 5-7: re-runs CC for each of the customer's prepay_required orders (oldest accept first)
   after its money changed; an order that now passes moves to pending_approval. Called by the
   billing flows (payments, credit notes, allocations, refunds). */
int order_recheck_customer(struct ctx *c, const char *customer, struct osb_err *e);

/* This document kind, for the work queue (flow/queue.c). */
struct doc_kind;
extern const struct doc_kind *const order_doc_kind;

/* flows.md §6 exchange (api.md §5.5): the replacement order of a received exchange return —
   source exchange, the customer's, lines (sku, qty) at the original prices price_fen, made in
   submitted (the return's confirm by the UM and approve by the MM stand for OG's verify and
   approve-market) and kept at those prices through accept. number gets the DD number. */
struct order_exchange_line {
    const char *sku;
    int64_t qty, price_fen;
};
int order_create_exchange(struct ctx *c, const char *customer, const char *return_no,
                          const char *from_order, const struct order_exchange_line *lines, size_t n,
                          char number[DOCNO_MAX], struct osb_err *e);

#endif
