/*
 * quota.c (store) — SQL of the quota rows (store/quota.h): AC's reads and uses for the order
 * flow, and the quota flow's rows, approvals and transfers.
 *
 * used = Σ active quota_uses rows of the same period and SKU and the same customer (customer
 * rows) or region (region rows); remaining = qty + SLT approvals − used for a customer row,
 * qty + transfers in − transfers out − used for a region row (entities §4).
 */
#include "store/quota.h"
#include "store/doc.h"

#include "core/sb.h"
#include "core/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The lock of a period's quotas of one region (or one customer without a region). */
static int quota_lock(struct db *db, struct osb_err *e, const char *period, const char *who)
{
    char space[48];
    (void)str_fmt(space, sizeof space, "quota:%s", period ? period : "");
    return db_lock_key(db, e, space, who);
}

int store_quota_facts(struct db *db, struct osb_err *e, const char *period, const char *customer,
                      const char *region, const char *const *skus, size_t n, struct quota_facts *f)
{
    memset(f, 0, n * sizeof *f);
    if (n == 0)
        return 0;
    /* In a write, the quotas are locked before their uses are summed: per period and region
       (a region's quota is shared by its customers), per customer when there is no region
       (docs/operations.md "Which lock protects what"); the region lock is the same one a
       transfer out of the region takes (store_quota_region_row). */
    if (quota_lock(db, e, period, region && *region ? region : customer) < 0)
        return -1;
    /* One row per SKU: the lines' SKUs as a VALUES list, every figure a subquery on it. */
    struct sb sql = SB_INIT;
    json_t *p = json_array();
    sb_add(&sql, "WITH l(i, sku) AS (VALUES ");
    for (size_t i = 0; i < n; i++) {
        sb_add(&sql, i ? ", (?, ?)" : "(?, ?)");
        json_array_append_new(p, json_integer((json_int_t)i));
        json_array_append_new(p, json_string(skus[i]));
    }
    json_t *tail =
        json_pack("[ssssssssssssssss]", period, customer, period, region, period, region, period,
                  region, period, customer, period, region, period, customer, period, customer);
    json_array_extend(p, tail);
    json_decref(tail);
    sb_add(&sql,
           ") SELECT l.i AS i,"
           " (SELECT qty FROM quotas q WHERE q.period = ? AND q.sku = l.sku AND q.customer = ?)"
           "  AS cq,"
           " (SELECT qty FROM quotas q WHERE q.period = ? AND q.sku = l.sku AND q.region = ?)"
           "  AS rq,"
           " (SELECT coalesce(sum(qty), 0) FROM quota_transfers t WHERE t.period = ?"
           "  AND t.sku = l.sku AND t.to_region = ?) AS tin,"
           " (SELECT coalesce(sum(qty), 0) FROM quota_transfers t WHERE t.period = ?"
           "  AND t.sku = l.sku AND t.from_region = ?) AS tout,"
           " (SELECT coalesce(sum(qty - over_qty), 0) FROM quota_uses u WHERE u.released = 0"
           "  AND u.period = ? AND u.sku = l.sku AND u.customer = ?) AS uc,"
           " (SELECT coalesce(sum(qty - over_qty), 0) FROM quota_uses u WHERE u.released = 0"
           "  AND u.period = ? AND u.sku = l.sku AND u.region = ?) AS ur,"
           " (SELECT coalesce(sum(extra_qty), 0) FROM quota_approvals a WHERE a.period = ?"
           "  AND a.sku = l.sku AND a.customer = ?) AS ap,"
           " (SELECT coalesce(sum(over_qty), 0) FROM quota_uses u WHERE u.released = 0"
           "  AND u.period = ? AND u.sku = l.sku AND u.customer = ?) AS apu"
           " FROM l ORDER BY l.i");
    /* The VALUES parameters come first in the text, so they are bound first. */
    json_t *rows = db_rows_a(db, e, sql.buf, p);
    sb_free(&sql);
    json_decref(p);
    if (!rows)
        return -1;
    size_t k;
    json_t *r;
    json_array_foreach(rows, k, r)
    {
        static const char *const col[9] = {"i", "cq", "rq", "tin", "tout", "uc", "ur", "ap", "apu"};
        json_t *v[9];
        for (size_t j = 0; j < 9; j++)
            v[j] = json_object_get(r, col[j]);
        json_int_t i = json_integer_value(v[0]);
        if (i < 0 || (size_t)i >= n)
            continue;
        struct quota_facts *x = &f[i];
        x->has_customer = !json_is_null(v[1]);
        x->customer_qty = json_integer_value(v[1]);
        x->has_region = !json_is_null(v[2]);
        x->region_qty = json_integer_value(v[2]);
        x->transfers_in = json_integer_value(v[3]);
        x->transfers_out = json_integer_value(v[4]);
        x->used_customer = json_integer_value(v[5]);
        x->used_region = json_integer_value(v[6]);
        x->approvals = json_integer_value(v[7]);
        x->approvals_used = json_integer_value(v[8]);
    }
    json_decref(rows);
    return 0;
}

