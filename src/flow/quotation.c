/*
 * quotation.c — quotations and bids (flow/quotation.h) on the kernel (flow/doc.h, flow/fdoc.h).
 *
 * Who (numbering-and-rules.md §3): register, prepare, request support, submit, issue and the
 * result — the customer's KAM or rep (or the drafter); decide, approve and return — the MM of
 * the customer's market, and for a major quotation (>= ¥500,000) the supervising SLT member:
 * decide is the SLT member's alone, approve needs the MM and then the SLT member (numbering-
 * and-rules §5 "supervising SLT member after the MM"); support — customer service, for both
 * the technical and the purchasing task (no purchasing role exists in this build).
 */
#include "flow/quotation.h"

#include "core/date.h"
#include "core/field.h"
#include "core/json.h"
#include "core/money.h"
#include "core/str.h"
#include "flow/contract.h"
#include "flow/flow.h"
#include "flow/notify.h"
#include "rules/field.h"
#include "store/doc.h"
#include "store/settings.h"

#include <stdlib.h>
#include <string.h>

static const struct doc_kind kind;

static bool is_major(const struct fdoc_doc *d)
{
    return json_is_true(json_object_get(d->d.data, "major"));
}

static int who(struct ctx *c, const void *p, int a, const struct doc_actor *actor,
               struct osb_err *e)
{
    const struct fdoc_doc *d = p;
    switch ((enum quotation_action)a) {
    case QA_DECIDE:
    case QA_APPROVE:
    case QA_RETURN: {
        bool mm = fdoc_is_mm(c, actor, d), slt = fdoc_is_supervisor(actor, d);
        if (!mm && !slt)
            return err_forbidden(e, "role",
                                 "only the MM of market %s, or its supervising SLT member for a"
                                 " major quotation, does this",
                                 d->d.market);
        if (slt && !is_major(d))
            return err_forbidden(e, "role", "quotation %s is not major: the MM decides",
                                 d->d.number);
        if (mm && a == QA_DECIDE && is_major(d))
            return err_forbidden(e, "role",
                                 "quotation %s is major: the supervising SLT member decides",
                                 d->d.number);
        return 0;
    }
    case QA_SUPPORT:
        return 0;
    default:
        if (!fdoc_owns(c, actor, d))
            return err_forbidden(e, "role",
                                 "only the customer's KAM or rep, or the drafter,"
                                 " does this");
        return 0;
    }
}

/* ---- lines -------------------------------------------------------------------------------- */

int quotation_lines(struct ctx *c, json_t *lines, json_t **out, int64_t *total, struct osb_err *e)
{
    *out = NULL;
    *total = 0;
    if (!json_is_array(lines))
        return err_bad(e, "lines", "lines must be an array");
    json_t *res = json_array();
    __int128 sum = 0;
    size_t i;
    json_t *l;
    json_array_foreach(lines, i, l)
    {
        if (!json_is_object(l)) {
            json_decref(res);
            return err_bad(e, "lines", "each line is an object");
        }
        const char *sku = NULL, *item = NULL, *spec = NULL;
        int64_t qty = 0, price = 0, lead = 0;
        bool has_price = false, has_lead = false;
        const char *key;
        json_t *v;
        json_object_foreach(l, key, v)
        {
            if (strcmp(key, "sku") && strcmp(key, "item") && strcmp(key, "spec") &&
                strcmp(key, "qty") && strcmp(key, "price_fen") && strcmp(key, "lead_time_days")) {
                json_decref(res);
                return err_bad(e, key, "unknown field '%s' in a line", key);
            }
        }
        if (fdoc_body_str(l, "sku", false, 32, &sku, e) < 0 ||
            fdoc_body_str(l, "item", false, 200, &item, e) < 0 ||
            fdoc_body_str(l, "spec", false, 200, &spec, e) < 0 ||
            fdoc_body_int(l, "qty", true, 1, INT32_MAX, &qty, NULL, e) < 0 ||
            fdoc_body_int(l, "price_fen", false, 0, MONEY_MAX_FEN, &price, &has_price, e) < 0 ||
            fdoc_body_int(l, "lead_time_days", false, 0, 3650, &lead, &has_lead, e) < 0) {
            json_decref(res);
            return -1;
        }
        if (!sku && !item) {
            json_decref(res);
            return err_invalid(e, "lines", "sku_or_item", "line %zu names no sku and no item",
                               i + 1);
        }
        if (sku) {
            int64_t list;
            int f = store_fdoc_list_price(c->db, e, sku, &list);
            if (f <= 0) {
                json_decref(res);
                return f < 0 ? -1 : err_invalid(e, "lines", "unknown_sku", "no SKU '%s'", sku);
            }
        }
        json_t *n = json_object();
        json_object_set_new(n, "sku", flow_json_str(sku));
        json_object_set_new(n, "item", flow_json_str(item));
        json_object_set_new(n, "spec", flow_json_str(spec));
        json_object_set_new(n, "qty", json_integer(qty));
        json_object_set_new(n, "price_fen", has_price ? json_integer(price) : json_null());
        json_object_set_new(n, "lead_time_days", has_lead ? json_integer(lead) : json_null());
        __int128 amt = (__int128)qty * price;
        json_object_set_new(n, "amount_fen",
                            has_price && amt <= MONEY_MAX_FEN ? json_integer((int64_t)amt)
                                                              : json_null());
        json_array_append_new(res, n);
        sum += amt;
        if (sum > MONEY_MAX_FEN) {
            json_decref(res);
            return err_invalid(e, "lines", "amount_too_large", "the total is over 10^13 fen");
        }
    }
    *out = res;
    *total = (int64_t)sum;
    return 0;
}

