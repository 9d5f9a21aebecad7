/*
 * order.c (store) — SQL of the order aggregate (store/order.h).
 */
#include "store/order.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void cp(char *dst, size_t n, const char *src) { snprintf(dst, n, "%s", src ? src : ""); }
static const char *nz(const char *s) { return s && *s ? s : NULL; }

int store_order_load(struct db *db, struct osb_err *e, const char *number, struct order *o)
{
    memset(o, 0, sizeof *o);
    struct dbq *q = db_query(
        db, e,
        "SELECT number, customer, state, market, region, kam, um, mm, csr, scr, bcr, warehouse,"
        " created_by, total_fen, stated_total_fen, earmark_fen, approved_shortfall_fen,"
        " loose_units_approved, accepted_at, version, created_at, delivery_note, requested_date"
        " FROM orders WHERE number = ?",
        "s", number);
    if (!q)
        return -1;
    int rc = dbq_next(q, e);
    if (rc == 1) {
        cp(o->number, sizeof o->number, dbq_text(q, 0));
        cp(o->customer, sizeof o->customer, dbq_text(q, 1));
        o->state = order_state_parse(dbq_text(q, 2));
        cp(o->market, sizeof o->market, dbq_text(q, 3));
        cp(o->region, sizeof o->region, dbq_text(q, 4));
        cp(o->kam, sizeof o->kam, dbq_text(q, 5));
        cp(o->um, sizeof o->um, dbq_text(q, 6));
        cp(o->mm, sizeof o->mm, dbq_text(q, 7));
        cp(o->csr, sizeof o->csr, dbq_text(q, 8));
        cp(o->scr, sizeof o->scr, dbq_text(q, 9));
        cp(o->bcr, sizeof o->bcr, dbq_text(q, 10));
        cp(o->warehouse, sizeof o->warehouse, dbq_text(q, 11));
        cp(o->created_by, sizeof o->created_by, dbq_text(q, 12));
        o->total_fen = dbq_int(q, 13);
        o->has_stated_total = !dbq_null(q, 14);
        o->stated_total_fen = dbq_int(q, 14);
        o->earmark_fen = dbq_int(q, 15);
        o->approved_shortfall_fen = dbq_int(q, 16);
        o->loose_units_approved = dbq_int(q, 17) != 0;
        o->accepted_at = dbq_int(q, 18);
        o->version = dbq_int(q, 19);
        o->created_at = dbq_int(q, 20);
        cp(o->delivery_note, sizeof o->delivery_note, dbq_text(q, 21));
        cp(o->requested_date, sizeof o->requested_date, dbq_text(q, 22));
    }
    dbq_end(q);
    if (rc != 1)
        return rc;
    q = db_query(db, e,
                 "SELECT line_no, sku, qty, qty_cut, price_fen, amount_fen, loose_units,"
                 " cut_reasons FROM order_lines WHERE order_no = ? ORDER BY line_no",
                 "s", number);
    if (!q)
        return -1;
    while ((rc = dbq_next(q, e)) == 1 && o->nlines < ORDER_MAX_LINES) {
        struct order_line *l = &o->lines[o->nlines++];
        l->line_no = (int)dbq_int(q, 0);
        cp(l->sku, sizeof l->sku, dbq_text(q, 1));
        l->qty = dbq_int(q, 2);
        l->qty_cut = dbq_int(q, 3);
        l->price_fen = dbq_int(q, 4);
        l->amount_fen = dbq_int(q, 5);
        l->loose_units = dbq_int(q, 6) != 0;
        l->cut_reasons = dbq_null(q, 7) ? NULL : json_loads(dbq_text(q, 7), 0, NULL);
    }
    dbq_end(q);
    return rc < 0 ? -1 : 1;
}

void store_order_release(struct order *o)
{
    for (size_t i = 0; i < o->nlines; i++) {
        json_decref(o->lines[i].cut_reasons);
        o->lines[i].cut_reasons = NULL;
    }
}

