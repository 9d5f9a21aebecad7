/*
 * forecast.c — forecasts and plans (flow/forecast.h) on the kernel.
 *
 * Who (numbering-and-rules.md §3): forecast draft and submit — um, and kam/rep for their own
 * customers ('O'); assess and aggregate — ssg_leader, csr; approve — the MM of its market, for
 * a company forecast gm, sales_director or deputy_director. Plans: each role creates its own
 * level (company: SLT; market: mm; region: um; kam and customer: kam); the owner submits; the
 * next level up approves or returns (company: gm; market: the supervising SLT member or gm;
 * region: the MM; kam and customer: the UM of the region).
 */
#include "flow/forecast.h"

#include "core/date.h"
#include "core/field.h"
#include "core/json.h"
#include "core/money.h"
#include "core/str.h"
#include "flow/flow.h"
#include "flow/notify.h"
#include "rules/field.h"
#include "store/settings.h"

#include <stdlib.h>
#include <string.h>

static int fields_only(json_t *body, const char *const *allowed, struct osb_err *e)
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

static bool one_of(const char *v, const char *const *vals)
{
    for (const char *const *p = vals; v && *p; p++)
        if (strcmp(*p, v) == 0)
            return true;
    return false;
}

/* "YYYY-MM" → months since year 0, or -1. */
static int month_index(const char *s)
{
    date_t d;
    char buf[11];
    if (!s || strlen(s) != 7 || str_fmt(buf, sizeof buf, "%s-01", s) < 0 || !date_parse(buf, &d))
        return -1;
    int y, m, dd;
    date_to_ymd(d, &y, &m, &dd);
    return y * 12 + (m - 1);
}

static void month_str(int idx, char out[8])
{
    (void)str_fmt(out, 8, "%04d-%02d", idx / 12, idx % 12 + 1);
}

/* [from, to) of month idx in the company zone. */
static void month_range(const struct ctx *c, int idx, int64_t *from, int64_t *to)
{
    *from = date_start_ts(date_from_ymd(idx / 12, idx % 12 + 1, 1), c->cfg->tz_min);
    *to = date_start_ts(date_from_ymd((idx + 1) / 12, (idx + 1) % 12 + 1, 1), c->cfg->tz_min);
}

/* ---- forecasts ---------------------------------------------------------------------------- */

static const struct doc_kind f_kind;

static int f_who(struct ctx *c, const void *p, int a, const struct doc_actor *actor,
                 struct osb_err *e)
{
    const struct fdoc_doc *d = p;
    switch ((enum forecast_action)a) {
    case FA_SUBMIT:
        return fdoc_owns(c, actor, d) ? 0 : err_forbidden(e, "role", "only its owner submits it");
    case FA_APPROVE:
        if (is(jstr(d->d.data, "level"), "company"))
            return role_is_slt(actor->role)
                       ? 0
                       : err_forbidden(e, "role", "the SLT approves the company forecast");
        return fdoc_is_mm(c, actor, d)
                   ? 0
                   : err_forbidden(e, "role", "the MM of market %s approves it", d->d.market);
    case FA_ASSESS:
    case FA_AGGREGATE:
        return 0;
    }
    return 0;
}

/* The actual shipped quantity of a line's month (customer, else market, else all). */
static int actual(struct ctx *c, const struct fdoc_doc *d, const char *sku, int m, int64_t *qty,
                  struct osb_err *e)
{
    int64_t from, to;
    month_range(c, m, &from, &to);
    return store_fdoc_actual_qty(c->db, e, d->d.customer[0] ? d->d.customer : NULL,
                                 d->d.market[0] ? d->d.market : NULL, sku, from, to, qty);
}

