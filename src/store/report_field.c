/*
 * report_field.c (store) — the field-sales reports' queries (store/report.h; issue #13). What
 * they select and filter on — a plan's level, period and targets, a visit's date and kind —
 * are field_docs' typed columns (store/fdoc.h); only free text and lists (a plan item's
 * purpose, a visit's findings, a forecast's lines) come from field_docs.data (JSON text), read
 * here in C, never with a database's JSON functions, so that SQLite and PostgreSQL run the same
 * SQL.
 */
#include "store/report.h"

#include "core/json.h"
#include "core/sb.h"
#include "core/str.h"
#include "rules/field.h"
#include "rules/market.h"
#include "store/doc.h"
#include "store/fdoc.h"

#include <stdlib.h>
#include <string.h>

/* The scope of u and the market and region filters over a row with those columns (alias). */
static void field_where(struct sb *sql, json_t *a, const struct report_params *p, const char *alias)
{
    store_scope_sql(p->u, sql, a, alias);
    char col[48];
    if (str_fmt(col, sizeof col, "%s.market", alias) == 0)
        store_filter_eq(sql, a, col, p->market);
    if (str_fmt(col, sizeof col, "%s.region", alias) == 0)
        store_filter_eq(sql, a, col, p->region);
}

static json_t *data_of(json_t *r)
{
    json_t *d = json_loads(jstr(r, "data") ? jstr(r, "data") : "{}", 0, NULL);
    if (!json_is_object(d)) {
        json_decref(d);
        d = json_object();
    }
    json_object_del(r, "data");
    return d;
}

static void set_str(json_t *r, const char *key, json_t *from, const char *from_key)
{
    json_t *v = json_object_get(from, from_key);
    json_object_set_new(r, key, json_is_string(v) ? json_incref(v) : json_null());
}

/* ---- weekly / monthly work plans ---------------------------------------------------------- */

/* The items of the visit plans (submitted or confirmed) dated in the range: of month plans
   when month, else of week and day plans. */
static json_t *plan_items(struct db *db, struct osb_err *e, const struct report_params *p,
                          bool month)
{
    struct sb sql = SB_INIT;
    json_t *a = json_array();
    sb_add(&sql, "SELECT pl.owner AS salesperson, i.date AS date, i.seq AS seq,"
                 " i.customer AS customer, c.name AS customer_name, pl.number AS plan,"
                 " pl.period_type AS period_type, pl.data AS data,"
                 " (SELECT count(*) FROM field_docs v WHERE v.type = 'visits'"
                 " AND v.ref = i.document || '/' || i.seq) AS reported"
                 " FROM field_items i JOIN field_docs pl ON pl.number = i.document"
                 " AND pl.type = 'visit-plans' LEFT JOIN customers c ON c.code = i.customer"
                 " WHERE pl.state IN ('submitted', 'confirmed') AND i.date >= ? AND i.date <= ?");
    sb_add(&sql, month ? " AND pl.period_type = 'month'"
                       : " AND coalesce(pl.period_type, '') <> 'month'");
    store_report_arg(a, p->from);
    store_report_arg(a, p->to);
    field_where(&sql, a, p, "pl");
    store_filter_eq(&sql, a, "i.customer", p->customer); /* the visits planned to it */
    sb_add(&sql, " ORDER BY pl.owner, i.date, i.seq, pl.number");
    json_t *rows = store_report_rows(db, e, &sql, a);
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        json_t *d = data_of(r);
        json_t *it = json_array_get(json_object_get(d, "items"), (size_t)(jint(r, "seq") - 1));
        set_str(r, "prospect", it, "prospect");
        set_str(r, "purpose", it, "purpose");
        set_str(r, "manager_comment", d, "manager_comment");
        json_object_set_new(r, "key_visit", json_integer(json_is_true(json_object_get(it, "key"))));
        json_object_set_new(r, "reported", json_integer(jint(r, "reported") > 0));
        json_decref(d);
    }
    return rows;
}

json_t *store_report_weekly_plan(struct db *db, struct osb_err *e, const struct report_params *p)
{
    return plan_items(db, e, p, false);
}

static json_t *row_of(json_t *map, const char *who)
{
    json_t *r = json_object_get(map, who);
    if (!r) {
        r = json_pack("{ss}", "salesperson", who);
        json_object_set_new(map, who, r);
    }
    return r;
}

static void bump(json_t *map, const char *who, const char *key, int64_t n)
{
    if (!who || !*who)
        return;
    json_t *r = row_of(map, who);
    json_object_set_new(r, key, json_integer(jint(r, key) + n));
}

/* The month YYYY-MM of a date YYYY-MM-DD. */
static void month_of(const char *date, char out[8])
{
    memcpy(out, date, 7);
    out[7] = 0;
}

/* The plans (JH, not drafts) in scope — of the month plans of `month` when given, of level
   kam (and customer when customers) — as rows {number, owner, level, period_type, period,
   state, customer, market, region, target_sales_fen, target_collection_fen, data (object)}. */
