/*
 * billing.c (rules) — the account month of flows.md §4.6 (rules/billing.h).
 */
#include "rules/billing.h"

void billing_account_month(date_t d, int cutoff_day, date_t *first, date_t *last)
{
    int y, m, dd;
    date_to_ymd(d, &y, &m, &dd);
    /* After the cut-off a date belongs to next month's account. */
    if (dd > cutoff_day && ++m > 12)
        m = 1, y++;
    *last = date_from_ymd(y, m, cutoff_day);
    int py = m == 1 ? y - 1 : y, pm = m == 1 ? 12 : m - 1;
    *first = date_from_ymd(py, pm, cutoff_day + 1);
}
