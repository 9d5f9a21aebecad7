/*
 * report_monthly.c (store) — the query of 每月经销商管理汇总表 (distributor_management_monthly,
 * rules/report_monthly.c): one row per distributor in the caller's scope that is active or
 * suspended, or bought in the range. Reads only.
 */
#include "store/report.h"

#include "core/json.h"
#include "core/sb.h"
#include "store/credit.h"

#include <string.h>

/* The months of the range: period when given, else YYYY-MM of from and of to. */
static void months(const struct report_params *p, char lo[8], char hi[8])
{
    const char *a = p->period ? p->period : p->from, *b = p->period ? p->period : p->to;
    memcpy(lo, a, 7);
    lo[7] = 0;
    memcpy(hi, b, 7);
    hi[7] = 0;
}

/* Sell-out (Σ sold_qty of every report of the months), closing stock (the last month's
   report) and whether the last month's report came on time: on_time, late or missing
   (missing only for a direct distributor; an indirect one reports through its parent). */
static int inventory(struct db *db, struct osb_err *e, const struct report_params *p, json_t *rows)
{
    char lo[8], hi[8];
    months(p, lo, hi);
    json_t *reps = store_report_inv_reports(db, e, p, lo, hi, ", r.late AS late", "");
    if (!reps)
        return -1;
    json_t *by = json_object();
    size_t i;
    json_t *r;
    json_array_foreach(reps, i, r)
    {
        json_t *acc = json_object_get(by, jstr(r, "customer"));
        if (!acc) {
            acc = json_pack("{sI sI sn}", "sold", (json_int_t)0, "closing", (json_int_t)0, "state");
            json_object_set_new(by, jstr(r, "customer"), acc);
        }
        json_t *lines = json_loads(jstr(r, "lines") ? jstr(r, "lines") : "[]", 0, NULL);
        int64_t sold = 0, closing = 0;
        size_t j;
        json_t *l;
        json_array_foreach(lines, j, l)
        {
            if (p->sku && (!jstr(l, "sku") || strcmp(jstr(l, "sku"), p->sku) != 0))
                continue;
            sold += jint(l, "sold_qty");
            closing += jint(l, "closing_qty");
        }
        json_decref(lines);
        json_object_set_new(acc, "sold", json_integer(jint(acc, "sold") + sold));
        /* rows come by period: the last one seen is the last month's */
        json_object_set_new(acc, "closing", json_integer(closing));
        if (strcmp(jstr(r, "period"), hi) == 0)
            json_object_set_new(acc, "state", json_string(jint(r, "late") ? "late" : "on_time"));
    }
    json_decref(reps);
    json_array_foreach(rows, i, r)
    {
        json_t *acc = json_object_get(by, jstr(r, "customer"));
        json_object_set_new(r, "sell_out_qty", json_integer(acc ? jint(acc, "sold") : 0));
        json_object_set_new(r, "closing_qty", json_integer(acc ? jint(acc, "closing") : 0));
        json_t *st = acc ? json_object_get(acc, "state") : NULL;
        json_object_set_new(r, "inventory_report",
                            json_is_string(st)  ? json_incref(st)
                            : jint(r, "direct") ? json_string("missing")
                                                : json_null());
    }
    json_decref(by);
    return 0;
}

