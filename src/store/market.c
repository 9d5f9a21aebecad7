/*
 * market.c (store) — market support's SQL (store/market.h).
 */
#include "store/market.h"

#include "core/json.h"
#include "core/sb.h"
#include "core/str.h"
#include "store/doc.h"
#include "store/order.h"

#include <stdlib.h>
#include <string.h>

int store_mkt_row(struct db *db, struct osb_err *e, const char *table, const char *number,
                  json_t **row)
{
    struct sb sql = SB_INIT;
    sb_addf(&sql, "SELECT * FROM %s WHERE number = ?", table);
    int rc = db_row(db, e, row, sql.buf, "s", number);
    sb_free(&sql);
    return rc;
}

int store_pop_drawn(struct db *db, struct osb_err *e, const char *request, const char *sku,
                    const char *except_order, int64_t *drawn)
{
    *drawn = 0;
    if (store_doc_lock(db, e, "pop_request", request) < 0)
        return -1;
    json_t *row = NULL;
    int rc = db_row(db, e, &row,
                    "SELECT coalesce(sum(l.qty - l.qty_cut - (SELECT coalesce(sum("
                    "  b.qty_cancelled), 0) FROM backorders b WHERE b.order_no = l.order_no"
                    "  AND b.line_no = l.line_no)), 0) AS drawn"
                    " FROM order_lines l JOIN orders o ON o.number = l.order_no"
                    " WHERE l.pop_request = ? AND l.sku = ? AND o.number <> ?"
                    " AND o.state IN " ORDER_HOLDING_STATES,
                    "sss", request, sku, except_order ? except_order : "");
    if (rc < 0)
        return -1;
    *drawn = row ? json_integer_value(json_object_get(row, "drawn")) : 0;
    json_decref(row);
    return 0;
}

/* The SKUs of a document's JSON lines, one row each in mkt_line_skus, so that lists filter on
   them in SQL every database has. */
static int line_skus(struct db *db, struct osb_err *e, const char *number, json_t *lines_text)
{
    if (!json_is_string(lines_text))
        return 0;
    if (db_exec(db, e, "DELETE FROM mkt_line_skus WHERE doc = ?", "s", number) < 0)
        return -1;
    json_t *lines = json_loads(json_string_value(lines_text), 0, NULL), *l;
    size_t i;
    int rc = 0;
    json_array_foreach(lines, i, l)
    {
        const char *sku = jstr(l, "sku");
        if (!sku)
            continue;
        int64_t n = 0;
        if ((rc = db_int(db, e, &n, "SELECT count(*) FROM mkt_line_skus WHERE doc = ? AND sku = ?",
                         "ss", number, sku)) < 0)
            break;
        if (n == 0 && (rc = db_exec(db, e, "INSERT INTO mkt_line_skus(doc, sku) VALUES(?, ?)", "ss",
                                    number, sku)) < 0)
            break;
        rc = 0;
    }
    json_decref(lines);
    return rc < 0 ? -1 : 0;
}

int store_mkt_insert(struct db *db, struct osb_err *e, const char *table, json_t *row)
{
    struct sb sql = SB_INIT, vals = SB_INIT;
    json_t *p = json_array();
    const char *k;
    json_t *v;
    sb_addf(&sql, "INSERT INTO %s(", table);
    int n = 0;
    json_object_foreach(row, k, v)
    {
        sb_addf(&sql, "%s%s", n ? ", " : "", k);
        sb_add(&vals, n ? ", ?" : "?");
        json_array_append(p, v);
        n++;
    }
    sb_addf(&sql, ") VALUES(%s)", vals.buf);
    int rc = db_exec_a(db, e, sql.buf, p);
    if (rc >= 0)
        rc = line_skus(db, e, jstr(row, "number"), json_object_get(row, "lines"));
    sb_free(&sql);
    sb_free(&vals);
    json_decref(p);
    return rc < 0 ? -1 : 0;
}

int store_mkt_update(struct db *db, struct osb_err *e, const char *table, const char *number,
                     json_t *set, const char *state, int64_t now)
{
    struct sb sql = SB_INIT;
    json_t *p = json_array();
    sb_addf(&sql, "UPDATE %s SET state = ?, version = version + 1, updated_at = ?", table);
    json_array_append_new(p, json_string(state));
    json_array_append_new(p, json_integer(now));
    const char *k;
    json_t *v;
    json_object_foreach(set, k, v)
    {
        sb_addf(&sql, ", %s = ?", k);
        json_array_append(p, v);
    }
    sb_add(&sql, " WHERE number = ?");
    json_array_append_new(p, json_string(number));
    int rc = db_exec_a(db, e, sql.buf, p);
    if (rc >= 0)
        rc = line_skus(db, e, number, json_object_get(set, "lines"));
    sb_free(&sql);
    json_decref(p);
    return rc < 0 ? -1 : 0;
}

