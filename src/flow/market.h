/*
 * market.h (flow) — market support (flows.md §13–16, api.md §5.6): expense budgets and
 * applications (FY), POP allocations and requests (WL), sample issues (YP), distributor
 * inventory reports (KC); their hooks into the order (QC of POP lines, the AC sample
 * deduction) and the shipment (dispatch ships POP requests and issues samples); the jobs of
 * the 18th and the 21st.
 */
#ifndef OSB_FLOW_MARKET_H
#define OSB_FLOW_MARKET_H

#include "flow/ctx.h"

#include <jansson.h>

/* One of the four documents of this area. */
enum mkt_doc { MKT_FY, MKT_WL, MKT_YP, MKT_KC, MKT_ZC };

struct mkt_query {
    const char *state, *customer, *q, *cursor, *period, *extra;
    int limit;
};

/* GET /inventory-reports/prefill?customer=&period=: the lines a report of that month starts
   from — opening = last month's closing, purchased = the month's deliveries (flows.md §16.3). */
int invrep_prefill(struct ctx *c, const char *customer, const char *period, json_t **out,
                   struct osb_err *e);
/* POST /inventory-reports/import?customer=&period=: the report from the distributor's file, CSV
   (text/csv) or XLSX (its first sheet), one row per SKU under a header of the line keys or
   their Chinese titles. All or nothing: wrong rows answer 422 import_rejected with
   details.rows [{row, field, rule, message}] (the file's own line or sheet row numbers, up to
   100); a good file makes the report as POST /inventory-reports does. */
int invrep_import(struct ctx *c, const char *customer, const char *period, const char *ctype,
                  const char *data, size_t len, json_t **out, struct osb_err *e);
int mkt_create(struct ctx *c, enum mkt_doc t, json_t *body, json_t **out, struct osb_err *e);
int mkt_list(struct ctx *c, enum mkt_doc t, const struct mkt_query *q, json_t **out,
             struct osb_err *e);

/* POST/GET /expense-budgets, GET /expense-budgets/{code}. */
int budget_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e);
int budget_get(struct ctx *c, const char *code, json_t **out, struct osb_err *e);
struct budget_query {
    const char *market, *region, *category, *period, *q, *cursor;
    int limit;
};
int budget_list(struct ctx *c, const struct budget_query *q, json_t **out, struct osb_err *e);

/* POST/GET /pop-allocations. */
int pop_allocate(struct ctx *c, json_t *body, json_t **out, struct osb_err *e);
int pop_allocation_list(struct ctx *c, const char *period, json_t **out, struct osb_err *e);

/* QC-1 of a POP line of order order_no: does `request` name an approved POP request of
   customer holding sku with at least qty left once the other orders holding it (past QC, not
   rejected or cancelled) are counted? */
int market_pop_line_ok(struct ctx *c, const char *order_no, const char *request,
                       const char *customer, const char *sku, int64_t qty, bool *ok,
                       struct osb_err *e);
/* AC step 4: how many units of sample deduction the customer still owes (order_no's own cuts
   not counted). */
int market_sample_outstanding(struct ctx *c, const char *customer, const char *order_no,
                              int64_t *out, struct osb_err *e);
/* Dispatch of a shipment: its order's POP requests become shipped (pop budget: committed →
   actual), each sample SKU shipped becomes a sample issue (YP) with a follow-up task. */
int market_on_dispatch(struct ctx *c, const char *shipment, struct osb_err *e);

/* osb check: budgets whose kept figures differ from the sums of their documents. */
json_t *market_budget_mismatches(struct ctx *c, struct osb_err *e);

/* Jobs (flows.md §20): the 18th 09:00 reminders; the 21st 00:00 missing reports (OSB entries
   rule inventory_report_20th); daily: sample follow-ups past 30 days (rule sample_follow_up). */
int market_job_inventory_remind(struct ctx *c, const char *period, struct osb_err *e);
int market_job_inventory_due(struct ctx *c, const char *period, struct osb_err *e);
int market_job_sample_follow_up(struct ctx *c, const char *period, struct osb_err *e);

struct doc_kind;
extern const struct doc_kind *const mkt_doc_kinds[]; /* by enum mkt_doc; GET /me/queue */

#endif
