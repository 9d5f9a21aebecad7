/*
 * market_files.h (store) — the SQL of files attached to market documents (mkt_files: a POP
 * placement photo, expense evidence, a support request's documents) and of consumer records
 * with their follow-up calls (entities.md §2.5). Files are kept as base64 text in the
 * database: never on a path the web server serves, in every backup, inside the transaction.
 */
#ifndef OSB_STORE_MARKET_FILES_H
#define OSB_STORE_MARKET_FILES_H

#include "store/db.h"

#include <jansson.h>

/* INSERT a file row (keys of row are columns); *id the new id. */
int store_mkt_file_insert(struct db *db, struct osb_err *e, json_t *row, int64_t *id);
/* One file by id: 1 found, 0 none, -1; with_content adds the base64 `content`. */
int store_mkt_file_get(struct db *db, struct osb_err *e, int64_t id, bool with_content,
                       json_t **row);
/* The files of a document (without content), oldest first; visibility NULL for all. */
json_t *store_mkt_file_list(struct db *db, struct osb_err *e, const char *document,
                            const char *visibility);
/* Marks a file sent to the customer. */
int store_mkt_file_sent(struct db *db, struct osb_err *e, int64_t id, const char *by, int64_t at);

/* Who of a role sees which consumer records (entities.md §2.5). */
enum consumer_scope { CONS_ALL, CONS_COLLECTOR, CONS_KAM, CONS_REGION };
int store_consumer_insert(struct db *db, struct osb_err *e, json_t *row, int64_t *id);
/* One record with its customer's kam and region: 1, 0, -1. */
int store_consumer_get(struct db *db, struct osb_err *e, int64_t id, json_t **row);
/* Records in scope (who = the username or region the scope compares), newest first, after
   cursor (an id), at most limit + 1 rows. */
json_t *store_consumer_list(struct db *db, struct osb_err *e, enum consumer_scope s,
                            const char *who, const char *customer, const char *state, const char *q,
                            int64_t cursor, int limit);
json_t *store_consumer_follow_ups(struct db *db, struct osb_err *e, int64_t record);
int store_consumer_follow_up_insert(struct db *db, struct osb_err *e, int64_t record,
                                    const char *by, int64_t at, const char *result, bool reached,
                                    int64_t call_log);

#endif
