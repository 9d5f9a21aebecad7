/*
 * aging_bench.c — times the receivables aging query (api.md §3.5 GET /receivables/aging) on
 * 10 million invoices (issue "BC", item 4; target < 0.5 s).
 *
 *   aging_bench --db FILE [-n invoices] [-c customers] [--keep]
 *
 * FILE must be a database `osb init` just created: the bench loads into the very tables and
 * indexes the server uses (schema.c), then runs the exact SQL text of the server
 * (STORE_AGING_HEAD / STORE_AGING_TAIL of store/ledger.h, as a finance user sees it: every
 * customer, no scope filter) and, a second time, filtered to one market.
 *
 * The data: c customers over the 8 demo markets; n invoices dated over the last three years
 * (uniformly), payment terms of 30 or 60 days. Like a real ledger, old invoices are paid:
 * an invoice is open (or partly paid) when it is not yet due + 10 days, and 2 % of older ones
 * stay overdue — so about 6 % of the rows are open and read by the query, through the partial
 * index invoices_open. Loading uses one transaction with synchronous=OFF (it is set-up, not
 * what is measured). Each query runs 3 times; the figure is the slowest run.
 *
 * Prints "aging: <n> invoices (<open> open), <c> customers: <seconds> s (target < 0.5 s)".
 * Exit 1 on a SQLite error. It is a bench program, not part of osb.
 */
#include "store/ledger.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const markets[] = {"NE", "N", "NW", "C", "SD", "E", "S", "SW"};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(sqlite3 *db, const char *what)
{
    fprintf(stderr, "aging_bench: %s: %s\n", what, sqlite3_errmsg(db));
    exit(1);
}

static void exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "aging_bench: %s: %s\n", sql, msg ? msg : "?");
        exit(1);
    }
}

/* Civil date from days since 1970-01-01 (Howard Hinnant's algorithm). */
static void civil(int64_t z, char out[11])
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    snprintf(out, 11, "%04d-%02d-%02d", (int)(y + (m <= 2)), (int)m, (int)d);
}

static uint64_t rng = 88172645463325252ULL;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* One run of the server's aging SQL; returns seconds, sets rows and the total open fen. */
static double run(sqlite3 *db, int64_t as_of, const char *market, int *rows, int64_t *total)
{
    static const char sql[] = STORE_AGING_HEAD STORE_AGING_TAIL;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        die(db, "prepare aging");
    char d[4][11];
    for (int i = 0; i < 4; i++)
        civil(as_of - 30 * i, d[i]);
    /* The order of store_aging_params(): as_of, as_of, −30, −30, −60, −60, −90, −90, as_of,
       market, market, region, region. */
    const char *p[13] = {d[0], d[0], d[1], d[1], d[2], d[2], d[3], d[3], d[0],
                         market, market, NULL, NULL};
    for (int i = 0; i < 13; i++)
        if (p[i])
            sqlite3_bind_text(st, i + 1, p[i], -1, SQLITE_STATIC);
    double t0 = now_s();
    *rows = 0;
    *total = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        (*rows)++;
        *total += sqlite3_column_int64(st, 6);
    }
    double t1 = now_s();
    if (rc != SQLITE_DONE)
        die(db, "aging");
    sqlite3_finalize(st);
    return t1 - t0;
}

