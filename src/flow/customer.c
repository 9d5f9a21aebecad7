/*
 * customer.c — the customer as a document (flow/customer.h): its lifecycle on the kernel
 * (flow/doc.h; table rules/customer.c), how a customer answer looks to each department, and
 * credit incidents entered by hand.
 *
 * Who (flows.md §1, numbering-and-rules.md §3): submit — the customer's KAM; qualify —
 * finance (a note is required); approve, suspend, reactivate, lift-credit-hold,
 * set-payment-term — the supervising SLT member of the customer's market (market.slt_supervisor)
 * or their secretary on their behalf; reject — finance or that SLT member; close — ssg_leader.
 * Nobody approves a prospect they created (flows.md §0.4, rule self_approval), a secretary
 * included. An approved prospect starts with limit 0 and term 0 (api.md §5.9): its first
 * figures come from a credit review.
 */
#include "flow/customer.h"

#include "core/date.h"
#include "core/json.h"
#include "core/money.h"
#include "core/str.h"
#include "flow/doc.h"
#include "flow/flow.h"
#include "flow/notify.h"
#include "rules/customer.h"
#include "store/credit.h"
#include "store/customer.h"
#include "store/masterdata.h"
#include "store/recipients.h"
#include "store/settings.h"

#include <stdlib.h>
#include <string.h>

/* The aggregate the kernel holds: the stored row, its market's SLT supervisor, and the
   columns the action changes (written by save in one UPDATE). */
struct cdoc {
    json_t *row;
    char supervisor[40];
    json_t *changes;
};

static const char *str(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* ---- what a department sees ------------------------------------------------------------ */

bool customer_sees(struct ctx *c, json_t *row, const char *supervisor)
{
    struct scope_user su;
    ctx_scope_user(c, &su);
    struct scope_customer sc = {
        str(row, "market"), str(row, "region"), str(row, "kam"), str(row, "rep"), NULL, supervisor};
    return scope_sees_customer(&su, &sc);
}

/* Fields of a customer shown to the departments that see only part of it (§4). */
/* clang-format off */
static const char *const logistics_view[] = {
    "code", "name", "short_name", "market", "region", "kam", "status", "consignee",
    "consignee_phone", "consignment_station", "carrier", "delivery_address", "arrival_address",
    "transit_days", "last_confirmed_on", "address", "phone", "version", NULL};
static const char *const finance_keys[] = {
    "credit_limit_fen", "payment_term_days", "prepay_only", "credit_hold", "credit_hold_reason",
    "grade", "assets_fen", "bank_name", "bank_account", "qualified_note", "credit_status_note",
    NULL};
/* clang-format on */

bool customer_filter(struct ctx *c, json_t *row)
{
    enum role r = c->user.role;
    if (r == ROLE_WAREHOUSE) {
        json_t *keep = json_object();
        for (const char *const *k = logistics_view; *k; k++) {
            json_t *v = json_object_get(row, *k);
            if (v)
                json_object_set(keep, *k, v);
        }
        json_object_clear(row);
        json_object_update(row, keep);
        json_decref(keep);
        return false;
    }
    if (!scope_sees_credit(r)) {
        for (const char *const *k = finance_keys; *k; k++)
            json_object_del(row, *k);
        return false;
    }
    return true;
}

/* The answer of a stored row (times as RFC 3339, the department's fields, the credit figures),
   without allowed_actions. */
static json_t *view_as(struct ctx *c, json_t *stored, bool paged, const struct credit_figures *pre)
{
    json_t *row = json_deep_copy(stored);
    static const char *const ts[] = {"created_at", "updated_at", "qualified_at"};
    for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++)
        flow_ts(c, row, ts[i]);
    if (customer_filter(c, row)) {
        struct credit_figures f = {0};
        struct osb_err e = OSB_ERR_INIT;
        if (paged) {
            if (pre) /* read for the page (customer_answer_page); NULL: they failed */
                json_object_set_new(row, "credit", credit_json(pre));
        } else if (store_credit_figures(c->db, &e, str(row, "code"), flow_today(c), NULL, &f) ==
                   0) {
            json_object_set_new(row, "credit", credit_json(&f));
        }
        err_clear(&e);
    }
    return row;
}

