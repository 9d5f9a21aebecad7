/*
 * after_sales.c — after-sales tickets (flow/after_sales.h) on the kernel.
 *
 * Who (numbering-and-rules.md §3): receive — ssg_leader, csr, the customer's KAM; confirm and
 * reject — the MM of the customer's market; assign and close — ssg_leader, csr; start, resolve
 * and escalate — customer service, the ticket's handler only; escalate also the MM; a ticket
 * escalated is resolved by the MM or the supervising SLT member. The handler is kept in the
 * row's `ref` column so that the deadline job can name who explains a late contact.
 */
#include "flow/after_sales.h"

#include "core/field.h"
#include "core/json.h"
#include "core/str.h"
#include "flow/flow.h"
#include "flow/notify.h"
#include "flow/returns.h"
#include "rules/field.h"

#include <string.h>

static const struct doc_kind kind;

static int who(struct ctx *c, const void *p, int a, const struct doc_actor *actor,
               struct osb_err *e)
{
    const struct fdoc_doc *d = p;
    bool mm = fdoc_is_mm(c, actor, d),
         handler = actor->role == ROLE_CUSTOMER_SERVICE && is(d->d.ref, actor->who);
    switch ((enum after_sales_action)a) {
    case HA_CONFIRM:
    case HA_REJECT:
        return mm ? 0 : err_forbidden(e, "role", "only the MM of market %s does this", d->d.market);
    case HA_START:
        return handler ? 0 : err_forbidden(e, "role", "only the ticket's handler starts it");
    case HA_ESCALATE:
        return handler || mm ? 0 : err_forbidden(e, "role", "the handler or the MM escalates");
    case HA_RESOLVE:
        if (is(d->d.state, "escalated"))
            return mm || fdoc_is_supervisor(actor, d)
                       ? 0
                       : err_forbidden(e, "role",
                                       "an escalated ticket is resolved by the MM or"
                                       " the supervising SLT member");
        return handler ? 0 : err_forbidden(e, "role", "only the ticket's handler resolves it");
    case HA_OPEN_RETURN:
        return fdoc_owns(c, actor, d)
                   ? 0
                   : err_forbidden(e, "role", "only the customer's KAM or rep files its returns");
    case HA_ASSIGN:
    case HA_CLOSE:
        return 0;
    }
    return 0;
}

static int tell(struct ctx *c, struct osb_err *e, const char *user, const char *number,
                const char *text)
{
    return user && *user ? notify(c, e, "after_sales", user, number, NULL, "%s", text) : 0;
}

static void stamp(struct doc_act *x, const char *by, const char *at)
{
    struct fdoc_doc *d = x->doc;
    json_object_set_new(d->d.data, by, json_string(x->actor.who));
    json_object_set_new(d->d.data, at, flow_json_ts(x->c, x->c->now));
}

static int a_confirm(struct doc_act *x, struct osb_err *e)
{
    (void)e;
    stamp(x, "confirmed_by", "confirmed_at");
    return 0;
}

static int a_reject(struct doc_act *x, struct osb_err *e)
{
    struct fdoc_doc *d = x->doc;
    if (!x->comment || !*x->comment)
        return err_invalid(e, "comment", "required", "a rejection says why (comment)");
    stamp(x, "rejected_by", "rejected_at");
    return tell(x->c, e, d->d.owner, d->d.number, "售后服务申请被驳回");
}

static int a_assign(struct doc_act *x, struct osb_err *e)
{
    struct fdoc_doc *d = x->doc;
    const char *h = NULL;
    if (fdoc_body_str(x->body, "handler", true, 39, &h, e) < 0)
        return -1;
    json_t *u = NULL;
    int f = store_fdoc_user(x->c->db, e, h, &u);
    if (f < 0)
        return -1;
    bool ok = f == 1 && is(jstr(u, "role"), "customer_service");
    json_decref(u);
    if (!ok)
        return err_invalid(e, "handler", "unknown_reference",
                           "no active customer-service user '%s'", h);
    str_field(d->d.ref, sizeof d->d.ref, h, "handler");
    d->d.ref_changed = true;
    json_object_set_new(d->d.data, "handler", json_string(h));
    stamp(x, "assigned_by", "assigned_at");
    return tell(x->c, e, h, d->d.number, "新的售后服务任务，请在一个工作日内联系客户");
}

