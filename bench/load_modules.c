/*
 * load_modules.c — the second-wave modules' rows of the reports bench (issue #14 item 6): the
 * loader of reports_bench.c fills customers, orders, shipments, invoices, receipts and the
 * ledger only, so the modules' reports (contract_ledger, market_expenses_vs_budget,
 * pop_and_samples, quotation_register, after_sales, the work plans, plan and forecast against
 * actual, the weekly call list, market weekly/monthly, target and key customers) answered no
 * rows at 1,000,000 orders and were never timed at size.
 *
 * Every row is derived in SQL (INSERT … SELECT) from what is loaded, at the proportions the
 * flows would leave (flows.md §7-8, §13-18; entities.md §9-10):
 *   - one contract per customer and year (framework for key customers, whose orders name it);
 *   - expense budgets per market (advertising, POP) and per region (promotion, display fee) and
 *     month, four applications against each non-POP budget a month;
 *   - a POP request for 2 % of the orders (charged to the market's POP budget), a sample for 1 %;
 *   - two quotations per customer and year; an after-sales ticket for 1 % of the orders;
 *   - a week visit plan per KAM and week (9 customers and a prospect) and a month plan per KAM
 *     and month (20 customers); a visit report for 9 of 10 planned customer visits;
 *   - a forecast per key customer and month (next 3 months × 2 SKUs) and one per market (× 10
 *     SKUs); plans per month for the company, each market, region and KAM and each key customer;
 *   - the weekly call task of every customer (as store_call_tasks_make makes them) with a call
 *     logged for 6 of 10.
 * Budgets' committed and actual sums are those of their documents, so `osb check` passes; the
 * document numbers follow numbering-and-rules §1 (SC + date + type + the day's sequence) and
 * doc_seq holds each day's last, as seq_next_docno keeps it.
 *
 * Not here (branch wt/stock12): stock batches, backorders, inventory reports, quotas,
 * prepayments, credit grades.
 */
#include "load_modules.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The document number of type t dated on day (days since 1970) with the day's sequence s. */
#define DOCNO(t, day, s) "printf('SC%s" t "%04d', strftime('%Y%m%d', (" day ") * 86400, 'unixepoch'), " s ")"
/* A day (days since 1970) as YYYY-MM-DD, and as µs at an hour of the day (UTC) */
#define DAY(d) "date((" d ") * 86400, 'unixepoch')"
#define AT(d, h) "((" d ") * 86400000000 + (" h ") * 3600000000)"
/* An instant as the flows keep it in data (RFC 3339, local time) */
#define RFC(d) "strftime('%Y-%m-%dT10:00:00+08:00', (" d ") * 86400, 'unixepoch')"
#define T "(SELECT t FROM lmc)"
#define D0 "(SELECT d0 FROM lmc)"