static int set_lines(struct ctx *c, struct fdoc_doc *d, json_t *lines, struct osb_err *e)
{
    json_t *norm;
    int64_t total;
    if (quotation_lines(c, lines, &norm, &total, e) < 0)
        return -1;
    json_object_set_new(d->d.data, "lines", norm);
    json_object_set_new(d->d.data, "total_fen", json_integer(total));
    json_object_set_new(d->d.data, "major", json_boolean(quotation_is_major(total)));
    return 0;
}

/* ---- actions ------------------------------------------------------------------------------ */

static int tell(struct ctx *c, struct osb_err *e, const char *user, const char *number,
                const char *text)
{
    return user && *user ? notify(c, e, "quotation", user, number, NULL, "%s", text) : 0;
}

static int a_decide(struct doc_act *x, struct osb_err *e)
{
    struct fdoc_doc *d = x->doc;
    json_t *p = json_object_get(x->body, "participate");
    if (!p)
        return err_invalid(e, "participate", "required", "participate is true or false");
    if (!json_is_boolean(p))
        return err_bad(e, "participate", "participate must be true or false");
    json_object_set_new(d->d.data, "participate_decision", json_boolean(json_is_true(p)));
    json_object_set_new(d->d.data, "decided_by", json_string(x->actor.who));
    json_object_set_new(d->d.data, "decided_at", flow_json_ts(x->c, x->c->now));
    x->to = json_is_true(p) ? QS_PREPARING : QS_DECLINED;
    return tell(x->c, e, d->d.owner, d->d.number,
                json_is_true(p) ? "报价/投标已决定参与，请准备" : "报价/投标已决定不参与");
}

static int a_prepare(struct doc_act *x, struct osb_err *e)
{
    struct fdoc_doc *d = x->doc;
    json_t *lines = json_object_get(x->body, "lines");
    const char *vu = NULL;
    int64_t term = 0;
    bool has_term = false;
    if ((lines && set_lines(x->c, d, lines, e) < 0) ||
        fdoc_body_date(x->body, "valid_until", false, &vu, e) < 0 ||
        fdoc_body_int(x->body, "payment_term_days", false, 0, 365, &term, &has_term, e) < 0)
        return -1;
    if (vu)
        json_object_set_new(d->d.data, "valid_until", json_string(vu));
    if (has_term)
        json_object_set_new(d->d.data, "payment_term_days", json_integer(term));
    return 0;
}

static const char *const task_kinds[] = {"technical", "purchasing", NULL};

static int task_kind(json_t *body, const char **out, struct osb_err *e)
{
    if (fdoc_body_str(body, "kind", true, 16, out, e) < 0)
        return -1;
    for (const char *const *k = task_kinds; *k; k++)
        if (strcmp(*k, *out) == 0)
            return 0;
    return err_invalid(e, "kind", "invalid_value", "kind is technical or purchasing");
}

static json_t *tasks(struct fdoc_doc *d)
{
    json_t *t = json_object_get(d->d.data, "support_tasks");
    if (!json_is_array(t)) {
        t = json_array();
        json_object_set_new(d->d.data, "support_tasks", t);
    }
    return t;
}

