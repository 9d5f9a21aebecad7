/*
 * report_modules.c (store) — the queries of the second-wave modules' reports
 * (rules/report_modules.c): the contract ledger, market expenses against budget, the
 * distributor inventory summary, POP and samples, the credit grade list. Reads only; every
 * query limits its rows to the caller's scope over the customers row (store_report_where).
 */
#include "store/report.h"

#include "core/json.h"
#include "core/sb.h"
#include "core/str.h"
#include "rules/report.h"
#include "store/credit.h"
#include "store/doc.h"

#include <stdlib.h>
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

json_t *store_report_contracts(struct db *db, struct osb_err *e, const struct report_params *p)
{
    struct sb sql = SB_INIT;
    json_t *a = json_array();
    sb_add(&sql, "SELECT k.number AS contract, k.kind AS kind, k.customer AS customer,"
                 " c.name AS customer_name, c.kam AS salesperson, k.state AS state,"
                 " k.value_fen AS value_fen, k.signed_at AS signed_at,"
                 " k.archived_at AS archived_at, k.archive_binder AS binder,"
                 " k.valid_to AS valid_to, k.deviations AS deviations,"
                 " (SELECT count(*) FROM orders o WHERE o.contract = k.number) AS orders"
                 " FROM contracts k JOIN customers c ON c.code = k.customer"
                 " WHERE k.created_at >= ? AND k.created_at < ?");
    json_array_append_new(a, json_integer(p->from_ts));
    json_array_append_new(a, json_integer(p->to_ts));
    return store_report_run(db, e, &sql, a, p, "c", " ORDER BY k.created_at, k.number");
}

/* One day's net sales of a market and region (sales or credit notes: net_sales_fen). */
struct day_sales {
    const char *date, *market, *region;
    int64_t fen;
};

/* The invoice lines (credit note lines when credits) dated in [lo, hi] per day, market and
   region of their customer (of market only, when given): the rows of *rows (owned by the
   caller) as day_sales in *out. */
static int day_sales(struct db *db, struct osb_err *e, bool credits, const char *lo, const char *hi,
                     const char *market, json_t **rows, struct day_sales **out, size_t *n)
{
    struct sb sql = SB_INIT;
    json_t *a = json_array();
    sb_add(&sql, credits ? "SELECT n.date AS d, s.market AS market, s.region AS region,"
                           " sum(l.amount_fen) AS fen FROM credit_notes n"
                           " JOIN credit_note_lines l ON l.credit_note = n.number"
                           " JOIN customers s ON s.code = n.customer"
                           " WHERE n.date >= ? AND n.date <= ?"
                         : "SELECT i.invoice_date AS d, s.market AS market, s.region AS region,"
                           " sum(l.amount_fen) AS fen FROM invoices i"
                           " JOIN invoice_lines l ON l.invoice = i.number"
                           " JOIN customers s ON s.code = i.customer WHERE i.state <> 'cancelled'"
                           " AND i.invoice_date >= ? AND i.invoice_date <= ?");
    store_report_arg(a, lo);
    store_report_arg(a, hi);
    /* the market filter: every budget row is of that market */
    store_filter_eq(&sql, a, "s.market", market);
    sb_add(&sql, credits ? " GROUP BY n.date, s.market, s.region"
                         : " GROUP BY i.invoice_date, s.market, s.region");
    *rows = store_report_rows(db, e, &sql, a);
    if (!*rows)
        return -1;
    *n = json_array_size(*rows);
    *out = xcalloc(*n ? *n : 1, sizeof **out);
    for (size_t i = 0; i < *n; i++) {
        json_t *r = json_array_get(*rows, i);
        (*out)[i] =
            (struct day_sales){jstr(r, "d"), jstr(r, "market"), jstr(r, "region"), jint(r, "fen")};
    }
    return 0;
}

/* The sum of the days in [lo, hi] of market (and region, when given). */
static int64_t sales_of(const struct day_sales *v, size_t n, const char *lo, const char *hi,
                        const char *market, const char *region)
{
    int64_t sum = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i].date && v[i].market && strcmp(v[i].date, lo) >= 0 && strcmp(v[i].date, hi) <= 0 &&
            strcmp(v[i].market, market) == 0 &&
            (!region || (v[i].region && strcmp(v[i].region, region) == 0)))
            sum += v[i].fen;
    return sum;
}

