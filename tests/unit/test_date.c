/*
 * test_date.c — table tests for core/date.c: day numbers of known dates, leap years, weekdays,
 * the strict YYYY-MM-DD and YYYY-MM forms (2026-02-30 refused), zone arithmetic around
 * midnight and RFC 3339 with Z, offsets and fractions, and what it refuses.
 */
#include "expect.h"

#include <string.h>

#include "core/date.h"

/* Day numbers checked independently (Python's datetime): the tests do not trust the code
   under test to compute their expectations. */
#define D_2026_11_22 20779
#define D_2024_02_29 19782

/* A UTC instant from a day number and a time of day. */
#define UTC(days, h, m, s)                                                                         \
    ((int64_t)(days)*TS_PER_DAY + (int64_t)(h)*TS_PER_HOUR + (int64_t)(m)*TS_PER_MIN +             \
     (int64_t)(s)*TS_PER_SEC)

static void test_ymd_day_numbers(void **state)
{
    (void)state;
    static const struct {
        int y, m, d;
        date_t days;
        int weekday;
    } rows[] = {
        {1970, 1, 1, 0, 4},     /* Thursday */
        {1969, 12, 31, -1, 3},  /* before the epoch */
        {2000, 3, 1, 11017, 3}, /* day after a 400-year leap day */
        {2024, 2, 29, D_2024_02_29, 4},
        {2026, 2, 28, 20512, 6},
        {2026, 3, 1, 20513, 7}, /* Sunday */
        {2026, 11, 22, D_2026_11_22, 7},
        {1900, 1, 1, -25567, 1},    /* Monday, first parseable day */
        {9999, 12, 31, 2932896, 5}, /* last parseable day */
        {1, 1, 1, -719162, 1},
    };
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        date_t got = date_from_ymd(rows[i].y, rows[i].m, rows[i].d);
        int y, m, d;
        date_to_ymd(rows[i].days, &y, &m, &d);
        expect(&bad, got == rows[i].days, "%04d-%02d-%02d: got day %d want %d", rows[i].y,
               rows[i].m, rows[i].d, got, rows[i].days);
        expect(&bad, y == rows[i].y && m == rows[i].m && d == rows[i].d,
               "day %d: got %04d-%02d-%02d", rows[i].days, y, m, d);
        expect(&bad, date_weekday(rows[i].days) == rows[i].weekday, "day %d: weekday %d want %d",
               rows[i].days, date_weekday(rows[i].days), rows[i].weekday);
    }
    assert_int_equal(bad, 0);
}

static void test_every_day_round_trips(void **state)
{
    (void)state;
    /* 1900-01-01 .. 2100-12-31 one by one: consecutive, valid, weekday cycling. */
    int bad = 0;
    date_t first = date_from_ymd(1900, 1, 1), last = date_from_ymd(2100, 12, 31);
    for (date_t day = first; day <= last && bad < 5; day++) {
        int y, m, d;
        date_to_ymd(day, &y, &m, &d);
        expect(&bad, date_valid_ymd(y, m, d) && date_from_ymd(y, m, d) == day,
               "day %d -> %04d-%02d-%02d does not round-trip", day, y, m, d);
        expect(&bad, date_weekday(day + 1) == date_weekday(day) % 7 + 1, "weekday after %d", day);
    }
    assert_int_equal(bad, 0);
}

static void test_valid_ymd_and_month_lengths(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        int y, m, d;
        bool valid;
        int month_days;
    } rows[] = {
        {"leap year (÷4)", 2024, 2, 29, true, 29},
        {"common year", 2023, 2, 29, false, 28},
        {"century not leap", 1900, 2, 29, false, 28},
        {"400 years leap", 2000, 2, 29, true, 29},
        {"2100 not leap", 2100, 2, 29, false, 28},
        {"2026-02-30", 2026, 2, 30, false, 28},
        {"April has 30", 2026, 4, 31, false, 30},
        {"December 31", 2026, 12, 31, true, 31},
        {"January 31", 2026, 1, 31, true, 31},
        {"day 0", 2026, 1, 0, false, 31},
        {"month 0", 2026, 0, 1, false, 0},
        {"month 13", 2026, 13, 1, false, 0},
        {"year 0", 0, 1, 1, false, 31},
        {"year 1", 1, 1, 1, true, 31},
        {"year 9999", 9999, 12, 31, true, 31},
        {"year 10000", 10000, 1, 1, false, 31},
    };
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        expect(&bad, date_valid_ymd(rows[i].y, rows[i].m, rows[i].d) == rows[i].valid,
               "%s: valid should be %d", rows[i].name, rows[i].valid);
        expect(&bad, date_days_in_month(rows[i].y, rows[i].m) == rows[i].month_days,
               "%s: %d days in month, want %d", rows[i].name,
               date_days_in_month(rows[i].y, rows[i].m), rows[i].month_days);
    }
    assert_int_equal(bad, 0);
}

