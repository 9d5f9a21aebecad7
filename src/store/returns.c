/*
 * returns.c (store) — the return aggregate's SQL (store/returns.h).
 */
#include "store/returns.h"

#include "core/field.h"
#include "core/json.h"
#include "core/sb.h"
#include "core/str.h"
#include "store/doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void copy(char *dst, size_t n, const char *src)
{
    (void)str_field(dst, n, src, "a stored column"); /* the schema and record_check bound it */
}

static json_t *take(json_t *row, const char *key)
{
    json_t *v = json_object_get(row, key);
    return v && !json_is_null(v) ? json_incref(v) : NULL;
}

int store_return_load(struct db *db, struct osb_err *e, const char *number, struct return_doc *r)
{
    memset(r, 0, sizeof *r);
    json_t *o = NULL;
    int rc =
        db_row(db, e, &o,
               "SELECT number, order_no, customer, kind, state, inspection AS \"inspection!j\","
               " red_ink_note AS \"red_ink_note!j\", credit_notes AS \"credit_notes!j\","
               " late, version, created_at, created_by, updated_at, replacement_order"
               " FROM returns WHERE number = ?",
               "s", number);
    if (rc <= 0)
        return rc;
    copy(r->number, sizeof r->number, jstr(o, "number"));
    copy(r->order_no, sizeof r->order_no, jstr(o, "order_no"));
    copy(r->customer, sizeof r->customer, jstr(o, "customer"));
    copy(r->kind, sizeof r->kind, jstr(o, "kind"));
    copy(r->state, sizeof r->state, jstr(o, "state"));
    copy(r->created_by, sizeof r->created_by, jstr(o, "created_by"));
    r->inspection = take(o, "inspection");
    r->red_ink_note = take(o, "red_ink_note");
    r->credit_notes = take(o, "credit_notes");
    r->late = jint(o, "late") != 0;
    r->version = jint(o, "version");
    r->created_at = jint(o, "created_at");
    r->updated_at = jint(o, "updated_at");
    copy(r->replacement_order, sizeof r->replacement_order, jstr(o, "replacement_order"));
    json_decref(o);

    struct dbq *q = db_query(db, e,
                             "SELECT line_no, sku, batch, qty, reason, reason_code, price_fen,"
                             " amount_fen, warehouse, shipment, received_quality"
                             " FROM return_lines WHERE return_no = ? ORDER BY line_no",
                             "s", number);
    if (!q) {
        store_return_release(r);
        return -1;
    }
    size_t cap = 0;
    int st;
    while ((st = dbq_next(q, e)) == 1) {
        if (r->nlines == cap) {
            cap = cap ? cap * 2 : 8;
            r->lines = realloc(r->lines, cap * sizeof *r->lines);
            if (!r->lines)
                abort();
        }
        struct return_line *l = &r->lines[r->nlines++];
        memset(l, 0, sizeof *l);
        l->line_no = (int)dbq_int(q, 0);
        copy(l->sku, sizeof l->sku, dbq_text(q, 1));
        copy(l->batch, sizeof l->batch, dbq_text(q, 2));
        l->qty = dbq_int(q, 3);
        l->reason = dbq_text(q, 4) ? strdup(dbq_text(q, 4)) : NULL;
        copy(l->reason_code, sizeof l->reason_code, dbq_text(q, 5));
        l->price_fen = dbq_int(q, 6);
        l->amount_fen = dbq_int(q, 7);
        copy(l->warehouse, sizeof l->warehouse, dbq_text(q, 8));
        copy(l->shipment, sizeof l->shipment, dbq_text(q, 9));
        copy(l->received_quality, sizeof l->received_quality, dbq_text(q, 10));
    }
    dbq_end(q);
    if (st < 0) {
        store_return_release(r);
        return -1;
    }
    return 1;
}

void store_return_release(struct return_doc *r)
{
    for (size_t i = 0; i < r->nlines; i++)
        free(r->lines[i].reason);
    free(r->lines);
    r->lines = NULL;
    r->nlines = 0;
    json_decref(r->inspection);
    json_decref(r->red_ink_note);
    json_decref(r->credit_notes);
    r->inspection = r->red_ink_note = r->credit_notes = NULL;
}

static const char *or_null(const char *s)
{
    return s && *s ? s : NULL;
}

