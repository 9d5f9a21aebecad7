#!/usr/bin/env python3
"""
smoke.py — one order-to-cash pass over HTTP against an `osb serve` whose database is
PostgreSQL (tests/pg/run.sh starts both). Standard library only.

    python3 tests/pg/smoke.py --port PORT

Logs in; makes a customer and a product with stock; takes one order through verify,
approve-market, accept, check, approve, print-delivery-note and release; takes its shipment
through receive, pick, check, book and dispatch and finds the invoice; registers a payment that
settles it. Prints one line per step; exit 0 when every step answered as expected.
"""

import argparse
import datetime
import http.client
import json
import sys
import time
from urllib.parse import quote

API = "/api/v1"
port = 0
tokens = {}
steps = 0


def fail(msg):
    print(f"pg smoke: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def request(method, path, body=None, user="admin"):
    h = {}
    if user:
        h["Authorization"] = f"Bearer {login(user)}"
    data = None
    if body is not None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        h["Content-Type"] = "application/json"
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        c.request(method, API + path, body=data, headers=h)
        r = c.getresponse()
        raw = r.read()
    finally:
        c.close()
    try:
        parsed = json.loads(raw.decode("utf-8")) if raw else None
    except ValueError:
        parsed = raw[:200]
    return r.status, parsed


def login(user):
    if user not in tokens:
        pw = "admin123" if user == "admin" else "demo123"
        st, b = request("POST", "/login", {"username": user, "password": pw}, user=None)
        if st != 200:
            fail(f"login {user}: {st} {b}")
        tokens[user] = b["token"]
    return tokens[user]


def ok(method, path, body=None, user="admin", status=200, what=None):
    global steps
    st, b = request(method, path, body, user)
    what = what or f"{method} {path} as {user}"
    if st != status:
        fail(f"{what}: {st} (wanted {status}) {json.dumps(b, ensure_ascii=False)[:600]}")
    steps += 1
    print(f"ok   {what}")
    return b


def eq(actual, expected, what):
    if actual != expected:
        fail(f"{what}: {actual!r} (wanted {expected!r})")


def main():
    global port
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    port = ap.parse_args().port
    uniq = time.strftime("%H%M%S")
    today = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).date()

    cust = f"PG{uniq}"
    ok("POST", "/customers", {"code": cust, "name": f"PG测试客户{cust}", "market": "S",
                              "region": "GZ", "kam": "kam_GZ", "credit_limit_fen": 100000000,
                              "payment_term_days": 30, "consignee": "收货人",
                              "consignee_phone": "13800000000",
                              "consignment_station": "广州站"}, status=201, what="create customer")
    sku = f"PGSKU{uniq}"
    ok("POST", "/products", {"sku": sku, "name": f"PG测试品{sku}", "spec": "1", "unit": "个",
                             "case_size": 1, "price_fen": 1000}, status=201, what="create product")
    ok("POST", "/stock/receipts", {"warehouse": "WH-GZ", "sku": sku, "batch": "PGB1",
                                   "qty": 100, "expires": "2030-12-31"},
       user="warehouse", status=201, what="stock receipt")

    o = ok("POST", "/orders", {"customer": cust, "lines": [{"sku": sku, "qty": 12}]},
           user="kam_GZ", status=201, what="create order")
    n = o["number"]
    for action, user in (("verify", "kam_GZ"), ("approve-market", "mm_S"), ("accept", "csr_a"),
                         ("check", "csr_a"), ("approve", "deputy"),
                         ("print-delivery-note", "finance"), ("release", "csr_a")):
        o = ok("POST", f"/orders/{n}/{action}", {}, user=user, what=f"order {action} by {user}")
    eq(o["state"], "released", "order state after release")
    ship = o["shipments"][0]

    for action, body in (("receive", None), ("pick", None), ("check", None),
                         ("book", {"carrier": "顺丰物流", "station": "广州站",
                                   "waybill": f"PGWB{uniq}"}), ("dispatch", None)):
        s = ok("POST", f"/shipments/{ship}/{action}", body or {}, user="warehouse",
               what=f"shipment {action}")
    eq(s["state"], "dispatched", "shipment state after dispatch")
    # q= (api.md §5.1) on PostgreSQL: lower() LIKE with the wildcards escaped, UTF-8 names.
    for q, want in ((sku.lower(), [ship]), ("测试客户", [ship]), (cust.lower(), [ship]),
                    ("%", []), ("PG_", [])):
        got = ok("GET", f"/shipments?customer={cust}&state=new,dispatched&q={quote(q)}",
                 user="kam_GZ", what=f"shipments q={q}")["items"]
        eq([x["number"] for x in got], want, f"shipments q={q}")
    got = ok("GET", f"/customers?q={quote('测试客户' + cust.lower())}", user="kam_GZ",
             what="customers q")["items"]
    eq([x["code"] for x in got], [cust], "customers q")
    ok("GET", f"/osb-issues?q={quote(cust)}&state=open,explained", user="ssg_leader",
       what="osb-issues q")

    inv = ok("GET", f"/invoices?customer={cust}&order={n}", user="finance",
             what="invoices of the order")["items"]
    eq(len(inv), 1, "invoices after dispatch")
    amount = inv[0]["amount_fen"]
    eq(amount > 0, True, "invoice amount > 0")

    ok("POST", "/payments", {"customer": cust, "amount_fen": amount, "method": "bank_transfer",
                             "reference": f"PGREF{uniq}", "received_on": today.isoformat()},
       user="finance", status=201, what="payment")
    inv = ok("GET", f"/invoices?customer={cust}&order={n}", user="finance",
             what="invoice after the payment")["items"]
    eq(inv[0]["open_fen"], 0, "invoice open after a payment of its amount")
    ledger = ok("GET", f"/customers/{cust}/ledger", user="finance", what="ledger")["items"]
    eq(len(ledger) >= 2, True, "ledger has the invoice and the payment")
    field_records(uniq, today, sku)
    print(f"pg smoke: {steps} steps ok")


