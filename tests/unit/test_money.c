/*
 * test_money.c — table tests for core/money.c: overflow at the int64 edges, half-up rounding
 * (negatives round away from zero), VAT extraction, ¥ display and exact yuan parsing.
 */
#include "expect.h"

#include <string.h>

#include "core/money.h"

#define I128_MAX64 ((__int128)INT64_MAX)
#define I128_MIN64 ((__int128)INT64_MIN)

enum op { ADD, SUB, MUL };

static void test_checked_arithmetic(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        enum op op;
        int64_t a, b;
        bool ok;
        int64_t want;
    } rows[] = {
        {"add small", ADD, 123450, 5, true, 123455},
        {"add reaches INT64_MAX", ADD, INT64_MAX - 1, 1, true, INT64_MAX},
        {"add INT64_MAX + 1 overflows", ADD, INT64_MAX, 1, false, 0},
        {"add INT64_MAX + 0", ADD, INT64_MAX, 0, true, INT64_MAX},
        {"add INT64_MIN + -1 overflows", ADD, INT64_MIN, -1, false, 0},
        {"add INT64_MIN + INT64_MAX", ADD, INT64_MIN, INT64_MAX, true, -1},
        {"sub to negative", SUB, 5, 10, true, -5},
        {"sub INT64_MIN - 1 overflows", SUB, INT64_MIN, 1, false, 0},
        {"sub 0 - INT64_MIN overflows", SUB, 0, INT64_MIN, false, 0},
        {"sub -1 - INT64_MIN", SUB, -1, INT64_MIN, true, INT64_MAX},
        {"sub INT64_MAX - -1 overflows", SUB, INT64_MAX, -1, false, 0},
        {"mul qty x price", MUL, 240, 12550, true, 3012000},
        {"mul INT64_MAX x 1", MUL, INT64_MAX, 1, true, INT64_MAX},
        {"mul INT64_MAX x 2 overflows", MUL, INT64_MAX, 2, false, 0},
        {"mul INT64_MIN x -1 overflows", MUL, INT64_MIN, -1, false, 0},
        {"mul largest square fits", MUL, 3037000499LL, 3037000499LL, true, 9223372030926249001LL},
        {"mul next square overflows", MUL, 3037000500LL, 3037000500LL, false, 0},
        {"mul by zero", MUL, INT64_MIN, 0, true, 0},
    };
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        int64_t got = -42;
        bool ok = rows[i].op == ADD   ? money_add(rows[i].a, rows[i].b, &got)
                  : rows[i].op == SUB ? money_sub(rows[i].a, rows[i].b, &got)
                                      : money_mul(rows[i].a, rows[i].b, &got);
        expect(&bad, ok == rows[i].ok, "%s: ok=%d", rows[i].name, ok);
        if (ok && rows[i].ok)
            expect(&bad, got == rows[i].want, "%s: got %lld want %lld", rows[i].name,
                   (long long)got, (long long)rows[i].want);
        if (!ok)
            expect(&bad, got == -42, "%s: wrote the output on overflow", rows[i].name);
    }
    assert_int_equal(bad, 0);
}

