/*
 * masterdata.h — create, edit, read and import master data (api.md §3.2): markets, regions,
 * users, customers, products, warehouses. Each call runs inside the caller's transaction.
 *
 * Answers are owned by the caller. Reads apply the data scope of numbering-and-rules.md §4:
 * an object the caller cannot see is 404.
 */
#ifndef OSB_FLOW_MASTERDATA_H
#define OSB_FLOW_MASTERDATA_H

#include "core/record.h"
#include "flow/ctx.h"

#include <jansson.h>

struct md_query {
    const char *const *names; /* filter names given, NULL-terminated pairs with values */
    const char *const *values;
    size_t n;
    const char *cursor;
    int limit;
};

int md_create(struct ctx *c, const struct record_def *d, json_t *body, json_t **out,
              struct osb_err *e);
int md_patch(struct ctx *c, const struct record_def *d, const char *key, json_t *body, json_t **out,
             struct osb_err *e);
int md_get(struct ctx *c, const struct record_def *d, const char *key, json_t **out,
           struct osb_err *e);
/* {"items":[...],"next_cursor":...}. Unknown filter names are 400. */
int md_list(struct ctx *c, const struct record_def *d, const struct md_query *q, json_t **out,
            struct osb_err *e);
/* All-or-nothing CSV import (header row = field names); 201 {"created":n,"items":[keys]}. */
int md_import(struct ctx *c, const struct record_def *d, const char *csv, size_t len, json_t **out,
              struct osb_err *e);
/* The change history of one object, from the audit log. */
/* GET /people: {"items":[{username, name, state}]} for every staff member signed in (not a
   customer's login): the names the UI shows for the logins documents carry. */
int md_people(struct ctx *c, json_t **out, struct osb_err *e);
int md_history(struct ctx *c, const struct record_def *d, const char *key, json_t **out,
               struct osb_err *e);

#endif