int main(int argc, char **argv)
{
    const char *path = NULL;
    long n = 10000000, nc = 10000;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
            path = argv[++i];
        else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
            n = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
            nc = strtol(argv[++i], NULL, 10);
        else {
            fprintf(stderr, "usage: aging_bench --db FILE [-n invoices] [-c customers]\n");
            return 2;
        }
    }
    if (!path || n < 1 || nc < 1) {
        fprintf(stderr, "usage: aging_bench --db FILE [-n invoices] [-c customers]\n");
        return 2;
    }
    sqlite3 *db;
    if (sqlite3_open(path, &db) != SQLITE_OK)
        die(db, "open");
    exec(db, "PRAGMA synchronous=OFF; PRAGMA foreign_keys=OFF; PRAGMA cache_size=-262144;");
    int64_t today = (int64_t)(time(NULL) / 86400);
    char day[11];
    civil(today, day);
    double t0 = now_s();
    exec(db, "BEGIN");
    exec(db, "INSERT OR IGNORE INTO users(username, name, password_hash, role, department,"
             " created_at, updated_at) VALUES('bench_kam', 'bench', '-', 'kam', 'sales', 0, 0),"
             " ('bench_slt', 'bench', '-', 'sales_director', 'slt', 0, 0)");
    for (size_t m = 0; m < 8; m++) {
        char sql[512];
        snprintf(sql, sizeof sql,
                 "INSERT OR IGNORE INTO markets(code, name, slt_supervisor, created_at,"
                 " updated_at) VALUES('%s', '%s', 'bench_slt', 0, 0);"
                 "INSERT OR IGNORE INTO regions(code, name, market, created_at, updated_at)"
                 " VALUES('R%s', 'R%s', '%s', 0, 0);",
                 markets[m], markets[m], markets[m], markets[m], markets[m]);
        exec(db, sql);
    }
    sqlite3_stmt *cst, *ist;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO customers(code, name, market, region, kam,"
                           " credit_limit_fen, payment_term_days, created_at, updated_at)"
                           " VALUES(?, ?, ?, ?, 'bench_kam', 100000000, ?, 0, 0)",
                           -1, &cst, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "INSERT INTO invoices(number, customer, order_no, invoice_date,"
                           " due_date, amount_fen, settled_fen, state, created_at)"
                           " VALUES(?, ?, NULL, ?, ?, ?, ?, ?, 0)",
                           -1, &ist, NULL) != SQLITE_OK)
        die(db, "prepare load");
    for (long i = 0; i < nc; i++) {
        char code[32], region[8];
        snprintf(code, sizeof code, "BA%06ld", i);
        snprintf(region, sizeof region, "R%s", markets[i % 8]);
        sqlite3_bind_text(cst, 1, code, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(cst, 2, code, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(cst, 3, markets[i % 8], -1, SQLITE_STATIC);
        sqlite3_bind_text(cst, 4, region, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(cst, 5, i % 2 ? 60 : 30);
        if (sqlite3_step(cst) != SQLITE_DONE)
            die(db, "insert customer");
        sqlite3_reset(cst);
    }
    long open = 0;
    for (long i = 0; i < n; i++) {
        long cu = (long)(next() % (uint64_t)nc);
        int64_t age = (int64_t)(next() % 1095); /* invoice dated up to 3 years ago */
        int term = cu % 2 ? 60 : 30;
        char num[32], code[32], idate[11], ddate[11];
        snprintf(num, sizeof num, "BN%09ld", i);
        snprintf(code, sizeof code, "BA%06ld", cu);
        civil(today - age, idate);
        civil(today - age + term, ddate);
        int64_t amount = 10000 + (int64_t)(next() % 5000000);
        bool is_open = age < term + 10 || next() % 50 == 0;
        int64_t settled = is_open ? (next() % 3 == 0 ? amount / 2 : 0) : amount;
        open += is_open;
        sqlite3_bind_text(ist, 1, num, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ist, 2, code, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ist, 3, idate, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ist, 4, ddate, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(ist, 5, amount);
        sqlite3_bind_int64(ist, 6, settled);
        sqlite3_bind_text(ist, 7, !is_open ? "paid" : settled ? "partial" : "open", -1,
                          SQLITE_STATIC);
        if (sqlite3_step(ist) != SQLITE_DONE)
            die(db, "insert invoice");
        sqlite3_reset(ist);
    }
    sqlite3_finalize(cst);
    sqlite3_finalize(ist);
    exec(db, "COMMIT");
    exec(db, "ANALYZE");
    double t1 = now_s();
    printf("aging_bench: loaded %ld invoices (%ld open) for %ld customers in %.1f s\n", n, open,
           nc, t1 - t0);
    exec(db, "PRAGMA synchronous=FULL");
    double worst = 0, worst_m = 0;
    int rows = 0, rows_m = 0;
    int64_t total = 0, total_m = 0;
    for (int k = 0; k < 3; k++) {
        double s = run(db, today, NULL, &rows, &total);
        worst = s > worst ? s : worst;
        s = run(db, today, "S", &rows_m, &total_m);
        worst_m = s > worst_m ? s : worst_m;
    }
    printf("aging (market S): %d customers, %lld fen open: %.3f s\n", rows_m,
           (long long)total_m, worst_m);
    printf("aging: %ld invoices (%ld open), %d customers, %lld fen open: %.3f s (target < 0.5 s)\n",
           n, open, rows, (long long)total, worst);
    sqlite3_close(db);
    return 0;
}