static int a_request_support(struct doc_act *x, struct osb_err *e)
{
    struct fdoc_doc *d = x->doc;
    const char *k = NULL, *note = NULL;
    if (task_kind(x->body, &k, e) < 0 || fdoc_body_str(x->body, "note", true, 2000, &note, e) < 0)
        return -1;
    json_t *t = tasks(d);
    size_t i;
    json_t *it;
    json_array_foreach(
        t, i, it) if (is(jstr(it, "kind"), k) &&
                      json_is_null(json_object_get(
                          it, "result"))) return err_set(e, ERR_DUPLICATE,
                                                         "a %s support task is open already", k);
    json_array_append_new(t, json_pack("{ss ss ss so so so so}", "kind", k, "note", note,
                                       "requested_by", x->actor.who, "requested_at",
                                       flow_json_ts(x->c, x->c->now), "result", json_null(),
                                       "done_by", json_null(), "done_at", json_null()));
    return fdoc_tell_role(x->c, "customer_service", NULL, d->d.number,
                          strcmp(k, "technical") == 0 ? "报价技术支持任务：请提供型号和参数"
                                                      : "报价采购支持任务：请提供原料价格和交期",
                          e);
}

static int a_support(struct doc_act *x, struct osb_err *e)
{
    struct fdoc_doc *d = x->doc;
    const char *k = NULL, *result = NULL;
    if (task_kind(x->body, &k, e) < 0 ||
        fdoc_body_str(x->body, "result", true, 2000, &result, e) < 0)
        return -1;
    json_t *t = tasks(d);
    size_t i;
    json_t *it;
    json_array_foreach(t, i, it)
    {
        if (is(jstr(it, "kind"), k) && json_is_null(json_object_get(it, "result"))) {
            json_object_set_new(it, "result", json_string(result));
            json_object_set_new(it, "done_by", json_string(x->actor.who));
            json_object_set_new(it, "done_at", flow_json_ts(x->c, x->c->now));
            return tell(x->c, e, d->d.owner, d->d.number, "报价支持任务已完成");
        }
    }
    return err_invalid(e, "kind", "no_open_task", "no open %s support task on quotation %s", k,
                       d->d.number);
}

static int a_submit(struct doc_act *x, struct osb_err *e)
{
    struct fdoc_doc *d = x->doc;
    json_t *lines = json_object_get(d->d.data, "lines");
    if (!json_array_size(lines))
        return err_invalid(e, "lines", "lines_required", "a quotation goes to review with lines");
    size_t i;
    json_t *l;
    json_array_foreach(lines, i, l)
    {
        if (json_is_null(json_object_get(l, "price_fen")))
            return err_invalid(e, "lines", "price_required", "line %zu has no price_fen", i + 1);
    }
    json_object_set_new(d->d.data, "approvals", json_array());
    return 0;
}

static int a_approve(struct doc_act *x, struct osb_err *e)
{
    struct fdoc_doc *d = x->doc;
    bool mm = fdoc_is_mm(x->c, &x->actor, d);
    json_t *ap = json_object_get(d->d.data, "approvals");
    if (!json_is_array(ap)) {
        ap = json_array();
        json_object_set_new(d->d.data, "approvals", ap);
    }
    bool have_mm = false, have_slt = false;
    size_t i;
    json_t *it;
    json_array_foreach(ap, i, it)
    {
        have_mm = have_mm || is(jstr(it, "level"), "mm");
        have_slt = have_slt || is(jstr(it, "level"), "slt");
    }
    if ((mm && have_mm) || (!mm && have_slt))
        return err_set(e, ERR_DUPLICATE, "quotation %s has this approval already", d->d.number);
    if (!mm && !have_mm) {
        err_state(e, "review", "the supervising SLT member approves after the MM");
        STR_COPY_ARRAY(e->rule, "mm_first");
        return -1;
    }
    json_array_append_new(ap, json_pack("{ss ss so}", "level", mm ? "mm" : "slt", "approver",
                                        x->actor.who, "at", flow_json_ts(x->c, x->c->now)));
    bool done = mm ? !is_major(d) : true;
    x->to = done ? QS_APPROVED : QS_REVIEW;
    if (!done)
        return tell(x->c, e, d->supervisor, d->d.number, "重大报价/投标已经市场经理批准，待您批准");
    return tell(x->c, e, d->d.owner, d->d.number, "报价/投标已批准，可以打印出具");
}

