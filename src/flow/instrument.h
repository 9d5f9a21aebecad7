/*
 * instrument.h — instruments in hand (票据, PJ; flows.md §4.4, entities.md §7.5): a cheque,
 * acceptance bill, bank draft or cash a salesperson had to take is registered at once
 * (in_hand), handed over to finance the same working day (handed_over) and signed for by
 * finance (签收, registered); finance then registers the receipt SK through POST /payments
 * with reference = instrument_no, which links it. The deadline rule instrument_same_day
 * (flow/deadlines.c) watches the stay in_hand.
 *
 * Each call runs inside the caller's transaction. Answers are owned by the caller.
 */
#ifndef OSB_FLOW_INSTRUMENT_H
#define OSB_FLOW_INSTRUMENT_H

#include "flow/ctx.h"

#include <jansson.h>

int instrument_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e);
int instrument_get(struct ctx *c, const char *number, json_t **out, struct osb_err *e);
struct instrument_query {
    const char *customer, *state, *kind, *received_by, *cursor;
    int limit;
    const char *q; /* api.md §5.1 q= (store_filter_q), NULL: none */
};
int instrument_list(struct ctx *c, const struct instrument_query *q, json_t **out,
                    struct osb_err *e);
/* POST /instruments/{number}/{hand-over|sign}; 404 for another action. */
int instrument_act(struct ctx *c, const char *number, const char *action, json_t *body,
                   json_t **out, struct osb_err *e);

/* Called by payment_create: the receipt of customer with this reference is the one finance
   registered for a signed-for instrument of that number (the oldest not yet linked). */
int instrument_link_payment(struct ctx *c, const char *customer, const char *reference,
                            const char *payment, struct osb_err *e);

/* This document kind, for the work queue (flow/queue.c). */
struct doc_kind;
extern const struct doc_kind *const instrument_doc_kind;

#endif
