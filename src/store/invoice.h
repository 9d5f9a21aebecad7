/*
 * invoice.h (store) — the SQL of invoices (FP), their lines, allocations (核销), credit notes
 * (HZ) and order earmarks: everything flow/billing.c reads and writes. The allocation engine
 * decides in flow/billing.c; here each statement is one call with the columns named.
 *
 * An invoice's open amount is amount − settled − credited − written_off (STORE_INVOICE_OPEN).
 */
#ifndef OSB_STORE_INVOICE_H
#define OSB_STORE_INVOICE_H

#include "core/docno.h"
#include "rules/perm.h"
#include "store/db.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#define STORE_INVOICE_OPEN "(amount_fen - settled_fen - credited_fen - written_off_fen)"

/* ---- the invoice aggregate (reading) ---------------------------------------------------- */

struct invoice {
    char number[DOCNO_MAX], customer[40], order[DOCNO_MAX], shipment[DOCNO_MAX];
    char invoice_date[12], due_date[12], state[16];
    int64_t amount_fen, tax_fen, settled_fen, credited_fen, written_off_fen, open_fen;
    int64_t version, created_at, updated_at;
    json_t *lines;        /* owned: [{line_no, order_line, sku, qty, price_fen, amount_fen,
                             tax_rate_bp, tax_fen}] */
    json_t *allocations;  /* owned: [{source_kind, source, amount_fen, settle_date, own,
                             reversed_by}] */
    json_t *credit_notes; /* owned: [{number, reason, amount_fen, date}] */
};

/* 1 found (with its lines, allocations and credit notes), 0 none, -1 error. */
int store_invoice_load(struct db *db, struct osb_err *e, const char *number, struct invoice *i);
void store_invoice_release(struct invoice *i);
/* The invoices numbers[0..n) of a list page as store_invoice_load reads one, with one
   statement a kind for the page (not four an invoice); found[k] false when not there. */
int store_invoice_load_page(struct db *db, struct osb_err *e, json_t *numbers, struct invoice **inv,
                            bool *found);

struct invoice_filter {
    const char *customer, *state, *order, *cursor;
    int limit;
    const char *q; /* api.md §5.1 q= (store_filter_q), NULL: none */
};
/* One page of the invoices u may see: *numbers (new array), *next (new string or NULL). */
int store_invoice_list(struct db *db, struct osb_err *e, const struct scope_user *u,
                       const struct invoice_filter *f, json_t **numbers, char **next);

/* The credit note as answered: {number, customer, invoice, return, order, reason, amount_fen,
   tax_fen, unapplied_fen, date, created_at, created_by, lines:[...]}: 1 found, 0 none. */
int store_credit_note_row(struct db *db, struct osb_err *e, const char *number, json_t **out);

/* ---- the allocation engine -------------------------------------------------------------- */

/* state from the amounts: cancelled (fully credited), paid, partial or open; version + 1. */
int store_invoice_refresh_state(struct db *db, struct osb_err *e, const char *invoice, int64_t now);
/* The date of a source (a receipt's received_on, a credit note's date) and of an invoice
   (new strings, NULL when none). */
int store_source_date(struct db *db, struct osb_err *e, bool payment, const char *source,
                      char **out);
int store_invoice_date(struct db *db, struct osb_err *e, const char *invoice, char **out);
struct allocation {
    const char *customer, *source_kind, *source, *invoice, *settle_date, *by;
    int64_t amount_fen, allocated_at;
    bool own;
};
/* Inserts the allocation, lowers the source's unapplied_fen and raises the invoice's
   settled_fen (credited_fen when own). */
int store_allocation_add(struct db *db, struct osb_err *e, const struct allocation *a);
/* The live allocations of the invoice from other sources: [{id, source_kind, source,
   amount_fen}] oldest first. */
json_t *store_allocations_settling(struct db *db, struct osb_err *e, const char *invoice);
/* Marks the allocation id reversed by `by`, gives its amount back to its source and takes it
   off the invoice's settled_fen. */
int store_allocation_reverse(struct db *db, struct osb_err *e, int64_t id, const char *by,
                             bool payment, const char *source, const char *invoice, int64_t amount);

/* Σ unapplied of registered receipts, Σ unapplied of credit notes, Σ active earmarks. */
int store_customer_money(struct db *db, struct osb_err *e, const char *customer, int64_t *payments,
                         int64_t *credit_notes, int64_t *earmarked);
/* The customer's open invoices, `first` first, then by due date and number:
   [{number, open}]. */
json_t *store_open_invoices(struct db *db, struct osb_err *e, const char *customer,
                            const char *first);
/* The customer's sources with unapplied money, (first_kind, first) first, then oldest:
   [{kind, number, unapplied_fen}]. */
json_t *store_free_sources(struct db *db, struct osb_err *e, const char *customer,
                           const char *first_kind, const char *first);

