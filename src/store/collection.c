/*
 * collection.c (store) — the collection routine's SQL (store/collection.h).
 */
#include "store/collection.h"

#include "core/field.h"
#include "core/json.h"
#include "core/sb.h"
#include "core/str.h"
#include "store/doc.h"

#include <stdlib.h>
#include <string.h>

int store_market_bcr(struct db *db, struct osb_err *e, const char *market, char bcr[40])
{
    char *b = NULL;
    bcr[0] = '\0';
    if (db_text(db, e, &b,
                "SELECT coalesce((SELECT m.bcr FROM markets m WHERE m.code = ?),"
                " (SELECT min(username) FROM users WHERE role = 'ssg_leader' AND active = 1))",
                "s", market) < 0)
        return -1;
    if (b)
        (void)str_field(bcr, 40, b, "bcr");
    free(b);
    return 0;
}

/* ---- collection requests ---- */

int store_coll_invoice(struct db *db, struct osb_err *e, const char *invoice, char customer[40],
                       int64_t *open_fen)
{
    json_t *r = NULL;
    int rc = db_row(db, e, &r,
                    "SELECT customer, amount_fen - settled_fen - credited_fen - written_off_fen"
                    " AS open_fen FROM invoices WHERE number = ?",
                    "s", invoice);
    if (rc <= 0)
        return rc;
    (void)str_field(customer, 40, jstr(r, "customer"), "customer");
    *open_fen = jint(r, "open_fen");
    json_decref(r);
    return 1;
}

json_t *store_coll_open_invoices(struct db *db, struct osb_err *e, const char *customer)
{
    return db_rows(db, e,
                   "SELECT number AS invoice, amount_fen - settled_fen - credited_fen"
                   " - written_off_fen AS amount_fen FROM invoices WHERE customer = ?"
                   " AND amount_fen - settled_fen - credited_fen - written_off_fen > 0"
                   " ORDER BY due_date, number LIMIT 200",
                   "s", customer);
}

int store_collreq_insert(struct db *db, struct osb_err *e, const char *number, const char *customer,
                         const char *by, int64_t total, const char *expected, const char *note,
                         json_t *lines, int64_t now)
{
    if (db_exec(db, e,
                "INSERT INTO collection_requests(number, customer, requested_by, total_fen,"
                " expected_pay_date, note, created_at, updated_at) VALUES(?,?,?,?,?,?,?,?)",
                "sssissii", number, customer, by, total, expected, note, now, now) < 0)
        return -1;
    size_t i;
    json_t *l;
    json_array_foreach(lines, i, l)
    {
        if (db_exec(db, e,
                    "INSERT INTO collection_request_lines(request, line_no, invoice, amount_fen)"
                    " VALUES(?,?,?,?)",
                    "sdsi", number, (int)i + 1, jstr(l, "invoice"), jint(l, "amount_fen")) < 0)
            return -1;
    }
    return 0;
}

int store_collreq_load(struct db *db, struct osb_err *e, const char *number, json_t **out)
{
    json_t *r = NULL;
    int rc = db_row(db, e, &r,
                    "SELECT number, customer, requested_by, total_fen, expected_pay_date, note,"
                    " state, version, bcr_confirmed_by, bcr_confirmed_at, finance_confirmed_by,"
                    " finance_confirmed_at, sent_at, paid_at, closed_at, created_at, updated_at"
                    " FROM collection_requests WHERE number = ?",
                    "s", number);
    if (rc <= 0)
        return rc;
    json_t *lines = db_rows(db, e,
                            "SELECT l.line_no, l.invoice, l.amount_fen, i.due_date,"
                            " i.amount_fen - i.settled_fen - i.credited_fen - i.written_off_fen"
                            " AS open_fen FROM collection_request_lines l"
                            " JOIN invoices i ON i.number = l.invoice"
                            " WHERE l.request = ? ORDER BY l.line_no",
                            "s", number);
    if (!lines) {
        json_decref(r);
        return -1;
    }
    json_object_set_new(r, "lines", lines);
    *out = r;
    return 1;
}

