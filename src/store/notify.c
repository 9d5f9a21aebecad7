/*
 * notify.c (store) — SQL of notifications and their e-mail twins (store/notify.h).
 */
#include "store/notify.h"

#include "store/doc.h"

#include <stdlib.h>

#include "core/sb.h"

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

int store_notify_add_many(struct db *db, struct osb_err *e, json_t *notes, int64_t now)
{
    size_t n = json_array_size(notes);
    if (n == 0)
        return 0;
    struct sb sql = SB_INIT;
    json_t *p = json_array();
    sb_add(&sql, "INSERT INTO notifications(event, recipient, channel, subject, document,"
                 " dedup_key, created_at) VALUES");
    size_t i;
    json_t *it;
    json_array_foreach(notes, i, it)
    {
        sb_add(&sql, i ? ",(?,?,'in_app',?,?,?,?)" : "(?,?,'in_app',?,?,?,?)");
        static const char *const keys[] = {"event", "recipient", "subject", "document",
                                           "dedup_key"};
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
            json_t *v = json_object_get(it, keys[k]);
            json_array_append(p, v ? v : json_null());
        }
        json_array_append_new(p, json_integer(now));
    }
    int rc = 0;
    if (!db_postgres(db)) {
        /* SQLite: without RETURNING (it gathers the rows in a temporary b-tree of their own,
           and the e-mail statement then joins a VALUES list: ~290 k instructions an action,
           bench/README.md). One writer, and a table without AUTOINCREMENT gives each new row
           the largest id + 1, so the m rows this statement inserted (a repeated dedup_key
           inserts nothing) are the m ids up to the last one; their e-mail twins are read from
           them by id range, one statement of fixed text. */
        sb_add(&sql, " ON CONFLICT(dedup_key) DO NOTHING");
        int m = db_exec_a(db, e, sql.buf, p);
        sb_free(&sql);
        json_decref(p);
        if (m < 0)
            return -1;
        if (m == 0)
            return 0;
        int64_t last = db_last_id(db);
        return db_exec(db, e,
                       "INSERT INTO notification_emails(notification, address, created_at,"
                       " send_after) SELECT n.id, u.email, ?, ? FROM notifications n"
                       " JOIN users u ON u.username = n.recipient WHERE n.id BETWEEN ? AND ?"
                       " AND u.active = 1 AND u.email IS NOT NULL AND u.email <> ''",
                       "iiii", now, now, last - m + 1, last) < 0
                   ? -1
                   : 0;
    }
    sb_add(&sql, " ON CONFLICT(dedup_key) DO NOTHING RETURNING id, recipient");
    json_t *rows = db_rows_a(db, e, sql.buf, p);
    sb_free(&sql);
    json_decref(p);
    if (!rows)
        return -1;
    if (json_array_size(rows) > 0) {
        /* The e-mail twins: the address is taken now, so the mail goes where the user's
           address pointed when the event happened. VALUES names its columns column1.. on
           SQLite and PostgreSQL alike. */
        p = json_array();
        sb_add(&sql, "INSERT INTO notification_emails(notification, address, created_at,"
                     " send_after) SELECT v.column1, u.email, ?, ? FROM (VALUES");
        json_array_append_new(p, json_integer(now));
        json_array_append_new(p, json_integer(now));
        json_array_foreach(rows, i, it)
        {
            sb_add(&sql, i ? ",(?,?)" : "(?,?)");
            json_array_append(p, json_object_get(it, "id"));
            json_array_append(p, json_object_get(it, "recipient"));
        }
        sb_add(&sql, ") v JOIN users u ON u.username = v.column2 WHERE u.active = 1"
                     " AND u.email IS NOT NULL AND u.email <> ''");
        rc = db_exec_a(db, e, sql.buf, p) < 0 ? -1 : 0;
        sb_free(&sql);
        json_decref(p);
    }
    json_decref(rows);
    return rc;
}

json_t *store_notify_list(struct db *db, struct osb_err *e, const char *recipient, bool unread_only,
                          int64_t after_id, int limit, const char *q)
{
    char *pat = store_like_pat(q);
    json_t *rows =
        db_rows(db, e,
                NOTIFY_COLS " WHERE recipient = ? AND channel = 'in_app' AND id > ?"
                            " AND (? = 0 OR read_at IS NULL) AND (? IS NULL"
                            " OR lower(coalesce(document, '')) LIKE lower(?) ESCAPE '\\'"
                            " OR lower(subject) LIKE lower(?) ESCAPE '\\'"
                            " OR lower(event) LIKE lower(?) ESCAPE '\\') ORDER BY id LIMIT ?",
                "sidssssd", recipient, after_id, (int)unread_only, pat, pat, pat, pat, limit + 1);
    free(pat);
    return rows;
}

int store_notify_mark_read(struct db *db, struct osb_err *e, int64_t id, const char *recipient,
                           int64_t now)
{
    int n = db_exec(db, e,
                    "UPDATE notifications SET read_at = ? WHERE id = ? AND recipient = ?"
                    " AND read_at IS NULL",
                    "iis", now, id, recipient);
    if (n != 0)
        return n < 0 ? -1 : 2;
    json_t *row = NULL;
    n = db_row(db, e, &row, "SELECT 1 AS one FROM notifications WHERE id = ? AND recipient = ?",
               "is", id, recipient);
    json_decref(row);
    return n < 0 ? -1 : n;
}

int store_notify_mark_all_read(struct db *db, struct osb_err *e, const char *recipient, int64_t now)
{
    return db_exec(db, e,
                   "UPDATE notifications SET read_at = ? WHERE recipient = ? AND read_at IS NULL",
                   "is", now, recipient);
}

int store_notify_get(struct db *db, struct osb_err *e, int64_t id, json_t **row)
{
    *row = NULL;
    return db_row(db, e, row, NOTIFY_COLS " WHERE id = ?", "i", id);
}
