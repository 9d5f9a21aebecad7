/*
 * refund.c (store) — the prepayment refund aggregate's SQL (store/refund.h).
 */
#include "store/refund.h"

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

static const char *or_null(const char *s)
{
    return s && *s ? s : NULL;
}

static void add_draw(struct refund *t, const char *payment, int64_t amount_fen);

int store_refund_load(struct db *db, struct osb_err *e, const char *number, struct refund *t)
{
    memset(t, 0, sizeof *t);
    json_t *o = NULL;
    int rc = db_row(db, e, &o,
                    "SELECT number, customer, amount_fen, reason, state, requested_by,"
                    " approved_by, approved_by_proxy, approved_at, rejected_by, rejected_at,"
                    " paid_by, paid_at, version, created_at, updated_at FROM refunds"
                    " WHERE number = ?",
                    "s", number);
    if (rc <= 0)
        return rc;
    copy(t->number, sizeof t->number, jstr(o, "number"));
    copy(t->customer, sizeof t->customer, jstr(o, "customer"));
    copy(t->state, sizeof t->state, jstr(o, "state"));
    copy(t->requested_by, sizeof t->requested_by, jstr(o, "requested_by"));
    copy(t->approved_by, sizeof t->approved_by, jstr(o, "approved_by"));
    copy(t->approved_by_proxy, sizeof t->approved_by_proxy, jstr(o, "approved_by_proxy"));
    copy(t->rejected_by, sizeof t->rejected_by, jstr(o, "rejected_by"));
    copy(t->paid_by, sizeof t->paid_by, jstr(o, "paid_by"));
    t->reason = strdup(jstr(o, "reason") ? jstr(o, "reason") : "");
    t->amount_fen = jint(o, "amount_fen");
    t->approved_at = jint(o, "approved_at");
    t->rejected_at = jint(o, "rejected_at");
    t->paid_at = jint(o, "paid_at");
    t->version = jint(o, "version");
    t->created_at = jint(o, "created_at");
    t->updated_at = jint(o, "updated_at");
    json_decref(o);
    /* In the order they were drawn: the receipts' own order, oldest first. */
    json_t *rows = db_rows(db, e,
                           "SELECT d.payment, d.amount_fen FROM refund_draws d JOIN payments p"
                           " ON p.number = d.payment WHERE d.refund = ?"
                           " ORDER BY p.received_on, p.id",
                           "s", number);
    if (!rows) {
        store_refund_release(t);
        return -1;
    }
    size_t i;
    json_t *it;
    json_array_foreach(rows, i, it) add_draw(t, jstr(it, "payment"), jint(it, "amount_fen"));
    json_decref(rows);
    return 1;
}

void store_refund_release(struct refund *t)
{
    free(t->reason);
    free(t->draws);
    t->reason = NULL;
    t->draws = NULL;
    t->ndraws = 0;
}

int store_refund_take(struct db *db, struct osb_err *e, struct refund *t, const char *payment,
                      int64_t amount_fen)
{
    if (db_exec(db, e, "INSERT INTO refund_draws(refund, payment, amount_fen) VALUES(?,?,?)", "ssi",
                t->number, payment, amount_fen) < 0 ||
        db_exec(db, e, "UPDATE payments SET unapplied_fen = unapplied_fen - ? WHERE number = ?",
                "is", amount_fen, payment) < 0)
        return -1;
    add_draw(t, payment, amount_fen);
    return 0;
}

static void add_draw(struct refund *t, const char *payment, int64_t amount_fen)
{
    struct refund_draw *d = realloc(t->draws, (t->ndraws + 1) * sizeof *d);
    if (!d)
        abort();
    t->draws = d;
    copy(d[t->ndraws].payment, sizeof d->payment, payment);
    d[t->ndraws++].amount_fen = amount_fen;
}

int store_refund_insert(struct db *db, struct osb_err *e, const struct refund *t)
{
    return db_exec(db, e,
                   "INSERT INTO refunds(number, customer, amount_fen, reason, requested_by,"
                   " created_at, updated_at) VALUES(?,?,?,?,?,?,?)",
                   "ssissii", t->number, t->customer, t->amount_fen, t->reason, t->requested_by,
                   t->created_at, t->created_at) < 0
               ? -1
               : 0;
}

