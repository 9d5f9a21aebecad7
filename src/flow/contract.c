/*
 * contract.c — contracts (flow/contract.h), the smallest document on the kernel (flow/doc.h):
 * its table is rules/contract.c, its SQL store/contract.c; here are who may act beyond the
 * matrix, the action functions and the answer. docs/architecture.md walks through this file.
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

#include "core/field.h"
#include "core/json.h"
#include "core/record.h"
#include "core/str.h"
#include "flow/doc.h"
#include "flow/flow.h"
#include "flow/notify.h"
#include "flow/scope.h"
#include "rules/contract.h"
#include "store/contract.h"
#include "store/order.h"
#include "store/recipients.h"
#include "store/settings.h"

#include <stdlib.h>
#include <string.h>

/* The aggregate the kernel holds: the contract and the facts of its customer. */
struct kdoc {
    struct contract k;
    struct order_customer cu;
};

static int load(struct ctx *c, const struct doc_kind *k, const char *number, void **out,
                struct osb_err *e)
{
    (void)k; /* one kind per loader here */
    struct kdoc *d = calloc(1, sizeof *d);
    int rc = store_contract_load(c->db, e, number, &d->k);
    if (rc == 1)
        rc = store_order_customer(c->db, e, d->k.customer, &d->cu);
    if (rc == 1 && !scope_sees(c, &d->cu))
        rc = 0;
    if (rc <= 0) {
        store_contract_release(&d->k);
        free(d);
        return rc;
    }
    *out = d;
    return 1;
}

static void kfree(void *p)
{
    struct kdoc *d = p;
    store_contract_release(&d->k);
    free(d);
}

static int kstate(const void *p)
{
    return doc_state_parse(&contract_doc, ((const struct kdoc *)p)->k.state);
}
static int64_t kversion(const void *p)
{
    return ((const struct kdoc *)p)->k.version;
}

static bool is_mm(const struct doc_actor *a, const struct ctx *c, const struct kdoc *d)
{
    return a->role == ROLE_MM && is(c->user.market, d->cu.market);
}

static bool is_slt(const struct doc_actor *a, const struct kdoc *d)
{
    return (a->role == ROLE_SALES_DIRECTOR || a->role == ROLE_DEPUTY_DIRECTOR) &&
           is(a->who, d->cu.supervisor);
}

static int who(struct ctx *c, const void *p, int a, const struct doc_actor *actor,
               struct osb_err *e)
{
    const struct kdoc *d = p;
    switch ((enum contract_action)a) {
    case KA_SUBMIT:
        if (!is(d->k.created_by, actor->who) &&
            !(perm_symbol(P_CONTRACT_DRAFT, actor->role) == 'O' && scope_owns(c, &d->cu)))
            return err_forbidden(e, "role", "only the drafter or the customer's KAM submits");
        return 0;
    case KA_COMPLETE:
    case KA_TERMINATE:
        if (!is_mm(actor, c, d))
            return err_forbidden(e, "role", "only the MM of market %s closes its contracts",
                                 d->cu.market);
        return 0;
    case KA_BIND:
        return 0;
    case KA_REJECT:
    case KA_APPROVE: {
        bool mm = is_mm(actor, c, d), slt = is_slt(actor, d);
        if (!mm && !slt)
            return err_forbidden(e, "role",
                                 "only the MM of market %s, or its supervising SLT member for a"
                                 " major or deviating contract, approves",
                                 d->cu.market);
        if (a == KA_APPROVE && is(d->k.created_by, actor->who))
            return err_forbidden(e, "self_approval", "you may not approve your own contract");
        if (slt && !d->k.needs_slt)
            return err_forbidden(e, "role",
                                 "contract %s is neither major nor deviating: the MM approves it",
                                 d->k.number);
        return 0;
    }
    case KA_SIGN:
        if (perm_symbol(P_CONTRACT_SIGN, actor->role) == 'O' && !scope_owns(c, &d->cu))
            return err_forbidden(e, "role", "only the customer's KAM or rep signs on site");
        return 0;
    case KA_ARCHIVE:
        return 0;
    }
    return 0;
}

