/*
 * credit_review.c — the credit review (信用额评审, XY; flows.md §11.1–11.2, api.md §5.3) on
 * the document kernel (flow/doc.h). Its table is rules/cmr.c (credit_review_doc), its SQL
 * store/cmr.c.
 *
 * A review has one line per customer; every action names its line ("customer"), so the
 * kernel's gate checks the review (role, state open, version, body) and the action function
 * checks the line: its state and who may act on it —
 *   review   the MM of the customer's market, while no approval is in (adjustment ≠ 0 needs a
 *            reason: 422 reason_required);
 *   approve  the supervising SLT member of the customer's market (or their secretary by
 *            proxy), and the GM too where the line needs_gm; a line is approved once every
 *            approval it needs is in. The GM alone approves a line that does not need the GM
 *            (the matrix gives the GM 'Y'). Nobody approves a review they created (§0.4);
 *   reject   the same approvers, with a comment.
 * An approved line takes effect on the quarter's first day, or at the last approval if that is
 * later (an ad hoc review: at once): the customer's credit_limit_fen becomes the proposed
 * limit (audited). The review closes when every line is rejected or effective.
 *
 * allowed_actions: the kernel's list, narrowed to the actions some visible line allows now;
 * every line carries its own allowed_actions for the worksheet.
 */
#include "flow/cmr.h"

#include "core/field.h"
#include "core/json.h"
#include "core/money.h"
#include "core/sb.h"
#include "core/str.h"
#include "flow/doc.h"
#include "flow/flow.h"
#include "flow/notify.h"
#include "flow/osb_issue.h"
#include "flow/scope.h"
#include "flow/session.h"
#include "rules/cmr.h"
#include "store/cmr.h"
#include "store/recipients.h"
#include "store/settings.h"

#include <stdlib.h>
#include <string.h>

/* What the kernel holds: the review and, during an action, the line it works on. */
struct rdoc {
    struct credit_review r;
    struct credit_line *line; /* the action's line */
    char line_from[16];
};

static bool any_reader(enum role r)
{
    return perm_may_read(P_CREDIT_REVIEW_CREATE, r) || perm_may_read(P_CREDIT_REVIEW_ADJUST, r) ||
           perm_may_read(P_CREDIT_REVIEW_APPROVE, r);
}

static int load(struct ctx *c, const struct doc_kind *k, const char *number, void **out,
                struct osb_err *e)
{
    (void)k; /* one kind per loader here */
    if (!any_reader(c->user.role))
        return err_forbidden(e, "role", "the role %s does not read credit reviews",
                             role_str(c->user.role));
    struct rdoc *d = calloc(1, sizeof *d);
    int rc = store_credit_review_load(c->db, e, number, &d->r);
    if (rc <= 0) {
        store_credit_review_release(&d->r);
        free(d);
        return rc;
    }
    *out = d;
    return 1;
}

static void rfree(void *p)
{
    struct rdoc *d = p;
    store_credit_review_release(&d->r);
    free(d);
}

static int rstate(const void *p)
{
    return doc_state_parse(&credit_review_doc, ((const struct rdoc *)p)->r.state);
}

static int64_t rversion(const void *p)
{
    return ((const struct rdoc *)p)->r.version;
}

/* ---- who may act on a line -------------------------------------------------------------- */

static bool is_supervisor(const struct doc_actor *a, const struct credit_line *l)
{
    return (a->role == ROLE_SALES_DIRECTOR || a->role == ROLE_DEPUTY_DIRECTOR) &&
           is(a->who, l->cu.supervisor);
}

static bool is_mm(const struct ctx *c, const struct doc_actor *a, const struct credit_line *l)
{
    return a->role == ROLE_MM && is(c->user.market, l->cu.market);
}

static bool self_approval(const struct ctx *c, const struct credit_review *r,
                          const struct doc_actor *a)
{
    return is(r->created_by, a->who) || is(r->created_by, c->user.username);
}

/* May the actor take action a on line l? Scope only (who), or also the line's state (full).
   0 yes, -1 with a 403 (or with full, a 409) in e. */
static int line_may(struct ctx *c, const struct credit_review *r, const struct credit_line *l,
                    int a, const struct doc_actor *actor, bool full, struct osb_err *e)
{
    int st = cmr_line_state_parse(l->state);
    bool any_approval = l->slt_approved_by[0] || l->gm_approved_by[0];
    switch ((enum credit_review_action)a) {
    case CRA_REVIEW:
        if (!is_mm(c, actor, l))
            return err_forbidden(e, "role", "only the MM of market %s reviews the line of %s",
                                 l->cu.market, l->customer);
        if (full && (!(st == CRL_PROPOSED || st == CRL_REVIEWED) || any_approval))
            return err_state(e, l->state, "the line of %s is %s%s: it cannot be reviewed",
                             l->customer, l->state, any_approval ? " and approved in part" : "");
        return 0;
    case CRA_APPROVE:
    case CRA_REJECT: {
        bool gm = actor->role == ROLE_GM, slt = is_supervisor(actor, l);
        if (!gm && !slt)
            return err_forbidden(e, "role",
                                 "only the SLT member supervising market %s (or the GM) decides"
                                 " the line of %s",
                                 l->cu.market, l->customer);
        if (self_approval(c, r, actor))
            return err_forbidden(e, "self_approval", "you may not approve a review you created");
        if (!full)
            return 0;
        if (a == CRA_REJECT) {
            if (st != CRL_PROPOSED && st != CRL_REVIEWED)
                return err_state(e, l->state, "the line of %s is %s: it cannot be rejected",
                                 l->customer, l->state);
            return 0;
        }
        if (st != CRL_REVIEWED)
            return err_state(e, l->state, "the line of %s is %s: %s", l->customer, l->state,
                             st == CRL_PROPOSED ? "the MM reviews it first"
                                                : "it cannot be approved");
        if ((gm && l->gm_approved_by[0]) || (!gm && l->slt_approved_by[0]))
            return err_set(e, ERR_DUPLICATE, "the line of %s has this approval already",
                           l->customer);
        return 0;
    }
    }
    return 0;
}