static int save_row(struct db *db, struct osb_err *e, const char *table, const char *number,
                    const char *state, json_t *set, int64_t now)
{
    struct sb sql = SB_INIT;
    json_t *p = json_array();
    sb_addf(&sql, "UPDATE %s SET state = ?, version = version + 1, updated_at = ?", table);
    json_array_append_new(p, json_string(state));
    json_array_append_new(p, json_integer(now));
    const char *k;
    json_t *v;
    json_object_foreach(set, k, v)
    {
        sb_addf(&sql, ", %s = ?", k);
        json_array_append(p, v);
    }
    sb_add(&sql, " WHERE number = ?");
    json_array_append_new(p, json_string(number));
    int rc = db_exec_a(db, e, sql.buf, p);
    sb_free(&sql);
    json_decref(p);
    return rc < 0 ? -1 : 0;
}

int store_collreq_save(struct db *db, struct osb_err *e, const char *number, const char *state,
                       json_t *set, int64_t now)
{
    return save_row(db, e, "collection_requests", number, state, set, now);
}

int store_collreq_list(struct db *db, struct osb_err *e, const struct scope_user *u,
                       const struct collreq_filter *f, json_t **numbers, char **next)
{
    json_t *p = json_array();
    struct sb sql = SB_INIT;
    sb_add(&sql, "SELECT k.number FROM collection_requests k JOIN customers cu"
                 " ON cu.code = k.customer WHERE 1=1");
    store_scope_sql(u, &sql, p, "cu");
    store_filter_eq(&sql, p, "k.customer", f->customer);
    store_filter_in(&sql, p, "k.state", f->state);
    store_filter_q(&sql, p, f->q, "k.number", "cu", NULL, NULL);
    return store_doc_page(db, e, &sql, p, "k.number", f->cursor, f->limit, numbers, next);
}

static json_t *column(json_t *rows, const char *key)
{
    if (!rows)
        return NULL;
    json_t *out = json_array();
    size_t i;
    json_t *it;
    json_array_foreach(rows, i, it) json_array_append(out, json_object_get(it, key));
    json_decref(rows);
    return out;
}

json_t *store_collreq_covered(struct db *db, struct osb_err *e)
{
    return column(db_rows(db, e,
                          "SELECT k.number FROM collection_requests k WHERE k.state = 'sent'"
                          " AND NOT EXISTS (SELECT 1 FROM collection_request_lines l"
                          " JOIN invoices i ON i.number = l.invoice WHERE l.request = k.number"
                          " AND i.amount_fen - i.settled_fen - i.credited_fen"
                          " - i.written_off_fen > 0) ORDER BY k.number",
                          ""),
                  "number");
}

/* ---- bank receipt pool ---- */

json_t *store_bank_customers(struct db *db, struct osb_err *e)
{
    return db_rows(db, e,
                   "SELECT code, name, invoice_title, bank_account, status FROM customers"
                   " ORDER BY code",
                   "");
}

int store_bank_exists(struct db *db, struct osb_err *e, const char *account, const char *ref)
{
    int64_t n = 0;
    if (db_int(db, e, &n, "SELECT count(*) FROM bank_lines WHERE bank_account = ? AND bank_ref = ?",
               "ss", account, ref) < 0)
        return -1;
    return n > 0;
}

int store_bank_next_import(struct db *db, struct osb_err *e, int64_t *out)
{
    *out = 0;
    if (db_int(db, e, out, "SELECT coalesce(max(import_no), 0) + 1 FROM bank_lines", "") < 0)
        return -1;
    return 0;
}

