/*
 * credit.c (store) — the sums behind a customer's credit figures (flows.md §2.5).
 * open_receivables = Σ open of invoices; open_orders = Σ open value of other orders not yet
 * invoiced (order_exposure, kept by the order and billing flows); prepayment = Σ unapplied of
 * registered payments and credit notes; overdue = Σ open of invoices due before today.
 */
#include "store/credit.h"

#include "core/money.h"
#include "core/sb.h"

#include <string.h>

int store_credit_figures(struct db *db, struct osb_err *e, const char *customer, date_t today,
                         const char *exclude_order, struct credit_figures *f)
{
    int64_t other_earmarks;
    return store_credit_cc(db, e, customer, today, exclude_order, f, &other_earmarks);
}

int store_credit_cc(struct db *db, struct osb_err *e, const char *customer, date_t today,
                    const char *order, struct credit_figures *f, int64_t *other_earmarks)
{
    char ds[11];
    date_format(today, ds);
    *other_earmarks = 0;
    memset(f, 0, sizeof *f);
    /* In a write, the customer's credit is locked before its figures are read: two orders of
       one customer are checked one after the other, the second against what the first
       committed (docs/operations.md "Which lock protects what"). */
    if (db_lock_key(db, e, "customer", customer) < 0)
        return -1;
    /* SQLite: the open invoices from invoices_open, which holds every column the three sums
       read (customer first, open and partial invoices only). Left to itself the planner takes
       invoices_customer (customer, state) and reads each open invoice's row: at 1M orders
       those rows lie anywhere in the file, and a customers page of 50 cost 3x its plan with
       the index (bench/README.md "Tenth pass"). PostgreSQL plans it as it likes. */
    const char *inv = db_postgres(db) ? "invoices" : "invoices INDEXED BY invoices_open";
    struct sb sql = SB_INIT;
    sb_addf(&sql,
            "SELECT c.credit_limit_fen,"
            " (SELECT coalesce(sum(amount_fen - settled_fen - credited_fen - written_off_fen), 0)"
            "  FROM %s WHERE customer = ?1 AND state IN ('open', 'partial')),"
            " (SELECT coalesce(sum(CASE WHEN due_date < ?2 THEN amount_fen - settled_fen"
            "   - credited_fen - written_off_fen ELSE 0 END), 0)"
            "  FROM %s WHERE customer = ?1 AND state IN ('open', 'partial')),"
            " (SELECT min(CASE WHEN due_date < ?2 AND amount_fen - settled_fen - credited_fen"
            "   - written_off_fen > 0 THEN due_date END)"
            "  FROM %s WHERE customer = ?1 AND state IN ('open', 'partial')),"
            " (SELECT coalesce(sum(open_fen), 0) FROM order_exposure WHERE customer = ?1"
            "  AND order_no <> coalesce(?3, '')),"
            /* unapplied_fen > 0 adds nothing to the sum; it lets the partial index payments_open
               read a customer's open receipts instead of all its receipts */
            " (SELECT coalesce(sum(unapplied_fen), 0) FROM payments WHERE customer = ?1"
            "  AND state = 'registered' AND unapplied_fen > 0),"
            " (SELECT coalesce(sum(unapplied_fen), 0) FROM credit_notes WHERE customer = ?1),"
            " (SELECT coalesce(sum(amount_fen), 0) FROM earmarks WHERE customer = ?1"
            "  AND order_no <> coalesce(?3, '') AND released_at IS NULL AND consumed_by IS NULL)"
            " FROM customers c WHERE c.code = ?1",
            inv, inv, inv);
    struct dbq *q = db_query(db, e, sb_str(&sql), "sss", customer, ds, order);
    sb_free(&sql);
    if (!q)
        return -1;
    int rc = dbq_next(q, e);
    int64_t pay = 0, notes = 0;
    if (rc == 1) {
        f->limit_fen = dbq_int(q, 0);
        f->open_receivables_fen = dbq_int(q, 1);
        f->overdue_fen = dbq_int(q, 2);
        date_t oldest;
        f->oldest_overdue_days =
            (!dbq_null(q, 3) && date_parse(dbq_text(q, 3), &oldest)) ? today - oldest : 0;
        f->open_orders_fen = dbq_int(q, 4);
        pay = dbq_int(q, 5);
        notes = dbq_int(q, 6);
        *other_earmarks = dbq_int(q, 7);
    }
    dbq_end(q);
    if (rc < 0)
        return -1;
    /* Unapplied credit of credit notes counts like prepayment (flows.md §4.2.5). */
    if (!money_add(pay, notes, &f->prepayment_fen))
        return err_invalid(e, "credit", "amount_overflow", "prepayment overflows");
    if (!credit_compute(f, 0))
        return err_invalid(e, "credit", "amount_overflow", "credit figures overflow");
    return 0;
}

json_t *credit_json(const struct credit_figures *f)
{
    return json_pack(
        "{sI sI sI sI sI sI sI si}", "limit_fen", (json_int_t)f->limit_fen, "open_receivables_fen",
        (json_int_t)f->open_receivables_fen, "open_orders_fen", (json_int_t)f->open_orders_fen,
        "prepayment_fen", (json_int_t)f->prepayment_fen, "exposure_fen",
        (json_int_t)f->exposure_fen, "available_fen", (json_int_t)f->available_fen, "overdue_fen",
        (json_int_t)f->overdue_fen, "oldest_overdue_days", (int)f->oldest_overdue_days);
}