static int a_start(struct doc_act *x, struct osb_err *e)
{
    (void)e;
    struct fdoc_doc *d = x->doc;
    json_object_set_new(d->d.data, "contacted_at", flow_json_ts(x->c, x->c->now));
    return 0;
}

static int a_escalate(struct doc_act *x, struct osb_err *e)
{
    struct fdoc_doc *d = x->doc;
    json_object_set_new(d->d.data, "escalated_to", flow_json_str(d->supervisor));
    stamp(x, "escalated_by", "escalated_at");
    int rc = tell(x->c, e, d->supervisor, d->d.number, "售后问题现场无法解决，已上报");
    return rc < 0 ? -1
                  : fdoc_tell_role(x->c, "mm", d->d.market, d->d.number,
                                   "售后问题现场无法解决，已上报", e);
}

static int a_resolve(struct doc_act *x, struct osb_err *e)
{
    struct fdoc_doc *d = x->doc;
    const char *r = NULL;
    if (fdoc_body_str(x->body, "result", true, 2000, &r, e) < 0)
        return -1;
    json_object_set_new(d->d.data, "result", json_string(r));
    stamp(x, "resolved_by", "resolved_at");
    /* Status and result fed back to the MM and the CSR (flows.md §10). */
    int rc = fdoc_tell_role(x->c, "mm", d->d.market, d->d.number, "售后问题已解决", e);
    return rc < 0 ? -1
                  : fdoc_tell_role(x->c, "csr", NULL, d->d.number, "售后问题已解决，请关闭", e);
}

static int a_close(struct doc_act *x, struct osb_err *e)
{
    struct fdoc_doc *d = x->doc;
    int64_t rating = 0;
    bool given = false;
    json_t *rv = json_object_get(x->body, "rating");
    if (rv && json_is_integer(rv) && (json_integer_value(rv) < 1 || json_integer_value(rv) > 5))
        return err_invalid(e, "rating", "rating_out_of_range", "rating is 1 to 5");
    if (fdoc_body_int(x->body, "rating", false, 1, 5, &rating, &given, e) < 0)
        return -1;
    json_object_set_new(d->d.data, "rating", given ? json_integer(rating) : json_null());
    stamp(x, "closed_by", "closed_at");
    /* The CSR informs the rep (flows.md §10). */
    const char *rep = d->has_cu && d->cu.rep[0] ? d->cu.rep : d->d.kam;
    return tell(x->c, e, rep, d->d.number, "售后服务已关闭");
}

/* A consumer return at a store (seed 004; flows.md §6): the ticket opens a return of the
   order's goods through the returns flow (POST /returns), and names it in `return`. */
static int a_open_return(struct doc_act *x, struct osb_err *e)
{
    struct fdoc_doc *d = x->doc;
    const char *type = jstr(d->d.data, "type");
    if (!is(type, "consumer_return") && !is(type, "consumer_complaint"))
        return err_invalid(e, "type", "not_consumer_return",
                           "only a consumer return or complaint opens a return (type is %s)",
                           type ? type : "-");
    if (jstr(d->d.data, "return"))
        return err_invalid(e, "return", "return_open", "ticket %s already opened return %s",
                           d->d.number, jstr(d->d.data, "return"));
    const char *order = NULL;
    if (fdoc_body_str(x->body, "order", false, 63, &order, e) < 0)
        return -1;
    if (!order)
        order = jstr(d->d.data, "order");
    if (!order)
        return err_invalid(e, "order", "required", "which order do the goods come back from?");
    json_t *body = json_pack("{ss sO ss}", "order", order, "lines",
                             json_object_get(x->body, "lines") ? json_object_get(x->body, "lines")
                                                               : json_null(),
                             "kind", "return");
    if (json_is_null(json_object_get(body, "lines")))
        json_object_del(body, "lines");
    char comment[64];
    if (str_fmt(comment, sizeof comment, "售后 %s", d->d.number) == 0)
        json_object_set_new(body, "comment", json_string(comment));
    json_t *ret = NULL;
    int rc = return_create(x->c, body, &ret, e);
    json_decref(body);
    if (rc < 0)
        return -1;
    json_object_set_new(d->d.data, "return", json_incref(json_object_get(ret, "number")));
    json_decref(ret);
    return 0;
}

