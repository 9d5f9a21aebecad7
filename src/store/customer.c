/*
 * customer.c (store) — the customer lifecycle's SQL (store/customer.h).
 */
#include "store/customer.h"

int store_customer_open_items(struct db *db, struct osb_err *e, const char *code,
                              int64_t *balance_fen, json_t **open)
{
    *open = NULL;
    *balance_fen = 0;
    if (db_int(db, e, balance_fen,
               "SELECT coalesce(sum(debit_fen - credit_fen), 0) FROM ledger WHERE customer = ?",
               "s", code) < 0)
        return -1;
    *open =
        db_rows(db, e,
                "SELECT * FROM ("
                "SELECT 'orders' AS type, number, state FROM orders WHERE customer = ?1"
                " AND state NOT IN ('released', 'rejected', 'cancelled', 'closed')"
                " UNION ALL SELECT 'shipments', s.number, s.state FROM shipments s"
                " JOIN orders o ON o.number = s.order_no WHERE o.customer = ?1"
                " AND s.state NOT IN ('delivered', 'cancelled')"
                " UNION ALL SELECT 'returns', number, state FROM returns WHERE customer = ?1"
                " AND state NOT IN ('received', 'refused', 'cancelled')"
                " UNION ALL SELECT 'backorders', number, state FROM backorders WHERE customer = ?1"
                " AND state = 'open'"
                " UNION ALL SELECT 'invoices', number, state FROM invoices WHERE customer = ?1"
                " AND state IN ('open', 'partial')) AS open_items ORDER BY type, number LIMIT 20",
                "s", code);
    return *open ? 0 : -1;
}

int store_customer_kam_ok(struct db *db, struct osb_err *e, const char *username, bool *ok)
{
    int64_t n = 0;
    *ok = false;
    if (db_int(db, e, &n,
               "SELECT count(*) FROM users WHERE username = ? AND role = 'kam' AND active = 1", "s",
               username ? username : "") < 0)
        return -1;
    *ok = n > 0;
    return 0;
}

json_t *store_customer_archive_list(struct db *db, struct osb_err *e)
{
    return db_rows(db, e,
                   "SELECT code, kam, archive_reviewed_on, created_at FROM customers"
                   " WHERE status = 'active' ORDER BY code",
                   NULL);
}

json_t *store_customer_net_sales(struct db *db, struct osb_err *e, const char *from, const char *to)
{
    return db_rows(db, e,
                   "SELECT c.code, c.tier, coalesce((SELECT sum(i.amount_fen) FROM invoices i"
                   " WHERE i.customer = c.code AND i.state <> 'cancelled'"
                   " AND i.invoice_date BETWEEN ?1 AND ?2), 0)"
                   " - coalesce((SELECT sum(n.amount_fen) FROM credit_notes n"
                   " WHERE n.customer = c.code AND n.date BETWEEN ?1 AND ?2), 0) AS net_fen"
                   " FROM customers c WHERE c.status = 'active' ORDER BY net_fen DESC, c.code",
                   "ss", from, to);
}

int store_customer_set_tier(struct db *db, struct osb_err *e, const char *code, const char *tier,
                            int64_t now)
{
    return db_exec(db, e,
                   "UPDATE customers SET tier = ?, version = version + 1, updated_at = ?"
                   " WHERE code = ?",
                   "sis", tier, now, code) < 0
               ? -1
               : 0;
}

int store_credit_incident_add(struct db *db, struct osb_err *e, const char *customer,
                              const char *date, const char *kind, int64_t amount_fen,
                              const char *note, const char *by, int64_t now, int64_t *id)
{
    if (db_exec(db, e,
                "INSERT INTO credit_incidents(customer, date, kind, amount_fen, note, recorded_by,"
                " created_at) VALUES(?,?,?,?,?,?,?)",
                "sssissi", customer, date, kind, amount_fen, note, by, now) < 0)
        return -1;
    *id = db_last_id(db);
    return 0;
}

int store_credit_incident_get(struct db *db, struct osb_err *e, int64_t id, json_t **out)
{
    *out = NULL;
    return db_row(db, e, out,
                  "SELECT id, customer, date, kind, amount_fen, note, recorded_by, invoice,"
                  " created_at FROM credit_incidents WHERE id = ?",
                  "i", id);
}
