/*
 * date.c — civil dates (days since 1970-01-01 in the company zone) and instants (UTC µs),
 * their conversions, and the strict text forms used at the edges: "YYYY-MM-DD", "YYYY-MM" and
 * RFC 3339.
 *
 * The calendar is the proleptic Gregorian one; conversions use Howard Hinnant's
 * days_from_civil / civil_from_days, which are exact over the whole int32 day range. The zone
 * is a fixed offset in minutes. This file never reads the clock and never calls gmtime or
 * mktime: the C library's idea of the local zone must not leak into business dates.
 */
#include "core/date.h"

#include "core/str.h"

#include <stdio.h>

/* Floor division and modulo for b > 0 (C's / and % truncate toward zero). */
static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b < 0) ? q - 1 : q;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
    int64_t r = a % b;
    return r < 0 ? r + b : r;
}

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int date_days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    return (m == 2 && is_leap(y)) ? 29 : days[m - 1];
}

bool date_valid_ymd(int y, int m, int d)
{
    return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= date_days_in_month(y, m);
}

date_t date_from_ymd(int y, int m, int d)
{
    /* Years start in March so that the leap day is the last day of the "year". 64-bit
       intermediates keep even nonsense input free of signed overflow. */
    int64_t yy = (int64_t)y - (m <= 2);
    int64_t era = floor_div(yy, 400);
    int64_t yoe = yy - era * 400;                        /* [0, 399] */
    int64_t mp = ((int64_t)m + 9) % 12;                  /* March = 0 */
    int64_t doy = (153 * mp + 2) / 5 + (int64_t)d - 1;   /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; /* [0, 146096] */
    return (date_t)(era * 146097 + doe - 719468);
}

void date_to_ymd(date_t d, int *y, int *m, int *dd)
{
    int64_t z = (int64_t)d + 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;                                      /* [0, 146096] */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               /* [0, 365] */
    int64_t mp = (5 * doy + 2) / 153;                                    /* [0, 11] */
    int64_t day = doy - (153 * mp + 2) / 5 + 1;
    int64_t mon = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yoe + era * 400 + (mon <= 2));
    *m = (int)mon;
    *dd = (int)day;
}

int date_weekday(date_t d)
{
    /* 1970-01-01 was a Thursday (4). */
    return (int)floor_mod((int64_t)d + 3, 7) + 1;
}

