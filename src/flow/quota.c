/*
 * quota.c — setting quotas and reading them with used and remaining.
 *
 * used and remaining are defined in store/quota.c, which holds all of this file's SQL.
 */
#include "flow/quota.h"

#include "core/record.h"
#include "core/sb.h"
#include "core/str.h"
#include "flow/flow.h"
#include "store/doc.h"
#include "store/quota.h"

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

/* Rows matching cond (with params) in the caller's scope (store/quota.c). */
static json_t *quota_rows(struct ctx *c, struct osb_err *e, const char *cond, json_t *params,
                          const char *q, const char *order, int limit)
{
    struct scope_user su;
    ctx_scope_user(c, &su);
    return store_quota_rows(c->db, e, &su, cond, params, q, order, limit);
}

/* One quota as the caller may see it: 404 when missing or outside scope. */
int quota_get(struct ctx *c, int64_t id, json_t **out, struct osb_err *e)
{
    *out = NULL;
    json_t *params = json_pack("[I]", (json_int_t)id);
    json_t *rows = quota_rows(c, e, "q.id = ?", params, NULL, NULL, 0);
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

/* field is "sku", "customer", "region", "from_region" or "to_region". */
static int check_ref(struct ctx *c, struct osb_err *e, const char *field, const char *v,
                     const char *rule)
{
    if (!v)
        return 0;
    int n = store_quota_ref(c->db, e, strstr(field, "region") ? "region" : field, v);
    if (n < 0)
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
    if (check_ref(c, e, "sku", sku, "unknown_sku") < 0 ||
        check_ref(c, e, "customer", cust, "unknown_reference") < 0 ||
        check_ref(c, e, "region", reg, "unknown_reference") < 0)
        goto done;
    int64_t id = 0;
    if (store_quota_insert(c->db, e, json_string_value(json_object_get(n, "period")), sku, cust,
                           reg, (int64_t)json_integer_value(json_object_get(n, "qty")),
                           c->user.username, json_string_value(json_object_get(n, "note")), c->now,
                           &id) < 0) {
        if (e->code == ERR_DUPLICATE)
            err_set(e, ERR_DUPLICATE, "a quota for this period, SKU and %s already exists",
                    cust ? "customer" : "region");
        goto done;
    }
    char key[24];
    (void)str_fmt(key, sizeof key, "%lld", (long long)id); /* at most 20 characters: fits 24 */
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
    (void)str_fmt(key, sizeof key, "%lld", (long long)id); /* at most 20 characters: fits 24 */
    /* locked before it is read, so that If-Match sees the last writer's version (PostgreSQL) */
    if (store_doc_lock(c->db, e, "quota", key) < 0 || quota_get(c, id, &old, e) < 0 ||
        flow_need(c, P_QUOTA_SET, e) < 0 ||
        flow_check_version(c, e, json_integer_value(json_object_get(old, "version"))) < 0 ||
        record_check(&quota_def, body, false, &n, e) < 0)
        goto done;
    json_t *qty = json_object_get(n, "qty");
    if (json_is_null(qty)) {
        err_invalid(e, "qty", "required", "qty cannot be cleared");
        goto done;
    }
    if (store_quota_update(c->db, e, id, qty, json_object_get(n, "note"), c->now) < 0)
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
               const char *region, const char *q, int limit, const char *cursor, json_t **out,
               struct osb_err *e)
{
    enum role r = c->user.role;
    if (r == ROLE_WAREHOUSE || r == ROLE_CUSTOMER_SERVICE || r == ROLE_CUSTOMER || r == ROLE_NONE)
        return err_forbidden(e, "role", "the role %s may not see quotas", role_str(r));
    json_t *after = NULL;
    if (cursor && flow_cursor_parse(cursor, 4, &after, e) < 0)
        return -1;
    const char *k[4] = {0};
    for (size_t i = 0; after && i < 4; i++)
        k[i] = json_string_value(json_array_get(after, i));
    /* Keyset paging on (period, sku, region, customer); the target not set sorts as ''. */
    json_t *params = json_pack("[s?s?s?s?s?s?s?s?s?s?s?s?s?]", period, period, sku, sku, customer,
                               customer, region, region, k[0], k[0], k[1], k[2], k[3]);
    json_t *items = quota_rows(
        c, e,
        "(? IS NULL OR q.period = ?) AND (? IS NULL OR q.sku = ?)"
        " AND (? IS NULL OR q.customer = ?) AND (? IS NULL OR q.region = ?)"
        " AND (? IS NULL OR (q.period, q.sku, coalesce(q.region, ''),"
        " coalesce(q.customer, '')) > (?, ?, ?, ?))",
        params, q, "q.period, q.sku, coalesce(q.region, ''), coalesce(q.customer, '')", limit + 1);
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
    if (check_ref(c, e, "sku", sku, "unknown_sku") < 0 ||
        check_ref(c, e, "customer", cust, "unknown_reference") < 0)
        goto done;
    char number[DOCNO_MAX];
    json_t *row = NULL;
    if (flow_docno(c, e, "PE", number) < 0 ||
        store_quota_approval_insert(
            c->db, e, number, json_string_value(json_object_get(n, "period")), sku, cust,
            json_string_value(json_object_get(n, "order")),
            (int64_t)json_integer_value(json_object_get(n, "extra_qty")), c->user.username,
            json_string_value(json_object_get(n, "reason")), c->now, &row) < 0)
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
    if (flow_need(c, P_QUOTA_TRANSFER, e) < 0 || record_check(&transfer_def, body, true, &n, e) < 0)
        goto done;
    const char *period = json_string_value(json_object_get(n, "period"));
    const char *sku = json_string_value(json_object_get(n, "sku"));
    const char *from = json_string_value(json_object_get(n, "from_region"));
    const char *to = json_string_value(json_object_get(n, "to_region"));
    int64_t qty = json_integer_value(json_object_get(n, "qty"));
    if (check_ref(c, e, "sku", sku, "unknown_sku") < 0 ||
        check_ref(c, e, "from_region", from, "unknown_reference") < 0 ||
        check_ref(c, e, "to_region", to, "unknown_reference") < 0)
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
    if (store_quota_region_row(c->db, e, period, sku, from, &from_row) < 0)
        goto done;
    int64_t rem = from_row ? json_integer_value(json_object_get(from_row, "remaining")) : 0;
    if (!from_row || qty > rem) {
        err_invalid(e, "qty", "transfer_exceeds_remaining", "region %s has %lld of %s left in %s",
                    from, (long long)rem, sku, period);
        goto done;
    }
    char number[DOCNO_MAX];
    json_t *row = NULL;
    if (flow_docno(c, e, "PZ", number) < 0 ||
        store_quota_transfer_insert(c->db, e, number, period, sku, from, to, qty, c->user.username,
                                    json_string_value(json_object_get(n, "reason")), c->now,
                                    &row) < 0)
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