/* The lines the caller sees (data scope). */
static bool line_visible(const struct ctx *c, const struct credit_line *l)
{
    return scope_sees(c, &l->cu);
}

static int kind_who(struct ctx *c, const void *p, int a, const struct doc_actor *actor,
                    struct osb_err *e)
{
    const struct rdoc *d = p;
    struct osb_err first = OSB_ERR_INIT;
    bool have = false;
    for (size_t i = 0; i < d->r.nlines; i++) {
        struct osb_err no = OSB_ERR_INIT;
        if (line_may(c, &d->r, &d->r.lines[i], a, actor, false, &no) == 0) {
            err_clear(&no);
            err_clear(&first);
            return 0;
        }
        if (!have) {
            first = no;
            have = true;
        } else {
            err_clear(&no);
        }
    }
    if (have) {
        *e = first;
        return -1;
    }
    return err_forbidden(e, "role", "the review %s has no line you may act on", d->r.number);
}

static struct credit_line *find_line(struct rdoc *d, json_t *body, struct osb_err *e)
{
    json_t *v = json_object_get(body, "customer");
    if (!v || json_is_null(v))
        return err_invalid(e, "customer", "required", "customer names the line"), NULL;
    if (!json_is_string(v))
        return err_bad(e, "customer", "customer must be a customer code"), NULL;
    for (size_t i = 0; i < d->r.nlines; i++)
        if (is(d->r.lines[i].customer, json_string_value(v)))
            return &d->r.lines[i];
    err_invalid(e, "customer", "unknown_reference", "review %s has no line of customer '%s'",
                d->r.number, json_string_value(v));
    return NULL;
}

/* ---- what-if ------------------------------------------------------------------------------ */

static bool has_reason(json_t *cc, const char *reason)
{
    json_t *rs = json_object_get(cc, "reasons");
    size_t i;
    json_t *it;
    json_array_foreach(rs, i,
                       it) if (json_is_string(it) && is(json_string_value(it), reason)) return true;
    return false;
}

static json_t *what_if_json(const struct cmr_what_if *w)
{
    return json_pack("{si si si si}", "orders", w->orders, "passed", w->passed, "slt_approval",
                     w->slt_approval, "prepay_first", w->prepay_first);
}

/* How the customer's orders of the last quarter (the three complete months before the
   review date) would have fared under limit, and under the current one. */
static int what_if(struct ctx *c, const char *customer, date_t review_date, int64_t limit,
                   int64_t current, json_t **out, struct osb_err *e)
{
    int y, m, dd;
    date_to_ymd(review_date, &y, &m, &dd);
    int idx = y * 12 + (m - 1) - 3;
    date_t from = date_from_ymd(idx / 12, idx % 12 + 1, 1), to = date_from_ymd(y, m, 1);
    json_t *checks = store_cmr_past_checks(c->db, e, customer, date_start_ts(from, c->cfg->tz_min),
                                           date_start_ts(to, c->cfg->tz_min));
    if (!checks)
        return -1;
    size_t n = json_array_size(checks);
    struct cc_input *in = calloc(n ? n : 1, sizeof *in);
    for (size_t i = 0; i < n; i++) {
        json_t *cc = json_array_get(checks, i);
        in[i].prepay_only = has_reason(cc, "prepay_only");
        in[i].credit_hold = has_reason(cc, "credit_hold");
        in[i].order_total_fen = jint(cc, "total_fen");
        in[i].fig.open_receivables_fen = jint(cc, "open_receivables_fen");
        in[i].fig.open_orders_fen = jint(cc, "open_orders_fen");
        in[i].fig.prepayment_fen = jint(cc, "prepayment_fen");
        in[i].fig.overdue_fen = jint(cc, "overdue_fen");
        int64_t other = jint(cc, "prepayment_fen") - jint(cc, "free_prepayment_fen");
        in[i].other_earmarks_fen = other > 0 ? other : 0;
    }
    struct cmr_what_if wp, wc;
    bool ok = cmr_what_if(in, n, limit, &wp) && cmr_what_if(in, n, current, &wc);
    free(in);
    json_decref(checks);
    if (!ok)
        return err_invalid(e, "adjustment_fen", "amount_overflow", "credit figures overflow");
    char f[12], t[12];
    date_format(from, f);
    date_format(to - 1, t);
    *out = what_if_json(&wp);
    json_object_set_new(*out, "from", json_string(f));
    json_object_set_new(*out, "to", json_string(t));
    json_object_set_new(*out, "limit_fen", json_integer(limit));
    json_object_set_new(*out, "current", what_if_json(&wc));
    return 0;
}

/* ---- the actions -------------------------------------------------------------------------- */

static int begin_line(struct doc_act *x, struct osb_err *e)
{
    struct rdoc *d = x->doc;
    d->line = find_line(d, x->body, e);
    if (!d->line || line_may(x->c, &d->r, d->line, x->action, &x->actor, true, e) < 0)
        return -1;
    STR_COPY_ARRAY(d->line_from, d->line->state);
    return 0;
}

static void set_line_state(struct credit_line *l, enum credit_line_state s)
{
    str_field(l->state, sizeof l->state, cmr_line_state_str(s), "state");
    l->changed = true;
}

