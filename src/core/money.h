/*
 * money.h — money as int64 fen (分), with overflow-checked arithmetic.
 *
 * Money never touches floating point. Every operation that can overflow returns false instead
 * of wrapping; callers turn that into `422 amount_overflow`.
 */
#ifndef OSB_MONEY_H
#define OSB_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest amount a single money field may hold (api rule amount_too_large: > 10^13 fen). */
#define MONEY_MAX_FEN 10000000000000LL

bool money_add(int64_t a, int64_t b, int64_t *out);
bool money_sub(int64_t a, int64_t b, int64_t *out);
bool money_mul(int64_t a, int64_t b, int64_t *out);

/* round_half_up(num / den) for den > 0, computed in 128 bits; false if the result overflows
   or den <= 0. Halves round away from zero (-2.5 -> -3), so a credit note is the exact mirror of
   the invoice it reverses. */
bool money_div_round(__int128 num, int64_t den, int64_t *out);

/* VAT contained in a VAT-inclusive amount: round_half_up(amount * rate_bp / (10000 + rate_bp)). */
bool money_tax_fen(int64_t amount, int32_t rate_bp, int64_t *out);

/*
 * Formats fen as yuan with thousands separators: 123450 -> "¥1,234.50", -5 -> "-¥0.05".
 * Writes at most n bytes including the NUL; returns the length it needed (like snprintf).
 */
size_t money_format(int64_t fen, char *buf, size_t n);

/*
 * Parses yuan text exactly (string arithmetic): "1234.5", "1,234.50", "-0.05", "¥12" ->
 * fen. At most two decimals; returns false on anything else or on overflow.
 */
bool money_parse_yuan(const char *s, int64_t *out);

/* ceil(a / b) for b > 0 over 128-bit numerator; used for basis-point displays.
   Saturates at INT64_MIN/INT64_MAX when the quotient does not fit; 0 when b <= 0. */
int64_t money_ceil_div(__int128 a, int64_t b);

/* The explicit rounding modes of numbering-and-rules.md §2.3 ("rounded down" ⌊⌋, "up" ⌈⌉), for
   den > 0, computed in 128 bits; false when den <= 0 or the result overflows int64. */
bool money_div_floor(__int128 num, int64_t den, int64_t *out);
bool money_div_ceil(__int128 num, int64_t den, int64_t *out);

#endif
