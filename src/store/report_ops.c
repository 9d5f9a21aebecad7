/*
 * report_ops.c (store) — the queries of the operations, master-data and audit reports
 * (store/report.h): stock by batch, batch trace, backorders, the order/shipment check, the
 * replenishment record, incomplete archives, logistics info, the OSB daily status, quota
 * utilisation, internal audit; and the export log.
 */
#include "store/report.h"

#include "core/sb.h"
#include "store/doc.h"
#include "store/quota.h"

#include <stdlib.h>
#include <string.h>

json_t *store_report_stock(struct db *db, struct osb_err *e, const struct report_params *p)
{
    struct sb sql = SB_INIT;
    json_t *a = json_array();
    sb_add(&sql, "SELECT l.warehouse AS warehouse, l.sku AS sku, l.batch AS batch,"
                 " l.expires AS expires, l.quality AS quality, l.on_hand AS on_hand,"
                 " l.reserved AS reserved, l.on_hand - l.reserved AS available"
                 " FROM stock_lots l WHERE l.on_hand > 0");
    store_filter_eq(&sql, a, "l.sku", p->sku);
    store_filter_eq(&sql, a, "l.batch", p->batch);
    sb_add(&sql, " ORDER BY l.warehouse, l.sku, l.expires, l.batch");
    return store_report_rows(db, e, &sql, a);
}

json_t *store_report_batch_trace(struct db *db, struct osb_err *e, const struct report_params *p)
{
    struct sb sql = SB_INIT;
    json_t *a = json_array();
    sb_add(&sql, "SELECT m.batch AS batch, m.sku AS sku, m.warehouse AS warehouse,"
                 " c.code AS customer, c.market AS market, c.region AS region,"
                 " sh.order_no AS \"order\", m.document AS shipment, m.qty AS qty,"
                 " m.at AS shipped_at FROM stock_moves m"
                 " JOIN shipments sh ON sh.number = m.document"
                 " JOIN orders o ON o.number = sh.order_no"
                 " JOIN customers c ON c.code = o.customer WHERE m.kind = 'ship'");
    store_filter_eq(&sql, a, "m.sku", p->sku);
    store_filter_eq(&sql, a, "m.batch", p->batch);
    if (p->range_given) { /* the shipments of the range */
        sb_add(&sql, " AND m.at >= ? AND m.at < ?");
        json_array_append_new(a, json_integer(p->from_ts));
        json_array_append_new(a, json_integer(p->to_ts));
    }
    return store_report_run(db, e, &sql, a, p, "c", " ORDER BY m.batch, m.sku, m.at, m.id");
}

json_t *store_report_backorders(struct db *db, struct osb_err *e, const struct report_params *p)
{
    struct sb sql = SB_INIT;
    json_t *a = json_array();
    sb_add(&sql, "SELECT b.number AS number, b.order_no AS \"order\", b.customer AS customer,"
                 " b.sku AS sku, b.qty_open AS qty_open, b.created_at AS created_at,"
                 " b.notified_at AS notified_at, b.state AS state FROM backorders b"
                 " JOIN customers c ON c.code = b.customer WHERE b.state = 'open'");
    store_filter_eq(&sql, a, "b.sku", p->sku);
    if (p->range_given) { /* the open backorders made in the range */
        sb_add(&sql, " AND b.created_at >= ? AND b.created_at < ?");
        json_array_append_new(a, json_integer(p->from_ts));
        json_array_append_new(a, json_integer(p->to_ts));
    }
    json_t *rows = store_report_run(db, e, &sql, a, p, "c", " ORDER BY b.created_at, b.number");
    date_t today;
    if (!rows || !date_parse(p->as_of, &today))
        return rows;
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        date_t made = ts_to_date(json_integer_value(json_object_get(r, "created_at")), p->tz_min);
        json_object_set_new(r, "age_days", json_integer((json_int_t)today - made));
    }
    return rows;
}