static int a_review(struct doc_act *x, struct osb_err *e)
{
    if (begin_line(x, e) < 0)
        return -1;
    struct rdoc *d = x->doc;
    struct credit_line *l = d->line;
    json_t *adj = json_object_get(x->body, "adjustment_fen");
    json_t *rs = json_object_get(x->body, "reason");
    if (adj && !json_is_null(adj) && !json_is_integer(adj))
        return err_bad(e, "adjustment_fen", "adjustment_fen must be an integer (fen)");
    if (rs && !json_is_null(rs) && !json_is_string(rs))
        return err_bad(e, "reason", "reason must be a string");
    int64_t a = json_is_integer(adj) ? json_integer_value(adj) : 0;
    const char *reason = json_is_string(rs) ? json_string_value(rs) : NULL;
    while (reason && (*reason == ' ' || *reason == '\t'))
        reason++;
    if (a < -MONEY_MAX_FEN || a > MONEY_MAX_FEN)
        return err_invalid(e, "adjustment_fen", "amount_too_large",
                           "an amount may not exceed 10^13 fen");
    if (a != 0 && (!reason || !*reason))
        return err_invalid(e, "reason", "reason_required", "an adjustment needs a reason");
    if (reason && strlen(reason) > 500)
        return err_invalid(e, "reason", "too_long", "reason is longer than 500 bytes");
    int64_t base = l->has_formula ? l->formula_limit_fen : l->current_limit_fen, proposed;
    if (!money_add(base, a, &proposed) || proposed > MONEY_MAX_FEN)
        return err_invalid(e, "adjustment_fen", "amount_too_large",
                           "the proposed limit may not exceed 10^13 fen");
    if (proposed < 0)
        return err_invalid(e, "adjustment_fen", "limit_negative",
                           "the proposed limit would be below 0");
    free(l->adjustment_reason);
    l->adjustment_reason = reason && *reason ? strdup(reason) : NULL;
    l->adjustment_fen = a;
    l->proposed_limit_fen = proposed;
    l->needs_gm =
        cmr_needs_gm(proposed, l->has_formula, l->formula_limit_fen, l->current_limit_fen);
    date_t rd;
    if (!date_parse(d->r.review_date, &rd))
        rd = flow_today(x->c);
    json_t *wi = NULL;
    if (what_if(x->c, l->customer, rd, proposed, l->current_limit_fen, &wi, e) < 0)
        return -1;
    json_decref(l->what_if);
    l->what_if = wi;
    STR_COPY_ARRAY(l->reviewed_by, x->c->user.username);
    l->reviewed_at = x->c->now;
    set_line_state(l, CRL_REVIEWED);
    json_object_set_new(x->audit_after, "customer", json_string(l->customer));
    json_object_set_new(x->audit_after, "adjustment_fen", json_integer(a));
    json_object_set_new(x->audit_after, "proposed_limit_fen", json_integer(proposed));
    json_object_set_new(x->audit_after, "needs_gm", json_boolean(l->needs_gm));
    return 0;
}

/* Applies an approved line whose day has come: the customer's limit becomes the proposal. */
static int make_effective(struct ctx *c, const char *review, struct credit_line *l,
                          struct osb_err *e)
{
    int64_t old = 0;
    if (store_cmr_set_limit(c->db, e, l->customer, l->proposed_limit_fen, c->now, &old) < 0)
        return -1;
    json_t *b = json_pack("{sI}", "credit_limit_fen", (json_int_t)old);
    json_t *a = json_pack("{sI ss}", "credit_limit_fen", (json_int_t)l->proposed_limit_fen,
                          "credit_review", review);
    int rc = flow_audit(c, e, "credit_limit", "customer", l->customer, b, a);
    json_decref(b);
    json_decref(a);
    if (rc < 0)
        return -1;
    set_line_state(l, CRL_EFFECTIVE);
    l->effective_at = c->now;
    return 0;
}

/* closed when every line is rejected or effective. */
static int review_state_after(const struct credit_review *r)
{
    for (size_t i = 0; i < r->nlines; i++) {
        int s = cmr_line_state_parse(r->lines[i].state);
        if (s != CRL_REJECTED && s != CRL_EFFECTIVE)
            return CRS_OPEN;
    }
    return CRS_CLOSED;
}

static int a_approve(struct doc_act *x, struct osb_err *e)
{
    if (begin_line(x, e) < 0)
        return -1;
    struct ctx *c = x->c;
    struct rdoc *d = x->doc;
    struct credit_line *l = d->line;
    bool gm = x->actor.role == ROLE_GM;
    if (gm) {
        STR_COPY_ARRAY(l->gm_approved_by, x->actor.who);
        l->gm_approved_at = c->now;
    } else {
        STR_COPY_ARRAY(l->slt_approved_by, x->actor.who);
        str_field(l->slt_on_behalf_of, sizeof l->slt_on_behalf_of,
                  x->actor.obo[0] ? c->user.username : "", "slt_on_behalf_of");
        l->slt_approved_at = c->now;
    }
    l->changed = true;
    bool done = l->needs_gm ? (l->gm_approved_by[0] && l->slt_approved_by[0])
                            : (l->gm_approved_by[0] || l->slt_approved_by[0]);
    json_object_set_new(x->audit_after, "customer", json_string(l->customer));
    json_object_set_new(x->audit_after, "approval", json_string(gm ? "gm" : "slt"));
    if (!done) {
        /* The other approval is still needed: tell who gives it. */
        const char *next = l->gm_approved_by[0] ? l->cu.supervisor : NULL;
        if (!next) {
            json_t *gms = store_role_users(c->db, e, "gm");
            int rc = gms ? 0 : -1;
            for (size_t i = 0; rc == 0 && i < json_array_size(gms); i++)
                rc = notify(c, e, "credit_review_approval",
                            json_string_value(json_array_get(gms, i)), d->r.number, NULL,
                            "信用额评审%s：%s的新信用额需总经理批准", d->r.number, l->customer);
            json_decref(gms);
            return rc;
        }
        return notify(c, e, "credit_review_approval", next, d->r.number, NULL,
                      "信用额评审%s：%s的新信用额待您批准", d->r.number, l->customer);
    }
    set_line_state(l, CRL_APPROVED);
    date_t today = flow_today(c), from = today;
    if (d->r.effective_from[0] && date_parse(d->r.effective_from, &from) && from < today)
        from = today;
    date_format(from, l->effective_on);
    if (from <= today && make_effective(c, d->r.number, l, e) < 0)
        return -1;
    x->to = review_state_after(&d->r);
    json_object_set_new(x->audit_after, "line_state", json_string(l->state));
    return 0;
}

