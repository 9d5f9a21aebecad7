/*
 * calendar.c — working days and the deadline arithmetic of numbering-and-rules.md §2.2.
 *
 * A date is working when its calendar row says so (public holiday: no; 调休 make-up day: yes),
 * otherwise when it is Monday–Friday. On top of that sit the three kinds of time limit that the
 * rules use: bday() with the order cut-off, working minutes (only minutes inside working hours
 * count) and WC-hours (wall-clock hours with whole non-working days left out). Both duration
 * kinds are the same walk over "counted" time — working hours for the one, the whole day for
 * the other — so they share advance() below.
 *
 * Pure: the caller fills struct calendar from the calendar table and passes "now" in. This file
 * neither reads the clock nor allocates.
 */
#include "core/calendar.h"

void cal_default(struct calendar *c)
{
    c->days = NULL;
    c->n = 0;
    c->tz_min = 480;
    c->work_start = 8 * 60 + 30;
    c->work_end = 17 * 60 + 30;
    c->cutoff = 16 * 60;
}

/* The calendar row for d, or NULL (rows are sorted by date and unique). */
static const struct cal_day *find_row(const struct calendar *c, date_t d)
{
    size_t lo = 0, hi = c->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->days[mid].date < d)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (lo < c->n && c->days[lo].date == d) ? &c->days[lo] : NULL;
}

bool cal_is_working(const struct calendar *c, date_t d)
{
    const struct cal_day *row = find_row(c, d);
    if (row != NULL)
        return row->working;
    return date_weekday(d) <= 5;
}

date_t cal_next_working(const struct calendar *c, date_t d)
{
    /* Terminates: rows are finite, and past the last row every Monday is working. The bound
       only keeps d + 1 defined at the end of the date range. */
    while (d < INT32_MAX) {
        d++;
        if (cal_is_working(c, d))
            return d;
    }
    return d;
}

date_t cal_this_or_next_working(const struct calendar *c, date_t d)
{
    return cal_is_working(c, d) ? d : cal_next_working(c, d);
}

date_t cal_add_working_days(const struct calendar *c, date_t d, int n)
{
    for (int i = 0; i < n; i++)
        d = cal_next_working(c, d);
    return d;
}

date_t cal_bday(const struct calendar *c, ts_t t)
{
    date_t d = ts_to_date(t, c->tz_min);
    /* "Before the cut-off" is strict: an order at exactly 16:00:00 belongs to the next working
       day, one at 15:59:59 to today. */
    if (cal_is_working(c, d) && (c->cutoff < 0 || ts_minute_of_day(t, c->tz_min) < c->cutoff))
        return d;
    return cal_next_working(c, d);
}

static ts_t saturate(__int128 v)
{
    if (v > INT64_MAX)
        return INT64_MAX;
    if (v < INT64_MIN)
        return INT64_MIN;
    return (ts_t)v;
}

/*
 * The instant at which `amount` µs of counted time have elapsed after t, where counted time is
 * the minutes [ws, we) of each working day. A deadline that lands exactly on the end of a
 * counted window is that end (17:00 + 30 working minutes = 17:30 the same day, not 08:30 the
 * next), because that is the earliest instant at which the time has run out.
 */
static ts_t advance(const struct calendar *c, ts_t t, int64_t amount, int ws, int we)
{
    if (amount <= 0)
        return t;
    if (ws < 0)
        ws = 0;
    if (we > 24 * 60)
        we = 24 * 60;
    if (we <= ws)
        return INT64_MAX; /* no working time at all: the limit never runs out */

    const int64_t daylen = (int64_t)(we - ws) * TS_PER_MIN;
    const int64_t week = 5 * daylen; /* counted time in any 7 days past the last row */
    const date_t last_day = ts_to_date(INT64_MAX, c->tz_min);
    date_t d = ts_to_date(t, c->tz_min);

    for (;;) {
        if (cal_is_working(c, d)) {
            __int128 day0 = (__int128)d * TS_PER_DAY - (__int128)c->tz_min * TS_PER_MIN;
            __int128 from = day0 + ws * TS_PER_MIN;
            __int128 to = day0 + we * TS_PER_MIN;
            if (t > from)
                from = t; /* only on the first day: later windows are counted whole */
            if (from < to) {
                if (amount <= to - from)
                    return saturate(from + amount);
                amount -= (int64_t)(to - from);
            }
        }
        if (d >= last_day)
            return INT64_MAX;
        d++;

        /* Past the last calendar row the week repeats, so skip whole weeks at once; a limit
           of millions of minutes costs no more than one of thirty. At least one counted µs is
           left for the day-by-day walk, which then ends within a week. */
        if (c->n == 0 || d > c->days[c->n - 1].date) {
            int64_t weeks = (amount - 1) / week;
            if (weeks > 0) {
                if (weeks > ((int64_t)last_day - d) / 7)
                    return INT64_MAX;
                d = (date_t)(d + weeks * 7);
                amount -= weeks * week;
            }
        }
    }
}

ts_t cal_add_working_minutes(const struct calendar *c, ts_t t, int64_t minutes)
{
    int64_t amount;
    if (__builtin_mul_overflow(minutes, TS_PER_MIN, &amount))
        return minutes > 0 ? INT64_MAX : t;
    return advance(c, t, amount, c->work_start, c->work_end);
}

ts_t cal_add_wc_hours(const struct calendar *c, ts_t t, int64_t hours)
{
    int64_t amount;
    if (__builtin_mul_overflow(hours, TS_PER_HOUR, &amount))
        return hours > 0 ? INT64_MAX : t;
    return advance(c, t, amount, 0, 24 * 60);
}
