/*
 * reports_bench.c — times every report query of the engine (store/report*.c, the exact
 * functions GET /reports/{name} runs) on a large data set (issue #14 item 6).
 *
 *   reports_bench --db FILE [-n orders] [-c customers] [--keep] [--load-only]
 *
 * --load-only loads the data set and stops (make bench-lists times the list endpoints of a
 * running server over it: scripts/bench-lists.sh).
 *
 * FILE must be a database `osb init` just created: the bench loads straight into the server's
 * tables (one transaction, synchronous=OFF: set-up, not what is measured): c customers over
 * the 8 markets × 2 regions with 16 KAMs, 200 products, and n orders dated uniformly over the
 * last three years, each with 2 lines, a delivered shipment, an invoice (2 lines, 30-day term)
 * and its ledger debit; 95 % of the invoices paid in full 20 days after their date (a receipt,
 * an allocation and a ledger credit), 2 % credited by a credit note of one line, the rest
 * left open. Then every report runs, as the general manager sees it (no scope filter), for
 * the last month, quarter and year, over all customers and over one market; each run is
 * timed once after a warm-up run of the same report and range (figures are warm-cache).
 *
 * Prints one line per report and range (wall and CPU seconds), then the slowest. It is a bench
 * program, not part of osb; it links the server's objects (build/rel) to call the store functions.
 */
#include "core/date.h"
#include "core/str.h"
#include "flow/report.h"
#include "rules/report.h"
#include "store/db.h"
#include "store/report.h"

#include <sqlite3.h>
#include <stdarg.h>
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

/* CPU time of this process: the shared development machine is often loaded (a load average
   of 20 on 2 cores while other builds run), so the bench prints both wall and CPU seconds. */
static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(sqlite3 *db, const char *what)
{
    fprintf(stderr, "reports_bench: %s: %s\n", what, sqlite3_errmsg(db));
    exit(1);
}

static void exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "reports_bench: %s: %s\n", sql, msg ? msg : "?");
        exit(1);
    }
}

static uint64_t rng = 88172645463325252ULL;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static sqlite3_stmt *prep(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        die(db, sql);
    return st;
}

/* Binds the values by type letters (s text, i int64) and steps once. */
static void run1(sqlite3 *db, sqlite3_stmt *st, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    for (int i = 0; types[i]; i++) {
        if (types[i] == 's')
            sqlite3_bind_text(st, i + 1, va_arg(ap, const char *), -1, SQLITE_TRANSIENT);
        else
            sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
    }
    va_end(ap);
    if (sqlite3_step(st) != SQLITE_DONE)
        die(db, "insert");
    sqlite3_reset(st);
}

/* The secondary indexes of the loaded tables (name, CREATE statement): dropped before the load
   and built again after it, since sorting a finished table into an index is far cheaper than
   keeping the index up to date row by row (set-up, not what is measured). */
static const char *const loaded_tables[] = {
    "customers",      "products",       "orders",      "order_lines",
    "shipments",      "shipment_lines", "invoices",    "invoice_lines",
    "payments",       "allocations",    "credit_notes", "credit_note_lines",
    "ledger",
};

static char **drop_indexes(sqlite3 *db, size_t *count)
{
    char **saved = NULL;
    size_t n = 0;
    for (size_t t = 0; t < sizeof loaded_tables / sizeof loaded_tables[0]; t++) {
        sqlite3_stmt *st = prep(db, "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
                                    " AND tbl_name = ? AND sql IS NOT NULL");
        sqlite3_bind_text(st, 1, loaded_tables[t], -1, SQLITE_STATIC);
        while (sqlite3_step(st) == SQLITE_ROW) {
            char **grown = realloc(saved, (n + 2) * sizeof *saved);
            if (!grown)
                exit(1);
            saved = grown;
            saved[n++] = strdup((const char *)sqlite3_column_text(st, 0));
            saved[n++] = strdup((const char *)sqlite3_column_text(st, 1));
        }
        sqlite3_finalize(st);
    }
    for (size_t i = 0; i < n; i += 2) {
        char sql[256];
        if (str_fmt(sql, sizeof sql, "DROP INDEX \"%s\"", saved[i]) < 0)
            exit(1);
        exec(db, sql);
    }
    *count = n;
    return saved;
}

