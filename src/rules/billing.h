/*
 * billing.h — pure date rules of billing (flows.md §4.6): the account month that ends on the
 * cut-off day (截账期). No I/O, no clock.
 */
#ifndef OSB_RULES_BILLING_H
#define OSB_RULES_BILLING_H

#include "core/date.h"

/* The account month a date belongs to: account month M runs from the (cutoff+1)th of M−1 to
   the cutoff day of M (cutoff 1..28; 25 by default). */
void billing_account_month(date_t d, int cutoff_day, date_t *first, date_t *last);

#endif
