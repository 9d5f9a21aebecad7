/*
 * stock.c — receipts into lots, with the append-only move that proves them (entities §3.4–3.6).
 */
#include "flow/stock.h"

#include "core/docno.h"
#include "core/record.h"
#include "flow/flow.h"
#include "store/stock.h"

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

static const char *s(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

int stock_receive(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    json_t *n = NULL, *before = NULL, *lot = NULL;
    int rc = -1;
    if (flow_need(c, P_STOCK_RECEIPT, e) < 0 || record_check(&receipt_def, body, true, &n, e) < 0)
        goto done;
    struct stock_receipt r = {.warehouse = s(n, "warehouse"),
                              .sku = s(n, "sku"),
                              .batch = s(n, "batch"),
                              .expires = s(n, "expires"),
                              .produced_on = s(n, "produced_on"),
                              .source = s(n, "source") ? s(n, "source") : "production",
                              .by = c->user.username,
                              .qty = json_integer_value(json_object_get(n, "qty")),
                              .at = c->now};
    bool wh_ok = false, sku_ok = false;
    if (store_stock_refs(c->db, e, r.warehouse, r.sku, &wh_ok, &sku_ok) < 0)
        goto done;
    if (!wh_ok) {
        err_invalid(e, "warehouse", "unknown_reference", "no warehouse '%s'", r.warehouse);
        goto done;
    }
    if (!sku_ok) {
        err_invalid(e, "sku", "unknown_sku", "no product '%s'", r.sku);
        goto done;
    }
    if (store_stock_lot(c->db, e, r.warehouse, r.sku, r.batch, &before) < 0)
        goto done;
    if (before && r.expires && json_is_string(json_object_get(before, "expires")) &&
        strcmp(r.expires, s(before, "expires")) != 0) {
        err_invalid(e, "expires", "batch_expiry_mismatch",
                    "batch %s is already stocked with another expiry date", r.batch);
        goto done;
    }
    if (before) {
        /* the audit's "before" is the lot's figures as they were */
        json_object_del(before, "warehouse");
        json_object_del(before, "sku");
        json_object_del(before, "batch");
        json_object_del(before, "available");
    }
    if (flow_docno(c, e, "RK", r.number) < 0 || store_stock_receive(c->db, e, &r) < 0)
        goto done;
    if (store_stock_lot(c->db, e, r.warehouse, r.sku, r.batch, &lot) != 1) {
        if (err_ok(e))
            err_set(e, ERR_INTERNAL, "internal error");
        goto done;
    }
    json_t *res = json_pack("{ss ss ss ss sI so sO}", "number", r.number, "warehouse", r.warehouse,
                            "sku", r.sku, "batch", r.batch, "qty", (json_int_t)r.qty, "expires",
                            r.expires ? json_string(r.expires) : json_null(), "lot", lot);
    if (flow_audit(c, e, "receive", "stock_lot", r.number, before, res) < 0) {
        json_decref(res);
        goto done;
    }
    *out = res;
    rc = 0;
done:
    json_decref(lot);
    json_decref(before);
    json_decref(n);
    return rc;
}

int stock_list(struct ctx *c, const char *sku, const char *warehouse, const char *q, int limit,
               const char *cursor, json_t **out, struct osb_err *e)
{
    enum role r = c->user.role;
    if (r == ROLE_CUSTOMER || r == ROLE_NONE)
        return err_forbidden(e, "role", "the role may not see stock");
    json_t *after = NULL;
    if (cursor && flow_cursor_parse(cursor, 4, &after, e) < 0)
        return -1;
    json_t *items = store_stock_list(c->db, e, sku, warehouse, q, after, limit);
    json_decref(after);
    if (!items)
        return -1;
    json_t *next = json_null();
    if ((int)json_array_size(items) > limit) {
        json_array_remove(items, (size_t)limit);
        json_t *last = json_array_get(items, (size_t)limit - 1);
        json_t *key =
            json_pack("[OOOO]", json_object_get(last, "warehouse"), json_object_get(last, "sku"),
                      json_object_get(last, "sort_exp"), json_object_get(last, "batch"));
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
