/*
 * scope.h — who sees which customer's documents and money (numbering-and-rules.md §4), in
 * one place for every flow: the object form (may this user see this customer?) and the list
 * form (the SQL condition, built by store/doc.c). Pure rules are rules/perm.c; this file
 * adds the acting user and, for a customer named by code, its facts from the store.
 */
#ifndef OSB_FLOW_SCOPE_H
#define OSB_FLOW_SCOPE_H

#include "core/sb.h"
#include "flow/ctx.h"
#include "store/order.h"

#include <jansson.h>

/* May the acting user see (own: act for, as its KAM or rep) the customer cu? */
bool scope_sees(const struct ctx *c, const struct order_customer *cu);
bool scope_owns(const struct ctx *c, const struct order_customer *cu);

/* Roles that read customers' money at all: all but the warehouse (no prices), customer
   service (no ledger), marketing (AR only in aggregate) and admin (master data only). */
bool scope_role_reads_money(enum role r);
/* May the caller see this customer's financial documents? 1 yes, 0 not in scope (404),
   -1 error; a role that sees the customer but no money gets 403. out (may be NULL) gets the
   customer's facts, read once for the check and the caller. */
int scope_money_sees(struct ctx *c, const char *customer, struct order_customer *out,
                     struct osb_err *e);
/* Appends " AND <scope>" over a customers row aliased cust (0=1 for roles without money
   access) to sql, its values to params. */
void scope_money_sql(struct ctx *c, struct sb *sql, json_t *params, const char *cust);

#endif
