/*
 * test_calendar.c — table tests for core/calendar.c over a sample week with a public holiday
 * (Thu 26 and Fri 27 November 2026) and a make-up working Saturday (28 November): working
 * days, bday() with the 16:00 cut-off, working minutes (17:20 + 30 → 08:50 next working day)
 * and WC-hours (Friday 15:00 + 24 h → Monday 15:00).
 */
#include "expect.h"

#include "core/calendar.h"

/* Day numbers of November 2026, checked with Python's datetime. 22 November is a Sunday. */
enum {
    FRI20 = 20777,
    SAT21,
    SUN22,
    MON23,
    TUE24,
    WED25,
    THU26, /* holiday */
    FRI27, /* holiday */
    SAT28, /* make-up working day (调休上班) */
    SUN29,
    MON30,
    TUE01,
    MON07 = MON30 + 7,
};

static const struct cal_day sample_rows[] = {
    {THU26, false},
    {FRI27, false},
    {SAT28, true},
};

static struct calendar sample(void)
{
    struct calendar c;
    cal_default(&c);
    c.days = sample_rows;
    c.n = sizeof sample_rows / sizeof sample_rows[0];
    return c;
}

/* An instant given as Shanghai wall-clock time on a day number. */
#define AT(day, h, m) ((int64_t)(day)*TS_PER_DAY + ((h)*60 + (m)-480) * TS_PER_MIN)

static void test_defaults(void **state)
{
    (void)state;
    struct calendar c;
    cal_default(&c);
    assert_null(c.days);
    assert_int_equal(c.n, 0);
    assert_int_equal(c.tz_min, 480);
    assert_int_equal(c.work_start, 510);
    assert_int_equal(c.work_end, 1050);
    assert_int_equal(c.cutoff, 960);
}

static void test_is_working(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        date_t d;
        bool sample, plain; /* with the rows / Mon–Fri only */
    } rows[] = {
        {"Friday", FRI20, true, true},          {"Saturday", SAT21, false, false},
        {"Sunday", SUN22, false, false},        {"Monday", MON23, true, true},
        {"Wednesday", WED25, true, true},       {"holiday Thursday", THU26, false, true},
        {"holiday Friday", FRI27, false, true}, {"make-up Saturday", SAT28, true, false},
        {"Sunday after", SUN29, false, false},  {"Monday after the rows", MON30, true, true},
    };
    struct calendar c = sample(), plain;
    cal_default(&plain);
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        expect(&bad, cal_is_working(&c, rows[i].d) == rows[i].sample, "%s: sample calendar",
               rows[i].name);
        expect(&bad, cal_is_working(&plain, rows[i].d) == rows[i].plain, "%s: plain calendar",
               rows[i].name);
    }
    assert_int_equal(bad, 0);
}

static void test_working_day_steps(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        date_t d;
        date_t next, this_or_next;
    } rows[] = {
        {"Friday -> Monday", FRI20, MON23, FRI20},
        {"Saturday -> Monday", SAT21, MON23, MON23},
        {"Monday -> Tuesday", MON23, TUE24, MON23},
        {"Wednesday -> make-up Saturday", WED25, SAT28, WED25},
        {"holiday -> make-up Saturday", THU26, SAT28, SAT28},
        {"make-up Saturday -> Monday", SAT28, MON30, SAT28},
        {"Sunday -> Monday", SUN29, MON30, MON30},
    };
    struct calendar c = sample();
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        date_t n = cal_next_working(&c, rows[i].d);
        date_t t = cal_this_or_next_working(&c, rows[i].d);
        expect(&bad, n == rows[i].next, "%s: next %d want %d", rows[i].name, n, rows[i].next);
        expect(&bad, t == rows[i].this_or_next, "%s: this-or-next %d want %d", rows[i].name, t,
               rows[i].this_or_next);
    }
    assert_int_equal(bad, 0);
}

static void test_add_working_days(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        date_t d;
        int n;
        date_t want;
    } rows[] = {
        {"0 days is the day itself", WED25, 0, WED25},
        {"negative is the day itself", WED25, -3, WED25},
        {"day 1 is the next working day", MON23, 1, TUE24},
        {"over the weekend", FRI20, 1, MON23},
        {"over the holiday onto the make-up day", WED25, 1, SAT28},
        {"day 2 after Wednesday", WED25, 2, MON30},
        {"3 working days from Tuesday", TUE24, 3, MON30},
        {"from a holiday", THU26, 1, SAT28},
        {"past the rows", MON30, 5, MON07},
        {"five working days over the holiday", FRI20, 5, MON30},
    };
    struct calendar c = sample();
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        date_t got = cal_add_working_days(&c, rows[i].d, rows[i].n);
        expect(&bad, got == rows[i].want, "%s: got %d want %d", rows[i].name, got, rows[i].want);
    }
    assert_int_equal(bad, 0);
}