json_t *store_report_expenses(struct db *db, struct osb_err *e, const struct report_params *p)
{
    char lo[8], hi[8];
    months(p, lo, hi);
    struct sb sql = SB_INIT;
    json_t *a = json_array();
    /* net_sales_fen is filled below (0 here keeps its place among the columns) */
    sb_add(&sql, "SELECT b.market AS market, b.region AS region, b.category AS category,"
                 " b.period AS period, b.amount_fen AS budget_fen,"
                 " b.committed_fen AS committed_fen, b.actual_fen AS actual_fen,"
                 " b.amount_fen - b.committed_fen - b.actual_fen AS available_fen,"
                 " b.committed_fen + b.actual_fen AS used_fen,"
                 " (SELECT count(*) FROM expense_applications x WHERE x.budget = b.code)"
                 " AS applications, 0 AS net_sales_fen"
                 " FROM expense_budgets b WHERE b.period >= ? AND b.period <= ?");
    store_report_arg(a, lo);
    store_report_arg(a, hi);
    store_filter_eq(&sql, a, "b.market", p->market);
    store_filter_eq(&sql, a, "b.region", p->region);
    /* a budget is seen by whoever sees a customer of its market (and region, if it has one) */
    sb_add(&sql, " AND EXISTS (SELECT 1 FROM customers c WHERE c.market = b.market"
                 " AND (b.region IS NULL OR c.region = b.region)");
    store_scope_sql(p->u, &sql, a, "c");
    sb_add(&sql, ") ORDER BY b.market, coalesce(b.region, ''), b.category, b.period");
    json_t *rows = store_report_rows(db, e, &sql, a);
    if (!rows)
        return NULL;
    /* net sales of the budget's market (region) in its month (kpis §2.2): invoices dated from
       period-01 to period-31, less credit notes. Summed per day, market and region over the
       budgets' days once, then per budget in C: a subquery per budget read a month of every
       market's invoices and lines each (a year of 624 budgets at 1,000,000 orders: 6 s). */
    size_t i;
    json_t *r;
    char dlo[40] = "", dhi[40] = "";
    json_array_foreach(rows, i, r)
    {
        char f[40], t[40];
        const char *per = jstr(r, "period") ? jstr(r, "period") : "";
        if (str_fmt(f, sizeof f, "%s-01", per) < 0 || str_fmt(t, sizeof t, "%s-31", per) < 0)
            continue;
        if (!dlo[0] || strcmp(f, dlo) < 0)
            memcpy(dlo, f, sizeof f);
        if (!dhi[0] || strcmp(t, dhi) > 0)
            memcpy(dhi, t, sizeof t);
    }
    json_t *srows = NULL, *crows = NULL;
    struct day_sales *sv = NULL, *cv = NULL;
    size_t sn = 0, cn = 0;
    if (json_array_size(rows) &&
        (day_sales(db, e, false, dlo, dhi, p->market, &srows, &sv, &sn) < 0 ||
         day_sales(db, e, true, dlo, dhi, p->market, &crows, &cv, &cn) < 0)) {
        free(sv);
        json_decref(srows);
        json_decref(rows);
        return NULL;
    }
    json_array_foreach(rows, i, r)
    {
        char f[40], t[40];
        const char *per = jstr(r, "period") ? jstr(r, "period") : "";
        const char *mk = jstr(r, "market") ? jstr(r, "market") : "";
        int64_t ns = 0;
        if (str_fmt(f, sizeof f, "%s-01", per) == 0 && str_fmt(t, sizeof t, "%s-31", per) == 0)
            ns = sales_of(sv, sn, f, t, mk, jstr(r, "region")) -
                 sales_of(cv, cn, f, t, mk, jstr(r, "region"));
        json_object_set_new(r, "net_sales_fen", json_integer(ns));
        /* the expense ratio: actual ÷ net sales of the row (not totalled: rows share sales) */
        json_object_set_new(r, "expense_ratio_bp",
                            ns > 0 ? json_integer(report_bp(jint(r, "actual_fen"), ns))
                                   : json_null());
    }
    free(sv);
    free(cv);
    json_decref(srows);
    json_decref(crows);
    return rows;
}

