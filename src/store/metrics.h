/*
 * metrics.h (store) — the database figures of GET /metrics (http/metrics.c): the e-mail
 * outbox by state with the oldest pending row's age, and the timed jobs' runs.
 */
#ifndef OSB_STORE_METRICS_H
#define OSB_STORE_METRICS_H

#include "store/db.h"

#include <jansson.h>
#include <stdint.h>

/* {"outbox": [{state, n}], "oldest_pending": created_at or null, "jobs": [{job, runs,
   last_at}]}; NULL with e set. */
json_t *store_metrics(struct db *db, struct osb_err *e);

#endif