static json_t *plans(struct db *db, struct osb_err *e, const struct report_params *p,
                     const char *month, bool customers)
{
    struct sb sql = SB_INIT;
    json_t *a = json_array();
    sb_add(&sql, "SELECT pl.number AS number, pl.owner AS owner, pl.state AS state,"
                 " pl.level AS level, pl.period_type AS period_type, pl.period AS period,"
                 " pl.target_sales_fen AS target_sales_fen,"
                 " pl.target_collection_fen AS target_collection_fen,"
                 " pl.customer AS customer, pl.market AS market, pl.region AS region,"
                 " pl.data AS data FROM field_docs pl WHERE pl.type = 'plans'"
                 " AND pl.state <> 'draft'");
    if (month) {
        sb_add(&sql, customers ? " AND pl.level IN ('kam', 'customer')" : " AND pl.level = 'kam'");
        sb_add(&sql, " AND pl.period_type = 'month' AND pl.period = ?");
        store_report_arg(a, month);
    }
    field_where(&sql, a, p, "pl");
    sb_add(&sql, " ORDER BY pl.id");
    json_t *rows = store_report_rows(db, e, &sql, a);
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) json_object_set_new(r, "data", data_of(r));
    return rows;
}

json_t *store_report_monthly_plan(struct db *db, struct osb_err *e, const struct report_params *p)
{
    char month[8];
    month_of(p->from, month);
    json_t *items = plan_items(db, e, p, true);
    json_t *pls = items ? plans(db, e, p, month, true) : NULL;
    if (!pls) {
        json_decref(items);
        return NULL;
    }
    json_t *map = json_object(), *custs = json_object();
    size_t i;
    json_t *r;
    json_array_foreach(pls, i, r)
    {
        json_t *d = json_object_get(r, "data");
        const char *who = jstr(r, "owner");
        bump(map, who, "target_sales_fen", jint(r, "target_sales_fen"));
        bump(map, who, "target_collection_fen", jint(r, "target_collection_fen"));
        bump(map, who, "target_active_customers", jint(d, "target_active_customers"));
        if (jstr(d, "note") && is(jstr(r, "level"), "kam"))
            json_object_set(row_of(map, who), "key_actions", json_object_get(d, "note"));
    }
    json_array_foreach(items, i, r)
    {
        const char *who = jstr(r, "salesperson");
        bump(map, who, "planned_visits", 1);
        bump(map, who, "key_visits", jint(r, "key_visit"));
        bump(map, who, "new_customer_visits", jstr(r, "customer") ? 0 : 1);
        if (jstr(r, "customer")) {
            char k[96];
            if (str_fmt(k, sizeof k, "%s|%s", who, jstr(r, "customer")) == 0 &&
                !json_object_get(custs, k)) {
                json_object_set_new(custs, k, json_true());
                bump(map, who, "planned_customers", 1);
            }
        }
    }
    json_decref(items);
    json_decref(pls);
    json_decref(custs);
    json_t *out = json_array();
    const char *k;
    json_t *v;
    json_object_foreach(map, k, v) json_array_append(out, v);
    json_decref(map);
    return out;
}

/* ---- salesperson weekly / monthly --------------------------------------------------------- */

/* Adds count rows {who, n} of sql to key. */
static int add_counts(struct db *db, struct osb_err *e, json_t *map, const char *key,
                      struct sb *sql, json_t *a)
{
    json_t *rows = store_report_rows(db, e, sql, a);
    if (!rows)
        return -1;
    size_t i;
    json_t *r;
    /* only the rows there are, the KAMs and reps in scope: a call by customer service or a CSR
       is no salesperson's */
    json_array_foreach(rows, i, r) if (json_object_get(map, jstr(r, "who") ? jstr(r, "who") : ""))
        bump(map, jstr(r, "who"), key, jint(r, "n"));
    json_decref(rows);
    return 0;
}

static int by_net(const void *x, const void *y)
{
    json_t *a = *(json_t *const *)x, *b = *(json_t *const *)y;
    int64_t na = jint(a, "net_sales_fen"), nb = jint(b, "net_sales_fen");
    if (na != nb)
        return na > nb ? -1 : 1;
    int64_t va = jint(a, "visits_done"), vb = jint(b, "visits_done");
    if (va != vb)
        return va > vb ? -1 : 1;
    return strcmp(jstr(a, "salesperson"), jstr(b, "salesperson"));
}

/* The counts of salesperson_weekly / _monthly: each query selects `who` (its GROUP BY column)
   and n over rows of the range — dates [from, to] when `dates`, else timestamps [from_ts,
   to_ts) — under the scope of its alias (c: a customer row; else a field_docs row). */
