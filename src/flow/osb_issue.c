/*
 * osb_issue.c — the OSB problem log (kpis-and-reports.md §3, api.md §3.7): opening entries
 * (for the deadline and KPI jobs), reading them within the caller's visibility, explain /
 * resolve / reopen, manual and meeting entries, the daily reminder of late explanations and
 * the monthly OSB meeting report.
 *
 * Who may explain. The matrix (numbering-and-rules.md §3) gives GM, SD, DD, SL, CSR, KAM, FIN
 * and WH the symbol E, "only when named among the rule's explains users"; §3.3 adds the SSG
 * leader, who coordinates the log. We take exactly that: a user the entry names, or the SSG
 * leader, and only in a role the matrix marks E. (§3.3 also says "any user of the entry's
 * department"; that reading would let any CSR answer for another CSR's miss, which the matrix
 * forbids, so the matrix wins.)
 *
 * Visibility (§3.3): SLT, SSG (leader and CSRs), auditors and the administrator (who runs the
 * deadline job; read only, as for the audit log) see every entry; FSF see entries
 * about customers in their data scope and the sales department's entries without a customer;
 * finance, warehouse, customer service and marketing see their own department's entries; and
 * every user sees the entries that name them.
 */
#include "flow/osb_issue.h"

#include "core/json.h"
#include "core/record.h"
#include "core/sb.h"
#include "flow/flow.h"
#include "flow/kpi.h"
#include "flow/notify.h"
#include "flow/shipment.h"
#include "rules/deadline.h"
#include "store/settings.h"

#include <stdlib.h>
#include <string.h>



static const char *const departments[] = {
    "slt",       "ssg",         "sales",  "finance", "warehouse", "customer_service",
    "marketing", "hr_training", "design", "audit",   "admin",     NULL};
static const char *const causes[] = {"staffing", "stock_out", "approval_delay", "customer",
                                     "carrier",  "system",    "other",          NULL};

static int setting_int(struct ctx *c, const char *key, int dflt)
{
    char *v = settings_get(c->db, key, NULL);
    int n = dflt;
    if (v && *v) {
        char *end;
        long l = strtol(v, &end, 10);
        if (!*end && l >= 0 && l <= 1000000)
            n = (int)l;
    }
    free(v);
    return n;
}

/* Appends s to the array of strings unless it is there already or empty. */
static void add_user(json_t *arr, const char *s)
{
    if (!s || !*s)
        return;
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        if (strcmp(json_string_value(v), s) == 0)
            return;
    }
    json_array_append_new(arr, json_string(s));
}

static int add_rows(json_t *arr, json_t *rows)
{
    if (!rows)
        return -1;
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) add_user(arr, jstr(r, "u"));
    json_decref(rows);
    return 0;
}

int osb_department_heads(struct ctx *c, const char *department, json_t *out, struct osb_err *e)
{
    return add_rows(out, db_rows(c->db, e,
                                 "SELECT username AS u FROM users WHERE active = 1 AND"
                                 " ((? = 'slt' AND role = 'gm') OR (? = 'ssg' AND role ="
                                 " 'ssg_leader') OR (department = ? AND duties LIKE"
                                 " '%\"head\"%')) ORDER BY username",
                                 "sss", department, department, department));
}

static int ssg_leaders(struct ctx *c, json_t *out, struct osb_err *e)
{
    return add_rows(out, db_rows(c->db, e,
                                 "SELECT username AS u FROM users WHERE active = 1 AND role ="
                                 " 'ssg_leader' ORDER BY username",
                                 NULL));
}

/* due_explanation_by: 24:00 of the next working day after opening (§3.3;
   explanation_due_working_days, default 1). */
static ts_t explanation_due(struct ctx *c, const struct calendar *cal)
{
    struct deadline_rule r = {DL_NEXT_WORKING_DAY,
                              setting_int(c, "explanation_due_working_days", 1), 0};
    return deadline_at(cal, &r, c->now);
}

/* "2026-11-24 24:00" for an instant that ends a day, else "2026-11-24 09:30". */
static void human_time(const struct ctx *c, ts_t t, char out[32])
{
    int tz = c->cfg->tz_min;
    if (t == INT64_MAX) {
        snprintf(out, 32, "-");
        return;
    }
    int m = ts_minute_of_day(t, tz);
    if (m == 0 && t % TS_PER_MIN == 0) {
        char d[11];
        date_format(ts_to_date(t, tz) - 1, d);
        snprintf(out, 32, "%s 24:00", d);
        return;
    }
    char d[11];
    date_format(ts_to_date(t, tz), d);
    snprintf(out, 32, "%s %02d:%02d", d, m / 60, m % 60);
}

static int event(struct ctx *c, const char *number, const char *action, const char *from,
                 const char *to, const char *comment, struct osb_err *e)
{
    return flow_doc_event(c, e, "osb_issue_events", "issue", number, action, from, to, comment);
}

/* One notification per user in who (dedup per entry, action and user). */
static int tell(struct ctx *c, json_t *who, const char *number, const char *action,
                const char *subject, struct osb_err *e)
{
    size_t i;
    json_t *u;
    json_array_foreach(who, i, u)
    {
        char key[160];
        snprintf(key, sizeof key, "osb:%s:%s:%lld:%s", number, action, (long long)c->now,
                 json_string_value(u));
        if (notify(c, e, "osb_issue", json_string_value(u), number, key, "%s", subject) < 0)
            return -1;
    }
    return 0;
}

