/*
 * invoice_request.c (store) — the invoice request aggregate's SQL (store/invoice_request.h).
 */
#include "store/invoice_request.h"

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

static json_t *s_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}
static json_t *t_or_null(int64_t t)
{
    return t ? json_integer(t) : json_null();
}

int store_invoice_request_load(struct db *db, struct osb_err *e, const char *number,
                               struct invoice_request *k)
{
    memset(k, 0, sizeof *k);
    json_t *r = NULL;
    int rc = db_row(db, e, &r,
                    "SELECT number, customer, amount_fen, note, invoicing AS \"invoicing!j\","
                    " state, requested_by, reviewed_by, reviewed_at, issued_by, issued_at,"
                    " fapiao_no, fapiao_date, mailed_by, mailed_at, mail_tracking_no,"
                    " expected_arrival, receipt_confirmed_by, receipt_confirmed_at, archived_at,"
                    " version, created_at, updated_at FROM invoice_requests WHERE number = ?",
                    "s", number);
    if (rc <= 0)
        return rc;
    copy(k->number, sizeof k->number, jstr(r, "number"));
    copy(k->customer, sizeof k->customer, jstr(r, "customer"));
    k->amount_fen = jint(r, "amount_fen");
    k->note = jstr(r, "note") ? strdup(jstr(r, "note")) : NULL;
    k->invoicing = json_incref(json_object_get(r, "invoicing"));
    copy(k->state, sizeof k->state, jstr(r, "state"));
    copy(k->requested_by, sizeof k->requested_by, jstr(r, "requested_by"));
    copy(k->reviewed_by, sizeof k->reviewed_by, jstr(r, "reviewed_by"));
    k->reviewed_at = opt(r, "reviewed_at");
    copy(k->issued_by, sizeof k->issued_by, jstr(r, "issued_by"));
    k->issued_at = opt(r, "issued_at");
    copy(k->fapiao_no, sizeof k->fapiao_no, jstr(r, "fapiao_no"));
    copy(k->fapiao_date, sizeof k->fapiao_date, jstr(r, "fapiao_date"));
    copy(k->mailed_by, sizeof k->mailed_by, jstr(r, "mailed_by"));
    k->mailed_at = opt(r, "mailed_at");
    copy(k->mail_tracking_no, sizeof k->mail_tracking_no, jstr(r, "mail_tracking_no"));
    copy(k->expected_arrival, sizeof k->expected_arrival, jstr(r, "expected_arrival"));
    copy(k->receipt_confirmed_by, sizeof k->receipt_confirmed_by, jstr(r, "receipt_confirmed_by"));
    k->receipt_confirmed_at = opt(r, "receipt_confirmed_at");
    k->archived_at = opt(r, "archived_at");
    k->version = jint(r, "version");
    k->created_at = jint(r, "created_at");
    k->updated_at = jint(r, "updated_at");
    json_decref(r);

    json_t *rows = db_rows(db, e,
                           "SELECT x.invoice, i.order_no, i.shipment, i.invoice_date,"
                           " x.amount_fen, i.state FROM invoice_request_invoices x"
                           " JOIN invoices i ON i.number = x.invoice WHERE x.request = ?"
                           " ORDER BY x.invoice",
                           "s", number);
    if (!rows)
        return -1;
    k->nlines = json_array_size(rows);
    k->lines = calloc(k->nlines ? k->nlines : 1, sizeof *k->lines);
    size_t i;
    json_t *it;
    json_array_foreach(rows, i, it)
    {
        struct invoice_request_line *l = &k->lines[i];
        copy(l->invoice, sizeof l->invoice, jstr(it, "invoice"));
        copy(l->order, sizeof l->order, jstr(it, "order_no"));
        copy(l->shipment, sizeof l->shipment, jstr(it, "shipment"));
        copy(l->invoice_date, sizeof l->invoice_date, jstr(it, "invoice_date"));
        copy(l->invoice_state, sizeof l->invoice_state, jstr(it, "state"));
        l->amount_fen = jint(it, "amount_fen");
    }
    json_decref(rows);
    return 1;
}

void store_invoice_request_release(struct invoice_request *k)
{
    free(k->note);
    json_decref(k->invoicing);
    free(k->lines);
    k->note = NULL;
    k->invoicing = NULL;
    k->lines = NULL;
    k->nlines = 0;
}

int store_invoice_request_insert(struct db *db, struct osb_err *e, const struct invoice_request *k)
{
    if (db_exec(db, e,
                "INSERT INTO invoice_requests(number, customer, amount_fen, note, invoicing,"
                " requested_by, created_at, updated_at) VALUES(?,?,?,?,?,?,?,?)",
                "ssisjsii", k->number, k->customer, k->amount_fen, k->note, k->invoicing,
                k->requested_by, k->created_at, k->created_at) < 0)
        return -1;
    for (size_t i = 0; i < k->nlines; i++)
        if (db_exec(db, e,
                    "INSERT INTO invoice_request_invoices(request, invoice, amount_fen)"
                    " VALUES(?,?,?)",
                    "ssi", k->number, k->lines[i].invoice, k->lines[i].amount_fen) < 0)
            return -1;
    return 0;
}

static void set(struct sb *sql, json_t *a, const char *col, json_t *v)
{
    sb_addf(sql, ", %s = ?", col);
    json_array_append_new(a, v);
}