json_t *store_report_order_check(struct db *db, struct osb_err *e, const struct report_params *p)
{
    struct sb sql = SB_INIT;
    json_t *a = json_array();
    sb_add(&sql,
           "SELECT o.number AS \"order\", o.op_receipt_day AS receipt_day, o.customer AS customer,"
           " c.region AS region, l.sku AS sku, l.qty - l.qty_cut AS ordered,"
           " coalesce((SELECT sum(coalesce(sl.qty_shipped, 0)) FROM shipments sh"
           " JOIN shipment_lines sl ON sl.shipment = sh.number WHERE sh.order_no = o.number"
           " AND sl.sku = l.sku AND sh.dispatched_at IS NOT NULL), 0) AS shipped,"
           " coalesce((SELECT sum(b.qty_open) FROM backorders b WHERE b.order_no = o.number"
           " AND b.line_no = l.line_no), 0) AS backordered,"
           " coalesce((SELECT sum(b.qty_cancelled) FROM backorders b WHERE b.order_no = o.number"
           " AND b.line_no = l.line_no), 0) AS cancelled"
           " FROM orders o JOIN order_lines l ON l.order_no = o.number"
           " JOIN customers c ON c.code = o.customer"
           " WHERE o.released_at IS NOT NULL AND o.op_receipt_day >= ? AND o.op_receipt_day <= ?");
    store_report_arg(a, p->from);
    store_report_arg(a, p->to);
    json_t *rows =
        store_report_run(db, e, &sql, a, p, "c", " ORDER BY o.op_receipt_day, o.number, l.line_no");
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        int64_t ordered = json_integer_value(json_object_get(r, "ordered"));
        int64_t shipped = json_integer_value(json_object_get(r, "shipped"));
        int64_t bo = json_integer_value(json_object_get(r, "backordered"));
        int64_t cancelled = json_integer_value(json_object_get(r, "cancelled"));
        json_object_set_new(r, "difference", json_integer(ordered - shipped - bo - cancelled));
    }
    return rows;
}

json_t *store_report_replenishment(struct db *db, struct osb_err *e, const struct report_params *p)
{
    /* shipments: the order's shipment numbers in number order, "FH… FH…", one look-up of the
       order's shipments per row (a string aggregate: group_concat over an ordered subquery on
       SQLite, string_agg … ORDER BY on PostgreSQL), so that the rows are the answer as they
       are read and the streaming writer takes them (a year at 1,000,000 orders is 665,000
       rows: built as a tree, merged with a second query's shipments per order in C and
       encoded, they cost 11 s of CPU, the query 1.9 s) */
    const char *ships =
        db_postgres(db)
            ? "coalesce((SELECT string_agg(sh.number, ' ' ORDER BY sh.number) FROM shipments sh"
              " WHERE sh.order_no = o.number), '')"
            : "coalesce((SELECT group_concat(x.number, ' ') FROM (SELECT sh.number AS number"
              " FROM shipments sh WHERE sh.order_no = o.number ORDER BY sh.number) x), '')";
    struct sb sql = SB_INIT;
    json_t *a = json_array();
    sb_addf(&sql,
            "SELECT o.number AS \"order\", o.customer AS customer, o.op_receipt_day AS receipt_day,"
            " l.sku AS sku, l.qty AS ordered, l.qty_cut AS cut,"
            " coalesce((SELECT sum(coalesce(sl.qty_shipped, 0)) FROM shipments sh"
            " JOIN shipment_lines sl ON sl.shipment = sh.number WHERE sh.order_no = o.number"
            " AND sl.sku = l.sku AND sh.dispatched_at IS NOT NULL), 0) AS shipped,"
            " coalesce((SELECT sum(b.qty_open) FROM backorders b WHERE b.order_no = o.number"
            " AND b.line_no = l.line_no), 0) AS backordered, %s AS shipments"
            " FROM orders o JOIN order_lines l ON l.order_no = o.number"
            " JOIN customers c ON c.code = o.customer"
            " WHERE o.op_receipt_day >= ? AND o.op_receipt_day <= ?"
            " AND o.state NOT IN ('draft', 'cancelled')",
            ships);
    store_report_arg(a, p->from);
    store_report_arg(a, p->to);
    return store_report_stream(db, e, &sql, a, p, "c",
                               " ORDER BY o.op_receipt_day, o.number, l.line_no");
}