static int a_return(struct doc_act *x, struct osb_err *e)
{
    struct fdoc_doc *d = x->doc;
    if (!x->comment || !*x->comment)
        return err_invalid(e, "comment", "required", "a return says why (comment)");
    json_object_set_new(d->d.data, "approvals", json_array());
    return tell(x->c, e, d->d.owner, d->d.number, "报价/投标被退回修改");
}

static int a_issue(struct doc_act *x, struct osb_err *e)
{
    struct fdoc_doc *d = x->doc;
    const char *vu = NULL;
    if (fdoc_body_date(x->body, "valid_until", false, &vu, e) < 0)
        return -1;
    char def[11];
    if (!vu) {
        int days = settings_int(x->c->db, "quotation_valid_days", 30, 3650);
        date_format(flow_today(x->c) + days, def);
        vu = def;
    }
    char today[11];
    date_format(flow_today(x->c), today);
    if (strcmp(vu, today) < 0)
        return err_invalid(e, "valid_until", "date_out_of_range", "valid_until is in the past");
    json_object_set_new(d->d.data, "valid_until", json_string(vu));
    json_object_set_new(d->d.data, "issued_at", flow_json_ts(x->c, x->c->now));
    return 0;
}

static int a_won(struct doc_act *x, struct osb_err *e)
{
    struct fdoc_doc *d = x->doc;
    json_t *term = json_object_get(d->d.data, "payment_term_days");
    char k[DOCNO_MAX];
    if (contract_open_from_quotation(x->c, d->d.number, d->d.customer, jint(d->d.data, "total_fen"),
                                     json_is_integer(term) ? (int)json_integer_value(term) : -1, k,
                                     e) < 0)
        return -1;
    json_object_set_new(d->d.data, "result", json_string("won"));
    json_object_set_new(d->d.data, "contract", json_string(k));
    json_object_set_new(x->audit_after, "contract", json_string(k));
    str_field(d->d.ref, sizeof d->d.ref, k, "ref");
    d->d.ref_changed = true;
    return 0;
}

static int a_result(struct doc_act *x, struct osb_err *e)
{
    (void)e;
    struct fdoc_doc *d = x->doc;
    json_object_set_new(d->d.data, "result",
                        json_string(x->action == QA_LOST ? "lost" : "expired"));
    return 0;
}

static int answer(struct ctx *c, void *p, json_t **out, struct osb_err *e)
{
    const struct fdoc_doc *d = p;
    json_t *o = fdoc_answer(c, d, e);
    if (!o)
        return -1;
    static const char *const keys[] = {
        "participate_decision", "valid_until", "result",    "contract",
        "support_tasks",        "lines",       "approvals", NULL};
    for (const char *const *k = keys; *k; k++)
        if (!json_object_get(o, *k))
            json_object_set_new(o, *k,
                                strcmp(*k, "support_tasks") && strcmp(*k, "lines") &&
                                        strcmp(*k, "approvals")
                                    ? json_null()
                                    : json_array());
    *out = o;
    return 0;
}

static const doc_run_fn run[] = {
    [QA_DECIDE] = a_decide,   [QA_PREPARE] = a_prepare, [QA_REQUEST_SUPPORT] = a_request_support,
    [QA_SUPPORT] = a_support, [QA_SUBMIT] = a_submit,   [QA_APPROVE] = a_approve,
    [QA_RETURN] = a_return,   [QA_ISSUE] = a_issue,     [QA_WON] = a_won,
    [QA_LOST] = a_result,     [QA_EXPIRE] = a_result,
};

static const struct doc_kind kind = {
    .type = &quotation_doc,
    .load = fdoc_load,
    .free = fdoc_free,
    .state = fdoc_state,
    .version = fdoc_version,
    .who = who,
    .run = run,
    .save = fdoc_save,
    .event = fdoc_event,
    .json = answer,
};
const struct doc_kind *const quotation_doc_kind = &kind;

/* ---- create ------------------------------------------------------------------------------- */

static const char *const sources[] = {"inquiry", "tender", NULL};
static const char *const classes[] = {"outsourced", "gov_agri_procurement", "standard", NULL};

