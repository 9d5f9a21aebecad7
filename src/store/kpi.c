/*
 * kpi.c (store) — the KPI candidate queries, collection amounts, markets and the meeting
 * report's volume (store/kpi.h).
 */
#include "store/kpi.h"

#include "core/json.h"
#include "core/sb.h"
#include "core/str.h"
#include "store/doc.h"

#include <stdbool.h>
#include <stdlib.h>

/* A KPI's candidates (params: the period as two instants, or as two dates): SELECT cols FROM
   from [cust] WHERE where. cust joins the customer cu, made only when the scope, a filter or
   the caller (kpi_figures_split: cu.market AS market) needs it — for the whole company a month
   of shipments at 1,000,000 orders looked up 28,000 orders and customers for nothing. */
static const struct {
    const char *cols, *from, *cust, *where;
    bool dates;  /* the period is bound as 'YYYY-MM-DD' text, else as instants [from, to+1) */
    bool settle; /* cols take the settle_by day twice (before the period) */
} kpis[KPI__COUNT] = {
    [KPI_SAME_DAY_DELIVERY_NOTE] =
        {"o.number AS document, o.op_receipt_day AS attribution_date,"
         " o.released_at AS done_at, o.released_at,"
         " CASE WHEN o.op_paused = 1 THEN (SELECT ev.at FROM order_events ev WHERE"
         "  ev.order_no = o.number AND ev.to_state IN ('needs_fix', 'prepay_required',"
         "  'st_pending') AND coalesce(ev.from_state, '') NOT IN ('needs_fix',"
         "  'prepay_required', 'st_pending') ORDER BY ev.id DESC LIMIT 1) END AS paused_at,"
         " CASE WHEN o.state IN ('rejected', 'cancelled') THEN o.updated_at END AS ended_at",
         "orders o", " JOIN customers cu ON cu.code = o.customer",
         "o.op_started_at IS NOT NULL AND o.op_receipt_day >= ? AND o.op_receipt_day <= ?", true},
    [KPI_ST_DECIDED_NEXT_DAY] =
        {"s.order_no AS document, s.requested_at AS start_at, s.decided_at AS done_at,"
         " s.result, CASE WHEN s.decided_at IS NULL AND o.state = 'cancelled' THEN"
         " o.updated_at END AS ended_at",
         "st_requests s JOIN orders o ON o.number = s.order_no",
         " JOIN customers cu ON cu.code = o.customer", "s.requested_at >= ? AND s.requested_at < ?",
         false},
    [KPI_SHIPPED_WITHIN_24H] =
        {"s.number AS document, s.released_at AS start_at, s.dispatched_at AS done_at",
         "shipments s",
         " JOIN orders o ON o.number = s.order_no JOIN customers cu ON cu.code = o.customer",
         "s.state <> 'cancelled' AND s.released_at >= ? AND s.released_at < ?", false},
    [KPI_SHIPMENT_ACCURACY] =
        {"s.number AS document, l.line_no, l.sku, l.discrepancy,"
         " (SELECT count(*) FROM shipment_discrepancies sd WHERE sd.shipment = s.number"
         "  AND sd.line_no = l.line_no AND sd.counts = 1) AS delivery_discrepancies,"
         " s.dispatched_at AS start_at",
         "shipment_lines l JOIN shipments s ON s.number = l.shipment",
         " JOIN orders o ON o.number = s.order_no JOIN customers cu ON cu.code = o.customer",
         "s.state <> 'cancelled' AND s.dispatched_at >= ? AND s.dispatched_at < ?", false},
    /* what of the invoice was credited (credit notes dated by the day) and settled
       (allocations by settle date; own funds and reversed ones left out) by settle_by: in the
       row, where a query per invoice cost 2 x 28,000 statements a month at 1,000,000 orders */
    [KPI_COLLECTED_WITHIN_5_DAYS] =
        {"i.number AS document, i.due_date AS attribution_date, i.amount_fen,"
         " (SELECT coalesce(sum(cn.amount_fen), 0) FROM credit_notes cn WHERE"
         "  cn.invoice = i.number AND cn.date <= ?) AS credited_fen,"
         " (SELECT coalesce(sum(a.amount_fen), 0) FROM allocations a WHERE a.invoice = i.number"
         "  AND a.own = 0 AND a.reversed_by IS NULL AND a.settle_date <= ?) AS settled_fen",
         "invoices i", " JOIN customers cu ON cu.code = i.customer",
         "i.state <> 'cancelled' AND i.due_date >= ? AND i.due_date <= ?", true, true},
};

