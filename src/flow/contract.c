/*
 * contract.c — contracts (flow/contract.h).
 *
 * Who (numbering-and-rules.md §3): draft and sign — csr, the customer's KAM or rep; approve —
 * the MM of the customer's market, and for a major or deviating contract also the market's
 * supervising SLT member (§5: "supervising SLT member after the MM"); archive — ssg_leader,
 * csr. Nobody approves a contract they drafted (flows.md §0.4). Anyone who sees the customer
 * reads its contracts.
 *
 * Major (entities.md §9): value >= major_contract_fen (¥500,000) or a payment term longer than
 * the customer's. Deviations (non-empty text) need the SLT member as well (flows.md §7).
 */
#include "flow/contract.h"

#include "core/json.h"
#include "core/record.h"
#include "core/sb.h"
#include "flow/flow.h"
#include "flow/notify.h"
#include "store/order.h"

#include <stdlib.h>
#include <string.h>

#define MAJOR_CONTRACT_FEN 50000000 /* numbering-and-rules.md §9 major_contract_fen */


static int contract_json(struct ctx *c, const char *number, json_t **out, struct osb_err *e)
{
    json_t *o = NULL;
    int rc = db_row(c->db, e, &o,
                    "SELECT number, customer, kind, value_fen, payment_term_days, valid_from,"
                    " valid_to, deviations, major AS \"major!b\", needs_slt AS \"needs_slt!b\","
                    " signing_mode, signed_at, signed_by, archived_at, state, version,"
                    " created_at, created_by, updated_at FROM contracts WHERE number = ?",
                    "s", number);
    if (rc <= 0)
        return rc < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "no contract '%s'", number);
    json_t *ap = db_rows(c->db, e,
                         "SELECT level, approver, at FROM contract_approvals WHERE contract = ?"
                         " ORDER BY at, level",
                         "s", number);
    json_t *tl = ap ? flow_doc_timeline(c, e, "contract_events", "contract", number)
                    : NULL;
    json_t *orders = tl ? db_rows(c->db, e,
                                  "SELECT number FROM orders WHERE contract = ? ORDER BY id", "s",
                                  number)
                        : NULL;
    if (!orders) {
        json_decref(o), json_decref(ap), json_decref(tl);
        return -1;
    }
    static const char *const times[] = {"signed_at", "archived_at", "created_at", "updated_at"};
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++)
        flow_ts(c, o, times[i]);
    size_t i;
    json_t *it;
    json_array_foreach(ap, i, it) flow_ts(c, it, "at");
    json_t *nums = json_array();
    json_array_foreach(orders, i, it) json_array_append(nums, json_object_get(it, "number"));
    json_decref(orders);
    json_object_set_new(o, "approvals", ap);
    json_object_set_new(o, "orders", nums);
    json_object_set_new(o, "timeline", tl);
    *out = o;
    return 0;
}

static int event(struct ctx *c, const char *number, const char *action, const char *from,
                 const char *to, const char *comment, struct osb_err *e)
{
    return flow_doc_event(c, e, "contract_events", "contract", number, action, from, to, comment);
}

static bool sees(struct ctx *c, const struct order_customer *cu, bool own)
{
    struct scope_user su;
    ctx_scope_user(c, &su);
    struct scope_customer sc = {cu->market, cu->region,      cu->kam,
                                cu->rep,    cu->kam_manager, cu->supervisor};
    return own ? scope_owns_customer(&su, &sc) : scope_sees_customer(&su, &sc);
}

static const char *const kinds[] = {"sales", "framework", NULL};
static const struct field_def create_fields[] = {
    {"customer", FK_REF, 0, 0, F_REQUIRED, "customers", 0, 0},
    {"kind", FK_ENUM, 0, 0, F_REQUIRED, 0, kinds, 0},
    {"value_fen", FK_FEN, 0, 0, F_REQUIRED, 0, 0, 0},
    {"payment_term_days", FK_INT, 0, 365, 0, 0, 0, "term_out_of_range"},
    {"valid_from", FK_DATE, 0, 0, 0, 0, 0, 0},
    {"valid_to", FK_DATE, 0, 0, 0, 0, 0, 0},
    {"deviations", FK_LONG, 0, 2000, 0, 0, 0, 0},
};
static const struct record_def create_def = {"contracts", "number", "contract", create_fields,
                                             7};

