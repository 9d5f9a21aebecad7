/*
 * free_goods.c — free-goods draws and below-list prices (rules/free_goods.h).
 */
#include "rules/free_goods.h"

#include <string.h>

static bool eq(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

int64_t free_goods_amount(const char *state, const char *form, int64_t approved_fen,
                          int64_t actual_fen)
{
    bool open_form = !form || !*form || eq(form, "free_goods");
    if (eq(state, "approved"))
        return open_form ? approved_fen : -1;
    if (eq(state, "executed"))
        return open_form ? actual_fen : -1;
    if (eq(state, "settled") || eq(state, "closed"))
        return eq(form, "free_goods") ? actual_fen : -1;
    return -1;
}

bool free_goods_draw_ok(int64_t amount_fen, int64_t drawn_fen, int64_t need_fen)
{
    if (amount_fen < 0 || need_fen < 0)
        return false;
    return drawn_fen <= amount_fen && need_fen <= amount_fen - drawn_fen;
}

bool price_below_list(int64_t asked_fen, int64_t list_fen)
{
    return asked_fen < list_fen;
}

bool price_covered(int64_t asked_fen, int64_t quoted_fen)
{
    return quoted_fen >= 0 && asked_fen >= quoted_fen;
}