static const char *const orderings[KPI__COUNT] = {
    [KPI_SAME_DAY_DELIVERY_NOTE] = " ORDER BY o.op_receipt_day, o.number",
    [KPI_ST_DECIDED_NEXT_DAY] = " ORDER BY s.requested_at, s.id",
    [KPI_SHIPPED_WITHIN_24H] = " ORDER BY s.released_at, s.number",
    [KPI_SHIPMENT_ACCURACY] = " ORDER BY s.dispatched_at, s.number, l.line_no",
    [KPI_COLLECTED_WITHIN_5_DAYS] = " ORDER BY i.due_date, i.number",
};

struct dbq *store_kpi_candidates(struct db *db, struct osb_err *e, enum kpi_id id,
                                 const struct kpi_candidates *w)
{
    if (id < 0 || id >= KPI__COUNT) {
        err_set(e, ERR_NOT_FOUND, "no such KPI");
        return NULL;
    }
    if (kpis[id].settle && !w->settle_by) {
        err_set(e, ERR_INTERNAL, "internal error: the KPI's settle_by day is missing");
        return NULL;
    }
    date_t from = w->from, to = w->to;
    int tz_min = w->tz_min;
    json_t *p = json_array();
    for (int i = 0; kpis[id].settle && i < 2; i++)
        json_array_append_new(p, json_string(w->settle_by));
    if (kpis[id].dates) {
        char a[11], b[11];
        date_format(from, a);
        date_format(to, b);
        json_array_append_new(p, json_string(a));
        json_array_append_new(p, json_string(b));
    } else {
        json_array_append_new(p, json_integer(date_start_ts(from, tz_min)));
        json_array_append_new(p, json_integer(date_start_ts(to + 1, tz_min)));
    }
    /* The period's range drives every query: "|| ''" keeps SQLite off the customers' market
       and region index, which read the market's whole history (every order of its customers,
       then their shipments) to keep a month of it (the meeting report's eight markets, a
       month at 1,000,000 orders: ~30 s of CPU) */
    struct sb f = SB_INIT, sql = SB_INIT;
    store_filter_eq(&f, p, "cu.market || ''", w->market);
    store_filter_eq(&f, p, "cu.region || ''", w->region);
    store_scope_sql(w->u, &f, p, "cu");
    bool cust = w->with_market || f.len;
    sb_addf(&sql, "SELECT %s%s FROM %s%s WHERE %s%s", kpis[id].cols,
            w->with_market ? ", cu.market AS market" : "", kpis[id].from, cust ? kpis[id].cust : "",
            kpis[id].where, sb_str(&f));
    sb_free(&f);
    if (w->ordered)
        sb_add(&sql, orderings[id]);
    struct dbq *q = db_query_a(db, e, sb_str(&sql), p);
    sb_free(&sql);
    json_decref(p);
    return q;
}

int store_kpi_first_due(struct db *db, struct osb_err *e, const char *from, date_t *due)
{
    char *d = NULL;
    int rc =
        db_text(db, e, &d, "SELECT min(due_date) FROM invoices WHERE due_date >= ?", "s", from);
    int found = rc > 0 && d && date_parse(d, due);
    free(d);
    return rc < 0 ? -1 : found;
}

int store_kpi_market_exists(struct db *db, struct osb_err *e, const char *code)
{
    int64_t n = 0;
    if (db_int(db, e, &n, "SELECT count(*) FROM markets WHERE code = ?", "s", code) < 0)
        return -1;
    return n > 0;
}

int store_kpi_region_exists(struct db *db, struct osb_err *e, const char *code)
{
    int64_t n = 0;
    if (db_int(db, e, &n, "SELECT count(*) FROM regions WHERE code = ?", "s", code) < 0)
        return -1;
    return n > 0;
}

