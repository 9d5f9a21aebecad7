/*
 * shipment.c (store) — SQL of the shipment aggregate (store/shipment.h).
 */
#include "store/shipment.h"

#include <stdio.h>
#include <string.h>

static void cp(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src ? src : "");
}
static const char *nz(const char *s)
{
    return s && *s ? s : NULL;
}

static json_t *list_or_empty(const char *txt)
{
    json_t *v = txt ? json_loads(txt, 0, NULL) : NULL;
    if (!json_is_array(v)) {
        json_decref(v);
        v = json_array();
    }
    return v;
}

int store_shipment_load(struct db *db, struct osb_err *e, const char *number, struct shipment *s)
{
    memset(s, 0, sizeof *s);
    struct dbq *q = db_query(db, e,
                             "SELECT number, order_no, delivery_note, backorder, warehouse, scr,"
                             " state, carrier, station, waybill, version, released_at,"
                             " dispatched_at FROM shipments WHERE number = ?",
                             "s", number);
    if (!q)
        return -1;
    int rc = dbq_next(q, e);
    if (rc == 1) {
        cp(s->number, sizeof s->number, dbq_text(q, 0));
        cp(s->order_no, sizeof s->order_no, dbq_text(q, 1));
        cp(s->delivery_note, sizeof s->delivery_note, dbq_text(q, 2));
        cp(s->backorder, sizeof s->backorder, dbq_text(q, 3));
        cp(s->warehouse, sizeof s->warehouse, dbq_text(q, 4));
        cp(s->scr, sizeof s->scr, dbq_text(q, 5));
        s->state = shipment_state_parse(dbq_text(q, 6));
        cp(s->carrier, sizeof s->carrier, dbq_text(q, 7));
        cp(s->station, sizeof s->station, dbq_text(q, 8));
        cp(s->waybill, sizeof s->waybill, dbq_text(q, 9));
        s->version = dbq_int(q, 10);
        s->released_at = dbq_int(q, 11);
        s->dispatched_at = dbq_int(q, 12);
    }
    dbq_end(q);
    if (rc != 1)
        return rc;
    q = db_query(db, e,
                 "SELECT line_no, sku, qty_requested, reserved, picks, qty_counted, qty_shipped,"
                 " discrepancy, note FROM shipment_lines WHERE shipment = ? ORDER BY line_no",
                 "s", number);
    if (!q)
        return -1;
    while ((rc = dbq_next(q, e)) == 1 && s->nlines < SHIPMENT_MAX_LINES) {
        struct shipment_line *l = &s->lines[s->nlines++];
        l->line_no = (int)dbq_int(q, 0);
        cp(l->sku, sizeof l->sku, dbq_text(q, 1));
        l->qty_requested = dbq_int(q, 2);
        l->reserved = list_or_empty(dbq_text(q, 3));
        l->picks = list_or_empty(dbq_text(q, 4));
        l->has_counted = !dbq_null(q, 5);
        l->qty_counted = dbq_int(q, 5);
        l->has_shipped = !dbq_null(q, 6);
        l->qty_shipped = dbq_int(q, 6);
        cp(l->discrepancy, sizeof l->discrepancy, dbq_text(q, 7));
        cp(l->note, sizeof l->note, dbq_text(q, 8));
    }
    dbq_end(q);
    if (rc < 0) {
        store_shipment_release(s);
        return -1;
    }
    return 1;
}

void store_shipment_release(struct shipment *s)
{
    for (size_t i = 0; i < s->nlines; i++) {
        json_decref(s->lines[i].reserved);
        json_decref(s->lines[i].picks);
        s->lines[i].reserved = s->lines[i].picks = NULL;
    }
    s->nlines = 0;
}

