/*
 * visit.c — visit plans and visit reports (flow/visit.h) on the kernel.
 *
 * Who (numbering-and-rules.md §3): plan and report — mm, um, kam, rep, their own ('O'); a
 * report of a customer needs that customer in one's scope, and a KAM or rep must own it;
 * confirm a plan and comment a report — the owner's manager ('M': rep → KAM → UM → MM);
 * verify — ssg_leader, csr. A visit plan is numbered BFJH (the spec gives it no code).
 */
#include "flow/visit.h"

#include "core/date.h"
#include "core/field.h"
#include "core/json.h"
#include "core/money.h"
#include "core/str.h"
#include "flow/fieldlog.h"
#include "flow/flow.h"
#include "flow/masterdata.h"
#include "flow/notify.h"
#include "flow/scope.h"
#include "rules/field.h"
#include "store/masterdata.h"
#include "store/settings.h"

#include <stdlib.h>
#include <string.h>

static int check_fields(json_t *body, const char *const *allowed, struct osb_err *e)
{
    if (!json_is_object(body))
        return err_bad(e, NULL, "the body must be a JSON object");
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
    return 0;
}

static int manager_only(struct ctx *c, const struct fdoc_doc *d, const struct doc_actor *actor,
                        struct osb_err *e)
{
    int m = fdoc_is_manager_of_owner(c, actor, d, e);
    if (m < 0)
        return -1;
    return m ? 0 : err_forbidden(e, "role", "only the manager of %s does this", d->d.owner);
}

/* ---- visit plans -------------------------------------------------------------------------- */

static const struct doc_kind plan_kind;

static int plan_who(struct ctx *c, const void *p, int a, const struct doc_actor *actor,
                    struct osb_err *e)
{
    const struct fdoc_doc *d = p;
    if (a == VA_SUBMIT)
        return is(d->d.owner, actor->who)
                   ? 0
                   : err_forbidden(e, "role", "only the plan's owner submits it");
    return manager_only(c, d, actor, e);
}

static int plan_submit(struct doc_act *x, struct osb_err *e)
{
    struct fdoc_doc *d = x->doc;
    json_t *u = NULL;
    int f = store_fdoc_user(x->c->db, e, d->d.owner, &u);
    if (f < 0)
        return -1;
    const char *mgr = f ? jstr(u, "manager") : NULL;
    int rc = mgr && *mgr
                 ? notify(x->c, e, "visit_plan", mgr, d->d.number, NULL, "拜访计划已提交，请确认")
                 : 0;
    json_decref(u);
    return rc;
}

static int plan_confirm(struct doc_act *x, struct osb_err *e)
{
    struct fdoc_doc *d = x->doc;
    json_object_set_new(d->d.data, "manager_comment", flow_json_str(x->comment));
    json_object_set_new(d->d.data, "confirmed_by", json_string(x->actor.who));
    json_object_set_new(d->d.data, "confirmed_at", flow_json_ts(x->c, x->c->now));
    return notify(x->c, e, "visit_plan", d->d.owner, d->d.number, NULL, "拜访计划已确认");
}

static int plan_answer(struct ctx *c, void *p, json_t **out, struct osb_err *e)
{
    const struct fdoc_doc *d = p;
    json_t *o = fdoc_answer(c, d, e);
    if (!o)
        return -1;
    /* A week plan is due the Saturday 09:00 before its week (visit_plan_weekly, flow/deadlines.c:
       its Monday 00:00 less visit_plan_weekly_lead_minutes). */
    date_t mon;
    if (is(jstr(d->d.data, "period_type"), "week") && date_parse(d->d.ref, &mon)) {
        int lead = settings_int(c->db, "visit_plan_weekly_lead_minutes", 2340, SETTINGS_INT_MAX);
        json_object_set_new(
            o, "due_at",
            flow_json_ts(c, date_start_ts(mon, c->cfg->tz_min) - (int64_t)lead * TS_PER_MIN));
    }
    /* Each item with the reports filed against it. */
    json_t *items = json_object_get(o, "items");
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        char ref[64];
        if (str_fmt(ref, sizeof ref, "%s/%lld", d->d.number, (long long)jint(it, "seq")) < 0)
            continue;
        json_t *v = store_fdoc_by_ref(c->db, e, "visits", ref);
        if (!v) {
            json_decref(o);
            return -1;
        }
        json_object_set_new(it, "plan_item", json_string(ref));
        json_object_set_new(it, "visits", v);
    }
    *out = o;
    return 0;
}

