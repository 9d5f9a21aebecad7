/*
 * stock.c — receipts into lots, with the append-only move that proves them (entities §3.4–3.6).
 */
#include "flow/stock.h"

#include "core/docno.h"
#include "core/record.h"
#include "flow/flow.h"

#include <stdlib.h>
#include <string.h>

static const char *const sources[] = {"production", "purchase", "transfer", "return", NULL};
static const struct field_def receipt_fields[] = {
    {"warehouse", FK_REF, 0, 0, F_REQUIRED, "warehouses", 0, 0},
    {"sku", FK_REF, 0, 0, F_REQUIRED, "products", 0, 0},
    {"batch", FK_TEXT, 0, 32, F_REQUIRED, 0, 0, 0},
    {"qty", FK_INT, 1, 100000000, F_REQUIRED, 0, 0, "zero_qty"},
    {"expires", FK_DATE, 0, 0, 0, 0, 0, 0},
    {"produced_on", FK_DATE, 0, 0, 0, 0, 0, 0},
    {"source", FK_ENUM, 0, 0, 0, 0, sources, 0},
};
static const struct record_def receipt_def = {"stock_receipts", "number", "stock_receipt",
                                              receipt_fields, 7};

static const char *s(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }


int stock_receive(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    json_t *n = NULL;
    int rc = -1;
    if (flow_need(c, P_STOCK_RECEIPT, e) < 0 || record_check(&receipt_def, body, true, &n, e) < 0)
        goto done;
    const char *wh = s(n, "warehouse"), *sku = s(n, "sku"), *batch = s(n, "batch");
    int64_t qty = json_integer_value(json_object_get(n, "qty"));
    const char *exp = s(n, "expires");
    int64_t cnt = 0;
    if (db_int(c->db, e, &cnt, "SELECT count(*) FROM warehouses WHERE code = ?", "s", wh) < 0)
        goto done;
    if (!cnt) {
        err_invalid(e, "warehouse", "unknown_reference", "no warehouse '%s'", wh);
        goto done;
    }
    if (db_int(c->db, e, &cnt, "SELECT count(*) FROM products WHERE sku = ?", "s", sku) < 0)
        goto done;
    if (!cnt) {
        err_invalid(e, "sku", "unknown_sku", "no product '%s'", sku);
        goto done;
    }
    json_t *before = NULL;
    if (db_row(c->db, e, &before, "SELECT on_hand, reserved, expires FROM stock_lots"
                                  " WHERE warehouse = ? AND sku = ? AND batch = ?",
               "sss", wh, sku, batch) < 0)
        goto done;
    if (before && exp && json_is_string(json_object_get(before, "expires")) &&
        strcmp(exp, s(before, "expires")) != 0) {
        json_decref(before);
        err_invalid(e, "expires", "batch_expiry_mismatch",
                    "batch %s is already stocked with another expiry date", batch);
        goto done;
    }
    char number[DOCNO_MAX];
    if (flow_docno(c, e, "RK", number) < 0 ||
        db_exec(c->db, e,
                "INSERT INTO stock_receipts(number, warehouse, sku, batch, qty, expires,"
                " produced_on, source, created_at, created_by) VALUES(?,?,?,?,?,?,?,?,?,?)",
                "ssssisssis", number, wh, sku, batch, qty, exp, s(n, "produced_on"),
                s(n, "source") ? s(n, "source") : "production", c->now, c->user.username) < 0 ||
        db_exec(c->db, e,
                "INSERT INTO stock_lots(warehouse, sku, batch, produced_on, expires, on_hand)"
                " VALUES(?,?,?,?,?,?) ON CONFLICT(warehouse, sku, batch) DO UPDATE SET"
                " on_hand = stock_lots.on_hand + excluded.on_hand,"
                " expires = coalesce(stock_lots.expires, excluded.expires)",
                "sssssi", wh, sku, batch, s(n, "produced_on"), exp, qty) < 0 ||
        db_exec(c->db, e,
                "INSERT INTO stock_moves(at, warehouse, sku, batch, kind, qty, document, by)"
                " VALUES(?,?,?,?,'receipt',?,?,?)",
                "isssiss", c->now, wh, sku, batch, qty, number, c->user.username) < 0) {
        json_decref(before);
        goto done;
    }
    json_t *lot = NULL;
    if (db_row(c->db, e, &lot, "SELECT warehouse, sku, batch, expires, on_hand, reserved,"
                               " on_hand - reserved AS available FROM stock_lots"
                               " WHERE warehouse = ? AND sku = ? AND batch = ?",
               "sss", wh, sku, batch) != 1) {
        json_decref(before);
        goto done;
    }
    json_t *res = json_pack("{ss ss ss ss sI so so}", "number", number, "warehouse", wh, "sku",
                            sku, "batch", batch, "qty", (json_int_t)qty, "expires",
                            exp ? json_string(exp) : json_null(), "lot", lot);
    if (flow_audit(c, e, "receive", "stock_lot", number, before, res) < 0) {
        json_decref(before);
        json_decref(res);
        goto done;
    }
    json_decref(before);
    *out = res;
    rc = 0;
done:
    json_decref(n);
    return rc;
}

int stock_list(struct ctx *c, const char *sku, const char *warehouse, int limit,
               const char *cursor, json_t **out, struct osb_err *e)
{
    enum role r = c->user.role;
    if (r == ROLE_CUSTOMER || r == ROLE_NONE)
        return err_forbidden(e, "role", "the role may not see stock");
    json_t *after = NULL;
    if (cursor && flow_cursor_parse(cursor, 4, &after, e) < 0)
        return -1;
    const char *k[4] = {0};
    for (size_t i = 0; after && i < 4; i++)
        k[i] = json_string_value(json_array_get(after, i));
    /* Keyset paging on the sort key (a lot without expiry sorts last). */
    json_t *items = db_rows(c->db, e,
                            "SELECT warehouse, sku, batch, expires, on_hand, reserved,"
                            " CASE WHEN quality = 'ok' THEN on_hand - reserved ELSE 0 END"
                            " AS available, coalesce(expires, '9999-12-31') AS sort_exp"
                            " FROM stock_lots"
                            " WHERE (? IS NULL OR sku = ?) AND (? IS NULL OR warehouse = ?)"
                            " AND (? IS NULL OR (warehouse, sku, coalesce(expires, '9999-12-31'),"
                            " batch) > (?, ?, ?, ?))"
                            " ORDER BY warehouse, sku, coalesce(expires, '9999-12-31'), batch"
                            " LIMIT ?",
                            "sssssssssd", sku, sku, warehouse, warehouse, k[0], k[0], k[1], k[2],
                            k[3], limit + 1);
    json_decref(after);
    if (!items)
        return -1;
    json_t *next = json_null();
    if ((int)json_array_size(items) > limit) {
        json_array_remove(items, (size_t)limit);
        json_t *last = json_array_get(items, (size_t)limit - 1);
        json_t *key = json_pack("[OOOO]", json_object_get(last, "warehouse"),
                                json_object_get(last, "sku"), json_object_get(last, "sort_exp"),
                                json_object_get(last, "batch"));
        char *cur = flow_cursor_make(key);
        next = json_string(cur);
        free(cur);
        json_decref(key);
    }
    size_t i;
    json_t *row;
    json_array_foreach(items, i, row) json_object_del(row, "sort_exp");
    *out = json_pack("{so so}", "items", items, "next_cursor", next);
    return 0;
}
