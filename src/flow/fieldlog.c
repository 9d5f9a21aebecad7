/*
 * fieldlog.c (flow) — the field-sales records (flow/fieldlog.h). No SQL: store/fieldlog.c.
 *
 * Who (numbering-and-rules.md §3): the work log — the row "visit plan, visit report, work log"
 * (MM, UM, KAM, rep, their own; managers read their scope); call logs — P_CALL_LOG (a KAM or
 * rep for their own customers); the monthly focus — "monthly focus: publish" (GM, SLT); meetings
 * — P_MEETING_RECORD; verification picks — "visit verification call" (SSG leader, CSR).
 */
#include "flow/fieldlog.h"

#include "core/date.h"
#include "core/field.h"
#include "core/json.h"
#include "core/money.h"
#include "core/str.h"
#include "flow/collection.h"
#include "flow/flow.h"
#include "flow/notify.h"
#include "flow/scope.h"
#include "rules/field.h"
#include "store/fdoc.h"
#include "store/fieldlog.h"
#include "store/order.h"

#include <stdlib.h>
#include <string.h>

static int only(json_t *body, const char *const *allowed, struct osb_err *e)
{
    if (!json_is_object(body))
        return err_bad(e, NULL, "the body must be a JSON object");
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
    {
        if (!field_one_of(allowed, key))
            return err_bad(e, key, "unknown field '%s'", key);
    }
    return 0;
}

static int body_str(json_t *body, const char *f, bool req, size_t max, const char **out,
                    struct osb_err *e)
{
    json_t *v = json_object_get(body, f);
    if (!v || json_is_null(v))
        return req ? err_invalid(e, f, "required", "%s is required", f) : 0;
    if (!json_is_string(v))
        return err_bad(e, f, "%s must be a string", f);
    if (req && !*json_string_value(v))
        return err_invalid(e, f, "required", "%s is required", f);
    if (json_string_length(v) > max)
        return err_invalid(e, f, "too_long", "%s is longer than %zu bytes", f, max);
    *out = json_string_value(v);
    return 0;
}

static int body_date(json_t *body, const char *f, bool req, const char **out, struct osb_err *e)
{
    const char *s = NULL;
    if (body_str(body, f, req, 10, &s, e) < 0)
        return -1;
    date_t d;
    if (s && !date_parse(s, &d))
        return err_invalid(e, f, "invalid_date", "%s is not a date YYYY-MM-DD", f);
    if (s)
        *out = s;
    return 0;
}

static int parse_id(const char *s, int64_t *id, const char *what, struct osb_err *e)
{
    long v = 0;
    if (!s || !str_to_long(s, 1, 2000000000L, &v))
        return err_set(e, ERR_NOT_FOUND, "no %s '%s'", what, s ? s : "");
    *id = v;
    return 0;
}

static int query_date(const char *s, const char *f, struct osb_err *e)
{
    date_t d;
    return !s || date_parse(s, &d) ? 0 : err_bad(e, f, "%s is not a date YYYY-MM-DD", f);
}

static json_t *items(json_t *rows)
{
    return json_pack("{so so}", "items", rows, "next_cursor", json_null());
}

/* ---- work log ---------------------------------------------------------------------------- */

static void worklog_answer(struct ctx *c, json_t *o)
{
    flow_ts(c, o, "submitted_at");
}

int worklog_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    static const char *const allowed[] = {"date", "text", NULL};
    const char *date = NULL, *text = NULL;
    if (flow_need(c, P_VISIT_WORK, e) < 0 || only(body, allowed, e) < 0 ||
        body_date(body, "date", false, &date, e) < 0 ||
        body_str(body, "text", true, 8000, &text, e) < 0)
        return -1;
    char today[11];
    date_format(flow_today(c), today);
    if (!date)
        date = today;
    if (strcmp(date, today) > 0)
        return err_invalid(e, "date", "date_out_of_range", "a work log is not written ahead");
    struct worklog w = {c->user.username, date, text, c->user.market,
                        c->user.region,   NULL, NULL, c->now};
    if (c->user.role == ROLE_KAM)
        w.kam = c->user.username;
    else if (c->user.role == ROLE_REP)
        w.rep = c->user.username, w.kam = c->user.manager;
    int rc = store_worklog_insert(c->db, e, &w);
    if (rc < 0)
        return -1;
    if (rc == 0)
        return err_set(e, ERR_DUPLICATE, "%s has a work log of %s already", c->user.username, date);
    char key[64];
    if (str_fmt(key, sizeof key, "%s/%s", c->user.username, date) < 0)
        return err_set(e, ERR_INTERNAL, "internal error: work log key");
    json_t *after = json_pack("{ss ss}", "date", date, "user", c->user.username);
    rc = flow_audit(c, e, "create", "work_log", key, NULL, after);
    json_decref(after);
    if (rc < 0)
        return -1;
    struct scope_user su;
    ctx_scope_user(c, &su);
    json_t *rows = store_worklog_list(c->db, e, &su, c->user.username, date, date, NULL, 1);
    if (!rows)
        return -1;
    *out = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    worklog_answer(c, *out);
    return 0;
}

