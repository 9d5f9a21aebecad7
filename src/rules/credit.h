/*
 * credit.h — the credit figures of a customer (flows.md §2.5 definitions), pure.
 * The order flow adds the decision table on top of these figures.
 */
#ifndef OSB_CREDIT_H
#define OSB_CREDIT_H

#include <stdbool.h>
#include <stdint.h>

struct credit_figures {
    int64_t limit_fen;
    int64_t open_receivables_fen;
    int64_t open_orders_fen;
    int64_t prepayment_fen;
    int64_t overdue_fen;
    int32_t oldest_overdue_days;
    /* computed by credit_compute */
    int64_t exposure_fen;  /* open_receivables + open_orders + this_order − prepayment */
    int64_t available_fen; /* limit − exposure */
};

/* Fills exposure and available, adding this_order_fen (0 for the customer view). False on
   overflow. */
bool credit_compute(struct credit_figures *f, int64_t this_order_fen);

/* Within 20 %: limit > 0 and 5 × (exposure − limit) ≤ limit, in exact integers. */
bool credit_within_20(int64_t exposure, int64_t limit);

/* over_pct_bp = ⌈(exposure − limit) × 10000 / limit⌉, floored at 0, capped at 1,000,000;
   a zero limit with positive exposure shows the cap. */
int64_t credit_over_pct_bp(int64_t exposure, int64_t limit);

#endif