int contract_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    json_t *n = NULL;
    if (flow_need(c, P_CONTRACT_DRAFT, e) < 0 || record_check(&create_def, body, true, &n, e) < 0)
        return -1;
    int rc = -1;
    const char *customer = jstr(n, "customer");
    struct order_customer cu;
    int f = store_order_customer(c->db, e, customer, &cu);
    if (f < 0)
        goto out;
    if (f == 0 || !sees(c, &cu, false)) {
        err_invalid(e, "customer", "unknown_reference", "no customer '%s'", customer);
        goto out;
    }
    if (perm_symbol(P_CONTRACT_DRAFT, c->user.role) == 'O' && !sees(c, &cu, true)) {
        err_forbidden(e, "role", "only the customer's KAM or rep drafts its contracts");
        goto out;
    }
    const char *vf = jstr(n, "valid_from"), *vt = jstr(n, "valid_to");
    if (vf && vt && strcmp(vt, vf) < 0) {
        err_invalid(e, "valid_to", "date_out_of_range", "valid_to is before valid_from");
        goto out;
    }
    json_t *term = json_object_get(n, "payment_term_days");
    const char *dev = jstr(n, "deviations");
    bool major = jint(n, "value_fen") >= MAJOR_CONTRACT_FEN ||
                 (term && json_integer_value(term) > cu.payment_term_days);
    bool needs_slt = major || (dev && *dev);
    char number[DOCNO_MAX];
    if (flow_docno(c, e, "HT", number) < 0 ||
        db_exec(c->db, e,
                "INSERT INTO contracts(number, customer, kind, value_fen, payment_term_days,"
                " valid_from, valid_to, deviations, major, needs_slt, created_at, created_by,"
                " updated_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)",
                "sssiisssbbisi", number, customer, jstr(n, "kind"), (int64_t)jint(n, "value_fen"),
                term ? (int64_t)json_integer_value(term) : (int64_t)cu.payment_term_days, vf, vt,
                dev && *dev ? dev : NULL, major, needs_slt, c->now, c->user.username,
                c->now) < 0 ||
        event(c, number, "draft", NULL, "draft", NULL, e) < 0)
        goto out;
    json_t *after = json_pack("{ss ss sI sb sb}", "customer", customer, "kind", jstr(n, "kind"),
                              "value_fen", (json_int_t)jint(n, "value_fen"), "major", major,
                              "needs_slt", needs_slt);
    rc = flow_audit(c, e, "create", "contract", number, NULL, after);
    json_decref(after);
    if (rc == 0)
        rc = contract_json(c, number, out, e);
out:
    json_decref(n);
    return rc;
}

static int load(struct ctx *c, const char *number, json_t **row, struct order_customer *cu,
                struct osb_err *e)
{
    *row = NULL;
    int rc = db_row(c->db, e, row,
                    "SELECT number, customer, state, kind, needs_slt, version, created_by"
                    " FROM contracts WHERE number = ?",
                    "s", number);
    if (rc < 0)
        return -1;
    if (rc == 1 && store_order_customer(c->db, e, jstr(*row, "customer"), cu) != 1)
        rc = err_ok(e) ? 0 : -1;
    if (rc == 1 && !sees(c, cu, false))
        rc = 0;
    if (rc <= 0) {
        json_decref(*row);
        *row = NULL;
        return rc < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "no contract '%s'", number);
    }
    return 0;
}

int contract_get(struct ctx *c, const char *number, json_t **out, struct osb_err *e)
{
    *out = NULL;
    json_t *row;
    struct order_customer cu;
    if (load(c, number, &row, &cu, e) < 0)
        return -1;
    json_decref(row);
    return contract_json(c, number, out, e);
}

