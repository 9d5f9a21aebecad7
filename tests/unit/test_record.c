/*
 * test_record.c — table tests for core/record.c: the shape check of JSON bodies against a
 * record_def (numbering-and-rules.md §8). One local table of fields covers every kind; each
 * row is a body (JSON text), the mode (POST create or PATCH) and the expected answer: OK, 400
 * bad_request with details.field, or 422 validation_failed with details.field and rule.
 */
#include "expect.h"

#include <string.h>

#include "core/record.h"
#include "core/validate.h"

static const char *const colours[] = {"red", "green", NULL};

static const struct field_def thing_fields[] = {
    {"code", FK_CODE, 0, 0, F_KEY, 0, 0, 0},
    {"name", FK_TEXT, 0, 5, F_REQUIRED, 0, 0, 0},
    {"note", FK_LONG, 0, 10, 0, 0, 0, 0},
    {"title", FK_TEXT, 0, 0, 0, 0, 0, 0}, /* max 0: the default 200 characters */
    {"limit_fen", FK_FEN, 0, 0, F_REQUIRED, 0, 0, "limit_negative"},
    {"amount_fen", FK_FEN, 0, 0, 0, 0, 0, 0},
    {"term_days", FK_INT, 0, 365, 0, 0, 0, "term_out_of_range"},
    {"qty", FK_INT, 1, 100, 0, 0, 0, 0},
    {"lot_qty", FK_INT, 1, 100000000, 0, 0, 0, "zero_qty"},
    {"colour", FK_ENUM, 0, 0, 0, 0, colours, 0},
    {"active", FK_BOOL, 0, 0, 0, 0, 0, 0},
    {"since", FK_DATE, 0, 0, 0, 0, 0, 0},
    {"period", FK_PERIOD, 0, 0, 0, 0, 0, 0},
    {"phone", FK_PHONE, 0, 20, 0, 0, 0, 0},
    {"tax_id", FK_TAX_ID, 0, 20, 0, 0, 0, 0},
    {"extra", FK_JSON, 0, 0, 0, 0, 0, 0},
    {"owner", FK_REF, 0, 0, 0, "users", 0, 0},
    {"origin", FK_TEXT, 0, 20, F_FIXED, 0, 0, 0},
    {"hash", FK_TEXT, 0, 0, F_INTERNAL, 0, 0, 0},
};
static const struct record_def thing = {"things", "code", "thing", thing_fields,
                                        sizeof thing_fields / sizeof thing_fields[0]};

enum want { OK = 0, E400 = 400, E422 = 422 };

/* The smallest valid create body, extended by each row through "%s". */
#define BASE "\"code\":\"T1\",\"name\":\"n\",\"limit_fen\":0"

