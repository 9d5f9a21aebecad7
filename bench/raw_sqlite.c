/*
 * raw_sqlite.c — the floor under the OP path: the same rows written straight into SQLite,
 * with the server's durability settings (WAL, synchronous=FULL, foreign_keys=ON) and one
 * transaction per step, as `osb serve` commits one per request (issue "OP ... measured",
 * item 8).
 *
 *   raw_sqlite --db FILE [-n orders] [-t seconds] [-l lines]
 *
 * FILE is a copy of the bench database (op_load setup), so every table has the same rows and
 * indexes the server writes into. Per order and step this writes what the server writes
 * (counted from a live server, see bench/README.md): the orders row update with version,
 * order_lines inserted at create (the server saves a line only when it changed: on this path
 * nothing changes them after create),
 * order_events, one audit row hash-chained exactly as store/audit.c does it (so `osb check`
 * verifies the result), doc_seq, the notifications of the copy rule, order_memo at accept,
 * quota_uses and order_exposure at check, delivery_notes at print, shipments,
 * shipment_lines, stock_lots and stock_moves at release, and the e-mail row beside each
 * notification when the schema has notification_emails. It reads what those writes need
 * (prices, the last audit hash, credit sums, free lots) and nothing else: no HTTP, no JSON
 * answer, no session lookup. Statements are prepared once. One thread: SQLite serialises
 * writers anyway, and without contention this is the fastest the writes can go.
 *
 * Prints "raw orders/s: X". It is a bench program, not part of osb.
 */
#include "bench_data.h"
#include "flushes.h"

#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

static sqlite3 *db;
static char prefix[16] = "SC";
static long rid_counter;
static int opt_lines = 2;

static void die(const char *what)
{
    fprintf(stderr, "raw_sqlite: %s: %s\n", what, sqlite3_errmsg(db));
    exit(1);
}

/* ---- statements, prepared once ----------------------------------------------------------- */

enum {
    S_BEGIN, S_COMMIT, S_SEQ, S_PRODUCT, S_ORDER_INS, S_LINES_DEL, S_LINE_INS, S_EVENT,
    S_AUDIT_LAST, S_AUDIT_INS, S_NOTIFY, S_UPD_VERIFY, S_UPD_SUBMIT, S_UPD_ACCEPT, S_MEMO,
    S_DUPS, S_REL_QUOTA, S_REL_EARMARK, S_DEL_EXPOSURE, S_QUOTA_INS, S_CREDIT_LIMIT,
    S_CREDIT_INV, S_CREDIT_EXP, S_CREDIT_PAY, S_EARMARKS, S_UPD_CHECK, S_EXPOSURE,
    S_UPD_APPROVE, S_PRODUCT_NOTE, S_DN_INS, S_UPD_PRINT, S_SHIP_INS, S_LOTS, S_LOT_RESERVE,
    S_MOVE_INS, S_SHIPLINE_INS, S_DN_RELEASE, S_UPD_RELEASE, S_EMAIL, S__COUNT
};

