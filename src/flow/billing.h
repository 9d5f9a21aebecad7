/*
 * billing.h — BC1 and BC5 (flows.md §4.1–4.2): invoices (FP), credit notes (HZ) and the
 * allocation engine that settles invoices from receipts and credit notes, plus the hooks the
 * order and shipment flows call. Receipts are in flow/payment.c; the ledger, statements and
 * aging in flow/ledger.c; returns in flow/returns.c.
 *
 * Money rules kept here, in one place:
 *   - every invoice posts a ledger debit, every receipt and credit note a ledger credit;
 *   - an invoice consumes its order's earmark and is settled at once from free money
 *     (unapplied receipts and credit notes minus the active earmarks of all orders), oldest
 *     source first;
 *   - a credit note settles its own invoice first; any excess is unapplied credit, applied
 *     like prepayment.
 *
 * Each call runs inside the caller's transaction; on error nothing it wrote survives.
 * Answers are owned by the caller.
 */
#ifndef OSB_FLOW_BILLING_H
#define OSB_FLOW_BILLING_H

#include "core/docno.h"
#include "core/sb.h"
#include "flow/ctx.h"
#include "flow/scope.h"
#include "store/order.h"

#include <jansson.h>

/* ---- hooks ------------------------------------------------------------------------------ */

/* SP5 dispatch (flows.md §4.1 BC1): one invoice for the shipment's shipped quantities × the
   order's prices, dated today, due after the customer's payment term; lowers the order's
   open-order exposure, consumes its earmark and settles the invoice from free money. A
   prepay-only order invoiced on payment gets nothing more. Re-checks the customer's
   prepay_required orders (rule 5-7). Called by the shipment flow inside the dispatch. */
int billing_on_dispatch(struct ctx *c, const char *shipment, struct osb_err *e);

/* BC1 for a prepay-only customer: one invoice for the order total (after cuts) when payment
   covers it (CC row 1) or the SLT approves the shortfall (5-7). Does nothing when the order
   already has a live invoice or its total is 0. o's lines are read as they are in memory. */
int billing_prepay_invoice(struct ctx *c, const struct order *o, struct osb_err *e);

/* Issue #17: the one live invoice of a prepay-only order when it is fully paid — 1 with its
   number and amount (less credit notes) in *number / *amount, 0 when the order has none, more
   than one, or one with money still open. A re-check that leaves the order's total as it was
   keeps that invoice instead of crediting it back and invoicing again. */
int billing_prepay_invoice_paid(struct ctx *c, const char *order_no, char number[DOCNO_MAX],
                                int64_t *amount, struct osb_err *e);

/* flows.md §2.1: a prepay-only order that leaves the path to shipment has its invoices
   credited back in full (HZ, reason order_cancel); the money returns to prepayment. Does not
   re-check other orders (the caller does, when the order is final). Returns the number of
   credit notes made, or -1. */
int billing_order_credit_back(struct ctx *c, const char *order_no, struct osb_err *e);

/* flows.md §3.3 backorder cancel: amount_fen of order value that will never ship. A prepay-only
   order's invoice is credited by that much (HZ, backorder_cancel); a credit customer's
   remaining earmark on the order is released by up to that much. */
int billing_on_backorder_cancel(struct ctx *c, const char *order_no, int64_t amount_fen,
                                struct osb_err *e);

/* ---- credit notes ----------------------------------------------------------------------- */

struct cn_line {
    int invoice_line; /* 0 when not tied to one line */
    const char *sku, *batch;
    int64_t qty, price_fen, amount_fen;
};

/* A credit note against invoice (reason per entities §7.8): posts the ledger credit, settles
   its own invoice first, applies any excess like prepayment. amount = Σ line amounts. */
int billing_credit_note(struct ctx *c, const char *invoice, const char *reason,
                        const char *return_no, const struct cn_line *lines, size_t n,
                        char number[DOCNO_MAX], struct osb_err *e);

/* ---- the allocation engine -------------------------------------------------------------- */

/* Settles invoice from source (kind "payment" or "credit_note") by amount (callers checked
   it is within both open amounts). */
int billing_allocate(struct ctx *c, const char *customer, const char *src_kind, const char *source,
                     const char *invoice, int64_t amount, bool own, struct osb_err *e);

/* Applies free money of the customer (unapplied − active earmarks) to open invoices:
   first_invoice (may be NULL) first, then oldest by due date and number; from first_source
   (may be NULL) first, then the oldest receipts and credit notes. */
int billing_apply_free(struct ctx *c, const char *customer, const char *first_invoice,
                       const char *first_kind, const char *first_source, struct osb_err *e);

/* Σ unapplied receipts and credit notes, Σ active earmarks of the customer. */
int billing_money(struct ctx *c, const char *customer, int64_t *unapplied, int64_t *earmarked,
                  struct osb_err *e);

/* ---- reading ---------------------------------------------------------------------------- */

int invoice_get(struct ctx *c, const char *number, json_t **out, struct osb_err *e);
struct invoice_query {
    const char *customer, *state, *order, *cursor;
    int limit;
    const char *q; /* api.md §5.1 q= (store_filter_q), NULL: none */
};
int invoice_list(struct ctx *c, const struct invoice_query *q, json_t **out, struct osb_err *e);
int credit_note_get(struct ctx *c, const char *number, json_t **out, struct osb_err *e);

#endif
