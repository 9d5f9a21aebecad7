/*
 * fdoc.c (flow) — the field-sales documents' shared half on the kernel (flow/fdoc.h).
 */
#include "flow/fdoc.h"

#include "core/date.h"
#include "core/field.h"
#include "core/json.h"
#include "core/str.h"
#include "flow/flow.h"
#include "flow/notify.h"
#include "flow/scope.h"

#include <stdlib.h>
#include <string.h>

static bool sees_columns(const struct ctx *c, const struct fdoc *d, const char *supervisor)
{
    struct scope_user su;
    ctx_scope_user(c, &su);
    struct scope_customer sc = {d->market, d->region, d->kam, d->rep, "", supervisor};
    return scope_sees_customer(&su, &sc);
}

int fdoc_load(struct ctx *c, const struct doc_kind *k, const char *number, void **out,
              struct osb_err *e)
{
    const struct doc_type *t = k->type;
    struct fdoc_doc *x = calloc(1, sizeof *x);
    x->t = t;
    int rc = store_fdoc_load(c->db, e, t->collection, number, &x->d);
    if (rc == 1 && x->d.customer[0]) {
        rc = store_order_customer(c->db, e, x->d.customer, &x->cu);
        x->has_cu = rc == 1;
        if (rc == 0)
            rc = 1; /* a customer gone from the master data: the columns decide */
    }
    if (rc == 1 && x->d.market[0])
        rc = store_fdoc_supervisor(c->db, e, x->d.market, x->supervisor) < 0 ? -1 : 1;
    if (rc == 1) {
        bool sees = is(x->d.owner, c->user.username) ||
                    (x->has_cu ? scope_sees(c, &x->cu) : sees_columns(c, &x->d, x->supervisor));
        if (!sees)
            rc = 0;
    }
    if (rc <= 0) {
        fdoc_free(x);
        return rc;
    }
    *out = x;
    return 1;
}

void fdoc_free(void *p)
{
    struct fdoc_doc *x = p;
    if (!x)
        return;
    store_fdoc_release(&x->d);
    free(x);
}

int fdoc_state(const void *p)
{
    const struct fdoc_doc *x = p;
    return doc_state_parse(x->t, x->d.state);
}

int64_t fdoc_version(const void *p)
{
    return ((const struct fdoc_doc *)p)->d.version;
}

int fdoc_save(struct doc_act *x, struct osb_err *e)
{
    struct fdoc_doc *d = x->doc;
    return store_fdoc_save(x->c->db, e, &d->d, doc_state_str(d->t, x->to), x->c->now);
}

int fdoc_event(struct doc_act *x, struct osb_err *e)
{
    const struct doc_type *t = x->kind->type;
    return flow_doc_event(x->c, e, "field_events", "document",
                          ((struct fdoc_doc *)x->doc)->d.number, t->actions[x->action].name,
                          doc_state_str(t, x->from), doc_state_str(t, x->to), x->comment);
}

json_t *fdoc_answer(struct ctx *c, const struct fdoc_doc *x, struct osb_err *e)
{
    const struct fdoc *d = &x->d;
    json_t *tl = flow_doc_timeline(c, e, "field_events", "document", d->number);
    if (!tl)
        return NULL;
    json_t *o = json_deep_copy(d->data);
    json_object_set_new(o, "number", json_string(d->number));
    json_object_set_new(o, "customer", flow_json_str(d->customer));
    json_object_set_new(o, "market", flow_json_str(d->market));
    json_object_set_new(o, "region", flow_json_str(d->region));
    json_object_set_new(o, "owner", json_string(d->owner));
    json_object_set_new(o, "state", json_string(d->state));
    json_object_set_new(o, "version", json_integer(d->version));
    json_object_set_new(o, "created_at", flow_json_ts(c, d->created_at));
    json_object_set_new(o, "updated_at", flow_json_ts(c, d->updated_at));
    json_object_set_new(o, "timeline", tl);
    return o;
}

bool fdoc_is_mm(const struct ctx *c, const struct doc_actor *a, const struct fdoc_doc *d)
{
    /* The user's market: an MM acts only for themself (no proxy on these rows). */
    return a->role == ROLE_MM && d->d.market[0] && is(c->user.market, d->d.market);
}