int contract_list(struct ctx *c, const struct contract_query *q, json_t **out, struct osb_err *e)
{
    *out = NULL;
    static const char *const states[] = {"draft", "approved", "signed", "archived", NULL};
    if (flow_state_filter(states, q->state, e) < 0)
        return -1;
    json_t *p = json_array();
    struct sb sql = SB_INIT;
    sb_add(&sql, "SELECT k.number FROM contracts k JOIN customers cu ON cu.code = k.customer"
                 " WHERE 1=1");
    flow_scope_sql(c, &sql, p, "cu");
    flow_filter_eq(&sql, p, "k.customer", q->customer);
    flow_filter_eq(&sql, p, "k.state", q->state);
    flow_filter_eq(&sql, p, "k.kind", q->kind);
    return flow_doc_page(c, &sql, p, "k.number", q->cursor, q->limit, contract_json, out, e);
}

/* ---- actions ----------------------------------------------------------------------------- */

struct kact {
    struct ctx *c;
    const char *number;
    json_t *k;
    struct order_customer *cu;
    json_t *body;
    char to[16];
};

static int a_approve(struct kact *x, struct osb_err *e)
{
    struct ctx *c = x->c;
    bool mm = c->user.role == ROLE_MM && is(c->user.market, x->cu->market);
    bool slt = (c->user.role == ROLE_SALES_DIRECTOR || c->user.role == ROLE_DEPUTY_DIRECTOR) &&
               is(c->user.username, x->cu->supervisor);
    if (!mm && !slt)
        return err_forbidden(e, "role",
                             "only the MM of market %s, or its supervising SLT member for a"
                             " major or deviating contract, approves",
                             x->cu->market);
    if (is(jstr(x->k, "created_by"), c->user.username))
        return err_forbidden(e, "self_approval", "you may not approve your own contract");
    bool needs_slt = jint(x->k, "needs_slt") != 0;
    if (slt && !needs_slt)
        return err_forbidden(e, "role", "contract %s is neither major nor deviating: the MM"
                                        " approves it", x->number);
    int64_t have_mm = 0, have_slt = 0;
    if (db_int(c->db, e, &have_mm,
               "SELECT count(*) FROM contract_approvals WHERE contract = ? AND level = 'mm'", "s",
               x->number) < 0 ||
        db_int(c->db, e, &have_slt,
               "SELECT count(*) FROM contract_approvals WHERE contract = ? AND level = 'slt'", "s",
               x->number) < 0)
        return -1;
    if ((mm && have_mm) || (slt && have_slt))
        return err_set(e, ERR_DUPLICATE, "contract %s has this approval already", x->number);
    if (slt && !have_mm) {
        err_state(e, "draft", "the supervising SLT member approves after the MM");
        snprintf(e->rule, sizeof e->rule, "mm_first");
        return -1;
    }
    if (db_exec(c->db, e,
                "INSERT INTO contract_approvals(contract, level, approver, at) VALUES(?,?,?,?)",
                "sssi", x->number, mm ? "mm" : "slt", c->user.username, c->now) < 0)
        return -1;
    bool done = mm ? !needs_slt : true;
    snprintf(x->to, sizeof x->to, done ? "approved" : "draft");
    if (!done)
        return notify(c, e, "contract_approval", x->cu->supervisor, x->number, NULL,
                      "合同%s（%s）为重大或非标准合同，市场经理已批准，待您批准", x->number,
                      x->cu->code);
    return 0;
}

static const char *const modes[] = {"onsite", "fax_courier", NULL};