json_t *store_report_logistics(struct db *db, struct osb_err *e, const struct report_params *p)
{
    struct sb sql = SB_INIT;
    json_t *a = json_array();
    sb_add(&sql, "SELECT c.code AS customer, c.name AS customer_name, c.market AS market,"
                 " c.region AS region, c.consignee AS consignee,"
                 " c.consignee_phone AS consignee_phone,"
                 " c.consignment_station AS consignment_station, c.carrier AS carrier,"
                 " c.delivery_address AS delivery_address, c.arrival_address AS arrival_address,"
                 " c.transit_days AS transit_days, c.route AS route,"
                 " c.last_confirmed_on AS last_confirmed_on"
                 " FROM customers c WHERE c.status <> 'closed'");
    return store_report_stream(db, e, &sql, a, p, "c", " ORDER BY c.market, c.region, c.code");
}

json_t *store_report_daily_status(struct db *db, struct osb_err *e, const struct report_params *p)
{
    /* open work only: orders before the warehouse has them, shipments not yet delivered,
       open backorders, problem-log entries not resolved. The states are listed (not "NOT IN
       the final ones") so that the state indexes read only the open rows, not the history. */
    struct sb sql = SB_INIT;
    json_t *a = json_array();
    sb_add(&sql, "SELECT 'orders' AS area, o.state AS state, count(*) AS count,"
                 " min(o.updated_at) AS oldest_since, 1 AS k FROM orders o"
                 " JOIN customers c ON c.code = o.customer WHERE o.state IN ('draft',"
                 " 'verified', 'submitted', 'accepted', 'needs_fix', 'pending_approval',"
                 " 'prepay_required', 'st_pending', 'approved', 'billed')");
    store_report_where(&sql, a, p, "c");
    sb_add(&sql, " GROUP BY o.state UNION ALL SELECT 'shipments', sh.state, count(*),"
                 " min(sh.released_at), 2 FROM shipments sh JOIN orders o ON o.number = sh.order_no"
                 " JOIN customers c ON c.code = o.customer"
                 " WHERE sh.state IN ('new', 'received', 'picked', 'checked', 'booked',"
                 " 'dispatched')");
    store_report_where(&sql, a, p, "c");
    sb_add(&sql, " GROUP BY sh.state UNION ALL SELECT 'backorders', b.state, count(*),"
                 " min(b.created_at), 3 FROM backorders b JOIN customers c ON c.code = b.customer"
                 " WHERE b.state = 'open'");
    store_report_where(&sql, a, p, "c");
    sb_add(&sql, " GROUP BY b.state UNION ALL SELECT 'osb_issues', w.state, count(*),"
                 " min(w.opened_at), 4 FROM osb_issues w LEFT JOIN customers c"
                 " ON c.code = w.customer WHERE w.state <> 'resolved' AND (");
    /* an entry of no customer is the market's: not one customer's (customer=) */
    sb_add(&sql, p->customer ? "0 = 1" : "w.customer IS NULL");
    sb_add(&sql, " OR c.code IS NOT NULL");
    store_report_where(&sql, a, p, "c");
    sb_add(&sql, ")");
    store_filter_eq(&sql, a, "w.market", p->market);
    sb_add(&sql, " GROUP BY w.state ORDER BY 5, 2");
    json_t *rows = store_report_rows(db, e, &sql, a);
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) json_object_del(r, "k");
    return rows;
}

json_t *store_report_quota(struct db *db, struct osb_err *e, const struct report_params *p)
{
    struct sb cond = SB_INIT;
    json_t *a = json_array();
    sb_add(&cond, "1 = 1");
    store_filter_eq(&cond, a, "q.period", p->period);
    store_filter_eq(&cond, a, "q.sku", p->sku);
    store_filter_eq(&cond, a, "q.customer", p->customer);
    store_filter_eq(&cond, a, "q.region", p->region);
    if (p->market) { /* a region's row of the market's regions, a customer's of its customers */
        sb_add(&cond, " AND (q.region IN (SELECT r.code FROM regions r WHERE r.market = ?)"
                      " OR q.customer IN (SELECT c.code FROM customers c WHERE c.market = ?))");
        store_report_arg(a, p->market);
        store_report_arg(a, p->market);
    }
    if (p->range_given) { /* the periods (months) the range touches */
        char lo[8], hi[8];
        memcpy(lo, p->from, 7);
        memcpy(hi, p->to, 7);
        lo[7] = hi[7] = 0;
        sb_add(&cond, " AND q.period >= ? AND q.period <= ?");
        store_report_arg(a, lo);
        store_report_arg(a, hi);
    }
    json_t *rows = store_quota_rows(db, e, p->u, sb_str(&cond), a, NULL,
                                    "q.period, q.sku, q.region, q.customer", 0);
    sb_free(&cond);
    json_decref(a);
    return rows;
}

