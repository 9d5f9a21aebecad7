/*
 * payment.c (store) — receipts (store/payment.h).
 */
#include "store/payment.h"

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

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

int store_payment_load(struct db *db, struct osb_err *e, const char *number, struct payment *p)
{
    memset(p, 0, sizeof *p);
    json_t *o = NULL;
    int rc = db_row(db, e, &o,
                    "SELECT number, customer, amount_fen, unapplied_fen, kind, method, reference,"
                    " received_on, for_order, note, state, created_at, created_by, version,"
                    " reversed_at, reversed_by, reversal_reason FROM payments"
                    " WHERE number = ?",
                    "s", number);
    if (rc <= 0)
        return rc;
    copy(p->number, sizeof p->number, jstr(o, "number"));
    copy(p->customer, sizeof p->customer, jstr(o, "customer"));
    copy(p->kind, sizeof p->kind, jstr(o, "kind"));
    copy(p->received_on, sizeof p->received_on, jstr(o, "received_on"));
    copy(p->state, sizeof p->state, jstr(o, "state"));
    p->method = dup_or_null(jstr(o, "method"));
    p->reference = dup_or_null(jstr(o, "reference"));
    p->for_order = dup_or_null(jstr(o, "for_order"));
    p->note = dup_or_null(jstr(o, "note"));
    p->created_by = dup_or_null(jstr(o, "created_by"));
    p->amount_fen = jint(o, "amount_fen");
    p->unapplied_fen = jint(o, "unapplied_fen");
    p->created_at = jint(o, "created_at");
    p->version = jint(o, "version");
    p->reversed_at = jint(o, "reversed_at");
    copy(p->reversed_by, sizeof p->reversed_by, jstr(o, "reversed_by"));
    p->reversal_reason = dup_or_null(jstr(o, "reversal_reason"));
    json_decref(o);
    p->allocations = db_rows(db, e,
                             "SELECT invoice, amount_fen, settle_date, reversed_by FROM allocations"
                             " WHERE source_kind = 'payment' AND source = ? ORDER BY id",
                             "s", number);
    if (!p->allocations) {
        store_payment_release(p);
        return -1;
    }
    return 1;
}

void store_payment_release(struct payment *p)
{
    free(p->method);
    free(p->reference);
    free(p->for_order);
    free(p->note);
    free(p->created_by);
    free(p->reversal_reason);
    p->reversal_reason = NULL;
    json_decref(p->allocations);
    p->method = p->reference = p->for_order = p->note = p->created_by = NULL;
    p->allocations = NULL;
}

int store_payment_insert(struct db *db, struct osb_err *e, const struct payment *p)
{
    return db_exec(db, e,
                   "INSERT INTO payments(number, customer, amount_fen, unapplied_fen, kind, method,"
                   " reference, received_on, for_order, note, created_at, created_by)"
                   " VALUES(?,?,?,?,?,?,?,?,?,?,?,?)",
                   "ssiissssssis", p->number, p->customer, p->amount_fen, p->amount_fen, p->kind,
                   p->method, p->reference, p->received_on, p->for_order, p->note, p->created_at,
                   p->created_by) < 0
               ? -1
               : 0;
}

int store_payment_duplicates(struct db *db, struct osb_err *e, const char *customer,
                             const char *reference, int64_t amount, const char *received_on,
                             int64_t *n)
{
    return db_int(db, e, n,
                  "SELECT count(*) FROM payments WHERE customer = ? AND reference = ?"
                  " AND amount_fen = ? AND received_on = ?",
                  "ssis", customer, reference, amount, received_on) < 0
               ? -1
               : 0;
}

int store_customer_created_at(struct db *db, struct osb_err *e, const char *customer, int64_t *at)
{
    return db_int(db, e, at, "SELECT created_at FROM customers WHERE code = ?", "s", customer);
}

int store_order_money(struct db *db, struct osb_err *e, const char *order_no, char customer[40],
                      char state[32], int64_t *total)
{
    json_t *o = NULL;
    int rc = db_row(db, e, &o, "SELECT customer, state, total_fen FROM orders WHERE number = ?",
                    "s", order_no);
    if (rc <= 0)
        return rc;
    copy(customer, 40, jstr(o, "customer"));
    copy(state, 32, jstr(o, "state"));
    *total = jint(o, "total_fen");
    json_decref(o);
    return 1;
}

int store_payment_list(struct db *db, struct osb_err *e, const struct scope_user *u,
                       const struct payment_filter *f, json_t **numbers, char **next)
{
    json_t *a = json_array();
    struct sb sql = SB_INIT;
    sb_add(&sql, "SELECT p.number FROM payments p JOIN customers cu ON cu.code = p.customer"
                 " WHERE 1=1");
    store_scope_sql(u, &sql, a, "cu");
    store_filter_eq(&sql, a, "p.customer", f->customer);
    store_filter_eq(&sql, a, "p.kind", f->kind);
    store_filter_in(&sql, a, "p.state", f->state);
    store_filter_q(&sql, a, f->q, "p.number", "cu", NULL, NULL);
    return store_doc_page(db, e, &sql, a, "p.number", f->cursor, f->limit, numbers, next);
}

/* ---- corrections (api.md §5.5) ----------------------------------------------------------- */

int store_payment_save(struct db *db, struct osb_err *e, const struct payment *p)
{
    if (p->reversal_changed)
        return db_exec(db, e,
                       "UPDATE payments SET state = ?, version = version + 1, unapplied_fen = 0,"
                       " reversed_at = ?, reversed_by = ?, reversal_reason = ? WHERE number = ?",
                       "sisss", p->state, p->reversed_at, p->reversed_by, p->reversal_reason,
                       p->number) < 0
                   ? -1
                   : 0;
    return db_exec(db, e, "UPDATE payments SET state = ?, version = version + 1 WHERE number = ?",
                   "ss", p->state, p->number) < 0
               ? -1
               : 0;
}

int store_payment_drawn(struct db *db, struct osb_err *e, const char *number, int64_t *sum)
{
    return db_int(db, e, sum,
                  "SELECT coalesce(sum(amount_fen), 0) FROM refund_draws WHERE payment = ?", "s",
                  number) < 0
               ? -1
               : 0;
}

json_t *store_payment_live_allocations(struct db *db, struct osb_err *e, const char *number)
{
    return db_rows(db, e,
                   "SELECT id, invoice, amount_fen FROM allocations WHERE source_kind = 'payment'"
                   " AND source = ? AND reversed_by IS NULL ORDER BY id",
                   "s", number);
}

json_t *store_customer_earmarks_newest(struct db *db, struct osb_err *e, const char *customer)
{
    return db_rows(db, e,
                   "SELECT id, amount_fen FROM earmarks WHERE customer = ? AND released_at IS NULL"
                   " AND consumed_by IS NULL ORDER BY id DESC",
                   "s", customer);
}