static void test_div_round_half_up(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        __int128 num;
        int64_t den;
        bool ok;
        int64_t want;
    } rows[] = {
        {"exact", 10, 2, true, 5},
        {"2.5 -> 3", 5, 2, true, 3},
        {"-2.5 -> -3 (away from zero)", -5, 2, true, -3},
        {"1.5 -> 2", 15, 10, true, 2},
        {"1.4 -> 1", 14, 10, true, 1},
        {"-1.5 -> -2", -15, 10, true, -2},
        {"-1.4 -> -1", -14, 10, true, -1},
        {"1/3 -> 0", 1, 3, true, 0},
        {"2/3 -> 1", 2, 3, true, 1},
        {"-1/3 -> 0", -1, 3, true, 0},
        {"-2/3 -> -1", -2, 3, true, -1},
        {"0.49999 -> 0", 49999, 100000, true, 0},
        {"0.5 -> 1", 50000, 100000, true, 1},
        {"zero", 0, 7, true, 0},
        {"den 0 refused", 1, 0, false, 0},
        {"den negative refused", 1, -1, false, 0},
        {"INT64_MAX / 1", I128_MAX64, 1, true, INT64_MAX},
        {"INT64_MAX + 1 overflows", I128_MAX64 + 1, 1, false, 0},
        {"INT64_MIN / 1", I128_MIN64, 1, true, INT64_MIN},
        {"INT64_MIN - 1 overflows", I128_MIN64 - 1, 1, false, 0},
        {"INT64_MAX - 0.5 rounds to INT64_MAX", 2 * I128_MAX64 - 1, 2, true, INT64_MAX},
        {"INT64_MAX + 0.5 rounds over", 2 * I128_MAX64 + 1, 2, false, 0},
        {"INT64_MIN - 0.5 rounds over", 2 * I128_MIN64 - 1, 2, false, 0},
        {"128-bit product / large den", (__int128)INT64_MAX * 1300, 11300, true,
         1061095898045239695LL},
        {"huge den", 1, INT64_MAX, true, 0},
    };
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        int64_t got = -42;
        bool ok = money_div_round(rows[i].num, rows[i].den, &got);
        expect(&bad, ok == rows[i].ok, "%s: ok=%d", rows[i].name, ok);
        if (ok && rows[i].ok)
            expect(&bad, got == rows[i].want, "%s: got %lld want %lld", rows[i].name,
                   (long long)got, (long long)rows[i].want);
    }
    assert_int_equal(bad, 0);
}

static void test_div_floor_ceil(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        __int128 num;
        int64_t den;
        bool ok;
        int64_t floor, ceil;
    } rows[] = {
        {"exact", 9, 3, true, 3, 3},
        {"positive fraction", 10, 3, true, 3, 4},
        {"negative fraction", -10, 3, true, -4, -3},
        {"just under one", 99, 100, true, 0, 1},
        {"just above minus one", -99, 100, true, -1, 0},
        {"zero", 0, 5, true, 0, 0},
        {"den 0 refused", 1, 0, false, 0, 0},
        {"INT64_MAX", I128_MAX64, 1, true, INT64_MAX, INT64_MAX},
        {"INT64_MIN", I128_MIN64, 1, true, INT64_MIN, INT64_MIN},
    };
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        int64_t f = 0, c = 0;
        bool okf = money_div_floor(rows[i].num, rows[i].den, &f);
        bool okc = money_div_ceil(rows[i].num, rows[i].den, &c);
        expect(&bad, okf == rows[i].ok && okc == rows[i].ok, "%s: ok %d/%d", rows[i].name, okf,
               okc);
        if (rows[i].ok)
            expect(&bad, f == rows[i].floor && c == rows[i].ceil, "%s: got %lld/%lld", rows[i].name,
                   (long long)f, (long long)c);
    }
    /* One past the edge fails only in the direction that crosses it. */
    int64_t out;
    expect(&bad, money_div_floor(2 * I128_MAX64 + 1, 2, &out) && out == INT64_MAX,
           "floor of INT64_MAX + 0.5 fits");
    expect(&bad, !money_div_ceil(2 * I128_MAX64 + 1, 2, &out), "ceil of INT64_MAX + 0.5 overflows");
    expect(&bad, !money_div_floor(2 * I128_MIN64 - 1, 2, &out),
           "floor of INT64_MIN - 0.5 overflows");
    expect(&bad, money_div_ceil(2 * I128_MIN64 - 1, 2, &out) && out == INT64_MIN,
           "ceil of INT64_MIN - 0.5 fits");
    assert_int_equal(bad, 0);
}

