/*
 * returns.h (store) — the return aggregate (TH): the returns row and its lines, plus the
 * facts a return is made from (its order, what was shipped and already returned, the last
 * delivery) and the rows receiving writes (stock back into its lot, the invoices a credit note
 * may go against). All of the return's SQL is here; flow/returns.c decides.
 */
#ifndef OSB_STORE_RETURNS_H
#define OSB_STORE_RETURNS_H

#include "core/docno.h"
#include "rules/perm.h"
#include "store/db.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#define RETURN_MAX_LINES 200

struct return_line {
    int line_no;
    char sku[64], batch[64], reason_code[24], warehouse[40], shipment[DOCNO_MAX];
    char received_quality[16]; /* "" until received */
    char *reason;              /* owned, NULL when none */
    int64_t qty, price_fen, amount_fen;
    bool changed; /* received_quality changed: save writes this line */
};

struct return_doc {
    char number[DOCNO_MAX], order_no[DOCNO_MAX], customer[40], kind[16], state[16];
    char created_by[40];
    bool late;
    int64_t version, created_at, updated_at;
    json_t *inspection, *red_ink_note, *credit_notes; /* owned, NULL when not yet */
    bool inspection_changed, red_ink_changed, credit_notes_changed;
    char replacement_order[DOCNO_MAX]; /* an exchange's replacement order (DD), "" until made */
    bool replacement_changed;
    struct return_line *lines; /* owned */
    size_t nlines;
};

/* 1 found, 0 none, -1 error. */
int store_return_load(struct db *db, struct osb_err *e, const char *number, struct return_doc *r);
void store_return_release(struct return_doc *r);
/* Inserts a new return (number, order, customer, kind, late, created_*) in state requested,
   version 1, with its lines. */
int store_return_insert(struct db *db, struct osb_err *e, const struct return_doc *r);
/* Writes one action at once: state, version + 1, updated_at, the JSON columns that changed,
   and the lines whose received quality changed. */
int store_return_save(struct db *db, struct osb_err *e, struct return_doc *r, const char *state,
                      int64_t now);

struct return_filter {
    const char *state, *order, *customer, *cursor;
    int limit;
    const char *q; /* api.md §5.1 q= (store_filter_q), NULL: none */
};
/* One page of the returns u may see: *numbers (new array), *next (new string or NULL). */
int store_return_list(struct db *db, struct osb_err *e, const struct scope_user *u,
                      const struct return_filter *f, json_t **numbers, char **next);

/* ---- what a return is made from ---------------------------------------------------------- */

/* The order's customer and state: 1 found, 0 none, -1 error. */
int store_return_order(struct db *db, struct osb_err *e, const char *order_no, char customer[40],
                       char state[32]);
/* The order's line of sku: its price and whether the product is goods (not sample or POP).
   1 found, 0 the SKU is not on the order, -1 error. */
int store_return_order_line(struct db *db, struct osb_err *e, const char *order_no, const char *sku,
                            int64_t *price_fen, bool *goods);
/* Of one SKU and batch of the order: what its dispatched shipments shipped, the first of them
   and its warehouse, and what live returns (not refused, not cancelled) already ask for. */
int store_return_returnable(struct db *db, struct osb_err *e, const char *order_no, const char *sku,
                            const char *batch, int64_t *shipped, int64_t *returned,
                            char shipment[DOCNO_MAX], char warehouse[40]);
/* The last proof of delivery (or dispatch, without one) of the order's shipments, 0 when none. */
int store_return_last_delivery(struct db *db, struct osb_err *e, const char *order_no, int64_t *at);
/* The UM of region into um ("" when none). */
int store_return_region_um(struct db *db, struct osb_err *e, const char *region, char um[40]);

/* ---- approving and receiving ------------------------------------------------------------- */

/* The lines of the red-ink delivery note: line_no, sku, name, spec, unit, batch, qty,
   warehouse (a new array). */
json_t *store_return_note_lines(struct db *db, struct osb_err *e, const char *number);
/* qty units back into their lot (warehouse, sku, batch) with a return_in stock move. */
int store_return_stock_in(struct db *db, struct osb_err *e, int64_t at, const char *warehouse,
                          const char *sku, const char *batch, int64_t qty, const char *document,
                          const char *by);
/* The order's live invoices by number: number, shipment (null for a prepay invoice) and left
   (its amount less all its credit notes) (a new array). */
json_t *store_return_invoices(struct db *db, struct osb_err *e, const char *order_no);
/* The first line of invoice with sku: 1 found, 0 none, -1 error. */
int store_return_invoice_line(struct db *db, struct osb_err *e, const char *invoice,
                              const char *sku, int64_t *line_no);

#endif
