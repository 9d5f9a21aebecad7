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
 * Both are documents of the kernel (flow/doc.h): tables in rules/refund.c and rules/write_off.c,
 * SQL in store/refund.c and store/write_off.c. Every answer carries allowed_actions; the
 * lists take state=a,b.
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
    const char *q; /* api.md §5.1 q= (store_filter_q), NULL: none */
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
    const char *q; /* api.md §5.1 q= (store_filter_q), NULL: none */
};

int write_off_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e);
int write_off_get(struct ctx *c, const char *number, json_t **out, struct osb_err *e);
int write_off_list(struct ctx *c, const struct write_off_query *q, json_t **out, struct osb_err *e);
/* POST /write-offs/{number}/{approve|reject}; 404 for an unknown action. */
int write_off_act(struct ctx *c, const char *number, const char *action, json_t *body, json_t **out,
                  struct osb_err *e);

/* For write_off.c, which answers like a refund: a stored time as RFC 3339 (null when 0), a
   string or null when empty, and the TK/HX timeline (bc_doc_events) with RFC 3339 times. */
json_t *refund_ts(const struct ctx *c, int64_t t);
json_t *refund_str(const char *s);
json_t *refund_timeline_json(struct ctx *c, const char *number, struct osb_err *e);

/* This document kind, for the work queue (flow/queue.c). */
struct doc_kind;
extern const struct doc_kind *const refund_doc_kind;

/* This document kind, for the work queue (flow/queue.c). */
struct doc_kind;
extern const struct doc_kind *const write_off_doc_kind;

#endif
