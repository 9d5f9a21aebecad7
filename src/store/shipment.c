/*
 * shipment.c (store) — SQL of the shipment aggregate (store/shipment.h).
 */
#include "store/shipment.h"

#include "core/field.h"
#include "core/sb.h"
#include "core/str.h"
#include "store/doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void cp(char *dst, size_t n, const char *src)
{
    (void)str_field(dst, n, src, "a stored column"); /* the schema and record_check bound it */
}
static const char *nz(const char *s)
{
    return s && *s ? s : NULL;
}

/* What save compares: every column of shipment_lines the flow may change. */
static json_t *line_image(const struct shipment_line *l)
{
    return json_pack("{sO sO sb sI sb sI ss ss}", "reserved", l->reserved, "picks", l->picks,
                     "has_counted", l->has_counted, "qty_counted", (json_int_t)l->qty_counted,
                     "has_shipped", l->has_shipped, "qty_shipped", (json_int_t)l->qty_shipped,
                     "discrepancy", l->discrepancy, "note", l->note);
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
                             " dispatched_at, received_at, picked_at, checked_at, booked_at,"
                             " delivered_at, feedback_to_csr_at, expected_delivery_by, pod"
                             " FROM shipments WHERE number = ?",
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
        s->received_at = dbq_int(q, 13);
        s->picked_at = dbq_int(q, 14);
        s->checked_at = dbq_int(q, 15);
        s->booked_at = dbq_int(q, 16);
        s->delivered_at = dbq_int(q, 17);
        s->feedback_to_csr_at = dbq_int(q, 18);
        cp(s->expected_delivery_by, sizeof s->expected_delivery_by, dbq_text(q, 19));
        s->pod = dbq_text(q, 20) ? json_loads(dbq_text(q, 20), 0, NULL) : NULL;
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
        l->loaded = line_image(l);
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
        json_decref(s->lines[i].loaded);
        s->lines[i].reserved = s->lines[i].picks = s->lines[i].loaded = NULL;
    }
    s->nlines = 0;
    json_decref(s->pod);
    json_decref(s->new_tracking);
    s->pod = s->new_tracking = NULL;
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

