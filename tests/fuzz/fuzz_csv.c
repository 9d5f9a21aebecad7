/*
 * fuzz_csv.c — libFuzzer target for csv_parse (core/csv.h), the reader of every CSV import.
 *
 * Properties: no crash or leak on any input; a failure names a line that exists; a successful
 * parse gives an array of non-empty rows of strings, and writing those rows back out (once with
 * every field quoted and LF line ends, once with minimal quoting and CRLF) and parsing again
 * gives the same rows; csv_parse_lines agrees and numbers the rows' first lines in order.
 */
#include "core/csv.h"
#include "core/sb.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                            \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fprintf(stderr, "fuzz_csv: %s:%d: property failed: %s\n", __FILE__, __LINE__,     \
                    #cond);                                                                    \
            abort();                                                                           \
        }                                                                                      \
    } while (0)

static bool needs_quotes(const char *s, size_t len, bool alone, bool first)
{
    if (len == 0)
        return alone; /* a row of one empty field would read as an empty line */
    if (first && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        return true; /* would be taken for the BOM */
    for (size_t i = 0; i < len; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
            return true;
    return false;
}

static void write_rows(struct sb *out, json_t *rows, bool quote_all, const char *eol)
{
    size_t i, j;
    json_t *row, *cell;
    json_array_foreach(rows, i, row) {
        json_array_foreach(row, j, cell) {
            const char *s = json_string_value(cell);
            size_t len = json_string_length(cell);
            if (j > 0)
                sb_addc(out, ',');
            bool q = quote_all || needs_quotes(s, len, json_array_size(row) == 1, i == 0 && j == 0);
            if (!q) {
                sb_addn(out, s, len);
                continue;
            }
            sb_addc(out, '"');
            for (size_t k = 0; k < len; k++) {
                if (s[k] == '"')
                    sb_addc(out, '"');
                sb_addc(out, s[k]);
            }
            sb_addc(out, '"');
        }
        sb_add(out, eol);
    }
}

static void check_shape(json_t *rows)
{
    CHECK(json_is_array(rows));
    size_t i, j;
    json_t *row, *cell;
    json_array_foreach(rows, i, row) {
        CHECK(json_is_array(row) && json_array_size(row) > 0);
        json_array_foreach(row, j, cell) {
            CHECK(json_is_string(cell));
            CHECK(strlen(json_string_value(cell)) == json_string_length(cell));
        }
    }
}

static void round_trip(json_t *rows, bool quote_all, const char *eol)
{
    struct sb out = SB_INIT;
    write_rows(&out, rows, quote_all, eol);
    size_t bad = 0;
    json_t *again = csv_parse(sb_str(&out), out.len, &bad);
    if (!again || !json_equal(again, rows)) {
        fprintf(stderr, "fuzz_csv: round trip (%s) failed at line %zu\n",
                quote_all ? "quoted" : "minimal", bad);
        abort();
    }
    json_decref(again);
    sb_free(&out);
}

/* csv_parse_lines gives the same rows, and for each the line it starts on: strictly
   increasing, within the text's lines. */
static void check_lines(const char *text, size_t size, json_t *rows)
{
    size_t bad = 0, nlines = 1;
    for (size_t i = 0; i < size; i++)
        if (text[i] == '\n' || (text[i] == '\r' && !(i + 1 < size && text[i + 1] == '\n')))
            nlines++;
    json_t *lines = NULL;
    json_t *again = csv_parse_lines(text, size, &bad, &lines);
    CHECK(again != NULL && json_equal(again, rows));
    CHECK(json_is_array(lines) && json_array_size(lines) == json_array_size(rows));
    json_int_t prev = 0;
    size_t i;
    json_t *v;
    json_array_foreach(lines, i, v) {
        CHECK(json_is_integer(v));
        json_int_t l = json_integer_value(v);
        CHECK(l > prev && (size_t)l <= nlines);
        prev = l;
    }
    json_decref(lines);
    json_decref(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__ubsan_default_options(void);

/* The Makefile builds fuzz targets with recoverable UBSan; a report must stop the run. */
const char *__ubsan_default_options(void) { return "halt_on_error=1:print_stacktrace=1"; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    /* A private copy without a terminator, so ASan catches any read past len. */
    char *text = malloc(size ? size : 1);
    if (!text)
        return 0;
    memcpy(text, data, size);

    size_t bad = 0;
    json_t *rows = csv_parse(text, size, &bad);
    if (!rows) {
        size_t lines = 1;
        for (size_t i = 0; i < size; i++)
            if (text[i] == '\n' || text[i] == '\r')
                lines++;
        CHECK(bad >= 1 && bad <= lines);
    } else {
        check_shape(rows);
        round_trip(rows, true, "\n");
        round_trip(rows, false, "\r\n");
        check_lines(text, size, rows);
        json_decref(rows);
    }
    free(text);
    return 0;
}