static int one_of(json_t *body, const char *field, const char *const *vals, const char *dflt,
                  const char **out, struct osb_err *e)
{
    const char *v = NULL;
    if (fdoc_body_str(body, field, dflt == NULL, 32, &v, e) < 0)
        return -1;
    if (!v) {
        *out = dflt;
        return 0;
    }
    for (const char *const *p = vals; *p; p++)
        if (strcmp(*p, v) == 0) {
            *out = *p;
            return 0;
        }
    return err_invalid(e, field, "invalid_value", "%s is not a valid %s", v, field);
}

int quotation_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    if (flow_need(c, P_QUOTATION_WORK, e) < 0)
        return -1;
    if (!json_is_object(body))
        return err_bad(e, NULL, "the body must be a JSON object");
    static const char *const allowed[] = {"customer", "source", "product_class",     "title",
                                          "lines",    "note",   "payment_term_days", NULL};
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
    {
        bool ok = false;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = strcmp(*a, key) == 0;
        if (!ok)
            return err_bad(e, key, "unknown field '%s'", key);
    }
    const char *customer = NULL, *source = NULL, *cls = NULL, *title = NULL, *note = NULL;
    int64_t term = 0;
    bool has_term = false;
    if (fdoc_body_str(body, "customer", true, 32, &customer, e) < 0 ||
        one_of(body, "source", sources, NULL, &source, e) < 0 ||
        one_of(body, "product_class", classes, "standard", &cls, e) < 0 ||
        fdoc_body_str(body, "title", false, 200, &title, e) < 0 ||
        fdoc_body_str(body, "note", false, 2000, &note, e) < 0 ||
        fdoc_body_int(body, "payment_term_days", false, 0, 365, &term, &has_term, e) < 0)
        return -1;
    struct fdoc_doc d;
    int rc = fdoc_new(c, &quotation_doc, P_QUOTATION_WORK, customer, &d, e);
    json_t *lines = json_object_get(body, "lines");
    if (rc == 0)
        rc = set_lines(c, &d, lines ? lines : json_array(), e);
    if (rc == 0) {
        json_t *o = d.d.data;
        json_object_set_new(o, "source", json_string(source));
        json_object_set_new(o, "product_class", json_string(cls));
        json_object_set_new(o, "title", flow_json_str(title));
        json_object_set_new(o, "note", flow_json_str(note));
        json_object_set_new(o, "payment_term_days", has_term ? json_integer(term) : json_null());
        json_object_set_new(o, "participate_decision", json_null());
        json_object_set_new(o, "support_tasks", json_array());
        json_object_set_new(o, "approvals", json_array());
        json_object_set_new(o, "valid_until", json_null());
        json_object_set_new(o, "result", json_null());
        json_object_set_new(o, "contract", json_null());
        rc = fdoc_create(c, &kind, &d, strcmp(source, "tender") == 0 ? "TB" : "BJ", out, e);
    }
    /* Reported at once: the MM decides (a major one the supervising SLT member). */
    if (*out)
        rc = is_major(&d) ? tell(c, e, d.supervisor, d.d.number,
                                 "新的重大报价/投标登记，请在一个工作日内决定")
                          : fdoc_tell_role(c, "mm", d.d.market, d.d.number,
                                           "新的报价/投标登记，请在一个工作日内决定是否参与", e);
    store_fdoc_release(&d.d);
    return rc;
}

int quotation_job_expire(struct ctx *c, const char *period, struct osb_err *e)
{
    (void)period;
    char today[11];
    date_format(flow_today(c), today);
    json_t *nums = store_fdoc_quotations_past(c->db, e, today);
    if (!nums)
        return -1;
    int rc = 0;
    size_t i;
    json_t *n;
    json_array_foreach(nums, i, n)
    {
        struct fdoc d;
        const char *num = json_string_value(n);
        if (rc == 0 && store_fdoc_load(c->db, e, "quotations", num, &d) == 1) {
            json_object_set_new(d.data, "result", json_string("expired"));
            json_t *before =
                json_pack("{ss sI}", "state", "issued", "version", (json_int_t)d.version);
            rc = store_fdoc_save(c->db, e, &d, "expired", c->now);
            if (rc == 0)
                rc = store_doc_event(c->db, e, "field_events", "document", num, c->now, "expire",
                                     "system", "issued", "expired", "valid_until passed");
            json_t *after =
                json_pack("{ss sI}", "state", "expired", "version", (json_int_t)d.version);
            if (rc == 0)
                rc = flow_audit(c, e, "expire", "quotation", num, before, after);
            json_decref(before);
            json_decref(after);
            store_fdoc_release(&d);
        }
    }
    json_decref(nums);
    return rc;
}