static json_t *view(struct ctx *c, json_t *stored)
{
    return view_as(c, stored, false, NULL);
}

/* ---- the document kind ----------------------------------------------------------------- */

static int supervisor_of(struct ctx *c, json_t *row, char *out, size_t n, struct osb_err *e)
{
    char *sup = NULL;
    if (store_market_supervisor(c->db, e, str(row, "market"), &sup) < 0)
        return -1;
    int rc = str_copy(out, n, sup ? sup : "") < 0 ? err_set(e, ERR_INTERNAL, "supervisor") : 0;
    free(sup);
    return rc;
}

static int load(struct ctx *c, const struct doc_kind *k, const char *code, void **out,
                struct osb_err *e)
{
    (void)k; /* one kind per loader here */
    json_t *row = NULL;
    int rc = rec_get(c->db, e, &rd_customer, code, &row);
    if (rc <= 0)
        return rc;
    struct cdoc *d = calloc(1, sizeof *d);
    d->row = row;
    d->changes = json_object();
    if (supervisor_of(c, row, d->supervisor, sizeof d->supervisor, e) < 0)
        rc = -1;
    else if (!customer_sees(c, row, d->supervisor))
        rc = 0;
    if (rc <= 0) {
        json_decref(d->row);
        json_decref(d->changes);
        free(d);
        return rc;
    }
    *out = d;
    return 1;
}

static void cfree(void *p)
{
    struct cdoc *d = p;
    json_decref(d->row);
    json_decref(d->changes);
    free(d);
}

static int cstate(const void *p)
{
    return doc_state_parse(&customer_doc, str(((const struct cdoc *)p)->row, "status"));
}

static int64_t cversion(const void *p)
{
    return json_integer_value(json_object_get(((const struct cdoc *)p)->row, "version"));
}

static bool is_supervisor(const struct doc_actor *a, const struct cdoc *d)
{
    return (a->role == ROLE_SALES_DIRECTOR || a->role == ROLE_DEPUTY_DIRECTOR) &&
           d->supervisor[0] && is(a->who, d->supervisor);
}

static int who(struct ctx *c, const void *p, int a, const struct doc_actor *actor,
               struct osb_err *e)
{
    const struct cdoc *d = p;
    switch ((enum customer_action)a) {
    case CA_SUBMIT:
        if (!is(str(d->row, "kam"), actor->who))
            return err_forbidden(e, "role", "only the customer's KAM submits it for review");
        return 0;
    case CA_QUALIFY:
        /* Qualified once: the customer waits on its SLT member now, no longer on finance. */
        if (json_is_true(json_object_get(d->row, "qualified"))) {
            err_state(e, str(d->row, "status"), "customer %s is qualified already",
                      str(d->row, "code"));
            STR_COPY_ARRAY(e->rule, "already_qualified");
            return -1;
        }
        return 0;
    case CA_CLOSE:
        return 0;
    case CA_REJECT:
        if (actor->role == ROLE_FINANCE)
            return 0;
        break;
    case CA_APPROVE:
        if (is_supervisor(actor, d) && (is(str(d->row, "created_by"), actor->who) ||
                                        is(str(d->row, "created_by"), c->user.username)))
            return err_forbidden(e, "self_approval", "you may not approve a customer you created");
        break;
    case CA_LIFT_CREDIT_HOLD:
        if (is_supervisor(actor, d) && !json_is_true(json_object_get(d->row, "credit_hold"))) {
            err_state(e, str(d->row, "status"), "customer %s is not on credit hold",
                      str(d->row, "code"));
            STR_COPY_ARRAY(e->rule, "no_credit_hold");
            return -1;
        }
        break;
    case CA_PROPOSE_PAYMENT_TERM:
    case CA_SET_TIER:
        if (actor->role != ROLE_MM || !is(c->user.market, str(d->row, "market")))
            return err_forbidden(e, "role", "only the MM of market %s may", str(d->row, "market"));
        return 0;
    case CA_SUSPEND:
    case CA_REACTIVATE:
    case CA_SET_PAYMENT_TERM:
    case CA__COUNT:
        break;
    }
    if (!is_supervisor(actor, d))
        return err_forbidden(e, "role", "only the supervising SLT member of market %s (%s) may",
                             str(d->row, "market"), d->supervisor);
    return 0;
}