def field_records(uniq, today, sku):
    """Field sales (issue #13) on PostgreSQL: the records' SQL and the field reports'."""
    sz = f"PZ{uniq}"
    ok("POST", "/customers", {"code": sz, "name": f"PG深圳客户{sz}", "market": "S",
                              "region": "SZ", "kam": "kam_SZ", "credit_limit_fen": 1000,
                              "payment_term_days": 30, "consignee": "收货人",
                              "consignee_phone": "13800000000", "consignment_station": "深圳站"},
       status=201, what="create SZ customer")
    v = ok("POST", "/visits", {"customer": sz, "findings": {
        "observed_stock": [{"sku": sku, "batch": "PGB1", "qty": 2}]}}, user="kam_SZ",
        status=201, what="visit with a cross-region batch")
    eq(v["cross_region"], True, "a cross-region sighting")
    ok("GET", "/sightings?region=SZ", user="mm_S", what="sightings")
    ok("POST", "/work-logs", {"text": "PG 工作日志"}, user="kam_SZ", status=201, what="work log")
    ok("GET", "/work-logs?q=pg", user="um_SZ", what="work logs")
    ok("POST", "/call-logs", {"customer": sz, "kind": "tracking", "reached": True},
       user="kam_SZ", status=201, what="call log")
    ok("GET", f"/call-logs?customer={sz}&kind=tracking,reminder&q=pg", user="mm_S",
       what="call logs")
    month = today.isoformat()[:7]
    ok("POST", "/meetings", {"kind": "sales_weekly", "date": today.isoformat(),
                             "decisions": ["a"]}, user="csr_a", status=201, what="meeting")
    ok("GET", "/meetings?kind=sales_weekly", user="gm", what="meetings")
    r = request("POST", "/monthly-focus", {"month": month, "main": "m", "secondary": ["a", "b"]},
                user="gm")
    eq(r[0] in (201, 409), True, "monthly focus")
    ok("GET", "/monthly-focus", user="kam_GZ", what="monthly focus list")
    r = request("POST", "/visit-verifications", {"month": month}, user="csr_a")
    eq(r[0] in (201, 409), True, "verification sample")
    ok("GET", f"/visit-verifications?month={month}", user="csr_a", what="verification list")
    ok("POST", "/jobs/run", {}, what="jobs (morning check, verification)")
    for name in ("weekly_work_plan", "monthly_work_plan", "salesperson_weekly",
                 "salesperson_monthly", "market_weekly", "market_monthly",
                 "target_customer_info", "key_customer_followup", "forecast_vs_actual",
                 "plan_vs_actual"):
        ok("GET", f"/reports/{name}", user="mm_S", what=f"report {name}")


if __name__ == "__main__":
    main()
