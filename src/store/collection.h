/*
 * collection.h (store) — the collection routine's SQL (flow/collection.c decides): collection
 * requests (SKSQ) and their lines, the bank receipt pool (DK), the call log and the weekly
 * call tasks. Rows travel as JSON objects with the column names.
 */
#ifndef OSB_STORE_COLLECTION_H
#define OSB_STORE_COLLECTION_H

#include "rules/perm.h"
#include "store/db.h"

#include <jansson.h>
#include <stdint.h>

/* The BCR of a market: markets.bcr, else the first active ssg_leader by username (api.md §4
   "order roles"); "" when neither exists. */
int store_market_bcr(struct db *db, struct osb_err *e, const char *market, char bcr[40]);

/* ---- collection requests ---- */

/* The invoice's customer and open amount: 1 found, 0 none, -1 error. */
int store_coll_invoice(struct db *db, struct osb_err *e, const char *invoice, char customer[40],
                       int64_t *open_fen);
/* The customer's open invoices, oldest due first: [{invoice, amount_fen (= open)}]. */
json_t *store_coll_open_invoices(struct db *db, struct osb_err *e, const char *customer);
/* Inserts the request row (draft, version 1) and its lines [{invoice, amount_fen}]. */
int store_collreq_insert(struct db *db, struct osb_err *e, const char *number, const char *customer,
                         const char *by, int64_t total, const char *expected, const char *note,
                         json_t *lines, int64_t now);
/* The row with "lines" (each with the invoice's open_fen now): 1, 0 none, -1 error. */
int store_collreq_load(struct db *db, struct osb_err *e, const char *number, json_t **out);
/* UPDATE state, version + 1, updated_at and the columns of set (an object of column → value). */
int store_collreq_save(struct db *db, struct osb_err *e, const char *number, const char *state,
                       json_t *set, int64_t now);
struct collreq_filter {
    const char *customer, *state, *cursor, *q;
    int limit;
};
int store_collreq_list(struct db *db, struct osb_err *e, const struct scope_user *u,
                       const struct collreq_filter *f, json_t **numbers, char **next);
/* The numbers of sent requests whose every invoice is settled (open 0): a new array. */
json_t *store_collreq_covered(struct db *db, struct osb_err *e);

/* ---- bank receipt pool ---- */

/* Every customer's code, name, invoice_title, bank_account and status, for matching. */
json_t *store_bank_customers(struct db *db, struct osb_err *e);
/* 1 when the pool has a line of (bank_account, bank_ref), 0 not, -1 error. */
int store_bank_exists(struct db *db, struct osb_err *e, const char *account, const char *ref);
/* The next import batch number (1, 2, ...). */
int store_bank_next_import(struct db *db, struct osb_err *e, int64_t *out);
/* Inserts one line; row has the column names (number, bank_account, bank_ref, value_date,
   amount_fen, payer_name, payer_account, memo, import_no, file_line, customer, matched_by,
   claimed_by, claimed_at, state, created_at, created_by). */
int store_bank_insert(struct db *db, struct osb_err *e, json_t *row);
int store_bank_load(struct db *db, struct osb_err *e, const char *number, json_t **out);
int store_bank_save(struct db *db, struct osb_err *e, const char *number, const char *state,
                    json_t *set, int64_t now);
struct bank_filter {
    const char *state, *customer, *cursor, *q;
    int64_t import_no; /* 0: any */
    int limit;
};
/* A page of lines: unmatched lines are everyone's with the right (no customer yet); a line
   with a customer follows its customer's scope. */
int store_bank_list(struct db *db, struct osb_err *e, const struct scope_user *u,
                    const struct bank_filter *f, json_t **numbers, char **next);
/* The numbers of the claimed lines of an import (0: all claimed lines), oldest first. */
json_t *store_bank_claimed(struct db *db, struct osb_err *e, int64_t import_no);

/* ---- calls and the weekly call list ---- */

/* Links the week's open task of the customer to the call; returns rows changed. */
int store_call_task_done(struct db *db, struct osb_err *e, const char *week, const char *customer,
                         int64_t call_id);
/* Creates the tasks of week for every active customer (BCR = its market's BCR) that has
   none; *added gets how many. */
int store_call_tasks_make(struct db *db, struct osb_err *e, const char *week, int64_t now,
                          int64_t *added);
/* The BCRs with tasks of week and how many: [{bcr, n}]. */
json_t *store_call_task_bcrs(struct db *db, struct osb_err *e, const char *week);
/* The week's call list rows the user may see, by BCR then customer code; bcr may be NULL. */
json_t *store_call_list_rows(struct db *db, struct osb_err *e, const struct scope_user *u,
                             const char *week, const char *week_end, const char *today,
                             const char *bcr);
/* The receipts registered on day (received_on), for the 09:00 notice: [{customer, market,
   number, amount_fen, kind}]. */
json_t *store_receipts_of_day(struct db *db, struct osb_err *e, const char *day);
/* The active csr and ssg_leader users: a new array of names. */
json_t *store_csrs_and_bcrs(struct db *db, struct osb_err *e);

#endif
