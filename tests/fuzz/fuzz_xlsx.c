/*
 * fuzz_xlsx.c — libFuzzer target for xlsx_rows and zip_member (core/xlsx.h), the reader of
 * XLSX imports (a distributor's inventory report from Excel).
 *
 * Properties: no crash, leak or read past the input on any bytes; a refusal carries a reason;
 * a successful read gives an array of non-empty rows of strings with as many row numbers,
 * strictly increasing and within Excel's 1..1048576; reading the same bytes twice gives the
 * same rows.
 */
#include "core/xlsx.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_xlsx: %s:%d: property failed: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__ubsan_default_options(void);

/* The Makefile builds fuzz targets with recoverable UBSan; a report must stop the run. */
const char *__ubsan_default_options(void)
{
    return "halt_on_error=1:print_stacktrace=1";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 18)
        return 0;
    /* A private copy, so ASan catches any read past len. */
    unsigned char *buf = malloc(size ? size : 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);

    char *m = NULL;
    size_t ml = 0;
    const char *why = NULL;
    int f = zip_member(buf, size, "xl/worksheets/sheet1.xml", &m, &ml, &why);
    CHECK(f >= -1 && f <= 1);
    CHECK(f != -1 || why != NULL);
    if (f == 1)
        CHECK(m != NULL && m[ml] == '\0');
    free(m);

    json_t *nums = NULL;
    why = NULL;
    json_t *rows = xlsx_rows(buf, size, &nums, &why);
    if (!rows) {
        CHECK(why != NULL && nums == NULL);
    } else {
        CHECK(json_is_array(rows) && json_is_array(nums));
        CHECK(json_array_size(rows) == json_array_size(nums));
        json_int_t prev = 0;
        size_t i, j;
        json_t *row, *cell;
        json_array_foreach(rows, i, row)
        {
            CHECK(json_is_array(row) && json_array_size(row) > 0);
            json_array_foreach(row, j, cell) CHECK(json_is_string(cell));
            json_int_t n = json_integer_value(json_array_get(nums, i));
            CHECK(n > prev && n <= 1048576);
            prev = n;
        }
        json_t *again = xlsx_rows(buf, size, NULL, &why);
        CHECK(again != NULL && json_equal(again, rows));
        json_decref(again);
        json_decref(rows);
        json_decref(nums);
    }
    free(buf);
    return 0;
}
