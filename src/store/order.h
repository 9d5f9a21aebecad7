/*
 * order.h (store) — rows of the order aggregate: the order, its lines, timeline, memo, quota
 * uses, earmarks and open-order exposure. The flow (flow/order.c) decides; this file reads and
 * writes.
 */
#ifndef OSB_STORE_ORDER_H
#define OSB_STORE_ORDER_H

#include "core/docno.h"
#include "rules/order.h"
#include "store/db.h"

#include <jansson.h>

#define ORDER_MAX_LINES 200

struct order_line {
    int line_no;
    char sku[40];
    int64_t qty, qty_cut, price_fen, amount_fen;
    bool loose_units;
    json_t *cut_reasons; /* owned, may be NULL */
};

struct order {
    char number[DOCNO_MAX];
    char customer[40];
    enum order_state state;
    char market[40], region[40], kam[40], um[40], mm[40];
    char csr[40], scr[40], bcr[40], warehouse[40], created_by[40];
    int64_t total_fen, stated_total_fen, earmark_fen, approved_shortfall_fen;
    bool has_stated_total, loose_units_approved;
    int64_t accepted_at, version, created_at;
    char delivery_note[DOCNO_MAX];
    char requested_date[12];
    struct order_line lines[ORDER_MAX_LINES];
    size_t nlines;
};

/* The customer facts the order flow needs. */
struct order_customer {
    char code[40], name[128], market[40], region[40], kam[40], rep[40], csr[40];
    char status[24], supervisor[40], kam_manager[40];
    bool prepay_only, credit_hold, kam_active;
    int64_t credit_limit_fen;
    int payment_term_days;
    char consignee[64], consignee_phone[32], station[80], address[256], arrival[256];
};

/* 1 found, 0 none, -1 error. */
int store_order_load(struct db *db, struct osb_err *e, const char *number, struct order *o);
void store_order_release(struct order *o);
int store_order_customer(struct db *db, struct osb_err *e, const char *code,
                         struct order_customer *c);

/* Inserts the order row and its lines. */
int store_order_insert(struct db *db, struct osb_err *e, const struct order *o, const char *note,
                       json_t *warnings, int64_t now);
/* Writes state, totals, assignments, earmark and version+1 (the caller checked the version). */
int store_order_update(struct db *db, struct osb_err *e, const struct order *o, int64_t now);
/* Replaces all lines. */
int store_order_lines_save(struct db *db, struct osb_err *e, const struct order *o);
int store_order_set_json(struct db *db, struct osb_err *e, const char *number,
                         const char *column, json_t *value);
int store_order_set_time(struct db *db, struct osb_err *e, const char *number,
                         const char *column, int64_t value);

int store_order_event(struct db *db, struct osb_err *e, const char *number, int64_t at,
                      const char *step, const char *action, const char *actor,
                      const char *on_behalf_of, const char *from, const char *to,
                      const char *comment);
int store_order_memo(struct db *db, struct osb_err *e, const char *number, int64_t at,
                     const char *by, const char *text);

/* Releases what an order holds: quota uses, active earmarks and its open-order exposure. */
int store_order_release_holds(struct db *db, struct osb_err *e, const char *number, int64_t now);
int store_order_set_exposure(struct db *db, struct osb_err *e, const char *number,
                             const char *customer, int64_t open_fen);
/* Sets the order's active earmark to amount (the previous one is released). */
int store_order_earmark(struct db *db, struct osb_err *e, const char *number,
                        const char *customer, int64_t amount, int64_t now);
/* Σ active earmarks of the customer's orders other than number. */
int store_other_earmarks(struct db *db, struct osb_err *e, const char *customer,
                         const char *number, int64_t *out);

#endif
