/*
 * fuzz_values.c — libFuzzer target for the value parsers of core/: money, dates, RFC 3339
 * instants, document numbers, periods, tax ids and UTF-8 text.
 *
 * The input is used twice: as a NUL-terminated string fed to every parser, and (its first
 * bytes) as raw integers fed to the formatters. Every parser that accepts a string must give a
 * value whose canonical text parses back to the same value; a violated property abort()s so
 * that libFuzzer keeps the input.
 */
#include "core/date.h"
#include "core/docno.h"
#include "core/money.h"
#include "core/validate.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                            \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fprintf(stderr, "fuzz_values: %s:%d: property failed: %s\n", __FILE__, __LINE__, \
                    #cond);                                                                    \
            abort();                                                                           \
        }                                                                                      \
    } while (0)

static int64_t read_i64(const uint8_t *data, size_t size)
{
    uint64_t v = 0;
    for (size_t i = 0; i < 8 && i < size; i++)
        v |= (uint64_t)data[i] << (8 * i);
    int64_t out;
    memcpy(&out, &v, sizeof out);
    return out;
}

/* money: text -> fen -> text -> fen is stable; any fen formats to text that parses back. */
static void check_money(const char *s, int64_t raw)
{
    int64_t fen;
    char buf[64];
    if (money_parse_yuan(s, &fen)) {
        size_t need = money_format(fen, buf, sizeof buf);
        CHECK(need < sizeof buf);
        int64_t back = 0;
        CHECK(money_parse_yuan(buf, &back));
        CHECK(back == fen);
    }
    size_t need = money_format(raw, buf, sizeof buf);
    CHECK(need < sizeof buf && strlen(buf) == need);
    int64_t back = 0;
    CHECK(money_parse_yuan(buf, &back));
    CHECK(back == raw);
    /* A short buffer holds a prefix of the full text, like snprintf. */
    char small[8];
    CHECK(money_format(raw, small, sizeof small) == need);
    CHECK(strncmp(small, buf, sizeof small - 1) == 0 && strlen(small) <= sizeof small - 1);
}

/* dates: the strict form is the canonical one, so an accepted string formats back to itself. */
static void check_date(const char *s, int64_t raw)
{
    date_t d;
    char buf[16];
    if (date_parse(s, &d)) {
        date_format(d, buf);
        CHECK(strcmp(buf, s) == 0);
        int y, m, dd;
        date_to_ymd(d, &y, &m, &dd);
        CHECK(date_valid_ymd(y, m, dd) && y >= DATE_MIN_YEAR && y <= DATE_MAX_YEAR);
        CHECK(date_from_ymd(y, m, dd) == d);
        CHECK(date_weekday(d) >= 1 && date_weekday(d) <= 7);
    }
    /* Any day number: format, and within the edge years parse it back. */
    date_t any = (date_t)raw;
    date_format(any, buf);
    CHECK(strlen(buf) == 10);
    int y, m, dd;
    date_to_ymd(any, &y, &m, &dd);
    date_t back;
    if (y >= DATE_MIN_YEAR && y <= DATE_MAX_YEAR) {
        CHECK(date_parse(buf, &back));
        CHECK(back == any);
    } else {
        CHECK(!date_parse(buf, &back));
    }
}

static void check_period(const char *s)
{
    int y, m;
    if (!period_parse(s, &y, &m))
        return;
    CHECK(y >= DATE_MIN_YEAR && y <= DATE_MAX_YEAR && m >= 1 && m <= 12);
    char buf[8];
    period_format(y, m, buf);
    CHECK(strcmp(buf, s) == 0);
}

static int64_t floor_sec(ts_t t)
{
    int64_t q = t / TS_PER_SEC;
    return (t % TS_PER_SEC < 0) ? q - 1 : q;
}

/* RFC 3339: the instant formats (second precision) in any real zone to text that parses back
   to the instant truncated to the second, unless the local year leaves the edge years. */
