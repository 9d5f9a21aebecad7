/*
 * money_view.h — which money a role may see in an answer (numbering-and-rules.md §4), by the
 * kind of the field, not by route: one rule for every answer of the API.
 *
 *   warehouse         "without prices or amounts": no money field at all.
 *   customer service  "no ledger": no money field at all (its work — contacts, after-sales,
 *                     returns inspection, samples — needs none).
 *   marketing         sales data and expenses, "AR only in aggregate": no receivable, ledger
 *                     or credit figure, except in an aggregate (a report's totals, or a report
 *                     row that is not one customer's).
 *   everyone else     all the money their scope shows.
 *
 * A money field is one whose name ends in `_fen` (api.md §1: every money field does), a price
 * (`price`, `price_*`), or a customer's computed `credit` object. Pure.
 */
#ifndef OSB_MONEY_VIEW_H
#define OSB_MONEY_VIEW_H

#include "rules/perm.h"

#include <stdbool.h>

enum money_view {
    MONEY_VIEW_ALL,   /* no filter */
    MONEY_VIEW_NONE,  /* no money field */
    MONEY_VIEW_NO_AR, /* no receivable/ledger/credit figure outside aggregates */
};

enum money_view money_view_of(enum role r);

/* Is key a money field (a figure, when its value is a number or an object)? */
bool money_view_is_money(const char *key);
/* Is key an AR figure: receivables, ledger balances, credit limits and exposure? */
bool money_view_is_ar(const char *key);
/* Must a field named key be left out of an answer to role r? aggregate: the field is part of
   an aggregate (a report's totals, a report row that is not one customer's). */
bool money_view_hides(enum role r, const char *key, bool aggregate);

#endif
