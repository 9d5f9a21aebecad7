/*
 * fieldlog.c (store) — the field-sales records' SQL (store/fieldlog.h).
 */
#include "store/fieldlog.h"

#include "core/json.h"
#include "core/sb.h"
#include "store/doc.h"

#include <stdlib.h>
#include <string.h>

static json_t *str_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

static json_t *run(struct db *db, struct osb_err *e, struct sb *sql, json_t *p)
{
    json_t *rows = db_rows_a(db, e, sb_str(sql), p);
    sb_free(sql);
    json_decref(p);
    return rows;
}

static void add_limit(struct sb *sql, json_t *p, int limit)
{
    sb_add(sql, " LIMIT ?");
    json_array_append_new(p, json_integer(limit > 0 ? limit : 50));
}

/* ---- work log ---------------------------------------------------------------------------- */

int store_worklog_insert(struct db *db, struct osb_err *e, const struct worklog *w)
{
    int64_t n = 0;
    if (db_int(db, e, &n, "SELECT count(*) FROM work_logs WHERE username = ? AND date = ?", "ss",
               w->username, w->date) < 0)
        return -1;
    if (n)
        return 0;
    json_t *p = json_pack("[s s s o o o o I]", w->username, w->date, w->text,
                          str_or_null(w->market), str_or_null(w->region), str_or_null(w->kam),
                          str_or_null(w->rep), (json_int_t)w->at);
    int rc = db_exec_a(db, e,
                       "INSERT INTO work_logs(username, date, text, market, region, kam, rep,"
                       " submitted_at) VALUES(?,?,?,?,?,?,?,?)",
                       p);
    json_decref(p);
    return rc < 0 ? -1 : 1;
}

static void worklog_select(struct sb *sql, json_t *p, const struct scope_user *u)
{
    sb_add(sql, "SELECT w.id AS id, w.username AS \"user\", w.date AS date, w.text AS text,"
                " w.market AS market, w.region AS region, w.submitted_at AS submitted_at"
                " FROM work_logs w WHERE (w.username = ? OR (1=1");
    json_array_append_new(p, json_string(u->username ? u->username : ""));
    store_scope_sql(u, sql, p, "w");
    sb_add(sql, "))");
}

int store_worklog_get(struct db *db, struct osb_err *e, const struct scope_user *u, int64_t id,
                      json_t **out)
{
    struct sb sql = SB_INIT;
    json_t *p = json_array();
    worklog_select(&sql, p, u);
    sb_add(&sql, " AND w.id = ?");
    json_array_append_new(p, json_integer(id));
    json_t *rows = run(db, e, &sql, p);
    if (!rows)
        return -1;
    int rc = json_array_size(rows) ? 1 : 0;
    *out = rc ? json_incref(json_array_get(rows, 0)) : NULL;
    json_decref(rows);
    return rc;
}

json_t *store_worklog_list(struct db *db, struct osb_err *e, const struct scope_user *u,
                           const char *user, const char *from, const char *to, const char *q,
                           int limit)
{
    struct sb sql = SB_INIT;
    json_t *p = json_array();
    worklog_select(&sql, p, u);
    store_filter_eq(&sql, p, "w.username", user);
    if (from) {
        sb_add(&sql, " AND w.date >= ?");
        json_array_append_new(p, json_string(from));
    }
    if (to) {
        sb_add(&sql, " AND w.date <= ?");
        json_array_append_new(p, json_string(to));
    }
    if (q && *q) {
        sb_add(&sql, " AND (lower(w.text) LIKE ? OR lower(w.username) LIKE ?)");
        char *like = NULL;
        size_t n = strlen(q);
        like = malloc(n + 3);
        like[0] = '%';
        for (size_t i = 0; i < n; i++)
            like[i + 1] = (q[i] >= 'A' && q[i] <= 'Z') ? (char)(q[i] + 32) : q[i];
        like[n + 1] = '%';
        like[n + 2] = 0;
        json_array_append_new(p, json_string(like));
        json_array_append_new(p, json_string(like));
        free(like);
    }
    sb_add(&sql, " ORDER BY w.date DESC, w.username");
    add_limit(&sql, p, limit);
    return run(db, e, &sql, p);
}

/* ---- call log ---------------------------------------------------------------------------- */

