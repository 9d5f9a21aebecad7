/*
 * instrument.c (store) — the instrument aggregate's SQL (store/instrument.h).
 */
#include "store/instrument.h"

#include "core/field.h"
#include "core/json.h"
#include "core/sb.h"
#include "core/str.h"
#include "store/doc.h"

#include <stdio.h>
#include <string.h>

static void copy(char *dst, size_t n, const char *src)
{
    (void)str_field(dst, n, src, "a stored column"); /* the schema and record_check bound it */
}

static const char *or_null(const char *s)
{
    return s && *s ? s : NULL;
}

int store_instrument_load(struct db *db, struct osb_err *e, const char *number,
                          struct instrument *p)
{
    memset(p, 0, sizeof *p);
    struct dbq *q = db_query(db, e,
                             "SELECT number, customer, kind, instrument_no, amount_fen,"
                             " issuer_bank, maturity_date, received_by, received_at, state,"
                             " handed_over_at, finance_signed_by, finance_signed_at, payment,"
                             " version, updated_at FROM instruments WHERE number = ?",
                             "s", number);
    if (!q)
        return -1;
    int rc = dbq_next(q, e);
    if (rc == 1) {
        copy(p->number, sizeof p->number, dbq_text(q, 0));
        copy(p->customer, sizeof p->customer, dbq_text(q, 1));
        copy(p->kind, sizeof p->kind, dbq_text(q, 2));
        copy(p->instrument_no, sizeof p->instrument_no, dbq_text(q, 3));
        p->amount_fen = dbq_int(q, 4);
        copy(p->issuer_bank, sizeof p->issuer_bank, dbq_text(q, 5));
        copy(p->maturity_date, sizeof p->maturity_date, dbq_text(q, 6));
        copy(p->received_by, sizeof p->received_by, dbq_text(q, 7));
        p->received_at = dbq_int(q, 8);
        copy(p->state, sizeof p->state, dbq_text(q, 9));
        p->handed_over_at = dbq_null(q, 10) ? 0 : dbq_int(q, 10);
        copy(p->finance_signed_by, sizeof p->finance_signed_by, dbq_text(q, 11));
        p->finance_signed_at = dbq_null(q, 12) ? 0 : dbq_int(q, 12);
        copy(p->payment, sizeof p->payment, dbq_text(q, 13));
        p->version = dbq_int(q, 14);
        p->updated_at = dbq_int(q, 15);
    }
    dbq_end(q);
    return rc;
}

int store_instrument_insert(struct db *db, struct osb_err *e, const struct instrument *p)
{
    return db_exec(db, e,
                   "INSERT INTO instruments(number, customer, kind, instrument_no, amount_fen,"
                   " issuer_bank, maturity_date, received_by, received_at, updated_at)"
                   " VALUES(?,?,?,?,?,?,?,?,?,?)",
                   "ssssisssii", p->number, p->customer, p->kind, p->instrument_no, p->amount_fen,
                   or_null(p->issuer_bank), or_null(p->maturity_date), p->received_by,
                   p->received_at, p->received_at) < 0
               ? -1
               : 0;
}

int store_instrument_save(struct db *db, struct osb_err *e, struct instrument *p, const char *state,
                          int64_t now)
{
    struct sb sql = SB_INIT;
    json_t *a = json_array();
    sb_add(&sql, "UPDATE instruments SET state = ?, version = version + 1, updated_at = ?");
    json_array_append_new(a, json_string(state));
    json_array_append_new(a, json_integer(now));
    if (p->handed_changed) {
        sb_add(&sql, ", handed_over_at = ?");
        json_array_append_new(a, json_integer(p->handed_over_at));
    }
    if (p->signed_changed) {
        sb_add(&sql, ", finance_signed_by = ?, finance_signed_at = ?");
        json_array_append_new(a, json_string(p->finance_signed_by));
        json_array_append_new(a, json_integer(p->finance_signed_at));
    }
    sb_add(&sql, " WHERE number = ?");
    json_array_append_new(a, json_string(p->number));
    int rc = db_exec_a(db, e, sql.buf, a);
    sb_free(&sql);
    json_decref(a);
    if (rc < 0)
        return -1;
    copy(p->state, sizeof p->state, state);
    p->version++;
    p->updated_at = now;
    p->handed_changed = p->signed_changed = false;
    return 0;
}

int store_instrument_count_live(struct db *db, struct osb_err *e, const char *customer,
                                const char *kind, const char *instrument_no, int64_t *n)
{
    return db_int(db, e, n,
                  "SELECT count(*) FROM instruments WHERE customer = ? AND kind = ?"
                  " AND instrument_no = ? AND state <> 'returned'",
                  "sss", customer, kind, instrument_no) < 0
               ? -1
               : 0;
}

int store_instrument_link_payment(struct db *db, struct osb_err *e, const char *customer,
                                  const char *instrument_no, const char *payment, int64_t now)
{
    return db_exec(db, e,
                   "UPDATE instruments SET payment = ?, version = version + 1, updated_at = ?"
                   " WHERE number = (SELECT number FROM instruments WHERE customer = ?"
                   " AND instrument_no = ? AND state = 'registered' AND payment IS NULL"
                   " ORDER BY id LIMIT 1)",
                   "siss", payment, now, customer, instrument_no) < 0
               ? -1
               : 0;
}

int store_instrument_list(struct db *db, struct osb_err *e, const struct scope_user *u,
                          const struct instrument_filter *f, json_t **numbers, char **next)
{
    json_t *a = json_array();
    struct sb sql = SB_INIT;
    sb_add(&sql, "SELECT i.number FROM instruments i JOIN customers cu ON cu.code = i.customer"
                 " WHERE 1=1");
    store_scope_sql(u, &sql, a, "cu");
    store_filter_eq(&sql, a, "i.customer", f->customer);
    store_filter_in(&sql, a, "i.state", f->state);
    store_filter_eq(&sql, a, "i.kind", f->kind);
    store_filter_eq(&sql, a, "i.received_by", f->received_by);
    store_filter_q(&sql, a, f->q, "i.number", "cu", NULL, NULL);
    return store_doc_page(db, e, &sql, a, "i.number", f->cursor, f->limit, numbers, next);
}