static const doc_run_fn plan_run[] = {[VA_SUBMIT] = plan_submit, [VA_CONFIRM] = plan_confirm};

static const struct doc_kind plan_kind = {
    .type = &visit_plan_doc,
    .load = fdoc_load,
    .free = fdoc_free,
    .state = fdoc_state,
    .version = fdoc_version,
    .who = plan_who,
    .run = plan_run,
    .save = fdoc_save,
    .event = fdoc_event,
    .json = plan_answer,
};
const struct doc_kind *const visit_plan_doc_kind = &plan_kind;

static const char *const period_types[] = {"month", "week", "day", NULL};

int visit_plan_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    static const char *const allowed[] = {"period_type", "period", "items", NULL};
    if (flow_need(c, P_VISIT_WORK, e) < 0 || check_fields(body, allowed, e) < 0)
        return -1;
    const char *pt = NULL, *period = NULL;
    if (fdoc_body_str(body, "period_type", true, 8, &pt, e) < 0 ||
        fdoc_body_str(body, "period", true, 16, &period, e) < 0)
        return -1;
    bool ok = false;
    for (const char *const *p = period_types; *p && !ok; p++)
        ok = strcmp(*p, pt) == 0;
    if (!ok)
        return err_invalid(e, "period_type", "invalid_value", "period_type is month, week or day");
    date_t pf, pto;
    if (!field_period_span(pt, period, &pf, &pto))
        return err_invalid(e, "period", "invalid_period", "a %s plan's period is %s", pt,
                           field_period_form(pt));
    json_t *items = json_object_get(body, "items");
    if (!json_is_array(items))
        return items ? err_bad(e, "items", "items must be an array")
                     : err_invalid(e, "items", "required", "a plan lists its visits (items)");
    if (json_array_size(items) > 500)
        return err_invalid(e, "items", "too_many", "at most 500 items");
    struct fdoc_doc d;
    int rc = fdoc_new(c, &visit_plan_doc, P_VISIT_WORK, NULL, &d, e);
    json_t *norm = json_array();
    d.d.items = json_array();
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        static const char *const item_fields[] = {"customer", "prospect", "date",
                                                  "purpose",  "key",      NULL};
        const char *cu = NULL, *pr = NULL, *date = NULL, *purpose = NULL;
        json_t *key = json_is_object(it) ? json_object_get(it, "key") : NULL;
        if (rc == 0)
            rc = check_fields(it, item_fields, e);
        if (rc == 0 && (fdoc_body_str(it, "customer", false, 32, &cu, e) < 0 ||
                        fdoc_body_str(it, "prospect", false, 200, &pr, e) < 0 ||
                        fdoc_body_date(it, "date", true, &date, e) < 0 ||
                        fdoc_body_str(it, "purpose", false, 500, &purpose, e) < 0))
            rc = -1;
        if (rc == 0 && key && !json_is_boolean(key))
            rc = err_bad(e, "key", "key must be true or false");
        if (rc == 0 && !cu && !pr)
            rc = err_invalid(e, "items", "customer_or_prospect",
                             "item %zu names no customer and no prospect", i + 1);
        if (rc == 0 && cu) {
            struct order_customer oc;
            int f = store_order_customer(c->db, e, cu, &oc);
            if (f < 0)
                rc = -1;
            else if (f == 0 || !scope_sees(c, &oc))
                rc = err_invalid(e, "customer", "unknown_reference", "no customer '%s'", cu);
        }
        if (rc < 0)
            break;
        json_array_append_new(norm, json_pack("{sI so so ss so sb}", "seq", (json_int_t)(i + 1),
                                              "customer", flow_json_str(cu), "prospect",
                                              flow_json_str(pr), "date", date, "purpose",
                                              flow_json_str(purpose), "key", json_is_true(key)));
        json_array_append_new(d.d.items, json_pack("{sI ss* ss}", "seq", (json_int_t)(i + 1),
                                                   "customer", cu, "date", date));
    }
    if (rc == 0) {
        json_object_set_new(d.d.data, "period_type", json_string(pt));
        json_object_set_new(d.d.data, "period", json_string(period));
        json_object_set_new(d.d.data, "items", norm);
        json_object_set_new(d.d.data, "manager_comment", json_null());
        /* a week plan names its Monday: the weekly deadline (visit_plan_weekly) finds it so */
        if (strcmp(pt, "week") == 0) {
            char mon[11];
            date_format(pf, mon);
            str_field(d.d.ref, sizeof d.d.ref, mon, "week");
        }
        norm = NULL;
        rc = fdoc_create(c, &plan_kind, &d, "BFJH", out, e);
    }
    json_decref(norm);
    store_fdoc_release(&d.d);
    return rc;
}

