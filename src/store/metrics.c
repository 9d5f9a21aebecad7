/*
 * metrics.c (store) — see metrics.h. Three small aggregate reads; portable SQL.
 */
#include "store/metrics.h"

json_t *store_metrics(struct db *db, struct osb_err *e)
{
    json_t *outbox = db_rows(db, e,
                             "SELECT state, count(*) AS n FROM notification_emails"
                             " GROUP BY state ORDER BY state",
                             NULL);
    if (!outbox)
        return NULL;
    json_t *jobs = db_rows(db, e,
                           "SELECT job, count(*) AS runs, max(ran_at) AS last_at FROM job_runs"
                           " GROUP BY job ORDER BY job",
                           NULL);
    if (!jobs) {
        json_decref(outbox);
        return NULL;
    }
    json_t *oldest = NULL;
    if (db_row(db, e, &oldest,
               "SELECT min(created_at) AS at FROM notification_emails WHERE state = 'pending'",
               NULL) < 0) {
        json_decref(outbox);
        json_decref(jobs);
        return NULL;
    }
    json_t *at = oldest ? json_object_get(oldest, "at") : NULL;
    json_t *out = json_pack("{so so sO}", "outbox", outbox, "jobs", jobs, "oldest_pending",
                            at ? at : json_null());
    json_decref(oldest);
    return out;
}
