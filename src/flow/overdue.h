/*
 * overdue.h — the invoice reminders and overdue ladder (flows.md §4.1 BC2 and BC6, §20 "daily
 * 08:00") and the credit incidents (entities.md §2.4) that its last step records.
 */
#ifndef OSB_FLOW_OVERDUE_H
#define OSB_FLOW_OVERDUE_H

#include "flow/ctx.h"

#include <jansson.h>

/* The daily job (admin.c's table, `invoice_reminders`): runs inside the caller's transaction;
   period is the day and unused (every notice is keyed by invoice and step, not by day). */
int overdue_job(struct ctx *c, const char *period, struct osb_err *e);

/* GET /customers/{code}/credit-incidents: {"customer","items","next_cursor"}, newest first.
   Roles that see money, in scope (404 outside it, 403 for a role without money). *out is
   owned by the caller. */
int overdue_incidents_get(struct ctx *c, const char *customer, json_t **out, struct osb_err *e);

#endif