int store_shipment_insert(struct db *db, struct osb_err *e, const struct shipment *s, int64_t now)
{
    if (db_exec(db, e,
                "INSERT INTO shipments(number, order_no, delivery_note, backorder, warehouse,"
                " scr, state, released_at, created_at, updated_at) VALUES(?,?,?,?,?,?,?,?,?,?)",
                "sssssssiii", s->number, s->order_no, nz(s->delivery_note), nz(s->backorder),
                s->warehouse, nz(s->scr), shipment_state_str(s->state), s->released_at, now,
                now) < 0)
        return -1;
    for (size_t i = 0; i < s->nlines; i++) {
        const struct shipment_line *l = &s->lines[i];
        if (db_exec(db, e,
                    "INSERT INTO shipment_lines(shipment, line_no, sku, qty_requested, reserved)"
                    " VALUES(?,?,?,?,?)",
                    "sdsij", s->number, l->line_no, l->sku, l->qty_requested, l->reserved) < 0)
            return -1;
    }
    return 0;
}

int store_shipment_update(struct db *db, struct osb_err *e, const struct shipment *s, int64_t now)
{
    return db_exec(db, e,
                   "UPDATE shipments SET state = ?, carrier = ?, station = ?, waybill = ?,"
                   " version = version + 1, updated_at = ? WHERE number = ?",
                   "ssssis", shipment_state_str(s->state), nz(s->carrier), nz(s->station),
                   nz(s->waybill), now, s->number) < 0
               ? -1
               : 0;
}

int store_shipment_line_save(struct db *db, struct osb_err *e, const char *number,
                             const struct shipment_line *l)
{
    json_t *counted = l->has_counted ? json_integer(l->qty_counted) : json_null();
    json_t *shipped = l->has_shipped ? json_integer(l->qty_shipped) : json_null();
    json_t *p = json_pack("[O O o o s? s? s i]", l->reserved, l->picks, counted, shipped,
                          nz(l->discrepancy), nz(l->note), number, l->line_no);
    /* reserved and picks are JSON text in their columns; the array binder stores arrays as
       JSON text, integers as integers and null as NULL. */
    int rc = db_exec_a(db, e,
                       "UPDATE shipment_lines SET reserved = ?, picks = ?, qty_counted = ?,"
                       " qty_shipped = ?, discrepancy = ?, note = ? WHERE shipment = ?"
                       " AND line_no = ?",
                       p);
    json_decref(p);
    return rc < 0 ? -1 : 0;
}

int store_shipment_set_time(struct db *db, struct osb_err *e, const char *number,
                            const char *column, int64_t value)
{
    /* column is one of the fixed names the flow passes, never user input. */
    char sql[128];
    if (snprintf(sql, sizeof sql, "UPDATE shipments SET %s = ? WHERE number = ?", column) >=
        (int)sizeof sql)
        return err_set(e, ERR_INTERNAL, "internal error");
    return db_exec(db, e, sql, "is", value, number) < 0 ? -1 : 0;
}

int store_shipment_event(struct db *db, struct osb_err *e, const char *number, int64_t at,
                         const char *step, const char *action, const char *actor, const char *from,
                         const char *to, const char *comment)
{
    return db_exec(db, e,
                   "INSERT INTO shipment_events(shipment, at, step, action, actor, from_state,"
                   " to_state, comment) VALUES(?,?,?,?,?,?,?,?)",
                   "sissssss", number, at, step, action, actor, from, to, comment) < 0
               ? -1
               : 0;
}

int64_t store_alloc_total(json_t *list)
{
    int64_t t = 0;
    size_t i;
    json_t *it;
    json_array_foreach(list, i, it) t += json_integer_value(json_object_get(it, "qty"));
    return t;
}

int64_t store_alloc_of(json_t *list, const char *batch)
{
    int64_t t = 0;
    size_t i;
    json_t *it;
    json_array_foreach(list, i, it)
    {
        const char *b = json_string_value(json_object_get(it, "batch"));
        if (b && strcmp(b, batch) == 0)
            t += json_integer_value(json_object_get(it, "qty"));
    }
    return t;
}
