/*
 * market.c (flow) — market support on the document kernel (flow/market.h). Tables in
 * rules/market.c, SQL in store/market.c. The four documents share one aggregate: the row as
 * read, and the columns an action changes (`set`), written once by save().
 *
 * Who (numbering-and-rules.md §3):
 *   FY apply/execute/evaluate — the MM, UM or KAM (own: the applicant; a KAM only for own
 *   customers); approve/reject — the MM of the market (alone only within the available budget
 *   and ¥50,000 and not `special`: else 422 exceeds_authority), or its supervising SLT member;
 *   evaluate also the market's MM; settle — finance. Nobody approves their own application.
 *   WL request — the UM, the customer's KAM; approve/reject — the market's MM within the
 *   remaining POP allocation (else 422 exceeds_authority) or its supervising SLT member;
 *   confirm-receipt — the KAM; verify — the KAM or rep. Shipped at the order's dispatch.
 *   YP follow-up — customer service. KC submit — SSG/CSR; review/return — marketing.
 */
#include "flow/market.h"

#include "core/csv.h"
#include "core/date.h"
#include "core/json.h"
#include "core/money.h"
#include "core/record.h"
#include "core/sb.h"
#include "core/str.h"
#include "core/validate.h"
#include "core/xlsx.h"
#include "flow/doc.h"
#include "flow/flow.h"
#include "flow/free_goods.h"
#include "flow/notify.h"
#include "flow/osb_issue.h"
#include "flow/payment.h"
#include "flow/scope.h"
#include "rules/market.h"
#include "store/market.h"
#include "store/market_files.h"
#include "store/order.h"
#include "store/settings.h"

#include <stdlib.h>
#include <string.h>

static const char *const tables[] = {"expense_applications", "pop_requests", "samples",
                                     "inventory_reports", "support_requests"};

struct mdoc {
    enum mkt_doc t;
    json_t *row, *set;
    bool has_cu;
    struct order_customer cu;
    char market[40], sup[40], mm[40];
};

static json_t *val(const struct mdoc *d, const char *k)
{
    json_t *v = json_object_get(d->set, k);
    return v ? v : json_object_get(d->row, k);
}
static int64_t ival(const struct mdoc *d, const char *k)
{
    return json_integer_value(val(d, k));
}
static const char *sval(const struct mdoc *d, const char *k)
{
    return json_string_value(val(d, k));
}
static void put(struct mdoc *d, const char *k, json_t *v)
{
    json_object_set_new(d->set, k, v);
}

static void c40(char dst[40], const char *s)
{
    if (str_copy(dst, 40, s ? s : "") < 0)
        dst[0] = '\0';
}

static bool is_slt_role(enum role r)
{
    return r == ROLE_GM || r == ROLE_SALES_DIRECTOR || r == ROLE_DEPUTY_DIRECTOR;
}

/* An application without a customer: who reads it (the twin of store_mkt_list's SQL). */
static bool fy_sees(const struct ctx *c, const struct mdoc *d)
{
    const char *region = sval(d, "region");
    const char *who_applied = sval(d, "applicant") ? sval(d, "applicant") : sval(d, "requested_by");
    if (is(who_applied, c->user.username))
        return true;
    switch (c->user.role) {
    case ROLE_DEPUTY_DIRECTOR:
        return is(d->sup, c->user.username);
    case ROLE_MM:
        return is(d->market, c->user.market);
    case ROLE_UM:
        return region && is(region, c->user.region);
    case ROLE_KAM:
    case ROLE_REP:
    case ROLE_CUSTOMER:
    case ROLE_NONE:
    case ROLE__COUNT:
        return false;
    default:
        return true;
    }
}

static void mfree(void *p)
{
    struct mdoc *d = p;
    json_decref(d->row);
    json_decref(d->set);
    free(d);
}

static const struct doc_kind kinds[MKT_ZC + 1];

/* One loader for the five kinds: the kind's place in kinds[] is its enum mkt_doc. */
static int mload(struct ctx *c, const struct doc_kind *k, const char *number, void **out,
                 struct osb_err *e)
{
    enum mkt_doc t = (enum mkt_doc)(k - kinds);
    struct mdoc *d = calloc(1, sizeof *d);
    d->t = t;
    d->set = json_object();
    int rc = store_mkt_row(c->db, e, tables[t], number, &d->row);
    if (rc == 1 && jstr(d->row, "customer")) {
        d->has_cu = true;
        rc = store_order_customer(c->db, e, jstr(d->row, "customer"), &d->cu);
        if (rc == 1 && !scope_sees(c, &d->cu))
            rc = 0;
        c40(d->market, d->cu.market);
    } else if (rc == 1) {
        c40(d->market, jstr(d->row, "market"));
    }
    if (rc == 1 && store_mkt_market(c->db, e, d->market, d->sup, d->mm) < 0)
        rc = -1;
    if (rc == 1 && !d->has_cu && !fy_sees(c, d))
        rc = 0;
    if (rc <= 0) {
        mfree(d);
        return rc;
    }
    *out = d;
    return 1;
}

static const struct doc_type *const types[] = {&expense_doc, &pop_doc, &sample_doc, &invrep_doc,
                                               &support_doc};

static int mstate(const void *p)
{
    const struct mdoc *d = p;
    return doc_state_parse(types[d->t], jstr(d->row, "state"));
}
static int64_t mversion(const void *p)
{
    return jint(((const struct mdoc *)p)->row, "version");
}

static bool is_mm(const struct doc_actor *a, const struct ctx *c, const struct mdoc *d)
{
    return a->role == ROLE_MM && is(c->user.market, d->market);
}
static bool is_sup(const struct doc_actor *a, const struct mdoc *d)
{
    return is_slt_role(a->role) && is(a->who, d->sup);
}

/* ---- who --------------------------------------------------------------------------------- */

static int who(struct ctx *c, const void *p, int a, const struct doc_actor *actor,
               struct osb_err *e)
{
    const struct mdoc *d = p;
    switch (d->t) {
    case MKT_FY:
        switch ((enum expense_action)a) {
        case XA_APPROVE:
        case XA_REJECT:
            if (!is_mm(actor, c, d) && !is_sup(actor, d))
                return err_forbidden(e, "role",
                                     "only the MM of market %s or its supervising SLT member"
                                     " decides on this application",
                                     d->market);
            if (is(sval(d, "applicant"), actor->who))
                return err_forbidden(e, "self_approval",
                                     "you may not approve your own application");
            return 0;
        case XA_EXECUTE:
            if (!is(sval(d, "applicant"), actor->who))
                return err_forbidden(e, "role", "only the applicant executes an application");
            return 0;
        case XA_EVALUATE:
            if (!is(sval(d, "applicant"), actor->who) && !is_mm(actor, c, d))
                return err_forbidden(e, "role", "the applicant or the market's MM evaluates");
            return 0;
        case XA_SETTLE:
            return 0;
        case XA_CHECK_TRAVEL:
            if (!is(sval(d, "category"), "travel"))
                return err_state(e, jstr(d->row, "state"),
                                 "only a travel application is checked against visits");
            if (jstr(d->row, "travel_check"))
                return err_state(e, jstr(d->row, "state"), "%s was checked already",
                                 jstr(d->row, "number"));
            return 0;
        }
        return 0;
    case MKT_WL:
        switch ((enum pop_action)a) {
        case POPA_APPROVE:
        case POPA_REJECT:
            if (!is_mm(actor, c, d) && !is_sup(actor, d))
                return err_forbidden(e, "role",
                                     "only the MM of market %s or its supervising SLT member"
                                     " decides on POP requests",
                                     d->market);
            return 0;
        case POPA_CONFIRM_RECEIPT:
        case POPA_VERIFY:
            if ((actor->role == ROLE_KAM || actor->role == ROLE_REP) && !scope_owns(c, &d->cu))
                return err_forbidden(e, "role", "only the customer's KAM or rep does this");
            return 0;
        }
        return 0;
    case MKT_ZC:
        if (!support_step_ok(is(sval(d, "kind"), "ad_design"), a, mstate(d)))
            return err_state(e, jstr(d->row, "state"), "a %s request cannot %s now",
                             sval(d, "kind"), support_doc.actions[a].name);
        return 0;
    case MKT_YP:
    case MKT_KC:
        return 0;
    }
    return 0;
}

/* ---- save, event, answer ------------------------------------------------------------------- */

/* What a document in state s holds of its budget. */
static void contrib(const struct mdoc *d, int s, bool now, int64_t *cm, int64_t *ac)
{
    *cm = *ac = 0;
    if (d->t == MKT_FY)
        expense_contrib(s, now ? ival(d, "approved_fen") : jint(d->row, "approved_fen"),
                        now ? ival(d, "actual_fen") : jint(d->row, "actual_fen"), cm, ac);
    else if (d->t == MKT_WL)
        pop_contrib(s, now ? ival(d, "value_fen") : jint(d->row, "value_fen"), cm, ac);
}

static int msave(struct doc_act *x, struct osb_err *e)
{
    struct mdoc *d = x->doc;
    struct db *db = x->c->db;
    int64_t c0, a0, c1, a1;
    contrib(d, x->from, false, &c0, &a0);
    contrib(d, x->to, true, &c1, &a1);
    const char *b0 = jstr(d->row, "budget"), *b1 = sval(d, "budget");
    if (b0 && b1 && is(b0, b1)) {
        if (store_budget_add(db, e, b1, c1 - c0, a1 - a0) < 0)
            return -1;
    } else if (store_budget_add(db, e, b0, -c0, -a0) < 0 ||
               store_budget_add(db, e, b1, c1, a1) < 0) {
        return -1;
    }
    return store_mkt_update(db, e, tables[d->t], jstr(d->row, "number"), d->set,
                            doc_state_str(types[d->t], x->to), x->c->now);
}

static int mevent(struct doc_act *x, struct osb_err *e)
{
    const struct doc_type *t = x->kind->type;
    return flow_doc_event(x->c, e, "market_events", "document",
                          jstr(((struct mdoc *)x->doc)->row, "number"), t->actions[x->action].name,
                          doc_state_str(t, x->from), doc_state_str(t, x->to), x->comment);
}

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);
    return n >= m && strcmp(s + n - m, tail) == 0;
}

/* A row as an answer: times as RFC 3339, flags as booleans, JSON columns parsed. */
static json_t *row_answer(struct ctx *c, json_t *row)
{
    json_t *o = json_deep_copy(row);
    json_object_del(o, "id");
    const char *k;
    json_t *v;
    void *tmp;
    json_object_foreach_safe(o, tmp, k, v)
    {
        if (ends_with(k, "_at") || is(k, "follow_up_due"))
            flow_ts(c, o, k);
        else if (is(k, "special") || is(k, "late"))
            json_object_set_new(o, k, json_boolean(json_integer_value(v) != 0));
        else if ((is(k, "lines") || is(k, "warnings") || is(k, "travel_dates") ||
                  is(k, "travel_check")) &&
                 json_is_string(v)) {
            json_t *j = json_loads(json_string_value(v), 0, NULL);
            json_object_set_new(o, k, j ? j : json_array());
        } else if (is(k, "warnings") && json_is_null(v))
            json_object_set_new(o, k, json_array());
    }
    return o;
}