static int a_sign(struct kact *x, struct osb_err *e)
{
    struct ctx *c = x->c;
    if (perm_symbol(P_CONTRACT_SIGN, c->user.role) == 'O' && !sees(c, x->cu, true))
        return err_forbidden(e, "role", "only the customer's KAM or rep signs on site");
    json_t *m = json_object_get(x->body, "signing_mode");
    if (!m)
        return err_invalid(e, "signing_mode", "required", "signing_mode is onsite or fax_courier");
    if (!json_is_string(m))
        return err_bad(e, "signing_mode", "signing_mode must be a string");
    bool ok = false;
    for (const char *const *p = modes; *p; p++)
        ok = ok || strcmp(*p, json_string_value(m)) == 0;
    if (!ok)
        return err_invalid(e, "signing_mode", "invalid_value",
                           "signing_mode is onsite or fax_courier");
    snprintf(x->to, sizeof x->to, "signed");
    return db_exec(c->db, e,
                   "UPDATE contracts SET signing_mode = ?, signed_at = ?, signed_by = ?"
                   " WHERE number = ?",
                   "siss", json_string_value(m), c->now, c->user.username, x->number) < 0
               ? -1
               : 0;
}

static int a_archive(struct kact *x, struct osb_err *e)
{
    snprintf(x->to, sizeof x->to, "archived");
    return db_exec(x->c->db, e, "UPDATE contracts SET archived_at = ? WHERE number = ?", "is",
                   x->c->now, x->number) < 0
               ? -1
               : 0;
}

typedef int (*kact_fn)(struct kact *x, struct osb_err *e);

static const struct {
    const char *name;
    enum perm_action perm;
    const char *from;
    kact_fn fn;
} actions[] = {
    {"approve", P_CONTRACT_APPROVE, "draft", a_approve},
    {"sign", P_CONTRACT_SIGN, "approved", a_sign},
    {"archive", P_CONTRACT_ARCHIVE, "signed", a_archive},
};

int contract_act(struct ctx *c, const char *number, const char *action, json_t *body,
                 json_t **out, struct osb_err *e)
{
    *out = NULL;
    size_t ai = 0;
    while (ai < sizeof actions / sizeof actions[0] && strcmp(actions[ai].name, action))
        ai++;
    if (ai == sizeof actions / sizeof actions[0])
        return err_set(e, ERR_NOT_FOUND, "no contract action '%s'", action);
    if (!json_is_object(body))
        return err_bad(e, NULL, "the body must be a JSON object");
    const char *k;
    json_t *v;
    json_object_foreach(body, k, v)
    {
        if (strcmp(k, "comment") && strcmp(k, "signing_mode"))
            return err_bad(e, k, "unknown field '%s'", k);
    }
    json_t *cm = json_object_get(body, "comment");
    if (cm && !json_is_string(cm) && !json_is_null(cm))
        return err_bad(e, "comment", "comment must be a string");
    json_t *r;
    struct order_customer cu;
    if (load(c, number, &r, &cu, e) < 0)
        return -1;
    int rc = -1;
    struct kact x = {c, number, r, &cu, body, ""};
    char from[16];
    snprintf(from, sizeof from, "%s", jstr(r, "state"));
    if (flow_need(c, actions[ai].perm, e) < 0)
        goto out;
    if (strcmp(actions[ai].from, from)) {
        err_state(e, from, "a contract in state %s cannot %s", from, action);
        goto out;
    }
    if (flow_check_version(c, e, jint(r, "version")) < 0 || actions[ai].fn(&x, e) < 0)
        goto out;
    if (event(c, number, action, from, x.to, json_string_value(cm), e) < 0)
        goto out;
    rc = flow_doc_move(c, e, "contracts", "contract", number, action, from, x.to, jint(r, "version"));
    if (rc == 0)
        rc = contract_json(c, number, out, e);
out:
    json_decref(r);
    return rc;
}

int contract_check_for_order(struct ctx *c, const char *number, const char *customer,
                             struct osb_err *e)
{
    json_t *k = NULL;
    int rc = db_row(c->db, e, &k, "SELECT customer, state FROM contracts WHERE number = ?", "s",
                    number);
    if (rc < 0)
        return -1;
    bool ok = rc == 1 && is(jstr(k, "customer"), customer) &&
              (is(jstr(k, "state"), "signed") || is(jstr(k, "state"), "archived"));
    json_decref(k);
    return ok ? 0
              : err_invalid(e, "contract", "unknown_reference",
                            "no signed contract '%s' of customer %s", number, customer);
}
