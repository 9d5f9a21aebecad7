/*
 * returns.h — returns with red-ink documents (退货, TH; flows.md §6, api.md §3.6):
 * create (kam/rep of the customer) → confirm (um) → inspect (customer_service: genuine →
 * inspected, else refused) → approve (mm: the red-ink delivery note under the TH number) →
 * receive (warehouse: stock back into its batch, credit note HZ line by line against the
 * invoice, ledger credit, re-check on money); cancel before approval.
 *
 * Each call runs inside the caller's transaction. Answers are owned by the caller.
 */
#ifndef OSB_FLOW_RETURNS_H
#define OSB_FLOW_RETURNS_H

#include "flow/ctx.h"

#include <jansson.h>

int return_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e);
int return_get(struct ctx *c, const char *number, json_t **out, struct osb_err *e);
struct return_query {
    const char *state, *order, *customer, *cursor;
    int limit;
    const char *q; /* api.md §5.1 q= (store_filter_q), NULL: none */
};
int return_list(struct ctx *c, const struct return_query *q, json_t **out, struct osb_err *e);
/* POST /returns/{number}/{action}; 404 for an unknown action. */
int return_act(struct ctx *c, const char *number, const char *action, json_t *body, json_t **out,
               struct osb_err *e);

/* This document kind, for the work queue (flow/queue.c). */
struct doc_kind;
extern const struct doc_kind *const return_doc_kind;

#endif
