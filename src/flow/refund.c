/*
 * refund.c — prepayment refunds (TK; flow/refund.h), plus the timeline shared with
 * write-offs.
 *
 * Who (numbering-and-rules.md §3): request — 'B' for ssg_leader and csr (the BCR named on the
 * customer's market) and 'O' for the KAM of the customer; approve — 'S' for the sales
 * director and the deputy (the supervising SLT member of the customer's market), 'P' for
 * their secretaries (on_behalf_of + confirmed_by_phone, as for orders); pay — finance.
 * Reject is not a matrix row: whoever may take the next step may refuse it (the approver while
 * requested, finance while approved).
 *
 * Money (flows.md §4.7, entities.md §7.3): the refundable amount is the free prepayment
 * (unapplied receipts and credit notes − active earmarks, §2.5) but only as far as it is cash:
 * a credit note's unapplied credit and a market-expense credit (费用款) are not money the
 * customer paid in, so they are never paid out. Paying draws the amount from the oldest
 * unapplied cash receipts first (refund_draws), lowers their unapplied_fen and posts a
 * prepayment_refund ledger debit, so balance = open receivables − unapplied stays true.
 */
#include "flow/refund.h"

#include "core/json.h"
#include "core/money.h"
#include "core/record.h"
#include "core/sb.h"
#include "core/validate.h"
#include "flow/billing.h"
#include "flow/flow.h"
#include "flow/notify.h"
#include "flow/order.h"
#include "flow/session.h"
#include "store/ledger.h"
#include "store/order.h"

#include <stdlib.h>
#include <string.h>

#define REASON_MAX 500

/* ---- timeline (shared with write_off.c) -------------------------------------------------- */

int refund_event(struct ctx *c, const char *number, const char *action, const char *obo,
                 const char *from, const char *to, const char *comment, struct osb_err *e)
{
    return db_exec(c->db, e,
                   "INSERT INTO bc_doc_events(document, at, action, actor, on_behalf_of,"
                   " from_state, to_state, comment) VALUES(?,?,?,?,?,?,?,?)",
                   "sissssss", number, c->now, action, c->user.username, obo, from, to,
                   comment) < 0
               ? -1
               : 0;
}

json_t *refund_timeline(struct ctx *c, const char *number, struct osb_err *e)
{
    json_t *tl = db_rows(c->db, e,
                         "SELECT action, actor, on_behalf_of, at, from_state, to_state, comment"
                         " FROM bc_doc_events WHERE document = ? ORDER BY id",
                         "s", number);
    size_t i;
    json_t *it;
    if (tl)
        json_array_foreach(tl, i, it) flow_ts(c, it, "at");
    return tl;
}

/* ---- money ------------------------------------------------------------------------------- */

/* What a refund of customer may take now: min(Σ unapplied cash receipts, free prepayment);
   with count_pending, less the other refunds still requested or approved (except_refund is
   the refund itself, may be NULL). Never below 0. */
static int available(struct ctx *c, const char *customer, const char *except_refund,
                     bool count_pending, int64_t *out, struct osb_err *e)
{
    int64_t unapplied = 0, earmarked = 0, cash = 0, pending = 0;
    if (billing_money(c, customer, &unapplied, &earmarked, e) < 0 ||
        db_int(c->db, e, &cash,
               "SELECT coalesce(sum(unapplied_fen), 0) FROM payments WHERE customer = ?"
               " AND state = 'registered' AND kind = 'payment'",
               "s", customer) < 0)
        return -1;
    if (count_pending &&
        db_int(c->db, e, &pending,
               "SELECT coalesce(sum(amount_fen), 0) FROM refunds WHERE customer = ?"
               " AND state IN ('requested', 'approved') AND number <> ?",
               "ss", customer, except_refund ? except_refund : "") < 0)
        return -1;
    int64_t v = unapplied - earmarked;
    if (cash < v)
        v = cash;
    v -= pending;
    *out = v > 0 ? v : 0;
    return 0;
}

