/*
 * invoice_request.h — invoice requests (开票申请单, KP; flows.md §5, entities.md §7.8): the
 * customer's KAM or rep asks for the tax invoice (fapiao, 发票) of some of its invoices →
 * review (csr) → issue (finance: fapiao number and date) → mail (csr: tracking number,
 * expected arrival) → confirm-receipt (csr) → archive (csr); return (csr, finance) sends a
 * requested or reviewed request back to requested with a comment.
 *
 * The invoice's `fapiao` object (entities.md §7.1) is read from its request: an invoice is in
 * at most one request, so there is one place that says where its fapiao stands.
 *
 * Each call runs inside the caller's transaction. Answers are owned by the caller.
 */
#ifndef OSB_FLOW_INVOICE_REQUEST_H
#define OSB_FLOW_INVOICE_REQUEST_H

#include "flow/ctx.h"

#include <jansson.h>

int invoice_request_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e);
int invoice_request_get(struct ctx *c, const char *number, json_t **out, struct osb_err *e);
struct invoice_request_query {
    const char *customer, *state, *cursor;
    int limit;
    const char *q; /* api.md §5.1 q= (store_filter_q), NULL: none */
};
int invoice_request_list(struct ctx *c, const struct invoice_request_query *q, json_t **out,
                         struct osb_err *e);
/* POST /invoice-requests/{number}/{action}; 404 for an unknown action. */
int invoice_request_act(struct ctx *c, const char *number, const char *action, json_t *body,
                        json_t **out, struct osb_err *e);

/* The `fapiao` object of one invoice: {state none|requested|issued|mailed|received, request,
   fapiao_no, fapiao_date, mail_tracking_no, mailed_at, expected_arrival,
   receipt_confirmed_at}. The caller has checked the invoice is visible. */
int invoice_request_fapiao(struct ctx *c, const char *invoice, json_t **out, struct osb_err *e);
/* The same object from the invoice's request row r as store_invoice_fapiao reads it (NULL:
   in no request), for a list page read with store_invoice_fapiao_page. */
json_t *invoice_request_fapiao_of(struct ctx *c, json_t *r);

/* This document kind, for the work queue (flow/queue.c). */
struct doc_kind;
extern const struct doc_kind *const invoice_request_doc_kind;

#endif
