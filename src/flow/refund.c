/*
 * refund.c — prepayment refunds (TK; flow/refund.h) on the document kernel (flow/doc.h): its
 * table is rules/refund.c, its SQL store/refund.c; here are who may act beyond the matrix,
 * the action functions and the answer.
 *
 * Who (numbering-and-rules.md §3): request — 'B' for ssg_leader and csr (the BCR named on the
 * customer's market) and 'O' for the KAM of the customer; approve — 'S' for the sales
 * director and the deputy (the supervising SLT member of the customer's market), 'P' for
 * their secretaries (on_behalf_of + confirmed_by_phone, the kernel's proxy actor); nobody
 * approves a refund they requested, also not by proxy (flows.md §0.4); pay — finance.
 * Reject is not a matrix row: whoever may take the next step may refuse it (the approver while
 * requested, finance while approved; the table names both rows).
 *
 * Money (flows.md §4.7, entities.md §7.3): the refundable amount is the free prepayment
 * (unapplied receipts and credit notes − active earmarks, §2.5) but only as far as it is cash:
 * a credit note's unapplied credit and a market-expense credit (费用款) are not money the
 * customer paid in, so they are never paid out. Paying draws the amount from the oldest
 * unapplied cash receipts first (refund_draws), lowers their unapplied_fen and posts a
 * prepayment_refund ledger debit, so balance = open receivables − unapplied stays true.
 */
#include "flow/refund.h"

#include "core/field.h"
#include "core/json.h"
#include "core/record.h"
#include "core/str.h"
#include "core/validate.h"
#include "flow/billing.h"
#include "flow/doc.h"
#include "flow/flow.h"
#include "flow/notify.h"
#include "flow/scope.h"
#include "rules/refund.h"
#include "store/ledger.h"
#include "store/order.h"
#include "store/recipients.h"
#include "store/refund.h"

#include <stdlib.h>
#include <string.h>

#define REASON_MAX 500

/* ---- money ------------------------------------------------------------------------------- */

/* What a refund of customer may take now (rules/refund.h); with count_pending, less the other
   refunds still requested or approved (except_refund is the refund itself, may be NULL). */
static int available(struct ctx *c, const char *customer, const char *except_refund,
                     bool count_pending, int64_t *out, struct osb_err *e)
{
    int64_t unapplied = 0, earmarked = 0, cash = 0, pending = 0;
    if (billing_money(c, customer, &unapplied, &earmarked, e) < 0 ||
        store_refund_cash(c->db, e, customer, &cash) < 0 ||
        (count_pending && store_refund_pending(c->db, e, customer, except_refund, &pending) < 0))
        return -1;
    *out = refund_available(unapplied, earmarked, cash, pending);
    return 0;
}

static int exceeds(struct osb_err *e, int64_t amount, int64_t avail)
{
    err_invalid(e, "amount_fen", "refund_exceeds_prepayment",
                "the refund of %lld fen exceeds the free prepayment of %lld fen", (long long)amount,
                (long long)avail);
    e->extra = json_pack("{sI}", "available_fen", (json_int_t)avail);
    return -1;
}

/* ---- the kind ---------------------------------------------------------------------------- */

/* The aggregate the kernel holds: the refund and the facts of its customer. */
struct tdoc {
    struct refund t;
    struct order_customer cu;
};

static int load(struct ctx *c, const struct doc_kind *k, const char *number, void **out,
                struct osb_err *e)
{
    (void)k; /* one kind per loader here */
    struct tdoc *d = calloc(1, sizeof *d);
    if (!d)
        abort();
    int rc = store_refund_load(c->db, e, number, &d->t);
    /* Scope: a refund of a customer the caller does not see is not there (404); a role that
       sees no money gets 403. */
    if (rc == 1)
        rc = scope_money_sees(c, d->t.customer, &d->cu, e);
    if (rc <= 0) {
        store_refund_release(&d->t);
        free(d);
        return rc;
    }
    *out = d;
    return 1;
}

static void tfree(void *p)
{
    struct tdoc *d = p;
    store_refund_release(&d->t);
    free(d);
}

static int tstate(const void *p)
{
    return doc_state_parse(&refund_doc, ((const struct tdoc *)p)->t.state);
}

