/*
 * notify.c (store) — SQL of notifications and their e-mail twins (store/notify.h).
 */
#include "store/notify.h"

#define NOTIFY_COLS                                                                                \
    "SELECT id, event, subject, document, created_at, read_at,"                                    \
    " read_at IS NOT NULL AS \"read!b\" FROM notifications"

int store_notify_add(struct db *db, struct osb_err *e, const char *event, const char *recipient,
                     const char *subject, const char *document, const char *dedup_key, int64_t now,
                     int64_t *id)
{
    *id = 0;
    int rc = db_exec(db, e,
                     "INSERT INTO notifications(event, recipient, channel, subject, document,"
                     " dedup_key, created_at) VALUES(?,?,'in_app',?,?,?,?)"
                     " ON CONFLICT(dedup_key) DO NOTHING",
                     "sssssi", event, recipient, subject, document, dedup_key, now);
    if (rc < 0)
        return -1;
    if (rc == 0)
        return 0;
    *id = db_last_id(db);
    return 1;
}

int store_notify_email(struct db *db, struct osb_err *e, int64_t id, const char *recipient,
                       int64_t now)
{
    return db_exec(db, e,
                   "INSERT INTO notification_emails(notification, address, created_at,"
                   " send_after) SELECT ?, email, ?, ? FROM users WHERE username = ?"
                   " AND active = 1 AND email IS NOT NULL AND email <> ''",
                   "iiis", id, now, now, recipient) < 0
               ? -1
               : 0;
}

json_t *store_notify_list(struct db *db, struct osb_err *e, const char *recipient, bool unread_only,
                          int64_t after_id, int limit)
{
    return db_rows(db, e,
                   NOTIFY_COLS " WHERE recipient = ? AND channel = 'in_app' AND id > ?"
                               " AND (? = 0 OR read_at IS NULL) ORDER BY id LIMIT ?",
                   "sidd", recipient, after_id, (int)unread_only, limit + 1);
}

int store_notify_mark_read(struct db *db, struct osb_err *e, int64_t id, const char *recipient,
                           int64_t now)
{
    return db_exec(db, e,
                   "UPDATE notifications SET read_at = coalesce(read_at, ?)"
                   " WHERE id = ? AND recipient = ?",
                   "iis", now, id, recipient);
}

int store_notify_get(struct db *db, struct osb_err *e, int64_t id, json_t **row)
{
    *row = NULL;
    return db_row(db, e, row, NOTIFY_COLS " WHERE id = ?", "i", id);
}