int store_calllog_insert(struct db *db, struct osb_err *e, const struct calllog *l, int64_t *id)
{
    json_t *p =
        json_pack("[s s I s b o o o I o]", l->customer, l->by, (json_int_t)l->at, l->kind,
                  l->reached, str_or_null(l->outcome), str_or_null(l->promised_pay_date),
                  l->has_amount ? json_integer(l->promised_amount_fen) : json_null(),
                  (json_int_t)l->created_at, l->rating > 0 ? json_integer(l->rating) : json_null());
    int rc = db_exec_a(db, e,
                       "INSERT INTO call_logs(customer, by_user, at, kind, reached, outcome,"
                       " promised_pay_date, promised_amount_fen, created_at, rating)"
                       " VALUES(?,?,?,?,?,?,?,?,?,?)",
                       p);
    json_decref(p);
    if (rc < 0)
        return -1;
    *id = db_last_id(db);
    return 0;
}

static void calllog_select(struct sb *sql, json_t *p, const struct scope_user *u)
{
    sb_add(sql, "SELECT l.id AS id, l.customer AS customer, c.name AS customer_name,"
                " l.by_user AS by_user, l.at AS at, l.kind AS kind, l.reached AS reached,"
                " l.outcome AS outcome, l.promised_pay_date AS promised_pay_date,"
                " l.promised_amount_fen AS promised_amount_fen, l.rating AS rating"
                " FROM call_logs l"
                " JOIN customers c ON c.code = l.customer WHERE 1=1");
    store_scope_sql(u, sql, p, "c");
}

int store_calllog_get(struct db *db, struct osb_err *e, const struct scope_user *u, int64_t id,
                      json_t **out)
{
    struct sb sql = SB_INIT;
    json_t *p = json_array();
    calllog_select(&sql, p, u);
    sb_add(&sql, " AND l.id = ?");
    json_array_append_new(p, json_integer(id));
    json_t *rows = run(db, e, &sql, p);
    if (!rows)
        return -1;
    int rc = json_array_size(rows) ? 1 : 0;
    *out = rc ? json_incref(json_array_get(rows, 0)) : NULL;
    json_decref(rows);
    return rc;
}

json_t *store_calllog_list(struct db *db, struct osb_err *e, const struct scope_user *u,
                           const char *customer, const char *kind, const char *by, ts_t from_ts,
                           ts_t to_ts, const char *q, int limit)
{
    struct sb sql = SB_INIT;
    json_t *p = json_array();
    calllog_select(&sql, p, u);
    store_filter_eq(&sql, p, "l.customer", customer);
    store_filter_in(&sql, p, "l.kind", kind);
    store_filter_eq(&sql, p, "l.by_user", by);
    if (from_ts) {
        sb_add(&sql, " AND l.at >= ?");
        json_array_append_new(p, json_integer(from_ts));
    }
    if (to_ts) {
        sb_add(&sql, " AND l.at < ?");
        json_array_append_new(p, json_integer(to_ts));
    }
    store_filter_q(&sql, p, q, "l.kind", "c", NULL, NULL);
    sb_add(&sql, " ORDER BY l.at DESC, l.id DESC");
    add_limit(&sql, p, limit);
    return run(db, e, &sql, p);
}

/* ---- monthly focus ----------------------------------------------------------------------- */

int store_focus_insert(struct db *db, struct osb_err *e, const char *month, const char *main,
                       const char *s1, const char *s2, json_t *goals, const char *by, ts_t at)
{
    int64_t n = 0;
    if (db_int(db, e, &n, "SELECT count(*) FROM monthly_focus WHERE month = ?", "s", month) < 0)
        return -1;
    if (n)
        return 0;
    if (db_exec(db, e,
                "INSERT INTO monthly_focus(month, main, secondary1, secondary2, published_by,"
                " published_at) VALUES(?,?,?,?,?,?)",
                "sssssi", month, main, s1, s2, by, at) < 0)
        return -1;
    size_t i;
    json_t *g;
    json_array_foreach(goals, i, g)
    {
        json_t *p = json_pack("[s O O O]", month, json_object_get(g, "market"),
                              json_object_get(g, "target_fen"), json_object_get(g, "focus"));
        int rc = db_exec_a(db, e,
                           "INSERT INTO monthly_focus_goals(month, market, target_fen, focus)"
                           " VALUES(?,?,?,?)",
                           p);
        json_decref(p);
        if (rc < 0)
            return -1;
    }
    return 1;
}