static int64_t tversion(const void *p)
{
    return ((const struct tdoc *)p)->t.version;
}

/* The approver: the supervising SLT member (actor->who is the principal when a secretary
   signs by proxy). */
static int approver(const struct tdoc *d, const struct doc_actor *actor, struct osb_err *e)
{
    if (!is(actor->who, d->cu.supervisor))
        return err_forbidden(e, actor->obo[0] ? "proxy_not_authorized" : "role",
                             "only the supervising SLT member of market %s (%s) or their "
                             "secretary may do this",
                             d->cu.market, d->cu.supervisor);
    return 0;
}

static int who(struct ctx *c, const void *p, int a, const struct doc_actor *actor,
               struct osb_err *e)
{
    const struct tdoc *d = p;
    switch ((enum refund_action)a) {
    case TA_APPROVE:
        if (approver(d, actor, e) < 0)
            return -1;
        if (is(d->t.requested_by, c->user.username) || is(d->t.requested_by, actor->who))
            return err_forbidden(e, "self_approval", "you may not approve your own refund");
        return 0;
    case TA_REJECT:
        if (is(d->t.state, "requested"))
            return approver(d, actor, e);
        if (is(d->t.state, "approved")) {
            /* Approved: finance, who would pay it, refuses it. */
            if (actor->obo[0])
                return err_forbidden(e, "proxy_not_authorized",
                                     "this action cannot be signed by proxy");
            if (!perm_may_act(P_REFUND_PAY, actor->role))
                return err_forbidden(e, "role", "finance rejects an approved refund");
        }
        return 0; /* any other state: the gate answers 409 */
    case TA_PAY:
        return 0;
    }
    return 0;
}

/* The comment of every step is at most REASON_MAX characters (docs/billing.md). */
static int check(struct doc_act *x, struct osb_err *e)
{
    if (x->comment && !valid_text(x->comment, REASON_MAX, true))
        return err_invalid(e, "comment", "too_long", "comment has at most %d characters",
                           REASON_MAX);
    return 0;
}

static int notify_all(struct ctx *c, json_t *users, const char *event, const char *number,
                      const char *text, struct osb_err *e)
{
    size_t i;
    json_t *u;
    json_array_foreach(users, i, u)
    {
        if (notify(c, e, event, json_string_value(u), number, NULL, "%s", text) < 0)
            return -1;
    }
    return 0;
}

static int a_approve(struct doc_act *x, struct osb_err *e)
{
    struct ctx *c = x->c;
    struct tdoc *d = x->doc;
    int64_t avail = 0;
    if (available(c, d->cu.code, d->t.number, true, &avail, e) < 0)
        return -1;
    if (d->t.amount_fen > avail)
        return exceeds(e, d->t.amount_fen, avail);
    STR_COPY_ARRAY(d->t.approved_by, x->actor.who);
    str_field(d->t.approved_by_proxy, sizeof d->t.approved_by_proxy,
              x->actor.obo[0] ? c->user.username : "", "approved_by_proxy");
    d->t.approved_at = c->now;
    d->t.approved_changed = true;
    json_t *fin = store_role_users(c->db, e, "finance");
    if (!fin)
        return -1;
    char text[128];
    STR_FMT_FITS(text, sizeof "退款申请已批准，请财务付款" + sizeof d->t.number - 1,
                 "退款申请%s已批准，请财务付款", d->t.number);
    int rc = notify_all(c, fin, "refund_approved", d->t.number, text, e);
    json_decref(fin);
    return rc;
}

static int a_reject(struct doc_act *x, struct osb_err *e)
{
    struct ctx *c = x->c;
    struct tdoc *d = x->doc;
    bool by_finance = x->from == TS_APPROVED;
    str_field(d->t.rejected_by, sizeof d->t.rejected_by,
              by_finance ? c->user.username : x->actor.who, "rejected_by");
    d->t.rejected_at = c->now;
    d->t.rejected_changed = true;
    return notify(c, e, "refund_rejected", d->t.requested_by, d->t.number, NULL,
                  by_finance ? "退款申请%s被财务退回" : "退款申请%s未获批准", d->t.number);
}

/* Finance pays: the amount must still be free (money may have been applied or earmarked since
   the request); it is drawn from the oldest unapplied cash receipts first. */