static const struct row {
    const char *name;
    bool create;
    const char *body; /* JSON text; JSON_ALLOW_NUL so that "\u0000" reaches record_check */
    enum want want;
    const char *field, *rule;
} rows[] = {
    /* shape of the body */
    {"minimal create", true, "{" BASE "}", OK, NULL, NULL},
    {"array body", true, "[1]", E400, NULL, NULL},
    {"string body", true, "\"x\"", E400, NULL, NULL},
    {"unknown field", true, "{" BASE ",\"colour_x\":1}", E400, "colour_x", NULL},
    {"unknown field on PATCH", false, "{\"nmae\":\"x\"}", E400, "nmae", NULL},
    {"internal field is unknown to clients", true, "{" BASE ",\"hash\":\"x\"}", E400, "hash",
     NULL},
    /* money: integer fen only; jansson reads 1.5 and 1e3 as reals */
    {"money with a fraction", true, "{" BASE ",\"amount_fen\":1.5}", E400, "amount_fen", NULL},
    {"money 1.0 is still a fraction", true, "{" BASE ",\"amount_fen\":1.0}", E400, "amount_fen",
     NULL},
    {"money with an exponent", true, "{" BASE ",\"amount_fen\":1e3}", E400, "amount_fen", NULL},
    {"money as a string", true, "{" BASE ",\"amount_fen\":\"100\"}", E400, "amount_fen", NULL},
    {"money as a bool", true, "{" BASE ",\"amount_fen\":true}", E400, "amount_fen", NULL},
    {"money zero", true, "{" BASE ",\"amount_fen\":0}", OK, NULL, NULL},
    {"money at the cap 10^13", true, "{" BASE ",\"amount_fen\":10000000000000}", OK, NULL, NULL},
    {"money above the cap", true, "{" BASE ",\"amount_fen\":10000000000001}", E422,
     "amount_fen", "amount_too_large"},
    {"money negative", true, "{" BASE ",\"amount_fen\":-1}", E422, "amount_fen",
     "amount_not_positive"},
    {"limit negative: the field's own rule", true,
     "{\"code\":\"T1\",\"name\":\"n\",\"limit_fen\":-1}", E422, "limit_fen", "limit_negative"},
    {"limit above the cap is amount_too_large, not limit_negative", true,
     "{\"code\":\"T1\",\"name\":\"n\",\"limit_fen\":10000000000001}", E422, "limit_fen",
     "amount_too_large"},
    /* integers with a range */
    {"term 0", true, "{" BASE ",\"term_days\":0}", OK, NULL, NULL},
    {"term 365", true, "{" BASE ",\"term_days\":365}", OK, NULL, NULL},
    {"term 366", true, "{" BASE ",\"term_days\":366}", E422, "term_days", "term_out_of_range"},
    {"term -1", true, "{" BASE ",\"term_days\":-1}", E422, "term_days", "term_out_of_range"},
    {"qty 0 below min, no own rule", true, "{" BASE ",\"qty\":0}", E422, "qty", "out_of_range"},
    {"qty 101", true, "{" BASE ",\"qty\":101}", E422, "qty", "out_of_range"},
    {"int as real", true, "{" BASE ",\"qty\":2.0}", E400, "qty", NULL},
    {"lot qty 0: the field's own rule", true, "{" BASE ",\"lot_qty\":0}", E422, "lot_qty",
     "zero_qty"},
    {"lot qty 10^8", true, "{" BASE ",\"lot_qty\":100000000}", OK, NULL, NULL},
    {"lot qty above 10^8 is qty_too_large, not zero_qty", true,
     "{" BASE ",\"lot_qty\":100000001}", E422, "lot_qty", "qty_too_large"},
    /* required */
    {"create without the key", true, "{\"name\":\"n\",\"limit_fen\":0}", E422, "code",
     "required"},
    {"create without a required text", true, "{\"code\":\"T1\",\"limit_fen\":0}", E422, "name",
     "required"},
    {"create without required money", true, "{\"code\":\"T1\",\"name\":\"n\"}", E422,
     "limit_fen", "required"},
    {"create with null required", true, "{\"code\":\"T1\",\"name\":null,\"limit_fen\":0}", E422,
     "name", "required"},
    {"create with empty required text", true, "{\"code\":\"T1\",\"name\":\"\",\"limit_fen\":0}",
     E422, "name", "required"},
    /* text length counts characters, not bytes */
    {"5 Chinese characters (15 bytes) fit text(5)", true,
     "{\"code\":\"T1\",\"name\":\"华东市场区\",\"limit_fen\":0}", OK, NULL, NULL},
    {"6 Chinese characters are too long", true,
     "{\"code\":\"T1\",\"name\":\"华东市场区域\",\"limit_fen\":0}", E422, "name", "too_long"},
    {"6 ASCII characters are too long", true,
     "{\"code\":\"T1\",\"name\":\"abcdef\",\"limit_fen\":0}", E422, "name", "too_long"},
    {"4-byte characters count once", true,
     "{\"code\":\"T1\",\"name\":\"\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98"
     "\x80\xF0\x9F\x98\x80\",\"limit_fen\":0}",
     OK, NULL, NULL},
    {"text(10) with a newline (LONG)", true, "{" BASE ",\"note\":\"a\\nb\"}", OK, NULL, NULL},
    {"LONG 11 characters", true, "{" BASE ",\"note\":\"一二三四五六七八九十一\"}", E422, "note",
     "too_long"},
    {"newline in single-line text", true, "{\"code\":\"T1\",\"name\":\"a\\nb\",\"limit_fen\":0}",
     E422, "name", "invalid_text"},
    {"tab in text", true, "{" BASE ",\"title\":\"a\\tb\"}", E422, "title", "invalid_text"},
    {"NUL inside a string", true, "{" BASE ",\"title\":\"a\\u0000b\"}", E400, "title", NULL},
    {"text as a number", true, "{" BASE ",\"title\":5}", E400, "title", NULL},
    /* codes, enums, dates, periods, phones, tax ids, refs, bools, JSON */
    {"bad code", true, "{\"code\":\"T 1\",\"name\":\"n\",\"limit_fen\":0}", E422, "code",
     "invalid_code"},
    {"code of 33 characters", true,
     "{\"code\":\"abcdefghijabcdefghijabcdefghijabc\",\"name\":\"n\",\"limit_fen\":0}", E422,
     "code", "invalid_code"},
    {"known enum", true, "{" BASE ",\"colour\":\"green\"}", OK, NULL, NULL},
    {"unknown enum", true, "{" BASE ",\"colour\":\"blue\"}", E422, "colour", "invalid_value"},
    {"enum is case sensitive", true, "{" BASE ",\"colour\":\"Red\"}", E422, "colour",
     "invalid_value"},
    {"date", true, "{" BASE ",\"since\":\"2024-02-29\"}", OK, NULL, NULL},
    {"impossible date", true, "{" BASE ",\"since\":\"2026-02-30\"}", E422, "since",
     "invalid_date"},
    {"period", true, "{" BASE ",\"period\":\"2026-11\"}", OK, NULL, NULL},
    {"bad period", true, "{" BASE ",\"period\":\"2026-13\"}", E422, "period", "invalid_period"},
    {"phone", true, "{" BASE ",\"phone\":\"+86 (21) 5555-1234\"}", OK, NULL, NULL},
    {"empty phone allowed", true, "{" BASE ",\"phone\":\"\"}", OK, NULL, NULL},
    {"bad phone", true, "{" BASE ",\"phone\":\"call me\"}", E422, "phone", "invalid_phone"},
    {"tax id with checksum warning is kept", true, "{" BASE ",\"tax_id\":\"123456789012345\"}",
     OK, NULL, NULL},
    {"bad tax id", true, "{" BASE ",\"tax_id\":\"91-3501\"}", E422, "tax_id", "invalid_tax_id"},
    {"ref", true, "{" BASE ",\"owner\":\"kam1\"}", OK, NULL, NULL},
    {"bad ref", true, "{" BASE ",\"owner\":\"kam 1\"}", E422, "owner", "invalid_code"},
    {"bool", true, "{" BASE ",\"active\":false}", OK, NULL, NULL},
    {"bool as 0", true, "{" BASE ",\"active\":0}", E400, "active", NULL},
    {"JSON array", true, "{" BASE ",\"extra\":[{\"a\":1}]}", OK, NULL, NULL},
    {"JSON as a string", true, "{" BASE ",\"extra\":\"[]\"}", E400, "extra", NULL},
    {"fixed field at create", true, "{" BASE ",\"origin\":\"import\"}", OK, NULL, NULL},
    /* PATCH */
    {"PATCH without required fields", false, "{\"note\":\"x\"}", OK, NULL, NULL},
    {"PATCH empty body", false, "{}", OK, NULL, NULL},
    {"PATCH null clears an optional field", false, "{\"note\":null}", OK, NULL, NULL},
    {"PATCH null on a required text", false, "{\"name\":null}", E422, "name", "required"},
    {"PATCH null on required money", false, "{\"limit_fen\":null}", E422, "limit_fen",
     "required"},
    {"PATCH empty required text", false, "{\"name\":\"\"}", E422, "name", "required"},
    {"PATCH the key", false, "{\"code\":\"T2\"}", E422, "code", "immutable"},
    {"PATCH the key to null", false, "{\"code\":null}", E422, "code", "immutable"},
    {"PATCH a fixed field", false, "{\"origin\":\"x\"}", E422, "origin", "immutable"},
    {"PATCH checks values too", false, "{\"amount_fen\":1.5}", E400, "amount_fen", NULL},
};