static int exceeds(struct osb_err *e, int64_t amount, int64_t avail)
{
    err_invalid(e, "amount_fen", "refund_exceeds_prepayment",
                "the refund of %lld fen exceeds the free prepayment of %lld fen",
                (long long)amount, (long long)avail);
    e->extra = json_pack("{sI}", "available_fen", (json_int_t)avail);
    return -1;
}

/* ---- reading ----------------------------------------------------------------------------- */

static int tk_json(struct ctx *c, const char *number, json_t **out, struct osb_err *e)
{
    json_t *o = NULL;
    int rc = db_row(c->db, e, &o,
                    "SELECT number, customer, amount_fen, reason, state, requested_by,"
                    " approved_by, approved_by_proxy, approved_at, rejected_by, rejected_at,"
                    " paid_by, paid_at, version, created_at, updated_at FROM refunds"
                    " WHERE number = ?",
                    "s", number);
    if (rc <= 0)
        return rc < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "no refund '%s'", number);
    json_t *draws = db_rows(c->db, e,
                            "SELECT payment, amount_fen FROM refund_draws WHERE refund = ?"
                            " ORDER BY rowid",
                            "s", number);
    json_t *tl = draws ? refund_timeline(c, number, e) : NULL;
    if (!tl) {
        json_decref(o), json_decref(draws);
        return -1;
    }
    static const char *const times[] = {"approved_at", "rejected_at", "paid_at", "created_at",
                                        "updated_at"};
    for (size_t k = 0; k < sizeof times / sizeof times[0]; k++)
        flow_ts(c, o, times[k]);
    json_object_set_new(o, "draws", draws);
    json_object_set_new(o, "timeline", tl);
    *out = o;
    return 0;
}

int refund_get(struct ctx *c, const char *number, json_t **out, struct osb_err *e)
{
    *out = NULL;
    char *cust = NULL;
    if (db_text(c->db, e, &cust, "SELECT customer FROM refunds WHERE number = ?", "s", number) < 0)
        return -1;
    int rc = cust ? scope_money_sees(c, cust, e) : 0;
    free(cust);
    if (rc <= 0)
        return rc < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "no refund '%s'", number);
    return tk_json(c, number, out, e);
}

int refund_list(struct ctx *c, const struct refund_query *q, json_t **out, struct osb_err *e)
{
    *out = NULL;
    static const char *const states[] = {"requested", "approved", "paid", "rejected", NULL};
    if (flow_state_filter(states, q->state, e) < 0)
        return -1;
    if (!scope_role_reads_money(c->user.role))
        return err_forbidden(e, "role", "the role %s does not see refunds",
                             role_str(c->user.role));
    json_t *p = json_array();
    struct sb sql = SB_INIT;
    sb_add(&sql, "SELECT t.number FROM refunds t JOIN customers cu ON cu.code = t.customer"
                 " WHERE 1=1");
    scope_money_sql(c, &sql, p, "cu");
    flow_filter_eq(&sql, p, "t.customer", q->customer);
    flow_filter_eq(&sql, p, "t.state", q->state);
    return flow_doc_page(c, &sql, p, "t.number", q->cursor, q->limit, tk_json, out, e);
}

/* ---- request ----------------------------------------------------------------------------- */

static const struct field_def fields[] = {
    {"customer", FK_REF, 0, 0, F_REQUIRED, "customers", 0, 0},
    {"amount_fen", FK_FEN, 1, 0, F_REQUIRED, 0, 0, "amount_not_positive"},
    {"reason", FK_LONG, 0, REASON_MAX, F_REQUIRED, 0, 0, 0},
};
static const struct record_def def = {"refunds", "number", "refund", fields,
                                      sizeof fields / sizeof fields[0]};