static int manswer(struct ctx *c, void *p, json_t **out, struct osb_err *e)
{
    struct mdoc *d = p;
    const char *number = jstr(d->row, "number");
    json_t *tl = flow_doc_timeline(c, e, "market_events", "document", number);
    if (!tl)
        return -1;
    json_t *o = row_answer(c, d->row);
    if (d->t == MKT_FY || d->t == MKT_WL) {
        json_object_set_new(o, "market", json_string(d->market));
        json_object_set_new(o, "approver", json_string(d->mm));
        json_object_set_new(o, "supervisor", json_string(d->sup));
    }
    json_object_set_new(o, "timeline", tl);
    /* free goods drawn by order lines (payment_source expense, flows.md §15) */
    if (d->t == MKT_FY && free_goods_answer(c, o, e) < 0) {
        json_decref(o);
        return -1;
    }
    *out = o;
    return 0;
}

/* ---- FY actions ---------------------------------------------------------------------------- */

static const char *const categories[] = {"advertising",    "promotion",  "pop",         "samples",
                                         "training_event", "temp_staff", "display_fee", "travel",
                                         "other",          NULL};
static const char *const forms[] = {"reimbursement", "customer_credit", "free_goods", NULL};

static bool in_list(const char *const *l, const char *s)
{
    for (; s && *l; l++)
        if (strcmp(*l, s) == 0)
            return true;
    return false;
}

/* An optional enum string of the body: 0 fine (*out NULL when absent), -1 400/422. */
static int body_enum(json_t *body, const char *k, const char *const *allowed, const char **out,
                     struct osb_err *e)
{
    json_t *v = json_object_get(body, k);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return err_bad(e, k, "%s must be a string", k);
    if (!in_list(allowed, json_string_value(v)))
        return err_invalid(e, k, "invalid_value", "%s is not one of the allowed values", k);
    *out = json_string_value(v);
    return 0;
}

static int body_text(json_t *body, const char *k, bool required, size_t max, const char **out,
                     struct osb_err *e)
{
    json_t *v = json_object_get(body, k);
    *out = NULL;
    if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v))) {
        if (required)
            return err_invalid(e, k, "required", "%s is required", k);
        return 0;
    }
    if (!json_is_string(v))
        return err_bad(e, k, "%s must be a string", k);
    if (!valid_text(json_string_value(v), max, true))
        return err_invalid(e, k, "too_long", "%s is too long or not plain text", k);
    *out = json_string_value(v);
    return 0;
}

/* An integer of the body in [lo, hi]: 1 given, 0 absent (required → 422), -1 error. */
static int body_int(json_t *body, const char *k, bool required, int64_t lo, int64_t hi,
                    const char *range_rule, int64_t *out, struct osb_err *e)
{
    json_t *v = json_object_get(body, k);
    if (!v || json_is_null(v)) {
        if (required)
            return err_invalid(e, k, "required", "%s is required", k);
        return 0;
    }
    if (!json_is_integer(v))
        return err_bad(e, k, "%s must be an integer", k);
    int64_t n = json_integer_value(v);
    if (n > MONEY_MAX_FEN && ends_with(k, "_fen"))
        return err_invalid(e, k, "amount_too_large", "%s is over 10^13 fen", k);
    if (n < lo || n > hi)
        return err_invalid(e, k, range_rule, "%s is out of range", k);
    *out = n;
    return 1;
}

static int fy_budget_available(struct ctx *c, struct mdoc *d, int64_t *avail, struct osb_err *e)
{
    *avail = 0;
    const char *code = sval(d, "budget");
    if (!code) {
        char got[40];
        if (store_budget_match(c->db, e, d->market, sval(d, "region"), sval(d, "category"),
                               sval(d, "period"), got) < 0)
            return -1;
        if (!got[0])
            return 0;
        put(d, "budget", json_string(got));
        code = sval(d, "budget");
    }
    json_t *b;
    int rc = store_budget_get(c->db, e, code, &b);
    if (rc < 0)
        return -1;
    if (rc == 1) {
        /* what this application holds already is free for its own approval */
        int64_t cm, ac;
        contrib(d, mstate(d), false, &cm, &ac);
        *avail = jint(b, "available_fen") + cm;
        json_decref(b);
    }
    return 0;
}

static int x_approve(struct doc_act *x, struct osb_err *e)
{
    struct mdoc *d = x->doc;
    struct ctx *c = x->c;
    const char *form;
    if (body_enum(x->body, "settlement_form", forms, &form, e) < 0)
        return -1;
    bool re = jint(d->row, "approved_fen") > 0; /* an actual above the approved amount */
    int64_t amount = re ? jint(d->row, "actual_fen") : jint(d->row, "amount_fen");
    int64_t avail;
    if (fy_budget_available(c, d, &avail, e) < 0)
        return -1;
    bool special = jint(d->row, "special") != 0;
    if (is_mm(&x->actor, c, d) &&
        !expense_mm_may(amount, avail,
                        special || (form && !is(form, sval(d, "settlement_form"))))) {
        err_invalid(e, "amount_fen", "exceeds_authority",
                    "%s: the MM approves alone up to ¥50,000 within the available budget "
                    "(available %lld fen) and no special application; the supervising SLT "
                    "member (%s) approves this one",
                    jstr(d->row, "number"), (long long)avail, d->sup);
        return -1;
    }
    if (form) {
        put(d, "settlement_form", json_string(form));
        put(d, "form_decided_by", json_string(x->actor.who));
    }
    put(d, "approved_fen", json_integer(amount));
    put(d, "approved_by", json_string(x->actor.who));
    put(d, "approved_at", json_integer(c->now));
    x->to = re ? XS_EXECUTED : XS_APPROVED;
    return notify(c, e, "expense_approved", jstr(d->row, "applicant"), jstr(d->row, "number"), NULL,
                  "费用申请%s已批准（%lld分）", jstr(d->row, "number"), (long long)amount);
}

static int x_reject(struct doc_act *x, struct osb_err *e)
{
    struct mdoc *d = x->doc;
    return notify(x->c, e, "expense_rejected", jstr(d->row, "applicant"), jstr(d->row, "number"),
                  NULL, "费用申请%s被驳回", jstr(d->row, "number"));
}

static int x_execute(struct doc_act *x, struct osb_err *e)
{
    struct mdoc *d = x->doc;
    int64_t actual = 0;
    const char *evidence;
    if (body_int(x->body, "actual_fen", true, 0, MONEY_MAX_FEN, "negative_amount", &actual, e) <
            0 ||
        body_text(x->body, "evidence", true, 2000, &evidence, e) < 0)
        return -1;
    put(d, "actual_fen", json_integer(actual));
    put(d, "evidence", json_string(evidence));
    put(d, "executed_at", json_integer(x->c->now));
    int64_t approved = jint(d->row, "approved_fen");
    if (actual > approved) {
        x->to = XS_SUBMITTED; /* flows.md §15: actual > approved needs re-approval */
        const char *to = d->mm[0] ? d->mm : d->sup;
        return notify(x->c, e, "expense_reapproval", to, jstr(d->row, "number"), NULL,
                      "费用申请%s实际金额%lld分超过批准金额%lld分，需重新批准",
                      jstr(d->row, "number"), (long long)actual, (long long)approved);
    }
    x->to = XS_EXECUTED;
    return 0;
}

/* ---- travel claims (flows.md §15) ------------------------------------------------------- */

/* The claimed days of a travel application on which its applicant filed no visit report: a new
   array of dates. A visit report is filed by the next working days, so reports created up to
   31 days after the last claimed day count. */
static json_t *travel_unvisited(struct ctx *c, const char *applicant, json_t *days,
                                struct osb_err *e)
{
    date_t lo = 0, hi = 0;
    size_t i;
    json_t *v;
    json_array_foreach(days, i, v)
    {
        date_t dd;
        if (!date_parse(json_string_value(v), &dd))
            continue;
        if (i == 0 || dd < lo)
            lo = dd;
        if (i == 0 || dd > hi)
            hi = dd;
    }
    json_t *rows = store_visit_days(c->db, e, applicant, date_start_ts(lo, c->cfg->tz_min),
                                    date_start_ts(hi + 32, c->cfg->tz_min));
    if (!rows)
        return NULL;
    json_t *out = json_array();
    json_array_foreach(days, i, v)
    {
        bool seen = false;
        size_t j;
        json_t *r;
        json_array_foreach(rows, j, r) seen =
            seen || is(jstr(r, "visited_at"), json_string_value(v));
        if (!seen)
            json_array_append(out, v);
    }
    json_decref(rows);
    return out;
}

static json_t *json_col(const struct mdoc *d, const char *k)
{
    const char *t = jstr(d->row, k);
    json_t *j = t ? json_loads(t, 0, NULL) : NULL;
    return j;
}

/* check-travel: the CSR compares the claimed days with the applicant's visit reports; days
   without one are flagged (finance is told; settling them then needs finance's comment). */
static int x_check_travel(struct doc_act *x, struct osb_err *e)
{
    struct mdoc *d = x->doc;
    json_t *days = json_col(d, "travel_dates");
    if (!days)
        days = json_array();
    json_t *miss = travel_unvisited(x->c, jstr(d->row, "applicant"), days, e);
    json_decref(days);
    if (!miss)
        return -1;
    size_t n = json_array_size(miss);
    json_t *chk = json_pack("{ss sI so sb}", "checked_by", x->actor.who, "checked_at",
                            (json_int_t)x->c->now, "days_without_visit", miss, "flagged", n > 0);
    if (x->comment)
        json_object_set_new(chk, "comment", json_string(x->comment));
    char *t = json_dumps(chk, JSON_COMPACT);
    put(d, "travel_check", json_string(t));
    free(t);
    json_decref(chk);
    if (n == 0)
        return 0;
    int rc = notify(x->c, e, "travel_flagged", jstr(d->row, "applicant"), jstr(d->row, "number"),
                    NULL, "差旅费用%s有%zu天没有拜访记录", jstr(d->row, "number"), n);
    json_t *fin = rc == 0 ? store_mkt_role_users(x->c->db, e, "finance") : NULL;
    if (rc == 0 && !fin)
        rc = -1;
    size_t i;
    json_t *u;
    json_array_foreach(fin, i, u) if (rc == 0) rc =
        notify(x->c, e, "travel_flagged", json_string_value(u), jstr(d->row, "number"), NULL,
               "差旅费用%s有%zu天没有拜访记录，结算前请核实", jstr(d->row, "number"), n);
    json_decref(fin);
    return rc;
}

/* Settling a travel claim: the CSR's check first (422 travel_not_checked); flagged days need
   finance's comment saying why they are paid (422 travel_without_visit, details.days). */
static int travel_settle_ok(struct doc_act *x, struct osb_err *e)
{
    struct mdoc *d = x->doc;
    json_t *chk = json_col(d, "travel_check");
    if (!chk)
        return err_invalid(e, "travel_check", "travel_not_checked",
                           "%s: the CSR checks a travel claim against the visit reports first",
                           jstr(d->row, "number"));
    json_t *miss = json_object_get(chk, "days_without_visit");
    int rc = 0;
    if (json_array_size(miss) > 0 && !x->comment) {
        rc = err_invalid(e, "travel_dates", "travel_without_visit",
                         "%s: %zu claimed day(s) have no visit report; settle with a comment "
                         "saying why they are paid",
                         jstr(d->row, "number"), json_array_size(miss));
        e->extra = json_pack("{sO}", "days", miss);
    }
    json_decref(chk);
    return rc;
}

