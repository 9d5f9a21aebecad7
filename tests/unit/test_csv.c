/*
 * test_csv.c — table tests for core/csv.c (RFC 4180 reader of the CSV imports): quoting,
 * doubled quotes, CRLF and bare CR, the BOM, empty lines, and malformed input with the line it
 * is reported on.
 */
#include "expect.h"

#include <string.h>

#include "core/csv.h"

static const struct row {
    const char *name;
    const char *text;
    size_t len;       /* 0: strlen(text) */
    const char *want; /* rows as JSON text, or NULL when malformed */
    size_t bad_line;
} rows[] = {
    {"empty input", "", 0, "[]", 0},
    {"only line ends", "\n\r\n\r", 0, "[]", 0},
    {"one field", "a", 0, "[[\"a\"]]", 0},
    {"two rows, LF", "a,b\nc,d\n", 0, "[[\"a\",\"b\"],[\"c\",\"d\"]]", 0},
    {"no final line end", "a,b\nc,d", 0, "[[\"a\",\"b\"],[\"c\",\"d\"]]", 0},
    {"CRLF", "a,b\r\nc,d\r\n", 0, "[[\"a\",\"b\"],[\"c\",\"d\"]]", 0},
    {"bare CR", "a\rb\r", 0, "[[\"a\"],[\"b\"]]", 0},
    {"empty lines are skipped", "a\n\n\r\n\nb\n", 0, "[[\"a\"],[\"b\"]]", 0},
    {"empty fields", ",a,,\n", 0, "[[\"\",\"a\",\"\",\"\"]]", 0},
    {"a lone comma is two empty fields", ",", 0, "[[\"\",\"\"]]", 0},
    {"quoted empty field is a row", "\"\"\n", 0, "[[\"\"]]", 0},
    {"quoted comma", "\"a,b\",c", 0, "[[\"a,b\",\"c\"]]", 0},
    {"doubled quote", "\"say \"\"hi\"\"\",x", 0, "[[\"say \\\"hi\\\"\",\"x\"]]", 0},
    {"only a doubled quote", "\"\"\"\"", 0, "[[\"\\\"\"]]", 0},
    {"newline inside quotes", "\"l1\nl2\",z\n", 0, "[[\"l1\\nl2\",\"z\"]]", 0},
    {"CRLF inside quotes is kept", "\"l1\r\nl2\"", 0, "[[\"l1\\r\\nl2\"]]", 0},
    {"spaces are data", " a , b ", 0, "[[\" a \",\" b \"]]", 0},
    {"BOM skipped", "\xEF\xBB\xBF" "code,name\n", 0, "[[\"code\",\"name\"]]", 0},
    {"BOM only at the start", "a\n\xEF\xBB\xBF" "b", 0, "[[\"a\"],[\"\xEF\xBB\xBF" "b\"]]", 0},
    {"BOM and nothing else", "\xEF\xBB\xBF", 0, "[]", 0},
    {"UTF-8 text", "名称,地址\n华东,\"上海,浦东\"\n", 0,
     "[[\"名称\",\"地址\"],[\"华东\",\"上海,浦东\"]]", 0},
    {"ragged rows are kept as they are", "a,b,c\nd\n", 0, "[[\"a\",\"b\",\"c\"],[\"d\"]]", 0},
    /* malformed, with the 1-based line */
    {"unterminated quote", "\"abc", 0, NULL, 1},
    {"unterminated quote on line 2 over several lines", "a\n\"b\nc\nd", 0, NULL, 2},
    {"quote inside an unquoted field", "ab\"c\n", 0, NULL, 1},
    {"quote inside an unquoted field, line 3", "a\nb\nc\"d", 0, NULL, 3},
    {"quote inside an unquoted field after CRLF", "a\r\nb\r\nc\"d", 0, NULL, 3},
    {"text after a closing quote", "\"a\"b", 0, NULL, 1},
    {"space after a closing quote", "x\n\"a\" ,b", 0, NULL, 2},
    {"line after a multi-line quoted field", "\"a\nb\",c\nd\"", 0, NULL, 3},
    {"NUL byte", "a,b\nc\0d\n", 8, NULL, 2},
    {"NUL inside quotes", "\"a\0\"", 4, NULL, 1},
    {"invalid UTF-8", "ok\n\xFF\n", 0, NULL, 2},
    {"truncated UTF-8 at the end", "a,\xE5\x90", 0, NULL, 1},
};