static int a_reject(struct doc_act *x, struct osb_err *e)
{
    if (begin_line(x, e) < 0)
        return -1;
    struct rdoc *d = x->doc;
    struct credit_line *l = d->line;
    if (!x->comment || !*x->comment)
        return err_invalid(e, "comment", "required", "a rejection needs a comment");
    STR_COPY_ARRAY(l->rejected_by, x->actor.who);
    l->rejected_at = x->c->now;
    free(l->reject_comment);
    l->reject_comment = strdup(x->comment);
    set_line_state(l, CRL_REJECTED);
    x->to = review_state_after(&d->r);
    json_object_set_new(x->audit_after, "customer", json_string(l->customer));
    json_object_set_new(x->audit_after, "line_state", json_string(l->state));
    return notify(x->c, e, "credit_review_rejected", l->cu.kam[0] ? l->cu.kam : l->cu.supervisor,
                  d->r.number, NULL, "信用额评审%s：%s的新信用额被驳回", d->r.number, l->customer);
}

static int save(struct doc_act *x, struct osb_err *e)
{
    struct rdoc *d = x->doc;
    return store_credit_review_save(x->c->db, e, &d->r, doc_state_str(&credit_review_doc, x->to),
                                    x->c->now);
}

static int event(struct doc_act *x, struct osb_err *e)
{
    struct rdoc *d = x->doc;
    struct sb note = SB_INIT;
    sb_add(&note, d->line ? d->line->customer : "");
    if (x->comment && *x->comment)
        sb_addf(&note, ": %s", x->comment);
    int rc = flow_doc_event(x->c, e, "credit_review_events", "review", d->r.number,
                            credit_review_doc.actions[x->action].name, d->line_from,
                            d->line ? d->line->state : NULL, note.buf);
    sb_free(&note);
    return rc;
}

/* ---- the answer -------------------------------------------------------------------------- */

/* The actions of this user on line l now (a secretary: those of the member they sign for). */
static json_t *line_actions(struct ctx *c, const struct credit_review *r,
                            const struct credit_line *l, const struct doc_actor *self,
                            const struct doc_actor *principal)
{
    json_t *names = json_array();
    if (!is(r->state, "open"))
        return names;
    static const int order[] = {CRA_APPROVE, CRA_REJECT, CRA_REVIEW}; /* sorted by name */
    for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
        int a = order[k];
        char sym = doc_symbol(&credit_review_doc, a, c->user.role);
        const struct doc_actor *actor = self;
        if (sym == 'P' && principal && principal->role != ROLE_NONE &&
            doc_role_may(&credit_review_doc, a, principal->role))
            actor = principal;
        else if (sym == '-' || sym == 'R' || sym == 'P')
            continue;
        struct osb_err no = OSB_ERR_INIT;
        if (line_may(c, r, l, a, actor, true, &no) == 0)
            json_array_append_new(names, json_string(credit_review_doc.actions[a].name));
        err_clear(&no);
    }
    return names;
}

static json_t *line_json(struct ctx *c, const struct credit_line *l, json_t *actions)
{
    json_t *o = json_object();
    json_object_set_new(o, "customer", json_string(l->customer));
    json_object_set_new(o, "customer_name", json_string(l->cu.name));
    json_object_set_new(o, "market", json_string(l->cu.market));
    json_object_set_new(o, "current_limit_fen", json_integer(l->current_limit_fen));
    json_object_set_new(o, "months_n", json_integer(l->months_n));
    json_object_set_new(o, "s_avg_fen", json_integer(l->s_avg_fen));
    json_object_set_new(o, "t_days", json_integer(l->t_days));
    json_object_set_new(o, "g_bp", json_integer(l->g_bp));
    json_object_set_new(o, "cycle_days", l->cycle_days ? json_integer(l->cycle_days) : json_null());
    /* G's breakdown (flows.md §11.2): the approved forecasts of the coming quarter, F and G
       before the clamp; forecast_fen null when G is the default for want of a forecast, raw_bp
       null when it is the default for want of one or of sales history (0 is a figure: a tiny
       forecast against large sales rounds to it). */
    json_object_set_new(
        o, "growth",
        json_pack("{so so so so}", "forecast_fen",
                  l->has_forecast ? json_integer(l->forecast_fen) : json_null(), "f_fen",
                  l->has_forecast ? json_integer(l->f_fen) : json_null(), "raw_bp",
                  cmr_growth_known(l->has_forecast, l->s_avg_fen) ? json_integer(l->g_raw_bp)
                                                                  : json_null(),
                  "sources", l->g_sources ? json_deep_copy(l->g_sources) : json_array()));
    json_object_set_new(o, "r_bp", json_integer(l->r_bp));
    json_object_set_new(o, "formula_limit_fen",
                        l->has_formula ? json_integer(l->formula_limit_fen) : json_null());
    json_object_set_new(o, "adjustment_fen", json_integer(l->adjustment_fen));
    json_object_set_new(o, "adjustment_reason", flow_json_str(l->adjustment_reason));
    json_object_set_new(o, "proposed_limit_fen", json_integer(l->proposed_limit_fen));
    json_object_set_new(o, "needs_gm", json_boolean(l->needs_gm));
    json_object_set_new(o, "state", json_string(l->state));
    json_object_set_new(o, "flags", json_copy(l->flags));
    json_object_set_new(o, "what_if", json_deep_copy(l->what_if));
    json_object_set_new(o, "reviewed_by", flow_json_str(l->reviewed_by));
    json_object_set_new(o, "reviewed_at", flow_json_ts(c, l->reviewed_at));
    json_object_set_new(o, "slt_approved_by", flow_json_str(l->slt_approved_by));
    json_object_set_new(o, "slt_on_behalf_of", flow_json_str(l->slt_on_behalf_of));
    json_object_set_new(o, "slt_approved_at", flow_json_ts(c, l->slt_approved_at));
    json_object_set_new(o, "gm_approved_by", flow_json_str(l->gm_approved_by));
    json_object_set_new(o, "gm_approved_at", flow_json_ts(c, l->gm_approved_at));
    json_object_set_new(o, "rejected_by", flow_json_str(l->rejected_by));
    json_object_set_new(o, "rejected_at", flow_json_ts(c, l->rejected_at));
    json_object_set_new(o, "reject_comment", flow_json_str(l->reject_comment));
    json_object_set_new(o, "effective_from", flow_json_str(l->effective_on));
    json_object_set_new(o, "effective_at", flow_json_ts(c, l->effective_at));
    json_object_set_new(o, "allowed_actions", actions);
    return o;
}