static int status_of(const struct osb_err *e)
{
    return e->code == ERR_OK ? 0 : err_http_status(e->code);
}

static void test_rows(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        const struct row *r = &rows[i];
        json_error_t je;
        json_t *body = json_loads(r->body, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
        if (!body) {
            expect(&bad, false, "%s: test body is not JSON: %s", r->name, je.text);
            continue;
        }
        struct osb_err e = OSB_ERR_INIT;
        json_t *clean = (json_t *)1;
        int rc = record_check(&thing, body, r->create, &clean, &e);
        int got = rc == 0 ? OK : status_of(&e);
        expect(&bad, got == (int)r->want, "%s: got %d (%s %s/%s) want %d", r->name, got,
               e.message, e.field, e.rule, r->want);
        if (rc == 0)
            expect(&bad, json_is_object(clean), "%s: no clean object", r->name);
        else
            expect(&bad, clean == NULL, "%s: clean not reset on failure", r->name);
        if (got == (int)r->want && r->want != OK) {
            expect(&bad, strcmp(e.field, r->field ? r->field : "") == 0,
                   "%s: field '%s' want '%s'", r->name, e.field, r->field ? r->field : "");
            expect(&bad, strcmp(e.rule, r->rule ? r->rule : "") == 0, "%s: rule '%s' want '%s'",
                   r->name, e.rule, r->rule ? r->rule : "");
        }
        json_decref(clean == (json_t *)1 ? NULL : clean);
        json_decref(body);
        err_clear(&e);
    }
    assert_int_equal(bad, 0);
}

