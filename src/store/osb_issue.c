/*
 * osb_issue.c (store) — the problem-log entry aggregate's SQL (store/osb_issue.h).
 */
#include "store/osb_issue.h"

#include "core/field.h"
#include "core/json.h"
#include "core/sb.h"
#include "core/str.h"
#include "store/doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ISSUE_COLS                                                                                 \
    "SELECT i.id, i.number, i.rule, i.source, i.document, i.deadline, i.department,"               \
    " i.customer, i.market, i.description, i.opened_at, i.opened_by, i.due_explanation_by,"        \
    " i.explanation, i.cause, i.explained_by, i.explained_at,"                                     \
    " i.explanation_late AS \"explanation_late!b\", i.resolution, i.resolved_by,"                  \
    " i.resolved_at, i.resolved_unexplained AS \"resolved_unexplained!b\", i.completed_at,"        \
    " i.completed_by_action, i.meeting_month, i.carried_over, i.state, i.version,"                 \
    " i.updated_at FROM osb_issues i"

static void copy(char *dst, size_t n, const char *src)
{
    (void)str_field(dst, n, src, "a stored column"); /* the schema and record_check bound it */
}

static char *dup(const char *s)
{
    return s ? strdup(s) : NULL;
}

void store_osb_add_user(json_t *arr, const char *s)
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

/* " AND (...)" limiting entries (alias i) to what v sees. */
static void visible_sql(const struct osb_viewer *v, struct sb *sql, json_t *p)
{
    if (!v || v->all)
        return;
    sb_add(sql, " AND (EXISTS (SELECT 1 FROM osb_issue_people pp WHERE pp.issue = i.number"
                " AND pp.username = ?)");
    json_array_append_new(p, json_string(v->username ? v->username : ""));
    if (v->fsf) {
        sb_add(sql, " OR (i.department = 'sales' AND i.customer IS NULL)"
                    " OR EXISTS (SELECT 1 FROM customers vc WHERE vc.code = i.customer");
        store_scope_sql(&v->scope, sql, p, "vc");
        sb_add(sql, ")");
    } else if (v->department) {
        sb_add(sql, " OR i.department = ?");
        json_array_append_new(p, json_string(v->department));
    }
    sb_add(sql, ")");
}

static void from_row(json_t *r, struct osb_issue *w)
{
    memset(w, 0, sizeof *w);
    w->id = jint(r, "id");
    copy(w->number, sizeof w->number, jstr(r, "number"));
    copy(w->rule, sizeof w->rule, jstr(r, "rule"));
    copy(w->source, sizeof w->source, jstr(r, "source"));
    copy(w->department, sizeof w->department, jstr(r, "department"));
    copy(w->opened_by, sizeof w->opened_by, jstr(r, "opened_by"));
    copy(w->state, sizeof w->state, jstr(r, "state"));
    w->document = dup(jstr(r, "document"));
    w->customer = dup(jstr(r, "customer"));
    w->market = dup(jstr(r, "market"));
    w->description = dup(jstr(r, "description"));
    w->explanation = dup(jstr(r, "explanation"));
    w->cause = dup(jstr(r, "cause"));
    w->explained_by = dup(jstr(r, "explained_by"));
    w->resolution = dup(jstr(r, "resolution"));
    w->resolved_by = dup(jstr(r, "resolved_by"));
    w->completed_by_action = dup(jstr(r, "completed_by_action"));
    w->meeting_month = dup(jstr(r, "meeting_month"));
    w->deadline = jint(r, "deadline");
    w->opened_at = jint(r, "opened_at");
    w->due_explanation_by = jint(r, "due_explanation_by");
    w->explained_at = jint(r, "explained_at");
    w->resolved_at = jint(r, "resolved_at");
    w->completed_at = jint(r, "completed_at");
    w->updated_at = jint(r, "updated_at");
    w->carried_over = jint(r, "carried_over");
    w->version = jint(r, "version");
    w->explanation_late = json_is_true(json_object_get(r, "explanation_late"));
    w->resolved_unexplained = json_is_true(json_object_get(r, "resolved_unexplained"));
}