json_t *store_kpi_markets(struct db *db, struct osb_err *e, const char *only)
{
    return db_rows(db, e,
                   "SELECT code, name FROM markets WHERE active = 1 AND (? IS NULL OR code = ?)"
                   " ORDER BY code",
                   "ss", only, only);
}

json_t *store_kpi_volume(struct db *db, struct osb_err *e, int64_t t0, int64_t t1, const char *d0,
                         const char *d1, const char *market, const struct scope_user *u)
{
    /* sql: over the customers cu (the scope and market filter); all: the same without them,
       for the whole company (a month's 240,000 receipts at 1,000,000 orders were each joined
       to their customer for nothing) */
    static const struct {
        const char *name, *sql, *all;
        char args; /* 't' instants, 'd' dates */
    } vols[] = {
        {"orders_accepted",
         "SELECT count(DISTINCT ev.order_no) AS v FROM order_events ev JOIN orders o ON"
         " o.number = ev.order_no JOIN customers cu ON cu.code = o.customer WHERE ev.action ="
         " 'accept' AND ev.at >= ? AND ev.at < ?",
         "SELECT count(DISTINCT ev.order_no) AS v FROM order_events ev WHERE ev.action ="
         " 'accept' AND ev.at >= ? AND ev.at < ?",
         't'},
        {"shipments_dispatched",
         "SELECT count(*) AS v FROM shipments s JOIN orders o ON o.number = s.order_no"
         " JOIN customers cu ON cu.code = o.customer WHERE s.dispatched_at >= ?"
         " AND s.dispatched_at < ?",
         "SELECT count(*) AS v FROM shipments s WHERE s.dispatched_at >= ? AND s.dispatched_at < ?",
         't'},
        {"invoices",
         "SELECT count(*) AS v FROM invoices i JOIN customers cu ON cu.code = i.customer"
         " WHERE i.state <> 'cancelled' AND i.invoice_date >= ? AND i.invoice_date <= ?",
         "SELECT count(*) AS v FROM invoices i"
         " WHERE i.state <> 'cancelled' AND i.invoice_date >= ? AND i.invoice_date <= ?",
         'd'},
        {"invoice_amount_fen",
         "SELECT coalesce(sum(i.amount_fen), 0) AS v FROM invoices i JOIN customers cu ON"
         " cu.code = i.customer WHERE i.state <> 'cancelled' AND i.invoice_date >= ?"
         " AND i.invoice_date <= ?",
         "SELECT coalesce(sum(i.amount_fen), 0) AS v FROM invoices i"
         " WHERE i.state <> 'cancelled' AND i.invoice_date >= ? AND i.invoice_date <= ?",
         'd'},
        {"collections_fen",
         "SELECT coalesce(sum(pm.amount_fen), 0) AS v FROM payments pm JOIN customers cu ON"
         " cu.code = pm.customer WHERE pm.kind = 'payment' AND pm.state <> 'reversed'"
         " AND pm.received_on >= ? AND pm.received_on <= ?",
         "SELECT coalesce(sum(pm.amount_fen), 0) AS v FROM payments pm"
         " WHERE pm.kind = 'payment' AND pm.state <> 'reversed'"
         " AND pm.received_on >= ? AND pm.received_on <= ?",
         'd'},
        {"expense_credits_fen",
         "SELECT coalesce(sum(pm.amount_fen), 0) AS v FROM payments pm JOIN customers cu ON"
         " cu.code = pm.customer WHERE pm.kind = 'expense' AND pm.state <> 'reversed'"
         " AND pm.received_on >= ? AND pm.received_on <= ?",
         "SELECT coalesce(sum(pm.amount_fen), 0) AS v FROM payments pm"
         " WHERE pm.kind = 'expense' AND pm.state <> 'reversed'"
         " AND pm.received_on >= ? AND pm.received_on <= ?",
         'd'},
    };
    json_t *out = json_object();
    for (size_t k = 0; k < sizeof vols / sizeof vols[0]; k++) {
        json_t *p = json_array();
        if (vols[k].args == 't') {
            json_array_append_new(p, json_integer(t0));
            json_array_append_new(p, json_integer(t1));
        } else {
            json_array_append_new(p, json_string(d0));
            json_array_append_new(p, json_string(d1));
        }
        struct sb f = SB_INIT, s = SB_INIT;
        store_filter_eq(&f, p, "cu.market || ''", market); /* the month drives (above) */
        store_scope_sql(u, &f, p, "cu");
        sb_add(&s, f.len ? vols[k].sql : vols[k].all);
        sb_add(&s, sb_str(&f));
        json_t *rows = db_rows_a(db, e, sb_str(&s), p);
        sb_free(&s);
        sb_free(&f);
        json_decref(p);
        if (!rows) {
            json_decref(out);
            return NULL;
        }
        json_object_set(out, vols[k].name, json_object_get(json_array_get(rows, 0), "v"));
        json_decref(rows);
    }
    return out;
}

