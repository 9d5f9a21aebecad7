/*
 * meeting.c — the monthly OSB meeting report and its job (flow/meeting.h). The counts are
 * store/osb_issue.c's and store/kpi.c's; the figures flow/kpi.c's.
 */
#include "flow/meeting.h"

#include "core/json.h"
#include "core/sb.h"
#include "core/str.h"
#include "flow/flow.h"
#include "flow/kpi.h"
#include "flow/notify.h"
#include "flow/osb_issue.h"
#include "store/kpi.h"
#include "store/osb_issue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The 4th 06:00: the meeting for the previous month. Every entry still unresolved is carried
   over once more (§3.3), and the SLT and the SSG leader are told the report is ready. */
int osb_job_meeting(struct ctx *c, const char *period, struct osb_err *e)
{
    int y, m;
    if (!period_parse(period, &y, &m))
        return err_set(e, ERR_INTERNAL, "bad job period '%s'", period);
    if (--m == 0)
        m = 12, y--;
    char month[8];
    period_format(y, m, month);
    if (store_osb_issue_carry_over(c->db, e, c->now) < 0)
        return -1;
    json_t *who = json_array();
    if (store_osb_slt(c->db, e, true, who) < 0) {
        json_decref(who);
        return -1;
    }
    size_t i;
    json_t *u;
    int rc = 0;
    json_array_foreach(who, i, u)
    {
        char key[96];
        /* the dedup key: a cut one could merge two users' notifications */
        if (str_fmt(key, sizeof key, "osb_meeting:%s:%s", month, json_string_value(u)) < 0) {
            rc = err_set(e, ERR_INTERNAL, "internal error: notification key of %s",
                         json_string_value(u));
            break;
        }
        if ((rc = notify(c, e, "osb_meeting_report", json_string_value(u), NULL, key,
                         "%s月OSB会议报告已生成（GET /reports/osb_meeting?month=%s）", month,
                         month)) < 0)
            break;
    }
    json_decref(who);
    return rc;
}

static json_t *figures(struct ctx *c, enum kpi_id k, date_t from, date_t to, const char *market,
                       struct osb_err *e)
{
    int64_t num = 0, den = 0;
    if (kpi_figures(c, k, from, to, market, NULL, &num, &den, NULL, e) < 0)
        return NULL;
    return kpi_json(k, num, den);
}

static void month_range(int y, int m, date_t *from, date_t *to)
{
    *from = date_from_ymd(y, m, 1);
    *to = date_from_ymd(y, m, date_days_in_month(y, m));
}

static json_t *met(json_t *fig, enum kpi_id k)
{
    json_t *pct = json_object_get(fig, "pct_bp");
    return json_is_integer(pct) ? json_boolean(json_integer_value(pct) >= kpi_def(k)->target_bp)
                                : json_null();
}

static json_t *kpi_section(struct ctx *c, int y, int m, const char *market, struct osb_err *e)
{
    date_t f, t, pf, pt, lf, lt;
    month_range(y, m, &f, &t);
    month_range(m == 1 ? y - 1 : y, m == 1 ? 12 : m - 1, &pf, &pt);
    month_range(y - 1, m, &lf, &lt);
    json_t *markets = store_kpi_markets(c->db, e, market);
    if (!markets)
        return NULL;
    /* the month's figures by market from the same reading as the month's own */
    size_t nm = json_array_size(markets);
    struct kpi_split sp = {nm, xcalloc(nm + 1, sizeof *sp.code), xcalloc(nm + 1, sizeof *sp.num),
                           xcalloc(nm + 1, sizeof *sp.den)};
    for (size_t i = 0; i < nm; i++)
        sp.code[i] = jstr(json_array_get(markets, i), "code");
    json_t *out = json_object();
    for (int k = 0; k < KPI__COUNT && out; k++) {
        memset(sp.num, 0, nm * sizeof *sp.num);
        memset(sp.den, 0, nm * sizeof *sp.den);
        int64_t num = 0, den = 0;
        json_t *cur = kpi_figures_split(c, (enum kpi_id)k, f, t, market, &num, &den, &sp, e) < 0
                          ? NULL
                          : kpi_json((enum kpi_id)k, num, den);
        json_t *prev = cur ? figures(c, (enum kpi_id)k, pf, pt, market, e) : NULL;
        json_t *last = prev ? figures(c, (enum kpi_id)k, lf, lt, market, e) : NULL;
        if (!last) {
            json_decref(cur), json_decref(prev), json_decref(out);
            out = NULL;
            break;
        }
        json_object_set_new(cur, "met", met(cur, (enum kpi_id)k));
        json_object_set_new(cur, "previous_month", prev);
        json_object_set_new(cur, "same_month_last_year", last);
        json_t *bym = json_array();
        for (size_t i = 0; i < nm; i++) {
            json_t *fm = kpi_json((enum kpi_id)k, sp.num[i], sp.den[i]);
            json_object_set_new(fm, "market", json_string(sp.code[i]));
            json_object_set_new(fm, "met", met(fm, (enum kpi_id)k));
            json_array_append_new(bym, fm);
        }
        json_object_set_new(cur, "by_market", bym);
        json_object_set_new(out, kpi_def((enum kpi_id)k)->name, cur);
    }
    free(sp.code), free(sp.num), free(sp.den);
    json_decref(markets);
    return out;
}