static int load_people(struct db *db, struct osb_err *e, struct osb_issue *w)
{
    json_t *rows = db_rows(db, e,
                           "SELECT username, kind FROM osb_issue_people WHERE issue = ?"
                           " ORDER BY kind, username",
                           "s", w->number);
    if (!rows)
        return -1;
    w->responsible = json_array();
    w->notified = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
        json_array_append(strcmp(jstr(r, "kind"), "explains") == 0 ? w->responsible : w->notified,
                          json_object_get(r, "username"));
    json_decref(rows);
    return 0;
}

void store_osb_issue_release(struct osb_issue *w)
{
    char **owned[] = {&w->document,     &w->customer,
                      &w->market,       &w->description,
                      &w->explanation,  &w->cause,
                      &w->explained_by, &w->resolution,
                      &w->resolved_by,  &w->completed_by_action,
                      &w->meeting_month};
    for (size_t i = 0; i < sizeof owned / sizeof owned[0]; i++) {
        char **field = owned[i];
        free(*field);
        *field = NULL;
    }
    json_decref(w->responsible);
    json_decref(w->notified);
    w->responsible = w->notified = NULL;
}

void store_osb_issue_free_all(struct osb_issue *items, size_t n)
{
    for (size_t i = 0; items && i < n; i++)
        store_osb_issue_release(&items[i]);
    free(items);
}

int store_osb_issue_load(struct db *db, struct osb_err *e, const struct osb_viewer *v,
                         const char *number, struct osb_issue *w)
{
    memset(w, 0, sizeof *w);
    json_t *p = json_array();
    json_array_append_new(p, json_string(number));
    struct sb sql = SB_INIT;
    sb_add(&sql, ISSUE_COLS " WHERE i.number = ?");
    visible_sql(v, &sql, p);
    json_t *rows = db_rows_a(db, e, sb_str(&sql), p);
    sb_free(&sql);
    json_decref(p);
    if (!rows)
        return -1;
    if (json_array_size(rows) == 0) {
        json_decref(rows);
        return 0;
    }
    from_row(json_array_get(rows, 0), w);
    json_decref(rows);
    if (load_people(db, e, w) < 0) {
        store_osb_issue_release(w);
        return -1;
    }
    return 1;
}

int store_osb_issue_find(struct db *db, struct osb_err *e, const char *rule, const char *document,
                         int64_t deadline, char number[DOCNO_MAX])
{
    json_t *row = NULL;
    int rc = db_row(db, e, &row,
                    "SELECT number FROM osb_issues WHERE rule = ? AND document = ?"
                    " AND deadline = ?",
                    "ssi", rule, document, deadline);
    if (rc == 1) {
        copy(number, DOCNO_MAX, jstr(row, "number"));
        json_decref(row);
    }
    return rc;
}