static int x_settle(struct doc_act *x, struct osb_err *e)
{
    struct mdoc *d = x->doc;
    struct ctx *c = x->c;
    const char *form, *ref;
    if (body_enum(x->body, "settlement_form", forms, &form, e) < 0 ||
        body_text(x->body, "reference", false, 60, &ref, e) < 0)
        return -1;
    const char *decided = jstr(d->row, "form_decided_by"), *had = jstr(d->row, "settlement_form");
    if (form && decided && had && !is(form, had))
        return err_invalid(e, "settlement_form", "form_decided",
                           "the settlement form %s was decided by %s at approval", had, decided);
    if (!form)
        form = had ? had : "reimbursement";
    /* order lines already drew free goods on it: only the free_goods form settles it */
    int64_t drawn = 0;
    if (!is(form, "free_goods") &&
        (free_goods_drawn(c, jstr(d->row, "number"), &drawn, e) < 0 || drawn > 0))
        return drawn > 0
                   ? err_invalid(e, "settlement_form", "free_goods_drawn",
                                 "order lines drew %lld fen of free goods on it", (long long)drawn)
                   : -1;
    if (is(jstr(d->row, "category"), "travel") && travel_settle_ok(x, e) < 0)
        return -1;
    const char *customer = jstr(d->row, "customer");
    if (!is(form, "reimbursement") && !customer)
        return err_invalid(e, "settlement_form", "customer_required",
                           "%s needs an application for a customer", form);
    put(d, "settlement_form", json_string(form));
    put(d, "settled_by", json_string(c->user.username));
    put(d, "settled_at", json_integer(c->now));
    if (is(form, "customer_credit") && jint(d->row, "actual_fen") > 0) {
        /* A customer credit is an expense receipt (SK of kind expense, 费用款). */
        char today[11];
        date_format(flow_today(c), today);
        json_t *pb =
            json_pack("{ss sI ss ss ss ss}", "customer", customer, "amount_fen",
                      (json_int_t)jint(d->row, "actual_fen"), "method", "expense", "reference",
                      ref ? ref : jstr(d->row, "number"), "received_on", today, "kind", "expense");
        json_t *pay = NULL;
        int rc = payment_create(c, pb, &pay, e);
        json_decref(pb);
        if (rc < 0)
            return -1;
        put(d, "payment", json_string(jstr(pay, "number")));
        json_decref(pay);
    }
    return 0;
}

static int x_evaluate(struct doc_act *x, struct osb_err *e)
{
    struct mdoc *d = x->doc;
    const char *ev;
    int64_t rating = 0;
    int has;
    if (body_text(x->body, "evaluation", true, 2000, &ev, e) < 0 ||
        (has = body_int(x->body, "rating", false, 1, 5, "rating_out_of_range", &rating, e)) < 0)
        return -1;
    put(d, "evaluation", json_string(ev));
    if (has)
        put(d, "rating", json_integer(rating));
    return 0;
}

/* ---- WL actions ---------------------------------------------------------------------------- */

static int w_approve(struct doc_act *x, struct osb_err *e)
{
    struct mdoc *d = x->doc;
    struct ctx *c = x->c;
    const char *period = jstr(d->row, "period");
    if (is_mm(&x->actor, c, d)) {
        json_t *lines = json_loads(jstr(d->row, "lines"), 0, NULL);
        size_t i;
        json_t *l;
        int rc = 0;
        json_array_foreach(lines, i, l)
        {
            bool has;
            int64_t rem;
            if (store_pop_remaining(c->db, e, period, d->market, d->cu.region, jstr(l, "sku"),
                                    jstr(d->row, "number"), &has, &rem) < 0) {
                rc = -1;
                break;
            }
            if (jint(l, "qty") > rem) {
                rc = err_invalid(e, "lines", "exceeds_authority",
                                 "line %zu: %lld of %s is beyond the remaining POP allocation "
                                 "(%lld) of %s; the supervising SLT member (%s) approves it",
                                 i + 1, (long long)jint(l, "qty"), jstr(l, "sku"),
                                 (long long)(rem > 0 ? rem : 0), period, d->sup);
                break;
            }
        }
        json_decref(lines);
        if (rc < 0)
            return -1;
    }
    char code[40];
    if (store_budget_match(c->db, e, d->market, d->cu.region, "pop", period, code) < 0)
        return -1;
    put(d, "budget", code[0] ? json_string(code) : json_null());
    put(d, "approved_by", json_string(x->actor.who));
    put(d, "approved_at", json_integer(c->now));
    return notify(c, e, "pop_approved", jstr(d->row, "requested_by"), jstr(d->row, "number"), NULL,
                  "物料申请%s已批准", jstr(d->row, "number"));
}

static int w_receipt(struct doc_act *x, struct osb_err *e)
{
    (void)e;
    struct mdoc *d = x->doc;
    put(d, "received_by", json_string(x->actor.who));
    put(d, "received_at", json_integer(x->c->now));
    return 0;
}

static int w_verify(struct doc_act *x, struct osb_err *e)
{
    struct mdoc *d = x->doc;
    const char *photo, *note, *visit;
    if (body_text(x->body, "photo", false, 500, &photo, e) < 0 ||
        body_text(x->body, "note", false, 2000, &note, e) < 0 ||
        body_text(x->body, "visit", false, 40, &visit, e) < 0)
        return -1;
    char url[48] = "";
    if (!photo) {
        /* the placement photo uploaded to the request (POST /pop-requests/{n}/attachments) */
        json_t *files = store_mkt_file_list(x->c->db, e, jstr(d->row, "number"), NULL);
        if (!files)
            return -1;
        size_t nf = json_array_size(files);
        if (nf > 0 && str_fmt(url, sizeof url, "/api/v1/market-files/%lld",
                              (long long)jint(json_array_get(files, nf - 1), "id")) == 0)
            photo = url;
        json_decref(files);
    }
    if (!photo && !note)
        return err_invalid(e, "photo", "evidence_required",
                           "a photo (uploaded to the request, or named) or a note shows the "
                           "placement");
    if (photo)
        put(d, "photo", json_string(photo));
    if (note)
        put(d, "note", json_string(note));
    if (visit)
        put(d, "visit", json_string(visit));
    put(d, "verified_by", json_string(x->actor.who));
    put(d, "verified_at", json_integer(x->c->now));
    return 0;
}

/* ---- YP, KC actions ------------------------------------------------------------------------ */

static int y_follow_up(struct doc_act *x, struct osb_err *e)
{
    struct mdoc *d = x->doc;
    int64_t usage = 0, waste = 0, stores = 0;
    if (body_int(x->body, "usage_bp", true, 0, 10000, "bp_out_of_range", &usage, e) < 0 ||
        body_int(x->body, "waste_bp", true, 0, 10000, "bp_out_of_range", &waste, e) < 0 ||
        body_int(x->body, "stores_surveyed", true, 0, 1000000, "out_of_range", &stores, e) < 0)
        return -1;
    int64_t ded = sample_deduction(jint(d->row, "qty"), (int)usage, (int)waste);
    put(d, "usage_bp", json_integer(usage));
    put(d, "waste_bp", json_integer(waste));
    put(d, "stores_surveyed", json_integer(stores));
    put(d, "deduction_qty", json_integer(ded));
    put(d, "follow_up_by", json_string(x->actor.who));
    put(d, "follow_up_at", json_integer(x->c->now));
    if (ded > 0 && d->has_cu) {
        if (notify(x->c, e, "sample_deduction", d->cu.kam, jstr(d->row, "number"), NULL,
                   "样品%s回访：使用率%lld bp、损耗率%lld bp，扣减%lld", jstr(d->row, "number"),
                   (long long)usage, (long long)waste, (long long)ded) < 0)
            return -1;
        if (d->cu.kam_manager[0] &&
            notify(x->c, e, "sample_deduction", d->cu.kam_manager, jstr(d->row, "number"), NULL,
                   "样品%s回访：扣减%lld", jstr(d->row, "number"), (long long)ded) < 0)
            return -1;
    }
    return 0;
}

static int kc_lines(struct ctx *c, const char *customer, const char *period, json_t *in,
                    json_t **lines, json_t **warnings, struct osb_err *e);

static int k_review(struct doc_act *x, struct osb_err *e)
{
    struct mdoc *d = x->doc;
    const char *note;
    if (body_text(x->body, "note", x->action == KA2_RETURN, 2000, &note, e) < 0)
        return -1;
    put(d, "reviewed_by", json_string(x->actor.who));
    put(d, "reviewed_at", json_integer(x->c->now));
    put(d, "review_note", note ? json_string(note) : json_null());
    if (x->action == KA2_RETURN)
        return notify(x->c, e, "inventory_report_returned", jstr(d->row, "submitted_by"),
                      jstr(d->row, "number"), NULL, "库存报表%s被退回修改：%s",
                      jstr(d->row, "number"), note);
    return 0;
}

static int k_resubmit(struct doc_act *x, struct osb_err *e)
{
    struct mdoc *d = x->doc;
    json_t *in = json_object_get(x->body, "lines"), *lines, *warn;
    if (!in)
        return err_invalid(e, "lines", "required", "lines are required");
    if (kc_lines(x->c, jstr(d->row, "customer"), jstr(d->row, "period"), in, &lines, &warn, e) < 0)
        return -1;
    put(d, "lines", json_string(""));
    char *s = json_dumps(lines, JSON_COMPACT), *w = json_dumps(warn, JSON_COMPACT);
    put(d, "lines", json_string(s));
    put(d, "warnings", json_string(w));
    free(s);
    free(w);
    json_decref(lines);
    json_decref(warn);
    put(d, "submitted_by", json_string(x->c->user.username));
    return 0;
}

/* ---- ZC actions ---------------------------------------------------------------------------- */

static int z_tell(struct doc_act *x, const char *what, struct osb_err *e)
{
    struct mdoc *d = x->doc;
    return notify(x->c, e, "support_request", jstr(d->row, "requested_by"), jstr(d->row, "number"),
                  NULL, "支持申请%s%s", jstr(d->row, "number"), what);
}

static int z_review(struct doc_act *x, struct osb_err *e)
{
    (void)e;
    struct mdoc *d = x->doc;
    put(d, "reviewed_by", json_string(x->actor.who));
    put(d, "reviewed_at", json_integer(x->c->now));
    return 0;
}

static int z_forward(struct doc_act *x, struct osb_err *e)
{
    struct mdoc *d = x->doc;
    const char *handler;
    if (body_text(x->body, "handler", false, 80, &handler, e) < 0)
        return -1;
    put(d, "forwarded_by", json_string(x->actor.who));
    put(d, "forwarded_at", json_integer(x->c->now));
    if (handler)
        put(d, "handler", json_string(handler));
    return z_tell(x, "已转交", e);
}

static int z_schedule(struct doc_act *x, struct osb_err *e)
{
    struct mdoc *d = x->doc;
    const char *date, *place, *itinerary;
    date_t dd;
    if (body_text(x->body, "date", true, 10, &date, e) < 0 ||
        body_text(x->body, "place", true, 200, &place, e) < 0 ||
        body_text(x->body, "itinerary", false, 2000, &itinerary, e) < 0)
        return -1;
    if (!date_parse(date, &dd))
        return err_invalid(e, "date", "invalid_date", "date is YYYY-MM-DD");
    put(d, "schedule_date", json_string(date));
    put(d, "schedule_place", json_string(place));
    put(d, "schedule_itinerary", itinerary ? json_string(itinerary) : json_null());
    return z_tell(x, "已排期", e);
}

static int z_done(struct doc_act *x, struct osb_err *e)
{
    put(x->doc, "done_at", json_integer(x->c->now));
    return z_tell(x, "已完成", e);
}

static int z_reject(struct doc_act *x, struct osb_err *e)
{
    return z_tell(x, "被驳回", e);
}

