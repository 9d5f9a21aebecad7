/*
 * schema.c — migrations. Never edit a migration that has shipped; add the next one.
 *
 * Conventions: STRICT tables; business keys (code, username, number) are UNIQUE and referenced
 * by value (they are immutable); money columns end in _fen and are INTEGER; timestamps are
 * INTEGER UTC microseconds (*_at); dates are TEXT YYYY-MM-DD. Append-only tables (audit,
 * stock_moves, ledger) are never updated or deleted by the store: there is no function that
 * would, and `osb check` verifies the hash chain of audit.
 */
#include "store/schema.h"

#include "store/customer.h"
#include "store/fdoc.h"

#include <stddef.h>
#include <string.h>
#include <time.h>

static const char *const migrations[] = {
    /* 1: foundation — settings, calendar, numbering, users and organisation, customers,
       products, warehouses, stock, quotas, sessions, audit, idempotency, outbox, jobs. */
    "CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL, changed_by TEXT,"
    "  changed_at INTEGER) STRICT;"
    "CREATE TABLE calendar_days(date TEXT PRIMARY KEY, working INTEGER NOT NULL,"
    "  note TEXT) STRICT;"
    "CREATE TABLE doc_seq(prefix TEXT NOT NULL, day TEXT NOT NULL, type TEXT NOT NULL,"
    "  last_seq INTEGER NOT NULL, PRIMARY KEY(prefix, day, type)) STRICT;"

    "CREATE TABLE users(id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE,"
    "  name TEXT NOT NULL, password_hash TEXT NOT NULL, role TEXT NOT NULL,"
    "  department TEXT NOT NULL, market TEXT, region TEXT, manager TEXT REFERENCES users(username),"
    "  proxy_for TEXT REFERENCES users(username), customer TEXT, email TEXT, phone TEXT,"
    "  duties TEXT, out_of_office TEXT, active INTEGER NOT NULL DEFAULT 1,"
    "  version INTEGER NOT NULL DEFAULT 1, created_at INTEGER NOT NULL, created_by TEXT,"
    "  updated_at INTEGER NOT NULL) STRICT;"
    "CREATE TABLE markets(id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
    "  slt_supervisor TEXT NOT NULL REFERENCES users(username), mm TEXT REFERENCES users(username),"
    "  bcr TEXT REFERENCES users(username), default_csr TEXT REFERENCES users(username),"
    "  active INTEGER NOT NULL DEFAULT 1, version INTEGER NOT NULL DEFAULT 1,"
    "  created_at INTEGER NOT NULL, created_by TEXT, updated_at INTEGER NOT NULL) STRICT;"
    "CREATE TABLE regions(id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
    "  market TEXT NOT NULL REFERENCES markets(code), um TEXT REFERENCES users(username),"
    "  active INTEGER NOT NULL DEFAULT 1, version INTEGER NOT NULL DEFAULT 1,"
    "  created_at INTEGER NOT NULL, created_by TEXT, updated_at INTEGER NOT NULL) STRICT;"

    "CREATE TABLE customers(id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE,"
    "  name TEXT NOT NULL, short_name TEXT,"
    "  market TEXT NOT NULL REFERENCES markets(code), region TEXT NOT NULL REFERENCES "
    "regions(code),"
    "  kam TEXT NOT NULL REFERENCES users(username), rep TEXT REFERENCES users(username),"
    "  csr TEXT REFERENCES users(username),"
    "  credit_limit_fen INTEGER NOT NULL CHECK(credit_limit_fen >= 0),"
    "  payment_term_days INTEGER NOT NULL CHECK(payment_term_days BETWEEN 0 AND 365),"
    "  prepay_only INTEGER NOT NULL DEFAULT 0, credit_hold INTEGER NOT NULL DEFAULT 0,"
    "  credit_hold_reason TEXT, grade TEXT NOT NULL DEFAULT 'C', tier TEXT, nature TEXT,"
    "  channel TEXT, direct INTEGER NOT NULL DEFAULT 1, parent TEXT, price_list TEXT,"
    "  zone TEXT, route TEXT, route_seq INTEGER, status TEXT NOT NULL DEFAULT 'active',"
    "  qualified INTEGER NOT NULL DEFAULT 0, qualified_note TEXT,"
    /* basic info */
    "  address TEXT, phone TEXT, owner TEXT, operating_manager TEXT, legal_rep TEXT,"
    "  founded_on TEXT, trading_since TEXT, org_type TEXT, industry TEXT, assets_fen INTEGER,"
    "  tax_id TEXT, website TEXT,"
    /* characteristics and business status */
    "  service_area TEXT, sales_force_size INTEGER, development_potential INTEGER,"
    "  development_potential_note TEXT, business_philosophy TEXT, business_policy TEXT,"
    "  company_size TEXT, business_features TEXT, staff_quality INTEGER, staff_quality_note TEXT,"
    "  competitor_relations TEXT, cooperation_attitude INTEGER, cooperation_attitude_note TEXT,"
    /* transaction status */
    "  activities TEXT, problems TEXT, advantages TEXT, future_plans TEXT, reputation TEXT,"
    "  credit_status_note TEXT, trade_terms TEXT,"
    /* invoicing info */
    "  invoice_title TEXT, bank_name TEXT, bank_account TEXT, reg_address TEXT, reg_phone TEXT,"
    "  mailing_address TEXT, mailing_contact TEXT, mailing_phone TEXT,"
    /* logistics info */
    "  consignee TEXT, consignee_phone TEXT, consignment_station TEXT, carrier TEXT,"
    "  delivery_address TEXT, arrival_address TEXT, transit_days INTEGER NOT NULL DEFAULT 3,"
    "  last_confirmed_on TEXT,"
    "  sources TEXT, contacts TEXT,"
    "  version INTEGER NOT NULL DEFAULT 1, created_at INTEGER NOT NULL, created_by TEXT,"
    "  updated_at INTEGER NOT NULL) STRICT;"
    "CREATE INDEX customers_kam ON customers(kam);"
    "CREATE INDEX customers_region ON customers(region);"
    "CREATE INDEX customers_market ON customers(market);"

    "CREATE TABLE products(id INTEGER PRIMARY KEY, sku TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
    "  spec TEXT NOT NULL DEFAULT '', unit TEXT NOT NULL DEFAULT '',"
    "  case_size INTEGER NOT NULL CHECK(case_size >= 1),"
    "  price_fen INTEGER NOT NULL CHECK(price_fen >= 0), kind TEXT NOT NULL DEFAULT 'goods',"
    "  active INTEGER NOT NULL DEFAULT 1, category TEXT, brand TEXT, barcode TEXT,"
    "  shelf_life_days INTEGER, tax_rate_bp INTEGER NOT NULL DEFAULT 1300,"
    "  outsourced INTEGER NOT NULL DEFAULT 0, cost_fen INTEGER,"
    "  version INTEGER NOT NULL DEFAULT 1, created_at INTEGER NOT NULL, created_by TEXT,"
    "  updated_at INTEGER NOT NULL) STRICT;"
    "CREATE TABLE warehouses(id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE,"
    "  name TEXT NOT NULL, address TEXT, scr TEXT REFERENCES users(username),"
    "  active INTEGER NOT NULL DEFAULT 1, version INTEGER NOT NULL DEFAULT 1,"
    "  created_at INTEGER NOT NULL, created_by TEXT, updated_at INTEGER NOT NULL) STRICT;"

    /* Stock: lots carry the running figures, moves are the append-only proof of them. */
    "CREATE TABLE stock_lots(id INTEGER PRIMARY KEY,"
    "  warehouse TEXT NOT NULL REFERENCES warehouses(code), sku TEXT NOT NULL REFERENCES"
    "  products(sku), batch TEXT NOT NULL, produced_on TEXT, expires TEXT,"
    "  quality TEXT NOT NULL DEFAULT 'ok', on_hand INTEGER NOT NULL CHECK(on_hand >= 0),"
    "  reserved INTEGER NOT NULL DEFAULT 0 CHECK(reserved >= 0 AND reserved <= on_hand),"
    "  UNIQUE(warehouse, sku, batch)) STRICT;"
    "CREATE TABLE stock_moves(id INTEGER PRIMARY KEY, at INTEGER NOT NULL,"
    "  warehouse TEXT NOT NULL, sku TEXT NOT NULL, batch TEXT NOT NULL, kind TEXT NOT NULL,"
    "  qty INTEGER NOT NULL CHECK(qty > 0), document TEXT, by TEXT) STRICT;"
    "CREATE INDEX stock_moves_lot ON stock_moves(warehouse, sku, batch);"
    "CREATE TABLE stock_receipts(id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE,"
    "  warehouse TEXT NOT NULL REFERENCES warehouses(code), sku TEXT NOT NULL REFERENCES"
    "  products(sku), batch TEXT NOT NULL, qty INTEGER NOT NULL CHECK(qty > 0), expires TEXT,"
    "  produced_on TEXT, source TEXT NOT NULL DEFAULT 'production', created_at INTEGER NOT NULL,"
    "  created_by TEXT) STRICT;"

    "CREATE TABLE quotas(id INTEGER PRIMARY KEY, period TEXT NOT NULL,"
    "  sku TEXT NOT NULL REFERENCES products(sku), customer TEXT REFERENCES customers(code),"
    "  region TEXT REFERENCES regions(code), qty INTEGER NOT NULL CHECK(qty >= 0),"
    "  set_by TEXT, note TEXT, version INTEGER NOT NULL DEFAULT 1, created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL, CHECK((customer IS NULL) <> (region IS NULL))) STRICT;"
    "CREATE UNIQUE INDEX quotas_customer ON quotas(period, sku, customer) WHERE customer IS NOT "
    "NULL;"
    "CREATE UNIQUE INDEX quotas_region ON quotas(period, sku, region) WHERE region IS NOT NULL;"
    /* What orders take from a quota (written by the order flow at AC, released on reject/
       cancel): used = Σ qty of active rows. */
    "CREATE TABLE quota_uses(id INTEGER PRIMARY KEY, period TEXT NOT NULL, sku TEXT NOT NULL,"
    "  customer TEXT NOT NULL, region TEXT NOT NULL, document TEXT NOT NULL, line_no INTEGER,"
    "  qty INTEGER NOT NULL, released INTEGER NOT NULL DEFAULT 0) STRICT;"
    "CREATE INDEX quota_uses_key ON quota_uses(period, sku, customer);"
    "CREATE INDEX quota_uses_region ON quota_uses(period, sku, region);"
    "CREATE INDEX quota_uses_doc ON quota_uses(document);"

    /* Money the credit object reads. The billing flow owns these; they exist from the start
       so that a customer's credit is computed from real rows (zero while they are empty). */
    "CREATE TABLE invoices(id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE,"
    "  customer TEXT NOT NULL REFERENCES customers(code), order_no TEXT, shipment TEXT,"
    "  invoice_date TEXT NOT NULL, due_date TEXT NOT NULL, amount_fen INTEGER NOT NULL,"
    "  settled_fen INTEGER NOT NULL DEFAULT 0, credited_fen INTEGER NOT NULL DEFAULT 0,"
    "  written_off_fen INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL DEFAULT 'open',"
    "  version INTEGER NOT NULL DEFAULT 1, created_at INTEGER NOT NULL) STRICT;"
    "CREATE INDEX invoices_customer ON invoices(customer, state);"
    "CREATE TABLE payments(id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE,"
    "  customer TEXT NOT NULL REFERENCES customers(code), amount_fen INTEGER NOT NULL,"
    "  unapplied_fen INTEGER NOT NULL, kind TEXT NOT NULL DEFAULT 'payment', method TEXT,"
    "  reference TEXT, received_on TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'registered',"
    "  created_at INTEGER NOT NULL, created_by TEXT) STRICT;"
    "CREATE INDEX payments_customer ON payments(customer);"
    /* Order value not yet invoiced, per order; maintained by the order/billing flows. */
    "CREATE TABLE order_exposure(order_no TEXT PRIMARY KEY, customer TEXT NOT NULL,"
    "  open_fen INTEGER NOT NULL) STRICT;"
    "CREATE INDEX order_exposure_customer ON order_exposure(customer);"

    "CREATE TABLE sessions(token_hash TEXT PRIMARY KEY, username TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL, last_seen INTEGER NOT NULL, ip TEXT) STRICT;"
    "CREATE TABLE login_failures(id INTEGER PRIMARY KEY, ip TEXT NOT NULL, at INTEGER NOT NULL,"
    "  username TEXT) STRICT;"
    "CREATE INDEX login_failures_ip ON login_failures(ip, at);"

    "CREATE TABLE audit(seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor TEXT NOT NULL,"
    "  on_behalf_of TEXT, ip TEXT, request_id TEXT, action TEXT NOT NULL,"
    "  object_type TEXT NOT NULL, object_key TEXT, before TEXT, after TEXT,"
    "  prev_hash TEXT NOT NULL, hash TEXT NOT NULL) STRICT;"
    "CREATE INDEX audit_object ON audit(object_type, object_key);"

    "CREATE TABLE idempotency(username TEXT NOT NULL, key TEXT NOT NULL, route TEXT NOT NULL,"
    "  request_hash TEXT NOT NULL, status INTEGER NOT NULL, body TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL, PRIMARY KEY(username, key)) STRICT;"

    "CREATE TABLE notifications(id INTEGER PRIMARY KEY, event TEXT NOT NULL,"
    "  recipient TEXT NOT NULL, channel TEXT NOT NULL DEFAULT 'in_app', subject TEXT NOT NULL,"
    "  body TEXT NOT NULL DEFAULT '', document TEXT, dedup_key TEXT UNIQUE,"
    "  created_at INTEGER NOT NULL, send_after INTEGER, sent_at INTEGER,"
    "  read_at INTEGER, attempts INTEGER NOT NULL DEFAULT 0,"
    "  state TEXT NOT NULL DEFAULT 'pending') STRICT;"
    "CREATE INDEX notifications_recipient ON notifications(recipient, id);"

    "CREATE TABLE job_runs(job TEXT NOT NULL, period_key TEXT NOT NULL, ran_at INTEGER NOT NULL,"
    "  PRIMARY KEY(job, period_key)) STRICT;",
    /* 2: orders (OP) — orders, lines, timeline, memo, ST, earmarks, delivery notes, quota
       approvals and transfers, and the shipment stub created at release. */
    "CREATE TABLE orders(id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE,"
    "  customer TEXT NOT NULL REFERENCES customers(code), state TEXT NOT NULL,"
    "  source TEXT NOT NULL DEFAULT 'kam', note TEXT, requested_date TEXT,"
    "  stated_total_fen INTEGER, total_fen INTEGER NOT NULL DEFAULT 0,"
    "  market TEXT NOT NULL, region TEXT NOT NULL, kam TEXT, um TEXT, mm TEXT,"
    "  csr TEXT, scr TEXT, bcr TEXT, warehouse TEXT,"
    "  credit_check TEXT, qc TEXT, quota_check TEXT, warnings TEXT,"
    "  earmark_fen INTEGER NOT NULL DEFAULT 0, approved_shortfall_fen INTEGER NOT NULL DEFAULT 0,"
    "  loose_units_approved INTEGER NOT NULL DEFAULT 0,"
    "  submitted_at INTEGER, accepted_at INTEGER, pending_approval_at INTEGER,"
    "  approved_at INTEGER, billed_at INTEGER, released_at INTEGER, closed_at INTEGER,"
    "  op_started_at INTEGER, op_receipt_day TEXT, op_paused INTEGER NOT NULL DEFAULT 0,"
    "  op_stopped_at INTEGER, delivery_note TEXT, supersedes TEXT,"
    "  version INTEGER NOT NULL DEFAULT 1, created_at INTEGER NOT NULL, created_by TEXT NOT NULL,"
    "  updated_at INTEGER NOT NULL) STRICT;"
    "CREATE INDEX orders_customer ON orders(customer, state);"
    "CREATE INDEX orders_state ON orders(state);"
    "CREATE INDEX orders_market ON orders(market);"
    "CREATE TABLE order_lines(order_no TEXT NOT NULL REFERENCES orders(number),"
    "  line_no INTEGER NOT NULL, sku TEXT NOT NULL, qty INTEGER NOT NULL CHECK(qty > 0),"
    "  loose_units INTEGER NOT NULL DEFAULT 0, qty_cut INTEGER NOT NULL DEFAULT 0,"
    "  cut_reasons TEXT, price_fen INTEGER NOT NULL DEFAULT 0,"
    "  amount_fen INTEGER NOT NULL DEFAULT 0, PRIMARY KEY(order_no, line_no)) STRICT;"
    "CREATE TABLE order_events(id INTEGER PRIMARY KEY, order_no TEXT NOT NULL, at INTEGER NOT NULL,"
    "  step TEXT NOT NULL, action TEXT NOT NULL, actor TEXT NOT NULL, on_behalf_of TEXT,"
    "  from_state TEXT, to_state TEXT, comment TEXT) STRICT;"
    "CREATE INDEX order_events_order ON order_events(order_no, id);"
    "CREATE TABLE order_memo(id INTEGER PRIMARY KEY, order_no TEXT NOT NULL, at INTEGER NOT NULL,"
    "  by TEXT NOT NULL, text TEXT NOT NULL) STRICT;"
    "CREATE INDEX order_memo_order ON order_memo(order_no, id);"
    "CREATE TABLE st_requests(id INTEGER PRIMARY KEY, order_no TEXT NOT NULL, reason TEXT NOT NULL,"
    "  reason_text TEXT, business_record TEXT, requested_at INTEGER NOT NULL,"
    "  requested_by TEXT NOT NULL, decide_by INTEGER NOT NULL, decided_at INTEGER,"
    "  result TEXT) STRICT;"
    "CREATE INDEX st_requests_order ON st_requests(order_no);"
    "CREATE TABLE st_votes(id INTEGER PRIMARY KEY, st_id INTEGER NOT NULL REFERENCES "
    "st_requests(id),"
    "  member TEXT NOT NULL, vote TEXT NOT NULL, cast_by TEXT NOT NULL, on_behalf_of TEXT,"
    "  confirmed_by_phone INTEGER NOT NULL DEFAULT 0, at INTEGER NOT NULL, comment TEXT,"
    "  UNIQUE(st_id, member)) STRICT;"
    "CREATE TABLE earmarks(id INTEGER PRIMARY KEY, order_no TEXT NOT NULL, customer TEXT NOT NULL,"
    "  amount_fen INTEGER NOT NULL CHECK(amount_fen >= 0), created_at INTEGER NOT NULL,"
    "  released_at INTEGER, consumed_by TEXT) STRICT;"
    "CREATE INDEX earmarks_customer ON earmarks(customer);"
    "CREATE TABLE delivery_notes(id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE,"
    "  order_no TEXT NOT NULL REFERENCES orders(number), printed_at INTEGER NOT NULL,"
    "  printed_by TEXT NOT NULL, print_count INTEGER NOT NULL DEFAULT 1, lines TEXT NOT NULL,"
    "  consignee TEXT, consignee_phone TEXT, consignment_station TEXT, address TEXT,"
    "  released_at INTEGER, released_by TEXT, voided INTEGER NOT NULL DEFAULT 0,"
    "  remarks TEXT) STRICT;"
    "CREATE TABLE quota_approvals(id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE,"
    "  period TEXT NOT NULL, sku TEXT NOT NULL REFERENCES products(sku),"
    "  customer TEXT NOT NULL REFERENCES customers(code), order_no TEXT,"
    "  extra_qty INTEGER NOT NULL CHECK(extra_qty > 0), approved_by TEXT NOT NULL,"
    "  reason TEXT NOT NULL, created_at INTEGER NOT NULL) STRICT;"
    "CREATE TABLE quota_transfers(id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE,"
    "  period TEXT NOT NULL, sku TEXT NOT NULL REFERENCES products(sku),"
    "  from_region TEXT NOT NULL REFERENCES regions(code),"
    "  to_region TEXT NOT NULL REFERENCES regions(code), qty INTEGER NOT NULL CHECK(qty > 0),"
    "  consented_by TEXT NOT NULL, reason TEXT, created_at INTEGER NOT NULL) STRICT;"
    /* The part of a quota use taken from SLT approvals (AC step 2). */
    "ALTER TABLE quota_uses ADD COLUMN over_qty INTEGER NOT NULL DEFAULT 0;"
    "CREATE TABLE shipments(id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE,"
    "  order_no TEXT NOT NULL REFERENCES orders(number), delivery_note TEXT,"
    "  backorder TEXT, warehouse TEXT NOT NULL, scr TEXT, state TEXT NOT NULL DEFAULT 'new',"
    "  carrier TEXT, station TEXT, waybill TEXT, released_at INTEGER NOT NULL,"
    "  received_at INTEGER, picked_at INTEGER, checked_at INTEGER, booked_at INTEGER,"
    "  dispatched_at INTEGER, delivered_at INTEGER, expected_delivery_by TEXT, pod TEXT,"
    "  version INTEGER NOT NULL DEFAULT 1, created_at INTEGER NOT NULL) STRICT;"
    "CREATE INDEX shipments_order ON shipments(order_no);"
    "CREATE TABLE shipment_lines(shipment TEXT NOT NULL REFERENCES shipments(number),"
    "  line_no INTEGER NOT NULL, sku TEXT NOT NULL, qty_requested INTEGER NOT NULL,"
    "  reserved TEXT, picks TEXT, qty_counted INTEGER, qty_shipped INTEGER,"
    "  discrepancy TEXT, note TEXT, PRIMARY KEY(shipment, line_no)) STRICT;",
    /* 3: shipments (SP) — the shipment's timeline, tracking events, backorders (QH), the CSR
       feedback time, and waybills unique per carrier (numbering-and-rules.md §8). */
    "ALTER TABLE shipments ADD COLUMN feedback_to_csr_at INTEGER;"
    "ALTER TABLE shipments ADD COLUMN updated_at INTEGER;"
    "CREATE UNIQUE INDEX shipments_waybill ON shipments(carrier, waybill)"
    "  WHERE waybill IS NOT NULL;"
    "CREATE INDEX shipments_state ON shipments(state);"
    "CREATE TABLE shipment_events(id INTEGER PRIMARY KEY,"
    "  shipment TEXT NOT NULL REFERENCES shipments(number), at INTEGER NOT NULL,"
    "  step TEXT NOT NULL, action TEXT NOT NULL, actor TEXT NOT NULL, from_state TEXT,"
    "  to_state TEXT, comment TEXT) STRICT;"
    "CREATE INDEX shipment_events_shipment ON shipment_events(shipment, id);"
    "CREATE TABLE tracking_events(id INTEGER PRIMARY KEY,"
    "  shipment TEXT NOT NULL REFERENCES shipments(number), at INTEGER NOT NULL,"
    "  status TEXT NOT NULL, location TEXT, source TEXT NOT NULL, note TEXT,"
    "  recorded_by TEXT NOT NULL, recorded_at INTEGER NOT NULL) STRICT;"
    "CREATE INDEX tracking_events_shipment ON tracking_events(shipment, at, id);"
    /* One backorder per short order line (api.md §4 shows one sku each). What was asked for
       is always accounted for: open + fulfilled + cancelled = qty. */
    "CREATE TABLE backorders(id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE,"
    "  order_no TEXT NOT NULL REFERENCES orders(number),"
    "  shipment TEXT NOT NULL REFERENCES shipments(number),"
    "  customer TEXT NOT NULL REFERENCES customers(code), line_no INTEGER NOT NULL,"
    "  sku TEXT NOT NULL, qty INTEGER NOT NULL CHECK(qty > 0),"
    "  qty_open INTEGER NOT NULL CHECK(qty_open >= 0),"
    "  qty_fulfilled INTEGER NOT NULL DEFAULT 0 CHECK(qty_fulfilled >= 0),"
    "  qty_cancelled INTEGER NOT NULL DEFAULT 0 CHECK(qty_cancelled >= 0),"
    "  state TEXT NOT NULL DEFAULT 'open', scheduled_shipment TEXT, notified_at INTEGER,"
    "  notified TEXT, cancel_reason TEXT, cancelled_at INTEGER, cancelled_by TEXT,"
    "  fulfilled_at INTEGER, version INTEGER NOT NULL DEFAULT 1, created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL, CHECK(qty_open + qty_fulfilled + qty_cancelled = qty))"
    "  STRICT;"
    "CREATE INDEX backorders_order ON backorders(order_no, line_no);"
    "CREATE INDEX backorders_state ON backorders(state);",
    /* 4: billing and collection (BC) and returns — invoice lines, receipts' duplicate
       key, credit notes (HZ), allocations (核销), the append-only customer ledger (往来账), and
       returns (TH). Receipts and credit notes both carry unapplied_fen (预收 and unapplied
       credit); an allocation settles an invoice from one of them. The partial index
       invoices_open covers the aging query: it reads open invoices only. */
    "ALTER TABLE invoices ADD COLUMN tax_fen INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE invoices ADD COLUMN updated_at INTEGER;"
    "CREATE INDEX invoices_order ON invoices(order_no);"
    "CREATE INDEX invoices_open ON invoices(customer, due_date, amount_fen, settled_fen,"
    "  credited_fen, written_off_fen, invoice_date) WHERE state IN ('open', 'partial');"
    "CREATE TABLE invoice_lines(invoice TEXT NOT NULL REFERENCES invoices(number),"
    "  line_no INTEGER NOT NULL, order_line INTEGER, sku TEXT NOT NULL, qty INTEGER NOT NULL,"
    "  price_fen INTEGER NOT NULL, amount_fen INTEGER NOT NULL, tax_rate_bp INTEGER NOT NULL,"
    "  tax_fen INTEGER NOT NULL, PRIMARY KEY(invoice, line_no)) STRICT;"
    "ALTER TABLE payments ADD COLUMN for_order TEXT;"
    "ALTER TABLE payments ADD COLUMN note TEXT;"
    "CREATE UNIQUE INDEX payments_duplicate ON payments(customer, reference, amount_fen,"
    "  received_on);"
    "CREATE INDEX payments_open ON payments(customer, received_on) WHERE unapplied_fen > 0;"
    "CREATE TABLE credit_notes(id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE,"
    "  customer TEXT NOT NULL REFERENCES customers(code),"
    "  invoice TEXT NOT NULL REFERENCES invoices(number), return_no TEXT, order_no TEXT,"
    "  reason TEXT NOT NULL, amount_fen INTEGER NOT NULL CHECK(amount_fen > 0),"
    "  tax_fen INTEGER NOT NULL DEFAULT 0,"
    "  unapplied_fen INTEGER NOT NULL CHECK(unapplied_fen >= 0), date TEXT NOT NULL,"
    "  approved_by TEXT, created_at INTEGER NOT NULL, created_by TEXT NOT NULL) STRICT;"
    "CREATE INDEX credit_notes_customer ON credit_notes(customer);"
    "CREATE INDEX credit_notes_invoice ON credit_notes(invoice);"
    "CREATE TABLE credit_note_lines(credit_note TEXT NOT NULL REFERENCES credit_notes(number),"
    "  line_no INTEGER NOT NULL, invoice_line INTEGER, sku TEXT NOT NULL, batch TEXT,"
    "  qty INTEGER NOT NULL, price_fen INTEGER NOT NULL, amount_fen INTEGER NOT NULL,"
    "  tax_fen INTEGER NOT NULL, PRIMARY KEY(credit_note, line_no)) STRICT;"
    /* own = 1: a credit note settling its own invoice (counts in credited_fen, not in
       settled_fen). */
    "CREATE TABLE allocations(id INTEGER PRIMARY KEY, customer TEXT NOT NULL,"
    "  source_kind TEXT NOT NULL CHECK(source_kind IN ('payment', 'credit_note')),"
    "  source TEXT NOT NULL, invoice TEXT NOT NULL REFERENCES invoices(number),"
    "  amount_fen INTEGER NOT NULL CHECK(amount_fen > 0), own INTEGER NOT NULL DEFAULT 0,"
    "  allocated_at INTEGER NOT NULL, settle_date TEXT NOT NULL, by TEXT NOT NULL,"
    "  reversed_by TEXT) STRICT;"
    "CREATE INDEX allocations_invoice ON allocations(invoice);"
    "CREATE INDEX allocations_source ON allocations(source_kind, source);"
    "CREATE TABLE ledger(id INTEGER PRIMARY KEY, customer TEXT NOT NULL REFERENCES"
    "  customers(code), seq INTEGER NOT NULL, date TEXT NOT NULL, posted_at INTEGER NOT NULL,"
    "  kind TEXT NOT NULL, document TEXT NOT NULL, order_no TEXT,"
    "  debit_fen INTEGER NOT NULL CHECK(debit_fen >= 0),"
    "  credit_fen INTEGER NOT NULL CHECK(credit_fen >= 0), balance_fen INTEGER NOT NULL,"
    "  CHECK((debit_fen > 0) <> (credit_fen > 0)), UNIQUE(customer, seq)) STRICT;"
    "CREATE INDEX ledger_date ON ledger(customer, date);"
    "CREATE TABLE returns(id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE,"
    "  order_no TEXT NOT NULL REFERENCES orders(number),"
    "  customer TEXT NOT NULL REFERENCES customers(code), kind TEXT NOT NULL DEFAULT 'return',"
    "  state TEXT NOT NULL, inspection TEXT, red_ink_note TEXT, credit_notes TEXT,"
    "  late INTEGER NOT NULL DEFAULT 0, version INTEGER NOT NULL DEFAULT 1,"
    "  created_at INTEGER NOT NULL, created_by TEXT NOT NULL, updated_at INTEGER NOT NULL)"
    "  STRICT;"
    "CREATE INDEX returns_order ON returns(order_no);"
    "CREATE INDEX returns_customer ON returns(customer, state);"
    "CREATE TABLE return_lines(return_no TEXT NOT NULL REFERENCES returns(number),"
    "  line_no INTEGER NOT NULL, sku TEXT NOT NULL, batch TEXT NOT NULL,"
    "  qty INTEGER NOT NULL CHECK(qty > 0), reason TEXT, reason_code TEXT,"
    "  price_fen INTEGER NOT NULL, amount_fen INTEGER NOT NULL, warehouse TEXT,"
    "  shipment TEXT, received_quality TEXT, PRIMARY KEY(return_no, line_no)) STRICT;"
    "CREATE TABLE return_events(id INTEGER PRIMARY KEY, return_no TEXT NOT NULL,"
    "  at INTEGER NOT NULL, action TEXT NOT NULL, actor TEXT NOT NULL, from_state TEXT,"
    "  to_state TEXT, comment TEXT) STRICT;"
    "CREATE INDEX return_events_return ON return_events(return_no, id);",
    /* 5: the OSB problem log (WT), e-mail delivery of notifications, and the indexes the
       deadline job and the KPIs read by. An automatic entry is unique per (rule, document,
       deadline), so a missed deadline opens at most one entry however often the job runs;
       manual entries have no deadline (NULLs never clash). An e-mail is a child of its in-app
       notification (one row per notification), queued in the same transaction. */
    "CREATE TABLE osb_issues(id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE,"
    "  rule TEXT NOT NULL, source TEXT NOT NULL CHECK(source IN ('auto', 'meeting', 'manual')),"
    "  document TEXT, deadline INTEGER, department TEXT NOT NULL, customer TEXT, market TEXT,"
    "  description TEXT, opened_at INTEGER NOT NULL, opened_by TEXT NOT NULL,"
    "  due_explanation_by INTEGER NOT NULL, explanation TEXT, cause TEXT, explained_by TEXT,"
    "  explained_at INTEGER, explanation_late INTEGER NOT NULL DEFAULT 0, resolution TEXT,"
    "  resolved_by TEXT, resolved_at INTEGER, resolved_unexplained INTEGER NOT NULL DEFAULT 0,"
    "  completed_at INTEGER, completed_by_action TEXT, meeting_month TEXT,"
    "  carried_over INTEGER NOT NULL DEFAULT 0,"
    "  state TEXT NOT NULL DEFAULT 'open' CHECK(state IN ('open', 'explained', 'resolved')),"
    "  version INTEGER NOT NULL DEFAULT 1, updated_at INTEGER NOT NULL,"
    "  UNIQUE(rule, document, deadline)) STRICT;"
    "CREATE INDEX osb_issues_state ON osb_issues(state, opened_at);"
    "CREATE INDEX osb_issues_opened ON osb_issues(opened_at);"
    /* Who must explain (kind 'explains') and who else was told (kind 'notified'). */
    "CREATE TABLE osb_issue_people(issue TEXT NOT NULL REFERENCES osb_issues(number),"
    "  username TEXT NOT NULL, kind TEXT NOT NULL, PRIMARY KEY(issue, username, kind)) STRICT;"
    "CREATE INDEX osb_issue_people_user ON osb_issue_people(username);"
    "CREATE TABLE osb_issue_events(id INTEGER PRIMARY KEY,"
    "  issue TEXT NOT NULL REFERENCES osb_issues(number), at INTEGER NOT NULL,"
    "  action TEXT NOT NULL, actor TEXT NOT NULL, from_state TEXT, to_state TEXT,"
    "  comment TEXT) STRICT;"
    "CREATE INDEX osb_issue_events_issue ON osb_issue_events(issue, id);"
    "CREATE TABLE notification_emails(notification INTEGER PRIMARY KEY"
    "  REFERENCES notifications(id), address TEXT NOT NULL, created_at INTEGER NOT NULL,"
    "  send_after INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
    "  state TEXT NOT NULL DEFAULT 'pending' CHECK(state IN ('pending', 'sent', 'failed',"
    "  'dead')), sent_at INTEGER, last_error TEXT) STRICT;"
    "CREATE INDEX notification_emails_due ON notification_emails(send_after)"
    "  WHERE state = 'pending';"
    /* The deadline job reads state episodes of orders from their timeline. */
    "CREATE INDEX order_events_to_state ON order_events(to_state, at);"
    "CREATE INDEX st_requests_requested ON st_requests(requested_at);"
    "CREATE INDEX shipments_released ON shipments(released_at);"
    "CREATE INDEX shipments_dispatched ON shipments(dispatched_at);"
    "CREATE INDEX invoices_due ON invoices(due_date);"
    "CREATE INDEX orders_receipt_day ON orders(op_receipt_day);",
    /* 6: statements kept as documents (DZ, semi-annual reconciliation), instruments in hand
       (PJ), contracts (HT) with their approvals, and the contract an order names. */
    "CREATE TABLE statements(id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE,"
    "  customer TEXT NOT NULL REFERENCES customers(code),"
    "  kind TEXT NOT NULL CHECK(kind IN ('monthly', 'semiannual', 'adhoc')),"
    "  period_from TEXT NOT NULL, period_to TEXT NOT NULL, opening_fen INTEGER NOT NULL,"
    "  debits_fen INTEGER NOT NULL, credits_fen INTEGER NOT NULL, closing_fen INTEGER NOT NULL,"
    "  entries TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'generated', sent_at INTEGER,"
    "  response TEXT NOT NULL DEFAULT 'pending' CHECK(response IN ('pending', 'confirmed',"
    "  'disputed')), difference_fen INTEGER, difference_note TEXT, replied_at INTEGER,"
    "  replied_by TEXT, reported_to_mm_at INTEGER, reported_to_finance_at INTEGER,"
    "  version INTEGER NOT NULL DEFAULT 1, created_at INTEGER NOT NULL,"
    "  created_by TEXT NOT NULL, updated_at INTEGER NOT NULL) STRICT;"
    "CREATE INDEX statements_customer ON statements(customer, kind);"
    "CREATE UNIQUE INDEX statements_semiannual ON statements(customer, period_to)"
    "  WHERE kind = 'semiannual';"
    "CREATE TABLE statement_events(id INTEGER PRIMARY KEY, statement TEXT NOT NULL,"
    "  at INTEGER NOT NULL, action TEXT NOT NULL, actor TEXT NOT NULL, from_state TEXT,"
    "  to_state TEXT, comment TEXT) STRICT;"
    "CREATE INDEX statement_events_statement ON statement_events(statement, id);"
    "CREATE TABLE instruments(id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE,"
    "  customer TEXT NOT NULL REFERENCES customers(code), kind TEXT NOT NULL"
    "  CHECK(kind IN ('cheque', 'acceptance_bill', 'bank_draft', 'cash')),"
    "  instrument_no TEXT NOT NULL, amount_fen INTEGER NOT NULL CHECK(amount_fen > 0),"
    "  issuer_bank TEXT, maturity_date TEXT, received_by TEXT NOT NULL,"
    "  received_at INTEGER NOT NULL, state TEXT NOT NULL DEFAULT 'in_hand',"
    "  handed_over_at INTEGER, finance_signed_by TEXT, finance_signed_at INTEGER,"
    "  payment TEXT, version INTEGER NOT NULL DEFAULT 1, updated_at INTEGER NOT NULL) STRICT;"
    "CREATE INDEX instruments_received ON instruments(received_at);"
    "CREATE INDEX instruments_customer ON instruments(customer, instrument_no);"
    "CREATE TABLE instrument_events(id INTEGER PRIMARY KEY, instrument TEXT NOT NULL,"
    "  at INTEGER NOT NULL, action TEXT NOT NULL, actor TEXT NOT NULL, from_state TEXT,"
    "  to_state TEXT, comment TEXT) STRICT;"
    "CREATE INDEX instrument_events_instrument ON instrument_events(instrument, id);"
    "CREATE TABLE contracts(id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE,"
    "  customer TEXT NOT NULL REFERENCES customers(code),"
    "  kind TEXT NOT NULL CHECK(kind IN ('sales', 'framework')), value_fen INTEGER NOT NULL,"
    "  payment_term_days INTEGER, valid_from TEXT, valid_to TEXT, deviations TEXT,"
    "  major INTEGER NOT NULL DEFAULT 0, needs_slt INTEGER NOT NULL DEFAULT 0,"
    "  signing_mode TEXT, signed_at INTEGER, signed_by TEXT, archived_at INTEGER,"
    "  state TEXT NOT NULL DEFAULT 'draft', version INTEGER NOT NULL DEFAULT 1,"
    "  created_at INTEGER NOT NULL, created_by TEXT NOT NULL, updated_at INTEGER NOT NULL)"
    "  STRICT;"
    "CREATE INDEX contracts_customer ON contracts(customer, state);"
    "CREATE INDEX contracts_signed ON contracts(signed_at);"
    "CREATE TABLE contract_approvals(contract TEXT NOT NULL, level TEXT NOT NULL"
    "  CHECK(level IN ('mm', 'slt')), approver TEXT NOT NULL, at INTEGER NOT NULL,"
    "  PRIMARY KEY(contract, level)) STRICT;"
    "CREATE TABLE contract_events(id INTEGER PRIMARY KEY, contract TEXT NOT NULL,"
    "  at INTEGER NOT NULL, action TEXT NOT NULL, actor TEXT NOT NULL, from_state TEXT,"
    "  to_state TEXT, comment TEXT) STRICT;"
    "CREATE INDEX contract_events_contract ON contract_events(contract, id);"
    "ALTER TABLE orders ADD COLUMN contract TEXT;"
    "CREATE INDEX orders_contract ON orders(contract) WHERE contract IS NOT NULL;",
    /* 7: invoice requests (KP, 开票申请单; flows.md §5). invoicing is the JSON snapshot of the
       customer's invoicing info taken at request. An invoice is in at most one request (one
       fapiao per invoice: the request has no cancel, so a second one would be a second fapiao);
       a fapiao number is used once. The invoice's `fapiao` object is read from its request. */
    "CREATE TABLE invoice_requests(id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE,"
    "  customer TEXT NOT NULL REFERENCES customers(code),"
    "  amount_fen INTEGER NOT NULL CHECK(amount_fen > 0), note TEXT, invoicing TEXT NOT NULL,"
    "  state TEXT NOT NULL DEFAULT 'requested', requested_by TEXT NOT NULL, reviewed_by TEXT,"
    "  reviewed_at INTEGER, issued_by TEXT, issued_at INTEGER, fapiao_no TEXT,"
    "  fapiao_date TEXT, mailed_by TEXT, mailed_at INTEGER, mail_tracking_no TEXT,"
    "  expected_arrival TEXT, receipt_confirmed_by TEXT, receipt_confirmed_at INTEGER,"
    "  archived_at INTEGER, version INTEGER NOT NULL DEFAULT 1, created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL) STRICT;"
    "CREATE INDEX invoice_requests_customer ON invoice_requests(customer, state);"
    "CREATE UNIQUE INDEX invoice_requests_fapiao ON invoice_requests(fapiao_no)"
    "  WHERE fapiao_no IS NOT NULL;"
    "CREATE TABLE invoice_request_invoices(request TEXT NOT NULL"
    "  REFERENCES invoice_requests(number), invoice TEXT NOT NULL UNIQUE"
    "  REFERENCES invoices(number), amount_fen INTEGER NOT NULL,"
    "  PRIMARY KEY(request, invoice)) STRICT;"
    "CREATE TABLE invoice_request_events(id INTEGER PRIMARY KEY, request TEXT NOT NULL,"
    "  at INTEGER NOT NULL, action TEXT NOT NULL, actor TEXT NOT NULL, from_state TEXT,"
    "  to_state TEXT, comment TEXT) STRICT;"
    "CREATE INDEX invoice_request_events_request ON invoice_request_events(request, id);",
    /* 8: credit incidents (信用问题, entities.md §2.4). `invoice` names the invoice of an
       automatic `overdue_90` incident (flows.md §4.1 BC6): one per invoice and kind, so the
       daily overdue ladder may run any number of times. */
    "CREATE TABLE credit_incidents(id INTEGER PRIMARY KEY,"
    "  customer TEXT NOT NULL REFERENCES customers(code), date TEXT NOT NULL,"
    "  kind TEXT NOT NULL CHECK(kind IN ('bounced_cheque', 'dispute', 'overdue_90', 'legal',"
    "  'other')), amount_fen INTEGER NOT NULL DEFAULT 0 CHECK(amount_fen >= 0), note TEXT,"
    "  recorded_by TEXT NOT NULL, invoice TEXT REFERENCES invoices(number),"
    "  created_at INTEGER NOT NULL) STRICT;"
    "CREATE INDEX credit_incidents_customer ON credit_incidents(customer, date);"
    "CREATE UNIQUE INDEX credit_incidents_invoice ON credit_incidents(invoice, kind)"
    "  WHERE invoice IS NOT NULL;",
    /* 9: prepayment refunds (TK) and bad-debt write-offs (HX) (flows.md §4.7, entities.md
       §7.8). A paid refund draws its amount from receipts, oldest first: refund_draws holds
       what it took from each, so a receipt's unapplied_fen = amount − live allocations − draws
       (`osb check`). An approved write-off adds its amount to the invoice's written_off_fen. */
    "CREATE TABLE refunds(id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE,"
    "  customer TEXT NOT NULL REFERENCES customers(code),"
    "  amount_fen INTEGER NOT NULL CHECK(amount_fen > 0), reason TEXT NOT NULL,"
    "  state TEXT NOT NULL DEFAULT 'requested', requested_by TEXT NOT NULL,"
    "  approved_by TEXT, approved_by_proxy TEXT, approved_at INTEGER, rejected_by TEXT,"
    "  rejected_at INTEGER, paid_by TEXT, paid_at INTEGER,"
    "  version INTEGER NOT NULL DEFAULT 1, created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL) STRICT;"
    "CREATE INDEX refunds_customer ON refunds(customer, state);"
    "CREATE TABLE refund_draws(refund TEXT NOT NULL REFERENCES refunds(number),"
    "  payment TEXT NOT NULL REFERENCES payments(number),"
    "  amount_fen INTEGER NOT NULL CHECK(amount_fen > 0), PRIMARY KEY(refund, payment)) STRICT;"
    "CREATE INDEX refund_draws_payment ON refund_draws(payment);"
    "CREATE TABLE write_offs(id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE,"
    "  customer TEXT NOT NULL REFERENCES customers(code),"
    "  invoice TEXT NOT NULL REFERENCES invoices(number),"
    "  amount_fen INTEGER NOT NULL CHECK(amount_fen > 0), reason TEXT NOT NULL,"
    "  state TEXT NOT NULL DEFAULT 'requested', requested_by TEXT NOT NULL,"
    "  approved_by TEXT, approved_at INTEGER, rejected_by TEXT, rejected_at INTEGER,"
    "  version INTEGER NOT NULL DEFAULT 1, created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL) STRICT;"
    "CREATE INDEX write_offs_customer ON write_offs(customer, state);"
    "CREATE INDEX write_offs_invoice ON write_offs(invoice, state);"
    "CREATE TABLE bc_doc_events(id INTEGER PRIMARY KEY, document TEXT NOT NULL,"
    "  at INTEGER NOT NULL, action TEXT NOT NULL, actor TEXT NOT NULL, on_behalf_of TEXT,"
    "  from_state TEXT, to_state TEXT, comment TEXT) STRICT;"
    "CREATE INDEX bc_doc_events_document ON bc_doc_events(document, id);",
    /* credit (CMR, flows.md §11; entities.md §12): credit reviews (XY) with one line per
       customer carrying every term of the formula, its timeline, and the monthly grade lists
       (one row per month, one per customer and month). */
    "CREATE TABLE credit_reviews(id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE,"
    "  quarter TEXT, adhoc INTEGER NOT NULL DEFAULT 0, review_date TEXT NOT NULL,"
    "  effective_from TEXT, state TEXT NOT NULL DEFAULT 'open', closed_at INTEGER,"
    "  closed_note TEXT, version INTEGER NOT NULL DEFAULT 1, created_at INTEGER NOT NULL,"
    "  created_by TEXT NOT NULL, updated_at INTEGER NOT NULL) STRICT;"
    "CREATE INDEX credit_reviews_quarter ON credit_reviews(quarter, state);"
    "CREATE TABLE credit_review_lines(review TEXT NOT NULL REFERENCES credit_reviews(number),"
    "  line_no INTEGER NOT NULL, customer TEXT NOT NULL REFERENCES customers(code),"
    "  current_limit_fen INTEGER NOT NULL, months_n INTEGER NOT NULL,"
    "  s_avg_fen INTEGER NOT NULL, t_days INTEGER NOT NULL, g_bp INTEGER NOT NULL,"
    "  r_bp INTEGER NOT NULL, formula_limit_fen INTEGER,"
    "  adjustment_fen INTEGER NOT NULL DEFAULT 0, adjustment_reason TEXT,"
    "  proposed_limit_fen INTEGER NOT NULL CHECK(proposed_limit_fen >= 0),"
    "  needs_gm INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL DEFAULT 'proposed',"
    "  flags TEXT NOT NULL DEFAULT '[]', what_if TEXT, reviewed_by TEXT, reviewed_at INTEGER,"
    "  slt_approved_by TEXT, slt_on_behalf_of TEXT, slt_approved_at INTEGER,"
    "  gm_approved_by TEXT, gm_approved_at INTEGER, rejected_by TEXT, rejected_at INTEGER,"
    "  reject_comment TEXT, effective_on TEXT, effective_at INTEGER,"
    "  late_noted INTEGER NOT NULL DEFAULT 0, PRIMARY KEY(review, line_no)) STRICT;"
    "CREATE INDEX credit_review_lines_customer ON credit_review_lines(customer);"
    "CREATE INDEX credit_review_lines_state ON credit_review_lines(state, effective_on);"
    "CREATE TABLE credit_review_events(id INTEGER PRIMARY KEY, review TEXT NOT NULL,"
    "  at INTEGER NOT NULL, action TEXT NOT NULL, actor TEXT NOT NULL, from_state TEXT,"
    "  to_state TEXT, comment TEXT) STRICT;"
    "CREATE INDEX credit_review_events_review ON credit_review_events(review, id);"
    "CREATE TABLE credit_grade_lists(month TEXT PRIMARY KEY, as_of TEXT NOT NULL,"
    "  computed_at INTEGER NOT NULL, computed_by TEXT NOT NULL,"
    "  published INTEGER NOT NULL DEFAULT 0, published_at INTEGER, published_by TEXT) STRICT;"
    "CREATE TABLE credit_grades(month TEXT NOT NULL REFERENCES credit_grade_lists(month),"
    "  customer TEXT NOT NULL REFERENCES customers(code), dpl_days INTEGER NOT NULL,"
    "  max_overdue_days INTEGER NOT NULL, has_invoices INTEGER NOT NULL,"
    "  computed_grade TEXT NOT NULL, previous_grade TEXT NOT NULL, override_grade TEXT,"
    "  override_reason TEXT, override_by TEXT, override_at INTEGER,"
    "  PRIMARY KEY(month, customer)) STRICT;",
    /* customers: the lifecycle of flows.md §1 (who qualified a prospect and when, the reason
       of the last suspension or hold lifted, the archive's last review by its KAM) and the
       note beside a user's out_of_office (entities.md §1.3; the column is now a flag). */
    "ALTER TABLE customers ADD COLUMN qualified_by TEXT;"
    "ALTER TABLE customers ADD COLUMN qualified_at INTEGER;"
    "ALTER TABLE customers ADD COLUMN status_reason TEXT;"
    "ALTER TABLE customers ADD COLUMN archive_reviewed_on TEXT;"
    "ALTER TABLE users ADD COLUMN out_of_office_note TEXT;",
    /* prices: price lists (JG, api.md §5.4, entities.md §3.2). `code` names a list across its
       versions; at most one published version of a code covers any date (flow/price_list.c
       closes or retires the one a new version replaces). A customer's price_list names a code.
       superseded_by: the version that closed or retired this one at its publication. */
    "CREATE TABLE price_lists(id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE,"
    "  code TEXT NOT NULL, name TEXT NOT NULL, valid_from TEXT NOT NULL, valid_to TEXT,"
    "  state TEXT NOT NULL DEFAULT 'draft' CHECK(state IN ('draft', 'approved', 'published',"
    "  'retired')), approved_by TEXT, approved_at INTEGER, published_by TEXT,"
    "  published_at INTEGER, retired_by TEXT, retired_at INTEGER, superseded_by TEXT,"
    "  version INTEGER NOT NULL DEFAULT 1, created_at INTEGER NOT NULL,"
    "  created_by TEXT NOT NULL, updated_at INTEGER NOT NULL) STRICT;"
    "CREATE INDEX price_lists_code ON price_lists(code, state, valid_from);"
    "CREATE TABLE price_list_items(list TEXT NOT NULL REFERENCES price_lists(number),"
    "  line_no INTEGER NOT NULL, sku TEXT NOT NULL REFERENCES products(sku),"
    "  price_fen INTEGER NOT NULL CHECK(price_fen >= 0 AND price_fen <= 10000000000000),"
    "  PRIMARY KEY(list, sku)) STRICT;"
    "CREATE TABLE price_list_events(id INTEGER PRIMARY KEY, price_list TEXT NOT NULL,"
    "  at INTEGER NOT NULL, action TEXT NOT NULL, actor TEXT NOT NULL, from_state TEXT,"
    "  to_state TEXT, comment TEXT) STRICT;"
    "CREATE INDEX price_list_events_list ON price_list_events(price_list, id);",
    /* corrections (issue #11 items 2–4, api.md §5.5): a receipt's reversal (its
       payment_reversal ledger debit is the proof; the row keeps who, when and why) and its
       version for If-Match; an exchange's replacement order; delivery discrepancies reported
       after POD (entities.md §6.4), with what they opened (a backorder or a return). */
    "ALTER TABLE payments ADD COLUMN version INTEGER NOT NULL DEFAULT 1;"
    "ALTER TABLE payments ADD COLUMN reversed_at INTEGER;"
    "ALTER TABLE payments ADD COLUMN reversed_by TEXT;"
    "ALTER TABLE payments ADD COLUMN reversal_reason TEXT;"
    "ALTER TABLE returns ADD COLUMN replacement_order TEXT;"
    "CREATE TABLE shipment_discrepancies(id INTEGER PRIMARY KEY,"
    "  shipment TEXT NOT NULL REFERENCES shipments(number), line_no INTEGER,"
    "  sku TEXT NOT NULL, qty INTEGER NOT NULL CHECK(qty > 0), kind TEXT NOT NULL,"
    "  note TEXT, reported_at INTEGER NOT NULL, reported_by TEXT NOT NULL,"
    "  counts INTEGER NOT NULL, backorder TEXT, return_no TEXT) STRICT;"
    "CREATE INDEX shipment_discrepancies_shipment ON shipment_discrepancies(shipment);",
    /* market support (flows.md §13–16): expense budgets and applications (FY), POP allocations
       and requests (WL), sample issues (YP), distributor inventory reports (KC). committed_fen
       and actual_fen of a budget are kept by the flows; `osb check` proves they equal the sums
       of the applications and POP requests charged to it. */
    "CREATE TABLE expense_budgets(id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE,"
    "  market TEXT NOT NULL REFERENCES markets(code), region TEXT REFERENCES regions(code),"
    "  category TEXT NOT NULL, period TEXT NOT NULL,"
    "  amount_fen INTEGER NOT NULL CHECK(amount_fen >= 0),"
    "  committed_fen INTEGER NOT NULL DEFAULT 0, actual_fen INTEGER NOT NULL DEFAULT 0,"
    "  version INTEGER NOT NULL DEFAULT 1, created_at INTEGER NOT NULL, created_by TEXT,"
    "  updated_at INTEGER NOT NULL) STRICT;"
    "CREATE UNIQUE INDEX expense_budgets_key"
    "  ON expense_budgets(market, coalesce(region, ''), category, period);"
    "CREATE TABLE expense_applications(id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE,"
    "  applicant TEXT NOT NULL, market TEXT NOT NULL, region TEXT, customer TEXT,"
    "  category TEXT NOT NULL, special INTEGER NOT NULL DEFAULT 0, period TEXT NOT NULL,"
    "  budget TEXT, amount_fen INTEGER NOT NULL, approved_fen INTEGER NOT NULL DEFAULT 0,"
    "  actual_fen INTEGER NOT NULL DEFAULT 0, purpose TEXT NOT NULL, settlement_form TEXT,"
    "  form_decided_by TEXT, evidence TEXT, payment TEXT, evaluation TEXT, rating INTEGER,"
    "  approved_by TEXT, approved_at INTEGER, executed_at INTEGER, settled_by TEXT,"
    "  settled_at INTEGER, state TEXT NOT NULL DEFAULT 'submitted',"
    "  version INTEGER NOT NULL DEFAULT 1, created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL) STRICT;"
    "CREATE INDEX expense_applications_budget ON expense_applications(budget);"
    "CREATE TABLE market_events(id INTEGER PRIMARY KEY, document TEXT NOT NULL,"
    "  at INTEGER NOT NULL, action TEXT NOT NULL, actor TEXT NOT NULL, from_state TEXT,"
    "  to_state TEXT, comment TEXT) STRICT;"
    "CREATE INDEX market_events_document ON market_events(document, id);"
    "CREATE TABLE pop_allocations(id INTEGER PRIMARY KEY, period TEXT NOT NULL,"
    "  market TEXT REFERENCES markets(code), region TEXT REFERENCES regions(code),"
    "  sku TEXT NOT NULL, qty INTEGER NOT NULL CHECK(qty >= 0), created_at INTEGER NOT NULL,"
    "  created_by TEXT, updated_at INTEGER NOT NULL) STRICT;"
    "CREATE UNIQUE INDEX pop_allocations_key"
    "  ON pop_allocations(period, coalesce(market, ''), coalesce(region, ''), sku);"
    "CREATE TABLE pop_requests(id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE,"
    "  customer TEXT NOT NULL REFERENCES customers(code), market TEXT NOT NULL,"
    "  region TEXT NOT NULL, period TEXT NOT NULL, lines TEXT NOT NULL, purpose TEXT,"
    "  value_fen INTEGER NOT NULL DEFAULT 0, budget TEXT, requested_by TEXT NOT NULL,"
    "  approved_by TEXT, approved_at INTEGER, shipped_with TEXT, shipped_at INTEGER,"
    "  received_by TEXT, received_at INTEGER, verified_by TEXT, verified_at INTEGER,"
    "  photo TEXT, note TEXT, visit TEXT, state TEXT NOT NULL DEFAULT 'requested',"
    "  version INTEGER NOT NULL DEFAULT 1, created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL) STRICT;"
    "CREATE INDEX pop_requests_customer ON pop_requests(customer, state);"
    "ALTER TABLE order_lines ADD COLUMN pop_request TEXT;"
    "CREATE TABLE samples(id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE,"
    "  customer TEXT NOT NULL REFERENCES customers(code), order_no TEXT NOT NULL,"
    "  shipment TEXT NOT NULL, sku TEXT NOT NULL, qty INTEGER NOT NULL, issued_on TEXT NOT NULL,"
    "  follow_up_due INTEGER NOT NULL, follow_up_by TEXT, follow_up_at INTEGER,"
    "  stores_surveyed INTEGER, usage_bp INTEGER, waste_bp INTEGER,"
    "  deduction_qty INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL DEFAULT 'issued',"
    "  version INTEGER NOT NULL DEFAULT 1, created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL, UNIQUE(shipment, sku)) STRICT;"
    "CREATE INDEX samples_customer ON samples(customer, state);"
    "CREATE TABLE inventory_reports(id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE,"
    "  customer TEXT NOT NULL REFERENCES customers(code), period TEXT NOT NULL,"
    "  lines TEXT NOT NULL, warnings TEXT, late INTEGER NOT NULL DEFAULT 0,"
    "  submitted_at INTEGER NOT NULL, submitted_by TEXT NOT NULL, reviewed_by TEXT,"
    "  reviewed_at INTEGER, review_note TEXT, state TEXT NOT NULL DEFAULT 'submitted',"
    "  version INTEGER NOT NULL DEFAULT 1, created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL, UNIQUE(customer, period)) STRICT;"
    "CREATE TABLE support_requests(id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE,"
    "  kind TEXT NOT NULL, customer TEXT REFERENCES customers(code), market TEXT NOT NULL,"
    "  region TEXT, requested_by TEXT NOT NULL, details TEXT NOT NULL, reviewed_by TEXT,"
    "  reviewed_at INTEGER, forwarded_by TEXT, forwarded_at INTEGER, handler TEXT,"
    "  schedule_date TEXT, schedule_place TEXT, schedule_itinerary TEXT, done_at INTEGER,"
    "  state TEXT NOT NULL DEFAULT 'requested', version INTEGER NOT NULL DEFAULT 1,"
    "  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL) STRICT;",
    /* field: field sales (api.md §5.7; flows.md §7-10, §17-18). Quotations (BJ/TB), after-sales
       tickets (SH), visit plans, visit reports (BF), forecasts (YC) and plans (JH) are one
       table each row of which is a document of `type`: the columns every list, scope check and
       deadline reads (customer, market, region, kam, rep, owner, state, ref, due), the rest of
       the document in `data` (JSON text, the flow's own). `ref` links a visit to its plan item
       ("<plan>/<seq>") and a won quotation to its contract; `due` is a date a deadline counts
       from (a plan item's visit date). field_items are the dated rows deadlines read (visit plan
       items). Contracts gain the flows §7 columns: the quotation, submission, the original,
       deviations re-confirmed, the binder of the 5th, completion and termination. */
    "CREATE TABLE field_docs(id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE,"
    "  type TEXT NOT NULL, customer TEXT REFERENCES customers(code), market TEXT, region TEXT,"
    "  kam TEXT, rep TEXT, owner TEXT NOT NULL, state TEXT NOT NULL, ref TEXT,"
    "  data TEXT NOT NULL, version INTEGER NOT NULL DEFAULT 1, created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL) STRICT;"
    "CREATE INDEX field_docs_type ON field_docs(type, state);"
    "CREATE INDEX field_docs_customer ON field_docs(customer, type);"
    "CREATE INDEX field_docs_ref ON field_docs(ref) WHERE ref IS NOT NULL;"
    "CREATE TABLE field_events(id INTEGER PRIMARY KEY, document TEXT NOT NULL,"
    "  at INTEGER NOT NULL, action TEXT NOT NULL, actor TEXT NOT NULL, from_state TEXT,"
    "  to_state TEXT, comment TEXT) STRICT;"
    "CREATE INDEX field_events_document ON field_events(document, id);"
    "CREATE INDEX field_events_to ON field_events(to_state, at);"
    "CREATE TABLE field_items(document TEXT NOT NULL, seq INTEGER NOT NULL,"
    "  customer TEXT, date TEXT NOT NULL, PRIMARY KEY(document, seq)) STRICT;"
    "CREATE INDEX field_items_date ON field_items(date);"
    "ALTER TABLE contracts ADD COLUMN quotation TEXT;"
    "ALTER TABLE contracts ADD COLUMN submitted_at INTEGER;"
    "ALTER TABLE contracts ADD COLUMN original_received INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE contracts ADD COLUMN deviations_confirmed INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE contracts ADD COLUMN archive_binder TEXT;"
    "ALTER TABLE contracts ADD COLUMN bound_at INTEGER;"
    "ALTER TABLE contracts ADD COLUMN closed_at INTEGER;",
    /* reports: the export log (entities.md "Export log", numbering-and-rules §7): one row per
       CSV/XLSX file a user took, numbered (…DC…) as its watermark says; customer_list = 1
       for customer lists, whose exports per user and day are limited unless an SLT member
       approved one (export_approvals). Net-sales reports read invoices and credit notes by
       date. */
    "CREATE TABLE report_exports(id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE,"
    "  username TEXT NOT NULL, at INTEGER NOT NULL, report TEXT NOT NULL, filters TEXT NOT NULL,"
    "  rows INTEGER NOT NULL, format TEXT NOT NULL, customer_list INTEGER NOT NULL DEFAULT 0,"
    "  watermark TEXT NOT NULL) STRICT;"
    "CREATE INDEX report_exports_user ON report_exports(username, at);"
    /* An SLT member's leave for one customer-list export beyond the limits: for username's
       next export of report, used once (used_by = the export's number). */
    "CREATE TABLE export_approvals(id INTEGER PRIMARY KEY, username TEXT NOT NULL,"
    "  report TEXT NOT NULL, note TEXT, approved_by TEXT NOT NULL, created_at INTEGER NOT NULL,"
    "  used_by TEXT) STRICT;"
    "CREATE INDEX export_approvals_open ON export_approvals(username, report)"
    "  WHERE used_by IS NULL;"
    "CREATE INDEX invoices_date ON invoices(invoice_date);"
    "CREATE INDEX credit_notes_date ON credit_notes(date);"
    "CREATE INDEX allocations_settle ON allocations(settle_date);",
    /* field: the field-sales records beside the documents (entities.md §9, §11; flows.md §9,
       §18), typed: the work log (one entry per user and day), call logs, the monthly focus with
       its per-market goals, meetings with their attendees, decisions and issues, cross-region
       batch sightings (冲货) found in visit reports, and the monthly 5 % visit verification
       picks. */
    "CREATE TABLE work_logs(id INTEGER PRIMARY KEY, username TEXT NOT NULL, date TEXT NOT NULL,"
    "  text TEXT NOT NULL, market TEXT, region TEXT, kam TEXT, rep TEXT,"
    "  submitted_at INTEGER NOT NULL, UNIQUE(username, date)) STRICT;"
    "CREATE TABLE call_logs(id INTEGER PRIMARY KEY, customer TEXT NOT NULL"
    "  REFERENCES customers(code), by_user TEXT NOT NULL, at INTEGER NOT NULL, kind TEXT NOT NULL,"
    "  reached INTEGER NOT NULL, outcome TEXT, promised_pay_date TEXT,"
    "  promised_amount_fen INTEGER, created_at INTEGER NOT NULL) STRICT;"
    "CREATE INDEX call_logs_customer ON call_logs(customer, at);"
    "CREATE INDEX call_logs_by ON call_logs(by_user, at);"
    "CREATE TABLE monthly_focus(month TEXT PRIMARY KEY, main TEXT NOT NULL,"
    "  secondary1 TEXT NOT NULL, secondary2 TEXT NOT NULL, published_by TEXT NOT NULL,"
    "  published_at INTEGER NOT NULL) STRICT;"
    "CREATE TABLE monthly_focus_goals(month TEXT NOT NULL, market TEXT NOT NULL,"
    "  target_fen INTEGER NOT NULL, focus TEXT, PRIMARY KEY(month, market)) STRICT;"
    "CREATE TABLE meetings(id INTEGER PRIMARY KEY, kind TEXT NOT NULL, date TEXT NOT NULL,"
    "  market TEXT, minutes TEXT, recorded_by TEXT NOT NULL, created_at INTEGER NOT NULL) STRICT;"
    "CREATE TABLE meeting_items(meeting INTEGER NOT NULL, kind TEXT NOT NULL,"
    "  seq INTEGER NOT NULL, text TEXT NOT NULL, PRIMARY KEY(meeting, kind, seq)) STRICT;"
    "CREATE TABLE sightings(id INTEGER PRIMARY KEY, visit TEXT NOT NULL, customer TEXT NOT NULL,"
    "  market TEXT NOT NULL, region TEXT NOT NULL, sku TEXT NOT NULL, batch TEXT NOT NULL,"
    "  qty INTEGER NOT NULL, home_regions TEXT NOT NULL, seen_on TEXT NOT NULL,"
    "  by_user TEXT NOT NULL, created_at INTEGER NOT NULL) STRICT;"
    "CREATE INDEX sightings_market ON sightings(market, seen_on);"
    "CREATE TABLE visit_verifications(month TEXT NOT NULL, visit TEXT NOT NULL,"
    "  visitor TEXT NOT NULL, picked_at INTEGER NOT NULL, picked_by TEXT NOT NULL,"
    "  PRIMARY KEY(month, visit)) STRICT;",
    /* The collection routine (issue #11; flows.md §4.3-4.4, entities.md §7.4, §7.8, §11):
       collection requests (SKSQ) with their lines and timeline; the bank receipt pool (DK, one
       row per line of an imported bank file, unique per (bank_account, bank_ref)); the weekly
       call tasks, one per customer and week (week = its Monday); the calls themselves are the
       field log's call_logs. */
    "CREATE TABLE collection_requests(id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE,"
    "  customer TEXT NOT NULL REFERENCES customers(code), requested_by TEXT NOT NULL,"
    "  total_fen INTEGER NOT NULL, expected_pay_date TEXT, note TEXT,"
    "  state TEXT NOT NULL DEFAULT 'draft', version INTEGER NOT NULL DEFAULT 1,"
    "  bcr_confirmed_by TEXT, bcr_confirmed_at INTEGER, finance_confirmed_by TEXT,"
    "  finance_confirmed_at INTEGER, sent_at INTEGER, paid_at INTEGER, closed_at INTEGER,"
    "  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL) STRICT;"
    "CREATE INDEX collection_requests_customer ON collection_requests(customer, state);"
    "CREATE TABLE collection_request_lines(request TEXT NOT NULL, line_no INTEGER NOT NULL,"
    "  invoice TEXT NOT NULL, amount_fen INTEGER NOT NULL, PRIMARY KEY(request, line_no)) STRICT;"
    "CREATE TABLE collection_request_events(id INTEGER PRIMARY KEY, request TEXT NOT NULL,"
    "  at INTEGER NOT NULL, action TEXT NOT NULL, actor TEXT NOT NULL, from_state TEXT,"
    "  to_state TEXT, comment TEXT) STRICT;"
    "CREATE INDEX collection_request_events_request ON collection_request_events(request, id);"
    "CREATE TABLE bank_lines(id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE,"
    "  bank_account TEXT NOT NULL, bank_ref TEXT NOT NULL, value_date TEXT NOT NULL,"
    "  amount_fen INTEGER NOT NULL, payer_name TEXT, payer_account TEXT, memo TEXT,"
    "  import_no INTEGER NOT NULL, file_line INTEGER NOT NULL, customer TEXT, matched_by TEXT,"
    "  claimed_by TEXT, claimed_at INTEGER, payment TEXT, registered_at INTEGER,"
    "  state TEXT NOT NULL DEFAULT 'unmatched', version INTEGER NOT NULL DEFAULT 1,"
    "  created_at INTEGER NOT NULL, created_by TEXT NOT NULL, updated_at INTEGER NOT NULL,"
    "  UNIQUE(bank_account, bank_ref)) STRICT;"
    "CREATE INDEX bank_lines_state ON bank_lines(state, id);"
    "CREATE INDEX bank_lines_customer ON bank_lines(customer);"
    "CREATE TABLE bank_line_events(id INTEGER PRIMARY KEY, line TEXT NOT NULL,"
    "  at INTEGER NOT NULL, action TEXT NOT NULL, actor TEXT NOT NULL, from_state TEXT,"
    "  to_state TEXT, comment TEXT) STRICT;"
    "CREATE INDEX bank_line_events_line ON bank_line_events(line, id);"
    "CREATE TABLE call_tasks(week TEXT NOT NULL, customer TEXT NOT NULL, bcr TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL, call_id INTEGER, PRIMARY KEY(week, customer)) STRICT;"
    "CREATE INDEX call_tasks_bcr ON call_tasks(bcr, week);",
    /* market wave 2 (#12): the SKUs of POP requests' and inventory reports' JSON lines, which
       lists filter on (portable SQL instead of json_each). */
    "CREATE TABLE mkt_line_skus(doc TEXT NOT NULL, sku TEXT NOT NULL,"
    "  PRIMARY KEY(doc, sku)) STRICT;"
    "CREATE INDEX mkt_line_skus_sku ON mkt_line_skus(sku);"
    /* CMR (#10): an MM's payment-term proposal awaiting the supervising SLT member */
    "ALTER TABLE customers ADD COLUMN proposed_term_days INTEGER;"
    "ALTER TABLE customers ADD COLUMN proposed_term_reason TEXT;"
    "ALTER TABLE customers ADD COLUMN proposed_term_by TEXT;",
    /* scale-out (#16): an outbox row is claimed by one delivery (claim = its random token)
       until claimed_until (wall clock, µs); another instance's delivery skips it meanwhile. */
    "ALTER TABLE notification_emails ADD COLUMN claim TEXT;"
    "ALTER TABLE notification_emails ADD COLUMN claimed_until INTEGER;"
    /* The PostgreSQL driver's write gate (store/db_pg.c): locked, never read; unused on
       SQLite. */
    "CREATE TABLE write_gate(id INTEGER PRIMARY KEY) STRICT;",
    /* PostgreSQL throughput (#16, wt/pgperf): audit entries written by PostgreSQL's writers,
       waiting to be linked into the audit chain by the sealer (store/audit.c); empty on
       SQLite and after every seal. */
    "CREATE TABLE audit_pending(id INTEGER PRIMARY KEY, at INTEGER NOT NULL,"
    "  actor TEXT NOT NULL, on_behalf_of TEXT, ip TEXT, request_id TEXT, action TEXT NOT NULL,"
    "  object_type TEXT NOT NULL, object_key TEXT, before TEXT, after TEXT) STRICT;",
    /* CMR (#10): where a review line's T and G come from — the order cycle (setting
       cmr_cycle_days) and the approved forecasts behind G (their quarter value, F, G before
       the clamp, the forecast/month/amount sources as a JSON array). */
    "ALTER TABLE credit_review_lines ADD COLUMN cycle_days INTEGER;"
    "ALTER TABLE credit_review_lines ADD COLUMN g_forecast_fen INTEGER;"
    "ALTER TABLE credit_review_lines ADD COLUMN g_f_fen INTEGER;"
    "ALTER TABLE credit_review_lines ADD COLUMN g_raw_bp INTEGER;"
    "ALTER TABLE credit_review_lines ADD COLUMN g_sources TEXT;",
    /* money wave 2 (#11, #12 item 1): an order line paid from expense money (free goods,
       flows.md §15 and QC-5) names its expense application and keeps the list price it draws
       at (its own price_fen is 0: outside credit, never invoiced); a line priced below the
       customer's list keeps the price asked and the quotation or contract that covers it
       (flows.md §8). */
    "ALTER TABLE order_lines ADD COLUMN payment_source TEXT;"
    "ALTER TABLE order_lines ADD COLUMN expense_application TEXT;"
    "ALTER TABLE order_lines ADD COLUMN expense_price_fen INTEGER;"
    "ALTER TABLE order_lines ADD COLUMN agreed_price_fen INTEGER;"
    "ALTER TABLE order_lines ADD COLUMN price_source TEXT;"
    "CREATE INDEX order_lines_expense ON order_lines(expense_application)"
    "  WHERE expense_application IS NOT NULL;",
    /* market support, wave 2b (#12): files attached to market documents (a POP placement
       photo, expense evidence, a support request's documents marked internal or external),
       kept in the database as base64 text (never under the web root, in every backup, in the
       request's transaction); consumer records (entities.md §2.5) and their follow-up calls;
       a travel application's claimed dates and the CSR's check against visit reports. */
    "CREATE TABLE mkt_files(id INTEGER PRIMARY KEY, document TEXT NOT NULL,"
    "  doc_type TEXT NOT NULL, kind TEXT NOT NULL, title TEXT, name TEXT, mime TEXT NOT NULL,"
    "  size INTEGER NOT NULL, sha256 TEXT NOT NULL,"
    "  visibility TEXT NOT NULL DEFAULT 'internal', content TEXT NOT NULL,"
    "  uploaded_by TEXT NOT NULL, uploaded_at INTEGER NOT NULL, sent_by TEXT,"
    "  sent_at INTEGER) STRICT;"
    "CREATE INDEX mkt_files_document ON mkt_files(document, id);"
    "CREATE TABLE consumer_records(id INTEGER PRIMARY KEY,"
    "  customer TEXT NOT NULL REFERENCES customers(code), consumer_name TEXT NOT NULL,"
    "  phone TEXT NOT NULL, store TEXT, product TEXT, collected_by TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL) STRICT;"
    "CREATE INDEX consumer_records_customer ON consumer_records(customer, id);"
    "CREATE TABLE consumer_follow_ups(id INTEGER PRIMARY KEY,"
    "  record INTEGER NOT NULL REFERENCES consumer_records(id), by_user TEXT NOT NULL,"
    "  at INTEGER NOT NULL, result TEXT NOT NULL, reached INTEGER NOT NULL,"
    "  call_log INTEGER) STRICT;"
    "CREATE INDEX consumer_follow_ups_record ON consumer_follow_ups(record, id);"
    "ALTER TABLE expense_applications ADD COLUMN travel_dates TEXT;"
    "ALTER TABLE expense_applications ADD COLUMN travel_check TEXT;",
    /* reports at size (#14, make bench-reports): per-customer date ranges of invoices and
       credit notes (distributor_management_monthly, the business report), the invoices not
       fully settled by allocations by date (dso_trend reads the open part of the history
       from them instead of every invoice), a document's ledger rows (osb check) */
    "CREATE INDEX invoices_customer_date ON invoices(customer, invoice_date);"
    "CREATE INDEX credit_notes_customer_date ON credit_notes(customer, date);"
    "CREATE INDEX invoices_unsettled ON invoices(invoice_date)"
    "  WHERE amount_fen > settled_fen + credited_fen;"
    "CREATE INDEX ledger_document ON ledger(document);",
    /* speed of the OP path (#9): the active users of a role in name order (the finance copy of
       every order step, store/recipients.c) from one index range, without reading the users
       table or sorting (it scanned every user: ~105 k instructions a notification fan-out) */
    "CREATE INDEX users_role ON users(role, active, username);",
    /* list search at size (#17): q= finds the documents of a SKU through the line tables */
    "CREATE INDEX order_lines_sku ON order_lines(sku, order_no);"
    "CREATE INDEX invoice_lines_sku ON invoice_lines(sku, invoice);",
    /* reports at size, second pass (#14): the open invoices by date (collection_rate's
       invoices dated before the range and still open, without reading the history), the live
       allocations by settle date with what the reports read of them (a range without a row
       look-up), the invoices by date with what the sales and collection reports read of them
       (likewise), the expense receipts (cash vs expense without looking up every
       receipt), the receipts by date (daily_receipts, cash_vs_expense, the business report
       read a range instead of every receipt), what is allocated of each receipt (one
       index look-up per receipt, no row), and a customer's expense applications
       (distributor_management_monthly read them all once per customer) */
    "CREATE INDEX invoices_open_date ON invoices(invoice_date, due_date, customer, amount_fen,"
    "  settled_fen, credited_fen, written_off_fen) WHERE state IN ('open', 'partial');"
    "CREATE INDEX allocations_settle_live ON allocations(settle_date, invoice, source_kind,"
    "  source, amount_fen, reversed_by) WHERE reversed_by IS NULL;"
    "CREATE INDEX invoices_date_cover ON invoices(invoice_date, state, number, customer,"
    "  order_no, due_date, amount_fen);"
    "CREATE INDEX payments_expense ON payments(number) WHERE kind = 'expense';"
    "CREATE INDEX payments_received ON payments(received_on, number);"
    "CREATE INDEX allocations_payment_live ON allocations(source, amount_fen, source_kind,"
    "  reversed_by) WHERE source_kind = 'payment' AND reversed_by IS NULL;"
    "CREATE INDEX expense_applications_customer ON expense_applications(customer, period);",
    /* field documents' typed columns (#13): the fields reports, lists and jobs filter on, out of
       field_docs.data so that SQL reads them on SQLite and PostgreSQL alike (no JSON functions).
       visit reports: visited_at (a date, YYYY-MM-DD), kind (new | revisit); visit plans and plans:
       period_type, period; forecasts and plans: level; forecasts: base_month, total_fen;
       quotations: total_fen, valid_until (a date); plans: target_sales_fen,
       target_collection_fen. Rows written before it are filled from data by
       store_fdoc_backfill() (schema_after_migration), in C. */
    "ALTER TABLE field_docs ADD COLUMN level TEXT;"
    "ALTER TABLE field_docs ADD COLUMN period_type TEXT;"
    "ALTER TABLE field_docs ADD COLUMN period TEXT;"
    "ALTER TABLE field_docs ADD COLUMN base_month TEXT;"
    "ALTER TABLE field_docs ADD COLUMN visited_at TEXT;"
    "ALTER TABLE field_docs ADD COLUMN kind TEXT;"
    "ALTER TABLE field_docs ADD COLUMN target_sales_fen INTEGER;"
    "ALTER TABLE field_docs ADD COLUMN target_collection_fen INTEGER;"
    "ALTER TABLE field_docs ADD COLUMN total_fen INTEGER;"
    "ALTER TABLE field_docs ADD COLUMN valid_until TEXT;"
    "CREATE INDEX field_docs_period ON field_docs(type, period) WHERE period IS NOT NULL;"
    "CREATE INDEX field_docs_valid_until ON field_docs(valid_until) WHERE valid_until IS NOT NULL;",
    /* notification_emails' state CHECK as comparisons, the same rule: SQLite codes a CHECK's
       `state IN (four values)` as a temporary b-tree built again for every row written (a
       CHECK gets no run-once guard), ~25 k instructions an e-mail row, 23 rows an order on the
       bench's path (bench/README.md). The table is rebuilt (SQLite cannot alter a CHECK). */
    "CREATE TABLE notification_emails_v2(notification INTEGER PRIMARY KEY"
    "  REFERENCES notifications(id), address TEXT NOT NULL, created_at INTEGER NOT NULL,"
    "  send_after INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
    "  state TEXT NOT NULL DEFAULT 'pending' CHECK(state = 'pending' OR state = 'sent'"
    "  OR state = 'failed' OR state = 'dead'), sent_at INTEGER, last_error TEXT, claim TEXT,"
    "  claimed_until INTEGER) STRICT;"
    "INSERT INTO notification_emails_v2(notification, address, created_at, send_after, attempts,"
    "  state, sent_at, last_error, claim, claimed_until) SELECT notification, address,"
    "  created_at, send_after, attempts, state, sent_at, last_error, claim, claimed_until"
    "  FROM notification_emails;"
    "DROP TABLE notification_emails;"
    "ALTER TABLE notification_emails_v2 RENAME TO notification_emails;"
    "CREATE INDEX notification_emails_due ON notification_emails(send_after)"
    "  WHERE state = 'pending';",
    /* list search, third pass (#17): q= reads the number heads of a document type from
       doc_seq in one index range (store_filter_q_doc) instead of walking the documents; on
       PostgreSQL also orders and invoices by number in byte order, COLLATE "C", whatever the
       database's collation, for q='s number ranges ("head…" up to "head:"):
       schema_number_c_indexes (after_migration) */
    "CREATE INDEX doc_seq_type ON doc_seq(type, prefix, day, last_seq);",
    /* The deadline job's shipments still waiting for dispatch (sp_24h, sp_48h, sp_3wd) by
       release time: each minute's run reads only those released before the earliest instant
       their deadline can be (store/deadline.c floor_bound), in one index range per state, not
       every shipment waiting (issue #15; 16,000 waiting took 1.8-2.3 s a run at load 17) */
    "CREATE INDEX shipments_waiting ON shipments(state, released_at);"
    /* failed logins of one username over every address (login_fail_user_limit) */
    "CREATE INDEX login_failures_user ON login_failures(username, at);",
    /* The deadline job's settled mark per rule (issue #15 item 11a; store/deadline.c "Settled
       marks"): every stay still waiting whose start is at or before `settled` had its entry
       when the run at `at` ended, so the next runs read the waiting stays after it only. */
    "CREATE TABLE deadline_marks(rule TEXT PRIMARY KEY, settled INTEGER NOT NULL,"
    "  at INTEGER NOT NULL) STRICT;",
    /* q='s customer match without reading every customer (#17): the 3-character pieces of each
       customer's lower-cased code and name, and its 1- and 2-character pieces beyond ASCII,
       written with the customer (store_customer_grams); a search looks up q's rarest grams and
       checks the few customers found with the LIKE it used before. Filled for the customers
       there are by store_customer_grams_all. */
    "CREATE TABLE customer_grams(gram TEXT NOT NULL, code TEXT NOT NULL REFERENCES"
    "  customers(code), PRIMARY KEY(gram, code)) STRICT;"
    "CREATE INDEX customer_grams_code ON customer_grams(code);",
    /* The row reports per customer and SKU (weekly_sales, monthly_sales) read the customers in
       their answer's order, market, region, KAM, code, from this index (store/report.c
       SALES_FROM): only each customer's rows are sorted, not the whole answer (issue #14) */
    "CREATE INDEX customers_report_order ON customers(market, region, kam, code);",
    /* an invoice's allocations with what the sums over them read (settle date, kind, reversal,
       amount): key_customer_followup's collections per key customer and collection_rate's
       settled-before-the-range per invoice from the index alone, no row per allocation. The
       same one index as before on the write path, wider. */
    "DROP INDEX allocations_invoice;"
    "CREATE INDEX allocations_invoice ON allocations(invoice, settle_date, source_kind,"
    "  reversed_by, amount_fen);",
    /* a customer's receipts by date with their state and amount: customer_business_report's
       receipts per customer and month from one index range each (store/report.c). Replaces
       payments_customer(customer), whose look-ups it serves: the same one index on the write
       path, wider. */
    "DROP INDEX payments_customer;"
    "CREATE INDEX payments_customer ON payments(customer, received_on, state, amount_fen);",
    /* a customer's invoices by date with their state, amount and number: the business report's
       purchases per customer and month and key_customer_followup's invoices of a key customer
       (their numbers, to read their allocations) from the index alone, no invoice row read.
       The same one index on the write path, wider. */
    "DROP INDEX invoices_customer_date;"
    "CREATE INDEX invoices_customer_date ON invoices(customer, invoice_date, state, amount_fen,"
    "  number);",
    /* The deadline job's order stays done since the rule's previous run, from their exit
       event (store/deadline.c ORDER_STAYS_DONE; issue #15: each run read every stay of the
       21-day lookback through a temporary b-tree, its size following the orders) */
    "CREATE INDEX order_events_from_state ON order_events(from_state, at);",
    /* field sales (#13, flows.md §9.7): the quarterly satisfaction calls of customer service,
       one task per active customer and quarter (YYYYQn) with the customer-service user who
       calls, and the call (call_logs, kind satisfaction) that did it; a call's rating 1-5
       (kpis-and-reports.md §2.2 `satisfaction`) */
    "CREATE TABLE satisfaction_tasks(quarter TEXT NOT NULL, customer TEXT NOT NULL"
    "  REFERENCES customers(code), assignee TEXT NOT NULL, created_at INTEGER NOT NULL,"
    "  call_id INTEGER, PRIMARY KEY(quarter, customer)) STRICT;"
    "CREATE INDEX satisfaction_tasks_assignee ON satisfaction_tasks(assignee, quarter);"
    "ALTER TABLE call_logs ADD COLUMN rating INTEGER;",
    /* reports at size, tenth pass (#14): the receipts by date with what daily_receipts and
       cash_vs_expense read of them (state, customer, kind, method, amount, unapplied): a range
       of the index alone, no row look-up per receipt (2.9 million a year at 1,000,000 orders:
       about 2 s of CPU). Replaces payments_received(received_on, number), whose look-ups it
       serves: the same one index on the write path, wider; an allocation or refund that
       changes a receipt's unapplied money rewrites its entry. */
    "DROP INDEX payments_received;"
    "CREATE INDEX payments_received ON payments(received_on, number, state, customer, kind,"
    "  method, amount_fen, unapplied_fen);",
    /* reports at size, twelfth pass (#14): the live allocations by settle date with their
       customer (the invoice's: a receipt or credit note settles only its own customer's
       invoices, and `osb check` proves it), so that the salesperson reports sum a range's
       collections per customer from the index alone instead of mapping each allocation to
       its invoice and every invoice up to the range's end to its customer (a year at
       1,000,000 orders read 3 million allocations and 1 million invoices). Replaces
       allocations_settle_live, whose ranges it serves: the same one index on the write path,
       wider. And an invoice's allocations with own (a credit note settling its own invoice
       or not): the collection KPI (store/kpi.c store_kpi_candidates, the meeting report reads
       three months of it) and the CMR figures sum the allocations that are not own, which read
       every allocation's row (at 1,000,000 orders ~400,000 rows a month). The same one index
       on the write path, wider. */
    "DROP INDEX allocations_settle_live;"
    "CREATE INDEX allocations_settle_live ON allocations(settle_date, invoice, source_kind,"
    "  source, amount_fen, reversed_by, customer) WHERE reversed_by IS NULL;"
    "DROP INDEX allocations_invoice;"
    "CREATE INDEX allocations_invoice ON allocations(invoice, settle_date, source_kind,"
    "  reversed_by, amount_fen, own);",
};