static const char *const steps[] = {
    /* the people the modules need beside the bench's KAMs: a CSR (the market's BCR, who
       receives after-sales tickets and calls the weekly list), an MM per market, a UM per
       region */
    "INSERT INTO users(username, name, password_hash, role, department, market, created_at,"
    " updated_at) SELECT 'bcsr_' || code, 'csr', '-', 'csr', 'ssg', code, 0, 0 FROM markets"
    " WHERE true ON CONFLICT DO NOTHING;"
    "INSERT INTO users(username, name, password_hash, role, department, market, created_at,"
    " updated_at) SELECT 'bmm_' || code, 'mm', '-', 'mm', 'sales', code, 0, 0 FROM markets"
    " WHERE true ON CONFLICT DO NOTHING;"
    "INSERT INTO users(username, name, password_hash, role, department, market, region,"
    " created_at, updated_at) SELECT 'bum_' || code, 'um', '-', 'um', 'sales', market, code, 0, 0"
    " FROM regions WHERE true ON CONFLICT DO NOTHING;"
    "UPDATE markets SET bcr = coalesce(bcr, 'bcsr_' || code), mm = coalesce(mm, 'bmm_' || code);"
    "UPDATE regions SET um = coalesce(um, 'bum_' || code);",
    /* lc: the customers numbered, and each one's place among its KAM's (kr of kn) */
    "CREATE TEMP TABLE lc(c INTEGER PRIMARY KEY, code TEXT, market TEXT, region TEXT, kam TEXT,"
    " tier TEXT, kr INTEGER, kn INTEGER);"
    "INSERT INTO lc SELECT row_number() OVER (ORDER BY code) - 1, code, market, region, kam,"
    " tier, row_number() OVER (PARTITION BY kam ORDER BY code) - 1,"
    " count(*) OVER (PARTITION BY kam) FROM customers;"
    "CREATE INDEX lc_kam ON lc(kam, kr);"
    /* lw: the Mondays of the data set; lmo: its months (first and last day) */
    "CREATE TEMP TABLE lw(w INTEGER PRIMARY KEY, mon INTEGER);"
    "INSERT INTO lw WITH RECURSIVE k(w, mon) AS (SELECT 0, " D0 " + (7 - (" D0 " + 3) % 7) % 7"
    " UNION ALL SELECT w + 1, mon + 7 FROM k WHERE mon + 7 < " T ") SELECT w, mon FROM k;"
    "CREATE TEMP TABLE lmo(m INTEGER PRIMARY KEY, ym TEXT, first INTEGER, last INTEGER);"
    "INSERT INTO lmo WITH RECURSIVE k(d) AS (SELECT " D0 " UNION ALL SELECT d + 1 FROM k"
    " WHERE d + 1 < " T ") SELECT row_number() OVER (ORDER BY ym) - 1, ym, f, l FROM"
    " (SELECT strftime('%Y-%m', d * 86400, 'unixepoch') AS ym, min(d) AS f, max(d) AS l FROM k"
    " GROUP BY 1);"
    /* a month's first day even where the data set starts within it */
    "UPDATE lmo SET first = CAST(unixepoch(ym || '-01') / 86400 AS INTEGER);",

    /* ---- contracts (HT): one per customer and year; a key customer's is a framework
       contract its orders name ---- */
    "CREATE TEMP TABLE lk AS SELECT lc.c AS c, lc.code AS code, lc.kam AS kam, lc.tier AS tier,"
    " " D0 " + y.y * 365 + (lc.c * 7) % 365 AS day FROM lc CROSS JOIN (SELECT 0 AS y"
    " UNION ALL SELECT 1 UNION ALL SELECT 2) y;"
    "DELETE FROM lk WHERE day >= " T ";"
    "INSERT INTO contracts(number, customer, kind, value_fen, payment_term_days, valid_from,"
    " valid_to, deviations, major, needs_slt, signing_mode, signed_at, signed_by, archived_at,"
    " state, created_at, created_by, updated_at, submitted_at, original_received,"
    " deviations_confirmed, archive_binder, bound_at, closed_at)"
    " SELECT " DOCNO("HT", "day", "row_number() OVER (PARTITION BY day ORDER BY c)") ", code,"
    " CASE tier WHEN 'key' THEN 'framework' ELSE 'sales' END, 20000000 + (c % 41) * 1000000,"
    " 30, " DAY("day") ", " DAY("day + 364") ","
    " CASE WHEN c % 20 = 3 THEN '付款期 45 天' END, (c % 41) >= 30, (c % 41) >= 30,"
    " CASE WHEN day + 3 < " T " THEN 'onsite' END,"
    " CASE WHEN day + 3 < " T " THEN " AT("day + 3", "10") " END,"
    " CASE WHEN day + 3 < " T " THEN kam END,"
    " CASE WHEN day + 10 < " T " THEN " AT("day + 10", "10") " END,"
    " CASE WHEN day + 364 < " T " THEN 'completed' WHEN day + 10 < " T " THEN 'archived'"
    " WHEN day + 3 < " T " THEN 'signed' ELSE 'approved' END,"
    " " AT("day", "9") ", kam, " AT("day + 10", "10") ", " AT("day", "10") ","
    " day + 10 < " T ", c % 20 = 3,"
    " CASE WHEN day + 10 < " T " THEN strftime('%Y-%m', (day + 10) * 86400, 'unixepoch')"
    " || '-' || printf('%02d', 1 + c % 5) END,"
    " CASE WHEN day + 10 < " T " THEN " AT("day + 10", "11") " END,"
    " CASE WHEN day + 364 < " T " THEN " AT("day + 365", "9") " END"
    " FROM lk ORDER BY day, c;"
    "DROP TABLE lk;",
    "UPDATE orders SET contract = (SELECT k.number FROM contracts k"
    " WHERE k.customer = orders.customer AND k.kind = 'framework'"
    " AND k.valid_from <= orders.op_receipt_day ORDER BY k.valid_from DESC LIMIT 1)"
    " WHERE customer IN (SELECT code FROM customers WHERE tier = 'key')",

    /* ---- market expenses (flows §15): budgets and applications (FY) ---- */
    "INSERT INTO expense_budgets(code, market, region, category, period, amount_fen,"
    " created_at, created_by, updated_at)"
    " SELECT m.code || '-ALL-' || k.cat || '-' || mo.ym, m.code, NULL, k.cat, mo.ym, k.amt,"
    " " AT("mo.first - 5", "9") ", 'bslt', " AT("mo.first - 5", "9") " FROM markets m"
    " CROSS JOIN lmo mo CROSS JOIN (SELECT 'advertising' AS cat, 3000000 AS amt UNION ALL"
    " SELECT 'pop', 1500000) k"
    " UNION ALL SELECT r.market || '-' || r.code || '-' || k.cat || '-' || mo.ym, r.market,"
    " r.code, k.cat, mo.ym, k.amt, " AT("mo.first - 5", "9") ", 'bslt', " AT("mo.first - 5", "9")
    " FROM regions r CROSS JOIN lmo mo CROSS JOIN (SELECT 'promotion' AS cat,"
    " 2000000 AS amt UNION ALL SELECT 'display_fee', 1000000) k ORDER BY 1",
    /* four applications a month against each budget but POP's (which POP requests use), the
       later the fewer settled: closed 10 days after the month, executed 10 days after, approved
       2 days after they were made */
    "CREATE TEMP TABLE la AS SELECT b.code AS budget, b.market AS market, b.region AS region,"
    " b.category AS category, b.period AS period, b.amount_fen * (15 + 3 * k.k) / 100 AS amt,"
    " mo.first + 2 + 7 * k.k AS day, mo.last AS last, k.k AS k,"
    " (SELECT min(u.username) FROM users u WHERE u.role = 'kam' AND u.market = b.market"
    "  AND (b.region IS NULL OR u.region = b.region)) AS applicant,"
    " CASE WHEN b.category = 'display_fee' THEN (SELECT min(c.code) FROM customers c"
    "  WHERE c.region = b.region AND c.tier = 'key') END AS customer"
    " FROM expense_budgets b JOIN lmo mo ON mo.ym = b.period CROSS JOIN (SELECT 0 AS k"
    " UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3) k WHERE b.category <> 'pop';"
    "DELETE FROM la WHERE day >= " T " OR day < " D0 ";"
    "INSERT INTO expense_applications(number, applicant, market, region, customer, category,"
    " special, period, budget, amount_fen, approved_fen, actual_fen, purpose, settlement_form,"
    " form_decided_by, evidence, evaluation, rating, approved_by, approved_at, executed_at,"
    " settled_by, settled_at, state, created_at, updated_at)"
    " SELECT " DOCNO("FY", "day", "row_number() OVER (PARTITION BY day ORDER BY budget, k)") ","
    " applicant, market, region, customer, category, 0, period, budget, amt,"
    " CASE WHEN day + 2 < " T " THEN amt ELSE 0 END,"
    " CASE WHEN last + 10 < " T " THEN amt * 9 / 10 WHEN day + 10 < " T " THEN amt * 9 / 10"
    " ELSE 0 END, '市场活动', CASE WHEN day + 2 < " T " THEN 'reimbursement' END,"
    " CASE WHEN day + 2 < " T " THEN 'bmm_' || market END,"
    " CASE WHEN day + 10 < " T " THEN '发票 ' || k END,"
    " CASE WHEN last + 10 < " T " THEN '效果良好' END,"
    " CASE WHEN last + 10 < " T " THEN 3 + k % 3 END,"
    " CASE WHEN day + 2 < " T " THEN 'bmm_' || market END,"
    " CASE WHEN day + 2 < " T " THEN " AT("day + 2", "10") " END,"
    " CASE WHEN day + 10 < " T " THEN " AT("day + 10", "10") " END,"
    " CASE WHEN last + 10 < " T " THEN 'bcsr_' || market END,"
    " CASE WHEN last + 10 < " T " THEN " AT("last + 10", "10") " END,"
    " CASE WHEN last + 10 < " T " THEN 'closed' WHEN day + 10 < " T " THEN 'executed'"
    " WHEN day + 2 < " T " THEN 'approved' ELSE 'submitted' END,"
    " " AT("day", "9") ", " AT("day", "9") " FROM la ORDER BY day, budget, k;"
    "DROP TABLE la;",

    /* ---- POP requests (WL) for 2 % of the orders, charged to the market's POP budget of the
       month; samples (YP) with 1 % of the orders ---- */
    "CREATE TEMP TABLE lp AS SELECT o.id AS id, o.number AS order_no, o.customer AS customer,"
    " o.market AS market, o.region AS region, o.kam AS kam,"
    " CAST(unixepoch(o.op_receipt_day) / 86400 AS INTEGER) AS day,"
    " 10 + (o.id % 5) * 10 AS qty FROM orders o WHERE o.id % 50 = 7;"
    "INSERT INTO pop_requests(number, customer, market, region, period, lines, purpose,"
    " value_fen, budget, requested_by, approved_by, approved_at, shipped_with, shipped_at,"
    " received_by, received_at, verified_by, verified_at, photo, note, state, created_at,"
    " updated_at)"
    " SELECT " DOCNO("WL", "day", "row_number() OVER (PARTITION BY day ORDER BY id)") ","
    " customer, market, region, strftime('%Y-%m', day * 86400, 'unixepoch'),"
    " json_array(json_object('sku', printf('BP%04d', id % 200), 'qty', qty)), '门店陈列',"
    " qty * 500, market || '-ALL-pop-' || strftime('%Y-%m', day * 86400, 'unixepoch'), kam,"
    " CASE WHEN " T " - day >= 2 THEN 'bmm_' || market END,"
    " CASE WHEN " T " - day >= 2 THEN " AT("day + 2", "10") " END,"
    " CASE WHEN " T " - day >= 5 AND id % 20 <> 0 THEN substr(order_no, 1, 10) || 'FH'"
    " || substr(order_no, 13) END,"
    " CASE WHEN " T " - day >= 5 AND id % 20 <> 0 THEN " AT("day + 5", "10") " END,"
    " CASE WHEN " T " - day >= 12 AND id % 20 <> 0 THEN kam END,"
    " CASE WHEN " T " - day >= 12 AND id % 20 <> 0 THEN " AT("day + 12", "10") " END,"
    " CASE WHEN " T " - day >= 30 AND id % 20 <> 0 THEN 'bmm_' || market END,"
    " CASE WHEN " T " - day >= 30 AND id % 20 <> 0 THEN " AT("day + 30", "10") " END,"
    " NULL, NULL,"
    " CASE WHEN " T " - day < 2 THEN 'requested' WHEN id % 20 = 0 THEN 'rejected'"
    " WHEN " T " - day >= 30 THEN 'verified' WHEN " T " - day >= 12 THEN 'received'"
    " WHEN " T " - day >= 5 THEN 'shipped' ELSE 'approved' END,"
    " " AT("day", "11") ", " AT("day", "11") " FROM lp ORDER BY day, id;"
    "INSERT INTO mkt_line_skus(doc, sku) SELECT number, json_extract(lines, '$[0].sku')"
    " FROM pop_requests WHERE true ON CONFLICT DO NOTHING;"
    "DROP TABLE lp;",
    "CREATE TEMP TABLE ls AS SELECT o.id AS id, o.number AS order_no, o.customer AS customer,"
    " o.kam AS kam, CAST(unixepoch(o.op_receipt_day) / 86400 AS INTEGER) AS day,"
    " (SELECT s.number FROM shipments s WHERE s.order_no = o.number) AS shipment,"
    " (SELECT l.sku FROM order_lines l WHERE l.order_no = o.number AND l.line_no = 1) AS sku"
    " FROM orders o WHERE o.id % 100 = 31;"
    "INSERT INTO samples(number, customer, order_no, shipment, sku, qty, issued_on,"
    " follow_up_due, follow_up_by, follow_up_at, stores_surveyed, usage_bp, waste_bp,"
    " deduction_qty, state, created_at, updated_at)"
    " SELECT " DOCNO("YP", "day", "row_number() OVER (PARTITION BY day ORDER BY id)") ","
    " customer, order_no, shipment, sku, 6, " DAY("day") ", " AT("day + 30", "0") ","
    " CASE WHEN day + 30 < " T " THEN kam END,"
    " CASE WHEN day + 30 < " T " THEN " AT("day + 28", "15") " END,"
    " CASE WHEN day + 30 < " T " THEN 3 + id % 5 END,"
    " CASE WHEN day + 30 < " T " THEN 5000 + (id % 40) * 100 END,"
    " CASE WHEN day + 30 < " T " THEN 200 + (id % 7) * 50 END,"
    " CASE WHEN day + 30 < " T " AND id % 9 = 0 THEN 1 ELSE 0 END,"
    " CASE WHEN day + 30 < " T " THEN 'followed_up' ELSE 'issued' END,"
    " " AT("day", "12") ", " AT("day", "12") " FROM ls WHERE shipment IS NOT NULL"
    " AND sku IS NOT NULL ORDER BY day, id;"
    "DROP TABLE ls;",
    /* budgets: committed and actual are the sums of their documents (store_budget_mismatches) */
    "UPDATE expense_budgets SET"
    " committed_fen = coalesce((SELECT sum(CASE WHEN x.state IN ('approved', 'executed')"
    "  OR (x.state = 'submitted' AND x.approved_fen > 0) THEN x.approved_fen ELSE 0 END)"
    "  FROM expense_applications x WHERE x.budget = expense_budgets.code), 0)"
    " + coalesce((SELECT sum(CASE WHEN w.state = 'approved' THEN w.value_fen ELSE 0 END)"
    "  FROM pop_requests w WHERE w.budget = expense_budgets.code), 0),"
    " actual_fen = coalesce((SELECT sum(CASE WHEN x.state IN ('settled', 'closed')"
    "  THEN x.actual_fen ELSE 0 END) FROM expense_applications x"
    "  WHERE x.budget = expense_budgets.code), 0)"
    " + coalesce((SELECT sum(CASE WHEN w.state IN ('shipped', 'received', 'verified')"
    "  THEN w.value_fen ELSE 0 END) FROM pop_requests w WHERE w.budget = expense_budgets.code), 0)",

    /* ---- quotations (BJ, TB for tenders): two per customer and year ---- */
    "CREATE TEMP TABLE lq AS SELECT lc.c AS c, lc.code AS code, lc.market AS market,"
    " lc.region AS region, lc.kam AS kam, k.k AS k,"
    " " D0 " + k.k * 182 + (lc.c * 11) % 182 AS day, lc.c % 10 = 5 AS tender,"
    " 60 * (1 + (lc.c + k.k) % 4) AS qty, 500 + 37 * ((lc.c + k.k) % 200) AS price"
    " FROM lc CROSS JOIN (SELECT 0 AS k UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL"
    " SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5) k;"
    "DELETE FROM lq WHERE day >= " T ";"
    "ALTER TABLE lq ADD COLUMN state TEXT;"
    "UPDATE lq SET state = CASE WHEN " T " - day < 3 THEN 'registered'"
    " WHEN (c + k) % 17 = 0 THEN 'declined' WHEN " T " - day < 10 THEN 'preparing'"
    " WHEN " T " - day < 15 THEN 'review' WHEN " T " - day < 20 THEN 'approved'"
    " WHEN " T " - day < 60 THEN 'issued' WHEN (c + k) % 5 < 2 THEN 'won'"
    " WHEN (c + k) % 5 < 4 THEN 'lost' ELSE 'expired' END;"
    "INSERT INTO field_docs(number, type, customer, market, region, kam, rep, owner, state, ref,"
    " data, created_at, updated_at, total_fen, valid_until)"
    " SELECT CASE WHEN tender THEN " DOCNO("TB", "day",
                                           "row_number() OVER (PARTITION BY day, tender ORDER BY c)")
    " ELSE " DOCNO("BJ", "day", "row_number() OVER (PARTITION BY day, tender ORDER BY c)") " END,"
    " 'quotations', code, market, region, kam, NULL, kam, state, NULL,"
    " json_object('source', CASE WHEN tender THEN 'tender' ELSE 'inquiry' END,"
    "  'product_class', CASE c % 3 WHEN 0 THEN 'standard' WHEN 1 THEN 'outsourced'"
    "  ELSE 'gov_agri_procurement' END,"
    "  'lines', json_array(json_object('sku', printf('BP%04d', (c + k) % 200), 'qty', qty,"
    "  'price_fen', price, 'lead_time_days', 7)), 'total_fen', qty * price,"
    "  'participate_decision', CASE state WHEN 'registered' THEN NULL WHEN 'declined'"
    "  THEN json('false') ELSE json('true') END, 'valid_until', " DAY("day + 60") ","
    "  'result', CASE WHEN state IN ('won', 'lost', 'expired') THEN state END,"
    "  'contract', NULL),"
    " " AT("day", "10") ", " AT("day", "10") ", qty * price, " DAY("day + 60")
    " FROM lq ORDER BY day, c;"
    "INSERT INTO field_events(document, at, action, actor, from_state, to_state)"
    " SELECT d.number, " AT("lq.day + 18", "10") ", 'issue', lq.kam, 'approved', 'issued'"
    " FROM lq JOIN field_docs d ON d.type = 'quotations' AND d.customer = lq.code"
    " AND d.created_at = " AT("lq.day", "10") " WHERE lq.state IN ('issued', 'won', 'lost',"
    " 'expired') ORDER BY lq.day + 18, d.number;"
    "DROP TABLE lq;",

    /* ---- after-sales tickets (SH) for 1 % of the orders, 10 days after them ---- */
    "CREATE TEMP TABLE lh AS SELECT o.id AS id, o.number AS order_no, o.customer AS customer,"
    " o.market AS market, o.region AS region, o.kam AS kam,"
    " CAST(unixepoch(o.op_receipt_day) / 86400 AS INTEGER) + 10 AS day"
    " FROM orders o WHERE o.id % 100 = 57;"
    "DELETE FROM lh WHERE day >= " T ";"
    "ALTER TABLE lh ADD COLUMN state TEXT;"
    "UPDATE lh SET state = CASE WHEN " T " - day < 1 THEN 'received'"
    " WHEN id % 40 = 0 THEN 'rejected' WHEN " T " - day < 3 THEN 'confirmed'"
    " WHEN " T " - day < 12 AND id % 10 = 3 THEN 'escalated'"
    " WHEN " T " - day < 12 THEN 'in_progress' WHEN " T " - day < 20 THEN 'resolved'"
    " ELSE 'closed' END;"
    "INSERT INTO field_docs(number, type, customer, market, region, kam, rep, owner, state, ref,"
    " data, created_at, updated_at)"
    " SELECT " DOCNO("SH", "day", "row_number() OVER (PARTITION BY day ORDER BY id)") ","
    " 'after-sales', customer, market, region, kam, NULL, 'bcsr_' || market, state, NULL,"
    " json_object('type', CASE id % 6 WHEN 0 THEN 'quality' WHEN 1 THEN 'damage'"
    "  WHEN 2 THEN 'spoilage' WHEN 3 THEN 'consumer_complaint' WHEN 4 THEN 'consumer_return'"
    "  ELSE 'technical' END, 'description', '客户反映问题', 'order', order_no,"
    "  'handler', CASE WHEN state NOT IN ('received', 'confirmed', 'rejected')"
    "  THEN 'bcsr_' || market END,"
    "  'escalated_at', CASE WHEN id % 10 = 3 AND state NOT IN ('received', 'confirmed',"
    "  'rejected') THEN " RFC("day + 4") " END,"
    "  'result', CASE WHEN state IN ('resolved', 'closed') THEN '已处理' END,"
    "  'resolved_at', CASE WHEN state IN ('resolved', 'closed') THEN " RFC("day + 12") " END,"
    "  'rejected_at', CASE WHEN state = 'rejected' THEN " RFC("day + 1") " END,"
    "  'rating', CASE WHEN state = 'closed' THEN 3 + id % 3 END),"
    " " AT("day", "9") ", " AT("day", "9") " FROM lh ORDER BY day, id;"
    "DROP TABLE lh;",

    /* ---- visit plans (BFJH): a week plan per KAM and week, dated the Saturday before (9 of
       the KAM's customers in turn, two a day, and a prospect), and a month plan per KAM and
       month (20 customers), dated 3 days before the month ---- */
    "CREATE TEMP TABLE lv(id INTEGER PRIMARY KEY, kam TEXT, market TEXT, region TEXT,"
    " week INTEGER, mon INTEGER, m INTEGER, day INTEGER, number TEXT);"
    "INSERT INTO lv(kam, market, region, week, mon, m, day)"
    " SELECT u.username, u.market, u.region, lw.w, lw.mon, NULL, lw.mon - 2 FROM users u"
    " CROSS JOIN lw WHERE u.role = 'kam' AND EXISTS (SELECT 1 FROM lc WHERE lc.kam = u.username)"
    " UNION ALL SELECT u.username, u.market, u.region, NULL, NULL, mo.m, mo.first - 3"
    " FROM users u CROSS JOIN lmo mo WHERE u.role = 'kam'"
    " AND EXISTS (SELECT 1 FROM lc WHERE lc.kam = u.username) ORDER BY 6, 4, 1;"
    "UPDATE lv SET number = (SELECT " DOCNO("BFJH", "x.day", "x.s") " FROM (SELECT id, day,"
    " row_number() OVER (PARTITION BY day ORDER BY id) AS s FROM lv) x WHERE x.id = lv.id);"
    "CREATE TEMP TABLE li(plan TEXT, seq INTEGER, customer TEXT, prospect TEXT, date TEXT,"
    " key INTEGER, purpose TEXT, PRIMARY KEY(plan, seq));"
    "INSERT INTO li SELECT lv.number, j.j + 1, CASE WHEN j.j < 9 THEN lc.code END,"
    " CASE WHEN j.j = 9 THEN '新客户 ' || lv.kam || '-' || lv.week END,"
    " " DAY("lv.mon + j.j / 2") ", coalesce(lc.tier = 'key', 0),"
    " CASE WHEN j.j = 9 THEN '开发新客户' ELSE '回访、了解库存与销售' END"
    " FROM lv CROSS JOIN (WITH RECURSIVE k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k"
    " WHERE j < 9) SELECT j FROM k) j LEFT JOIN lc ON lc.kam = lv.kam AND j.j < 9"
    " AND lc.kr = (lv.week * 9 + j.j) % lc.kn WHERE lv.week IS NOT NULL;"
    "INSERT INTO li SELECT lv.number, j.j + 1, lc.code, NULL,"
    " " DAY("mo.first + j.j * (mo.last - mo.first) / 20") ", lc.tier = 'key', '月度拜访'"
    " FROM lv JOIN lmo mo ON mo.m = lv.m CROSS JOIN (WITH RECURSIVE k(j) AS (SELECT 0"
    " UNION ALL SELECT j + 1 FROM k WHERE j < 19) SELECT j FROM k) j JOIN lc"
    " ON lc.kam = lv.kam AND lc.kr = (lv.m * 20 + j.j) % lc.kn WHERE lv.m IS NOT NULL;"
    "INSERT INTO field_docs(number, type, customer, market, region, kam, rep, owner, state, ref,"
    " data, created_at, updated_at, period_type, period)"
    " SELECT lv.number, 'visit-plans', NULL, lv.market, lv.region, lv.kam, NULL, lv.kam,"
    " CASE WHEN coalesce(lv.mon, mo.first) < " T " - 7 THEN 'confirmed' ELSE 'submitted' END,"
    " CASE WHEN lv.week IS NOT NULL THEN " DAY("lv.mon") " END,"
    " json_object('period_type', CASE WHEN lv.week IS NULL THEN 'month' ELSE 'week' END,"
    "  'period', coalesce(mo.ym, " DAY("lv.mon") "),"
    "  'items', (SELECT json_group_array(json_object('seq', li.seq, 'customer', li.customer,"
    "  'prospect', li.prospect, 'date', li.date, 'purpose', li.purpose, 'key',"
    "  json(CASE WHEN li.key THEN 'true' ELSE 'false' END))) FROM (SELECT * FROM li"
    "  WHERE li.plan = lv.number ORDER BY li.seq) li),"
    "  'manager_comment', CASE WHEN coalesce(lv.mon, mo.first) < " T " - 7 THEN '同意' END,"
    "  'confirmed_by', CASE WHEN coalesce(lv.mon, mo.first) < " T " - 7 THEN 'bum_' || lv.region"
    "  END),"
    " " AT("lv.day", "9") ", " AT("lv.day", "9") ","
    " CASE WHEN lv.week IS NULL THEN 'month' ELSE 'week' END,"
    " coalesce(mo.ym, " DAY("lv.mon") ")"
    " FROM lv LEFT JOIN lmo mo ON mo.m = lv.m ORDER BY lv.day, lv.number;"
    "INSERT INTO field_items(document, seq, customer, date) SELECT plan, seq, customer, date"
    " FROM li ORDER BY plan, seq;",
    /* visit reports (BF) of 9 in 10 of the week plans' customer visits, filed the day of the
       visit; 1 in 20 a first visit (kind new) */
    "CREATE TEMP TABLE lb AS SELECT li.plan AS plan, li.seq AS seq, li.customer AS customer,"
    " CAST(unixepoch(li.date) / 86400 AS INTEGER) AS day, lv.week AS week,"
    " lc.c AS c, lc.market AS market, lc.region AS region, lc.kam AS kam FROM li"
    " JOIN lv ON lv.number = li.plan AND lv.week IS NOT NULL JOIN lc ON lc.code = li.customer"
    " WHERE (lv.week + li.seq) % 10 <> 3;"
    "DELETE FROM lb WHERE day >= " T ";"
    "INSERT INTO field_docs(number, type, customer, market, region, kam, rep, owner, state, ref,"
    " data, created_at, updated_at, visited_at, kind)"
    " SELECT " DOCNO("BF", "day", "row_number() OVER (PARTITION BY day ORDER BY plan, seq)") ","
    " 'visits', customer, market, region, kam, NULL, kam,"
    " CASE WHEN day < " T " - 7 THEN 'commented' ELSE 'filed' END, plan || '/' || seq,"
    " json_object('visited_at', " DAY("day") ", 'kind', CASE WHEN (week + seq) % 20 = 1"
    "  THEN 'new' ELSE 'revisit' END, 'findings', json_object('competitor_products',"
    "  '竞品 ' || (c % 7), 'competitor_sales', CASE c % 3 WHEN 0 THEN '上升' WHEN 1"
    "  THEN '平稳' ELSE '下降' END, 'promotions', CASE WHEN c % 4 = 0 THEN '买十送一' END,"
    "  'channel_stock', '约 ' || (1 + c % 3) || ' 个月', 'issues', CASE WHEN c % 9 = 0"
    "  THEN '到货破损' END, 'observed_prices', json_array(json_object('sku',"
    "  printf('BP%04d', c % 200), 'price_fen', 500 + 37 * (c % 200) + (c % 5 - 2) * 20))),"
    "  'next_steps', '跟进下月订单', 'archive_updates', json_object(), 'photo', NULL,"
    "  'flags', json_array(), 'price_inversion', json('false'), 'cross_region', json('false'),"
    "  'manager_comment', CASE WHEN day < " T " - 7 THEN '已阅' END, 'verification', NULL),"
    " " AT("day", "16") ", " AT("day", "16") ", " DAY("day") ","
    " CASE WHEN (week + seq) % 20 = 1 THEN 'new' ELSE 'revisit' END"
    " FROM lb ORDER BY day, plan, seq;"
    "DROP TABLE lb; DROP TABLE li; DROP TABLE lv;",

    /* ---- forecasts (YC, flows §17): each key customer's by its KAM on the 20th for the next 3
       months (2 SKUs), each market's aggregate by its MM (10 SKUs) ---- */
    "CREATE TEMP TABLE lf AS SELECT lc.c AS c, lc.code AS customer, lc.market AS market,"
    " lc.region AS region, lc.kam AS owner, 'kam' AS level, mo.m AS m, mo.ym AS ym,"
    " mo.first + 19 AS day, 2 AS skus, 1 AS mult FROM lc CROSS JOIN lmo mo"
    " WHERE lc.tier = 'key' UNION ALL SELECT NULL, NULL, m.code, NULL, 'bmm_' || m.code,"
    " 'market', mo.m, mo.ym, mo.first + 21, 10, 50 FROM markets m CROSS JOIN lmo mo;"
    "DELETE FROM lf WHERE day >= " T " OR day < " D0 ";"
    "INSERT INTO field_docs(number, type, customer, market, region, kam, rep, owner, state, ref,"
    " data, created_at, updated_at, level, base_month)"
    " SELECT " DOCNO("YC", "day", "row_number() OVER (PARTITION BY day ORDER BY level, c, market)")
    ", 'forecasts', customer, market, region, CASE WHEN level = 'kam' THEN owner END, NULL,"
    " owner, CASE WHEN day < " T " - 10 THEN 'approved' ELSE 'submitted' END, NULL,"
    " json_object('level', level, 'base_month', ym, 'basis', '市场容量与代理商能力',"
    "  'lines', (SELECT json_group_array(json_object('month', strftime('%Y-%m', (day - 19)"
    "  * 86400, 'unixepoch', '+' || h.h || ' months'), 'sku', printf('BP%04d',"
    "  (coalesce(c, 0) * 2 + s.s * 20) % 200), 'qty', mult * (36 + 12 * ((coalesce(c, 0) + h.h"
    "  + s.s) % 4)), 'amount_fen', mult * (36 + 12 * ((coalesce(c, 0) + h.h + s.s) % 4)) * (500"
    "  + 37 * ((coalesce(c, 0) * 2 + s.s * 20) % 200)), 'assessment', CASE WHEN day < " T
    " - 10 THEN json_object('adjusted_qty', mult * (36 + 12 * ((coalesce(c, 0) + h.h + s.s)"
    "  % 4)) - 6, 'comment', '按近三月调整') END, 'spot_check', CASE WHEN coalesce(c, 0) % 50"
    "  = 0 AND day < " T " - 10 THEN json_object('by', 'bcsr_' || market, 'result',"
    "  'confirmed', 'note', '已与代理商核实') END)) FROM (SELECT 1 AS h UNION ALL SELECT 2"
    "  UNION ALL SELECT 3) h CROSS JOIN (WITH RECURSIVE k(s) AS (SELECT 0 UNION ALL"
    "  SELECT s + 1 FROM k WHERE s < 9) SELECT s FROM k) s WHERE s.s < lf.skus),"
    "  'parent', NULL),"
    " " AT("day", "10") ", " AT("day", "10") ", level, ym FROM lf ORDER BY day, level, c, market;"
    "DROP TABLE lf;",
    /* plans (JH, flows §18) per month: the company's (SLT), each market's (MM), region's (UM),
       KAM's and key customer's (KAM), targets from the average month of sales */
    "CREATE TEMP TABLE lj AS SELECT 'company' AS level, 'bslt' AS owner, NULL AS customer,"
    " NULL AS market, NULL AS region, (SELECT count(*) FROM lc) AS custs FROM (SELECT 1)"
    " UNION ALL SELECT 'market', 'bmm_' || m.code, NULL, m.code, NULL, (SELECT count(*) FROM lc"
    " WHERE lc.market = m.code) FROM markets m"
    " UNION ALL SELECT 'region', 'bum_' || r.code, NULL, r.market, r.code, (SELECT count(*)"
    " FROM lc WHERE lc.region = r.code) FROM regions r"
    " UNION ALL SELECT 'kam', u.username, NULL, u.market, u.region, (SELECT count(*) FROM lc"
    " WHERE lc.kam = u.username) FROM users u WHERE u.role = 'kam'"
    " AND EXISTS (SELECT 1 FROM lc WHERE lc.kam = u.username)"
    " UNION ALL SELECT 'customer', lc.kam, lc.code, lc.market, lc.region, 1 FROM lc"
    " WHERE lc.tier = 'key';"
    "CREATE TEMP TABLE lja AS SELECT coalesce((SELECT sum(amount_fen) FROM invoices), 0)"
    " / max((SELECT count(*) FROM lmo), 1) / max((SELECT count(*) FROM lc), 1) AS avg;"
    "INSERT INTO field_docs(number, type, customer, market, region, kam, rep, owner, state, ref,"
    " data, created_at, updated_at, level, period_type, period, target_sales_fen,"
    " target_collection_fen)"
    " SELECT " DOCNO("JH", "mo.first - 3", "row_number() OVER (PARTITION BY mo.m ORDER BY"
                     " CASE lj.level WHEN 'company' THEN 0 WHEN 'market' THEN 1 WHEN 'region'"
                     " THEN 2 WHEN 'kam' THEN 3 ELSE 4 END, lj.owner, lj.customer)")
    ", 'plans', lj.customer, lj.market, lj.region, CASE WHEN lj.level IN ('kam', 'customer')"
    " THEN lj.owner END, NULL, lj.owner, CASE WHEN mo.first + 5 < " T " THEN 'approved'"
    " ELSE 'submitted' END, NULL,"
    " json_object('level', lj.level, 'period_type', 'month', 'period', mo.ym,"
    "  'target_sales_fen', lj.custs * (SELECT avg FROM lja) * 11 / 10,"
    "  'target_collection_fen', lj.custs * (SELECT avg FROM lja),"
    "  'target_active_customers', lj.custs * 6 / 10, 'note', CASE WHEN lj.level = 'kam'"
    "  THEN '重点：回款与新品铺货' END, 'lines', json_array()),"
    " " AT("mo.first - 3", "9") ", " AT("mo.first - 3", "9") ", lj.level, 'month', mo.ym,"
    " lj.custs * (SELECT avg FROM lja) * 11 / 10, lj.custs * (SELECT avg FROM lja)"
    " FROM lmo mo CROSS JOIN lj ORDER BY mo.m, 1;"
    "DROP TABLE lj; DROP TABLE lja;",

    /* ---- the weekly call list (flows §4.3): every customer's task each Monday, as
       store_call_tasks_make makes them, its BCR the market's; a call logged for 6 in 10, on
       a weekday of the week ---- */
    "CREATE TEMP TABLE lt AS SELECT lw.w AS w, lw.mon AS mon, lc.c AS c, lc.code AS code,"
    " m.bcr AS bcr, (lc.c * 7 + lw.w * 3) % 10 < 6 AND lw.mon + 1 + lc.c % 4 < " T
    " AS called, " AT("lw.mon + 1 + lc.c % 4", "9 + lc.c % 8") " AS at"
    " FROM lw CROSS JOIN lc JOIN markets m ON m.code = lc.market;"
    "INSERT INTO call_logs(customer, by_user, at, kind, reached, outcome, promised_pay_date,"
    " promised_amount_fen, created_at)"
    " SELECT code, bcr, at, 'weekly_collection', (c + w) % 7 <> 0,"
    " CASE WHEN (c + w) % 7 = 0 THEN '无人接听' WHEN c % 3 = 0 THEN '承诺付款'"
    " ELSE '已提醒到期款' END, CASE WHEN (c + w) % 7 <> 0 AND c % 3 = 0"
    " THEN " DAY("mon + 7") " END, CASE WHEN (c + w) % 7 <> 0 AND c % 3 = 0"
    " THEN 100000 * (1 + c % 10) END, at FROM lt WHERE called ORDER BY at, c;"
    "INSERT INTO call_tasks(week, customer, bcr, created_at, call_id)"
    " SELECT " DAY("lt.mon") ", lt.code, lt.bcr, " AT("lt.mon", "1") ","
    " CASE WHEN lt.called THEN (SELECT l.id FROM call_logs l WHERE l.customer = lt.code"
    " AND l.at = lt.at AND l.kind = 'weekly_collection') END FROM lt ORDER BY lt.w, lt.code;"
    "DROP TABLE lt;",

    /* each day's last number of the types above, as seq_next_docno keeps it */
    "INSERT INTO doc_seq(prefix, day, type, last_seq)"
    " SELECT 'SC', substr(n, 3, 4) || '-' || substr(n, 7, 2) || '-' || substr(n, 9, 2),"
    " substr(n, 11, length(n) - 14), max(CAST(substr(n, -4) AS INTEGER)) FROM"
    " (SELECT number AS n FROM contracts UNION ALL SELECT number FROM expense_applications"
    " UNION ALL SELECT number FROM pop_requests UNION ALL SELECT number FROM samples"
    " UNION ALL SELECT number FROM field_docs) WHERE n LIKE 'SC%' GROUP BY 2, 3"
    " ON CONFLICT(prefix, day, type) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq)",
    "DROP TABLE lc; DROP TABLE lw; DROP TABLE lmo; DROP TABLE lmc",
};

void load_modules(sqlite3 *db, date_t today)
{
    char *sql = sqlite3_mprintf("CREATE TEMP TABLE lmc AS SELECT %lld AS t, %lld AS d0",
                                (long long)today, (long long)today - 1095);
    char *msg = NULL;
    if (!sql || sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "load_modules: %s\n", msg ? msg : "out of memory");
        exit(1);
    }
    sqlite3_free(sql);
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        double t0 = mono_s();
        if (sqlite3_exec(db, steps[i], NULL, NULL, &msg) != SQLITE_OK) {
            fprintf(stderr, "load_modules: step %zu: %s\n", i, msg ? msg : "?");
            exit(1);
        }
        printf("  load modules step %2zu %8.2f s wall\n", i, mono_s() - t0);
    }
}
