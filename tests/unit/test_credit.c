/*
 * test_credit.c — table tests for rules/credit.c: the 20 % boundary of CC row 4 (flows.md
 * §2.5: 5 × (exposure − limit) ≤ limit, 20.00 % is within), the over_pct_bp display (ceiling,
 * floor 0, cap 1,000,000, zero limit) and credit_compute's overflow refusal.
 */
#include "expect.h"

#include "rules/credit.h"

static void test_within_20(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        int64_t exposure, limit;
        bool want;
    } rows[] = {
        {"exactly 20.00 % over is within", 120000, 100000, true},
        {"20 % + 1 fen is over", 120001, 100000, false},
        {"19.99 % within", 119999, 100000, true},
        {"at the limit", 100000, 100000, true},
        {"below the limit", 1, 100000, true},
        {"negative exposure (prepaid)", -500, 100000, true},
        {"limit 1 fen, exposure 1 fen", 1, 1, true},
        {"limit 1 fen, exposure 2 fen (100 %)", 2, 1, false},
        /* 5 x (6 - 5) = 5 <= 5: exactly 20 % of an odd limit */
        {"limit 5, exposure 6", 6, 5, true},
        {"limit 5, exposure 7", 7, 5, false},
        /* limit 7: 20 % is 1.4 fen; 8 is 14.3 %, 9 is 28.6 % */
        {"limit 7, exposure 8", 8, 7, true},
        {"limit 7, exposure 9", 9, 7, false},
        {"limit 0, exposure 0", 0, 0, false},
        {"limit 0, exposure positive", 1, 0, false},
        {"limit 0, exposure negative", -1, 0, false},
        {"negative limit", 0, -100, false},
        {"large values: exactly 20 %", 6000000000000000000LL, 5000000000000000000LL, true},
        {"large values: 20 % + 1", 6000000000000000001LL, 5000000000000000000LL, false},
        {"INT64_MAX exposure, INT64_MAX limit", INT64_MAX, INT64_MAX, true},
        {"INT64_MAX exposure, limit 1", INT64_MAX, 1, false},
        {"INT64_MIN exposure", INT64_MIN, 1, true},
    };
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        bool got = credit_within_20(rows[i].exposure, rows[i].limit);
        expect(&bad, got == rows[i].want, "%s: got %d want %d", rows[i].name, got,
               rows[i].want);
    }
    assert_int_equal(bad, 0);
}

static void test_over_pct_bp(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        int64_t exposure, limit;
        int64_t want;
    } rows[] = {
        {"at the limit: 0", 100000, 100000, 0},
        {"below the limit: floored at 0", 50000, 100000, 0},
        {"negative exposure: 0", -100, 100000, 0},
        {"exactly 20 %", 120000, 100000, 2000},
        {"20 % + 1 fen: ceiling", 120001, 100000, 2001},
        {"1 fen over 1,000,000 fen: 0.0001 % rounds up to 1 bp", 1000001, 1000000, 1},
        {"1 fen over 3 fen: 3333.3 -> 3334", 4, 3, 3334},
        {"2 fen over 3 fen: 6666.6 -> 6667", 5, 3, 6667},
        {"exact 100 %", 200, 100, 10000},
        {"cap exactly: 100x over", 10100, 100, 1000000},
        {"above the cap", 10101, 100, 1000000},
        {"far above the cap", INT64_MAX, 1, 1000000},
        {"zero limit, positive exposure: cap", 1, 0, 1000000},
        {"zero limit, zero exposure: 0", 0, 0, 0},
        {"zero limit, negative exposure: 0", -1, 0, 0},
        {"negative limit, exposure above: cap", 0, -1, 1000000},
        {"no overflow at the int64 edge", INT64_MAX, INT64_MAX - 1, 1},
        {"INT64_MIN limit", 0, INT64_MIN, 1000000},
    };
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        int64_t got = credit_over_pct_bp(rows[i].exposure, rows[i].limit);
        expect(&bad, got == rows[i].want, "%s: got %lld want %lld", rows[i].name,
               (long long)got, (long long)rows[i].want);
    }
    assert_int_equal(bad, 0);
}

static void test_compute(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        int64_t limit, receivables, orders, prepayment, this_order;
        bool ok;
        int64_t exposure, available;
    } rows[] = {
        {"plain sum", 1000000, 300000, 200000, 50000, 100000, true, 550000, 450000},
        {"customer view (no this order)", 1000000, 300000, 200000, 50000, 0, true, 450000,
         550000},
        {"prepayment larger than the rest", 100, 10, 0, 500, 0, true, -490, 590},
        {"over the limit: negative available", 100, 150, 0, 0, 0, true, 150, -50},
        {"zero everything", 0, 0, 0, 0, 0, true, 0, 0},
        {"receivables + orders overflow", 0, INT64_MAX, 1, 0, 0, false, 0, 0},
        {"+ this order overflows", 0, INT64_MAX - 1, 1, 0, 1, false, 0, 0},
        {"- prepayment overflows", 0, INT64_MIN + 1, -1, 1, 0, false, 0, 0},
        {"- negative prepayment overflows", 0, INT64_MAX, 0, -1, 0, false, 0, 0},
        {"available overflows (limit - exposure)", INT64_MAX, 0, 0, 1, 0, false, -1, 0},
        {"available overflows the other way", INT64_MIN, 1, 0, 0, 0, false, 1, 0},
        {"exactly INT64_MAX exposure", INT64_MAX, INT64_MAX - 10, 5, 0, 5, true, INT64_MAX, 0},
    };
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        struct credit_figures f = {
            .limit_fen = rows[i].limit,
            .open_receivables_fen = rows[i].receivables,
            .open_orders_fen = rows[i].orders,
            .prepayment_fen = rows[i].prepayment,
        };
        bool ok = credit_compute(&f, rows[i].this_order);
        expect(&bad, ok == rows[i].ok, "%s: ok=%d want %d", rows[i].name, ok, rows[i].ok);
        if (ok && rows[i].ok)
            expect(&bad,
                   f.exposure_fen == rows[i].exposure && f.available_fen == rows[i].available,
                   "%s: exposure %lld available %lld, want %lld %lld", rows[i].name,
                   (long long)f.exposure_fen, (long long)f.available_fen,
                   (long long)rows[i].exposure, (long long)rows[i].available);
        if (!ok && rows[i].exposure != 0)
            /* Exposure was computed; only the available figure overflowed. */
            expect(&bad, f.exposure_fen == rows[i].exposure, "%s: exposure %lld", rows[i].name,
                   (long long)f.exposure_fen);
    }
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_within_20),
        cmocka_unit_test(test_over_pct_bp),
        cmocka_unit_test(test_compute),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
