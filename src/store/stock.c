/*
 * stock.c (store) — lot figures and their moves, changed together (store/stock.h).
 */
#include "store/stock.h"

#include "store/doc.h"

#include <stdlib.h>

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

json_t *store_stock_fefo(struct db *db, struct osb_err *e, const char *wh, const char *sku)
{
    /* The free quantities are reserved next: in a PostgreSQL write the lots are locked as
       they are read (FOR UPDATE), so two reservations of one lot go one after the other. */
    static const char *const sql[] = {
        "SELECT batch, quality = 'ok' AS \"ok!b\", on_hand - reserved AS free"
        " FROM stock_lots WHERE warehouse = ? AND sku = ?"
        " ORDER BY coalesce(expires, '9999-12-31'), coalesce(produced_on, '9999-12-31'), batch",
        "SELECT batch, quality = 'ok' AS \"ok!b\", on_hand - reserved AS free"
        " FROM stock_lots WHERE warehouse = ? AND sku = ?"
        " ORDER BY coalesce(expires, '9999-12-31'), coalesce(produced_on, '9999-12-31'), batch"
        " FOR UPDATE",
    };
    return db_rows(db, e, sql[*db_for_update(db) != '\0'], "ss", wh, sku);
}

int store_stock_refs(struct db *db, struct osb_err *e, const char *wh, const char *sku, bool *wh_ok,
                     bool *sku_ok)
{
    int64_t a = 0, b = 0;
    if (db_int(db, e, &a, "SELECT count(*) FROM warehouses WHERE code = ?", "s", wh) < 0 ||
        db_int(db, e, &b, "SELECT count(*) FROM products WHERE sku = ?", "s", sku) < 0)
        return -1;
    *wh_ok = a > 0;
    *sku_ok = b > 0;
    return 0;
}

int store_stock_lot(struct db *db, struct osb_err *e, const char *wh, const char *sku,
                    const char *batch, json_t **out)
{
    *out = NULL;
    return db_row(db, e, out,
                  "SELECT warehouse, sku, batch, expires, on_hand, reserved,"
                  " on_hand - reserved AS available FROM stock_lots"
                  " WHERE warehouse = ? AND sku = ? AND batch = ?",
                  "sss", wh, sku, batch);
}

int store_stock_receive(struct db *db, struct osb_err *e, const struct stock_receipt *r)
{
    return db_exec(db, e,
                   "INSERT INTO stock_receipts(number, warehouse, sku, batch, qty, expires,"
                   " produced_on, source, created_at, created_by) VALUES(?,?,?,?,?,?,?,?,?,?)",
                   "ssssisssis", r->number, r->warehouse, r->sku, r->batch, r->qty, r->expires,
                   r->produced_on, r->source, r->at, r->by) < 0 ||
                   db_exec(db, e,
                           "INSERT INTO stock_lots(warehouse, sku, batch, produced_on, expires,"
                           " on_hand) VALUES(?,?,?,?,?,?) ON CONFLICT(warehouse, sku, batch) DO"
                           " UPDATE SET on_hand = stock_lots.on_hand + excluded.on_hand,"
                           " expires = coalesce(stock_lots.expires, excluded.expires)",
                           "sssssi", r->warehouse, r->sku, r->batch, r->produced_on, r->expires,
                           r->qty) < 0 ||
                   db_exec(db, e,
                           "INSERT INTO stock_moves(at, warehouse, sku, batch, kind, qty,"
                           " document, by) VALUES(?,?,?,?,'receipt',?,?,?)",
                           "isssiss", r->at, r->warehouse, r->sku, r->batch, r->qty, r->number,
                           r->by) < 0
               ? -1
               : 0;
}

json_t *store_stock_list(struct db *db, struct osb_err *e, const char *sku, const char *wh,
                         const char *q, json_t *after, int limit)
{
    const char *k[4] = {0};
    for (size_t i = 0; after && i < 4; i++)
        k[i] = json_string_value(json_array_get(after, i));
    /* Keyset paging on the sort key (a lot without expiry sorts last). */
    char *pat = store_like_pat(q);
    json_t *rows = db_rows(db, e,
                           "SELECT warehouse, sku, batch, expires, on_hand, reserved,"
                           " CASE WHEN quality = 'ok' THEN on_hand - reserved ELSE 0 END"
                           " AS available, coalesce(expires, '9999-12-31') AS sort_exp"
                           " FROM stock_lots"
                           " WHERE (? IS NULL OR sku = ?) AND (? IS NULL OR warehouse = ?)"
                           " AND (? IS NULL OR lower(sku) LIKE lower(?) ESCAPE '\\'"
                           " OR lower(warehouse) LIKE lower(?) ESCAPE '\\'"
                           " OR lower(batch) LIKE lower(?) ESCAPE '\\')"
                           " AND (? IS NULL OR (warehouse, sku, coalesce(expires, '9999-12-31'),"
                           " batch) > (?, ?, ?, ?))"
                           " ORDER BY warehouse, sku, coalesce(expires, '9999-12-31'), batch"
                           " LIMIT ?",
                           "sssssssssssssd", sku, sku, wh, wh, pat, pat, pat, pat, k[0], k[0], k[1],
                           k[2], k[3], limit + 1);
    free(pat);
    return rows;
}
