/*
 * quota.h — quotas per customer or region and month (api.md §3.2, entities §4).
 */
#ifndef OSB_FLOW_QUOTA_H
#define OSB_FLOW_QUOTA_H

#include "flow/ctx.h"

#include <jansson.h>

int quota_set(struct ctx *c, json_t *body, json_t **out, struct osb_err *e);
int quota_patch(struct ctx *c, int64_t id, json_t *body, json_t **out, struct osb_err *e);
int quota_get(struct ctx *c, int64_t id, json_t **out, struct osb_err *e);
/* GET /quotas?period=&sku=&customer=&region=&q= : the rows in the caller's scope, limit rows
   after cursor (NULL: from the start); q (NULL: none) as in api.md §5.1. */
int quota_list(struct ctx *c, const char *period, const char *sku, const char *customer,
               const char *region, const char *q, int limit, const char *cursor, json_t **out,
               struct osb_err *e);

/* POST /quota-approvals {period, sku, customer, extra_qty, reason, order?} by an SLT member:
   lets that customer take extra_qty above its quotas (flows.md §2.4 AC-7). */
int quota_approve(struct ctx *c, json_t *body, json_t **out, struct osb_err *e);
/* POST /quota-transfers {period, sku, from_region, to_region, qty, reason?} by the UM of the
   giving region; qty ≤ the giving region's remaining quota. */
int quota_transfer(struct ctx *c, json_t *body, json_t **out, struct osb_err *e);

#endif