static void test_bday_cutoff(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        ts_t t;
        int cutoff;
        date_t want;
    } rows[] = {
        {"morning", AT(MON23, 9, 0), 960, MON23},
        {"before office hours", AT(MON23, 7, 0), 960, MON23},
        {"local midnight", AT(MON23, 0, 0), 960, MON23},
        {"one µs before the cut-off", AT(MON23, 16, 0) - 1, 960, MON23},
        {"15:59:59", AT(MON23, 15, 59) + 59 * TS_PER_SEC, 960, MON23},
        {"exactly 16:00 is after the cut-off", AT(MON23, 16, 0), 960, TUE24},
        {"one µs after the cut-off", AT(MON23, 16, 0) + 1, 960, TUE24},
        {"late evening", AT(MON23, 23, 59), 960, TUE24},
        {"after the cut-off before a holiday", AT(WED25, 16, 0), 960, SAT28},
        {"on a holiday", AT(THU26, 10, 0), 960, SAT28},
        {"make-up Saturday morning", AT(SAT28, 10, 0), 960, SAT28},
        {"make-up Saturday after the cut-off", AT(SAT28, 16, 30), 960, MON30},
        {"Sunday", AT(SUN22, 10, 0), 960, MON23},
        {"Friday after the cut-off", AT(FRI20, 16, 0), 960, MON23},
        {"no cut-off: 17:00 is the same day", AT(MON23, 17, 0), -1, MON23},
        {"no cut-off: 23:59", AT(MON23, 23, 59), -1, MON23},
        {"no cut-off: a holiday still moves", AT(THU26, 10, 0), -1, SAT28},
    };
    struct calendar c = sample();
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        c.cutoff = rows[i].cutoff;
        date_t got = cal_bday(&c, rows[i].t);
        expect(&bad, got == rows[i].want, "%s: got %d want %d", rows[i].name, got, rows[i].want);
    }
    assert_int_equal(bad, 0);
}

static void test_working_minutes(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        ts_t t;
        int64_t minutes;
        ts_t want;
    } rows[] = {
        {"17:20 + 30 -> 08:50 next working day", AT(MON23, 17, 20), 30, AT(TUE24, 8, 50)},
        {"17:00 + 30 ends at 17:30 itself", AT(MON23, 17, 0), 30, AT(MON23, 17, 30)},
        {"17:29 + 1 ends at 17:30", AT(MON23, 17, 29), 1, AT(MON23, 17, 30)},
        {"17:29 + 2 -> 08:31", AT(MON23, 17, 29), 2, AT(TUE24, 8, 31)},
        {"09:00 + 30", AT(MON23, 9, 0), 30, AT(MON23, 9, 30)},
        {"before office hours starts at 08:30", AT(MON23, 7, 0), 30, AT(MON23, 9, 0)},
        {"after office hours starts next day", AT(MON23, 18, 0), 30, AT(TUE24, 9, 0)},
        {"exactly 17:30 counts from next day", AT(MON23, 17, 30), 30, AT(TUE24, 9, 0)},
        {"seconds carry", AT(MON23, 17, 20) + 30 * TS_PER_SEC, 30,
         AT(TUE24, 8, 50) + 30 * TS_PER_SEC},
        {"a whole working day", AT(MON23, 8, 30), 540, AT(MON23, 17, 30)},
        {"a whole day and one", AT(MON23, 8, 30), 541, AT(TUE24, 8, 31)},
        {"over the holiday onto the make-up Saturday", AT(WED25, 17, 20), 30, AT(SAT28, 8, 50)},
        {"from the holiday", AT(THU26, 10, 0), 30, AT(SAT28, 9, 0)},
        {"make-up Saturday to Monday", AT(SAT28, 17, 20), 30, AT(MON30, 8, 50)},
        {"Sunday", AT(SUN22, 12, 0), 30, AT(MON23, 9, 0)},
        {"Friday evening over the weekend", AT(FRI20, 17, 20), 30, AT(MON23, 8, 50)},
        {"zero minutes", AT(MON23, 17, 20), 0, AT(MON23, 17, 20)},
        {"negative minutes", AT(MON23, 17, 20), -5, AT(MON23, 17, 20)},
        {"52 weeks past the rows", AT(MON07, 8, 30), 52 * 5 * 540, AT(MON07 + 51 * 7 + 4, 17, 30)},
        {"exactly 52 weeks from a Sunday ends on a Friday", AT(MON07 - 1, 12, 0), 52 * 5 * 540,
         AT(MON07 + 51 * 7 + 4, 17, 30)},
        {"overflowing minutes never end", AT(MON23, 9, 0), INT64_MAX, INT64_MAX},
        {"beyond the ts range", AT(MON23, 9, 0), INT64_MAX / TS_PER_MIN, INT64_MAX},
    };
    struct calendar c = sample();
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        ts_t got = cal_add_working_minutes(&c, rows[i].t, rows[i].minutes);
        expect(&bad, got == rows[i].want, "%s: got %lld want %lld", rows[i].name, (long long)got,
               (long long)rows[i].want);
    }
    /* A one-minute working day: the week skip itself would leave the date range. The second
       limit is picked so that a wrapped date_t would land on 1970-01-02. */
    c.work_end = c.work_start + 1;
    expect(&bad, cal_add_working_minutes(&c, AT(MON23, 9, 0), INT64_MAX / TS_PER_MIN) == INT64_MAX,
           "one-minute day, huge limit");
    expect(&bad, cal_add_working_minutes(&c, AT(MON07, 9, 0), 3067818931LL) == INT64_MAX,
           "one-minute day, limit that would wrap the date");
    /* No working time configured: the limit never runs out. */
    c.work_end = c.work_start;
    expect(&bad, cal_add_working_minutes(&c, AT(MON23, 9, 0), 1) == INT64_MAX, "empty day");
    assert_int_equal(bad, 0);
}