int store_osb_issue_insert(struct db *db, struct osb_err *e, const struct osb_issue *w)
{
    /* Manual entries store no deadline: the NULL keeps them out of the unique key. */
    json_t *p =
        json_pack("[sss s? o s s? s? s? I s I s? I]", w->number, w->rule, w->source, w->document,
                  w->deadline ? json_integer(w->deadline) : json_null(), w->department, w->customer,
                  w->market, w->description, (json_int_t)w->opened_at, w->opened_by,
                  (json_int_t)w->due_explanation_by, w->meeting_month, (json_int_t)w->opened_at);
    if (!p)
        return err_set(e, ERR_INTERNAL, "cannot bind the entry %s", w->number);
    int rc = db_exec_a(db, e,
                       "INSERT INTO osb_issues(number, rule, source, document, deadline,"
                       " department, customer, market, description, opened_at, opened_by,"
                       " due_explanation_by, meeting_month, updated_at)"
                       " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                       p);
    json_decref(p);
    return rc < 0 ? -1 : 0;
}

int store_osb_issue_add_people(struct db *db, struct osb_err *e, const char *number,
                               json_t *usernames, const char *kind)
{
    size_t i;
    json_t *u;
    json_array_foreach(usernames, i, u)
    {
        if (db_exec(db, e,
                    "INSERT INTO osb_issue_people(issue, username, kind) VALUES(?,?,?)"
                    " ON CONFLICT DO NOTHING",
                    "sss", number, json_string_value(u), kind) < 0)
            return -1;
    }
    return 0;
}

int store_osb_issue_note_done(struct db *db, struct osb_err *e, const char *number, int64_t done_at,
                              const char *action, int64_t now)
{
    int n = db_exec(db, e,
                    "UPDATE osb_issues SET completed_at = ?, completed_by_action = ?,"
                    " updated_at = ? WHERE number = ? AND completed_at IS NULL",
                    "isis", done_at, action, now, number);
    return n < 0 ? -1 : n > 0;
}

int store_osb_issue_save(struct db *db, struct osb_err *e, struct osb_issue *w, const char *state,
                         int64_t now)
{
    struct sb sql = SB_INIT;
    json_t *p = json_array();
    sb_add(&sql, "UPDATE osb_issues SET state = ?, version = version + 1, updated_at = ?");
    json_array_append_new(p, json_string(state));
    json_array_append_new(p, json_integer(now));
    if (w->explain_changed) {
        /* A new explanation (after a reopen) without a cause keeps the cause given before. */
        sb_add(&sql, ", explanation = ?, cause = coalesce(?, cause), explained_by = ?,"
                     " explained_at = ?, explanation_late = ?");
        json_array_append_new(p, json_string(w->explanation ? w->explanation : ""));
        json_array_append_new(p, w->cause ? json_string(w->cause) : json_null());
        json_array_append_new(p, json_string(w->explained_by ? w->explained_by : ""));
        json_array_append_new(p, json_integer(w->explained_at));
        json_array_append_new(p, json_boolean(w->explanation_late));
    }
    if (w->resolve_changed) {
        sb_add(&sql, ", resolution = ?, resolved_by = ?, resolved_at = ?,"
                     " resolved_unexplained = ?");
        json_array_append_new(p, json_string(w->resolution ? w->resolution : ""));
        json_array_append_new(p, json_string(w->resolved_by ? w->resolved_by : ""));
        json_array_append_new(p, json_integer(w->resolved_at));
        json_array_append_new(p, json_boolean(w->resolved_unexplained));
    }
    if (w->due_changed) {
        sb_add(&sql, ", due_explanation_by = ?");
        json_array_append_new(p, json_integer(w->due_explanation_by));
    }
    sb_add(&sql, " WHERE number = ?");
    json_array_append_new(p, json_string(w->number));
    int rc = db_exec_a(db, e, sb_str(&sql), p);
    sb_free(&sql);
    json_decref(p);
    if (rc < 0)
        return -1;
    copy(w->state, sizeof w->state, state);
    w->version++;
    w->updated_at = now;
    w->explain_changed = w->resolve_changed = w->due_changed = false;
    return 0;
}

int store_osb_issue_list(struct db *db, struct osb_err *e, const struct osb_viewer *v,
                         const struct osb_issue_filter *f, struct osb_issue **items, size_t *n,
                         int64_t *next_id)
{
    *items = NULL;
    *n = 0;
    *next_id = 0;
    json_t *p = json_array();
    struct sb sql = SB_INIT;
    sb_add(&sql, ISSUE_COLS " LEFT JOIN customers qc ON qc.code = i.customer"
                            " WHERE i.opened_at >= ? AND i.opened_at < ?");
    json_array_append_new(p, json_integer(f->opened_from));
    json_array_append_new(p, json_integer(f->opened_to));
    store_filter_in(&sql, p, "i.state", f->state);
    store_filter_eq(&sql, p, "i.rule", f->rule);
    store_filter_eq(&sql, p, "i.department", f->department);
    store_filter_eq(&sql, p, "i.source", f->source);
    store_filter_eq(&sql, p, "i.document", f->document);
    store_filter_eq(&sql, p, "i.market", f->market);
    store_filter_eq(&sql, p, "i.meeting_month", f->meeting_month);
    store_filter_q(&sql, p, f->q, "i.number", "qc", NULL, NULL);
    if (f->after_id > 0 && !f->oldest_first) {
        sb_add(&sql, " AND i.id < ?");
        json_array_append_new(p, json_integer(f->after_id));
    }
    visible_sql(v, &sql, p);
    sb_add(&sql, f->oldest_first ? " ORDER BY i.id" : " ORDER BY i.id DESC");
    if (f->limit > 0) {
        sb_add(&sql, " LIMIT ?");
        json_array_append_new(p, json_integer(f->limit + 1));
    }
    json_t *rows = db_rows_a(db, e, sb_str(&sql), p);
    sb_free(&sql);
    json_decref(p);
    if (!rows)
        return -1;
    size_t count = json_array_size(rows);
    if (f->limit > 0 && count > (size_t)f->limit) {
        count = (size_t)f->limit;
        *next_id = jint(json_array_get(rows, count - 1), "id");
    }
    struct osb_issue *w = calloc(count ? count : 1, sizeof *w);
    int rc = 0;
    for (size_t i = 0; i < count; i++) {
        from_row(json_array_get(rows, i), &w[i]);
        *n = i + 1;
        if ((rc = load_people(db, e, &w[i])) < 0)
            break;
    }
    json_decref(rows);
    if (rc < 0) {
        store_osb_issue_free_all(w, *n);
        *n = 0;
        *next_id = 0;
        return -1;
    }
    *items = w;
    return 0;
}

json_t *store_osb_issue_overdue(struct db *db, struct osb_err *e, int64_t now)
{
    return db_rows(db, e,
                   "SELECT number, department FROM osb_issues WHERE state = 'open'"
                   " AND due_explanation_by <= ? ORDER BY id",
                   "i", now);
}

int store_osb_issue_carry_over(struct db *db, struct osb_err *e, int64_t now)
{
    return db_exec(db, e,
                   "UPDATE osb_issues SET carried_over = carried_over + 1, updated_at = ?"
                   " WHERE state <> 'resolved' AND opened_at <= ?",
                   "ii", now, now) < 0
               ? -1
               : 0;
}

/* ---- users ------------------------------------------------------------------------------ */

static int add_rows(json_t *out, json_t *rows)
{
    if (!rows)
        return -1;
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) store_osb_add_user(out, jstr(r, "u"));
    json_decref(rows);
    return 0;
}