static const doc_run_fn run_zc[] = {[ZA_REVIEW] = z_review,
                                    [ZA_FORWARD] = z_forward,
                                    [ZA_SCHEDULE] = z_schedule,
                                    [ZA_DONE] = z_done,
                                    [ZA_REJECT] = z_reject};

/* ---- kinds ---------------------------------------------------------------------------------- */

static const doc_run_fn run_fy[] = {
    [XA_APPROVE] = x_approve, [XA_REJECT] = x_reject,     [XA_EXECUTE] = x_execute,
    [XA_SETTLE] = x_settle,   [XA_EVALUATE] = x_evaluate, [XA_CHECK_TRAVEL] = x_check_travel};
static const doc_run_fn run_wl[] = {[POPA_APPROVE] = w_approve,
                                    [POPA_REJECT] = NULL,
                                    [POPA_CONFIRM_RECEIPT] = w_receipt,
                                    [POPA_VERIFY] = w_verify};
static const doc_run_fn run_yp[] = {[YA_FOLLOW_UP] = y_follow_up};
static const doc_run_fn run_kc[] = {
    [KA2_REVIEW] = k_review, [KA2_RETURN] = k_review, [KA2_RESUBMIT] = k_resubmit};

#define KIND(T, R)                                                                                 \
    {                                                                                              \
        .type = &T, .load = mload, .free = mfree, .state = mstate, .version = mversion,            \
        .who = who, .run = R, .save = msave, .event = mevent, .json = manswer                      \
    }
static const struct doc_kind kinds[MKT_ZC + 1] = {
    KIND(expense_doc, run_fy), KIND(pop_doc, run_wl), KIND(sample_doc, run_yp),
    KIND(invrep_doc, run_kc), KIND(support_doc, run_zc)};
const struct doc_kind *const mkt_doc_kinds[] = {&kinds[0], &kinds[1], &kinds[2], &kinds[3],
                                                &kinds[4]};

int mkt_list(struct ctx *c, enum mkt_doc t, const struct mkt_query *q, json_t **out,
             struct osb_err *e)
{
    *out = NULL;
    if (doc_state_filter(types[t], q->state, e) < 0)
        return -1;
    struct scope_user su;
    ctx_scope_user(c, &su);
    struct mkt_filter f = {tables[t],
                           q->state,
                           q->customer,
                           q->q,
                           q->cursor,
                           t == MKT_YP || t == MKT_ZC ? NULL : q->period,
                           t == MKT_FY   ? "x.category"
                           : t == MKT_YP ? "x.order_no"
                           : t == MKT_ZC ? "x.kind"
                                         : NULL,
                           q->extra,
                           q->limit,
                           t == MKT_WL || t == MKT_KC,
                           t == MKT_YP};
    if ((t == MKT_YP || t == MKT_ZC) && q->period)
        return err_bad(e, "period", "these documents have no period filter");
    json_t *nums;
    char *next;
    if (store_mkt_list(c->db, e, &su, &f, &nums, &next) < 0)
        return -1;
    int rc = doc_items(c, &kinds[t], nums, next, out, e);
    json_decref(nums);
    free(next);
    return rc;
}

/* ---- create ---------------------------------------------------------------------------------- */

static int month_now(struct ctx *c, char out[8])
{
    int y, m, d;
    date_to_ymd(flow_today(c), &y, &m, &d);
    period_format(y, m, out);
    return 0;
}

/* The customer of a create body: 1 found and visible, 0 absent, -1 error (422 when unknown). */
static int body_customer(struct ctx *c, json_t *body, struct order_customer *cu, bool required,
                         struct osb_err *e)
{
    json_t *v = json_object_get(body, "customer");
    if (!v || json_is_null(v)) {
        if (required)
            return err_invalid(e, "customer", "required", "customer is required");
        return 0;
    }
    if (!json_is_string(v))
        return err_bad(e, "customer", "customer must be a string");
    int f = store_order_customer(c->db, e, json_string_value(v), cu);
    if (f < 0)
        return -1;
    if (f == 0 || !scope_sees(c, cu))
        return err_invalid(e, "customer", "unknown_reference", "no customer '%s'",
                           json_string_value(v));
    return 1;
}

static int body_period(struct ctx *c, json_t *body, bool required, char out[8], struct osb_err *e)
{
    json_t *v = json_object_get(body, "period");
    if (!v || json_is_null(v)) {
        if (required)
            return err_invalid(e, "period", "required", "period (YYYY-MM) is required");
        return month_now(c, out);
    }
    int y, m;
    if (!json_is_string(v))
        return err_bad(e, "period", "period must be a string YYYY-MM");
    if (!period_parse(json_string_value(v), &y, &m))
        return err_invalid(e, "period", "invalid_period", "period is YYYY-MM");
    period_format(y, m, out);
    return 0;
}

/* Refuses fields a body may not carry (400). */
static int only_fields(json_t *body, const char *const *ok, struct osb_err *e)
{
    if (!json_is_object(body))
        return err_bad(e, "body", "the body must be a JSON object");
    const char *k;
    json_t *v;
    json_object_foreach(body, k, v) if (!in_list(ok, k)) return err_bad(e, k, "unknown field %s",
                                                                        k);
    return 0;
}

static int created(struct ctx *c, enum mkt_doc t, const char *number, json_t *after, json_t **out,
                   struct osb_err *e)
{
    const char *first = t == MKT_FY                  ? "submitted"
                        : t == MKT_WL || t == MKT_ZC ? "requested"
                        : t == MKT_YP                ? "issued"
                                                     : "submitted";
    const char *act = t == MKT_FY                  ? "apply"
                      : t == MKT_WL || t == MKT_ZC ? "request"
                      : t == MKT_YP                ? "issue"
                                                   : "submit";
    if (flow_doc_event(c, e, "market_events", "document", number, act, NULL, first, NULL) < 0 ||
        flow_audit(c, e, "create", types[t]->object, number, NULL, after) < 0)
        return -1;
    return out ? doc_get(c, &kinds[t], number, out, e) : 0;
}

/* travel_dates of a travel application: 1 to 62 distinct dates, none in the future, sorted
   (required for category travel, refused for others); *out the JSON text or NULL. */
static int travel_dates(struct ctx *c, json_t *body, const char *category, char **out,
                        struct osb_err *e)
{
    *out = NULL;
    json_t *v = json_object_get(body, "travel_dates");
    bool travel = is(category, "travel");
    if (!v || json_is_null(v))
        return travel ? err_invalid(e, "travel_dates", "required",
                                    "a travel application names the days claimed")
                      : 0;
    if (!travel)
        return err_invalid(e, "travel_dates", "not_travel",
                           "only a travel application claims days");
    if (!json_is_array(v))
        return err_bad(e, "travel_dates", "travel_dates is a list of dates");
    if (json_array_size(v) == 0 || json_array_size(v) > 62)
        return err_invalid(e, "travel_dates", "required", "1 to 62 days are claimed");
    json_t *days = json_array();
    size_t i;
    json_t *d;
    int rc = 0;
    json_array_foreach(v, i, d)
    {
        date_t dd;
        if (!json_is_string(d)) {
            rc = err_bad(e, "travel_dates", "a claimed day is a string YYYY-MM-DD");
            break;
        }
        if (!date_parse(json_string_value(d), &dd)) {
            rc = err_invalid(e, "travel_dates", "invalid_date", "%s is not a date YYYY-MM-DD",
                             json_string_value(d));
            break;
        }
        if (dd > flow_today(c)) {
            rc = err_invalid(e, "travel_dates", "date_out_of_range",
                             "%s is in the future: travel is claimed afterwards",
                             json_string_value(d));
            break;
        }
        char ds[11];
        date_format(dd, ds);
        size_t at = json_array_size(days);
        for (size_t j = 0; j < json_array_size(days) && rc == 0; j++) {
            int cmp = strcmp(json_string_value(json_array_get(days, j)), ds);
            if (cmp == 0)
                rc = err_invalid(e, "travel_dates", "duplicate_line", "%s is claimed twice", ds);
            else if (cmp > 0 && at == json_array_size(days))
                at = j;
        }
        if (rc < 0)
            break;
        json_array_insert_new(days, at, json_string(ds));
    }
    if (rc == 0)
        *out = json_dumps(days, JSON_COMPACT);
    json_decref(days);
    return rc;
}

static int fy_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    static const char *const ok[] = {"market",  "region",       "customer", "category",
                                     "special", "amount_fen",   "purpose",  "settlement_form",
                                     "period",  "travel_dates", NULL};
    if (flow_need(c, P_EXPENSE_APPLY, e) < 0 || only_fields(body, ok, e) < 0)
        return -1;
    struct order_customer cu;
    int hc = body_customer(c, body, &cu, false, e);
    if (hc < 0)
        return -1;
    if (hc && c->user.role == ROLE_KAM && !scope_owns(c, &cu))
        return err_forbidden(e, "role", "a KAM applies only for own customers");
    const char *market, *region, *category, *purpose, *form;
    if (body_text(body, "market", false, 32, &market, e) < 0 ||
        body_text(body, "region", false, 32, &region, e) < 0 ||
        body_enum(body, "category", categories, &category, e) < 0 ||
        body_text(body, "purpose", true, 2000, &purpose, e) < 0 ||
        body_enum(body, "settlement_form", forms, &form, e) < 0)
        return -1;
    if (!category)
        return err_invalid(e, "category", "required", "category is required");
    int64_t amount = 0;
    if (body_int(body, "amount_fen", true, 1, MONEY_MAX_FEN, "amount_not_positive", &amount, e) < 0)
        return -1;
    json_t *sp = json_object_get(body, "special");
    if (sp && !json_is_boolean(sp))
        return err_bad(e, "special", "special must be true or false");
    char *travel = NULL;
    if (travel_dates(c, body, category, &travel, e) < 0)
        return -1;
    if (hc) {
        market = cu.market;
        region = cu.region;
    } else {
        if (!market)
            market = c->user.market[0] ? c->user.market : NULL;
        if (!region && (c->user.role == ROLE_UM || c->user.role == ROLE_KAM))
            region = c->user.region[0] ? c->user.region : NULL;
        if (!market)
            return err_invalid(e, "market", "required", "market is required");
    }
    char sup[40], mm[40];
    int f = store_mkt_market(c->db, e, market, sup, mm);
    if (f < 0)
        return -1;
    if (f == 0)
        return err_invalid(e, "market", "unknown_reference", "no market '%s'", market);
    if (region && (f = store_mkt_region_in(c->db, e, region, market)) <= 0)
        return f < 0 ? -1
                     : err_invalid(e, "region", "unknown_reference", "no region '%s' in market %s",
                                   region, market);
    if (!hc && ((c->user.role == ROLE_MM && !is(market, c->user.market)) ||
                (c->user.role != ROLE_MM && region && !is(region, c->user.region))))
        return err_forbidden(e, "role", "you apply only for your own market or region");
    char period[8], budget[40], number[DOCNO_MAX];
    if (body_period(c, body, false, period, e) < 0 ||
        store_budget_match(c->db, e, market, region, category, period, budget) < 0 ||
        flow_docno(c, e, "FY", number) < 0)
        return -1;
    json_t *row = json_pack("{ss ss ss ss sb ss ss sI ss sI sI}", "number", number, "applicant",
                            c->user.username, "market", market, "category", category, "special",
                            sp && json_is_true(sp), "period", period, "purpose", purpose,
                            "amount_fen", (json_int_t)amount, "state", "submitted", "created_at",
                            (json_int_t)c->now, "updated_at", (json_int_t)c->now);
    json_object_set_new(row, "region", region ? json_string(region) : json_null());
    json_object_set_new(row, "customer", hc ? json_string(cu.code) : json_null());
    json_object_set_new(row, "budget", budget[0] ? json_string(budget) : json_null());
    json_object_set_new(row, "settlement_form", form ? json_string(form) : json_null());
    json_object_set_new(row, "special", json_integer(sp && json_is_true(sp)));
    if (travel)
        json_object_set_new(row, "travel_dates", json_string(travel));
    free(travel);
    int rc = store_mkt_insert(c->db, e, "expense_applications", row);
    if (rc == 0) {
        const char *to = mm[0] && !is(mm, c->user.username) ? mm : sup;
        rc = notify(c, e, "expense_submitted", to, number, NULL, "费用申请%s（%lld分）待批准",
                    number, (long long)amount);
    }
    if (rc == 0)
        rc = created(c, MKT_FY, number, row, out, e);
    json_decref(row);
    return rc;
}