static void test_date_parse(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        bool ok;
        date_t want;
    } rows[] = {
        {"2026-11-22", true, D_2026_11_22},
        {"2024-02-29", true, D_2024_02_29},
        {"1970-01-01", true, 0},
        {"1900-01-01", true, -25567},
        {"9999-12-31", true, 2932896},
        {"2026-02-30", false, 0},
        {"2023-02-29", false, 0},
        {"1900-02-29", false, 0},
        {"2026-04-31", false, 0},
        {"2026-13-01", false, 0},
        {"2026-00-10", false, 0},
        {"2026-11-00", false, 0},
        {"1899-12-31", false, 0},
        {"0000-01-01", false, 0},
        {"10000-01-01", false, 0},
        {"2026-1-22", false, 0},
        {"2026-11-2", false, 0},
        {"2026-11-22 ", false, 0},
        {" 2026-11-22", false, 0},
        {"2026-11-22T00:00:00Z", false, 0},
        {"2026/11/22", false, 0},
        {"20261122", false, 0},
        {"+026-11-22", false, 0},
        {"2026-11-2x", false, 0},
        {"2026-", false, 0},
        {"", false, 0},
    };
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        date_t got = -42;
        bool ok = date_parse(rows[i].s, &got);
        expect(&bad, ok == rows[i].ok, "\"%s\": ok=%d", rows[i].s, ok);
        if (ok && rows[i].ok)
            expect(&bad, got == rows[i].want, "\"%s\": got %d want %d", rows[i].s, got,
                   rows[i].want);
        if (!ok)
            expect(&bad, got == -42, "\"%s\": wrote the output on failure", rows[i].s);
    }
    date_t out;
    expect(&bad, !date_parse(NULL, &out), "NULL refused");
    assert_int_equal(bad, 0);
}

static void test_date_format(void **state)
{
    (void)state;
    static const struct {
        date_t d;
        const char *want;
    } rows[] = {
        {0, "1970-01-01"},
        {-1, "1969-12-31"},
        {D_2026_11_22, "2026-11-22"},
        {D_2024_02_29, "2024-02-29"},
        {-25567, "1900-01-01"},
        {2932896, "9999-12-31"},
        {-719162, "0001-01-01"},
        {2932897, "0000-00-00"}, /* year 10000: not writable in four digits */
        {INT32_MAX, "0000-00-00"},
        {INT32_MIN, "0000-00-00"},
    };
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        char buf[11];
        date_format(rows[i].d, buf);
        expect(&bad, strcmp(buf, rows[i].want) == 0, "%d: got \"%s\" want \"%s\"", rows[i].d, buf,
               rows[i].want);
    }
    assert_int_equal(bad, 0);
}

static void test_period(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        bool ok;
        int y, m;
    } rows[] = {
        {"2026-11", true, 2026, 11}, {"2026-01", true, 2026, 1},  {"1900-12", true, 1900, 12},
        {"2026-00", false, 0, 0},    {"2026-13", false, 0, 0},    {"2026-1", false, 0, 0},
        {"2026-11-", false, 0, 0},   {"2026-11-22", false, 0, 0}, {"1899-12", false, 0, 0},
        {"202611", false, 0, 0},     {"", false, 0, 0},
    };
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        int y = -1, m = -1;
        bool ok = period_parse(rows[i].s, &y, &m);
        expect(&bad, ok == rows[i].ok, "\"%s\": ok=%d", rows[i].s, ok);
        if (ok && rows[i].ok) {
            char buf[8];
            expect(&bad, y == rows[i].y && m == rows[i].m, "\"%s\": got %d-%d", rows[i].s, y, m);
            period_format(y, m, buf);
            expect(&bad, strcmp(buf, rows[i].s) == 0, "\"%s\": formats as \"%s\"", rows[i].s, buf);
        }
    }
    char buf[8];
    period_format(2026, 13, buf);
    expect(&bad, strcmp(buf, "0000-00") == 0, "bad month formats as \"%s\"", buf);
    assert_int_equal(bad, 0);
}