static void test_ceil_div(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        __int128 a;
        int64_t b;
        int64_t want;
    } rows[] = {
        {"exact", 9, 3, 3},
        {"rounds up", 10, 3, 4},
        {"negative rounds toward zero", -10, 3, -3},
        {"zero", 0, 5, 0},
        {"b 0 gives 0", 1, 0, 0},
        {"b negative gives 0", 1, -3, 0},
        {"saturates high", I128_MAX64 * 4, 2, INT64_MAX},
        {"saturates low", I128_MIN64 * 4, 2, INT64_MIN},
    };
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        int64_t got = money_ceil_div(rows[i].a, rows[i].b);
        expect(&bad, got == rows[i].want, "%s: got %lld want %lld", rows[i].name, (long long)got,
               (long long)rows[i].want);
    }
    assert_int_equal(bad, 0);
}

static void test_tax_fen(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        int64_t amount;
        int32_t rate_bp;
        bool ok;
        int64_t want;
    } rows[] = {
        {"13 % of 113.00 incl.", 11300, 1300, true, 1300},
        {"13 %: 11.504 -> 12", 100, 1300, true, 12},
        {"13 %: 0.115 -> 0", 1, 1300, true, 0},
        {"13 % negative mirrors", -100, 1300, true, -12},
        {"13 % negative exact", -11300, 1300, true, -1300},
        {"9 %", 10900, 900, true, 900},
        {"100 %: 2.5 -> 3", 5, 10000, true, 3},
        {"100 %: -2.5 -> -3", -5, 10000, true, -3},
        {"100 %: 1.5 -> 2", 3, 10000, true, 2},
        {"100 %: -1.5 -> -2", -3, 10000, true, -2},
        {"zero rate", 123456, 0, true, 0},
        {"MONEY_MAX_FEN", MONEY_MAX_FEN, 1300, true, 1150442477876LL},
        {"INT64_MAX needs 128 bits", INT64_MAX, 1300, true, 1061095898045239695LL},
        {"INT64_MIN", INT64_MIN, 1300, true, -1061095898045239695LL},
        {"negative rate refused", 100, -1, false, 0},
        {"rate -10000 refused (divisor 0)", 100, -10000, false, 0},
    };
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        int64_t got = -42;
        bool ok = money_tax_fen(rows[i].amount, rows[i].rate_bp, &got);
        expect(&bad, ok == rows[i].ok, "%s: ok=%d", rows[i].name, ok);
        if (ok && rows[i].ok)
            expect(&bad, got == rows[i].want, "%s: got %lld want %lld", rows[i].name,
                   (long long)got, (long long)rows[i].want);
    }
    assert_int_equal(bad, 0);
}

static void test_format(void **state)
{
    (void)state;
    static const struct {
        int64_t fen;
        const char *want;
    } rows[] = {
        {0, "¥0.00"},
        {5, "¥0.05"},
        {-5, "-¥0.05"},
        {50, "¥0.50"},
        {100, "¥1.00"},
        {-100, "-¥1.00"},
        {123450, "¥1,234.50"},
        {99999, "¥999.99"},
        {100000, "¥1,000.00"},
        {-123456789, "-¥1,234,567.89"},
        {100000000, "¥1,000,000.00"},
        {MONEY_MAX_FEN, "¥100,000,000,000.00"},
        {INT64_MAX, "¥92,233,720,368,547,758.07"},
        {INT64_MIN, "-¥92,233,720,368,547,758.08"},
    };
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        char buf[64];
        size_t len = money_format(rows[i].fen, buf, sizeof buf);
        expect(&bad, strcmp(buf, rows[i].want) == 0 && len == strlen(rows[i].want),
               "%lld: got \"%s\" (%zu) want \"%s\"", (long long)rows[i].fen, buf, len,
               rows[i].want);
    }
    assert_int_equal(bad, 0);
}