int store_invoice_request_save(struct db *db, struct osb_err *e, struct invoice_request *k,
                               const char *state, int64_t now)
{
    struct sb sql = SB_INIT;
    json_t *a = json_array();
    sb_add(&sql, "UPDATE invoice_requests SET state = ?, version = version + 1, updated_at = ?");
    json_array_append_new(a, json_string(state));
    json_array_append_new(a, json_integer(now));
    if (k->changed & KP_SET_REVIEWED) {
        set(&sql, a, "reviewed_by", s_or_null(k->reviewed_by));
        set(&sql, a, "reviewed_at", t_or_null(k->reviewed_at));
    }
    if (k->changed & KP_SET_ISSUED) {
        set(&sql, a, "issued_by", json_string(k->issued_by));
        set(&sql, a, "issued_at", json_integer(k->issued_at));
        set(&sql, a, "fapiao_no", json_string(k->fapiao_no));
        set(&sql, a, "fapiao_date", json_string(k->fapiao_date));
    }
    if (k->changed & KP_SET_MAILED) {
        set(&sql, a, "mailed_by", json_string(k->mailed_by));
        set(&sql, a, "mailed_at", json_integer(k->mailed_at));
        set(&sql, a, "mail_tracking_no", json_string(k->mail_tracking_no));
        set(&sql, a, "expected_arrival", json_string(k->expected_arrival));
    }
    if (k->changed & KP_SET_RECEIVED) {
        set(&sql, a, "receipt_confirmed_by", json_string(k->receipt_confirmed_by));
        set(&sql, a, "receipt_confirmed_at", json_integer(k->receipt_confirmed_at));
    }
    if (k->changed & KP_SET_ARCHIVED)
        set(&sql, a, "archived_at", json_integer(k->archived_at));
    sb_add(&sql, " WHERE number = ?");
    json_array_append_new(a, json_string(k->number));
    int rc = db_exec_a(db, e, sql.buf, a);
    sb_free(&sql);
    json_decref(a);
    if (rc < 0)
        return -1;
    copy(k->state, sizeof k->state, state);
    k->version++;
    k->updated_at = now;
    k->changed = 0;
    return 0;
}

int store_invoice_request_candidate(struct db *db, struct osb_err *e, const char *invoice,
                                    struct invoice_request_candidate *out)
{
    memset(out, 0, sizeof *out);
    json_t *r = NULL;
    int rc = db_row(db, e, &r,
                    "SELECT i.customer, i.state, i.amount_fen, x.request"
                    " FROM invoices i LEFT JOIN invoice_request_invoices x ON x.invoice ="
                    " i.number WHERE i.number = ?",
                    "s", invoice);
    if (rc <= 0)
        return rc;
    copy(out->customer, sizeof out->customer, jstr(r, "customer"));
    copy(out->state, sizeof out->state, jstr(r, "state"));
    copy(out->request, sizeof out->request, jstr(r, "request"));
    out->amount_fen = jint(r, "amount_fen");
    json_decref(r);
    return 1;
}

int store_invoice_prepay_ready(struct db *db, struct osb_err *e, const char *invoice)
{
    int64_t n = 0;
    if (db_int(db, e, &n,
               "SELECT count(*) FROM invoices i WHERE i.number = ? AND i.state = 'paid'"
               " AND EXISTS(SELECT 1 FROM shipments s WHERE s.order_no = i.order_no"
               " AND s.state IN ('dispatched', 'delivered'))",
               "s", invoice) < 0)
        return -1;
    return n > 0 ? 1 : 0;
}

int store_invoice_request_fapiao_used(struct db *db, struct osb_err *e, const char *fapiao_no,
                                      int64_t *n)
{
    return db_int(db, e, n, "SELECT count(*) FROM invoice_requests WHERE fapiao_no = ?", "s",
                  fapiao_no) < 0
               ? -1
               : 0;
}

int store_customer_invoicing(struct db *db, struct osb_err *e, const char *customer, json_t **out)
{
    *out = NULL;
    return db_row(db, e, out,
                  "SELECT invoice_title, tax_id, bank_name, bank_account, reg_address, reg_phone,"
                  " mailing_address, mailing_contact, mailing_phone FROM customers WHERE code = ?",
                  "s", customer);
}

int store_invoice_fapiao(struct db *db, struct osb_err *e, const char *invoice, json_t **out)
{
    *out = NULL;
    return db_row(db, e, out,
                  "SELECT r.number, r.state, r.fapiao_no, r.fapiao_date, r.mail_tracking_no,"
                  " r.mailed_at, r.expected_arrival, r.receipt_confirmed_at"
                  " FROM invoice_request_invoices x JOIN invoice_requests r"
                  " ON r.number = x.request WHERE x.invoice = ?",
                  "s", invoice);
}

json_t *store_invoice_fapiao_page(struct db *db, struct osb_err *e, json_t *invoices)
{
    return store_rows_by_doc(db, e,
                             "SELECT x.invoice AS page_doc, r.number, r.state, r.fapiao_no,"
                             " r.fapiao_date, r.mail_tracking_no, r.mailed_at, r.expected_arrival,"
                             " r.receipt_confirmed_at FROM invoice_request_invoices x"
                             " JOIN invoice_requests r ON r.number = x.request WHERE x.invoice",
                             invoices, "", true);
}

int store_invoice_request_list(struct db *db, struct osb_err *e, const struct scope_user *u,
                               const struct invoice_request_filter *f, json_t **numbers,
                               char **next)
{
    json_t *a = json_array();
    struct sb sql = SB_INIT;
    sb_add(&sql, "SELECT k.number FROM invoice_requests k JOIN customers cu"
                 " ON cu.code = k.customer WHERE 1=1");
    store_scope_sql(u, &sql, a, "cu");
    store_filter_eq(&sql, a, "k.customer", f->customer);
    store_filter_in(&sql, a, "k.state", f->state);
    store_filter_q(&sql, a, f->q, "k.number", "cu", NULL, NULL);
    return store_doc_page(db, e, &sql, a, "k.number", f->cursor, f->limit, numbers, next);
}
