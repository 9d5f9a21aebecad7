/*
 * shipment.h (store) — rows of the shipment aggregate (entities §6.2): the shipment, its lines
 * (with their reservation and picks as [{batch, qty}] lists) and its timeline. The flow
 * (flow/shipment.c) decides; this file reads and writes.
 */
#ifndef OSB_STORE_SHIPMENT_H
#define OSB_STORE_SHIPMENT_H

#include "core/docno.h"
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
};

struct shipment {
    char number[DOCNO_MAX];
    char order_no[DOCNO_MAX];
    char delivery_note[DOCNO_MAX];
    char backorder[DOCNO_MAX]; /* set when the shipment fills a backorder */
    char warehouse[40], scr[40];
    enum shipment_state state;
    char carrier[256], station[256], waybill[256];
    int64_t version, released_at, dispatched_at;
    struct shipment_line lines[SHIPMENT_MAX_LINES];
    size_t nlines;
};

/* 1 found, 0 none, -1 error. Release with store_shipment_release. */
int store_shipment_load(struct db *db, struct osb_err *e, const char *number, struct shipment *s);
void store_shipment_release(struct shipment *s);

/* Inserts a new shipment (state new) and its lines as they are in s. */
int store_shipment_insert(struct db *db, struct osb_err *e, const struct shipment *s, int64_t now);
/* Writes state, carrier, station, waybill and version+1 (the caller checked the version). */
int store_shipment_update(struct db *db, struct osb_err *e, const struct shipment *s, int64_t now);
/* Writes one line's reservation, picks, count, shipped quantity, discrepancy and note. */
int store_shipment_line_save(struct db *db, struct osb_err *e, const char *number,
                             const struct shipment_line *l);
int store_shipment_set_time(struct db *db, struct osb_err *e, const char *number,
                            const char *column, int64_t value);
int store_shipment_event(struct db *db, struct osb_err *e, const char *number, int64_t at,
                         const char *step, const char *action, const char *actor, const char *from,
                         const char *to, const char *comment);

/* Σ qty of a [{batch, qty}] list, and the qty it holds for one batch. */
int64_t store_alloc_total(json_t *list);
int64_t store_alloc_of(json_t *list, const char *batch);

#endif