static const struct {
    const char *key, *sql, *who, *alias;
    bool dates;
} counts[] = {
    /* visits planned: plan items dated in the range */
    {"visits_planned",
     "SELECT pl.owner AS who, count(*) AS n FROM field_items i JOIN field_docs pl"
     " ON pl.number = i.document AND pl.type = 'visit-plans'"
     " WHERE pl.state IN ('submitted', 'confirmed') AND i.date >= ? AND i.date <= ?",
     "pl.owner", "pl", true},
    /* visits done, by the visit date (a report is filed a few days after at most) */
    {"visits_done",
     "SELECT d.owner AS who, count(*) AS n FROM field_docs d WHERE d.type = 'visits'"
     " AND d.visited_at >= ? AND d.visited_at <= ?",
     "d.owner", "d", true},
    {"new_customer_visits",
     "SELECT d.owner AS who, count(*) AS n FROM field_docs d WHERE d.type = 'visits'"
     " AND d.kind = 'new' AND d.visited_at >= ? AND d.visited_at <= ?",
     "d.owner", "d", true},
    /* late visit reports: the OSB entries visit_report opened in the range */
    {"late_visit_reports",
     "SELECT pl.owner AS who, count(*) AS n FROM osb_issues o JOIN field_docs pl"
     " ON o.document LIKE pl.number || '/%' WHERE o.rule = 'visit_report'"
     " AND o.opened_at >= ? AND o.opened_at < ?",
     "pl.owner", "pl", false},
    {"quotations_registered",
     "SELECT d.owner AS who, count(*) AS n FROM field_docs d WHERE d.type = 'quotations'"
     " AND d.created_at >= ? AND d.created_at < ?",
     "d.owner", "d", false},
    {"quotations_issued",
     "SELECT d.owner AS who, count(DISTINCT d.number) AS n FROM field_events ev"
     " JOIN field_docs d ON d.number = ev.document WHERE d.type = 'quotations'"
     " AND ev.action = 'issue' AND ev.at >= ? AND ev.at < ?",
     "d.owner", "d", false},
    {"orders_created",
     "SELECT o.created_by AS who, count(*) AS n FROM orders o"
     " JOIN customers c ON c.code = o.customer WHERE o.created_at >= ? AND o.created_at < ?",
     "o.created_by", "c", false},
    {"calls",
     "SELECT l.by_user AS who, count(*) AS n FROM call_logs l"
     " JOIN customers c ON c.code = l.customer WHERE l.at >= ? AND l.at < ?",
     "l.by_user", "c", false},
};

json_t *store_report_salesperson(struct db *db, struct osb_err *e, const struct report_params *p)
{
    json_t *map = json_object();
    static const char *const keys[] = {"visits_planned",
                                       "visits_done",
                                       "new_customer_visits",
                                       "late_visit_reports",
                                       "quotations_registered",
                                       "quotations_issued",
                                       "orders_created",
                                       "net_sales_fen",
                                       "collections_fen",
                                       "overdue_fen",
                                       "calls",
                                       "target_sales_fen",
                                       NULL};
    /* the KAMs and reps in scope: every one has a row, zero or not */
    struct sb sql = SB_INIT;
    json_t *a = json_array();
    sb_add(&sql, "SELECT u.username AS who, 0 AS n FROM users u WHERE u.active = 1"
                 " AND u.role IN ('kam', 'rep')");
    if (p->u->role == ROLE_KAM || p->u->role == ROLE_REP) {
        sb_add(&sql, " AND (u.username = ? OR u.manager = ?)");
        store_report_arg(a, p->u->username);
        store_report_arg(a, p->u->username);
    } else {
        store_filter_eq(&sql, a, "u.market",
                        p->u->role == ROLE_MM || p->u->role == ROLE_UM ? p->u->market : NULL);
        store_filter_eq(&sql, a, "u.region", p->u->role == ROLE_UM ? p->u->region : NULL);
    }
    store_filter_eq(&sql, a, "u.market", p->market);
    store_filter_eq(&sql, a, "u.region", p->region);
    json_t *people = store_report_rows(db, e, &sql, a);
    if (!people) {
        json_decref(map);
        return NULL;
    }
    size_t i;
    json_t *r;
    json_array_foreach(people, i, r)
    {
        json_t *row = row_of(map, jstr(r, "who"));
        for (const char *const *k = keys; *k; k++)
            json_object_set_new(row, *k, json_integer(0));
    }
    json_decref(people);
    int rc = 0;
    for (size_t c = 0; rc == 0 && c < sizeof counts / sizeof counts[0]; c++) {
        sql = (struct sb)SB_INIT;
        a = json_array();
        sb_add(&sql, counts[c].sql);
        if (counts[c].dates) {
            store_report_arg(a, p->from);
            store_report_arg(a, p->to);
        } else {
            json_array_append_new(a, json_integer(p->from_ts));
            json_array_append_new(a, json_integer(p->to_ts));
        }
        if (strcmp(counts[c].alias, "c") == 0)
            store_report_where(&sql, a, p, "c");
        else
            field_where(&sql, a, p, counts[c].alias);
        sb_addf(&sql, " GROUP BY %s", counts[c].who);
        rc = add_counts(db, e, map, counts[c].key, &sql, a);
    }
    /* money: the KAM's customers (store_report_salespeople groups by the customer's KAM) */
    if (rc == 0) {
        json_t *money = store_report_salespeople(db, e, p);
        if (!money)
            rc = -1;
        json_array_foreach(money, i, r)
        {
            const char *who = jstr(r, "salesperson");
            if (!json_object_get(map, who ? who : ""))
                continue;
            bump(map, who, "net_sales_fen", jint(r, "net_sales_fen"));
            bump(map, who, "collections_fen", jint(r, "collections_fen"));
            bump(map, who, "overdue_fen", jint(r, "overdue_fen"));
        }
        json_decref(money);
    }
    /* the month's sales target: the salesperson's own month plan of level kam */
    char month[8];
    month_of(p->from, month);
    json_t *pls = rc == 0 ? plans(db, e, p, month, false) : NULL;
    if (rc == 0 && !pls)
        rc = -1;
    json_array_foreach(pls, i, r) if (json_object_get(map, jstr(r, "owner")))
        bump(map, jstr(r, "owner"), "target_sales_fen", jint(r, "target_sales_fen"));
    json_decref(pls);
    if (rc < 0) {
        json_decref(map);
        return NULL;
    }
    size_t n = json_object_size(map), k = 0;
    json_t **v = calloc(n ? n : 1, sizeof *v);
    const char *key;
    json_object_foreach(map, key, r) v[k++] = r;
    qsort(v, n, sizeof *v, by_net);
    json_t *out = json_array();
    for (k = 0; k < n; k++) {
        json_object_set_new(v[k], "rank", json_integer((json_int_t)k + 1));
        json_array_append(out, v[k]);
    }
    free(v);
    json_decref(map);
    return out;
}

