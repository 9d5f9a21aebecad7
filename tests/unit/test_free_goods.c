/*
 * test_free_goods.c — the free-goods draw (flows.md §15 settle "free goods", §2.4 QC-5) and the
 * below-list price rule (flows.md §8) of rules/free_goods.c, in tables.
 */
#include "expect.h"

#include "rules/free_goods.h"

/* What an expense application offers order lines, by state and settlement form. */
static void test_free_goods_amount(void **state)
{
    (void)state;
    int bad = 0;
    static const struct {
        const char *state, *form;
        int64_t approved, actual, want;
    } rows[] = {
        {"submitted", "free_goods", 0, 0, -1},         /* not approved: nothing */
        {"rejected", "free_goods", 5000, 0, -1},       /* rejected: nothing */
        {"approved", "free_goods", 5000, 0, 5000},     /* approved: its approved amount */
        {"approved", NULL, 5000, 0, 5000},             /* the form not decided yet */
        {"approved", "", 5000, 0, 5000},               /* the same, empty */
        {"approved", "reimbursement", 5000, 0, -1},    /* another form */
        {"approved", "customer_credit", 5000, 0, -1},  /* another form */
        {"executed", "free_goods", 5000, 4000, 4000},  /* executed: its actual */
        {"executed", NULL, 5000, 4000, 4000},          /* undecided, executed */
        {"executed", "reimbursement", 5000, 4000, -1}, /* another form */
        {"settled", "free_goods", 5000, 4500, 4500},   /* settled as free goods: the actual */
        {"settled", NULL, 5000, 4500, -1},             /* settled: the form must be free goods */
        {"settled", "reimbursement", 5000, 4500, -1},  /* reimbursed: nothing */
        {"closed", "free_goods", 5000, 4500, 4500},    /* evaluated after settling */
        {"closed", "customer_credit", 5000, 4500, -1}, /* credited: nothing */
        {NULL, "free_goods", 5000, 4500, -1},          /* no state */
    };
    for (size_t i = 0; i < ROWS(rows); i++)
        expect(&bad,
               free_goods_amount(rows[i].state, rows[i].form, rows[i].approved, rows[i].actual) ==
                   rows[i].want,
               "row %zu", i);
    assert_int_equal(bad, 0);
}

/* QC-5: enough remaining amount. */
static void test_draw_ok(void **state)
{
    (void)state;
    int bad = 0;
    static const struct {
        int64_t amount, drawn, need;
        bool ok;
    } rows[] = {
        {100000, 0, 60000, true},            /* within */
        {100000, 60000, 40000, true},        /* exactly what is left */
        {100000, 60000, 40001, false},       /* one fen over */
        {100000, 0, 100000, true},           /* all of it */
        {100000, 0, 0, true},                /* nothing asked */
        {0, 0, 1, false},                    /* nothing offered */
        {-1, 0, 0, false},                   /* not an application offering free goods */
        {100, 150, 0, false},                /* over-drawn already (the amount was lowered) */
        {100, 0, -1, false},                 /* a negative need is no draw */
        {INT64_MAX, INT64_MAX - 1, 1, true}, /* no overflow at the edge */
        {INT64_MAX, 0, INT64_MAX, true},
    };
    for (size_t i = 0; i < ROWS(rows); i++)
        expect(&bad, free_goods_draw_ok(rows[i].amount, rows[i].drawn, rows[i].need) == rows[i].ok,
               "row %zu", i);
    assert_int_equal(bad, 0);
}

/* flows.md §8: below the list needs a quotation/contract price the asked price is not below. */
static void test_below_list(void **state)
{
    (void)state;
    int bad = 0;
    expect(&bad, !price_below_list(1000, 1000), "at the list");
    expect(&bad, !price_below_list(1200, 1000), "above the list");
    expect(&bad, price_below_list(999, 1000), "one fen below");
    expect(&bad, price_below_list(0, 1), "free is below");
    expect(&bad, price_covered(900, 900), "at the quoted price");
    expect(&bad, price_covered(950, 900), "above the quoted price");
    expect(&bad, !price_covered(899, 900), "below the quoted price");
    expect(&bad, !price_covered(900, -1), "no quoted price");
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_free_goods_amount),
        cmocka_unit_test(test_draw_ok),
        cmocka_unit_test(test_below_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