static bool has_level(const struct contract *k, const char *level)
{
    for (size_t i = 0; i < k->napprovals; i++)
        if (is(k->approvals[i].level, level))
            return true;
    return false;
}

static int a_approve(struct doc_act *x, struct osb_err *e)
{
    struct ctx *c = x->c;
    struct kdoc *d = x->doc;
    bool mm = is_mm(&x->actor, c, d);
    bool have_mm = has_level(&d->k, "mm"), have_slt = has_level(&d->k, "slt");
    if ((mm && have_mm) || (!mm && have_slt))
        return err_set(e, ERR_DUPLICATE, "contract %s has this approval already", d->k.number);
    if (!mm && !have_mm) {
        err_state(e, "submitted", "the supervising SLT member approves after the MM");
        STR_COPY_ARRAY(e->rule, "mm_first");
        return -1;
    }
    struct contract_approval *ap = &d->k.approvals[d->k.napprovals++];
    str_field(ap->level, sizeof ap->level, mm ? "mm" : "slt", "level");
    STR_COPY_ARRAY(ap->approver, c->user.username);
    ap->at = c->now;
    bool done = mm ? !d->k.needs_slt : true;
    x->to = done ? KS_APPROVED : KS_SUBMITTED;
    if (!done)
        return notify(c, e, "contract_approval", d->cu.supervisor, d->k.number, NULL,
                      "合同%s（%s）为重大或非标准合同，市场经理已批准，待您批准", d->k.number,
                      d->cu.code);
    return 0;
}

static int a_submit(struct doc_act *x, struct osb_err *e)
{
    struct kdoc *d = x->doc;
    d->k.submitted_at = x->c->now;
    d->k.submitted_changed = true;
    /* To the superior (the MM); finance and the SLT member are copied (flows.md §7, seed 003). */
    json_t *to = store_mm_and_finance(x->c->db, e, d->cu.market);
    if (!to)
        return -1;
    if (d->cu.supervisor[0])
        json_array_append_new(to, json_string(d->cu.supervisor));
    int rc = 0;
    size_t i;
    json_t *u;
    json_array_foreach(to, i, u)
    {
        if (rc == 0)
            rc = notify(x->c, e, "contract_submitted", json_string_value(u), d->k.number, NULL,
                        "合同%s（%s）已提交，待审批", d->k.number, d->cu.code);
    }
    json_decref(to);
    return rc;
}

static int a_reject(struct doc_act *x, struct osb_err *e)
{
    struct kdoc *d = x->doc;
    if (!x->comment || !*x->comment)
        return err_invalid(e, "comment", "required", "a rejection says why (comment)");
    d->k.napprovals = d->k.approvals_saved = 0;
    d->k.approvals_cleared = true;
    return notify(x->c, e, "contract_rejected", d->k.created_by, d->k.number, NULL,
                  "合同%s被退回：%s", d->k.number, x->comment);
}

static int a_close(struct doc_act *x, struct osb_err *e)
{
    struct kdoc *d = x->doc;
    if (x->action == KA_TERMINATE && (!x->comment || !*x->comment))
        return err_invalid(e, "comment", "required", "a termination says why (comment)");
    d->k.closed_at = x->c->now;
    d->k.closed_changed = true;
    return 0;
}

static int a_bind(struct doc_act *x, struct osb_err *e)
{
    struct kdoc *d = x->doc;
    if (d->k.archive_binder[0])
        return err_set(e, ERR_DUPLICATE, "contract %s is bound in %s already", d->k.number,
                       d->k.archive_binder);
    char month[11];
    date_format(ts_to_date(d->k.signed_at, x->c->cfg->tz_min), month);
    month[7] = '\0';
    if (store_contract_next_binder(x->c->db, e, month, d->k.archive_binder) < 0)
        return -1;
    d->k.bound_at = x->c->now;
    d->k.bound_changed = true;
    json_object_set_new(x->audit_after, "archive_binder", json_string(d->k.archive_binder));
    return 0;
}