static int wl_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    static const char *const ok[] = {"customer", "lines", "purpose", "period", NULL};
    if (flow_need(c, P_POP_REQUEST, e) < 0 || only_fields(body, ok, e) < 0)
        return -1;
    struct order_customer cu;
    if (body_customer(c, body, &cu, true, e) < 0)
        return -1;
    if (c->user.role == ROLE_KAM && !scope_owns(c, &cu))
        return err_forbidden(e, "role", "a KAM requests POP only for own customers");
    const char *purpose;
    char period[8];
    if (body_text(body, "purpose", false, 2000, &purpose, e) < 0 ||
        body_period(c, body, false, period, e) < 0)
        return -1;
    json_t *in = json_object_get(body, "lines");
    if (!json_is_array(in))
        return in ? err_bad(e, "lines", "lines must be an array")
                  : err_invalid(e, "lines", "required", "lines are required");
    if (json_array_size(in) == 0 || json_array_size(in) > 200)
        return err_invalid(e, "lines", "too_many_lines", "a request has 1 to 200 lines");
    json_t *lines = json_array();
    int64_t value = 0;
    size_t i;
    json_t *l;
    json_array_foreach(in, i, l)
    {
        json_t *s = json_object_get(l, "sku"), *q = json_object_get(l, "qty");
        if (!json_is_object(l) || !json_is_string(s) || !json_is_integer(q)) {
            json_decref(lines);
            return err_bad(e, "lines", "a line is {\"sku\": string, \"qty\": integer}");
        }
        const char *sku = json_string_value(s);
        int64_t qty = json_integer_value(q);
        char kind[16];
        bool active;
        int64_t unit;
        int f = store_mkt_product(c->db, e, sku, kind, &active, &unit);
        int rc = 0;
        if (f < 0)
            rc = -1;
        else if (f == 0)
            rc = err_invalid(e, "lines", "unknown_sku", "line %zu: no product '%s'", i + 1, sku);
        else if (!is(kind, "pop"))
            rc = err_invalid(e, "lines", "not_pop", "line %zu: %s is not POP material", i + 1, sku);
        else if (qty <= 0 || qty > 100000000)
            rc = err_invalid(e, "lines", qty <= 0 ? "negative_qty" : "qty_too_large",
                             "line %zu: the quantity is out of range", i + 1);
        for (size_t j = 0; rc == 0 && j < i; j++)
            if (is(jstr(json_array_get(lines, j), "sku"), sku))
                rc = err_invalid(e, "lines", "duplicate_line", "%s appears on two lines", sku);
        int64_t amt;
        if (rc == 0 && (!money_mul(qty, unit, &amt) || !money_add(value, amt, &value)))
            rc = err_invalid(e, "lines", "amount_too_large", "the POP value overflows");
        if (rc < 0) {
            json_decref(lines);
            return -1;
        }
        json_array_append_new(lines, json_pack("{ss sI sI}", "sku", sku, "qty", (json_int_t)qty,
                                               "value_fen", (json_int_t)amt));
    }
    char number[DOCNO_MAX];
    if (flow_docno(c, e, "WL", number) < 0) {
        json_decref(lines);
        return -1;
    }
    char *ls = json_dumps(lines, JSON_COMPACT);
    json_decref(lines);
    json_t *row =
        json_pack("{ss ss ss ss ss ss sI ss ss sI sI}", "number", number, "customer", cu.code,
                  "market", cu.market, "region", cu.region, "period", period, "lines", ls,
                  "value_fen", (json_int_t)value, "requested_by", c->user.username, "state",
                  "requested", "created_at", (json_int_t)c->now, "updated_at", (json_int_t)c->now);
    free(ls);
    json_object_set_new(row, "purpose", purpose ? json_string(purpose) : json_null());
    char sup[40], mm[40];
    int rc = store_mkt_insert(c->db, e, "pop_requests", row);
    if (rc == 0 && store_mkt_market(c->db, e, cu.market, sup, mm) < 0)
        rc = -1;
    if (rc == 0 && (mm[0] || sup[0]))
        rc = notify(c, e, "pop_requested", mm[0] ? mm : sup, number, NULL, "物料申请%s（%s）待批准",
                    number, cu.code);
    if (rc == 0)
        rc = created(c, MKT_WL, number, row, out, e);
    json_decref(row);
    return rc;
}

static const char *const kc_keys[] = {
    "opening_qty",  "purchased_qty", "other_in_qty",    "sold_qty",
    "returned_qty", "closing_qty",   "near_expiry_qty", NULL};

/* The month before period (YYYY-MM). */
static void prev_month(const char *period, int back, char out[8])
{
    int y, m;
    if (!period_parse(period, &y, &m)) {
        out[0] = '\0';
        return;
    }
    m -= back;
    while (m < 1) {
        m += 12;
        y--;
    }
    period_format(y, m, out);
}

static int64_t line_of(json_t *lines, const char *sku, const char *key, bool *found)
{
    size_t i;
    json_t *l;
    json_array_foreach(lines, i, l) if (is(jstr(l, "sku"), sku))
    {
        *found = true;
        return jint(l, key);
    }
    *found = false;
    return 0;
}

/* Units of each goods SKU delivered (POD) to customer in period: an object sku → qty
   (flows.md §16.3: `purchased` is pre-filled from the month's deliveries). */
static json_t *kc_purchased(struct ctx *c, const char *customer, const char *period,
                            struct osb_err *e)
{
    int y, m;
    if (!period_parse(period, &y, &m))
        return json_object();
    int ny = m == 12 ? y + 1 : y, nm = m == 12 ? 1 : m + 1;
    ts_t from = date_start_ts(date_from_ymd(y, m, 1), c->cfg->tz_min);
    ts_t to = date_start_ts(date_from_ymd(ny, nm, 1), c->cfg->tz_min);
    json_t *rows = store_invrep_purchased(c->db, e, customer, from, to);
    if (!rows)
        return NULL;
    json_t *out = json_object(), *r;
    size_t i;
    json_array_foreach(rows, i, r)
        json_object_set_new(out, jstr(r, "sku"), json_integer(jint(r, "qty")));
    json_decref(rows);
    return out;
}

/* Validates the lines of a report (types 400; unknown SKU, negative, duplicate, unbalanced 422)
   and computes per line the stock cover (closing ÷ average monthly sold over this and up to two
   earlier reports) and the 积货 flag; warnings when opening ≠ last month's closing. */
static int kc_lines(struct ctx *c, const char *customer, const char *period, json_t *in,
                    json_t **lines, json_t **warnings, struct osb_err *e)
{
    if (!json_is_array(in))
        return err_bad(e, "lines", "lines must be an array");
    if (json_array_size(in) == 0 || json_array_size(in) > 1000)
        return err_invalid(e, "lines", "too_many_lines", "a report has 1 to 1000 lines");
    json_t *prev[2] = {NULL, NULL};
    for (int b = 0; b < 2; b++) {
        char p[8];
        prev_month(period, b + 1, p);
        if (store_invrep_lines(c->db, e, customer, p, &prev[b]) < 0) {
            json_decref(prev[0]);
            return -1;
        }
    }
    json_t *bought = kc_purchased(c, customer, period, e);
    if (!bought) {
        json_decref(prev[0]);
        json_decref(prev[1]);
        return -1;
    }
    json_t *out = json_array(), *warn = json_array();
    int rc = 0;
    size_t i;
    json_t *l;
    json_array_foreach(in, i, l)
    {
        json_t *s = json_object_get(l, "sku");
        if (!json_is_object(l) || !json_is_string(s)) {
            rc = err_bad(e, "lines", "line %zu: sku must be a string", i + 1);
            break;
        }
        const char *sku = json_string_value(s);
        const char *k;
        json_t *v;
        json_object_foreach(l, k, v) if (!is(k, "sku") && !in_list(kc_keys, k))
        {
            rc = err_bad(e, k, "line %zu: unknown field %s", i + 1, k);
            break;
        }
        if (rc < 0)
            break;
        int64_t q[7];
        for (int j = 0; kc_keys[j] && rc == 0; j++) {
            json_t *n = json_object_get(l, kc_keys[j]);
            if (!n && is(kc_keys[j], "near_expiry_qty")) {
                q[j] = 0;
                continue;
            }
            if (!n && is(kc_keys[j], "purchased_qty")) { /* pre-filled from deliveries */
                q[j] = jint(bought, sku);
                continue;
            }
            if (!n)
                rc = err_invalid(e, kc_keys[j], "required", "line %zu: %s is required", i + 1,
                                 kc_keys[j]);
            else if (!json_is_integer(n))
                rc = err_bad(e, kc_keys[j], "line %zu: %s must be an integer", i + 1, kc_keys[j]);
            else if ((q[j] = json_integer_value(n)) < 0)
                rc = err_invalid(e, kc_keys[j], "negative_qty", "line %zu: %s is negative", i + 1,
                                 kc_keys[j]);
            else if (q[j] > 1000000000000LL)
                rc = err_invalid(e, kc_keys[j], "qty_too_large", "line %zu: %s is too large", i + 1,
                                 kc_keys[j]);
        }
        if (rc < 0)
            break;
        char kind[16];
        bool active;
        int64_t unit;
        int f = store_mkt_product(c->db, e, sku, kind, &active, &unit);
        if (f <= 0) {
            rc = f < 0 ? -1
                       : err_invalid(e, "lines", "unknown_sku", "line %zu: no product '%s'", i + 1,
                                     sku);
            break;
        }
        for (size_t j = 0; j < i; j++)
            if (is(jstr(json_array_get(out, j), "sku"), sku))
                rc = err_invalid(e, "lines", "duplicate_line", "%s appears on two lines", sku);
        if (rc < 0)
            break;
        struct invrep_line il = {q[0], q[1], q[2], q[3], q[4], q[5], q[6]};
        if (!invrep_balanced(&il)) {
            rc = err_invalid(e, "lines", "inventory_not_balanced",
                             "line %zu (%s): closing %lld ≠ opening %lld + purchased %lld + other "
                             "in %lld − sold %lld − returned %lld",
                             i + 1, sku, (long long)q[5], (long long)q[0], (long long)q[1],
                             (long long)q[2], (long long)q[3], (long long)q[4]);
            e->extra = json_pack("{si ss}", "line", (int)i + 1, "sku", sku);
            break;
        }
        int64_t sold = q[3];
        int months = 1;
        for (int b = 0; b < 2; b++) {
            bool found;
            int64_t s2 = line_of(prev[b], sku, "sold_qty", &found);
            if (found) {
                sold += s2;
                months++;
            }
        }
        bool found;
        int64_t last_close = line_of(prev[0], sku, "closing_qty", &found);
        if (found && last_close != q[0])
            json_array_append_new(warn, json_pack("{ss si ss sI}", "rule", "opening_mismatch",
                                                  "line", (int)i + 1, "sku", sku,
                                                  "expected_opening_qty", (json_int_t)last_close));
        int64_t cover = invrep_cover_bp(q[5], sold, months);
        json_t *o = json_pack("{ss}", "sku", sku);
        for (int j = 0; kc_keys[j]; j++)
            json_object_set_new(o, kc_keys[j], json_integer(q[j]));
        json_object_set_new(o, "stock_cover_bp", cover < 0 ? json_null() : json_integer(cover));
        json_object_set_new(o, "build_up", json_boolean(invrep_build_up(q[5], cover)));
        json_array_append_new(out, o);
    }
    json_decref(prev[0]);
    json_decref(prev[1]);
    json_decref(bought);
    if (rc < 0) {
        json_decref(out);
        json_decref(warn);
        return -1;
    }
    *lines = out;
    *warnings = warn;
    return 0;
}