static int insert_people(struct ctx *c, const char *number, json_t *who, const char *kind,
                         struct osb_err *e)
{
    size_t i;
    json_t *u;
    json_array_foreach(who, i, u)
    {
        if (db_exec(c->db, e,
                    "INSERT INTO osb_issue_people(issue, username, kind) VALUES(?,?,?)"
                    " ON CONFLICT DO NOTHING",
                    "sss", number, json_string_value(u), kind) < 0)
            return -1;
    }
    return 0;
}

/* Inserts the entry row, its people, its first event, its audit row and its notifications. */
static int insert_issue(struct ctx *c, const struct calendar *cal, const char *source,
                        const struct osb_open *o, const char *meeting_month, char number[32],
                        struct osb_err *e)
{
    if (flow_docno(c, e, "WT", number) < 0)
        return -1;
    ts_t due = explanation_due(c, cal);
    if (db_exec(c->db, e,
                "INSERT INTO osb_issues(number, rule, source, document, deadline, department,"
                " customer, market, description, opened_at, opened_by, due_explanation_by,"
                " meeting_month, updated_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                "ssssissssisisi", number, o->rule, source, o->document, o->deadline, o->department,
                o->customer, o->market, o->description, c->now,
                strcmp(source, "auto") == 0 ? "system" : c->user.username, due, meeting_month,
                c->now) < 0)
        return -1;
    /* Manual entries store no deadline: the NULL keeps them out of the unique key. */
    if (!o->deadline && db_exec(c->db, e, "UPDATE osb_issues SET deadline = NULL WHERE number = ?",
                                "s", number) < 0)
        return -1;
    json_t *told = json_array();
    size_t i;
    json_t *u;
    json_array_foreach(o->explainers, i, u) add_user(told, json_string_value(u));
    if (osb_department_heads(c, o->department, told, e) < 0 || ssg_leaders(c, told, e) < 0) {
        json_decref(told);
        return -1;
    }
    if (o->also_notify)
        json_array_foreach(o->also_notify, i, u) add_user(told, json_string_value(u));
    char dl[32], duet[32];
    human_time(c, due, duet);
    struct sb sub = SB_INIT;
    if (o->deadline) {
        human_time(c, o->deadline, dl);
        sb_addf(&sub, "OSB问题%s：%s（%s，期限%s），请于%s前书面说明", number,
                o->description ? o->description : o->rule, o->document ? o->document : "-", dl,
                duet);
    } else {
        sb_addf(&sub, "OSB问题%s（%s）：%s，请于%s前书面说明", number,
                strcmp(source, "meeting") == 0 ? "OSB会议" : "手工登记",
                o->description ? o->description : "", duet);
    }
    json_t *after =
        json_pack("{ss ss ss so ss sO}", "rule", o->rule, "source", source, "department",
                  o->department, "document", o->document ? json_string(o->document) : json_null(),
                  "state", "open", "responsible", o->explainers);
    int rc = insert_people(c, number, o->explainers, "explains", e) < 0 ||
                     insert_people(c, number, told, "notified", e) < 0 ||
                     event(c, number, "open", NULL, "open", o->description, e) < 0 ||
                     flow_audit(c, e, "open", "osb_issue", number, NULL, after) < 0 ||
                     tell(c, told, number, "open", sub.buf, e) < 0
                 ? -1
                 : 0;
    json_decref(after);
    json_decref(told);
    sb_free(&sub);
    return rc;
}

int osb_issue_find(struct ctx *c, const char *rule, const char *document, ts_t deadline,
                   char number[32], struct osb_err *e)
{
    json_t *row = NULL;
    int rc = db_row(c->db, e, &row,
                    "SELECT number FROM osb_issues WHERE rule = ? AND document = ?"
                    " AND deadline = ?",
                    "ssi", rule, document, deadline);
    if (rc == 1) {
        snprintf(number, 32, "%s", jstr(row, "number"));
        json_decref(row);
    }
    return rc;
}

int osb_issue_open(struct ctx *c, const struct calendar *cal, const struct osb_open *o,
                   char number[32], struct osb_err *e)
{
    int rc = osb_issue_find(c, o->rule, o->document, o->deadline, number, e);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    return insert_issue(c, cal, "auto", o, NULL, number, e) < 0 ? -1 : 1;
}

int osb_issue_note_done(struct ctx *c, const char *number, ts_t done_at, const char *action,
                        struct osb_err *e)
{
    int n = db_exec(c->db, e,
                    "UPDATE osb_issues SET completed_at = ?, completed_by_action = ?,"
                    " updated_at = ? WHERE number = ? AND completed_at IS NULL",
                    "isis", done_at, action, c->now, number);
    if (n <= 0)
        return n;
    char at[32];
    human_time(c, done_at, at);
    struct sb m = SB_INIT;
    sb_addf(&m, "逾期后已完成（%s，%s）", action ? action : "-", at);
    int rc = event(c, number, "completed_late", NULL, NULL, m.buf, e);
    sb_free(&m);
    return rc;
}

/* ---- reading ------------------------------------------------------------------------------ */

static bool sees_all(enum role r)
{
    switch (r) {
    case ROLE_GM:
    case ROLE_SALES_DIRECTOR:
    case ROLE_DEPUTY_DIRECTOR: /* all OSB entries by default (§4) */
    case ROLE_SSG_LEADER:
    case ROLE_CSR:
    case ROLE_AUDITOR:
    case ROLE_ADMIN: /* reads the log its deadline job writes, like the auditor; acts on none */
        return true;
    default:
        return false;
    }
}

