/*
 * backorder.h — backorders (欠货, QH; flows.md §3.3, api.md §4): opened when a shipment leaves
 * with less than was requested, then scheduled on a new shipment or cancelled.
 *
 * Each call runs inside the caller's transaction; answers are owned by the caller.
 */
#ifndef OSB_FLOW_BACKORDER_H
#define OSB_FLOW_BACKORDER_H

#include "flow/ctx.h"
#include "store/order.h"

#include <jansson.h>

int backorder_get(struct ctx *c, const char *number, json_t **out, struct osb_err *e);

struct backorder_query {
    const char *state, *order, *customer, *sku, *cursor;
    int limit;
};
int backorder_list(struct ctx *c, const struct backorder_query *q, json_t **out, struct osb_err *e);

/* POST /backorders/{number}/{cancel|schedule}; 404 for an unknown action. */
int backorder_act(struct ctx *c, const char *number, const char *action, json_t *body, json_t **out,
                  struct osb_err *e);

/* Opens a backorder for qty of line line_no (sku) of order o, short on shipment: notifies the
   UM and the customer and adds the remark to the delivery note. Called at dispatch and
   short-close. */
int backorder_open(struct ctx *c, const struct order *o, const char *shipment, int line_no,
                   const char *sku, int64_t qty, struct osb_err *e);

/* The shipment filling backorder number left (dispatch) with shipped units, or was closed
   short (shipped 0): the shipped units are fulfilled, a remainder keeps it open. */
int backorder_shipment_done(struct ctx *c, const char *number, const char *shipment,
                            int64_t shipped, struct osb_err *e);

#endif
