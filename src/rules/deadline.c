/*
 * deadline.c — deadline_at(): the time words of numbering-and-rules.md §2.2 turned into the
 * instant a limit runs out. The calendar arithmetic itself (working days, bday, working
 * minutes, WC-hours) lives in core/calendar.c; this file only picks the right walk for each
 * kind and ends day-based limits at 24:00.
 */
#include "rules/deadline.h"

#include <stdint.h>

ts_t deadline_end_of_day(const struct calendar *c, date_t d)
{
    if (d >= INT32_MAX - 1)
        return INT64_MAX;
    return date_start_ts(d + 1, c->tz_min);
}

/* Day `day` of the month `months` after (y, m), clamped to the month's last day. */
static date_t day_of_month(int y, int m, int months, int day)
{
    int64_t idx = (int64_t)y * 12 + (m - 1) + months;
    if (idx < (int64_t)DATE_MIN_YEAR * 12)
        idx = (int64_t)DATE_MIN_YEAR * 12;
    if (idx > (int64_t)DATE_MAX_YEAR * 12 + 11)
        idx = (int64_t)DATE_MAX_YEAR * 12 + 11;
    int ty = (int)(idx / 12), tm = (int)(idx % 12) + 1;
    int last = date_days_in_month(ty, tm);
    if (day < 1)
        day = 1;
    if (day > last)
        day = last;
    return date_from_ymd(ty, tm, day);
}

ts_t deadline_at(const struct calendar *c, const struct deadline_rule *r, ts_t start)
{
    int n = r->n < 0 ? 0 : r->n;
    if (start == INT64_MAX)
        return INT64_MAX;
    date_t d = ts_to_date(start, c->tz_min);
    switch (r->kind) {
    case DL_WORKING_MINUTES:
        return cal_add_working_minutes(c, start, n);
    case DL_SAME_WORKING_DAY:
        return deadline_end_of_day(c, cal_bday(c, start));
    case DL_NEXT_WORKING_DAY:
        /* From the calendar date, not bday: a request at 17:00 Friday is due Monday 24:00. */
        return deadline_end_of_day(c, cal_add_working_days(c, d, n));
    case DL_WORKING_DAYS:
        return deadline_end_of_day(c, cal_add_working_days(c, cal_bday(c, start), n));
    case DL_WC_HOURS:
        return cal_add_wc_hours(c, start, n);
    case DL_CALENDAR_DAYS:
        if (d > INT32_MAX - 2 - n)
            return INT64_MAX;
        return deadline_end_of_day(c, d + n);
    case DL_DAY_OF_MONTH: {
        int y, m, dd;
        date_to_ymd(d, &y, &m, &dd);
        return deadline_end_of_day(c, day_of_month(y, m, r->months, n));
    }
    case DL_BEFORE_START:
        return start - (ts_t)n * TS_PER_MIN;
    case DL__COUNT:
        break;
    }
    return INT64_MAX;
}

ts_t deadline_last_due_start(const struct calendar *c, const struct deadline_rule *r, ts_t lo,
                             ts_t hi, ts_t now)
{
    if (r->kind == DL_DAY_OF_MONTH || r->kind == DL_BEFORE_START || lo > hi)
        return lo - 1;
    if (deadline_at(c, r, hi) <= now)
        return hi;
    if (deadline_at(c, r, lo) > now)
        return lo - 1;
    while (hi - lo > 1) { /* deadline_at(lo) <= now < deadline_at(hi) */
        ts_t mid = lo + (hi - lo) / 2;
        if (deadline_at(c, r, mid) <= now)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

const char *deadline_kind_str(enum deadline_kind k)
{
    static const char *const names[DL__COUNT] = {
        [DL_WORKING_MINUTES] = "working_minutes",
        [DL_SAME_WORKING_DAY] = "same_working_day",
        [DL_NEXT_WORKING_DAY] = "next_working_day",
        [DL_WORKING_DAYS] = "working_days",
        [DL_WC_HOURS] = "wc_hours",
        [DL_CALENDAR_DAYS] = "calendar_days",
        [DL_DAY_OF_MONTH] = "day_of_month",
        [DL_BEFORE_START] = "before_start",
    };
    return (k >= 0 && k < DL__COUNT) ? names[k] : "";
}