static int answer(struct ctx *c, void *p, json_t **out, struct osb_err *e)
{
    const struct credit_review *r = &((struct rdoc *)p)->r;
    json_t *tl = flow_doc_timeline(c, e, "credit_review_events", "review", r->number);
    if (!tl)
        return -1;
    struct doc_actor self = {.role = c->user.role}, principal = {.role = ROLE_NONE};
    STR_COPY_ARRAY(self.who, c->user.username);
    if (c->user.proxy_for[0]) {
        struct user pu;
        bool active = false;
        struct osb_err ignore = OSB_ERR_INIT;
        if (session_load_user(c->db, &ignore, c->user.proxy_for, &pu, &active, NULL) == 1 &&
            active) {
            STR_COPY_ARRAY(principal.who, pu.username);
            STR_COPY_ARRAY(principal.obo, pu.username);
            principal.role = pu.role;
        }
        err_clear(&ignore);
    }
    json_t *lines = json_array();
    for (size_t i = 0; i < r->nlines; i++) {
        const struct credit_line *l = &r->lines[i];
        if (!line_visible(c, l))
            continue;
        json_array_append_new(lines, line_json(c, l, line_actions(c, r, l, &self, &principal)));
    }
    json_t *o = json_object();
    json_object_set_new(o, "number", json_string(r->number));
    json_object_set_new(o, "quarter", flow_json_str(r->quarter));
    json_object_set_new(o, "adhoc", json_boolean(r->adhoc));
    json_object_set_new(o, "review_date", json_string(r->review_date));
    json_object_set_new(o, "effective_from", flow_json_str(r->effective_from));
    json_object_set_new(o, "state", json_string(r->state));
    json_object_set_new(o, "closed_at", flow_json_ts(c, r->closed_at));
    json_object_set_new(o, "closed_note", flow_json_str(r->closed_note));
    json_object_set_new(o, "version", json_integer(r->version));
    json_object_set_new(o, "created_at", flow_json_ts(c, r->created_at));
    json_object_set_new(o, "created_by", json_string(r->created_by));
    json_object_set_new(o, "updated_at", flow_json_ts(c, r->updated_at));
    json_object_set_new(o, "lines", lines);
    json_object_set_new(o, "timeline", tl);
    *out = o;
    return 0;
}

/* The review's allowed_actions (and proxy_actions) narrowed to what some shown line allows. */
static void narrow(json_t *o)
{
    json_t *lines = json_object_get(o, "lines");
    const char *keys[] = {"allowed_actions", "proxy_actions"};
    for (size_t k = 0; k < 2; k++) {
        json_t *list = json_object_get(o, keys[k]);
        if (!json_is_array(list))
            continue;
        json_t *kept = json_array();
        size_t i;
        json_t *name;
        json_array_foreach(list, i, name)
        {
            bool some = false;
            size_t j;
            json_t *l;
            json_array_foreach(lines, j, l)
            {
                size_t m;
                json_t *n2;
                json_array_foreach(json_object_get(l, "allowed_actions"), m, n2) some =
                    some || json_equal(n2, name);
            }
            if (some)
                json_array_append(kept, name);
        }
        if (k == 1 && json_array_size(kept) == 0) {
            json_decref(kept);
            json_object_del(o, keys[k]);
        } else {
            json_object_set_new(o, keys[k], kept);
        }
    }
}

static const doc_run_fn run[] = {
    [CRA_APPROVE] = a_approve, [CRA_REJECT] = a_reject, [CRA_REVIEW] = a_review};

static const struct doc_kind kind = {
    .type = &credit_review_doc,
    .load = load,
    .free = rfree,
    .state = rstate,
    .version = rversion,
    .who = kind_who,
    .run = run,
    .save = save,
    .event = event,
    .json = answer,
    .narrow = narrow,
};
const struct doc_kind *const credit_review_doc_kind = &kind;

int credit_review_list(struct ctx *c, const struct credit_review_query *q, json_t **out,
                       struct osb_err *e)
{
    *out = NULL;
    if (!any_reader(c->user.role))
        return err_forbidden(e, "role", "the role %s does not read credit reviews",
                             role_str(c->user.role));
    if (doc_state_filter(&credit_review_doc, q->state, e) < 0)
        return -1;
    struct credit_review_filter f = {q->state, q->quarter, q->customer, q->cursor, q->q, q->limit};
    json_t *nums;
    char *next;
    if (store_credit_review_list(c->db, e, &f, &nums, &next) < 0)
        return -1;
    int rc = doc_items(c, &kind, nums, next, out, e);
    json_decref(nums);
    free(next);
    return rc;
}

/* ---- create --------------------------------------------------------------------------------- */