/* ---- visit reports (BF) ------------------------------------------------------------------- */

static const struct doc_kind visit_kind;

static int visit_who(struct ctx *c, const void *p, int a, const struct doc_actor *actor,
                     struct osb_err *e)
{
    if (a == BA_VERIFY)
        return 0;
    return manager_only(c, p, actor, e);
}

static int visit_comment(struct doc_act *x, struct osb_err *e)
{
    struct fdoc_doc *d = x->doc;
    if (!x->comment || !*x->comment)
        return err_invalid(e, "comment", "required", "the manager's comment is the point");
    json_object_set_new(d->d.data, "manager_comment", json_string(x->comment));
    return notify(x->c, e, "visit", d->d.owner, d->d.number, NULL, "拜访记录已有经理点评");
}

static int visit_verify(struct doc_act *x, struct osb_err *e)
{
    struct fdoc_doc *d = x->doc;
    json_t *v = json_object_get(x->body, "confirmed");
    if (!v)
        return err_invalid(e, "confirmed", "required", "did the visit happen (confirmed)?");
    if (!json_is_boolean(v))
        return err_bad(e, "confirmed", "confirmed must be true or false");
    json_object_set_new(d->d.data, "verification",
                        json_pack("{ss so sb}", "by", x->actor.who, "at",
                                  flow_json_ts(x->c, x->c->now), "confirmed", json_is_true(v)));
    return 0;
}

static int visit_answer(struct ctx *c, void *p, json_t **out, struct osb_err *e)
{
    const struct fdoc_doc *d = p;
    json_t *o = fdoc_answer(c, d, e);
    if (!o)
        return -1;
    json_object_set_new(o, "plan_item", flow_json_str(d->d.ref));
    json_object_set_new(o, "visitor", json_string(d->d.owner));
    *out = o;
    return 0;
}

static const doc_run_fn visit_run[] = {[BA_COMMENT] = visit_comment, [BA_VERIFY] = visit_verify};

static const struct doc_kind visit_kind = {
    .type = &visit_doc,
    .load = fdoc_load,
    .free = fdoc_free,
    .state = fdoc_state,
    .version = fdoc_version,
    .who = visit_who,
    .run = visit_run,
    .save = fdoc_save,
    .event = fdoc_event,
    .json = visit_answer,
};
const struct doc_kind *const visit_doc_kind = &visit_kind;

/* The plan item "<plan>/<seq>" of one of the caller's own submitted or confirmed plans. */
static int plan_item(struct ctx *c, const char *ref, struct osb_err *e)
{
    char plan[DOCNO_MAX];
    const char *slash = strchr(ref, '/');
    long seq = 0;
    if (!slash || (size_t)(slash - ref) >= sizeof plan || !str_to_long(slash + 1, 1, 500, &seq))
        return err_invalid(e, "plan_item", "unknown_reference", "no plan item '%s'", ref);
    memcpy(plan, ref, (size_t)(slash - ref));
    plan[slash - ref] = '\0';
    struct fdoc p;
    int f = store_fdoc_load(c->db, e, "visit-plans", plan, &p);
    if (f < 0)
        return -1;
    bool ok = f == 1 && is(p.owner, c->user.username) &&
              (is(p.state, "submitted") || is(p.state, "confirmed")) &&
              (size_t)seq <= json_array_size(json_object_get(p.data, "items"));
    if (f == 1)
        store_fdoc_release(&p);
    return ok ? 0
              : err_invalid(e, "plan_item", "unknown_reference",
                            "no item '%s' of a submitted plan of yours", ref);
}