static void check_ts(const char *s)
{
    ts_t t;
    if (!ts_parse_rfc3339(s, &t))
        return;
    static const int zones[] = {0, 480, -720, 840};
    for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++) {
        char buf[32];
        ts_format_rfc3339(t, zones[i], buf);
        CHECK(buf[0] != '\0');
        ts_t back;
        date_t local = ts_to_date(t, zones[i]);
        int y, m, d;
        date_to_ymd(local, &y, &m, &d);
        if (y < DATE_MIN_YEAR || y > DATE_MAX_YEAR) {
            CHECK(!ts_parse_rfc3339(buf, &back));
            continue;
        }
        CHECK(ts_parse_rfc3339(buf, &back));
        CHECK(back == floor_sec(t) * TS_PER_SEC);
        CHECK(ts_minute_of_day(t, zones[i]) >= 0 && ts_minute_of_day(t, zones[i]) < 1440);
        CHECK(ts_to_date(back, zones[i]) == local);
    }
}

static void check_docno(const char *s)
{
    char prefix[5], type[5];
    date_t day;
    int64_t seq;
    if (!docno_parse(s, prefix, &day, type, &seq))
        return;
    char buf[DOCNO_MAX];
    CHECK(docno_format(buf, prefix, day, type, seq));
    CHECK(strcmp(buf, s) == 0);
}

static bool is_upper_or_digit(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'); }

static void check_tax_id(const char *s)
{
    enum tax_id_check r = tax_id_check(s);
    CHECK(r == TAX_ID_BAD || r == TAX_ID_CHECKSUM || r == TAX_ID_OK);
    size_t n = strlen(s);
    bool shape = n >= 15 && n <= 20;
    for (size_t i = 0; shape && i < n; i++)
        shape = is_upper_or_digit(s[i]);
    CHECK((r != TAX_ID_BAD) == shape);
    if (r == TAX_ID_OK)
        CHECK(n == 18);
}

/* UTF-8: jansson's own validator is the oracle for well-formedness; the character count never
   exceeds the byte count, and valid_text agrees with the count and the control-character rule. */
static void check_text(const char *s)
{
    size_t n = utf8_chars(s);
    json_t *j = json_string(s);
    CHECK((n != (size_t)-1) == (j != NULL));
    json_decref(j);
    if (n == (size_t)-1) {
        CHECK(!valid_text(s, SIZE_MAX, true));
        return;
    }
    size_t bytes = strlen(s);
    CHECK(n <= bytes && (bytes == 0 || n > 0) && bytes <= 4 * n);
    bool has_control = false, has_other_control = false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        /* C1 controls U+0080..U+009F are encoded as C2 80..C2 9F. */
        bool c0 = *p < 0x20 || *p == 0x7F;
        bool c1 = *p == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F;
        if (c0 || c1) {
            has_control = true;
            if (*p != '\n')
                has_other_control = true;
        }
    }
    CHECK(valid_text(s, n, true) == !has_other_control);
    CHECK(valid_text(s, n, false) == !has_control);
    if (n > 0)
        CHECK(!valid_text(s, n - 1, true));
    bool code = valid_code(s);
    if (code)
        CHECK(n >= 1 && n <= 32 && n == bytes);
    if (valid_phone(s))
        CHECK(n >= 5 && n <= 20 && n == bytes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__ubsan_default_options(void);

/* The Makefile builds fuzz targets with recoverable UBSan; a report must stop the run so that
   libFuzzer keeps the input and the 20-second smoke run fails. */
const char *__ubsan_default_options(void) { return "halt_on_error=1:print_stacktrace=1"; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    int64_t raw = read_i64(data, size);

    check_money(s, raw);
    check_date(s, raw);
    check_period(s);
    check_ts(s);
    check_docno(s);
    check_tax_id(s);
    check_text(s);

    free(s);
    return 0;
}