int store_quota_uses(struct db *db, struct osb_err *e, const char *period, const char *customer,
                     const char *region, const char *document, const struct quota_use *u, size_t n)
{
    if (n == 0)
        return 0;
    struct sb sql = SB_INIT;
    json_t *p = json_array();
    sb_add(&sql, "INSERT INTO quota_uses(period, sku, customer, region, document, line_no, qty,"
                 " over_qty) VALUES");
    for (size_t i = 0; i < n; i++) {
        sb_add(&sql, i ? ",(?,?,?,?,?,?,?,?)" : "(?,?,?,?,?,?,?,?)");
        json_array_append_new(p, json_string(period));
        json_array_append_new(p, json_string(u[i].sku));
        json_array_append_new(p, json_string(customer));
        json_array_append_new(p, json_string(region));
        json_array_append_new(p, json_string(document));
        json_array_append_new(p, json_integer(u[i].line_no));
        json_array_append_new(p, json_integer(u[i].qty));
        json_array_append_new(p, json_integer(u[i].over_qty));
    }
    int rc = db_exec_a(db, e, sql.buf, p);
    sb_free(&sql);
    json_decref(p);
    return rc < 0 ? -1 : 0;
}

char *store_quota_regions_with(struct db *db, const char *period, const char *sku,
                               const char *except)
{
    struct osb_err e = OSB_ERR_INIT;
    json_t *rows = db_rows(db, &e,
                           "SELECT q.region, q.qty - coalesce((SELECT sum(u.qty) FROM quota_uses"
                           " u WHERE u.released = 0 AND u.period = q.period AND u.sku = q.sku"
                           " AND u.region = q.region), 0) AS rem FROM quotas q"
                           " WHERE q.period = ? AND q.sku = ? AND q.region IS NOT NULL"
                           " AND q.region <> ? ORDER BY q.region",
                           "sss", period, sku, except);
    struct sb s = SB_INIT;
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) if (json_integer_value(json_object_get(r, "rem")) > 0) sb_addf(
        &s, "%s%s(%lld)", s.len ? ", " : "", json_string_value(json_object_get(r, "region")),
        (long long)json_integer_value(json_object_get(r, "rem")));
    json_decref(rows);
    err_clear(&e);
    if (!s.buf)
        return strdup("");
    return sb_detach(&s);
}

/* ---- the quota flow ----------------------------------------------------------------------- */

static const char *const quota_select =
    "SELECT q.id, q.period, q.sku, q.customer, q.region, q.qty, q.note, q.version,"
    " CASE WHEN q.customer IS NOT NULL THEN"
    "   coalesce((SELECT sum(u.qty) FROM quota_uses u WHERE u.released = 0"
    "     AND u.period = q.period AND u.sku = q.sku AND u.customer = q.customer), 0)"
    " ELSE coalesce((SELECT sum(u.qty - u.over_qty) FROM quota_uses u WHERE u.released = 0"
    "     AND u.period = q.period AND u.sku = q.sku AND u.region = q.region), 0) END AS used,"
    " CASE WHEN q.customer IS NOT NULL THEN"
    "   coalesce((SELECT sum(a.extra_qty) FROM quota_approvals a WHERE a.period = q.period"
    "     AND a.sku = q.sku AND a.customer = q.customer), 0)"
    " ELSE coalesce((SELECT sum(t.qty) FROM quota_transfers t WHERE t.period = q.period"
    "     AND t.sku = q.sku AND t.to_region = q.region), 0)"
    "   - coalesce((SELECT sum(t.qty) FROM quota_transfers t WHERE t.period = q.period"
    "     AND t.sku = q.sku AND t.from_region = q.region), 0) END AS adjust"
    " FROM quotas q";