/* 'B': the BCR named on the customer's market; 'O': the customer's KAM. */
static int may_request(struct ctx *c, const struct order_customer *cu, struct osb_err *e)
{
    char sym = perm_symbol(P_REFUND_REQUEST, c->user.role);
    if (sym == 'O') {
        if (c->user.role == ROLE_KAM && is(cu->kam, c->user.username))
            return 0;
        return err_forbidden(e, "role", "only the customer's KAM (%s) or the BCR of market %s"
                             " requests a refund", cu->kam, cu->market);
    }
    char *bcr = NULL;
    if (db_text(c->db, e, &bcr, "SELECT bcr FROM markets WHERE code = ?", "s", cu->market) < 0)
        return -1;
    bool ok = is(bcr, c->user.username);
    free(bcr);
    if (!ok)
        return err_forbidden(e, "role", "only the BCR of market %s or the customer's KAM"
                             " requests a refund", cu->market);
    return 0;
}

int refund_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    json_t *n = NULL;
    int rc = -1;
    if (flow_need(c, P_REFUND_REQUEST, e) < 0 || record_check(&def, body, true, &n, e) < 0)
        goto out;
    const char *customer = jstr(n, "customer");
    int64_t amount = jint(n, "amount_fen");
    struct order_customer cu;
    struct scope_user su;
    ctx_scope_user(c, &su);
    int f = store_order_customer(c->db, e, customer, &cu);
    if (f < 0)
        goto out;
    struct scope_customer sc = {cu.market, cu.region, cu.kam, cu.rep, cu.kam_manager,
                                cu.supervisor};
    /* A customer the caller does not see reads as unknown (no leak, §4). */
    if (f == 0 || !scope_sees_customer(&su, &sc)) {
        err_invalid(e, "customer", "unknown_reference", "no customer '%s'", customer);
        goto out;
    }
    if (may_request(c, &cu, e) < 0)
        goto out;
    int64_t avail = 0;
    if (available(c, customer, NULL, true, &avail, e) < 0)
        goto out;
    if (amount > avail) {
        exceeds(e, amount, avail);
        goto out;
    }
    char number[DOCNO_MAX];
    if (flow_docno(c, e, "TK", number) < 0 ||
        db_exec(c->db, e,
                "INSERT INTO refunds(number, customer, amount_fen, reason, requested_by,"
                " created_at, updated_at) VALUES(?,?,?,?,?,?,?)",
                "ssissii", number, customer, amount, jstr(n, "reason"), c->user.username,
                c->now, c->now) < 0 ||
        refund_event(c, number, "request", NULL, NULL, "requested", NULL, e) < 0)
        goto out;
    json_t *after = json_pack("{ss sI ss ss}", "customer", customer, "amount_fen",
                              (json_int_t)amount, "reason", jstr(n, "reason"), "state",
                              "requested");
    rc = flow_audit(c, e, "request", "refund", number, NULL, after);
    json_decref(after);
    if (rc == 0 && cu.supervisor[0])
        rc = notify(c, e, "refund_requested", cu.supervisor, number, NULL,
                    "客户%s退款申请%s（%lld.%02lld元）待审批", customer, number,
                    (long long)(amount / 100), (long long)(amount % 100));
    if (rc == 0)
        rc = tk_json(c, number, out, e);
out:
    json_decref(n);
    return rc;
}

/* ---- actions ----------------------------------------------------------------------------- */

struct tkact {
    struct ctx *c;
    const char *number;
    json_t *r; /* the refund row */
    struct order_customer *cu;
    json_t *body;
    char obo[40]; /* the principal when a secretary signs */
    char to[16];
};

/* The approver: the supervising SLT member, or their secretary with on_behalf_of and
   confirmed_by_phone (flows.md §0.3). Nobody approves a refund they requested. */