json_t *store_report_distributor_monthly(struct db *db, struct osb_err *e,
                                         const struct report_params *p)
{
    char lo[8], hi[8];
    months(p, lo, hi);
    struct sb sql = SB_INIT;
    json_t *a = json_array();
    /* purchases: the range's invoice lines (not of a cancelled invoice) less its credit-note
       lines, summed per customer in C (store_kmap) from one read of the range rather than
       four look-ups per customer (amount and quantity, invoices and credit notes), which read
       each line twice: 3.6 s of CPU for a year at 1,000,000 orders (bench/README.md) */
    struct kmap buy = {0};
    const char *sku = p->sku ? " AND l.sku = ?" : "";
    sb_addf(&sql,
            "SELECT i.customer, l.amount_fen, l.qty FROM invoices i JOIN invoice_lines l"
            " ON l.invoice = i.number WHERE i.state <> 'cancelled' AND i.invoice_date >= ?"
            " AND i.invoice_date <= ?%s UNION ALL SELECT n.customer, -l.amount_fen, -l.qty"
            " FROM credit_notes n JOIN credit_note_lines l ON l.credit_note = n.number"
            " WHERE n.date >= ? AND n.date <= ?%s",
            sku, sku);
    for (int k = 0; k < 2; k++) {
        store_report_arg(a, p->from);
        store_report_arg(a, p->to);
        if (p->sku)
            store_report_arg(a, p->sku);
    }
    int rc = store_kmap_fill(db, e, sb_str(&sql), a, store_kmap_per_customer, &buy, NULL);
    sb_reset(&sql);
    if (rc < 0) {
        sb_free(&sql);
        store_kmap_free(&buy);
        return NULL;
    }
    a = json_array();
    sb_add(&sql, "SELECT c.code AS customer, c.name AS customer_name, c.market AS market,"
                 " c.region AS region, c.kam AS kam, c.grade AS grade, c.direct AS direct,"
                 " 0 AS purchases_fen, 0 AS purchased_qty,");
    sb_add(
        &sql,
        " (SELECT coalesce(sum(CASE WHEN x.actual_fen > 0 THEN x.actual_fen"
        "  ELSE x.approved_fen END), 0) FROM expense_applications x WHERE x.customer = c.code"
        "  AND x.period >= ? AND x.period <= ?"
        "  AND x.state IN ('approved', 'executed', 'settled', 'closed')) AS expenses_fen,"
        " (SELECT count(*) FROM samples y WHERE y.customer = c.code AND y.issued_on >= ?"
        "  AND y.issued_on <= ?) AS samples_issued,"
        " (SELECT count(*) FROM samples y WHERE y.customer = c.code AND y.issued_on >= ?"
        "  AND y.issued_on <= ? AND y.usage_bp IS NOT NULL) AS samples_followed_up,"
        " (SELECT coalesce(sum(y.usage_bp), 0) FROM samples y WHERE y.customer = c.code"
        "  AND y.issued_on >= ? AND y.issued_on <= ? AND y.usage_bp IS NOT NULL) AS usage_sum,"
        " (SELECT count(*) FROM pop_requests w WHERE w.customer = c.code"
        "  AND w.created_at >= ? AND w.created_at < ?) AS pop_requests,"
        " (SELECT coalesce(sum(w.value_fen), 0) FROM pop_requests w WHERE w.customer = c.code"
        "  AND w.created_at >= ? AND w.created_at < ?"
        "  AND w.state IN ('approved', 'shipped', 'received', 'verified')) AS pop_value_fen,"
        " (SELECT count(*) FROM field_docs d WHERE d.customer = c.code AND d.type = 'after-sales'"
        "  AND d.created_at >= ? AND d.created_at < ?) AS after_sales,"
        " (SELECT count(*) FROM field_docs d WHERE d.customer = c.code AND d.type = 'visits'"
        "  AND d.created_at >= ? AND d.created_at < ?) AS visits"
        " FROM customers c WHERE (c.status IN ('active', 'suspended')"
        "  OR EXISTS (SELECT 1 FROM invoices i WHERE i.customer = c.code"
        "  AND i.state <> 'cancelled' AND i.invoice_date >= ? AND i.invoice_date <= ?))");
    store_report_arg(a, lo);
    store_report_arg(a, hi);
    for (int k = 0; k < 3; k++) {
        store_report_arg(a, p->from);
        store_report_arg(a, p->to);
    }
    for (int k = 0; k < 4; k++) {
        json_array_append_new(a, json_integer(p->from_ts));
        json_array_append_new(a, json_integer(p->to_ts));
    }
    store_report_arg(a, p->from);
    store_report_arg(a, p->to);
    json_t *rows = store_report_run(db, e, &sql, a, p, "c", " ORDER BY c.market, c.region, c.code");
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        const struct ksum *f = store_kmap_find(&buy, jstr(r, "customer"));
        json_object_set_new(r, "purchases_fen", json_integer(f ? f->sum : 0));
        json_object_set_new(r, "purchased_qty", json_integer(f ? f->sum2 : 0));
    }
    store_kmap_free(&buy);
    date_t as_of;
    if (!rows || !date_parse(p->as_of, &as_of))
        return rows;
    json_array_foreach(rows, i, r)
    {
        /* the mean usage of the followed-up samples, rounded (none followed up: empty) */
        int64_t n = jint(r, "samples_followed_up"), us = jint(r, "usage_sum");
        json_object_set_new(r, "sample_usage_bp",
                            n ? json_integer((us * 2 + n) / (2 * n)) : json_null());
        struct credit_figures f;
        if (store_credit_figures(db, e, jstr(r, "customer"), as_of, NULL, &f) < 0) {
            json_decref(rows);
            return NULL;
        }
        json_object_set_new(r, "ar_fen", json_integer(f.open_receivables_fen));
        json_object_set_new(r, "overdue_fen", json_integer(f.overdue_fen));
        json_object_set_new(r, "limit_fen", json_integer(f.limit_fen));
        json_object_set_new(r, "exposure_fen", json_integer(f.exposure_fen));
    }
    if (inventory(db, e, p, rows) < 0) {
        json_decref(rows);
        return NULL;
    }
    return rows;
}
