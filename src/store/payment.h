/*
 * payment.h (store) — receipts (SK): the payments row, its allocations, and the reads the
 * registration checks need. The allocation itself is store/invoice.c's.
 */
#ifndef OSB_STORE_PAYMENT_H
#define OSB_STORE_PAYMENT_H

#include "core/docno.h"
#include "rules/perm.h"
#include "store/db.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct payment {
    char number[DOCNO_MAX], customer[40], kind[16], received_on[12], state[16];
    char *method, *reference, *for_order, *note, *created_by; /* owned, NULL when none */
    int64_t amount_fen, unapplied_fen, created_at;
    json_t *allocations; /* owned: [{invoice, amount_fen, settle_date, reversed_by}] */
    /* api.md §5.5 corrections */
    int64_t version, reversed_at; /* reversed_at 0: not reversed */
    char reversed_by[40];
    char *reversal_reason; /* owned, NULL when none */
    bool reversal_changed; /* save writes the reversal columns and unapplied_fen 0 */
};

/* 1 found (with its allocations), 0 none, -1 error. */
int store_payment_load(struct db *db, struct osb_err *e, const char *number, struct payment *p);
void store_payment_release(struct payment *p);
/* Inserts a receipt with all of its amount unapplied (method, reference, for_order and note may
   be NULL). */
int store_payment_insert(struct db *db, struct osb_err *e, const struct payment *p);
/* How many receipts of the customer have this reference, amount and date. */
int store_payment_duplicates(struct db *db, struct osb_err *e, const char *customer,
                             const char *reference, int64_t amount, const char *received_on,
                             int64_t *n);
/* When the customer was created: 1 found, 0 no customer. */
int store_customer_created_at(struct db *db, struct osb_err *e, const char *customer, int64_t *at);
/* The order's customer, state and total: 1 found, 0 none. */
int store_order_money(struct db *db, struct osb_err *e, const char *order_no, char customer[40],
                      char state[32], int64_t *total);

/* ---- corrections (api.md §5.5) ----------------------------------------------------------- */

/* Saves an action: state, version + 1, and (reversal_changed) the reversal columns with
   unapplied_fen 0 — a reversed receipt is no prepayment. */
int store_payment_save(struct db *db, struct osb_err *e, const struct payment *p);
/* Σ what refunds drew from the receipt (refund_draws). */
int store_payment_drawn(struct db *db, struct osb_err *e, const char *number, int64_t *sum);
/* The receipt's live allocations: [{id, invoice, amount_fen}] by id (a new array). */
json_t *store_payment_live_allocations(struct db *db, struct osb_err *e, const char *number);
/* The customer's active earmarks, newest first: [{id, amount_fen}] (a new array). */
json_t *store_customer_earmarks_newest(struct db *db, struct osb_err *e, const char *customer);

struct payment_filter {
    const char *customer, *kind, *state, *cursor;
    int limit;
    const char *q; /* api.md §5.1 q= (store_filter_q), NULL: none */
};
/* One page of the receipts u may see: *numbers (new array), *next (new string or NULL). */
int store_payment_list(struct db *db, struct osb_err *e, const struct scope_user *u,
                       const struct payment_filter *f, json_t **numbers, char **next);

#endif
