/*
 * test_json_out.c — core/json_out.c writes exactly what json_dumps(v, JSON_COMPACT) writes:
 * every kind of value, every byte below 0x20, quotes and backslashes, UTF-8, keys in insertion
 * order (also after a delete), nesting, empty containers, reals, the integer limits; and
 * json_compact_sorted exactly what json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS) writes.
 */
#include "expect.h"

#include "core/json_out.h"
#include "core/str.h"

#include <stdlib.h>
#include <string.h>

/* json_compact against json_dumps(JSON_COMPACT), json_compact_sorted against
   json_dumps(JSON_COMPACT | JSON_SORT_KEYS), on the same value. */
static int same(json_t *v, const char *name)
{
    int bad = 0;
    for (int sorted = 0; sorted < 2; sorted++) {
        char *want = json_dumps(v, JSON_COMPACT | (sorted ? JSON_SORT_KEYS : 0));
        size_t len = 0;
        char *got = sorted ? json_compact_sorted(v, &len) : json_compact(v, &len);
        expect(&bad, want && got && strcmp(want, got) == 0 && len == strlen(want),
               "%s%s: got %s want %s", name, sorted ? " (sorted)" : "", got ? got : "(null)",
               want ? want : "(null)");
        free(want);
        free(got);
    }
    json_decref(v);
    return bad;
}

/* Sorted keys (the audit row's before/after): keys that begin one another, upper before lower
   case, UTF-8 after ASCII, a NUL inside a key, objects in arrays in objects, an object of more
   keys than the writer keeps on its stack. */
