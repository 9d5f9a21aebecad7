/*
 * invoice.c (store) — invoices, allocations, credit notes and earmarks (store/invoice.h).
 */
#include "store/invoice.h"

#include "core/field.h"
#include "core/json.h"
#include "core/sb.h"
#include "core/str.h"
#include "store/doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OPEN_SQL STORE_INVOICE_OPEN

static void copy(char *dst, size_t n, const char *src)
{
    (void)str_field(dst, n, src, "a stored column"); /* the schema and record_check bound it */
}

static int done(int rc)
{
    return rc < 0 ? -1 : 0;
}

/* ---- the invoice aggregate ------------------------------------------------------------- */

#define INVOICE_COLS                                                                               \
    "number, customer, order_no, shipment, invoice_date, due_date, amount_fen, tax_fen,"           \
    " settled_fen, credited_fen, written_off_fen, " OPEN_SQL " AS open_fen, state, version,"       \
    " created_at, updated_at"

/* The invoice's row (an object of the columns INVOICE_COLS) into i. */
static void read_row(json_t *o, struct invoice *i)
{
    copy(i->number, sizeof i->number, jstr(o, "number"));
    copy(i->customer, sizeof i->customer, jstr(o, "customer"));
    copy(i->order, sizeof i->order, jstr(o, "order_no"));
    copy(i->shipment, sizeof i->shipment, jstr(o, "shipment"));
    copy(i->invoice_date, sizeof i->invoice_date, jstr(o, "invoice_date"));
    copy(i->due_date, sizeof i->due_date, jstr(o, "due_date"));
    copy(i->state, sizeof i->state, jstr(o, "state"));
    i->amount_fen = jint(o, "amount_fen");
    i->tax_fen = jint(o, "tax_fen");
    i->settled_fen = jint(o, "settled_fen");
    i->credited_fen = jint(o, "credited_fen");
    i->written_off_fen = jint(o, "written_off_fen");
    i->open_fen = jint(o, "open_fen");
    i->version = jint(o, "version");
    i->created_at = jint(o, "created_at");
    i->updated_at = jint(o, "updated_at");
}

/* The parts of an invoice, by invoice (the one-invoice statements below read the same). */
#define LINES_SQL                                                                                  \
    "line_no, order_line, sku, qty, price_fen, amount_fen, tax_rate_bp, tax_fen FROM "             \
    "invoice_lines"
#define ALLOCATIONS_SQL                                                                            \
    "source_kind, source, amount_fen, settle_date, own AS \"own!b\", reversed_by FROM allocations"
#define CREDIT_NOTES_SQL "number, reason, amount_fen, date FROM credit_notes"

int store_invoice_load(struct db *db, struct osb_err *e, const char *number, struct invoice *i)
{
    memset(i, 0, sizeof *i);
    json_t *o = NULL;
    int rc =
        db_row(db, e, &o, "SELECT " INVOICE_COLS " FROM invoices WHERE number = ?", "s", number);
    if (rc <= 0)
        return rc;
    read_row(o, i);
    json_decref(o);
    i->lines =
        db_rows(db, e, "SELECT " LINES_SQL " WHERE invoice = ? ORDER BY line_no", "s", number);
    i->allocations =
        i->lines ? db_rows(db, e, "SELECT " ALLOCATIONS_SQL " WHERE invoice = ? ORDER BY id", "s",
                           number)
                 : NULL;
    i->credit_notes =
        i->allocations ? db_rows(db, e, "SELECT " CREDIT_NOTES_SQL " WHERE invoice = ? ORDER BY id",
                                 "s", number)
                       : NULL;
    if (!i->credit_notes) {
        store_invoice_release(i);
        return -1;
    }
    return 1;
}

/* The part of invoice number in by (store_rows_by_doc), taken out of it; [] when none. */
static json_t *take(json_t *by, const char *number)
{
    json_t *a = json_object_get(by, number);
    a = a ? json_incref(a) : json_array();
    json_object_del(by, number);
    return a;
}