int store_return_insert(struct db *db, struct osb_err *e, const struct return_doc *r)
{
    if (db_exec(db, e,
                "INSERT INTO returns(number, order_no, customer, kind, state, late, created_at,"
                " created_by, updated_at) VALUES(?,?,?,?,'requested',?,?,?,?)",
                "ssssbisi", r->number, r->order_no, r->customer, r->kind[0] ? r->kind : "return",
                r->late, r->created_at, r->created_by, r->created_at) < 0)
        return -1;
    for (size_t i = 0; i < r->nlines; i++) {
        const struct return_line *l = &r->lines[i];
        if (db_exec(db, e,
                    "INSERT INTO return_lines(return_no, line_no, sku, batch, qty, reason,"
                    " reason_code, price_fen, amount_fen, warehouse, shipment)"
                    " VALUES(?,?,?,?,?,?,?,?,?,?,?)",
                    "sdssissiiss", r->number, l->line_no, l->sku, l->batch, l->qty, l->reason,
                    or_null(l->reason_code), l->price_fen, l->amount_fen, l->warehouse,
                    l->shipment) < 0)
            return -1;
    }
    return 0;
}

int store_return_save(struct db *db, struct osb_err *e, struct return_doc *r, const char *state,
                      int64_t now)
{
    struct sb sql = SB_INIT;
    json_t *p = json_array();
    sb_add(&sql, "UPDATE returns SET state = ?, version = version + 1, updated_at = ?");
    json_array_append_new(p, json_string(state));
    json_array_append_new(p, json_integer(now));
    /* The JSON columns an action changed, stored as JSON text. */
    const struct {
        const char *col;
        json_t *val;
        bool changed;
    } cols[] = {{"inspection", r->inspection, r->inspection_changed},
                {"red_ink_note", r->red_ink_note, r->red_ink_changed},
                {"credit_notes", r->credit_notes, r->credit_notes_changed}};
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
        if (!cols[i].changed)
            continue;
        sb_addf(&sql, ", %s = ?", cols[i].col);
        json_array_append(p, cols[i].val ? cols[i].val : json_null());
    }
    if (r->replacement_changed) {
        sb_add(&sql, ", replacement_order = ?");
        json_array_append_new(p, json_string(r->replacement_order));
    }
    sb_add(&sql, " WHERE number = ?");
    json_array_append_new(p, json_string(r->number));
    int rc = db_exec_a(db, e, sql.buf, p);
    sb_free(&sql);
    json_decref(p);
    for (size_t i = 0; rc >= 0 && i < r->nlines; i++) {
        struct return_line *l = &r->lines[i];
        if (!l->changed)
            continue;
        rc = db_exec(db, e,
                     "UPDATE return_lines SET received_quality = ? WHERE return_no = ?"
                     " AND line_no = ?",
                     "ssd", or_null(l->received_quality), r->number, l->line_no);
        l->changed = false;
    }
    if (rc < 0)
        return -1;
    str_field(r->state, sizeof r->state, state, "state");
    r->version++;
    r->updated_at = now;
    r->inspection_changed = r->red_ink_changed = r->credit_notes_changed = false;
    r->replacement_changed = false;
    return 0;
}

int store_return_list(struct db *db, struct osb_err *e, const struct scope_user *u,
                      const struct return_filter *f, json_t **numbers, char **next)
{
    json_t *p = json_array();
    struct sb sql = SB_INIT;
    sb_add(&sql, "SELECT t.number FROM returns t JOIN customers cu ON cu.code = t.customer"
                 " WHERE 1=1");
    store_scope_sql(u, &sql, p, "cu");
    store_filter_in(&sql, p, "t.state", f->state);
    store_filter_eq(&sql, p, "t.order_no", f->order);
    store_filter_eq(&sql, p, "t.customer", f->customer);
    store_filter_q(&sql, p, f->q, "t.number", "cu", "ql.sku",
                   "return_lines ql WHERE ql.return_no = t.number");
    return store_doc_page(db, e, &sql, p, "t.number", f->cursor, f->limit, numbers, next);
}

/* ---- what a return is made from ---------------------------------------------------------- */

int store_return_order(struct db *db, struct osb_err *e, const char *order_no, char customer[40],
                       char state[32])
{
    /* What of the order may still come back is read next: the order is locked first (as its
       own actions lock it), so two returns of one order are checked one after the other. */
    if (store_doc_lock(db, e, "order", order_no) < 0)
        return -1;
    json_t *o = NULL;
    int rc =
        db_row(db, e, &o, "SELECT customer, state FROM orders WHERE number = ?", "s", order_no);
    if (rc == 1) {
        copy(customer, 40, jstr(o, "customer"));
        copy(state, 32, jstr(o, "state"));
    }
    json_decref(o);
    return rc;
}

int store_return_order_line(struct db *db, struct osb_err *e, const char *order_no, const char *sku,
                            int64_t *price_fen, bool *goods)
{
    json_t *pl = NULL;
    int rc = db_row(db, e, &pl,
                    "SELECT p.kind, l.price_fen FROM order_lines l JOIN products p"
                    " ON p.sku = l.sku WHERE l.order_no = ? AND l.sku = ?",
                    "ss", order_no, sku);
    if (rc == 1) {
        *goods = jstr(pl, "kind") && strcmp(jstr(pl, "kind"), "goods") == 0;
        *price_fen = jint(pl, "price_fen");
    }
    json_decref(pl);
    return rc;
}

