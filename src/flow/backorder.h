/*
 * backorder.h — backorders (欠货, QH; flows.md §3.3, api.md §4) on the document kernel: opened
 * by the shipment flow when a shipment leaves with less than was requested, then scheduled on
 * a new shipment or cancelled. Every answer carries allowed_actions; the list takes state=a,b.
 *
 * Each call runs inside the caller's transaction; answers are owned by the caller.
 */
#ifndef OSB_FLOW_BACKORDER_H
#define OSB_FLOW_BACKORDER_H

#include "flow/ctx.h"

#include <jansson.h>

int backorder_get(struct ctx *c, const char *number, json_t **out, struct osb_err *e);

struct backorder_query {
    const char *state, *order, *customer, *sku, *cursor;
    int limit;
    const char *q; /* api.md §5.1 q= (store_filter_q), NULL: none */
};
int backorder_list(struct ctx *c, const struct backorder_query *q, json_t **out, struct osb_err *e);

/* POST /backorders/{number}/{cancel|schedule}; 404 for an unknown action. */
int backorder_act(struct ctx *c, const char *number, const char *action, json_t *body, json_t **out,
                  struct osb_err *e);

/* This document kind, for the work queue (flow/queue.c). */
struct doc_kind;
extern const struct doc_kind *const backorder_doc_kind;

#endif