static const char *const modes[] = {"onsite", "fax_courier", NULL};

static int a_sign(struct doc_act *x, struct osb_err *e)
{
    struct kdoc *d = x->doc;
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
    json_t *dc = json_object_get(x->body, "deviations_confirmed");
    if (dc && !json_is_boolean(dc))
        return err_bad(e, "deviations_confirmed", "deviations_confirmed must be true or false");
    if (d->k.deviations && !json_is_true(dc))
        return err_invalid(e, "deviations_confirmed", "deviations_unconfirmed",
                           "contract %s deviates from the quotation or standard (%s): re-confirm"
                           " the deviations before signing (deviations_confirmed: true)",
                           d->k.number, d->k.deviations);
    d->k.deviations_confirmed = d->k.deviations != NULL;
    str_field(d->k.signing_mode, sizeof d->k.signing_mode, json_string_value(m), "signing_mode");
    STR_COPY_ARRAY(d->k.signed_by, x->c->user.username);
    d->k.signed_at = x->c->now;
    d->k.signed_changed = true;
    return 0;
}

static int a_archive(struct doc_act *x, struct osb_err *e)
{
    struct kdoc *d = x->doc;
    json_t *o = json_object_get(x->body, "original_received");
    if (o && !json_is_boolean(o))
        return err_bad(e, "original_received", "original_received must be true or false");
    if (is(d->k.signing_mode, "fax_courier") && !json_is_true(o))
        return err_invalid(e, "original_received", "original_required",
                           "contract %s was signed by fax: it is filed when the courier's original"
                           " is in (original_received: true)",
                           d->k.number);
    d->k.original_received = true;
    d->k.archived_at = x->c->now;
    d->k.archived_changed = true;
    return 0;
}

static int save(struct doc_act *x, struct osb_err *e)
{
    struct kdoc *d = x->doc;
    return store_contract_save(x->c->db, e, &d->k, doc_state_str(&contract_doc, x->to), x->c->now);
}

static int event(struct doc_act *x, struct osb_err *e)
{
    const struct doc_type *t = x->kind->type;
    return flow_doc_event(x->c, e, "contract_events", "contract", ((struct kdoc *)x->doc)->k.number,
                          t->actions[x->action].name, doc_state_str(t, x->from),
                          doc_state_str(t, x->to), x->comment);
}

static int answer(struct ctx *c, void *p, json_t **out, struct osb_err *e)
{
    const struct contract *k = &((struct kdoc *)p)->k;
    json_t *tl = flow_doc_timeline(c, e, "contract_events", "contract", k->number);
    json_t *orders = tl ? store_contract_orders(c->db, e, k->number) : NULL;
    if (!orders) {
        json_decref(tl);
        return -1;
    }
    json_t *ap = json_array();
    for (size_t i = 0; i < k->napprovals; i++)
        json_array_append_new(ap, json_pack("{ss ss so}", "level", k->approvals[i].level,
                                            "approver", k->approvals[i].approver, "at",
                                            flow_json_ts(c, k->approvals[i].at)));
    json_t *o = json_object();
    json_object_set_new(o, "number", json_string(k->number));
    json_object_set_new(o, "customer", json_string(k->customer));
    json_object_set_new(o, "kind", json_string(k->kind));
    json_object_set_new(o, "value_fen", json_integer(k->value_fen));
    json_object_set_new(o, "payment_term_days",
                        k->has_term ? json_integer(k->payment_term_days) : json_null());
    json_object_set_new(o, "valid_from", flow_json_str(k->valid_from));
    json_object_set_new(o, "valid_to", flow_json_str(k->valid_to));
    json_object_set_new(o, "deviations", flow_json_str(k->deviations));
    json_object_set_new(o, "major", json_boolean(k->major));
    json_object_set_new(o, "needs_slt", json_boolean(k->needs_slt));
    json_object_set_new(o, "signing_mode", flow_json_str(k->signing_mode));
    json_object_set_new(o, "signed_at", flow_json_ts(c, k->signed_at));
    json_object_set_new(o, "signed_by", flow_json_str(k->signed_by));
    json_object_set_new(o, "archived_at", flow_json_ts(c, k->archived_at));
    json_object_set_new(o, "quotation", flow_json_str(k->quotation));
    json_object_set_new(o, "submitted_at", flow_json_ts(c, k->submitted_at));
    json_object_set_new(o, "original_received", json_boolean(k->original_received));
    json_object_set_new(o, "deviations_confirmed", json_boolean(k->deviations_confirmed));
    json_object_set_new(o, "archive_binder", flow_json_str(k->archive_binder));
    json_object_set_new(o, "bound_at", flow_json_ts(c, k->bound_at));
    json_object_set_new(o, "closed_at", flow_json_ts(c, k->closed_at));
    char today[11], limit[11];
    date_t t0 = flow_today(c);
    date_format(t0, today);
    date_format(t0 + settings_int(c->db, "contract_expiry_days", 30, 3650), limit);
    bool live = is(k->state, "signed") || is(k->state, "archived");
    json_object_set_new(o, "expiring",
                        json_boolean(live && contract_expiring(k->valid_to, today, limit)));
    json_object_set_new(o, "state", json_string(k->state));
    json_object_set_new(o, "version", json_integer(k->version));
    json_object_set_new(o, "created_at", flow_json_ts(c, k->created_at));
    json_object_set_new(o, "created_by", json_string(k->created_by));
    json_object_set_new(o, "updated_at", flow_json_ts(c, k->updated_at));
    json_object_set_new(o, "approvals", ap);
    json_object_set_new(o, "orders", orders);
    json_object_set_new(o, "timeline", tl);
    *out = o;
    return 0;
}