int worklog_get(struct ctx *c, const char *id, json_t **out, struct osb_err *e)
{
    *out = NULL;
    int64_t n = 0;
    if (flow_need_read(c, P_VISIT_WORK, e) < 0 || parse_id(id, &n, "work log", e) < 0)
        return -1;
    struct scope_user su;
    ctx_scope_user(c, &su);
    int rc = store_worklog_get(c->db, e, &su, n, out);
    if (rc < 0)
        return -1;
    if (rc == 0)
        return err_set(e, ERR_NOT_FOUND, "no work log '%s'", id);
    worklog_answer(c, *out);
    return 0;
}

int worklog_list(struct ctx *c, const struct fieldlog_query *q, json_t **out, struct osb_err *e)
{
    *out = NULL;
    if (flow_need_read(c, P_VISIT_WORK, e) < 0 || query_date(q->from, "from", e) < 0 ||
        query_date(q->to, "to", e) < 0)
        return -1;
    struct scope_user su;
    ctx_scope_user(c, &su);
    json_t *rows = store_worklog_list(c->db, e, &su, q->user, q->from, q->to, q->q, q->limit);
    if (!rows)
        return -1;
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) worklog_answer(c, r);
    *out = items(rows);
    return 0;
}

/* ---- call log ---------------------------------------------------------------------------- */

/* "YYYYQn" of day d. */
static int quarter_of(date_t d, char out[8])
{
    int y, m, dd;
    date_to_ymd(d, &y, &m, &dd);
    return str_fmt(out, 8, "%04dQ%d", y, (m - 1) / 3 + 1);
}

static void calllog_answer(struct ctx *c, json_t *o)
{
    flow_ts(c, o, "at");
    json_object_set_new(o, "reached", json_boolean(jint(o, "reached") != 0));
    json_object_set(o, "by", json_object_get(o, "by_user"));
    json_object_del(o, "by_user");
}

int calllog_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    static const char *const allowed[] = {
        "customer", "kind", "reached", "outcome", "promised_pay_date", "promised_amount_fen",
        "rating",   NULL};
    const char *cu = NULL, *kind = NULL, *outcome = NULL, *ppd = NULL;
    if (flow_need(c, P_CALL_LOG, e) < 0 || only(body, allowed, e) < 0 ||
        body_str(body, "customer", true, 32, &cu, e) < 0 ||
        body_str(body, "kind", true, 32, &kind, e) < 0 ||
        body_str(body, "outcome", false, 4000, &outcome, e) < 0 ||
        body_date(body, "promised_pay_date", false, &ppd, e) < 0)
        return -1;
    if (!field_one_of(call_log_kinds, kind))
        return err_invalid(e, "kind", "invalid_value", "%s is not a kind of call", kind);
    json_t *reached = json_object_get(body, "reached");
    if (!reached)
        return err_invalid(e, "reached", "required", "was the customer reached (reached)?");
    if (!json_is_boolean(reached))
        return err_bad(e, "reached", "reached must be true or false");
    struct calllog l = {cu,     c->user.username,      kind,  outcome, ppd, c->now,
                        c->now, json_is_true(reached), false, 0,       0};
    json_t *amt = json_object_get(body, "promised_amount_fen");
    if (amt && !json_is_null(amt)) {
        if (!json_is_integer(amt))
            return err_bad(e, "promised_amount_fen", "promised_amount_fen must be an integer");
        if (json_integer_value(amt) > MONEY_MAX_FEN)
            return err_invalid(e, "promised_amount_fen", "amount_too_large",
                               "promised_amount_fen is over 10^13 fen");
        if (json_integer_value(amt) < 0)
            return err_invalid(e, "promised_amount_fen", "negative_amount",
                               "promised_amount_fen is not negative");
        l.has_amount = true;
        l.promised_amount_fen = json_integer_value(amt);
    }
    /* the customer's rating of a satisfaction call, 1-5 (kpis-and-reports.md §2.2) */
    json_t *rating = json_object_get(body, "rating");
    if (rating && !json_is_null(rating)) {
        if (!json_is_integer(rating))
            return err_bad(e, "rating", "rating must be an integer 1-5");
        if (json_integer_value(rating) < 1 || json_integer_value(rating) > 5)
            return err_invalid(e, "rating", "rating_out_of_range", "a rating is 1 to 5");
        if (strcmp(kind, "satisfaction") != 0)
            return err_invalid(e, "rating", "satisfaction_only",
                               "only a satisfaction call carries a rating");
        l.rating = (int)json_integer_value(rating);
    }
    struct order_customer oc;
    int f = store_order_customer(c->db, e, cu, &oc);
    if (f < 0)
        return -1;
    if (f == 0 || !scope_sees(c, &oc))
        return err_invalid(e, "customer", "unknown_reference", "no customer '%s'", cu);
    if (perm_symbol(P_CALL_LOG, c->user.role) == 'O' && !scope_owns(c, &oc))
        return err_forbidden(e, "role", "only the customer's KAM or rep logs its calls");
    int64_t id = 0;
    if (store_calllog_insert(c->db, e, &l, &id) < 0)
        return -1;
    if (strcmp(kind, "weekly_collection") == 0 && collection_call_logged(c, cu, l.at, id, e) < 0)
        return -1;
    char quarter[8];
    if (strcmp(kind, "satisfaction") == 0 &&
        (quarter_of(ts_to_date(l.at, c->cfg->tz_min), quarter) < 0 ||
         store_satisfaction_called(c->db, e, quarter, cu, id) < 0))
        return -1;
    char key[24];
    if (str_fmt(key, sizeof key, "%lld", (long long)id) < 0)
        return err_set(e, ERR_INTERNAL, "internal error: call key");
    json_t *after = json_pack("{ss ss sb}", "customer", cu, "kind", kind, "reached", l.reached);
    int rc = flow_audit(c, e, "create", "call_log", key, NULL, after);
    json_decref(after);
    return rc < 0 ? -1 : calllog_get(c, key, out, e);
}

