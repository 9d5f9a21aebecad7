/*
 * test_deadline.c — table tests for rules/deadline.c (every deadline kind of
 * numbering-and-rules.md §2.2 at its boundaries) and rules/kpi.c (pct_bp, the verdict of one
 * item against its deadline, the collection share). The sample week is the one of
 * test_calendar.c: Thu 26 and Fri 27 November 2026 are holidays, Sat 28 a make-up working day.
 */
#include "expect.h"

#include "rules/deadline.h"
#include "rules/kpi.h"

#include <string.h>

/* Day numbers of November 2026 (22 November is a Sunday). */
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
    WED02,
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

/* An instant given as Shanghai wall-clock time on a day number; END(d) is 24:00 of d. */
#define AT(day, h, m) ((int64_t)(day)*TS_PER_DAY + ((h)*60 + (m)-480) * TS_PER_MIN)
#define END(day) AT((day) + 1, 0, 0)
#define MIN(n) ((int64_t)(n)*TS_PER_MIN)

struct row {
    const char *name;
    enum deadline_kind kind;
    int n, months;
    ts_t start, want;
};

static void run_rows(const struct row *rows, size_t nrows)
{
    struct calendar c = sample();
    int bad = 0;
    for (size_t i = 0; i < nrows; i++) {
        struct deadline_rule r = {rows[i].kind, rows[i].n, rows[i].months};
        ts_t got = deadline_at(&c, &r, rows[i].start);
        expect(&bad, got == rows[i].want, "%s: got %lld want %lld (off by %lld min)", rows[i].name,
               (long long)got, (long long)rows[i].want,
               (long long)((got - rows[i].want) / TS_PER_MIN));
    }
    assert_int_equal(bad, 0);
}

/* oa_30min: 30 working minutes (08:30–17:30). */
static void test_working_minutes(void **state)
{
    (void)state;
    static const struct row rows[] = {
        {"09:00 + 30", DL_WORKING_MINUTES, 30, 0, AT(MON23, 9, 0), AT(MON23, 9, 30)},
        {"17:20 + 30 -> 08:50 next working day", DL_WORKING_MINUTES, 30, 0, AT(MON23, 17, 20),
         AT(TUE24, 8, 50)},
        {"17:00 + 30 ends at 17:30", DL_WORKING_MINUTES, 30, 0, AT(MON23, 17, 0),
         AT(MON23, 17, 30)},
        {"submitted at 17:30 -> 09:00", DL_WORKING_MINUTES, 30, 0, AT(MON23, 17, 30),
         AT(TUE24, 9, 0)},
        {"before office hours -> 09:00", DL_WORKING_MINUTES, 30, 0, AT(MON23, 7, 0),
         AT(MON23, 9, 0)},
        {"Friday 17:20 -> Monday 08:50", DL_WORKING_MINUTES, 30, 0, AT(FRI20, 17, 20),
         AT(MON23, 8, 50)},
        {"over the holiday onto the make-up Saturday", DL_WORKING_MINUTES, 30, 0, AT(WED25, 17, 20),
         AT(SAT28, 8, 50)},
        {"on a holiday -> make-up Saturday 09:00", DL_WORKING_MINUTES, 30, 0, AT(THU26, 11, 0),
         AT(SAT28, 9, 0)},
        {"Sunday -> Monday 09:00", DL_WORKING_MINUTES, 30, 0, AT(SUN22, 10, 0), AT(MON23, 9, 0)},
        {"re-timed to 60", DL_WORKING_MINUTES, 60, 0, AT(MON23, 17, 0), AT(TUE24, 9, 0)},
        {"0 minutes is the start", DL_WORKING_MINUTES, 0, 0, AT(MON23, 12, 34), AT(MON23, 12, 34)},
        {"negative counts as 0", DL_WORKING_MINUTES, -5, 0, AT(MON23, 12, 34), AT(MON23, 12, 34)},
    };
    run_rows(rows, sizeof rows / sizeof rows[0]);
}