static void copy40(char dst[40], const char *s)
{
    if (str_copy(dst, 40, s ? s : "") < 0)
        dst[0] = '\0';
}

int store_mkt_market(struct db *db, struct osb_err *e, const char *market, char sup[40],
                     char mm[40])
{
    json_t *r;
    int rc =
        db_row(db, e, &r, "SELECT slt_supervisor, mm FROM markets WHERE code = ?", "s", market);
    sup[0] = mm[0] = '\0';
    if (rc <= 0)
        return rc;
    copy40(sup, jstr(r, "slt_supervisor"));
    copy40(mm, jstr(r, "mm"));
    json_decref(r);
    return 1;
}

int store_mkt_region_in(struct db *db, struct osb_err *e, const char *region, const char *market)
{
    int64_t n = 0;
    if (db_int(db, e, &n, "SELECT count(*) FROM regions WHERE code = ? AND market = ?", "ss",
               region, market) < 0)
        return -1;
    return n > 0;
}

int store_mkt_region_market(struct db *db, struct osb_err *e, const char *region, char market[40])
{
    char *m = NULL;
    market[0] = '\0';
    if (db_text(db, e, &m, "SELECT market FROM regions WHERE code = ?", "s", region) < 0)
        return -1;
    if (!m)
        return 0;
    copy40(market, m);
    free(m);
    return 1;
}

json_t *store_sample_overdue(struct db *db, struct osb_err *e, int64_t now)
{
    return db_rows(db, e,
                   "SELECT y.number, y.customer, cu.market, y.follow_up_due FROM samples y"
                   " JOIN customers cu ON cu.code = y.customer"
                   " WHERE y.state = 'issued' AND y.follow_up_due <= ? ORDER BY y.number",
                   "i", now);
}

int store_mkt_product(struct db *db, struct osb_err *e, const char *sku, char kind[16],
                      bool *active, int64_t *value_fen)
{
    json_t *r;
    int rc = db_row(db, e, &r,
                    "SELECT kind, active, coalesce(cost_fen, price_fen) AS v FROM products"
                    " WHERE sku = ?",
                    "s", sku);
    if (rc <= 0)
        return rc;
    if (str_copy(kind, 16, jstr(r, "kind")) < 0)
        kind[0] = '\0';
    *active = jint(r, "active") != 0;
    *value_fen = jint(r, "v");
    json_decref(r);
    return 1;
}

/* ---- budgets ---- */

int store_budget_insert(struct db *db, struct osb_err *e, json_t *row)
{
    int64_t n = 0;
    if (db_int(db, e, &n,
               "SELECT count(*) FROM expense_budgets WHERE market = ? AND coalesce(region, '') ="
               " coalesce(?, '') AND category = ? AND period = ?",
               "ssss", jstr(row, "market"), jstr(row, "region"), jstr(row, "category"),
               jstr(row, "period")) < 0)
        return -1;
    if (n > 0)
        return 0;
    return store_mkt_insert(db, e, "expense_budgets", row) < 0 ? -1 : 1;
}

#define BUDGET_COLS                                                                                \
    "code, market, region, category, period, amount_fen, committed_fen, actual_fen,"               \
    " amount_fen - committed_fen - actual_fen AS available_fen, version, created_at, created_by,"  \
    " updated_at"

int store_budget_get(struct db *db, struct osb_err *e, const char *code, json_t **row)
{
    /* In a write its available amount decides an approval that commits part of it: the budget
       is locked first, so two approvals against one budget go one after the other. */
    *row = NULL;
    if (db_lock_key(db, e, "budget", code) < 0)
        return -1;
    return db_row(db, e, row, "SELECT " BUDGET_COLS " FROM expense_budgets WHERE code = ?", "s",
                  code);
}

