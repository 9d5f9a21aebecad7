/*
 * credit_grade.c — the monthly customer credit grade list (客户信用等级一览表, flows.md §11.3;
 * api.md §5.3): computed on the 1st at 06:00 (or on request by the SSG leader) as of the month
 * end, overridden line by line with a reason, published; publishing gives every customer the
 * list's grade, and grade E puts the customer on credit hold and tells the supervising SLT
 * member, the MM and the KAM. The rules are rules/cmr.c (cmr_dpl, cmr_grade), the SQL
 * store/cmr.c.
 *
 * {month} is the month whose end is the as-of date (2030-02 → as of 2030-02-28); computed
 * before that month has ended, the list is as of today. The job of the 1st computes the month
 * that just ended.
 */
#include "flow/cmr.h"

#include "core/json.h"
#include "core/sb.h"
#include "core/str.h"
#include "flow/flow.h"
#include "flow/notify.h"
#include "rules/cmr.h"
#include "store/cmr.h"

#include <stdlib.h>
#include <string.h>

static bool reads_grades(enum role r)
{
    return perm_may_read(P_CREDIT_GRADE_OVERRIDE, r) ||
           (scope_sees_credit(r) && perm_reads_money(r));
}

static int month_parse(const char *month, int *y, int *m, struct osb_err *e)
{
    if (!month || !period_parse(month, y, m))
        return err_bad(e, "month", "month is YYYY-MM");
    return 0;
}

/* The list of month as the caller sees it. */
int credit_grade_get(struct ctx *c, const char *month, json_t **out, struct osb_err *e)
{
    *out = NULL;
    int y, m;
    if (!reads_grades(c->user.role))
        return err_forbidden(e, "role", "the role %s does not read credit grades",
                             role_str(c->user.role));
    if (month_parse(month, &y, &m, e) < 0)
        return -1;
    json_t *head = NULL;
    int f = store_grade_list_head(c->db, e, month, &head);
    if (f < 0)
        return -1;
    json_t *rows = f ? store_grade_list_rows(c->db, e, month) : json_array();
    if (!rows) {
        json_decref(head);
        return -1;
    }
    struct scope_user su;
    ctx_scope_user(c, &su);
    json_t *items = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        struct scope_customer sc = {jstr(r, "market"),      jstr(r, "region"),
                                    jstr(r, "kam"),         jstr(r, "rep"),
                                    jstr(r, "kam_manager"), jstr(r, "supervisor")};
        if (!scope_sees_customer(&su, &sc))
            continue;
        json_t *it = json_pack(
            "{ss ss ss sI sI so ss so so so ss ss sb}", "customer", jstr(r, "customer"), "name",
            jstr(r, "name"), "market", jstr(r, "market"), "dpl_days",
            (json_int_t)jint(r, "dpl_days"), "max_overdue_days",
            (json_int_t)jint(r, "max_overdue_days"), "has_invoices",
            json_boolean(jint(r, "has_invoices") != 0), "computed_grade", jstr(r, "computed_grade"),
            "override_grade", flow_json_str(jstr(r, "override_grade")), "override_reason",
            flow_json_str(jstr(r, "override_reason")), "override_by",
            flow_json_str(jstr(r, "override_by")), "previous_grade", jstr(r, "previous_grade"),
            "grade", jstr(r, "grade"), "credit_hold", jint(r, "credit_hold") != 0);
        json_array_append_new(items, it);
    }
    json_decref(rows);
    bool published = head && jint(head, "published") != 0;
    json_t *acts = json_array();
    if (perm_may_act(P_CREDIT_GRADE_OVERRIDE, c->user.role) && !published) {
        json_array_append_new(acts, json_string("compute"));
        if (head) {
            json_array_append_new(acts, json_string("override"));
            json_array_append_new(acts, json_string("publish"));
        }
    }
    *out =
        json_pack("{ss so so sb so so so so so}", "month", month, "as_of",
                  flow_json_str(head ? jstr(head, "as_of") : NULL), "items", items, "published",
                  published, "computed", json_boolean(head != NULL), "computed_at",
                  flow_json_ts(c, head ? jint(head, "computed_at") : 0), "published_at",
                  flow_json_ts(c, head ? jint(head, "published_at") : 0), "published_by",
                  flow_json_str(head ? jstr(head, "published_by") : NULL), "allowed_actions", acts);
    json_decref(head);
    return 0;
}

