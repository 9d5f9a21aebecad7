/*
 * invoice_request.h (store) — the invoice request aggregate (KP): the invoice_requests row and
 * its invoices, plus the reads its rules need (an invoice's request, a prepay-only invoice's
 * readiness, a fapiao number's use, the customer's invoicing info). All of the request's SQL
 * is here; flow/invoice_request.c decides.
 */
#ifndef OSB_STORE_INVOICE_REQUEST_H
#define OSB_STORE_INVOICE_REQUEST_H

#include "core/docno.h"
#include "rules/perm.h"
#include "store/db.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct invoice_request_line {
    char invoice[DOCNO_MAX], order[DOCNO_MAX], shipment[DOCNO_MAX], invoice_date[12];
    char invoice_state[16];
    int64_t amount_fen;
};

/* What save writes besides state and version. */
enum {
    KP_SET_REVIEWED = 1u << 0, /* reviewed_by, reviewed_at (cleared when both are "" / 0) */
    KP_SET_ISSUED = 1u << 1,   /* issued_by, issued_at, fapiao_no, fapiao_date */
    KP_SET_MAILED = 1u << 2,   /* mailed_by, mailed_at, mail_tracking_no, expected_arrival */
    KP_SET_RECEIVED = 1u << 3, /* receipt_confirmed_by, receipt_confirmed_at */
    KP_SET_ARCHIVED = 1u << 4, /* archived_at */
};

struct invoice_request {
    char number[DOCNO_MAX], customer[40], state[16], requested_by[40];
    int64_t amount_fen;
    char *note;        /* owned, NULL when none */
    json_t *invoicing; /* owned: the snapshot of the customer's invoicing info */
    /* "" / 0 while not done */
    char reviewed_by[40], issued_by[40], fapiao_no[48], fapiao_date[12], mailed_by[40];
    char mail_tracking_no[64], expected_arrival[12], receipt_confirmed_by[40];
    int64_t reviewed_at, issued_at, mailed_at, receipt_confirmed_at, archived_at;
    int64_t version, created_at, updated_at;
    struct invoice_request_line *lines; /* owned, by invoice number */
    size_t nlines;
    unsigned changed; /* KP_SET_* */
};

/* 1 found, 0 none, -1 error. */
int store_invoice_request_load(struct db *db, struct osb_err *e, const char *number,
                               struct invoice_request *k);
void store_invoice_request_release(struct invoice_request *k);
/* Inserts a new request (requested, version 1) and its invoices (lines: invoice, amount). */
int store_invoice_request_insert(struct db *db, struct osb_err *e, const struct invoice_request *k);
/* One UPDATE: state, version + 1, updated_at and the KP_SET_* columns. */
int store_invoice_request_save(struct db *db, struct osb_err *e, struct invoice_request *k,
                               const char *state, int64_t now);

/* The invoice as a request sees it: 1 found (customer, state, amount, and the request it is in
   or ""), 0 none, -1 error. */
struct invoice_request_candidate {
    char customer[40], state[16], request[DOCNO_MAX];
    int64_t amount_fen;
};
int store_invoice_request_candidate(struct db *db, struct osb_err *e, const char *invoice,
                                    struct invoice_request_candidate *out);
/* seed 003: 1 when the invoice is paid and a shipment of its order is dispatched or
   delivered, 0 not, -1 error. */
int store_invoice_prepay_ready(struct db *db, struct osb_err *e, const char *invoice);
/* How many requests carry this fapiao number. */
int store_invoice_request_fapiao_used(struct db *db, struct osb_err *e, const char *fapiao_no,
                                      int64_t *n);
/* The customer's invoicing info (entities.md §2.2) as an object of the named columns (a new
   object; 0 when no customer). */
int store_customer_invoicing(struct db *db, struct osb_err *e, const char *customer, json_t **out);
/* The request holding invoice with its fapiao fields: 1 with a new object {number, state,
   fapiao_no, fapiao_date, mail_tracking_no, mailed_at, expected_arrival,
   receipt_confirmed_at}, 0 in none, -1 error. */
int store_invoice_fapiao(struct db *db, struct osb_err *e, const char *invoice, json_t **out);
/* The same for the invoices of a list page, in one statement: invoice → [that object] (an
   invoice is in one request at most), none for an invoice in no request. */
json_t *store_invoice_fapiao_page(struct db *db, struct osb_err *e, json_t *invoices);

struct invoice_request_filter {
    const char *customer, *state, *cursor;
    int limit;
    const char *q; /* api.md §5.1 q= (store_filter_q), NULL: none */
};
/* One page of the requests u may see: *numbers (new array), *next (new string or NULL). */
int store_invoice_request_list(struct db *db, struct osb_err *e, const struct scope_user *u,
                               const struct invoice_request_filter *f, json_t **numbers,
                               char **next);

#endif
