/*
 * cmr.c (store) — CMR's SQL (store/cmr.h).
 */
#include "store/cmr.h"

#include "core/field.h"
#include "core/json.h"
#include "core/sb.h"
#include "core/str.h"
#include "store/doc.h"

#include <stdlib.h>
#include <string.h>

static void copy(char *dst, size_t n, const char *src)
{
    (void)str_field(dst, n, src ? src : "", "a stored column"); /* the schema bounds it */
}

static char *dup_or_null(const char *s)
{
    return s && *s ? strdup(s) : NULL;
}

/* ---- the review aggregate --------------------------------------------------------------- */

#define LINE_COLS                                                                                  \
    "l.line_no, l.customer, l.current_limit_fen, l.months_n, l.s_avg_fen, l.t_days, l.g_bp,"       \
    " l.r_bp, l.formula_limit_fen, l.adjustment_fen, l.adjustment_reason,"                         \
    " l.proposed_limit_fen, l.needs_gm, l.state, l.flags, l.what_if, l.reviewed_by,"               \
    " l.reviewed_at, l.slt_approved_by, l.slt_on_behalf_of, l.slt_approved_at,"                    \
    " l.gm_approved_by, l.gm_approved_at, l.rejected_by, l.rejected_at, l.reject_comment,"         \
    " l.effective_on, l.effective_at, c.name, c.market, c.region, c.kam, c.rep, c.status,"         \
    " m.slt_supervisor, k.manager, c.credit_limit_fen, c.payment_term_days, l.cycle_days,"         \
    " l.g_forecast_fen, l.g_f_fen, l.g_raw_bp, l.g_sources"

static json_t *jtext(struct dbq *q, int i, json_t *dflt)
{
    json_t *j = dbq_null(q, i) ? NULL : json_loads(dbq_text(q, i), JSON_DECODE_ANY, NULL);
    return j ? j : dflt;
}

static void read_line(struct dbq *q, struct credit_line *l)
{
    l->line_no = (int)dbq_int(q, 0);
    copy(l->customer, sizeof l->customer, dbq_text(q, 1));
    l->current_limit_fen = dbq_int(q, 2);
    l->months_n = (int)dbq_int(q, 3);
    l->s_avg_fen = dbq_int(q, 4);
    l->t_days = (int)dbq_int(q, 5);
    l->g_bp = (int)dbq_int(q, 6);
    l->r_bp = (int)dbq_int(q, 7);
    l->has_formula = !dbq_null(q, 8);
    l->formula_limit_fen = dbq_int(q, 8);
    l->adjustment_fen = dbq_int(q, 9);
    l->adjustment_reason = dup_or_null(dbq_text(q, 10));
    l->proposed_limit_fen = dbq_int(q, 11);
    l->needs_gm = dbq_int(q, 12) != 0;
    copy(l->state, sizeof l->state, dbq_text(q, 13));
    l->flags = jtext(q, 14, NULL);
    if (!json_is_array(l->flags)) {
        json_decref(l->flags);
        l->flags = json_array();
    }
    l->what_if = jtext(q, 15, json_null());
    copy(l->reviewed_by, sizeof l->reviewed_by, dbq_text(q, 16));
    l->reviewed_at = dbq_int(q, 17);
    copy(l->slt_approved_by, sizeof l->slt_approved_by, dbq_text(q, 18));
    copy(l->slt_on_behalf_of, sizeof l->slt_on_behalf_of, dbq_text(q, 19));
    l->slt_approved_at = dbq_int(q, 20);
    copy(l->gm_approved_by, sizeof l->gm_approved_by, dbq_text(q, 21));
    l->gm_approved_at = dbq_int(q, 22);
    copy(l->rejected_by, sizeof l->rejected_by, dbq_text(q, 23));
    l->rejected_at = dbq_int(q, 24);
    l->reject_comment = dup_or_null(dbq_text(q, 25));
    copy(l->effective_on, sizeof l->effective_on, dbq_text(q, 26));
    l->effective_at = dbq_int(q, 27);
    struct order_customer *cu = &l->cu;
    copy(cu->code, sizeof cu->code, l->customer);
    copy(cu->name, sizeof cu->name, dbq_text(q, 28));
    copy(cu->market, sizeof cu->market, dbq_text(q, 29));
    copy(cu->region, sizeof cu->region, dbq_text(q, 30));
    copy(cu->kam, sizeof cu->kam, dbq_text(q, 31));
    copy(cu->rep, sizeof cu->rep, dbq_text(q, 32));
    copy(cu->status, sizeof cu->status, dbq_text(q, 33));
    copy(cu->supervisor, sizeof cu->supervisor, dbq_text(q, 34));
    copy(cu->kam_manager, sizeof cu->kam_manager, dbq_text(q, 35));
    cu->credit_limit_fen = dbq_int(q, 36);
    cu->payment_term_days = (int)dbq_int(q, 37);
    l->cycle_days = (int)dbq_int(q, 38);
    l->has_forecast = !dbq_null(q, 39);
    l->forecast_fen = dbq_int(q, 39);
    l->f_fen = dbq_int(q, 40);
    l->g_raw_bp = dbq_int(q, 41);
    l->g_sources = jtext(q, 42, NULL);
    if (!json_is_array(l->g_sources)) {
        json_decref(l->g_sources);
        l->g_sources = json_array();
    }
}

