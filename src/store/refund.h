/*
 * refund.h (store) — the prepayment refund aggregate (TK): the refunds row and its draws on
 * receipts, the money figures a refund is checked against, and the timeline table the refund
 * and the write-off (store/write_off.h) share (bc_doc_events). All of the refund's SQL is
 * here; flow/refund.c decides.
 */
#ifndef OSB_STORE_REFUND_H
#define OSB_STORE_REFUND_H

#include "core/docno.h"
#include "rules/perm.h"
#include "store/db.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct refund_draw {
    char payment[DOCNO_MAX];
    int64_t amount_fen;
};

struct refund {
    char number[DOCNO_MAX], customer[40], state[16], requested_by[40];
    char approved_by[40], approved_by_proxy[40], rejected_by[40], paid_by[40]; /* "" = none */
    char *reason;                                                              /* owned */
    int64_t amount_fen, approved_at, rejected_at, paid_at;                     /* 0 = not yet */
    int64_t version, created_at, updated_at;
    bool approved_changed, rejected_changed, paid_changed;
    struct refund_draw *draws; /* owned */
    size_t ndraws;
};

/* 1 found, 0 none, -1 error. */
int store_refund_load(struct db *db, struct osb_err *e, const char *number, struct refund *t);
void store_refund_release(struct refund *t);
/* Inserts a new refund (number, customer, amount, reason, requested_by, created_at) in state
   requested, version 1. */
int store_refund_insert(struct db *db, struct osb_err *e, const struct refund *t);
/* Writes one action at once: state, version + 1, updated_at, and the approval, rejection or
   payment that changed. */
int store_refund_save(struct db *db, struct osb_err *e, struct refund *t, const char *state,
                      int64_t now);
/* Draws amount from the receipt payment for t at once: the draw row, and the receipt's
   unapplied_fen lowered by as much (written before the customer's waiting orders are checked
   again on the money left). */
int store_refund_take(struct db *db, struct osb_err *e, struct refund *t, const char *payment,
                      int64_t amount_fen);

struct refund_filter {
    const char *customer, *state, *cursor;
    int limit;
    const char *q; /* api.md §5.1 q= (store_filter_q), NULL: none */
};
/* One page of the refunds u may see: *numbers (new array), *next (new string or NULL). The
   caller has refused the roles that see no money. */
int store_refund_list(struct db *db, struct osb_err *e, const struct scope_user *u,
                      const struct refund_filter *f, json_t **numbers, char **next);

/* Σ unapplied_fen of the customer's registered cash receipts (kind payment). */
int store_refund_cash(struct db *db, struct osb_err *e, const char *customer, int64_t *cash);
/* Σ amount of the customer's refunds requested or approved, except the refund except. */
int store_refund_pending(struct db *db, struct osb_err *e, const char *customer, const char *except,
                         int64_t *pending);
/* The receipts a refund draws on, oldest first: [{number, unapplied_fen}] (a new array). */
json_t *store_refund_sources(struct db *db, struct osb_err *e, const char *customer);
/* The BCR named on market into bcr ("" when none). */
int store_refund_market_bcr(struct db *db, struct osb_err *e, const char *market, char bcr[40]);

/* One timeline row of a TK or HX document (bc_doc_events). */
int store_refund_event(struct db *db, struct osb_err *e, const char *number, int64_t at,
                       const char *action, const char *actor, const char *obo, const char *from,
                       const char *to, const char *comment);
/* That timeline in order: [{action, actor, on_behalf_of, at (µs), from_state, to_state,
   comment}] (a new array). */
json_t *store_refund_timeline(struct db *db, struct osb_err *e, const char *number);

#endif