/* A required text of the body: 422 rule when absent or blank, 400 when not a string. */
static const char *need_text(struct doc_act *x, const char *field, const char *rule,
                             struct osb_err *e)
{
    json_t *v = json_object_get(x->body, field);
    if (v && !json_is_null(v) && !json_is_string(v)) {
        err_bad(e, field, "%s must be a string", field);
        return NULL;
    }
    const char *s = json_string_value(v);
    size_t n = s ? strlen(s) : 0;
    while (s && n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n'))
        n--;
    if (!s || n == 0) {
        err_invalid(e, field, rule, "%s is required", field);
        return NULL;
    }
    if (strlen(s) > 2000) {
        err_invalid(e, field, "too_long", "%s is longer than 2000 bytes", field);
        return NULL;
    }
    return s;
}

/* Tells every active user of role. */
static int tell_role(struct ctx *c, struct osb_err *e, const char *role, const char *event,
                     const char *code, const char *what)
{
    json_t *users = store_role_users(c->db, e, role);
    if (!users)
        return -1;
    int rc = 0;
    size_t i;
    json_t *u;
    json_array_foreach(users, i, u)
    {
        if (rc == 0)
            rc = notify(c, e, event, json_string_value(u), code, NULL, "客户%s%s", code, what);
    }
    json_decref(users);
    return rc;
}

static int a_submit(struct doc_act *x, struct osb_err *e)
{
    struct cdoc *d = x->doc;
    bool has[16] = {false};
    for (size_t i = 0; i < 16 && customer_core_fields[i]; i++) {
        const char *v = str(d->row, customer_core_fields[i]);
        has[i] = v && *v;
        if (has[i] && strcmp(customer_core_fields[i], "kam") == 0 &&
            store_customer_kam_ok(x->c->db, e, v, &has[i]) < 0)
            return -1;
    }
    const char *missing[16];
    size_t n = customer_missing(has, missing, 16);
    if (n) {
        json_t *list = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(list, json_string(missing[i]));
        err_invalid(e, NULL, "customer_incomplete", "the customer lacks core fields");
        e->extra = json_pack("{so}", "missing", list);
        return -1;
    }
    const char *code = str(d->row, "code");
    if (d->supervisor[0] && notify(x->c, e, "customer_review", d->supervisor, code, NULL,
                                   "新客户%s已提交审核", code) < 0)
        return -1;
    return tell_role(x->c, e, "finance", "customer_review", code, "已提交审核，请做资格审核");
}

static int a_qualify(struct doc_act *x, struct osb_err *e)
{
    struct cdoc *d = x->doc;
    const char *note = need_text(x, "note", "required", e);
    if (!note)
        return -1;
    json_object_set_new(d->changes, "qualified", json_true());
    json_object_set_new(d->changes, "qualified_note", json_string(note));
    json_object_set_new(d->changes, "qualified_by", json_string(x->c->user.username));
    json_object_set_new(d->changes, "qualified_at", json_integer(x->c->now));
    json_object_set_new(x->audit_after, "qualified", json_true());
    return 0;
}

static int a_approve(struct doc_act *x, struct osb_err *e)
{
    struct cdoc *d = x->doc;
    if (!json_is_true(json_object_get(d->row, "qualified")))
        return err_invalid(e, "qualified", "not_qualified",
                           "finance has not qualified this customer yet (qualify)");
    /* api.md §5.9: limit 0 and term 0 (prepayment) until a credit review sets them. */
    json_object_set_new(d->changes, "credit_limit_fen", json_integer(0));
    json_object_set_new(d->changes, "payment_term_days", json_integer(0));
    json_object_set_new(d->changes, "status_reason", json_null());
    json_object_set_new(x->audit_after, "credit_limit_fen", json_integer(0));
    json_object_set_new(x->audit_after, "payment_term_days", json_integer(0));
    const char *code = str(d->row, "code");
    if (notify(x->c, e, "customer_approved", str(d->row, "kam"), code, NULL,
               "客户%s已批准为正式客户", code) < 0 ||
        tell_role(x->c, e, "marketing", "customer_list_changed", code, "已批准（经销商名单变更）") <
            0)
        return -1;
    return tell_role(x->c, e, "customer_service", "customer_list_changed", code,
                     "已批准（经销商名单变更）");
}

static int a_reject(struct doc_act *x, struct osb_err *e)
{
    struct cdoc *d = x->doc;
    if (!x->comment || !*x->comment)
        return err_invalid(e, "comment", "comment_required", "a rejection needs a comment");
    json_object_set_new(d->changes, "status_reason", json_string(x->comment));
    const char *code = str(d->row, "code");
    return notify(x->c, e, "customer_rejected", str(d->row, "kam"), code, NULL,
                  "客户%s审核未通过：%s", code, x->comment);
}

static int a_suspend(struct doc_act *x, struct osb_err *e)
{
    struct cdoc *d = x->doc;
    const char *reason = need_text(x, "reason", "reason_required", e);
    if (!reason)
        return -1;
    json_object_set_new(d->changes, "status_reason", json_string(reason));
    json_object_set_new(x->audit_after, "reason", json_string(reason));
    const char *code = str(d->row, "code");
    return notify(x->c, e, "customer_suspended", str(d->row, "kam"), code, NULL, "客户%s已暂停：%s",
                  code, reason);
}

static int a_reactivate(struct doc_act *x, struct osb_err *e)
{
    (void)e;
    struct cdoc *d = x->doc;
    json_object_set_new(d->changes, "status_reason", json_null());
    return 0;
}

static int a_close(struct doc_act *x, struct osb_err *e)
{
    struct cdoc *d = x->doc;
    const char *code = str(d->row, "code");
    int64_t balance = 0;
    json_t *open = NULL;
    if (store_customer_open_items(x->c->db, e, code, &balance, &open) < 0)
        return -1;
    if (balance != 0 || json_array_size(open) > 0) {
        err_state(e, str(d->row, "status"),
                  "customer %s has open items (balance %lld fen, %zu open document(s))", code,
                  (long long)balance, json_array_size(open));
        STR_COPY_ARRAY(e->rule, "open_items");
        e->extra = json_pack("{sI so}", "balance_fen", (json_int_t)balance, "open", open);
        return -1;
    }
    json_decref(open);
    if (tell_role(x->c, e, "marketing", "customer_list_changed", code, "已关闭（经销商名单变更）") <
        0)
        return -1;
    return tell_role(x->c, e, "customer_service", "customer_list_changed", code,
                     "已关闭（经销商名单变更）");
}

static int a_lift(struct doc_act *x, struct osb_err *e)
{
    struct cdoc *d = x->doc;
    const char *reason = need_text(x, "reason", "reason_required", e);
    if (!reason)
        return -1;
    json_object_set_new(d->changes, "credit_hold", json_false());
    json_object_set_new(d->changes, "credit_hold_reason", json_null());
    json_object_set_new(d->changes, "status_reason", json_string(reason));
    json_object_set_new(x->audit_after, "credit_hold", json_false());
    json_object_set_new(x->audit_after, "reason", json_string(reason));
    const char *code = str(d->row, "code");
    return notify(x->c, e, "credit_hold_lifted", str(d->row, "kam"), code, NULL,
                  "客户%s的信用冻结已解除：%s", code, reason);
}

/* The term of the body (required unless dflt >= 0 stands in for it). */
static int body_term(struct doc_act *x, int64_t dflt, int64_t *days, struct osb_err *e)
{
    json_t *v = json_object_get(x->body, "payment_term_days");
    if ((!v || json_is_null(v)) && dflt >= 0) {
        *days = dflt;
        return 0;
    }
    if (!v || json_is_null(v))
        return err_invalid(e, "payment_term_days", "required", "payment_term_days is required");
    if (!json_is_integer(v))
        return err_bad(e, "payment_term_days", "payment_term_days must be an integer");
    *days = json_integer_value(v);
    if (*days < 0 || *days > 365)
        return err_invalid(e, "payment_term_days", "term_out_of_range",
                           "payment_term_days is 0 to 365");
    return 0;
}

static void clear_proposal(struct cdoc *d)
{
    json_object_set_new(d->changes, "proposed_term_days", json_null());
    json_object_set_new(d->changes, "proposed_term_reason", json_null());
    json_object_set_new(d->changes, "proposed_term_by", json_null());
}

static int set_term(struct doc_act *x, int64_t days, const char *reason, struct osb_err *e)
{
    struct cdoc *d = x->doc;
    json_object_set_new(d->changes, "payment_term_days", json_integer(days));
    clear_proposal(d);
    json_object_set_new(x->audit_after, "payment_term_days", json_integer(days));
    json_object_set_new(x->audit_after, "reason", json_string(reason));
    const char *code = str(d->row, "code");
    return notify(x->c, e, "payment_term_set", str(d->row, "kam"), code, NULL,
                  "客户%s的回款期改为%lld天", code, (long long)days);
}

/* The supervising SLT member sets the term — the MM's pending proposal when the body names
   none (its reason too). */
static int a_set_term(struct doc_act *x, struct osb_err *e)
{
    struct cdoc *d = x->doc;
    json_t *pv = json_object_get(d->row, "proposed_term_days");
    int64_t days;
    if (body_term(x, json_is_integer(pv) ? json_integer_value(pv) : -1, &days, e) < 0)
        return -1;
    const char *reason = NULL;
    json_t *rv = json_object_get(x->body, "reason");
    if ((!rv || json_is_null(rv)) && json_is_integer(pv) &&
        !json_object_get(x->body, "payment_term_days"))
        reason = str(d->row, "proposed_term_reason");
    if (!reason && !(reason = need_text(x, "reason", "reason_required", e)))
        return -1;
    if (json_is_integer(pv))
        json_object_set_new(x->audit_after, "proposed_by",
                            flow_json_str(str(d->row, "proposed_term_by")));
    return set_term(x, days, reason, e);
}

/* flows.md §11.4: the MM proposes a term; up to payment_term_slt_above_days (30) it holds at
   once, above it waits for the supervising SLT member (set-payment-term). */
static int a_propose_term(struct doc_act *x, struct osb_err *e)
{
    struct cdoc *d = x->doc;
    int64_t days;
    if (body_term(x, -1, &days, e) < 0)
        return -1;
    const char *reason = need_text(x, "reason", "reason_required", e);
    if (!reason)
        return -1;
    int limit = settings_int(x->c->db, "payment_term_slt_above_days", 30, 365);
    if (days <= limit)
        return set_term(x, days, reason, e);
    json_object_set_new(d->changes, "proposed_term_days", json_integer(days));
    json_object_set_new(d->changes, "proposed_term_reason", json_string(reason));
    json_object_set_new(d->changes, "proposed_term_by", json_string(x->actor.who));
    json_object_set_new(x->audit_after, "proposed_term_days", json_integer(days));
    json_object_set_new(x->audit_after, "reason", json_string(reason));
    const char *code = str(d->row, "code");
    return notify(x->c, e, "payment_term_proposed", d->supervisor, code, NULL,
                  "客户%s的回款期建议改为%lld天（超过%d天，需您批准）：%s", code, (long long)days,
                  limit, reason);
}

static int a_set_tier(struct doc_act *x, struct osb_err *e)
{
    struct cdoc *d = x->doc;
    json_t *v = json_object_get(x->body, "tier");
    if (!v || json_is_null(v))
        return err_invalid(e, "tier", "required", "tier is required");
    if (!json_is_string(v))
        return err_bad(e, "tier", "tier must be a string");
    const char *tier = json_string_value(v);
    if (!is(tier, "key") && !is(tier, "general") && !is(tier, "scattered"))
        return err_invalid(e, "tier", "invalid_value", "tier is key, general or scattered");
    const char *reason = need_text(x, "reason", "reason_required", e);
    if (!reason)
        return -1;
    json_object_set_new(d->changes, "tier", json_string(tier));
    json_object_set_new(x->audit_after, "tier", json_string(tier));
    json_object_set_new(x->audit_after, "reason", json_string(reason));
    return 0;
}

static int save(struct doc_act *x, struct osb_err *e)
{
    struct cdoc *d = x->doc;
    if (x->to != x->from)
        json_object_set_new(d->changes, "status", json_string(doc_state_str(&customer_doc, x->to)));
    return rec_update(x->c->db, e, &rd_customer, str(d->row, "code"), d->changes, x->c->now);
}

static int answer(struct ctx *c, void *p, json_t **out, struct osb_err *e)
{
    (void)e;
    *out = view(c, ((struct cdoc *)p)->row);
    return 0;
}

static const doc_run_fn run[CA__COUNT] = {
    [CA_SUBMIT] = a_submit,
    [CA_QUALIFY] = a_qualify,
    [CA_APPROVE] = a_approve,
    [CA_REJECT] = a_reject,
    [CA_SUSPEND] = a_suspend,
    [CA_REACTIVATE] = a_reactivate,
    [CA_CLOSE] = a_close,
    [CA_LIFT_CREDIT_HOLD] = a_lift,
    [CA_SET_PAYMENT_TERM] = a_set_term,
    [CA_SET_TIER] = a_set_tier,
    [CA_PROPOSE_PAYMENT_TERM] = a_propose_term,
};

static const struct doc_kind kind = {
    .type = &customer_doc,
    .load = load,
    .free = cfree,
    .state = cstate,
    .version = cversion,
    .who = who,
    .run = run,
    .save = save,
    .json = answer,
};
const struct doc_kind *const customer_doc_kind = &kind;

int customer_get(struct ctx *c, const char *code, json_t **out, struct osb_err *e)
{
    return doc_get(c, &kind, code, out, e);
}

int customer_act(struct ctx *c, const char *code, const char *action, json_t *body, json_t **out,
                 struct osb_err *e)
{
    return doc_act(c, &kind, code, action, body, out, e);
}

json_t *customer_answer(struct ctx *c, json_t *row)
{
    struct cdoc d = {.row = row};
    struct osb_err e = OSB_ERR_INIT;
    if (supervisor_of(c, row, d.supervisor, sizeof d.supervisor, &e) < 0)
        d.supervisor[0] = '\0';
    err_clear(&e);
    json_t *out = view(c, row);
    doc_answer_actions(c, &kind, &d, out);
    return out;
}

void customer_answer_page(struct ctx *c, json_t *rows)
{
    size_t n = json_array_size(rows);
    /* customer_filter leaves the credit figures to these roles only (its return value) */
    bool credit = c->user.role != ROLE_WAREHOUSE && scope_sees_credit(c->user.role);
    json_t *codes = json_array(), *sups = json_object();
    struct credit_figures *f = xcalloc(n + 1, sizeof *f);
    bool *ok = xcalloc(n + 1, sizeof *ok);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(codes, json_string(str(json_array_get(rows, i), "code")));
    struct osb_err e = OSB_ERR_INIT;
    if (credit && store_credit_figures_page(c->db, &e, codes, flow_today(c), f, ok) < 0)
        memset(ok, 0, (n + 1) * sizeof *ok); /* as view: no figures when they cannot be read */
    err_clear(&e);
    for (size_t i = 0; i < n; i++) {
        json_t *row = json_array_get(rows, i);
        struct cdoc d = {.row = row};
        /* the supervisor of each market once (supervisor_of reads it a customer at a time) */
        const char *market = str(row, "market");
        json_t *known = market ? json_object_get(sups, market) : NULL;
        if (known) {
            (void)str_copy(d.supervisor, sizeof d.supervisor, json_string_value(known));
        } else {
            if (supervisor_of(c, row, d.supervisor, sizeof d.supervisor, &e) < 0)
                d.supervisor[0] = '\0';
            err_clear(&e);
            if (market)
                json_object_set_new(sups, market, json_string(d.supervisor));
        }
        json_t *out = view_as(c, row, true, ok[i] ? &f[i] : NULL);
        doc_answer_actions(c, &kind, &d, out);
        if (doc_check_answers())
            doc_check_listed(c, str(row, "code"), out, customer_answer(c, row), NULL);
        json_array_set_new(rows, i, out);
    }
    json_decref(codes), json_decref(sups);
    free(f), free(ok);
}

/* ---- the archive review (flows.md §1 archive rule 1) ------------------------------------ */

/* numbering-and-rules.md §9 style default: a KAM reviews each archive every 12 months
   (setting customer_archive_review_months). */
#define ARCHIVE_REVIEW_MONTHS 12

/* d plus n months, the day clamped to the month's end. */
static date_t add_months(date_t d, int n)
{
    int y, m, dd;
    date_to_ymd(d, &y, &m, &dd);
    int months = y * 12 + (m - 1) + n;
    y = months / 12;
    m = months % 12 + 1;
    int last = date_days_in_month(y, m);
    return date_from_ymd(y, m, dd > last ? last : dd);
}

int customer_job_archive_review(struct ctx *c, const char *period, struct osb_err *e)
{
    (void)period;
    json_t *rows = store_customer_archive_list(c->db, e);
    if (!rows)
        return -1;
    date_t today = flow_today(c);
    int months = settings_int(c->db, "customer_archive_review_months", ARCHIVE_REVIEW_MONTHS, 120);
    if (months < 1)
        months = ARCHIVE_REVIEW_MONTHS;
    int rc = 0;
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        date_t last = 0;
        const char *on = str(r, "archive_reviewed_on");
        if (!on || !date_parse(on, &last))
            last = ts_to_date(json_integer_value(json_object_get(r, "created_at")), c->cfg->tz_min);
        date_t due = add_months(last, months);
        if (due > today)
            continue;
        char due_s[16], key[96];
        date_format(due, due_s);
        const char *code = str(r, "code");
        if (str_fmt(key, sizeof key, "archive_review:%s:%s", code, due_s) < 0) {
            rc = err_set(e, ERR_INTERNAL, "internal error: dedup key of %s", code);
            break;
        }
        rc = notify(c, e, "archive_review", str(r, "kam"), code, key,
                    "客户%s的档案已于%s到期复核（每%d个月），请复核并更新档案复核日期", code, due_s,
                    months);
        if (rc < 0)
            break;
    }
    json_decref(rows);
    return rc;
}