/* The invoice's customer and open amount (a receipt's apply_to line): 1 found, 0 none. */
int store_invoice_customer_open(struct db *db, struct osb_err *e, const char *invoice,
                                char customer[40], int64_t *open);
/* The order's open invoices by due date and number: [{number, open}]. */
json_t *store_order_open_invoices(struct db *db, struct osb_err *e, const char *order_no);

/* ---- earmarks --------------------------------------------------------------------------- */

/* The order's active earmarks: [{id, customer, amount_fen, created_at}], by id (newest first
   when newest_first). */
json_t *store_earmarks_active(struct db *db, struct osb_err *e, const char *order_no,
                              bool newest_first);
/* Consumes earmark id by invoice, keeping amount_fen of it (the whole when keep < 0). */
int store_earmark_consume(struct db *db, struct osb_err *e, int64_t id, const char *invoice,
                          int64_t keep);
/* Σ the order's active earmarks. */
int store_order_earmarked(struct db *db, struct osb_err *e, const char *order_no, int64_t *sum);
int store_earmark_insert(struct db *db, struct osb_err *e, const char *order_no,
                         const char *customer, int64_t amount, int64_t created_at);
int store_earmark_release(struct db *db, struct osb_err *e, int64_t id, int64_t now);
int store_earmark_set_amount(struct db *db, struct osb_err *e, int64_t id, int64_t amount);

/* ---- making invoices and credit notes -------------------------------------------------- */

/* The product's tax rate in basis points (leaves *rate as it is when there is no product). */
int store_product_tax_rate(struct db *db, struct osb_err *e, const char *sku, int64_t *rate);
int store_customer_term_days(struct db *db, struct osb_err *e, const char *customer, int64_t *days);

struct invoice_new_line {
    int line_no, order_line;
    const char *sku;
    int64_t qty, price_fen, amount_fen, tax_fen;
    int tax_rate_bp;
};
int store_invoice_insert(struct db *db, struct osb_err *e, const char *number, const char *customer,
                         const char *order_no, const char *shipment, const char *invoice_date,
                         const char *due_date, int64_t amount, int64_t tax, int64_t now);
int store_invoice_line_insert(struct db *db, struct osb_err *e, const char *invoice,
                              const struct invoice_new_line *l);
/* The order's open-order exposure falls by amount (not below 0). */
int store_order_exposure_invoiced(struct db *db, struct osb_err *e, const char *order_no,
                                  int64_t amount);
/* How many invoices of the order are not cancelled. */
int store_invoices_live(struct db *db, struct osb_err *e, const char *order_no, int64_t *n);
/* The shipment's order, customer and prepay_only: 1 found, 0 none. */
int store_shipment_billing(struct db *db, struct osb_err *e, const char *shipment,
                           char order_no[DOCNO_MAX], char customer[40], bool *prepay);
/* The order's customer and prepay_only: 1 found, 0 none. */
int store_order_billing(struct db *db, struct osb_err *e, const char *order_no, char customer[40],
                        bool *prepay);
/* The shipped lines of the shipment with the order's prices: [{line_no, sku, qty_shipped,
   price_fen}]. */
json_t *store_shipment_invoice_lines(struct db *db, struct osb_err *e, const char *order_no,
                                     const char *shipment);
/* The invoice's lines: [{line_no, sku, qty, price_fen, amount_fen}]. */
json_t *store_invoice_line_rows(struct db *db, struct osb_err *e, const char *invoice);
/* The order's live invoices with what is not yet credited or written off: [{number, left}]. */
json_t *store_invoices_uncredited(struct db *db, struct osb_err *e, const char *order_no);
/* The order's first live invoice made without a shipment (prepay-only), a new string or
   NULL. */
int store_prepay_invoice_of(struct db *db, struct osb_err *e, const char *order_no, char **out);
/* What of the invoice is not yet credited or written off. */
int store_invoice_uncredited(struct db *db, struct osb_err *e, const char *invoice, int64_t *left);
/* The invoice's customer, order ("" when none) and open amount: 1 found, 0 none. */
int store_invoice_head(struct db *db, struct osb_err *e, const char *invoice, char customer[40],
                       char order_no[DOCNO_MAX], int64_t *open);
int store_invoice_open(struct db *db, struct osb_err *e, const char *invoice, int64_t *open);

struct credit_note_new {
    const char *number, *customer, *invoice, *return_no, *order_no, *reason, *date, *by;
    int64_t amount_fen, tax_fen, created_at;
};
struct credit_note_new_line {
    int line_no, invoice_line;
    const char *sku, *batch;
    int64_t qty, price_fen, amount_fen, tax_fen;
};
/* Inserts the credit note with all of its amount unapplied. */
int store_credit_note_insert(struct db *db, struct osb_err *e, const struct credit_note_new *n);
int store_credit_note_line_insert(struct db *db, struct osb_err *e, const char *credit_note,
                                  const struct credit_note_new_line *l);

#endif
