/*
 * masterdata.h — the declared collections of master data (api.md §3.2, entities.md §1–§4).
 */
#ifndef OSB_MASTERDATA_H
#define OSB_MASTERDATA_H

#include "core/record.h"
#include "rules/perm.h"
#include "store/db.h"
#include "store/record.h"

#include <jansson.h>

extern const struct record_def rd_market, rd_region, rd_user, rd_customer, rd_product, rd_warehouse;

/* The reads the cross-field rules of flow/masterdata.c need. Each: 1 found (*out malloc'ed,
   NULL when the column is NULL), 0 no such row, -1 error. */
int store_user_role(struct db *db, struct osb_err *e, const char *username, char **out);
/* Whether the user is away (out_of_office true, entities.md §1.3): 0 with *away, -1 error. */
int store_user_away(struct db *db, struct osb_err *e, const char *username, bool *away);
int store_user_manager(struct db *db, struct osb_err *e, const char *username, char **out);
/* Every user's login and display name, by login: [{username, name, state: active|inactive}]
   (GET /people, issue #17: the UI shows people by name). NULL on error. */
json_t *store_people(struct db *db, struct osb_err *e);
int store_region_market(struct db *db, struct osb_err *e, const char *region, char **out);
int store_market_supervisor(struct db *db, struct osb_err *e, const char *market, char **out);
/* How many customers a region has: 0 with *n, -1 error. */
int store_region_customers(struct db *db, struct osb_err *e, const char *region, int64_t *n);

/* A page of d's rows ordered by key after cursor, at most limit + 1: the filters ANDed
   (column = value; the value of a boolean column is "1" or "0" and compared as an integer),
   and, when scope is not NULL, only the customers it sees (d is rd_customer); q (api.md §5.1,
   NULL or "": none) a case-insensitive substring of the key (code, SKU) or of the name. */
json_t *store_md_list(struct db *db, struct osb_err *e, const struct record_def *d,
                      const struct rec_filter *f, size_t nf, const struct scope_user *scope,
                      const char *q, const char *cursor, int limit);

#endif
