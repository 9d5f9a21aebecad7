/*
 * credit.h (store) — reads the figures of rules/credit.h for one customer from invoices,
 * open order values and payments.
 */
#ifndef OSB_STORE_CREDIT_H
#define OSB_STORE_CREDIT_H

#include "core/date.h"
#include "rules/credit.h"
#include "store/db.h"

#include <jansson.h>

/* exclude_order: an order number whose own open value is left out (NULL for none). */
int store_credit_figures(struct db *db, struct osb_err *e, const char *customer, date_t today,
                         const char *exclude_order, struct credit_figures *f);
/* The same figures for CC (flows.md §2.5), with *other_earmarks the Σ of the active earmarks
   of the customer's orders other than order (NULL: all). Both read in one statement. */
int store_credit_cc(struct db *db, struct osb_err *e, const char *customer, date_t today,
                    const char *order, struct credit_figures *f, int64_t *other_earmarks);
/* The customer's `credit` object of api.md §3.2. */
/* store_credit_figures (no order left out) of the customers codes[0..n) of a list page, in
   one statement; ok[i] false when codes[i]'s figures overflow (store_credit_figures fails). */
int store_credit_figures_page(struct db *db, struct osb_err *e, json_t *codes, date_t today,
                              struct credit_figures *f, bool *ok);
json_t *credit_json(const struct credit_figures *f);

#endif