static const char *const sqls[S__COUNT] = {
    [S_BEGIN] = "BEGIN IMMEDIATE",
    [S_COMMIT] = "COMMIT",
    [S_SEQ] = "INSERT INTO doc_seq(prefix, day, type, last_seq) VALUES(?, ?, ?, 1)"
              " ON CONFLICT(prefix, day, type) DO UPDATE SET last_seq = last_seq + 1"
              " RETURNING last_seq",
    [S_PRODUCT] = "SELECT active, kind, price_fen, case_size FROM products WHERE sku = ?",
    [S_ORDER_INS] = "INSERT INTO orders(number, customer, state, note, requested_date,"
                    " stated_total_fen, total_fen, market, region, kam, um, mm, warnings,"
                    " created_at, created_by, updated_at)"
                    " VALUES(?,?,'draft',NULL,NULL,NULL,?,?,?,?,?,?,'[]',?,?,?)",
    [S_LINES_DEL] = "DELETE FROM order_lines WHERE order_no = ?",
    [S_LINE_INS] = "INSERT INTO order_lines(order_no, line_no, sku, qty, loose_units, qty_cut,"
                   " cut_reasons, price_fen, amount_fen) VALUES(?,?,?,?,0,0,NULL,?,?)",
    [S_EVENT] = "INSERT INTO order_events(order_no, at, step, action, actor, on_behalf_of,"
                " from_state, to_state, comment) VALUES(?,?,?,?,?,NULL,?,?,NULL)",
    [S_AUDIT_LAST] = "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
    [S_AUDIT_INS] = "INSERT INTO audit(seq, at, actor, on_behalf_of, ip, request_id, action,"
                    " object_type, object_key, before, after, prev_hash, hash)"
                    " VALUES(?,?,?,NULL,'127.0.0.1',?,?,'order',?,?,?,?,?)",
    [S_NOTIFY] = "INSERT INTO notifications(event, recipient, channel, subject, document,"
                 " dedup_key, created_at) VALUES(?,?,'in_app',?,?,NULL,?)"
                 " ON CONFLICT(dedup_key) DO NOTHING",
    [S_UPD_VERIFY] = "UPDATE orders SET state = ?, version = version + 1, updated_at = ?"
                     " WHERE number = ?",
    [S_UPD_SUBMIT] = "UPDATE orders SET state = 'submitted', submitted_at = ?,"
                     " version = version + 1, updated_at = ? WHERE number = ?",
    [S_UPD_ACCEPT] = "UPDATE orders SET state = 'accepted', total_fen = ?, csr = 'csr_a',"
                     " scr = 'warehouse', bcr = ?, warehouse = 'WH-GZ', accepted_at = ?,"
                     " op_started_at = ?, op_receipt_day = ?, op_paused = 0,"
                     " version = version + 1, updated_at = ? WHERE number = ?",
    [S_MEMO] = "INSERT INTO order_memo(order_no, at, by, text) VALUES(?,?,?,?)",
    [S_DUPS] = "SELECT count(*) FROM orders o2 WHERE o2.customer = ? AND o2.number <> ?"
               " AND o2.accepted_at >= ? AND (SELECT group_concat(sku || ':' || qty, ',') FROM"
               " (SELECT sku, qty FROM order_lines WHERE order_no = o2.number ORDER BY sku)) ="
               " (SELECT group_concat(sku || ':' || qty, ',') FROM (SELECT sku, qty FROM"
               " order_lines WHERE order_no = ? ORDER BY sku))",
    [S_REL_QUOTA] = "UPDATE quota_uses SET released = 1 WHERE document = ? AND released = 0",
    [S_REL_EARMARK] = "UPDATE earmarks SET released_at = ? WHERE order_no = ?"
                      " AND released_at IS NULL AND consumed_by IS NULL",
    [S_DEL_EXPOSURE] = "DELETE FROM order_exposure WHERE order_no = ?",
    [S_QUOTA_INS] = "INSERT INTO quota_uses(period, sku, customer, region, document, line_no,"
                    " qty, over_qty) VALUES(?,?,?,?,?,?,?,0)",
    [S_CREDIT_LIMIT] = "SELECT credit_limit_fen FROM customers WHERE code = ?",
    [S_CREDIT_INV] = "SELECT coalesce(sum(amount_fen - settled_fen - credited_fen"
                     " - written_off_fen), 0) FROM invoices WHERE customer = ?"
                     " AND state IN ('open', 'partial')",
    [S_CREDIT_EXP] = "SELECT coalesce(sum(open_fen), 0) FROM order_exposure WHERE customer = ?"
                     " AND order_no IS NOT ?",
    [S_CREDIT_PAY] = "SELECT coalesce(sum(unapplied_fen), 0) FROM payments WHERE customer = ?"
                     " AND state = 'registered'",
    [S_EARMARKS] = "SELECT coalesce(sum(amount_fen), 0) FROM earmarks WHERE customer = ?"
                   " AND order_no <> ? AND released_at IS NULL AND consumed_by IS NULL",
    [S_UPD_CHECK] = "UPDATE orders SET state = 'pending_approval', quota_check = ?, qc = NULL,"
                    " credit_check = ?, pending_approval_at = ?, version = version + 1,"
                    " updated_at = ? WHERE number = ?",
    [S_EXPOSURE] = "INSERT INTO order_exposure(order_no, customer, open_fen) VALUES(?,?,?)"
                   " ON CONFLICT(order_no) DO UPDATE SET open_fen = excluded.open_fen",
    [S_UPD_APPROVE] = "UPDATE orders SET state = 'approved', approved_at = ?,"
                      " version = version + 1, updated_at = ? WHERE number = ?",
    [S_PRODUCT_NOTE] = "SELECT name, spec, unit, case_size FROM products WHERE sku = ?",
    [S_DN_INS] = "INSERT INTO delivery_notes(number, order_no, printed_at, printed_by, lines,"
                 " consignee, consignee_phone, consignment_station, address)"
                 " VALUES(?,?,?,'finance',?,?,?,?,?)",
    [S_UPD_PRINT] = "UPDATE orders SET state = 'billed', delivery_note = ?, billed_at = ?,"
                    " version = version + 1, updated_at = ? WHERE number = ?",
    [S_SHIP_INS] = "INSERT INTO shipments(number, order_no, delivery_note, warehouse, scr,"
                   " released_at, created_at) VALUES(?,?,?,'WH-GZ','warehouse',?,?)",
    [S_LOTS] = "SELECT batch, on_hand - reserved FROM stock_lots WHERE warehouse = 'WH-GZ'"
               " AND sku = ? AND quality = 'ok' AND on_hand > reserved"
               " ORDER BY coalesce(expires, '9999-12-31'), batch",
    [S_LOT_RESERVE] = "UPDATE stock_lots SET reserved = reserved + ? WHERE warehouse = 'WH-GZ'"
                      " AND sku = ? AND batch = ?",
    [S_MOVE_INS] = "INSERT INTO stock_moves(at, warehouse, sku, batch, kind, qty, document, by)"
                   " VALUES(?,'WH-GZ',?,?,'reserve',?,?,'csr_a')",
    [S_SHIPLINE_INS] = "INSERT INTO shipment_lines(shipment, line_no, sku, qty_requested,"
                       " reserved) VALUES(?,?,?,?,?)",
    [S_DN_RELEASE] = "UPDATE delivery_notes SET released_at = ?, released_by = 'csr_a'"
                     " WHERE number = ?",
    [S_UPD_RELEASE] = "UPDATE orders SET state = 'released', warehouse = 'WH-GZ',"
                      " released_at = ?, op_stopped_at = ?, version = version + 1,"
                      " updated_at = ? WHERE number = ?",
    /* The e-mail twin of a notification (flow/notify.c), when the schema has the table. */
    [S_EMAIL] = "INSERT INTO notification_emails(notification, address, created_at,"
                " send_after) SELECT ?, email, ?, ? FROM users WHERE username = ?"
                " AND active = 1 AND email IS NOT NULL AND email <> ''",
};

