/*
 * test_audit_canon.c — core/audit_canon.c writes exactly what store/audit.c hashed before it:
 * json_dumps(JSON_COMPACT | JSON_SORT_KEYS) of the jansson object of the entry's members,
 * including NULL members, escapes, UTF-8, and text that is not UTF-8 (jansson leaves it out).
 */
#include "expect.h"

#include "core/audit_canon.h"
#include "core/sb.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* The old canonical form, as store/audit.c built it with jansson. */
static char *old_canon(int64_t seq, int64_t at, const char *const v[9])
{
    static const char *const keys[] = {"actor",      "on_behalf_of", "ip",
                                       "request_id", "action",       "object_type",
                                       "object_key", "before",       "after"};
    json_t *o = json_object();
    json_object_set_new(o, "seq", json_integer(seq));
    json_object_set_new(o, "at", json_integer(at));
    for (int i = 0; i < 9; i++)
        json_object_set_new(o, keys[i], str_or_null(v[i]));
    char *t = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    return t;
}

static int same(int64_t seq, int64_t at, const char *const v[9], const char *name)
{
    char *want = old_canon(seq, at, v);
    struct sb b = SB_INIT;
    audit_canonical(&b, seq, at, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]);
    int bad = 0;
    expect(&bad, want && b.buf && strcmp(want, b.buf) == 0 && b.len == strlen(want),
           "%s: got %s want %s", name, b.buf ? b.buf : "(null)", want ? want : "(null)");
    free(want);
    sb_free(&b);
    return bad;
}

static void test_audit_canonical_is_jansson(void **state)
{
    (void)state;
    int bad = 0;
    const char *plain[9] = {"csr_a",
                            NULL,
                            "127.0.0.1",
                            "r-1",
                            "order.check",
                            "order",
                            "DD20261202GZ0001",
                            "{\"state\":\"accepted\"}",
                            "{\"state\":\"checked\",\"n\":1}"};
    bad += same(1, 1764633600000000, plain, "plain");
    const char *nulls[9] = {NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    bad += same(0, 0, nulls, "all null");
    bad += same(INT64_MAX, INT64_MIN, nulls, "integer limits");
    const char *esc[9] = {
        "a\"b\\c/d", "\x01\x1f\t\n\r\b\f\x7f", "广州 客户 ¥ 😀", "", "x", "y", "z", "[\"q\\\"\"]",
        "{}"};
    bad += same(7, -5, esc, "escapes and UTF-8");
    /* Not UTF-8: jansson refuses the string and the member is left out, anywhere in the
       order (first, middle, last). */
    const char *invalid[][9] = {
        {"ok", NULL, NULL, NULL, "\xff", NULL, NULL, NULL, NULL},            /* first */
        {"\xc0\x80", NULL, NULL, NULL, "act", NULL, NULL, NULL, NULL},       /* overlong */
        {"ok", NULL, "\xed\xa0\x80", NULL, "a", NULL, NULL, NULL, NULL},     /* surrogate */
        {"ok", NULL, NULL, "\xf4\x90\x80\x80", "a", NULL, NULL, NULL, NULL}, /* > U+10FFFF */
        {"ok", NULL, NULL, "\xe4\xb8", "a", NULL, NULL, NULL, NULL},         /* cut short */
        {"\xe0\x80\xaf", "\xf0\x80\x80\xaf", NULL, NULL, "\x80", NULL, NULL, "x\xf5", "\xc2"},
    };
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++)
        bad += same((int64_t)i, 3, invalid[i], "not UTF-8");
    /* Every lead byte with every continuation pattern of two bytes after it. */
    for (int c = 0x80; c < 0x100; c++) {
        for (int d = 0x70; d < 0xc8; d += 7) {
            char s[4] = {(char)c, (char)d, (char)0xa5, 0};
            const char *v[9] = {s, "k", NULL, NULL, "a", NULL, NULL, NULL, NULL};
            bad += same(1, 2, v, "lead bytes");
        }
    }
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_audit_canonical_is_jansson),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