/* check/ma/bg rules: 24:00 of bday(event), cut-off 16:00. */
static void test_same_working_day(void **state)
{
    (void)state;
    static const struct row rows[] = {
        {"morning -> 24:00 the same day", DL_SAME_WORKING_DAY, 0, 0, AT(MON23, 10, 0), END(MON23)},
        {"15:59 -> the same day", DL_SAME_WORKING_DAY, 0, 0, AT(MON23, 15, 59), END(MON23)},
        {"one µs before 16:00 -> the same day", DL_SAME_WORKING_DAY, 0, 0, AT(MON23, 16, 0) - 1,
         END(MON23)},
        {"16:00 is after the cut-off -> next working day", DL_SAME_WORKING_DAY, 0, 0,
         AT(MON23, 16, 0), END(TUE24)},
        {"evening -> next working day", DL_SAME_WORKING_DAY, 0, 0, AT(MON23, 22, 0), END(TUE24)},
        {"Wednesday after cut-off -> make-up Saturday", DL_SAME_WORKING_DAY, 0, 0,
         AT(WED25, 16, 30), END(SAT28)},
        {"holiday -> make-up Saturday", DL_SAME_WORKING_DAY, 0, 0, AT(FRI27, 9, 0), END(SAT28)},
        {"Sunday -> Monday", DL_SAME_WORKING_DAY, 0, 0, AT(SUN22, 10, 0), END(MON23)},
        {"Friday after cut-off -> Monday", DL_SAME_WORKING_DAY, 0, 0, AT(FRI20, 16, 0), END(MON23)},
    };
    run_rows(rows, sizeof rows / sizeof rows[0]);
}

/* st_next_day, due_explanation_by: the n-th working day after the calendar date. */
static void test_next_working_day(void **state)
{
    (void)state;
    static const struct row rows[] = {
        {"Monday -> Tuesday 24:00", DL_NEXT_WORKING_DAY, 1, 0, AT(MON23, 10, 0), END(TUE24)},
        {"the calendar date, not bday: Monday 23:59 -> Tuesday", DL_NEXT_WORKING_DAY, 1, 0,
         AT(MON23, 23, 59), END(TUE24)},
        {"Friday -> Monday 24:00", DL_NEXT_WORKING_DAY, 1, 0, AT(FRI20, 17, 0), END(MON23)},
        {"Saturday -> Monday 24:00", DL_NEXT_WORKING_DAY, 1, 0, AT(SAT21, 10, 0), END(MON23)},
        {"Wednesday -> make-up Saturday", DL_NEXT_WORKING_DAY, 1, 0, AT(WED25, 10, 0), END(SAT28)},
        {"holiday -> make-up Saturday", DL_NEXT_WORKING_DAY, 1, 0, AT(THU26, 10, 0), END(SAT28)},
        {"2 working days from Wednesday", DL_NEXT_WORKING_DAY, 2, 0, AT(WED25, 10, 0), END(MON30)},
        {"0 is the day itself", DL_NEXT_WORKING_DAY, 0, 0, AT(MON23, 10, 0), END(MON23)},
    };
    run_rows(rows, sizeof rows / sizeof rows[0]);
}

/* sp_3wd: the n-th working day after bday(event). */
static void test_working_days(void **state)
{
    (void)state;
    static const struct row rows[] = {
        {"Monday morning + 3 -> Saturday (make-up)", DL_WORKING_DAYS, 3, 0, AT(MON23, 10, 0),
         END(SAT28)},
        {"Monday after cut-off: bday Tuesday + 3 -> Monday 30", DL_WORKING_DAYS, 3, 0,
         AT(MON23, 16, 30), END(MON30)},
        {"Friday evening: bday Monday + 1 -> Tuesday", DL_WORKING_DAYS, 1, 0, AT(FRI20, 20, 0),
         END(TUE24)},
        {"0 is the same working day", DL_WORKING_DAYS, 0, 0, AT(MON23, 10, 0), END(MON23)},
    };
    run_rows(rows, sizeof rows / sizeof rows[0]);
}

