/*
 * test_docno.c — table tests for core/docno.c: the 4- and 5-digit sequence, the pinned regex
 * ^[A-Z]{1,4}[0-9]{8}[A-Z]{2,4}[0-9]{4,5}$ of numbering-and-rules.md §1, and types that are
 * prefixes of each other (FH / FHTZ, SK / SKSQ).
 */
#include "expect.h"

#include <string.h>

#include "core/docno.h"

#define D_2026_11_22 20779 /* checked with Python's datetime */
#define D_2014_02_13 16114

static void test_format(void **state)
{
    (void)state;
    static const struct {
        const char *prefix;
        date_t day;
        const char *type;
        int64_t seq;
        const char *want; /* NULL: refused */
    } rows[] = {
        {"SC", D_2026_11_22, "DD", 1, "SC20261122DD0001"},
        {"SC", D_2014_02_13, "DD", 1, "SC20140213DD0001"}, /* seed example */
        {"SC", D_2014_02_13, "HT", 1, "SC20140213HT0001"}, /* seed shows 3 digits: a typo */
        {"SC", D_2014_02_13, "FHTZ", 3, "SC20140213FHTZ0003"},
        {"SC", D_2026_11_22, "FH", 3, "SC20261122FH0003"},
        {"SC", D_2026_11_22, "DD", 9999, "SC20261122DD9999"},
        {"SC", D_2026_11_22, "DD", 10000, "SC20261122DD10000"}, /* 5 digits from 10000 */
        {"SC", D_2026_11_22, "DD", 99999, "SC20261122DD99999"},
        {"SC", D_2026_11_22, "DD", 100000, NULL}, /* 6 digits break the regex */
        {"SC", D_2026_11_22, "DD", 0, NULL},
        {"SC", D_2026_11_22, "DD", -1, NULL},
        {"A", D_2026_11_22, "SKSQ", 12, "A20261122SKSQ0012"},
        {"ABCD", D_2026_11_22, "SK", 12, "ABCD20261122SK0012"},
        {"ABCDE", D_2026_11_22, "DD", 1, NULL}, /* prefix 1–4 letters */
        {"", D_2026_11_22, "DD", 1, NULL},
        {"sc", D_2026_11_22, "DD", 1, NULL},
        {"S1", D_2026_11_22, "DD", 1, NULL},
        {"SC", D_2026_11_22, "D", 1, NULL}, /* type 2–4 letters */
        {"SC", D_2026_11_22, "DDDDD", 1, NULL},
        {"SC", D_2026_11_22, "dd", 1, NULL},
        {"SC", -25568, "DD", 1, NULL},  /* 1899-12-31 */
        {"SC", 2932897, "DD", 1, NULL}, /* year 10000 */
    };
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        char buf[DOCNO_MAX] = "";
        bool ok = docno_format(buf, rows[i].prefix, rows[i].day, rows[i].type, rows[i].seq);
        const char *want = rows[i].want;
        expect(&bad, ok == (want != NULL), "%s/%s/%lld: ok=%d", rows[i].prefix, rows[i].type,
               (long long)rows[i].seq, ok);
        if (ok && want != NULL)
            expect(&bad, strcmp(buf, want) == 0, "got \"%s\" want \"%s\"", buf, want);
    }
    char buf[DOCNO_MAX];
    expect(&bad, !docno_format(buf, NULL, D_2026_11_22, "DD", 1), "NULL prefix");
    expect(&bad, !docno_format(buf, "SC", D_2026_11_22, NULL, 1), "NULL type");
    assert_int_equal(bad, 0);
}

