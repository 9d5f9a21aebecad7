/*
 * reports_bench.c — times every report query of the engine (store/report*.c, the exact
 * functions GET /reports/{name} runs) on a large data set (issue #14 item 6).
 *
 *   reports_bench --db FILE [-n orders] [-c customers] [-l ledger rows] [--load-only]
 *                 [--no-load | --load-extra | --load-modules] [--only name,name…]
 *                 [--ranges month,year…] [--compare]
 *
 * --load-modules adds the second-wave modules' rows (load_modules.c; the load below does too)
 * to a data set loaded before them, and stops.
 *
 * --load-extra adds only bench/load_stock.c's rows (stock, backorders, quotas, grades …) to a
 * data set loaded before without them (-n and -c as it was loaded), then times as --no-load
 * (with --load-only: stops).
 * --load-only loads the data set and stops (make bench-lists times the list endpoints of a
 * running server over it: scripts/bench-lists.sh). --no-load times the reports on a data set
 * loaded before (the database is migrated to this build's schema first, so a new index is
 * built on it; "today" is the day after its last order). --only and --ranges time a subset.
 * What is timed is the JSON text GET /reports/{name} answers (flow/report.c: a row report's
 * rows written as they are read); --compare also times the same answer built from the rows'
 * tree and checks both are the same bytes (it prints how many differ).
 *
 * FILE must be a database `osb init` just created: the bench loads straight into the server's
 * tables (one transaction, no journal: set-up, not what is measured): c customers over
 * the 8 markets × 2 regions with 16 KAMs, 200 products, and n orders dated uniformly over the
 * last three years, each with 2 lines, a delivered shipment, an invoice (2 lines, 30-day term)
 * and its ledger debit; 95 % of the invoices paid in instalments from 20 days after their date
 * (each a receipt, an allocation and a ledger credit; as many as make the ledger about -l rows,
 * default 10 × n), 2 % credited by a credit note of one line, the rest left open; then the
 * operations rows of bench/load_stock.c (stock lots and moves, backorders, the last day's open
 * orders and shipments, quotas, prepayments, credit grades, inventory reports). Then every
 * report runs, as the general manager sees it (no scope filter, from= and to= given), for
 * the last month, quarter and year, over all customers and over one market; each run is
 * timed once after a warm-up run of the same report and range (figures are warm-cache).
 * sales_by runs by product (BENCH_DIMENSION=market, region, salesperson or customer for another
 * of its dimensions).
 *
 * Prints one line per report and range (wall and CPU seconds), then the slowest. It is a bench
 * program, not part of osb; it links the server's objects (build/rel) to call the store functions.
 */
#include "core/date.h"
#include "core/str.h"
#include "load_modules.h"
#include "load_stock.h"
#include "flow/report.h"
#include "rules/report.h"
#include "store/db.h"
#include "store/report.h"
#include "store/schema.h"

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

/* Prints one phase of the load: its wall and CPU seconds (set-up, shown so a slow load can be
   told apart: the rows of each table, each index). */
static void phase(const char *what, double w0, double c0)
{
    printf("  load %-34.34s %8.2f s wall %8.2f s cpu\n", what, now_s() - w0, cpu_s() - c0);
}

static void build_indexes(sqlite3 *db, char **saved, size_t n)
{
    for (size_t i = 0; i < n; i += 2) {
        double w0 = now_s(), c0 = cpu_s();
        exec(db, saved[i + 1]);
        char what[64];
        if (str_fmt(what, sizeof what, "index %s", saved[i]) < 0)
            exit(1);
        phase(what, w0, c0);
        free(saved[i]);
        free(saved[i + 1]);
    }
    free(saved);
}

/* The document numbers of order i as the server makes them (numbering-and-rules §1): SC +
   yyyymmdd + type + the day's sequence, so that list searches meet real numbers. Order i is
   dated today − 1095 + ⌊i × 1095 / n⌋ and the day's first order is ⌈off × n / 1095⌉; SQL
   calls docno(type, i). */