int calllog_get(struct ctx *c, const char *id, json_t **out, struct osb_err *e)
{
    *out = NULL;
    int64_t n = 0;
    if (flow_need_read(c, P_CALL_LOG, e) < 0 || parse_id(id, &n, "call", e) < 0)
        return -1;
    struct scope_user su;
    ctx_scope_user(c, &su);
    int rc = store_calllog_get(c->db, e, &su, n, out);
    if (rc < 0)
        return -1;
    if (rc == 0)
        return err_set(e, ERR_NOT_FOUND, "no call '%s'", id);
    calllog_answer(c, *out);
    return 0;
}

static int day_ts(struct ctx *c, const char *s, int plus, ts_t *out)
{
    date_t d;
    *out = 0;
    if (s && date_parse(s, &d))
        *out = date_start_ts(d + plus, c->cfg->tz_min);
    return 0;
}

int calllog_list(struct ctx *c, const struct fieldlog_query *q, json_t **out, struct osb_err *e)
{
    *out = NULL;
    if (flow_need_read(c, P_CALL_LOG, e) < 0 || query_date(q->from, "from", e) < 0 ||
        query_date(q->to, "to", e) < 0)
        return -1;
    ts_t from = 0, to = 0;
    day_ts(c, q->from, 0, &from);
    day_ts(c, q->to, 1, &to);
    struct scope_user su;
    ctx_scope_user(c, &su);
    json_t *rows =
        store_calllog_list(c->db, e, &su, q->customer, q->kind, q->by, from, to, q->q, q->limit);
    if (!rows)
        return -1;
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) calllog_answer(c, r);
    *out = items(rows);
    return 0;
}

/* ---- monthly focus ----------------------------------------------------------------------- */

static int tell_all(struct ctx *c, const char *event, const char *role, const char *key_prefix,
                    const char *text, struct osb_err *e)
{
    json_t *to = store_fdoc_users(c->db, e, role, NULL);
    if (!to)
        return -1;
    int rc = 0;
    size_t i;
    json_t *u;
    json_array_foreach(to, i, u)
    {
        char key[96];
        if (rc == 0 && str_fmt(key, sizeof key, "%s:%s", key_prefix, json_string_value(u)) == 0)
            rc = notify(c, e, event, json_string_value(u), NULL, key, "%s", text);
    }
    json_decref(to);
    return rc;
}