bool fdoc_is_supervisor(const struct doc_actor *a, const struct fdoc_doc *d)
{
    return (a->role == ROLE_SALES_DIRECTOR || a->role == ROLE_DEPUTY_DIRECTOR) &&
           d->supervisor[0] && is(a->who, d->supervisor);
}

bool fdoc_owns(struct ctx *c, const struct doc_actor *a, const struct fdoc_doc *d)
{
    if (is(d->d.owner, a->who))
        return true;
    return d->has_cu && scope_owns(c, &d->cu);
}

int fdoc_is_manager_of_owner(struct ctx *c, const struct doc_actor *a, const struct fdoc_doc *d,
                             struct osb_err *e)
{
    json_t *u = NULL;
    int rc = store_fdoc_user(c->db, e, d->d.owner, &u);
    if (rc <= 0)
        return rc;
    const char *role = jstr(u, "role"), *mgr = jstr(u, "manager");
    bool yes = is(mgr, a->who);
    /* Without a manager named, the line above by role: a rep's KAM is its manager; a KAM's
       the UM of its region; a UM's the MM of its market. */
    if (!yes && (!mgr || !*mgr)) {
        if (is(role, "kam"))
            yes = a->role == ROLE_UM && is(c->user.region, jstr(u, "region"));
        else if (is(role, "um"))
            yes = a->role == ROLE_MM && is(c->user.market, jstr(u, "market"));
    }
    json_decref(u);
    return yes ? 1 : 0;
}

int fdoc_new(struct ctx *c, const struct doc_type *t, enum perm_action perm, const char *customer,
             struct fdoc_doc *x, struct osb_err *e)
{
    memset(x, 0, sizeof *x);
    x->t = t;
    x->d.data = json_object();
    str_field(x->d.type, sizeof x->d.type, t->collection, "type");
    STR_COPY_ARRAY(x->d.owner, c->user.username);
    x->d.created_at = c->now;
    str_field(x->d.state, sizeof x->d.state, t->states[0], "state");
    if (customer) {
        int f = store_order_customer(c->db, e, customer, &x->cu);
        if (f < 0)
            return -1;
        if (f == 0 || !scope_sees(c, &x->cu))
            return err_invalid(e, "customer", "unknown_reference", "no customer '%s'", customer);
        /* 'O' on a customer's document: a KAM or rep acts for their own customers (an MM's or
           UM's 'O' is their own plans and reports: their scope decides). */
        if (perm_symbol(perm, c->user.role) == 'O' &&
            (c->user.role == ROLE_KAM || c->user.role == ROLE_REP) && !scope_owns(c, &x->cu))
            return err_forbidden(e, "role", "only the customer's KAM or rep does this");
        x->has_cu = true;
        STR_COPY_ARRAY(x->d.customer, x->cu.code);
        STR_COPY_ARRAY(x->d.market, x->cu.market);
        STR_COPY_ARRAY(x->d.region, x->cu.region);
        STR_COPY_ARRAY(x->d.kam, x->cu.kam);
        STR_COPY_ARRAY(x->d.rep, x->cu.rep);
        STR_COPY_ARRAY(x->supervisor, x->cu.supervisor);
        return 0;
    }
    STR_COPY_ARRAY(x->d.market, c->user.market);
    STR_COPY_ARRAY(x->d.region, c->user.region);
    if (c->user.role == ROLE_KAM) {
        STR_COPY_ARRAY(x->d.kam, c->user.username);
    } else if (c->user.role == ROLE_REP) {
        STR_COPY_ARRAY(x->d.rep, c->user.username);
        STR_COPY_ARRAY(x->d.kam, c->user.manager);
    }
    return x->d.market[0] ? store_fdoc_supervisor(c->db, e, x->d.market, x->supervisor) : 0;
}

