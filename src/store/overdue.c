/*
 * overdue.c (store) — the overdue ladder's SQL (store/overdue.h).
 */
#include "store/overdue.h"

json_t *store_overdue_candidates(struct db *db, struct osb_err *e, const char *horizon)
{
    return db_rows(db, e,
                   "SELECT i.number, i.customer, i.invoice_date, i.due_date,"
                   " i.amount_fen - i.settled_fen - i.credited_fen - i.written_off_fen AS open_fen,"
                   " cu.kam, coalesce(nullif(o.um, ''), r.um) AS um,"
                   " coalesce(nullif(o.bcr, ''), nullif(m.bcr, ''), (SELECT username FROM users"
                   " WHERE role = 'ssg_leader' AND active = 1 ORDER BY username LIMIT 1)) AS bcr,"
                   " m.slt_supervisor AS supervisor FROM invoices i"
                   " JOIN customers cu ON cu.code = i.customer JOIN markets m ON m.code = cu.market"
                   " LEFT JOIN regions r ON r.code = cu.region LEFT JOIN orders o"
                   " ON o.number = i.order_no"
                   " WHERE i.state IN ('open', 'partial') AND i.due_date <= ?"
                   " AND i.amount_fen - i.settled_fen - i.credited_fen - i.written_off_fen > 0"
                   " ORDER BY i.due_date, i.number",
                   "s", horizon);
}

int store_incident_overdue_90(struct db *db, struct osb_err *e, const char *customer,
                              const char *date, int64_t amount, const char *note,
                              const char *invoice, int64_t now)
{
    int n = db_exec(db, e,
                    "INSERT INTO credit_incidents(customer, date, kind, amount_fen, note,"
                    " recorded_by, invoice, created_at) VALUES(?,?,'overdue_90',?,?,?,?,?)"
                    " ON CONFLICT DO NOTHING",
                    "ssisssi", customer, date, amount, note, "system", invoice, now);
    return n < 0 ? -1 : n > 0 ? 1 : 0;
}

int store_customer_hold(struct db *db, struct osb_err *e, const char *customer, json_t **out)
{
    *out = NULL;
    return db_row(db, e, out,
                  "SELECT grade, credit_hold = 1 AS \"credit_hold!b\", credit_hold_reason"
                  " FROM customers WHERE code = ?",
                  "s", customer);
}

int store_customer_set_hold(struct db *db, struct osb_err *e, const char *customer,
                            const char *reason, int64_t now)
{
    return db_exec(db, e,
                   "UPDATE customers SET grade = 'E', credit_hold = 1, credit_hold_reason = ?,"
                   " version = version + 1, updated_at = ? WHERE code = ?",
                   "sis", reason, now, customer) < 0
               ? -1
               : 0;
}

int store_notification_sent(struct db *db, struct osb_err *e, const char *dedup_key, int64_t *n)
{
    return db_int(db, e, n, "SELECT count(*) FROM notifications WHERE dedup_key = ?", "s",
                  dedup_key) < 0
               ? -1
               : 0;
}

json_t *store_credit_incidents(struct db *db, struct osb_err *e, const char *customer)
{
    return db_rows(db, e,
                   "SELECT id, date, kind, amount_fen, note, recorded_by, invoice,"
                   " created_at FROM credit_incidents WHERE customer = ?"
                   " ORDER BY date DESC, id DESC",
                   "s", customer);
}