static int f_submit(struct doc_act *x, struct osb_err *e)
{
    struct fdoc_doc *d = x->doc;
    int limit = settings_int(x->c->db, "forecast_spot_check_bp", 3000, 100000);
    int base = month_index(jstr(d->d.data, "base_month"));
    if (json_array_size(json_object_get(d->d.data, "lines")) == 0)
        return err_invalid(e, "lines", "lines_required",
                           "a forecast is submitted with its lines (a draft may be empty)");
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(d->d.data, "lines"), i, l)
    {
        int64_t sum = 0;
        for (int k = 0; k < 3; k++) {
            int64_t q = 0;
            if (actual(x->c, d, jstr(l, "sku"), base - k, &q, e) < 0)
                return -1;
            sum += q;
        }
        int64_t avg = sum / 3;
        bool flag = forecast_deviates(jint(l, "qty"), avg, limit);
        json_object_set_new(l, "avg_actual_qty", json_integer(avg));
        json_object_set_new(
            l, "spot_check",
            flag ? json_pack("{sb so so}", "flagged", 1, "result", json_null(), "by", json_null())
                 : json_null());
    }
    return fdoc_tell_role(x->c, "csr", NULL, d->d.number, "销售预期已提交，请在两个工作日内评估",
                          e);
}

static int f_assess(struct doc_act *x, struct osb_err *e)
{
    struct fdoc_doc *d = x->doc;
    json_t *in = json_object_get(x->body, "lines");
    if (in && !json_is_array(in))
        return err_bad(e, "lines", "lines must be an array");
    json_t *lines = json_object_get(d->d.data, "lines");
    size_t i;
    json_t *a;
    json_array_foreach(in, i, a)
    {
        static const char *const af[] = {
            "month", "sku", "adjusted_qty", "comment", "spot_check_result", NULL};
        const char *m = NULL, *sku = NULL, *cm = NULL, *sc = NULL;
        int64_t q = 0;
        bool has_q = false;
        if (fields_only(a, af, e) < 0 || fdoc_body_str(a, "month", true, 7, &m, e) < 0 ||
            fdoc_body_str(a, "sku", true, 32, &sku, e) < 0 ||
            fdoc_body_str(a, "comment", false, 2000, &cm, e) < 0 ||
            fdoc_body_str(a, "spot_check_result", false, 2000, &sc, e) < 0 ||
            fdoc_body_int(a, "adjusted_qty", false, 0, INT32_MAX, &q, &has_q, e) < 0)
            return -1;
        json_t *hit = NULL;
        size_t j;
        json_t *l;
        json_array_foreach(lines, j, l) if (is(jstr(l, "month"), m) && is(jstr(l, "sku"), sku))
            hit = l;
        if (!hit)
            return err_invalid(e, "lines", "unknown_line", "no line %s %s in the forecast", m, sku);
        if (has_q && q != jint(hit, "qty") && !cm)
            return err_invalid(e, "comment", "required", "an adjusted line says why (comment)");
        json_object_set_new(hit, "assessment",
                            json_pack("{so so ss}", "adjusted_qty",
                                      has_q ? json_integer(q) : json_null(), "comment",
                                      flow_json_str(cm), "by", x->actor.who));
        json_t *spot = json_object_get(hit, "spot_check");
        if (sc && json_is_object(spot)) {
            json_object_set_new(spot, "result", json_string(sc));
            json_object_set_new(spot, "by", json_string(x->actor.who));
        }
    }
    return 0;
}

static int f_plain(struct doc_act *x, struct osb_err *e)
{
    struct fdoc_doc *d = x->doc;
    if (x->action == FA_APPROVE) {
        json_object_set_new(d->d.data, "approved_by", json_string(x->actor.who));
        return notify(x->c, e, "forecast", d->d.owner, d->d.number, NULL, "销售预期已批准");
    }
    json_object_set_new(d->d.data, "aggregated_by", json_string(x->actor.who));
    return 0;
}

static int f_answer(struct ctx *c, void *p, json_t **out, struct osb_err *e)
{
    const struct fdoc_doc *d = p;
    json_t *o = fdoc_answer(c, d, e);
    if (!o)
        return -1;
    /* Accuracy of each line of a month already over (flows.md §17). */
    char now_m[11];
    date_format(flow_today(c), now_m);
    now_m[7] = '\0';
    int cur = month_index(now_m);
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(o, "lines"), i, l)
    {
        int m = month_index(jstr(l, "month"));
        if (m < 0 || m >= cur) {
            json_object_set_new(l, "actual_qty", json_null());
            json_object_set_new(l, "accuracy_bp", json_null());
            continue;
        }
        int64_t q = 0;
        if (actual(c, d, jstr(l, "sku"), m, &q, e) < 0) {
            json_decref(o);
            return -1;
        }
        json_t *as = json_object_get(l, "assessment");
        json_t *adj = json_is_object(as) ? json_object_get(as, "adjusted_qty") : NULL;
        int64_t f = json_is_integer(adj) ? json_integer_value(adj) : jint(l, "qty");
        json_object_set_new(l, "actual_qty", json_integer(q));
        json_object_set_new(l, "accuracy_bp", json_integer(forecast_accuracy_bp(f, q)));
    }
    *out = o;
    return 0;
}