int focus_publish(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    static const char *const allowed[] = {"month", "main", "secondary", "goals", NULL};
    const char *month = NULL, *main = NULL;
    if (flow_need(c, P_MONTHLY_FOCUS, e) < 0 || only(body, allowed, e) < 0 ||
        body_str(body, "month", true, 7, &month, e) < 0 ||
        body_str(body, "main", true, 2000, &main, e) < 0)
        return -1;
    int y, m;
    if (!period_parse(month, &y, &m))
        return err_invalid(e, "month", "invalid_period", "month is YYYY-MM");
    json_t *sec = json_object_get(body, "secondary");
    if (sec && !json_is_array(sec))
        return err_bad(e, "secondary", "secondary must be an array of two texts");
    if (json_array_size(sec) != 2)
        return err_invalid(e, "secondary", "two_secondary",
                           "a month's focus has one main and exactly two secondary priorities");
    for (size_t i = 0; i < 2; i++) {
        json_t *s = json_array_get(sec, i);
        if (!json_is_string(s))
            return err_bad(e, "secondary", "secondary must be an array of two texts");
        if (!*json_string_value(s) || json_string_length(s) > 2000)
            return err_invalid(e, "secondary", "required", "each secondary priority is a text");
    }
    json_t *goals = json_object_get(body, "goals");
    if (goals && !json_is_array(goals))
        return err_bad(e, "goals", "goals must be an array");
    json_t *norm = json_array();
    size_t i;
    json_t *g;
    json_array_foreach(goals, i, g)
    {
        static const char *const gf[] = {"market", "target_fen", "focus", NULL};
        const char *mk = NULL, *focus = NULL;
        json_t *t = json_object_get(g, "target_fen");
        int rc = only(g, gf, e);
        if (rc == 0)
            rc = body_str(g, "market", true, 32, &mk, e);
        if (rc == 0)
            rc = body_str(g, "focus", false, 2000, &focus, e);
        if (rc == 0 && t && !json_is_integer(t))
            rc = err_bad(e, "target_fen", "target_fen must be an integer");
        if (rc == 0 && t && json_integer_value(t) > MONEY_MAX_FEN)
            rc = err_invalid(e, "target_fen", "amount_too_large", "target_fen is over 10^13 fen");
        if (rc == 0 && t && json_integer_value(t) < 0)
            rc = err_invalid(e, "target_fen", "negative_amount", "target_fen is not negative");
        if (rc == 0) {
            int f = store_fieldlog_market_exists(c->db, e, mk);
            if (f < 0)
                rc = -1;
            else if (f == 0)
                rc = err_invalid(e, "market", "unknown_reference", "no market '%s'", mk);
        }
        if (rc < 0) {
            json_decref(norm);
            return -1;
        }
        json_array_append_new(norm, json_pack("{ss sI so}", "market", mk, "target_fen",
                                              (json_int_t)(t ? json_integer_value(t) : 0), "focus",
                                              flow_json_str(focus)));
    }
    char pm[8];
    period_format(y, m, pm);
    int rc = store_focus_insert(c->db, e, pm, main, json_string_value(json_array_get(sec, 0)),
                                json_string_value(json_array_get(sec, 1)), norm, c->user.username,
                                c->now);
    json_decref(norm);
    if (rc < 0)
        return -1;
    if (rc == 0)
        return err_set(e, ERR_DUPLICATE, "the focus of %s is published already", pm);
    json_t *after = json_pack("{ss ss}", "month", pm, "main", main);
    rc = flow_audit(c, e, "publish", "monthly_focus", pm, NULL, after);
    json_decref(after);
    char key[32], text[96];
    if (rc < 0 || str_fmt(key, sizeof key, "focus:%s", pm) < 0 ||
        str_fmt(text, sizeof text, "%s 本月工作重点已发布", pm) < 0)
        return -1;
    /* Copied to the SSG and the sales force (flows.md §18). */
    static const char *const roles[] = {"ssg_leader", "csr", "mm", "um", "kam", "rep", NULL};
    for (const char *const *r = roles; *r; r++)
        if (tell_all(c, "monthly_focus", *r, key, text, e) < 0)
            return -1;
    return focus_get(c, pm, out, e);
}

int focus_get(struct ctx *c, const char *month, json_t **out, struct osb_err *e)
{
    *out = NULL;
    if (flow_need_read(c, P_REPORTS, e) < 0)
        return -1;
    json_t *r = NULL;
    int rc = store_focus_get(c->db, e, month, &r);
    if (rc < 0)
        return -1;
    if (rc == 0)
        return err_set(e, ERR_NOT_FOUND, "no monthly focus of '%s'", month);
    json_object_set_new(
        r, "secondary",
        json_pack("[OO]", json_object_get(r, "secondary1"), json_object_get(r, "secondary2")));
    json_object_del(r, "secondary1");
    json_object_del(r, "secondary2");
    flow_ts(c, r, "published_at");
    *out = r;
    return 0;
}

int focus_list(struct ctx *c, const struct fieldlog_query *q, json_t **out, struct osb_err *e)
{
    *out = NULL;
    if (flow_need_read(c, P_REPORTS, e) < 0)
        return -1;
    json_t *months = store_focus_months(c->db, e, q->from, q->to);
    if (!months)
        return -1;
    json_t *rows = json_array();
    size_t i;
    json_t *m;
    json_array_foreach(months, i, m)
    {
        json_t *one = NULL;
        if (focus_get(c, jstr(m, "month"), &one, e) < 0) {
            json_decref(months);
            json_decref(rows);
            return -1;
        }
        json_array_append_new(rows, one);
    }
    json_decref(months);
    *out = items(rows);
    return 0;
}