int store_credit_review_load(struct db *db, struct osb_err *e, const char *number,
                             struct credit_review *r)
{
    memset(r, 0, sizeof *r);
    json_t *row = NULL;
    int rc = db_row(db, e, &row,
                    "SELECT number, quarter, adhoc, review_date, effective_from, state,"
                    " closed_at, closed_note, version, created_at, created_by, updated_at"
                    " FROM credit_reviews WHERE number = ?",
                    "s", number);
    if (rc <= 0)
        return rc;
    copy(r->number, sizeof r->number, jstr(row, "number"));
    copy(r->quarter, sizeof r->quarter, jstr(row, "quarter"));
    r->adhoc = jint(row, "adhoc") != 0;
    copy(r->review_date, sizeof r->review_date, jstr(row, "review_date"));
    copy(r->effective_from, sizeof r->effective_from, jstr(row, "effective_from"));
    copy(r->state, sizeof r->state, jstr(row, "state"));
    r->closed_at = jint(row, "closed_at");
    copy(r->closed_note, sizeof r->closed_note, jstr(row, "closed_note"));
    r->version = jint(row, "version");
    r->created_at = jint(row, "created_at");
    copy(r->created_by, sizeof r->created_by, jstr(row, "created_by"));
    r->updated_at = jint(row, "updated_at");
    json_decref(row);

    int64_t n = 0;
    if (db_int(db, e, &n, "SELECT count(*) FROM credit_review_lines WHERE review = ?", "s",
               number) < 0)
        return -1;
    r->lines = calloc(n > 0 ? (size_t)n : 1, sizeof *r->lines);
    struct dbq *q = db_query(db, e,
                             "SELECT " LINE_COLS " FROM credit_review_lines l"
                             " JOIN customers c ON c.code = l.customer"
                             " JOIN markets m ON m.code = c.market"
                             " LEFT JOIN users k ON k.username = c.kam"
                             " WHERE l.review = ? ORDER BY l.line_no",
                             "s", number);
    if (!q)
        return -1;
    int st;
    while ((st = dbq_next(q, e)) == 1 && r->nlines < (size_t)n)
        read_line(q, &r->lines[r->nlines++]);
    dbq_end(q);
    return st < 0 ? -1 : 1;
}

void store_credit_review_release(struct credit_review *r)
{
    for (size_t i = 0; i < r->nlines; i++) {
        free(r->lines[i].adjustment_reason);
        free(r->lines[i].reject_comment);
        json_decref(r->lines[i].flags);
        json_decref(r->lines[i].what_if);
        json_decref(r->lines[i].g_sources);
    }
    free(r->lines);
    r->lines = NULL;
    r->nlines = 0;
}

