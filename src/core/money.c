/*
 * money.c — int64 fen arithmetic, rounding, display and exact yuan parsing
 * (numbering-and-rules.md §2.3).
 *
 * Everything here is integer arithmetic: there is no float or double in this file, and every
 * operation that could wrap reports overflow instead. Products and quotients go through
 * __int128 so that amount × rate never overflows before the division. No I/O, no allocation.
 */
#include "core/money.h"

#include <string.h>

bool money_add(int64_t a, int64_t b, int64_t *out)
{
    int64_t r;
    if (__builtin_add_overflow(a, b, &r))
        return false;
    *out = r;
    return true;
}

bool money_sub(int64_t a, int64_t b, int64_t *out)
{
    int64_t r;
    if (__builtin_sub_overflow(a, b, &r))
        return false;
    *out = r;
    return true;
}

bool money_mul(int64_t a, int64_t b, int64_t *out)
{
    int64_t r;
    if (__builtin_mul_overflow(a, b, &r))
        return false;
    *out = r;
    return true;
}

/* Narrows a 128-bit quotient to int64; false when it does not fit. */
static bool fit64(__int128 v, int64_t *out)
{
    if (v > INT64_MAX || v < INT64_MIN)
        return false;
    *out = (int64_t)v;
    return true;
}

bool money_div_round(__int128 num, int64_t den, int64_t *out)
{
    if (den <= 0)
        return false;
    /* C division truncates toward zero, so q and r share the sign of num and |r| < den. Since
       den <= INT64_MAX, 2|r| fits comfortably in 128 bits. Half rounds away from zero. */
    __int128 q = num / den;
    __int128 r = num % den;
    if (r >= 0 ? 2 * r >= den : -2 * r >= den)
        q += num < 0 ? -1 : 1;
    return fit64(q, out);
}

bool money_div_floor(__int128 num, int64_t den, int64_t *out)
{
    if (den <= 0)
        return false;
    __int128 q = num / den;
    if (num % den < 0)
        q -= 1;
    return fit64(q, out);
}

bool money_div_ceil(__int128 num, int64_t den, int64_t *out)
{
    if (den <= 0)
        return false;
    __int128 q = num / den;
    if (num % den > 0)
        q += 1;
    return fit64(q, out);
}

bool money_tax_fen(int64_t amount, int32_t rate_bp, int64_t *out)
{
    /* A negative rate has no meaning and would make the divisor zero or negative. */
    if (rate_bp < 0)
        return false;
    return money_div_round((__int128)amount * rate_bp, 10000 + (int64_t)rate_bp, out);
}

int64_t money_ceil_div(__int128 a, int64_t b)
{
    if (b <= 0)
        return 0;
    __int128 q = a / b;
    if (a % b > 0)
        q += 1;
    if (q > INT64_MAX)
        return INT64_MAX;
    if (q < INT64_MIN)
        return INT64_MIN;
    return (int64_t)q;
}

/* "¥" in UTF-8 (U+00A5). */
static const char yen[] = "\xC2\xA5";

size_t money_format(int64_t fen, char *buf, size_t n)
{
    /* Built right to left into a local buffer that always fits: the longest value, INT64_MIN,
       is "-¥92,233,720,368,547,758.08" (29 bytes). The magnitude is taken in uint64 so that
       INT64_MIN has one. */
    char tmp[48];
    size_t pos = sizeof tmp;
    uint64_t mag = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
    uint64_t yuan = mag / 100;
    unsigned cents = (unsigned)(mag % 100);

    tmp[--pos] = (char)('0' + cents % 10);
    tmp[--pos] = (char)('0' + cents / 10);
    tmp[--pos] = '.';
    int group = 0;
    do {
        if (group == 3) {
            tmp[--pos] = ',';
            group = 0;
        }
        tmp[--pos] = (char)('0' + yuan % 10);
        yuan /= 10;
        group++;
    } while (yuan != 0);
    pos -= sizeof yen - 1;
    memcpy(tmp + pos, yen, sizeof yen - 1);
    if (fen < 0)
        tmp[--pos] = '-';

    size_t len = sizeof tmp - pos;
    if (n > 0) {
        size_t copy = len < n - 1 ? len : n - 1;
        memcpy(buf, tmp + pos, copy);
        buf[copy] = '\0';
    }
    return len;
}

static bool is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

/* Appends one decimal digit to v in the direction of sign, so INT64_MIN parses exactly. */
static bool push_digit(int64_t *v, int sign, char ch)
{
    return !__builtin_mul_overflow(*v, 10, v) && !__builtin_add_overflow(*v, sign * (ch - '0'), v);
}

bool money_parse_yuan(const char *s, int64_t *out)
{
    /* Grammar: ['-'] ['¥'] int ['.' d [d]], where int is either plain digits or
       thousands-grouped digits ("1,234,567": 1–3 digits, then groups of exactly 3). Anything
       else (spaces, '+', "12.", ".5", three decimals, "1,23") is refused rather than guessed. */
    int sign = 1;
    int64_t v = 0;

    if (s == NULL)
        return false;
    if (*s == '-') {
        sign = -1;
        s++;
    }
    if (strncmp(s, yen, sizeof yen - 1) == 0)
        s += sizeof yen - 1;
    if (!is_digit(*s))
        return false;

    int run = 0; /* digits since the start or the last comma */
    bool grouped = false;
    for (; is_digit(*s) || *s == ','; s++) {
        if (*s == ',') {
            if (grouped ? run != 3 : run > 3)
                return false;
            grouped = true;
            run = 0;
            continue;
        }
        if (!push_digit(&v, sign, *s))
            return false;
        run++;
    }
    if (grouped && run != 3)
        return false;

    int decimals = 0;
    if (*s == '.') {
        s++;
        for (; is_digit(*s); s++) {
            if (++decimals > 2 || !push_digit(&v, sign, *s))
                return false;
        }
        if (decimals == 0)
            return false;
    }
    if (*s != '\0')
        return false;
    for (; decimals < 2; decimals++) {
        if (__builtin_mul_overflow(v, 10, &v))
            return false;
    }
    *out = v;
    return true;
}