static void test_parse(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        bool ok;
        const char *prefix;
        date_t day;
        const char *type;
        int64_t seq;
    } rows[] = {
        {"SC20261122DD0001", true, "SC", D_2026_11_22, "DD", 1},
        {"SC20140213FHTZ0003", true, "SC", D_2014_02_13, "FHTZ", 3},
        {"SC20140213FH0003", true, "SC", D_2014_02_13, "FH", 3},
        {"SC20261122SK0012", true, "SC", D_2026_11_22, "SK", 12},
        {"SC20261122SKSQ0012", true, "SC", D_2026_11_22, "SKSQ", 12},
        {"SC20261122DD10000", true, "SC", D_2026_11_22, "DD", 10000},
        {"SC20261122DD99999", true, "SC", D_2026_11_22, "DD", 99999},
        {"A20261122DD0001", true, "A", D_2026_11_22, "DD", 1},
        {"ABCD20261122ABCD0001", true, "ABCD", D_2026_11_22, "ABCD", 1},
        {"SC20240229DD0001", true, "SC", 19782, "DD", 1},
        /* the regex */
        {"SC20140213HT000", false, NULL, 0, NULL, 0},     /* the seed's 3-digit typo */
        {"SC20140213HT001", false, NULL, 0, NULL, 0},     /* 3 digits, seq 1 */
        {"SC20261122DD100000", false, NULL, 0, NULL, 0},  /* 6 digits */
        {"ABCDE20261122DD0001", false, NULL, 0, NULL, 0}, /* prefix of 5 */
        {"20261122DD0001", false, NULL, 0, NULL, 0},      /* no prefix */
        {"SC20261122D0001", false, NULL, 0, NULL, 0},     /* type of 1 */
        {"SC20261122FHTZX0001", false, NULL, 0, NULL, 0}, /* type of 5 */
        {"SC2026112DD0001", false, NULL, 0, NULL, 0},     /* 7 date digits */
        {"SC202611220DD0001", false, NULL, 0, NULL, 0},   /* 9 date digits */
        {"sc20261122DD0001", false, NULL, 0, NULL, 0},
        {"SC20261122dd0001", false, NULL, 0, NULL, 0},
        {"SC20261122DD0001 ", false, NULL, 0, NULL, 0},
        {" SC20261122DD0001", false, NULL, 0, NULL, 0},
        {"SC-20261122-DD-0001", false, NULL, 0, NULL, 0},
        {"SC20261122DD", false, NULL, 0, NULL, 0},
        {"SC20261122", false, NULL, 0, NULL, 0},
        {"", false, NULL, 0, NULL, 0},
        /* a real date */
        {"SC20260230DD0001", false, NULL, 0, NULL, 0},
        {"SC20261322DD0001", false, NULL, 0, NULL, 0},
        {"SC20230229DD0001", false, NULL, 0, NULL, 0},
        {"SC18991231DD0001", false, NULL, 0, NULL, 0},
        /* canonical only */
        {"SC20261122DD0000", false, NULL, 0, NULL, 0},
        {"SC20261122DD01234", false, NULL, 0, NULL, 0},
    };
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        char prefix[5] = "?", type[5] = "?";
        date_t day = -42;
        int64_t seq = -42;
        bool ok = docno_parse(rows[i].s, prefix, &day, type, &seq);
        expect(&bad, ok == rows[i].ok, "\"%s\": ok=%d", rows[i].s, ok);
        if (ok && rows[i].ok) {
            expect(&bad,
                   strcmp(prefix, rows[i].prefix) == 0 && day == rows[i].day &&
                       strcmp(type, rows[i].type) == 0 && seq == rows[i].seq,
                   "\"%s\": got %s/%d/%s/%lld", rows[i].s, prefix, day, type, (long long)seq);
            /* parse + format gives back the same string */
            char again[DOCNO_MAX];
            expect(&bad,
                   docno_format(again, prefix, day, type, seq) && strcmp(again, rows[i].s) == 0,
                   "\"%s\": formats back as \"%s\"", rows[i].s, again);
        }
        if (!ok)
            expect(&bad, day == -42 && seq == -42 && strcmp(prefix, "?") == 0,
                   "\"%s\": wrote the output on failure", rows[i].s);
    }
    /* All parts are optional. */
    expect(&bad, docno_parse("SC20261122DD0001", NULL, NULL, NULL, NULL), "NULL parts");
    expect(&bad, !docno_parse(NULL, NULL, NULL, NULL, NULL), "NULL string");
    assert_int_equal(bad, 0);
}

static void test_every_type_of_the_table(void **state)
{
    (void)state;
    /* The codes of numbering-and-rules.md §1 all format and parse back to themselves. */
    static const char *const types[] = {
        "DD", "HT",   "FHTZ", "FH", "FP", "SK", "TH", "HZ", "QH", "BJ", "TB",
        "KP", "SKSQ", "PJ",   "TK", "HX", "TZ", "DZ", "XY", "PZ", "PE", "FY",
        "WL", "YP",   "KC",   "YC", "JH", "BF", "SH", "ZC", "WT", "RK", "PD",
    };
    int bad = 0;
    for (size_t i = 0; i < ROWS(types); i++) {
        char buf[DOCNO_MAX], type[5];
        int64_t seq = 0;
        bool ok = docno_format(buf, "SC", D_2026_11_22, types[i], 42) &&
                  docno_parse(buf, NULL, NULL, type, &seq);
        expect(&bad, ok && strcmp(type, types[i]) == 0 && seq == 42, "%s: \"%s\"", types[i], buf);
    }
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_every_type_of_the_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