int store_credit_review_insert(struct db *db, struct osb_err *e, const struct credit_review *r)
{
    if (db_exec(db, e,
                "INSERT INTO credit_reviews(number, quarter, adhoc, review_date, effective_from,"
                " created_at, created_by, updated_at) VALUES(?,?,?,?,?,?,?,?)",
                "ssbssisi", r->number, r->quarter[0] ? r->quarter : NULL, r->adhoc, r->review_date,
                r->effective_from[0] ? r->effective_from : NULL, r->created_at, r->created_by,
                r->created_at) < 0)
        return -1;
    for (size_t i = 0; i < r->nlines; i++) {
        const struct credit_line *l = &r->lines[i];
        if (db_exec(db, e,
                    /* formula_limit_fen stays NULL here (a text NULL is no bigint on
                       PostgreSQL); the UPDATE below sets it when there is one. */
                    "INSERT INTO credit_review_lines(review, line_no, customer,"
                    " current_limit_fen, months_n, s_avg_fen, t_days, g_bp, r_bp,"
                    " adjustment_fen, proposed_limit_fen, needs_gm, state,"
                    " flags, what_if, cycle_days, g_f_fen, g_raw_bp, g_sources)"
                    " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    "sdsididdd"
                    "ii"
                    "bsjj"
                    "diij",
                    r->number, l->line_no, l->customer, l->current_limit_fen, l->months_n,
                    l->s_avg_fen, l->t_days, l->g_bp, l->r_bp, l->adjustment_fen,
                    l->proposed_limit_fen, l->needs_gm, l->state, l->flags, l->what_if,
                    l->cycle_days, l->f_fen, l->g_raw_bp, l->g_sources) < 0)
            return -1;
        if (l->has_forecast &&
            db_exec(db, e,
                    "UPDATE credit_review_lines SET g_forecast_fen = ? WHERE review = ?"
                    " AND line_no = ?",
                    "isd", l->forecast_fen, r->number, l->line_no) < 0)
            return -1;
        if (l->has_formula &&
            db_exec(db, e,
                    "UPDATE credit_review_lines SET formula_limit_fen = ? WHERE review = ?"
                    " AND line_no = ?",
                    "isd", l->formula_limit_fen, r->number, l->line_no) < 0)
            return -1;
    }
    return 0;
}

static int save_line(struct db *db, struct osb_err *e, const char *number,
                     const struct credit_line *l)
{
    return db_exec(
        db, e,
        "UPDATE credit_review_lines SET adjustment_fen = ?, adjustment_reason = ?,"
        " proposed_limit_fen = ?, needs_gm = ?, state = ?, flags = ?, what_if = ?,"
        " reviewed_by = ?, reviewed_at = ?, slt_approved_by = ?,"
        " slt_on_behalf_of = ?, slt_approved_at = ?, gm_approved_by = ?,"
        " gm_approved_at = ?, rejected_by = ?, rejected_at = ?, reject_comment = ?,"
        " effective_on = ?, effective_at = ? WHERE review = ? AND line_no = ?",
        "isibsjjsissisisissisd", l->adjustment_fen, l->adjustment_reason, l->proposed_limit_fen,
        l->needs_gm, l->state, l->flags, l->what_if, l->reviewed_by[0] ? l->reviewed_by : NULL,
        l->reviewed_at, l->slt_approved_by[0] ? l->slt_approved_by : NULL,
        l->slt_on_behalf_of[0] ? l->slt_on_behalf_of : NULL, l->slt_approved_at,
        l->gm_approved_by[0] ? l->gm_approved_by : NULL, l->gm_approved_at,
        l->rejected_by[0] ? l->rejected_by : NULL, l->rejected_at, l->reject_comment,
        l->effective_on[0] ? l->effective_on : NULL, l->effective_at, number, l->line_no);
}