static const doc_run_fn f_run[] = {[FA_SUBMIT] = f_submit,
                                   [FA_ASSESS] = f_assess,
                                   [FA_AGGREGATE] = f_plain,
                                   [FA_APPROVE] = f_plain};

static const struct doc_kind f_kind = {
    .type = &forecast_doc,
    .load = fdoc_load,
    .free = fdoc_free,
    .state = fdoc_state,
    .version = fdoc_version,
    .who = f_who,
    .run = f_run,
    .save = fdoc_save,
    .event = fdoc_event,
    .json = f_answer,
};

const struct doc_kind *const forecast_doc_kind = &f_kind;

static const char *const f_levels[] = {"rep", "kam", "region", "market", "company", NULL};

int forecast_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    static const char *const allowed[] = {"level", "customer", "base_month",
                                          "lines", "basis",    NULL};
    if (flow_need(c, P_FORECAST_DRAFT, e) < 0 || fields_only(body, allowed, e) < 0)
        return -1;
    const char *level = NULL, *customer = NULL, *base = NULL, *basis = NULL;
    if (fdoc_body_str(body, "level", false, 16, &level, e) < 0 ||
        fdoc_body_str(body, "customer", false, 32, &customer, e) < 0 ||
        fdoc_body_str(body, "base_month", true, 7, &base, e) < 0 ||
        fdoc_body_str(body, "basis", false, 4000, &basis, e) < 0)
        return -1;
    if (!level)
        level = c->user.role == ROLE_REP ? "rep" : c->user.role == ROLE_KAM ? "kam" : "region";
    if (!one_of(level, f_levels))
        return err_invalid(e, "level", "invalid_value", "%s is not a forecast level", level);
    int b = month_index(base);
    if (b < 0)
        return err_invalid(e, "base_month", "invalid_period", "base_month is YYYY-MM");
    /* flows.md §17: a forecast is of the coming months — its base month is this month or a
       later one, never a month already over. */
    int ty, tm, td;
    date_to_ymd(flow_today(c), &ty, &tm, &td);
    if (b < ty * 12 + (tm - 1))
        return err_invalid(e, "base_month", "date_out_of_range",
                           "a forecast is for the coming months: %s is over", base);
    if (c->user.role != ROLE_UM && !customer)
        return err_invalid(e, "customer", "required", "a KAM's or rep's forecast is per customer");
    json_t *lines = json_object_get(body, "lines");
    if (!json_is_array(lines))
        return lines ? err_bad(e, "lines", "lines must be an array")
                     : err_invalid(e, "lines", "required", "a forecast has lines");
    int horizon = settings_int(c->db, "forecast_horizon_months", 3, 24);
    json_t *norm = json_array();
    int rc = 0;
    __int128 total = 0;
    size_t i;
    json_t *l;
    json_array_foreach(lines, i, l)
    {
        static const char *const lf[] = {"month", "sku", "qty", "amount_fen", NULL};
        const char *m = NULL, *sku = NULL;
        int64_t q = 0, amt = 0, list = 0;
        bool has_amt = false;
        if (fields_only(l, lf, e) < 0 || fdoc_body_str(l, "month", true, 7, &m, e) < 0 ||
            fdoc_body_str(l, "sku", true, 32, &sku, e) < 0 ||
            fdoc_body_int(l, "qty", true, 0, INT32_MAX, &q, NULL, e) < 0 ||
            fdoc_body_int(l, "amount_fen", false, 0, MONEY_MAX_FEN, &amt, &has_amt, e) < 0) {
            rc = -1;
            break;
        }
        int mi = month_index(m);
        if (mi <= b || mi > b + horizon) {
            rc = err_invalid(e, "month", "month_out_of_horizon",
                             "line %zu: %s is not one of the %d months after %s", i + 1, m, horizon,
                             base);
            break;
        }
        int f = store_fdoc_list_price(c->db, e, sku, &list);
        if (f <= 0) {
            rc = f < 0 ? -1 : err_invalid(e, "sku", "unknown_sku", "no SKU '%s'", sku);
            break;
        }
        size_t j;
        json_t *o;
        json_array_foreach(norm, j, o) if (is(jstr(o, "month"), m) && is(jstr(o, "sku"), sku)) rc =
            err_invalid(e, "lines", "duplicate_line", "%s %s twice", m, sku);
        if (rc < 0)
            break;
        __int128 a = has_amt ? amt : (__int128)q * list;
        total += a;
        if (a > MONEY_MAX_FEN || total > MONEY_MAX_FEN) {
            rc = err_invalid(e, "lines", "amount_too_large", "over 10^13 fen");
            break;
        }
        char ms[8];
        month_str(mi, ms);
        json_array_append_new(norm,
                              json_pack("{ss ss sI sI so so}", "month", ms, "sku", sku, "qty",
                                        (json_int_t)q, "amount_fen", (json_int_t)a, "assessment",
                                        json_null(), "spot_check", json_null()));
    }
    struct fdoc_doc d;
    if (rc == 0)
        rc = fdoc_new(c, &forecast_doc, P_FORECAST_DRAFT, customer, &d, e);
    else
        memset(&d, 0, sizeof d);
    if (rc == 0) {
        json_t *o = d.d.data;
        json_object_set_new(o, "level", json_string(level));
        json_object_set_new(o, "base_month", json_string(base));
        json_object_set_new(o, "basis", flow_json_str(basis));
        json_object_set_new(o, "lines", json_incref(norm));
        json_object_set_new(o, "total_fen", json_integer((int64_t)total));
        rc = fdoc_create(c, &f_kind, &d, "YC", out, e);
    }
    json_decref(norm);
    store_fdoc_release(&d.d);
    return rc;
}