struct docno_ctx {
    long n;
    date_t today;
};

static void docno_fn(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const struct docno_ctx *k = sqlite3_user_data(cx);
    const char *type = (const char *)sqlite3_value_text(argv[0]);
    int64_t i = sqlite3_value_int64(argv[1]);
    int64_t off = i * 1095 / k->n;
    int64_t first = (off * k->n + 1094) / 1095;
    char d[11], no[32];
    date_format(k->today - 1095 + (date_t)off, d);
    if (!type || str_fmt(no, sizeof no, "SC%.4s%.2s%.2s%s%04lld", d, d + 5, d + 8, type,
                         (long long)(i - first + 1)) < 0) {
        sqlite3_result_error(cx, "docno", -1);
        return;
    }
    sqlite3_result_text(cx, no, -1, SQLITE_TRANSIENT);
}

/* Loads nc customers and n orders; each paid invoice is paid by `parts` receipts (or one more,
   spread so the ledger holds about `ledger_target` rows when it is > 0): a distributor paying
   in instalments, each instalment a receipt, an allocation and a ledger credit. Every
   customer's ledger chains (seq 1, 2 … in date order, running balance) and every invoice's
   settled_fen, credited_fen and state are the sums of its allocations, so `osb check` passes.

   In bulk: C draws each order's figures (customer, SKUs, quantities, fate, instalments) into
   one temporary table `g` (one prepared INSERT per order), then one INSERT … SELECT per
   table writes every order, line, shipment, invoice, credit note, receipt, allocation and
   ledger row from it; instalments are `g` joined with the numbers 0…parts−1, the ledger's
   seq and balance a window over each customer's rows. */
