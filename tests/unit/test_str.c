/*
 * test_str.c — table tests for core/str.c, the replacements of the calls core/banned.h
 * forbids: str_copy, str_fmt and str_field report a cut instead of hiding it (STR_COPY_ARRAY and
 * STR_FMT_FITS are proven at build time), str_to_int refuses what
 * atoi read as a number ("12x", "", " ", out of range).
 */
#include "expect.h"

#include "core/field.h"
#include "core/str.h"

#include <limits.h>
#include <string.h>

static void test_str_copy(void **state)
{
    (void)state;
    static const struct {
        const char *src;
        size_t n;
        int rc;
        const char *want;
    } rows[] = {
        {"abc", 4, 0, "abc"}, {"abcd", 4, -1, "abc"}, {"", 1, 0, ""},
        {"a", 1, -1, ""},     {NULL, 4, 0, ""},       {"广州", 7, 0, "广州"},
    };
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        char buf[8];
        memset(buf, 'x', sizeof buf);
        int rc = str_copy(buf, rows[i].n, rows[i].src);
        expect(&bad, rc == rows[i].rc && strcmp(buf, rows[i].want) == 0,
               "row %zu: rc %d buf \"%s\", want %d \"%s\"", i, rc, buf, rows[i].rc, rows[i].want);
    }
    char one;
    expect(&bad, str_copy(&one, 0, "a") == -1, "n = 0 is a cut");
    assert_int_equal(bad, 0);
}

static void test_str_fmt(void **state)
{
    (void)state;
    int bad = 0;
    char buf[6];
    expect(&bad, str_fmt(buf, sizeof buf, "%d", 12345) == 0 && strcmp(buf, "12345") == 0,
           "fits exactly");
    expect(&bad, str_fmt(buf, sizeof buf, "%d", 123456) == -1 && strcmp(buf, "12345") == 0,
           "one byte over is a cut");
    expect(&bad, str_fmt(buf, sizeof buf, "%s", "") == 0 && buf[0] == '\0', "empty");
    assert_int_equal(bad, 0);
}

static void test_str_field_and_the_proven_forms(void **state)
{
    (void)state;
    int bad = 0;
    char buf[6];
    expect(&bad, str_field(buf, sizeof buf, "abcde", "t") == 0 && strcmp(buf, "abcde") == 0,
           "str_field: fits exactly");
    expect(&bad, str_field(buf, sizeof buf, "abcdef", "t") == -1 && strcmp(buf, "abcde") == 0,
           "str_field: a cut is reported (and logged), dst holds what fitted");
    expect(&bad, str_field(buf, sizeof buf, NULL, "t") == 0 && buf[0] == '\0', "NULL is \"\"");
    char from[4] = "xyz", to[8];
    STR_COPY_ARRAY(to, from);
    expect(&bad, strcmp(to, "xyz") == 0, "STR_COPY_ARRAY copies");
    char code[40] = "GZ01", who[64];
    STR_FMT_FITS(who, sizeof "customer:" + sizeof code - 1, "customer:%s", code);
    expect(&bad, strcmp(who, "customer:GZ01") == 0, "STR_FMT_FITS formats");
    assert_int_equal(bad, 0);
}

static void test_str_to_int(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        int min, max;
        bool ok;
        int want;
    } rows[] = {
        {"0", 0, 10, true, 0},
        {"10", 0, 10, true, 10},
        {"11", 0, 10, false, 0},
        {"-1", 0, 10, false, 0},
        {"-1", -5, 10, true, -1},
        {"12x", 0, 100, false, 0},
        {"", 0, 10, false, 0},
        {"x", 0, 10, false, 0},
        {NULL, 0, 10, false, 0},
        {"99999999999999999999", 0, INT_MAX, false, 0},
        {"8080", 1, 65535, true, 8080},
        {"65536", 1, 65535, false, 0},
        {"2147483647", 0, INT_MAX, true, INT_MAX},
    };
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        int v = -7;
        bool ok = str_to_int(rows[i].s, rows[i].min, rows[i].max, &v);
        expect(&bad, ok == rows[i].ok && (!ok ? v == -7 : v == rows[i].want),
               "\"%s\" in [%d, %d]: ok %d v %d", rows[i].s ? rows[i].s : "(null)", rows[i].min,
               rows[i].max, ok, v);
    }
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_str_copy),
        cmocka_unit_test(test_str_fmt),
        cmocka_unit_test(test_str_field_and_the_proven_forms),
        cmocka_unit_test(test_str_to_int),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
