/*
 * customer.h (store) — the SQL of the customer lifecycle (flow/customer.c) beyond the generic
 * master-data rows of store/record.h: what keeps a customer from closing, whether its KAM is
 * an active KAM, and hand-entered credit incidents (entities.md §2.4).
 */
#ifndef OSB_STORE_CUSTOMER_H
#define OSB_STORE_CUSTOMER_H

#include "store/db.h"

#include "core/sb.h"

#include <jansson.h>
#include <stdbool.h>

/* What keeps customer code from closing (flows.md §1): *balance_fen its ledger balance, and
   *open a new array of {"type","number","state"} of its open orders, shipments, returns,
   backorders and invoices (at most 20). 0 ok, -1 error. */
int store_customer_open_items(struct db *db, struct osb_err *e, const char *code,
                              int64_t *balance_fen, json_t **open);

/* Whether username is an active user with role kam: 0 with *ok, -1 error. */
int store_customer_kam_ok(struct db *db, struct osb_err *e, const char *username, bool *ok);

/* The active customers with their KAM, archive_reviewed_on (or null) and created_at (µs),
   ordered by code: the archive review job's candidates. NULL with e set on error. */
json_t *store_customer_archive_list(struct db *db, struct osb_err *e);

/* Net sales of every active customer with invoice dates in [from, to] (invoices − credit
   notes dated in the range), largest first then by code: {"code","tier","net_fen"}. */
json_t *store_customer_net_sales(struct db *db, struct osb_err *e, const char *from,
                                 const char *to);

/* Sets the tier of customer code (version + 1): 0 ok, -1 error. */
int store_customer_set_tier(struct db *db, struct osb_err *e, const char *code, const char *tier,
                            int64_t now);

/* A credit incident entered by hand; *id its row id. 0 ok, -1 error. */
int store_credit_incident_add(struct db *db, struct osb_err *e, const char *customer,
                              const char *date, const char *kind, int64_t amount_fen,
                              const char *note, const char *by, int64_t now, int64_t *id);

/* One credit incident by id as the list shows it: 1 found, 0 none, -1 error. */
int store_credit_incident_get(struct db *db, struct osb_err *e, int64_t id, json_t **out);

/* The search grams of customer code (customer_grams, issue #17): every 3-character piece of
   its lower-cased code and name, and every 1- and 2-character piece holding a character beyond
   ASCII (a name in Chinese is often searched by two characters), written again from the row as
   it now stands. Called by whatever writes a customer's code or name, in its transaction.
   0 ok, -1 error. */
int store_customer_grams(struct db *db, struct osb_err *e, const char *code);

/* The grams of every customer that has none (migration; after a bulk load), in the caller's
   transaction. 0 ok, -1 error. */
int store_customer_grams_all(struct db *db, struct osb_err *e);

/* The same in a transaction of its own, when any customer has no grams (osb serve at start:
   customers written into the table by hand are found by q= after the next start). */
int store_customer_grams_missing(struct db *db, struct osb_err *e);

/* A subquery giving a superset of the codes of the customers whose code or name contains q
   (as "lower(code) LIKE lower(%q%)" would find them; the caller still applies that LIKE to the
   rows) from customer_grams, driven by q's rarest gram: appended to sql with its parameters.
   1 appended, 0 q cannot use the grams (one or two ASCII characters, not UTF-8: the caller
   reads every customer as before), -1 error. */
int store_customer_gram_codes(struct db *db, struct osb_err *e, const char *q, struct sb *sql,
                              json_t *params);

#endif