int store_refund_save(struct db *db, struct osb_err *e, struct refund *t, const char *state,
                      int64_t now)
{
    struct sb sql = SB_INIT;
    json_t *p = json_array();
    sb_add(&sql, "UPDATE refunds SET state = ?, version = version + 1, updated_at = ?");
    json_array_append_new(p, json_string(state));
    json_array_append_new(p, json_integer(now));
    if (t->approved_changed) {
        sb_add(&sql, ", approved_by = ?, approved_by_proxy = ?, approved_at = ?");
        json_array_append_new(p, json_string(t->approved_by));
        json_array_append_new(p, or_null(t->approved_by_proxy) ? json_string(t->approved_by_proxy)
                                                               : json_null());
        json_array_append_new(p, json_integer(t->approved_at));
    }
    if (t->rejected_changed) {
        sb_add(&sql, ", rejected_by = ?, rejected_at = ?");
        json_array_append_new(p, json_string(t->rejected_by));
        json_array_append_new(p, json_integer(t->rejected_at));
    }
    if (t->paid_changed) {
        sb_add(&sql, ", paid_by = ?, paid_at = ?");
        json_array_append_new(p, json_string(t->paid_by));
        json_array_append_new(p, json_integer(t->paid_at));
    }
    sb_add(&sql, " WHERE number = ?");
    json_array_append_new(p, json_string(t->number));
    int rc = db_exec_a(db, e, sql.buf, p);
    sb_free(&sql);
    json_decref(p);
    if (rc < 0)
        return -1;
    copy(t->state, sizeof t->state, state);
    t->version++;
    t->updated_at = now;
    t->approved_changed = t->rejected_changed = t->paid_changed = false;
    return 0;
}

int store_refund_list(struct db *db, struct osb_err *e, const struct scope_user *u,
                      const struct refund_filter *f, json_t **numbers, char **next)
{
    json_t *p = json_array();
    struct sb sql = SB_INIT;
    sb_add(&sql, "SELECT t.number FROM refunds t JOIN customers cu ON cu.code = t.customer"
                 " WHERE 1=1");
    store_scope_sql(u, &sql, p, "cu");
    store_filter_eq(&sql, p, "t.customer", f->customer);
    store_filter_in(&sql, p, "t.state", f->state);
    store_filter_q(&sql, p, f->q, "t.number", "cu", NULL, NULL);
    return store_doc_page(db, e, &sql, p, "t.number", f->cursor, f->limit, numbers, next);
}

int store_refund_cash(struct db *db, struct osb_err *e, const char *customer, int64_t *cash)
{
    *cash = 0;
    return db_int(db, e, cash,
                  "SELECT coalesce(sum(unapplied_fen), 0) FROM payments WHERE customer = ?"
                  " AND state = 'registered' AND kind = 'payment'",
                  "s", customer) < 0
               ? -1
               : 0;
}

int store_refund_pending(struct db *db, struct osb_err *e, const char *customer, const char *except,
                         int64_t *pending)
{
    *pending = 0;
    return db_int(db, e, pending,
                  "SELECT coalesce(sum(amount_fen), 0) FROM refunds WHERE customer = ?"
                  " AND state IN ('requested', 'approved') AND number <> ?",
                  "ss", customer, except ? except : "") < 0
               ? -1
               : 0;
}

json_t *store_refund_sources(struct db *db, struct osb_err *e, const char *customer)
{
    return db_rows(db, e,
                   "SELECT number, unapplied_fen FROM payments WHERE customer = ?"
                   " AND state = 'registered' AND kind = 'payment' AND unapplied_fen > 0"
                   " ORDER BY received_on, id",
                   "s", customer);
}

int store_refund_market_bcr(struct db *db, struct osb_err *e, const char *market, char bcr[40])
{
    char *b = NULL;
    bcr[0] = '\0';
    if (db_text(db, e, &b, "SELECT bcr FROM markets WHERE code = ?", "s", market) < 0)
        return -1;
    copy(bcr, 40, b);
    free(b);
    return 0;
}

int store_refund_event(struct db *db, struct osb_err *e, const char *number, int64_t at,
                       const char *action, const char *actor, const char *obo, const char *from,
                       const char *to, const char *comment)
{
    return db_exec(db, e,
                   "INSERT INTO bc_doc_events(document, at, action, actor, on_behalf_of,"
                   " from_state, to_state, comment) VALUES(?,?,?,?,?,?,?,?)",
                   "sissssss", number, at, action, actor, or_null(obo), from, to, comment) < 0
               ? -1
               : 0;
}

json_t *store_refund_timeline(struct db *db, struct osb_err *e, const char *number)
{
    return db_rows(db, e,
                   "SELECT action, actor, on_behalf_of, at, from_state, to_state, comment"
                   " FROM bc_doc_events WHERE document = ? ORDER BY id",
                   "s", number);
}
