/*
 * shipment.h (store) — the shipment aggregate (FH, entities §6.2): the shipment, its lines (with
 * their reservation and picks as [{batch, qty}] lists) and its tracking events, plus the reads
 * of its answer and list. All of the shipment's SQL is here; flow/shipment.c decides.
 *
 * Saving writes once per request: one UPDATE of the shipment row (state, version + 1,
 * updated_at and the columns the action changed), one UPDATE per line that differs from what
 * was loaded (lines are diffed, never deleted and re-inserted), and an INSERT per new tracking
 * event.
 */
#ifndef OSB_STORE_SHIPMENT_H
#define OSB_STORE_SHIPMENT_H

#include "core/docno.h"
#include "rules/perm.h"
#include "rules/shipment.h"
#include "store/db.h"
#include "store/order.h"

#include <jansson.h>

#define SHIPMENT_MAX_LINES ORDER_MAX_LINES

struct shipment_line {
    int line_no;
    char sku[40];
    int64_t qty_requested;
    json_t *reserved; /* owned array of {batch, qty}: what this line holds in stock_lots */
    json_t *picks;    /* owned array of {batch, qty}: what was picked (trimmed by the count) */
    bool has_counted;
    int64_t qty_counted;
    bool has_shipped;
    int64_t qty_shipped;
    char discrepancy[16]; /* "", none, shortage, pick_error */
    char note[512];
    json_t *loaded; /* owned: the line as loaded, so that save writes only the lines that
                       differ from it (store_shipment_save diffs; NULL for a new line) */
};

/* The columns an action may change besides state and version (struct shipment.dirty). */
enum {
    SHD_BOOKING = 1u << 0, /* carrier, station, waybill */
    SHD_RECEIVED = 1u << 1,
    SHD_PICKED = 1u << 2,
    SHD_CHECKED = 1u << 3,
    SHD_BOOKED = 1u << 4,
    SHD_DISPATCHED = 1u << 5, /* dispatched_at, feedback_to_csr_at, expected_delivery_by */
    SHD_DELIVERED = 1u << 6,  /* pod, delivered_at, feedback_to_csr_at */
};

struct shipment {
    char number[DOCNO_MAX];
    char order_no[DOCNO_MAX];
    char delivery_note[DOCNO_MAX];
    char backorder[DOCNO_MAX]; /* set when the shipment fills a backorder */
    char warehouse[40], scr[40];
    enum shipment_state state;
    char carrier[256], station[256], waybill[256];
    int64_t version, released_at, received_at, picked_at, checked_at, booked_at, dispatched_at,
        delivered_at, feedback_to_csr_at;
    char expected_delivery_by[12];
    json_t *pod; /* owned; NULL until delivered */
    struct shipment_line lines[SHIPMENT_MAX_LINES];
    size_t nlines;
    unsigned dirty;       /* SHD_* */
    json_t *new_tracking; /* owned array of tracking events to insert, or NULL */
};

/* 1 found, 0 none, -1 error. Release with store_shipment_release. */
int store_shipment_load(struct db *db, struct osb_err *e, const char *number, struct shipment *s);
void store_shipment_release(struct shipment *s);

/* Inserts a new shipment (state new) and its lines as they are in s. */
int store_shipment_insert(struct db *db, struct osb_err *e, const struct shipment *s, int64_t now);
/* Writes the changes of one action at once: state, version + 1, updated_at, the dirty columns,
   the lines that differ from what was loaded and the new tracking events; then clears the
   marks. */
int store_shipment_save(struct db *db, struct osb_err *e, struct shipment *s, const char *state,
                        int64_t now);
int store_shipment_event(struct db *db, struct osb_err *e, const char *number, int64_t at,
                         const char *step, const char *action, const char *actor, const char *from,
                         const char *to, const char *comment);

/* The shipment as its answer shows it, times as integers: header with order, customer and
   customer_name, lines with product facts, tracking, the backorders it opened, and (when
   with_timeline) its timeline. 1 found, 0 none, -1 error. */
int store_shipment_view(struct db *db, struct osb_err *e, const char *number, bool with_timeline,
                        json_t **out);

struct shipment_filter {
    const char *state, *order, *customer, *cursor;
    int limit;
    const char *q; /* api.md §5.1 q= (store_filter_q), NULL: none */
};
/* One page of the shipments u may see: *numbers (new array), *next (new string or NULL). */
int store_shipment_list(struct db *db, struct osb_err *e, const struct scope_user *u,
                        const struct shipment_filter *f, json_t **numbers, char **next);

/* Is (carrier, waybill) used by a shipment other than number? */
int store_shipment_waybill_used(struct db *db, struct osb_err *e, const char *carrier,
                                const char *waybill, const char *number, bool *used);
/* The customer's transit days (entities §6.2), 3 when not known. */
int store_shipment_transit_days(struct db *db, struct osb_err *e, const char *customer,
                                int64_t *days);
/* The active warehouse to fill qty of sku from: one that has it all, the order's own (prefer)
   first, else the one with most free ok stock. 1 with code and *free, 0 when none. */
int store_shipment_best_warehouse(struct db *db, struct osb_err *e, const char *sku, int64_t qty,
                                  const char *prefer, char code[40], int64_t *free);
/* How many shipments of the order are not yet dispatched, plus its open backorders. */
int store_shipment_order_pending(struct db *db, struct osb_err *e, const char *order_no,
                                 int64_t *pending);
/* Closes a released order (state closed, closed_at, version + 1). */
int store_shipment_close_order(struct db *db, struct osb_err *e, const char *order_no, int64_t now);

/* ---- delivery discrepancies after POD (entities.md §6.4, api.md §5.5) ------------------- */

struct discrepancy {
    const char *shipment, *sku, *kind, *note, *by, *backorder; /* note, backorder may be NULL */
    int line_no;                                               /* 0: no line of the shipment */
    int64_t qty, at;
    bool counts; /* reported within the window after POD: counts against shipment_accuracy */
};
int store_discrepancy_insert(struct db *db, struct osb_err *e, const struct discrepancy *d);
/* The shipment's discrepancies, oldest first: [{line_no, sku, qty, kind, note, reported_at,
   reported_by, counts!b, backorder}] (a new array). */
json_t *store_shipment_discrepancies(struct db *db, struct osb_err *e, const char *shipment);
/* Is sku a product? */
int store_discrepancy_sku_known(struct db *db, struct osb_err *e, const char *sku, bool *known);
/* The live invoice of the shipment (a new string, NULL when none). */
int store_shipment_invoice(struct db *db, struct osb_err *e, const char *shipment, char **number);

/* Σ qty of a [{batch, qty}] list, and the qty it holds for one batch. */
int64_t store_alloc_total(json_t *list);
int64_t store_alloc_of(json_t *list, const char *batch);

#endif
