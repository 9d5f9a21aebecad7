/*
 * osb_issue.c — the OSB problem log (kpis-and-reports.md §3, api.md §3.7) on the document
 * kernel (flow/doc.h): opening entries (for the deadline and KPI jobs), reading them within the
 * caller's visibility, explain / resolve / reopen through doc_act(), manual and meeting entries,
 * and the daily reminder of late explanations. Its table is rules/osb_issue.c, its SQL
 * store/osb_issue.c; the monthly meeting report is flow/meeting.c.
 *
 * Who may explain. The matrix (numbering-and-rules.md §3) gives GM, SD, DD, SL, CSR, KAM, FIN
 * and WH the symbol E, "only when named among the rule's explains users"; §3.3 adds the SSG
 * leader, who coordinates the log. We take exactly that: a user the entry names, or the SSG
 * leader, and only in a role the matrix marks E. (§3.3 also says "any user of the entry's
 * department"; that reading would let any CSR answer for another CSR's miss, which the matrix
 * forbids, so the matrix wins; docs/deadlines.md.)
 *
 * Visibility (§3.3): SLT, SSG (leader and CSRs), auditors and the administrator (who runs the
 * deadline job; read only, as for the audit log) see every entry; FSF see entries
 * about customers in their data scope and the sales department's entries without a customer;
 * finance, warehouse, customer service and marketing see their own department's entries; and
 * every user sees the entries that name them.
 */
#include "flow/osb_issue.h"

#include "core/field.h"
#include "core/json.h"
#include "core/sb.h"
#include "core/str.h"
#include "flow/doc.h"
#include "flow/flow.h"
#include "flow/notify.h"
#include "rules/deadline.h"
#include "rules/osb_issue.h"
#include "store/settings.h"

#include <stdlib.h>
#include <string.h>

int osb_department_heads(struct ctx *c, const char *department, json_t *out, struct osb_err *e)
{
    return store_osb_department_heads(c->db, e, department, out);
}

/* due_explanation_by: 24:00 of the next working day after opening (§3.3;
   explanation_due_working_days, default 1). */
static ts_t explanation_due(struct ctx *c, const struct calendar *cal)
{
    struct deadline_rule r = {
        DL_NEXT_WORKING_DAY,
        settings_int(c->db, "explanation_due_working_days", 1, SETTINGS_INT_MAX), 0};
    return deadline_at(cal, &r, c->now);
}

/* "2026-11-24 24:00" for an instant that ends a day, else "2026-11-24 09:30". */
static void human_time(const struct ctx *c, ts_t t, char out[32])
{
    int tz = c->cfg->tz_min;
    if (t == INT64_MAX) {
        (void)str_copy(out, 32, "-");
        return;
    }
    int m = ts_minute_of_day(t, tz);
    if (m == 0 && t % TS_PER_MIN == 0) {
        char d[11];
        date_format(ts_to_date(t, tz) - 1, d);
        (void)str_fmt(out, 32, "%s 24:00", d); /* 10 + 6 bytes and the NUL fit 32 */
        return;
    }
    char d[11];
    date_format(ts_to_date(t, tz), d);
    (void)str_fmt(out, 32, "%s %02d:%02d", d, m / 60, m % 60); /* 10 + 6 bytes and the NUL */
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
        /* the dedup key: a cut one could merge two users' notifications */
        if (str_fmt(key, sizeof key, "osb:%s:%s:%lld:%s", number, action, (long long)c->now,
                    json_string_value(u)) < 0)
            return err_set(e, ERR_INTERNAL, "internal error: notification key of %s",
                           json_string_value(u));
        if (notify(c, e, "osb_issue", json_string_value(u), number, key, "%s", subject) < 0)
            return -1;
    }
    return 0;
}

