/*
 * deadlines.h — the deadline job: one OSB problem-log entry per missed deadline
 * (kpis-and-reports.md §3.1). The rules are the table in deadlines.c.
 */
#ifndef OSB_FLOW_DEADLINES_H
#define OSB_FLOW_DEADLINES_H

#include "flow/ctx.h"

/* Runs inside the caller's transaction; period is unused (the job runs every tick). */
int deadlines_job(struct ctx *c, const char *period, struct osb_err *e);

/* The open deadline of every document still waiting on a step a rule times: an object
   {document number: {"rule", "deadline" (µs)}}. Where several rules time one document (a
   shipment's 24 h, 48 h and three working days), the first deadline not yet passed, else the
   last one passed. For the work queue (GET /me/queue). NULL with e set. */
json_t *deadlines_waiting(struct ctx *c, struct osb_err *e);

/* Forgets the deadline job's settled marks (a test clock set back: stays may then start
   before a mark); the next run reads every stay still waiting. In the caller's transaction. */
int deadlines_forget_marks(struct ctx *c, struct osb_err *e);

#endif