static void load(sqlite3 *db, long n, long nc, long ledger_target, date_t today)
{
    static struct docno_ctx dctx;
    dctx = (struct docno_ctx){n, today};
    if (sqlite3_create_function(db, "docno", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, &dctx,
                                docno_fn, NULL, NULL) != SQLITE_OK)
        die(db, "docno");
    double w0 = now_s(), c0 = cpu_s();
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
    /* products BP0000…BP0199: case sizes 6/12/24, price 500 + 37 × p fen */
    exec(db, "INSERT INTO products(sku, name, case_size, price_fen, created_at, updated_at)"
             " WITH RECURSIVE k(p) AS (SELECT 0 UNION ALL SELECT p + 1 FROM k WHERE p < 199)"
             " SELECT printf('BP%04d', p), 'p', CASE p % 3 WHEN 0 THEN 6 WHEN 1 THEN 12"
             " ELSE 24 END, 500 + p * 37, 0, 0 FROM k");
    /* customers BC00000…: market c % 8, region (c / 8) % 2, that region's KAM */
    char sql[1024];
    if (str_fmt(sql, sizeof sql,
                "CREATE TEMP TABLE tm(m INTEGER PRIMARY KEY, code TEXT);"
                "INSERT INTO tm VALUES(0, 'NE'), (1, 'N'), (2, 'NW'), (3, 'C'), (4, 'SD'),"
                " (5, 'E'), (6, 'S'), (7, 'SW');"
                "CREATE TEMP TABLE tc(c INTEGER PRIMARY KEY, code TEXT, market TEXT,"
                " region TEXT, kam TEXT);"
                "INSERT INTO tc WITH RECURSIVE k(c) AS (SELECT 0 UNION ALL SELECT c + 1 FROM k"
                " WHERE c < %ld) SELECT c, printf('BC%%05d', c), tm.code,"
                " tm.code || ((c / 8) %% 2), 'bkam_' || tm.code || ((c / 8) %% 2)"
                " FROM k JOIN tm ON tm.m = c %% 8;"
                "INSERT INTO customers(code, name, market, region, kam, credit_limit_fen,"
                " payment_term_days, tier, created_at, updated_at)"
                " SELECT code, code, market, region, kam, 100000000, 30,"
                " CASE WHEN c %% 10 = 0 THEN 'key' WHEN c %% 3 = 0 THEN 'general'"
                " ELSE 'scattered' END, 0, 0 FROM tc ORDER BY c;",
                nc - 1) < 0)
        exit(1);
    exec(db, sql);
    /* dd: every day the data set can name, as text; ks: instalment numbers */
    exec(db, "CREATE TEMP TABLE dd(day INTEGER PRIMARY KEY, d TEXT);"
             "CREATE TEMP TABLE ks(k INTEGER PRIMARY KEY);"
             "INSERT INTO ks WITH RECURSIVE k(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM k"
             " WHERE k < 999) SELECT k FROM k;"
             "CREATE TEMP TABLE g(i INTEGER PRIMARY KEY, day INTEGER, c INTEGER, p0 INTEGER,"
             " p1 INTEGER, q0 INTEGER, q1 INTEGER, a0 INTEGER, a1 INTEGER, total INTEGER,"
             " fate INTEGER, parts INTEGER, pay0 INTEGER);");
    sqlite3_stmt *dst = prep(db, "INSERT INTO dd VALUES(?, ?)");
    for (date_t day = today - 1100; day <= today + 1200; day++) {
        char d[11];
        date_format(day, d);
        run1(db, dst, "is", (int64_t)day, d);
    }
    sqlite3_finalize(dst);

    phase("customers, products, days", w0, c0);
    w0 = now_s();
    c0 = cpu_s();
    sqlite3_stmt *gst = prep(db, "INSERT INTO g VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    /* receipts per paid invoice, in 1/1000ths: 1 debit per invoice, 0.02 credit notes, and
       0.95 × parts receipts make the ledger target */
    int64_t parts_milli = 1000;
    if (ledger_target > 0) {
        parts_milli = ((int64_t)ledger_target - (int64_t)n * 102 / 100) * 1000 / (n * 95 / 100 + 1);
        if (parts_milli < 1000)
            parts_milli = 1000;
    }
    int64_t parts_acc = 0, npay = 0;
    for (long i = 0; i < n; i++) {
        date_t day = today - 1095 + (date_t)((int64_t)i * 1095 / n);
        int64_t c = (int64_t)(next() % (uint64_t)nc);
        int64_t p[2], qty[2], amt[2];
        for (int k = 0; k < 2; k++) {
            p[k] = (int64_t)((next() % 100) * 2 + (uint64_t)k);
            qty[k] = (int64_t)(1 + next() % 5) * 12;
            amt[k] = qty[k] * (500 + p[k] * 37);
        }
        /* fate: 0 paid (by instalments from 20 days after the invoice, none yet if the
           last would fall after today), 1 credited by a credit note of its first line, 2 open */
        uint64_t f = next() % 100;
        int64_t parts = 0, fate = f < 95 ? 0 : f < 97 ? 1 : 2;
        if (fate == 0) {
            parts_acc += parts_milli;
            parts = parts_acc / 1000;
            parts_acc %= 1000;
            if (day + 20 + parts > today)
                parts = 0;
            if (parts == 0)
                fate = 2;
        }
        if (parts > 999) {
            fprintf(stderr, "reports_bench: more than 999 instalments an invoice\n");
            exit(1);
        }
        run1(db, gst, "iiiiiiiiiiiii", (int64_t)i, (int64_t)day, c, p[0], p[1], qty[0], qty[1],
             amt[0], amt[1], amt[0] + amt[1], fate, parts, npay);
        npay += parts;
    }
    sqlite3_finalize(gst);
    phase("draws (temporary table g)", w0, c0);

    static const char *const bulk[] = {
        "INSERT INTO orders(number, customer, state, market, region, kam, total_fen,"
        " op_receipt_day, released_at, created_at, created_by, updated_at)"
        " SELECT docno('DD', g.i), tc.code, 'closed', tc.market, tc.region, tc.kam,"
        " g.total, dd.d, g.day * 86400000000, g.day * 86400000000, 'b', g.day * 86400000000"
        " FROM g JOIN tc ON tc.c = g.c JOIN dd ON dd.day = g.day ORDER BY g.i",
        "INSERT INTO order_lines(order_no, line_no, sku, qty, price_fen, amount_fen)"
        " SELECT docno('DD', g.i), ks.k + 1, printf('BP%04d', CASE ks.k WHEN 0 THEN p0"
        " ELSE p1 END), CASE ks.k WHEN 0 THEN q0 ELSE q1 END,"
        " 500 + 37 * CASE ks.k WHEN 0 THEN p0 ELSE p1 END, CASE ks.k WHEN 0 THEN a0 ELSE a1 END"
        " FROM g CROSS JOIN ks WHERE ks.k < 2 ORDER BY g.i, ks.k",
        "INSERT INTO shipments(number, order_no, warehouse, state, released_at, dispatched_at,"
        " created_at) SELECT docno('FH', i), docno('DD', i), 'WH', 'delivered',"
        " day * 86400000000, day * 86400000000 + 3600000000, day * 86400000000 FROM g ORDER BY i",
        "INSERT INTO shipment_lines(shipment, line_no, sku, qty_requested, qty_shipped)"
        " SELECT docno('FH', g.i), ks.k + 1, printf('BP%04d', CASE ks.k WHEN 0 THEN p0"
        " ELSE p1 END), CASE ks.k WHEN 0 THEN q0 ELSE q1 END, CASE ks.k WHEN 0 THEN q0 ELSE q1"
        " END FROM g CROSS JOIN ks WHERE ks.k < 2 ORDER BY g.i, ks.k",
        "INSERT INTO invoices(number, customer, order_no, invoice_date, due_date, amount_fen,"
        " settled_fen, credited_fen, state, created_at)"
        " SELECT docno('FP', g.i), tc.code, docno('DD', g.i), d1.d, d2.d, g.total,"
        " CASE g.fate WHEN 0 THEN g.total ELSE 0 END, CASE g.fate WHEN 1 THEN g.a0 ELSE 0 END,"
        " CASE g.fate WHEN 0 THEN 'paid' WHEN 1 THEN 'partial' ELSE 'open' END, 0"
        " FROM g JOIN tc ON tc.c = g.c JOIN dd d1 ON d1.day = g.day JOIN dd d2"
        " ON d2.day = g.day + 30 ORDER BY g.i",
        "INSERT INTO invoice_lines(invoice, line_no, sku, qty, price_fen, amount_fen,"
        " tax_rate_bp, tax_fen)"
        " SELECT docno('FP', g.i), ks.k + 1, printf('BP%04d', CASE ks.k WHEN 0 THEN p0"
        " ELSE p1 END), CASE ks.k WHEN 0 THEN q0 ELSE q1 END,"
        " 500 + 37 * CASE ks.k WHEN 0 THEN p0 ELSE p1 END, CASE ks.k WHEN 0 THEN a0 ELSE a1 END,"
        " 1300, 0 FROM g CROSS JOIN ks WHERE ks.k < 2 ORDER BY g.i, ks.k",
        "INSERT INTO credit_notes(number, customer, invoice, order_no, reason, amount_fen,"
        " unapplied_fen, date, created_at, created_by)"
        " SELECT docno('HZ', g.i), tc.code, docno('FP', g.i),"
        " docno('DD', g.i), 'return', g.a0, 0, dd.d, 0, 'b'"
        " FROM g JOIN tc ON tc.c = g.c JOIN dd ON dd.day = g.day WHERE g.fate = 1 ORDER BY g.i",
        "INSERT INTO credit_note_lines(credit_note, line_no, sku, qty, price_fen, amount_fen,"
        " tax_fen) SELECT docno('HZ', i), 1, printf('BP%04d', p0), q0, 500 + 37 * p0, a0, 0"
        " FROM g WHERE fate = 1 ORDER BY i",
        /* instalments on consecutive days from 20 days after the invoice, the last one
           taking the remainder */
        "CREATE TEMP VIEW inst AS SELECT g.i AS i, ks.k AS k, g.c AS c, g.day + 20 + ks.k AS day,"
        " printf('SCSK%010d', g.pay0 + ks.k) AS pn, CASE WHEN ks.k + 1 < g.parts"
        " THEN g.total / g.parts ELSE g.total - g.total / g.parts * (g.parts - 1) END AS part"
        " FROM g CROSS JOIN ks WHERE ks.k < g.parts",
        "INSERT INTO payments(number, customer, amount_fen, unapplied_fen, received_on,"
        " created_at, reference) SELECT inst.pn, tc.code, inst.part, 0, dd.d, 0, inst.pn"
        " FROM inst CROSS JOIN tc ON tc.c = inst.c CROSS JOIN dd ON dd.day = inst.day",
        "INSERT INTO allocations(customer, source_kind, source, invoice, amount_fen, own,"
        " allocated_at, settle_date, by)"
        " SELECT tc.code, 'credit_note', docno('HZ', g.i), docno('FP', g.i), g.a0,"
        " 1, 0, dd.d, 'b' FROM g JOIN tc ON tc.c = g.c JOIN dd ON dd.day = g.day"
        " WHERE g.fate = 1 ORDER BY g.i",
        "INSERT INTO allocations(customer, source_kind, source, invoice, amount_fen, own,"
        " allocated_at, settle_date, by)"
        " SELECT tc.code, 'payment', inst.pn, docno('FP', inst.i), inst.part, 0, 0, dd.d,"
        " 'b' FROM inst CROSS JOIN tc ON tc.c = inst.c CROSS JOIN dd ON dd.day = inst.day",
        /* each customer's ledger in date order (an invoice, then its credit note, then the
           day's receipts): seq and the running balance by a window */
        "INSERT INTO ledger(customer, seq, date, posted_at, kind, document, debit_fen,"
        " credit_fen, balance_fen)"
        " SELECT tc.code, y.seq, dd.d, 0, CASE y.r WHEN 0 THEN 'invoice' WHEN 1"
        " THEN 'credit_note' ELSE 'payment' END, CASE y.r WHEN 0 THEN docno('FP', y.i)"
        " WHEN 1 THEN docno('HZ', y.i) ELSE printf('SCSK%010d', y.pn) END, y.debit,"
        " y.credit, y.bal"
        " FROM (SELECT x.c AS c, x.day AS day, x.r AS r, x.i AS i, x.pn AS pn,"
        " x.debit AS debit, x.credit AS credit, row_number() OVER w AS seq,"
        " sum(x.debit - x.credit) OVER w AS bal"
        " FROM (SELECT c, day, 0 AS r, i, 0 AS pn, total AS debit, 0 AS credit FROM g"
        " UNION ALL SELECT c, day, 1, i, 0, 0, a0 FROM g WHERE fate = 1"
        " UNION ALL SELECT g.c, g.day + 20 + ks.k, 2, g.i, g.pay0 + ks.k, 0, CASE WHEN"
        " ks.k + 1 < g.parts THEN g.total / g.parts ELSE g.total - g.total / g.parts"
        " * (g.parts - 1) END FROM g CROSS JOIN ks WHERE ks.k < g.parts) x"
        " WINDOW w AS (PARTITION BY x.c ORDER BY x.day, x.r, x.pn"
        " ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)) y"
        " CROSS JOIN tc ON tc.c = y.c CROSS JOIN dd ON dd.day = y.day",
        /* the day's last sequence of each number head, as seq_next_docno keeps it (list
           searches read the heads from doc_seq: store_filter_q_doc) */
        "INSERT INTO doc_seq(prefix, day, type, last_seq) SELECT 'SC', substr(number, 3, 4) || '-'"
        " || substr(number, 7, 2) || '-' || substr(number, 9, 2), substr(number, 11, 2),"
        " max(CAST(substr(number, 13) AS INTEGER)) FROM (SELECT number FROM orders UNION ALL"
        " SELECT number FROM shipments UNION ALL SELECT number FROM invoices UNION ALL"
        " SELECT number FROM credit_notes) GROUP BY 2, 3",
        "DROP VIEW inst; DROP TABLE g; DROP TABLE dd; DROP TABLE ks; DROP TABLE tc; DROP TABLE tm",
    };
    /* BENCH_INDEXES=commit: commit the rows first and build the indexes in a second
       transaction (experiment of the sixth pass, bench/README.md) */
    const char *where = getenv("BENCH_INDEXES") ? getenv("BENCH_INDEXES") : "end";
    for (size_t k = 0; k < sizeof bulk / sizeof bulk[0]; k++) {
        w0 = now_s();
        c0 = cpu_s();
        exec(db, bulk[k]);
        /* the phase is named by the statement's first words: "INSERT INTO orders(" → orders */
        char what[40];
        const char *into = strstr(bulk[k], "INTO ");
        size_t len = into ? strcspn(into + 5, "( ") : 0;
        if (str_fmt(what, sizeof what, "%.*s", (int)(into ? len : 20),
                     into ? into + 5 : bulk[k]) < 0)
            exit(1);
        phase(what, w0, c0);
    }
    if (strcmp(where, "commit") == 0) {
        w0 = now_s();
        c0 = cpu_s();
        exec(db, "COMMIT; BEGIN");
        phase("commit of the rows", w0, c0);
    }
    load_stock(db, n, nc, today); /* stock, backorders, quotas, grades … (bench/load_stock.c) */
    build_indexes(db, idx, nidx);
    load_modules(db, today);
    w0 = now_s();
    c0 = cpu_s();
    exec(db, "COMMIT");
    phase("commit", w0, c0);
}

/* The JSON text GET /reports/{name} answers (flow/report.c: written as the rows are read, or
   with tree from the rows' tree), timed; *cpu its CPU seconds. */
static double timed(struct ctx *c, size_t i, const struct report_params *p, bool tree,
                    size_t *rows, double *cpu, char **txt, size_t *len)
{
    struct osb_err e = OSB_ERR_INIT;
    double t0 = now_s(), c0 = cpu_s();
    int rc = report_json_text(c, i, p, !tree, txt, len, rows, &e);
    double t1 = now_s();
    *cpu = cpu_s() - c0;
    if (rc < 0) {
        fprintf(stderr, "reports_bench: %s\n", e.message);
        exit(1);
    }
    err_clear(&e);
    return t1 - t0;
}

/* BENCH_DUMP=FILE: every answer's text, one line each, to compare two builds' figures */
static void dump(const char *txt)
{
    static FILE *f;
    if (!f && getenv("BENCH_DUMP"))
        f = fopen(getenv("BENCH_DUMP"), "w");
    if (f) {
        fprintf(f, "%s\n", txt);
        fflush(f);
    }
}

/* Whether name is one of the comma-separated names in list. */
static bool listed(const char *list, const char *name)
{
    size_t len = strlen(name);
    for (const char *p = list; p && *p;) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == len && strncmp(p, name, len) == 0)
            return true;
        p = end ? end + 1 : NULL;
    }
    return false;
}