int store_return_returnable(struct db *db, struct osb_err *e, const char *order_no, const char *sku,
                            const char *batch, int64_t *shipped, int64_t *returned,
                            char shipment[DOCNO_MAX], char warehouse[40])
{
    *shipped = *returned = 0;
    shipment[0] = warehouse[0] = '\0';
    json_t *r = NULL;
    int rc = db_row(db, e, &r,
                    "SELECT coalesce(sum(m.qty), 0) AS shipped, min(s.number) AS shipment,"
                    " min(m.warehouse) AS warehouse FROM stock_moves m"
                    " JOIN shipments s ON s.number = m.document WHERE s.order_no = ?"
                    " AND m.kind = 'ship' AND m.sku = ? AND m.batch = ?"
                    " AND s.state IN ('dispatched', 'delivered')",
                    "sss", order_no, sku, batch);
    if (rc < 0)
        return -1;
    if (rc == 1) {
        *shipped = jint(r, "shipped");
        copy(shipment, DOCNO_MAX, jstr(r, "shipment"));
        copy(warehouse, 40, jstr(r, "warehouse"));
    }
    json_decref(r);
    return db_int(db, e, returned,
                  "SELECT coalesce(sum(l.qty), 0) FROM return_lines l JOIN returns t"
                  " ON t.number = l.return_no WHERE t.order_no = ? AND l.sku = ? AND l.batch = ?"
                  " AND t.state NOT IN ('refused', 'cancelled')",
                  "sss", order_no, sku, batch) < 0
               ? -1
               : 0;
}

int store_return_last_delivery(struct db *db, struct osb_err *e, const char *order_no, int64_t *at)
{
    *at = 0;
    return db_int(db, e, at,
                  "SELECT coalesce(max(coalesce(delivered_at, dispatched_at)), 0) FROM shipments"
                  " WHERE order_no = ? AND state IN ('dispatched', 'delivered')",
                  "s", order_no) < 0
               ? -1
               : 0;
}

int store_return_region_um(struct db *db, struct osb_err *e, const char *region, char um[40])
{
    char *u = NULL;
    um[0] = '\0';
    if (db_text(db, e, &u, "SELECT um FROM regions WHERE code = ?", "s", region) < 0)
        return -1;
    copy(um, 40, u);
    free(u);
    return 0;
}

/* ---- approving and receiving ------------------------------------------------------------- */

json_t *store_return_note_lines(struct db *db, struct osb_err *e, const char *number)
{
    return db_rows(db, e,
                   "SELECT l.line_no, l.sku, p.name, p.spec, p.unit, l.batch, l.qty,"
                   " l.warehouse FROM return_lines l JOIN products p ON p.sku = l.sku"
                   " WHERE l.return_no = ? ORDER BY l.line_no",
                   "s", number);
}

int store_return_stock_in(struct db *db, struct osb_err *e, int64_t at, const char *warehouse,
                          const char *sku, const char *batch, int64_t qty, const char *document,
                          const char *by)
{
    return db_exec(db, e,
                   "UPDATE stock_lots SET on_hand = on_hand + ? WHERE warehouse = ? AND sku = ?"
                   " AND batch = ?",
                   "isss", qty, warehouse, sku, batch) < 0 ||
                   db_exec(db, e,
                           "INSERT INTO stock_moves(at, warehouse, sku, batch, kind, qty,"
                           " document, by) VALUES(?,?,?,?,'return_in',?,?,?)",
                           "isssiss", at, warehouse, sku, batch, qty, document, by) < 0
               ? -1
               : 0;
}

json_t *store_return_invoices(struct db *db, struct osb_err *e, const char *order_no)
{
    return db_rows(db, e,
                   "SELECT i.number, i.shipment, i.amount_fen - coalesce((SELECT"
                   " sum(n.amount_fen) FROM credit_notes n WHERE n.invoice = i.number),"
                   " 0) AS left FROM invoices i WHERE i.order_no = ?"
                   " AND i.state <> 'cancelled' ORDER BY i.number",
                   "s", order_no);
}

int store_return_invoice_line(struct db *db, struct osb_err *e, const char *invoice,
                              const char *sku, int64_t *line_no)
{
    return db_int(db, e, line_no,
                  "SELECT line_no FROM invoice_lines WHERE invoice = ? AND sku = ?"
                  " ORDER BY line_no LIMIT 1",
                  "ss", invoice, sku);
}