/* ---- market weekly / monthly -------------------------------------------------------------- */

static const char *text_of(json_t *o, const char *key)
{
    const char *s = jstr(o, key);
    return s && *s ? s : NULL;
}

/* The months [lo, hi] of the report's range as YYYY-MM. */
static void range_months(const struct report_params *p, char lo[8], char hi[8])
{
    memcpy(lo, p->from, 7);
    lo[7] = 0;
    memcpy(hi, p->to, 7);
    hi[7] = 0;
}

/* {customer: {sold, available, closing, months}} from the inventory reports (KC, not returned)
   of the range's months of the customers in scope: sold and purchased + other in summed, the
   first month's opening and the last month's closing; the sku filter applies to lines. */
static json_t *stock_of(struct db *db, struct osb_err *e, const struct report_params *p)
{
    char lo[8], hi[8];
    range_months(p, lo, hi);
    json_t *reps = store_report_inv_reports(db, e, p, lo, hi, "", " AND r.state <> 'returned'");
    if (!reps)
        return NULL;
    json_t *by = json_object();
    size_t i;
    json_t *r;
    json_array_foreach(reps, i, r)
    {
        json_t *acc = json_object_get(by, jstr(r, "customer"));
        bool first = !acc;
        if (first) {
            acc = json_pack("{sI sI sI sI}", "sold", (json_int_t)0, "available", (json_int_t)0,
                            "closing", (json_int_t)0, "months", (json_int_t)0);
            json_object_set_new(by, jstr(r, "customer"), acc);
        }
        json_t *lines = json_loads(jstr(r, "lines") ? jstr(r, "lines") : "[]", 0, NULL);
        int64_t sold = 0, in = 0, opening = 0, closing = 0;
        size_t j;
        json_t *l;
        json_array_foreach(lines, j, l)
        {
            if (p->sku && !is(jstr(l, "sku"), p->sku))
                continue;
            sold += jint(l, "sold_qty");
            in += jint(l, "purchased_qty") + jint(l, "other_in_qty");
            opening += jint(l, "opening_qty");
            closing += jint(l, "closing_qty");
        }
        json_decref(lines);
        json_object_set_new(acc, "sold", json_integer(jint(acc, "sold") + sold));
        json_object_set_new(acc, "available",
                            json_integer(jint(acc, "available") + in + (first ? opening : 0)));
        json_object_set_new(acc, "closing", json_integer(closing)); /* by period: the last */
        json_object_set_new(acc, "months", json_integer(jint(acc, "months") + 1));
    }
    json_decref(reps);
    return by;
}

json_t *store_report_market_visits(struct db *db, struct osb_err *e, const struct report_params *p)
{
    json_t *stock = stock_of(db, e, p);
    if (!stock)
        return NULL;
    struct sb sql = SB_INIT;
    json_t *a = json_array();
    sb_add(&sql, "SELECT d.market AS market, d.region AS region, d.number AS visit,"
                 " d.customer AS customer, d.data AS data,"
                 " (SELECT count(*) FROM sightings s WHERE s.visit = d.number)"
                 " AS cross_region_sightings FROM field_docs d JOIN customers c"
                 " ON c.code = d.customer WHERE d.type = 'visits'"
                 " AND d.created_at >= ? AND d.created_at < ?");
    json_array_append_new(a, json_integer(p->from_ts));
    json_array_append_new(a, json_integer(p->to_ts));
    json_t *rows = store_report_run(db, e, &sql, a, p, "c",
                                    " ORDER BY d.market, d.region, d.created_at, d.number");
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        json_t *d = data_of(r), *f = json_object_get(d, "findings");
        static const char *const texts[] = {"competitor_products", "competitor_sales", "promotions",
                                            "channel_stock",       "issues",           NULL};
        for (const char *const *k = texts; *k; k++)
            json_object_set_new(r, *k, text_of(f, *k) ? json_string(text_of(f, *k)) : json_null());
        /* observed prices beside our list price: "SKU 12.00/15.00" */
        struct sb t = SB_INIT;
        int64_t inv = 0;
        size_t j;
        json_t *op;
        json_array_foreach(json_object_get(f, "observed_prices"), j, op)
        {
            int64_t list = 0, seen = jint(op, "price_fen");
            if (!jstr(op, "sku") || store_fdoc_list_price(db, e, jstr(op, "sku"), &list) < 0)
                continue;
            sb_addf(&t, "%s%s %lld.%02lld/%lld.%02lld", j ? "; " : "", jstr(op, "sku"),
                    (long long)(seen / 100), (long long)(seen % 100), (long long)(list / 100),
                    (long long)(list % 100));
            inv += visit_price_inverted(seen, list);
        }
        json_object_set_new(r, "observed_prices", t.len ? json_string(sb_str(&t)) : json_null());
        sb_free(&t);
        json_object_set_new(r, "price_inversions", json_integer(inv));
        json_object_set_new(r, "reports", json_integer(1));
        json_t *st = json_object_get(stock, jstr(r, "customer") ? jstr(r, "customer") : "");
        int64_t through = st ? invrep_sell_through_bp(jint(st, "sold"), jint(st, "available")) : -1,
                cover = st ? invrep_cover_bp(jint(st, "closing"), jint(st, "sold"),
                                             (int)jint(st, "months"))
                           : -1;
        json_object_set_new(r, "sell_out_qty", st ? json_integer(jint(st, "sold")) : json_null());
        json_object_set_new(r, "sell_through_bp",
                            through < 0 ? json_null() : json_integer(through));
        json_object_set_new(r, "closing_qty", st ? json_integer(jint(st, "closing")) : json_null());
        json_object_set_new(r, "stock_cover_bp", cover < 0 ? json_null() : json_integer(cover));
        json_decref(d);
    }
    json_decref(stock);
    return rows;
}

