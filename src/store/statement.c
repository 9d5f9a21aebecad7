/*
 * statement.c (store) — the statement document's SQL (store/statement.h).
 */
#include "store/statement.h"

#include "core/field.h"
#include "core/json.h"
#include "core/sb.h"
#include "core/str.h"
#include "store/doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void copy(char *dst, size_t n, const char *src)
{
    (void)str_field(dst, n, src, "a stored column"); /* the schema and record_check bound it */
}

static int64_t opt(json_t *r, const char *k)
{
    json_t *v = json_object_get(r, k);
    return json_is_integer(v) ? json_integer_value(v) : 0;
}

int store_statement_load(struct db *db, struct osb_err *e, const char *number,
                         struct statement_doc *s)
{
    memset(s, 0, sizeof *s);
    json_t *r = NULL;
    int rc = db_row(db, e, &r,
                    "SELECT s.number, s.customer, cu.name AS customer_name, s.kind,"
                    " s.period_from, s.period_to, s.opening_fen, s.debits_fen, s.credits_fen,"
                    " s.closing_fen, s.entries AS \"entries!j\", s.state, s.sent_at, s.response,"
                    " s.difference_fen, s.difference_note, s.replied_at, s.replied_by,"
                    " s.reported_to_mm_at, s.reported_to_finance_at, s.version, s.created_at,"
                    " s.created_by, s.updated_at FROM statements s JOIN customers cu"
                    " ON cu.code = s.customer WHERE s.number = ?",
                    "s", number);
    if (rc <= 0)
        return rc;
    copy(s->number, sizeof s->number, jstr(r, "number"));
    copy(s->customer, sizeof s->customer, jstr(r, "customer"));
    copy(s->customer_name, sizeof s->customer_name, jstr(r, "customer_name"));
    copy(s->kind, sizeof s->kind, jstr(r, "kind"));
    copy(s->period_from, sizeof s->period_from, jstr(r, "period_from"));
    copy(s->period_to, sizeof s->period_to, jstr(r, "period_to"));
    s->opening_fen = jint(r, "opening_fen");
    s->debits_fen = jint(r, "debits_fen");
    s->credits_fen = jint(r, "credits_fen");
    s->closing_fen = jint(r, "closing_fen");
    s->entries = json_incref(json_object_get(r, "entries"));
    if (!s->entries)
        s->entries = json_array();
    copy(s->state, sizeof s->state, jstr(r, "state"));
    s->sent_at = opt(r, "sent_at");
    copy(s->response, sizeof s->response, jstr(r, "response"));
    s->has_difference = json_is_integer(json_object_get(r, "difference_fen"));
    s->difference_fen = opt(r, "difference_fen");
    s->difference_note = jstr(r, "difference_note") ? strdup(jstr(r, "difference_note")) : NULL;
    s->replied_at = opt(r, "replied_at");
    copy(s->replied_by, sizeof s->replied_by, jstr(r, "replied_by"));
    s->reported_to_mm_at = opt(r, "reported_to_mm_at");
    s->reported_to_finance_at = opt(r, "reported_to_finance_at");
    s->version = jint(r, "version");
    s->created_at = jint(r, "created_at");
    copy(s->created_by, sizeof s->created_by, jstr(r, "created_by"));
    s->updated_at = jint(r, "updated_at");
    json_decref(r);
    return 1;
}

void store_statement_release(struct statement_doc *s)
{
    json_decref(s->entries);
    free(s->difference_note);
    s->entries = NULL;
    s->difference_note = NULL;
}

int store_statement_insert(struct db *db, struct osb_err *e, const struct statement_doc *s)
{
    return db_exec(db, e,
                   "INSERT INTO statements(number, customer, kind, period_from, period_to,"
                   " opening_fen, debits_fen, credits_fen, closing_fen, entries, created_at,"
                   " created_by, updated_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   "sssssiiiijisi", s->number, s->customer, s->kind, s->period_from, s->period_to,
                   s->opening_fen, s->debits_fen, s->credits_fen, s->closing_fen, s->entries,
                   s->created_at, s->created_by, s->created_at) < 0
               ? -1
               : 0;
}

int store_statement_save(struct db *db, struct osb_err *e, struct statement_doc *s,
                         const char *state, int64_t now)
{
    struct sb sql = SB_INIT;
    json_t *a = json_array();
    sb_add(&sql, "UPDATE statements SET state = ?, version = version + 1, updated_at = ?");
    json_array_append_new(a, json_string(state));
    json_array_append_new(a, json_integer(now));
    if (s->sent_changed) {
        sb_add(&sql, ", sent_at = ?");
        json_array_append_new(a, json_integer(s->sent_at));
    }
    if (s->reply_changed) {
        sb_add(&sql, ", response = ?, difference_fen = ?, difference_note = ?, replied_at = ?,"
                     " replied_by = ?");
        json_array_append_new(a, json_string(s->response));
        json_array_append_new(a, json_integer(s->difference_fen));
        json_array_append_new(a,
                              s->difference_note ? json_string(s->difference_note) : json_null());
        json_array_append_new(a, json_integer(s->replied_at));
        json_array_append_new(a, json_string(s->replied_by));
    }
    if (s->reported_changed) {
        sb_add(&sql, ", reported_to_mm_at = ?, reported_to_finance_at = ?");
        json_array_append_new(a, json_integer(s->reported_to_mm_at));
        json_array_append_new(a, json_integer(s->reported_to_finance_at));
    }
    sb_add(&sql, " WHERE number = ?");
    json_array_append_new(a, json_string(s->number));
    int rc = db_exec_a(db, e, sql.buf, a);
    sb_free(&sql);
    json_decref(a);
    if (rc < 0)
        return -1;
    copy(s->state, sizeof s->state, state);
    s->version++;
    s->updated_at = now;
    s->sent_changed = s->reply_changed = s->reported_changed = false;
    return 0;
}

json_t *store_statement_due(struct db *db, struct osb_err *e, const char *kind, const char *from,
                            const char *to)
{
    json_t *rows = db_rows(db, e,
                           "SELECT l.customer FROM ledger l WHERE l.date <= ?"
                           " AND NOT EXISTS (SELECT 1 FROM statements s WHERE s.customer ="
                           " l.customer AND s.kind = ? AND s.period_to = ?)"
                           " GROUP BY l.customer HAVING max(l.date) >= ?"
                           " OR sum(l.debit_fen - l.credit_fen) <> 0 ORDER BY l.customer",
                           "ssss", to, kind, to, from);
    if (!rows)
        return NULL;
    json_t *codes = json_array();
    size_t i;
    json_t *it;
    json_array_foreach(rows, i, it) json_array_append(codes, json_object_get(it, "customer"));
    json_decref(rows);
    return codes;
}

int store_statement_list(struct db *db, struct osb_err *e, const struct scope_user *u,
                         const struct statement_filter *f, json_t **numbers, char **next)
{
    json_t *a = json_array();
    struct sb sql = SB_INIT;
    sb_add(&sql, "SELECT s.number FROM statements s JOIN customers cu ON cu.code = s.customer"
                 " WHERE 1=1");
    store_scope_sql(u, &sql, a, "cu");
    store_filter_eq(&sql, a, "s.customer", f->customer);
    store_filter_eq(&sql, a, "s.kind", f->kind);
    store_filter_eq(&sql, a, "s.response", f->response);
    store_filter_in(&sql, a, "s.state", f->state);
    store_filter_q(&sql, a, f->q, "s.number", "cu", NULL, NULL);
    return store_doc_page(db, e, &sql, a, "s.number", f->cursor, f->limit, numbers, next);
}
