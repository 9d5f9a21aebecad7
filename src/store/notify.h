/*
 * notify.h (store) — the notifications table (in-app rows) and the e-mail twins queued beside
 * them (notification_emails), for flow/notify.c.
 */
#ifndef OSB_STORE_NOTIFY_H
#define OSB_STORE_NOTIFY_H

#include "store/db.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* Inserts one in-app notification: 1 queued (*id its id), 0 when dedup_key (may be NULL) was
   queued before (nothing written), -1 error. */
int store_notify_add(struct db *db, struct osb_err *e, const char *event, const char *recipient,
                     const char *subject, const char *document, const char *dedup_key, int64_t now,
                     int64_t *id);
/* Queues the e-mail twin of notification id when recipient is active and has an address
   (the address as it is now). 0 ok (queued or not), -1 error. */
int store_notify_email(struct db *db, struct osb_err *e, int64_t id, const char *recipient,
                       int64_t now);

/* recipient's in-app notifications with id > after_id, oldest first, at most limit + 1 rows
   of {id, event, subject, document, created_at, read_at, read}, those whose document, subject
   or event hold q (NULL: all; case-insensitive); NULL with e set. */
/* The notifications a request queued, written at once (flow/notify.c notify_flush): notes is
   an array of {event, recipient, subject, document, dedup_key}; one INSERT for every in-app
   row (a repeated dedup_key adds nothing) and one for the e-mail twins of the recipients with
   an address. Two statements however many recipients. */
int store_notify_add_many(struct db *db, struct osb_err *e, json_t *notes, int64_t now);

json_t *store_notify_list(struct db *db, struct osb_err *e, const char *recipient, bool unread_only,
                          int64_t after_id, int limit, const char *q);
/* Marks notification id of recipient read: 2 when it was unread (now read), 1 when it was read
   already (nothing changed), 0 when it is none of theirs, -1 on error. */
int store_notify_mark_read(struct db *db, struct osb_err *e, int64_t id, const char *recipient,
                           int64_t now);
/* Marks every unread notification of recipient read: rows changed, -1 on error. */
int store_notify_mark_all_read(struct db *db, struct osb_err *e, const char *recipient,
                               int64_t now);
/* One notification as store_notify_list shows it: 1 found, 0 none, -1 error. */
int store_notify_get(struct db *db, struct osb_err *e, int64_t id, json_t **row);

#endif