/* PostgreSQL only: the number indexes in byte order that q='s ranges use (SQLite's BINARY
   collation is byte order already, and it has no collation named "C"). */
static int schema_number_c_indexes(struct db *db, struct osb_err *e)
{
    if (!db_postgres(db))
        return 0;
    return db_script(db, e,
                     "CREATE INDEX orders_number_c ON orders(number COLLATE \"C\");"
                     "CREATE INDEX invoices_number_c ON invoices(number COLLATE \"C\");");
}

/* C steps a migration needs after its SQL, in its transaction, found by a phrase of its text
   (so that they follow the migration wherever the array puts it): filling new columns from
   what only C can read (JSON text), the same on SQLite and PostgreSQL. */
static const struct {
    const char *phrase;
    int (*run)(struct db *db, struct osb_err *e);
} after_migration[] = {
    {"ALTER TABLE field_docs ADD COLUMN visited_at TEXT;", store_fdoc_backfill},
    {"CREATE INDEX doc_seq_type ON doc_seq(", schema_number_c_indexes},
    {"CREATE TABLE customer_grams(", store_customer_grams_all},
};

static int schema_after_migration(struct db *db, struct osb_err *e, const char *sql)
{
    for (size_t i = 0; i < sizeof after_migration / sizeof after_migration[0]; i++)
        if (strstr(sql, after_migration[i].phrase) && after_migration[i].run(db, e) < 0)
            return -1;
    return 0;
}

