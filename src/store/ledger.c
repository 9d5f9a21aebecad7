/*
 * ledger.c (store) — appends to the customer ledger (store/ledger.h) and builds the aging
 * query's parameters. Nothing here updates or deletes a ledger row.
 */
#include "store/ledger.h"

#include "core/date.h"
#include "core/money.h"
#include "core/sb.h"
#include "store/doc.h"

int store_ledger_append(struct db *db, struct osb_err *e, const struct ledger_post *p)
{
    struct dbq *q = db_query(db, e,
                             "SELECT seq, balance_fen FROM ledger WHERE customer = ?"
                             " ORDER BY seq DESC LIMIT 1",
                             "s", p->customer);
    if (!q)
        return -1;
    int64_t seq = 0, bal = 0;
    int rc = dbq_next(q, e);
    if (rc == 1) {
        seq = dbq_int(q, 0);
        bal = dbq_int(q, 1);
    }
    dbq_end(q);
    if (rc < 0)
        return -1;
    if (!money_add(bal, p->debit_fen, &bal) || !money_sub(bal, p->credit_fen, &bal) ||
        bal > MONEY_MAX_FEN || bal < -MONEY_MAX_FEN)
        /* api.md §4 money cap: no sum may exceed 10^13 fen, the customer's balance neither. */
        return err_invalid(e, "amount_fen", "amount_too_large",
                           "the customer's balance would be beyond 10^13 fen (¥100 billion)");
    return db_exec(db, e,
                   "INSERT INTO ledger(customer, seq, date, posted_at, kind, document, order_no,"
                   " debit_fen, credit_fen, balance_fen) VALUES(?,?,?,?,?,?,?,?,?,?)",
                   "sisisssiii", p->customer, seq + 1, p->date, p->posted_at, p->kind, p->document,
                   p->order_no, p->debit_fen, p->credit_fen, bal) < 0
               ? -1
               : 0;
}

json_t *store_aging_params(int32_t as_of, const char *market, const char *region)
{
    char d0[11], d30[11], d60[11], d90[11];
    date_format(as_of, d0);
    date_format(as_of - 30, d30);
    date_format(as_of - 60, d60);
    date_format(as_of - 90, d90);
    json_t *m = market ? json_string(market) : json_null();
    json_t *r = region ? json_string(region) : json_null();
    return json_pack("[ss ss ss ss s Oo Oo]", d0, d0, d30, d30, d60, d60, d90, d90, d0, m, m, r, r);
}

json_t *store_ledger_entries(struct db *db, struct osb_err *e, const char *customer,
                             const char *from, const char *to)
{
    return db_rows(db, e,
                   "SELECT seq, date, kind, document, order_no AS \"order\", debit_fen,"
                   " credit_fen, balance_fen FROM ledger WHERE customer = ?"
                   " AND (? IS NULL OR date >= ?) AND (? IS NULL OR date <= ?)"
                   " ORDER BY seq",
                   "sssss", customer, from, from, to, to);
}

int store_ledger_opening(struct db *db, struct osb_err *e, const char *customer, const char *before,
                         int64_t *opening)
{
    return db_int(db, e, opening,
                  "SELECT coalesce(sum(debit_fen - credit_fen), 0) FROM ledger WHERE customer = ?"
                  " AND date < ?",
                  "ss", customer, before) < 0
               ? -1
               : 0;
}

json_t *store_ledger_period(struct db *db, struct osb_err *e, const char *customer,
                            const char *from, const char *to, bool with_payment_kind)
{
    if (with_payment_kind)
        return db_rows(db, e,
                       "SELECT l.seq, l.date, l.kind, l.document, l.order_no AS \"order\","
                       " l.debit_fen, l.credit_fen,"
                       " (SELECT p.kind FROM payments p WHERE p.number = l.document)"
                       " AS payment_kind FROM ledger l WHERE l.customer = ?"
                       " AND l.date >= ? AND l.date <= ? ORDER BY l.date, l.seq",
                       "sss", customer, from, to);
    return db_rows(db, e,
                   "SELECT seq, date, kind, document, order_no AS \"order\", debit_fen,"
                   " credit_fen FROM ledger WHERE customer = ? AND date >= ?"
                   " AND date <= ? ORDER BY date, seq",
                   "sss", customer, from, to);
}

int store_customer_name(struct db *db, struct osb_err *e, const char *customer, char **out)
{
    *out = NULL;
    return db_text(db, e, out, "SELECT name FROM customers WHERE code = ?", "s", customer) < 0 ? -1
                                                                                               : 0;
}

json_t *store_aging(struct db *db, struct osb_err *e, const struct scope_user *u, int32_t as_of,
                    const char *market, const char *region)
{
    json_t *p = store_aging_params(as_of, market, region);
    struct sb sql = SB_INIT;
    sb_add(&sql, STORE_AGING_HEAD);
    store_scope_sql(u, &sql, p, "cu");
    sb_add(&sql, STORE_AGING_TAIL);
    json_t *items = db_rows_a(db, e, sql.buf, p);
    sb_free(&sql);
    json_decref(p);
    return items;
}