/* date d shifted back by months (the day clamped to the month's end). */
static date_t months_back(date_t d, int months)
{
    int y, m, dd;
    date_to_ymd(d, &y, &m, &dd);
    int idx = y * 12 + (m - 1) - months;
    int ny = idx / 12, nm = idx % 12 + 1, last = date_days_in_month(ny, nm);
    return date_from_ymd(ny, nm, dd > last ? last : dd);
}

/* Computes (or recomputes, keeping overrides) the list of month as of as_of. */
static int compute(struct ctx *c, const char *month, date_t as_of, const char *by,
                   struct osb_err *e)
{
    int y, m, d;
    date_to_ymd(as_of, &y, &m, &d);
    /* invoices due in the 6 calendar months ending at the as-of date */
    int idx = y * 12 + (m - 1) - (CMR_GRADE_WINDOW_MONTHS - 1);
    date_t from = date_from_ymd(idx / 12, idx % 12 + 1, 1);
    char fs[12], as[12], f12[12], f6[12];
    date_format(from, fs);
    date_format(as_of, as);
    date_format(months_back(as_of, 12), f12);
    date_format(months_back(as_of, 6), f6);
    json_t *custs = store_cmr_grade_customers(c->db, e);
    json_t *invs = custs ? store_cmr_grade_invoices(c->db, e, fs, as) : NULL;
    json_t *oldest = invs ? store_cmr_grade_oldest_open(c->db, e, as) : NULL;
    json_t *incs = oldest ? store_cmr_grade_incidents(c->db, e, f12, as) : NULL;
    int rc = incs ? 0 : -1;
    if (rc == 0)
        rc = store_grade_list_put(c->db, e, month, as, c->now, by);
    size_t ni = json_array_size(invs), k = 0;
    struct cmr_invoice *buf = calloc(ni ? ni : 1, sizeof *buf);
    size_t i;
    json_t *cu;
    json_array_foreach(custs, i, cu)
    {
        if (rc < 0)
            break;
        const char *code = jstr(cu, "customer");
        /* invoices are ordered by customer: walk them along */
        size_t n = 0;
        while (k < ni && strcmp(jstr(json_array_get(invs, k), "customer"), code) < 0)
            k++;
        while (k < ni && is(jstr(json_array_get(invs, k), "customer"), code)) {
            json_t *iv = json_array_get(invs, k++);
            struct cmr_invoice *b = &buf[n++];
            memset(b, 0, sizeof *b);
            date_parse(jstr(iv, "due_date"), &b->due);
            b->amount_fen = jint(iv, "a_fen");
            b->settled = jint(iv, "settled_fen") >= b->amount_fen && jstr(iv, "last_settle");
            if (b->settled && !date_parse(jstr(iv, "last_settle"), &b->settled_on))
                b->settled = false;
        }
        struct cmr_grade_facts gf = {0};
        const char *g = jstr(cu, "grade");
        gf.previous = g && *g ? g[0] : 'C';
        if (!cmr_dpl(buf, n, as_of, &gf.dpl_days, &gf.has_invoices)) {
            rc = err_invalid(e, "month", "amount_overflow", "DPL of %s overflows", code);
            break;
        }
        size_t j;
        json_t *o;
        json_array_foreach(oldest, j, o) if (is(jstr(o, "customer"), code))
        {
            date_t od;
            if (date_parse(jstr(o, "oldest_due"), &od) && od < as_of)
                gf.max_overdue_days = as_of - od;
        }
        json_array_foreach(incs, j, o) if (is(jstr(o, "customer"), code))
        {
            gf.incident_12m = true;
            const char *kd = jstr(o, "kind"), *dt = jstr(o, "date");
            if ((is(kd, "bounced_cheque") || is(kd, "legal") || is(kd, "overdue_90")) && dt &&
                strcmp(dt, f6) > 0)
                gf.severe_6m = true;
        }
        rc = store_grade_row_put(c->db, e, month, code, gf.dpl_days, gf.max_overdue_days,
                                 gf.has_invoices, cmr_grade(&gf), gf.previous);
    }
    free(buf);
    json_decref(custs);
    json_decref(invs);
    json_decref(oldest);
    json_decref(incs);
    if (rc < 0)
        return -1;
    json_t *after = json_pack("{ss ss}", "as_of", as, "state", "computed");
    rc = flow_audit(c, e, "compute", "credit_grade_list", month, NULL, after);
    json_decref(after);
    return rc;
}

