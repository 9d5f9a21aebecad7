#!/usr/bin/env python3
"""
restart.py — calls against an `osb serve` on PostgreSQL around a restart of the database
(tests/pg/restart.sh drives it). Standard library only.

    python3 tests/pg/restart.py --port PORT --phase before|after --state FILE

before: logs in (the token goes into FILE), creates a customer, lists customers; every call
        must answer 2xx.
after:  (the database has restarted under the server, every one of its connections is stale)
        40 calls over new HTTP connections, so every server thread meets its stale connection:
        GET /me, GET /customers, POST /customers with and without an Idempotency-Key, GET
        /metrics. None may answer 5xx. Prints one line and exits 0 when so.
"""

import argparse
import http.client
import json
import sys
import uuid

API = "/api/v1"


def call(port, method, path, body=None, token=None, key=None):
    h = {}
    if token:
        h["Authorization"] = f"Bearer {token}"
    if key:
        h["Idempotency-Key"] = key
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
    return r.status, raw[:300]


def customer(code):
    return {"code": code, "name": f"重启测试{code}", "market": "S", "region": "GZ",
            "kam": "kam_GZ", "credit_limit_fen": 100000, "payment_term_days": 30,
            "consignee": "收货人", "consignee_phone": "13800000000",
            "consignment_station": "广州站"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--phase", choices=("before", "after"), required=True)
    ap.add_argument("--state", required=True)
    a = ap.parse_args()
    if a.phase == "before":
        st, raw = call(a.port, "POST", "/login", {"username": "admin", "password": "admin123"})
        if st != 200:
            sys.exit(f"restart: FAIL: login {st} {raw}")
        token = json.loads(raw)["token"]
        with open(a.state, "w") as f:
            f.write(token)
        for m, p, b in (("POST", "/customers", customer("RS" + uuid.uuid4().hex[:6].upper())),
                        ("GET", "/customers?limit=5", None)):
            st, raw = call(a.port, m, p, b, token)
            if st >= 300:
                sys.exit(f"restart: FAIL: before the restart {m} {p}: {st} {raw}")
        print("restart: before: ok")
        return
    with open(a.state) as f:
        token = f.read().strip()
    bad = []
    n = 0
    for i in range(8):
        for m, p, b, key in (
                ("GET", "/me", None, None),
                ("GET", "/customers?limit=5", None, None),
                ("GET", "/metrics", None, None),
                ("POST", "/customers", customer(f"RA{i}{uuid.uuid4().hex[:5].upper()}"),
                 uuid.uuid4().hex),
                ("POST", "/customers", customer(f"RB{i}{uuid.uuid4().hex[:5].upper()}"), None)):
            st, raw = call(a.port, m, p, b, token, key)
            n += 1
            if st >= 300:
                bad.append(f"{m} {p}: {st} {raw}")
    if bad:
        print("\n".join(bad), file=sys.stderr)
        sys.exit(f"restart: FAIL: {len(bad)} of {n} calls failed after the restart")
    print(f"restart: after: {n} calls, none failed")


if __name__ == "__main__":
    main()