/* " AND (...)" limiting entries (alias i) to what the caller may see. */
static void visible_sql(struct ctx *c, struct sb *sql, json_t *p)
{
    enum role r = c->user.role;
    if (sees_all(r))
        return;
    sb_add(sql, " AND (EXISTS (SELECT 1 FROM osb_issue_people pp WHERE pp.issue = i.number"
                " AND pp.username = ?)");
    json_array_append_new(p, json_string(c->user.username));
    switch (r) {
    case ROLE_MM:
    case ROLE_UM:
    case ROLE_KAM:
    case ROLE_REP:
        sb_add(sql, " OR (i.department = 'sales' AND i.customer IS NULL)"
                    " OR EXISTS (SELECT 1 FROM customers vc WHERE vc.code = i.customer");
        flow_scope_sql(c, sql, p, "vc");
        sb_add(sql, ")");
        break;
    case ROLE_FINANCE:
    case ROLE_WAREHOUSE:
    case ROLE_CUSTOMER_SERVICE:
    case ROLE_MARKETING:
        sb_add(sql, " OR i.department = ?");
        json_array_append_new(p, json_string(role_department(r)));
        break;
    default:
        break;
    }
    sb_add(sql, ")");
}

#define ISSUE_COLS                                                                                 \
    "SELECT i.id, i.number, i.rule, i.source, i.document, i.deadline, i.department,"               \
    " i.customer, i.market, i.description, i.opened_at, i.opened_by, i.due_explanation_by,"        \
    " i.explanation, i.cause, i.explained_by, i.explained_at,"                                     \
    " i.explanation_late AS \"explanation_late!b\", i.resolution, i.resolved_by,"                  \
    " i.resolved_at, i.resolved_unexplained AS \"resolved_unexplained!b\", i.completed_at,"        \
    " i.completed_by_action, i.meeting_month, i.carried_over, i.state, i.version,"                 \
    " i.updated_at FROM osb_issues i"

/* Times as RFC 3339, the people, and (with timeline) the entry's history. */
static int finish(struct ctx *c, json_t *it, bool timeline, struct osb_err *e)
{
    const char *number = jstr(it, "number");
    json_int_t due = json_integer_value(json_object_get(it, "due_explanation_by"));
    json_object_set_new(it, "explanation_overdue",
                        json_boolean(is(jstr(it, "state"), "open") && c->now >= due));
    static const char *const times[] = {"deadline",     "opened_at",   "due_explanation_by",
                                        "explained_at", "resolved_at", "completed_at",
                                        "updated_at"};
    for (size_t k = 0; k < sizeof times / sizeof times[0]; k++)
        flow_ts(c, it, times[k]);
    json_t *ppl = db_rows(c->db, e,
                          "SELECT username, kind FROM osb_issue_people WHERE issue = ?"
                          " ORDER BY kind, username",
                          "s", number);
    if (!ppl)
        return -1;
    json_t *resp = json_array(), *told = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(ppl, i, r) json_array_append(is(jstr(r, "kind"), "explains") ? resp : told,
                                                    json_object_get(r, "username"));
    json_decref(ppl);
    json_object_set_new(it, "responsible", resp);
    json_object_set_new(it, "notified", told);
    if (timeline) {
        json_t *tl = flow_doc_timeline(c, e, "osb_issue_events", "issue", number);
        if (!tl)
            return -1;
        json_array_foreach(tl, i, r) flow_ts(c, r, "at");
        json_object_set_new(it, "timeline", tl);
    }
    json_object_del(it, "id");
    return 0;
}

/* The entry if the caller may see it: 1 found, 0 not (or not visible), -1 error. */
static int load(struct ctx *c, const char *number, json_t **out, struct osb_err *e)
{
    *out = NULL;
    json_t *p = json_array();
    json_array_append_new(p, json_string(number));
    struct sb sql = SB_INIT;
    sb_add(&sql, ISSUE_COLS " WHERE i.number = ?");
    visible_sql(c, &sql, p);
    json_t *rows = db_rows_a(c->db, e, sb_str(&sql), p);
    sb_free(&sql);
    json_decref(p);
    if (!rows)
        return -1;
    if (json_array_size(rows) == 0) {
        json_decref(rows);
        return 0;
    }
    *out = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    return 1;
}

int osb_issue_get(struct ctx *c, const char *number, json_t **out, struct osb_err *e)
{
    *out = NULL;
    if (flow_need_read(c, P_REPORTS, e) < 0)
        return -1;
    json_t *it;
    int rc = load(c, number, &it, e);
    if (rc <= 0)
        return rc < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "no OSB entry '%s'", number);
    if (finish(c, it, true, e) < 0) {
        json_decref(it);
        return -1;
    }
    *out = it;
    return 0;
}

static bool in_list(const char *const *list, const char *s)
{
    for (; *list; list++)
        if (strcmp(*list, s) == 0)
            return true;
    return false;
}

