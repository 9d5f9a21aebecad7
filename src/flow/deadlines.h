/*
 * deadlines.h — the deadline job: one OSB problem-log entry per missed deadline
 * (kpis-and-reports.md §3.1). The rules are the table in deadlines.c.
 */
#ifndef OSB_FLOW_DEADLINES_H
#define OSB_FLOW_DEADLINES_H

#include "flow/ctx.h"

/* Runs inside the caller's transaction; period is unused (the job runs every tick). */
int deadlines_job(struct ctx *c, const char *period, struct osb_err *e);

#endif