static json_t *check_ok(const char *text, bool create)
{
    json_t *body = json_loads(text, 0, NULL);
    assert_non_null(body);
    struct osb_err e = OSB_ERR_INIT;
    json_t *clean = NULL;
    int rc = record_check(&thing, body, create, &clean, &e);
    if (rc != 0)
        print_error("%s: %s\n", text, e.message);
    assert_int_equal(rc, 0);
    json_decref(body);
    return clean;
}

/* The clean object holds exactly what the client sent (normalised), and a PATCH null as null. */
static void test_clean_object(void **state)
{
    (void)state;
    json_t *c = check_ok("{" BASE ",\"active\":true,\"extra\":{\"k\":[1]},\"note\":\"x\"}", true);
    assert_int_equal(json_object_size(c), 6);
    assert_string_equal(json_string_value(json_object_get(c, "code")), "T1");
    assert_int_equal(json_integer_value(json_object_get(c, "limit_fen")), 0);
    assert_true(json_is_true(json_object_get(c, "active")));
    assert_true(json_is_object(json_object_get(c, "extra")));
    assert_null(json_object_get(c, "amount_fen")); /* absent stays absent */
    json_decref(c);

    c = check_ok("{\"note\":null,\"phone\":null,\"qty\":7}", false);
    assert_int_equal(json_object_size(c), 3);
    assert_true(json_is_null(json_object_get(c, "note")));
    assert_true(json_is_null(json_object_get(c, "phone")));
    assert_int_equal(json_integer_value(json_object_get(c, "qty")), 7);
    json_decref(c);

    /* null on create means "not given" for an optional field. */
    c = check_ok("{" BASE ",\"note\":null}", true);
    assert_null(json_object_get(c, "note"));
    json_decref(c);
}

/* details.field of an unknown field is cut to the buffer; the cut must not split a character,
   or the error envelope (JSON) cannot be built and the server answers nothing. */
static void test_error_text_stays_utf8(void **state)
{
    (void)state;
    struct {
        char buf[512];
    } name;
    /* 'a' shifts the 3-byte characters so that the 63-byte cut falls inside one. */
    size_t n = 0;
    name.buf[n++] = 'a';
    for (int i = 0; i < 60; i++) {
        memcpy(name.buf + n, "名", 3);
        n += 3;
    }
    name.buf[n] = '\0';
    json_t *body = json_object();
    json_object_set_new(body, name.buf, json_integer(1));
    json_t *clean = NULL;
    struct osb_err e = OSB_ERR_INIT;
    assert_int_equal(record_check(&thing, body, true, &clean, &e), -1);
    assert_int_equal(e.code, ERR_BAD_REQUEST);
    assert_true(utf8_chars(e.field) != (size_t)-1);
    assert_true(utf8_chars(e.message) != (size_t)-1);
    assert_true(strncmp(e.field, name.buf, 61) == 0); /* 'a' + 20 whole characters kept */
    json_decref(body);
    err_clear(&e);

    /* A message quoting raw bytes (as a JSON parser's excerpt of a bad body does). */
    err_set(&e, ERR_BAD_REQUEST, "near '%s'", "ab\xCD\x9C\xFF\xC3");
    assert_true(utf8_chars(e.message) != (size_t)-1);
    assert_string_equal(e.message, "near 'ab\xCD\x9C?" "?'"); /* no trigraph */
    err_invalid(&e, "f\xE4\xB8", "r\x80", "m");
    assert_string_equal(e.field, "f??");
    assert_string_equal(e.rule, "r?");
    err_clear(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_clean_object),
        cmocka_unit_test(test_error_text_stays_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