int osb_issue_list(struct ctx *c, const struct osb_issue_query *q, json_t **out, struct osb_err *e)
{
    *out = NULL;
    if (flow_need_read(c, P_REPORTS, e) < 0)
        return -1;
    static const char *const states[] = {"open", "explained", "resolved", NULL};
    static const char *const sources[] = {"auto", "meeting", "manual", NULL};
    if (q->state && !in_list(states, q->state))
        return err_bad(e, "state", "state is open, explained or resolved");
    if (q->source && !in_list(sources, q->source))
        return err_bad(e, "source", "source is auto, meeting or manual");
    if (q->department && !in_list(departments, q->department))
        return err_bad(e, "department", "unknown department '%s'", q->department);
    date_t d;
    ts_t from = INT64_MIN, to = INT64_MAX;
    if (q->from) {
        if (!date_parse(q->from, &d))
            return err_bad(e, "from", "from must be a date YYYY-MM-DD");
        from = date_start_ts(d, c->cfg->tz_min);
    }
    if (q->to) {
        if (!date_parse(q->to, &d))
            return err_bad(e, "to", "to must be a date YYYY-MM-DD");
        to = date_start_ts(d + 1, c->cfg->tz_min);
    }
    json_t *p = json_array();
    struct sb sql = SB_INIT;
    sb_add(&sql, ISSUE_COLS " WHERE i.opened_at >= ? AND i.opened_at < ?");
    json_array_append_new(p, json_integer(from));
    json_array_append_new(p, json_integer(to));
    const struct {
        const char *col, *val;
    } eqs[] = {{"i.state", q->state},           {"i.rule", q->rule},
               {"i.department", q->department}, {"i.source", q->source},
               {"i.document", q->document},     {"i.market", q->market}};
    for (size_t k = 0; k < sizeof eqs / sizeof eqs[0]; k++) {
        if (!eqs[k].val)
            continue;
        sb_addf(&sql, " AND %s = ?", eqs[k].col);
        json_array_append_new(p, json_string(eqs[k].val));
    }
    if (q->after_id > 0) {
        sb_add(&sql, " AND i.id < ?");
        json_array_append_new(p, json_integer(q->after_id));
    }
    visible_sql(c, &sql, p);
    sb_add(&sql, " ORDER BY i.id DESC LIMIT ?");
    json_array_append_new(p, json_integer(q->limit + 1));
    json_t *items = db_rows_a(c->db, e, sb_str(&sql), p);
    sb_free(&sql);
    json_decref(p);
    if (!items)
        return -1;
    json_t *next = json_null();
    if ((int)json_array_size(items) > q->limit) {
        json_array_remove(items, (size_t)q->limit);
        char cur[24];
        snprintf(cur, sizeof cur, "%lld",
                 (long long)json_integer_value(
                     json_object_get(json_array_get(items, (size_t)q->limit - 1), "id")));
        next = json_string(cur);
    }
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        if (finish(c, it, false, e) < 0) {
            json_decref(items);
            json_decref(next);
            return -1;
        }
    }
    *out = json_pack("{so so}", "items", items, "next_cursor", next);
    return 0;
}

/* ---- actions ------------------------------------------------------------------------------ */

static int body_only(json_t *body, const char *const *allowed, struct osb_err *e)
{
    if (!json_is_object(body))
        return err_bad(e, NULL, "the body must be a JSON object");
    const char *k;
    json_t *v;
    json_object_foreach(body, k, v)
    {
        if (!in_list(allowed, k))
            return err_bad(e, k, "unknown field '%s'", k);
    }
    return 0;
}

/* A required text field of at most max characters, trimmed non-empty; NULL when absent and
   not required. 400 for a wrong type, 422 required / too_long. */
static int text_field(json_t *body, const char *name, bool required, size_t max, const char **out,
                      struct osb_err *e)
{
    *out = NULL;
    json_t *v = json_object_get(body, name);
    if (!v || json_is_null(v)) {
        if (required)
            return err_invalid(e, name, "required", "%s is required", name);
        return 0;
    }
    if (!json_is_string(v))
        return err_bad(e, name, "%s must be a string", name);
    const char *s = json_string_value(v);
    const char *t = s;
    while (*t == ' ' || *t == '\t' || *t == '\n' || *t == '\r')
        t++;
    if (!*t) {
        if (required)
            return err_invalid(e, name, "required", "%s must not be empty", name);
        return 0;
    }
    size_t chars = 0;
    for (const unsigned char *u = (const unsigned char *)s; *u; u++)
        chars += (*u & 0xC0) != 0x80;
    if (chars > max)
        return err_invalid(e, name, "too_long", "%s is longer than %zu characters", name, max);
    *out = s;
    return 0;
}

static int is_named(struct ctx *c, const char *number, struct osb_err *e)
{
    int64_t n = 0;
    if (db_int(c->db, e, &n,
               "SELECT count(*) FROM osb_issue_people WHERE issue = ? AND username = ?"
               " AND kind = 'explains'",
               "ss", number, c->user.username) < 0)
        return -1;
    return n > 0;
}

static int may_explain(struct ctx *c, const char *number, struct osb_err *e)
{
    char sym = perm_symbol(P_OSB_EXPLAIN, c->user.role);
    if (sym == '-' || sym == 'R')
        return err_forbidden(e, "role", "the role %s may not explain OSB entries",
                             role_str(c->user.role));
    if (c->user.role == ROLE_SSG_LEADER)
        return 0;
    int named = is_named(c, number, e);
    if (named < 0)
        return -1;
    if (!named)
        return err_forbidden(e, "not_named",
                             "only the users this entry names, or the SSG leader, may explain it");
    return 0;
}

