/*
 * mail.h (store) — the e-mail outbox rows (notification_emails joined to their notification)
 * for flow/mail.c: the due batch, the outcome of each try, the administrator's list and retry.
 */
#ifndef OSB_STORE_MAIL_H
#define OSB_STORE_MAIL_H

#include "store/db.h"

#include <jansson.h>
#include <stdint.h>

/* Claims for one delivery (token claim, held until lease_until on the wall clock) the pending
   rows due at now that no other delivery holds (no claim, or its lease ended before wall),
   oldest due first, at most limit, and answers them: [{notification, address, attempts,
   event, subject, body, document, created_at}]; NULL with e set. Inside a write transaction;
   on PostgreSQL rows locked by another instance's claim are skipped (SKIP LOCKED). */
json_t *store_mail_claim(struct db *db, struct osb_err *e, int64_t now, int64_t wall,
                         int64_t lease_until, const char *claim, int limit);
/* The outcome of one try of a row still pending under claim (which it releases): accepted by
   the server ... */
int store_mail_sent(struct db *db, struct osb_err *e, int64_t id, const char *claim, int64_t now);
/* ... given up for good (state "failed" or "dead") ... */
int store_mail_give_up(struct db *db, struct osb_err *e, int64_t id, const char *claim,
                       const char *state, const char *error);
/* ... or tried again at send_after. */
int store_mail_later(struct db *db, struct osb_err *e, int64_t id, const char *claim,
                     int64_t send_after, const char *error);

/* The outbox as the administrator sees it, state NULL = all, ids above after_id, at most
   limit + 1 rows of {id, recipient, address, event, subject, document, state, attempts,
   created_at, send_after, sent_at, last_error}. */
json_t *store_outbox_list(struct db *db, struct osb_err *e, const char *state, const char *q,
                          int64_t after_id, int limit);
/* One outbox row as store_outbox_list shows it: 1 found (*row owned), 0 none, -1 error. */
int store_outbox_get(struct db *db, struct osb_err *e, int64_t id, json_t **row);
/* Puts a row back to pending, no attempts, due at now. */
int store_outbox_reset(struct db *db, struct osb_err *e, int64_t id, int64_t now);

#endif