static int a_approve_or_reject(struct tkact *x, bool approve, struct osb_err *e)
{
    struct ctx *c = x->c;
    char sym = perm_symbol(P_REFUND_APPROVE, c->user.role);
    json_t *obo = json_object_get(x->body, "on_behalf_of");
    json_t *ph = json_object_get(x->body, "confirmed_by_phone");
    if (obo && !json_is_null(obo) && !json_is_string(obo))
        return err_bad(e, "on_behalf_of", "on_behalf_of must be a username");
    if (ph && !json_is_boolean(ph))
        return err_bad(e, "confirmed_by_phone", "confirmed_by_phone must be true or false");
    const char *principal = c->user.username;
    if (sym == 'P') {
        const char *p = json_string_value(obo);
        if (!p)
            return err_forbidden(e, "proxy_not_authorized",
                                 "sign on behalf of your principal (on_behalf_of, "
                                 "confirmed_by_phone)");
        if (!is(c->user.proxy_for, p))
            return err_forbidden(e, "proxy_not_authorized", "you are not the secretary of '%s'",
                                 p);
        struct user pu;
        bool active = false;
        int rc = session_load_user(c->db, e, p, &pu, &active, NULL);
        if (rc < 0)
            return -1;
        if (rc == 0 || !active)
            return err_forbidden(e, "proxy_not_authorized", "no active principal '%s'", p);
        if (!json_is_true(ph))
            return err_invalid(e, "confirmed_by_phone", "phone_confirmation_required",
                               "a proxy signature needs the principal's consent by phone "
                               "(confirmed_by_phone: true)");
        snprintf(x->obo, sizeof x->obo, "%s", p);
        principal = x->obo;
    } else if (json_string_value(obo)) {
        return err_forbidden(e, "proxy_not_authorized", "you sign in your own name");
    }
    if (!is(principal, x->cu->supervisor))
        return err_forbidden(e, x->obo[0] ? "proxy_not_authorized" : "role",
                             "only the supervising SLT member of market %s (%s) or their "
                             "secretary may do this",
                             x->cu->market, x->cu->supervisor);
    const char *req = jstr(x->r, "requested_by");
    if (approve && (is(req, c->user.username) || is(req, principal)))
        return err_forbidden(e, "self_approval", "you may not approve your own refund");
    if (approve) {
        int64_t avail = 0;
        if (available(c, x->cu->code, x->number, true, &avail, e) < 0)
            return -1;
        if (jint(x->r, "amount_fen") > avail)
            return exceeds(e, jint(x->r, "amount_fen"), avail);
    }
    snprintf(x->to, sizeof x->to, approve ? "approved" : "rejected");
    int rc = approve ? db_exec(c->db, e,
                               "UPDATE refunds SET approved_by = ?, approved_by_proxy = ?,"
                               " approved_at = ? WHERE number = ?",
                               "ssis", principal, x->obo[0] ? c->user.username : NULL, c->now,
                               x->number)
                     : db_exec(c->db, e,
                               "UPDATE refunds SET rejected_by = ?, rejected_at = ?"
                               " WHERE number = ?",
                               "sis", principal, c->now, x->number);
    if (rc < 0)
        return -1;
    if (approve) {
        json_t *fin = db_rows(c->db, e,
                              "SELECT username FROM users WHERE role = 'finance' AND active = 1"
                              " ORDER BY username",
                              NULL);
        if (!fin)
            return -1;
        size_t i;
        json_t *u;
        rc = 0;
        json_array_foreach(fin, i, u) if (rc == 0) rc =
            notify(c, e, "refund_approved", jstr(u, "username"), x->number, NULL,
                   "退款申请%s已批准，请财务付款", x->number);
        json_decref(fin);
        return rc;
    }
    return notify(c, e, "refund_rejected", req, x->number, NULL, "退款申请%s未获批准",
                  x->number);
}

static int a_approve(struct tkact *x, struct osb_err *e) { return a_approve_or_reject(x, true, e); }

