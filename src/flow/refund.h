/*
 * refund.h — prepayment refunds (退款, TK) and bad-debt write-offs (坏账核销, HX): flows.md
 * §4.7, entities.md §7.8, numbering-and-rules.md §3 and §5. Refunds are in flow/refund.c,
 * write-offs in flow/write_off.c; the decisions where the spec is silent are in
 * docs/billing.md "Refunds and write-offs".
 *
 * Refund: request (BCR of the customer's market, or its KAM) → approve (the supervising SLT
 * member, or their secretary by proxy) → pay (finance: draws the amount from the oldest
 * unapplied receipts, posts a prepayment_refund ledger debit); reject before it is paid.
 * Write-off: request (finance) → approve (gm: the invoice's written_off_fen grows, a write_off
 * ledger credit) or reject.
 *
 * Each call runs inside the caller's transaction. Answers are owned by the caller.
 */
#ifndef OSB_FLOW_REFUND_H
#define OSB_FLOW_REFUND_H

#include "flow/ctx.h"

#include <jansson.h>

struct refund_query {
    const char *customer, *state, *cursor;
    int limit;
};

int refund_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e);
int refund_get(struct ctx *c, const char *number, json_t **out, struct osb_err *e);
int refund_list(struct ctx *c, const struct refund_query *q, json_t **out, struct osb_err *e);
/* POST /refunds/{number}/{approve|reject|pay}; 404 for an unknown action. */
int refund_act(struct ctx *c, const char *number, const char *action, json_t *body, json_t **out,
               struct osb_err *e);

struct write_off_query {
    const char *customer, *invoice, *state, *cursor;
    int limit;
};

int write_off_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e);
int write_off_get(struct ctx *c, const char *number, json_t **out, struct osb_err *e);
int write_off_list(struct ctx *c, const struct write_off_query *q, json_t **out,
                   struct osb_err *e);
/* POST /write-offs/{number}/{approve|reject}; 404 for an unknown action. */
int write_off_act(struct ctx *c, const char *number, const char *action, json_t *body,
                  json_t **out, struct osb_err *e);

/* One timeline row of a TK or HX document (bc_doc_events). */
int refund_event(struct ctx *c, const char *number, const char *action, const char *obo,
                 const char *from, const char *to, const char *comment, struct osb_err *e);
/* The document's timeline, times in RFC 3339. NULL on error. */
json_t *refund_timeline(struct ctx *c, const char *number, struct osb_err *e);

#endif
