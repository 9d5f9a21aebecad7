/*
 * order.h (store) — rows of the order aggregate: the order, its lines, timeline, memo, quota
 * uses, earmarks and open-order exposure. The flow (flow/order.c) decides; this file reads and
 * writes.
 */
#ifndef OSB_STORE_ORDER_H
#define OSB_STORE_ORDER_H

#include "core/docno.h"
#include "rules/order.h"
#include "rules/perm.h"
#include "store/db.h"

#include <jansson.h>

#define ORDER_MAX_LINES 200

/* The states (an SQL list) of an order that holds what its lines draw on an expense
   application (free goods) or a POP request: past QC, not rejected or cancelled. */
#define ORDER_HOLDING_STATES                                                                       \
    "('pending_approval', 'prepay_required', 'st_pending', 'approved', 'billed', 'released',"      \
    " 'closed')"

struct order_line {
    int line_no;
    char sku[40];
    int64_t qty, qty_cut, price_fen, amount_fen;
    bool loose_units;
    json_t *cut_reasons;         /* owned, may be NULL */
    char pop_request[DOCNO_MAX]; /* a POP line's approved request (WL), "" when none */
    /* Free goods (flows.md §15, QC-5): payment_source "expense" names an expense application
       and draws (qty − qty_cut) × expense_price_fen on it; the line's own price is 0. */
    bool expense;
    char expense_application[DOCNO_MAX];
    int64_t expense_price_fen;
    /* A price asked below the list (flows.md §8): kept with the quotation/contract covering it. */
    bool has_agreed;
    int64_t agreed_price_fen;
    char price_source[DOCNO_MAX];
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
    /* The columns the flow sets during an action; written by store_order_save when changed. */
    json_t *qc, *credit_check, *quota_check, *warnings; /* owned; NULL is SQL NULL */
    int64_t submitted_at, pending_approval_at, approved_at, billed_at, released_at;
    int64_t op_started_at, op_stopped_at; /* kpis-and-reports §1.2 OP clock; 0 is NULL */
    char op_receipt_day[12];
    bool op_paused;
    /* Facts read with the row (not written back): the timeline holds a verify and an
       approve-market (QC-3); an active earmark is held for the order. */
    bool has_verify, has_market_approval, has_earmark;
    /* Read for the answer only. */
    char source[16], supersedes[DOCNO_MAX], contract[40];
    char *note; /* owned, NULL when none */
    int64_t updated_at;
    struct order_line lines[ORDER_MAX_LINES];
    size_t nlines;
    struct order *loaded; /* the order as store_order_load read it (owned), for the diff */
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

/* The order and its lines: 1 found, 0 none, -1 error. Keeps a copy for store_order_save. */
int store_order_load(struct db *db, struct osb_err *e, const char *number, struct order *o);
/* The same and the facts of its customer, in one query for the order row. */
int store_order_load_with_customer(struct db *db, struct osb_err *e, const char *number,
                                   struct order *o, struct order_customer *cu);
/* Frees what the aggregate owns (JSON, the loaded copy); o itself stays the caller's. */
void store_order_release(struct order *o);
int store_order_customer(struct db *db, struct osb_err *e, const char *code,
                         struct order_customer *c);
/* store_order_customer of the customers codes[0..n) in one statement (a list page's):
   found[i] false when codes[i] is not there. */
int store_order_customers_page(struct db *db, struct osb_err *e, json_t *codes,
                               struct order_customer *c, bool *found);

/* Inserts the order row (with source and contract, which only create sets) and its lines. */
int store_order_insert(struct db *db, struct osb_err *e, const struct order *o, const char *note,
                       const char *source, const char *contract, int64_t now);
/* Writes the order once: state, version + 1, updated_at and every column that differs from
   what store_order_load read, in one UPDATE; then the lines diffed by line_no (UPDATE a
   changed line, INSERT a new one, DELETE one that is gone). The caller checked the version. */
int store_order_save(struct db *db, struct osb_err *e, struct order *o, int64_t now);

/* Sets submitted_at of an order made straight in submitted (an exchange's replacement). */
int store_order_set_submitted(struct db *db, struct osb_err *e, const char *number, int64_t at);

/* Writes only credit_check (a re-check on money that leaves the order short: the figures
   change, the order does not). */
int store_order_set_credit_check(struct db *db, struct osb_err *e, const char *number,
                                 json_t *credit_check);

/* ---- reads of the order flow ---- */

/* The order as api.md §3.3 shows it, timestamps as stored (µs) for the flow to format: the
   row and lines from the loaded aggregate o (the lines read again with qty_shipped /
   qty_backordered once the order is released; before, both are 0), then timeline, memo,
   shipments and the last ST request with its votes. 0, or -1 with e set. */
int store_order_answer(struct db *db, struct osb_err *e, const struct order *o, json_t **out);

/* A list page (GET /orders) read with one statement a kind for the whole page, not a handful
   an order (issue #17: 254 statements a page of 50 before; each a round trip on PostgreSQL).
   store_order_load_page: the orders numbers[0..n) with their customers' facts and lines, as
   store_order_load_with_customer reads one (no copy for store_order_save: a page is never
   saved); found[i] false when numbers[i] is not there. */
int store_order_load_page(struct db *db, struct osb_err *e, json_t *numbers, struct order **o,
                          struct order_customer **cu, bool *found);
/* What store_order_answer reads an order at a time, read for the page's orders o[0..n):
   number → the lines with qty_shipped / qty_backordered and → the shipment numbers (released
   orders), number → [1] when its timeline holds a request-st. */
struct order_answer_pre {
    json_t *lines, *shipments, *st_asked;
};
int store_order_answer_pre(struct db *db, struct osb_err *e, struct order *const *o, size_t n,
                           struct order_answer_pre *pre);
void store_order_answer_pre_free(struct order_answer_pre *pre);
/* store_order_answer of an order of the page, its parts from pre (its lines are taken out of
   pre), without the timeline and the memo (a list shows neither). */
int store_order_answer_listed(struct db *db, struct osb_err *e, const struct order *o,
                              struct order_answer_pre *pre, json_t **out);

/* A list page of order numbers (GET /orders): u's scope (the deputy director also sees every
   st_pending order), state IN (a,b), customer, market, created in [from_ts, to_ts). */
struct store_order_filter {
    const char *states, *customer, *market, *cursor;
    int64_t from_ts, to_ts; /* 0: no bound */
    int limit;
    const char *q; /* api.md §5.1 q= (store_filter_q), NULL: none */
};
int store_order_list(struct db *db, struct osb_err *e, const struct scope_user *u,
                     const struct store_order_filter *f, json_t **numbers, char **next);

struct order_product {
    bool known, active;
    enum product_kind kind;
    int64_t price_fen;
    int32_t case_size;
};
/* The product facts of skus[0..n) in one query (unknown SKUs have known = false). */
int store_order_products(struct db *db, struct osb_err *e, const char *const *skus, size_t n,
                         struct order_product *out);
/* OA-3 assignments: CSR (the customer's, else the market's default, else the first active
   csr), BCR (the market's, else the first ssg_leader), the first active warehouse and its SCR
   (else the first warehouse user). csr_in: the customer's own CSR or "". */
int store_order_assignments(struct db *db, struct osb_err *e, const char *market,
                            const char *csr_in, struct order *o);
/* The market's default CSR into out (n bytes, "" when none). */
int store_order_market_csr(struct db *db, struct osb_err *e, const char *market, char *out,
                           size_t n);
/* The region's UM and the market's MM, for create. */
int store_order_managers(struct db *db, struct osb_err *e, const char *region, const char *market,
                         struct order *o);
/* QC-6: another order of the customer with the same lines accepted since `since`? */
int store_order_duplicate(struct db *db, struct osb_err *e, const struct order *o, int64_t since,
                          bool *dup);
/* Numbers of the customer's prepay_required orders, oldest accept first (rule 5-7). */
json_t *store_order_prepay_required(struct db *db, struct osb_err *e, const char *customer);

/* ---- ST (flows.md §2.6) ---- */
/* The ST business record: invoiced sales by month since from_day, and the customer's grade. */
int store_order_sales_record(struct db *db, struct osb_err *e, const char *customer,
                             const char *from_day, json_t **months, char **grade);
int store_st_insert(struct db *db, struct osb_err *e, const char *number, const char *reason,
                    const char *reason_text, json_t *business_record, int64_t at, const char *by,
                    int64_t decide_by);
/* The open ST request of the order and whether member has voted on it, and the distinct SLT
   roles that voted yes (gm, sales_director, deputy_director). 1 open, 0 none, -1 error. */
int store_st_open(struct db *db, struct osb_err *e, const char *number, const char *member,
                  int64_t *st_id, bool *voted);
int store_st_vote(struct db *db, struct osb_err *e, int64_t st_id, const char *member, bool yes,
                  const char *cast_by, const char *on_behalf_of, bool phone, int64_t at,
                  const char *comment, int64_t *yes_roles);
/* Decides the open request(s) of the order: result "approved" or "refused". */
int store_st_decide(struct db *db, struct osb_err *e, const char *number, const char *result,
                    int64_t at);

/* ---- BG (flows.md §2.7) ---- */
/* The delivery note of print-delivery-note; lines get name, spec, unit, case_size from the
   products. */
int store_order_delivery_note(struct db *db, struct osb_err *e, const char *number,
                              const char *order_no, int64_t at, const char *by, json_t *lines,
                              const struct order_customer *cu, const char *address);
int store_order_product_row(struct db *db, struct osb_err *e, const char *sku, json_t **out);
int store_delivery_note_void(struct db *db, struct osb_err *e, const char *number);
/* BG-3: the warehouse that can serve every line (else the most), into out ("" none). */
int store_order_pick_warehouse(struct db *db, struct osb_err *e, const char *number, char *out,
                               size_t n);
/* Reserves the order's stock first-expiring-first in o->warehouse: per order line an array
   of {batch, qty} taken (the lots' reserved raised); NULL with e set. */
json_t *store_order_reserve(struct db *db, struct osb_err *e, const struct order *o);
/* Creates shipment `number` for the order from what store_order_reserve took (its moves, one
   shipment line per order line) and marks the delivery note released. */
int store_order_ship(struct db *db, struct osb_err *e, const struct order *o, const char *number,
                     int64_t at, const char *by, json_t *reserved);

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
int store_order_earmark(struct db *db, struct osb_err *e, const char *number, const char *customer,
                        int64_t amount, int64_t now);

#endif