int store_osb_department_heads(struct db *db, struct osb_err *e, const char *department,
                               json_t *out)
{
    return add_rows(out, db_rows(db, e,
                                 "SELECT username AS u FROM users WHERE active = 1 AND"
                                 " ((? = 'slt' AND role = 'gm') OR (? = 'ssg' AND role ="
                                 " 'ssg_leader') OR (department = ? AND duties LIKE"
                                 " '%\"head\"%')) ORDER BY username",
                                 "sss", department, department, department));
}

int store_osb_ssg_leaders(struct db *db, struct osb_err *e, json_t *out)
{
    return add_rows(out, db_rows(db, e,
                                 "SELECT username AS u FROM users WHERE active = 1 AND role ="
                                 " 'ssg_leader' ORDER BY username",
                                 NULL));
}

int store_osb_slt(struct db *db, struct osb_err *e, bool ssg, json_t *out)
{
    return add_rows(out, db_rows(db, e,
                                 "SELECT username AS u FROM users WHERE active = 1 AND role IN"
                                 " ('gm', 'sales_director', 'deputy_director', ?)"
                                 " ORDER BY username",
                                 "s", ssg ? "ssg_leader" : "gm"));
}

int store_osb_user_is_head(struct db *db, struct osb_err *e, const char *username)
{
    int64_t n = 0;
    if (db_int(db, e, &n,
               "SELECT count(*) FROM users WHERE username = ? AND duties LIKE '%\"head\"%'", "s",
               username) < 0)
        return -1;
    return n > 0;
}