/* sp_24h/sp_48h: WC-hours, whole non-working days left out. */
static void test_wc_hours(void **state)
{
    (void)state;
    static const struct row rows[] = {
        {"Monday 09:00 + 24 h", DL_WC_HOURS, 24, 0, AT(MON23, 9, 0), AT(TUE24, 9, 0)},
        {"Friday 15:00 + 24 h -> Monday 15:00", DL_WC_HOURS, 24, 0, AT(FRI20, 15, 0),
         AT(MON23, 15, 0)},
        {"Wednesday 10:00 + 24 h over the holiday -> Saturday 10:00", DL_WC_HOURS, 24, 0,
         AT(WED25, 10, 0), AT(SAT28, 10, 0)},
        {"Monday 09:00 + 48 h", DL_WC_HOURS, 48, 0, AT(MON23, 9, 0), AT(WED25, 9, 0)},
        {"Tuesday 09:00 + 48 h -> Saturday 09:00", DL_WC_HOURS, 48, 0, AT(TUE24, 9, 0),
         AT(SAT28, 9, 0)},
        {"released on a Saturday counts from Monday 00:00", DL_WC_HOURS, 24, 0, AT(SAT21, 10, 0),
         AT(TUE24, 0, 0)},
        {"evening: hours, not working hours", DL_WC_HOURS, 24, 0, AT(MON23, 22, 0),
         AT(TUE24, 22, 0)},
    };
    run_rows(rows, sizeof rows / sizeof rows[0]);
}

/* deadline_last_due_start against a scan: for each monotone kind and each "now" on a grid over
   the sample week (weekend, holidays, make-up Saturday), the bisection's answer is due and one
   minute later is not (starts on whole minutes; the scan steps by minutes). */
static void test_last_due_start(void **state)
{
    (void)state;
    struct calendar c = sample();
    static const struct deadline_rule kinds[] = {
        {DL_WORKING_MINUTES, 30, 0}, {DL_SAME_WORKING_DAY, 0, 0}, {DL_NEXT_WORKING_DAY, 1, 0},
        {DL_WORKING_DAYS, 3, 0},     {DL_WC_HOURS, 24, 0},        {DL_WC_HOURS, 48, 0},
        {DL_CALENDAR_DAYS, 2, 0},
    };
    int bad = 0;
    ts_t lo = AT(FRI20 - 2, 0, 0); /* Wednesday 18 November */
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        const struct deadline_rule *r = &kinds[k];
        for (ts_t now = AT(FRI20, 9, 7); now <= AT(WED02, 23, 0); now += MIN(7 * 60 + 13)) {
            ts_t got = deadline_last_due_start(&c, r, lo, now, now);
            /* the scan: the last whole minute whose deadline has come */
            ts_t want = lo - 1;
            for (ts_t s = lo; s <= now; s += MIN(1))
                if (deadline_at(&c, r, s) <= now)
                    want = s;
            bool ok = got >= want && got < want + MIN(1) &&
                      (got < lo || deadline_at(&c, r, got) <= now) &&
                      (got + 1 > now || deadline_at(&c, r, got + 1) > now);
            expect(&bad, ok, "%s %d at %lld: got %lld want %lld", deadline_kind_str(r->kind),
                   r->n, (long long)now, (long long)got, (long long)want);
        }
    }
    /* the kinds that are not monotone in their start are left to the caller */
    struct deadline_rule dom = {DL_DAY_OF_MONTH, 15, 1}, pre = {DL_BEFORE_START, 2340, 0};
    assert_true(deadline_last_due_start(&c, &dom, lo, AT(WED02, 9, 0), AT(WED02, 9, 0)) == lo - 1);
    assert_true(deadline_last_due_start(&c, &pre, lo, AT(WED02, 9, 0), AT(WED02, 9, 0)) == lo - 1);
    assert_int_equal(bad, 0);
}

/* bc_due_5d (due date + 5), pod_overdue (expected + 2): plain dates, 24:00. */
static void test_calendar_days(void **state)
{
    (void)state;
    static const struct row rows[] = {
        {"due Monday + 5 -> Saturday 24:00", DL_CALENDAR_DAYS, 5, 0, AT(MON23, 0, 0), END(SAT28)},
        {"non-working days count", DL_CALENDAR_DAYS, 2, 0, AT(SAT21, 0, 0), END(MON23)},
        {"over the holiday", DL_CALENDAR_DAYS, 1, 0, AT(THU26, 0, 0), END(FRI27)},
        {"the time of day does not matter", DL_CALENDAR_DAYS, 5, 0, AT(MON23, 23, 59), END(SAT28)},
        {"0 days: 24:00 of the date", DL_CALENDAR_DAYS, 0, 0, AT(MON23, 10, 0), END(MON23)},
    };
    run_rows(rows, sizeof rows / sizeof rows[0]);
}

