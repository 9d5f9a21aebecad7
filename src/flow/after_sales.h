/*
 * after_sales.h — after-sales tickets (售后服务申请, SH; flows.md §10, entities.md §11, api.md
 * §5.7): received (CSR, SSG leader or the customer's KAM) → confirmed by the MM within a working
 * day (`after_sales_confirm`) → assigned by the CSR to a customer-service handler → in_progress
 * once the handler contacted the customer, within a working day (`after_sales_contact`) →
 * resolved, or escalated (handler or MM; to the supervising SLT member) and resolved by the MM
 * or that member → closed by the CSR with an optional rating 1–5; the MM may reject a ticket
 * that is received or confirmed.
 */
#ifndef OSB_FLOW_AFTER_SALES_H
#define OSB_FLOW_AFTER_SALES_H

#include "flow/fdoc.h"

int after_sales_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e);

extern const struct doc_kind *const after_sales_doc_kind; /* GET /me/queue */

#endif