static const char *const inv_keys[] = {"opening_qty",     "purchased_qty", "other_in_qty",
                                       "sold_qty",        "returned_qty",  "closing_qty",
                                       "near_expiry_qty", "stock_cover_bp"};

/* A value of a report's row or line as a cell: an integer, a string, else null (the lines
   hold integers, and null for a cover without sales: flow/market.c). */
static struct report_cell json_cell(const char *name, json_t *v)
{
    if (json_is_integer(v))
        return (struct report_cell){name, NULL, json_integer_value(v), true};
    return (struct report_cell){name, json_string_value(v), 0, false};
}

#define NINV (sizeof inv_keys / sizeof inv_keys[0])

json_t *store_report_inventory(struct db *db, struct osb_err *e, const struct report_params *p)
{
    char lo[8], hi[8];
    months(p, lo, hi);
    json_t *reps = store_report_inv_reports(
        db, e, p, lo, hi,
        ", c.name AS customer_name, r.late AS late, r.state AS state, r.review_note AS review_note",
        "");
    if (!reps)
        return NULL;
    /* each line a row of cells, written as made when the answer streams (a year at 1,000,000
       orders: 260,000 lines, an object each in the tree) */
    json_t *out = json_array();
    int rc = 0;
    size_t i;
    json_t *r;
    json_array_foreach(reps, i, r)
    {
        json_t *lines = json_loads(jstr(r, "lines") ? jstr(r, "lines") : "[]", 0, NULL);
        size_t j;
        json_t *l;
        json_array_foreach(lines, j, l)
        {
            const char *sku = jstr(l, "sku");
            if (!sku || (p->sku && strcmp(p->sku, sku) != 0))
                continue;
            struct report_cell c[7 + NINV] = {
                json_cell("customer", json_object_get(r, "customer")),
                json_cell("customer_name", json_object_get(r, "customer_name")),
                json_cell("period", json_object_get(r, "period")),
                {"sku", sku, 0, false},
                json_cell("late", json_object_get(r, "late")),
                json_cell("state", json_object_get(r, "state")),
                json_cell("review_note", json_object_get(r, "review_note")),
            };
            for (size_t k = 0; k < NINV; k++)
                c[7 + k] = json_cell(inv_keys[k], json_object_get(l, inv_keys[k]));
            if ((rc = store_report_put(p, out, c, (int)(7 + NINV), e)) < 0)
                break;
        }
        json_decref(lines);
        if (rc < 0)
            break;
    }
    json_decref(reps);
    if (rc < 0) {
        json_decref(out);
        return NULL;
    }
    if (p->sink)
        p->sink->streamed = true;
    return out;
}

