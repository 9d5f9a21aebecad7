/*
 * money_view.c — the money a role may see, by field kind (money_view.h).
 */
#include "rules/money_view.h"

#include <string.h>

enum money_view money_view_of(enum role r)
{
    switch (r) {
    case ROLE_WAREHOUSE:
    case ROLE_CUSTOMER_SERVICE:
        return MONEY_VIEW_NONE;
    case ROLE_MARKETING:
        return MONEY_VIEW_NO_AR;
    default:
        return MONEY_VIEW_ALL;
    }
}

bool money_view_is_money(const char *key)
{
    size_t n = strlen(key);
    return (n > 4 && strcmp(key + n - 4, "_fen") == 0) || strcmp(key, "price") == 0 ||
           strncmp(key, "price_", 6) == 0 || strcmp(key, "credit") == 0 ||
           strcmp(key, "credit_check") == 0;
}

/* The receivable side of a customer: what it owes, has paid, may still buy on credit (its
   "available" credit lives in the credit object and an order's credit_check, both hidden
   whole: available_fen alone is also an expense budget's remainder, which marketing keeps). */
static const char *const ar_keys[] = {
    "credit",
    "credit_check",
    "credit_limit_fen",
    "limit_fen",
    "current_limit_fen",
    "proposed_limit_fen",
    "formula_limit_fen",
    "open_fen",
    "open_receivables_fen",
    "open_orders_fen",
    "ar_fen",
    "overdue_fen",
    "balance_fen",
    "opening_fen",
    "closing_fen",
    "debit_fen",
    "credit_fen",
    "debits_fen",
    "credits_fen",
    "unapplied_fen",
    "prepayment_fen",
    "free_prepayment_fen",
    "exposure_fen",
    "earmark_fen",
    "earmarked_fen",
    "settled_fen",
    "due_fen",
    "current_fen",
    "collected_fen",
    "collections_fen",
    "written_off_fen",
    "approved_shortfall_fen",
    "shortfall_fen",
    "payments_fen",
    "invoice_amount_fen",
    "credited_fen",
};

bool money_view_is_ar(const char *key)
{
    for (size_t i = 0; i < sizeof ar_keys / sizeof ar_keys[0]; i++)
        if (strcmp(key, ar_keys[i]) == 0)
            return true;
    return false;
}

bool money_view_hides(enum role r, const char *key, bool aggregate)
{
    switch (money_view_of(r)) {
    case MONEY_VIEW_NONE:
        return money_view_is_money(key);
    case MONEY_VIEW_NO_AR:
        return !aggregate && money_view_is_ar(key);
    case MONEY_VIEW_ALL:
        break;
    }
    return false;
}
