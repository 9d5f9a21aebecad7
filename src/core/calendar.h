/*
 * calendar.h — the working-day calendar and the time words of numbering-and-rules.md §2.2.
 *
 * Pure functions over a struct calendar that the caller fills (from the calendar table).
 * Working week Monday–Friday; holiday rows make a date non-working, make-up rows (调休) make
 * a weekend date working.
 */
#ifndef OSB_CALENDAR_H
#define OSB_CALENDAR_H

#include "core/date.h"

struct cal_day {
    date_t date;
    bool working;
};

struct calendar {
    const struct cal_day *days; /* sorted by date, unique; may be NULL when n == 0 */
    size_t n;
    int tz_min;     /* company zone offset, +480 */
    int work_start; /* minute of day, 08:30 = 510 */
    int work_end;   /* minute of day, 17:30 = 1050 */
    int cutoff;     /* minute of day, 16:00 = 960; -1 = no cut-off */
};

/* A calendar with no rows and the defaults above. */
void cal_default(struct calendar *c);

bool cal_is_working(const struct calendar *c, date_t d);
/* First working day strictly after d. */
date_t cal_next_working(const struct calendar *c, date_t d);
/* d itself when working, else the next working day. */
date_t cal_this_or_next_working(const struct calendar *c, date_t d);
/* Working day number n after d (n >= 1; day 1 is the next working day after d; n <= 0 gives d).
   "Within N working days" of an event is cal_add_working_days(c, cal_bday(c, t), N). */
date_t cal_add_working_days(const struct calendar *c, date_t d, int n);

/* bday(t): the date of t if working and t is before the cut-off, else the next working day.
   "Before" is strict: exactly 16:00 is after the cut-off. */
date_t cal_bday(const struct calendar *c, ts_t t);

/* The instant at which `minutes` working minutes have elapsed after t (working time only).
   minutes <= 0 gives t; INT64_MAX means never (no working time configured, or beyond ts_t). */
ts_t cal_add_working_minutes(const struct calendar *c, ts_t t, int64_t minutes);

/* The instant at which `hours` WC-hours have elapsed after t (whole non-working days skipped;
   an event on a non-working day starts counting at 00:00 of the next working day).
   hours <= 0 gives t; INT64_MAX means beyond the ts_t range. */
ts_t cal_add_wc_hours(const struct calendar *c, ts_t t, int64_t hours);

#endif