int store_bank_insert(struct db *db, struct osb_err *e, json_t *r)
{
    return db_exec(db, e,
                   "INSERT INTO bank_lines(number, bank_account, bank_ref, value_date, amount_fen,"
                   " payer_name, payer_account, memo, import_no, file_line, customer, matched_by,"
                   " claimed_by, claimed_at, state, created_at, created_by, updated_at)"
                   " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   "ssssisssiisssisisi", jstr(r, "number"), jstr(r, "bank_account"),
                   jstr(r, "bank_ref"), jstr(r, "value_date"), jint(r, "amount_fen"),
                   jstr(r, "payer_name"), jstr(r, "payer_account"), jstr(r, "memo"),
                   jint(r, "import_no"), jint(r, "file_line"), jstr(r, "customer"),
                   jstr(r, "matched_by"), jstr(r, "claimed_by"), jint(r, "claimed_at"),
                   jstr(r, "state"), jint(r, "created_at"), jstr(r, "created_by"),
                   jint(r, "created_at")) < 0
               ? -1
               : 0;
}

int store_bank_load(struct db *db, struct osb_err *e, const char *number, json_t **out)
{
    return db_row(db, e, out,
                  "SELECT number, bank_account, bank_ref, value_date, amount_fen, payer_name,"
                  " payer_account, memo, import_no, file_line, customer, matched_by, claimed_by,"
                  " claimed_at, payment, registered_at, state, version, created_at, created_by,"
                  " updated_at FROM bank_lines WHERE number = ?",
                  "s", number);
}

int store_bank_save(struct db *db, struct osb_err *e, const char *number, const char *state,
                    json_t *set, int64_t now)
{
    return save_row(db, e, "bank_lines", number, state, set, now);
}

int store_bank_list(struct db *db, struct osb_err *e, const struct scope_user *u,
                    const struct bank_filter *f, json_t **numbers, char **next)
{
    json_t *p = json_array();
    struct sb sql = SB_INIT;
    sb_add(&sql, "SELECT b.number FROM bank_lines b LEFT JOIN customers cu"
                 " ON cu.code = b.customer WHERE (b.customer IS NULL OR (1=1");
    store_scope_sql(u, &sql, p, "cu");
    sb_add(&sql, "))");
    store_filter_in(&sql, p, "b.state", f->state);
    store_filter_eq(&sql, p, "b.customer", f->customer);
    if (f->import_no > 0) {
        sb_add(&sql, " AND b.import_no = ?");
        json_array_append_new(p, json_integer(f->import_no));
    }
    static const char *const cols[] = {
        "b.number", "b.payer_name", "b.payer_account", "b.memo", "b.bank_ref", "b.customer", NULL};
    store_filter_like(&sql, p, f->q, cols);
    return store_doc_page(db, e, &sql, p, "b.number", f->cursor, f->limit, numbers, next);
}

json_t *store_bank_claimed(struct db *db, struct osb_err *e, int64_t import_no)
{
    return column(import_no > 0 ? db_rows(db, e,
                                          "SELECT number FROM bank_lines WHERE state = 'claimed'"
                                          " AND import_no = ? ORDER BY id",
                                          "i", import_no)
                                : db_rows(db, e,
                                          "SELECT number FROM bank_lines WHERE state = 'claimed'"
                                          " ORDER BY id",
                                          ""),
                  "number");
}

/* ---- calls ---- */

int store_call_task_done(struct db *db, struct osb_err *e, const char *week, const char *customer,
                         int64_t call_id)
{
    return db_exec(db, e,
                   "UPDATE call_tasks SET call_id = ? WHERE week = ? AND customer = ?"
                   " AND call_id IS NULL",
                   "iss", call_id, week, customer);
}

int store_call_tasks_make(struct db *db, struct osb_err *e, const char *week, int64_t now,
                          int64_t *added)
{
    int rc = db_exec(db, e,
                     "INSERT INTO call_tasks(week, customer, bcr, created_at)"
                     " SELECT ?, cu.code, coalesce(m.bcr, (SELECT min(username) FROM users"
                     " WHERE role = 'ssg_leader' AND active = 1)), ?"
                     " FROM customers cu JOIN markets m ON m.code = cu.market"
                     " WHERE cu.status = 'active' AND coalesce(m.bcr, (SELECT min(username)"
                     " FROM users WHERE role = 'ssg_leader' AND active = 1)) IS NOT NULL"
                     " AND NOT EXISTS (SELECT 1 FROM call_tasks t WHERE t.week = ?"
                     " AND t.customer = cu.code)",
                     "sis", week, now, week);
    if (rc < 0)
        return -1;
    *added = rc;
    return 0;
}