int store_credit_review_save(struct db *db, struct osb_err *e, struct credit_review *r,
                             const char *state, int64_t now)
{
    bool closing = strcmp(state, "closed") == 0 && strcmp(r->state, "closed") != 0;
    if (closing)
        r->closed_at = now;
    if (db_exec(db, e,
                "UPDATE credit_reviews SET state = ?, version = version + 1, updated_at = ?,"
                " closed_at = ?, closed_note = ? WHERE number = ?",
                "siiss", state, now, r->closed_at, r->closed_note[0] ? r->closed_note : NULL,
                r->number) < 0)
        return -1;
    for (size_t i = 0; i < r->nlines; i++) {
        if (!r->lines[i].changed)
            continue;
        if (save_line(db, e, r->number, &r->lines[i]) < 0)
            return -1;
        r->lines[i].changed = false;
    }
    copy(r->state, sizeof r->state, state);
    r->version++;
    r->updated_at = now;
    return 0;
}

int store_credit_review_list(struct db *db, struct osb_err *e, const struct credit_review_filter *f,
                             json_t **numbers, char **next)
{
    json_t *p = json_array();
    struct sb sql = SB_INIT;
    sb_add(&sql, "SELECT r.number FROM credit_reviews r WHERE 1=1");
    store_filter_in(&sql, p, "r.state", f->state);
    store_filter_eq(&sql, p, "r.quarter", f->quarter);
    if (f->customer) {
        sb_add(&sql, " AND EXISTS (SELECT 1 FROM credit_review_lines l WHERE l.review ="
                     " r.number AND l.customer = ?)");
        json_array_append_new(p, json_string(f->customer));
    }
    if (f->q && *f->q) {
        /* number, quarter, or a customer of its lines by code or name (api.md §5.1 q=) */
        char *like = NULL;
        struct sb pat = SB_INIT;
        sb_add(&pat, "%");
        for (const char *s = f->q; *s; s++) {
            if (*s == '%' || *s == '_' || *s == '\\')
                sb_addf(&pat, "\\%c", *s);
            else
                sb_addf(&pat, "%c", *s);
        }
        sb_add(&pat, "%");
        like = pat.buf;
        sb_add(&sql, " AND (lower(r.number) LIKE lower(?) ESCAPE '\\'"
                     " OR lower(coalesce(r.quarter, '')) LIKE lower(?) ESCAPE '\\'"
                     " OR EXISTS (SELECT 1 FROM credit_review_lines l JOIN customers c"
                     " ON c.code = l.customer WHERE l.review = r.number AND"
                     " (lower(c.code) LIKE lower(?) ESCAPE '\\'"
                     " OR lower(c.name) LIKE lower(?) ESCAPE '\\')))");
        for (int i = 0; i < 4; i++)
            json_array_append_new(p, json_string(like));
        sb_free(&pat);
    }
    return store_doc_page(db, e, &sql, p, "r.number", f->cursor, f->limit, numbers, next);
}

json_t *store_credit_review_open_of(struct db *db, struct osb_err *e, const char *quarter)
{
    json_t *rows = db_rows(db, e,
                           "SELECT number FROM credit_reviews WHERE quarter = ? AND state ="
                           " 'open' ORDER BY id",
                           "s", quarter);
    if (!rows)
        return NULL;
    json_t *out = json_array();
    size_t i;
    json_t *it;
    json_array_foreach(rows, i, it) json_array_append(out, json_object_get(it, "number"));
    json_decref(rows);
    return out;
}

int store_credit_review_count_of(struct db *db, struct osb_err *e, const char *quarter, int64_t *n)
{
    return db_int(db, e, n, "SELECT count(*) FROM credit_reviews WHERE quarter = ?", "s", quarter) <
                   0
               ? -1
               : 0;
}

static json_t *usernames(json_t *rows)
{
    if (!rows)
        return NULL;
    json_t *out = json_array();
    size_t i;
    json_t *it;
    json_array_foreach(rows, i, it) json_array_append(out, json_object_get(it, "u"));
    json_decref(rows);
    return out;
}

json_t *store_credit_review_mms(struct db *db, struct osb_err *e, const char *number)
{
    return usernames(db_rows(db, e,
                             "SELECT DISTINCT u.username AS u FROM users u JOIN customers c"
                             " ON c.market = u.market JOIN credit_review_lines l"
                             " ON l.customer = c.code WHERE l.review = ? AND u.role = 'mm'"
                             " AND u.active = 1 ORDER BY u.username",
                             "s", number));
}

