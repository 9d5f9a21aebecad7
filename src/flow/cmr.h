/*
 * cmr.h (flow) — CMR, credit-limit management (flows.md §11; api.md §5.3): the credit review
 * document (XY: one line per customer with every term of the formula, the MM's review, the
 * approvals, the new limit taking effect) in flow/credit_review.c, and the monthly credit
 * grade list (compute, override, publish; grade E puts the customer on credit hold) in
 * flow/credit_grade.c. Pure rules: rules/cmr.c; SQL: store/cmr.c.
 *
 * Each call runs inside the caller's transaction. Answers are owned by the caller.
 */
#ifndef OSB_FLOW_CMR_H
#define OSB_FLOW_CMR_H

#include "flow/ctx.h"

#include <jansson.h>

/* POST /credit-reviews {"quarter"} | {"adhoc":true,"customers":[codes]}. */
int credit_review_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e);
struct credit_review_query {
    const char *state, *quarter, *customer, *cursor, *q;
    int limit;
};
int credit_review_list(struct ctx *c, const struct credit_review_query *q, json_t **out,
                       struct osb_err *e);

/* GET /credit-grades?month=YYYY-MM. */
int credit_grade_get(struct ctx *c, const char *month, json_t **out, struct osb_err *e);
/* POST /credit-grades/{month}/{compute|override|publish}. */
int credit_grade_act(struct ctx *c, const char *month, const char *action, json_t *body,
                     json_t **out, struct osb_err *e);

/* Jobs (flows.md §11, §20). period "YYYY-MM" (monthly, 1st 06:00). */
int credit_review_job_quarterly(struct ctx *c, const char *period, struct osb_err *e);
int credit_grade_job_monthly(struct ctx *c, const char *period, struct osb_err *e);
/* Every tick: approved lines whose day has come take effect; lines of a quarter that began
   without their approval open an OSB entry for the supervising SLT member. */
int credit_review_job_effective(struct ctx *c, const char *period, struct osb_err *e);

struct doc_kind;
extern const struct doc_kind *const credit_review_doc_kind; /* GET /me/queue */

#endif