int store_invoice_load_page(struct db *db, struct osb_err *e, json_t *numbers, struct invoice **inv,
                            bool *found)
{
    size_t n = json_array_size(numbers);
    for (size_t k = 0; k < n; k++) {
        memset(inv[k], 0, sizeof *inv[k]);
        found[k] = false;
    }
    if (n == 0)
        return 0;
    json_t *rows = store_rows_by_doc(
        db, e, "SELECT number AS page_doc, " INVOICE_COLS " FROM invoices WHERE number", numbers,
        "", true);
    json_t *lines =
        rows ? store_rows_by_doc(db, e, "SELECT invoice AS page_doc, " LINES_SQL " WHERE invoice",
                                 numbers, " ORDER BY invoice, line_no", true)
             : NULL;
    json_t *allocs =
        lines ? store_rows_by_doc(db, e,
                                  "SELECT invoice AS page_doc, " ALLOCATIONS_SQL " WHERE invoice",
                                  numbers, " ORDER BY invoice, id", true)
              : NULL;
    json_t *notes =
        allocs ? store_rows_by_doc(db, e,
                                   "SELECT invoice AS page_doc, " CREDIT_NOTES_SQL " WHERE invoice",
                                   numbers, " ORDER BY invoice, id", true)
               : NULL;
    int rc = notes ? 0 : -1;
    for (size_t k = 0; rc == 0 && k < n; k++) {
        const char *no = json_string_value(json_array_get(numbers, k));
        json_t *r = json_array_get(json_object_get(rows, no), 0);
        if (!r)
            continue;
        read_row(r, inv[k]);
        inv[k]->lines = take(lines, no);
        inv[k]->allocations = take(allocs, no);
        inv[k]->credit_notes = take(notes, no);
        found[k] = true;
    }
    json_decref(rows), json_decref(lines), json_decref(allocs), json_decref(notes);
    return rc;
}

void store_invoice_release(struct invoice *i)
{
    json_decref(i->lines);
    json_decref(i->allocations);
    json_decref(i->credit_notes);
    i->lines = i->allocations = i->credit_notes = NULL;
}

int store_invoice_list(struct db *db, struct osb_err *e, const struct scope_user *u,
                       const struct invoice_filter *f, json_t **numbers, char **next)
{
    json_t *a = json_array();
    struct sb sql = SB_INIT; /* the conditions; the head goes before them at the end */
    store_scope_sql(u, &sql, a, "cu");
    store_filter_eq(&sql, a, "i.customer", f->customer);
    store_filter_in(&sql, a, "i.state", f->state);
    store_filter_eq(&sql, a, "i.order_no", f->order);
    static const struct store_q_doc qd = {
        "invoices",      "i",       "i.number", "i.customer", "cu",
        "invoice_lines", "invoice", "sku",      "FP",         "line_no"};
    bool by_line = false;
    if (store_filter_q_doc(db, e, &sql, a, f->q, &qd, &by_line) < 0) {
        sb_free(&sql), json_decref(a);
        return -1;
    }
    return store_doc_page_q(db, e, &qd, "invoices i JOIN customers cu ON cu.code = i.customer",
                            &sql, a, by_line, f->cursor, f->limit, numbers, next);
}

int store_credit_note_row(struct db *db, struct osb_err *e, const char *number, json_t **out)
{
    *out = NULL;
    json_t *o = NULL;
    int rc = db_row(db, e, &o,
                    "SELECT number, customer, invoice, return_no AS \"return\", order_no AS"
                    " \"order\", reason, amount_fen, tax_fen, unapplied_fen, date, created_at,"
                    " created_by FROM credit_notes WHERE number = ?",
                    "s", number);
    if (rc <= 0)
        return rc;
    json_t *lines = db_rows(db, e,
                            "SELECT line_no, invoice_line, sku, batch, qty, price_fen,"
                            " amount_fen, tax_fen FROM credit_note_lines WHERE credit_note = ?"
                            " ORDER BY line_no",
                            "s", number);
    if (!lines) {
        json_decref(o);
        return -1;
    }
    json_object_set_new(o, "lines", lines);
    *out = o;
    return 1;
}

/* ---- the allocation engine -------------------------------------------------------------- */

int store_invoice_refresh_state(struct db *db, struct osb_err *e, const char *invoice, int64_t now)
{
    /* Fully credited = cancelled (credited back or returned whole); nothing open = paid. */
    return done(db_exec(db, e,
                        "UPDATE invoices SET state = CASE"
                        " WHEN credited_fen >= amount_fen THEN 'cancelled'"
                        " WHEN " OPEN_SQL " <= 0 THEN 'paid'"
                        " WHEN " OPEN_SQL " < amount_fen THEN 'partial' ELSE 'open' END,"
                        " version = version + 1, updated_at = ? WHERE number = ?",
                        "is", now, invoice));
}

