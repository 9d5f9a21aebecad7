/*
 * free_goods.c (store) — free-goods draws and below-list price covers (store/free_goods.h).
 */
#include "store/free_goods.h"

#include "store/doc.h"
#include "store/order.h"

/* An order holds its draw from QC on until it is rejected or cancelled (ORDER_HOLDING_STATES);
   what its cancelled backorders will never ship (qty_cancelled) and what came back (received
   returns) is given back to the application. */

int store_free_goods_drawn(struct db *db, struct osb_err *e, const char *app,
                           const char *except_order, int64_t *drawn, int64_t *shipped)
{
    /* Shipped is what dispatches carried, less a shortage found after POD and resolved by a
       backorder: those units never arrived and are owed again, so they count when (and if)
       the backorder's own shipment dispatches them — each unit once. */
    /* What is drawn decides what an order may still draw: in a write the application is locked
       first (as its own actions lock it), so two orders cannot both take its last amount. */
    if (store_doc_lock(db, e, "expense_application", app) < 0)
        return -1;
    json_t *row = NULL;
    int rc = db_row(
        db, e, &row,
        "SELECT coalesce(sum(x.price * x.kept), 0) AS drawn,"
        " coalesce(sum(x.price * x.shipped), 0) AS shipped,"
        " coalesce(sum(x.price * x.returned), 0) AS returned FROM (SELECT"
        " l.expense_price_fen AS price, l.qty - l.qty_cut - (SELECT coalesce(sum("
        "  b.qty_cancelled), 0) FROM backorders b WHERE b.order_no = l.order_no"
        "  AND b.line_no = l.line_no) AS kept,"
        " (SELECT coalesce(sum(sl.qty_shipped), 0) FROM shipment_lines sl JOIN shipments s"
        "  ON s.number = sl.shipment WHERE s.order_no = l.order_no AND sl.line_no = l.line_no"
        "  AND s.dispatched_at IS NOT NULL) - (SELECT coalesce(sum(sd.qty), 0)"
        "  FROM shipment_discrepancies sd JOIN backorders b ON b.number = sd.backorder"
        "  WHERE b.order_no = l.order_no AND b.line_no = l.line_no) AS shipped,"
        " (SELECT coalesce(sum(rl.qty), 0) FROM return_lines rl JOIN returns r"
        "  ON r.number = rl.return_no WHERE r.order_no = l.order_no AND rl.sku = l.sku"
        "  AND r.state = 'received') AS returned"
        " FROM order_lines l JOIN orders o ON o.number = l.order_no"
        " WHERE l.expense_application = ? AND o.number <> ? AND o.state IN " ORDER_HOLDING_STATES
        ") x",
        "ss", app, except_order ? except_order : "");
    if (rc < 0)
        return -1;
    int64_t ret = row ? json_integer_value(json_object_get(row, "returned")) : 0;
    *drawn = row ? json_integer_value(json_object_get(row, "drawn")) - ret : 0;
    *shipped = row ? json_integer_value(json_object_get(row, "shipped")) - ret : 0;
    if (*shipped < 0)
        *shipped = 0;
    json_decref(row);
    return 0;
}

json_t *store_price_covers(struct db *db, struct osb_err *e, const char *customer, const char *day)
{
    return db_rows(db, e,
                   "SELECT f.number AS number, 'quotation' AS kind, f.data AS data"
                   " FROM field_docs f WHERE f.type = 'quotations' AND f.customer = ?"
                   " AND f.state IN ('approved', 'issued', 'won')"
                   " UNION ALL SELECT c.number, 'contract', f.data FROM contracts c"
                   " JOIN field_docs f ON f.number = c.quotation WHERE c.customer = ?"
                   " AND c.state IN ('approved', 'signed', 'archived')"
                   " AND (c.valid_from IS NULL OR c.valid_from <= ?)"
                   " AND (c.valid_to IS NULL OR c.valid_to >= ?) ORDER BY 1",
                   "ssss", customer, customer, day, day);
}
