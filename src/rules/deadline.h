/*
 * deadline.h — the deadline instant of every time limit the OSB rules use
 * (numbering-and-rules.md §2.2, kpis-and-reports.md §1 and §3.1).
 *
 * Seed 001 says good process rules state their limits either as "X working days" or "before
 * day X of the month"; the OSB adds the hour and minute forms. Each form is one enum
 * deadline_kind; a rule is a kind plus its number(s), and deadline_at() turns the moment the
 * clock started into the instant the limit runs out. A deadline that ends "at 24:00 of a date"
 * is the first instant of the next date: an event at exactly that instant is late.
 *
 * Pure: the caller passes the calendar (core/calendar.h) and the start; nothing here reads the
 * clock or the database.
 */
#ifndef OSB_RULES_DEADLINE_H
#define OSB_RULES_DEADLINE_H

#include "core/calendar.h"

enum deadline_kind {
    DL_WORKING_MINUTES,  /* start + n working minutes (oa_30min) */
    DL_SAME_WORKING_DAY, /* 24:00 of bday(start) ("the same working day") */
    DL_NEXT_WORKING_DAY, /* 24:00 of the n-th working day after the calendar date of start
                            (n = 1: "the next working day after the request date") */
    DL_WORKING_DAYS,     /* 24:00 of the n-th working day after bday(start)
                            ("within n working days", counted from bday) */
    DL_WC_HOURS,         /* start + n WC-hours (whole non-working days left out) */
    DL_CALENDAR_DAYS,    /* 24:00 of the calendar date of start + n days */
    DL_DAY_OF_MONTH,     /* 24:00 of day n of the month `months` after the month of start
                            (day n past the month's end means its last day) */
    DL_BEFORE_START,     /* start - n minutes: a clock that starts on the date a thing is for,
                            due ahead of it (the weekly visit plan: Saturday 09:00 before its
                            Monday, n = 2340) */
    DL__COUNT
};

struct deadline_rule {
    enum deadline_kind kind;
    int n;      /* minutes, hours, days or the day of the month, by kind */
    int months; /* DL_DAY_OF_MONTH only: 0 = the start's own month, 1 = the next, ... */
};

/* The instant the limit of r runs out for a clock started at start. INT64_MAX means never
   (no working time configured, or beyond the range of ts_t). A negative n counts as 0. */
ts_t deadline_at(const struct calendar *c, const struct deadline_rule *r, ts_t start);

/* The latest start in [lo, hi] whose deadline has come by now (deadline_at <= now), found by
   bisection: for every kind but DL_DAY_OF_MONTH and DL_BEFORE_START, a later start never has
   an earlier deadline. hi when every start in the range is due, lo - 1 when none is; lo - 1
   also for those two kinds (the caller bounds them otherwise). The deadline job reads only the
   stays that started by it: a calendar bound alone read every shipment released over a
   weekend on Monday morning, tens of thousands at 10,000 a day (bench/README.md). */
ts_t deadline_last_due_start(const struct calendar *c, const struct deadline_rule *r, ts_t lo,
                             ts_t hi, ts_t now);

/* 24:00 of date d: the first instant of d + 1 in the calendar's zone. */
ts_t deadline_end_of_day(const struct calendar *c, date_t d);

/* "oa_minutes"-style names of the kinds, for messages and the meeting report. */
const char *deadline_kind_str(enum deadline_kind k);

#endif