int store_order_customer(struct db *db, struct osb_err *e, const char *code,
                         struct order_customer *c)
{
    memset(c, 0, sizeof *c);
    struct dbq *q = db_query(
        db, e,
        "SELECT c.code, c.name, c.market, c.region, c.kam, c.rep, c.csr, c.status,"
        " m.slt_supervisor, k.manager, c.prepay_only, c.credit_hold, coalesce(k.active, 0),"
        " c.credit_limit_fen, c.payment_term_days, c.consignee, c.consignee_phone,"
        " c.consignment_station, coalesce(c.delivery_address, c.address), c.arrival_address"
        " FROM customers c JOIN markets m ON m.code = c.market"
        " LEFT JOIN users k ON k.username = c.kam WHERE c.code = ?",
        "s", code);
    if (!q)
        return -1;
    int rc = dbq_next(q, e);
    if (rc == 1) {
        cp(c->code, sizeof c->code, dbq_text(q, 0));
        cp(c->name, sizeof c->name, dbq_text(q, 1));
        cp(c->market, sizeof c->market, dbq_text(q, 2));
        cp(c->region, sizeof c->region, dbq_text(q, 3));
        cp(c->kam, sizeof c->kam, dbq_text(q, 4));
        cp(c->rep, sizeof c->rep, dbq_text(q, 5));
        cp(c->csr, sizeof c->csr, dbq_text(q, 6));
        cp(c->status, sizeof c->status, dbq_text(q, 7));
        cp(c->supervisor, sizeof c->supervisor, dbq_text(q, 8));
        cp(c->kam_manager, sizeof c->kam_manager, dbq_text(q, 9));
        c->prepay_only = dbq_int(q, 10) != 0;
        c->credit_hold = dbq_int(q, 11) != 0;
        c->kam_active = dbq_int(q, 12) != 0;
        c->credit_limit_fen = dbq_int(q, 13);
        c->payment_term_days = (int)dbq_int(q, 14);
        cp(c->consignee, sizeof c->consignee, dbq_text(q, 15));
        cp(c->consignee_phone, sizeof c->consignee_phone, dbq_text(q, 16));
        cp(c->station, sizeof c->station, dbq_text(q, 17));
        cp(c->address, sizeof c->address, dbq_text(q, 18));
        cp(c->arrival, sizeof c->arrival, dbq_text(q, 19));
    }
    dbq_end(q);
    return rc;
}

int store_order_lines_save(struct db *db, struct osb_err *e, const struct order *o)
{
    if (db_exec(db, e, "DELETE FROM order_lines WHERE order_no = ?", "s", o->number) < 0)
        return -1;
    for (size_t i = 0; i < o->nlines; i++) {
        const struct order_line *l = &o->lines[i];
        if (db_exec(db, e,
                    "INSERT INTO order_lines(order_no, line_no, sku, qty, loose_units, qty_cut,"
                    " cut_reasons, price_fen, amount_fen) VALUES(?,?,?,?,?,?,?,?,?)",
                    "sdsibijii", o->number, l->line_no, l->sku, l->qty, (int)l->loose_units,
                    l->qty_cut, l->cut_reasons, l->price_fen, l->amount_fen) < 0)
            return -1;
    }
    return 0;
}

int store_order_insert(struct db *db, struct osb_err *e, const struct order *o, const char *note,
                       json_t *warnings, int64_t now)
{
    if (db_exec(db, e,
                "INSERT INTO orders(number, customer, state, note, requested_date,"
                " stated_total_fen, total_fen, market, region, kam, um, mm, warnings,"
                " created_at, created_by, updated_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                "sssssiisssssjisi", o->number, o->customer, order_state_str(o->state), note,
                nz(o->requested_date), o->has_stated_total ? o->stated_total_fen : (int64_t)0,
                o->total_fen, o->market, o->region, nz(o->kam), nz(o->um), nz(o->mm), warnings,
                now, o->created_by, now) < 0)
        return -1;
    if (!o->has_stated_total &&
        db_exec(db, e, "UPDATE orders SET stated_total_fen = NULL WHERE number = ?", "s",
                o->number) < 0)
        return -1;
    return store_order_lines_save(db, e, o);
}

int store_order_update(struct db *db, struct osb_err *e, const struct order *o, int64_t now)
{
    return db_exec(db, e,
                   "UPDATE orders SET state = ?, total_fen = ?, csr = ?, scr = ?, bcr = ?,"
                   " warehouse = ?, earmark_fen = ?, approved_shortfall_fen = ?,"
                   " loose_units_approved = ?, accepted_at = ?, delivery_note = ?,"
                   " version = version + 1, updated_at = ? WHERE number = ?",
                   "sissssiibisis", order_state_str(o->state), o->total_fen, nz(o->csr),
                   nz(o->scr), nz(o->bcr), nz(o->warehouse), o->earmark_fen,
                   o->approved_shortfall_fen, (int)o->loose_units_approved,
                   o->accepted_at ? o->accepted_at : (int64_t)0, nz(o->delivery_note), now,
                   o->number) < 0
               ? -1
               : 0;
}