json_t *store_call_task_bcrs(struct db *db, struct osb_err *e, const char *week)
{
    return db_rows(db, e,
                   "SELECT bcr, count(*) AS n FROM call_tasks WHERE week = ? GROUP BY bcr"
                   " ORDER BY bcr",
                   "s", week);
}

#define OPEN_SQL "(i.amount_fen - i.settled_fen - i.credited_fen - i.written_off_fen)"

json_t *store_call_list_rows(struct db *db, struct osb_err *e, const struct scope_user *u,
                             const char *week, const char *week_end, const char *today,
                             const char *bcr)
{
    json_t *p = json_array();
    struct sb sql = SB_INIT;
    sb_add(&sql, "SELECT t.customer, cu.name AS customer_name, cu.market, cu.kam, t.bcr,"
                 " (SELECT coalesce(sum(" OPEN_SQL "), 0) FROM invoices i"
                 "  WHERE i.customer = t.customer) AS receivables_fen,"
                 " (SELECT coalesce(sum(unapplied_fen), 0) FROM payments pm"
                 "  WHERE pm.customer = t.customer) AS unapplied_fen,"
                 " (SELECT coalesce(sum(" OPEN_SQL "), 0) FROM invoices i"
                 "  WHERE i.customer = t.customer AND i.due_date < ?) AS overdue_fen,"
                 " (SELECT coalesce(sum(" OPEN_SQL "), 0) FROM invoices i"
                 "  WHERE i.customer = t.customer AND i.due_date >= ? AND i.due_date <= ?)"
                 "  AS due_this_week_fen,"
                 " t.call_id FROM call_tasks t JOIN customers cu ON cu.code = t.customer"
                 " WHERE t.week = ?");
    json_array_append_new(p, json_string(today));
    json_array_append_new(p, json_string(week));
    json_array_append_new(p, json_string(week_end));
    json_array_append_new(p, json_string(week));
    store_scope_sql(u, &sql, p, "cu");
    store_filter_eq(&sql, p, "t.bcr", bcr);
    sb_add(&sql, " ORDER BY t.bcr, t.customer");
    json_t *rows = db_rows_a(db, e, sql.buf, p);
    sb_free(&sql);
    json_decref(p);
    if (!rows)
        return NULL;
    size_t i;
    json_t *it;
    json_array_foreach(rows, i, it)
    {
        json_t *last = NULL;
        int rc = db_row(db, e, &last,
                        "SELECT c.id, c.by_user, c.at, c.kind, c.reached, c.outcome,"
                        " c.promised_pay_date, c.promised_amount_fen FROM call_logs c"
                        " WHERE c.customer = ? ORDER BY c.at DESC, c.id DESC LIMIT 1",
                        "s", jstr(it, "customer"));
        if (rc < 0) {
            json_decref(rows);
            return NULL;
        }
        json_object_set_new(it, "last_call", rc == 1 ? last : json_null());
    }
    return rows;
}

json_t *store_receipts_of_day(struct db *db, struct osb_err *e, const char *day)
{
    return db_rows(db, e,
                   "SELECT p.number, p.customer, cu.market, p.amount_fen, p.kind FROM payments p"
                   " JOIN customers cu ON cu.code = p.customer WHERE p.received_on = ?"
                   " AND p.state = 'registered' ORDER BY p.number",
                   "s", day);
}

json_t *store_csrs_and_bcrs(struct db *db, struct osb_err *e)
{
    return column(db_rows(db, e,
                          "SELECT username FROM users WHERE role IN ('csr', 'ssg_leader')"
                          " AND active = 1 UNION SELECT m.bcr AS username FROM markets m"
                          " JOIN users u ON u.username = m.bcr WHERE u.active = 1 ORDER BY 1",
                          ""),
                  "username");
}