static int a_pay(struct doc_act *x, struct osb_err *e)
{
    struct ctx *c = x->c;
    struct tdoc *d = x->doc;
    const char *customer = d->cu.code;
    int64_t amount = d->t.amount_fen, avail = 0;
    if (available(c, customer, d->t.number, false, &avail, e) < 0)
        return -1;
    if (amount > avail)
        return exceeds(e, amount, avail);
    json_t *src = store_refund_sources(c->db, e, customer);
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
        rc = store_refund_take(c->db, e, &d->t, jstr(s, "number"), take);
        left -= take;
    }
    json_decref(src);
    if (rc < 0)
        return -1;
    if (left != 0) /* available() counted only what these receipts hold */
        return exceeds(e, amount, amount - left);
    char today[11];
    date_format(flow_today(c), today);
    struct ledger_post lp = {customer, today, "prepayment_refund", d->t.number, NULL, amount,
                             0,        c->now};
    STR_COPY_ARRAY(d->t.paid_by, c->user.username);
    d->t.paid_at = c->now;
    d->t.paid_changed = true;
    if (store_ledger_append(c->db, e, &lp) < 0 ||
        flow_money_changed(c, customer, e) < 0) /* flows.md §2.5: re-check on money */
        return -1;
    return notify(c, e, "refund_paid", d->t.requested_by, d->t.number, NULL, "退款%s已付款",
                  d->t.number);
}

static int save(struct doc_act *x, struct osb_err *e)
{
    struct tdoc *d = x->doc;
    json_object_set_new(x->audit_after, "amount_fen", json_integer(d->t.amount_fen));
    return store_refund_save(x->c->db, e, &d->t, doc_state_str(&refund_doc, x->to), x->c->now);
}

static int event(struct doc_act *x, struct osb_err *e)
{
    const struct doc_type *t = x->kind->type;
    return store_refund_event(x->c->db, e, ((struct tdoc *)x->doc)->t.number, x->c->now,
                              t->actions[x->action].name, x->c->user.username, x->actor.obo,
                              doc_state_str(t, x->from), doc_state_str(t, x->to), x->comment);
}

/* ---- the answer (shared with write_off.c through refund_ts / refund_timeline_json) -------- */

json_t *refund_ts(const struct ctx *c, int64_t t)
{
    if (!t)
        return json_null();
    json_t *o = json_pack("{sI}", "t", (json_int_t)t);
    flow_ts(c, o, "t");
    json_t *v = json_incref(json_object_get(o, "t"));
    json_decref(o);
    return v;
}