/* The month's end, or today when the month has not ended; 422 for a month not begun. */
static int as_of_of(struct ctx *c, int y, int m, date_t *as_of, struct osb_err *e)
{
    date_t end = date_from_ymd(y, m, date_days_in_month(y, m)), today = flow_today(c);
    if (date_from_ymd(y, m, 1) > today)
        return err_invalid(e, "month", "date_out_of_range", "the month has not begun");
    *as_of = end < today ? end : today;
    return 0;
}

static int publish(struct ctx *c, const char *month, struct osb_err *e)
{
    json_t *rows = store_grade_list_rows(c->db, e, month);
    if (!rows)
        return -1;
    int rc = 0;
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        if (rc < 0)
            break;
        const char *g = jstr(r, "grade"), *now = jstr(r, "grade_now"), *code = jstr(r, "customer");
        bool e_grade = is(g, "E");
        bool hold = e_grade && jint(r, "credit_hold") == 0;
        if (is(g, now) && !hold)
            continue;
        char reason[48];
        if (str_fmt(reason, sizeof reason, "信用等级E（%s）", month) < 0)
            reason[0] = '\0';
        rc = store_cmr_set_grade(c->db, e, code, g[0], e_grade, reason, c->now);
        if (rc < 0)
            break;
        json_t *b = json_pack("{ss sb}", "grade", now, "credit_hold", jint(r, "credit_hold") != 0);
        json_t *a = json_pack("{ss sb ss}", "grade", g, "credit_hold",
                              e_grade || jint(r, "credit_hold") != 0, "credit_grade_list", month);
        rc = flow_audit(c, e, "grade", "customer", code, b, a);
        json_decref(b);
        json_decref(a);
        if (rc < 0 || !e_grade)
            continue;
        /* Grade E: the supervising SLT member, the MM and the KAM are told (§11.3). */
        json_t *to = store_cmr_market_mms(c->db, e, jstr(r, "market"));
        if (!to) {
            rc = -1;
            break;
        }
        json_array_insert_new(to, 0, json_string(jstr(r, "supervisor")));
        json_array_append_new(to, json_string(jstr(r, "kam")));
        size_t k;
        json_t *u;
        json_array_foreach(to, k, u)
        {
            const char *who = json_string_value(u);
            if (rc < 0 || !who || !*who)
                continue;
            char key[128];
            if (str_fmt(key, sizeof key, "grade_e:%s:%s:%s", month, code, who) < 0)
                continue;
            rc = notify(c, e, "credit_grade_e", who, code, key,
                        "客户%s（%s）%s信用等级为E，已冻结信用（所有订单须先付款）", code,
                        jstr(r, "name"), month);
        }
        json_decref(to);
    }
    json_decref(rows);
    if (rc < 0 || store_grade_publish(c->db, e, month, c->user.username, c->now) < 0)
        return -1;
    json_t *after = json_pack("{ss}", "state", "published");
    rc = flow_audit(c, e, "publish", "credit_grade_list", month, NULL, after);
    json_decref(after);
    return rc;
}