int store_budget_match(struct db *db, struct osb_err *e, const char *market, const char *region,
                       const char *category, const char *month, char code[40])
{
    code[0] = '\0';
    char quarter[8], year[8];
    int y = 0, m = 0;
    if (strlen(month) >= 7) {
        y = (month[0] - '0') * 1000 + (month[1] - '0') * 100 + (month[2] - '0') * 10 +
            (month[3] - '0');
        m = (month[5] - '0') * 10 + (month[6] - '0');
    }
    if (str_fmt(quarter, sizeof quarter, "%04dQ%d", y % 10000,
                m >= 1 && m <= 12 ? (m + 2) / 3 : 0) < 0 ||
        str_fmt(year, sizeof year, "%04d", y % 10000) < 0)
        return err_set(e, ERR_INTERNAL, "internal error: budget period");
    char *got = NULL;
    int rc = db_text(db, e, &got,
                     "SELECT code FROM expense_budgets WHERE market = ? AND category = ?"
                     " AND (region IS NULL OR region = ?) AND period IN (?, ?, ?)"
                     " ORDER BY region IS NULL, length(period) DESC LIMIT 1",
                     "ssssss", market, category, region ? region : "", month, quarter, year);
    if (rc < 0)
        return -1;
    if (got) {
        copy40(code, got);
        free(got);
    }
    return 0;
}

int store_budget_add(struct db *db, struct osb_err *e, const char *code, int64_t dc, int64_t da)
{
    if (!code || !*code || (dc == 0 && da == 0))
        return 0;
    return db_exec(db, e,
                   "UPDATE expense_budgets SET committed_fen = committed_fen + ?,"
                   " actual_fen = actual_fen + ? WHERE code = ?",
                   "iis", dc, da, code) < 0
               ? -1
               : 0;
}

int store_budget_list(struct db *db, struct osb_err *e, const struct budget_filter *f, json_t **out)
{
    struct sb sql = SB_INIT;
    json_t *p = json_array();
    sb_add(&sql, "SELECT " BUDGET_COLS " FROM expense_budgets WHERE 1=1");
    store_filter_eq(&sql, p, "market", f->market);
    store_filter_eq(&sql, p, "region", f->region);
    store_filter_eq(&sql, p, "category", f->category);
    store_filter_eq(&sql, p, "period", f->period);
    store_filter_eq(&sql, p, "market", f->only_market);
    if (f->only_region) {
        sb_add(&sql, " AND (region IS NULL OR region = ?)");
        json_array_append_new(p, json_string(f->only_region));
    }
    static const char *const cols[] = {"code", "market", "region", "category", "period", NULL};
    store_filter_like(&sql, p, f->q, cols);
    if (f->cursor) {
        sb_add(&sql, " AND code > ?");
        json_array_append_new(p, json_string(f->cursor));
    }
    sb_addf(&sql, " ORDER BY code LIMIT %d", f->limit + 1);
    json_t *rows = db_rows_a(db, e, sql.buf, p);
    sb_free(&sql);
    json_decref(p);
    if (!rows)
        return -1;
    json_t *next = json_null();
    if ((int)json_array_size(rows) > f->limit) {
        json_array_remove(rows, (size_t)f->limit);
        next = json_string(jstr(json_array_get(rows, (size_t)f->limit - 1), "code"));
    }
    *out = json_pack("{so so}", "items", rows, "next_cursor", next);
    return 0;
}

json_t *store_budget_mismatches(struct db *db, struct osb_err *e)
{
    return db_rows(
        db, e,
        "SELECT * FROM (SELECT b.code, b.committed_fen, b.actual_fen,"
        " coalesce((SELECT sum(CASE WHEN x.state IN ('approved', 'executed')"
        "   OR (x.state = 'submitted' AND x.approved_fen > 0) THEN x.approved_fen ELSE 0 END)"
        "   FROM expense_applications x WHERE x.budget = b.code), 0)"
        " + coalesce((SELECT sum(CASE WHEN w.state = 'approved' THEN w.value_fen ELSE 0 END)"
        "   FROM pop_requests w WHERE w.budget = b.code), 0) AS sum_committed_fen,"
        " coalesce((SELECT sum(CASE WHEN x.state IN ('settled', 'closed') THEN x.actual_fen"
        "   ELSE 0 END) FROM expense_applications x WHERE x.budget = b.code), 0)"
        " + coalesce((SELECT sum(CASE WHEN w.state IN ('shipped', 'received', 'verified')"
        "   THEN w.value_fen ELSE 0 END) FROM pop_requests w WHERE w.budget = b.code), 0)"
        "   AS sum_actual_fen"
        " FROM expense_budgets b) s"
        /* a select's aliases are not visible in its own WHERE on PostgreSQL */
        " WHERE s.committed_fen <> s.sum_committed_fen OR s.actual_fen <> s.sum_actual_fen"
        " ORDER BY s.code",
        NULL);
}