static int a_explain(struct ctx *c, json_t *it, json_t *body, struct osb_err *e)
{
    static const char *const allowed[] = {"explanation", "cause", NULL};
    const char *number = jstr(it, "number"), *text, *cause = NULL;
    if (body_only(body, allowed, e) < 0 || may_explain(c, number, e) < 0)
        return -1;
    if (!is(jstr(it, "state"), "open"))
        return err_state(e, jstr(it, "state"), "an entry in state %s cannot be explained",
                         jstr(it, "state"));
    if (flow_check_version(c, e, json_integer_value(json_object_get(it, "version"))) < 0 ||
        text_field(body, "explanation", true, 2000, &text, e) < 0)
        return -1;
    json_t *cv = json_object_get(body, "cause");
    if (cv && !json_is_null(cv)) {
        if (!json_is_string(cv))
            return err_bad(e, "cause", "cause must be a string");
        cause = json_string_value(cv);
        if (!in_list(causes, cause))
            return err_invalid(e, "cause", "invalid_value",
                               "cause is staffing, stock_out, approval_delay, customer, carrier,"
                               " system or other");
    }
    bool late = c->now > json_integer_value(json_object_get(it, "due_explanation_by"));
    /* A new explanation (after a reopen) without a cause keeps the cause given before. */
    if (db_exec(c->db, e,
                "UPDATE osb_issues SET state = 'explained', explanation = ?, cause = coalesce(?, "
                "cause),"
                " explained_by = ?, explained_at = ?, explanation_late = ?,"
                " version = version + 1, updated_at = ? WHERE number = ?",
                "sssibis", text, cause, c->user.username, c->now, late, c->now, number) < 0 ||
        event(c, number, "explain", "open", "explained", text, e) < 0)
        return -1;
    json_t *who = json_array();
    if (osb_department_heads(c, jstr(it, "department"), who, e) < 0 || ssg_leaders(c, who, e) < 0) {
        json_decref(who);
        return -1;
    }
    char sub[200];
    snprintf(sub, sizeof sub, "OSB问题%s已由%s书面说明%s", number, c->user.username,
             late ? "（逾期说明）" : "");
    int rc = tell(c, who, number, "explain", sub, e);
    json_decref(who);
    return rc;
}

static int explainers_of(struct ctx *c, const char *number, json_t *out, struct osb_err *e)
{
    return add_rows(out, db_rows(c->db, e,
                                 "SELECT username AS u FROM osb_issue_people WHERE issue = ?"
                                 " AND kind = 'explains' ORDER BY username",
                                 "s", number));
}

static int a_resolve(struct ctx *c, json_t *it, json_t *body, struct osb_err *e)
{
    static const char *const allowed[] = {"resolution", NULL};
    const char *number = jstr(it, "number"), *state = jstr(it, "state"), *text;
    if (body_only(body, allowed, e) < 0 || flow_need(c, P_OSB_RESOLVE, e) < 0)
        return -1;
    if (!is(state, "open") && !is(state, "explained"))
        return err_state(e, state, "an entry in state %s cannot be resolved", state);
    if (flow_check_version(c, e, json_integer_value(json_object_get(it, "version"))) < 0 ||
        text_field(body, "resolution", true, 2000, &text, e) < 0)
        return -1;
    /* From open the entry keeps the mark that it was never explained (§3.3). */
    bool unexplained = is(state, "open");
    if (db_exec(c->db, e,
                "UPDATE osb_issues SET state = 'resolved', resolution = ?, resolved_by = ?,"
                " resolved_at = ?, resolved_unexplained = ?, version = version + 1,"
                " updated_at = ? WHERE number = ?",
                "ssibis", text, c->user.username, c->now, unexplained, c->now, number) < 0 ||
        event(c, number, "resolve", state, "resolved", text, e) < 0)
        return -1;
    json_t *who = json_array();
    if (explainers_of(c, number, who, e) < 0) {
        json_decref(who);
        return -1;
    }
    char sub[200];
    snprintf(sub, sizeof sub, "OSB问题%s已处理结案", number);
    int rc = tell(c, who, number, "resolve", sub, e);
    json_decref(who);
    return rc;
}

static int a_reopen(struct ctx *c, const struct calendar *cal, json_t *it, json_t *body,
                    struct osb_err *e)
{
    static const char *const allowed[] = {"comment", NULL};
    const char *number = jstr(it, "number"), *state = jstr(it, "state"), *text;
    if (body_only(body, allowed, e) < 0 || flow_need(c, P_OSB_REOPEN, e) < 0)
        return -1;
    if (!is(state, "explained"))
        return err_state(e, state, "only an explained entry can be reopened, not one in %s", state);
    if (flow_check_version(c, e, json_integer_value(json_object_get(it, "version"))) < 0 ||
        text_field(body, "comment", true, 2000, &text, e) < 0)
        return -1;
    /* The explanation was insufficient: a new one is due by the next working day. */
    if (db_exec(c->db, e,
                "UPDATE osb_issues SET state = 'open', due_explanation_by = ?,"
                " version = version + 1, updated_at = ? WHERE number = ?",
                "iis", explanation_due(c, cal), c->now, number) < 0 ||
        event(c, number, "reopen", "explained", "open", text, e) < 0)
        return -1;
    json_t *who = json_array();
    if (explainers_of(c, number, who, e) < 0) {
        json_decref(who);
        return -1;
    }
    char sub[300];
    snprintf(sub, sizeof sub, "OSB问题%s的说明不充分，已退回重新说明：%.200s", number, text);
    int rc = tell(c, who, number, "reopen", sub, e);
    json_decref(who);
    return rc;
}

int osb_issue_act(struct ctx *c, const char *number, const char *action, json_t *body, json_t **out,
                  struct osb_err *e)
{
    *out = NULL;
    bool explain = strcmp(action, "explain") == 0, resolve = strcmp(action, "resolve") == 0,
         reopen = strcmp(action, "reopen") == 0;
    if (!explain && !resolve && !reopen)
        return err_set(e, ERR_NOT_FOUND, "no OSB entry action '%s'", action);
    json_t *it;
    int rc = load(c, number, &it, e);
    if (rc <= 0)
        return rc < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "no OSB entry '%s'", number);
    json_t *before = json_pack("{sO sO}", "state", json_object_get(it, "state"), "version",
                               json_object_get(it, "version"));
    struct calendar cal;
    if (explain)
        rc = a_explain(c, it, body, e);
    else if (resolve)
        rc = a_resolve(c, it, body, e);
    else if ((rc = settings_calendar(c->db, e, &cal, c->cfg->tz_min)) == 0) {
        rc = a_reopen(c, &cal, it, body, e);
        settings_calendar_release(&cal);
    }
    json_decref(it);
    if (rc == 0 && (rc = osb_issue_get(c, number, out, e)) == 0) {
        json_t *after = json_pack("{sO sO}", "state", json_object_get(*out, "state"), "version",
                                  json_object_get(*out, "version"));
        rc = flow_audit(c, e, action, "osb_issue", number, before, after);
        json_decref(after);
        if (rc < 0) {
            json_decref(*out);
            *out = NULL;
        }
    }
    json_decref(before);
    return rc;
}