json_t *store_cmr_market_mms(struct db *db, struct osb_err *e, const char *market)
{
    return usernames(db_rows(db, e,
                             "SELECT username AS u FROM users WHERE role = 'mm' AND market = ?"
                             " AND active = 1 ORDER BY username",
                             "s", market));
}

json_t *store_credit_lines_due(struct db *db, struct osb_err *e, const char *today)
{
    return db_rows(db, e,
                   "SELECT l.review AS review, l.customer AS customer FROM credit_review_lines l"
                   " WHERE l.state = 'approved' AND l.effective_on <= ? ORDER BY l.review,"
                   " l.line_no",
                   "s", today);
}

json_t *store_credit_lines_late(struct db *db, struct osb_err *e, const char *today)
{
    return db_rows(db, e,
                   "SELECT l.review AS review, l.customer AS customer, c.market AS market,"
                   " m.slt_supervisor AS supervisor, r.effective_from AS effective_from"
                   " FROM credit_review_lines l JOIN credit_reviews r ON r.number = l.review"
                   " JOIN customers c ON c.code = l.customer JOIN markets m ON m.code = c.market"
                   " WHERE r.state = 'open' AND r.adhoc = 0 AND r.effective_from <= ?"
                   " AND l.state IN ('proposed', 'reviewed') AND l.late_noted = 0"
                   " ORDER BY l.review, m.slt_supervisor, l.line_no",
                   "s", today);
}

int store_credit_line_late_noted(struct db *db, struct osb_err *e, const char *review,
                                 const char *customer)
{
    return db_exec(
               db, e,
               "UPDATE credit_review_lines SET late_noted = 1 WHERE review = ? AND customer = ?",
               "ss", review, customer) < 0
               ? -1
               : 0;
}

/* ---- facts ------------------------------------------------------------------------------- */

json_t *store_cmr_facts(struct db *db, struct osb_err *e, json_t *codes, const char *from,
                        const char *to)
{
    json_t *p = json_array();
    struct sb sql = SB_INIT;
    sb_add(&sql, "SELECT c.code AS customer, c.credit_limit_fen AS credit_limit_fen,"
                 " c.payment_term_days AS payment_term_days, c.grade AS grade, c.status AS status,"
                 " (SELECT min(i.invoice_date) FROM invoices i WHERE i.customer = c.code"
                 "  AND i.state <> 'cancelled') AS first_invoice,"
                 " coalesce((SELECT sum(i.amount_fen) FROM invoices i WHERE i.customer = c.code"
                 "  AND i.state <> 'cancelled' AND i.invoice_date BETWEEN ? AND ?), 0)"
                 " - coalesce((SELECT sum(n.amount_fen) FROM credit_notes n WHERE n.customer ="
                 "  c.code AND n.date BETWEEN ? AND ?), 0) AS net_fen"
                 " FROM customers c WHERE ");
    for (int i = 0; i < 2; i++) {
        json_array_append_new(p, json_string(from));
        json_array_append_new(p, json_string(to));
    }
    if (codes) {
        sb_add(&sql, "c.code IN (");
        for (size_t i = 0; i < json_array_size(codes); i++) {
            sb_add(&sql, i ? ",?" : "?");
            json_array_append(p, json_array_get(codes, i));
        }
        sb_add(&sql, ")");
    } else {
        sb_add(&sql, "c.status = 'active'");
    }
    sb_add(&sql, " ORDER BY c.code");
    json_t *rows = db_rows_a(db, e, sql.buf, p);
    sb_free(&sql);
    json_decref(p);
    return rows;
}

json_t *store_cmr_past_checks(struct db *db, struct osb_err *e, const char *customer,
                              int64_t from_ts, int64_t to_ts)
{
    json_t *rows = db_rows(db, e,
                           "SELECT credit_check, total_fen FROM orders WHERE customer = ?"
                           " AND credit_check IS NOT NULL AND accepted_at >= ? AND accepted_at < ?"
                           " ORDER BY accepted_at, id",
                           "sii", customer, from_ts, to_ts);
    if (!rows)
        return NULL;
    json_t *out = json_array();
    size_t i;
    json_t *it;
    json_array_foreach(rows, i, it)
    {
        json_t *cc = json_loads(jstr(it, "credit_check"), 0, NULL);
        if (!json_is_object(cc)) {
            json_decref(cc);
            continue;
        }
        json_object_set(cc, "total_fen", json_object_get(it, "total_fen"));
        json_array_append_new(out, cc);
    }
    json_decref(rows);
    return out;
}