/* The forecast value of the coming quarter (flows.md §11.2 G): for each of its three months
   (from month index q0 = y*12 + m-1), Σ amount_fen of that month's lines in the latest approved
   forecast (YC) of the customer that has the month — forecasts roll monthly, the newest approved
   one speaks for a month; a line the CSR assessed counts with its adjusted quantity. *has: some
   month is forecast. sources gets {"forecast","month","amount_fen"} per month counted (the
   worksheet's G breakdown). */
static int quarter_forecast(struct ctx *c, const char *customer, int q0, bool *has, int64_t *fen,
                            json_t *sources, struct osb_err *e)
{
    *has = false;
    *fen = 0;
    json_t *rows = store_cmr_forecasts(c->db, e, customer);
    if (!rows)
        return -1;
    for (int k = 0; k < 3; k++) {
        char month[8];
        period_format((q0 + k) / 12, (q0 + k) % 12 + 1, month);
        for (size_t i = json_array_size(rows); i-- > 0;) {
            const char *txt = jstr(json_array_get(rows, i), "data");
            json_t *data = txt ? json_loads(txt, 0, NULL) : NULL, *l;
            bool found = false;
            int64_t sum = 0;
            size_t j;
            json_array_foreach(json_object_get(data, "lines"), j,
                               l) if (is(jstr(l, "month"), month))
            {
                found = true;
                /* The CSR's adjusted quantity, where assessed, at the line's unit value
                   (half up). */
                json_t *adj = json_object_get(json_object_get(l, "assessment"), "adjusted_qty");
                int64_t q = jint(l, "qty"), amt = jint(l, "amount_fen");
                if (json_is_integer(adj) && q > 0)
                    amt = (int64_t)(((__int128)amt * json_integer_value(adj) * 2 + q) / (2 * q));
                sum += amt;
            }
            json_decref(data);
            if (found) {
                *has = true;
                *fen += sum;
                json_array_append_new(sources,
                                      json_pack("{ss ss sI}", "forecast",
                                                jstr(json_array_get(rows, i), "number"), "month",
                                                month, "amount_fen", (json_int_t)sum));
                break;
            }
        }
    }
    json_decref(rows);
    if (*fen > MONEY_MAX_FEN)
        *fen = MONEY_MAX_FEN;
    return 0;
}

/* One line from a customer's facts (store_cmr_facts) at review date rd, for the quarter whose
   first month index is q0 (y*12 + m-1). */
static int build_line(struct ctx *c, json_t *fact, date_t rd, int q0, int line_no,
                      struct credit_line *l, struct osb_err *e)
{
    memset(l, 0, sizeof *l);
    l->line_no = line_no;
    str_field(l->customer, sizeof l->customer, jstr(fact, "customer"), "customer");
    date_t first = -1;
    const char *fi = jstr(fact, "first_invoice");
    if (fi && !date_parse(fi, &first))
        first = -1;
    const char *g = jstr(fact, "grade");
    bool has_fc;
    int64_t fc_fen;
    l->g_sources = json_array();
    if (quarter_forecast(c, l->customer, q0, &has_fc, &fc_fen, l->g_sources, e) < 0)
        return -1;
    struct cmr_facts f = {
        jint(fact, "credit_limit_fen"),
        cmr_months_n(first, rd),
        jint(fact, "net_fen"),
        (int)jint(fact, "payment_term_days"),
        has_fc,
        fc_fen,
        g && *g ? g[0] : 'C',
        settings_int(c->db, "cmr_cycle_days", CMR_CYCLE_DAYS, CMR_CYCLE_DAYS_MAX)};
    struct cmr_terms t;
    if (!cmr_formula(&f, &t))
        return err_invalid(e, "customer", "amount_overflow", "the formula of %s overflows",
                           l->customer);
    l->current_limit_fen = f.current_limit_fen;
    l->months_n = t.months_n;
    l->s_avg_fen = t.s_avg_fen;
    l->t_days = t.t_days;
    l->cycle_days = t.cycle_days;
    l->has_forecast = has_fc;
    l->forecast_fen = fc_fen;
    l->f_fen = t.f_fen;
    l->g_raw_bp = t.g_raw_bp;
    l->g_bp = t.g_bp;
    l->r_bp = t.r_bp;
    l->has_formula = !t.insufficient_history;
    l->formula_limit_fen = t.formula_limit_fen;
    l->proposed_limit_fen = l->has_formula ? t.formula_limit_fen : f.current_limit_fen;
    if (l->proposed_limit_fen > MONEY_MAX_FEN)
        l->proposed_limit_fen = MONEY_MAX_FEN;
    l->needs_gm = cmr_needs_gm(l->proposed_limit_fen, l->has_formula, l->formula_limit_fen,
                               l->current_limit_fen);
    str_field(l->state, sizeof l->state, "proposed", "state");
    l->flags = json_array();
    if (t.insufficient_history)
        json_array_append_new(l->flags, json_string("insufficient_history"));
    return what_if(c, l->customer, rd, l->proposed_limit_fen, l->current_limit_fen, &l->what_if, e);
}

/* Closes an open review of the quarter whose lines are all still proposed (api.md §5.9);
   409 duplicate when one of them was reviewed or approved. */
static int supersede(struct ctx *c, const char *quarter, struct osb_err *e)
{
    json_t *open = store_credit_review_open_of(c->db, e, quarter);
    if (!open)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < json_array_size(open) && rc == 0; i++) {
        struct credit_review r;
        const char *number = json_string_value(json_array_get(open, i));
        rc = store_credit_review_load(c->db, e, number, &r) < 0 ? -1 : 0;
        for (size_t k = 0; rc == 0 && k < r.nlines; k++)
            if (!is(r.lines[k].state, "proposed"))
                rc = err_set(e, ERR_DUPLICATE,
                             "review %s of %s has reviewed or approved lines already", number,
                             quarter);
        if (rc == 0) {
            STR_COPY_ARRAY(r.closed_note, "superseded");
            json_t *b = json_pack("{ss sI}", "state", "open", "version", (json_int_t)r.version);
            json_t *a = json_pack("{ss sI ss}", "state", "closed", "version",
                                  (json_int_t)r.version + 1, "note", "superseded");
            rc = store_credit_review_save(c->db, e, &r, "closed", c->now) < 0 ||
                         flow_doc_event(c, e, "credit_review_events", "review", number, "close",
                                        "open", "closed", "superseded by a new review") < 0 ||
                         flow_audit(c, e, "close", "credit_review", number, b, a) < 0
                     ? -1
                     : 0;
            json_decref(b);
            json_decref(a);
        }
        store_credit_review_release(&r);
    }
    json_decref(open);
    return rc;
}