static int line_save(struct db *db, struct osb_err *e, const char *number,
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

static void set_time(struct sb *sql, json_t *p, const char *col, int64_t v)
{
    sb_addf(sql, ", %s = ?", col);
    json_array_append_new(p, json_integer(v));
}

int store_shipment_save(struct db *db, struct osb_err *e, struct shipment *s, const char *state,
                        int64_t now)
{
    struct sb sql = SB_INIT;
    json_t *p = json_array();
    sb_add(&sql, "UPDATE shipments SET state = ?, version = version + 1, updated_at = ?");
    json_array_append_new(p, json_string(state));
    json_array_append_new(p, json_integer(now));
    if (s->dirty & SHD_BOOKING) {
        sb_add(&sql, ", carrier = ?, station = ?, waybill = ?");
        json_array_append_new(p, json_string(s->carrier));
        json_array_append_new(p, json_string(s->station));
        json_array_append_new(p, json_string(s->waybill));
    }
    if (s->dirty & SHD_RECEIVED)
        set_time(&sql, p, "received_at", s->received_at);
    if (s->dirty & SHD_PICKED)
        set_time(&sql, p, "picked_at", s->picked_at);
    if (s->dirty & SHD_CHECKED)
        set_time(&sql, p, "checked_at", s->checked_at);
    if (s->dirty & SHD_BOOKED)
        set_time(&sql, p, "booked_at", s->booked_at);
    if (s->dirty & SHD_DISPATCHED) {
        set_time(&sql, p, "dispatched_at", s->dispatched_at);
        sb_add(&sql, ", expected_delivery_by = ?");
        json_array_append_new(p, json_string(s->expected_delivery_by));
    }
    if (s->dirty & SHD_DELIVERED) {
        set_time(&sql, p, "delivered_at", s->delivered_at);
        sb_add(&sql, ", pod = ?");
        json_array_append_new(p, s->pod ? json_incref(s->pod) : json_null());
    }
    if (s->dirty & (SHD_DISPATCHED | SHD_DELIVERED))
        set_time(&sql, p, "feedback_to_csr_at", s->feedback_to_csr_at);
    sb_add(&sql, " WHERE number = ?");
    json_array_append_new(p, json_string(s->number));
    int rc = db_exec_a(db, e, sql.buf, p);
    sb_free(&sql);
    json_decref(p);
    for (size_t k = 0; rc >= 0 && k < s->nlines; k++) {
        struct shipment_line *l = &s->lines[k];
        json_t *img = line_image(l);
        if (!json_equal(img, l->loaded))
            rc = line_save(db, e, s->number, l);
        json_decref(l->loaded);
        l->loaded = img;
    }
    size_t i;
    json_t *t;
    json_array_foreach(s->new_tracking, i, t)
    {
        if (rc < 0)
            break;
        rc = db_exec(db, e,
                     "INSERT INTO tracking_events(shipment, at, status, location, source, note,"
                     " recorded_by, recorded_at) VALUES(?,?,?,?,?,?,?,?)",
                     "sisssssi", s->number, (int64_t)json_integer_value(json_object_get(t, "at")),
                     json_string_value(json_object_get(t, "status")),
                     json_string_value(json_object_get(t, "location")),
                     json_string_value(json_object_get(t, "source")),
                     json_string_value(json_object_get(t, "note")),
                     json_string_value(json_object_get(t, "recorded_by")),
                     (int64_t)json_integer_value(json_object_get(t, "recorded_at")));
    }
    if (rc < 0)
        return -1;
    s->state = shipment_state_parse(state);
    s->version++;
    s->dirty = 0;
    json_decref(s->new_tracking);
    s->new_tracking = NULL;
    return 0;
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

int store_shipment_view(struct db *db, struct osb_err *e, const char *number, bool with_timeline,
                        json_t **out)
{
    *out = NULL;
    json_t *s;
    int rc = db_row(db, e, &s,
                    "SELECT s.number, s.order_no AS \"order\", o.customer,"
                    " cu.name AS customer_name, s.delivery_note, s.backorder, s.warehouse, s.scr,"
                    " s.state, s.carrier, s.station, s.waybill, s.released_at, s.received_at,"
                    " s.picked_at, s.checked_at, s.booked_at, s.dispatched_at, s.delivered_at,"
                    " s.expected_delivery_by, s.feedback_to_csr_at, s.pod AS \"pod!j\","
                    " s.version, s.created_at, s.updated_at FROM shipments s"
                    " JOIN orders o ON o.number = s.order_no"
                    " JOIN customers cu ON cu.code = o.customer WHERE s.number = ?",
                    "s", number);
    if (rc <= 0)
        return rc;
    json_t *lines = db_rows(db, e,
                            "SELECT l.line_no, l.sku, p.name, p.spec, p.unit, p.case_size,"
                            " l.qty_requested, l.reserved AS \"reserved!j\","
                            " l.picks AS \"picks!j\", l.qty_counted, l.qty_shipped,"
                            " l.discrepancy, l.note FROM shipment_lines l"
                            " LEFT JOIN products p ON p.sku = l.sku WHERE l.shipment = ?"
                            " ORDER BY l.line_no",
                            "s", number);
    json_t *tracking = db_rows(db, e,
                               "SELECT at, status, location, source, note, recorded_by,"
                               " recorded_at FROM tracking_events WHERE shipment = ?"
                               " ORDER BY at, id",
                               "s", number);
    json_t *bos = db_rows(db, e,
                          "SELECT number, sku, qty, qty_open, state FROM backorders"
                          " WHERE shipment = ? ORDER BY id",
                          "s", number);
    json_t *tl = with_timeline
                     ? db_rows(db, e,
                               "SELECT step, action, actor, at, from_state, to_state, comment"
                               " FROM shipment_events WHERE shipment = ? ORDER BY id",
                               "s", number)
                     : json_array();
    if (!lines || !tracking || !bos || !tl) {
        json_decref(s), json_decref(lines), json_decref(tracking), json_decref(bos);
        json_decref(tl);
        return -1;
    }
    json_object_set_new(s, "lines", lines);
    json_object_set_new(s, "tracking", tracking);
    json_object_set_new(s, "backorders", bos);
    if (with_timeline)
        json_object_set_new(s, "timeline", tl);
    else
        json_decref(tl);
    *out = s;
    return 1;
}

int store_shipment_list(struct db *db, struct osb_err *e, const struct scope_user *u,
                        const struct shipment_filter *f, json_t **numbers, char **next)
{
    json_t *p = json_array();
    struct sb sql = SB_INIT;
    sb_add(&sql, "SELECT s.number FROM shipments s JOIN orders o ON o.number = s.order_no"
                 " JOIN customers cu ON cu.code = o.customer WHERE 1=1");
    store_scope_sql(u, &sql, p, "cu");
    store_filter_in(&sql, p, "s.state", f->state);
    store_filter_eq(&sql, p, "s.order_no", f->order);
    store_filter_eq(&sql, p, "o.customer", f->customer);
    store_filter_q(&sql, p, f->q, "s.number", "cu", "ql.sku",
                   "shipment_lines ql WHERE ql.shipment = s.number");
    return store_doc_page(db, e, &sql, p, "s.number", f->cursor, f->limit, numbers, next);
}

int store_shipment_waybill_used(struct db *db, struct osb_err *e, const char *carrier,
                                const char *waybill, const char *number, bool *used)
{
    int64_t n = 0;
    if (db_int(db, e, &n,
               "SELECT count(*) FROM shipments WHERE carrier = ? AND waybill = ?"
               " AND number <> ?",
               "sss", carrier, waybill, number) < 0)
        return -1;
    *used = n > 0;
    return 0;
}

int store_shipment_transit_days(struct db *db, struct osb_err *e, const char *customer,
                                int64_t *days)
{
    *days = 3;
    return db_int(db, e, days, "SELECT transit_days FROM customers WHERE code = ?", "s", customer) <
                   0
               ? -1
               : 0;
}

int store_shipment_best_warehouse(struct db *db, struct osb_err *e, const char *sku, int64_t qty,
                                  const char *prefer, char code[40], int64_t *free)
{
    json_t *w = NULL;
    int rc = db_row(db, e, &w,
                    /* a derived table: PostgreSQL sorts by an output column only when it
                       stands alone (not in "free >= ?") */
                    "SELECT code, free FROM (SELECT w.code, coalesce((SELECT"
                    " sum(l.on_hand - l.reserved) FROM stock_lots l WHERE l.warehouse = w.code"
                    " AND l.sku = ?1 AND l.quality = 'ok'), 0) AS free FROM warehouses w"
                    " WHERE w.active = 1) AS x"
                    " ORDER BY free >= ?2 DESC, code = ?3 DESC, free DESC, code LIMIT 1",
                    "sis", sku, qty, prefer);
    if (rc <= 0)
        return rc;
    cp(code, 40, json_string_value(json_object_get(w, "code")));
    *free = json_integer_value(json_object_get(w, "free"));
    json_decref(w);
    return 1;
}

int store_shipment_order_pending(struct db *db, struct osb_err *e, const char *order_no,
                                 int64_t *pending)
{
    int64_t ships = 0, open = 0;
    if (db_int(db, e, &ships,
               "SELECT count(*) FROM shipments WHERE order_no = ? AND state IN"
               " ('new', 'received', 'picked', 'checked', 'booked')",
               "s", order_no) < 0 ||
        db_int(db, e, &open,
               "SELECT count(*) FROM backorders WHERE order_no = ? AND state = 'open'", "s",
               order_no) < 0)
        return -1;
    *pending = ships + open;
    return 0;
}

int store_shipment_close_order(struct db *db, struct osb_err *e, const char *order_no, int64_t now)
{
    return db_exec(db, e,
                   "UPDATE orders SET state = 'closed', closed_at = ?, updated_at = ?,"
                   " version = version + 1 WHERE number = ?",
                   "iis", now, now, order_no) < 0
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

/* ---- delivery discrepancies after POD ----------------------------------------------------- */

int store_discrepancy_insert(struct db *db, struct osb_err *e, const struct discrepancy *d)
{
    return db_exec(db, e,
                   "INSERT INTO shipment_discrepancies(shipment, line_no, sku, qty, kind, note,"
                   " reported_at, reported_by, counts, backorder) VALUES(?,?,?,?,?,?,?,?,?,?)",
                   "sisissisbs", d->shipment, (int64_t)d->line_no, d->sku, d->qty, d->kind, d->note,
                   d->at, d->by, d->counts, d->backorder) < 0
               ? -1
               : 0;
}

json_t *store_shipment_discrepancies(struct db *db, struct osb_err *e, const char *shipment)
{
    return db_rows(db, e,
                   "SELECT line_no, sku, qty, kind, note, reported_at, reported_by,"
                   " counts AS \"counts!b\", backorder FROM shipment_discrepancies"
                   " WHERE shipment = ? ORDER BY id",
                   "s", shipment);
}

int store_discrepancy_sku_known(struct db *db, struct osb_err *e, const char *sku, bool *known)
{
    int64_t n = 0;
    if (db_int(db, e, &n, "SELECT count(*) FROM products WHERE sku = ?", "s", sku) < 0)
        return -1;
    *known = n > 0;
    return 0;
}

int store_shipment_invoice(struct db *db, struct osb_err *e, const char *shipment, char **number)
{
    *number = NULL;
    return db_text(db, e, number,
                   "SELECT number FROM invoices WHERE shipment = ? AND state <> 'cancelled'"
                   " ORDER BY number LIMIT 1",
                   "s", shipment) < 0
               ? -1
               : 0;
}