/* ---- target customers and key customers --------------------------------------------------- */

json_t *store_report_target_customers(struct db *db, struct osb_err *e,
                                      const struct report_params *p)
{
    struct sb sql = SB_INIT;
    json_t *a = json_array();
    sb_add(&sql, "SELECT c.code AS customer, c.name AS customer_name, c.status AS status,"
                 " c.nature AS nature, c.tier AS tier, c.kam AS kam, c.market AS market,"
                 " c.region AS region, c.phone AS phone, c.address AS address,"
                 " (SELECT count(*) FROM field_docs v WHERE v.type = 'visits'"
                 " AND v.customer = c.code AND v.created_at < ?) AS visits,"
                 " (SELECT max(v.created_at) FROM field_docs v WHERE v.type = 'visits'"
                 " AND v.customer = c.code AND v.created_at < ?) AS last_visit_at"
                 " FROM customers c WHERE 1 = 1");
    date_t asof;
    ts_t end = date_parse(p->as_of, &asof) ? date_start_ts(asof + 1, p->tz_min) : p->to_ts;
    json_array_append_new(a, json_integer(end));
    json_array_append_new(a, json_integer(end));
    json_t *rows = store_report_run(db, e, &sql, a, p, "c", " ORDER BY c.market, c.region, c.code");
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        json_t *t = json_object_get(r, "last_visit_at");
        if (json_is_integer(t)) {
            char day[11];
            date_format(ts_to_date(json_integer_value(t), p->tz_min), day);
            json_object_set_new(r, "last_visit", json_string(day));
        } else {
            json_object_set_new(r, "last_visit", json_null());
        }
    }
    return rows;
}

json_t *store_report_key_customers(struct db *db, struct osb_err *e, const struct report_params *p)
{
    struct sb sql = SB_INIT;
    json_t *a = json_array();
    /* collections: per key customer, its invoices (invoices_customer_date) and their
       allocations from the index allocations_invoice alone (it carries the settle date, kind,
       reversal and amount). "|| ''" keeps SQLite, without ANALYZE, off allocations_source
       (source_kind = 'payment'): that read every receipt's allocation of the history once per
       key customer, 20-25 s of CPU for one month at 20,000 orders. */
    sb_add(&sql, "SELECT c.code AS customer, c.name AS customer_name, c.kam AS kam,"
                 " (SELECT count(*) FROM field_docs v WHERE v.type = 'visits'"
                 " AND v.customer = c.code AND v.created_at >= ? AND v.created_at < ?) AS visits,"
                 " (SELECT count(*) FROM orders o WHERE o.customer = c.code"
                 " AND o.created_at >= ? AND o.created_at < ?) AS orders,"
                 " (SELECT coalesce(sum(al.amount_fen), 0) FROM invoices i JOIN allocations al"
                 " ON al.invoice = i.number WHERE i.customer = c.code"
                 " AND al.source_kind || '' = 'payment' AND al.reversed_by IS NULL"
                 " AND al.settle_date >= ? AND al.settle_date <= ?) AS collections_fen,"
                 " (SELECT count(*) FROM field_docs h WHERE h.type = 'after-sales'"
                 " AND h.customer = c.code AND h.state NOT IN ('closed', 'rejected'))"
                 " AS open_issues FROM customers c WHERE c.tier = 'key'");
    for (int k = 0; k < 2; k++) {
        json_array_append_new(a, json_integer(p->from_ts));
        json_array_append_new(a, json_integer(p->to_ts));
    }
    store_report_arg(a, p->from);
    store_report_arg(a, p->to);
    json_t *rows = store_report_run(db, e, &sql, a, p, "c", " ORDER BY c.kam, c.code");
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        /* the next step of the latest visit report in the range */
        json_t *v = db_rows(db, e,
                            "SELECT data FROM field_docs WHERE type = 'visits' AND customer = ?"
                            " AND created_at >= ? AND created_at < ? ORDER BY id DESC LIMIT 1",
                            "sii", jstr(r, "customer"), p->from_ts, p->to_ts);
        if (!v) {
            json_decref(rows);
            return NULL;
        }
        json_t *d = json_array_size(v) ? data_of(json_array_get(v, 0)) : json_object();
        set_str(r, "next_step", d, "next_steps");
        json_decref(d);
        json_decref(v);
    }
    return rows;
}