int store_source_date(struct db *db, struct osb_err *e, bool payment, const char *source,
                      char **out)
{
    *out = NULL;
    return done(db_text(db, e, out,
                        payment ? "SELECT received_on FROM payments WHERE number = ?"
                                : "SELECT date FROM credit_notes WHERE number = ?",
                        "s", source));
}

int store_invoice_date(struct db *db, struct osb_err *e, const char *invoice, char **out)
{
    *out = NULL;
    return done(
        db_text(db, e, out, "SELECT invoice_date FROM invoices WHERE number = ?", "s", invoice));
}

int store_allocation_add(struct db *db, struct osb_err *e, const struct allocation *a)
{
    bool pay = strcmp(a->source_kind, "payment") == 0;
    if (db_exec(db, e,
                "INSERT INTO allocations(customer, source_kind, source, invoice, amount_fen,"
                " own, allocated_at, settle_date, by) VALUES(?,?,?,?,?,?,?,?,?)",
                "ssssibiss", a->customer, a->source_kind, a->source, a->invoice, a->amount_fen,
                a->own, a->allocated_at, a->settle_date, a->by) < 0 ||
        db_exec(db, e,
                pay ? "UPDATE payments SET unapplied_fen = unapplied_fen - ? WHERE number = ?"
                    : "UPDATE credit_notes SET unapplied_fen = unapplied_fen - ? WHERE number = ?",
                "is", a->amount_fen, a->source) < 0 ||
        db_exec(db, e,
                a->own ? "UPDATE invoices SET credited_fen = credited_fen + ? WHERE number = ?"
                       : "UPDATE invoices SET settled_fen = settled_fen + ? WHERE number = ?",
                "is", a->amount_fen, a->invoice) < 0)
        return -1;
    return 0;
}

json_t *store_allocations_settling(struct db *db, struct osb_err *e, const char *invoice)
{
    return db_rows(db, e,
                   "SELECT id, source_kind, source, amount_fen FROM allocations"
                   " WHERE invoice = ? AND own = 0 AND reversed_by IS NULL ORDER BY id",
                   "s", invoice);
}

int store_allocation_reverse(struct db *db, struct osb_err *e, int64_t id, const char *by, bool pay,
                             const char *source, const char *invoice, int64_t a)
{
    if (db_exec(db, e, "UPDATE allocations SET reversed_by = ? WHERE id = ?", "si", by, id) < 0 ||
        db_exec(db, e,
                pay ? "UPDATE payments SET unapplied_fen = unapplied_fen + ? WHERE number = ?"
                    : "UPDATE credit_notes SET unapplied_fen = unapplied_fen + ?"
                      " WHERE number = ?",
                "is", a, source) < 0 ||
        db_exec(db, e, "UPDATE invoices SET settled_fen = settled_fen - ? WHERE number = ?", "is",
                a, invoice) < 0)
        return -1;
    return 0;
}

int store_customer_money(struct db *db, struct osb_err *e, const char *customer, int64_t *payments,
                         int64_t *credit_notes, int64_t *earmarked)
{
    /* A customer's money (receipts, credit notes, earmarks) is read for a decision that spends
       it (allocation, refund, earmark): in a write, under the customer's lock, the same one as
       the credit check's (store/credit.c), so two such decisions go one after the other. */
    if (db_lock_key(db, e, "customer", customer) < 0)
        return -1;
    if (db_int(db, e, payments,
               "SELECT coalesce(sum(unapplied_fen), 0) FROM payments WHERE customer = ?"
               " AND state = 'registered'",
               "s", customer) < 0 ||
        db_int(db, e, credit_notes,
               "SELECT coalesce(sum(unapplied_fen), 0) FROM credit_notes WHERE customer = ?", "s",
               customer) < 0 ||
        db_int(db, e, earmarked,
               "SELECT coalesce(sum(amount_fen), 0) FROM earmarks WHERE customer = ?"
               " AND released_at IS NULL AND consumed_by IS NULL",
               "s", customer) < 0)
        return -1;
    return 0;
}

