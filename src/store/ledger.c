/*
 * ledger.c (store) — appends to the customer ledger (store/ledger.h) and builds the aging
 * query's parameters. Nothing here updates or deletes a ledger row.
 */
#include "store/ledger.h"

#include "core/date.h"
#include "core/money.h"

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
    if (!money_add(bal, p->debit_fen, &bal) || !money_sub(bal, p->credit_fen, &bal))
        return err_invalid(e, "amount_fen", "amount_overflow", "the ledger balance overflows");
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