/* ---- forecast vs actual, plan vs actual --------------------------------------------------- */

static bool month_bounds(const char *month, int tz, ts_t *from, ts_t *to)
{
    int y, m;
    if (!month || !period_parse(month, &y, &m))
        return false;
    date_t first = date_from_ymd(y, m, 1);
    *from = date_start_ts(first, tz);
    *to = date_start_ts(first + date_days_in_month(y, m), tz);
    return true;
}

/* The key of a forecast line's actual in month m: of its customer, else of its market, else
   of every customer (store_fdoc_actual_qty's filters); -1 when it does not fit. */
static int actual_key(char *out, size_t n, const char *m, const char *cu, const char *mk,
                      const char *sku)
{
    if (cu)
        return str_fmt(out, n, "%s|C|%s|%s", m, cu, sku);
    if (mk)
        return str_fmt(out, n, "%s|M|%s|%s", m, mk, sku);
    return str_fmt(out, n, "%s|A|%s", m, sku);
}

/* Adds the quantities shipped in month m (its bounds: from, to) to the keys of `need` that
   ask for them (actual_key), from one pass over the month's shipments (shipments_dispatched)
   and their lines: store_fdoc_actual_qty's sums, each key's. One query per forecast line
   read every order of the customer — or of the market, for a market's forecast — per line:
   a month of a key customer's and a market's forecasts took seconds at 20,000 orders. */
static int actual_month(struct db *db, struct osb_err *e, const char *m, ts_t from, ts_t to,
                        struct kmap *need)
{
    json_t *a = json_pack("[I I]", (json_int_t)from, (json_int_t)to);
    struct dbq *q = db_query_a(db, e,
                               "SELECT o.customer, cu.market, l.sku, coalesce(l.qty_shipped, 0)"
                               " FROM shipments s CROSS JOIN orders o CROSS JOIN customers cu"
                               " CROSS JOIN shipment_lines l WHERE s.dispatched_at >= ?"
                               " AND s.dispatched_at < ? AND o.number = s.order_no"
                               " AND cu.code = o.customer AND l.shipment = s.number",
                               a);
    json_decref(a);
    if (!q)
        return -1;
    int rc;
    while ((rc = dbq_next(q, e)) == 1) {
        const char *cu = dbq_text(q, 0), *mk = dbq_text(q, 1), *sku = dbq_text(q, 2);
        int64_t qty = dbq_int(q, 3);
        char k[256];
        struct ksum *f;
        if (!sku)
            continue;
        if (cu && actual_key(k, sizeof k, m, cu, NULL, sku) == 0 && (f = store_kmap_find(need, k)))
            f->sum += qty;
        if (mk && actual_key(k, sizeof k, m, NULL, mk, sku) == 0 && (f = store_kmap_find(need, k)))
            f->sum += qty;
        if (actual_key(k, sizeof k, m, NULL, NULL, sku) == 0 && (f = store_kmap_find(need, k)))
            f->sum += qty;
    }
    dbq_end(q);
    return rc < 0 ? -1 : 0;
}

