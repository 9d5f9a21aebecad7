/*
 * mail.c (store) — SQL of the e-mail outbox (store/mail.h). A delivery claims its rows first
 * (a token and a lease); every outcome only touches a row still pending under that claim, so
 * two deliveries, of one instance or of two, never send or count the same row twice.
 */
#include "store/mail.h"

#include "core/sb.h"
#include "core/str.h"
#include "store/doc.h"

#define OUTBOX_COLS                                                                                \
    "SELECT ne.notification AS id, n.recipient, ne.address, n.event, n.subject, n.document,"       \
    " ne.state, ne.attempts, ne.created_at, ne.send_after, ne.sent_at, ne.last_error"              \
    " FROM notification_emails ne JOIN notifications n ON n.id = ne.notification"

json_t *store_mail_claim(struct db *db, struct osb_err *e, int64_t now, int64_t wall,
                         int64_t lease_until, const char *claim, int limit)
{
    /* PostgreSQL: rows another instance holds locked are skipped, not waited for; SQLite has
       one writer, so the UPDATE alone is the claim. */
    char sql[640];
    (void)str_fmt(sql, sizeof sql,
                  "UPDATE notification_emails SET claim = ?, claimed_until = ?"
                  " WHERE notification IN (SELECT notification FROM notification_emails"
                  " WHERE state = 'pending' AND send_after <= ?"
                  " AND (claimed_until IS NULL OR claimed_until < ?)"
                  " ORDER BY send_after, notification LIMIT ?%s)",
                  db_postgres(db) ? " FOR UPDATE SKIP LOCKED" : "");
    if (db_exec(db, e, sql, "siiid", claim, lease_until, now, wall, limit) < 0)
        return NULL;
    return db_rows(db, e,
                   "SELECT ne.notification, ne.address, ne.attempts, n.event, n.subject,"
                   " n.body, n.document, n.created_at FROM notification_emails ne"
                   " JOIN notifications n ON n.id = ne.notification"
                   " WHERE ne.claim = ? AND ne.state = 'pending'"
                   " ORDER BY ne.send_after, ne.notification",
                   "s", claim);
}

int store_mail_sent(struct db *db, struct osb_err *e, int64_t id, const char *claim, int64_t now)
{
    return db_exec(db, e,
                   "UPDATE notification_emails SET state = 'sent', sent_at = ?,"
                   " attempts = attempts + 1, last_error = NULL, claim = NULL,"
                   " claimed_until = NULL WHERE notification = ? AND state = 'pending'"
                   " AND claim = ?",
                   "iis", now, id, claim) < 0
               ? -1
               : 0;
}

int store_mail_give_up(struct db *db, struct osb_err *e, int64_t id, const char *claim,
                       const char *state, const char *error)
{
    return db_exec(db, e,
                   "UPDATE notification_emails SET state = ?, attempts = attempts + 1,"
                   " last_error = ?, claim = NULL, claimed_until = NULL"
                   " WHERE notification = ? AND state = 'pending' AND claim = ?",
                   "ssis", state, error, id, claim) < 0
               ? -1
               : 0;
}

int store_mail_later(struct db *db, struct osb_err *e, int64_t id, const char *claim,
                     int64_t send_after, const char *error)
{
    return db_exec(db, e,
                   "UPDATE notification_emails SET attempts = attempts + 1,"
                   " send_after = ?, last_error = ?, claim = NULL, claimed_until = NULL"
                   " WHERE notification = ? AND state = 'pending' AND claim = ?",
                   "isis", send_after, error, id, claim) < 0
               ? -1
               : 0;
}

json_t *store_outbox_list(struct db *db, struct osb_err *e, const char *state, const char *q,
                          int64_t after_id, int limit)
{
    struct sb sql = SB_INIT;
    json_t *p = json_array();
    sb_add(&sql, OUTBOX_COLS " WHERE ne.notification > ?");
    json_array_append_new(p, json_integer(after_id));
    store_filter_in(&sql, p, "ne.state", state);
    static const char *const cols[] = {"n.recipient", "ne.address", "n.event",
                                       "n.subject",   "n.document", NULL};
    store_filter_like(&sql, p, q, cols);
    sb_add(&sql, " ORDER BY ne.notification LIMIT ?");
    json_array_append_new(p, json_integer(limit + 1));
    json_t *rows = db_rows_a(db, e, sql.buf, p);
    sb_free(&sql);
    json_decref(p);
    return rows;
}

int store_outbox_get(struct db *db, struct osb_err *e, int64_t id, json_t **row)
{
    *row = NULL;
    return db_row(db, e, row, OUTBOX_COLS " WHERE ne.notification = ?", "i", id);
}

int store_outbox_reset(struct db *db, struct osb_err *e, int64_t id, int64_t now)
{
    return db_exec(db, e,
                   "UPDATE notification_emails SET state = 'pending', attempts = 0,"
                   " send_after = ?, last_error = NULL, claim = NULL, claimed_until = NULL"
                   " WHERE notification = ?",
                   "ii", now, id) < 0
               ? -1
               : 0;
}