static sqlite3_stmt *st[S__COUNT];
static bool has_emails; /* the database has notification_emails */

/* Binds by a type string like db_exec: s text, i int64, n null. */
static sqlite3_stmt *q(int k, const char *types, ...)
{
    sqlite3_stmt *s = st[k];
    sqlite3_reset(s);
    va_list ap;
    va_start(ap, types);
    for (int i = 0; types[i]; i++) {
        int rc;
        if (types[i] == 's') {
            const char *v = va_arg(ap, const char *);
            rc = v ? sqlite3_bind_text(s, i + 1, v, -1, SQLITE_TRANSIENT)
                   : sqlite3_bind_null(s, i + 1);
        } else {
            rc = sqlite3_bind_int64(s, i + 1, va_arg(ap, int64_t));
        }
        if (rc != SQLITE_OK)
            die(sqls[k]);
    }
    va_end(ap);
    return s;
}

static void run1(sqlite3_stmt *s)
{
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        ;
    if (rc != SQLITE_DONE)
        die(sqlite3_sql(s));
}

static int64_t int1(sqlite3_stmt *s)
{
    int rc = sqlite3_step(s);
    if (rc != SQLITE_ROW)
        die(sqlite3_sql(s));
    int64_t v = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return v;
}

/* ---- time and numbers --------------------------------------------------------------------- */

