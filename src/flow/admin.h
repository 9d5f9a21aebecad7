/*
 * admin.h — the audit log reader, the test clock and background jobs (api.md §3.8).
 */
#ifndef OSB_FLOW_ADMIN_H
#define OSB_FLOW_ADMIN_H

#include "flow/ctx.h"

#include <jansson.h>

struct audit_query {
    const char *object_type, *object_key, *actor, *action, *from, *to;
    int64_t after_seq; /* cursor: the last seq seen, 0 for the first page */
    int limit;
    bool desc;     /* newest first */
    const char *q; /* api.md §5.1 q=: object key, actor, object type or action */
};
int admin_audit_list(struct ctx *c, const struct audit_query *q, json_t **out, struct osb_err *e);

/* PUT /test/clock {"now"} (admin; only when the server runs with --test-clock). */
int admin_set_clock(struct ctx *c, json_t *body, json_t **out, struct osb_err *e);

/* Runs every job that is due inside the caller's transaction; appends the names of the jobs
   that ran to ran. */
int jobs_run(struct ctx *c, bool force, json_t *ran, struct osb_err *e);
/* Runs the jobs that must not hold a transaction (the e-mail outbox), after the caller's
   commit; failures are logged, not returned (the rows simply wait for the next run). */
void jobs_run_outside(struct ctx *c, json_t *ran);
/* POST /jobs/run (admin): opens its own transaction (route flag R_OWN_TX). */
int admin_jobs_run(struct ctx *c, json_t **out, struct osb_err *e);

#endif