json_t *refund_str(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

json_t *refund_timeline_json(struct ctx *c, const char *number, struct osb_err *e)
{
    json_t *tl = store_refund_timeline(c->db, e, number);
    if (tl) {
        size_t i;
        json_t *it;
        json_array_foreach(tl, i, it) flow_ts(c, it, "at");
    }
    return tl;
}

static int answer(struct ctx *c, void *p, json_t **out, struct osb_err *e)
{
    const struct refund *t = &((struct tdoc *)p)->t;
    json_t *tl = refund_timeline_json(c, t->number, e);
    if (!tl)
        return -1;
    json_t *draws = json_array();
    for (size_t i = 0; i < t->ndraws; i++)
        json_array_append_new(draws, json_pack("{ss sI}", "payment", t->draws[i].payment,
                                               "amount_fen", (json_int_t)t->draws[i].amount_fen));
    json_t *o = json_object();
    json_object_set_new(o, "number", json_string(t->number));
    json_object_set_new(o, "customer", json_string(t->customer));
    json_object_set_new(o, "amount_fen", json_integer(t->amount_fen));
    json_object_set_new(o, "reason", json_string(t->reason ? t->reason : ""));
    json_object_set_new(o, "state", json_string(t->state));
    json_object_set_new(o, "requested_by", json_string(t->requested_by));
    json_object_set_new(o, "approved_by", refund_str(t->approved_by));
    json_object_set_new(o, "approved_by_proxy", refund_str(t->approved_by_proxy));
    json_object_set_new(o, "approved_at", refund_ts(c, t->approved_at));
    json_object_set_new(o, "rejected_by", refund_str(t->rejected_by));
    json_object_set_new(o, "rejected_at", refund_ts(c, t->rejected_at));
    json_object_set_new(o, "paid_by", refund_str(t->paid_by));
    json_object_set_new(o, "paid_at", refund_ts(c, t->paid_at));
    json_object_set_new(o, "version", json_integer(t->version));
    json_object_set_new(o, "created_at", refund_ts(c, t->created_at));
    json_object_set_new(o, "updated_at", refund_ts(c, t->updated_at));
    json_object_set_new(o, "draws", draws);
    json_object_set_new(o, "timeline", tl);
    *out = o;
    return 0;
}

static const doc_run_fn run[] = {
    [TA_APPROVE] = a_approve, [TA_REJECT] = a_reject, [TA_PAY] = a_pay};

static const struct doc_kind kind = {
    .type = &refund_doc,
    .load = load,
    .free = tfree,
    .state = tstate,
    .version = tversion,
    .who = who,
    .check = check,
    .run = run,
    .save = save,
    .event = event,
    .json = answer,
};

/* The work queue (flow/queue.c) lists documents of this kind. */
const struct doc_kind *const refund_doc_kind = &kind;

int refund_get(struct ctx *c, const char *number, json_t **out, struct osb_err *e)
{
    return doc_get(c, &kind, number, out, e);
}

int refund_list(struct ctx *c, const struct refund_query *q, json_t **out, struct osb_err *e)
{
    *out = NULL;
    if (doc_state_filter(&refund_doc, q->state, e) < 0)
        return -1;
    if (!scope_role_reads_money(c->user.role))
        return err_forbidden(e, "role", "the role %s does not see refunds", role_str(c->user.role));
    struct scope_user su;
    ctx_scope_user(c, &su);
    struct refund_filter f = {q->customer, q->state, q->cursor, q->limit, q->q};
    json_t *nums;
    char *next;
    if (store_refund_list(c->db, e, &su, &f, &nums, &next) < 0)
        return -1;
    int rc = flow_doc_items(c, nums, next, refund_get, out, e);
    json_decref(nums);
    free(next);
    return rc;
}

int refund_act(struct ctx *c, const char *number, const char *action, json_t *body, json_t **out,
               struct osb_err *e)
{
    return doc_act(c, &kind, number, action, body, out, e);
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
        return err_forbidden(e, "role",
                             "only the customer's KAM (%s) or the BCR of market %s"
                             " requests a refund",
                             cu->kam, cu->market);
    }
    char bcr[40];
    if (store_refund_market_bcr(c->db, e, cu->market, bcr) < 0)
        return -1;
    if (!is(bcr, c->user.username))
        return err_forbidden(e, "role",
                             "only the BCR of market %s or the customer's KAM"
                             " requests a refund",
                             cu->market);
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
    int f = store_order_customer(c->db, e, customer, &cu);
    if (f < 0)
        goto out;
    /* A customer the caller does not see reads as unknown (no leak, §4). */
    if (f == 0 || !scope_sees(c, &cu)) {
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
    struct refund t = {0};
    str_field(t.customer, sizeof t.customer, customer, "customer");
    STR_COPY_ARRAY(t.requested_by, c->user.username);
    t.reason = (char *)jstr(n, "reason");
    t.amount_fen = amount;
    t.created_at = c->now;
    if (flow_docno(c, e, "TK", t.number) < 0 || store_refund_insert(c->db, e, &t) < 0 ||
        store_refund_event(c->db, e, t.number, c->now, "request", c->user.username, NULL, NULL,
                           "requested", NULL) < 0)
        goto out;
    json_t *after =
        json_pack("{ss sI ss ss}", "customer", customer, "amount_fen", (json_int_t)amount, "reason",
                  jstr(n, "reason"), "state", "requested");
    rc = flow_audit(c, e, "request", "refund", t.number, NULL, after);
    json_decref(after);
    if (rc == 0 && cu.supervisor[0])
        rc = notify(c, e, "refund_requested", cu.supervisor, t.number, NULL,
                    "客户%s退款申请%s（%lld.%02lld元）待审批", customer, t.number,
                    (long long)(amount / 100), (long long)(amount % 100));
    if (rc == 0)
        rc = refund_get(c, t.number, out, e);
out:
    json_decref(n);
    return rc;
}