/* Customer rows: remaining = qty + SLT approvals − used. Region rows: remaining = qty +
   transfers in − transfers out − used (used less what SLT approvals covered). */
static void add_remaining(json_t *row)
{
    json_int_t qty = json_integer_value(json_object_get(row, "qty"));
    json_int_t used = json_integer_value(json_object_get(row, "used"));
    json_int_t adj = json_integer_value(json_object_get(row, "adjust"));
    json_object_set_new(row,
                        json_is_null(json_object_get(row, "customer")) ? "transferred" : "approved",
                        json_integer(adj));
    json_object_del(row, "adjust");
    json_object_set_new(row, "remaining", json_integer(qty + adj - used));
}

/* The quota rows u sees, as an SQL condition on q with its parameters appended to params;
   NULL when the role sees every row. A KAM or rep sees its region's row and its customers'
   rows, an MM its market's, a deputy director its supervised markets'; a UM its region's
   customers and every region row, since it may transfer quota to any region of the SKU. */
static const char *scope_sql(const struct scope_user *u, json_t *params)
{
    switch (u->role) {
    case ROLE_KAM:
        json_array_append_new(params, json_string(u->region));
        json_array_append_new(params, json_string(u->username));
        return "q.region = ? OR q.customer IN (SELECT code FROM customers WHERE kam = ?)";
    case ROLE_REP:
        json_array_append_new(params, json_string(u->region));
        json_array_append_new(params, json_string(u->username));
        json_array_append_new(params, json_string(u->manager));
        return "q.region = ? OR q.customer IN (SELECT code FROM customers WHERE rep = ?"
               " OR (rep IS NULL AND kam = ?))";
    case ROLE_UM:
        json_array_append_new(params, json_string(u->region));
        return "q.region IS NOT NULL OR q.customer IN (SELECT code FROM customers"
               " WHERE region = ?)";
    case ROLE_MM:
        json_array_append_new(params, json_string(u->market));
        json_array_append_new(params, json_string(u->market));
        return "q.region IN (SELECT code FROM regions WHERE market = ?)"
               " OR q.customer IN (SELECT code FROM customers WHERE market = ?)";
    case ROLE_DEPUTY_DIRECTOR:
        json_array_append_new(params, json_string(u->username));
        json_array_append_new(params, json_string(u->username));
        return "q.region IN (SELECT r.code FROM regions r JOIN markets m ON m.code = r.market"
               " WHERE m.slt_supervisor = ?) OR q.customer IN (SELECT cu.code FROM customers cu"
               " JOIN markets m ON m.code = cu.market WHERE m.slt_supervisor = ?)";
    default:
        return NULL;
    }
}

json_t *store_quota_rows(struct db *db, struct osb_err *e, const struct scope_user *u,
                         const char *cond, json_t *params, const char *q, const char *order,
                         int limit)
{
    json_t *all = json_array();
    json_array_extend(all, params);
    const char *scope = scope_sql(u, all);
    struct sb sql = SB_INIT;
    sb_addf(&sql, "%s WHERE (%s)", quota_select, cond);
    if (scope)
        sb_addf(&sql, " AND (%s)", scope);
    if (q && *q) {
        /* A quota has no number: its SKU, and the customer of a customer row. */
        sb_add(&sql, " AND q.id IN (SELECT qq.id FROM quotas qq LEFT JOIN customers cu"
                     " ON cu.code = qq.customer WHERE 1=1");
        store_filter_q(&sql, all, q, "qq.sku", "cu", NULL, NULL);
        sb_add(&sql, ")");
    }
    if (order)
        sb_addf(&sql, " ORDER BY %s", order);
    if (limit > 0) {
        sb_add(&sql, " LIMIT ?");
        json_array_append_new(all, json_integer(limit));
    }
    json_t *rows = db_rows_a(db, e, sql.buf, all);
    sb_free(&sql);
    json_decref(all);
    if (rows) {
        size_t i;
        json_t *row;
        json_array_foreach(rows, i, row) add_remaining(row);
    }
    return rows;
}