/* ---- manual and meeting entries (§3.2) ------------------------------------------------- */

static int is_head(struct ctx *c, struct osb_err *e)
{
    int64_t n = 0;
    if (db_int(c->db, e, &n,
               "SELECT count(*) FROM users WHERE username = ? AND duties LIKE '%\"head\"%'", "s",
               c->user.username) < 0)
        return -1;
    return n > 0;
}

int osb_issue_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    static const char *const allowed[] = {"source",      "department",    "description", "document",
                                          "responsible", "meeting_month", NULL};
    if (body_only(body, allowed, e) < 0)
        return -1;
    const char *source = "manual", *dept, *desc, *doc, *month = NULL;
    json_t *sv = json_object_get(body, "source");
    if (sv && !json_is_null(sv)) {
        if (!json_is_string(sv))
            return err_bad(e, "source", "source must be a string");
        source = json_string_value(sv);
        if (strcmp(source, "manual") && strcmp(source, "meeting"))
            return err_invalid(e, "source", "invalid_value", "source is manual or meeting");
    }
    /* Meeting entries: the SSG leader (matrix "record meeting entries"); manual entries: the
       SSG leader or a department head (H). */
    if (strcmp(source, "meeting") == 0) {
        if (flow_need(c, P_OSB_RESOLVE, e) < 0)
            return -1;
    } else {
        if (flow_need(c, P_OSB_MANUAL, e) < 0)
            return -1;
        if (perm_symbol(P_OSB_MANUAL, c->user.role) == 'H') {
            int h = is_head(c, e);
            if (h < 0)
                return -1;
            if (!h)
                return err_forbidden(e, "not_head", "only a department head may log an entry");
        }
    }
    if (text_field(body, "department", true, 40, &dept, e) < 0 ||
        text_field(body, "description", true, 2000, &desc, e) < 0 ||
        text_field(body, "document", false, 40, &doc, e) < 0)
        return -1;
    if (!in_list(departments, dept))
        return err_invalid(e, "department", "invalid_value", "unknown department '%s'", dept);
    json_t *mv = json_object_get(body, "meeting_month");
    if (mv && !json_is_null(mv)) {
        int y, m;
        if (!json_is_string(mv))
            return err_bad(e, "meeting_month", "meeting_month must be a string YYYY-MM");
        if (strcmp(source, "meeting"))
            return err_invalid(e, "meeting_month", "invalid_value",
                               "meeting_month belongs to meeting entries");
        if (!period_parse(json_string_value(mv), &y, &m))
            return err_invalid(e, "meeting_month", "invalid_period",
                               "meeting_month must be YYYY-MM");
        month = json_string_value(mv);
    }
    char prev[8];
    if (!month && strcmp(source, "meeting") == 0) {
        /* The meeting on ~5th of M+1 discusses month M. */
        int y, m, d;
        date_to_ymd(flow_today(c), &y, &m, &d);
        if (--m == 0)
            m = 12, y--;
        period_format(y, m, prev);
        month = prev;
    }
    json_t *resp = json_array();
    json_t *rv = json_object_get(body, "responsible");
    int rc = -1;
    if (rv && !json_is_null(rv)) {
        if (!json_is_array(rv)) {
            err_bad(e, "responsible", "responsible must be an array of usernames");
            goto out;
        }
        size_t i;
        json_t *u;
        json_array_foreach(rv, i, u)
        {
            if (!json_is_string(u)) {
                err_bad(e, "responsible", "responsible must be an array of usernames");
                goto out;
            }
            int64_t n = 0;
            if (db_int(c->db, e, &n,
                       "SELECT count(*) FROM users WHERE username = ?"
                       " AND active = 1",
                       "s", json_string_value(u)) < 0)
                goto out;
            if (!n) {
                err_invalid(e, "responsible", "unknown_reference", "no active user '%s'",
                            json_string_value(u));
                goto out;
            }
            add_user(resp, json_string_value(u));
        }
    }
    /* Nobody named: the department's head answers for it. */
    if (json_array_size(resp) == 0 && osb_department_heads(c, dept, resp, e) < 0)
        goto out;
    struct calendar cal;
    if (settings_calendar(c->db, e, &cal, c->cfg->tz_min) < 0)
        goto out;
    struct osb_open o = {strcmp(source, "meeting") == 0 ? "meeting" : "manual",
                         dept,
                         doc,
                         0,
                         NULL,
                         NULL,
                         desc,
                         resp,
                         NULL};
    char number[32];
    rc = insert_issue(c, &cal, source, &o, month, number, e);
    settings_calendar_release(&cal);
    if (rc == 0)
        rc = osb_issue_get(c, number, out, e);
out:
    json_decref(resp);
    return rc;
}

/* ---- jobs -------------------------------------------------------------------------------- */

/* Daily 09:00: each entry whose explanation is overdue reminds its department head and the
   SSG leader (§3.3). period is the date, so a day reminds once. */