int main(int argc, char **argv)
{
    /* one line at a time, also into a file: a long run shows how far it got */
    setvbuf(stdout, NULL, _IOLBF, 0);
    const char *path = NULL;
    long n = 1000000, nc = 5000, nl = -1;
    bool load_only = false, no_load = false, compare = false, load_extra = false;
    bool modules_only = false;
    const char *only = NULL, *only_ranges = NULL;
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
        else if (strcmp(argv[i], "--no-load") == 0)
            no_load = true;
        else if (strcmp(argv[i], "--load-extra") == 0)
            load_extra = no_load = true;
        else if (strcmp(argv[i], "--load-modules") == 0) /* the modules' rows only (below) */
            no_load = modules_only = true;
        else if (strcmp(argv[i], "--compare") == 0)
            compare = true;
        else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
            only = argv[++i];
        else if (strcmp(argv[i], "--ranges") == 0 && i + 1 < argc)
            only_ranges = argv[++i];
        else {
            fprintf(stderr, "usage: reports_bench --db FILE [-n orders] [-c customers] [-l ledger rows] [--load-only | --no-load | --load-extra] [--only names] [--ranges month,quarter,year] [--compare]\n");
            return 2;
        }
    }
    if (!path || n < 1 || nc < 16) {
        fprintf(stderr, "usage: reports_bench --db FILE [-n orders] [-c customers >= 16] [-l ledger rows] [--load-only | --no-load | --load-extra] [--only names] [--ranges month,quarter,year] [--compare]\n");
        return 2;
    }
    date_t today = (date_t)(time(NULL) / 86400);
    sqlite3 *raw;
    if (sqlite3_open(path, &raw) != SQLITE_OK)
        die(raw, "open");
    if (no_load) {
        sqlite3_stmt *last = prep(raw, "SELECT max(op_receipt_day) FROM orders");
        date_t d;
        if (sqlite3_step(last) != SQLITE_ROW ||
            !date_parse((const char *)sqlite3_column_text(last, 0), &d))
            die(raw, "no orders loaded");
        today = d + 1;
        sqlite3_finalize(last);
        if (load_extra) { /* only bench/load_stock.c's rows, on a set loaded before */
            exec(raw, "PRAGMA synchronous=OFF; PRAGMA temp_store=memory;"
                      " PRAGMA cache_size=-2097152; BEGIN");
            load_stock(raw, n, nc, today);
            exec(raw, "COMMIT");
            if (load_only)
                return 0;
        }
        if (modules_only) {
            /* --load-modules: adds the modules' rows (load_modules.c) to a data set loaded
               before them, and stops */
            exec(raw, "PRAGMA cache_size=-1048576; PRAGMA foreign_keys=OFF; BEGIN");
            load_modules(raw, today);
            exec(raw, "COMMIT");
            sqlite3_close(raw);
            return 0;
        }
        sqlite3_close(raw);
        goto measure;
    }
    if (nl < 0)
        nl = 10 * n; /* the proportion: 1,000,000 orders, 10,000,000 ledger rows */
    /* set-up only: no journal, one writer, a 2 GiB page cache; WAL again before measuring */
    exec(raw, "PRAGMA journal_mode=DELETE; PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
              " PRAGMA locking_mode=EXCLUSIVE; PRAGMA foreign_keys=OFF;");
    {
        /* BENCH_TEMP_STORE (memory, file or default; default memory) and BENCH_THREADS (the
           sorter's worker threads; default 0): the index build's sorter (sixth pass) */
        const char *ts = getenv("BENCH_TEMP_STORE") ? getenv("BENCH_TEMP_STORE") : "memory";
        long th = getenv("BENCH_THREADS") ? strtol(getenv("BENCH_THREADS"), NULL, 10) : 0;
        char pragma[96];
        if (str_fmt(pragma, sizeof pragma, "PRAGMA temp_store=%s; PRAGMA threads=%ld", ts, th) <
            0)
            exit(1);
        exec(raw, pragma);
    }
    {
        /* BENCH_CACHE_MB: the page cache of the load (default 2048) */
        long mb = getenv("BENCH_CACHE_MB") ? strtol(getenv("BENCH_CACHE_MB"), NULL, 10) : 2048;
        char pragma[64];
        if (str_fmt(pragma, sizeof pragma, "PRAGMA cache_size=-%ld", mb * 1024) < 0)
            exit(1);
        exec(raw, pragma);
    }
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

