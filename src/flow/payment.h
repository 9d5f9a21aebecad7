/*
 * payment.h — receipts (收款, SK; flows.md §4.1 BC4, §4.2 allocation; api.md §3.5): register
 * by finance, read, list. A receipt posts a ledger credit (kind payment, or expense_credit for
 * a market-expense credit, kept apart from cash), is allocated explicit lines first, then to
 * its for_order earmark, then to open invoices oldest first; the rest stays unapplied
 * (预收). Every receipt re-checks the customer's prepay_required orders (rule 5-7).
 *
 * Each call runs inside the caller's transaction. Answers are owned by the caller.
 */
#ifndef OSB_FLOW_PAYMENT_H
#define OSB_FLOW_PAYMENT_H

#include "flow/ctx.h"

#include <jansson.h>

int payment_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e);
int payment_get(struct ctx *c, const char *number, json_t **out, struct osb_err *e);
/* POST /payments/{number}/{reverse|reallocate} (api.md §5.5, finance): reverse {"reason"}
   undoes the receipt's allocations and unapplied remainder by a payment_reversal ledger debit
   (422 refund_drawn when a paid refund drew on it); reallocate {"apply_to"} moves its
   allocations between invoices of its customer. */
int payment_act(struct ctx *c, const char *number, const char *action, json_t *body, json_t **out,
                struct osb_err *e);

struct payment_query {
    const char *customer, *kind, *state, *cursor;
    int limit;
    const char *q; /* api.md §5.1 q= (store_filter_q), NULL: none */
};
int payment_list(struct ctx *c, const struct payment_query *q, json_t **out, struct osb_err *e);

#endif
