/*
 * meeting.h — the monthly OSB meeting (kpis-and-reports.md §3.4; flows.md §20): the report
 * GET /reports/osb_meeting and the 4th-06:00 job that carries unresolved problem-log entries
 * over and tells the SLT and the SSG leader the report is ready. It reads the KPIs
 * (flow/kpi.h) and the problem log (flow/osb_issue.h); neither of those reads it.
 */
#ifndef OSB_FLOW_MEETING_H
#define OSB_FLOW_MEETING_H

#include "flow/ctx.h"

#include <jansson.h>

/* GET /reports/osb_meeting?month=YYYY-MM&market= (§3.4). month NULL = the previous month. */
int osb_meeting_report(struct ctx *c, const char *month, const char *market, json_t **out,
                       struct osb_err *e);

/* The same report as rows of the report engine (GET /reports/osb_meeting_report, any format):
   the sections flattened, one row per KPI (company, then per market), per rule × department
   and cause of the entries opened in the month, per unresolved entry, per volume figure and
   per meeting entry (rules/report_monthly.c names the columns). */
int osb_meeting_rows(struct ctx *c, const char *month, const char *market, json_t **rows,
                     struct osb_err *e);

/* The 4th 06:00 job; period is the month it runs in ("2026-12" meets about November). */
int osb_job_meeting(struct ctx *c, const char *period, struct osb_err *e);

#endif