int store_focus_get(struct db *db, struct osb_err *e, const char *month, json_t **out)
{
    int rc = db_row(db, e, out,
                    "SELECT month, main, secondary1, secondary2, published_by, published_at"
                    " FROM monthly_focus WHERE month = ?",
                    "s", month);
    if (rc <= 0)
        return rc;
    json_t *g = db_rows(db, e,
                        "SELECT market, target_fen, focus FROM monthly_focus_goals"
                        " WHERE month = ? ORDER BY market",
                        "s", month);
    if (!g) {
        json_decref(*out);
        *out = NULL;
        return -1;
    }
    json_object_set_new(*out, "goals", g);
    return 1;
}

json_t *store_focus_months(struct db *db, struct osb_err *e, const char *from, const char *to)
{
    return db_rows(db, e,
                   "SELECT month FROM monthly_focus WHERE month >= ? AND month <= ?"
                   " ORDER BY month DESC",
                   "ss", from ? from : "0000-00", to ? to : "9999-99");
}

int store_fieldlog_market_exists(struct db *db, struct osb_err *e, const char *market)
{
    int64_t n = 0;
    if (db_int(db, e, &n, "SELECT count(*) FROM markets WHERE code = ?", "s", market) < 0)
        return -1;
    return n ? 1 : 0;
}

/* ---- meetings ---------------------------------------------------------------------------- */

static const char *const item_kinds[] = {"attendees", "decisions", "issues", NULL};

int store_meeting_insert(struct db *db, struct osb_err *e, const char *kind, const char *date,
                         const char *market, const char *minutes, json_t *items, const char *by,
                         ts_t at, int64_t *id)
{
    json_t *p = json_pack("[s s o o s I]", kind, date, str_or_null(market), str_or_null(minutes),
                          by, (json_int_t)at);
    int rc = db_exec_a(db, e,
                       "INSERT INTO meetings(kind, date, market, minutes, recorded_by, created_at)"
                       " VALUES(?,?,?,?,?,?)",
                       p);
    json_decref(p);
    if (rc < 0)
        return -1;
    *id = db_last_id(db);
    for (const char *const *k = item_kinds; *k; k++) {
        size_t i;
        json_t *v;
        json_array_foreach(json_object_get(items, *k), i, v)
        {
            if (db_exec(db, e,
                        "INSERT INTO meeting_items(meeting, kind, seq, text) VALUES(?,?,?,?)",
                        "isis", *id, *k, (int64_t)(i + 1), json_string_value(v)) < 0)
                return -1;
        }
    }
    return 0;
}

int store_meeting_get(struct db *db, struct osb_err *e, int64_t id, json_t **out)
{
    int rc = db_row(db, e, out,
                    "SELECT id, kind, date, market, minutes, recorded_by, created_at FROM meetings"
                    " WHERE id = ?",
                    "i", id);
    if (rc <= 0)
        return rc;
    json_t *rows = db_rows(db, e,
                           "SELECT kind, text FROM meeting_items WHERE meeting = ?"
                           " ORDER BY kind, seq",
                           "i", id);
    if (!rows) {
        json_decref(*out);
        *out = NULL;
        return -1;
    }
    for (const char *const *k = item_kinds; *k; k++)
        json_object_set_new(*out, *k, json_array());
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        json_t *a = json_object_get(*out, jstr(r, "kind"));
        if (a)
            json_array_append(a, json_object_get(r, "text"));
    }
    json_decref(rows);
    return 1;
}

json_t *store_meeting_ids(struct db *db, struct osb_err *e, const char *kind, const char *market,
                          const char *from, const char *to, int limit)
{
    struct sb sql = SB_INIT;
    json_t *p = json_array();
    sb_add(&sql, "SELECT id FROM meetings WHERE 1=1");
    store_filter_in(&sql, p, "kind", kind);
    store_filter_eq(&sql, p, "market", market);
    if (from) {
        sb_add(&sql, " AND date >= ?");
        json_array_append_new(p, json_string(from));
    }
    if (to) {
        sb_add(&sql, " AND date <= ?");
        json_array_append_new(p, json_string(to));
    }
    sb_add(&sql, " ORDER BY date DESC, id DESC");
    add_limit(&sql, p, limit);
    return run(db, e, &sql, p);
}

/* ---- sightings --------------------------------------------------------------------------- */