/* observed_prices → the price-inversion flags (倒挂): each SKU seen below its list price. */
static int prices(struct ctx *c, json_t *findings, json_t *flags, struct osb_err *e)
{
    json_t *op = json_object_get(findings, "observed_prices");
    if (!op)
        return 0;
    if (!json_is_array(op))
        return err_bad(e, "observed_prices", "observed_prices must be an array");
    size_t i;
    json_t *p;
    json_array_foreach(op, i, p)
    {
        const char *sku = NULL, *ch = NULL;
        int64_t price = 0;
        if (!json_is_object(p))
            return err_bad(e, "observed_prices", "each observed price is an object");
        if (fdoc_body_str(p, "sku", true, 32, &sku, e) < 0 ||
            fdoc_body_str(p, "channel", false, 64, &ch, e) < 0 ||
            fdoc_body_int(p, "price_fen", true, 0, MONEY_MAX_FEN, &price, NULL, e) < 0)
            return -1;
        int64_t list = 0;
        int f = store_fdoc_list_price(c->db, e, sku, &list);
        if (f < 0)
            return -1;
        if (f == 0)
            return err_invalid(e, "observed_prices", "unknown_sku", "no SKU '%s'", sku);
        if (visit_price_inverted(price, list))
            json_array_append_new(flags, json_pack("{ss ss sI sI}", "rule", "price_inversion",
                                                   "sku", sku, "observed_fen", (json_int_t)price,
                                                   "list_fen", (json_int_t)list));
    }
    return 0;
}

/* archive_updates (flows.md §9.4): an object of customer-archive fields, each one of a section
   a visit updates (rules/field.c visit_archive_section); checked before anything is written.
   Text (entities.md names the field without a type; the first builds took a note) is kept on
   the visit as a note for whoever keeps the archive, and changes no customer. */
static int archive_updates_check(json_t *upd, struct osb_err *e)
{
    if (!upd || json_is_null(upd))
        return 0;
    if (json_is_string(upd))
        return json_string_length(upd) > 4000
                   ? err_invalid(e, "archive_updates", "too_long", "at most 4000 bytes of text")
                   : 0;
    if (!json_is_object(upd))
        return err_bad(e, "archive_updates",
                       "archive_updates is an object of archive fields, or a note");
    if (json_object_size(upd) > 64)
        return err_invalid(e, "archive_updates", "too_many", "at most 64 fields");
    const char *k;
    json_t *v;
    json_object_foreach(upd, k, v)
    {
        if (!visit_archive_section(k)) {
            int rc = err_invalid(e, "archive_updates", "not_archive_field",
                                 "a visit report does not update the customer's '%s'", k);
            json_object_set_new(e->extra ? e->extra : (e->extra = json_object()), "key",
                                json_string(k));
            return rc;
        }
    }
    return 0;
}

/* Applies archive_updates to the visited customer's archive in this transaction, as the
   visitor's own edit (md_patch: the right to edit the customer, the fields' checks, the audit
   row "update" of the customer), and records the visit as the source of each section it
   touched (entities.md §2.2 "source": visit + date). */
static int archive_apply(struct ctx *c, const char *customer, const char *visit, const char *day,
                         json_t *upd, struct osb_err *e)
{
    if (!upd || !json_is_object(upd) || json_object_size(upd) == 0)
        return 0;
    json_t *cur = NULL, *out = NULL;
    if (md_get(c, &rd_customer, customer, &cur, e) < 0)
        return -1;
    json_t *old = json_object_get(cur, "sources");
    json_t *src = json_array(), *body = json_deep_copy(upd);
    size_t i;
    json_t *s;
    const char *k;
    json_t *v;
    /* the sections this visit touched, then the earlier sources of the other sections */
    json_object_foreach(upd, k, v)
    {
        const char *sec = visit_archive_section(k);
        bool have = false;
        json_array_foreach(src, i, s) have = have || is(jstr(s, "section"), sec);
        if (!have)
            json_array_append_new(src, json_pack("{ss ss ss ss}", "section", sec, "source", "visit",
                                                 "date", day, "visit", visit));
    }
    json_array_foreach(json_is_array(old) ? old : NULL, i, s)
    {
        bool have = false;
        size_t j;
        json_t *n;
        json_array_foreach(src, j, n) have = have || is(jstr(n, "section"), jstr(s, "section"));
        if (!have)
            json_array_append(src, s);
    }
    json_object_set_new(body, "sources", src);
    /* the visit's own request may carry an If-Match: it is the visit's, not the customer's */
    bool had = c->has_if_match;
    c->has_if_match = false;
    int rc = md_patch(c, &rd_customer, customer, body, &out, e);
    c->has_if_match = had;
    if (rc < 0 && e->field[0] == '\0')
        str_field(e->field, sizeof e->field, "archive_updates", "field");
    json_decref(body);
    json_decref(cur);
    json_decref(out);
    return rc;
}