/* Inserts the entry row, its people, its first event, its audit row and its notifications. */
static int insert_issue(struct ctx *c, const struct calendar *cal, const char *source,
                        const struct osb_open *o, const char *meeting_month, char number[32],
                        struct osb_err *e)
{
    struct osb_issue w;
    memset(&w, 0, sizeof w);
    if (flow_docno(c, e, "WT", w.number) < 0)
        return -1;
    str_field(number, 32, w.number, "number");
    str_field(w.rule, sizeof w.rule, o->rule, "rule");
    str_field(w.source, sizeof w.source, source, "source");
    str_field(w.department, sizeof w.department, o->department, "department");
    str_field(w.opened_by, sizeof w.opened_by,
              strcmp(source, "auto") == 0 ? "system" : c->user.username, "opened_by");
    /* borrowed strings: w is never released */
    w.document = (char *)o->document;
    w.customer = (char *)o->customer;
    w.market = (char *)o->market;
    w.description = (char *)o->description;
    w.meeting_month = (char *)meeting_month;
    w.deadline = o->deadline;
    w.opened_at = c->now;
    w.due_explanation_by = explanation_due(c, cal);
    if (store_osb_issue_insert(c->db, e, &w) < 0)
        return -1;
    json_t *told = json_array();
    size_t i;
    json_t *u;
    json_array_foreach(o->explainers, i, u) store_osb_add_user(told, json_string_value(u));
    if (store_osb_department_heads(c->db, e, o->department, told) < 0 ||
        store_osb_ssg_leaders(c->db, e, told) < 0) {
        json_decref(told);
        return -1;
    }
    if (o->also_notify)
        json_array_foreach(o->also_notify, i, u) store_osb_add_user(told, json_string_value(u));
    char duet[32];
    human_time(c, w.due_explanation_by, duet);
    struct sb sub = SB_INIT;
    if (o->deadline) {
        char dl[32];
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
    int rc = store_osb_issue_add_people(c->db, e, number, o->explainers, "explains") < 0 ||
                     store_osb_issue_add_people(c->db, e, number, told, "notified") < 0 ||
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
    return store_osb_issue_find(c->db, e, rule, document, deadline, number);
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
    int n = store_osb_issue_note_done(c->db, e, number, done_at, action, c->now);
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

/* ---- the document: visibility, who, actions --------------------------------------------- */

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

void osb_issue_viewer(const struct ctx *c, struct osb_viewer *v)
{
    memset(v, 0, sizeof *v);
    enum role r = c->user.role;
    v->all = sees_all(r);
    v->username = c->user.username;
    ctx_scope_user(c, &v->scope);
    switch (r) {
    case ROLE_MM:
    case ROLE_UM:
    case ROLE_KAM:
    case ROLE_REP:
        v->fsf = true;
        break;
    case ROLE_FINANCE:
    case ROLE_WAREHOUSE:
    case ROLE_CUSTOMER_SERVICE:
    case ROLE_MARKETING:
        v->department = role_department(r);
        break;
    default:
        break;
    }
}

/* The aggregate the kernel holds: the entry, and the text its action's timeline row keeps. */
struct wdoc {
    struct osb_issue w;
    const char *text; /* the explanation, resolution or reopen comment (borrowed from body) */
};

static int load(struct ctx *c, const struct doc_kind *k, const char *number, void **out,
                struct osb_err *e)
{
    (void)k; /* one kind per loader here */
    struct wdoc *d = calloc(1, sizeof *d);
    struct osb_viewer v;
    osb_issue_viewer(c, &v);
    int rc = store_osb_issue_load(c->db, e, &v, number, &d->w);
    if (rc <= 0) {
        free(d);
        return rc;
    }
    *out = d;
    return 1;
}

static void wfree(void *p)
{
    struct wdoc *d = p;
    store_osb_issue_release(&d->w);
    free(d);
}

static int wstate(const void *p)
{
    return doc_state_parse(&osb_issue_doc, ((const struct wdoc *)p)->w.state);
}

static int64_t wversion(const void *p)
{
    return ((const struct wdoc *)p)->w.version;
}

static bool names(const struct osb_issue *w, const char *user)
{
    size_t i;
    json_t *u;
    json_array_foreach(w->responsible, i, u)
    {
        if (is(json_string_value(u), user))
            return true;
    }
    return false;
}

/* Beyond the matrix: explain only by a user the entry names, or by the SSG leader. */
static int kind_who(struct ctx *c, const void *p, int a, const struct doc_actor *actor,
                    struct osb_err *e)
{
    (void)c;
    const struct wdoc *d = p;
    if (a == WA_EXPLAIN && actor->role != ROLE_SSG_LEADER && !names(&d->w, actor->who))
        return err_forbidden(e, "not_named",
                             "only the users this entry names, or the SSG leader, may explain it");
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

/* The body's values: the text each action needs, and explain's cause. */
static int check(struct doc_act *x, struct osb_err *e)
{
    struct wdoc *d = x->doc;
    static const char *const text_of[] = {
        [WA_EXPLAIN] = "explanation", [WA_RESOLVE] = "resolution", [WA_REOPEN] = "comment"};
    if (text_field(x->body, text_of[x->action], true, 2000, &d->text, e) < 0)
        return -1;
    if (x->action != WA_EXPLAIN)
        return 0;
    json_t *cv = json_object_get(x->body, "cause");
    if (cv && !json_is_null(cv)) {
        if (!json_is_string(cv))
            return err_bad(e, "cause", "cause must be a string");
        if (!osb_issue_in(osb_issue_causes, json_string_value(cv)))
            return err_invalid(e, "cause", "invalid_value",
                               "cause is staffing, stock_out, approval_delay, customer, carrier,"
                               " system or other");
    }
    return 0;
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static void set_text(char **dst, const char *s)
{
    free(*dst);
    *dst = dup_or_null(s);
}

static int a_explain(struct doc_act *x, struct osb_err *e)
{
    struct ctx *c = x->c;
    struct osb_issue *w = &((struct wdoc *)x->doc)->w;
    bool late = c->now > w->due_explanation_by;
    set_text(&w->explanation, ((struct wdoc *)x->doc)->text);
    /* no cause given: the save keeps the one given before (after a reopen) */
    set_text(&w->cause, jstr(x->body, "cause"));
    set_text(&w->explained_by, c->user.username);
    w->explained_at = c->now;
    w->explanation_late = late;
    w->explain_changed = true;
    json_t *to = json_array();
    if (store_osb_department_heads(c->db, e, w->department, to) < 0 ||
        store_osb_ssg_leaders(c->db, e, to) < 0) {
        json_decref(to);
        return -1;
    }
    struct sb sub = SB_INIT;
    sb_addf(&sub, "OSB问题%s已由%s书面说明%s", w->number, c->user.username,
            late ? "（逾期说明）" : "");
    int rc = tell(c, to, w->number, "explain", sb_str(&sub), e);
    sb_free(&sub);
    json_decref(to);
    return rc;
}

static int a_resolve(struct doc_act *x, struct osb_err *e)
{
    struct ctx *c = x->c;
    struct osb_issue *w = &((struct wdoc *)x->doc)->w;
    set_text(&w->resolution, ((struct wdoc *)x->doc)->text);
    set_text(&w->resolved_by, c->user.username);
    w->resolved_at = c->now;
    /* From open the entry keeps the mark that it was never explained (§3.3). */
    w->resolved_unexplained = x->from == WS_OPEN;
    w->resolve_changed = true;
    char sub[200];
    STR_FMT_FITS(sub, sizeof "OSB问题已处理结案" + sizeof w->number - 1, "OSB问题%s已处理结案",
                 w->number);
    return tell(c, w->responsible, w->number, "resolve", sub, e);
}

static int a_reopen(struct doc_act *x, struct osb_err *e)
{
    struct ctx *c = x->c;
    struct wdoc *d = x->doc;
    struct osb_issue *w = &d->w;
    /* The explanation was insufficient: a new one is due by the next working day. */
    struct calendar cal;
    if (settings_calendar(c->db, e, &cal, c->cfg->tz_min) < 0)
        return -1;
    w->due_explanation_by = explanation_due(c, &cal);
    w->due_changed = true;
    settings_calendar_release(&cal);
    char sub[300];
    STR_FMT_FITS(sub, sizeof "OSB问题的说明不充分，已退回重新说明：" + sizeof w->number - 1 + 200,
                 "OSB问题%s的说明不充分，已退回重新说明：%.200s", w->number, d->text);
    return tell(c, w->responsible, w->number, "reopen", sub, e);
}

static int save(struct doc_act *x, struct osb_err *e)
{
    return store_osb_issue_save(x->c->db, e, &((struct wdoc *)x->doc)->w,
                                doc_state_str(&osb_issue_doc, x->to), x->c->now);
}

static int wevent(struct doc_act *x, struct osb_err *e)
{
    const struct doc_type *t = x->kind->type;
    struct wdoc *d = x->doc;
    return event(x->c, d->w.number, t->actions[x->action].name, doc_state_str(t, x->from),
                 doc_state_str(t, x->to), d->text, e);
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* The entry as every answer shows it; with timeline its history too. */
static int issue_json(struct ctx *c, const struct osb_issue *w, bool timeline, json_t **out,
                      struct osb_err *e)
{
    json_t *o = json_object();
    json_object_set_new(o, "number", json_string(w->number));
    json_object_set_new(o, "rule", json_string(w->rule));
    json_object_set_new(o, "source", json_string(w->source));
    json_object_set_new(o, "document", str_or_null(w->document));
    json_object_set_new(o, "deadline", flow_json_ts(c, w->deadline));
    json_object_set_new(o, "department", json_string(w->department));
    json_object_set_new(o, "customer", str_or_null(w->customer));
    json_object_set_new(o, "market", str_or_null(w->market));
    json_object_set_new(o, "description", str_or_null(w->description));
    json_object_set_new(o, "opened_at", flow_json_ts(c, w->opened_at));
    json_object_set_new(o, "opened_by", json_string(w->opened_by));
    json_object_set_new(o, "due_explanation_by", flow_json_ts(c, w->due_explanation_by));
    json_object_set_new(o, "explanation", str_or_null(w->explanation));
    json_object_set_new(o, "cause", str_or_null(w->cause));
    json_object_set_new(o, "explained_by", str_or_null(w->explained_by));
    json_object_set_new(o, "explained_at", flow_json_ts(c, w->explained_at));
    json_object_set_new(o, "explanation_late", json_boolean(w->explanation_late));
    json_object_set_new(o, "resolution", str_or_null(w->resolution));
    json_object_set_new(o, "resolved_by", str_or_null(w->resolved_by));
    json_object_set_new(o, "resolved_at", flow_json_ts(c, w->resolved_at));
    json_object_set_new(o, "resolved_unexplained", json_boolean(w->resolved_unexplained));
    json_object_set_new(o, "completed_at", flow_json_ts(c, w->completed_at));
    json_object_set_new(o, "completed_by_action", str_or_null(w->completed_by_action));
    json_object_set_new(o, "meeting_month", str_or_null(w->meeting_month));
    json_object_set_new(o, "carried_over", json_integer(w->carried_over));
    json_object_set_new(o, "state", json_string(w->state));
    json_object_set_new(o, "version", json_integer(w->version));
    json_object_set_new(o, "updated_at", flow_json_ts(c, w->updated_at));
    json_object_set_new(o, "explanation_overdue",
                        json_boolean(is(w->state, "open") && c->now >= w->due_explanation_by));
    json_object_set_new(o, "responsible",
                        w->responsible ? json_copy(w->responsible) : json_array());
    json_object_set_new(o, "notified", w->notified ? json_copy(w->notified) : json_array());
    if (timeline) {
        json_t *tl = flow_doc_timeline(c, e, "osb_issue_events", "issue", w->number);
        if (!tl) {
            json_decref(o);
            return -1;
        }
        json_object_set_new(o, "timeline", tl);
    }
    *out = o;
    return 0;
}

static int answer(struct ctx *c, void *p, json_t **out, struct osb_err *e)
{
    return issue_json(c, &((struct wdoc *)p)->w, true, out, e);
}

static const doc_run_fn run[] = {
    [WA_EXPLAIN] = a_explain, [WA_RESOLVE] = a_resolve, [WA_REOPEN] = a_reopen};

static const struct doc_kind kind = {
    .type = &osb_issue_doc,
    .load = load,
    .free = wfree,
    .state = wstate,
    .version = wversion,
    .who = kind_who,
    .check = check,
    .run = run,
    .save = save,
    .event = wevent,
    .json = answer,
};

/* The work queue (flow/queue.c) lists documents of this kind. */
const struct doc_kind *const osb_issue_doc_kind = &kind;

/* ---- reading ------------------------------------------------------------------------------ */

int osb_issue_get(struct ctx *c, const char *number, json_t **out, struct osb_err *e)
{
    *out = NULL;
    if (flow_need_read(c, P_REPORTS, e) < 0)
        return -1;
    return doc_get(c, &kind, number, out, e);
}

int osb_issue_items(struct ctx *c, const struct osb_issue_filter *f, json_t **items,
                    int64_t *next_id, struct osb_err *e)
{
    *items = NULL;
    struct osb_viewer v;
    osb_issue_viewer(c, &v);
    struct osb_issue *rows;
    size_t n;
    if (store_osb_issue_list(c->db, e, &v, f, &rows, &n, next_id) < 0)
        return -1;
    json_t *arr = json_array();
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        json_t *it;
        struct wdoc d = {rows[i], NULL};
        if ((rc = issue_json(c, &rows[i], false, &it, e)) == 0) {
            doc_answer_actions(c, &kind, &d, it);
            json_array_append_new(arr, it);
        }
    }
    store_osb_issue_free_all(rows, n);
    if (rc < 0) {
        json_decref(arr);
        return -1;
    }
    *items = arr;
    return 0;
}

int osb_issue_list(struct ctx *c, const struct osb_issue_query *q, json_t **out, struct osb_err *e)
{
    *out = NULL;
    if (flow_need_read(c, P_REPORTS, e) < 0 || doc_state_filter(&osb_issue_doc, q->state, e) < 0)
        return -1;
    if (q->source && !osb_issue_in(osb_issue_sources, q->source))
        return err_bad(e, "source", "source is auto, meeting or manual");
    if (q->department && !osb_issue_in(osb_issue_departments, q->department))
        return err_bad(e, "department", "unknown department '%s'", q->department);
    date_t d;
    struct osb_issue_filter f = {.state = q->state,
                                 .rule = q->rule,
                                 .department = q->department,
                                 .source = q->source,
                                 .document = q->document,
                                 .market = q->market,
                                 .opened_from = INT64_MIN,
                                 .opened_to = INT64_MAX,
                                 .after_id = q->after_id,
                                 .limit = q->limit,
                                 .q = q->q};
    if (q->from) {
        if (!date_parse(q->from, &d))
            return err_bad(e, "from", "from must be a date YYYY-MM-DD");
        f.opened_from = date_start_ts(d, c->cfg->tz_min);
    }
    if (q->to) {
        if (!date_parse(q->to, &d))
            return err_bad(e, "to", "to must be a date YYYY-MM-DD");
        f.opened_to = date_start_ts(d + 1, c->cfg->tz_min);
    }
    json_t *items;
    int64_t next_id;
    if (osb_issue_items(c, &f, &items, &next_id, e) < 0)
        return -1;
    json_t *next = json_null();
    if (next_id) {
        char cur[24];
        (void)str_fmt(cur, sizeof cur, "%lld", (long long)next_id); /* <= 20 characters: fits 24 */
        next = json_string(cur);
    }
    *out = json_pack("{so so}", "items", items, "next_cursor", next);
    return 0;
}

int osb_issue_act(struct ctx *c, const char *number, const char *action, json_t *body, json_t **out,
                  struct osb_err *e)
{
    return doc_act(c, &kind, number, action, body, out, e);
}

/* ---- manual and meeting entries (§3.2) ------------------------------------------------- */

static int body_only(json_t *body, const char *const *allowed, struct osb_err *e)
{
    if (!json_is_object(body))
        return err_bad(e, NULL, "the body must be a JSON object");
    const char *k;
    json_t *v;
    json_object_foreach(body, k, v)
    {
        if (!osb_issue_in(allowed, k))
            return err_bad(e, k, "unknown field '%s'", k);
    }
    return 0;
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
    enum perm_action pa = osb_issue_create_perm(source);
    if (flow_need(c, pa, e) < 0)
        return -1;
    if (perm_symbol(pa, c->user.role) == 'H') {
        int h = store_osb_user_is_head(c->db, e, c->user.username);
        if (h < 0)
            return -1;
        if (!h)
            return err_forbidden(e, "not_head", "only a department head may log an entry");
    }
    if (text_field(body, "department", true, 40, &dept, e) < 0 ||
        text_field(body, "description", true, 2000, &desc, e) < 0 ||
        text_field(body, "document", false, 40, &doc, e) < 0)
        return -1;
    if (!osb_issue_in(osb_issue_departments, dept))
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
        int y, m, dd;
        date_to_ymd(flow_today(c), &y, &m, &dd);
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
            int act = store_osb_user_active(c->db, e, json_string_value(u));
            if (act < 0)
                goto out;
            if (!act) {
                err_invalid(e, "responsible", "unknown_reference", "no active user '%s'",
                            json_string_value(u));
                goto out;
            }
            store_osb_add_user(resp, json_string_value(u));
        }
    }
    /* Nobody named: the department's head answers for it. */
    if (json_array_size(resp) == 0 && store_osb_department_heads(c->db, e, dept, resp) < 0)
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
        rc = doc_get(c, &kind, number, out, e);
out:
    json_decref(resp);
    return rc;
}

/* ---- jobs -------------------------------------------------------------------------------- */

/* Daily 09:00: each entry whose explanation is overdue reminds its department head and the
   SSG leader (§3.3). period is the date, so a day reminds once. */
int osb_job_reminders(struct ctx *c, const char *period, struct osb_err *e)
{
    json_t *rows = store_osb_issue_overdue(c->db, e, c->now);
    if (!rows)
        return -1;
    size_t i;
    json_t *r;
    int rc = 0;
    json_array_foreach(rows, i, r)
    {
        json_t *who = json_array();
        const char *number = jstr(r, "number");
        rc = store_osb_department_heads(c->db, e, jstr(r, "department"), who);
        if (rc == 0)
            rc = store_osb_ssg_leaders(c->db, e, who);
        size_t k;
        json_t *u;
        json_array_foreach(who, k, u)
        {
            if (rc < 0)
                break;
            char key[160];
            /* the dedup key: a cut one could merge two users' notifications */
            if (str_fmt(key, sizeof key, "osb_remind:%s:%s:%s", number, period,
                        json_string_value(u)) < 0) {
                rc = err_set(e, ERR_INTERNAL, "internal error: notification key of %s",
                             json_string_value(u));
                break;
            }
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
