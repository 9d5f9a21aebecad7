/*
 * write_off.h (store) — the bad-debt write-off aggregate (HX): the write_offs row, the invoice
 * it writes down and the rows approving it writes (the invoice's written_off_fen and state, a
 * credit incident). Its timeline is bc_doc_events (store/refund.h). All of the write-off's
 * SQL is here; flow/write_off.c decides.
 */
#ifndef OSB_STORE_WRITE_OFF_H
#define OSB_STORE_WRITE_OFF_H

#include "core/docno.h"
#include "rules/perm.h"
#include "store/db.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct write_off {
    char number[DOCNO_MAX], customer[40], invoice[DOCNO_MAX], state[16], requested_by[40];
    char approved_by[40], rejected_by[40];        /* "" = none */
    char *reason;                                 /* owned */
    int64_t amount_fen, approved_at, rejected_at; /* 0 = not yet */
    int64_t version, created_at, updated_at;
    bool approved_changed, rejected_changed;
};

/* 1 found, 0 none, -1 error. */
int store_write_off_load(struct db *db, struct osb_err *e, const char *number, struct write_off *w);
void store_write_off_release(struct write_off *w);
/* Inserts a new write-off (number, customer, invoice, amount, reason, requested_by,
   created_at) in state requested, version 1. */
int store_write_off_insert(struct db *db, struct osb_err *e, const struct write_off *w);
/* Writes one action at once: state, version + 1, updated_at, the approval or rejection. */
int store_write_off_save(struct db *db, struct osb_err *e, struct write_off *w, const char *state,
                         int64_t now);

struct write_off_filter {
    const char *customer, *invoice, *state, *cursor;
    int limit;
};
/* One page of the write-offs u may see: *numbers (new array), *next (new string or NULL).
   The caller has refused the roles that see no money. */
int store_write_off_list(struct db *db, struct osb_err *e, const struct scope_user *u,
                         const struct write_off_filter *f, json_t **numbers, char **next);

/* The invoice a write-off goes against. */
struct write_off_invoice {
    char customer[40], order_no[DOCNO_MAX];
    int64_t amount_fen, open_fen; /* open = amount − settled − credited − written off */
};
/* 1 found, 0 none, -1 error. */
int store_write_off_invoice(struct db *db, struct osb_err *e, const char *invoice,
                            struct write_off_invoice *inv);
/* Σ amount of the invoice's write-offs still requested, except the write-off except. */
int store_write_off_pending(struct db *db, struct osb_err *e, const char *invoice,
                            const char *except, int64_t *pending);
/* Writes amount off the invoice: written_off_fen grows, its state becomes state. */
int store_write_off_invoice_down(struct db *db, struct osb_err *e, const char *invoice,
                                 int64_t amount_fen, const char *state, int64_t now);
/* The credit incident of an approved write-off (kind other; docs/billing.md). */
int store_write_off_incident(struct db *db, struct osb_err *e, const char *customer,
                             const char *date, int64_t amount_fen, const char *note, const char *by,
                             int64_t now);
/* Who hears of an approved write-off: the customer's KAM and its market's BCR (a new array of
   usernames). */
json_t *store_write_off_told(struct db *db, struct osb_err *e, const char *customer);

#endif