static void build_indexes(sqlite3 *db, char **saved, size_t n)
{
    for (size_t i = 0; i < n; i += 2) {
        exec(db, saved[i + 1]);
        free(saved[i]);
        free(saved[i + 1]);
    }
    free(saved);
}

/* Loads nc customers and n orders; each paid invoice is paid by `parts` receipts (or one more,
   spread so the ledger holds about `ledger_target` rows when it is > 0): a distributor paying
   in instalments, each instalment a receipt, an allocation and a ledger credit. Every
   customer's ledger chains (seq 1, 2 …, running balance) and every invoice's settled_fen,
   credited_fen and state are the sums of its allocations, so `osb check` passes. */
static void load(sqlite3 *db, long n, long nc, long ledger_target, date_t today)
{
    exec(db, "BEGIN");
    size_t nidx;
    char **idx = drop_indexes(db, &nidx);
    for (size_t m = 0; m < 8; m++) {
        char sql[512];
        if (str_fmt(sql, sizeof sql,
                    "INSERT INTO users(username, name, password_hash, role, department,"
                    " created_at, updated_at) VALUES('bslt', 'bench', '-', 'gm', 'slt', 0, 0)"
                    " ON CONFLICT DO NOTHING;"
                    "INSERT INTO markets(code, name, slt_supervisor, created_at, updated_at)"
                    " VALUES('%s', '%s', 'bslt', 0, 0);",
                    markets[m], markets[m]) < 0)
            exit(1);
        exec(db, sql);
        for (int r = 0; r < 2; r++) {
            if (str_fmt(sql, sizeof sql,
                        "INSERT INTO regions(code, name, market, created_at, updated_at)"
                        " VALUES('%s%d', '%s%d', '%s', 0, 0);"
                        "INSERT INTO users(username, name, password_hash, role, department,"
                        " market, region, created_at, updated_at) VALUES('bkam_%s%d', 'k',"
                        " '-', 'kam', 'sales', '%s', '%s%d', 0, 0);",
                        markets[m], r, markets[m], r, markets[m], markets[m], r, markets[m],
                        markets[m], r) < 0)
                exit(1);
            exec(db, sql);
        }
    }
    sqlite3_stmt *prod = prep(db, "INSERT INTO products(sku, name, case_size, price_fen,"
                                  " created_at, updated_at) VALUES(?, 'p', ?, ?, 0, 0)");
    for (long p = 0; p < 200; p++) {
        char sku[16];
        if (str_fmt(sku, sizeof sku, "BP%04ld", p) < 0)
            exit(1);
        run1(db, prod, "sii", sku,
             (int64_t)(p % 3 == 0   ? 6
                       : p % 3 == 1 ? 12
                                    : 24),
             (int64_t)(500 + p * 37));
    }
    sqlite3_finalize(prod);
    sqlite3_stmt *cust = prep(db, "INSERT INTO customers(code, name, market, region, kam,"
                                  " credit_limit_fen, payment_term_days, tier, created_at,"
                                  " updated_at) VALUES(?, ?, ?, ?, ?, 100000000, 30, ?, 0, 0)");
    for (long c = 0; c < nc; c++) {
        char code[16], region[8], kam[16];
        const char *m = markets[c % 8];
        int r = (int)((c / 8) % 2);
        if (str_fmt(code, sizeof code, "BC%05ld", c) < 0 ||
            str_fmt(region, sizeof region, "%s%d", m, r) < 0 ||
            str_fmt(kam, sizeof kam, "bkam_%s%d", m, r) < 0)
            exit(1);
        run1(db, cust, "ssssss", code, code, m, region, kam,
             c % 10 == 0  ? "key"
             : c % 3 == 0 ? "general"
                          : "scattered");
    }
    sqlite3_finalize(cust);

    sqlite3_stmt *ord =
        prep(db, "INSERT INTO orders(number, customer, state, market, region, kam, total_fen,"
                 " op_receipt_day, released_at, created_at, created_by, updated_at)"
                 " VALUES(?, ?, 'closed', ?, ?, ?, ?, ?, ?, ?, 'b', ?)");
    sqlite3_stmt *ol = prep(db, "INSERT INTO order_lines(order_no, line_no, sku, qty, price_fen,"
                                " amount_fen) VALUES(?, ?, ?, ?, ?, ?)");
    sqlite3_stmt *sh = prep(db, "INSERT INTO shipments(number, order_no, warehouse, state,"
                                " released_at, dispatched_at, created_at)"
                                " VALUES(?, ?, 'WH', 'delivered', ?, ?, ?)");
    sqlite3_stmt *shl = prep(db, "INSERT INTO shipment_lines(shipment, line_no, sku,"
                                 " qty_requested, qty_shipped) VALUES(?, ?, ?, ?, ?)");
    sqlite3_stmt *inv = prep(db, "INSERT INTO invoices(number, customer, order_no, invoice_date,"
                                 " due_date, amount_fen, settled_fen, credited_fen, state,"
                                 " created_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, 0)");
    sqlite3_stmt *il = prep(db, "INSERT INTO invoice_lines(invoice, line_no, sku, qty, price_fen,"
                                " amount_fen, tax_rate_bp, tax_fen) VALUES(?, ?, ?, ?, ?, ?,"
                                " 1300, 0)");
    sqlite3_stmt *pay = prep(db, "INSERT INTO payments(number, customer, amount_fen,"
                                 " unapplied_fen, received_on, created_at, reference)"
                                 " VALUES(?, ?, ?, 0, ?, 0, ?)");
    sqlite3_stmt *al = prep(db, "INSERT INTO allocations(customer, source_kind, source, invoice,"
                                " amount_fen, own, allocated_at, settle_date, by)"
                                " VALUES(?, ?, ?, ?, ?, ?, 0, ?, 'b')");
    sqlite3_stmt *cn = prep(db, "INSERT INTO credit_notes(number, customer, invoice, order_no,"
                                " reason, amount_fen, unapplied_fen, date, created_at,"
                                " created_by) VALUES(?, ?, ?, ?, 'return', ?, 0, ?, 0, 'b')");
    sqlite3_stmt *cnl = prep(db, "INSERT INTO credit_note_lines(credit_note, line_no, sku, qty,"
                                 " price_fen, amount_fen, tax_fen) VALUES(?, 1, ?, ?, ?, ?, 0)");
    sqlite3_stmt *led = prep(db, "INSERT INTO ledger(customer, seq, date, posted_at, kind,"
                                 " document, debit_fen, credit_fen, balance_fen)"
                                 " VALUES(?, ?, ?, 0, ?, ?, ?, ?, ?)");
    int64_t *seq = calloc((size_t)nc, sizeof *seq), *bal = calloc((size_t)nc, sizeof *bal);
    if (!seq || !bal)
        exit(1);
    /* receipts per paid invoice, in 1/1000ths: 1 debit per invoice, 0.02 credit notes, and
       0.95 × parts receipts make the ledger target */
    int64_t parts_milli = 1000;
    if (ledger_target > 0) {
        parts_milli = ((int64_t)ledger_target - (int64_t)n * 102 / 100) * 1000 / (n * 95 / 100 + 1);
        if (parts_milli < 1000)
            parts_milli = 1000;
    }
    int64_t parts_acc = 0;
    long npay = 0;
    /* document numbers as the server makes them (numbering-and-rules §1): SC + yyyymmdd + type
       + the day's sequence, so that list searches meet real numbers */
    date_t prev_day = 0;
    long dseq = 0;
    /* orders in date order, so every customer's ledger is in date order too */
    for (long i = 0; i < n; i++) {
        date_t day = today - 1095 + (date_t)((int64_t)i * 1095 / n);
        char d[11], due[11], no[24], sn[24], in[24], cnn[24];
        date_format(day, d);
        date_format(day + 30, due);
        long c = (long)(next() % (uint64_t)nc);
        dseq = day == prev_day ? dseq + 1 : 1;
        prev_day = day;
        char ymd[9] = {d[0], d[1], d[2], d[3], d[5], d[6], d[8], d[9], 0};
        char code[16], region[8], kam[16];
        const char *m = markets[c % 8];
        int r = (int)((c / 8) % 2);
        if (str_fmt(code, sizeof code, "BC%05ld", c) < 0 ||
            str_fmt(region, sizeof region, "%s%d", m, r) < 0 ||
            str_fmt(kam, sizeof kam, "bkam_%s%d", m, r) < 0 ||
            str_fmt(no, sizeof no, "SC%sDD%04ld", ymd, dseq) < 0 ||
            str_fmt(sn, sizeof sn, "SC%sFH%04ld", ymd, dseq) < 0 ||
            str_fmt(in, sizeof in, "SC%sFP%04ld", ymd, dseq) < 0 ||
            str_fmt(cnn, sizeof cnn, "SC%sHZ%04ld", ymd, dseq) < 0)
            exit(1);
        char sku[2][16];
        int64_t qty[2], price[2], amt[2], total = 0;
        for (int k = 0; k < 2; k++) {
            long p = (long)((next() % 100) * 2 + (uint64_t)k);
            if (str_fmt(sku[k], sizeof sku[k], "BP%04ld", p) < 0)
                exit(1);
            qty[k] = (int64_t)(1 + next() % 5) * 12;
            price[k] = 500 + p * 37;
            amt[k] = qty[k] * price[k];
            total += amt[k];
        }
        int64_t at = (int64_t)day * 86400 * 1000000;
        run1(db, ord, "sssssisiii", no, code, m, region, kam, total, d, at, at, at);
        run1(db, sh, "ssiii", sn, no, at, at + 3600000000LL, at);
        for (int k = 0; k < 2; k++) {
            run1(db, ol, "sisiii", no, (int64_t)(k + 1), sku[k], qty[k], price[k], amt[k]);
            run1(db, shl, "sisii", sn, (int64_t)(k + 1), sku[k], qty[k], qty[k]);
        }
        uint64_t fate = next() % 100;
        int parts = 0;
        if (fate < 95) {
            parts_acc += parts_milli;
            parts = (int)(parts_acc / 1000);
            parts_acc %= 1000;
            if (day + 20 + parts > today)
                parts = 0;
        }
        bool is_paid = parts > 0, credited = fate >= 95 && fate < 97;
        int64_t cred = credited ? amt[0] : 0;
        run1(db, inv, "sssssiiis", in, code, no, d, due, total, is_paid ? total : 0, cred,
             is_paid    ? "paid"
             : credited ? "partial"
                        : "open");
        for (int k = 0; k < 2; k++)
            run1(db, il, "sisiii", in, (int64_t)(k + 1), sku[k], qty[k], price[k], amt[k]);
        bal[c] += total;
        run1(db, led, "sisssiii", code, ++seq[c], d, "invoice", in, total, (int64_t)0, bal[c]);
        if (credited) {
            run1(db, cn, "ssssis", cnn, code, in, no, cred, d);
            run1(db, cnl, "ssiii", cnn, sku[0], qty[0], price[0], cred);
            run1(db, al, "ssssiis", code, "credit_note", cnn, in, cred, (int64_t)1, d);
            bal[c] -= cred;
            run1(db, led, "sisssiii", code, ++seq[c], d, "credit_note", cnn, (int64_t)0, cred,
                 bal[c]);
        }
        /* instalments on consecutive days from 20 days after the invoice, the last one
           taking the remainder */
        for (int k = 0; k < parts; k++) {
            char pn[24], paid[11];
            if (str_fmt(pn, sizeof pn, "SCSK%010ld", npay++) < 0)
                exit(1);
            date_format(day + 20 + k, paid);
            int64_t part = k + 1 < parts ? total / parts : total - total / parts * (parts - 1);
            run1(db, pay, "ssiss", pn, code, part, paid, pn);
            run1(db, al, "ssssiis", code, "payment", pn, in, part, (int64_t)0, paid);
            bal[c] -= part;
            run1(db, led, "sisssiii", code, ++seq[c], paid, "payment", pn, (int64_t)0, part,
                 bal[c]);
        }
    }
    sqlite3_stmt *all[] = {ord, ol, sh, shl, inv, il, pay, al, cn, cnl, led};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        sqlite3_finalize(all[i]);
    free(seq);
    free(bal);
    build_indexes(db, idx, nidx);
    exec(db, "COMMIT; ANALYZE;");
}

