/*
 * load_stock.c — the operations rows of reports_bench's data set (bench/load_stock.h), so that
 * stock_by_batch, batch_trace, backorders, osb_daily_status, quota_utilisation, prepayments,
 * credit_grade_list and distributor_inventory_summary are timed over rows at 1,000,000 orders
 * (the orders-to-cash loader of reports_bench.c leaves their tables empty).
 *
 * What the real flows would have written over the three years, at a distributor's proportions:
 *   - the last day's shipments in progress: of its orders' shipments a fifth each new,
 *     received, picked, dispatched, the rest delivered; the orders of the undelivered ones
 *     released (not closed); the lines of the undispatched ones not shipped yet;
 *   - 2 % of the shipped lines short by one dozen: a backorder (QH) each, open if made in the
 *     last 45 days, else cancelled; the line's qty_shipped less the dozen;
 *   - n / 2190 + 1 orders of the last day not yet at the warehouse (submitted, accepted,
 *     needs_fix, pending_approval, st_pending, approved), two lines each, the order exposure
 *     of those past the credit check;
 *   - one warehouse WH, one lot per SKU and month (batch B<yyyymm>-<sku>, received two days
 *     before the month: as much as the month's shipments take, and for the last three months'
 *     lots a fifth more left on hand), a receipt (RK) and a receipt move each; every shipment
 *     line a reserve move at release and a ship move at dispatch from its month's lot, its
 *     batch in the line's reserved / picks as the shipment flow writes them;
 *   - five scarce SKUs under quota: a use per order line of them (AC), a quota per region and
 *     month (the uses + 15 %), and per key customer and month (its uses + 20 % + 2 dozen);
 *   - a prepayment (unapplied receipt, posted to the ledger) for every 17th customer (17: of
 *     every market, where customers go round the 8 markets);
 *   - a published credit-grade list per month with every customer's grade (A 20 %, B 40 %,
 *     C 25 %, D 10 %, E 5 %), 1 % overridden;
 *   - an inventory report (KC) per key or general customer and month, a line per SKU bought
 *     in the month before, submitted on the 18th (5 % late, on the 23rd), reviewed but the
 *     last month's.
 * The books stay consistent: `osb check` passes (stock lots equal their moves, the ledger
 * chains). Each table's secondary indexes are dropped first and built after the rows.
 */
#include "load_stock.h"

#include "core/sb.h"
#include "core/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs sql and prints its wall and CPU seconds as reports_bench's load phases are printed. */
static void step(sqlite3 *db, const char *what, const char *sql)
{
    double w0 = now_s(), c0 = cpu_s();
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "load_stock: %s: %s\n", what, msg ? msg : "?");
        exit(1);
    }
    printf("  load %-34.34s %8.2f s wall %8.2f s cpu\n", what, now_s() - w0, cpu_s() - c0);
}

/* The tables this file fills: their secondary indexes are dropped before and built after. */
static const char *const own_tables[] = {
    "stock_lots", "stock_moves",        "stock_receipts", "backorders",        "quotas",
    "quota_uses", "credit_grade_lists", "credit_grades",  "inventory_reports", "order_exposure",
    "warehouses",
};

/* The index SQL of own_tables, dropped: (name, sql) pairs in *saved, *count entries. */
static char **drop_own_indexes(sqlite3 *db, size_t *count)
{
    char **saved = NULL;
    size_t n = 0;
    for (size_t t = 0; t < sizeof own_tables / sizeof own_tables[0]; t++) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(db,
                               "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
                               " AND tbl_name = ? AND sql IS NOT NULL",
                               -1, &st, NULL) != SQLITE_OK) {
            fprintf(stderr, "load_stock: %s\n", sqlite3_errmsg(db));
            exit(1);
        }
        sqlite3_bind_text(st, 1, own_tables[t], -1, SQLITE_STATIC);
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
        step(db, sql, sql);
    }
    *count = n;
    return saved;
}