int schema_latest(void)
{
    return (int)(sizeof migrations / sizeof migrations[0]);
}

int schema_version(struct db *db, struct osb_err *e, int64_t *out)
{
    int n = db_table_exists(db, e, "schema_version");
    if (n < 0)
        return -1;
    *out = 0;
    if (n == 0)
        return 0;
    int rc = db_int(db, e, out, "SELECT max(version) FROM schema_version", NULL);
    return rc < 0 ? -1 : 0;
}

int schema_migration_with(const char *phrase)
{
    for (int i = 0; i < schema_latest(); i++)
        if (strstr(migrations[i], phrase))
            return i + 1;
    return 0;
}

int schema_migrate(struct db *db, struct osb_err *e)
{
    return schema_migrate_to(db, e, schema_latest());
}

int schema_migrate_to(struct db *db, struct osb_err *e, int target)
{
    int64_t v;
    if (schema_version(db, e, &v) < 0)
        return -1;
    if (v > schema_latest())
        return err_set(e, ERR_VALIDATION_FAILED, "database schema %lld is newer than this osb (%d)",
                       (long long)v, schema_latest());
    if (target > schema_latest())
        target = schema_latest();
    for (int i = (int)v; i < target; i++) {
        /* Several instances may start together: each migration runs under one lock (SQLite's
           single writer; on PostgreSQL an advisory key of its own), and the version is read
           again inside it, so a migration another instance applied meanwhile is skipped. */
        int64_t now_v = 0;
        if (db_begin(db, e) < 0 ||
            (db_postgres(db) &&
             db_exec(db, e, "SELECT pg_advisory_xact_lock(5198659)", NULL) < 0) ||
            schema_version(db, e, &now_v) < 0) {
            db_rollback(db);
            return -1;
        }
        if (now_v > i) {
            if (db_commit(db, e) < 0)
                return -1;
            i = (int)now_v - 1;
            continue;
        }
        if ((i == 0 && db_script(db, e,
                                 "CREATE TABLE schema_version(version INTEGER NOT NULL,"
                                 " applied_at INTEGER) STRICT;") < 0) ||
            db_script(db, e, migrations[i]) < 0 ||
            schema_after_migration(db, e, migrations[i]) < 0 ||
            db_exec(db, e, "INSERT INTO schema_version(version, applied_at) VALUES(?, ?)", "di",
                    i + 1, (int64_t)time(NULL) * 1000000) < 0 ||
            db_commit(db, e) < 0) {
            db_rollback(db);
            return -1;
        }
    }
    return 0;
}
