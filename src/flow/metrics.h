/*
 * metrics.h (flow) — what GET /metrics reads from the database (store/metrics.h). Public like
 * a health check: it says how much is queued, never what.
 */
#ifndef OSB_FLOW_METRICS_H
#define OSB_FLOW_METRICS_H

#include "flow/ctx.h"

#include <jansson.h>

int metrics_db(struct ctx *c, json_t **out, struct osb_err *e);

#endif