/* Makes the review (lines from facts) and answers it. by: who creates ("system" for the job). */
static int make_review(struct ctx *c, const char *quarter, date_t first_day, json_t *codes,
                       const char *by, char number[DOCNO_MAX], struct osb_err *e)
{
    date_t rd = flow_today(c), from, to;
    cmr_window(rd, &from, &to);
    char fs[12], ts[12];
    date_format(from, fs);
    date_format(to, ts);
    json_t *facts = store_cmr_facts(c->db, e, codes, fs, ts);
    if (!facts)
        return -1;
    /* The coming quarter: the one starting first_day, or for an ad hoc review the three
       months after this one. */
    int qy, qm, qd;
    date_to_ymd(quarter ? first_day : rd, &qy, &qm, &qd);
    int q0 = qy * 12 + qm - 1 + (quarter ? 0 : 1);
    struct credit_review r;
    memset(&r, 0, sizeof r);
    size_t n = json_array_size(facts);
    r.lines = calloc(n ? n : 1, sizeof *r.lines);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        rc = build_line(c, json_array_get(facts, i), rd, q0, (int)i + 1, &r.lines[i], e);
        r.nlines = i + 1;
    }
    json_decref(facts);
    if (rc == 0) {
        if (quarter) {
            str_field(r.quarter, sizeof r.quarter, quarter, "quarter");
            date_format(first_day, r.effective_from);
        }
        r.adhoc = quarter == NULL;
        date_format(rd, r.review_date);
        r.created_at = c->now;
        str_field(r.created_by, sizeof r.created_by, by, "created_by");
        rc = flow_docno(c, e, "XY", r.number) < 0 || store_credit_review_insert(c->db, e, &r) < 0 ||
                     flow_doc_event(c, e, "credit_review_events", "review", r.number, "create",
                                    NULL, "open", NULL) < 0
                 ? -1
                 : 0;
    }
    if (rc == 0) {
        json_t *after = json_pack("{ss so sb sI}", "state", "open", "quarter",
                                  quarter ? json_string(quarter) : json_null(), "adhoc", r.adhoc,
                                  "lines", (json_int_t)r.nlines);
        rc = flow_audit(c, e, "create", "credit_review", r.number, NULL, after);
        json_decref(after);
        str_field(number, DOCNO_MAX, r.number, "number");
    }
    /* Tell the MMs of the markets with lines that there is work for them. */
    json_t *mms = rc == 0 ? store_credit_review_mms(c->db, e, r.number) : NULL;
    if (rc == 0 && !mms)
        rc = -1;
    for (size_t k = 0; rc == 0 && k < json_array_size(mms); k++)
        rc = notify(c, e, "credit_review_open", json_string_value(json_array_get(mms, k)), r.number,
                    NULL, "信用额评审%s已生成，请审核您市场的客户信用额", r.number);
    json_decref(mms);
    store_credit_review_release(&r);
    return rc;
}

int credit_review_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    if (flow_need(c, P_CREDIT_REVIEW_CREATE, e) < 0)
        return -1;
    if (!json_is_object(body))
        return err_bad(e, NULL, "the body must be a JSON object");
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
    {
        if (!is(key, "quarter") && !is(key, "adhoc") && !is(key, "customers"))
            return err_bad(e, key, "unknown field '%s'", key);
    }
    json_t *q = json_object_get(body, "quarter"), *ad = json_object_get(body, "adhoc");
    json_t *cs = json_object_get(body, "customers");
    if (q && !json_is_null(q) && !json_is_string(q))
        return err_bad(e, "quarter", "quarter must be a string YYYYQn");
    if (ad && !json_is_null(ad) && !json_is_boolean(ad))
        return err_bad(e, "adhoc", "adhoc must be true or false");
    if (cs && !json_is_null(cs) && !json_is_array(cs))
        return err_bad(e, "customers", "customers must be a list of customer codes");
    bool adhoc = json_is_true(ad);
    const char *quarter = json_is_string(q) ? json_string_value(q) : NULL;
    if (adhoc == (quarter != NULL))
        return err_invalid(e, "quarter", "required",
                           "give either quarter (YYYYQn) or adhoc: true with customers");
    char number[DOCNO_MAX] = "";
    if (quarter) {
        date_t first;
        if (!cmr_quarter_parse(quarter, &first))
            return err_invalid(e, "quarter", "invalid_value", "quarter is YYYYQn (2030Q2)");
        if (json_array_size(cs))
            return err_invalid(e, "customers", "not_allowed",
                               "a quarterly review covers every active customer");
        if (supersede(c, quarter, e) < 0 ||
            make_review(c, quarter, first, NULL, c->user.username, number, e) < 0)
            return -1;
    } else {
        if (json_array_size(cs) == 0)
            return err_invalid(e, "customers", "required", "an ad hoc review names customers");
        json_t *codes = json_array();
        size_t i;
        json_t *it;
        int rc = 0;
        json_array_foreach(cs, i, it)
        {
            if (!json_is_string(it)) {
                rc = err_bad(e, "customers", "customers must be customer codes");
                break;
            }
            struct order_customer cu;
            int f = store_order_customer(c->db, e, json_string_value(it), &cu);
            if (f < 0) {
                rc = -1;
                break;
            }
            if (f == 0 || !scope_sees(c, &cu) || is(cu.status, "closed")) {
                rc = err_invalid(e, "customers", "unknown_reference", "no customer '%s'",
                                 json_string_value(it));
                break;
            }
            bool dup = false;
            size_t k;
            json_t *seen;
            json_array_foreach(codes, k, seen) dup = dup || json_equal(seen, it);
            if (!dup)
                json_array_append(codes, it);
        }
        if (rc == 0)
            rc = make_review(c, NULL, 0, codes, c->user.username, number, e);
        json_decref(codes);
        if (rc < 0)
            return -1;
    }
    return doc_get(c, &kind, number, out, e);
}