/* ---- document lists ---- */

int store_mkt_list(struct db *db, struct osb_err *e, const struct scope_user *u,
                   const struct mkt_filter *f, json_t **numbers, char **next)
{
    json_t *p = json_array();
    struct sb sql = SB_INIT;
    bool fy = strcmp(f->table, "expense_applications") == 0;
    if (fy || strcmp(f->table, "support_requests") == 0) {
        /* A document without a customer: its market's people, its region's UM, the one who
           applied; with one: whoever sees the customer. */
        sb_addf(&sql,
                "SELECT x.number FROM %s x LEFT JOIN customers cu"
                " ON cu.code = x.customer WHERE ((x.customer IS NOT NULL",
                f->table);
        store_scope_sql(u, &sql, p, "cu");
        sb_addf(&sql, ") OR (x.customer IS NULL AND (x.%s = ?", fy ? "applicant" : "requested_by");
        json_array_append_new(p, json_string(u->username));
        switch (u->role) {
        case ROLE_DEPUTY_DIRECTOR:
            sb_add(&sql, " OR x.market IN (SELECT code FROM markets WHERE slt_supervisor = ?)");
            json_array_append_new(p, json_string(u->username));
            break;
        case ROLE_MM:
            sb_add(&sql, " OR x.market = ?");
            json_array_append_new(p, json_string(u->market));
            break;
        case ROLE_UM:
            sb_add(&sql, " OR x.region = ?");
            json_array_append_new(p, json_string(u->region));
            break;
        case ROLE_KAM:
        case ROLE_REP:
        case ROLE_CUSTOMER:
        case ROLE_NONE:
        case ROLE__COUNT:
            break;
        default:
            sb_add(&sql, " OR 1 = 1");
        }
        sb_add(&sql, ")))");
    } else {
        sb_addf(&sql,
                "SELECT x.number FROM %s x JOIN customers cu ON cu.code = x.customer WHERE 1=1",
                f->table);
        store_scope_sql(u, &sql, p, "cu");
    }
    store_filter_in(&sql, p, "x.state", f->state);
    store_filter_eq(&sql, p, "x.customer", f->customer);
    store_filter_eq(&sql, p, "x.period", f->period);
    if (f->extra_col)
        store_filter_eq(&sql, p, f->extra_col, f->extra_val);
    if (f->sku_in_lines)
        store_filter_q(&sql, p, f->q, "x.number", "cu", "jl.sku",
                       "mkt_line_skus jl WHERE jl.doc = x.number");
    else
        store_filter_q(&sql, p, f->q, "x.number", "cu", f->sku_col ? "x.sku" : NULL, NULL);
    return store_doc_page(db, e, &sql, p, "x.number", f->cursor, f->limit, numbers, next);
}

/* ---- POP ---- */

int store_pop_allocate(struct db *db, struct osb_err *e, const char *period, const char *market,
                       const char *region, const char *sku, int64_t qty, const char *by,
                       int64_t now)
{
    if (db_exec(db, e,
                "DELETE FROM pop_allocations WHERE period = ? AND coalesce(market, '') ="
                " coalesce(?, '') AND coalesce(region, '') = coalesce(?, '') AND sku = ?",
                "ssss", period, market, region, sku) < 0)
        return -1;
    return db_exec(db, e,
                   "INSERT INTO pop_allocations(period, market, region, sku, qty, created_at,"
                   " created_by, updated_at) VALUES(?,?,?,?,?,?,?,?)",
                   "ssssiisi", period, market, region, sku, qty, now, by, now) < 0
               ? -1
               : 0;
}

/* Units of sku in requests approved or later of period, of the customers of region (or of
   market when region is NULL), except request `except`. */
static int pop_used(struct db *db, struct osb_err *e, const char *period, const char *market,
                    const char *region, const char *sku, const char *except, int64_t *used)
{
    *used = 0;
    json_t *rows = db_rows(db, e,
                           "SELECT lines FROM pop_requests WHERE period = ?"
                           " AND state IN ('approved', 'shipped', 'received', 'verified')"
                           " AND number <> coalesce(?, '')"
                           " AND (CASE WHEN ? IS NULL THEN market = ? ELSE region = ? END)",
                           "sssss", period, except, region, market, region);
    if (!rows)
        return -1;
    size_t i, j;
    json_t *r, *l;
    json_array_foreach(rows, i, r)
    {
        json_t *lines = json_loads(jstr(r, "lines") ? jstr(r, "lines") : "[]", 0, NULL);
        json_array_foreach(lines, j, l) if (is(jstr(l, "sku"), sku)) *used += jint(l, "qty");
        json_decref(lines);
    }
    json_decref(rows);
    return 0;
}