static int64_t now_us(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

/* Today's date in Asia/Shanghai, as the server numbers its documents. */
static void shanghai_date(int64_t us, char *ymd /*YYYYMMDD*/, char *iso /*YYYY-MM-DD*/)
{
    time_t t = (time_t)(us / 1000000 + 8 * 3600);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(ymd, 9, "%Y%m%d", &tm);
    strftime(iso, 11, "%Y-%m-%d", &tm);
}

static void docno(int64_t now, const char *type, char *out, size_t n)
{
    char ymd[9], iso[11];
    shanghai_date(now, ymd, iso);
    int64_t seq = int1(q(S_SEQ, "sss", prefix, iso, type));
    snprintf(out, n, "%s%s%s%04lld", prefix, ymd, type, (long long)seq);
}

/* ---- audit, as store/audit.c chains it ------------------------------------------------ */

static json_t *str_or_null(const char *s) { return s ? json_string(s) : json_null(); }

static void audit(int64_t at, const char *actor, const char *action, const char *key,
                  const char *before, const char *after)
{
    sqlite3_stmt *s = st[S_AUDIT_LAST];
    sqlite3_reset(s);
    int64_t seq = 0;
    char prev[65] = "0000000000000000000000000000000000000000000000000000000000000000";
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        seq = sqlite3_column_int64(s, 0);
        snprintf(prev, sizeof prev, "%s", (const char *)sqlite3_column_text(s, 1));
    } else if (rc != SQLITE_DONE) {
        die("audit last");
    }
    sqlite3_reset(s);
    seq++;
    char rid[32];
    snprintf(rid, sizeof rid, "r%llx-%ld", (unsigned long long)(at / 1000000), rid_counter++);
    json_t *o = json_object();
    json_object_set_new(o, "seq", json_integer(seq));
    json_object_set_new(o, "at", json_integer(at));
    json_object_set_new(o, "actor", str_or_null(actor));
    json_object_set_new(o, "on_behalf_of", json_null());
    json_object_set_new(o, "ip", str_or_null("127.0.0.1"));
    json_object_set_new(o, "request_id", str_or_null(rid));
    json_object_set_new(o, "action", str_or_null(action));
    json_object_set_new(o, "object_type", str_or_null("order"));
    json_object_set_new(o, "object_key", str_or_null(key));
    json_object_set_new(o, "before", str_or_null(before));
    json_object_set_new(o, "after", str_or_null(after));
    char *canon = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_state hs;
    crypto_hash_sha256_init(&hs);
    crypto_hash_sha256_update(&hs, (const unsigned char *)prev, strlen(prev));
    crypto_hash_sha256_update(&hs, (const unsigned char *)canon, strlen(canon));
    crypto_hash_sha256_final(&hs, h);
    free(canon);
    char hash[65];
    sodium_bin2hex(hash, sizeof hash, h, sizeof h);
    run1(q(S_AUDIT_INS, "iissssssss", seq, at, actor, rid, action, key, before, after, prev,
           hash));
}

/* ---- one order ---------------------------------------------------------------------------- */

struct line {
    char sku[16];
    int64_t qty, price, amount, case_size;
};

struct order {
    char number[32], customer[16], kam[16], um[16], mm[16], slt[16], region[8], market[8];
    struct line l[20];
    int n;
    int64_t total;
    int version;
};

static void notify(const char *event, const char *who, const struct order *o, int64_t now,
                   const char *subject)
{
    run1(q(S_NOTIFY, "ssssi", event, who, subject, o->number, now));
    if (has_emails)
        run1(q(S_EMAIL, "iiis", (int64_t)sqlite3_last_insert_rowid(db), now, now, who));
}

static void save_lines(const struct order *o)
{
    for (int i = 0; i < o->n; i++)
        run1(q(S_LINE_INS, "siiiii", o->number, (int64_t)(i + 1), o->l[i].sku, o->l[i].qty,
               o->l[i].price, o->l[i].amount));
}

