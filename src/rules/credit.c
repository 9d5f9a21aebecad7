/*
 * credit.c — credit figures and the 20 % boundary of CMR (flows.md §2.5), in exact integers.
 */
#include "rules/credit.h"

#include "core/money.h"

bool credit_compute(struct credit_figures *f, int64_t this_order_fen)
{
    int64_t x;
    if (!money_add(f->open_receivables_fen, f->open_orders_fen, &x) ||
        !money_add(x, this_order_fen, &x) || !money_sub(x, f->prepayment_fen, &x))
        return false;
    f->exposure_fen = x;
    return money_sub(f->limit_fen, x, &f->available_fen);
}

bool credit_within_20(int64_t exposure, int64_t limit)
{
    if (limit <= 0)
        return false;
    /* 5 × (exposure − limit) ≤ limit, in 128 bits so no product can overflow. */
    return (__int128)5 * ((__int128)exposure - limit) <= (__int128)limit;
}

int64_t credit_over_pct_bp(int64_t exposure, int64_t limit)
{
    const int64_t cap = 1000000;
    if (exposure <= limit)
        return 0;
    if (limit <= 0)
        return cap;
    __int128 num = ((__int128)exposure - limit) * 10000;
    __int128 q = (num + limit - 1) / limit;
    return q > cap ? cap : (int64_t)q;
}
