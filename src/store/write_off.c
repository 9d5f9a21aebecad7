/*
 * write_off.c (store) — the bad-debt write-off aggregate's SQL (store/write_off.h).
 */
#include "store/write_off.h"

#include "core/field.h"
#include "core/json.h"
#include "core/sb.h"
#include "core/str.h"
#include "store/doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OPEN_SQL "(amount_fen - settled_fen - credited_fen - written_off_fen)"

static void copy(char *dst, size_t n, const char *src)
{
    (void)str_field(dst, n, src, "a stored column"); /* the schema and record_check bound it */
}

int store_write_off_load(struct db *db, struct osb_err *e, const char *number, struct write_off *w)
{
    memset(w, 0, sizeof *w);
    json_t *o = NULL;
    int rc = db_row(db, e, &o,
                    "SELECT number, customer, invoice, amount_fen, reason, state, requested_by,"
                    " approved_by, approved_at, rejected_by, rejected_at, version, created_at,"
                    " updated_at FROM write_offs WHERE number = ?",
                    "s", number);
    if (rc <= 0)
        return rc;
    copy(w->number, sizeof w->number, jstr(o, "number"));
    copy(w->customer, sizeof w->customer, jstr(o, "customer"));
    copy(w->invoice, sizeof w->invoice, jstr(o, "invoice"));
    copy(w->state, sizeof w->state, jstr(o, "state"));
    copy(w->requested_by, sizeof w->requested_by, jstr(o, "requested_by"));
    copy(w->approved_by, sizeof w->approved_by, jstr(o, "approved_by"));
    copy(w->rejected_by, sizeof w->rejected_by, jstr(o, "rejected_by"));
    w->reason = strdup(jstr(o, "reason") ? jstr(o, "reason") : "");
    w->amount_fen = jint(o, "amount_fen");
    w->approved_at = jint(o, "approved_at");
    w->rejected_at = jint(o, "rejected_at");
    w->version = jint(o, "version");
    w->created_at = jint(o, "created_at");
    w->updated_at = jint(o, "updated_at");
    json_decref(o);
    return 1;
}

void store_write_off_release(struct write_off *w)
{
    free(w->reason);
    w->reason = NULL;
}

int store_write_off_insert(struct db *db, struct osb_err *e, const struct write_off *w)
{
    return db_exec(db, e,
                   "INSERT INTO write_offs(number, customer, invoice, amount_fen, reason,"
                   " requested_by, created_at, updated_at) VALUES(?,?,?,?,?,?,?,?)",
                   "sssissii", w->number, w->customer, w->invoice, w->amount_fen, w->reason,
                   w->requested_by, w->created_at, w->created_at) < 0
               ? -1
               : 0;
}

int store_write_off_save(struct db *db, struct osb_err *e, struct write_off *w, const char *state,
                         int64_t now)
{
    struct sb sql = SB_INIT;
    json_t *p = json_array();
    sb_add(&sql, "UPDATE write_offs SET state = ?, version = version + 1, updated_at = ?");
    json_array_append_new(p, json_string(state));
    json_array_append_new(p, json_integer(now));
    if (w->approved_changed) {
        sb_add(&sql, ", approved_by = ?, approved_at = ?");
        json_array_append_new(p, json_string(w->approved_by));
        json_array_append_new(p, json_integer(w->approved_at));
    }
    if (w->rejected_changed) {
        sb_add(&sql, ", rejected_by = ?, rejected_at = ?");
        json_array_append_new(p, json_string(w->rejected_by));
        json_array_append_new(p, json_integer(w->rejected_at));
    }
    sb_add(&sql, " WHERE number = ?");
    json_array_append_new(p, json_string(w->number));
    int rc = db_exec_a(db, e, sql.buf, p);
    sb_free(&sql);
    json_decref(p);
    if (rc < 0)
        return -1;
    copy(w->state, sizeof w->state, state);
    w->version++;
    w->updated_at = now;
    w->approved_changed = w->rejected_changed = false;
    return 0;
}

