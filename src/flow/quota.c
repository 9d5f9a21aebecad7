/*
 * quota.c — setting quotas and reading them with used and remaining.
 *
 * used = Σ active quota_uses rows (written by the order flow at AC) of the same period and SKU
 * and the same customer (customer rows) or region (region rows); remaining = qty − used
 * (transfers in and out are added by the quota-transfer flow).
 */
#include "flow/quota.h"

#include "core/record.h"
#include "core/sb.h"
#include "flow/flow.h"

#include <stdlib.h>
#include <string.h>

static const struct field_def quota_fields[] = {
    {"period", FK_PERIOD, 0, 0, F_REQUIRED | F_FIXED, 0, 0, 0},
    {"sku", FK_REF, 0, 0, F_REQUIRED | F_FIXED, "products", 0, 0},
    {"customer", FK_REF, 0, 0, F_FIXED, "customers", 0, 0},
    {"region", FK_REF, 0, 0, F_FIXED, "regions", 0, 0},
    {"qty", FK_INT, 0, 100000000, F_REQUIRED, 0, 0, "negative_qty"},
    {"note", FK_TEXT, 0, 200, 0, 0, 0, 0},
};
static const struct record_def quota_def = {"quotas", "id", "quota", quota_fields, 6};

/* Customer rows: used = Σ kept quantities, remaining = qty + SLT approvals − used.
   Region rows: used = Σ kept quantities less what SLT approvals covered, remaining = qty +
   transfers in − transfers out − used (entities §4). */
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

static void add_remaining(json_t *row)
{
    json_int_t qty = json_integer_value(json_object_get(row, "qty"));
    json_int_t used = json_integer_value(json_object_get(row, "used"));
    json_int_t adj = json_integer_value(json_object_get(row, "adjust"));
    json_object_set_new(row, json_is_null(json_object_get(row, "customer")) ? "transferred"
                                                                           : "approved",
                        json_integer(adj));
    json_object_del(row, "adjust");
    json_object_set_new(row, "remaining", json_integer(qty + adj - used));
}

/* The quota rows the caller sees (numbering-and-rules.md §4), as an SQL condition on q with
   its parameters appended to params; NULL when the role sees every row. A KAM or rep sees its
   region's row and its customers' rows, an MM its market's, a deputy director its supervised
   markets'; a UM its region's customers and every region row, since it may transfer quota to
   any region of the SKU. Mirrors the customer scope of flow/masterdata.c. */
