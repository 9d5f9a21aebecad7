/*
 * test_billing.c — table tests for rules/billing.c: the account month around the 25th
 * cut-off, at month and year ends and in February.
 */
#include "expect.h"

#include "core/date.h"
#include "rules/billing.h"

static date_t D(const char *s)
{
    date_t d = 0;
    date_parse(s, &d);
    return d;
}

static void test_account_month(void **state)
{
    (void)state;
    static const struct {
        const char *day, *first, *last;
    } rows[] = {
        {"2026-11-25", "2026-10-26", "2026-11-25"}, /* the cut-off day closes its month */
        {"2026-11-26", "2026-11-26", "2026-12-25"}, /* the day after opens the next */
        {"2026-11-01", "2026-10-26", "2026-11-25"},
        {"2026-12-26", "2026-12-26", "2027-01-25"}, /* across the year end */
        {"2026-12-31", "2026-12-26", "2027-01-25"},
        {"2027-01-01", "2026-12-26", "2027-01-25"},
        {"2027-01-25", "2026-12-26", "2027-01-25"},
        {"2028-02-29", "2028-02-26", "2028-03-25"}, /* leap day after the cut-off */
        {"2027-03-01", "2027-02-26", "2027-03-25"},
    };
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        date_t f, l;
        billing_account_month(D(rows[i].day), 25, &f, &l);
        char fs[11], ls[11];
        date_format(f, fs);
        date_format(l, ls);
        expect(&bad, f == D(rows[i].first) && l == D(rows[i].last), "%s: got %s..%s want %s..%s",
               rows[i].day, fs, ls, rows[i].first, rows[i].last);
    }
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_account_month)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