/* "Before day X of the month": 24:00 of that date, clamped to the month. */
static void test_day_of_month(void **state)
{
    (void)state;
    struct row rows[] = {
        {"the 20th of next month", DL_DAY_OF_MONTH, 20, 1, AT(MON23, 10, 0),
         END(date_from_ymd(2026, 12, 20))},
        {"the 25th of this month (already past: still this month)", DL_DAY_OF_MONTH, 25, 0,
         AT(MON23, 10, 0), END(date_from_ymd(2026, 11, 25))},
        {"the 31st of November is the 30th", DL_DAY_OF_MONTH, 31, 0, AT(MON23, 10, 0),
         END(date_from_ymd(2026, 11, 30))},
        {"15 January, over the year end", DL_DAY_OF_MONTH, 15, 2, AT(MON23, 10, 0),
         END(date_from_ymd(2027, 1, 15))},
        {"the 29th of February 2027 is the 28th", DL_DAY_OF_MONTH, 29, 3, AT(MON23, 10, 0),
         END(date_from_ymd(2027, 2, 28))},
        {"15 July from January", DL_DAY_OF_MONTH, 15, 6, AT(date_from_ymd(2026, 1, 10), 9, 0),
         END(date_from_ymd(2026, 7, 15))},
    };
    run_rows(rows, sizeof rows / sizeof rows[0]);
}

/* "Due ahead of the date it is for": the weekly visit plan of the week starting Monday is due
   the Saturday before at 09:00 (2340 minutes before Monday 00:00). */
static void test_before_start(void **state)
{
    (void)state;
    date_t mon30 = date_from_ymd(2026, 11, 30), sat28 = date_from_ymd(2026, 11, 28);
    struct row rows[] = {
        {"Saturday 09:00 before the week's Monday", DL_BEFORE_START, 2340, 0, AT(mon30, 0, 0),
         AT(sat28, 9, 0)},
        {"non-working days are plain time here", DL_BEFORE_START, 24 * 60, 0, AT(mon30, 0, 0),
         AT(date_from_ymd(2026, 11, 29), 0, 0)},
        {"0 minutes: the start itself", DL_BEFORE_START, 0, 0, AT(mon30, 0, 0), AT(mon30, 0, 0)},
        {"over a year end", DL_BEFORE_START, 2340, 0, AT(date_from_ymd(2027, 1, 4), 0, 0),
         AT(date_from_ymd(2027, 1, 2), 9, 0)},
    };
    run_rows(rows, sizeof rows / sizeof rows[0]);
}

static void test_never(void **state)
{
    (void)state;
    struct calendar c = sample();
    struct deadline_rule r = {DL_WORKING_MINUTES, 30, 0};
    c.work_end = c.work_start; /* no working time: the limit never runs out */
    assert_true(deadline_at(&c, &r, AT(MON23, 9, 0)) == INT64_MAX);
    c = sample();
    for (int k = 0; k < DL__COUNT; k++) {
        struct deadline_rule any = {(enum deadline_kind)k, 1, 0};
        assert_true(deadline_at(&c, &any, INT64_MAX) == INT64_MAX);
        assert_true(strlen(deadline_kind_str((enum deadline_kind)k)) > 0);
    }
    struct deadline_rule bad = {DL__COUNT, 1, 0};
    assert_true(deadline_at(&c, &bad, AT(MON23, 9, 0)) == INT64_MAX);
    assert_string_equal(deadline_kind_str(DL__COUNT), "");
}

/* ---- rules/kpi.c --------------------------------------------------------------------------- */