/* The timeline row and the audit row every action writes (flow/order.c record()). */
static void record(struct order *o, int64_t now, const char *step, const char *action,
                   const char *actor, const char *from, const char *to)
{
    run1(q(S_EVENT, "sisssss", o->number, now, step, action, actor, from, to));
    char before[96], after[128];
    snprintf(before, sizeof before, "{\"state\":\"%s\",\"version\":%d}", from, o->version);
    snprintf(after, sizeof after, "{\"state\":\"%s\",\"total_fen\":%lld,\"version\":%d}", to,
             (long long)o->total, o->version + 1);
    audit(now, actor, action, o->number, before, after);
    o->version++;
}

static void begin(void) { run1(q(S_BEGIN, "")); }
static void commit(void) { run1(q(S_COMMIT, "")); }

static void price_lines(struct order *o)
{
    o->total = 0;
    for (int i = 0; i < o->n; i++) {
        sqlite3_stmt *s = q(S_PRODUCT, "s", o->l[i].sku);
        if (sqlite3_step(s) != SQLITE_ROW)
            die("product");
        o->l[i].price = sqlite3_column_int64(s, 2);
        o->l[i].case_size = sqlite3_column_int64(s, 3);
        sqlite3_reset(s);
        o->l[i].amount = o->l[i].qty * o->l[i].price;
        o->total += o->l[i].amount;
    }
}