/* The customer and period that GET /inventory-reports/prefill and POST …/import take as query
   parameters: the submitter's right first, then both checked as a report's body would be. */
static int kc_query(struct ctx *c, const char *customer, const char *period,
                    struct order_customer *cu, char p[8], struct osb_err *e)
{
    if (flow_need(c, P_INVREPORT_SUBMIT, e) < 0)
        return -1;
    json_t *q = json_pack("{ss? ss?}", "customer", customer, "period", period);
    int wrong = body_customer(c, q, cu, true, e) < 0 || body_period(c, q, true, p, e) < 0;
    json_decref(q);
    return wrong ? -1 : 0;
}

int invrep_prefill(struct ctx *c, const char *customer, const char *period, json_t **out,
                   struct osb_err *e)
{
    *out = NULL;
    struct order_customer cu;
    char p[8];
    if (kc_query(c, customer, period, &cu, p, e) < 0)
        return -1;
    char pm[8];
    prev_month(p, 1, pm);
    json_t *last, *bought = kc_purchased(c, cu.code, p, e);
    if (!bought || store_invrep_lines(c->db, e, cu.code, pm, &last) < 0) {
        json_decref(bought);
        return -1;
    }
    json_t *lines = json_array(), *l;
    size_t i;
    json_array_foreach(last, i, l)
    {
        const char *sku = jstr(l, "sku");
        json_array_append_new(lines, json_pack("{ss sI sI}", "sku", sku, "opening_qty",
                                               (json_int_t)jint(l, "closing_qty"), "purchased_qty",
                                               (json_int_t)jint(bought, sku)));
        json_object_del(bought, sku);
    }
    const char *k;
    json_t *v;
    json_object_foreach(bought, k, v) json_array_append_new(
        lines, json_pack("{ss sI sO}", "sku", k, "opening_qty", (json_int_t)0, "purchased_qty", v));
    json_decref(last);
    json_decref(bought);
    *out = json_pack("{ss ss so}", "customer", cu.code, "period", p, "lines", lines);
    return 0;
}

static int kc_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    static const char *const ok[] = {"customer", "period", "lines", "note", NULL};
    if (flow_need(c, P_INVREPORT_SUBMIT, e) < 0 || only_fields(body, ok, e) < 0)
        return -1;
    struct order_customer cu;
    char period[8];
    if (body_customer(c, body, &cu, true, e) < 0 || body_period(c, body, true, period, e) < 0)
        return -1;
    json_t *in = json_object_get(body, "lines"), *lines, *warn;
    if (!in)
        return err_invalid(e, "lines", "required", "lines are required");
    if (kc_lines(c, cu.code, period, in, &lines, &warn, e) < 0)
        return -1;
    json_t *had;
    int f = store_invrep_lines(c->db, e, cu.code, period, &had);
    json_decref(had);
    if (f != 0) {
        json_decref(lines);
        json_decref(warn);
        return f < 0 ? -1
                     : err_set(e, ERR_DUPLICATE, "customer %s has a report for %s already", cu.code,
                               period);
    }
    int py, pm, y, m, d;
    period_parse(period, &py, &pm);
    date_to_ymd(flow_today(c), &y, &m, &d);
    bool late = invrep_late(py, pm, y, m, d);
    char number[DOCNO_MAX];
    if (flow_docno(c, e, "KC", number) < 0) {
        json_decref(lines);
        json_decref(warn);
        return -1;
    }
    char *ls = json_dumps(lines, JSON_COMPACT), *ws = json_dumps(warn, JSON_COMPACT);
    json_decref(lines);
    json_decref(warn);
    json_t *row =
        json_pack("{ss ss ss ss ss sI sI ss ss sI sI}", "number", number, "customer", cu.code,
                  "period", period, "lines", ls, "warnings", ws, "late", (json_int_t)late,
                  "submitted_at", (json_int_t)c->now, "submitted_by", c->user.username, "state",
                  "submitted", "created_at", (json_int_t)c->now, "updated_at", (json_int_t)c->now);
    free(ls);
    free(ws);
    int rc = store_mkt_insert(c->db, e, "inventory_reports", row);
    if (rc == 0)
        rc = created(c, MKT_KC, number, row, out, e);
    json_decref(row);
    return rc;
}

/* ---- inventory report import (CSV or XLSX) ------------------------------------------------ */

/* The columns of an import: the API's keys, or the titles a distributor's sheet carries. */
static const struct {
    const char *key, *zh;
} kc_cols[] = {{"sku", "产品编码"},           {"opening_qty", "期初库存"},
               {"purchased_qty", "本月进货"}, {"other_in_qty", "其他入库"},
               {"sold_qty", "本月销售"},      {"returned_qty", "退货"},
               {"closing_qty", "期末库存"},   {"near_expiry_qty", "近效期"}};
/* Columns a sheet may carry for its readers, not read. */
static const char *const kc_ignored[] = {"name", "product_name", "产品名称", "品名", "规格",
                                         "spec", "note",         "备注",     NULL};

static const char *trim_cell(const char *s, char *buf, size_t n)
{
    while (*s == ' ' || *s == '\t')
        s++;
    if (str_copy(buf, n, s) < 0)
        return s;
    size_t l = strlen(buf);
    while (l > 0 && (buf[l - 1] == ' ' || buf[l - 1] == '\t' || buf[l - 1] == '\r'))
        buf[--l] = '\0';
    return buf;
}

/* A quantity cell: an integer, also as Excel writes whole numbers ("12.0"); 1 ok, 0 empty,
   -1 not a whole number. */
static int cell_qty(const char *s, int64_t *out)
{
    char buf[48];
    s = trim_cell(s, buf, sizeof buf);
    if (!*s)
        return 0;
    const char *p = s;
    bool neg = *p == '-';
    if (neg)
        p++;
    if (!(*p >= '0' && *p <= '9'))
        return -1;
    __int128 v = 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        v = v * 10 + (*p - '0');
        if (v > INT64_MAX)
            return -1;
    }
    if (*p == '.') {
        for (p++; *p == '0'; p++)
            ;
    }
    if (*p)
        return -1;
    *out = neg ? -(int64_t)v : (int64_t)v;
    return 1;
}

static void row_error(json_t *errors, json_int_t row, const char *field, const char *rule,
                      const char *message)
{
    if (json_array_size(errors) < 100)
        json_array_append_new(errors,
                              json_pack("{sI ss ss ss}", "row", row, "field", field ? field : "",
                                        "rule", rule, "message", message ? message : rule));
}

int invrep_import(struct ctx *c, const char *customer, const char *period, const char *ctype,
                  const char *data, size_t len, json_t **out, struct osb_err *e)
{
    *out = NULL;
    {
        struct order_customer cu;
        char pm[8];
        if (kc_query(c, customer, period, &cu, pm, e) < 0)
            return -1;
    }
    json_t *rows, *nums = NULL;
    bool xlsx = xlsx_looks_like((const unsigned char *)data, len);
    bool says_xlsx = ctype && strstr(ctype, "spreadsheetml");
    if (xlsx || says_xlsx) {
        const char *why = "not an XLSX workbook";
        rows = xlsx ? xlsx_rows((const unsigned char *)data, len, &nums, &why) : NULL;
        if (!rows)
            return err_bad(e, "file", "the file is not a readable XLSX workbook: %s", why);
    } else if (!ctype || strncmp(ctype, "text/csv", 8) == 0) {
        size_t bad_line = 0;
        rows = csv_parse_lines(data, len, &bad_line, &nums);
        if (!rows) {
            err_bad(e, "file", "the CSV is malformed at line %zu", bad_line);
            e->extra = json_pack("{s[{sIss}]}", "rows", "row", (json_int_t)bad_line, "rule", "csv");
            return -1;
        }
    } else {
        return err_set(e, ERR_UNSUPPORTED_MEDIA_TYPE,
                       "send the report as text/csv or as an XLSX workbook");
    }
    json_t *header = json_array_get(rows, 0);
    int col[sizeof kc_cols / sizeof kc_cols[0]];
    int rc = 0;
    for (size_t k = 0; k < sizeof kc_cols / sizeof kc_cols[0]; k++)
        col[k] = -1;
    size_t i;
    json_t *h;
    json_array_foreach(header, i, h)
    {
        char buf[64];
        const char *name = trim_cell(json_string_value(h), buf, sizeof buf);
        if (!*name || in_list(kc_ignored, name))
            continue;
        size_t k = 0;
        while (k < sizeof kc_cols / sizeof kc_cols[0] && !is(kc_cols[k].key, name) &&
               !is(kc_cols[k].zh, name))
            k++;
        if (k == sizeof kc_cols / sizeof kc_cols[0]) {
            rc = err_bad(e, name,
                         "unknown column '%s' (the columns are sku, opening_qty, "
                         "purchased_qty, other_in_qty, sold_qty, returned_qty, closing_qty, "
                         "near_expiry_qty, or their Chinese titles)",
                         name);
            break;
        }
        if (col[k] >= 0) {
            rc = err_bad(e, name, "the column %s appears twice", kc_cols[k].key);
            break;
        }
        col[k] = (int)i;
    }
    if (rc == 0 && (!header || json_array_size(rows) < 2))
        rc = err_bad(e, "file", "the file needs a header row and at least one data row");
    if (rc == 0 && col[0] < 0)
        rc = err_bad(e, "sku", "the file has no sku (产品编码) column");
    json_t *lines = json_array(), *errors = json_array(), *skus = json_object();
    for (size_t r = 1; rc == 0 && r < json_array_size(rows); r++) {
        json_t *row = json_array_get(rows, r);
        json_int_t at = json_integer_value(json_array_get(nums, r));
        json_t *l = json_object();
        bool ok = true;
        for (size_t k = 0; k < sizeof kc_cols / sizeof kc_cols[0] && ok; k++) {
            if (col[k] < 0)
                continue;
            const char *cell = json_string_value(json_array_get(row, (size_t)col[k]));
            if (!cell)
                cell = "";
            if (k == 0) {
                char buf[64];
                const char *sku = trim_cell(cell, buf, sizeof buf);
                if (!*sku) {
                    row_error(errors, at, "sku", "required", "the SKU is empty");
                    ok = false;
                } else {
                    json_object_set_new(l, "sku", json_string(sku));
                }
                continue;
            }
            int64_t q = 0;
            int f = cell_qty(cell, &q);
            if (f < 0) {
                row_error(errors, at, kc_cols[k].key, "not_a_number",
                          "the quantity is not a whole number");
                ok = false;
            } else if (f > 0) {
                json_object_set_new(l, kc_cols[k].key, json_integer(q));
            } else if (is(kc_cols[k].key, "other_in_qty") || is(kc_cols[k].key, "returned_qty")) {
                json_object_set_new(l, kc_cols[k].key, json_integer(0)); /* a blank cell */
            }
        }
        if (ok && json_object_get(skus, jstr(l, "sku"))) {
            row_error(errors, at, "sku", "duplicate_line", "the SKU appears on an earlier row");
            ok = false;
        }
        if (ok) {
            /* each row on its own, so every wrong row is named, not only the first */
            json_t *one = json_pack("[O]", l), *ol = NULL, *ow = NULL;
            struct osb_err re = OSB_ERR_INIT;
            if (kc_lines(c, customer ? customer : "", period ? period : "", one, &ol, &ow, &re) <
                0) {
                if (re.code == ERR_INTERNAL || re.code == ERR_UNAVAILABLE) {
                    err_clear(e);
                    *e = re;
                    rc = -1;
                } else {
                    /* the message names the line of the one-line check: not the file's */
                    const char *m = re.message;
                    if (strncmp(m, "line 1", 6) == 0)
                        m += m[6] == ':' ? 8 : 7;
                    row_error(errors, at, re.field[0] ? re.field : NULL,
                              re.rule[0] ? re.rule : err_code_str(re.code), m);
                    err_clear(&re);
                }
                ok = false;
            }
            json_decref(one);
            json_decref(ol);
            json_decref(ow);
        }
        if (ok) {
            json_object_set_new(skus, jstr(l, "sku"), json_integer(at));
            json_array_append(lines, l);
        }
        json_decref(l);
    }
    json_decref(rows);
    json_decref(nums);
    json_decref(skus);
    if (rc == 0 && json_array_size(errors) > 0) {
        rc = err_invalid(e, NULL, "import_rejected",
                         "%zu row(s) of the file are wrong; nothing was imported",
                         json_array_size(errors));
        e->extra = json_pack("{sO}", "rows", errors);
    }
    json_decref(errors);
    if (rc < 0) {
        json_decref(lines);
        return -1;
    }
    json_t *body = json_pack("{so}", "lines", lines);
    if (customer)
        json_object_set_new(body, "customer", json_string(customer));
    if (period)
        json_object_set_new(body, "period", json_string(period));
    rc = kc_create(c, body, out, e);
    json_decref(body);
    return rc;
}