/* ---- meetings ---------------------------------------------------------------------------- */

static int text_list(json_t *body, const char *f, json_t *into, struct osb_err *e)
{
    json_t *a = json_object_get(body, f);
    if (!a || json_is_null(a)) {
        json_object_set_new(into, f, json_array());
        return 0;
    }
    if (!json_is_array(a) || json_array_size(a) > 200)
        return err_bad(e, f, "%s must be an array of at most 200 texts", f);
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v)
    {
        if (!json_is_string(v) || !*json_string_value(v) || json_string_length(v) > 4000)
            return err_bad(e, f, "%s must be an array of texts", f);
    }
    json_object_set(into, f, a);
    return 0;
}

int meeting_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    static const char *const allowed[] = {"kind",      "date",      "market", "minutes",
                                          "attendees", "decisions", "issues", NULL};
    const char *kind = NULL, *date = NULL, *market = NULL, *minutes = NULL;
    if (flow_need(c, P_MEETING_RECORD, e) < 0 || only(body, allowed, e) < 0 ||
        body_str(body, "kind", true, 32, &kind, e) < 0 ||
        body_date(body, "date", true, &date, e) < 0 ||
        body_str(body, "market", false, 32, &market, e) < 0 ||
        body_str(body, "minutes", false, 20000, &minutes, e) < 0)
        return -1;
    if (!field_one_of(meeting_kinds, kind))
        return err_invalid(e, "kind", "invalid_value", "%s is not a kind of meeting", kind);
    if (market) {
        int f = store_fieldlog_market_exists(c->db, e, market);
        if (f <= 0)
            return f < 0 ? -1
                         : err_invalid(e, "market", "unknown_reference", "no market '%s'", market);
    }
    json_t *lists = json_object();
    int64_t id = 0;
    int rc = text_list(body, "attendees", lists, e);
    if (rc == 0)
        rc = text_list(body, "decisions", lists, e);
    if (rc == 0)
        rc = text_list(body, "issues", lists, e);
    if (rc == 0)
        rc = store_meeting_insert(c->db, e, kind, date, market, minutes, lists, c->user.username,
                                  c->now, &id);
    json_decref(lists);
    if (rc < 0)
        return -1;
    char key[24];
    if (str_fmt(key, sizeof key, "%lld", (long long)id) < 0)
        return err_set(e, ERR_INTERNAL, "internal error: meeting key");
    json_t *after = json_pack("{ss ss}", "kind", kind, "date", date);
    rc = flow_audit(c, e, "create", "meeting", key, NULL, after);
    json_decref(after);
    return rc < 0 ? -1 : meeting_get(c, key, out, e);
}

int meeting_get(struct ctx *c, const char *id, json_t **out, struct osb_err *e)
{
    *out = NULL;
    int64_t n = 0;
    if (flow_need_read(c, P_REPORTS, e) < 0 || parse_id(id, &n, "meeting", e) < 0)
        return -1;
    int rc = store_meeting_get(c->db, e, n, out);
    if (rc < 0)
        return -1;
    if (rc == 0)
        return err_set(e, ERR_NOT_FOUND, "no meeting '%s'", id);
    flow_ts(c, *out, "created_at");
    return 0;
}

int meeting_list(struct ctx *c, const struct fieldlog_query *q, json_t **out, struct osb_err *e)
{
    *out = NULL;
    if (flow_need_read(c, P_REPORTS, e) < 0 || query_date(q->from, "from", e) < 0 ||
        query_date(q->to, "to", e) < 0)
        return -1;
    json_t *ids = store_meeting_ids(c->db, e, q->kind, q->market, q->from, q->to, q->limit);
    if (!ids)
        return -1;
    json_t *rows = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(ids, i, r)
    {
        char key[24];
        json_t *one = NULL;
        if (str_fmt(key, sizeof key, "%lld", (long long)jint(r, "id")) < 0 ||
            meeting_get(c, key, &one, e) < 0) {
            json_decref(ids);
            json_decref(rows);
            return -1;
        }
        json_array_append_new(rows, one);
    }
    json_decref(ids);
    *out = items(rows);
    return 0;
}

/* ---- sightings (冲货) -------------------------------------------------------------------- */

