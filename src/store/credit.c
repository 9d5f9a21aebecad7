/*
 * credit.c (store) — the sums behind a customer's credit figures (flows.md §2.5).
 * open_receivables = Σ open of invoices; open_orders = Σ open value of other orders not yet
 * invoiced (order_exposure, kept by the order and billing flows); prepayment = Σ unapplied of
 * registered payments and credit notes; overdue = Σ open of invoices due before today.
 */
#include "store/credit.h"

#include "core/money.h"
#include "core/sb.h"
#include "store/doc.h"

#include <string.h>

int store_credit_figures(struct db *db, struct osb_err *e, const char *customer, date_t today,
                         const char *exclude_order, struct credit_figures *f)
{
    int64_t other_earmarks;
    return store_credit_cc(db, e, customer, today, exclude_order, f, &other_earmarks);
}

/* The seven sums of a customer's figures (flows.md §2.5), the customer's code in the SQL
   expression cust, the day in day, the order left out in excl. SQLite reads the open
   invoices from invoices_open, which holds every column the three sums read (customer first,
   open and partial invoices only): left to itself its planner takes invoices_customer
   (customer, state) and reads each open invoice's row, which at 1M orders lie anywhere in the
   file (a customers page of 50 cost 3x; bench/README.md "Tenth pass"). PostgreSQL plans it as
   it likes. */
static void figures_sql(struct db *db, struct sb *sql, const char *cust, const char *day,
                        const char *excl)
{
    const char *inv = db_postgres(db) ? "invoices" : "invoices INDEXED BY invoices_open";
    sb_addf(sql,
            " (SELECT coalesce(sum(amount_fen - settled_fen - credited_fen - written_off_fen), 0)"
            "  FROM %s WHERE customer = %s AND state IN ('open', 'partial')),"
            " (SELECT coalesce(sum(CASE WHEN due_date < %s THEN amount_fen - settled_fen"
            "   - credited_fen - written_off_fen ELSE 0 END), 0)"
            "  FROM %s WHERE customer = %s AND state IN ('open', 'partial')),"
            " (SELECT min(CASE WHEN due_date < %s AND amount_fen - settled_fen - credited_fen"
            "   - written_off_fen > 0 THEN due_date END)"
            "  FROM %s WHERE customer = %s AND state IN ('open', 'partial')),"
            " (SELECT coalesce(sum(open_fen), 0) FROM order_exposure WHERE customer = %s"
            "  AND order_no <> %s),"
            /* unapplied_fen > 0 adds nothing to the sum; it lets the partial index payments_open
               read a customer's open receipts instead of all its receipts */
            " (SELECT coalesce(sum(unapplied_fen), 0) FROM payments WHERE customer = %s"
            "  AND state = 'registered' AND unapplied_fen > 0),"
            " (SELECT coalesce(sum(unapplied_fen), 0) FROM credit_notes WHERE customer = %s),"
            " (SELECT coalesce(sum(amount_fen), 0) FROM earmarks WHERE customer = %s"
            "  AND order_no <> %s AND released_at IS NULL AND consumed_by IS NULL)",
            inv, cust, day, inv, cust, day, inv, cust, cust, excl, cust, cust, cust, excl);
}

/* The figures from the columns at k..k+7 of q's row (limit, then figures_sql's seven sums);
   0, or -1 with e set when they overflow. */
static int read_figures(struct dbq *q, int k, date_t today, struct credit_figures *f,
                        int64_t *other_earmarks, struct osb_err *e)
{
    f->limit_fen = dbq_int(q, k + 0);
    f->open_receivables_fen = dbq_int(q, k + 1);
    f->overdue_fen = dbq_int(q, k + 2);
    date_t oldest;
    f->oldest_overdue_days =
        (!dbq_null(q, k + 3) && date_parse(dbq_text(q, k + 3), &oldest)) ? today - oldest : 0;
    f->open_orders_fen = dbq_int(q, k + 4);
    int64_t pay = dbq_int(q, k + 5), notes = dbq_int(q, k + 6);
    *other_earmarks = dbq_int(q, k + 7);
    /* Unapplied credit of credit notes counts like prepayment (flows.md §4.2.5). */
    if (!money_add(pay, notes, &f->prepayment_fen))
        return err_invalid(e, "credit", "amount_overflow", "prepayment overflows");
    if (!credit_compute(f, 0))
        return err_invalid(e, "credit", "amount_overflow", "credit figures overflow");
    return 0;
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
    struct sb sql = SB_INIT;
    sb_add(&sql, "SELECT c.credit_limit_fen, ");
    figures_sql(db, &sql, "?1", "?2", "coalesce(?3, '')");
    sb_add(&sql, " FROM customers c WHERE c.code = ?1");
    struct dbq *q = db_query(db, e, sb_str(&sql), "sss", customer, ds, order);
    sb_free(&sql);
    if (!q)
        return -1;
    int rc = dbq_next(q, e);
    if (rc == 1 && read_figures(q, 0, today, f, other_earmarks, e) < 0)
        rc = -1;
    dbq_end(q);
    if (rc < 0)
        return -1;
    if (rc == 0) {
        /* no such customer: every sum 0 */
        if (!credit_compute(f, 0))
            return err_invalid(e, "credit", "amount_overflow", "credit figures overflow");
    }
    return 0;
}

int store_credit_figures_page(struct db *db, struct osb_err *e, json_t *codes, date_t today,
                              struct credit_figures *f, bool *ok)
{
    size_t n = json_array_size(codes);
    for (size_t i = 0; i < n; i++) {
        memset(&f[i], 0, sizeof f[i]);
        ok[i] = false;
    }
    if (n == 0)
        return 0;
    char ds[11];
    date_format(today, ds);
    struct sb sql = SB_INIT;
    sb_add(&sql, "SELECT c.code, c.credit_limit_fen, ");
    figures_sql(db, &sql, "c.code", "?1", "''");
    sb_add(&sql, " FROM customers c WHERE c.code");
    struct dbq *q = store_query_in(db, e, sb_str(&sql), json_pack("[s]", ds), codes, "");
    sb_free(&sql);
    if (!q)
        return -1;
    int rc;
    while ((rc = dbq_next(q, e)) == 1) {
        long i = store_index_of(codes, dbq_text(q, 0));
        if (i < 0 || ok[i])
            continue;
        struct osb_err ignore = OSB_ERR_INIT;
        int64_t other;
        ok[i] = read_figures(q, 1, today, &f[i], &other, &ignore) == 0;
        err_clear(&ignore);
    }
    dbq_end(q);
    return rc < 0 ? -1 : 0;
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