int store_cmr_set_limit(struct db *db, struct osb_err *e, const char *customer, int64_t limit,
                        int64_t now, int64_t *old)
{
    if (db_int(db, e, old, "SELECT credit_limit_fen FROM customers WHERE code = ?", "s", customer) <
        0)
        return -1;
    return db_exec(db, e,
                   "UPDATE customers SET credit_limit_fen = ?, version = version + 1,"
                   " updated_at = ? WHERE code = ?",
                   "iis", limit, now, customer) < 0
               ? -1
               : 0;
}

/* ---- grade lists ------------------------------------------------------------------------- */

json_t *store_cmr_grade_customers(struct db *db, struct osb_err *e)
{
    return db_rows(db, e,
                   "SELECT code AS customer, grade FROM customers WHERE status = 'active'"
                   " ORDER BY code",
                   "");
}

json_t *store_cmr_grade_invoices(struct db *db, struct osb_err *e, const char *from,
                                 const char *as_of)
{
    return db_rows(db, e,
                   "SELECT i.customer AS customer, i.due_date AS due_date,"
                   " i.amount_fen - i.credited_fen - i.written_off_fen AS a_fen,"
                   " coalesce((SELECT sum(a.amount_fen) FROM allocations a WHERE a.invoice ="
                   "  i.number AND a.own = 0 AND a.reversed_by IS NULL AND a.settle_date <= ?),"
                   "  0) AS settled_fen,"
                   " (SELECT max(a.settle_date) FROM allocations a WHERE a.invoice = i.number"
                   "  AND a.own = 0 AND a.reversed_by IS NULL AND a.settle_date <= ?)"
                   "  AS last_settle"
                   " FROM invoices i JOIN customers c ON c.code = i.customer"
                   " WHERE c.status = 'active' AND i.state <> 'cancelled'"
                   " AND i.due_date >= ? AND i.due_date <= ? ORDER BY i.customer, i.id",
                   "ssss", as_of, as_of, from, as_of);
}

json_t *store_cmr_grade_oldest_open(struct db *db, struct osb_err *e, const char *as_of)
{
    return db_rows(db, e,
                   "SELECT i.customer AS customer, min(i.due_date) AS oldest_due"
                   " FROM invoices i WHERE i.state <> 'cancelled' AND i.due_date < ?"
                   " AND i.amount_fen - i.credited_fen - i.written_off_fen >"
                   " coalesce((SELECT sum(a.amount_fen) FROM allocations a WHERE a.invoice ="
                   "  i.number AND a.own = 0 AND a.reversed_by IS NULL AND a.settle_date <= ?),"
                   "  0) GROUP BY i.customer",
                   "ss", as_of, as_of);
}

json_t *store_cmr_grade_incidents(struct db *db, struct osb_err *e, const char *from,
                                  const char *as_of)
{
    return db_rows(db, e,
                   "SELECT customer, kind, date FROM credit_incidents WHERE date > ?"
                   " AND date <= ? ORDER BY customer, date",
                   "ss", from, as_of);
}

int store_grade_list_head(struct db *db, struct osb_err *e, const char *month, json_t **head)
{
    return db_row(db, e, head,
                  "SELECT month, as_of, computed_at, computed_by, published, published_at,"
                  " published_by FROM credit_grade_lists WHERE month = ?",
                  "s", month);
}