static double timed(struct db *db, report_query_fn fn, const struct report_params *p, size_t *rows,
                    double *cpu)
{
    struct osb_err e = OSB_ERR_INIT;
    double t0 = now_s(), c0 = cpu_s();
    json_t *r = fn(db, &e, p);
    double t1 = now_s();
    *cpu = cpu_s() - c0;
    if (!r) {
        fprintf(stderr, "reports_bench: %s\n", e.message);
        exit(1);
    }
    *rows = json_array_size(r);
    json_decref(r);
    err_clear(&e);
    return t1 - t0;
}

int main(int argc, char **argv)
{
    const char *path = NULL;
    long n = 1000000, nc = 5000, nl = -1;
    bool load_only = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
            path = argv[++i];
        else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
            n = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
            nc = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "-l") == 0 && i + 1 < argc)
            nl = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--load-only") == 0)
            load_only = true;
        else {
            fprintf(stderr, "usage: reports_bench --db FILE [-n orders] [-c customers] [-l ledger rows]\n");
            return 2;
        }
    }
    if (!path || n < 1 || nc < 16) {
        fprintf(stderr, "usage: reports_bench --db FILE [-n orders] [-c customers >= 16] [-l ledger rows]\n");
        return 2;
    }
    date_t today = (date_t)(time(NULL) / 86400);
    sqlite3 *raw;
    if (sqlite3_open(path, &raw) != SQLITE_OK)
        die(raw, "open");
    if (nl < 0)
        nl = 10 * n; /* the proportion: 1,000,000 orders, 10,000,000 ledger rows */
    /* set-up only: no journal, one writer, a 2 GiB page cache; WAL again before measuring */
    exec(raw, "PRAGMA journal_mode=DELETE; PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
              " PRAGMA locking_mode=EXCLUSIVE; PRAGMA foreign_keys=OFF;"
              " PRAGMA cache_size=-2097152; PRAGMA temp_store=MEMORY;");
    double t0 = now_s();
    load(raw, n, nc, nl, today);
    int64_t ledger_rows = 0;
    sqlite3_stmt *cnt = prep(raw, "SELECT count(*) FROM ledger");
    if (sqlite3_step(cnt) == SQLITE_ROW)
        ledger_rows = sqlite3_column_int64(cnt, 0);
    sqlite3_finalize(cnt);
    exec(raw, "PRAGMA locking_mode=NORMAL; PRAGMA journal_mode=WAL;");
    sqlite3_close(raw);
    printf("loaded %ld orders, %lld ledger rows, %ld customers in %.1f s\n", n,
           (long long)ledger_rows, nc, now_s() - t0);
    if (load_only)
        return 0;

    struct db *db;
    struct osb_err e = OSB_ERR_INIT;
    if (db_open(path, false, &db, &e) < 0 || db_begin_read(db, &e) < 0) {
        fprintf(stderr, "reports_bench: %s\n", e.message);
        return 1;
    }
    struct scope_user gm = {ROLE_GM, "bslt", "", "", "", ""};
    static const struct {
        const char *name;
        int days;
    } ranges[] = {{"month", 30}, {"quarter", 91}, {"year", 365}};
    double worst = 0, worst_cpu = 0;
    const char *worst_name = "", *worst_cpu_name = "";
    report_query_fn fn;
    const struct report_def *def;
    for (size_t r = 0; (def = report_at(r, &fn)) != NULL; r++) {
        if (!fn) {
            printf("%-24s (computed in flow/ from the KPIs, not a store query: not timed)\n",
                   def->name);
            continue;
        }
        for (size_t g = 0; g < 3; g++) {
            for (int one = 0; one < 2; one++) {
                struct report_params p = {.u = &gm, .tz_min = 480};
                date_format(today - ranges[g].days + 1, p.from);
                date_format(today, p.to);
                date_format(today, p.as_of);
                p.from_ts = (int64_t)(today - ranges[g].days + 1) * 86400 * 1000000;
                p.to_ts = (int64_t)(today + 1) * 86400 * 1000000;
                p.market = one ? "S" : NULL;
                p.dimension = "product";
                if (def->flags & REPORT_NEEDS_CUSTOMER)
                    p.customer = "BC00007";
                size_t rows;
                double cpu;
                timed(db, fn, &p, &rows, &cpu); /* warm-up */
                double s = timed(db, fn, &p, &rows, &cpu);
                printf("%-24s %-7s %-4s %8zu rows %8.3f s wall %8.3f s cpu\n", def->name,
                       ranges[g].name, one ? "S" : "all", rows, s, cpu);
                if (s > worst) {
                    worst = s;
                    worst_name = def->name;
                }
                if (cpu > worst_cpu) {
                    worst_cpu = cpu;
                    worst_cpu_name = def->name;
                }
            }
        }
    }
    printf("slowest: %s %.3f s wall; %s %.3f s cpu\n", worst_name, worst, worst_cpu_name,
           worst_cpu);
    db_rollback(db);
    db_close(db);
    return 0;
}
