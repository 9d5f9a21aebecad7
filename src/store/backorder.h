/*
 * backorder.h (store) — the backorder aggregate (欠货, QH; flows.md §3.3, api.md §4): its row,
 * the shipments that fill it, and what cancelling gives back (the order line's quota use and
 * open-order exposure). All of the backorder's SQL is here; flow/backorder.c (the actions) and
 * flow/shipment.c (opening and fulfilling, the system's transitions) decide.
 */
#ifndef OSB_STORE_BACKORDER_H
#define OSB_STORE_BACKORDER_H

#include "core/docno.h"
#include "rules/perm.h"
#include "store/db.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* The columns an action may change besides state and version (struct backorder.dirty). */
enum {
    BOD_SCHEDULED = 1u << 0, /* scheduled_shipment ("" writes NULL) */
    BOD_QTY = 1u << 1,       /* qty_open, qty_fulfilled, qty_cancelled */
    BOD_CANCELLED = 1u << 2, /* cancel_reason, cancelled_at, cancelled_by */
    BOD_FULFILLED = 1u << 3, /* fulfilled_at */
};

struct backorder {
    char number[DOCNO_MAX], order_no[DOCNO_MAX], shipment[DOCNO_MAX], customer[40], sku[40];
    char scheduled[DOCNO_MAX]; /* the shipment scheduled to fill it, "" when none */
    char state[16];
    int line_no;
    int64_t qty, qty_open, qty_fulfilled, qty_cancelled, version;
    char cancel_reason[512], cancelled_by[40];
    int64_t cancelled_at, fulfilled_at;
    unsigned dirty; /* BOD_* */
};

/* 1 found, 0 none, -1 error. */
int store_backorder_load(struct db *db, struct osb_err *e, const char *number, struct backorder *b);
/* Inserts a new open backorder (qty_open = qty) notified to the given recipients. */
int store_backorder_insert(struct db *db, struct osb_err *e, const struct backorder *b,
                           json_t *notified, int64_t now);
/* Writes one change at once: state, version + 1, updated_at and the dirty columns. */
int store_backorder_save(struct db *db, struct osb_err *e, struct backorder *b, const char *state,
                         int64_t now);

/* The backorder as its answer shows it (times as integers) with its product's name, spec and
   unit and the shipments filling it [{number, state}]. 1 found, 0 none, -1 error. */
int store_backorder_view(struct db *db, struct osb_err *e, const char *number, json_t **out);

struct backorder_filter {
    const char *state, *order, *customer, *sku, *cursor;
    int limit;
    const char *q; /* api.md §5.1 q= (store_filter_q), NULL: none */
};
int store_backorder_list(struct db *db, struct osb_err *e, const struct scope_user *u,
                         const struct backorder_filter *f, json_t **numbers, char **next);

/* The product facts a notice names: {name, spec, unit, case_size}; *out NULL when unknown. */
int store_backorder_product(struct db *db, struct osb_err *e, const char *sku, json_t **out);

/* Gives back qty of the quota the order line took at AC (its quota_uses): the part taken from
   over-quota approvals first, then plain quota; a use that reaches zero is marked released. */
int store_backorder_release_quota(struct db *db, struct osb_err *e, const char *order_no,
                                  int line_no, int64_t qty);
/* The unit price of the order line. */
int store_backorder_line_price(struct db *db, struct osb_err *e, const char *order_no, int line_no,
                               int64_t *price_fen);
/* Lowers the order's open-order exposure by amount (never below zero). */
int store_backorder_lower_exposure(struct db *db, struct osb_err *e, const char *order_no,
                                   int64_t amount_fen);

#endif