static int a_reject(struct tkact *x, struct osb_err *e)
{
    if (is(jstr(x->r, "state"), "requested"))
        return a_approve_or_reject(x, false, e);
    /* Approved: finance, who would pay it, refuses it. */
    if (flow_need(x->c, P_REFUND_PAY, e) < 0)
        return -1;
    if (json_string_value(json_object_get(x->body, "on_behalf_of")))
        return err_forbidden(e, "proxy_not_authorized", "this action cannot be signed by proxy");
    snprintf(x->to, sizeof x->to, "rejected");
    if (db_exec(x->c->db, e, "UPDATE refunds SET rejected_by = ?, rejected_at = ? WHERE number = ?",
                "sis", x->c->user.username, x->c->now, x->number) < 0)
        return -1;
    return notify(x->c, e, "refund_rejected", jstr(x->r, "requested_by"), x->number, NULL,
                  "退款申请%s被财务退回", x->number);
}

/* Finance pays: the amount must still be free (money may have been applied or earmarked since
   the request); it is drawn from the oldest unapplied cash receipts first. */
static int a_pay(struct tkact *x, struct osb_err *e)
{
    struct ctx *c = x->c;
    if (json_string_value(json_object_get(x->body, "on_behalf_of")))
        return err_forbidden(e, "proxy_not_authorized", "this action cannot be signed by proxy");
    const char *customer = x->cu->code;
    int64_t amount = jint(x->r, "amount_fen"), avail = 0;
    if (available(c, customer, x->number, false, &avail, e) < 0)
        return -1;
    if (amount > avail)
        return exceeds(e, amount, avail);
    json_t *src = db_rows(c->db, e,
                          "SELECT number, unapplied_fen FROM payments WHERE customer = ?"
                          " AND state = 'registered' AND kind = 'payment' AND unapplied_fen > 0"
                          " ORDER BY received_on, id",
                          "s", customer);
    if (!src)
        return -1;
    int64_t left = amount;
    size_t i;
    json_t *s;
    int rc = 0;
    json_array_foreach(src, i, s)
    {
        if (left == 0 || rc < 0)
            break;
        int64_t take = jint(s, "unapplied_fen") < left ? jint(s, "unapplied_fen") : left;
        if (db_exec(c->db, e,
                    "INSERT INTO refund_draws(refund, payment, amount_fen) VALUES(?,?,?)", "ssi",
                    x->number, jstr(s, "number"), take) < 0 ||
            db_exec(c->db, e,
                    "UPDATE payments SET unapplied_fen = unapplied_fen - ? WHERE number = ?",
                    "is", take, jstr(s, "number")) < 0)
            rc = -1;
        left -= take;
    }
    json_decref(src);
    if (rc < 0)
        return -1;
    if (left != 0) /* available() counted only what these receipts hold */
        return exceeds(e, amount, amount - left);
    char today[11];
    date_format(flow_today(c), today);
    struct ledger_post lp = {customer, today, "prepayment_refund", x->number, NULL,
                             amount,   0,     c->now};
    snprintf(x->to, sizeof x->to, "paid");
    if (store_ledger_append(c->db, e, &lp) < 0 ||
        db_exec(c->db, e, "UPDATE refunds SET paid_by = ?, paid_at = ? WHERE number = ?", "sis",
                c->user.username, c->now, x->number) < 0 ||
        order_recheck_customer(c, customer, e) < 0) /* flows.md §2.5: re-check on money */
        return -1;
    return notify(c, e, "refund_paid", jstr(x->r, "requested_by"), x->number, NULL,
                  "退款%s已付款", x->number);
}

typedef int (*tkact_fn)(struct tkact *x, struct osb_err *e);

static const struct {
    const char *name;
    enum perm_action perm;
    const char *from[2];
    tkact_fn fn;
} actions[] = {
    {"approve", P_REFUND_APPROVE, {"requested"}, a_approve},
    /* requested: the approver; approved: finance (checked by a_reject). */
    {"reject", P__COUNT, {"requested", "approved"}, a_reject},
    {"pay", P_REFUND_PAY, {"approved"}, a_pay},
};

