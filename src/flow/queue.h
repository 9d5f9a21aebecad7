/*
 * queue.h — GET /me/queue (api.md §5.1): the documents waiting on the caller.
 */
#ifndef OSB_FLOW_QUEUE_H
#define OSB_FLOW_QUEUE_H

#include "flow/ctx.h"

#include <jansson.h>

/* {"items":[{"type","number","state","customer","waiting_since","deadline"|null,"rule"|null,
   "allowed_actions"}]}: every document whose allowed_actions for the caller hold an action it
   waits for (not DOC_ASIDE), oldest first. */
int queue_mine(struct ctx *c, json_t **out, struct osb_err *e);

#endif