/* ---- plans -------------------------------------------------------------------------------- */

static const struct doc_kind p_kind;

static int p_who(struct ctx *c, const void *p, int a, const struct doc_actor *actor,
                 struct osb_err *e)
{
    const struct fdoc_doc *d = p;
    if (a == PLNA_SUBMIT)
        return is(d->d.owner, actor->who) ? 0
                                          : err_forbidden(e, "role", "only its owner submits it");
    const char *up = plan_approver_role(jstr(d->d.data, "level"));
    bool ok = false;
    if (is(up, "gm"))
        ok = actor->role == ROLE_GM;
    else if (is(up, "slt"))
        ok = actor->role == ROLE_GM || fdoc_is_supervisor(actor, d);
    else if (is(up, "mm"))
        ok = fdoc_is_mm(c, actor, d);
    else if (is(up, "um"))
        ok = actor->role == ROLE_UM && is(c->user.region, d->d.region);
    return ok ? 0
              : err_forbidden(e, "role", "the next level up approves a %s plan",
                              jstr(d->d.data, "level"));
}

static int p_act(struct doc_act *x, struct osb_err *e)
{
    struct fdoc_doc *d = x->doc;
    if (x->action == PLNA_RETURN && (!x->comment || !*x->comment))
        return err_invalid(e, "comment", "required", "a return says why (comment)");
    if (x->action == PLNA_APPROVE) {
        json_object_set_new(d->d.data, "approved_by", json_string(x->actor.who));
        json_object_set_new(d->d.data, "approved_at", flow_json_ts(x->c, x->c->now));
    }
    if (x->action == PLNA_SUBMIT)
        return 0;
    return notify(x->c, e, "plan", d->d.owner, d->d.number, NULL,
                  x->action == PLNA_APPROVE ? "计划已批准" : "计划被退回");
}

static int p_answer(struct ctx *c, void *p, json_t **out, struct osb_err *e)
{
    json_t *o = fdoc_answer(c, p, e);
    if (!o)
        return -1;
    *out = o;
    return 0;
}