measure:;
    struct db *db;
    struct osb_err e = OSB_ERR_INIT;
    if (db_open(path, false, &db, &e) < 0 || schema_migrate(db, &e) < 0 ||
        db_begin_read(db, &e) < 0) {
        fprintf(stderr, "reports_bench: %s\n", e.message);
        return 1;
    }
    struct scope_user gm = {ROLE_GM, "bslt", "", "", "", ""};
    struct config cfg = {.tz_min = 480};
    struct ctx c = {.db = db, .cfg = &cfg, .now = (ts_t)(today + 1) * 86400 * 1000000};
    c.user.role = ROLE_GM;
    if (str_fmt(c.user.username, sizeof c.user.username, "bslt") < 0)
        return 1;
    int differ = 0;
    /* BENCH_TREE=1: time the answers built from the rows' tree (the path before the streaming
       writer), e.g. to count both paths' instructions with callgrind */
    bool tree_only = getenv("BENCH_TREE") != NULL;
    static const struct {
        const char *name;
        int days;
    } ranges[] = {{"month", 30}, {"quarter", 91}, {"year", 365}};
    double worst = 0, worst_cpu = 0;
    const char *worst_name = "", *worst_cpu_name = "";
    report_query_fn fn;
    const struct report_def *def;
    for (size_t r = 0; (def = report_at(r, &fn)) != NULL; r++) {
        if (only && !listed(only, def->name))
            continue;
        for (size_t g = 0; g < 3; g++) {
            if (only_ranges && !listed(only_ranges, ranges[g].name))
                continue;
            for (int one = 0; one < 2; one++) {
                /* from= and to= given (range_given): a report that takes them only as a
                   filter (RF_SPAN: batch_trace, backorders) reads the range, not its history */
                struct report_params p = {.u = &gm, .tz_min = 480, .range_given = true};
                date_format(today - ranges[g].days + 1, p.from);
                date_format(today, p.to);
                date_format(today, p.as_of);
                p.from_ts = (int64_t)(today - ranges[g].days + 1) * 86400 * 1000000;
                p.to_ts = (int64_t)(today + 1) * 86400 * 1000000;
                p.market = one ? "S" : NULL;
                p.dimension = getenv("BENCH_DIMENSION") ? getenv("BENCH_DIMENSION") : "product";
                if (def->flags & REPORT_NEEDS_CUSTOMER) /* one of market S for S */
                    p.customer = one ? "BC00006" : "BC00007";
                size_t rows, len, tlen = 0;
                double cpu, tcpu = 0, ts = 0;
                char *txt, *ttxt = NULL;
                timed(&c, r, &p, tree_only, &rows, &cpu, &txt, &len); /* warm-up */
                free(txt);
                if (compare)
                    ts = timed(&c, r, &p, true, &rows, &tcpu, &ttxt, &tlen);
                double s = timed(&c, r, &p, tree_only, &rows, &cpu, &txt, &len);
                dump(txt);
                printf("%-24s %-7s %-4s %8zu rows %8.3f s wall %8.3f s cpu", def->name,
                       ranges[g].name, one ? "S" : "all", rows, s, cpu);
                if (compare) {
                    bool same = tlen == len && memcmp(ttxt, txt, len) == 0;
                    printf("  tree %8.3f s wall %8.3f s cpu  %s", ts, tcpu,
                           same ? "same bytes" : "DIFFERENT");
                    differ += !same;
                }
                printf("\n");
                free(txt);
                free(ttxt);
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
    if (compare)
        printf("compare: %d answers differ between the streaming writer and the tree\n", differ);
    db_rollback(db);
    db_close(db);
    return 0;
}