int refund_act(struct ctx *c, const char *number, const char *action, json_t *body, json_t **out,
               struct osb_err *e)
{
    *out = NULL;
    size_t ai = 0;
    while (ai < sizeof actions / sizeof actions[0] && strcmp(actions[ai].name, action))
        ai++;
    if (ai == sizeof actions / sizeof actions[0])
        return err_set(e, ERR_NOT_FOUND, "no refund action '%s'", action);
    json_t *r = NULL;
    int rc = db_row(c->db, e, &r,
                    "SELECT number, customer, amount_fen, state, version, requested_by"
                    " FROM refunds WHERE number = ?",
                    "s", number);
    if (rc < 0)
        return -1;
    /* Scope first: a refund of a customer the caller does not see is not there (404). */
    int seen = rc == 1 ? scope_money_sees(c, jstr(r, "customer"), e) : 0;
    struct order_customer cu;
    if (seen == 1 && store_order_customer(c->db, e, jstr(r, "customer"), &cu) != 1)
        seen = -1;
    if (seen <= 0) {
        json_decref(r);
        return seen < 0 || !err_ok(e) ? -1 : err_set(e, ERR_NOT_FOUND, "no refund '%s'", number);
    }
    struct tkact x = {c, number, r, &cu, body, "", ""};
    rc = -1;
    char from[16];
    snprintf(from, sizeof from, "%s", jstr(r, "state"));
    enum perm_action need = actions[ai].perm;
    /* reject: the approver while requested, finance while approved; in any other state
       either may hear that the refund cannot be rejected any more (409). */
    if (need == P__COUNT)
        need = is(from, "requested")                           ? P_REFUND_APPROVE
               : is(from, "approved")                          ? P_REFUND_PAY
               : perm_may_act(P_REFUND_PAY, c->user.role) ? P_REFUND_PAY
                                                               : P_REFUND_APPROVE;
    if (flow_need(c, need, e) < 0)
        goto out;
    bool ok = false;
    for (size_t i = 0; i < 2 && actions[ai].from[i]; i++)
        ok = ok || strcmp(actions[ai].from[i], from) == 0;
    if (!ok) {
        err_state(e, from, "a refund in state %s cannot %s", from, action);
        goto out;
    }
    if (flow_check_version(c, e, jint(r, "version")) < 0)
        goto out;
    if (!json_is_object(body)) {
        err_bad(e, NULL, "the body must be a JSON object");
        goto out;
    }
    const char *k;
    json_t *v;
    json_object_foreach(body, k, v) if (strcmp(k, "comment") && strcmp(k, "on_behalf_of") &&
                                        strcmp(k, "confirmed_by_phone"))
    {
        err_bad(e, k, "unknown field '%s'", k);
        goto out;
    }
    json_t *cm = json_object_get(body, "comment");
    if (cm && !json_is_string(cm) && !json_is_null(cm)) {
        err_bad(e, "comment", "comment must be a string");
        goto out;
    }
    if (json_is_string(cm) && !valid_text(json_string_value(cm), REASON_MAX, true)) {
        err_invalid(e, "comment", "too_long", "comment has at most %d characters", REASON_MAX);
        goto out;
    }
    if (actions[ai].fn(&x, e) < 0 ||
        refund_event(c, number, action, x.obo[0] ? x.obo : NULL, from, x.to,
                     json_string_value(cm), e) < 0 ||
        db_exec(c->db, e,
                "UPDATE refunds SET state = ?, version = version + 1, updated_at = ?"
                " WHERE number = ?",
                "sis", x.to, c->now, number) < 0)
        goto out;
    json_t *before = json_pack("{ss sI}", "state", from, "version", (json_int_t)jint(r, "version"));
    json_t *after = json_pack("{ss sI sI}", "state", x.to, "version",
                              (json_int_t)(jint(r, "version") + 1), "amount_fen",
                              (json_int_t)jint(r, "amount_fen"));
    rc = flow_audit_obo(c, e, x.obo[0] ? x.obo : NULL, action, "refund", number, before, after);
    json_decref(before);
    json_decref(after);
    if (rc == 0)
        rc = tk_json(c, number, out, e);
out:
    json_decref(r);
    return rc;
}