static const char *quota_scope_sql(struct ctx *c, json_t *params)
{
    const struct user *u = &c->user;
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

/* Rows of quota_select matching cond (with params), limited to the caller's scope, in order
   (NULL: any), at most limit rows (0: all). */
static json_t *quota_rows(struct ctx *c, struct osb_err *e, const char *cond, json_t *params,
                          const char *order, int limit)
{
    json_t *all = json_array();
    json_array_extend(all, params);
    const char *scope = quota_scope_sql(c, all);
    struct sb sql = SB_INIT;
    sb_addf(&sql, "%s WHERE (%s)", quota_select, cond);
    if (scope)
        sb_addf(&sql, " AND (%s)", scope);
    if (order)
        sb_addf(&sql, " ORDER BY %s", order);
    if (limit > 0) {
        sb_add(&sql, " LIMIT ?");
        json_array_append_new(all, json_integer(limit));
    }
    json_t *rows = db_rows_a(c->db, e, sql.buf, all);
    sb_free(&sql);
    json_decref(all);
    if (rows) {
        size_t i;
        json_t *row;
        json_array_foreach(rows, i, row) add_remaining(row);
    }
    return rows;
}

/* One quota as the caller may see it: 404 when missing or outside scope. */
int quota_get(struct ctx *c, int64_t id, json_t **out, struct osb_err *e)
{
    *out = NULL;
    json_t *params = json_pack("[I]", (json_int_t)id);
    json_t *rows = quota_rows(c, e, "q.id = ?", params, NULL, 0);
    json_decref(params);
    if (!rows)
        return -1;
    if (json_array_size(rows) == 0) {
        json_decref(rows);
        return err_set(e, ERR_NOT_FOUND, "no quota %lld", (long long)id);
    }
    *out = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    return 0;
}

static int check_ref(struct ctx *c, struct osb_err *e, const char *field, const char *sql,
                     const char *v, const char *rule)
{
    if (!v)
        return 0;
    int64_t n = 0;
    if (db_int(c->db, e, &n, sql, "s", v) < 0)
        return -1;
    return n ? 0 : err_invalid(e, field, rule, "no %s '%s'", field, v);
}

int quota_set(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    json_t *n = NULL;
    int rc = -1;
    if (flow_need(c, P_QUOTA_SET, e) < 0 || record_check(&quota_def, body, true, &n, e) < 0)
        goto done;
    const char *cust = json_string_value(json_object_get(n, "customer"));
    const char *reg = json_string_value(json_object_get(n, "region"));
    if ((cust == NULL) == (reg == NULL)) {
        err_invalid(e, cust ? "region" : "customer", "quota_target",
                    "give exactly one of customer or region");
        goto done;
    }
    const char *sku = json_string_value(json_object_get(n, "sku"));
    if (check_ref(c, e, "sku", "SELECT count(*) FROM products WHERE sku = ?", sku, "unknown_sku") < 0 ||
        check_ref(c, e, "customer", "SELECT count(*) FROM customers WHERE code = ?", cust,
                  "unknown_reference") < 0 ||
        check_ref(c, e, "region", "SELECT count(*) FROM regions WHERE code = ?", reg,
                  "unknown_reference") < 0)
        goto done;
    if (db_exec(c->db, e,
                "INSERT INTO quotas(period, sku, customer, region, qty, set_by, note, created_at,"
                " updated_at) VALUES(?,?,?,?,?,?,?,?,?)",
                "ssssissii", json_string_value(json_object_get(n, "period")), sku, cust, reg,
                (int64_t)json_integer_value(json_object_get(n, "qty")), c->user.username,
                json_string_value(json_object_get(n, "note")), c->now, c->now) < 0) {
        if (e->code == ERR_DUPLICATE)
            err_set(e, ERR_DUPLICATE, "a quota for this period, SKU and %s already exists",
                    cust ? "customer" : "region");
        goto done;
    }
    int64_t id = db_last_id(c->db);
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)id);
    if (quota_get(c, id, out, e) < 0 || flow_audit(c, e, "create", "quota", key, NULL, *out) < 0)
        goto done;
    rc = 0;
done:
    if (rc < 0 && *out) {
        json_decref(*out);
        *out = NULL;
    }
    json_decref(n);
    return rc;
}

int quota_patch(struct ctx *c, int64_t id, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    json_t *old = NULL, *n = NULL;
    int rc = -1;
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)id);
    if (quota_get(c, id, &old, e) < 0 || flow_need(c, P_QUOTA_SET, e) < 0 ||
        flow_check_version(c, e, json_integer_value(json_object_get(old, "version"))) < 0 ||
        record_check(&quota_def, body, false, &n, e) < 0)
        goto done;
    json_t *qty = json_object_get(n, "qty");
    if (json_is_null(qty)) {
        err_invalid(e, "qty", "required", "qty cannot be cleared");
        goto done;
    }
    if (db_exec(c->db, e,
                /* "? = 1", not "?": PostgreSQL's CASE WHEN wants a boolean, 'b' binds 0/1 */
                "UPDATE quotas SET qty = CASE WHEN ? = 1 THEN ? ELSE qty END,"
                " note = CASE WHEN ? = 1 THEN ? ELSE note END,"
                " version = version + 1, updated_at = ? WHERE id = ?",
                "bibsii", qty != NULL, qty ? (int64_t)json_integer_value(qty) : (int64_t)0,
                json_object_get(n, "note") != NULL,
                json_string_value(json_object_get(n, "note")), c->now, id) < 0)
        goto done;
    if (quota_get(c, id, out, e) < 0 || flow_audit(c, e, "update", "quota", key, old, *out) < 0)
        goto done;
    rc = 0;
done:
    json_decref(old);
    json_decref(n);
    return rc;
}