json_t *store_sighting_home_regions(struct db *db, struct osb_err *e, const char *sku,
                                    const char *batch)
{
    json_t *rows = db_rows(db, e,
                           "SELECT DISTINCT c.region AS region FROM stock_moves m"
                           " JOIN shipments sh ON sh.number = m.document"
                           " JOIN orders o ON o.number = sh.order_no"
                           " JOIN customers c ON c.code = o.customer"
                           " WHERE m.kind = 'ship' AND m.sku = ? AND m.batch = ?"
                           " ORDER BY c.region",
                           "ss", sku, batch);
    if (!rows)
        return NULL;
    json_t *out = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) json_array_append(out, json_object_get(r, "region"));
    json_decref(rows);
    return out;
}

int store_sighting_insert(struct db *db, struct osb_err *e, const char *visit, const char *customer,
                          const char *market, const char *region, const char *sku,
                          const char *batch, int64_t qty, json_t *home_regions, const char *seen_on,
                          const char *by, ts_t at)
{
    char *homes = json_dumps(home_regions, JSON_COMPACT);
    int rc = db_exec(db, e,
                     "INSERT INTO sightings(visit, customer, market, region, sku, batch, qty,"
                     " home_regions, seen_on, by_user, created_at) VALUES(?,?,?,?,?,?,?,?,?,?,?)",
                     "ssssssisssi", visit, customer, market, region, sku, batch, qty,
                     homes ? homes : "[]", seen_on, by, at);
    free(homes);
    return rc < 0 ? -1 : 0;
}

json_t *store_sighting_list(struct db *db, struct osb_err *e, const struct scope_user *u,
                            const char *market, const char *region, const char *from,
                            const char *to, int limit)
{
    struct sb sql = SB_INIT;
    json_t *p = json_array();
    sb_add(&sql, "SELECT s.id AS id, s.visit AS visit, s.customer AS customer, s.market AS market,"
                 " s.region AS region, s.sku AS sku, s.batch AS batch, s.qty AS qty,"
                 " s.home_regions AS home_regions, s.seen_on AS seen_on, s.by_user AS by_user"
                 " FROM sightings s JOIN customers c ON c.code = s.customer WHERE 1=1");
    store_scope_sql(u, &sql, p, "c");
    store_filter_eq(&sql, p, "s.market", market);
    store_filter_eq(&sql, p, "s.region", region);
    if (from) {
        sb_add(&sql, " AND s.seen_on >= ?");
        json_array_append_new(p, json_string(from));
    }
    if (to) {
        sb_add(&sql, " AND s.seen_on <= ?");
        json_array_append_new(p, json_string(to));
    }
    sb_add(&sql, " ORDER BY s.seen_on DESC, s.id DESC");
    add_limit(&sql, p, limit);
    json_t *rows = run(db, e, &sql, p);
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        json_t *h = json_loads(jstr(r, "home_regions") ? jstr(r, "home_regions") : "[]", 0, NULL);
        json_object_set_new(r, "home_regions", h ? h : json_array());
    }
    return rows;
}

/* ---- visit verification ------------------------------------------------------------------ */

json_t *store_verify_candidates(struct db *db, struct osb_err *e, ts_t from_ts, ts_t to_ts)
{
    return db_rows(db, e,
                   "SELECT number, owner FROM field_docs WHERE type = 'visits'"
                   " AND created_at >= ? AND created_at < ? ORDER BY id",
                   "ii", from_ts, to_ts);
}

int store_verify_exists(struct db *db, struct osb_err *e, const char *month)
{
    int64_t n = 0;
    if (db_int(db, e, &n, "SELECT count(*) FROM visit_verifications WHERE month = ?", "s", month) <
        0)
        return -1;
    return n ? 1 : 0;
}

int store_verify_insert(struct db *db, struct osb_err *e, const char *month, const char *visit,
                        const char *visitor, const char *by, ts_t at)
{
    return db_exec(db, e,
                   "INSERT INTO visit_verifications(month, visit, visitor, picked_at, picked_by)"
                   " VALUES(?,?,?,?,?)",
                   "sssis", month, visit, visitor, at, by) < 0
               ? -1
               : 0;
}

