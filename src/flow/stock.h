/*
 * stock.h — stock receipts by batch and the stock list (api.md §3.2).
 */
#ifndef OSB_FLOW_STOCK_H
#define OSB_FLOW_STOCK_H

#include "flow/ctx.h"

#include <jansson.h>

/* POST /stock/receipts {warehouse, sku, batch, qty, expires?, produced_on?, source?} → RK. */
int stock_receive(struct ctx *c, json_t *body, json_t **out, struct osb_err *e);
/* GET /stock?sku=&warehouse= → lots with on_hand, reserved, available, by warehouse, SKU and
   first expiring first; limit rows after cursor (NULL: from the start). */
/* q: a substring of the SKU, warehouse or batch (api.md §5.1), NULL: any. */
int stock_list(struct ctx *c, const char *sku, const char *warehouse, const char *q, int limit,
               const char *cursor, json_t **out, struct osb_err *e);

#endif