static void test_rows(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        const struct row *r = &rows[i];
        size_t len = r->len ? r->len : strlen(r->text);
        /* An unterminated copy, so that ASan sees any read past len. */
        char *copy = malloc(len ? len : 1);
        assert_non_null(copy);
        memcpy(copy, r->text, len);
        size_t line = 0;
        json_t *got = csv_parse(copy, len, &line);
        if (r->want) {
            json_t *want = json_loads(r->want, 0, NULL);
            expect(&bad, want != NULL, "%s: bad expected JSON", r->name);
            char *text = got ? json_dumps(got, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
            expect(&bad, got && want && json_equal(got, want), "%s: got %s (line %zu) want %s",
                   r->name, text ? text : "NULL", line, r->want);
            free(text);
            json_decref(want);
        } else {
            expect(&bad, got == NULL, "%s: parsed a malformed text", r->name);
            expect(&bad, line == r->bad_line, "%s: line %zu want %zu", r->name, line,
                   r->bad_line);
        }
        json_decref(got);
        free(copy);
    }
    assert_int_equal(bad, 0);
}

/* Quoting every field of the parsed rows and parsing again gives the same rows. */
static void test_round_trip(void **state)
{
    (void)state;
    const char *text = "\xEF\xBB\xBF" "a,\"b,\"\"c\"\"\"\r\n\"x\ny\",\n,,\n";
    size_t line = 0;
    json_t *rows1 = csv_parse(text, strlen(text), &line);
    assert_non_null(rows1);
    assert_int_equal(json_array_size(rows1), 3);
    char out[256];
    size_t n = 0;
    size_t i, j;
    json_t *row, *cell;
    json_array_foreach(rows1, i, row) {
        json_array_foreach(row, j, cell) {
            if (j > 0)
                out[n++] = ',';
            out[n++] = '"';
            for (const char *s = json_string_value(cell); *s; s++) {
                if (*s == '"')
                    out[n++] = '"';
                out[n++] = *s;
            }
            out[n++] = '"';
        }
        out[n++] = '\n';
    }
    assert_true(n < sizeof out);
    json_t *rows2 = csv_parse(out, n, &line);
    assert_non_null(rows2);
    assert_true(json_equal(rows1, rows2));
    json_decref(rows1);
    json_decref(rows2);
}

/* csv_parse_lines: the line each row starts on, counting blank lines and line breaks inside
   quoted fields (an import names the line a user sees in the file). */
static void test_row_lines(void **state)
{
    (void)state;
    static const struct {
        const char *name, *text, *want;
    } cases[] = {
        {"plain", "h\na\nb\n", "[1,2,3]"},
        {"blank line counted", "h\na\n\nb\n", "[1,2,4]"},
        {"CRLF and blank CRLF", "h\r\na\r\n\r\nb", "[1,2,4]"},
        {"multi-line quoted field", "h\n\"x\ny\",1\nb\n", "[1,2,4]"},
        {"leading blank lines", "\n\nh\na", "[3,4]"},
    };
    int bad = 0;
    for (size_t i = 0; i < ROWS(cases); i++) {
        size_t line = 0;
        json_t *lines = NULL;
        json_t *got = csv_parse_lines(cases[i].text, strlen(cases[i].text), &line, &lines);
        json_t *want = json_loads(cases[i].want, 0, NULL);
        expect(&bad, got && lines && json_equal(lines, want), "%s: wrong lines",
               cases[i].name);
        expect(&bad, got && lines && json_array_size(got) == json_array_size(lines),
               "%s: one line per row", cases[i].name);
        json_decref(got);
        json_decref(lines);
        json_decref(want);
    }
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_row_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