static const char *const support_kinds[] = {"ad_design", "training", "event", "lecture", NULL};
/* the kinds' words in notifications (zh, as the users read them), in support_kinds' order */
static const char *const support_kind_words[] = {"广告设计", "培训", "活动", "讲座"};

static const char *support_kind_word(const char *kind)
{
    for (size_t i = 0; support_kinds[i]; i++)
        if (is(kind, support_kinds[i]))
            return support_kind_words[i];
    return kind;
}

static int zc_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    static const char *const ok[] = {"kind", "customer", "details", NULL};
    if (flow_need(c, P_SUPPORT_CREATE, e) < 0 || only_fields(body, ok, e) < 0)
        return -1;
    struct order_customer cu;
    int hc = body_customer(c, body, &cu, false, e);
    const char *kind, *details;
    if (hc < 0 || body_enum(body, "kind", support_kinds, &kind, e) < 0 ||
        body_text(body, "details", true, 4000, &details, e) < 0)
        return -1;
    if (!kind)
        return err_invalid(e, "kind", "required", "kind is ad_design, training, event or lecture");
    const char *market = hc ? cu.market : c->user.market, *region = hc ? cu.region : c->user.region;
    char number[DOCNO_MAX];
    if (flow_docno(c, e, "ZC", number) < 0)
        return -1;
    json_t *row =
        json_pack("{ss ss ss ss ss ss si si}", "number", number, "kind", kind, "market", market,
                  "requested_by", c->user.username, "details", details, "state", "requested",
                  "created_at", (json_int_t)c->now, "updated_at", (json_int_t)c->now);
    json_object_set_new(row, "customer", hc ? json_string(cu.code) : json_null());
    json_object_set_new(row, "region", region && *region ? json_string(region) : json_null());
    int rc = store_mkt_insert(c->db, e, "support_requests", row);
    json_t *to = rc == 0
                     ? store_mkt_role_users(c->db, e, is(kind, "ad_design") ? "csr" : "marketing")
                     : NULL;
    if (rc == 0 && !to)
        rc = -1;
    size_t i;
    json_t *u;
    json_array_foreach(to, i, u) if (rc == 0) rc =
        notify(c, e, "support_request", json_string_value(u), number, NULL,
               "支持申请%s（%s）待处理", number, support_kind_word(kind));
    json_decref(to);
    if (rc == 0)
        rc = created(c, MKT_ZC, number, row, out, e);
    json_decref(row);
    return rc;
}

int mkt_create(struct ctx *c, enum mkt_doc t, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    switch (t) {
    case MKT_FY:
        return fy_create(c, body, out, e);
    case MKT_WL:
        return wl_create(c, body, out, e);
    case MKT_KC:
        return kc_create(c, body, out, e);
    case MKT_ZC:
        return zc_create(c, body, out, e);
    case MKT_YP:
        break;
    }
    return err_set(e, ERR_NOT_FOUND, "sample issues are made at dispatch");
}

/* ---- budgets --------------------------------------------------------------------------------- */

static json_t *budget_answer(json_t *row)
{
    json_t *o = json_deep_copy(row);
    json_object_set_new(o, "used_fen", json_integer(jint(row, "actual_fen")));
    return o;
}

int budget_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    static const char *const ok[] = {"market",     "region", "category", "period",
                                     "amount_fen", "code",   NULL};
    if (!perm_may_act(P_BUDGET_SET, c->user.role) && !perm_may_act(P_BUDGET_APPROVE, c->user.role))
        return err_forbidden(e, "role", "marketing or the SLT sets budgets");
    if (only_fields(body, ok, e) < 0)
        return -1;
    const char *market, *region, *category, *period, *code;
    int64_t amount = 0;
    if (body_text(body, "market", true, 32, &market, e) < 0 ||
        body_text(body, "region", false, 32, &region, e) < 0 ||
        body_enum(body, "category", categories, &category, e) < 0 ||
        body_text(body, "period", true, 7, &period, e) < 0 ||
        body_text(body, "code", false, 32, &code, e) < 0 ||
        body_int(body, "amount_fen", true, 0, MONEY_MAX_FEN, "negative_amount", &amount, e) < 0)
        return -1;
    if (!category)
        return err_invalid(e, "category", "required", "category is required");
    /* period: a month YYYY-MM, a quarter YYYYQn or a year YYYY */
    int y, m;
    size_t pl = strlen(period);
    bool pok = period_parse(period, &y, &m) ||
               (pl == 6 && period[4] == 'Q' && period[5] >= '1' && period[5] <= '4') || pl == 4;
    for (size_t i = 0; pok && i < 4; i++)
        pok = period[i] >= '0' && period[i] <= '9';
    if (!pok)
        return err_invalid(e, "period", "invalid_period", "period is YYYY-MM, YYYYQn or YYYY");
    char sup[40], mm[40];
    int f = store_mkt_market(c->db, e, market, sup, mm);
    if (f <= 0)
        return f < 0 ? -1 : err_invalid(e, "market", "unknown_reference", "no market '%s'", market);
    if (region && (f = store_mkt_region_in(c->db, e, region, market)) <= 0)
        return f < 0 ? -1
                     : err_invalid(e, "region", "unknown_reference", "no region '%s' in market %s",
                                   region, market);
    char gen[80];
    if (!code) {
        if (str_fmt(gen, sizeof gen, "%s-%s-%s-%s", market, region ? region : "ALL", category,
                    period) < 0)
            return err_set(e, ERR_INTERNAL, "internal error: budget code");
        code = gen;
    }
    json_t *row = json_pack("{ss ss ss ss sI sI ss sI}", "code", code, "market", market, "category",
                            category, "period", period, "amount_fen", (json_int_t)amount,
                            "created_at", (json_int_t)c->now, "created_by", c->user.username,
                            "updated_at", (json_int_t)c->now);
    json_object_set_new(row, "region", region ? json_string(region) : json_null());
    int rc = store_budget_insert(c->db, e, row);
    if (rc == 0)
        rc = err_set(e, ERR_DUPLICATE, "a %s budget of %s%s%s for %s exists already", category,
                     market, region ? "/" : "", region ? region : "", period);
    if (rc > 0)
        rc = flow_audit(c, e, "create", "expense_budget", code, NULL, row);
    json_decref(row);
    if (rc < 0)
        return -1;
    /* Applications of this scope and period made before the budget are charged to it now. */
    return budget_get(c, code, out, e);
}

static bool budget_sees(const struct ctx *c, json_t *b)
{
    switch (c->user.role) {
    case ROLE_MM:
        return is(jstr(b, "market"), c->user.market);
    case ROLE_UM:
    case ROLE_KAM:
        return is(jstr(b, "market"), c->user.market) &&
               (!jstr(b, "region") || is(jstr(b, "region"), c->user.region));
    case ROLE_REP:
    case ROLE_WAREHOUSE:
    case ROLE_CUSTOMER:
    case ROLE_NONE:
    case ROLE__COUNT:
        return false;
    default:
        return true;
    }
}

int budget_get(struct ctx *c, const char *code, json_t **out, struct osb_err *e)
{
    *out = NULL;
    json_t *row;
    int rc = store_budget_get(c->db, e, code, &row);
    if (rc < 0)
        return -1;
    if (rc == 0 || !budget_sees(c, row)) {
        if (rc)
            json_decref(row);
        return err_set(e, ERR_NOT_FOUND, "no budget '%s'", code);
    }
    flow_ts(c, row, "created_at");
    flow_ts(c, row, "updated_at");
    *out = budget_answer(row);
    json_decref(row);
    return 0;
}

int budget_list(struct ctx *c, const struct budget_query *q, json_t **out, struct osb_err *e)
{
    *out = NULL;
    if (!perm_reads_budgets(c->user.role))
        return err_forbidden(e, "role", "budgets are not yours to read");
    struct budget_filter f = {q->market, q->region, q->category, q->period, q->q,
                              q->cursor, q->limit,  NULL,        NULL};
    if (c->user.role == ROLE_MM || c->user.role == ROLE_UM || c->user.role == ROLE_KAM)
        f.only_market = c->user.market;
    if (c->user.role == ROLE_UM || c->user.role == ROLE_KAM)
        f.only_region = c->user.region;
    json_t *page;
    if (store_budget_list(c->db, e, &f, &page) < 0)
        return -1;
    json_t *items = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(page, "items"), i, r)
    {
        flow_ts(c, r, "created_at");
        flow_ts(c, r, "updated_at");
        json_array_append_new(items, budget_answer(r));
    }
    json_object_set_new(page, "items", items);
    *out = page;
    return 0;
}

/* ---- POP allocations ------------------------------------------------------------------------- */