int store_write_off_list(struct db *db, struct osb_err *e, const struct scope_user *u,
                         const struct write_off_filter *f, json_t **numbers, char **next)
{
    json_t *p = json_array();
    struct sb sql = SB_INIT;
    sb_add(&sql, "SELECT t.number FROM write_offs t JOIN customers cu ON cu.code = t.customer"
                 " WHERE 1=1");
    store_scope_sql(u, &sql, p, "cu");
    store_filter_eq(&sql, p, "t.customer", f->customer);
    store_filter_eq(&sql, p, "t.invoice", f->invoice);
    store_filter_in(&sql, p, "t.state", f->state);
    store_filter_q(&sql, p, f->q, "t.number", "cu", NULL, NULL);
    return store_doc_page(db, e, &sql, p, "t.number", f->cursor, f->limit, numbers, next);
}

int store_write_off_invoice(struct db *db, struct osb_err *e, const char *invoice,
                            struct write_off_invoice *inv)
{
    memset(inv, 0, sizeof *inv);
    /* The open amount is what may be written off: the invoice is locked first (as by an
       allocation, store_invoice_customer_open). */
    if (store_doc_lock(db, e, "invoice", invoice) < 0)
        return -1;
    json_t *o = NULL;
    int rc = db_row(db, e, &o,
                    "SELECT customer, order_no, amount_fen, " OPEN_SQL " AS open"
                    " FROM invoices WHERE number = ?",
                    "s", invoice);
    if (rc == 1) {
        copy(inv->customer, sizeof inv->customer, jstr(o, "customer"));
        copy(inv->order_no, sizeof inv->order_no, jstr(o, "order_no"));
        inv->amount_fen = jint(o, "amount_fen");
        inv->open_fen = jint(o, "open");
    }
    json_decref(o);
    return rc;
}

int store_write_off_pending(struct db *db, struct osb_err *e, const char *invoice,
                            const char *except, int64_t *pending)
{
    *pending = 0;
    return db_int(db, e, pending,
                  "SELECT coalesce(sum(amount_fen), 0) FROM write_offs WHERE invoice = ?"
                  " AND state = 'requested' AND number <> ?",
                  "ss", invoice, except ? except : "") < 0
               ? -1
               : 0;
}

int store_write_off_invoice_down(struct db *db, struct osb_err *e, const char *invoice,
                                 int64_t amount_fen, const char *state, int64_t now)
{
    return db_exec(db, e,
                   "UPDATE invoices SET written_off_fen = written_off_fen + ?, state = ?,"
                   " version = version + 1, updated_at = ? WHERE number = ?",
                   "isis", amount_fen, state, now, invoice) < 0
               ? -1
               : 0;
}

int store_write_off_incident(struct db *db, struct osb_err *e, const char *customer,
                             const char *date, int64_t amount_fen, const char *note, const char *by,
                             int64_t now)
{
    return db_exec(db, e,
                   "INSERT INTO credit_incidents(customer, date, kind, amount_fen, note,"
                   " recorded_by, created_at) VALUES(?,?,'other',?,?,?,?)",
                   "ssissi", customer, date, amount_fen, note, by, now) < 0
               ? -1
               : 0;
}

json_t *store_write_off_told(struct db *db, struct osb_err *e, const char *customer)
{
    json_t *rows = db_rows(db, e,
                           "SELECT cu.kam AS u FROM customers cu WHERE cu.code = ?"
                           " UNION SELECT m.bcr FROM customers cu JOIN markets m"
                           " ON m.code = cu.market WHERE cu.code = ? AND m.bcr IS NOT NULL",
                           "ss", customer, customer);
    if (!rows)
        return NULL;
    json_t *names = json_array();
    size_t i;
    json_t *it;
    json_array_foreach(rows, i, it)
    {
        if (jstr(it, "u"))
            json_array_append(names, json_object_get(it, "u"));
    }
    json_decref(rows);
    return names;
}