/* ---- the tier recompute (flows.md §1 archive rule 4) ------------------------------------- */

int customer_job_tiers(struct ctx *c, const char *period, struct osb_err *e)
{
    int y, m;
    if (!period_parse(period, &y, &m))
        return err_set(e, ERR_INTERNAL, "internal error: period '%s'", period);
    if (m % 3 != 0)
        return 0; /* 1 Mar, 1 Jun, 1 Sep, 1 Dec only */
    /* The 12 complete months before the 1st of month m of year y. */
    char from[16], to[16];
    date_format(date_from_ymd(y - 1, m, 1), from);
    date_format(date_from_ymd(y, m, 1) - 1, to);
    json_t *rows = store_customer_net_sales(c->db, e, from, to);
    if (!rows)
        return -1;
    __int128 total = 0;
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        int64_t net = json_integer_value(json_object_get(r, "net_fen"));
        if (net > 0)
            total += net;
    }
    int64_t total64 = total > INT64_MAX ? INT64_MAX : (int64_t)total;
    /* flows.md §1 rule 4: key = the first 80 %, general the next 15 %, scattered the last 5 %
       (settings customer_tier_key_pct, customer_tier_general_pct). */
    int key_pct = settings_int(c->db, "customer_tier_key_pct", 80, 100);
    int gen_pct = settings_int(c->db, "customer_tier_general_pct", 15, 100);
    if (key_pct + gen_pct > 100)
        key_pct = 80, gen_pct = 15;
    __int128 cum = 0;
    int rc = 0;
    json_array_foreach(rows, i, r)
    {
        int64_t net = json_integer_value(json_object_get(r, "net_fen"));
        int64_t cum64 = cum > INT64_MAX ? INT64_MAX : (int64_t)cum;
        const char *tier = customer_tier_bp(cum64, net, total64, key_pct * 100, gen_pct * 100);
        if (net > 0)
            cum += net;
        const char *was = str(r, "tier");
        if (is(was, tier))
            continue;
        const char *code = str(r, "code");
        json_t *before = json_pack("{so}", "tier", was ? json_string(was) : json_null());
        json_t *after = json_pack("{ss sI ss ss}", "tier", tier, "net_fen", (json_int_t)net, "from",
                                  from, "to", to);
        rc = store_customer_set_tier(c->db, e, code, tier, c->now) < 0 ||
                     flow_audit(c, e, "tier", "customer", code, before, after) < 0
                 ? -1
                 : 0;
        json_decref(before);
        json_decref(after);
        if (rc < 0)
            break;
    }
    json_decref(rows);
    return rc;
}

