/*
 * date.h — civil dates and timestamps.
 *
 * A date_t is a civil date in the company time zone, counted in days since 1970-01-01.
 * A ts_t is an instant, UTC microseconds since the Unix epoch. The company zone is a fixed
 * offset in minutes (Asia/Shanghai = +480; China has had no daylight saving since 1991).
 * Nothing here reads the clock: see clock.h for "now".
 */
#ifndef OSB_DATE_H
#define OSB_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int32_t date_t;
typedef int64_t ts_t;

#define TS_PER_SEC 1000000LL
#define TS_PER_MIN (60LL * TS_PER_SEC)
#define TS_PER_HOUR (60LL * TS_PER_MIN)
#define TS_PER_DAY (24LL * TS_PER_HOUR)

/* The years this system reads and writes at its edges (date_parse, docno, RFC 3339). */
#define DATE_MIN_YEAR 1900
#define DATE_MAX_YEAR 9999

/* Valid y/m/d only (date_valid_ymd); anything else gives an unspecified date. */
date_t date_from_ymd(int y, int m, int d);
void date_to_ymd(date_t d, int *y, int *m, int *dd);
/* A real Gregorian date with year 1–9999. */
bool date_valid_ymd(int y, int m, int d);
/* 1 = Monday … 7 = Sunday. */
int date_weekday(date_t d);
int date_days_in_month(int y, int m);

/* Strict "YYYY-MM-DD" (years 1900–9999); false on anything else, e.g. 2026-02-30. */
bool date_parse(const char *s, date_t *out);
/* Writes "YYYY-MM-DD" and a NUL into buf (at least 11 bytes); a date outside years 0–9999
   (only reachable by arithmetic gone wrong) is written as "0000-00-00", which no parser takes. */
void date_format(date_t d, char *buf);

/* Reads exactly n ASCII digits of s into *out; false if any is not a digit. */
bool date_digits(const char *s, int n, int *out);

/* Strict "YYYY-MM" period; month index = y*12 + (m-1). */
bool period_parse(const char *s, int *y, int *m);
void period_format(int y, int m, char *buf); /* at least 8 bytes */

/* Company-zone date of an instant. */
date_t ts_to_date(ts_t t, int tz_min);
/* The instant of local midnight starting date d (saturates at the ts_t range). */
ts_t date_start_ts(date_t d, int tz_min);
/* Minutes since local midnight of the instant (0..1439). */
int ts_minute_of_day(ts_t t, int tz_min);

/*
 * RFC 3339: "2026-11-22T09:30:00+08:00", also "Z", lower-case t/z, fractional seconds.
 * A bare date-time without offset is refused. Digits beyond microseconds are truncated; a leap
 * second (:60), a space instead of 'T' and years outside DATE_MIN_YEAR..DATE_MAX_YEAR are refused.
 */
bool ts_parse_rfc3339(const char *s, ts_t *out);
/* Formats at second precision with the given offset: "2026-11-22T09:30:00+08:00" (buf >= 32). */
void ts_format_rfc3339(ts_t t, int tz_min, char *buf);

#endif
