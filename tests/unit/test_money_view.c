/*
 * test_money_view.c — table test for rules/money_view.c: which field kinds each role must not
 * see (numbering-and-rules.md §4: the warehouse "without prices or amounts", customer service
 * "no ledger", marketing "AR only in aggregate").
 */
#include "expect.h"

#include <string.h>

#include "rules/money_view.h"

static const struct {
    enum role role;
    const char *key;
    bool aggregate;
    bool hidden;
} rows[] = {
    {ROLE_WAREHOUSE, "price_fen", false, true},
    {ROLE_WAREHOUSE, "value_fen", false, true},
    {ROLE_WAREHOUSE, "total_fen", true, true},
    {ROLE_WAREHOUSE, "price", false, true},
    {ROLE_WAREHOUSE, "credit", false, true},
    {ROLE_WAREHOUSE, "qty", false, false},
    {ROLE_WAREHOUSE, "fen", false, false},
    {ROLE_WAREHOUSE, "tax_rate_bp", false, false},
    {ROLE_CUSTOMER_SERVICE, "amount_fen", false, true},
    {ROLE_CUSTOMER_SERVICE, "collections_fen", true, true},
    {ROLE_CUSTOMER_SERVICE, "name", false, false},
    {ROLE_MARKETING, "price_fen", false, false},
    {ROLE_MARKETING, "amount_fen", false, false},
    {ROLE_MARKETING, "budget_fen", false, false},
    {ROLE_MARKETING, "credit", false, true},
    {ROLE_MARKETING, "credit_limit_fen", false, true},
    {ROLE_MARKETING, "open_fen", false, true},
    {ROLE_MARKETING, "open_fen", true, false},
    {ROLE_MARKETING, "overdue_fen", true, false},
    {ROLE_MARKETING, "balance_fen", false, true},
    {ROLE_MARKETING, "available_fen", false, false}, /* an expense budget's remainder */
    {ROLE_MARKETING, "credit_check", false, true},
    {ROLE_GM, "credit_limit_fen", false, false},
    {ROLE_FINANCE, "price_fen", false, false},
    {ROLE_ADMIN, "price_fen", false, false},
    {ROLE_CUSTOMER, "amount_fen", false, false},
    {ROLE_KAM, "value_fen", false, false},
};

static void test_rows(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++)
        expect(&bad,
               money_view_hides(rows[i].role, rows[i].key, rows[i].aggregate) == rows[i].hidden,
               "row %zu: %s %s aggregate=%d: expected hidden=%d", i, role_str(rows[i].role),
               rows[i].key, rows[i].aggregate, rows[i].hidden);
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_rows)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