/* Reads exactly n ASCII digits; false if any is not a digit. */
bool date_digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/* Writes v as exactly n digits (0 <= v < 10^n). */
static void write_digits(char *s, int n, int v)
{
    for (int i = n - 1; i >= 0; i--) {
        s[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

static bool edge_year(int y)
{
    return y >= DATE_MIN_YEAR && y <= DATE_MAX_YEAR;
}

/* "YYYY-MM-DD" at the start of s, no terminator check. */
static bool parse_ymd(const char *s, int *y, int *m, int *d)
{
    return date_digits(s, 4, y) && s[4] == '-' && date_digits(s + 5, 2, m) && s[7] == '-' &&
           date_digits(s + 8, 2, d) && edge_year(*y) && date_valid_ymd(*y, *m, *d);
}

bool date_parse(const char *s, date_t *out)
{
    int y, m, d;
    /* parse_ymd stops at the first bad character, so it never reads past a short string's NUL. */
    if (s == NULL || !parse_ymd(s, &y, &m, &d) || s[10] != '\0')
        return false;
    *out = date_from_ymd(y, m, d);
    return true;
}

void date_format(date_t d, char *buf)
{
    int y, m, dd;
    date_to_ymd(d, &y, &m, &dd);
    if (y < 0 || y > 9999)
        y = m = dd = 0;
    write_digits(buf, 4, y);
    buf[4] = '-';
    write_digits(buf + 5, 2, m);
    buf[7] = '-';
    write_digits(buf + 8, 2, dd);
    buf[10] = '\0';
}

bool period_parse(const char *s, int *y, int *m)
{
    int yy, mm;
    if (s == NULL || !date_digits(s, 4, &yy) || s[4] != '-' || !date_digits(s + 5, 2, &mm) ||
        s[7] != '\0' || !edge_year(yy) || mm < 1 || mm > 12)
        return false;
    *y = yy;
    *m = mm;
    return true;
}

void period_format(int y, int m, char *buf)
{
    if (y < 0 || y > 9999 || m < 1 || m > 12)
        y = m = 0;
    write_digits(buf, 4, y);
    buf[4] = '-';
    write_digits(buf + 5, 2, m);
    buf[7] = '\0';
}

date_t ts_to_date(ts_t t, int tz_min)
{
    /* 128 bits: t + offset may leave the int64 range at the extremes. */
    __int128 local = (__int128)t + (__int128)tz_min * TS_PER_MIN;
    __int128 q = local / TS_PER_DAY;
    if (local % TS_PER_DAY < 0)
        q -= 1;
    return (date_t)q;
}

ts_t date_start_ts(date_t d, int tz_min)
{
    __int128 t = (__int128)d * TS_PER_DAY - (__int128)tz_min * TS_PER_MIN;
    if (t > INT64_MAX)
        return INT64_MAX;
    if (t < INT64_MIN)
        return INT64_MIN;
    return (ts_t)t;
}

int ts_minute_of_day(ts_t t, int tz_min)
{
    __int128 local = (__int128)t + (__int128)tz_min * TS_PER_MIN;
    __int128 r = local % TS_PER_DAY;
    if (r < 0)
        r += TS_PER_DAY;
    return (int)(r / TS_PER_MIN);
}

bool ts_parse_rfc3339(const char *s, ts_t *out)
{
    int y, mo, d, h, mi, sec;
    if (s == NULL || !parse_ymd(s, &y, &mo, &d))
        return false;
    if (s[10] != 'T' && s[10] != 't')
        return false;
    if (!date_digits(s + 11, 2, &h) || s[13] != ':' || !date_digits(s + 14, 2, &mi) ||
        s[16] != ':' || !date_digits(s + 17, 2, &sec))
        return false;
    if (h > 23 || mi > 59 || sec > 59)
        return false;

    const char *p = s + 19;
    int64_t frac_us = 0;
    if (*p == '.') {
        p++;
        int n = 0;
        for (; *p >= '0' && *p <= '9'; p++, n++) {
            if (n < 6)
                frac_us = frac_us * 10 + (*p - '0');
        }
        if (n == 0)
            return false;
        for (; n < 6; n++)
            frac_us *= 10;
    }

    int off_min;
    if (*p == 'Z' || *p == 'z') {
        off_min = 0;
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om;
        if (!date_digits(p + 1, 2, &oh) || p[3] != ':' || !date_digits(p + 4, 2, &om) || oh > 23 ||
            om > 59)
            return false;
        off_min = (oh * 60 + om) * (*p == '-' ? -1 : 1);
        p += 6;
    } else {
        return false;
    }
    if (*p != '\0')
        return false;

    /* Years 1900–9999 keep every value well inside int64 microseconds. */
    int64_t days = date_from_ymd(y, mo, d);
    int64_t secs = days * 86400 + h * 3600 + mi * 60 + sec - (int64_t)off_min * 60;
    *out = secs * TS_PER_SEC + frac_us;
    return true;
}

void ts_format_rfc3339(ts_t t, int tz_min, char *buf)
{
    /* Second precision, so the fraction is dropped by flooring: an instant half a second before
       midnight is still the earlier day. */
    int64_t secs = floor_div(t, TS_PER_SEC) + (int64_t)tz_min * 60;
    int64_t days = floor_div(secs, 86400);
    int64_t sod = floor_mod(secs, 86400);
    int y, m, d;
    date_to_ymd((date_t)days, &y, &m, &d);

    long long off = tz_min < 0 ? -(long long)tz_min : tz_min;
    if (y >= 0 && y <= 9999 && off < 100 * 60) {
        /* The usual case by hand: every answer formats a dozen instants, and snprintf with
           nine conversions was most of the cost. Same text as the general case below. */
        const int v[] = {y / 100,
                         y % 100,
                         m,
                         d,
                         (int)(sod / 3600),
                         (int)(sod / 60 % 60),
                         (int)(sod % 60),
                         (int)(off / 60),
                         (int)(off % 60)};
        static const char after[] = {0, '-', '-', 'T', ':', ':', 0, ':', 0};
        char *p = buf;
        for (int i = 0; i < 9; i++) {
            if (i == 7)
                *p++ = tz_min < 0 ? '-' : '+';
            *p++ = (char)('0' + v[i] / 10);
            *p++ = (char)('0' + v[i] % 10);
            if (after[i])
                *p++ = after[i];
        }
        *p = '\0';
        return;
    }
    /* With a real zone (|offset| < 24 h) the widest output, a six-digit negative year, is 28
       bytes, so it always fits in 32; anything longer is refused rather than cut. */
    if (str_fmt(buf, 32, "%04d-%02d-%02dT%02d:%02d:%02d%c%02lld:%02lld", y, m, d, (int)(sod / 3600),
                (int)(sod / 60 % 60), (int)(sod % 60), tz_min < 0 ? '-' : '+', off / 60,
                off % 60) < 0)
        buf[0] = '\0';
}