json_t *store_report_forecast_actual(struct db *db, struct osb_err *e,
                                     const struct report_params *p)
{
    struct sb sql = SB_INIT;
    json_t *a = json_array();
    sb_add(&sql, "SELECT d.number AS forecast, d.customer AS customer, d.market AS market,"
                 " d.region AS region, d.level AS level, d.data AS data FROM field_docs d"
                 " WHERE d.type = 'forecasts' AND d.state <> 'draft'");
    field_where(&sql, a, p, "d");
    store_filter_eq(&sql, a, "d.customer", p->customer);
    sb_add(&sql, " ORDER BY d.id");
    char from[8], to[8];
    month_of(p->from, from);
    month_of(p->to, to);
    /* The range's months as text (up to 25; a longer range reads every forecast): a forecast
       with a line of one of them holds its text in its data (jansson writes a string's ASCII
       as it is), so the others are not parsed — every forecast's data was, 18.7 MB at
       1,000,000 orders, most of a month's CPU. */
    char ms[25][8];
    int nm = 0, py, pm;
    if (period_parse(from, &py, &pm))
        for (char cur[8] = ""; nm <= 25;) {
            period_format(py, pm, cur);
            if (strcmp(cur, to) > 0)
                break;
            if (nm < 25)
                memcpy(ms[nm], cur, 8);
            nm++;
            if (++pm > 12)
                pm = 1, py++;
        }
    struct dbq *q = db_query_a(db, e, sb_str(&sql), a);
    sb_free(&sql);
    json_decref(a);
    if (!q)
        return NULL;
    json_t *docs = json_array(), *datas = json_array();
    int rc;
    while ((rc = dbq_next(q, e)) == 1) {
        const char *text = dbq_text(q, 5);
        bool maybe = nm > 25 || !text;
        for (int k = 0; !maybe && k < nm; k++)
            maybe = strstr(text, ms[k]) != NULL;
        if (maybe)
            json_array_append_new(docs, dbq_object(q));
    }
    dbq_end(q);
    if (rc < 0) {
        json_decref(docs);
        json_decref(datas);
        return NULL;
    }
    rc = 0;
    json_t *out = json_array();
    size_t i;
    json_t *r;
    /* the actuals the lines of the range ask for, by month: one pass over each month's
       shipments (actual_month) */
    struct kmap need = {0}, months = {0};
    json_array_foreach(docs, i, r)
    {
        json_t *d = data_of(r);
        json_array_append_new(datas, d);
        size_t j;
        json_t *l;
        json_array_foreach(json_object_get(d, "lines"), j, l)
        {
            const char *m = jstr(l, "month"), *sku = jstr(l, "sku");
            char k[256];
            ts_t mf, mt;
            if (!m || !sku || strcmp(m, from) < 0 || strcmp(m, to) > 0 ||
                !month_bounds(m, p->tz_min, &mf, &mt) ||
                actual_key(k, sizeof k, m, jstr(r, "customer"), jstr(r, "market"), sku) < 0)
                continue;
            store_kmap_get(&need, k);
            store_kmap_get(&months, m);
        }
    }
    for (size_t k = 0; rc == 0 && k < months.n; k++) {
        ts_t mf, mt;
        if (month_bounds(months.v[k].key, p->tz_min, &mf, &mt))
            rc = actual_month(db, e, months.v[k].key, mf, mt, &need);
    }
    json_array_foreach(docs, i, r)
    {
        json_t *d = json_array_get(datas, i);
        size_t j;
        json_t *l;
        json_array_foreach(json_object_get(d, "lines"), j, l)
        {
            const char *m = jstr(l, "month");
            ts_t mf, mt;
            if (rc < 0 || !m || strcmp(m, from) < 0 || strcmp(m, to) > 0 ||
                !month_bounds(m, p->tz_min, &mf, &mt))
                continue;
            json_t *as = json_object_get(l, "assessment");
            json_t *adj = json_object_get(as, "adjusted_qty");
            int64_t fq = json_is_integer(adj) ? json_integer_value(adj) : jint(l, "qty");
            int64_t act = 0;
            const char *cu = jstr(r, "customer");
            char k[256];
            const struct ksum *f =
                jstr(l, "sku") &&
                        actual_key(k, sizeof k, m, cu, jstr(r, "market"), jstr(l, "sku")) == 0
                    ? store_kmap_find(&need, k)
                    : NULL;
            if (f) {
                act = f->sum;
            } else if (store_fdoc_actual_qty(db, e, cu, cu ? NULL : jstr(r, "market"),
                                             jstr(l, "sku"), mf, mt, &act) < 0) {
                rc = -1;
                continue;
            }
            json_t *sc = json_object_get(l, "spot_check");
            json_array_append_new(
                out, json_pack("{ss sO sO sO ss sO so sI sI sI sI sI so}", "month", m, "market",
                               json_object_get(r, "market"), "region", json_object_get(r, "region"),
                               "customer", json_object_get(r, "customer"), "sku", jstr(l, "sku"),
                               "forecast", json_object_get(r, "forecast"), "level",
                               jstr(r, "level") ? json_string(jstr(r, "level")) : json_null(),
                               "forecast_qty", (json_int_t)fq, "forecast_amount_fen",
                               (json_int_t)jint(l, "amount_fen"), "actual_qty", (json_int_t)act,
                               "difference_qty", (json_int_t)(act - fq), "accuracy_bp",
                               (json_int_t)forecast_accuracy_bp(fq, act), "spot_check",
                               jstr(sc, "result") ? json_string(jstr(sc, "result")) : json_null()));
        }
    }
    store_kmap_free(&need);
    store_kmap_free(&months);
    json_decref(datas);
    json_decref(docs);
    if (rc < 0) {
        json_decref(out);
        return NULL;
    }
    return out;
}

/* A plan's period as dates (rules/field.h; a create refuses any other period). */
static bool period_dates(const char *type, const char *period, char from[11], char to[11])
{
    date_t f, t;
    if (!field_period_span(type, period, &f, &t))
        return false;
    date_format(f, from);
    date_format(t, to);
    return true;
}

/* Net sales (invoices less credit notes) of [from, to] per customer, summed by the columns a
   plan's level filters on: keys "m|market", "r|region", "k|kam", "c|code" and "*" (every
   customer). One pass per period over its documents, grouped by customer: a query per plan
   read every invoice of its period each (a month of 1,082 plans at 1,000,000 orders: 1.9 s). */
struct period_sales {
    char from[11], to[11];
    struct kmap sums;
};

struct plan_sales {
    json_t *custs;  /* [{code, market, region, kam}] */
    struct kmap at; /* code → place in custs + 1 (sum) */
    struct period_sales *v;
    size_t n;
};

static void add_key(struct kmap *m, const char *tag, const char *val, int64_t fen)
{
    char k[160];
    if (val && str_fmt(k, sizeof k, "%s|%s", tag, val) == 0)
        store_kmap_get(m, k)->sum += fen;
}