int store_pop_allocation(struct db *db, struct osb_err *e, const char *period, const char *market,
                         const char *region, const char *sku, json_t **row)
{
    int rc = db_row(db, e, row,
                    "SELECT period, market, region, sku, qty FROM pop_allocations WHERE period = ?"
                    " AND coalesce(market, '') = coalesce(?, '') AND coalesce(region, '') ="
                    " coalesce(?, '') AND sku = ?",
                    "ssss", period, market, region, sku);
    if (rc <= 0)
        return rc;
    int64_t used;
    char mk[40] = "";
    if (!market && region) {
        char *m = NULL;
        if (db_text(db, e, &m, "SELECT market FROM regions WHERE code = ?", "s", region) < 0) {
            json_decref(*row);
            return -1;
        }
        copy40(mk, m);
        free(m);
    }
    if (pop_used(db, e, period, market ? market : mk, region, sku, NULL, &used) < 0) {
        json_decref(*row);
        return -1;
    }
    json_object_set_new(*row, "used", json_integer(used));
    json_object_set_new(*row, "remaining", json_integer(jint(*row, "qty") - used));
    return 1;
}

json_t *store_pop_allocations(struct db *db, struct osb_err *e, const char *period)
{
    json_t *rows = db_rows(db, e,
                           "SELECT period, market, region, sku FROM pop_allocations"
                           " WHERE ? IS NULL OR period = ? ORDER BY period, market, region, sku",
                           "ss", period, period);
    if (!rows)
        return NULL;
    json_t *out = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        json_t *full;
        if (store_pop_allocation(db, e, jstr(r, "period"), jstr(r, "market"), jstr(r, "region"),
                                 jstr(r, "sku"), &full) < 0) {
            json_decref(rows);
            json_decref(out);
            return NULL;
        }
        json_array_append_new(out, full);
    }
    json_decref(rows);
    return out;
}

int store_pop_remaining(struct db *db, struct osb_err *e, const char *period, const char *market,
                        const char *region, const char *sku, const char *except, bool *has,
                        int64_t *remaining)
{
    *has = false;
    *remaining = 0;
    int64_t qty = 0, n = 0, used = 0;
    if (db_int(db, e, &n,
               "SELECT count(*) FROM pop_allocations WHERE period = ? AND region = ? AND sku = ?",
               "sss", period, region, sku) < 0)
        return -1;
    const char *reg = n > 0 ? region : NULL;
    if (n > 0) {
        if (db_int(db, e, &qty,
                   "SELECT qty FROM pop_allocations WHERE period = ? AND region = ? AND sku = ?",
                   "sss", period, region, sku) < 0)
            return -1;
    } else {
        if (db_int(db, e, &n,
                   "SELECT count(*) FROM pop_allocations WHERE period = ? AND market = ?"
                   " AND region IS NULL AND sku = ?",
                   "sss", period, market, sku) < 0)
            return -1;
        if (n == 0)
            return 0;
        if (db_int(db, e, &qty,
                   "SELECT qty FROM pop_allocations WHERE period = ? AND market = ?"
                   " AND region IS NULL AND sku = ?",
                   "sss", period, market, sku) < 0)
            return -1;
    }
    if (pop_used(db, e, period, market, reg, sku, except, &used) < 0)
        return -1;
    *has = true;
    *remaining = qty - used;
    return 0;
}

json_t *store_pop_shipped_lines(struct db *db, struct osb_err *e, const char *shipment)
{
    return db_rows(db, e,
                   "SELECT DISTINCT ol.pop_request FROM shipments s"
                   " JOIN order_lines ol ON ol.order_no = s.order_no"
                   " WHERE s.number = ? AND ol.pop_request IS NOT NULL",
                   "s", shipment);
}

/* ---- samples ---- */

json_t *store_sample_shipped(struct db *db, struct osb_err *e, const char *shipment)
{
    return db_rows(db, e,
                   "SELECT sl.sku, sum(sl.qty_shipped) AS qty, o.customer, o.number AS order_no"
                   " FROM shipment_lines sl JOIN shipments s ON s.number = sl.shipment"
                   " JOIN orders o ON o.number = s.order_no"
                   " JOIN products p ON p.sku = sl.sku"
                   " WHERE sl.shipment = ? AND p.kind = 'sample' AND sl.qty_shipped > 0"
                   " GROUP BY sl.sku, o.customer, o.number ORDER BY sl.sku",
                   "s", shipment);
}

