/*
 * fuzz_bank.c — libFuzzer target for the bank-file readers of the collection routine
 * (rules/collection.h): the column names, yuan amounts, dates and remarks of a bank export, the
 * fields `POST /bank-receipts/import` takes from any bank's CSV.
 *
 * Input: the bytes up to the first NUL are a field; the bytes after it (if any) a customer code.
 * Properties: no crash, leak or undefined behaviour on any input; a column is one of the known
 * ones or -1; an accepted amount is positive fen within the 10^13 cap and reads back the same
 * when written as yuan with two decimals; an accepted date is YYYY-MM-DD and is accepted again
 * unchanged; a remark that names a code contains it, and codes under 3 characters never match.
 */
#include "core/str.h"
#include "rules/collection.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_bank: %s:%d: property failed: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 2);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = buf[size + 1] = '\0';
    const char *field = buf;
    const char *code = buf + strlen(buf) + (strlen(buf) < size ? 1 : 0);

    int col = bank_column(field);
    CHECK(col >= -1 && col < BANKC__COUNT);

    long long fen = 0;
    if (bank_amount_yuan(field, &fen)) {
        CHECK(fen > 0 && fen <= 10000000000000LL);
        char again[48];
        CHECK(str_fmt(again, sizeof again, "%lld.%02lld", fen / 100, fen % 100) == 0);
        long long fen2 = 0;
        CHECK(bank_amount_yuan(again, &fen2));
        CHECK(fen2 == fen);
    }

    char day[11];
    if (bank_date(field, day)) {
        CHECK(strlen(day) == 10 && day[4] == '-' && day[7] == '-');
        for (int i = 0; i < 10; i++)
            CHECK(i == 4 || i == 7 || is_digit(day[i]));
        char day2[11];
        CHECK(bank_date(day, day2));
        CHECK(strcmp(day, day2) == 0);
    }

    if (bank_memo_names(field, code)) {
        CHECK(strlen(code) >= 3);
        CHECK(strstr(field, code) != NULL);
    }
    free(buf);
    return 0;
}