static void test_pct_bp(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        int64_t num, den;
        bool ok;
        int64_t want;
    } rows[] = {
        {"den 0 is null", 0, 0, false, 0},
        {"den 0 with a num is null", 5, 0, false, 0},
        {"all", 7, 7, true, 10000},
        {"none", 0, 7, true, 0},
        {"1/3 rounds down", 1, 3, true, 3333},
        {"2/3 rounds down", 2, 3, true, 6666},
        {"98 %", 49, 50, true, 9800},
        {"just under 98 %", 979999, 1000000, true, 9799},
        {"money beyond int64 x 10000", INT64_MAX / 2, INT64_MAX / 2 + 1, true, 9999},
        {"a negative sum floors", -1, 3, true, -3334},
    };
    int bad = 0;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int64_t got = -42;
        bool ok = kpi_pct_bp(rows[i].num, rows[i].den, &got);
        expect(&bad, ok == rows[i].ok, "%s: ok %d", rows[i].name, ok);
        expect(&bad, !ok || got == rows[i].want, "%s: got %lld want %lld", rows[i].name,
               (long long)got, (long long)rows[i].want);
    }
    assert_int_equal(bad, 0);
}

static void test_judge(void **state)
{
    (void)state;
    const ts_t D = AT(TUE24, 0, 0);
    static const char *const names[] = {"left out", "hit", "miss"};
    struct {
        const char *name;
        struct kpi_timed t;
        ts_t now;
        enum kpi_verdict want;
    } rows[] = {
        {"done before the deadline", {D, true, D - MIN(60), false, 0}, D + MIN(1), KV_HIT},
        {"done exactly at the deadline", {D, true, D, false, 0}, D + MIN(1), KV_HIT},
        {"done in time counts before the deadline passes",
         {D, true, D - 1, false, 0},
         D - MIN(30),
         KV_HIT},
        {"done one µs late", {D, true, D + 1, false, 0}, D + MIN(1), KV_MISS},
        {"not done, deadline not passed", {D, false, 0, false, 0}, D - 1, KV_LEFT_OUT},
        {"not done, now is the deadline", {D, false, 0, false, 0}, D, KV_MISS},
        {"done late, later still a miss", {D, true, D + MIN(600), false, 0}, D + MIN(700), KV_MISS},
        {"left the clock before the deadline",
         {D, false, 0, true, D - MIN(5)},
         D + MIN(5),
         KV_LEFT_OUT},
        {"left exactly at the deadline", {D, false, 0, true, D}, D + MIN(5), KV_LEFT_OUT},
        {"left after the deadline: a miss whatever happens later",
         {D, false, 0, true, D + MIN(5)},
         D + MIN(10),
         KV_MISS},
        {"done late after leaving late",
         {D, true, D + MIN(9), true, D + MIN(5)},
         D + MIN(10),
         KV_MISS},
    };
    int bad = 0;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        enum kpi_verdict v = kpi_judge(&rows[i].t, rows[i].now);
        expect(&bad, v == rows[i].want, "%s: got %s want %s", rows[i].name, names[v],
               names[rows[i].want]);
    }
    assert_int_equal(bad, 0);
}

static void test_collection(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        int64_t amount, credited, settled, num, den;
    } rows[] = {
        {"paid in full", 10000, 0, 10000, 10000, 10000},
        {"paid half", 10000, 0, 5000, 5000, 10000},
        {"nothing", 10000, 0, 0, 0, 10000},
        {"a credit note lowers what is due", 10000, 2000, 8000, 8000, 8000},
        {"overpaid counts only what was due", 10000, 2000, 9000, 8000, 8000},
        {"credited in full", 10000, 10000, 0, 0, 0},
        {"credited above the amount", 10000, 12000, 0, 0, 0},
    };
    int bad = 0;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int64_t num = -1, den = -1;
        kpi_collection(rows[i].amount, rows[i].credited, rows[i].settled, &num, &den);
        expect(&bad, num == rows[i].num && den == rows[i].den, "%s: got %lld/%lld want %lld/%lld",
               rows[i].name, (long long)num, (long long)den, (long long)rows[i].num,
               (long long)rows[i].den);
    }
    assert_int_equal(bad, 0);
}