json_t *store_verify_list(struct db *db, struct osb_err *e, const char *month)
{
    return db_rows(db, e,
                   "SELECT v.visit AS visit, v.visitor AS visitor, v.picked_at AS picked_at,"
                   " v.picked_by AS picked_by, d.customer AS customer, d.market AS market,"
                   " d.region AS region, d.kam AS kam, d.rep AS rep, d.state AS state,"
                   " d.data AS data FROM visit_verifications v"
                   " JOIN field_docs d ON d.number = v.visit WHERE v.month = ?"
                   " ORDER BY v.visitor, v.visit",
                   "s", month);
}

json_t *store_visit_items_missing(struct db *db, struct osb_err *e, const char *day)
{
    return db_rows(db, e,
                   "SELECT i.document AS document, i.seq AS seq, p.owner AS owner,"
                   " i.customer AS customer FROM field_items i JOIN field_docs p"
                   " ON p.number = i.document AND p.type = 'visit-plans'"
                   " AND p.state IN ('submitted', 'confirmed')"
                   " WHERE i.date = ? AND NOT EXISTS (SELECT 1 FROM field_docs v"
                   " WHERE v.type = 'visits' AND v.ref = i.document || '/' || i.seq)"
                   " ORDER BY i.document, i.seq",
                   "s", day);
}

/* ---- quarterly satisfaction calls ---------------------------------------------------------- */

int store_satisfaction_tasks_make(struct db *db, struct osb_err *e, const char *quarter,
                                  int64_t now, int64_t *added)
{
    *added = 0;
    json_t *who = db_rows(db, e,
                          "SELECT username FROM users WHERE role = 'customer_service'"
                          " AND active = 1 ORDER BY username",
                          NULL);
    if (!who)
        return -1;
    json_t *todo = json_array_size(who)
                       ? db_rows(db, e,
                                 "SELECT cu.code AS code FROM customers cu"
                                 " WHERE cu.status = 'active' AND NOT EXISTS (SELECT 1"
                                 " FROM satisfaction_tasks t WHERE t.quarter = ?"
                                 " AND t.customer = cu.code) ORDER BY cu.code",
                                 "s", quarter)
                       : json_array();
    int rc = todo ? 0 : -1;
    size_t n = json_array_size(who), i;
    json_t *r;
    json_array_foreach(todo, i, r)
    {
        if (rc < 0)
            break;
        const char *u = jstr(json_array_get(who, i % n), "username");
        rc = db_exec(db, e,
                     "INSERT INTO satisfaction_tasks(quarter, customer, assignee, created_at)"
                     " VALUES(?, ?, ?, ?)",
                     "sssi", quarter, jstr(r, "code"), u, now);
        if (rc >= 0)
            (*added)++;
    }
    json_decref(todo);
    json_decref(who);
    return rc < 0 ? -1 : 0;
}

json_t *store_satisfaction_assignees(struct db *db, struct osb_err *e, const char *quarter)
{
    return db_rows(db, e,
                   "SELECT assignee, count(*) AS n FROM satisfaction_tasks WHERE quarter = ?"
                   " GROUP BY assignee ORDER BY assignee",
                   "s", quarter);
}

int store_satisfaction_called(struct db *db, struct osb_err *e, const char *quarter,
                              const char *customer, int64_t call_id)
{
    return db_exec(db, e,
                   "UPDATE satisfaction_tasks SET call_id = ? WHERE quarter = ? AND customer = ?"
                   " AND call_id IS NULL",
                   "iss", call_id, quarter, customer);
}

json_t *store_satisfaction_list(struct db *db, struct osb_err *e, const struct scope_user *u,
                                const char *quarter, const char *assignee)
{
    struct sb sql = SB_INIT;
    json_t *p = json_array();
    sb_add(&sql, "SELECT t.quarter AS quarter, t.customer AS customer, c.name AS customer_name,"
                 " c.market AS market, c.region AS region, t.assignee AS assignee,"
                 " t.call_id AS call_id, l.at AS called_at, l.reached AS reached,"
                 " l.rating AS rating, l.outcome AS outcome FROM satisfaction_tasks t"
                 " JOIN customers c ON c.code = t.customer"
                 " LEFT JOIN call_logs l ON l.id = t.call_id WHERE t.quarter = ?");
    json_array_append_new(p, json_string(quarter));
    store_scope_sql(u, &sql, p, "c");
    store_filter_eq(&sql, p, "t.assignee", assignee);
    sb_add(&sql, " ORDER BY t.customer");
    return run(db, e, &sql, p);
}