int store_quota_region_row(struct db *db, struct osb_err *e, const char *period, const char *sku,
                           const char *region, json_t **row)
{
    *row = NULL;
    if (quota_lock(db, e, period, region) < 0) /* its remaining is spent next (a transfer) */
        return -1;
    struct sb sql = SB_INIT;
    sb_addf(&sql, "%s WHERE q.period = ? AND q.sku = ? AND q.region = ?", quota_select);
    int rc = db_row(db, e, row, sql.buf, "sss", period, sku, region);
    sb_free(&sql);
    if (rc == 1)
        add_remaining(*row);
    return rc;
}

int store_quota_ref(struct db *db, struct osb_err *e, const char *what, const char *v)
{
    const char *sql = strcmp(what, "sku") == 0 ? "SELECT count(*) FROM products WHERE sku = ?"
                      : strcmp(what, "customer") == 0
                          ? "SELECT count(*) FROM customers WHERE code = ?"
                          : "SELECT count(*) FROM regions WHERE code = ?";
    int64_t n = 0;
    if (db_int(db, e, &n, sql, "s", v) < 0)
        return -1;
    return n > 0;
}

int store_quota_insert(struct db *db, struct osb_err *e, const char *period, const char *sku,
                       const char *customer, const char *region, int64_t qty, const char *by,
                       const char *note, int64_t now, int64_t *id)
{
    if (db_exec(db, e,
                "INSERT INTO quotas(period, sku, customer, region, qty, set_by, note, created_at,"
                " updated_at) VALUES(?,?,?,?,?,?,?,?,?)",
                "ssssissii", period, sku, customer, region, qty, by, note, now, now) < 0)
        return -1;
    *id = db_last_id(db);
    return 0;
}

int store_quota_update(struct db *db, struct osb_err *e, int64_t id, json_t *qty, json_t *note,
                       int64_t now)
{
    return db_exec(db, e,
                   /* "? = 1", not "?": PostgreSQL's CASE WHEN wants a boolean, 'b' binds 0/1 */
                   "UPDATE quotas SET qty = CASE WHEN ? = 1 THEN ? ELSE qty END,"
                   " note = CASE WHEN ? = 1 THEN ? ELSE note END,"
                   " version = version + 1, updated_at = ? WHERE id = ?",
                   "bibsii", qty != NULL, qty ? (int64_t)json_integer_value(qty) : (int64_t)0,
                   note != NULL, json_string_value(note), now, id) < 0
               ? -1
               : 0;
}

int store_quota_approval_insert(struct db *db, struct osb_err *e, const char *number,
                                const char *period, const char *sku, const char *customer,
                                const char *order, int64_t extra, const char *by,
                                const char *reason, int64_t now, json_t **row)
{
    *row = NULL;
    if (db_exec(db, e,
                "INSERT INTO quota_approvals(number, period, sku, customer, order_no, extra_qty,"
                " approved_by, reason, created_at) VALUES(?,?,?,?,?,?,?,?,?)",
                "sssssissi", number, period, sku, customer, order, extra, by, reason, now) < 0)
        return -1;
    int rc = db_row(db, e, row,
                    "SELECT number, period, sku, customer, order_no AS \"order\", extra_qty,"
                    " approved_by, reason FROM quota_approvals WHERE number = ?",
                    "s", number);
    return rc == 1 ? 0 : rc < 0 ? -1 : err_set(e, ERR_INTERNAL, "internal error");
}

int store_quota_transfer_insert(struct db *db, struct osb_err *e, const char *number,
                                const char *period, const char *sku, const char *from,
                                const char *to, int64_t qty, const char *by, const char *reason,
                                int64_t now, json_t **row)
{
    *row = NULL;
    if (db_exec(db, e,
                "INSERT INTO quota_transfers(number, period, sku, from_region, to_region, qty,"
                " consented_by, reason, created_at) VALUES(?,?,?,?,?,?,?,?,?)",
                "sssssissi", number, period, sku, from, to, qty, by, reason, now) < 0)
        return -1;
    int rc = db_row(db, e, row,
                    "SELECT number, period, sku, from_region, to_region, qty, consented_by,"
                    " reason FROM quota_transfers WHERE number = ?",
                    "s", number);
    return rc == 1 ? 0 : rc < 0 ? -1 : err_set(e, ERR_INTERNAL, "internal error");
}