static int answer(struct ctx *c, void *p, json_t **out, struct osb_err *e)
{
    json_t *o = fdoc_answer(c, p, e);
    if (!o)
        return -1;
    *out = o;
    return 0;
}

static const doc_run_fn run[] = {
    [HA_CONFIRM] = a_confirm, [HA_REJECT] = a_reject,           [HA_ASSIGN] = a_assign,
    [HA_START] = a_start,     [HA_ESCALATE] = a_escalate,       [HA_RESOLVE] = a_resolve,
    [HA_CLOSE] = a_close,     [HA_OPEN_RETURN] = a_open_return,
};

static const struct doc_kind kind = {
    .type = &after_sales_doc,
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
const struct doc_kind *const after_sales_doc_kind = &kind;

static const char *const types[] = {
    "quality", "damage", "spoilage", "consumer_complaint", "consumer_return", "technical", NULL};

int after_sales_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    if (flow_need(c, P_AFTERSALES_RECEIVE, e) < 0)
        return -1;
    if (!json_is_object(body))
        return err_bad(e, NULL, "the body must be a JSON object");
    static const char *const allowed[] = {"customer", "type",  "description", "order",
                                          "shipment", "batch", "contact",     NULL};
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
    const char *customer = NULL, *type = NULL, *desc = NULL, *order = NULL, *ship = NULL,
               *batch = NULL, *contact = NULL;
    if (fdoc_body_str(body, "customer", true, 32, &customer, e) < 0 ||
        fdoc_body_str(body, "type", true, 32, &type, e) < 0 ||
        fdoc_body_str(body, "description", true, 4000, &desc, e) < 0 ||
        fdoc_body_str(body, "order", false, 32, &order, e) < 0 ||
        fdoc_body_str(body, "shipment", false, 32, &ship, e) < 0 ||
        fdoc_body_str(body, "batch", false, 64, &batch, e) < 0 ||
        fdoc_body_str(body, "contact", false, 200, &contact, e) < 0)
        return -1;
    bool ok = false;
    for (const char *const *t = types; *t && !ok; t++)
        ok = strcmp(*t, type) == 0;
    if (!ok)
        return err_invalid(e, "type", "invalid_value", "%s is not an after-sales type", type);
    struct fdoc_doc d;
    int rc = fdoc_new(c, &after_sales_doc, P_AFTERSALES_RECEIVE, customer, &d, e);
    if (rc == 0) {
        json_t *o = d.d.data;
        json_object_set_new(o, "type", json_string(type));
        json_object_set_new(o, "description", json_string(desc));
        json_object_set_new(o, "order", flow_json_str(order));
        json_object_set_new(o, "shipment", flow_json_str(ship));
        json_object_set_new(o, "batch", flow_json_str(batch));
        json_object_set_new(o, "contact", flow_json_str(contact));
        static const char *const nulls[] = {"confirmed_by", "handler", "contacted_at",
                                            "escalated_to", "result",  "rating",
                                            "return",       NULL};
        for (const char *const *k = nulls; *k; k++)
            json_object_set_new(o, *k, json_null());
        rc = fdoc_create(c, &kind, &d, "SH", out, e);
    }
    if (rc == 0)
        rc = fdoc_tell_role(c, "mm", d.d.market, d.d.number,
                            "新的售后服务申请，请在一个工作日内确认", e);
    store_fdoc_release(&d.d);
    return rc;
}