int store_order_set_json(struct db *db, struct osb_err *e, const char *number,
                         const char *column, json_t *value)
{
    char sql[160];
    snprintf(sql, sizeof sql, "UPDATE orders SET %s = ? WHERE number = ?", column);
    return db_exec(db, e, sql, "js", value, number) < 0 ? -1 : 0;
}

int store_order_set_time(struct db *db, struct osb_err *e, const char *number,
                         const char *column, int64_t value)
{
    char sql[160];
    snprintf(sql, sizeof sql, "UPDATE orders SET %s = ? WHERE number = ?", column);
    return db_exec(db, e, sql, "is", value, number) < 0 ? -1 : 0;
}

int store_order_event(struct db *db, struct osb_err *e, const char *number, int64_t at,
                      const char *step, const char *action, const char *actor,
                      const char *on_behalf_of, const char *from, const char *to,
                      const char *comment)
{
    return db_exec(db, e,
                   "INSERT INTO order_events(order_no, at, step, action, actor, on_behalf_of,"
                   " from_state, to_state, comment) VALUES(?,?,?,?,?,?,?,?,?)",
                   "sisssssss", number, at, step, action, actor, nz(on_behalf_of), nz(from),
                   nz(to), nz(comment)) < 0
               ? -1
               : 0;
}

int store_order_memo(struct db *db, struct osb_err *e, const char *number, int64_t at,
                     const char *by, const char *text)
{
    return db_exec(db, e, "INSERT INTO order_memo(order_no, at, by, text) VALUES(?,?,?,?)",
                   "siss", number, at, by, text) < 0
               ? -1
               : 0;
}

int store_order_release_holds(struct db *db, struct osb_err *e, const char *number, int64_t now)
{
    if (db_exec(db, e, "UPDATE quota_uses SET released = 1 WHERE document = ? AND released = 0",
                "s", number) < 0 ||
        db_exec(db, e,
                "UPDATE earmarks SET released_at = ? WHERE order_no = ? AND released_at IS NULL"
                " AND consumed_by IS NULL",
                "is", now, number) < 0 ||
        db_exec(db, e, "DELETE FROM order_exposure WHERE order_no = ?", "s", number) < 0)
        return -1;
    return 0;
}

int store_order_set_exposure(struct db *db, struct osb_err *e, const char *number,
                             const char *customer, int64_t open_fen)
{
    return db_exec(db, e,
                   "INSERT INTO order_exposure(order_no, customer, open_fen) VALUES(?,?,?)"
                   " ON CONFLICT(order_no) DO UPDATE SET open_fen = excluded.open_fen",
                   "ssi", number, customer, open_fen) < 0
               ? -1
               : 0;
}

int store_order_earmark(struct db *db, struct osb_err *e, const char *number,
                        const char *customer, int64_t amount, int64_t now)
{
    /* The order's earmark is set, not added to: one a receipt made for it (for_order) was
       counted as free prepayment by the check that sets this one. */
    if (db_exec(db, e,
                "UPDATE earmarks SET released_at = ? WHERE order_no = ? AND released_at IS NULL"
                " AND consumed_by IS NULL",
                "is", now, number) < 0)
        return -1;
    if (amount <= 0)
        return 0;
    return db_exec(db, e,
                   "INSERT INTO earmarks(order_no, customer, amount_fen, created_at)"
                   " VALUES(?,?,?,?)",
                   "ssii", number, customer, amount, now) < 0
               ? -1
               : 0;
}

int store_other_earmarks(struct db *db, struct osb_err *e, const char *customer,
                         const char *number, int64_t *out)
{
    *out = 0;
    return db_int(db, e, out,
                  "SELECT coalesce(sum(amount_fen), 0) FROM earmarks WHERE customer = ?"
                  " AND order_no <> ? AND released_at IS NULL AND consumed_by IS NULL",
                  "ss", customer, number) < 0
               ? -1
               : 0;
}
