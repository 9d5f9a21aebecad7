/*
 * recipients.h (store) — who a document's notices go to: the active users of a
 * role, a market's MM and default CSR. Reads only.
 */
#ifndef OSB_STORE_RECIPIENTS_H
#define OSB_STORE_RECIPIENTS_H

#include "store/db.h"

#include <jansson.h>

/* The usernames of the active users of role (e.g. "finance"), by name: a new array of
   strings, NULL with e set on error. */
json_t *store_role_users(struct db *db, struct osb_err *e, const char *role);
/* The market's MM (if any) and every active finance user, by name, without repeats: a new
   array of strings (the statement report's readers, flows.md §4.5). */
json_t *store_mm_and_finance(struct db *db, struct osb_err *e, const char *market);
/* Every active finance user and the BCR of every market, by name, without repeats: a new
   array of strings (the account cut-off reminder, flows.md §4.6). */
json_t *store_finance_and_bcrs(struct db *db, struct osb_err *e);
/* The active users of the customer's own account (its inbox), by name: a new array. */
json_t *store_customer_users(struct db *db, struct osb_err *e, const char *customer);
/* The market's default CSR into *out (a new string, NULL when none). */
int store_market_default_csr(struct db *db, struct osb_err *e, const char *market, char **out);

#endif
