/*
 * backorder.c (store) — the backorder aggregate's SQL (store/backorder.h).
 */
#include "store/backorder.h"

#include "core/field.h"
#include "core/json.h"
#include "core/sb.h"
#include "core/str.h"
#include "store/doc.h"

#include <stdio.h>
#include <string.h>

static void cp(char *dst, size_t n, const char *src)
{
    (void)str_field(dst, n, src, "a stored column"); /* the schema and record_check bound it */
}

int store_backorder_load(struct db *db, struct osb_err *e, const char *number, struct backorder *b)
{
    memset(b, 0, sizeof *b);
    json_t *r = NULL;
    int rc = db_row(db, e, &r,
                    "SELECT number, order_no, shipment, customer, sku, scheduled_shipment,"
                    " state, line_no, qty, qty_open, qty_fulfilled, qty_cancelled, version,"
                    " cancel_reason, cancelled_by, cancelled_at, fulfilled_at"
                    " FROM backorders WHERE number = ?",
                    "s", number);
    if (rc <= 0)
        return rc;
    cp(b->number, sizeof b->number, jstr(r, "number"));
    cp(b->order_no, sizeof b->order_no, jstr(r, "order_no"));
    cp(b->shipment, sizeof b->shipment, jstr(r, "shipment"));
    cp(b->customer, sizeof b->customer, jstr(r, "customer"));
    cp(b->sku, sizeof b->sku, jstr(r, "sku"));
    cp(b->scheduled, sizeof b->scheduled, jstr(r, "scheduled_shipment"));
    cp(b->state, sizeof b->state, jstr(r, "state"));
    b->line_no = (int)jint(r, "line_no");
    b->qty = jint(r, "qty");
    b->qty_open = jint(r, "qty_open");
    b->qty_fulfilled = jint(r, "qty_fulfilled");
    b->qty_cancelled = jint(r, "qty_cancelled");
    b->version = jint(r, "version");
    cp(b->cancel_reason, sizeof b->cancel_reason, jstr(r, "cancel_reason"));
    cp(b->cancelled_by, sizeof b->cancelled_by, jstr(r, "cancelled_by"));
    b->cancelled_at = jint(r, "cancelled_at");
    b->fulfilled_at = jint(r, "fulfilled_at");
    json_decref(r);
    return 1;
}

int store_backorder_insert(struct db *db, struct osb_err *e, const struct backorder *b,
                           json_t *notified, int64_t now)
{
    return db_exec(db, e,
                   "INSERT INTO backorders(number, order_no, shipment, customer, line_no, sku,"
                   " qty, qty_open, state, notified_at, notified, created_at, updated_at)"
                   " VALUES(?,?,?,?,?,?,?,?,'open',?,?,?,?)",
                   "ssssdsiiijii", b->number, b->order_no, b->shipment, b->customer, b->line_no,
                   b->sku, b->qty, b->qty, now, notified, now, now) < 0
               ? -1
               : 0;
}

int store_backorder_save(struct db *db, struct osb_err *e, struct backorder *b, const char *state,
                         int64_t now)
{
    struct sb sql = SB_INIT;
    json_t *p = json_array();
    sb_add(&sql, "UPDATE backorders SET state = ?, version = version + 1, updated_at = ?");
    json_array_append_new(p, json_string(state));
    json_array_append_new(p, json_integer(now));
    if (b->dirty & BOD_SCHEDULED) {
        sb_add(&sql, ", scheduled_shipment = ?");
        json_array_append_new(p, b->scheduled[0] ? json_string(b->scheduled) : json_null());
    }
    if (b->dirty & BOD_QTY) {
        sb_add(&sql, ", qty_open = ?, qty_fulfilled = ?, qty_cancelled = ?");
        json_array_append_new(p, json_integer(b->qty_open));
        json_array_append_new(p, json_integer(b->qty_fulfilled));
        json_array_append_new(p, json_integer(b->qty_cancelled));
    }
    if (b->dirty & BOD_CANCELLED) {
        sb_add(&sql, ", cancel_reason = ?, cancelled_at = ?, cancelled_by = ?");
        json_array_append_new(p, b->cancel_reason[0] ? json_string(b->cancel_reason) : json_null());
        json_array_append_new(p, json_integer(b->cancelled_at));
        json_array_append_new(p, json_string(b->cancelled_by));
    }
    if (b->dirty & BOD_FULFILLED) {
        sb_add(&sql, ", fulfilled_at = ?");
        json_array_append_new(p, json_integer(b->fulfilled_at));
    }
    sb_add(&sql, " WHERE number = ?");
    json_array_append_new(p, json_string(b->number));
    int rc = db_exec_a(db, e, sql.buf, p);
    sb_free(&sql);
    json_decref(p);
    if (rc < 0)
        return -1;
    cp(b->state, sizeof b->state, state);
    b->version++;
    b->dirty = 0;
    return 0;
}

