/*
 * masterdata.c — the master-data flow: permission, scope, cross-field rules, write, audit.
 *
 * Per collection one row of `ops` names who may create and edit it, the list filters it
 * accepts and its cross-field rules. Shape checks (types, lengths, enums) come from the field
 * tables through record_check(); this file adds what needs other rows: that references exist
 * and have the right role (422 unknown_reference / role_scope_mismatch), that a region belongs
 * to the market (region_market_mismatch), that reporting lines have no cycle.
 */
#include "flow/masterdata.h"

#include "core/csv.h"
#include "core/json.h"
#include "core/sb.h"
#include "core/str.h"
#include "core/validate.h"
#include "flow/customer.h"
#include "flow/flow.h"
#include "flow/session.h"
#include "store/audit.h"
#include "store/credit.h"
#include "store/masterdata.h"
#include "store/record.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef int (*validate_fn)(struct ctx *c, json_t *clean, json_t *old, struct osb_err *e);

struct filter_def {
    const char *name;   /* query parameter */
    const char *column; /* SQL column */
};

struct md_ops {
    const struct record_def *def;
    enum perm_action create, edit;
    validate_fn validate;
    const struct filter_def *filters;
};

/* ---- references ---------------------------------------------------------------------- */

static const char *str(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* The value of field k: from the request when present (and not null), else from old. */
static const char *val(json_t *clean, json_t *old, const char *k)
{
    json_t *v = json_object_get(clean, k);
    if (v)
        return json_string_value(v); /* NULL when cleared */
    return old ? str(old, k) : NULL;
}

/* Checks that a user exists and has one of the roles ("," separated list, NULL = any). */
static int check_user(struct ctx *c, struct osb_err *e, const char *field, const char *username,
                      const char *roles)
{
    if (!username)
        return 0;
    char *role = NULL;
    int rc = store_user_role(c->db, e, username, &role);
    if (rc < 0)
        return -1;
    if (rc == 0) {
        free(role);
        return err_invalid(e, field, "unknown_reference", "%s: no user '%s'", field, username);
    }
    bool ok = true;
    if (roles) {
        ok = false;
        size_t rl = strlen(role);
        for (const char *p = roles; *p;) {
            const char *comma = strchr(p, ',');
            size_t n = comma ? (size_t)(comma - p) : strlen(p);
            if (n == rl && strncmp(p, role, n) == 0)
                ok = true;
            p += n + (comma ? 1 : 0);
        }
    }
    if (!ok) {
        err_invalid(e, field, "role_scope_mismatch", "%s: user '%s' has role %s, needs %s", field,
                    username, role ? role : "(none)", roles);
        free(role);
        return -1;
    }
    free(role);
    return 0;
}

static int check_exists(struct ctx *c, struct osb_err *e, const char *field,
                        const struct record_def *d, const char *value)
{
    if (!value)
        return 0;
    int rc = rec_exists(c->db, e, d, value);
    if (rc < 0)
        return -1;
    if (rc == 0)
        return err_invalid(e, field, "unknown_reference", "%s: no such %s '%s'", field, field,
                           value);
    return 0;
}

/* The market a region belongs to (malloc'ed) or NULL. */
static char *region_market(struct ctx *c, struct osb_err *e, const char *region)
{
    char *m = NULL;
    if (store_region_market(c->db, e, region, &m) != 1) {
        free(m);
        return NULL;
    }
    return m;
}

/* ---- per-collection rules -------------------------------------------------------------- */

static int v_market(struct ctx *c, json_t *n, json_t *old, struct osb_err *e)
{
    (void)old;
    if (check_user(c, e, "slt_supervisor", str(n, "slt_supervisor"),
                   "sales_director,deputy_director") < 0 ||
        check_user(c, e, "mm", str(n, "mm"), "mm") < 0 ||
        check_user(c, e, "bcr", str(n, "bcr"), "ssg_leader,csr") < 0 ||
        check_user(c, e, "default_csr", str(n, "default_csr"), "csr,ssg_leader") < 0)
        return -1;
    return 0;
}

static int v_region(struct ctx *c, json_t *n, json_t *old, struct osb_err *e)
{
    if (json_object_get(n, "market") && old) {
        const char *was = str(old, "market");
        const char *now = str(n, "market");
        if (was && now && strcmp(was, now) != 0) {
            /* entities §1.2: a region never changes market once it has documents; until the
               document tables exist every customer counts as one. */
            int64_t used = 0;
            if (store_region_customers(c->db, e, str(old, "code"), &used) < 0)
                return -1;
            if (used)
                return err_invalid(e, "market", "region_market_mismatch",
                                   "the region has customers; it cannot change market");
        }
    }
    if (check_exists(c, e, "market", &rd_market, str(n, "market")) < 0 ||
        check_user(c, e, "um", str(n, "um"), "um") < 0)
        return -1;
    return 0;
}

/* Walks the manager chain from `manager` up; a cycle back to `self` is refused. */
static int check_reporting(struct ctx *c, struct osb_err *e, const char *self, const char *manager)
{
    char *cur = xstrdup(manager ? manager : "");
    int rc = 0;
    for (int depth = 0; cur[0] && depth < 64; depth++) {
        if (strcmp(cur, self) == 0) {
            rc = err_invalid(e, "manager", "reporting_cycle",
                             "the reporting line would form a cycle");
            break;
        }
        char *next = NULL;
        if (store_user_manager(c->db, e, cur, &next) < 0) {
            rc = -1;
            break;
        }
        free(cur);
        cur = next ? next : xstrdup("");
    }
    free(cur);
    return rc;
}

static int v_user(struct ctx *c, json_t *n, json_t *old, struct osb_err *e)
{
    const char *username = val(n, old, "username");
    enum role r = role_parse(val(n, old, "role"));
    const char *region = val(n, old, "region");
    const char *market = val(n, old, "market");
    if (region) {
        char *rm = region_market(c, e, region);
        if (!rm) {
            if (!err_ok(e))
                return -1;
            return err_invalid(e, "region", "unknown_reference", "no region '%s'", region);
        }
        /* Only a market named in this request can contradict the region; the stored one is
           simply derived again (a user moved to another market's region moves market). */
        const char *asked = str(n, "market");
        if (asked && strcmp(asked, rm) != 0) {
            free(rm);
            return err_invalid(e, "region", "region_market_mismatch",
                               "region %s does not belong to market %s", region, asked);
        }
        /* entities §1.3: the market is derived from the region. */
        json_object_set_new(n, "market", json_string(rm));
        market = str(n, "market");
        free(rm);
    }
    if (check_exists(c, e, "market", &rd_market, market) < 0)
        return -1;
    if (r == ROLE_MM && !market)
        return err_invalid(e, "market", "required", "a market manager needs a market");
    if (r == ROLE_UM && !region)
        return err_invalid(e, "region", "required", "a unit manager needs a region");
    if (check_user(c, e, "manager", str(n, "manager"), NULL) < 0 ||
        check_user(c, e, "proxy_for", str(n, "proxy_for"), "gm,sales_director,deputy_director") < 0)
        return -1;
    if (json_object_get(n, "manager") && check_reporting(c, e, username, str(n, "manager")) < 0)
        return -1;
    if (json_object_get(n, "role"))
        json_object_set_new(n, "department", json_string(role_department(r)));
    json_t *pw = json_object_get(n, "password");
    if (pw) {
        char *h = session_hash_password(json_string_value(pw));
        json_object_set_new(n, "password_hash", json_string(h));
        free(h);
        json_object_del(n, "password");
    }
    return 0;
}

static int v_customer(struct ctx *c, json_t *n, json_t *old, struct osb_err *e)
{
    const char *market = val(n, old, "market");
    const char *region = val(n, old, "region");
    if (check_exists(c, e, "market", &rd_market, market) < 0)
        return -1;
    if (json_object_get(n, "region") || json_object_get(n, "market")) {
        char *rm = region_market(c, e, region);
        if (!rm) {
            if (!err_ok(e))
                return -1;
            return err_invalid(e, "region", "unknown_reference", "no region '%s'", region);
        }
        bool mismatch = strcmp(rm, market) != 0;
        free(rm);
        if (mismatch)
            return err_invalid(e, "region", "region_market_mismatch",
                               "region %s does not belong to market %s", region, market);
    }
    if (check_user(c, e, "kam", str(n, "kam"), "kam") < 0 ||
        check_user(c, e, "rep", str(n, "rep"), "rep") < 0 ||
        check_user(c, e, "csr", str(n, "csr"), "csr,ssg_leader") < 0 ||
        check_exists(c, e, "parent", &rd_customer, str(n, "parent")) < 0)
        return -1;
    /* 'Y' acts within the caller's data scope and 'O' on own customers only (§3 legend, §4):
       the customer as it will be after this write must be one the caller sees, so an MM keeps
       customers of its market, a UM of its region, a KAM or rep its own. */
    enum role r = c->user.role;
    struct scope_user su;
    ctx_scope_user(c, &su);
    char *sup = NULL;
    if (store_market_supervisor(c->db, e, market, &sup) < 0)
        return -1;
    struct scope_customer sc = {market, region, val(n, old, "kam"), val(n, old, "rep"), NULL, sup};
    bool in_scope = scope_sees_customer(&su, &sc);
    free(sup);
    if (!in_scope)
        return err_forbidden(e, "role", "the customer would be outside your data scope");
    /* What the approval and qualification steps decide (flows §1) is not the creator's to
       set: others create prospects; the administrator keys in existing archives as they are. */
    if (!old && r != ROLE_ADMIN) {
        static const char *const decided[] = {"status",      "qualified",          "qualified_note",
                                              "credit_hold", "credit_hold_reason", NULL};
        for (const char *const *k = decided; *k; k++) {
            json_t *v = json_object_get(n, *k);
            bool harmless = !v || json_is_null(v) || json_is_false(v) ||
                            (strcmp(*k, "status") == 0 && json_is_string(v) &&
                             strcmp(json_string_value(v), "prospect") == 0);
            if (!harmless)
                return err_forbidden(e, "role",
                                     "only an administrator may create a customer with %s set", *k);
        }
    }
    if (!old && !json_object_get(n, "status"))
        json_object_set_new(n, "status", json_string(r == ROLE_ADMIN ? "active" : "prospect"));
    return 0;
}

static int v_warehouse(struct ctx *c, json_t *n, json_t *old, struct osb_err *e)
{
    (void)old;
    return check_user(c, e, "scr", str(n, "scr"), "warehouse");
}

static int v_none(struct ctx *c, json_t *n, json_t *old, struct osb_err *e)
{
    (void)c, (void)n, (void)old, (void)e;
    return 0;
}

static const struct filter_def f_market[] = {{"active", "active"}, {0, 0}};
static const struct filter_def f_region[] = {{"market", "market"}, {"active", "active"}, {0, 0}};
static const struct filter_def f_user[] = {
    {"role", "role"}, {"market", "market"}, {"region", "region"}, {"active", "active"}, {0, 0}};
static const struct filter_def f_customer[] = {
    {"market", "market"}, {"region", "region"}, {"kam", "kam"},       {"rep", "rep"},
    {"grade", "grade"},   {"tier", "tier"},     {"status", "status"}, {0, 0}};
static const struct filter_def f_product[] = {
    {"kind", "kind"}, {"active", "active"}, {"category", "category"}, {0, 0}};
static const struct filter_def f_warehouse[] = {{"active", "active"}, {0, 0}};

static const struct md_ops ops[] = {
    {&rd_market, P_ORG_ADMIN, P_ORG_ADMIN, v_market, f_market},
    {&rd_region, P_ORG_ADMIN, P_ORG_ADMIN, v_region, f_region},
    {&rd_user, P_ORG_ADMIN, P_ORG_ADMIN, v_user, f_user},
    {&rd_customer, P_CUSTOMER_CREATE, P_CUSTOMER_EDIT, v_customer, f_customer},
    {&rd_product, P_PRODUCT_EDIT, P_PRODUCT_EDIT, v_none, f_product},
    {&rd_warehouse, P_ORG_ADMIN, P_ORG_ADMIN, v_warehouse, f_warehouse},
};

static const struct md_ops *ops_of(const struct record_def *d)
{
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (ops[i].def == d)
            return &ops[i];
    return NULL;
}

/* ---- scope ----------------------------------------------------------------------------- */

static bool sees_customer(struct ctx *c, json_t *row)
{
    char *sup = NULL;
    struct osb_err ignore = OSB_ERR_INIT;
    (void)store_market_supervisor(c->db, &ignore, str(row, "market"), &sup);
    bool ok = customer_sees(c, row, sup);
    free(sup);
    err_clear(&ignore);
    return ok;
}

/* Users are readable by the roles with R/Y on the organisation row, and each user reads self. */
static bool sees_user(struct ctx *c, const char *username)
{
    return perm_may_read(P_ORG_ADMIN, c->user.role) ||
           (username && strcmp(username, c->user.username) == 0);
}

/* A customer answer: the department's fields, credit figures, allowed_actions
   (flow/customer.c); row is replaced. */
static void shape_customer(struct ctx *c, json_t **row)
{
    json_t *out = customer_answer(c, *row);
    json_decref(*row);
    *row = out;
}

/* out_of_office is a flag (api.md §5.3): never set reads as false. */
static void shape_user(json_t *row)
{
    json_t *v = json_object_get(row, "out_of_office");
    if (v && !json_is_boolean(v))
        json_object_set_new(row, "out_of_office", json_false());
}

/* ---- operations ------------------------------------------------------------------------ */

/* Timestamps leave the store as UTC microseconds and reach clients as RFC 3339 (api.md §1). */
static void times_rfc3339(struct ctx *c, json_t *row)
{
    static const char *const keys[] = {"created_at", "updated_at"};
    for (size_t i = 0; i < 2; i++) {
        json_t *v = json_object_get(row, keys[i]);
        if (json_is_integer(v)) {
            char ts[32];
            ts_format_rfc3339(json_integer_value(v), c->cfg->tz_min, ts);
            json_object_set_new(row, keys[i], json_string(ts));
        }
    }
}

static int load(struct ctx *c, const struct record_def *d, const char *key, json_t **row,
                struct osb_err *e)
{
    int rc = rec_get(c->db, e, d, key, row);
    if (rc < 0)
        return -1;
    if (rc == 0)
        return err_set(e, ERR_NOT_FOUND, "no %s '%s'", d->object, key);
    times_rfc3339(c, *row);
    if (d == &rd_user)
        shape_user(*row);
    return 0;
}

/* Reads one object as the caller may see it: 404 outside scope. */
int md_get(struct ctx *c, const struct record_def *d, const char *key, json_t **out,
           struct osb_err *e)
{
    *out = NULL;
    if (d == &rd_user && !sees_user(c, key))
        return err_forbidden(e, "role", "the role %s may not read users", role_str(c->user.role));
    if (d == &rd_customer)
        return customer_get(c, key, out, e);
    json_t *row;
    if (load(c, d, key, &row, e) < 0)
        return -1;
    *out = row;
    return 0;
}

static int create_one(struct ctx *c, const struct md_ops *o, json_t *body, json_t **out,
                      struct osb_err *e)
{
    json_t *clean = NULL, *own = NULL;
    int rc = -1;
    if (flow_need(c, o->create, e) < 0)
        goto out;
    if (o->def == &rd_customer && c->user.role != ROLE_ADMIN) {
        /* api.md §5.2: credit terms are not the creator's to choose (the first limit comes
           from CMR, flows.md §11.4): sending one is refused, not dropped. A prospect starts
           with limit 0 and term 0 (prepayment). */
        static const char *const terms[] = {
            "credit_limit_fen", "payment_term_days",  "prepay_only", "grade",
            "credit_hold",      "credit_hold_reason", NULL};
        for (const char *const *k = terms; json_is_object(body) && *k; k++)
            if (json_object_get(body, *k)) {
                err_forbidden(e, "role",
                              "only an administrator sets %s; credit terms come from "
                              "a credit review",
                              *k);
                goto out;
            }
        if (json_is_object(body)) {
            own = json_copy(body);
            json_object_set_new(own, "credit_limit_fen", json_integer(0));
            json_object_set_new(own, "payment_term_days", json_integer(0));
            body = own;
        }
    }
    if (o->def == &rd_customer && !own && json_is_object(body) &&
        is(json_string_value(json_object_get(body, "status")), "prospect")) {
        /* The administrator's prospect, too, may wait for its terms: 0 and 0 until a review. */
        own = json_copy(body);
        if (!json_object_get(own, "credit_limit_fen"))
            json_object_set_new(own, "credit_limit_fen", json_integer(0));
        if (!json_object_get(own, "payment_term_days"))
            json_object_set_new(own, "payment_term_days", json_integer(0));
        body = own;
    }
    if (record_check(o->def, body, true, &clean, e) < 0 || o->validate(c, clean, NULL, e) < 0)
        goto out;
    /* The key is read from clean, which the insert leaves as it is. */
    const char *key = str(clean, o->def->key);
    if (rec_insert(c->db, e, o->def, clean, c->now, c->user.username) < 0)
        goto out;
    json_t *row;
    if (load(c, o->def, key, &row, e) < 0)
        goto out;
    if (flow_audit(c, e, "create", o->def->object, key, NULL, row) < 0) {
        json_decref(row);
        goto out;
    }
    if (o->def == &rd_customer)
        shape_customer(c, &row);
    *out = row;
    rc = 0;
out:
    json_decref(clean);
    json_decref(own);
    return rc;
}

int md_create(struct ctx *c, const struct record_def *d, json_t *body, json_t **out,
              struct osb_err *e)
{
    *out = NULL;
    return create_one(c, ops_of(d), body, out, e);
}

int md_patch(struct ctx *c, const struct record_def *d, const char *key, json_t *body, json_t **out,
             struct osb_err *e)
{
    *out = NULL;
    const struct md_ops *o = ops_of(d);
    json_t *old = NULL, *clean = NULL;
    int rc = -1;
    if (d == &rd_user && !sees_user(c, key)) {
        err_forbidden(e, "role", "the role %s may not change users", role_str(c->user.role));
        goto out;
    }
    if (rec_lock(c->db, e, d, key) < 0 || load(c, d, key, &old, e) < 0)
        goto out;
    if (d == &rd_customer && !sees_customer(c, old)) {
        err_set(e, ERR_NOT_FOUND, "no customer '%s'", key);
        goto out;
    }
    /* api.md §5.3: users set their own out_of_office (travel, 出差), the administrator anyone's. */
    bool self_away = d == &rd_user && c->user.role != ROLE_ADMIN && is(key, c->user.username);
    if ((!self_away && flow_need(c, o->edit, e) < 0) ||
        flow_check_version(c, e, json_integer_value(json_object_get(old, "version"))) < 0 ||
        record_check(d, body, false, &clean, e) < 0)
        goto out;
    if (self_away) {
        const char *k;
        json_t *v;
        json_object_foreach(clean, k, v)
        {
            if (strcmp(k, "out_of_office") && strcmp(k, "out_of_office_note")) {
                err_forbidden(e, "role", "you may change only your out_of_office here, not %s", k);
                goto out;
            }
        }
    }
    if (c->user.role != ROLE_ADMIN) {
        const char *k;
        json_t *v;
        json_object_foreach(clean, k, v)
        {
            const struct field_def *f = record_field(d, k);
            if (f && (f->flags & F_ADMIN)) {
                err_forbidden(e, "role", "only an administrator may change %s", k);
                goto out;
            }
        }
    }
    if (o->validate(c, clean, old, e) < 0)
        goto out;
    if (json_object_size(clean) > 0 && rec_update(c->db, e, d, key, clean, c->now) < 0)
        goto out;
    /* api.md §4 sessions: a new password, a deactivation or another role ends every session
       of the user. */
    if (d == &rd_user) {
        json_t *nr = json_object_get(clean, "role"), *na = json_object_get(clean, "active");
        const char *why = json_object_get(clean, "password_hash")               ? "password_change"
                          : na && json_is_false(na)                             ? "deactivation"
                          : nr && !json_equal(nr, json_object_get(old, "role")) ? "role_change"
                                                                                : NULL;
        int64_t ended;
        if (why && session_end_all(c, key, why, &ended, e) < 0)
            goto out;
    }
    json_t *row;
    if (load(c, d, key, &row, e) < 0)
        goto out;
    if (flow_audit(c, e, "update", d->object, key, old, row) < 0) {
        json_decref(row);
        goto out;
    }
    if (d == &rd_customer)
        shape_customer(c, &row);
    *out = row;
    rc = 0;
out:
    json_decref(old);
    json_decref(clean);
    return rc;
}

int md_list(struct ctx *c, const struct record_def *d, const struct md_query *q, json_t **out,
            struct osb_err *e)
{
    *out = NULL;
    const struct md_ops *o = ops_of(d);
    if (d == &rd_user && !perm_may_read(P_ORG_ADMIN, c->user.role))
        return err_forbidden(e, "role", "the role %s may not list users", role_str(c->user.role));
    struct rec_filter f[16];
    size_t nf = 0;
    const char *search = NULL; /* api.md §5.1 q=: the code (SKU, login) or the name */
    for (size_t i = 0; i < q->n; i++) {
        if (strcmp(q->names[i], "q") == 0) {
            search = q->values[i];
            continue;
        }
        const struct filter_def *fd = o->filters;
        while (fd->name && strcmp(fd->name, q->names[i]) != 0)
            fd++;
        if (!fd->name)
            return err_bad(e, q->names[i], "unknown filter '%s'", q->names[i]);
        if (d == &rd_customer) {
            /* A filter on a field the caller's department does not see would reveal it. */
            json_t *probe = json_pack("{sb}", fd->column, 1);
            customer_filter(c, probe);
            bool visible = json_object_get(probe, fd->column) != NULL;
            json_decref(probe);
            if (!visible)
                return err_forbidden(e, "role", "the role %s may not filter by %s",
                                     role_str(c->user.role), fd->name);
        }
        const char *v = q->values[i];
        if (strcmp(fd->column, "active") == 0 || strcmp(fd->column, "prepay_only") == 0) {
            if (strcmp(v, "true") && strcmp(v, "false"))
                return err_bad(e, fd->name, "%s must be true or false", fd->name);
            v = strcmp(v, "true") == 0 ? "1" : "0";
        }
        if (nf < 16)
            f[nf++] = (struct rec_filter){fd->column, v};
    }
    /* Customers: only those in the caller's data scope. */
    struct scope_user su;
    ctx_scope_user(c, &su);
    json_t *rows = store_md_list(c->db, e, d, f, nf, d == &rd_customer ? &su : NULL, search,
                                 q->cursor, q->limit);
    if (!rows)
        return -1;
    size_t ti;
    json_t *trow;
    json_array_foreach(rows, ti, trow) times_rfc3339(c, trow);
    json_t *next = json_null();
    if ((int)json_array_size(rows) > q->limit) {
        json_array_remove(rows, (size_t)q->limit);
        next = json_string(str(json_array_get(rows, (size_t)q->limit - 1), d->key));
    }
    size_t i;
    json_t *row;
    if (d == &rd_customer)
        customer_answer_page(c, rows);
    else if (d == &rd_user)
        json_array_foreach(rows, i, row) shape_user(row);
    *out = json_pack("{so so}", "items", rows, "next_cursor", next);
    return 0;
}

int md_history(struct ctx *c, const struct record_def *d, const char *key, json_t **out,
               struct osb_err *e)
{
    json_t *row;
    if (md_get(c, d, key, &row, e) < 0)
        return -1;
    json_decref(row);
    json_t *items = audit_history(c->db, e, d->object, key);
    if (!items)
        return -1;
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        char ts[32];
        ts_format_rfc3339(json_integer_value(json_object_get(it, "at")), c->cfg->tz_min, ts);
        json_object_set_new(it, "at", json_string(ts));
        /* The history shows no more of a customer than the customer itself does. */
        if (d == &rd_customer) {
            json_t *b = json_object_get(it, "before"), *a = json_object_get(it, "after");
            if (json_is_object(b))
                customer_filter(c, b);
            if (json_is_object(a))
                customer_filter(c, a);
        }
    }
    *out = json_pack("{so}", "items", items);
    return 0;
}

