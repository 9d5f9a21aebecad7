/*
 * report.h (flow) — the report engine (api.md §5.8): GET /reports and GET /reports/{name}.
 * Every report is a definition (rules/report_defs.c) plus one query (store/report*.c), joined
 * in the one table of flow/report.c; this file runs any of them the same way: rights, query
 * parameters, scope, query, computed columns and totals, then JSON, CSV or XLSX (with the
 * export's audit row, log row and watermark). docs/reports.md says how to add a report.
 */
#ifndef OSB_FLOW_REPORT_H
#define OSB_FLOW_REPORT_H

#include "flow/ctx.h"
#include "store/report.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct report_def;

/* The i-th report of the engine's table (GET /reports order) and its store query (NULL for a
   report computed in flow/), or NULL past the end: bench/reports_bench.c times every one. */
const struct report_def *report_at(size_t i, report_query_fn *query);

/* The JSON text GET /reports/{name} answers for the i-th report (report_at) with parameters p
   (params {}), inside the caller's read transaction: written as the rows are read where the
   report allows it and stream is true, else from the rows' tree (bench/reports_bench.c times
   it and holds both equal). *txt is malloc'ed; *nrows its rows. */
int report_json_text(struct ctx *c, size_t i, const struct report_params *p, bool stream,
                     char **txt, size_t *len, size_t *nrows, struct osb_err *e);

/* {"items":[{"name","title_zh","title_en","formats"}]} */
int report_list(struct ctx *c, json_t **out, struct osb_err *e);

/* What GET /reports/{name} answers: JSON (a tree, or the text of a row report written as its
   rows were read: json_text, json_len bytes, owned by the caller), or a file (raw, owned by
   the caller). */
struct report_out {
    json_t *json;
    char *json_text;
    size_t json_len;
    size_t nrows; /* json_text's rows */
    char *raw;
    size_t raw_len;
    const char *raw_type;
};

/* Runs report name with the request's query parameters (an object of strings, borrowed).
   Opens and commits its own transaction: a read one for JSON, a write one for a file (its
   export log and audit rows). 404 for an unknown name. */
int report_run(struct ctx *c, const char *name, json_t *query, struct report_out *out,
               struct osb_err *e);

/* POST /export-approvals {"username","report","note"?} (an SLT member): leave for username's
   next export of the customer list report beyond the limits of numbering-and-rules §7.2. */
int report_export_approve(struct ctx *c, json_t *body, json_t **out, struct osb_err *e);

/* The timed job of 08:00 (flows.md §20, kpis §4.2): today's osb_daily_status into the
   in-app inbox of the SLT and the SSG leader. */
int report_job_daily_status(struct ctx *c, const char *period, struct osb_err *e);

/* The scheduled reports (kpis-and-reports §4): on Monday 08:30 (a daily job that acts on
   Mondays) weekly_sales of the week that ended; on the 1st 07:00 monthly_sales,
   regional_sales, distributor_purchases and distributor_management_monthly of the month
   that ended (the OSB meeting report has its own job, the 4th 06:00, flow/meeting.h) — each into
   the in-app inbox (and e-mail, where the user has an address) of the SLT and the SSG leader, with
   its rows and money total. */
int report_job_weekly(struct ctx *c, const char *period, struct osb_err *e);
int report_job_monthly(struct ctx *c, const char *period, struct osb_err *e);
/* The rows-per-export and exports-per-day rules of customer lists (and their SLT approvals,
   report name "customers") for the customers list exported as shown (flow/list_export.c). */
int report_customer_list_check(struct ctx *c, size_t nrows, const char *number, struct osb_err *e);

#endif