static void one_order(unsigned *rnd)
{
    struct order o;
    memset(&o, 0, sizeof o);
    int per = BENCH_CUSTOMERS / BENCH_NREGIONS;
    int ci = 1 + (int)(bench_rand(rnd) % (unsigned)(per * BENCH_NREGIONS));
    const struct bench_region *r = bench_customer_region(ci);
    bench_customer_code(ci, o.customer, sizeof o.customer);
    snprintf(o.kam, sizeof o.kam, "kam_%s", r->code);
    snprintf(o.um, sizeof o.um, "um_%s", r->code);
    snprintf(o.mm, sizeof o.mm, "mm_%s", r->market);
    snprintf(o.slt, sizeof o.slt, "%s", r->supervisor);
    snprintf(o.region, sizeof o.region, "%s", r->code);
    snprintf(o.market, sizeof o.market, "%s", r->market);
    o.n = opt_lines;
    for (int i = 0; i < o.n; i++) {
        int j;
        bool dup;
        do {
            j = 1 + (int)(bench_rand(rnd) % BENCH_PRODUCTS);
            char sku[16];
            bench_sku(j, sku, sizeof sku);
            dup = false;
            for (int k = 0; k < i; k++)
                dup = dup || strcmp(o.l[k].sku, sku) == 0;
            if (!dup)
                snprintf(o.l[i].sku, sizeof o.l[i].sku, "%s", sku);
        } while (dup);
        o.l[i].qty = bench_case_size(j) * (1 + (int64_t)(bench_rand(rnd) % 5));
    }
    o.version = 1;
    const char *bcr = strcmp(r->supervisor, "director") == 0 ? "csr_b" : "ssg_leader";

    /* create (OG) */
    int64_t now = now_us();
    begin();
    docno(now, "DD", o.number, sizeof o.number);
    price_lines(&o);
    run1(q(S_ORDER_INS, "ssisssssisi", o.number, o.customer, o.total, o.market, o.region, o.kam,
           o.um, o.mm, now, o.kam, now));
    save_lines(&o);
    run1(q(S_EVENT, "sisssss", o.number, now, "OG", "create", o.kam, NULL, "draft"));
    char after[160];
    snprintf(after, sizeof after, "{\"customer\":\"%s\",\"state\":\"draft\",\"total_fen\":%lld}",
             o.customer, (long long)o.total);
    audit(now, o.kam, "create", o.number, NULL, after);
    commit();

    /* verify (OG-2) */
    now = now_us();
    begin();
    run1(q(S_UPD_VERIFY, "sis", "verified", now, o.number));
    record(&o, now, "OG-2", "verify", o.kam, "draft", "verified");
    notify("order_verified", o.kam, &o, now, "订单已由客户经理核实，待市场经理审批");
    commit();

    /* approve-market (OG-3) */
    now = now_us();
    begin();
    run1(q(S_UPD_SUBMIT, "iis", now, now, o.number));
    record(&o, now, "OG-3", "approve-market", o.mm, "verified", "submitted");
    notify("order_submitted", o.kam, &o, now, "新订单已提交，请在30个工作分钟内接收");
    notify("order_submitted", "csr_a", &o, now, "新订单已提交，请在30个工作分钟内接收");
    notify("order_submitted", "ssg_leader", &o, now, "新订单已提交，请在30个工作分钟内接收");
    commit();

    /* accept (OA): prices on the accept date, the memo, the QC-6 duplicate look-up */
    now = now_us();
    begin();
    price_lines(&o);
    char ymd[9], iso[11];
    shanghai_date(now, ymd, iso);
    int64_t dups = int1(q(S_DUPS, "ssis", o.customer, o.number, now - 24LL * 3600 * 1000000,
                          o.number));
    run1(q(S_UPD_ACCEPT, "isiisis", o.total, bcr, now, now, iso, now, o.number));
    char memo[1024];
    int ml = snprintf(memo, sizeof memo, "%s 接收订单：客户 %s Bench customer，客户经理 %s，市场经理 %s；",
                      iso, o.customer, o.kam, o.mm);
    for (int i = 0; i < o.n && ml < 900; i++)
        ml += snprintf(memo + ml, sizeof memo - (size_t)ml, "%s%s×%lld", i ? "，" : "",
                       o.l[i].sku, (long long)o.l[i].qty);
    snprintf(memo + ml, sizeof memo - (size_t)ml,
             "；合计 ¥%lld。CSR csr_a，SCR warehouse，BCR %s。已通知市场经理、区域经理、客户经理和财务。%s",
             (long long)(o.total / 100), bcr, dups ? " 注意：重复" : "");
    run1(q(S_MEMO, "siss", o.number, now, "csr_a", memo));
    record(&o, now, "OA", "accept", "csr_a", "submitted", "accepted");
    const char *acc[] = {o.kam, "csr_a", o.mm, o.um, "finance"};
    for (int i = 0; i < 5; i++)
        notify("order_accepted", acc[i], &o, now, "订单已接收（订单号、明细和预计金额见订单）");
    commit();

    /* check (QC → AC → CC) */
    now = now_us();
    begin();
    /* An accepted order holds no quota, exposure or earmark yet: the server releases nothing
       here (flow/order.c run_check). */
    char period[8];
    snprintf(period, sizeof period, "%.7s", iso);
    char qinfo[2048];
    int qn = snprintf(qinfo, sizeof qinfo, "[");
    for (int i = 0; i < o.n; i++) {
        run1(q(S_QUOTA_INS, "sssssii", period, o.l[i].sku, o.customer, o.region, o.number,
               (int64_t)(i + 1), o.l[i].qty));
        qn += snprintf(qinfo + qn, sizeof qinfo - (size_t)qn,
                       "%s{\"line\":%d,\"sku\":\"%s\",\"customer_remaining\":null,"
                       "\"region_remaining\":null,\"approvals_available\":0,\"kept\":%lld}",
                       i ? "," : "", i + 1, o.l[i].sku, (long long)o.l[i].qty);
    }
    snprintf(qinfo + qn, sizeof qinfo - (size_t)qn, "]");
    int64_t limit = int1(q(S_CREDIT_LIMIT, "s", o.customer));
    int64_t ar = int1(q(S_CREDIT_INV, "s", o.customer));
    int64_t open = int1(q(S_CREDIT_EXP, "ss", o.customer, o.number));
    int64_t pre = int1(q(S_CREDIT_PAY, "s", o.customer));
    int64_t ear = int1(q(S_EARMARKS, "ss", o.customer, o.number));
    char cc[1024];
    snprintf(cc, sizeof cc,
             "{\"result\":\"pass\",\"row\":3,\"reasons\":[],\"exposure_fen\":%lld,"
             "\"limit_fen\":%lld,\"over_pct_bp\":0,\"overdue_fen\":0,\"open_receivables_fen\":%lld,"
             "\"open_orders_fen\":%lld,\"prepayment_fen\":%lld,\"free_prepayment_fen\":%lld,"
             "\"shortfall_fen\":%lld,\"reason_zh\":\"无逾期，信用占用未超过信用额。\","
             "\"reason_en\":\"No overdue; exposure is within the credit limit.\","
             "\"checked_at\":\"%s\"}",
             (long long)(ar + open + o.total), (long long)limit, (long long)ar, (long long)open,
             (long long)pre, (long long)(pre - ear), (long long)o.total, iso);
    run1(q(S_UPD_CHECK, "ssiis", qinfo, cc, now, now, o.number));
    run1(q(S_EXPOSURE, "ssi", o.number, o.customer, o.total));
    record(&o, now, "QC/AC/CC", "check", "csr_a", "accepted", "pending_approval");
    const char *chk[] = {o.kam, "csr_a", o.slt, "finance"};
    for (int i = 0; i < 4; i++)
        notify("order_pending_approval", chk[i], &o, now, "订单已通过检查，待分管SLT成员批准");
    commit();

    /* approve (MA) */
    now = now_us();
    begin();
    run1(q(S_UPD_APPROVE, "iis", now, now, o.number));
    record(&o, now, "MA", "approve", o.slt, "pending_approval", "approved");
    const char *apr[] = {o.kam, "csr_a", o.slt, o.um, "finance"};
    for (int i = 0; i < 5; i++)
        notify("order_approved", apr[i], &o, now, "订单已批准，请财务当日打印送货单");
    commit();

    /* print-delivery-note (BG-2) */
    now = now_us();
    begin();
    char dn[32];
    docno(now, "FHTZ", dn, sizeof dn);
    char lines[4096];
    int ln = snprintf(lines, sizeof lines, "[");
    for (int i = 0; i < o.n; i++) {
        sqlite3_stmt *s = q(S_PRODUCT_NOTE, "s", o.l[i].sku);
        if (sqlite3_step(s) != SQLITE_ROW)
            die("product");
        ln += snprintf(lines + ln, sizeof lines - (size_t)ln,
                       "%s{\"name\":\"%s\",\"spec\":\"%s\",\"unit\":\"%s\",\"case_size\":%lld,"
                       "\"sku\":\"%s\",\"qty\":%lld,\"cases\":%lld,\"loose_units\":0,"
                       "\"price_fen\":%lld,\"amount_fen\":%lld}",
                       i ? "," : "", sqlite3_column_text(s, 0), sqlite3_column_text(s, 1),
                       sqlite3_column_text(s, 2), (long long)sqlite3_column_int64(s, 3),
                       o.l[i].sku, (long long)o.l[i].qty,
                       (long long)(o.l[i].qty / sqlite3_column_int64(s, 3)),
                       (long long)o.l[i].price, (long long)o.l[i].amount);
        sqlite3_reset(s);
    }
    snprintf(lines + ln, sizeof lines - (size_t)ln, "]");
    run1(q(S_DN_INS, "ssisssss", dn, o.number, now, lines, "Receiving", "020-00000000",
           "Station", "Road"));
    run1(q(S_UPD_PRINT, "siis", dn, now, now, o.number));
    record(&o, now, "BG-2", "print-delivery-note", "finance", "approved", "billed");
    notify("delivery_note_printed", o.kam, &o, now, "送货单已打印，请当日交储运部");
    notify("delivery_note_printed", "csr_a", &o, now, "送货单已打印，请当日交储运部");
    commit();

    /* release (BG-3): the shipment with stock reserved first-expiring-first */
    now = now_us();
    begin();
    char fh[32];
    docno(now, "FH", fh, sizeof fh);
    run1(q(S_SHIP_INS, "sssii", fh, o.number, dn, now, now));
    for (int i = 0; i < o.n; i++) {
        int64_t want = o.l[i].qty;
        char res[1024];
        int rn = snprintf(res, sizeof res, "[");
        sqlite3_stmt *s = q(S_LOTS, "s", o.l[i].sku);
        /* Collect the lots first, then write (the server reads them into a list too). */
        char batches[8][40];
        int64_t freeq[8];
        int nb = 0, rc;
        while (nb < 8 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
            snprintf(batches[nb], sizeof batches[nb], "%s", sqlite3_column_text(s, 0));
            freeq[nb++] = sqlite3_column_int64(s, 1);
        }
        sqlite3_reset(s);
        for (int b = 0; b < nb && want > 0; b++) {
            int64_t take = freeq[b] < want ? freeq[b] : want;
            run1(q(S_LOT_RESERVE, "iss", take, o.l[i].sku, batches[b]));
            run1(q(S_MOVE_INS, "issis", now, o.l[i].sku, batches[b], take, fh));
            rn += snprintf(res + rn, sizeof res - (size_t)rn, "%s{\"batch\":\"%s\",\"qty\":%lld}",
                           b ? "," : "", batches[b], (long long)take);
            want -= take;
        }
        snprintf(res + rn, sizeof res - (size_t)rn, "]");
        run1(q(S_SHIPLINE_INS, "sisis", fh, (int64_t)(i + 1), o.l[i].sku, o.l[i].qty, res));
    }
    run1(q(S_DN_RELEASE, "is", now, dn));
    run1(q(S_UPD_RELEASE, "iiis", now, now, now, o.number));
    record(&o, now, "BG-3", "release", "csr_a", "billed", "released");
    const char *rel[] = {o.kam, "csr_a", "warehouse", "finance"};
    for (int i = 0; i < 4; i++)
        notify("order_released", rel[i], &o, now, "送货单已交储运部，请按单发运");
    commit();
}