static int net_sales(struct db *db, struct osb_err *e, struct plan_sales *ps, const char *from,
                     const char *to, const char *col, const char *val, int64_t *out)
{
    *out = 0;
    struct period_sales *s = NULL;
    for (size_t i = 0; i < ps->n && !s; i++)
        if (strcmp(ps->v[i].from, from) == 0 && strcmp(ps->v[i].to, to) == 0)
            s = &ps->v[i];
    if (!s) {
        if (!ps->custs) {
            ps->custs = db_rows(db, e, "SELECT code, market, region, kam FROM customers", NULL);
            if (!ps->custs)
                return -1;
            size_t i;
            json_t *c;
            json_array_foreach(ps->custs, i, c) if (jstr(c, "code"))
                store_kmap_get(&ps->at, jstr(c, "code"))
                    ->sum = (int64_t)i + 1;
        }
        struct period_sales *g = xcalloc(ps->n + 1, sizeof *g);
        if (ps->n)
            memcpy(g, ps->v, ps->n * sizeof *g);
        free(ps->v);
        ps->v = g;
        s = &ps->v[ps->n++];
        if (str_fmt(s->from, sizeof s->from, "%s", from) < 0 ||
            str_fmt(s->to, sizeof s->to, "%s", to) < 0)
            return err_set(e, ERR_INTERNAL, "internal error: plan period");
        json_t *a = json_pack("[s s s s]", from, to, from, to);
        struct dbq *q =
            db_query_a(db, e,
                       "SELECT x.customer, sum(x.amt) FROM (SELECT i.customer AS customer,"
                       " i.amount_fen AS amt FROM invoices i WHERE i.invoice_date >= ?"
                       " AND i.invoice_date <= ? AND i.state <> 'cancelled' UNION ALL"
                       " SELECT n.customer, -n.amount_fen FROM credit_notes n WHERE n.date >= ?"
                       " AND n.date <= ?) x GROUP BY x.customer",
                       a);
        json_decref(a);
        if (!q)
            return -1;
        int rc;
        while ((rc = dbq_next(q, e)) == 1) {
            const struct ksum *at =
                dbq_text(q, 0) ? store_kmap_find(&ps->at, dbq_text(q, 0)) : NULL;
            if (!at)
                continue; /* no such customer: the JOIN drops it */
            json_t *c = json_array_get(ps->custs, (size_t)(at->sum - 1));
            int64_t fen = dbq_int(q, 1);
            add_key(&s->sums, "m", jstr(c, "market"), fen);
            add_key(&s->sums, "r", jstr(c, "region"), fen);
            add_key(&s->sums, "k", jstr(c, "kam"), fen);
            add_key(&s->sums, "c", jstr(c, "code"), fen);
            store_kmap_get(&s->sums, "*")->sum += fen;
        }
        dbq_end(q);
        if (rc < 0)
            return -1;
    }
    char k[160];
    const char *tag = !col                           ? NULL
                      : strcmp(col, "c.market") == 0 ? "m"
                      : strcmp(col, "c.region") == 0 ? "r"
                      : strcmp(col, "c.kam") == 0    ? "k"
                                                     : "c";
    const struct ksum *f = NULL;
    if (!tag)
        f = store_kmap_find(&s->sums, "*");
    else if (str_fmt(k, sizeof k, "%s|%s", tag, val ? val : "") == 0)
        f = store_kmap_find(&s->sums, k);
    *out = f ? f->sum : 0;
    return 0;
}

static void plan_sales_free(struct plan_sales *ps)
{
    for (size_t i = 0; i < ps->n; i++)
        store_kmap_free(&ps->v[i].sums);
    free(ps->v);
    store_kmap_free(&ps->at);
    json_decref(ps->custs);
}

json_t *store_report_plan_actual(struct db *db, struct osb_err *e, const struct report_params *p)
{
    json_t *pls = plans(db, e, p, NULL, false);
    if (!pls)
        return NULL;
    json_t *out = json_array();
    struct plan_sales ps = {0};
    size_t i;
    json_t *r;
    json_array_foreach(pls, i, r)
    {
        char pf[11], pt[11];
        const char *level = jstr(r, "level"), *period = jstr(r, "period");
        if (!period_dates(jstr(r, "period_type"), period, pf, pt) || strcmp(pt, p->from) < 0 ||
            strcmp(pf, p->to) > 0)
            continue;
        const char *col = NULL, *val = NULL;
        if (is(level, "market"))
            col = "c.market", val = jstr(r, "market");
        else if (is(level, "region"))
            col = "c.region", val = jstr(r, "region");
        else if (is(level, "kam"))
            col = "c.kam", val = jstr(r, "owner");
        else if (is(level, "customer"))
            col = "c.code", val = jstr(r, "customer");
        int64_t act = 0;
        if (net_sales(db, e, &ps, pf, pt, col, val, &act) < 0) {
            plan_sales_free(&ps);
            json_decref(pls);
            json_decref(out);
            return NULL;
        }
        json_array_append_new(
            out, json_pack("{ss* sO sO ss sO sI sI}", "level", level, "owner",
                           json_object_get(r, "owner"), "plan", json_object_get(r, "number"),
                           "period", period, "state", json_object_get(r, "state"), "target_fen",
                           (json_int_t)jint(r, "target_sales_fen"), "actual_fen", (json_int_t)act));
    }
    plan_sales_free(&ps);
    json_decref(pls);
    return out;
}