static const doc_run_fn run[] = {
    [KA_SUBMIT] = a_submit,  [KA_APPROVE] = a_approve, [KA_REJECT] = a_reject,
    [KA_SIGN] = a_sign,      [KA_ARCHIVE] = a_archive, [KA_BIND] = a_bind,
    [KA_COMPLETE] = a_close, [KA_TERMINATE] = a_close};

static const struct doc_kind kind = {
    .type = &contract_doc,
    .load = load,
    .free = kfree,
    .state = kstate,
    .version = kversion,
    .who = who,
    .run = run,
    .save = save,
    .event = event,
    .json = answer,
};

/* The work queue (flow/queue.c) lists documents of this kind. */
const struct doc_kind *const contract_doc_kind = &kind;

int contract_list(struct ctx *c, const struct contract_query *q, json_t **out, struct osb_err *e)
{
    *out = NULL;
    if (doc_state_filter(&contract_doc, q->state, e) < 0)
        return -1;
    struct scope_user su;
    ctx_scope_user(c, &su);
    struct contract_filter f = {.customer = q->customer,
                                .state = q->state,
                                .kind = q->kind,
                                .cursor = q->cursor,
                                .limit = q->limit,
                                .q = q->q};
    char today[11], limit[11];
    if (q->expiring) {
        date_t t0 = flow_today(c);
        date_format(t0, today);
        date_format(t0 + settings_int(c->db, "contract_expiry_days", 30, 3650), limit);
        f.expiring_by = limit;
        f.today = today;
    }
    json_t *nums;
    char *next;
    if (store_contract_list(c->db, e, &su, &f, &nums, &next) < 0)
        return -1;
    int rc = doc_items(c, &kind, nums, next, out, e);
    json_decref(nums);
    free(next);
    return rc;
}

/* ---- create ------------------------------------------------------------------------------ */

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
static const struct record_def create_def = {"contracts", "number", "contract", create_fields, 7};