int quota_list(struct ctx *c, const char *period, const char *sku, const char *customer,
               const char *region, int limit, const char *cursor, json_t **out,
               struct osb_err *e)
{
    enum role r = c->user.role;
    if (r == ROLE_WAREHOUSE || r == ROLE_CUSTOMER_SERVICE || r == ROLE_CUSTOMER ||
        r == ROLE_NONE)
        return err_forbidden(e, "role", "the role %s may not see quotas", role_str(r));
    json_t *after = NULL;
    if (cursor && flow_cursor_parse(cursor, 4, &after, e) < 0)
        return -1;
    const char *k[4] = {0};
    for (size_t i = 0; after && i < 4; i++)
        k[i] = json_string_value(json_array_get(after, i));
    /* Keyset paging on (period, sku, region, customer); the target not set sorts as ''. */
    json_t *params = json_pack("[s?s?s?s?s?s?s?s?s?s?s?s?s?]", period, period, sku, sku,
                               customer, customer, region, region, k[0], k[0], k[1], k[2],
                               k[3]);
    json_t *items = quota_rows(c, e,
                               "(? IS NULL OR q.period = ?) AND (? IS NULL OR q.sku = ?)"
                               " AND (? IS NULL OR q.customer = ?) AND (? IS NULL OR q.region = ?)"
                               " AND (? IS NULL OR (q.period, q.sku, coalesce(q.region, ''),"
                               " coalesce(q.customer, '')) > (?, ?, ?, ?))",
                               params,
                               "q.period, q.sku, coalesce(q.region, ''), coalesce(q.customer, '')",
                               limit + 1);
    json_decref(params);
    json_decref(after);
    if (!items)
        return -1;
    json_t *next = json_null();
    if ((int)json_array_size(items) > limit) {
        json_array_remove(items, (size_t)limit);
        json_t *last = json_array_get(items, (size_t)limit - 1);
        const char *lr = json_string_value(json_object_get(last, "region"));
        const char *lc = json_string_value(json_object_get(last, "customer"));
        json_t *key = json_pack("[OOss]", json_object_get(last, "period"),
                                json_object_get(last, "sku"), lr ? lr : "", lc ? lc : "");
        char *cur = flow_cursor_make(key);
        next = json_string(cur);
        free(cur);
        json_decref(key);
    }
    *out = json_pack("{so so}", "items", items, "next_cursor", next);
    return 0;
}

/* ---- SLT over-quota approvals and region transfers (flows.md §2.4 AC-7) ------------------ */

#include "core/docno.h"

static const struct field_def approval_fields[] = {
    {"period", FK_PERIOD, 0, 0, F_REQUIRED, 0, 0, 0},
    {"sku", FK_REF, 0, 0, F_REQUIRED, "products", 0, 0},
    {"customer", FK_REF, 0, 0, F_REQUIRED, "customers", 0, 0},
    {"extra_qty", FK_INT, 1, 100000000, F_REQUIRED, 0, 0, "zero_qty"},
    {"reason", FK_LONG, 0, 500, F_REQUIRED, 0, 0, 0},
    {"order", FK_TEXT, 0, 32, 0, 0, 0, 0},
};
static const struct record_def approval_def = {"quota_approvals", "number", "quota_approval",
                                               approval_fields, 6};

int quota_approve(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    json_t *n = NULL;
    int rc = -1;
    if (flow_need(c, P_QUOTA_OVER_APPROVE, e) < 0 ||
        record_check(&approval_def, body, true, &n, e) < 0)
        goto done;
    const char *sku = json_string_value(json_object_get(n, "sku"));
    const char *cust = json_string_value(json_object_get(n, "customer"));
    if (check_ref(c, e, "sku", "SELECT count(*) FROM products WHERE sku = ?", sku, "unknown_sku") <
            0 ||
        check_ref(c, e, "customer", "SELECT count(*) FROM customers WHERE code = ?", cust,
                  "unknown_reference") < 0)
        goto done;
    char number[DOCNO_MAX];
    if (flow_docno(c, e, "PE", number) < 0 ||
        db_exec(c->db, e,
                "INSERT INTO quota_approvals(number, period, sku, customer, order_no, extra_qty,"
                " approved_by, reason, created_at) VALUES(?,?,?,?,?,?,?,?,?)",
                "sssssissi", number, json_string_value(json_object_get(n, "period")), sku, cust,
                json_string_value(json_object_get(n, "order")),
                (int64_t)json_integer_value(json_object_get(n, "extra_qty")), c->user.username,
                json_string_value(json_object_get(n, "reason")), c->now) < 0)
        goto done;
    json_t *row = NULL;
    if (db_row(c->db, e, &row,
               "SELECT number, period, sku, customer, order_no AS \"order\", extra_qty,"
               " approved_by, reason FROM quota_approvals WHERE number = ?",
               "s", number) != 1)
        goto done;
    if (flow_audit(c, e, "create", "quota_approval", number, NULL, row) < 0) {
        json_decref(row);
        goto done;
    }
    *out = row;
    rc = 0;
done:
    json_decref(n);
    return rc;
}