/* ts(d): the microseconds of day d (text) at 00:00 UTC, as the bench's timestamps are */
#define TS(d) "(CAST(strftime('%s', " d ") AS INTEGER) * 1000000)"
/* the five scarce SKUs under quota */
#define SCARCE "('BP0000', 'BP0040', 'BP0080', 'BP0120', 'BP0160')"
/* the batch of a shipment line (sh its shipment): its SKU's lot of the release month */
#define BATCH                                                                                      \
    "'B' || strftime('%Y%m', sh.released_at / 1000000, 'unixepoch') || '-'"                        \
    " || substr(shipment_lines.sku, 3)"
/* a customer's number: BC00042 → 42 */
#define CNO(code) "CAST(substr(" code ", 3) AS INTEGER)"

static const struct {
    const char *what, *sql;
} steps[] = {
    {"warehouse", "INSERT INTO warehouses(code, name, created_at, updated_at)"
                  " VALUES('WH', 'bench', 0, 0) ON CONFLICT DO NOTHING"},
    /* ---- the last day's work in progress ---- */
    {"shipments in progress",
     "UPDATE shipments SET state = CASE id % 5 WHEN 0 THEN 'new' WHEN 1 THEN 'received'"
     " WHEN 2 THEN 'picked' ELSE 'dispatched' END,"
     " received_at = CASE WHEN id % 5 IN (1, 2, 3) THEN released_at + 1800000000 END,"
     " picked_at = CASE WHEN id % 5 IN (2, 3) THEN released_at + 5400000000 END,"
     " dispatched_at = CASE WHEN id % 5 = 3 THEN dispatched_at END"
     " WHERE released_at >= (SELECT last_ts FROM lk) AND id % 5 <> 4"},
    {"lines not shipped yet",
     "UPDATE shipment_lines SET qty_shipped = NULL WHERE shipment IN (SELECT number FROM"
     " shipments WHERE released_at >= (SELECT last_ts FROM lk)"
     " AND state IN ('new', 'received', 'picked'))"},
    {"orders released",
     "UPDATE orders SET state = 'released' WHERE number IN (SELECT order_no FROM shipments"
     " WHERE released_at >= (SELECT last_ts FROM lk) AND state <> 'delivered')"},
    /* ---- backorders: 2 % of the shipped lines short by a dozen ---- */
    {"short lines",
     "CREATE TEMP TABLE bo AS SELECT sl.rowid AS r, sl.shipment AS shipment,"
     " sl.line_no AS line_no, sl.sku AS sku, sh.order_no AS order_no, o.customer AS customer,"
     " sh.released_at / 86400000000 AS day, sh.dispatched_at AS at"
     " FROM shipment_lines sl JOIN shipments sh ON sh.number = sl.shipment"
     " JOIN orders o ON o.number = sh.order_no"
     " WHERE sl.rowid % 50 = 7 AND sh.state IN ('dispatched', 'delivered')"},
    {"backorders",
     "INSERT INTO backorders(number, order_no, shipment, customer, line_no, sku, qty, qty_open,"
     " qty_fulfilled, qty_cancelled, state, notified_at, cancel_reason, cancelled_at,"
     " cancelled_by, created_at, updated_at)"
     " SELECT 'SC' || strftime('%Y%m%d', day * 86400, 'unixepoch') || 'QH'"
     " || printf('%04d', row_number() OVER (PARTITION BY day ORDER BY r)), order_no, shipment,"
     " customer, line_no, sku, 12, CASE WHEN open THEN 12 ELSE 0 END, 0,"
     " CASE WHEN open THEN 0 ELSE 12 END, CASE WHEN open THEN 'open' ELSE 'cancelled' END,"
     " at + 3600000000, CASE WHEN open THEN NULL ELSE 'customer' END,"
     " CASE WHEN open THEN NULL ELSE at + 14 * 86400000000 END,"
     " CASE WHEN open THEN NULL ELSE 'b' END, at,"
     " CASE WHEN open THEN at + 3600000000 ELSE at + 14 * 86400000000 END"
     " FROM (SELECT bo.*, bo.day >= (SELECT today FROM lk) - 45 AS open FROM bo)"
     " ORDER BY day, r"},
    {"lines short",
     "UPDATE shipment_lines SET qty_shipped = qty_shipped - 12 WHERE rowid IN (SELECT r FROM bo)"},
    /* ---- the last day's orders not yet at the warehouse ---- */
    {"new orders (draws)",
     "CREATE TEMP TABLE nw AS WITH RECURSIVE k(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM k"
     " WHERE k < (SELECT m FROM lk)) SELECT k, 'SC' || replace(lk.last, '-', '') || 'DD'"
     " || printf('%04d', lk.dd_base + k) AS number, printf('BC%05d', k * 7919 % lk.nc)"
     " AS customer, printf('BP%04d', k * 2 % 200) AS s0, printf('BP%04d', k * 2 % 200 + 1)"
     " AS s1, CASE k % 6 WHEN 0 THEN 'submitted' WHEN 1 THEN 'accepted' WHEN 2"
     " THEN 'pending_approval' WHEN 3 THEN 'approved' WHEN 4 THEN 'needs_fix'"
     " ELSE 'st_pending' END AS state, lk.last_ts + 28800000000 + k * 30000000 AS at"
     " FROM k, lk"},
    {"new order lines",
     "INSERT INTO order_lines(order_no, line_no, sku, qty, price_fen, amount_fen)"
     " SELECT x.number, x.line_no, x.sku, x.qty, p.price_fen, x.qty * p.price_fen"
     " FROM (SELECT k, number, 1 AS line_no, s0 AS sku, 24 AS qty FROM nw UNION ALL"
     " SELECT k, number, 2, s1, 48 FROM nw) x JOIN products p ON p.sku = x.sku"
     " ORDER BY x.k, x.line_no"},
    {"new orders",
     "INSERT INTO orders(number, customer, state, market, region, kam, total_fen,"
     " op_receipt_day, submitted_at, accepted_at, op_started_at, created_at, created_by,"
     " updated_at)"
     " SELECT nw.number, c.code, nw.state, c.market, c.region, c.kam, (SELECT sum(l.amount_fen)"
     " FROM order_lines l WHERE l.order_no = nw.number), lk.last, nw.at,"
     " CASE WHEN nw.state IN ('submitted', 'needs_fix') THEN NULL ELSE nw.at + 1800000000 END,"
     " nw.at, nw.at - 600000000, c.kam, nw.at + 1800000000"
     " FROM nw JOIN customers c ON c.code = nw.customer CROSS JOIN lk ORDER BY nw.k"},
    {"new orders' exposure",
     "INSERT INTO order_exposure(order_no, customer, open_fen) SELECT o.number, o.customer,"
     " o.total_fen FROM nw JOIN orders o ON o.number = nw.number"
     " WHERE nw.state IN ('pending_approval', 'st_pending', 'approved') ORDER BY nw.k"},
    {"new orders' numbers",
     "INSERT INTO doc_seq(prefix, day, type, last_seq) SELECT 'SC', last, 'DD', dd_base + m"
     " FROM lk WHERE true ON CONFLICT(prefix, day, type) DO UPDATE SET"
     " last_seq = excluded.last_seq"},
    /* ---- stock: a lot per SKU and month, a reserve and a ship move per shipment line ---- */
    {"shipment lines' lots",
     "CREATE TEMP TABLE sm AS SELECT sl.shipment AS doc, sl.sku AS sku,"
     " 'B' || strftime('%Y%m', sh.released_at / 1000000, 'unixepoch') || '-'"
     " || substr(sl.sku, 3) AS batch,"
     " CASE WHEN sh.state IN ('dispatched', 'delivered') THEN sl.qty_shipped"
     " ELSE sl.qty_requested END AS qres,"
     " CASE WHEN sh.state IN ('dispatched', 'delivered') THEN sl.qty_shipped ELSE 0 END"
     " AS qship, sh.released_at AS rat, sh.dispatched_at AS dat"
     " FROM shipment_lines sl JOIN shipments sh ON sh.number = sl.shipment"},
    {"lots (sums)",
     "CREATE TEMP TABLE lot AS SELECT sku, batch, shipped, reserved,"
     " max(shipped + reserved + CASE WHEN first >= ((SELECT today FROM lk) - 92) * 86400000000"
     " THEN (shipped / 60 + 1) * 12 ELSE 0 END, 12) AS qty,"
     " substr(batch, 2, 4) || '-' || substr(batch, 6, 2) || '-01' AS month"
     " FROM (SELECT sku, batch, sum(qship) AS shipped, sum(qres - qship) AS reserved,"
     " min(rat) AS first FROM sm GROUP BY sku, batch)"},
    {"stock_receipts",
     "INSERT INTO stock_receipts(number, warehouse, sku, batch, qty, expires, produced_on,"
     " source, created_at, created_by)"
     " SELECT 'SC' || replace(date(month, '-2 days'), '-', '') || 'RK'"
     " || printf('%04d', row_number() OVER (PARTITION BY month ORDER BY sku)), 'WH', sku,"
     " batch, qty, date(month, '+700 days'), date(month, '-20 days'), 'production',"
     " " TS("date(month, '-2 days')") " + 32400000000, 'b' FROM lot ORDER BY month, sku"},
    {"stock_lots",
     "INSERT INTO stock_lots(warehouse, sku, batch, produced_on, expires, quality, on_hand,"
     " reserved) SELECT 'WH', sku, batch, date(month, '-20 days'), date(month, '+700 days'),"
     " 'ok', qty - shipped, reserved FROM lot ORDER BY sku, month"},
    {"stock_moves (receipts)",
     "INSERT INTO stock_moves(at, warehouse, sku, batch, kind, qty, document, by)"
     " SELECT created_at, warehouse, sku, batch, 'receipt', qty, number, 'b'"
     " FROM stock_receipts ORDER BY id"},
    {"stock_moves (reserve)",
     "INSERT INTO stock_moves(at, warehouse, sku, batch, kind, qty, document, by)"
     " SELECT rat, 'WH', sku, batch, 'reserve', qres, doc, 'b' FROM sm WHERE qres > 0"},
    {"stock_moves (ship)",
     "INSERT INTO stock_moves(at, warehouse, sku, batch, kind, qty, document, by)"
     " SELECT dat, 'WH', sku, batch, 'ship', qship, doc, 'b' FROM sm WHERE qship > 0"},
    {"shipment lines' batches",
     "UPDATE shipment_lines SET (reserved, picks) = (SELECT"
     " CASE WHEN sh.state IN ('dispatched', 'delivered') THEN '[]'"
     " ELSE json_array(json_object('batch', " BATCH ", 'qty', shipment_lines.qty_requested))"
     " END, CASE WHEN sh.state IN ('dispatched', 'delivered', 'picked')"
     " AND coalesce(shipment_lines.qty_shipped, shipment_lines.qty_requested) > 0"
     " THEN json_array(json_object('batch', " BATCH ", 'qty',"
     " coalesce(shipment_lines.qty_shipped, shipment_lines.qty_requested))) ELSE '[]' END"
     " FROM shipments sh WHERE sh.number = shipment_lines.shipment)"},
    /* ---- quotas of the scarce SKUs ---- */
    {"quota_uses",
     "INSERT INTO quota_uses(period, sku, customer, region, document, line_no, qty, released,"
     " over_qty) SELECT substr(o.op_receipt_day, 1, 7), l.sku, o.customer, o.region, o.number,"
     " l.line_no, l.qty, 0, 0 FROM order_lines l JOIN orders o ON o.number = l.order_no"
     " WHERE l.sku IN " SCARCE " AND o.state NOT IN ('submitted', 'needs_fix')"
     " ORDER BY o.id, l.line_no"},
    {"quotas (regions)",
     "INSERT INTO quotas(period, sku, region, qty, set_by, note, created_at, updated_at)"
     " SELECT period, sku, region, (sum(qty) * 23 / 20 / 12 + 1) * 12, 'bslt', 'bench',"
     " " TS("date(period || '-01', '-5 days')") ", " TS(
         "date(period || '-01', '-5 days')") ""
                                             " FROM quota_uses GROUP BY period, sku, region ORDER "
                                             "BY period, sku, region"},
    {"quotas (key customers)",
     "INSERT INTO quotas(period, sku, customer, qty, set_by, note, created_at, updated_at)"
     " SELECT m.period, s.sku, c.code, (coalesce(u.q, 0) * 6 / 5 / 12 + 2) * 12, 'bslt',"
     " 'bench', " TS("date(m.period || '-01', '-5 days')") ","
                                                           " " TS("date(m.period || '-01', '-5 "
                                                                  "days')") ""
                                                                            " FROM (SELECT "
                                                                            "DISTINCT period FROM "
                                                                            "quota_uses) m"
                                                                            " CROSS JOIN (SELECT "
                                                                            "sku FROM products "
                                                                            "WHERE sku IN " SCARCE
                                                                            ") s"
                                                                            " CROSS JOIN customers "
                                                                            "c LEFT JOIN (SELECT "
                                                                            "period, sku, "
                                                                            "customer, sum(qty) AS "
                                                                            "q"
                                                                            " FROM quota_uses "
                                                                            "GROUP BY period, sku, "
                                                                            "customer) u ON "
                                                                            "u.period = m.period"
                                                                            " AND u.sku = s.sku "
                                                                            "AND u.customer = "
                                                                            "c.code WHERE c.tier = "
                                                                            "'key'"
                                                                            " ORDER BY m.period, "
                                                                            "s.sku, c.code"},
    /* ---- prepayments: an unapplied receipt of every 17th customer ---- */
    {"prepayments (draws)",
     "CREATE TEMP TABLE pp AS SELECT x.customer AS customer,"
     " printf('SCSK%010d', 9000000000 + x.n) AS number, (x.n % 7 + 1) * 2000000 AS amt,"
     " max(coalesce(l.date, ''), date((SELECT last FROM lk), '-' || (x.n % 10) || ' days'))"
     " AS d, coalesce(x.seq, 0) + 1 AS seq, coalesce(l.balance_fen, 0) AS bal"
     " FROM (SELECT c.code AS customer, " CNO(
         "c.code") " AS n, (SELECT max(g.seq) FROM ledger g"
                   " WHERE g.customer = c.code) AS seq FROM customers c WHERE " CNO(
                       "c.code") " % 17 = 3) x"
                                 " LEFT JOIN ledger l ON l.customer = x.customer AND l.seq = "
                                 "x.seq"},
    {"prepayments",
     "INSERT INTO payments(number, customer, amount_fen, unapplied_fen, kind, method,"
     " reference, received_on, state, created_at, created_by)"
     " SELECT number, customer, amt, amt, 'payment', 'bank_transfer', number, d, 'registered',"
     " " TS("d") " + 36000000000, 'b' FROM pp ORDER BY customer"},
    {"prepayments' ledger",
     "INSERT INTO ledger(customer, seq, date, posted_at, kind, document, debit_fen, credit_fen,"
     " balance_fen) SELECT customer, seq, d, " TS("d") " + 36000000000, 'payment', number, 0,"
                                                       " amt, bal - amt FROM pp ORDER BY customer"},
    /* ---- credit grades: a published list a month ---- */
    {"grade months",
     "CREATE TEMP TABLE mo AS WITH RECURSIVE mo(i, d) AS (SELECT 0,"
     " date((SELECT first FROM lk), 'start of month', '+1 month') UNION ALL SELECT i + 1,"
     " date(d, '+1 month') FROM mo WHERE date(d, '+1 month') <= (SELECT last FROM lk))"
     " SELECT i, d, substr(d, 1, 7) AS month FROM mo"},
    {"credit_grade_lists",
     "INSERT INTO credit_grade_lists(month, as_of, computed_at, computed_by, published,"
     " published_at, published_by) SELECT month, date(d, '-1 day'), " TS(
         "d") " + 3600000000,"
              " 'bslt', 1, " TS("d") " + 2 * 86400000000, 'bslt' FROM mo ORDER BY i"},
    {"credit_grades",
     "INSERT INTO credit_grades(month, customer, dpl_days, max_overdue_days, has_invoices,"
     " computed_grade, previous_grade, override_grade, override_reason, override_by,"
     " override_at)"
     " SELECT month, code, instr('ABCDE', g) * instr('ABCDE', g) * 3 - 3 + n % 4,"
     " CASE g WHEN 'A' THEN 0 ELSE instr('ABCDE', g) * instr('ABCDE', g) * 5 - 10 + n % 7 END,"
     " 1, g, lag(g, 1, 'C') OVER (PARTITION BY code ORDER BY month),"
     " CASE WHEN n % 97 = 5 THEN 'B' END, CASE WHEN n % 97 = 5 THEN 'SLT decision' END,"
     " CASE WHEN n % 97 = 5 THEN 'bslt' END,"
     " CASE WHEN n % 97 = 5 THEN " TS(
         "d") " + 86400000000 END"
              " FROM (SELECT mo.month AS month, mo.d AS d, c.code AS code, c.n AS n,"
              " substr('AAAABBBBBBBBCCCCCDDE', (c.n * 7 + (mo.i / 6) * 13) % 20 + 1, 1) AS g"
              " FROM mo CROSS JOIN (SELECT code, " CNO("code") " AS n FROM customers) c)"
                                                               " ORDER BY month, code"},
    /* ---- the distributors' inventory reports ---- */
    {"inventory lines (bought)",
     "CREATE TEMP TABLE ib AS SELECT i.customer AS cu,"
     " substr(date(i.invoice_date, 'start of month', '+1 month'), 1, 7) AS period,"
     " l.sku AS sku, sum(l.qty) AS bought FROM invoices i"
     " JOIN invoice_lines l ON l.invoice = i.number"
     " WHERE i.customer IN (SELECT code FROM customers WHERE tier IN ('key', 'general'))"
     " AND i.invoice_date < date((SELECT last FROM lk), 'start of month')"
     " GROUP BY 1, 2, 3"},
    {"inventory reports (lines)",
     "CREATE TEMP TABLE ir AS SELECT cu, period, json_group_array(json(line)) AS lines FROM"
     " (SELECT cu, period, json_object('sku', sku, 'opening_qty', opening, 'purchased_qty',"
     " bought, 'other_in_qty', 0, 'sold_qty', opening + bought - closing, 'returned_qty', 0,"
     " 'closing_qty', closing, 'near_expiry_qty', closing / 60 * 12, 'stock_cover_bp',"
     " CASE WHEN opening + bought - closing > 0 THEN closing * 10000 / (opening + bought"
     " - closing) END, 'build_up', json(CASE WHEN CASE WHEN opening + bought - closing > 0"
     " THEN closing * 10000 / (opening + bought - closing) > 20000 ELSE closing > 0 END"
     " THEN 'true' ELSE 'false' END)) AS line"
     " FROM (SELECT cu, period, sku, bought, bought / 4 AS closing, lag(bought / 4, 1, 0)"
     " OVER (PARTITION BY cu, sku ORDER BY period) AS opening FROM ib)"
     " ORDER BY cu, period, sku) GROUP BY cu, period"},
    {"inventory_reports",
     "INSERT INTO inventory_reports(number, customer, period, lines, warnings, late,"
     " submitted_at, submitted_by, reviewed_by, reviewed_at, review_note, state, created_at,"
     " updated_at)"
     " SELECT 'SC' || strftime('%Y%m%d', sub / 1000000, 'unixepoch') || 'KC'"
     " || printf('%04d', row_number() OVER (PARTITION BY sub / 86400000000 ORDER BY cu)),"
     " cu, period, lines, '[]', late, sub, kam,"
     " CASE WHEN rev THEN 'bslt' END, CASE WHEN rev THEN sub + 2 * 86400000000 END,"
     " CASE WHEN rev THEN 'ok' END, CASE WHEN rev THEN 'reviewed' ELSE 'submitted' END, sub,"
     " CASE WHEN rev THEN sub + 2 * 86400000000 ELSE sub END"
     " FROM (SELECT ir.cu AS cu, ir.period AS period, ir.lines AS lines, c.kam AS kam,"
     " (" CNO("ir.cu") " + CAST(substr(ir.period, 6, 2) AS INTEGER)) % 20 = 0 AS late,"
                       " " TS("ir.period || '-01'") " + CASE WHEN (" CNO(
                           "ir.cu") " + CAST(substr(ir.period, 6, 2)"
                                    " AS INTEGER)) % 20 = 0 THEN 22 ELSE 17 END * 86400000000 + "
                                    "36000000000 AS sub,"
                                    " ir.period < substr(date((SELECT last FROM lk), 'start of "
                                    "month', '-1 month'), 1, 7)"
                                    " AS rev"
                                    " FROM ir JOIN customers c ON c.code = ir.cu)"
                                    " WHERE sub < ((SELECT today FROM lk) + 1) * 86400000000 ORDER "
                                    "BY sub, cu"},
    /* ---- the day's last sequence of each new number head (list searches read doc_seq) ---- */
    {"doc_seq",
     "INSERT INTO doc_seq(prefix, day, type, last_seq) SELECT 'SC', substr(number, 3, 4) || '-'"
     " || substr(number, 7, 2) || '-' || substr(number, 9, 2), substr(number, 11, 2),"
     " max(CAST(substr(number, 13) AS INTEGER)) FROM (SELECT number FROM backorders"
     " UNION ALL SELECT number FROM stock_receipts UNION ALL SELECT number FROM"
     " inventory_reports) GROUP BY 2, 3 ORDER BY 2, 3 ON CONFLICT(prefix, day, type) DO UPDATE"
     " SET last_seq = max(last_seq, excluded.last_seq)"},
    {"temporary tables", "DROP TABLE bo; DROP TABLE nw; DROP TABLE sm; DROP TABLE lot;"
                         " DROP TABLE pp; DROP TABLE mo; DROP TABLE ib; DROP TABLE ir;"
                         " DROP TABLE lk"},
};

