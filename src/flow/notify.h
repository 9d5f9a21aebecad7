/*
 * notify.h — the notification outbox (entities §13): written in the same transaction as the
 * change that causes it; read in-app by its recipient; delivered by e-mail later.
 */
#ifndef OSB_NOTIFY_H
#define OSB_NOTIFY_H

#include "flow/ctx.h"

#include <jansson.h>

/* Queues one in-app notification (and its e-mail twin when the user has an address).
   dedup_key may be NULL; a repeated key is silently ignored. */
int notify(struct ctx *c, struct osb_err *e, const char *event, const char *recipient,
           const char *document, const char *dedup_key, const char *subject_fmt, ...)
    __attribute__((format(printf, 7, 8)));

/* Writes what notify() collected while c->notes was set (2 statements in all), and empties it.
   The document kernel collects during an action and flushes before its answer, so an action
   that tells five people writes two rows of SQL, not ten. */
int notify_flush(struct ctx *c, struct osb_err *e);

int notify_list(struct ctx *c, bool unread_only, const char *q, int limit, int64_t after_id,
                json_t **out, struct osb_err *e);
/* POST /notifications/read-all: {"marked": n} (n notifications of the caller newly read). */
int notify_mark_all_read(struct ctx *c, json_t **out, struct osb_err *e);
/* The collection (api path name, "orders") of a document number or customer code named by a
   notification of event, or NULL when it names none the UI can open. */
const char *notify_doc_type(const char *event, const char *document);
int notify_mark_read(struct ctx *c, int64_t id, json_t **out, struct osb_err *e);

#endif