json_t *store_open_invoices(struct db *db, struct osb_err *e, const char *customer,
                            const char *first)
{
    return db_rows(db, e,
                   "SELECT number, " OPEN_SQL " AS open FROM invoices WHERE customer = ?"
                   " AND state IN ('open', 'partial') AND " OPEN_SQL " > 0"
                   " ORDER BY CASE WHEN number = ? THEN 0 ELSE 1 END, due_date, number",
                   "ss", customer, first);
}

json_t *store_free_sources(struct db *db, struct osb_err *e, const char *customer,
                           const char *first_kind, const char *first)
{
    return db_rows(db, e,
                   "SELECT kind, number, unapplied_fen FROM ("
                   " SELECT 'payment' AS kind, number, unapplied_fen,"
                   "  received_on AS d, id FROM payments WHERE customer = ?"
                   "  AND state = 'registered' AND unapplied_fen > 0"
                   " UNION ALL SELECT 'credit_note' AS kind, number, unapplied_fen,"
                   "  date AS d, id FROM credit_notes WHERE customer = ?"
                   "  AND unapplied_fen > 0) s"
                   " ORDER BY CASE WHEN kind = ? AND number = ? THEN 0 ELSE 1 END,"
                   " d, id, kind",
                   "ssss", customer, customer, first_kind, first);
}

int store_invoice_customer_open(struct db *db, struct osb_err *e, const char *invoice,
                                char customer[40], int64_t *open)
{
    /* Its open amount is spent next (an allocation): the invoice is locked first, as its own
       actions lock it (doc_act), so two allocations or a write-off cannot both take it. */
    if (store_doc_lock(db, e, "invoice", invoice) < 0)
        return -1;
    json_t *inv = NULL;
    int rc = db_row(db, e, &inv,
                    "SELECT customer, " OPEN_SQL " AS open, state FROM invoices"
                    " WHERE number = ?",
                    "s", invoice);
    if (rc <= 0)
        return rc;
    copy(customer, 40, jstr(inv, "customer"));
    *open = jint(inv, "open");
    json_decref(inv);
    return 1;
}

json_t *store_order_open_invoices(struct db *db, struct osb_err *e, const char *order_no)
{
    return db_rows(db, e,
                   "SELECT number, " OPEN_SQL " AS open FROM invoices WHERE order_no = ?"
                   " AND state IN ('open', 'partial') ORDER BY due_date, number",
                   "s", order_no);
}

/* ---- earmarks --------------------------------------------------------------------------- */

json_t *store_earmarks_active(struct db *db, struct osb_err *e, const char *order_no,
                              bool newest_first)
{
    return db_rows(db, e,
                   newest_first
                       ? "SELECT id, customer, amount_fen, created_at FROM earmarks"
                         " WHERE order_no = ? AND released_at IS NULL AND consumed_by IS NULL"
                         " ORDER BY id DESC"
                       : "SELECT id, customer, amount_fen, created_at FROM earmarks"
                         " WHERE order_no = ? AND released_at IS NULL AND consumed_by IS NULL"
                         " ORDER BY id",
                   "s", order_no);
}

int store_earmark_consume(struct db *db, struct osb_err *e, int64_t id, const char *invoice,
                          int64_t keep)
{
    if (keep < 0)
        return done(
            db_exec(db, e, "UPDATE earmarks SET consumed_by = ? WHERE id = ?", "si", invoice, id));
    return done(db_exec(db, e, "UPDATE earmarks SET amount_fen = ?, consumed_by = ? WHERE id = ?",
                        "isi", keep, invoice, id));
}

int store_order_earmarked(struct db *db, struct osb_err *e, const char *order_no, int64_t *sum)
{
    return done(db_int(db, e, sum,
                       "SELECT coalesce(sum(amount_fen), 0) FROM earmarks WHERE order_no = ?"
                       " AND released_at IS NULL AND consumed_by IS NULL",
                       "s", order_no));
}

int store_earmark_insert(struct db *db, struct osb_err *e, const char *order_no,
                         const char *customer, int64_t amount, int64_t created_at)
{
    return done(db_exec(db, e,
                        "INSERT INTO earmarks(order_no, customer, amount_fen, created_at)"
                        " VALUES(?,?,?,?)",
                        "ssii", order_no, customer, amount, created_at));
}

