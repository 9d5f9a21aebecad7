/*
 * bench_data.h — the synthetic master data shared by op_load.c (which creates it through the
 * API and orders against it) and raw_sqlite.c (which writes the same rows directly), so both
 * programs order the same customers and products in the same shapes.
 *
 * The organisation is the demo company of `osb demo`: 8 markets, 2 regions each, one KAM and
 * one UM per region, one MM per market, the market's SLT supervisor (director or deputy).
 * On top of it the bench adds BENCH_CUSTOMERS customers B00001.. spread round-robin over the
 * 16 regions, and BENCH_PRODUCTS products BP00001.. with case sizes 6/12/24.
 */
#ifndef BENCH_DATA_H
#define BENCH_DATA_H

#include <stdio.h>

#define BENCH_CUSTOMERS 10000
#define BENCH_PRODUCTS 5000
#define BENCH_NREGIONS 16
#define BENCH_WAREHOUSE "WH-GZ"
#define BENCH_BATCH "BENCH1"
/* Cases of stock received per product: far more than a bounded run can reserve. */
#define BENCH_STOCK_CASES 100000
/* Credit limit of every bench customer (fen): CC always passes (row "within the limit"). */
#define BENCH_CREDIT_LIMIT_FEN 100000000000LL

struct bench_region {
    const char *code, *market, *supervisor;
};

static const struct bench_region bench_regions[BENCH_NREGIONS] = {
    {"SY", "NE", "director"}, {"HRB", "NE", "director"}, {"BJ", "N", "director"},
    {"TJ", "N", "director"},  {"XA", "NW", "director"},  {"LZ", "NW", "director"},
    {"WH", "C", "director"},  {"CS", "C", "director"},   {"JN", "SD", "deputy"},
    {"QD", "SD", "deputy"},   {"SH", "E", "deputy"},     {"HZ", "E", "deputy"},
    {"GZ", "S", "deputy"},    {"SZ", "S", "deputy"},     {"CD", "SW", "deputy"},
    {"CQ", "SW", "deputy"},
};

/* Customer i (1-based) lives in region (i - 1) % 16. */
static inline const struct bench_region *bench_customer_region(int i)
{
    return &bench_regions[(i - 1) % BENCH_NREGIONS];
}
static inline void bench_customer_code(int i, char *buf, size_t n) { snprintf(buf, n, "B%05d", i); }
static inline void bench_sku(int j, char *buf, size_t n) { snprintf(buf, n, "BP%05d", j); }
static inline int bench_case_size(int j) { return j % 3 == 0 ? 6 : j % 3 == 1 ? 12 : 24; }
static inline long long bench_price_fen(int j) { return 1000 + (j * 37LL) % 9000; }

/* xorshift: each client thread draws its own sequence. */
static inline unsigned bench_rand(unsigned *s)
{
    unsigned x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x ? x : 0x9e3779b9u;
}

#endif