void load_stock(sqlite3 *db, long n, long nc, date_t today)
{
    char first[11], last[11];
    date_format(today - 1095, first);
    date_format(today - 1, last);
    struct sb sql = SB_INIT;
    /* lk: the constants every step reads (m: the last day's open orders; dd_base: that day's
       last order number) */
    sb_addf(&sql,
            "CREATE TEMP TABLE lk AS SELECT %ld AS n, %ld AS nc, %ld AS m, %ld AS today,"
            " '%s' AS first, '%s' AS last, %lld AS last_ts, coalesce((SELECT last_seq FROM"
            " doc_seq WHERE prefix = 'SC' AND day = '%s' AND type = 'DD'), 0) AS dd_base",
            n, nc, n / 2190 + 1, (long)today, first, last, (long long)(today - 1) * 86400 * 1000000,
            last);
    step(db, "constants", sb_str(&sql));
    sb_free(&sql);
    size_t nidx;
    char **idx = drop_own_indexes(db, &nidx);
    for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++)
        step(db, steps[k].what, steps[k].sql);
    for (size_t i = 0; i < nidx; i += 2) {
        char what[64];
        if (str_fmt(what, sizeof what, "index %s", idx[i]) < 0)
            exit(1);
        step(db, what, idx[i + 1]);
        free(idx[i]);
        free(idx[i + 1]);
    }
    free(idx);
}
