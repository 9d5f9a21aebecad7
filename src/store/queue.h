/*
 * queue.h (store) — the one query per document kind behind GET /me/queue (flow/queue.c): the
 * documents of a collection in some states, inside the caller's data scope, each with its
 * customer and the instant it entered its state, oldest first.
 */
#ifndef OSB_STORE_QUEUE_H
#define OSB_STORE_QUEUE_H

#include "rules/perm.h"
#include "store/db.h"

#include <jansson.h>

/* Rows {number, customer (or null), since (µs)} of the documents of collection (its path
   name, "orders") whose state is one of the NULL-terminated states, limited to the customers u
   sees, oldest first. A new array; NULL with e set (500 for a collection without a row here:
   a new document kind adds one). */
json_t *store_queue_candidates(struct db *db, struct osb_err *e, const char *collection,
                               const char *const *states, const struct scope_user *u);

#endif
