/*
 * mail.h — e-mail delivery of notifications through SMTP (libcurl), with retries and back-off
 * (entities §13: 1, 5, 30 min, 2 h, 12 h, then dead), and the outbox as the administrator sees
 * it. Settings: smtp_url (smtp://host:port or smtps://; unset = e-mail off, rows wait),
 * smtp_from, smtp_username, smtp_password, smtp_starttls (true/false).
 */
#ifndef OSB_FLOW_MAIL_H
#define OSB_FLOW_MAIL_H

#include "flow/ctx.h"

#include <jansson.h>

/* The "outbox" job. Runs OUTSIDE any transaction: it reads the due rows, talks to the SMTP
   server with no lock held, and records each outcome in its own short write transaction. A
   row is marked sent only after the server accepted it; when the server cannot be reached
   every due row of the batch counts one failed attempt and waits its back-off. One delivery
   runs at a time in the process. */
int mail_job(struct ctx *c, const char *period, struct osb_err *e);

/* GET /outbox?state= (administrator; auditor reads). */
int mail_outbox_list(struct ctx *c, const char *state, const char *q, int limit, int64_t after_id,
                     json_t **out, struct osb_err *e);
/* POST /outbox/{id}/retry: a dead or failed e-mail goes back to pending, due now. */
int mail_outbox_retry(struct ctx *c, int64_t id, json_t **out, struct osb_err *e);

#endif