/* ---- jobs ----------------------------------------------------------------------------------- */

int credit_review_job_quarterly(struct ctx *c, const char *period, struct osb_err *e)
{
    int y, m;
    if (!period_parse(period, &y, &m) || m % 3 != 0)
        return 0; /* 1 Mar, 1 Jun, 1 Sep, 1 Dec only */
    int ny = m == 12 ? y + 1 : y, nq = m == 12 ? 1 : m / 3 + 1;
    char quarter[8];
    if (str_fmt(quarter, sizeof quarter, "%04dQ%d", ny, nq) < 0)
        return err_set(e, ERR_INTERNAL, "internal error: quarter of %s", period);
    int64_t have = 0;
    if (store_credit_review_count_of(c->db, e, quarter, &have) < 0)
        return -1;
    if (have > 0)
        return 0; /* made on request already */
    date_t first = date_from_ymd(ny, (nq - 1) * 3 + 1, 1);
    char number[DOCNO_MAX];
    return make_review(c, quarter, first, NULL, "system", number, e);
}

static int close_if_done(struct ctx *c, const char *number, struct osb_err *e)
{
    struct credit_review r;
    int rc = store_credit_review_load(c->db, e, number, &r);
    if (rc == 1 && is(r.state, "open") && review_state_after(&r) == CRS_CLOSED) {
        json_t *b = json_pack("{ss sI}", "state", "open", "version", (json_int_t)r.version);
        json_t *a = json_pack("{ss sI}", "state", "closed", "version", (json_int_t)r.version + 1);
        rc = store_credit_review_save(c->db, e, &r, "closed", c->now) < 0 ||
                     flow_audit(c, e, "close", "credit_review", number, b, a) < 0
                 ? -1
                 : 1;
        json_decref(b);
        json_decref(a);
    }
    store_credit_review_release(&r);
    return rc < 0 ? -1 : 0;
}

int credit_review_job_effective(struct ctx *c, const char *period, struct osb_err *e)
{
    (void)period;
    char today[12];
    date_format(flow_today(c), today);
    json_t *due = store_credit_lines_due(c->db, e, today);
    if (!due)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < json_array_size(due) && rc == 0; i++) {
        json_t *row = json_array_get(due, i);
        struct credit_review r;
        rc = store_credit_review_load(c->db, e, jstr(row, "review"), &r) < 0 ? -1 : 0;
        for (size_t k = 0; rc == 0 && k < r.nlines; k++) {
            struct credit_line *l = &r.lines[k];
            if (!is(l->customer, jstr(row, "customer")) || !is(l->state, "approved"))
                continue;
            rc = make_effective(c, r.number, l, e) < 0 ||
                         store_credit_review_save(c->db, e, &r, r.state, c->now) < 0 ||
                         flow_doc_event(c, e, "credit_review_events", "review", r.number,
                                        "effective", "approved", "effective", l->customer) < 0
                     ? -1
                     : 0;
        }
        if (rc == 0)
            rc = close_if_done(c, r.number, e);
        store_credit_review_release(&r);
    }
    json_decref(due);
    if (rc < 0)
        return -1;

    /* Lines of a quarter that began without their approval keep the old limit and open an OSB
       entry for the supervising SLT member (flows.md §11.1 rule 3): one entry per review and
       member, naming the customers (the lines are the member's task, not the customers'). */
    json_t *late = store_credit_lines_late(c->db, e, today);
    if (!late)
        return -1;
    struct calendar cal;
    if (json_array_size(late) && settings_calendar(c->db, e, &cal, c->cfg->tz_min) < 0) {
        json_decref(late);
        return -1;
    }
    size_t n = json_array_size(late);
    for (size_t i = 0; i < n && rc == 0;) {
        json_t *row = json_array_get(late, i);
        const char *review = jstr(row, "review"), *sup = jstr(row, "supervisor");
        size_t j = i;
        struct sb desc = SB_INIT;
        sb_addf(&desc, "信用额评审%s：以下客户的新信用额未在季度开始(%s)前批准，沿用原信用额：",
                review, jstr(row, "effective_from"));
        for (; j < n && is(jstr(json_array_get(late, j), "review"), review) &&
               is(jstr(json_array_get(late, j), "supervisor"), sup);
             j++)
            sb_addf(&desc, "%s%s", j > i ? "、" : "", jstr(json_array_get(late, j), "customer"));
        date_t from;
        char doc[96];
        if (date_parse(jstr(row, "effective_from"), &from) &&
            str_fmt(doc, sizeof doc, "%s:%s", review, sup) == 0) {
            json_t *who = json_array();
            json_array_append_new(who, json_string(sup));
            struct osb_open o = {
                "cmr_review_late", "slt", doc, date_start_ts(from, c->cfg->tz_min), NULL, NULL,
                desc.buf,          who,   NULL};
            char number[32];
            rc = osb_issue_open(c, &cal, &o, number, e) < 0 ? -1 : 0;
            json_decref(who);
        }
        for (size_t k = i; rc == 0 && k < j; k++)
            rc = store_credit_line_late_noted(c->db, e, review,
                                              jstr(json_array_get(late, k), "customer"));
        sb_free(&desc);
        i = j;
    }
    if (json_array_size(late))
        settings_calendar_release(&cal);
    json_decref(late);
    return rc;
}