static const doc_run_fn p_run[] = {
    [PLNA_SUBMIT] = p_act, [PLNA_APPROVE] = p_act, [PLNA_RETURN] = p_act};

static const struct doc_kind p_kind = {
    .type = &plan_doc,
    .load = fdoc_load,
    .free = fdoc_free,
    .state = fdoc_state,
    .version = fdoc_version,
    .who = p_who,
    .run = p_run,
    .save = fdoc_save,
    .event = fdoc_event,
    .json = p_answer,
};

const struct doc_kind *const plan_doc_kind = &p_kind;

static const char *const p_levels[] = {"company", "market", "region", "kam", "customer", NULL};
static const char *const p_periods[] = {"year", "quarter", "month", NULL};

/* May role r create a plan of level? (flows.md §18: each its own level.) */
static bool own_level(enum role r, const char *level)
{
    if (is(level, "company"))
        return role_is_slt(r);
    if (is(level, "market"))
        return r == ROLE_MM;
    if (is(level, "region"))
        return r == ROLE_UM;
    return r == ROLE_KAM;
}

static int check_lines(struct ctx *c, json_t *lines, struct osb_err *e)
{
    size_t i;
    json_t *l;
    json_array_foreach(lines, i, l)
    {
        static const char *const lf[] = {"sku", "qty", NULL};
        const char *sku = NULL;
        int64_t q = 0, list = 0;
        if (fields_only(l, lf, e) < 0 || fdoc_body_str(l, "sku", true, 32, &sku, e) < 0 ||
            fdoc_body_int(l, "qty", true, 0, INT32_MAX, &q, NULL, e) < 0)
            return -1;
        int f = store_fdoc_list_price(c->db, e, sku, &list);
        if (f <= 0)
            return f < 0 ? -1 : err_invalid(e, "sku", "unknown_sku", "no SKU '%s'", sku);
    }
    return 0;
}

static int check_survey(json_t *rows, struct osb_err *e)
{
    size_t i;
    json_t *l;
    json_array_foreach(rows, i, l)
    {
        static const char *const sf[] = {"area", "market_capacity_fen", "agent_capacity_fen",
                                         "rank", "expansion_order",     NULL};
        const char *area = NULL;
        int64_t v = 0;
        if (fields_only(l, sf, e) < 0 || fdoc_body_str(l, "area", true, 200, &area, e) < 0 ||
            fdoc_body_int(l, "market_capacity_fen", false, 0, MONEY_MAX_FEN, &v, NULL, e) < 0 ||
            fdoc_body_int(l, "agent_capacity_fen", false, 0, MONEY_MAX_FEN, &v, NULL, e) < 0 ||
            fdoc_body_int(l, "rank", false, 1, 1000, &v, NULL, e) < 0 ||
            fdoc_body_int(l, "expansion_order", false, 1, 1000, &v, NULL, e) < 0)
            return -1;
    }
    return 0;
}

/* flows.md §18: plans cascade company → market → region → kam → customer. A plan's parent is
   an existing plan of the level one up whose period holds the plan's period. */
static int check_parent(struct ctx *c, const char *level, const char *pt, date_t from, date_t to,
                        const char *parent, struct osb_err *e)
{
    int i = 0;
    while (p_levels[i] && !is(p_levels[i], level))
        i++;
    struct fdoc p;
    int f = store_fdoc_load(c->db, e, "plans", parent, &p);
    if (f < 0)
        return -1;
    if (f == 0)
        return err_invalid(e, "parent", "unknown_reference", "no plan '%s'", parent);
    date_t pf = 0, pto = 0;
    const char *plevel = jstr(p.data, "level");
    bool level_ok = i > 0 && is(plevel, p_levels[i - 1]);
    bool period_ok =
        field_period_span(jstr(p.data, "period_type"), jstr(p.data, "period"), &pf, &pto) &&
        pf <= from && to <= pto;
    int rc = 0;
    if (!level_ok)
        rc = err_invalid(e, "parent", "parent_level", "a %s plan's parent is a %s plan, not %s",
                         level, i > 0 ? p_levels[i - 1] : "(none)", plevel ? plevel : "?");
    else if (!period_ok)
        rc = err_invalid(e, "parent", "parent_period",
                         "the %s plan's period is not within its parent's (%s)", pt,
                         jstr(p.data, "period"));
    store_fdoc_release(&p);
    return rc;
}