/* ---- CSV import ------------------------------------------------------------------------ */

/* Turns one CSV cell into the JSON value its field expects; NULL cells stay absent. */
static json_t *cell_value(const struct field_def *f, const char *s)
{
    if (!*s)
        return NULL;
    switch (f->kind) {
    case FK_INT:
    case FK_FEN: {
        errno = 0;
        char *end;
        long long x = strtoll(s, &end, 10);
        if (errno || *end || end == s)
            return json_string(s); /* record_check reports the wrong type */
        return json_integer(x);
    }
    case FK_BOOL:
        if (!strcmp(s, "true") || !strcmp(s, "1") || !strcmp(s, "是"))
            return json_true();
        if (!strcmp(s, "false") || !strcmp(s, "0") || !strcmp(s, "否"))
            return json_false();
        return json_string(s);
    case FK_JSON: {
        json_t *j = json_loads(s, 0, NULL);
        return j ? j : json_string(s);
    }
    default:
        return json_string(s);
    }
}

int md_import(struct ctx *c, const struct record_def *d, const char *csv, size_t len, json_t **out,
              struct osb_err *e)
{
    *out = NULL;
    const struct md_ops *o = ops_of(d);
    if (flow_need(c, o->create, e) < 0)
        return -1;
    size_t bad_line = 0;
    json_t *lines = NULL;
    json_t *rows = csv_parse_lines(csv, len, &bad_line, &lines);
    if (!rows) {
        err_bad(e, NULL, "the CSV is malformed at line %zu", bad_line);
        e->extra = json_pack("{s[{sIss}]}", "rows", "row", (json_int_t)bad_line, "rule", "csv");
        return -1;
    }
    json_t *header = json_array_get(rows, 0);
    if (!header || json_array_size(rows) < 2) {
        json_decref(rows);
        json_decref(lines);
        return err_bad(e, NULL, "the CSV needs a header row and at least one data row");
    }
    size_t i;
    json_t *h;
    json_array_foreach(header, i, h)
    {
        const struct field_def *f = record_field(d, json_string_value(h));
        if (!f || (f->flags & F_INTERNAL)) {
            err_bad(e, json_string_value(h), "unknown column '%s'", json_string_value(h));
            json_decref(rows);
            json_decref(lines);
            return -1;
        }
    }
    json_t *errors = json_array();
    json_t *keys = json_array();
    for (size_t r = 1; r < json_array_size(rows); r++) {
        json_t *row = json_array_get(rows, r);
        json_t *obj = json_object();
        size_t j;
        json_t *cell;
        json_array_foreach(row, j, cell)
        {
            json_t *hn = json_array_get(header, j);
            if (!hn)
                continue;
            json_t *v = cell_value(record_field(d, json_string_value(hn)), json_string_value(cell));
            if (v)
                json_object_set_new(obj, json_string_value(hn), v);
        }
        struct osb_err re = OSB_ERR_INIT;
        json_t *created = NULL;
        /* The line of the file the row starts on (the header is line 1; blank lines count),
           so the user finds the row in the file as sent. */
        json_int_t line = json_integer_value(json_array_get(lines, r));
        if (create_one(c, o, obj, &created, &re) < 0) {
            if (json_array_size(errors) < 100)
                json_array_append_new(
                    errors,
                    json_pack("{sI ss ss ss}", "row", line, "field", re.field, "rule",
                              re.rule[0] ? re.rule : err_code_str(re.code), "message", re.message));
            if (re.code == ERR_INTERNAL || re.code == ERR_UNAVAILABLE) {
                err_clear(&re);
                json_decref(obj);
                break;
            }
        } else {
            json_array_append_new(keys, json_string(str(created, d->key)));
        }
        err_clear(&re);
        json_decref(created);
        json_decref(obj);
    }
    json_decref(rows);
    json_decref(lines);
    if (json_array_size(errors) > 0) {
        err_invalid(e, NULL, "import_rejected", "%zu row(s) are wrong; nothing was imported",
                    json_array_size(errors));
        e->extra = json_pack("{so}", "rows", errors);
        json_decref(keys);
        return -1;
    }
    json_decref(errors);
    *out = json_pack("{sI so}", "created", (json_int_t)json_array_size(keys), "items", keys);
    return 0;
}

int md_people(struct ctx *c, json_t **out, struct osb_err *e)
{
    *out = NULL;
    if (c->user.role == ROLE_CUSTOMER || c->user.role == ROLE_NONE)
        return err_forbidden(e, "role", "the role %s may not read the staff list",
                             role_str(c->user.role));
    json_t *rows = store_people(c->db, e);
    if (!rows)
        return -1;
    *out = json_pack("{so}", "items", rows);
    return 0;
}