int osb_meeting_report(struct ctx *c, const char *month, const char *market, json_t **out,
                       struct osb_err *e)
{
    *out = NULL;
    if (flow_need_read(c, P_REPORTS, e) < 0)
        return -1;
    int y, m, dd;
    if (month) {
        if (!period_parse(month, &y, &m))
            return err_bad(e, "month", "month must be YYYY-MM");
    } else {
        date_to_ymd(flow_today(c), &y, &m, &dd);
        if (--m == 0)
            m = 12, y--;
    }
    char mon[8];
    period_format(y, m, mon);
    date_t f, t;
    month_range(y, m, &f, &t);
    int tz = c->cfg->tz_min;
    ts_t t0 = date_start_ts(f, tz), t1 = date_start_ts(t + 1, tz);
    char d0[11], d1[11];
    date_format(f, d0);
    date_format(t, d1);
    struct osb_viewer v;
    osb_issue_viewer(c, &v);

    json_t *kpis = kpi_section(c, y, m, market, e);
    if (!kpis)
        return -1;
    /* 2: entries opened in M, by rule × department and by cause. */
    json_t *by_rule = store_osb_opened_by_rule(c->db, e, &v, t0, t1, market);
    json_t *by_cause = by_rule ? store_osb_opened_by_cause(c->db, e, &v, t0, t1, market) : NULL;
    /* 3: every unresolved entry, carried over or not. */
    json_t *open = by_cause ? store_osb_unresolved(c->db, e, &v, market) : NULL;
    /* 5: entries raised at the meeting about M. */
    json_t *meeting = NULL;
    int64_t next = 0;
    struct osb_issue_filter mf = {.source = "meeting",
                                  .meeting_month = mon,
                                  .opened_from = INT64_MIN,
                                  .opened_to = INT64_MAX,
                                  .oldest_first = true};
    if (open && osb_issue_items(c, &mf, &meeting, &next, e) < 0)
        meeting = NULL;
    struct scope_user su;
    ctx_scope_user(c, &su);
    json_t *vol = meeting ? store_kpi_volume(c->db, e, t0, t1, d0, d1, market, &su) : NULL;
    if (!vol) {
        json_decref(kpis), json_decref(by_rule), json_decref(by_cause), json_decref(open);
        json_decref(meeting);
        return -1;
    }
    int64_t total = 0;
    size_t i;
    json_t *r;
    json_array_foreach(by_rule, i, r) total += json_integer_value(json_object_get(r, "count"));
    date_t today = flow_today(c);
    json_array_foreach(open, i, r)
    {
        ts_t at = json_integer_value(json_object_get(r, "opened_at"));
        json_object_set_new(r, "age_days", json_integer(today - ts_to_date(at, tz)));
        flow_ts(c, r, "opened_at");
    }
    *out = json_pack("{ss so so s{sI so so} so so so}", "month", mon, "market",
                     market ? json_string(market) : json_null(), "kpis", kpis, "opened", "total",
                     (json_int_t)total, "by_rule_department", by_rule, "by_cause", by_cause,
                     "unresolved", open, "volume", vol, "meeting_entries", meeting);
    return 0;
}