static void test_wc_hours(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        bool plain;
        ts_t t;
        int64_t hours;
        ts_t want;
    } rows[] = {
        {"Friday 15:00 + 24 h -> Monday 15:00", true, AT(FRI20, 15, 0), 24, AT(MON23, 15, 0)},
        {"Friday 15:00 + 48 h -> Tuesday 15:00", true, AT(FRI20, 15, 0), 48, AT(TUE24, 15, 0)},
        {"same with the sample rows", false, AT(FRI20, 15, 0), 24, AT(MON23, 15, 0)},
        {"a working day", false, AT(MON23, 15, 0), 24, AT(TUE24, 15, 0)},
        {"over the holiday onto the make-up day", false, AT(WED25, 15, 0), 24, AT(SAT28, 15, 0)},
        {"48 h over the holiday", false, AT(WED25, 15, 0), 48, AT(MON30, 15, 0)},
        {"plain calendar counts the holiday", true, AT(WED25, 15, 0), 24, AT(THU26, 15, 0)},
        {"make-up Saturday to Monday", false, AT(SAT28, 15, 0), 24, AT(MON30, 15, 0)},
        {"from a Sunday starts Monday 00:00", false, AT(SUN22, 10, 0), 24, AT(TUE24, 0, 0)},
        {"from a holiday", false, AT(THU26, 10, 0), 1, AT(SAT28, 1, 0)},
        {"ends exactly at Friday 24:00", true, AT(FRI20, 0, 0), 24, AT(SAT21, 0, 0)},
        {"zero hours", false, AT(FRI20, 15, 0), 0, AT(FRI20, 15, 0)},
        {"negative hours", false, AT(FRI20, 15, 0), -24, AT(FRI20, 15, 0)},
        {"1000 weeks past the rows", false, AT(MON07, 0, 0), 1000 * 5 * 24,
         AT(MON07 + 999 * 7 + 5, 0, 0)},
        {"exactly 2 weeks from a Sunday ends Friday 24:00", false, AT(MON07 - 1, 12, 0), 2 * 5 * 24,
         AT(MON07 + 7 + 5, 0, 0)},
        {"overflowing hours", false, AT(MON23, 9, 0), INT64_MAX, INT64_MAX},
    };
    struct calendar c = sample(), plain;
    cal_default(&plain);
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        ts_t got = cal_add_wc_hours(rows[i].plain ? &plain : &c, rows[i].t, rows[i].hours);
        expect(&bad, got == rows[i].want, "%s: got %lld want %lld", rows[i].name, (long long)got,
               (long long)rows[i].want);
    }
    assert_int_equal(bad, 0);
}

/*
 * The week skip past the last row must agree with walking day by day: adding a limit in one
 * go lands where adding it in small steps does, starting before the rows so both paths cross
 * the holiday and the make-up day.
 */
static void test_long_limits_match_small_steps(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        ts_t start;
        int64_t total, step;
        bool hours;
    } rows[] = {
        {"working minutes from Friday 17:20", AT(FRI20, 17, 20), 20000, 8, false},
        {"working minutes from a holiday", AT(THU26, 12, 0), 12300, 100, false},
        {"WC-hours from Friday 15:00", AT(FRI20, 15, 0), 2000, 5, true},
        {"WC-hours from Sunday", AT(SUN22, 3, 0), 999, 1, true},
    };
    struct calendar c = sample();
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        ts_t (*add)(const struct calendar *, ts_t, int64_t) =
            rows[i].hours ? cal_add_wc_hours : cal_add_working_minutes;
        ts_t stepped = rows[i].start;
        for (int64_t done = 0; done < rows[i].total; done += rows[i].step)
            stepped = add(&c, stepped, rows[i].step);
        ts_t direct = add(&c, rows[i].start, rows[i].total);
        expect(&bad, rows[i].total % rows[i].step == 0 && direct == stepped,
               "%s: direct %lld stepped %lld", rows[i].name, (long long)direct, (long long)stepped);
    }
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_is_working),
        cmocka_unit_test(test_working_day_steps),
        cmocka_unit_test(test_add_working_days),
        cmocka_unit_test(test_bday_cutoff),
        cmocka_unit_test(test_working_minutes),
        cmocka_unit_test(test_wc_hours),
        cmocka_unit_test(test_long_limits_match_small_steps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