int store_backorder_view(struct db *db, struct osb_err *e, const char *number, json_t **out)
{
    *out = NULL;
    json_t *b;
    int rc = db_row(db, e, &b,
                    "SELECT b.number, b.order_no AS \"order\", b.customer, b.sku, p.name,"
                    " p.spec, p.unit, b.line_no, b.qty, b.qty_open, b.qty_fulfilled,"
                    " b.qty_cancelled, b.state, b.shipment, b.scheduled_shipment,"
                    " b.notified_at, b.notified AS \"notified!j\", b.cancel_reason,"
                    " b.cancelled_at, b.cancelled_by, b.fulfilled_at, b.version, b.created_at,"
                    " b.updated_at FROM backorders b LEFT JOIN products p ON p.sku = b.sku"
                    " WHERE b.number = ?",
                    "s", number);
    if (rc <= 0)
        return rc;
    json_t *ships = db_rows(db, e,
                            "SELECT number, state FROM shipments WHERE backorder = ?"
                            " ORDER BY id",
                            "s", number);
    if (!ships) {
        json_decref(b);
        return -1;
    }
    json_object_set_new(b, "shipments", ships);
    *out = b;
    return 1;
}

int store_backorder_list(struct db *db, struct osb_err *e, const struct scope_user *u,
                         const struct backorder_filter *f, json_t **numbers, char **next)
{
    json_t *p = json_array();
    struct sb sql = SB_INIT;
    sb_add(&sql, "SELECT b.number FROM backorders b JOIN customers cu ON cu.code = b.customer"
                 " WHERE 1=1");
    store_scope_sql(u, &sql, p, "cu");
    store_filter_in(&sql, p, "b.state", f->state);
    store_filter_eq(&sql, p, "b.order_no", f->order);
    store_filter_eq(&sql, p, "b.customer", f->customer);
    store_filter_eq(&sql, p, "b.sku", f->sku);
    store_filter_q(&sql, p, f->q, "b.number", "cu", "b.sku", NULL);
    return store_doc_page(db, e, &sql, p, "b.number", f->cursor, f->limit, numbers, next);
}

int store_backorder_product(struct db *db, struct osb_err *e, const char *sku, json_t **out)
{
    *out = NULL;
    return db_row(db, e, out, "SELECT name, spec, unit, case_size FROM products WHERE sku = ?", "s",
                  sku) < 0
               ? -1
               : 0;
}

int store_backorder_release_quota(struct db *db, struct osb_err *e, const char *order_no,
                                  int line_no, int64_t qty)
{
    json_t *uses = db_rows(db, e,
                           "SELECT id, qty, over_qty FROM quota_uses WHERE document = ?"
                           " AND line_no = ? AND released = 0 ORDER BY id DESC",
                           "sd", order_no, line_no);
    if (!uses)
        return -1;
    size_t i;
    json_t *u;
    int rc = 0;
    json_array_foreach(uses, i, u)
    {
        if (qty <= 0)
            break;
        int64_t q = jint(u, "qty"), over = jint(u, "over_qty");
        bool all = q <= qty; /* the whole use is released */
        int64_t d = all ? q : qty;
        int64_t nover = over - d > 0 ? over - d : 0;
        rc = all ? db_exec(db, e, "UPDATE quota_uses SET released = 1 WHERE id = ?", "i",
                           jint(u, "id"))
                 : db_exec(db, e, "UPDATE quota_uses SET qty = ?, over_qty = ? WHERE id = ?", "iii",
                           q - d, nover, jint(u, "id"));
        if (rc < 0)
            break;
        rc = 0;
        qty -= d;
    }
    json_decref(uses);
    return rc;
}

int store_backorder_line_price(struct db *db, struct osb_err *e, const char *order_no, int line_no,
                               int64_t *price_fen)
{
    *price_fen = 0;
    return db_int(db, e, price_fen,
                  "SELECT price_fen FROM order_lines WHERE order_no = ? AND line_no = ?", "sd",
                  order_no, line_no) < 0
               ? -1
               : 0;
}

int store_backorder_lower_exposure(struct db *db, struct osb_err *e, const char *order_no,
                                   int64_t amount_fen)
{
    return db_exec(db, e,
                   /* max(0, open_fen - ?1), written so PostgreSQL (no scalar max) takes it */
                   "UPDATE order_exposure SET open_fen = CASE WHEN open_fen > ?1"
                   " THEN open_fen - ?1 ELSE 0 END WHERE order_no = ?2",
                   "is", amount_fen, order_no) < 0
               ? -1
               : 0;
}