int store_sample_outstanding(struct db *db, struct osb_err *e, const char *customer,
                             const char *order_no, int64_t *out)
{
    int64_t total = 0, used = 0;
    if (db_int(db, e, &total,
               "SELECT coalesce(sum(deduction_qty), 0) FROM samples WHERE customer = ?", "s",
               customer) < 0)
        return -1;
    if (total > 0) {
        /* The cut reasons are JSON text; they are summed here, not in SQL (json_each is
           SQLite's only). */
        json_t *rows = db_rows(db, e,
                               "SELECT ol.cut_reasons FROM orders o"
                               " JOIN order_lines ol ON ol.order_no = o.number"
                               " WHERE o.customer = ? AND o.number <> ?"
                               " AND ol.cut_reasons LIKE '%sample_deduction%'"
                               " AND o.state NOT IN ('rejected', 'cancelled')",
                               "ss", customer, order_no);
        if (!rows)
            return -1;
        size_t i, j;
        json_t *r, *c;
        json_array_foreach(rows, i, r)
        {
            const char *txt = jstr(r, "cut_reasons");
            json_t *cuts = txt ? json_loads(txt, 0, NULL) : NULL;
            json_array_foreach(cuts, j, c) if (is(jstr(c, "kind"), "sample_deduction")) used +=
                jint(c, "qty");
            json_decref(cuts);
        }
        json_decref(rows);
    }
    *out = total > used ? total - used : 0;
    return 0;
}

/* ---- inventory reports ---- */

int store_invrep_lines(struct db *db, struct osb_err *e, const char *customer, const char *period,
                       json_t **lines)
{
    json_t *r;
    *lines = NULL;
    int rc = db_row(db, e, &r,
                    "SELECT lines AS \"lines!j\" FROM inventory_reports WHERE customer = ?"
                    " AND period = ?",
                    "ss", customer, period);
    if (rc <= 0)
        return rc;
    *lines = json_incref(json_object_get(r, "lines"));
    json_decref(r);
    return 1;
}

json_t *store_invrep_purchased(struct db *db, struct osb_err *e, const char *customer, int64_t from,
                               int64_t to)
{
    return db_rows(db, e,
                   "SELECT sl.sku, sum(coalesce(sl.qty_shipped, 0)) AS qty FROM shipment_lines sl"
                   " JOIN shipments s ON s.number = sl.shipment"
                   " JOIN orders o ON o.number = s.order_no JOIN products p ON p.sku = sl.sku"
                   " WHERE o.customer = ? AND s.delivered_at >= ? AND s.delivered_at < ?"
                   " AND p.kind = 'goods' GROUP BY sl.sku ORDER BY sl.sku",
                   "sii", customer, from, to);
}

json_t *store_invrep_missing(struct db *db, struct osb_err *e, const char *period, int64_t due)
{
    return db_rows(db, e,
                   "SELECT cu.code, cu.market, cu.region, coalesce(cu.csr, m.default_csr) AS csr,"
                   " r.um FROM customers cu JOIN markets m ON m.code = cu.market"
                   " JOIN regions r ON r.code = cu.region"
                   " WHERE cu.status = 'active' AND cu.channel = 'distributor' AND cu.direct = 1"
                   " AND NOT EXISTS (SELECT 1 FROM inventory_reports k WHERE k.customer = cu.code"
                   " AND k.period = ?) AND cu.created_at < ? ORDER BY cu.code",
                   "si", period, due);
}

json_t *store_mkt_role_users(struct db *db, struct osb_err *e, const char *role)
{
    json_t *rows = db_rows(db, e,
                           "SELECT username FROM users WHERE role = ? AND active = 1"
                           " ORDER BY username",
                           "s", role);
    if (!rows)
        return NULL;
    json_t *out = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) json_array_append_new(out, json_string(jstr(r, "username")));
    json_decref(rows);
    return out;
}

json_t *store_visit_days(struct db *db, struct osb_err *e, const char *visitor, int64_t from,
                         int64_t to)
{
    return db_rows(db, e,
                   "SELECT visited_at FROM field_docs WHERE type = 'visits' AND owner = ?"
                   " AND created_at >= ? AND created_at < ? ORDER BY id",
                   "sii", visitor, from, to);
}