/* ---- credit incidents (entities.md §2.4; api.md §5.3) ------------------------------------ */

static const char *const incident_kinds[] = {"bounced_cheque", "legal", "other", "dispute", NULL};

int customer_incident_create(struct ctx *c, const char *code, json_t *body, json_t **out,
                             struct osb_err *e)
{
    *out = NULL;
    if (flow_need(c, P_CREDIT_INCIDENT, e) < 0)
        return -1;
    void *doc = NULL;
    int f = load(c, &kind, code, &doc, e);
    if (f <= 0)
        return f < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "no customer '%s'", code);
    cfree(doc);
    if (!json_is_object(body))
        return err_bad(e, NULL, "the body must be a JSON object");
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
    {
        if (strcmp(key, "kind") && strcmp(key, "occurred_on") && strcmp(key, "note") &&
            strcmp(key, "amount_fen"))
            return err_bad(e, key, "unknown field '%s'", key);
        if (strcmp(key, "amount_fen") == 0 ? !json_is_integer(v)
                                           : !json_is_string(v) && !json_is_null(v))
            return err_bad(e, key, "%s has the wrong type", key);
    }
    const char *ikind = jstr(body, "kind");
    if (!ikind)
        return err_invalid(e, "kind", "required", "kind is required");
    bool known = false;
    for (const char *const *k = incident_kinds; *k; k++)
        known = known || strcmp(*k, ikind) == 0;
    if (!known)
        return err_invalid(e, "kind", "invalid_value",
                           "kind is bounced_cheque, legal, other or dispute");
    const char *on = jstr(body, "occurred_on");
    date_t day = 0;
    if (!on)
        return err_invalid(e, "occurred_on", "required", "occurred_on is required");
    if (!date_parse(on, &day))
        return err_invalid(e, "occurred_on", "invalid_date", "occurred_on is YYYY-MM-DD");
    if (day > flow_today(c))
        return err_invalid(e, "occurred_on", "date_in_future", "occurred_on is after today");
    const char *note = jstr(body, "note");
    if (!note || !*note)
        return err_invalid(e, "note", "required", "note is required");
    if (strlen(note) > 2000)
        return err_invalid(e, "note", "too_long", "note is longer than 2000 bytes");
    json_int_t amount = json_integer_value(json_object_get(body, "amount_fen"));
    if (amount < 0 || amount > MONEY_MAX_FEN)
        return err_invalid(e, "amount_fen", amount < 0 ? "negative_amount" : "amount_too_large",
                           "amount_fen is 0 to 10^13");
    int64_t id = 0;
    json_t *row = NULL;
    if (store_credit_incident_add(c->db, e, code, on, ikind, amount, note, c->user.username, c->now,
                                  &id) < 0 ||
        store_credit_incident_get(c->db, e, id, &row) < 0)
        return -1;
    char keyb[32];
    str_fmt(keyb, sizeof keyb, "%lld", (long long)id);
    if (flow_audit(c, e, "create", "credit_incident", keyb, NULL, row) < 0) {
        json_decref(row);
        return -1;
    }
    json_object_set(row, "occurred_on", json_object_get(row, "date"));
    flow_ts(c, row, "created_at");
    *out = row;
    return 0;
}
