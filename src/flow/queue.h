/*
 * queue.h — GET /me/queue (api.md §5.1): the documents waiting on the caller.
 */
#ifndef OSB_FLOW_QUEUE_H
#define OSB_FLOW_QUEUE_H

#include "flow/ctx.h"

#include <jansson.h>

/* {"items":[{"type","number","state","customer","waiting_since","deadline"|null,"rule"|null,
   "allowed_actions"}]}: every document whose allowed_actions for the caller hold an action it
   waits for (not DOC_ASIDE), oldest first. limit 0: every item, {"items"} alone; otherwise
   at most limit items from position from, and "next_cursor": the position after them as a
   string, or null at the end. */
int queue_mine(struct ctx *c, int limit, size_t from, json_t **out, struct osb_err *e);

#endif