int main(int argc, char **argv)
{
    const char *path = NULL, *flushes_path = NULL;
    long orders = 0;
    double seconds = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--db"))
            path = argv[i + 1];
        else if (!strcmp(argv[i], "-n"))
            orders = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "-t"))
            seconds = atof(argv[i + 1]);
        else if (!strcmp(argv[i], "-l"))
            opt_lines = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--flushes"))
            flushes_path = argv[i + 1];
        else
            path = NULL, i = argc;
    }
    if (!path || opt_lines < 1 || opt_lines > 20 || (argc - 1) % 2) {
        fprintf(stderr, "usage: raw_sqlite --db FILE [-n orders] [-t seconds] [-l lines] [--flushes FILE]\n");
        return 2;
    }
    if (orders <= 0 && seconds <= 0)
        orders = 1000;
    if (sodium_init() < 0)
        return 1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK)
        die(path);
    sqlite3_busy_timeout(db, 10000);
    /* The server's connection settings (store/db_sqlite.c db_open). */
    if (sqlite3_exec(db,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                     "PRAGMA temp_store=MEMORY;",
                     NULL, NULL, NULL) != SQLITE_OK)
        die("pragmas");
    sqlite3_stmt *p;
    if (sqlite3_prepare_v2(db, "SELECT value FROM settings WHERE key = 'doc_prefix'", -1, &p,
                           NULL) == SQLITE_OK) {
        if (sqlite3_step(p) == SQLITE_ROW)
            snprintf(prefix, sizeof prefix, "%s", sqlite3_column_text(p, 0));
        sqlite3_finalize(p);
    }
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                               " AND name = 'notification_emails'", -1, &p, NULL) == SQLITE_OK) {
        has_emails = sqlite3_step(p) == SQLITE_ROW && sqlite3_column_int(p, 0) > 0;
        sqlite3_finalize(p);
    }
    for (int k = 0; k < S__COUNT; k++)
        if ((k != S_EMAIL || has_emails) &&
            sqlite3_prepare_v3(db, sqls[k], -1, SQLITE_PREPARE_PERSISTENT, &st[k], NULL) !=
                SQLITE_OK)
            die(sqls[k]);
    unsigned rnd = 88172645u;
    uint64_t fl0[6];
    flushes_read(flushes_path, fl0);
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    long n = 0;
    for (;;) {
        if (orders > 0 && n >= orders)
            break;
        clock_gettime(CLOCK_MONOTONIC, &b);
        double el = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
        if (seconds > 0 && el >= seconds)
            break;
        one_order(&rnd);
        n++;
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    double el = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    flushes_print("raw_sqlite", flushes_path, fl0);
    for (int k = 0; k < S__COUNT; k++)
        sqlite3_finalize(st[k]);
    sqlite3_close(db);
    printf("raw_sqlite: %ld orders (8 transactions each) in %.2f s\n", n, el);
    printf("raw orders/s: %.2f\n", el > 0 ? (double)n / el : 0.0);
    return 0;
}
