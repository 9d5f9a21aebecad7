/*
 * mail.c (store) — SQL of the e-mail outbox (store/mail.h). Every outcome only touches a row
 * still pending, so two deliveries recording the same row cannot both count.
 */
#include "store/mail.h"

#define OUTBOX_COLS                                                                                \
    "SELECT ne.notification AS id, n.recipient, ne.address, n.event, n.subject, n.document,"       \
    " ne.state, ne.attempts, ne.created_at, ne.send_after, ne.sent_at, ne.last_error"              \
    " FROM notification_emails ne JOIN notifications n ON n.id = ne.notification"

json_t *store_mail_due(struct db *db, struct osb_err *e, int64_t now, int limit)
{
    return db_rows(db, e,
                   "SELECT ne.notification, ne.address, ne.attempts, n.event, n.subject,"
                   " n.body, n.document, n.created_at FROM notification_emails ne"
                   " JOIN notifications n ON n.id = ne.notification"
                   " WHERE ne.state = 'pending' AND ne.send_after <= ?"
                   " ORDER BY ne.send_after, ne.notification LIMIT ?",
                   "id", now, limit);
}

int store_mail_sent(struct db *db, struct osb_err *e, int64_t id, int64_t now)
{
    return db_exec(db, e,
                   "UPDATE notification_emails SET state = 'sent', sent_at = ?,"
                   " attempts = attempts + 1, last_error = NULL"
                   " WHERE notification = ? AND state = 'pending'",
                   "ii", now, id) < 0
               ? -1
               : 0;
}

int store_mail_give_up(struct db *db, struct osb_err *e, int64_t id, const char *state,
                       const char *error)
{
    return db_exec(db, e,
                   "UPDATE notification_emails SET state = ?, attempts = attempts + 1,"
                   " last_error = ? WHERE notification = ? AND state = 'pending'",
                   "ssi", state, error, id) < 0
               ? -1
               : 0;
}

int store_mail_later(struct db *db, struct osb_err *e, int64_t id, int64_t send_after,
                     const char *error)
{
    return db_exec(db, e,
                   "UPDATE notification_emails SET attempts = attempts + 1,"
                   " send_after = ?, last_error = ? WHERE notification = ?"
                   " AND state = 'pending'",
                   "isi", send_after, error, id) < 0
               ? -1
               : 0;
}

json_t *store_outbox_list(struct db *db, struct osb_err *e, const char *state, int64_t after_id,
                          int limit)
{
    return db_rows(db, e,
                   OUTBOX_COLS " WHERE (? IS NULL OR ne.state = ?) AND ne.notification > ?"
                               " ORDER BY ne.notification LIMIT ?",
                   "ssid", state, state, after_id, limit + 1);
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
                   " send_after = ?, last_error = NULL WHERE notification = ?",
                   "ii", now, id) < 0
               ? -1
               : 0;
}
