/*
 * ledger.h (store) — the customer ledger (往来账, entities §7.2): append-only rows with a
 * gapless seq per customer and a running balance (debit − credit; positive = the customer
 * owes). There is no function that updates or deletes a row: corrections are new entries.
 *
 * Also the one SQL text of the receivables aging (api.md §3.5), shared by the flow and by
 * bench/aging_bench.c so the benchmark times exactly what the server runs.
 */
#ifndef OSB_STORE_LEDGER_H
#define OSB_STORE_LEDGER_H

#include "rules/perm.h"
#include "store/db.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct ledger_post {
    const char *customer;
    const char *date;              /* entry date YYYY-MM-DD */
    const char *kind;              /* invoice, payment, expense_credit, credit_note, ... */
    const char *document;          /* FP / SK / HZ number */
    const char *order_no;          /* may be NULL */
    int64_t debit_fen, credit_fen; /* exactly one > 0 */
    int64_t posted_at;
};

/* Appends one entry: seq = last seq + 1, balance = last balance + debit − credit (checked).
   422 amount_overflow when the balance would overflow. */
int store_ledger_append(struct db *db, struct osb_err *e, const struct ledger_post *p);

/* The entries of customer dated from..to (either may be NULL: open), by seq:
   [{seq, date, kind, document, order, debit_fen, credit_fen, balance_fen}]. */
json_t *store_ledger_entries(struct db *db, struct osb_err *e, const char *customer,
                             const char *from, const char *to);
/* Σ debit − credit of the entries of customer dated before `before`. */
int store_ledger_opening(struct db *db, struct osb_err *e, const char *customer, const char *before,
                         int64_t *opening);
/* The entries of customer dated from..to by date then seq: [{seq, date, kind, document, order,
   debit_fen, credit_fen}], with payment_kind (the receipt's kind, else null) when
   with_payment_kind. */
json_t *store_ledger_period(struct db *db, struct osb_err *e, const char *customer,
                            const char *from, const char *to, bool with_payment_kind);
/* The customer's name (a new string, NULL when none). */
int store_customer_name(struct db *db, struct osb_err *e, const char *customer, char **out);
/* The aging rows (below) as of as_of for the customers u may see, market and region filters
   may be NULL; a new array, NULL with e set on error. */
json_t *store_aging(struct db *db, struct osb_err *e, const struct scope_user *u, int32_t as_of,
                    const char *market, const char *region);

/*
 * Aging of open receivables as of a date, one row per customer:
 *   customer, current_fen, d1_30_fen, d31_60_fen, d61_90_fen, d90_plus_fen, total_fen.
 * Days overdue = as_of − due_date: ≤ 0 current (an invoice due today is current), 1–30,
 * 31–60, 61–90, > 90; the caller passes the boundary dates, computed in C (portable SQL), as
 * parameters in this order (store_aging_params fills them):
 *   as_of, as_of, as_of−30, as_of−30, as_of−60, as_of−60, as_of−90, as_of−90, as_of,
 *   market, market, region, region (NULL for no filter)
 * Invoices issued after as_of are left out. The WHERE matches the partial index
 * invoices_open, so only open invoices are read. The caller may append its scope filter
 * (over customers aliased cu, more parameters) before STORE_AGING_TAIL.
 */
#define STORE_AGING_OPEN "(i.amount_fen - i.settled_fen - i.credited_fen - i.written_off_fen)"
#define STORE_AGING_HEAD                                                                           \
    "SELECT i.customer AS customer,"                                                               \
    " sum(CASE WHEN i.due_date >= ? THEN " STORE_AGING_OPEN " ELSE 0 END) AS current_fen,"         \
    " sum(CASE WHEN i.due_date < ? AND i.due_date >= ? THEN " STORE_AGING_OPEN                     \
    " ELSE 0 END) AS d1_30_fen,"                                                                   \
    " sum(CASE WHEN i.due_date < ? AND i.due_date >= ? THEN " STORE_AGING_OPEN                     \
    " ELSE 0 END) AS d31_60_fen,"                                                                  \
    " sum(CASE WHEN i.due_date < ? AND i.due_date >= ? THEN " STORE_AGING_OPEN                     \
    " ELSE 0 END) AS d61_90_fen,"                                                                  \
    " sum(CASE WHEN i.due_date < ? THEN " STORE_AGING_OPEN " ELSE 0 END) AS d90_plus_fen,"         \
    " sum" STORE_AGING_OPEN " AS total_fen"                                                        \
    " FROM invoices i JOIN customers cu ON cu.code = i.customer"                                   \
    " WHERE i.state IN ('open', 'partial') AND i.invoice_date <= ?"                                \
    " AND (? IS NULL OR cu.market = ?) AND (? IS NULL OR cu.region = ?)"
#define STORE_AGING_TAIL                                                                           \
    " GROUP BY i.customer HAVING sum" STORE_AGING_OPEN " > 0 ORDER BY i.customer"

/* The 13 parameters of STORE_AGING_HEAD as a JSON array (for db_rows_a); dates as
   YYYY-MM-DD days since 1970 (date_t), market/region may be NULL. New reference. */
json_t *store_aging_params(int32_t as_of, const char *market, const char *region);

#endif