int pop_allocate(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    static const char *const ok[] = {"period", "market", "region", "sku", "qty", NULL};
    if (flow_need(c, P_POP_ALLOCATE, e) < 0 || only_fields(body, ok, e) < 0)
        return -1;
    const char *market, *region, *sku;
    char period[8];
    int64_t qty = 0;
    if (body_period(c, body, true, period, e) < 0 ||
        body_text(body, "market", false, 32, &market, e) < 0 ||
        body_text(body, "region", false, 32, &region, e) < 0 ||
        body_text(body, "sku", true, 40, &sku, e) < 0 ||
        body_int(body, "qty", true, 0, 100000000, "negative_qty", &qty, e) < 0)
        return -1;
    if ((market != NULL) == (region != NULL))
        return err_invalid(e, market ? "region" : "market", "market_or_region",
                           "an allocation names a market or a region, not both");
    char sup[40], mm[40], rmarket[40];
    int f = market ? store_mkt_market(c->db, e, market, sup, mm)
                   : store_mkt_region_market(c->db, e, region, rmarket);
    if (f <= 0)
        return f < 0
                   ? -1
                   : err_invalid(e, market ? "market" : "region", "unknown_reference", "no %s '%s'",
                                 market ? "market" : "region", market ? market : region);
    char kind[16];
    bool active;
    int64_t unit;
    f = store_mkt_product(c->db, e, sku, kind, &active, &unit);
    if (f <= 0)
        return f < 0 ? -1 : err_invalid(e, "sku", "unknown_sku", "no product '%s'", sku);
    if (!is(kind, "pop"))
        return err_invalid(e, "sku", "not_pop", "%s is not POP material", sku);
    json_t *row;
    if (store_pop_allocate(c->db, e, period, market, region, sku, qty, c->user.username, c->now) <
            0 ||
        store_pop_allocation(c->db, e, period, market, region, sku, &row) <= 0)
        return -1;
    if (flow_audit(c, e, "pop_allocate", "pop_allocation", sku, NULL, row) < 0) {
        json_decref(row);
        return -1;
    }
    *out = row;
    return 0;
}

int pop_allocation_list(struct ctx *c, const char *period, json_t **out, struct osb_err *e)
{
    *out = NULL;
    if (c->user.role == ROLE_CUSTOMER || c->user.role == ROLE_NONE)
        return err_forbidden(e, "role", "not yours to read");
    json_t *items = store_pop_allocations(c->db, e, period);
    if (!items)
        return -1;
    *out = json_pack("{so so}", "items", items, "next_cursor", json_null());
    return 0;
}

/* ---- hooks into orders and shipments ----------------------------------------------------------
 */

int market_pop_line_ok(struct ctx *c, const char *order_no, const char *request,
                       const char *customer, const char *sku, int64_t qty, bool *ok,
                       struct osb_err *e)
{
    *ok = false;
    if (!request || !*request)
        return 0;
    int64_t drawn = 0;
    if (store_pop_drawn(c->db, e, request, sku, order_no, &drawn) < 0)
        return -1;
    json_t *row;
    int rc = store_mkt_row(c->db, e, "pop_requests", request, &row);
    if (rc <= 0)
        return rc;
    if (is(jstr(row, "customer"), customer) && is(jstr(row, "state"), "approved")) {
        json_t *lines = json_loads(jstr(row, "lines"), 0, NULL);
        size_t i;
        json_t *l;
        json_array_foreach(lines, i, l)
        {
            if (is(jstr(l, "sku"), sku) && qty <= jint(l, "qty") - drawn)
                *ok = true;
        }
        json_decref(lines);
    }
    json_decref(row);
    return 0;
}

int market_sample_outstanding(struct ctx *c, const char *customer, const char *order_no,
                              int64_t *out, struct osb_err *e)
{
    return store_sample_outstanding(c->db, e, customer, order_no, out);
}

static int ship_pop(struct ctx *c, const char *shipment, struct osb_err *e)
{
    json_t *reqs = store_pop_shipped_lines(c->db, e, shipment);
    if (!reqs)
        return -1;
    int rc = 0;
    size_t i;
    json_t *r;
    json_array_foreach(reqs, i, r)
    {
        const char *n = jstr(r, "pop_request");
        json_t *row;
        int f = store_mkt_row(c->db, e, "pop_requests", n, &row);
        if (f < 0) {
            rc = -1;
            break;
        }
        if (f == 0)
            continue;
        if (is(jstr(row, "state"), "approved")) {
            int64_t v = jint(row, "value_fen");
            json_t *set =
                json_pack("{ss sI}", "shipped_with", shipment, "shipped_at", (json_int_t)c->now);
            rc = store_budget_add(c->db, e, jstr(row, "budget"), -v, v);
            if (rc == 0)
                rc = store_mkt_update(c->db, e, "pop_requests", n, set, "shipped", c->now);
            if (rc == 0)
                rc = flow_doc_event(c, e, "market_events", "document", n, "ship", "approved",
                                    "shipped", shipment);
            if (rc == 0)
                rc = flow_audit(c, e, "ship", "pop_request", n, NULL, set);
            json_decref(set);
        }
        json_decref(row);
        if (rc < 0)
            break;
    }
    json_decref(reqs);
    return rc;
}

static int issue_samples(struct ctx *c, const char *shipment, struct osb_err *e)
{
    json_t *rows = store_sample_shipped(c->db, e, shipment);
    if (!rows)
        return -1;
    int rc = 0;
    size_t i;
    json_t *r;
    char today[11];
    date_format(flow_today(c), today);
    /* the follow-up within 30 days (flows.md §14.2): 24:00 of the 30th day */
    ts_t due = date_start_ts(flow_today(c) + 31, c->cfg->tz_min);
    json_array_foreach(rows, i, r)
    {
        char number[DOCNO_MAX];
        if (flow_docno(c, e, "YP", number) < 0) {
            rc = -1;
            break;
        }
        json_t *row = json_pack(
            "{ss ss ss ss ss sI ss sI ss sI sI}", "number", number, "customer", jstr(r, "customer"),
            "order_no", jstr(r, "order_no"), "shipment", shipment, "sku", jstr(r, "sku"), "qty",
            (json_int_t)jint(r, "qty"), "issued_on", today, "follow_up_due", (json_int_t)due,
            "state", "issued", "created_at", (json_int_t)c->now, "updated_at", (json_int_t)c->now);
        rc = store_mkt_insert(c->db, e, "samples", row);
        if (rc == 0)
            rc = created(c, MKT_YP, number, row, NULL, e);
        json_t *cs = rc == 0 ? store_mkt_role_users(c->db, e, "customer_service") : NULL;
        if (rc == 0 && !cs)
            rc = -1;
        size_t j;
        json_t *u;
        json_array_foreach(cs, j, u) if (rc == 0) rc =
            notify(c, e, "sample_follow_up", json_string_value(u), number, NULL,
                   "样品%s（%s，%lld）已发放，请在30天内回访", number, jstr(r, "sku"),
                   (long long)jint(r, "qty"));
        json_decref(cs);
        json_decref(row);
        if (rc < 0)
            break;
    }
    json_decref(rows);
    return rc;
}

int market_on_dispatch(struct ctx *c, const char *shipment, struct osb_err *e)
{
    return ship_pop(c, shipment, e) < 0 ? -1 : issue_samples(c, shipment, e);
}

json_t *market_budget_mismatches(struct ctx *c, struct osb_err *e)
{
    return store_budget_mismatches(c->db, e);
}

/* ---- jobs ---------------------------------------------------------------------------------------
 */

int market_job_inventory_remind(struct ctx *c, const char *period, struct osb_err *e)
{
    const char *roles[] = {"um", "csr"};
    int rc = 0;
    for (int r = 0; r < 2 && rc == 0; r++) {
        json_t *users = store_mkt_role_users(c->db, e, roles[r]);
        if (!users)
            return -1;
        size_t i;
        json_t *u;
        char key[64];
        json_array_foreach(users, i, u) if (rc == 0)
        {
            if (str_fmt(key, sizeof key, "invrep-remind:%s:%s", period, json_string_value(u)) < 0)
                key[0] = '\0';
            rc = notify(c, e, r == 0 ? "inventory_report_reminder" : "inventory_report_call",
                        json_string_value(u), NULL, key[0] ? key : NULL,
                        r == 0 ? "请督促经销商在20日前提交%s库存报表"
                               : "电话任务：致电各区域经理，催交%s经销商库存报表（20日截止）",
                        period);
        }
        json_decref(users);
    }
    return rc;
}

int market_job_inventory_due(struct ctx *c, const char *period, struct osb_err *e)
{
    /* The deadline: 24:00 of the 20th of the period's month (flows.md §16.2). */
    int y, m;
    date_t d21;
    char ds[11];
    if (!period_parse(period, &y, &m) || str_fmt(ds, sizeof ds, "%04d-%02d-21", y, m) < 0 ||
        !date_parse(ds, &d21))
        return err_set(e, ERR_INTERNAL, "internal error: the 21st of %s", period);
    ts_t deadline = date_start_ts(d21, c->cfg->tz_min);
    /* A distributor that did not exist yet by then was not due a report. */
    json_t *miss = store_invrep_missing(c->db, e, period, deadline);
    if (!miss)
        return -1;
    struct calendar cal;
    if (settings_calendar(c->db, e, &cal, c->cfg->tz_min) < 0) {
        json_decref(miss);
        return -1;
    }
    int rc = 0;
    size_t i;
    json_t *r;
    json_array_foreach(miss, i, r) if (rc == 0)
    {
        char doc[64];
        if (str_fmt(doc, sizeof doc, "%s:%s", period, jstr(r, "code")) < 0) {
            rc = err_set(e, ERR_INTERNAL, "internal error: entry document");
            break;
        }
        json_t *explainers = json_array();
        if (jstr(r, "csr"))
            json_array_append_new(explainers, json_string(jstr(r, "csr")));
        if (jstr(r, "um"))
            json_array_append_new(explainers, json_string(jstr(r, "um")));
        struct sb desc = SB_INIT;
        sb_addf(&desc, "经销商%s未在20日前提交%s库存报表", jstr(r, "code"), period);
        struct osb_open o = {
            "inventory_report_20th", "ssg",    doc,        deadline, jstr(r, "code"),
            jstr(r, "market"),       desc.buf, explainers, NULL};
        char number[32];
        rc = osb_issue_open(c, &cal, &o, number, e) < 0 ? -1 : 0;
        sb_free(&desc);
        json_decref(explainers);
    }
    settings_calendar_release(&cal);
    json_decref(miss);
    return rc;
}

int market_job_sample_follow_up(struct ctx *c, const char *period, struct osb_err *e)
{
    (void)period;
    json_t *rows = store_sample_overdue(c->db, e, c->now);
    if (!rows)
        return -1;
    json_t *cs = store_mkt_role_users(c->db, e, "customer_service");
    struct calendar cal;
    if (!cs || settings_calendar(c->db, e, &cal, c->cfg->tz_min) < 0) {
        json_decref(rows);
        json_decref(cs);
        return -1;
    }
    int rc = 0;
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) if (rc == 0)
    {
        struct sb desc = SB_INIT;
        sb_addf(&desc, "样品%s发放后30天内未回访", jstr(r, "number"));
        struct osb_open o = {"sample_follow_up_30d",
                             "customer_service",
                             jstr(r, "number"),
                             jint(r, "follow_up_due"),
                             jstr(r, "customer"),
                             jstr(r, "market"),
                             desc.buf,
                             cs,
                             NULL};
        char number[32];
        rc = osb_issue_open(c, &cal, &o, number, e) < 0 ? -1 : 0;
        sb_free(&desc);
    }
    settings_calendar_release(&cal);
    json_decref(cs);
    json_decref(rows);
    return rc;
}