int osb_job_reminders(struct ctx *c, const char *period, struct osb_err *e)
{
    json_t *rows = db_rows(c->db, e,
                           "SELECT number, department FROM osb_issues WHERE state = 'open'"
                           " AND due_explanation_by <= ? ORDER BY id",
                           "i", c->now);
    if (!rows)
        return -1;
    size_t i;
    json_t *r;
    int rc = 0;
    json_array_foreach(rows, i, r)
    {
        json_t *who = json_array();
        const char *number = jstr(r, "number");
        rc = osb_department_heads(c, jstr(r, "department"), who, e);
        if (rc == 0)
            rc = ssg_leaders(c, who, e);
        size_t k;
        json_t *u;
        json_array_foreach(who, k, u)
        {
            if (rc < 0)
                break;
            char key[160];
            snprintf(key, sizeof key, "osb_remind:%s:%s:%s", number, period, json_string_value(u));
            rc = notify(c, e, "osb_reminder", json_string_value(u), number, key,
                        "提醒：OSB问题%s逾期未书面说明", number);
        }
        json_decref(who);
        if (rc < 0)
            break;
    }
    json_decref(rows);
    return rc;
}

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
    if (db_exec(c->db, e,
                "UPDATE osb_issues SET carried_over = carried_over + 1, updated_at = ?"
                " WHERE state <> 'resolved' AND opened_at <= ?",
                "ii", c->now, c->now) < 0)
        return -1;
    json_t *who = db_rows(c->db, e,
                          "SELECT username FROM users WHERE active = 1 AND role IN ('gm',"
                          " 'sales_director', 'deputy_director', 'ssg_leader') ORDER BY username",
                          NULL);
    if (!who)
        return -1;
    size_t i;
    json_t *u;
    int rc = 0;
    json_array_foreach(who, i, u)
    {
        char key[96];
        snprintf(key, sizeof key, "osb_meeting:%s:%s", month, jstr(u, "username"));
        if ((rc = notify(c, e, "osb_meeting_report", jstr(u, "username"), NULL, key,
                         "%s月OSB会议报告已生成（GET /reports/osb_meeting?month=%s）", month,
                         month)) < 0)
            break;
    }
    json_decref(who);
    return rc;
}

/* ---- the monthly OSB meeting report (§3.4) ------------------------------------------------ */

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

static json_t *kpi_section(struct ctx *c, int y, int m, const char *market, struct osb_err *e)
{
    date_t f, t, pf, pt, lf, lt;
    month_range(y, m, &f, &t);
    month_range(m == 1 ? y - 1 : y, m == 1 ? 12 : m - 1, &pf, &pt);
    month_range(y - 1, m, &lf, &lt);
    json_t *markets = db_rows(c->db, e,
                              "SELECT code FROM markets WHERE active = 1 AND (? IS NULL OR"
                              " code = ?) ORDER BY code",
                              "ss", market, market);
    if (!markets)
        return NULL;
    json_t *out = json_object();
    for (int k = 0; k < KPI__COUNT; k++) {
        json_t *cur = figures(c, (enum kpi_id)k, f, t, market, e);
        json_t *prev = cur ? figures(c, (enum kpi_id)k, pf, pt, market, e) : NULL;
        json_t *last = prev ? figures(c, (enum kpi_id)k, lf, lt, market, e) : NULL;
        if (!last) {
            json_decref(cur), json_decref(prev), json_decref(markets), json_decref(out);
            return NULL;
        }
        json_t *pct = json_object_get(cur, "pct_bp");
        json_object_set_new(cur, "met",
                            json_is_integer(pct) ? json_boolean(json_integer_value(pct) >=
                                                                kpi_def((enum kpi_id)k)->target_bp)
                                                 : json_null());
        json_object_set_new(cur, "previous_month", prev);
        json_object_set_new(cur, "same_month_last_year", last);
        json_t *bym = json_array();
        size_t i;
        json_t *mk;
        json_array_foreach(markets, i, mk)
        {
            json_t *fm = figures(c, (enum kpi_id)k, f, t, jstr(mk, "code"), e);
            if (!fm) {
                json_decref(bym), json_decref(cur), json_decref(markets), json_decref(out);
                return NULL;
            }
            json_t *mp = json_object_get(fm, "pct_bp");
            json_object_set_new(fm, "market", json_string(jstr(mk, "code")));
            json_object_set_new(
                fm, "met",
                json_is_integer(mp)
                    ? json_boolean(json_integer_value(mp) >= kpi_def((enum kpi_id)k)->target_bp)
                    : json_null());
            json_array_append_new(bym, fm);
        }
        json_object_set_new(cur, "by_market", bym);
        json_object_set_new(out, kpi_def((enum kpi_id)k)->name, cur);
    }
    json_decref(markets);
    return out;
}

/* Rows of sql + visibility + tail with the params p (consumed). */
static json_t *visible_rows(struct ctx *c, const char *sql, json_t *p, const char *tail,
                            struct osb_err *e)
{
    struct sb s = SB_INIT;
    sb_add(&s, sql);
    visible_sql(c, &s, p);
    sb_add(&s, tail);
    json_t *rows = db_rows_a(c->db, e, sb_str(&s), p);
    sb_free(&s);
    json_decref(p);
    return rows;
}