static void test_format_truncates_like_snprintf(void **state)
{
    (void)state;
    static const struct {
        size_t n;
        const char *want;
    } rows[] = {
        {1, ""},
        {5, "¥1,"},
        {10, "¥1,234.5"},
        {11, "¥1,234.50"},
    };
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        char buf[16];
        memset(buf, 'x', sizeof buf);
        size_t len = money_format(123450, buf, rows[i].n);
        expect(&bad, len == 10, "n=%zu: needed %zu want 10", rows[i].n, len);
        expect(&bad, strcmp(buf, rows[i].want) == 0, "n=%zu: got \"%s\"", rows[i].n, buf);
        expect(&bad, rows[i].n + 1 >= sizeof buf || buf[rows[i].n] == 'x', "n=%zu: wrote past n",
               rows[i].n);
    }
    /* n == 0 touches nothing, so a NULL buffer asks for the length alone. */
    expect(&bad, money_format(-5, NULL, 0) == strlen("-¥0.05"), "length query");
    assert_int_equal(bad, 0);
}

static void test_parse_yuan(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        bool ok;
        int64_t want;
    } rows[] = {
        {"1234.5", true, 123450},
        {"1,234.50", true, 123450},
        {"-0.05", true, -5},
        {"¥12", true, 1200},
        {"-¥0.05", true, -5},
        {"0", true, 0},
        {"-0", true, 0},
        {"0.00", true, 0},
        {"12.3", true, 1230},
        {"007", true, 700},
        {"1,234,567.89", true, 123456789},
        {"¥1,000,000", true, 100000000},
        {"92233720368547758.07", true, INT64_MAX},
        {"92,233,720,368,547,758.07", true, INT64_MAX},
        {"92233720368547758.08", false, 0},
        {"92233720368547758.1", false, 0},
        {"92233720368547759", false, 0},
        {"-92233720368547758.08", true, INT64_MIN},
        {"-¥92,233,720,368,547,758.08", true, INT64_MIN},
        {"-92233720368547758.09", false, 0},
        {"100000000000000000000", false, 0},
        {"", false, 0},
        {"-", false, 0},
        {"¥", false, 0},
        {"-¥", false, 0},
        {"12.", false, 0},
        {".5", false, 0},
        {"1.234", false, 0},
        {"1.5.0", false, 0},
        {"1,23", false, 0},
        {"1,2345", false, 0},
        {"1234,567", false, 0},
        {",123", false, 0},
        {"1,,234", false, 0},
        {"1,234,", false, 0},
        {" 12", false, 0},
        {"12 ", false, 0},
        {"+12", false, 0},
        {"--12", false, 0},
        {"1e3", false, 0},
        {"¥-12", false, 0},
        {"12.-3", false, 0},
        {"12,5", false, 0},
        {"\xEF\xBF\xA5"
         "12",
         false, 0}, /* full-width ￥ is not in the grammar */
    };
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        int64_t got = -42;
        bool ok = money_parse_yuan(rows[i].s, &got);
        expect(&bad, ok == rows[i].ok, "\"%s\": ok=%d", rows[i].s, ok);
        if (ok && rows[i].ok)
            expect(&bad, got == rows[i].want, "\"%s\": got %lld want %lld", rows[i].s,
                   (long long)got, (long long)rows[i].want);
        if (!ok)
            expect(&bad, got == -42, "\"%s\": wrote the output on failure", rows[i].s);
    }
    int64_t out;
    expect(&bad, !money_parse_yuan(NULL, &out), "NULL refused");
    assert_int_equal(bad, 0);
}

static void test_format_parse_round_trip(void **state)
{
    (void)state;
    static const int64_t rows[] = {0,      1,       -1,        99,        -99,       100,
                                   123450, -123450, 999999999, INT64_MAX, INT64_MIN, MONEY_MAX_FEN};
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        char buf[64];
        int64_t back = 0;
        money_format(rows[i], buf, sizeof buf);
        expect(&bad, money_parse_yuan(buf, &back) && back == rows[i], "%lld -> \"%s\" -> %lld",
               (long long)rows[i], buf, (long long)back);
    }
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_checked_arithmetic),
        cmocka_unit_test(test_div_round_half_up),
        cmocka_unit_test(test_div_floor_ceil),
        cmocka_unit_test(test_ceil_div),
        cmocka_unit_test(test_tax_fen),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_format_truncates_like_snprintf),
        cmocka_unit_test(test_parse_yuan),
        cmocka_unit_test(test_format_parse_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