int fdoc_create(struct ctx *c, const struct doc_kind *k, struct fdoc_doc *x, const char *docno_type,
                json_t **out, struct osb_err *e)
{
    if (!x->d.number[0] && flow_docno(c, e, docno_type, x->d.number) < 0)
        return -1;
    if (store_fdoc_insert(c->db, e, &x->d) < 0 ||
        flow_doc_event(c, e, "field_events", "document", x->d.number, "create", NULL, x->d.state,
                       NULL) < 0)
        return -1;
    json_t *after = json_pack("{ss ss so}", "state", x->d.state, "owner", x->d.owner, "customer",
                              flow_json_str(x->d.customer));
    int rc = flow_audit(c, e, "create", k->type->object, x->d.number, NULL, after);
    json_decref(after);
    return rc < 0 ? -1 : doc_get(c, k, x->d.number, out, e);
}

int fdoc_list(struct ctx *c, const struct doc_kind *k, const struct fdoc_query *q, json_t **out,
              struct osb_err *e)
{
    *out = NULL;
    if (doc_state_filter(k->type, q->state, e) < 0)
        return -1;
    struct scope_user su;
    ctx_scope_user(c, &su);
    struct fdoc_filter f = {k->type->collection, q->customer, q->state, q->owner, q->q,
                            q->cursor,           q->limit};
    json_t *nums;
    char *next;
    if (store_fdoc_list(c->db, e, &su, &f, &nums, &next) < 0)
        return -1;
    json_t *items = json_array();
    int rc = 0;
    size_t i;
    json_t *n;
    json_array_foreach(nums, i, n)
    {
        json_t *one = NULL;
        rc = doc_get(c, k, json_string_value(n), &one, e);
        if (rc < 0)
            break;
        json_array_append_new(items, one);
    }
    json_decref(nums);
    if (rc < 0) {
        free(next);
        json_decref(items);
        return -1;
    }
    *out =
        json_pack("{so so}", "items", items, "next_cursor", next ? json_string(next) : json_null());
    free(next);
    return 0;
}

int fdoc_body_str(json_t *body, const char *field, bool req, size_t max, const char **out,
                  struct osb_err *e)
{
    json_t *v = json_is_object(body) ? json_object_get(body, field) : NULL;
    if (!v || json_is_null(v))
        return req ? err_invalid(e, field, "required", "%s is required", field) : 0;
    if (!json_is_string(v))
        return err_bad(e, field, "%s must be a string", field);
    if (req && !*json_string_value(v))
        return err_invalid(e, field, "required", "%s is required", field);
    if (json_string_length(v) > max)
        return err_invalid(e, field, "too_long", "%s is longer than %zu bytes", field, max);
    *out = json_string_value(v);
    return 0;
}

int fdoc_body_int(json_t *body, const char *field, bool req, int64_t min, int64_t max, int64_t *out,
                  bool *given, struct osb_err *e)
{
    json_t *v = json_is_object(body) ? json_object_get(body, field) : NULL;
    if (given)
        *given = false;
    if (!v || json_is_null(v))
        return req ? err_invalid(e, field, "required", "%s is required", field) : 0;
    if (!json_is_integer(v))
        return err_bad(e, field, "%s must be an integer", field);
    int64_t n = json_integer_value(v);
    if (n < min || n > max)
        return err_invalid(e, field,
                           max >= INT64_C(10000000000000) && n > max ? "amount_too_large"
                                                                     : "out_of_range",
                           "%s must be from %lld to %lld", field, (long long)min, (long long)max);
    *out = n;
    if (given)
        *given = true;
    return 0;
}

int fdoc_body_date(json_t *body, const char *field, bool req, const char **out, struct osb_err *e)
{
    const char *s = NULL;
    if (fdoc_body_str(body, field, req, 10, &s, e) < 0)
        return -1;
    if (!s)
        return 0;
    date_t d;
    if (!date_parse(s, &d))
        return err_invalid(e, field, "invalid_date", "%s is not a date YYYY-MM-DD", field);
    *out = s;
    return 0;
}

int fdoc_tell_role(struct ctx *c, const char *role, const char *market, const char *number,
                   const char *text, struct osb_err *e)
{
    json_t *to = store_fdoc_users(c->db, e, role, market);
    if (!to)
        return -1;
    int rc = 0;
    size_t i;
    json_t *u;
    json_array_foreach(to, i, u)
    {
        if (rc == 0)
            rc = notify(c, e, role, json_string_value(u), number, NULL, "%s", text);
    }
    json_decref(to);
    return rc;
}