int contract_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    json_t *n = NULL;
    if (flow_need(c, P_CONTRACT_DRAFT, e) < 0 || record_check(&create_def, body, true, &n, e) < 0)
        return -1;
    int rc = -1;
    struct contract k = {0};
    const char *customer = jstr(n, "customer");
    struct order_customer cu;
    int f = store_order_customer(c->db, e, customer, &cu);
    if (f < 0)
        goto out;
    if (f == 0 || !scope_sees(c, &cu)) {
        err_invalid(e, "customer", "unknown_reference", "no customer '%s'", customer);
        goto out;
    }
    if (perm_symbol(P_CONTRACT_DRAFT, c->user.role) == 'O' && !scope_owns(c, &cu)) {
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
    str_field(k.customer, sizeof k.customer, customer, "customer");
    str_field(k.kind, sizeof k.kind, jstr(n, "kind"), "kind");
    k.value_fen = jint(n, "value_fen");
    k.payment_term_days = term ? (int)json_integer_value(term) : cu.payment_term_days;
    str_field(k.valid_from, sizeof k.valid_from, vf ? vf : "", "valid_from");
    str_field(k.valid_to, sizeof k.valid_to, vt ? vt : "", "valid_to");
    k.deviations = dev && *dev ? (char *)dev : NULL;
    k.major =
        contract_is_major(k.value_fen, term != NULL, k.payment_term_days, cu.payment_term_days);
    k.needs_slt = k.major || k.deviations;
    k.created_at = c->now;
    STR_COPY_ARRAY(k.created_by, c->user.username);
    if (flow_docno(c, e, "HT", k.number) < 0 || store_contract_insert(c->db, e, &k) < 0 ||
        flow_doc_event(c, e, "contract_events", "contract", k.number, "draft", NULL, "draft",
                       NULL) < 0)
        goto out;
    json_t *after = json_pack("{ss ss sI sb sb}", "customer", customer, "kind", k.kind, "value_fen",
                              (json_int_t)k.value_fen, "major", k.major, "needs_slt", k.needs_slt);
    rc = flow_audit(c, e, "create", "contract", k.number, NULL, after);
    json_decref(after);
    if (rc == 0)
        rc = doc_get(c, &kind, k.number, out, e);
out:
    json_decref(n);
    return rc;
}

int contract_check_for_order(struct ctx *c, const char *number, const char *customer,
                             struct osb_err *e)
{
    struct contract k;
    int rc = store_contract_load(c->db, e, number, &k);
    if (rc < 0)
        return -1;
    bool ok =
        rc == 1 && is(k.customer, customer) && (is(k.state, "signed") || is(k.state, "archived"));
    store_contract_release(&k);
    return ok ? 0
              : err_invalid(e, "contract", "unknown_reference",
                            "no signed contract '%s' of customer %s", number, customer);
}

int contract_open_from_quotation(struct ctx *c, const char *quotation, const char *customer,
                                 int64_t value_fen, int term_days, char *out, struct osb_err *e)
{
    struct order_customer cu;
    int f = store_order_customer(c->db, e, customer, &cu);
    if (f <= 0)
        return f < 0
                   ? -1
                   : err_invalid(e, "customer", "unknown_reference", "no customer '%s'", customer);
    struct contract k = {0};
    str_field(k.customer, sizeof k.customer, customer, "customer");
    STR_COPY_ARRAY(k.kind, "sales");
    str_field(k.quotation, sizeof k.quotation, quotation, "quotation");
    k.value_fen = value_fen;
    bool has_term = term_days >= 0;
    k.payment_term_days = has_term ? term_days : cu.payment_term_days;
    date_format(flow_today(c), k.valid_from);
    k.major = contract_is_major(k.value_fen, has_term, k.payment_term_days, cu.payment_term_days);
    k.needs_slt = k.major;
    k.created_at = c->now;
    STR_COPY_ARRAY(k.created_by, c->user.username);
    if (flow_docno(c, e, "HT", k.number) < 0 || store_contract_insert(c->db, e, &k) < 0 ||
        flow_doc_event(c, e, "contract_events", "contract", k.number, "draft", NULL, "draft",
                       quotation) < 0)
        return -1;
    json_t *after = json_pack("{ss ss sI ss}", "customer", customer, "kind", k.kind, "value_fen",
                              (json_int_t)k.value_fen, "quotation", quotation);
    int rc = flow_audit(c, e, "create", "contract", k.number, NULL, after);
    json_decref(after);
    if (rc == 0)
        str_field(out, DOCNO_MAX, k.number, "number");
    return rc;
}