static void test_kpi_table(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        int32_t target;
    } pinned[] = {
        {"same_day_delivery_note", 10000},
        {"st_decided_next_day", 10000},
        {"shipped_within_24h", 10000},
        {"shipment_accuracy", 9800},
        {"collected_within_5_days_of_due", 9000},
    };
    assert_int_equal(KPI__COUNT, 5);
    for (int k = 0; k < KPI__COUNT; k++) {
        assert_string_equal(kpi_def((enum kpi_id)k)->name, pinned[k].name);
        assert_int_equal(kpi_def((enum kpi_id)k)->target_bp, pinned[k].target);
        assert_int_equal(kpi_parse(pinned[k].name), k);
    }
    assert_int_equal(kpi_parse("nope"), -1);
    assert_int_equal(kpi_parse(NULL), -1);
    assert_null(kpi_def(KPI__COUNT));
}

/* ---- the further KPIs of §2.2 (field sales) ------------------------------------------------ */

static void test_visit_plan_completion(void **state)
{
    (void)state;
    const ts_t D = AT(TUE24, 0, 0);
    static const struct {
        const char *name;
        bool reported;
        ts_t deadline, now;
        enum kpi_verdict want;
    } rows[] = {
        {"reported before its report is due", true, D, D - MIN(60), KV_HIT},
        {"reported late still counts as done", true, D, D + MIN(600), KV_HIT},
        {"not reported, not yet due: left out", false, D, D - 1, KV_LEFT_OUT},
        {"not reported at the deadline: not done", false, D, D, KV_MISS},
        {"not reported long after", false, D, D + MIN(60 * 24 * 30), KV_MISS},
    };
    int bad = 0;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        enum kpi_verdict v = kpi_visit_planned(rows[i].reported, rows[i].deadline, rows[i].now);
        expect(&bad, v == rows[i].want, "%s: got %d want %d", rows[i].name, (int)v,
               (int)rows[i].want);
    }
    assert_int_equal(bad, 0);
}

static void test_satisfaction_mean(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        int64_t sum, n;
        bool ok;
        int64_t want;
    } rows[] = {
        {"nothing rated is null", 0, 0, false, 0},
        {"one 5", 5, 1, true, 500},
        {"4 and 5: 4.50", 9, 2, true, 450},
        {"4, 4, 5: 4.33 rounded down", 13, 3, true, 433},
        {"5, 5, 4: 4.66 rounded down", 14, 3, true, 466},
        {"all 1", 7, 7, true, 100},
        {"a huge count does not overflow", INT64_MAX / 2, INT64_MAX / 10, true, 500},
    };
    int bad = 0;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int64_t got = -42;
        bool ok = kpi_mean_x100(rows[i].sum, rows[i].n, &got);
        expect(&bad, ok == rows[i].ok, "%s: ok %d", rows[i].name, ok);
        expect(&bad, !ok || got == rows[i].want, "%s: got %lld want %lld", rows[i].name,
               (long long)got, (long long)rows[i].want);
    }
    static const struct {
        int64_t rating;
        bool counts;
    } ratings[] = {{0, false}, {1, true}, {3, true}, {5, true}, {6, false}, {-1, false}};
    for (size_t i = 0; i < sizeof ratings / sizeof ratings[0]; i++)
        expect(&bad, kpi_rating_counts(ratings[i].rating) == ratings[i].counts, "rating %lld",
               (long long)ratings[i].rating);
    expect(&bad, kpi_field_parse("visit_plan_completion") == KPI_VISIT_PLAN_COMPLETION, "name");
    expect(&bad, kpi_field_parse("satisfaction") == KPI_SATISFACTION, "name");
    expect(&bad, kpi_field_parse("same_day_delivery_note") == -1, "a pinned KPI is not one");
    expect(&bad, kpi_field_name(KPI_FIELD__COUNT) == NULL, "out of range");
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_working_minutes),
        cmocka_unit_test(test_same_working_day),
        cmocka_unit_test(test_next_working_day),
        cmocka_unit_test(test_working_days),
        cmocka_unit_test(test_wc_hours),
        cmocka_unit_test(test_last_due_start),
        cmocka_unit_test(test_calendar_days),
        cmocka_unit_test(test_day_of_month),
        cmocka_unit_test(test_before_start),
        cmocka_unit_test(test_never),
        cmocka_unit_test(test_pct_bp),
        cmocka_unit_test(test_judge),
        cmocka_unit_test(test_collection),
        cmocka_unit_test(test_kpi_table),
        cmocka_unit_test(test_visit_plan_completion),
        cmocka_unit_test(test_satisfaction_mean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
