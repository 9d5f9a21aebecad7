/*
 * test_validate.c — table tests for core/validate.c: codes, strict UTF-8 (overlongs,
 * surrogates, the U+10FFFF ceiling), text(n) counted in characters with control characters
 * refused, phones, and the USCC tax id checksum of GB 32100-2015.
 */
#include "expect.h"

#include "core/validate.h"

#define S32 "abcdefghijABCDEFGHIJ0123456789._"

static void test_valid_code(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        bool ok;
    } rows[] = {
        {"NE", true},     {"a", true},    {"A.b_c-1", true},     {"-", true},    {S32, true},
        {S32 "x", false}, {"", false},    {"A B", false},        {"a/b", false}, {"a,b", false},
        {"广州", false},  {"a\n", false}, {"ab\xC2\xA0", false},
    };
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++)
        expect(&bad, valid_code(rows[i].s) == rows[i].ok, "\"%s\" should be %d", rows[i].s,
               rows[i].ok);
    expect(&bad, !valid_code(NULL), "NULL");
    assert_int_equal(bad, 0);
}

static void test_utf8_chars(void **state)
{
    (void)state;
    const size_t BAD = (size_t)-1;
    const struct {
        const char *name;
        const char *s;
        size_t want;
    } rows[] = {
        {"empty", "", 0},
        {"ASCII", "abc", 3},
        {"two CJK", "广州", 2},
        {"yen sign", "¥", 1},
        {"emoji (4 bytes)", "\xF0\x9F\x98\x80", 1},
        {"mixed", "a广¥\xF0\x9F\x98\x80z", 5},
        {"U+0080 lowest 2-byte", "\xC2\x80", 1},
        {"U+07FF highest 2-byte", "\xDF\xBF", 1},
        {"U+0800 lowest 3-byte", "\xE0\xA0\x80", 1},
        {"U+D7FF below surrogates", "\xED\x9F\xBF", 1},
        {"U+E000 above surrogates", "\xEE\x80\x80", 1},
        {"U+FFFF", "\xEF\xBF\xBF", 1},
        {"U+10000 lowest 4-byte", "\xF0\x90\x80\x80", 1},
        {"U+10FFFF highest", "\xF4\x8F\xBF\xBF", 1},
        {"overlong NUL", "\xC0\x80", BAD},
        {"overlong 2-byte C1", "\xC1\xBF", BAD},
        {"overlong 3-byte", "\xE0\x9F\xBF", BAD},
        {"overlong 4-byte", "\xF0\x8F\xBF\xBF", BAD},
        {"surrogate D800", "\xED\xA0\x80", BAD},
        {"surrogate DFFF", "\xED\xBF\xBF", BAD},
        {"above U+10FFFF", "\xF4\x90\x80\x80", BAD},
        {"F5 lead", "\xF5\x80\x80\x80", BAD},
        {"FF byte", "\xFF", BAD},
        {"stray continuation", "a\x80", BAD},
        {"truncated 3-byte", "\xE5\xB9", BAD},
        {"truncated 4-byte", "\xF0\x9F\x98", BAD},
        {"bad continuation", "\xE5\x41\x41", BAD},
    };
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        size_t got = utf8_chars(rows[i].s);
        expect(&bad, got == rows[i].want, "%s: got %zu want %zu", rows[i].name, got, rows[i].want);
    }
    expect(&bad, utf8_chars(NULL) == BAD, "NULL");
    assert_int_equal(bad, 0);
}

#define CJK10 "一二三四五六七八九十"
#define CJK40 CJK10 CJK10 CJK10 CJK10