int store_earmark_release(struct db *db, struct osb_err *e, int64_t id, int64_t now)
{
    return done(db_exec(db, e, "UPDATE earmarks SET released_at = ? WHERE id = ?", "ii", now, id));
}

int store_earmark_set_amount(struct db *db, struct osb_err *e, int64_t id, int64_t amount)
{
    return done(
        db_exec(db, e, "UPDATE earmarks SET amount_fen = ? WHERE id = ?", "ii", amount, id));
}

/* ---- making invoices and credit notes -------------------------------------------------- */

int store_product_tax_rate(struct db *db, struct osb_err *e, const char *sku, int64_t *rate)
{
    return done(db_int(db, e, rate, "SELECT tax_rate_bp FROM products WHERE sku = ?", "s", sku));
}

int store_customer_term_days(struct db *db, struct osb_err *e, const char *customer, int64_t *days)
{
    return done(db_int(db, e, days, "SELECT payment_term_days FROM customers WHERE code = ?", "s",
                       customer));
}

int store_invoice_insert(struct db *db, struct osb_err *e, const char *number, const char *customer,
                         const char *order_no, const char *shipment, const char *invoice_date,
                         const char *due_date, int64_t amount, int64_t tax, int64_t now)
{
    return done(db_exec(db, e,
                        "INSERT INTO invoices(number, customer, order_no, shipment, invoice_date,"
                        " due_date, amount_fen, tax_fen, created_at, updated_at)"
                        " VALUES(?,?,?,?,?,?,?,?,?,?)",
                        "ssssssiiii", number, customer, order_no, shipment, invoice_date, due_date,
                        amount, tax, now, now));
}

int store_invoice_line_insert(struct db *db, struct osb_err *e, const char *invoice,
                              const struct invoice_new_line *l)
{
    return done(db_exec(db, e,
                        "INSERT INTO invoice_lines(invoice, line_no, order_line, sku, qty,"
                        " price_fen, amount_fen, tax_rate_bp, tax_fen)"
                        " VALUES(?,?,?,?,?,?,?,?,?)",
                        "sddsiiidi", invoice, l->line_no, l->order_line, l->sku, l->qty,
                        l->price_fen, l->amount_fen, l->tax_rate_bp, l->tax_fen));
}

int store_order_exposure_invoiced(struct db *db, struct osb_err *e, const char *order_no,
                                  int64_t amount)
{
    return done(db_exec(db, e,
                        "UPDATE order_exposure SET open_fen = CASE WHEN open_fen > ?"
                        " THEN open_fen - ? ELSE 0 END WHERE order_no = ?",
                        "iis", amount, amount, order_no));
}

int store_invoices_live(struct db *db, struct osb_err *e, const char *order_no, int64_t *n)
{
    return done(db_int(db, e, n,
                       "SELECT count(*) FROM invoices WHERE order_no = ? AND state <> 'cancelled'",
                       "s", order_no));
}

int store_shipment_billing(struct db *db, struct osb_err *e, const char *shipment,
                           char order_no[DOCNO_MAX], char customer[40], bool *prepay)
{
    json_t *s = NULL;
    int rc = db_row(db, e, &s,
                    "SELECT s.order_no, o.customer, cu.prepay_only FROM shipments s"
                    " JOIN orders o ON o.number = s.order_no"
                    " JOIN customers cu ON cu.code = o.customer WHERE s.number = ?",
                    "s", shipment);
    if (rc <= 0)
        return rc;
    copy(order_no, DOCNO_MAX, jstr(s, "order_no"));
    copy(customer, 40, jstr(s, "customer"));
    *prepay = jint(s, "prepay_only") != 0;
    json_decref(s);
    return 1;
}

int store_order_billing(struct db *db, struct osb_err *e, const char *order_no, char customer[40],
                        bool *prepay)
{
    json_t *o = NULL;
    int rc = db_row(db, e, &o,
                    "SELECT o.customer, cu.prepay_only FROM orders o JOIN customers cu"
                    " ON cu.code = o.customer WHERE o.number = ?",
                    "s", order_no);
    if (rc <= 0)
        return rc;
    copy(customer, 40, jstr(o, "customer"));
    *prepay = jint(o, "prepay_only") != 0;
    json_decref(o);
    return 1;
}