static void test_zone_arithmetic(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        ts_t t;
        int tz_min;
        date_t date;
        int minute;
    } rows[] = {
        {"Shanghai midnight is 16:00Z the day before", UTC(D_2026_11_22 - 1, 16, 0, 0), 480,
         D_2026_11_22, 0},
        {"one µs before Shanghai midnight", UTC(D_2026_11_22 - 1, 16, 0, 0) - 1, 480,
         D_2026_11_22 - 1, 1439},
        {"09:30 Shanghai", UTC(D_2026_11_22, 1, 30, 0), 480, D_2026_11_22, 570},
        {"UTC itself", UTC(D_2026_11_22, 1, 30, 0), 0, D_2026_11_22, 90},
        {"west of UTC", UTC(D_2026_11_22, 1, 30, 0), -300, D_2026_11_22 - 1, 20 * 60 + 30},
        {"epoch", 0, 0, 0, 0},
        {"one µs before the epoch floors", -1, 0, -1, 1439},
        {"before the epoch in Shanghai", UTC(-1, 15, 59, 0), 480, -1, 1439},
    };
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        date_t d = ts_to_date(rows[i].t, rows[i].tz_min);
        int mod = ts_minute_of_day(rows[i].t, rows[i].tz_min);
        expect(&bad, d == rows[i].date, "%s: date %d want %d", rows[i].name, d, rows[i].date);
        expect(&bad, mod == rows[i].minute, "%s: minute %d want %d", rows[i].name, mod,
               rows[i].minute);
        ts_t start = date_start_ts(d, rows[i].tz_min);
        expect(&bad,
               start <= rows[i].t && rows[i].t - start < TS_PER_DAY &&
                   ts_to_date(start, rows[i].tz_min) == d,
               "%s: day start %lld", rows[i].name, (long long)start);
    }
    /* The extremes neither overflow nor trip the sanitizers. */
    expect(&bad, date_start_ts(INT32_MAX, 480) == INT64_MAX, "start of the last date saturates");
    expect(&bad, date_start_ts(INT32_MIN, 480) == INT64_MIN, "start of the first date saturates");
    expect(&bad, ts_minute_of_day(INT64_MAX, 480) >= 0 && ts_minute_of_day(INT64_MIN, 480) >= 0,
           "minute of day at the extremes");
    expect(&bad, ts_to_date(INT64_MAX, 480) > 0 && ts_to_date(INT64_MIN, -480) < 0,
           "date at the extremes");
    assert_int_equal(bad, 0);
}

static void test_rfc3339_parse(void **state)
{
    (void)state;
    const ts_t base = UTC(D_2026_11_22, 1, 30, 0); /* 2026-11-22T01:30:00Z */
    const struct {
        const char *s;
        bool ok;
        ts_t want;
    } rows[] = {
        {"2026-11-22T09:30:00+08:00", true, base},
        {"2026-11-22T01:30:00Z", true, base},
        {"2026-11-22t01:30:00z", true, base},
        {"2026-11-22T01:30:00+00:00", true, base},
        {"2026-11-22T01:30:00-00:00", true, base},
        {"2026-11-21T20:00:00-05:30", true, base},
        {"2026-11-21T22:00:00-05:30", true, base + 2 * TS_PER_HOUR},
        {"2026-11-22T00:30:00+08:00", true, UTC(D_2026_11_22 - 1, 16, 30, 0)},
        {"2026-11-22T01:30:00.5Z", true, base + 500000},
        {"2026-11-22T01:30:00.000001Z", true, base + 1},
        {"2026-11-22T01:30:00.123456Z", true, base + 123456},
        {"2026-11-22T01:30:00.123456789Z", true, base + 123456},
        {"2026-11-22T09:30:00.25+08:00", true, base + 250000},
        {"1970-01-01T00:00:00Z", true, 0},
        {"1969-12-31T23:59:59.999999Z", true, -1},
        {"2024-02-29T23:59:59+08:00", true, UTC(D_2024_02_29, 15, 59, 59)},
        {"1900-01-01T00:00:00Z", true, UTC(-25567, 0, 0, 0)},
        {"9999-12-31T23:59:59-23:59", true, UTC(2932896, 23, 59, 59) + 1439 * TS_PER_MIN},
        {"2026-11-22T09:30:00", false, 0},       /* no offset */
        {"2026-11-22 09:30:00+08:00", false, 0}, /* space */
        {"2026-11-22T09:30+08:00", false, 0},    /* no seconds */
        {"2026-11-22T24:00:00Z", false, 0},
        {"2026-11-22T23:60:00Z", false, 0},
        {"2026-11-22T23:59:60Z", false, 0}, /* leap second */
        {"2026-11-22T9:30:00Z", false, 0},
        {"2026-11-22T09:30:00+08", false, 0},
        {"2026-11-22T09:30:00+0800", false, 0},
        {"2026-11-22T09:30:00+24:00", false, 0},
        {"2026-11-22T09:30:00+08:60", false, 0},
        {"2026-11-22T09:30:00.Z", false, 0}, /* empty fraction */
        {"2026-11-22T09:30:00,5Z", false, 0},
        {"2026-11-22T09:30:00ZZ", false, 0},
        {"2026-11-22T09:30:00+08:00 ", false, 0},
        {"2026-02-30T09:30:00Z", false, 0},
        {"1899-12-31T23:59:59Z", false, 0},
        {"2026-11-22", false, 0},
        {"", false, 0},
    };
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        ts_t got = -42;
        bool ok = ts_parse_rfc3339(rows[i].s, &got);
        expect(&bad, ok == rows[i].ok, "\"%s\": ok=%d", rows[i].s, ok);
        if (ok && rows[i].ok)
            expect(&bad, got == rows[i].want, "\"%s\": got %lld want %lld", rows[i].s,
                   (long long)got, (long long)rows[i].want);
        if (!ok)
            expect(&bad, got == -42, "\"%s\": wrote the output on failure", rows[i].s);
    }
    ts_t out;
    expect(&bad, !ts_parse_rfc3339(NULL, &out), "NULL refused");
    assert_int_equal(bad, 0);
}

