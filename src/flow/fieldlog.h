/*
 * fieldlog.h (flow) — the field-sales records beside the documents (issue #13; entities.md §9,
 * §11; flows.md §9, §18): the work log (工作日志), call logs (电话记录), the monthly focus
 * (本月工作重点), meetings (会议纪要), cross-region sightings (冲货) from visit reports, the
 * monthly 5 % visit verification picks, and the CSR's morning check of yesterday's visit
 * reports. docs/field-sales.md and docs/api.md ("Field sales: records") describe the API.
 */
#ifndef OSB_FLOW_FIELDLOG_H
#define OSB_FLOW_FIELDLOG_H

#include "flow/ctx.h"

#include <jansson.h>

/* The string query parameters of the lists (NULL when absent). */
struct fieldlog_query {
    const char *user, *customer, *kind, *by, *market, *region, *month, *from, *to, *q;
    int limit;
    const char *quarter, *assignee; /* the satisfaction calls' list */
};

int worklog_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e);
int worklog_get(struct ctx *c, const char *id, json_t **out, struct osb_err *e);
int worklog_list(struct ctx *c, const struct fieldlog_query *q, json_t **out, struct osb_err *e);

int calllog_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e);
int calllog_get(struct ctx *c, const char *id, json_t **out, struct osb_err *e);
int calllog_list(struct ctx *c, const struct fieldlog_query *q, json_t **out, struct osb_err *e);

int focus_publish(struct ctx *c, json_t *body, json_t **out, struct osb_err *e);
int focus_get(struct ctx *c, const char *month, json_t **out, struct osb_err *e);
int focus_list(struct ctx *c, const struct fieldlog_query *q, json_t **out, struct osb_err *e);

int meeting_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e);
int meeting_get(struct ctx *c, const char *id, json_t **out, struct osb_err *e);
int meeting_list(struct ctx *c, const struct fieldlog_query *q, json_t **out, struct osb_err *e);

int sighting_list(struct ctx *c, const struct fieldlog_query *q, json_t **out, struct osb_err *e);

/* POST /visit-verifications {"month"} (csr, ssg_leader): picks the month's sample. */
int verification_pick(struct ctx *c, json_t *body, json_t **out, struct osb_err *e);
int verification_list(struct ctx *c, const struct fieldlog_query *q, json_t **out,
                      struct osb_err *e);

/* Visit reports: the cross-region sightings of a report's observed_stock before it is filed
   (flags gets one {"rule":"cross_region",...} per batch seen outside the regions it was
   shipped to; *found the sightings to record) and their rows once it has its number. */
int sighting_check(struct ctx *c, const char *region, json_t *findings, json_t *flags,
                   json_t **found, struct osb_err *e);
int sighting_record(struct ctx *c, const char *visit, const char *customer, const char *market,
                    const char *region, const char *seen_on, json_t *found, struct osb_err *e);

/* Jobs (flow/admin.c jobs[]): daily 09:00, yesterday's planned visits without a report are
   reminded to the owner and the owner's manager; the 1st 09:00, last month's verification
   sample is picked when nobody picked it. */
int fieldlog_job_missing_visits(struct ctx *c, const char *period, struct osb_err *e);
int fieldlog_job_verification(struct ctx *c, const char *period, struct osb_err *e);

/* Quarterly satisfaction calls (flows.md §9.7): POST /satisfaction-calls {quarter} (ssg_leader,
   csr) makes the quarter's tasks now — one per active customer, assigned in turn to the active
   customer-service users — which the job satisfaction_calls (the 1st of January, April, July
   and October, 09:00) does by itself; a call log of kind satisfaction in the quarter does the
   customer's task. GET /satisfaction-calls?quarter=&assignee= lists them. */
int satisfaction_make(struct ctx *c, json_t *body, json_t **out, struct osb_err *e);
int satisfaction_list(struct ctx *c, const struct fieldlog_query *q, json_t **out,
                      struct osb_err *e);
int fieldlog_job_satisfaction(struct ctx *c, const char *period, struct osb_err *e);

#endif