json_t *store_shipment_invoice_lines(struct db *db, struct osb_err *e, const char *order_no,
                                     const char *shipment)
{
    return db_rows(db, e,
                   "SELECT sl.line_no, sl.sku, sl.qty_shipped, ol.price_fen"
                   " FROM shipment_lines sl JOIN order_lines ol ON ol.order_no = ?"
                   " AND ol.line_no = sl.line_no WHERE sl.shipment = ?"
                   " AND sl.qty_shipped > 0 ORDER BY sl.line_no",
                   "ss", order_no, shipment);
}

json_t *store_invoice_line_rows(struct db *db, struct osb_err *e, const char *invoice)
{
    return db_rows(db, e,
                   "SELECT line_no, sku, qty, price_fen, amount_fen FROM invoice_lines"
                   " WHERE invoice = ? ORDER BY line_no",
                   "s", invoice);
}

json_t *store_invoices_uncredited(struct db *db, struct osb_err *e, const char *order_no)
{
    return db_rows(db, e,
                   "SELECT number, amount_fen - written_off_fen - coalesce((SELECT"
                   " sum(n.amount_fen) FROM credit_notes n WHERE n.invoice ="
                   " invoices.number), 0) AS left"
                   " FROM invoices WHERE order_no = ? AND state <> 'cancelled'"
                   " ORDER BY number",
                   "s", order_no);
}

int store_prepay_invoice_of(struct db *db, struct osb_err *e, const char *order_no, char **out)
{
    *out = NULL;
    return done(db_text(db, e, out,
                        "SELECT number FROM invoices WHERE order_no = ? AND state <> 'cancelled'"
                        " AND shipment IS NULL ORDER BY number LIMIT 1",
                        "s", order_no));
}

int store_invoice_uncredited(struct db *db, struct osb_err *e, const char *invoice, int64_t *left)
{
    return done(db_int(db, e, left,
                       "SELECT amount_fen - written_off_fen - coalesce((SELECT sum(n.amount_fen)"
                       " FROM credit_notes n WHERE n.invoice = invoices.number), 0) FROM invoices"
                       " WHERE number = ?",
                       "s", invoice));
}

int store_invoice_head(struct db *db, struct osb_err *e, const char *invoice, char customer[40],
                       char order_no[DOCNO_MAX], int64_t *open)
{
    json_t *inv = NULL;
    int rc = db_row(db, e, &inv,
                    "SELECT customer, order_no, " OPEN_SQL " AS open FROM invoices"
                    " WHERE number = ?",
                    "s", invoice);
    if (rc <= 0)
        return rc;
    copy(customer, 40, jstr(inv, "customer"));
    copy(order_no, DOCNO_MAX, jstr(inv, "order_no"));
    *open = jint(inv, "open");
    json_decref(inv);
    return 1;
}

int store_invoice_open(struct db *db, struct osb_err *e, const char *invoice, int64_t *open)
{
    return done(
        db_int(db, e, open, "SELECT " OPEN_SQL " FROM invoices WHERE number = ?", "s", invoice));
}

int store_credit_note_insert(struct db *db, struct osb_err *e, const struct credit_note_new *n)
{
    return done(db_exec(db, e,
                        "INSERT INTO credit_notes(number, customer, invoice, return_no, order_no,"
                        " reason, amount_fen, tax_fen, unapplied_fen, date, created_at,"
                        " created_by) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)",
                        "ssssssiiisis", n->number, n->customer, n->invoice, n->return_no,
                        n->order_no, n->reason, n->amount_fen, n->tax_fen, n->amount_fen, n->date,
                        n->created_at, n->by));
}

int store_credit_note_line_insert(struct db *db, struct osb_err *e, const char *credit_note,
                                  const struct credit_note_new_line *l)
{
    return done(db_exec(db, e,
                        "INSERT INTO credit_note_lines(credit_note, line_no, invoice_line, sku,"
                        " batch, qty, price_fen, amount_fen, tax_fen)"
                        " VALUES(?,?,?,?,?,?,?,?,?)",
                        "sddssiiii", credit_note, l->line_no, l->invoice_line, l->sku, l->batch,
                        l->qty, l->price_fen, l->amount_fen, l->tax_fen));
}