/* ---- the same report as rows of the report engine ------------------------------------- */

static json_t *row(const char *section, const char *item)
{
    return json_pack("{ss ss}", "section", section, "item", item);
}

static void set(json_t *r, const char *k, json_t *v)
{
    json_object_set(r, k, v ? v : json_null());
}

static void kpi_cells(json_t *r, json_t *fig)
{
    static const char *const keys[] = {"num", "den", "pct_bp", "target_bp", "market"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (json_object_get(fig, keys[i]))
            set(r, keys[i], json_object_get(fig, keys[i]));
    json_t *met_v = json_object_get(fig, "met");
    json_object_set_new(r, "met",
                        json_is_boolean(met_v) ? json_string(json_is_true(met_v) ? "是" : "否")
                                               : json_null());
}

int osb_meeting_rows(struct ctx *c, const char *month, const char *market, json_t **rows,
                     struct osb_err *e)
{
    *rows = NULL;
    json_t *rep;
    if (osb_meeting_report(c, month, market, &rep, e) < 0)
        return -1;
    json_t *out = json_array();
    json_t *kpis = json_object_get(rep, "kpis");
    for (int k = 0; k < KPI__COUNT; k++) {
        const char *name = kpi_def((enum kpi_id)k)->name;
        json_t *fig = json_object_get(kpis, name);
        json_t *r = row("kpi", name);
        kpi_cells(r, fig);
        set(r, "previous_pct_bp",
            json_object_get(json_object_get(fig, "previous_month"), "pct_bp"));
        set(r, "last_year_pct_bp",
            json_object_get(json_object_get(fig, "same_month_last_year"), "pct_bp"));
        json_array_append_new(out, r);
        size_t i;
        json_t *fm;
        json_array_foreach(json_object_get(fig, "by_market"), i, fm)
        {
            json_t *rm = row("kpi", name);
            kpi_cells(rm, fm);
            json_array_append_new(out, rm);
        }
    }
    json_t *opened = json_object_get(rep, "opened");
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(opened, "by_rule_department"), i, x)
    {
        json_t *r = row("opened", jstr(x, "rule") ? jstr(x, "rule") : "");
        set(r, "department", json_object_get(x, "department"));
        set(r, "count", json_object_get(x, "count"));
        json_array_append_new(out, r);
    }
    json_array_foreach(json_object_get(opened, "by_cause"), i, x)
    {
        json_t *r = row("cause", jstr(x, "cause") ? jstr(x, "cause") : "");
        set(r, "count", json_object_get(x, "count"));
        json_array_append_new(out, r);
    }
    static const char *const issue_keys[] = {
        "number", "document", "department", "opened_at", "explanation", "carried_over", "age_days"};
    json_array_foreach(json_object_get(rep, "unresolved"), i, x)
    {
        json_t *r = row("unresolved", jstr(x, "rule") ? jstr(x, "rule") : "");
        for (size_t k = 0; k < sizeof issue_keys / sizeof issue_keys[0]; k++)
            if (json_object_get(x, issue_keys[k]))
                set(r, issue_keys[k], json_object_get(x, issue_keys[k]));
        json_array_append_new(out, r);
    }
    const char *key;
    json_t *v;
    json_object_foreach(json_object_get(rep, "volume"), key, v)
    {
        json_t *r = row("volume", key);
        size_t n = strlen(key);
        set(r, n > 4 && strcmp(key + n - 4, "_fen") == 0 ? "amount_fen" : "count", v);
        json_array_append_new(out, r);
    }
    json_array_foreach(json_object_get(rep, "meeting_entries"), i, x)
    {
        json_t *r = row("meeting", jstr(x, "rule") ? jstr(x, "rule") : "meeting");
        for (size_t k = 0; k < sizeof issue_keys / sizeof issue_keys[0]; k++)
            if (json_object_get(x, issue_keys[k]))
                set(r, issue_keys[k], json_object_get(x, issue_keys[k]));
        json_array_append_new(out, r);
    }
    json_decref(rep);
    *rows = out;
    return 0;
}