static const char *const kinds[] = {"new", "revisit", NULL};

int visit_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    static const char *const allowed[] = {"customer", "plan_item",  "visited_at",      "kind",
                                          "findings", "next_steps", "archive_updates", "photo",
                                          NULL};
    if (flow_need(c, P_VISIT_WORK, e) < 0 || check_fields(body, allowed, e) < 0)
        return -1;
    const char *customer = NULL, *item = NULL, *visited = NULL, *k = NULL, *next = NULL,
               *photo = NULL;
    json_t *upd = json_object_get(body, "archive_updates");
    if (fdoc_body_str(body, "customer", true, 32, &customer, e) < 0 ||
        fdoc_body_str(body, "plan_item", false, 63, &item, e) < 0 ||
        fdoc_body_date(body, "visited_at", false, &visited, e) < 0 ||
        fdoc_body_str(body, "kind", false, 8, &k, e) < 0 ||
        fdoc_body_str(body, "next_steps", false, 4000, &next, e) < 0 ||
        fdoc_body_str(body, "photo", false, 700000, &photo, e) < 0)
        return -1;
    bool kok = !k;
    for (const char *const *p = kinds; *p && k && !kok; p++)
        kok = strcmp(*p, k) == 0;
    if (!kok)
        return err_invalid(e, "kind", "invalid_value", "kind is new or revisit");
    if (archive_updates_check(upd, e) < 0)
        return -1;
    json_t *findings = json_object_get(body, "findings");
    if (findings && !json_is_object(findings))
        return err_bad(e, "findings", "findings must be an object");
    char today[11];
    date_format(flow_today(c), today);
    if (visited && strcmp(visited, today) > 0)
        return err_invalid(e, "visited_at", "date_out_of_range", "a visit is not in the future");
    if (item && plan_item(c, item, e) < 0)
        return -1;
    struct fdoc_doc d;
    int rc = fdoc_new(c, &visit_doc, P_VISIT_WORK, customer, &d, e);
    json_t *flags = json_array(), *sightings = NULL;
    if (rc == 0 && findings)
        rc = prices(c, findings, flags, e);
    if (rc == 0 && findings)
        rc = sighting_check(c, d.d.region, findings, flags, &sightings, e);
    if (rc == 0) {
        json_t *o = d.d.data;
        json_object_set_new(o, "visited_at", json_string(visited ? visited : today));
        json_object_set_new(o, "kind", json_string(k ? k : "revisit"));
        json_object_set_new(o, "findings", findings ? json_deep_copy(findings) : json_object());
        json_object_set_new(o, "next_steps", flow_json_str(next));
        json_object_set_new(o, "archive_updates",
                            json_is_object(upd) || json_is_string(upd) ? json_deep_copy(upd)
                                                                       : json_object());
        json_object_set_new(o, "photo", flow_json_str(photo));
        json_object_set_new(o, "flags", json_incref(flags));
        json_object_set_new(o, "price_inversion",
                            json_boolean(json_array_size(flags) > json_array_size(sightings)));
        json_object_set_new(o, "cross_region", json_boolean(json_array_size(sightings) > 0));
        json_object_set_new(o, "manager_comment", json_null());
        json_object_set_new(o, "verification", json_null());
        if (item) {
            str_field(d.d.ref, sizeof d.d.ref, item, "plan_item");
        }
        rc = fdoc_create(c, &visit_kind, &d, "BF", out, e);
    }
    if (rc == 0)
        rc = archive_apply(c, d.d.customer, d.d.number, visited ? visited : today, upd, e);
    if (rc == 0 && json_array_size(flags) > json_array_size(sightings))
        rc = fdoc_tell_role(c, "mm", d.d.market, d.d.number, "拜访发现价格倒挂，请关注", e);
    if (rc == 0 && json_array_size(sightings))
        rc = sighting_record(c, d.d.number, d.d.customer, d.d.market, d.d.region,
                             visited ? visited : today, sightings, e);
    json_decref(flags);
    json_decref(sightings);
    store_fdoc_release(&d.d);
    if (rc < 0 && *out) { /* a later step failed: the whole visit is undone */
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}