int sighting_check(struct ctx *c, const char *region, json_t *findings, json_t *flags,
                   json_t **found, struct osb_err *e)
{
    *found = json_array();
    json_t *os = json_object_get(findings, "observed_stock");
    if (!os)
        return 0;
    if (!json_is_array(os))
        return err_bad(e, "observed_stock", "observed_stock must be an array");
    size_t i;
    json_t *s;
    json_array_foreach(os, i, s)
    {
        if (!json_is_object(s))
            return err_bad(e, "observed_stock", "each observed stock is an object");
        const char *sku = NULL, *batch = NULL;
        json_t *q = json_object_get(s, "qty");
        if (body_str(s, "sku", true, 32, &sku, e) < 0 ||
            body_str(s, "batch", false, 64, &batch, e) < 0)
            return -1;
        if (q && !json_is_null(q) && !json_is_integer(q))
            return err_bad(e, "qty", "an observed stock's qty is an integer");
        if (!batch || !region || !*region)
            continue;
        json_t *homes = store_sighting_home_regions(c->db, e, sku, batch);
        if (!homes)
            return -1;
        bool home = json_array_size(homes) == 0; /* never shipped: nothing to compare */
        size_t k;
        json_t *h;
        json_array_foreach(homes, k, h) home = home || is(json_string_value(h), region);
        if (!home) {
            json_array_append_new(flags, json_pack("{ss ss ss sO}", "rule", "cross_region", "sku",
                                                   sku, "batch", batch, "home_regions", homes));
            json_array_append_new(*found,
                                  json_pack("{ss ss sI sO}", "sku", sku, "batch", batch, "qty",
                                            (json_int_t)(q ? json_integer_value(q) : 0),
                                            "home_regions", homes));
        }
        json_decref(homes);
    }
    return 0;
}

int sighting_record(struct ctx *c, const char *visit, const char *customer, const char *market,
                    const char *region, const char *seen_on, json_t *found, struct osb_err *e)
{
    size_t i;
    json_t *s;
    json_array_foreach(found, i, s)
    {
        if (store_sighting_insert(c->db, e, visit, customer, market, region, jstr(s, "sku"),
                                  jstr(s, "batch"), jint(s, "qty"),
                                  json_object_get(s, "home_regions"), seen_on, c->user.username,
                                  c->now) < 0)
            return -1;
    }
    if (!json_array_size(found))
        return 0;
    /* The MM where it was seen and the MMs of the regions it was shipped to (flows.md §9). */
    json_t *mms = store_fdoc_users(c->db, e, "mm", market);
    if (!mms)
        return -1;
    int rc = 0;
    json_t *u;
    json_array_foreach(mms, i, u)
    {
        if (rc == 0)
            rc = notify(c, e, "cross_region", json_string_value(u), visit, NULL,
                        "拜访发现窜货（批号出现在发货区域以外），请核查");
    }
    json_decref(mms);
    return rc;
}

int sighting_list(struct ctx *c, const struct fieldlog_query *q, json_t **out, struct osb_err *e)
{
    *out = NULL;
    if (flow_need_read(c, P_REPORTS, e) < 0 || query_date(q->from, "from", e) < 0 ||
        query_date(q->to, "to", e) < 0)
        return -1;
    struct scope_user su;
    ctx_scope_user(c, &su);
    json_t *rows =
        store_sighting_list(c->db, e, &su, q->market, q->region, q->from, q->to, q->limit);
    if (!rows)
        return -1;
    *out = items(rows);
    return 0;
}

/* ---- visit verification (flows.md §9.6) -------------------------------------------------- */

/* A fixed pseudo-random rank (FNV-1a of month and number): the same month always picks the
   same reports, and no rep can tell which of theirs will be called. */
