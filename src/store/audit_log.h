/*
 * audit_log.h (store) — reading the audit log (GET /audit, api.md §3.8): one page of rows by
 * filter. The writer and the chain check are store/audit.c; flow/admin.c checks who reads.
 */
#ifndef OSB_STORE_AUDIT_LOG_H
#define OSB_STORE_AUDIT_LOG_H

#include "store/db.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct audit_filter {
    int64_t from, to;                                      /* [from, to) instants */
    const char *object_type, *object_key, *actor, *action; /* NULL: any */
    int64_t after_seq; /* cursor: seq past it (below it when desc); 0 first page */
    int limit;
    bool desc;
    const char *q; /* substring of object key, actor, object type or action; NULL: any */
};

/* Up to limit + 1 rows [{seq, at (µs), actor, on_behalf_of, ip, request_id, action,
   object_type, object_key, before, after, prev_hash, hash}] (a new array; NULL with e set). */
json_t *store_audit_page(struct db *db, struct osb_err *e, const struct audit_filter *f);

#endif
