/*
 * stock.c (store) — lot figures and their moves, changed together (store/stock.h).
 */
#include "store/stock.h"

static const char *const kind_names[] = {"reserve", "unreserve", "ship"};

int store_stock_move(struct db *db, struct osb_err *e, const struct stock_move *m)
{
    if (m->qty <= 0)
        return 0;
    static const char *const sql[] = {
        "UPDATE stock_lots SET reserved = reserved + ?1"
        " WHERE warehouse = ?2 AND sku = ?3 AND batch = ?4",
        "UPDATE stock_lots SET reserved = reserved - ?1"
        " WHERE warehouse = ?2 AND sku = ?3 AND batch = ?4",
        "UPDATE stock_lots SET on_hand = on_hand - ?1, reserved = reserved - ?1"
        " WHERE warehouse = ?2 AND sku = ?3 AND batch = ?4",
    };
    int n = db_exec(db, e, sql[m->kind], "isss", m->qty, m->warehouse, m->sku, m->batch);
    if (n < 0)
        return -1;
    if (n != 1)
        return err_set(e, ERR_INTERNAL, "no stock lot %s/%s/%s", m->warehouse, m->sku, m->batch);
    return db_exec(db, e,
                   "INSERT INTO stock_moves(at, warehouse, sku, batch, kind, qty, document, by)"
                   " VALUES(?,?,?,?,?,?,?,?)",
                   "issssiss", m->at, m->warehouse, m->sku, m->batch, kind_names[m->kind], m->qty,
                   m->document, m->by) < 0
               ? -1
               : 0;
}
