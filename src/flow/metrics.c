/*
 * metrics.c (flow) — see metrics.h.
 */
#include "flow/metrics.h"

#include "store/metrics.h"

int metrics_db(struct ctx *c, json_t **out, struct osb_err *e)
{
    *out = store_metrics(c->db, e);
    return *out ? 0 : -1;
}