/* The §4.5 internal-audit categories of an audit row (action, object type). */
static const char *audit_category(const char *action, const char *object, bool proxy)
{
    static const struct {
        const char *action, *object, *category;
    } map[] = {
        {"st-vote", NULL, "st_orders"},
        {"request-st", NULL, "st_orders"},
        {NULL, "quota_approval", "over_quota"},
        {"login_failed", NULL, "failed_logins"},
        {"export", NULL, "exports"},
        {NULL, "write_off", "write_offs"},
        {"reverse", NULL, "allocation_reversals"},
        {"reallocate", NULL, "allocation_reversals"},
        {"credit_hold", NULL, "limit_changes"},
    };
    if (proxy)
        return "proxy_signatures";
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if ((!map[i].action || strcmp(map[i].action, action) == 0) &&
            (!map[i].object || strcmp(map[i].object, object) == 0))
            return map[i].category;
    if (strcmp(object, "customer") == 0 && strcmp(action, "update") == 0)
        return "master_data";
    return "other";
}

json_t *store_report_audit(struct db *db, struct osb_err *e, const struct report_params *p)
{
    struct sb sql = SB_INIT;
    json_t *a = json_array();
    sb_add(&sql, "SELECT action, object_type,"
                 " CASE WHEN on_behalf_of IS NULL THEN 0 ELSE 1 END AS proxy,"
                 " count(*) AS count FROM audit WHERE at >= ? AND at < ?"
                 " GROUP BY action, object_type, CASE WHEN on_behalf_of IS NULL THEN 0 ELSE 1 END"
                 " ORDER BY action, object_type");
    json_array_append_new(a, json_integer(p->from_ts));
    json_array_append_new(a, json_integer(p->to_ts));
    json_t *rows = store_report_rows(db, e, &sql, a);
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        const char *cat = audit_category(json_string_value(json_object_get(r, "action")),
                                         json_string_value(json_object_get(r, "object_type")),
                                         json_integer_value(json_object_get(r, "proxy")) != 0);
        json_object_set_new(r, "category", json_string(cat));
    }
    return rows;
}

int store_report_export_log(struct db *db, struct osb_err *e, const char *number,
                            const char *username, ts_t at, const char *report, json_t *filters,
                            int64_t rows, const char *format, int customer_list,
                            const char *watermark)
{
    return db_exec(db, e,
                   "INSERT INTO report_exports(number, username, at, report, filters, rows,"
                   " format, customer_list, watermark) VALUES(?,?,?,?,?,?,?,?,?)",
                   "ssisjisis", number, username, at, report, filters, rows, format,
                   (int64_t)customer_list, watermark) < 0
               ? -1
               : 0;
}

int store_report_exports_since(struct db *db, struct osb_err *e, const char *username,
                               ts_t since_ts, int64_t *count)
{
    return db_int(db, e, count,
                  "SELECT count(*) FROM report_exports WHERE username = ? AND at >= ?"
                  " AND customer_list = 1",
                  "si", username, since_ts) < 0
               ? -1
               : 0;
}

int store_report_approval_insert(struct db *db, struct osb_err *e, const char *username,
                                 const char *report, const char *note, const char *by, ts_t at,
                                 int64_t *id)
{
    if (db_exec(db, e,
                "INSERT INTO export_approvals(username, report, note, approved_by, created_at)"
                " VALUES(?,?,?,?,?)",
                "ssssi", username, report, note, by, at) < 0)
        return -1;
    *id = db_last_id(db);
    return 0;
}

int store_report_approval_take(struct db *db, struct osb_err *e, const char *username,
                               const char *report, const char *export_number)
{
    int n = db_exec(db, e,
                    "UPDATE export_approvals SET used_by = ? WHERE id = (SELECT min(id) FROM"
                    " export_approvals WHERE username = ? AND report = ? AND used_by IS NULL)",
                    "sss", export_number, username, report);
    return n < 0 ? -1 : n > 0;
}

int store_report_user_exists(struct db *db, struct osb_err *e, const char *username)
{
    int64_t n = 0;
    return db_int(db, e, &n, "SELECT count(*) FROM users WHERE username = ? AND active = 1", "s",
                  username) < 0
               ? -1
               : n > 0;
}