/* ---- further KPIs (§2.2) ------------------------------------------------------------------ */

static json_t *kpi_rows(struct db *db, struct osb_err *e, struct sb *sql, json_t *p,
                        const char *alias, const char *market, const char *region,
                        const struct scope_user *u, const char *order)
{
    char col[32];
    if (str_fmt(col, sizeof col, "%s.market", alias) == 0)
        store_filter_eq(sql, p, col, market);
    if (str_fmt(col, sizeof col, "%s.region", alias) == 0)
        store_filter_eq(sql, p, col, region);
    store_scope_sql(u, sql, p, alias);
    sb_add(sql, order);
    json_t *rows = db_rows_a(db, e, sb_str(sql), p);
    sb_free(sql);
    json_decref(p);
    return rows;
}

json_t *store_kpi_visit_items(struct db *db, struct osb_err *e, const char *from, const char *to,
                              const char *market, const char *region, const struct scope_user *u)
{
    struct sb sql = SB_INIT;
    json_t *p = json_pack("[ss]", from, to);
    sb_add(&sql, "SELECT i.document || '/' || i.seq AS document, i.date AS attribution_date,"
                 " pl.owner AS owner, i.customer AS customer, (SELECT min(v.created_at)"
                 " FROM field_docs v WHERE v.type = 'visits' AND v.ref = i.document || '/' ||"
                 " i.seq) AS done_at FROM field_items i JOIN field_docs pl"
                 " ON pl.number = i.document AND pl.type = 'visit-plans'"
                 " WHERE pl.state IN ('submitted', 'confirmed') AND i.date >= ? AND i.date <= ?");
    return kpi_rows(db, e, &sql, p, "pl", market, region, u, " ORDER BY i.date, i.document, i.seq");
}

json_t *store_kpi_ticket_ratings(struct db *db, struct osb_err *e, int64_t t0, int64_t t1,
                                 const char *market, const char *region, const struct scope_user *u)
{
    struct sb sql = SB_INIT;
    json_t *p = json_pack("[II]", (json_int_t)t0, (json_int_t)t1);
    sb_add(&sql, "SELECT d.number AS document, d.customer AS customer, ev.at AS done_at,"
                 " d.data AS data FROM field_docs d JOIN field_events ev ON ev.document = d.number"
                 " AND ev.action = 'close' WHERE d.type = 'after-sales' AND d.state = 'closed'"
                 " AND ev.at >= ? AND ev.at < ?");
    return kpi_rows(db, e, &sql, p, "d", market, region, u, " ORDER BY ev.at, d.number");
}

json_t *store_kpi_call_ratings(struct db *db, struct osb_err *e, int64_t t0, int64_t t1,
                               const char *market, const char *region, const struct scope_user *u)
{
    struct sb sql = SB_INIT;
    json_t *p = json_pack("[II]", (json_int_t)t0, (json_int_t)t1);
    sb_add(&sql, "SELECT l.id AS id, l.customer AS customer, l.at AS done_at, l.rating AS rating"
                 " FROM call_logs l JOIN customers cu ON cu.code = l.customer"
                 " WHERE l.kind = 'satisfaction' AND l.rating IS NOT NULL AND l.at >= ?"
                 " AND l.at < ?");
    return kpi_rows(db, e, &sql, p, "cu", market, region, u, " ORDER BY l.at, l.id");
}