static ts_t floor_sec(ts_t t)
{
    ts_t r = t % TS_PER_SEC;
    return r < 0 ? t - r - TS_PER_SEC : t - r;
}

static void test_rfc3339_format(void **state)
{
    (void)state;
    const ts_t base = UTC(D_2026_11_22, 1, 30, 0);
    const struct {
        ts_t t;
        int tz_min;
        const char *want;
    } rows[] = {
        {base, 480, "2026-11-22T09:30:00+08:00"},
        {base, 0, "2026-11-22T01:30:00+00:00"},
        {base, -330, "2026-11-21T20:00:00-05:30"},
        {base + 999999, 480, "2026-11-22T09:30:00+08:00"}, /* fraction dropped */
        {UTC(D_2026_11_22 - 1, 16, 0, 0), 480, "2026-11-22T00:00:00+08:00"},
        {UTC(D_2026_11_22 - 1, 16, 0, 0) - 1, 480, "2026-11-21T23:59:59+08:00"},
        {0, 0, "1970-01-01T00:00:00+00:00"},
        {-1, 0, "1969-12-31T23:59:59+00:00"}, /* floors, not truncates */
        {UTC(D_2024_02_29, 15, 59, 59), 480, "2024-02-29T23:59:59+08:00"},
    };
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        char buf[32];
        ts_format_rfc3339(rows[i].t, rows[i].tz_min, buf);
        expect(&bad, strcmp(buf, rows[i].want) == 0, "%lld@%d: got \"%s\" want \"%s\"",
               (long long)rows[i].t, rows[i].tz_min, buf, rows[i].want);
        ts_t back = 0;
        expect(&bad, ts_parse_rfc3339(buf, &back) && back == floor_sec(rows[i].t),
               "\"%s\" does not parse back", buf);
    }
    /* The widest values still fit the 32-byte buffer. */
    char buf[32];
    ts_format_rfc3339(INT64_MAX, 480, buf);
    expect(&bad, strlen(buf) < sizeof buf && buf[0] != '\0', "INT64_MAX: \"%s\"", buf);
    ts_format_rfc3339(INT64_MIN, -480, buf);
    expect(&bad, strlen(buf) < sizeof buf && buf[0] != '\0', "INT64_MIN: \"%s\"", buf);
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ymd_day_numbers),
        cmocka_unit_test(test_every_day_round_trips),
        cmocka_unit_test(test_valid_ymd_and_month_lengths),
        cmocka_unit_test(test_date_parse),
        cmocka_unit_test(test_date_format),
        cmocka_unit_test(test_period),
        cmocka_unit_test(test_zone_arithmetic),
        cmocka_unit_test(test_rfc3339_parse),
        cmocka_unit_test(test_rfc3339_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
