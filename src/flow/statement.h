/*
 * statement.h — statements kept as documents (对账单, DZ; entities.md §7.8) and the
 * semi-annual reconciliation (flows.md §4.5): generate (a timed job on 1 July and 1 January
 * 06:00 for every customer with activity in the half-year or a balance; on demand for a
 * monthly or ad-hoc one) → send → the customer's reply (confirm / dispute) → the KAM reports
 * the result to the MM and finance. The figures and entries are a snapshot taken at generation;
 * GET /customers/{code}/statement (flow/ledger.h) stays the live, unsaved view.
 *
 * States: generated → sent (send) → confirmed | disputed (confirm / dispute; a disputed one may
 * still be confirmed) → reported (report). Each call runs inside the caller's transaction;
 * answers are owned by the caller.
 */
#ifndef OSB_FLOW_STATEMENT_H
#define OSB_FLOW_STATEMENT_H

#include "flow/ctx.h"
#include "flow/ledger.h"

#include <jansson.h>

/* POST /statements {"customer","kind":"adhoc|monthly","from"?,"to"?,"month"?} */
int statement_doc_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e);
/* GET /statements/{number}?format=json|pdf|xlsx */
int statement_doc_get(struct ctx *c, const char *number, const char *format,
                      struct statement_out *out, struct osb_err *e);
/* The JSON answer of one statement, with allowed_actions. */
int statement_doc_get_json(struct ctx *c, const char *number, json_t **out, struct osb_err *e);
struct statement_doc_query {
    const char *customer, *kind, *response, *state, *cursor;
    int limit;
    const char *q; /* api.md §5.1 q= (store_filter_q), NULL: none */
};
int statement_doc_list(struct ctx *c, const struct statement_doc_query *q, json_t **out,
                       struct osb_err *e);
/* POST /statements/{number}/{send|confirm|dispute|report}; 404 for another action. */
int statement_doc_act(struct ctx *c, const char *number, const char *action, json_t *body,
                      json_t **out, struct osb_err *e);

/* The job of flows.md §20 "semi-annual statements": period "YYYY-H1" (as of 30 June) or
   "YYYY-H2" (as of 31 December). Customers that already have the period's statement are
   skipped, so a second run adds nothing. */
int statement_job_semiannual(struct ctx *c, const char *period, struct osb_err *e);

/* The job of flows.md §4.6 "monthly statements" (the 26th 06:00): period "YYYY-MM" names the
   account month just closed (26th of M−1 to the 25th of M); one `monthly` statement for every
   customer with activity in it or a balance at its end, once. */
int statement_job_monthly(struct ctx *c, const char *period, struct osb_err *e);
/* The daily cut-off reminder (09:00): on the working days from the third working day before
   the 25th to the 25th, a notice to finance and every market's BCR that the account month
   closes on the 25th; on other days it does nothing. */
int statement_job_cutoff_reminders(struct ctx *c, const char *period, struct osb_err *e);

/* This document kind, for the work queue (flow/queue.c). */
struct doc_kind;
extern const struct doc_kind *const statement_doc_kind;

#endif