static json_t *volume(struct ctx *c, ts_t t0, ts_t t1, const char *d0, const char *d1,
                      const char *market, struct osb_err *e)
{
    static const struct {
        const char *name, *sql;
        char args; /* 't' instants, 'd' dates */
    } vols[] = {
        {"orders_accepted",
         "SELECT count(DISTINCT ev.order_no) AS v FROM order_events ev JOIN orders o ON"
         " o.number = ev.order_no JOIN customers cu ON cu.code = o.customer WHERE ev.action ="
         " 'accept' AND ev.at >= ? AND ev.at < ?",
         't'},
        {"shipments_dispatched",
         "SELECT count(*) AS v FROM shipments s JOIN orders o ON o.number = s.order_no"
         " JOIN customers cu ON cu.code = o.customer WHERE s.dispatched_at >= ?"
         " AND s.dispatched_at < ?",
         't'},
        {"invoices",
         "SELECT count(*) AS v FROM invoices i JOIN customers cu ON cu.code = i.customer"
         " WHERE i.state <> 'cancelled' AND i.invoice_date >= ? AND i.invoice_date <= ?",
         'd'},
        {"invoice_amount_fen",
         "SELECT coalesce(sum(i.amount_fen), 0) AS v FROM invoices i JOIN customers cu ON"
         " cu.code = i.customer WHERE i.state <> 'cancelled' AND i.invoice_date >= ?"
         " AND i.invoice_date <= ?",
         'd'},
        {"collections_fen",
         "SELECT coalesce(sum(pm.amount_fen), 0) AS v FROM payments pm JOIN customers cu ON"
         " cu.code = pm.customer WHERE pm.kind = 'payment' AND pm.state <> 'reversed'"
         " AND pm.received_on >= ? AND pm.received_on <= ?",
         'd'},
        {"expense_credits_fen",
         "SELECT coalesce(sum(pm.amount_fen), 0) AS v FROM payments pm JOIN customers cu ON"
         " cu.code = pm.customer WHERE pm.kind = 'expense' AND pm.state <> 'reversed'"
         " AND pm.received_on >= ? AND pm.received_on <= ?",
         'd'},
    };
    json_t *out = json_object();
    for (size_t k = 0; k < sizeof vols / sizeof vols[0]; k++) {
        json_t *p = json_array();
        if (vols[k].args == 't') {
            json_array_append_new(p, json_integer(t0));
            json_array_append_new(p, json_integer(t1));
        } else {
            json_array_append_new(p, json_string(d0));
            json_array_append_new(p, json_string(d1));
        }
        struct sb s = SB_INIT;
        sb_add(&s, vols[k].sql);
        if (market) {
            sb_add(&s, " AND cu.market = ?");
            json_array_append_new(p, json_string(market));
        }
        flow_scope_sql(c, &s, p, "cu");
        json_t *rows = db_rows_a(c->db, e, sb_str(&s), p);
        sb_free(&s);
        json_decref(p);
        if (!rows) {
            json_decref(out);
            return NULL;
        }
        json_object_set(out, vols[k].name, json_object_get(json_array_get(rows, 0), "v"));
        json_decref(rows);
    }
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

    json_t *kpis = kpi_section(c, y, m, market, e);
    if (!kpis)
        return -1;
    /* 2: entries opened in M, by rule × department and by cause. */
    json_t *p = json_array();
    json_array_append_new(p, json_integer(t0));
    json_array_append_new(p, json_integer(t1));
    const char *mk_sql = market ? " AND i.market = ?" : "";
    if (market)
        json_array_append_new(p, json_string(market));
    struct sb q = SB_INIT;
    sb_addf(&q,
            "SELECT i.rule, i.department, count(*) AS count FROM osb_issues i"
            " WHERE i.opened_at >= ? AND i.opened_at < ?%s",
            mk_sql);
    json_t *by_rule =
        visible_rows(c, sb_str(&q), json_deep_copy(p),
                     " GROUP BY i.rule, i.department ORDER BY i.rule, i.department", e);
    sb_reset(&q);
    sb_addf(&q,
            "SELECT coalesce(i.cause, 'unspecified') AS cause, count(*) AS count"
            " FROM osb_issues i WHERE i.opened_at >= ? AND i.opened_at < ?%s",
            mk_sql);
    json_t *by_cause =
        by_rule ? visible_rows(c, sb_str(&q), json_deep_copy(p), " GROUP BY 1 ORDER BY 1", e)
                : NULL;
    json_decref(p);
    /* 3: every unresolved entry, carried over or not. */
    p = json_array();
    sb_reset(&q);
    sb_addf(&q,
            "SELECT i.number, i.rule, i.source, i.document, i.department, i.opened_at,"
            " i.explanation, i.carried_over, i.state FROM osb_issues i WHERE i.state <>"
            " 'resolved'%s",
            mk_sql);
    if (market)
        json_array_append_new(p, json_string(market));
    json_t *open = by_cause ? visible_rows(c, sb_str(&q), p, " ORDER BY i.id", e) : NULL;
    if (!by_cause)
        json_decref(p);
    /* 5: entries raised at the meeting about M. */
    p = json_array();
    json_array_append_new(p, json_string(mon));
    sb_reset(&q);
    sb_add(&q, ISSUE_COLS " WHERE i.source = 'meeting' AND i.meeting_month = ?");
    json_t *meeting = open ? visible_rows(c, sb_str(&q), p, " ORDER BY i.id", e) : NULL;
    if (!open)
        json_decref(p);
    sb_free(&q);
    json_t *vol = meeting ? volume(c, t0, t1, d0, d1, market, e) : NULL;
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
    json_array_foreach(meeting, i, r)
    {
        if (finish(c, r, false, e) < 0) {
            json_decref(kpis), json_decref(by_rule), json_decref(by_cause), json_decref(open);
            json_decref(meeting), json_decref(vol);
            return -1;
        }
    }
    *out = json_pack("{ss so so s{sI so so} so so so}", "month", mon, "market",
                     market ? json_string(market) : json_null(), "kpis", kpis, "opened", "total",
                     (json_int_t)total, "by_rule_department", by_rule, "by_cause", by_cause,
                     "unresolved", open, "volume", vol, "meeting_entries", meeting);
    return 0;
}