static void test_json_compact_sorted_keys(void **state)
{
    (void)state;
    int bad = 0;
    json_t *o = json_object();
    const char *keys[] = {"state", "st", "s",  "State", "\xe5\xb9\xbf", "a\xc3\xa9", "ab",
                          "a",     "",   "_x", "0",     "version"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        json_object_set_new(o, keys[i], json_integer((json_int_t)i));
    json_object_setn_new(o, "a\0b", 3, json_true());
    json_object_setn_new(o, "a\0", 2, json_false());
    json_object_set_new(
        o, "lines",
        json_pack("[{s:i, s:i, s:[{s:n, s:n}]}, {}]", "qty", 2, "line_no", 1, "cut", "z", "y"));
    bad += same(o, "sorted keys");
    json_t *big = json_object();
    for (int i = 0; i < 100; i++) {
        char k[16];
        (void)str_fmt(k, sizeof k, "k%d", (i * 37) % 100);
        json_object_set_new(big, k, json_integer(i));
    }
    bad += same(json_pack("{s:o, s:[o]}", "big", big, "in", json_deep_copy(big)), "100 keys");
    json_t *str = json_string("x");
    expect(&bad, json_compact_sorted(str, NULL) == NULL, "a bare string is refused (sorted)");
    json_decref(str);
    assert_int_equal(bad, 0);
}

static void test_json_compact_is_json_dumps(void **state)
{
    (void)state;
    int bad = 0;
    char ctl[40];
    for (int i = 0; i < 32; i++)
        ctl[i] = (char)(i + 1 < 32 ? i + 1 : 0x7f);
    ctl[31] = 0x7f;
    json_t *all = json_pack("{s:s%}", "ctl", ctl, (size_t)32);
    bad += same(all, "control bytes");
    bad += same(json_pack("{s:s, s:s, s:s, s:s}", "q", "say \"hi\"", "b", "a\\b/c", "zh",
                          "广州 客户 ¥ 😀", "", ""),
                "quotes, backslash, slash, UTF-8, empty");
    bad += same(json_pack("{s:I, s:I, s:i, s:b, s:b, s:n}", "max", (json_int_t)INT64_MAX, "min",
                          (json_int_t)INT64_MIN, "zero", 0, "t", 1, "f", 0, "null"),
                "scalars");
    bad += same(json_pack("{s:f, s:f, s:f, s:f}", "a", 1.0, "b", 0.1, "c", 1e300, "d", -2.5e-7),
                "reals");
    bad += same(json_pack("[{}, [], [[]], {s:{s:[i,s,n]}}]", "x", "y", 1, "z"), "nesting");
    json_t *o = json_object();
    const char *keys[] = {"zeta", "alpha", "mid", "beta", "omega"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        json_object_set_new(o, keys[i], json_integer((json_int_t)i));
    json_object_del(o, "mid");
    json_object_set_new(o, "mid", json_string("again"));
    json_object_set_new(o, "alpha", json_string("replaced"));
    bad += same(o, "insertion order");
    json_t *k = json_object();
    json_object_setn_new(k, "a\0b", 3, json_true());
    bad += same(k, "key with a NUL");
    bad += same(json_array(), "empty array");
    /* What json_dumps refuses, json_compact refuses too. */
    json_t *str = json_string("x");
    expect(&bad, json_compact(str, NULL) == NULL, "a bare string is refused");
    json_decref(str);
    expect(&bad, json_compact(NULL, NULL) == NULL, "NULL is refused");
    assert_int_equal(bad, 0);
}

/* The encoder scans eight bytes a step: every byte to escape at every offset of strings of
   every length up to 40, among plain ASCII and UTF-8 (bytes >= 0x80), and such strings with
   nothing to escape (its test of a string's last partial word); a text longer than the
   first buffer; integers around every power of ten. */
static void test_json_compact_words_and_offsets(void **state)
{
    (void)state;
    int bad = 0;
    static const char special[] = {'"', '\\', '\n', 0x01, 0x1f, '\t', 0x7f, '/'};
    static const char fill[] = "ab\xc3\xa9"
                               "cd\xe5\xb9\xbf"
                               "xyz 0123456789";
    for (size_t n = 1; n <= 40; n++)
        for (size_t at = 0; at < n; at++)
            for (size_t k = 0; k < sizeof special; k++) {
                char t[48];
                for (size_t i = 0; i < n; i++)
                    t[i] = fill[i % (sizeof fill - 1)];
                t[at] = special[k];
                /* a special byte inside a UTF-8 sequence or a cut one: not a JSON string */
                json_t *str = json_stringn(t, n);
                if (!str)
                    continue;
                json_t *v = json_pack("[o]", str);
                char name[64];
                (void)str_fmt(name, sizeof name, "length %zu, byte %d at %zu", n, special[k], at);
                bad += same(v, name);
            }
    /* nothing to escape: every length up to 40 (the whole string copied at once) */
    for (size_t n = 0; n <= 40; n++) {
        char t[48];
        for (size_t i = 0; i < n; i++)
            t[i] = fill[i % (sizeof fill - 1)];
        json_t *str = json_stringn(t, n);
        if (!str)
            continue; /* a cut UTF-8 sequence */
        char name[32];
        (void)str_fmt(name, sizeof name, "plain, length %zu", n);
        bad += same(json_pack("[o]", str), name);
    }
    char *big = malloc(10000);
    for (size_t i = 0; i < 9999; i++)
        big[i] = (char)(i % 97 == 0 ? '"' : 'a' + (char)(i % 26));
    big[9999] = 0;
    bad += same(json_pack("{s:s, s:[s,s]}", "big", big, "more", big, "x"), "longer than 4 KiB");
    free(big);
    json_t *ints = json_array();
    json_int_t p10 = 1;
    for (int i = 0; i < 19; i++, p10 = i < 19 ? p10 * 10 : p10) {
        json_int_t vals[] = {p10 - 1, p10, p10 + 1, -p10 + 1, -p10, -p10 - 1};
        for (size_t j = 0; j < sizeof vals / sizeof vals[0]; j++)
            json_array_append_new(ints, json_integer(vals[j]));
    }
    bad += same(ints, "integers around powers of ten");
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_compact_is_json_dumps),
        cmocka_unit_test(test_json_compact_words_and_offsets),
        cmocka_unit_test(test_json_compact_sorted_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