static const struct field_def transfer_fields[] = {
    {"period", FK_PERIOD, 0, 0, F_REQUIRED, 0, 0, 0},
    {"sku", FK_REF, 0, 0, F_REQUIRED, "products", 0, 0},
    {"from_region", FK_REF, 0, 0, F_REQUIRED, "regions", 0, 0},
    {"to_region", FK_REF, 0, 0, F_REQUIRED, "regions", 0, 0},
    {"qty", FK_INT, 1, 100000000, F_REQUIRED, 0, 0, "zero_qty"},
    {"reason", FK_LONG, 0, 500, 0, 0, 0, 0},
};
static const struct record_def transfer_def = {"quota_transfers", "number", "quota_transfer",
                                               transfer_fields, 6};

int quota_transfer(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    json_t *n = NULL, *from_row = NULL;
    int rc = -1;
    if (flow_need(c, P_QUOTA_TRANSFER, e) < 0 ||
        record_check(&transfer_def, body, true, &n, e) < 0)
        goto done;
    const char *period = json_string_value(json_object_get(n, "period"));
    const char *sku = json_string_value(json_object_get(n, "sku"));
    const char *from = json_string_value(json_object_get(n, "from_region"));
    const char *to = json_string_value(json_object_get(n, "to_region"));
    int64_t qty = json_integer_value(json_object_get(n, "qty"));
    if (check_ref(c, e, "sku", "SELECT count(*) FROM products WHERE sku = ?", sku, "unknown_sku") <
            0 ||
        check_ref(c, e, "from_region", "SELECT count(*) FROM regions WHERE code = ?", from,
                  "unknown_reference") < 0 ||
        check_ref(c, e, "to_region", "SELECT count(*) FROM regions WHERE code = ?", to,
                  "unknown_reference") < 0)
        goto done;
    /* 'G': only the UM of the region giving the quota. */
    if (strcmp(c->user.region, from) != 0) {
        err_forbidden(e, "role", "only the UM of region %s may give its quota", from);
        goto done;
    }
    if (strcmp(from, to) == 0) {
        err_invalid(e, "to_region", "invalid_value", "a transfer goes to another region");
        goto done;
    }
    char sql[2048];
    snprintf(sql, sizeof sql, "%s WHERE q.period = ? AND q.sku = ? AND q.region = ?",
             quota_select);
    if (db_row(c->db, e, &from_row, sql, "sss", period, sku, from) < 0)
        goto done;
    int64_t rem = 0;
    if (from_row) {
        add_remaining(from_row);
        rem = json_integer_value(json_object_get(from_row, "remaining"));
    }
    if (!from_row || qty > rem) {
        err_invalid(e, "qty", "transfer_exceeds_remaining",
                    "region %s has %lld of %s left in %s", from, (long long)rem, sku, period);
        goto done;
    }
    char number[DOCNO_MAX];
    if (flow_docno(c, e, "PZ", number) < 0 ||
        db_exec(c->db, e,
                "INSERT INTO quota_transfers(number, period, sku, from_region, to_region, qty,"
                " consented_by, reason, created_at) VALUES(?,?,?,?,?,?,?,?,?)",
                "sssssissi", number, period, sku, from, to, qty, c->user.username,
                json_string_value(json_object_get(n, "reason")), c->now) < 0)
        goto done;
    json_t *row = NULL;
    if (db_row(c->db, e, &row,
               "SELECT number, period, sku, from_region, to_region, qty, consented_by, reason"
               " FROM quota_transfers WHERE number = ?",
               "s", number) != 1)
        goto done;
    if (flow_audit(c, e, "create", "quota_transfer", number, NULL, row) < 0) {
        json_decref(row);
        goto done;
    }
    *out = row;
    rc = 0;
done:
    json_decref(from_row);
    json_decref(n);
    return rc;
}