json_t *store_report_pop_samples(struct db *db, struct osb_err *e, const struct report_params *p)
{
    struct sb sql = SB_INIT;
    json_t *a = json_array();
    /* POP requests made in the range (by created_at), samples issued in it (issued_on) */
    sb_add(&sql,
           "SELECT c.code AS customer, c.name AS customer_name, c.market AS market,"
           " c.region AS region,"
           " (SELECT count(*) FROM pop_requests w WHERE w.customer = c.code"
           "  AND w.created_at >= ?1 AND w.created_at < ?2) AS pop_requested,"
           " (SELECT count(*) FROM pop_requests w WHERE w.customer = c.code"
           "  AND w.created_at >= ?1 AND w.created_at < ?2"
           "  AND w.state IN ('approved', 'shipped', 'received', 'verified')) AS pop_approved,"
           " (SELECT count(*) FROM pop_requests w WHERE w.customer = c.code"
           "  AND w.created_at >= ?1 AND w.created_at < ?2"
           "  AND w.state IN ('shipped', 'received', 'verified')) AS pop_shipped,"
           " (SELECT count(*) FROM pop_requests w WHERE w.customer = c.code"
           "  AND w.created_at >= ?1 AND w.created_at < ?2 AND w.state = 'verified')"
           "  AS pop_verified,"
           " (SELECT coalesce(sum(w.value_fen), 0) FROM pop_requests w WHERE w.customer = c.code"
           "  AND w.created_at >= ?1 AND w.created_at < ?2"
           "  AND w.state IN ('approved', 'shipped', 'received', 'verified')) AS pop_value_fen,"
           " (SELECT count(*) FROM samples y WHERE y.customer = c.code AND y.issued_on >= ?3"
           "  AND y.issued_on <= ?4) AS samples_issued,"
           " (SELECT coalesce(sum(y.qty), 0) FROM samples y WHERE y.customer = c.code"
           "  AND y.issued_on >= ?3 AND y.issued_on <= ?4) AS sample_qty,"
           " (SELECT count(*) FROM samples y WHERE y.customer = c.code AND y.issued_on >= ?3"
           "  AND y.issued_on <= ?4 AND y.usage_bp IS NOT NULL) AS samples_followed_up,"
           " (SELECT coalesce(sum(y.usage_bp), 0) FROM samples y WHERE y.customer = c.code"
           "  AND y.issued_on >= ?3 AND y.issued_on <= ?4 AND y.usage_bp IS NOT NULL) AS usage_sum,"
           " (SELECT coalesce(sum(y.waste_bp), 0) FROM samples y WHERE y.customer = c.code"
           "  AND y.issued_on >= ?3 AND y.issued_on <= ?4 AND y.waste_bp IS NOT NULL) AS waste_sum,"
           " (SELECT coalesce(sum(y.deduction_qty), 0) FROM samples y WHERE y.customer = c.code"
           "  AND y.issued_on >= ?3 AND y.issued_on <= ?4) AS deduction_qty"
           " FROM customers c WHERE (EXISTS (SELECT 1 FROM pop_requests w"
           "  WHERE w.customer = c.code AND w.created_at >= ?1 AND w.created_at < ?2)"
           " OR EXISTS (SELECT 1 FROM samples y WHERE y.customer = c.code"
           "  AND y.issued_on >= ?3 AND y.issued_on <= ?4))");
    json_array_append_new(a, json_integer(p->from_ts));
    json_array_append_new(a, json_integer(p->to_ts));
    store_report_arg(a, p->from);
    store_report_arg(a, p->to);
    json_t *rows = store_report_run(db, e, &sql, a, p, "c", " ORDER BY c.code");
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        /* usage and waste: the mean of the followed-up samples, rounded (none: empty) */
        int64_t n = jint(r, "samples_followed_up");
        int64_t us = jint(r, "usage_sum"), ws = jint(r, "waste_sum");
        json_object_set_new(r, "usage_bp", n ? json_integer((us * 2 + n) / (2 * n)) : json_null());
        json_object_set_new(r, "waste_bp", n ? json_integer((ws * 2 + n) / (2 * n)) : json_null());
    }
    return rows;
}

json_t *store_report_grades(struct db *db, struct osb_err *e, const struct report_params *p)
{
    struct sb sql = SB_INIT;
    json_t *a = json_array();
    sb_add(&sql, "SELECT g.customer AS customer, c.name AS customer_name, c.market AS market,"
                 " c.region AS region, c.kam AS kam,"
                 " coalesce(g.override_grade, g.computed_grade) AS grade,"
                 " g.previous_grade AS previous_grade, g.override_grade AS override_grade,"
                 " g.dpl_days AS dpl_days, g.max_overdue_days AS max_overdue_days,"
                 " c.payment_term_days AS payment_term_days, c.prepay_only AS prepay_only,"
                 " c.credit_hold AS credit_hold FROM credit_grades g"
                 " JOIN customers c ON c.code = g.customer WHERE g.month = ");
    /* period: that month's list; else the latest list of a month up to as_of's */
    if (p->period) {
        sb_add(&sql, "?");
        store_report_arg(a, p->period);
    } else {
        char m[8];
        memcpy(m, p->as_of, 7);
        m[7] = 0;
        sb_add(&sql, "(SELECT max(month) FROM credit_grade_lists WHERE month <= ?)");
        store_report_arg(a, m);
    }
    json_t *rows = store_report_run(db, e, &sql, a, p, "c", " ORDER BY g.customer");
    date_t today;
    if (!rows || !date_parse(p->as_of, &today))
        return rows;
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        struct credit_figures f;
        if (store_credit_figures(db, e, jstr(r, "customer"), today, NULL, &f) < 0) {
            json_decref(rows);
            return NULL;
        }
        json_object_set_new(r, "limit_fen", json_integer(f.limit_fen));
        json_object_set_new(r, "exposure_fen", json_integer(f.exposure_fen));
        json_object_set_new(r, "available_fen", json_integer(f.available_fen));
        json_object_set_new(r, "overdue_fen", json_integer(f.overdue_fen));
    }
    return rows;
}