static uint64_t rank(const char *month, const char *number)
{
    uint64_t h = 1469598103934665603ULL;
    for (const char *s = month; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    for (const char *s = number; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static int by_rank(const void *a, const void *b)
{
    const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

struct cand {
    uint64_t rank; /* first: by_rank sorts on it */
    const char *number, *owner;
    bool picked;
};

static int pick(struct ctx *c, const char *month, const char *by, int64_t *count, struct osb_err *e)
{
    *count = 0;
    int y, m;
    if (!period_parse(month, &y, &m))
        return err_invalid(e, "month", "invalid_period", "month is YYYY-MM");
    date_t first = date_from_ymd(y, m, 1), next = first + date_days_in_month(y, m);
    json_t *rows = store_verify_candidates(c->db, e, date_start_ts(first, c->cfg->tz_min),
                                           date_start_ts(next, c->cfg->tz_min));
    if (!rows)
        return -1;
    size_t n = json_array_size(rows);
    struct cand *cs = calloc(n ? n : 1, sizeof *cs);
    int64_t visitors = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *r = json_array_get(rows, i);
        cs[i] = (struct cand){rank(month, jstr(r, "number")), jstr(r, "number"), jstr(r, "owner"),
                              false};
    }
    qsort(cs, n, sizeof *cs, by_rank);
    /* At least one per visitor: each visitor's best-ranked report first. */
    for (size_t i = 0; i < n; i++) {
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++)
            seen = is(cs[k].owner, cs[i].owner);
        if (!seen) {
            cs[i].picked = true;
            visitors++;
        }
    }
    int64_t want = visit_verification_count((int64_t)n, visitors, VISIT_VERIFY_PCT),
            have = visitors;
    for (size_t i = 0; i < n && have < want; i++)
        if (!cs[i].picked)
            cs[i].picked = true, have++;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        if (cs[i].picked)
            rc = store_verify_insert(c->db, e, month, cs[i].number, cs[i].owner, by, c->now);
    free(cs);
    json_decref(rows);
    *count = have;
    return rc;
}

int verification_pick(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    static const char *const allowed[] = {"month", NULL};
    const char *month = NULL;
    if (flow_need(c, P_VISIT_VERIFY, e) < 0 || only(body, allowed, e) < 0 ||
        body_str(body, "month", true, 7, &month, e) < 0)
        return -1;
    int y, m;
    if (!period_parse(month, &y, &m))
        return err_invalid(e, "month", "invalid_period", "month is YYYY-MM");
    char pm[8];
    period_format(y, m, pm);
    int f = store_verify_exists(c->db, e, pm);
    if (f < 0)
        return -1;
    if (f)
        return err_set(e, ERR_DUPLICATE, "the verification sample of %s is picked already", pm);
    int64_t count;
    if (pick(c, pm, c->user.username, &count, e) < 0)
        return -1;
    json_t *after = json_pack("{ss sI}", "month", pm, "picked", (json_int_t)count);
    int rc = flow_audit(c, e, "pick", "visit_verification", pm, NULL, after);
    json_decref(after);
    if (rc < 0)
        return -1;
    struct fieldlog_query q = {.month = pm};
    return verification_list(c, &q, out, e);
}

int verification_list(struct ctx *c, const struct fieldlog_query *q, json_t **out,
                      struct osb_err *e)
{
    *out = NULL;
    if (flow_need_read(c, P_VISIT_VERIFY, e) < 0)
        return -1;
    int y, m;
    if (!q->month || !period_parse(q->month, &y, &m))
        return err_bad(e, "month", "month=YYYY-MM is required");
    char pm[8];
    period_format(y, m, pm);
    json_t *rows = store_verify_list(c->db, e, pm);
    if (!rows)
        return -1;
    size_t i;
    json_t *r;
    int64_t done = 0;
    json_array_foreach(rows, i, r)
    {
        json_t *d = json_loads(jstr(r, "data") ? jstr(r, "data") : "{}", 0, NULL);
        json_t *v = d ? json_object_get(d, "verification") : NULL;
        json_object_set_new(r, "verification", v ? json_incref(v) : json_null());
        json_object_set_new(r, "visited_at",
                            d && json_object_get(d, "visited_at")
                                ? json_incref(json_object_get(d, "visited_at"))
                                : json_null());
        json_object_del(r, "data");
        json_decref(d);
        done += v && !json_is_null(v);
        flow_ts(c, r, "picked_at");
    }
    *out = json_pack("{ss sI sI so}", "month", pm, "picked", (json_int_t)json_array_size(rows),
                     "verified", (json_int_t)done, "items", rows);
    return 0;
}

/* ---- jobs -------------------------------------------------------------------------------- */

int fieldlog_job_missing_visits(struct ctx *c, const char *period, struct osb_err *e)
{
    date_t today;
    if (!date_parse(period, &today))
        return err_set(e, ERR_INTERNAL, "bad job period '%s'", period);
    char day[11];
    date_format(today - 1, day);
    json_t *rows = store_visit_items_missing(c->db, e, day);
    if (!rows)
        return -1;
    int rc = 0;
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        char item[64], key[96];
        const char *owner = jstr(r, "owner");
        if (str_fmt(item, sizeof item, "%s/%lld", jstr(r, "document"), (long long)jint(r, "seq")) <
            0)
            continue;
        json_t *u = NULL;
        int f = store_fdoc_user(c->db, e, owner, &u);
        if (f < 0) {
            rc = -1;
            break;
        }
        const char *mgr = f ? jstr(u, "manager") : NULL;
        if (str_fmt(key, sizeof key, "visit_missing:%s:%s", item, owner) == 0)
            rc = notify(c, e, "visit_missing", owner, jstr(r, "document"), key,
                        "%s 的拜访记录（%s）尚未提交，请今天补交", day, item);
        if (rc == 0 && mgr && *mgr &&
            str_fmt(key, sizeof key, "visit_missing:%s:%s", item, mgr) == 0)
            rc = notify(c, e, "visit_missing", mgr, jstr(r, "document"), key,
                        "%s 昨日（%s）的拜访记录（%s）尚未提交", owner, day, item);
        json_decref(u);
        if (rc < 0)
            break;
    }
    json_decref(rows);
    return rc;
}

int fieldlog_job_verification(struct ctx *c, const char *period, struct osb_err *e)
{
    int y, m;
    if (!period_parse(period, &y, &m))
        return err_set(e, ERR_INTERNAL, "bad job period '%s'", period);
    if (--m == 0)
        m = 12, y--;
    char pm[8];
    period_format(y, m, pm);
    int f = store_verify_exists(c->db, e, pm);
    if (f != 0)
        return f < 0 ? -1 : 0;
    int64_t count;
    if (pick(c, pm, "system", &count, e) < 0)
        return -1;
    if (!count)
        return 0;
    char key[48], text[96];
    if (str_fmt(key, sizeof key, "verification:%s", pm) < 0 ||
        str_fmt(text, sizeof text, "%s 拜访核查抽样（%lld 份）已生成，请电话核实", pm,
                (long long)count) < 0)
        return -1;
    return tell_all(c, "visit_verification", "csr", key, text, e);
}

/* ---- quarterly satisfaction calls (flows.md §9.7) ------------------------------------------ */

static int satisfaction_tasks(struct ctx *c, const char *quarter, int64_t *added, struct osb_err *e)
{
    if (store_satisfaction_tasks_make(c->db, e, quarter, c->now, added) < 0)
        return -1;
    if (*added == 0)
        return 0;
    json_t *who = store_satisfaction_assignees(c->db, e, quarter);
    if (!who)
        return -1;
    int rc = 0;
    size_t i;
    json_t *it;
    json_array_foreach(who, i, it)
    {
        char key[80];
        if (rc == 0 &&
            str_fmt(key, sizeof key, "satisfaction:%s:%.40s", quarter, jstr(it, "assignee")) == 0)
            rc = notify(c, e, "satisfaction_calls", jstr(it, "assignee"), NULL, key,
                        "%s 客户满意度电话回访：%lld位客户", quarter, (long long)jint(it, "n"));
    }
    json_decref(who);
    return rc;
}

static int parse_quarter(const char *q, char out[8])
{
    date_t from, to;
    if (!q || !field_period_span("quarter", q, &from, &to))
        return -1;
    return quarter_of(from, out);
}

int satisfaction_make(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    static const char *const allowed[] = {"quarter", NULL};
    const char *q = NULL;
    if (flow_need(c, P_VISIT_VERIFY, e) < 0 || only(body, allowed, e) < 0 ||
        body_str(body, "quarter", true, 8, &q, e) < 0)
        return -1;
    char quarter[8];
    if (parse_quarter(q, quarter) < 0)
        return err_invalid(e, "quarter", "invalid_period", "quarter is YYYYQn");
    int64_t added = 0;
    if (satisfaction_tasks(c, quarter, &added, e) < 0)
        return -1;
    json_t *after = json_pack("{ss sI}", "quarter", quarter, "added", (json_int_t)added);
    int rc = flow_audit(c, e, "make", "satisfaction_calls", quarter, NULL, after);
    json_decref(after);
    if (rc < 0)
        return -1;
    struct fieldlog_query lq = {.quarter = quarter};
    return satisfaction_list(c, &lq, out, e);
}

int satisfaction_list(struct ctx *c, const struct fieldlog_query *q, json_t **out,
                      struct osb_err *e)
{
    *out = NULL;
    if (flow_need_read(c, P_CALL_LOG, e) < 0)
        return -1;
    char quarter[8];
    if (q->quarter ? parse_quarter(q->quarter, quarter) < 0
                   : quarter_of(flow_today(c), quarter) < 0)
        return err_bad(e, "quarter", "quarter is YYYYQn");
    struct scope_user su;
    ctx_scope_user(c, &su);
    json_t *rows = store_satisfaction_list(c->db, e, &su, quarter, q->assignee);
    if (!rows)
        return -1;
    int64_t called = 0;
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        bool done = json_is_integer(json_object_get(r, "call_id"));
        called += done;
        json_object_set_new(r, "called", json_boolean(done));
        if (done) {
            flow_ts(c, r, "called_at");
            json_object_set_new(r, "reached", json_boolean(jint(r, "reached") != 0));
        }
    }
    *out =
        json_pack("{ss sI sI so}", "quarter", quarter, "total", (json_int_t)json_array_size(rows),
                  "called", (json_int_t)called, "items", rows);
    return 0;
}

int fieldlog_job_satisfaction(struct ctx *c, const char *period, struct osb_err *e)
{
    int y, m;
    if (!period_parse(period, &y, &m))
        return err_set(e, ERR_INTERNAL, "bad job period '%s'", period);
    if ((m - 1) % 3 != 0) /* a quarter's first month only */
        return 0;
    char quarter[8];
    if (quarter_of(date_from_ymd(y, m, 1), quarter) < 0)
        return -1;
    int64_t added = 0;
    return satisfaction_tasks(c, quarter, &added, e);
}