int plan_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    static const char *const allowed[] = {"level",
                                          "period_type",
                                          "period",
                                          "customer",
                                          "target_sales_fen",
                                          "target_collection_fen",
                                          "target_active_customers",
                                          "lines",
                                          "capacity_survey",
                                          "parent",
                                          "note",
                                          NULL};
    if (flow_need(c, P_PLAN, e) < 0 || fields_only(body, allowed, e) < 0)
        return -1;
    const char *level = NULL, *pt = NULL, *period = NULL, *customer = NULL, *parent = NULL,
               *note = NULL;
    int64_t ts = 0, tc = 0, ta = 0;
    bool has_ta = false;
    if (fdoc_body_str(body, "level", true, 16, &level, e) < 0 ||
        fdoc_body_str(body, "period_type", true, 16, &pt, e) < 0 ||
        fdoc_body_str(body, "period", true, 16, &period, e) < 0 ||
        fdoc_body_str(body, "customer", false, 32, &customer, e) < 0 ||
        fdoc_body_str(body, "parent", false, 32, &parent, e) < 0 ||
        fdoc_body_str(body, "note", false, 4000, &note, e) < 0 ||
        fdoc_body_int(body, "target_sales_fen", true, 0, MONEY_MAX_FEN, &ts, NULL, e) < 0 ||
        fdoc_body_int(body, "target_collection_fen", false, 0, MONEY_MAX_FEN, &tc, NULL, e) < 0 ||
        fdoc_body_int(body, "target_active_customers", false, 0, 1000000, &ta, &has_ta, e) < 0)
        return -1;
    if (!one_of(level, p_levels))
        return err_invalid(e, "level", "invalid_value", "%s is not a plan level", level);
    if (!one_of(pt, p_periods))
        return err_invalid(e, "period_type", "invalid_value",
                           "period_type is year, quarter or"
                           " month");
    if (!own_level(c->user.role, level))
        return err_forbidden(e, "level_not_yours", "a %s does not draw up a %s plan",
                             role_str(c->user.role), level);
    date_t pf, pto;
    if (!field_period_span(pt, period, &pf, &pto))
        return err_invalid(e, "period", "invalid_period", "a %s plan's period is %s", pt,
                           field_period_form(pt));
    if (is(level, "customer") != (customer != NULL))
        return err_invalid(e, "customer", is(level, "customer") ? "required" : "not_allowed",
                           "a customer plan, and only that, names its customer");
    if (parent && check_parent(c, level, pt, pf, pto, parent, e) < 0)
        return -1;
    json_t *lines = json_object_get(body, "lines"),
           *survey = json_object_get(body, "capacity_survey");
    if ((lines && !json_is_array(lines)) || (survey && !json_is_array(survey)))
        return err_bad(e, lines && !json_is_array(lines) ? "lines" : "capacity_survey",
                       "an array is expected");
    if (check_lines(c, lines, e) < 0 || check_survey(survey, e) < 0)
        return -1;
    struct fdoc_doc d;
    int rc = fdoc_new(c, &plan_doc, P_PLAN, customer, &d, e);
    if (rc == 0) {
        json_t *o = d.d.data;
        json_object_set_new(o, "level", json_string(level));
        json_object_set_new(o, "period_type", json_string(pt));
        json_object_set_new(o, "period", json_string(period));
        json_object_set_new(o, "target_sales_fen", json_integer(ts));
        json_object_set_new(o, "target_collection_fen", json_integer(tc));
        json_object_set_new(o, "target_active_customers", has_ta ? json_integer(ta) : json_null());
        json_object_set_new(o, "lines", lines ? json_deep_copy(lines) : json_array());
        json_object_set_new(o, "capacity_survey", survey ? json_deep_copy(survey) : json_array());
        json_object_set_new(o, "parent", flow_json_str(parent));
        json_object_set_new(o, "note", flow_json_str(note));
        json_object_set_new(o, "approved_by", json_null());
        rc = fdoc_create(c, &p_kind, &d, "JH", out, e);
    }
    store_fdoc_release(&d.d);
    return rc;
}