json_t *store_grade_list_rows(struct db *db, struct osb_err *e, const char *month)
{
    return db_rows(db, e,
                   "SELECT g.customer AS customer, g.dpl_days AS dpl_days,"
                   " g.max_overdue_days AS max_overdue_days, g.has_invoices AS has_invoices,"
                   " g.computed_grade AS computed_grade, g.previous_grade AS previous_grade,"
                   " g.override_grade AS override_grade, g.override_reason AS override_reason,"
                   " g.override_by AS override_by, g.override_at AS override_at,"
                   " coalesce(g.override_grade, g.computed_grade) AS grade,"
                   " c.name AS name, c.market AS market, c.region AS region, c.kam AS kam,"
                   " c.rep AS rep, m.slt_supervisor AS supervisor, k.manager AS kam_manager,"
                   " c.grade AS grade_now, c.credit_hold AS credit_hold"
                   " FROM credit_grades g JOIN customers c ON c.code = g.customer"
                   " JOIN markets m ON m.code = c.market LEFT JOIN users k ON k.username = c.kam"
                   " WHERE g.month = ? ORDER BY g.customer",
                   "s", month);
}

int store_grade_list_put(struct db *db, struct osb_err *e, const char *month, const char *as_of,
                         int64_t now, const char *by)
{
    return db_exec(db, e,
                   "INSERT INTO credit_grade_lists(month, as_of, computed_at, computed_by)"
                   " VALUES(?,?,?,?) ON CONFLICT(month) DO UPDATE SET as_of = excluded.as_of,"
                   " computed_at = excluded.computed_at, computed_by = excluded.computed_by",
                   "ssis", month, as_of, now, by) < 0
               ? -1
               : 0;
}

int store_grade_row_put(struct db *db, struct osb_err *e, const char *month, const char *customer,
                        int64_t dpl, int64_t max_overdue, bool has_invoices, char computed,
                        char previous)
{
    char cg[2] = {computed, 0}, pg[2] = {previous, 0};
    return db_exec(db, e,
                   "INSERT INTO credit_grades(month, customer, dpl_days, max_overdue_days,"
                   " has_invoices, computed_grade, previous_grade) VALUES(?,?,?,?,?,?,?)"
                   " ON CONFLICT(month, customer) DO UPDATE SET dpl_days = excluded.dpl_days,"
                   " max_overdue_days = excluded.max_overdue_days,"
                   " has_invoices = excluded.has_invoices,"
                   " computed_grade = excluded.computed_grade,"
                   " previous_grade = excluded.previous_grade",
                   "ssiibss", month, customer, dpl, max_overdue, has_invoices, cg, pg) < 0
               ? -1
               : 0;
}

int store_grade_override(struct db *db, struct osb_err *e, const char *month, const char *customer,
                         const char *grade, const char *reason, const char *by, int64_t now)
{
    return db_exec(db, e,
                   "UPDATE credit_grades SET override_grade = ?, override_reason = ?,"
                   " override_by = ?, override_at = ? WHERE month = ? AND customer = ?",
                   "sssiss", grade, reason, by, now, month, customer) < 0
               ? -1
               : 0;
}

int store_grade_publish(struct db *db, struct osb_err *e, const char *month, const char *by,
                        int64_t now)
{
    return db_exec(db, e,
                   "UPDATE credit_grade_lists SET published = 1, published_at = ?,"
                   " published_by = ? WHERE month = ?",
                   "iss", now, by, month) < 0
               ? -1
               : 0;
}

int store_cmr_set_grade(struct db *db, struct osb_err *e, const char *customer, char grade,
                        bool hold, const char *hold_reason, int64_t now)
{
    char g[2] = {grade, 0};
    if (hold)
        return db_exec(db, e,
                       "UPDATE customers SET grade = ?, credit_hold = 1, credit_hold_reason = ?,"
                       " version = version + 1, updated_at = ? WHERE code = ?",
                       "ssis", g, hold_reason, now, customer) < 0
                   ? -1
                   : 0;
    return db_exec(db, e,
                   "UPDATE customers SET grade = ?, version = version + 1, updated_at = ?"
                   " WHERE code = ?",
                   "sis", g, now, customer) < 0
               ? -1
               : 0;
}

json_t *store_cmr_forecasts(struct db *db, struct osb_err *e, const char *customer)
{
    return db_rows(db, e,
                   "SELECT number, data FROM field_docs WHERE type = 'forecasts'"
                   " AND customer = ? AND state = 'approved' ORDER BY id",
                   "s", customer);
}