static int override(struct ctx *c, const char *month, json_t *body, struct osb_err *e)
{
    if (!json_is_object(body))
        return err_bad(e, NULL, "the body must be a JSON object");
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
    {
        if (!is(key, "customer") && !is(key, "grade") && !is(key, "reason"))
            return err_bad(e, key, "unknown field '%s'", key);
        if (!json_is_string(v) && !json_is_null(v))
            return err_bad(e, key, "%s must be a string", key);
    }
    const char *cust = jstr(body, "customer"), *grade = jstr(body, "grade");
    const char *reason = jstr(body, "reason");
    if (!cust)
        return err_invalid(e, "customer", "required", "customer names the line");
    if (!cmr_grade_valid(grade))
        return err_invalid(e, "grade", "invalid_value", "grade is one of A, B, C, D, E");
    while (reason && *reason == ' ')
        reason++;
    if (!reason || !*reason)
        return err_invalid(e, "reason", "reason_required", "an override needs a reason");
    json_t *rows = store_grade_list_rows(c->db, e, month);
    if (!rows)
        return -1;
    json_t *row = NULL;
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) if (is(jstr(r, "customer"), cust)) row = r;
    int rc;
    if (!row) {
        rc = err_invalid(e, "customer", "unknown_reference", "the list of %s has no customer '%s'",
                         month, cust);
    } else {
        json_t *b = json_pack("{so}", "override_grade", flow_json_str(jstr(row, "override_grade")));
        json_t *a =
            json_pack("{ss ss ss}", "customer", cust, "override_grade", grade, "reason", reason);
        rc = store_grade_override(c->db, e, month, cust, grade, reason, c->user.username, c->now) <
                         0 ||
                     flow_audit(c, e, "override", "credit_grade_list", month, b, a) < 0
                 ? -1
                 : 0;
        json_decref(b);
        json_decref(a);
    }
    json_decref(rows);
    return rc;
}

int credit_grade_act(struct ctx *c, const char *month, const char *action, json_t *body,
                     json_t **out, struct osb_err *e)
{
    *out = NULL;
    int y, m;
    bool is_compute = is(action, "compute"), is_override = is(action, "override"),
         is_publish = is(action, "publish");
    if (!is_compute && !is_override && !is_publish)
        return err_set(e, ERR_NOT_FOUND, "no credit grade action '%s'", action);
    if (flow_need(c, P_CREDIT_GRADE_OVERRIDE, e) < 0)
        return -1;
    if (!period_parse(month, &y, &m))
        return err_set(e, ERR_NOT_FOUND, "no credit grade list '%s'", month);
    json_t *head = NULL;
    int f = store_grade_list_head(c->db, e, month, &head);
    if (f < 0)
        return -1;
    bool published = head && jint(head, "published") != 0;
    json_decref(head);
    if (!f && !is_compute)
        return err_set(e, ERR_NOT_FOUND, "the list of %s is not computed", month);
    if (published)
        return err_state(e, "published", "the list of %s is published", month);
    if (is_compute && body && json_is_object(body) && json_object_size(body))
        return err_bad(e, NULL, "compute takes no body");
    int rc;
    if (is_compute) {
        date_t as_of = 0;
        rc = as_of_of(c, y, m, &as_of, e) < 0 ? -1 : compute(c, month, as_of, c->user.username, e);
    } else if (is_override) {
        rc = override(c, month, body, e);
    } else {
        if (body && json_is_object(body) && json_object_size(body))
            return err_bad(e, NULL, "publish takes no body");
        rc = publish(c, month, e);
    }
    if (rc < 0)
        return -1;
    return credit_grade_get(c, month, out, e);
}

int credit_grade_job_monthly(struct ctx *c, const char *period, struct osb_err *e)
{
    int y, m;
    if (!period_parse(period, &y, &m))
        return 0;
    /* the month that just ended */
    int py = m == 1 ? y - 1 : y, pm = m == 1 ? 12 : m - 1;
    char month[8];
    period_format(py, pm, month);
    json_t *head = NULL;
    int f = store_grade_list_head(c->db, e, month, &head);
    if (f < 0)
        return -1;
    bool published = head && jint(head, "published") != 0;
    json_decref(head);
    if (published)
        return 0;
    return compute(c, month, date_from_ymd(py, pm, date_days_in_month(py, pm)), "system", e);
}