static void test_valid_text(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        const char *s;
        size_t max;
        bool newline, ok;
    } rows[] = {
        {"name", "广州经销商", 40, false, true},
        {"40 characters in 120 bytes", CJK40, 40, false, true},
        {"41 characters", CJK40 "一", 40, false, false},
        {"empty", "", 40, false, true},
        {"empty at max 0", "", 0, false, true},
        {"one over max 0", "a", 0, false, false},
        {"newline refused in short text", "a\nb", 200, false, false},
        {"newline allowed in long text", "a\nb", 200, true, true},
        {"CR refused even with newlines", "a\r\nb", 200, true, false},
        {"tab", "a\tb", 200, true, false},
        {"NUL-free C0", "\x01", 200, true, false},
        {"ESC", "\x1B[31m", 200, true, false},
        {"DEL", "a\x7F", 200, true, false},
        {"C1 NEL U+0085", "a\xC2\x85", 200, true, false},
        {"C1 U+009F", "\xC2\x9F", 200, true, false},
        {"NBSP U+00A0 is not a control",
         "a\xC2\xA0"
         "b",
         200, false, true},
        {"invalid UTF-8", "abc\xFF", 200, true, false},
        {"surrogate", "\xED\xA0\x80", 200, true, false},
        {"emoji counts as one", "\xF0\x9F\x98\x80", 1, false, true},
    };
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++)
        expect(&bad, valid_text(rows[i].s, rows[i].max, rows[i].newline) == rows[i].ok,
               "%s: should be %d", rows[i].name, rows[i].ok);
    expect(&bad, !valid_text(NULL, 10, true), "NULL");
    assert_int_equal(bad, 0);
}

static void test_valid_phone(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        bool ok;
    } rows[] = {
        {"13812341234", true},
        {"+86 (10) 1234-5678", true},
        {"12345", true}, /* 5: shortest */
        {"1234", false},
        {"12345678901234567890", true}, /* 20: longest */
        {"123456789012345678901", false},
        {"138.1234.1234", false},
        {"ext 12345", false},
        {"1381234123#", false},
        {"\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93\xEF\xBC\x94\xEF\xBC\x95", false}, /* full-width */
        {"", false},
    };
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++)
        expect(&bad, valid_phone(rows[i].s) == rows[i].ok, "\"%s\" should be %d", rows[i].s,
               rows[i].ok);
    expect(&bad, !valid_phone(NULL), "NULL");
    assert_int_equal(bad, 0);
}

static void test_tax_id(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        const char *s;
        enum tax_id_check want;
    } rows[] = {
        {"valid USCC (Fuzhou)", "91350100M000100Y43", TAX_ID_OK},
        {"valid USCC, letter check", "91110000600037341L", TAX_ID_OK},
        {"valid USCC, check Q", "91110108551385082Q", TAX_ID_OK},
        {"check value 30 = 'Y'", "91350100MA2Y0Q001Y", TAX_ID_OK},
        {"sum divisible by 31: check '0'", "91350100MA2Y0Q3010", TAX_ID_OK},
        {"check value 1", "91350100MA2Y0Q6011", TAX_ID_OK},
        {"wrong check digit", "91350100M000100Y44", TAX_ID_CHECKSUM},
        {"transposed digits", "91350100M000010Y43", TAX_ID_CHECKSUM},
        {"check 31 not written as '0'", "91350100MA2Y0Q301Y", TAX_ID_CHECKSUM},
        {"I is not in the alphabet", "91350100I000100Y43", TAX_ID_CHECKSUM},
        {"O is not in the alphabet", "91350100O000100Y43", TAX_ID_CHECKSUM},
        {"check character Z", "91350100M000100Y4Z", TAX_ID_CHECKSUM},
        {"old 15-digit number", "110108000000016", TAX_ID_CHECKSUM},
        {"17 characters", "91350100M000100Y4", TAX_ID_CHECKSUM},
        {"19 characters", "91350100M000100Y430", TAX_ID_CHECKSUM},
        {"20 characters", "91350100M000100Y4300", TAX_ID_CHECKSUM},
        {"21 characters", "91350100M000100Y43000", TAX_ID_BAD},
        {"14 characters", "11010800000001", TAX_ID_BAD},
        {"lower case", "91350100m000100y43", TAX_ID_BAD},
        {"space", "91350100 M000100Y43", TAX_ID_BAD},
        {"dash", "91350100-M000100Y4", TAX_ID_BAD},
        {"full-width digit", "91350100M000100Y4\xEF\xBC\x93", TAX_ID_BAD},
        {"empty", "", TAX_ID_BAD},
    };
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        enum tax_id_check got = tax_id_check(rows[i].s);
        expect(&bad, got == rows[i].want, "%s \"%s\": got %d want %d", rows[i].name, rows[i].s,
               (int)got, (int)rows[i].want);
    }
    expect(&bad, tax_id_check(NULL) == TAX_ID_BAD, "NULL");
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_code), cmocka_unit_test(test_utf8_chars),
        cmocka_unit_test(test_valid_text), cmocka_unit_test(test_valid_phone),
        cmocka_unit_test(test_tax_id),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