/* The field documents of type (field_docs) created in the range, with their data (JSON). */
static json_t *field_rows(struct db *db, struct osb_err *e, const struct report_params *p,
                          const char *type)
{
    struct sb sql = SB_INIT;
    json_t *a = json_array();
    sb_add(&sql, "SELECT d.number AS number, d.customer AS customer, c.name AS customer_name,"
                 " d.owner AS owner, d.state AS state, d.created_at AS created_at,"
                 " d.data AS data FROM field_docs d JOIN customers c ON c.code = d.customer"
                 " WHERE d.type = ? AND d.created_at >= ? AND d.created_at < ?");
    store_report_arg(a, type);
    json_array_append_new(a, json_integer(p->from_ts));
    json_array_append_new(a, json_integer(p->to_ts));
    json_t *rows = store_report_run(db, e, &sql, a, p, "c", " ORDER BY d.created_at, d.number");
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        json_t *data = json_loads(jstr(r, "data") ? jstr(r, "data") : "{}", 0, NULL);
        json_object_set_new(r, "data", json_is_object(data) ? data : json_object());
        if (data && !json_is_object(data))
            json_decref(data);
    }
    return rows;
}

static void copy_key(json_t *to, const char *key, json_t *from, const char *from_key)
{
    json_t *v = json_object_get(from, from_key);
    json_object_set_new(to, key, v ? json_incref(v) : json_null());
}

json_t *store_report_quotations(struct db *db, struct osb_err *e, const struct report_params *p)
{
    json_t *rows = field_rows(db, e, p, "quotations");
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        json_t *d = json_object_get(r, "data");
        json_object_set_new(r, "quotation", json_incref(json_object_get(r, "number")));
        copy_key(r, "source", d, "source");
        copy_key(r, "product_class", d, "product_class");
        copy_key(r, "total_fen", d, "total_fen");
        copy_key(r, "result", d, "result");
        copy_key(r, "contract", d, "contract");
        json_t *pd = json_object_get(d, "participate_decision");
        json_object_set_new(r, "decision",
                            json_is_boolean(pd)
                                ? json_string(json_is_true(pd) ? "participate" : "decline")
                                : json_null());
    }
    return rows;
}

/* The local date of an RFC 3339 instant the field flows keep in data (its first 10 chars). */
static bool data_date(json_t *d, const char *key, date_t *out)
{
    const char *s = jstr(d, key);
    char day[11];
    if (!s || strlen(s) < 10)
        return false;
    memcpy(day, s, 10);
    day[10] = 0;
    return date_parse(day, out);
}

json_t *store_report_after_sales(struct db *db, struct osb_err *e, const struct report_params *p)
{
    json_t *rows = field_rows(db, e, p, "after-sales");
    date_t as_of;
    if (!rows || !date_parse(p->as_of, &as_of))
        return rows;
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        json_t *d = json_object_get(r, "data");
        json_object_set_new(r, "ticket", json_incref(json_object_get(r, "number")));
        json_object_set_new(r, "received_at", json_incref(json_object_get(r, "created_at")));
        copy_key(r, "type", d, "type");
        copy_key(r, "rating", d, "rating");
        copy_key(r, "handler", d, "handler");
        json_object_set_new(r, "escalated", json_integer(jstr(d, "escalated_at") ? 1 : 0));
        /* open from the day received to the day resolved (or rejected), else to as_of */
        date_t start = ts_to_date(jint(r, "created_at"), p->tz_min), end = as_of;
        if (!data_date(d, "resolved_at", &end) && !data_date(d, "rejected_at", &end))
            end = as_of;
        json_object_set_new(r, "days_open", json_integer(end > start ? end - start : 0));
    }
    return rows;
}