int store_osb_user_active(struct db *db, struct osb_err *e, const char *username)
{
    int64_t n = 0;
    if (db_int(db, e, &n, "SELECT count(*) FROM users WHERE username = ? AND active = 1", "s",
               username) < 0)
        return -1;
    return n > 0;
}

/* ---- the meeting report ----------------------------------------------------------------- */

/* Rows of head + visibility + tail with the params p (consumed). */
static json_t *visible_rows(struct db *db, struct osb_err *e, const struct osb_viewer *v,
                            const char *head, json_t *p, const char *tail)
{
    struct sb s = SB_INIT;
    sb_add(&s, head);
    visible_sql(v, &s, p);
    sb_add(&s, tail);
    json_t *rows = db_rows_a(db, e, sb_str(&s), p);
    sb_free(&s);
    json_decref(p);
    return rows;
}

static json_t *period_params(int64_t t0, int64_t t1, const char *market)
{
    json_t *p = json_array();
    json_array_append_new(p, json_integer(t0));
    json_array_append_new(p, json_integer(t1));
    if (market)
        json_array_append_new(p, json_string(market));
    return p;
}

json_t *store_osb_opened_by_rule(struct db *db, struct osb_err *e, const struct osb_viewer *v,
                                 int64_t t0, int64_t t1, const char *market)
{
    return visible_rows(db, e, v,
                        market ? "SELECT i.rule, i.department, count(*) AS count FROM osb_issues i"
                                 " WHERE i.opened_at >= ? AND i.opened_at < ? AND i.market = ?"
                               : "SELECT i.rule, i.department, count(*) AS count FROM osb_issues i"
                                 " WHERE i.opened_at >= ? AND i.opened_at < ?",
                        period_params(t0, t1, market),
                        " GROUP BY i.rule, i.department ORDER BY i.rule, i.department");
}

json_t *store_osb_opened_by_cause(struct db *db, struct osb_err *e, const struct osb_viewer *v,
                                  int64_t t0, int64_t t1, const char *market)
{
    return visible_rows(db, e, v,
                        market ? "SELECT coalesce(i.cause, 'unspecified') AS cause, count(*) AS"
                                 " count FROM osb_issues i WHERE i.opened_at >= ?"
                                 " AND i.opened_at < ? AND i.market = ?"
                               : "SELECT coalesce(i.cause, 'unspecified') AS cause, count(*) AS"
                                 " count FROM osb_issues i WHERE i.opened_at >= ?"
                                 " AND i.opened_at < ?",
                        period_params(t0, t1, market), " GROUP BY 1 ORDER BY 1");
}

json_t *store_osb_unresolved(struct db *db, struct osb_err *e, const struct osb_viewer *v,
                             const char *market)
{
    json_t *p = json_array();
    if (market)
        json_array_append_new(p, json_string(market));
    return visible_rows(db, e, v,
                        market ? "SELECT i.number, i.rule, i.source, i.document, i.department,"
                                 " i.opened_at, i.explanation, i.carried_over, i.state FROM"
                                 " osb_issues i WHERE i.state <> 'resolved' AND i.market = ?"
                               : "SELECT i.number, i.rule, i.source, i.document, i.department,"
                                 " i.opened_at, i.explanation, i.carried_over, i.state FROM"
                                 " osb_issues i WHERE i.state <> 'resolved'",
                        p, " ORDER BY i.id");
}
