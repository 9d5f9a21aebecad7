"""The collection routine (issue #11; flows.md §4.3-4.4, entities.md §7.4, §7.8, §11,
numbering-and-rules.md §3): collection requests (SKSQ) through every state with who may and
may not act; the bank receipt pool — a 1,000-line bank file imported, matched by payer account,
name and remark, registered in one call, and imported again without posting anything twice;
claim / register / ignore of single lines; all-or-nothing import errors; the call log and the
weekly call list (Monday 08:00); the daily receipts notice (09:00).

Market S (regions GZ, SZ): BCR `ssg_leader`; `csr_b` is the BCR of the director's markets."""

import lib
from lib import (add_days, check, customer, dispatch, eq, invoices_of, ledger_consistent,
                 osb_check, pay, product, released, run_jobs, set_clock)


def invoiced(t, cust, price=1000, qty=10):
    """One dispatched order of cust: returns its invoice."""
    s = product(t, price=price)
    n, ship = released(t, cust, [(s, qty)])
    dispatch(t, ship)
    inv = invoices_of(t, cust, order=n)
    eq(len(inv), 1, "one invoice")
    return inv[0]


def cr(t, number, action, user, body=None, status=200):
    return lib.act(t, "collection-requests", number, action, user, body, status)


def test_collection_request_full_path(t):
    set_clock(t, "2045-03-06", "10:00")
    cust = customer(t)
    inv = invoiced(t, cust, price=1000, qty=10)
    eq(inv["open_fen"], 10000, "open invoice")
    # Without lines: every open invoice at its open amount.
    r = t.ok(t.post("/collection-requests", {"customer": cust, "expected_pay_date": "2045-03-20",
                                             "note": "请月底前付款"}, user="kam_GZ"), 201, "create")
    n = r["number"]
    check("SKSQ" in n, f"SKSQ number: {n}")
    eq((r["state"], r["requested_by"], r["bcr"], r["total_fen"], r["expected_pay_date"]),
       ("draft", "kam_GZ", "ssg_leader", 10000, "2045-03-20"), "draft")
    eq([(x["invoice"], x["amount_fen"], x["open_fen"]) for x in r["lines"]],
       [(inv["number"], 10000, 10000)], "lines")
    eq(r["allowed_actions"], ["submit"], "the creator submits")
    t.expect_error(t.post(f"/collection-requests/{n}/submit", {}, user="ssg_leader"), 403,
                   "forbidden")
    t.expect_error(t.post(f"/collection-requests/{n}/confirm", {}, user="finance"), 409,
                   "invalid_state")
    r = cr(t, n, "submit", "kam_GZ")
    eq(r["state"], "submitted", "submitted")
    # Both confirm: the BCR of the market and finance; another market's BCR may not.
    t.expect_error(t.post(f"/collection-requests/{n}/confirm", {}, user="csr_b"), 403,
                   "forbidden")
    t.expect_error(t.post(f"/collection-requests/{n}/confirm", {}, user="kam_GZ"), 403,
                   "forbidden")
    eq(t.ok(t.get(f"/collection-requests/{n}", user="finance"))["allowed_actions"], ["confirm"],
       "finance may confirm")
    r = cr(t, n, "confirm", "finance")
    eq((r["state"], r["finance_confirmed_by"], r["bcr_confirmed_by"]),
       ("submitted", "finance", None), "one of two")
    eq(r["allowed_actions"], [], "finance has confirmed")
    t.expect_error(t.post(f"/collection-requests/{n}/confirm", {}, user="finance"), 403,
                   "forbidden")
    t.expect_error(t.post(f"/collection-requests/{n}/confirm", {}, user="ssg_leader",
                          headers={"If-Match": "1"}), 409, "version_conflict")
    r = cr(t, n, "confirm", "ssg_leader")
    eq((r["state"], r["bcr_confirmed_by"]), ("confirmed", "ssg_leader"), "confirmed")
    t.expect_error(t.post(f"/collection-requests/{n}/send", {}, user="kam_BJ"), 404, "not_found")
    r = cr(t, n, "send", "kam_GZ", {"comment": "已电话通知客户"})
    eq(r["state"], "sent", "sent")
    check(r["sent_at"] is not None, "sent_at")
    # Paid only once the invoices are settled: part payment leaves it sent.
    pay(t, cust, 4000)
    run_jobs(t)
    eq(t.ok(t.get(f"/collection-requests/{n}", user="finance"))["state"], "sent",
       "part paid: still sent")
    pay(t, cust, 6000)
    run_jobs(t)
    r = t.ok(t.get(f"/collection-requests/{n}", user="kam_GZ"))
    eq((r["state"], r["open_fen"], r["allowed_actions"]), ("paid", 0, []), "paid")
    eq([x["action"] for x in r["timeline"]],
       ["create", "submit", "confirm", "confirm", "send", "paid"], "timeline")
    t.expect_error(t.post(f"/collection-requests/{n}/close", {}, user="ssg_leader"), 409,
                   "invalid_state")
    got = t.ok(t.get(f"/collection-requests?customer={cust}&state=paid,sent", user="finance"))
    eq([x["number"] for x in got["items"]], [n], "list by state")
    eq(t.ok(t.get(f"/collection-requests?q={n}", user="ssg_leader"))["items"][0]["number"], n,
       "q=")
    eq(t.ok(t.get(f"/collection-requests?customer={cust}", user="kam_BJ"))["items"], [],
       "out of scope")
    audit = t.ok(t.get(f"/audit?object_type=collection_request&object_key={n}",
                       user="auditor"))["items"]
    eq(sorted(a["action"] for a in audit),
       ["confirm", "confirm", "create", "paid", "send", "submit"], "audited")
    ledger_consistent(t, cust)


def test_collection_request_rules_and_close(t):
    set_clock(t, "2045-03-13", "10:00")
    cust, other = customer(t), customer(t)
    inv = invoiced(t, cust, price=500, qty=10)
    inv_other = invoiced(t, other, price=500, qty=2)
    body = lambda lines: {"customer": cust, "lines": lines}
    t.expect_error(t.post("/collection-requests", body([{"invoice": inv_other["number"]}]),
                          user="kam_GZ"), 422, "validation_failed",
                   rule="invoice_other_customer")
    t.expect_error(t.post("/collection-requests", body([{"invoice": "SC20450101FP9999"}]),
                          user="kam_GZ"), 422, "validation_failed", rule="unknown_invoice")
    t.expect_error(t.post("/collection-requests",
                          body([{"invoice": inv["number"], "amount_fen": 5001}]),
                          user="kam_GZ"), 422, "validation_failed", rule="amount_exceeds_open")
    t.expect_error(t.post("/collection-requests",
                          body([{"invoice": inv["number"]}, {"invoice": inv["number"]}]),
                          user="kam_GZ"), 422, "validation_failed", rule="duplicate_line")
    t.expect_error(t.post("/collection-requests", body([{"invoice": inv["number"], "x": 1}]),
                          user="kam_GZ"), 400, "bad_request")
    # Who creates: the KAM or rep of the customer, or the market's BCR; not another BCR.
    for user in ("csr_b", "finance", "mm_S", "warehouse"):
        st, _ = t.post("/collection-requests", body([{"invoice": inv["number"]}]), user=user)
        check(st in (403, 422), f"{user} may not create ({st})")
    t.expect_error(t.post("/collection-requests", body([{"invoice": inv["number"]}]),
                          user="kam_BJ"), 422, "validation_failed", rule="unknown_reference")
    r = t.ok(t.post("/collection-requests",
                    body([{"invoice": inv["number"], "amount_fen": 3000}]), user="ssg_leader"),
             201, "the BCR creates")
    n = r["number"]
    eq(r["total_fen"], 3000, "partial amount")
    eq(r["allowed_actions"], ["close", "submit"], "the BCR submits or closes")
    eq(t.ok(t.get(f"/collection-requests/{n}", user="kam_GZ"))["allowed_actions"], [],
       "the KAM waits")
    t.expect_error(t.post(f"/collection-requests/{n}/close", {}, user="kam_GZ"), 403,
                   "forbidden")
    r = cr(t, n, "close", "ssg_leader", {"comment": "客户已结清其他方式"})
    eq((r["state"], r["allowed_actions"]), ("closed", []), "closed")
    t.expect_error(t.post(f"/collection-requests/{n}/close", {}, user="ssg_leader"), 409,
                   "invalid_state")
    t.expect_error(t.post(f"/collection-requests/{n}/nope", {}, user="ssg_leader"), 404,
                   "not_found")
    t.expect_error(t.post("/collection-requests", {"customer": other, "lines": []},
                          user="kam_GZ"), 422, "validation_failed", rule="required")
    pay(t, other, 1000)
    t.expect_error(t.post("/collection-requests", {"customer": other}, user="kam_GZ"), 422,
                   "validation_failed", rule="nothing_open")


def bank_csv(rows, refs=True):
    head = "交易日期,付款人名称,付款人账号,金额,摘要" + (",流水号" if refs else "")
    out = [head]
    for r in rows:
        cells = [r["date"], r["name"], r["acct"], r["amount"], r["memo"]]
        if refs:
            cells.append(r["ref"])
        out.append(",".join(f'"{c}"' if "," in c else c for c in cells))
    return "\ufeff" + "\r\n".join(out) + "\r\n"


def bank_import(t, text, status=201, user="finance", query=""):
    return t.ok(t.request("POST", "/bank-receipts/import" + query, raw=text,
                          content_type="text/csv", user=user), status, "bank import")


def test_bank_file_of_1000_lines_matched_posted_once(t):
    set_clock(t, "2045-04-03", "10:00")
    day = "2045-04-03"
    # Ten customers known by account, five by name only, five by code in the remark only.
    by_acct = [customer(t, bank_account=f"6222{t.uniq('')[-6:]}{i:04d}") for i in range(10)]
    by_name = [customer(t, name=f"到款测试名称{t.uniq('N')}") for _ in range(5)]
    by_memo = [customer(t, prefix="BKM") for _ in range(5)]
    acct_of = {c: t.ok(t.get(f"/customers/{c}"))["bank_account"] for c in by_acct}
    name_of = {c: t.ok(t.get(f"/customers/{c}"))["name"] for c in by_name}
    tag = t.uniq("R")
    rows, expect = [], {}
    for i in range(1000):
        amount = 100 + i * 7  # fen
        r = {"date": day.replace("-", ""), "amount": f"{amount // 100:,}.{amount % 100:02d}",
             "ref": f"{tag}-{i:05d}", "name": "", "acct": "", "memo": "货款"}
        k = i % 4
        if k == 0:
            c = by_acct[i % 10]
            r.update(name="某某公司", acct=acct_of[c])
        elif k == 1 and i % 8 == 1:
            c = by_name[i % 5]
            r.update(name=name_of[c], acct=f"9{i:09d}")
        elif k == 1:
            c = by_memo[i % 5]
            r.update(name="代付人", acct=f"8{i:09d}", memo=f"{c} 货款")
        else:
            c = None
            r.update(name=f"陌生付款人{i}", acct=f"7{i:09d}")
        if c:
            expect[c] = expect.get(c, 0) + amount
        rows.append(r)
    text = bank_csv(rows)
    got = bank_import(t, text)
    matched = sum(1 for i in range(1000) if i % 4 in (0, 1))
    eq((got["lines"], got["imported"], got["skipped"], got["matched"], got["unmatched"]),
       (1000, 1000, 0, matched, 1000 - matched), "import summary")
    imp = got["import_no"]
    claimed = t.list_all(f"/bank-receipts?import_no={imp}&state=claimed", user="finance")
    eq(len(claimed), matched, "claimed lines listed")
    by = {x["matched_by"] for x in claimed}
    eq(by, {"account", "name", "remark"}, "matched by account, name and remark")
    unmatched = t.list_all(f"/bank-receipts?import_no={imp}&state=unmatched", user="finance")
    eq(len(unmatched), 1000 - matched, "unmatched lines stay visible")
    eq(unmatched[0]["allowed_actions"], ["claim", "ignore"], "finance claims or ignores")
    # Post every matched line in one call.
    t.expect_error(t.post("/bank-receipts/register-claimed", {"import_no": imp},
                          user="ssg_leader"), 403, "forbidden")
    reg = t.ok(t.post("/bank-receipts/register-claimed", {"import_no": imp}, user="finance"),
               200, "register claimed")
    eq((reg["registered"], reg["total_fen"]), (matched, sum(expect.values())), "registered")
    for c, amount in expect.items():
        pays = t.list_all(f"/payments?customer={c}", user="finance")
        eq(sum(p["amount_fen"] for p in pays), amount, f"receipts of {c}")
        eq(lib.credit(t, c)["prepayment_fen"], amount, f"prepayment of {c}")
    one = t.ok(t.get(f"/bank-receipts/{claimed[0]['number']}", user="finance"))
    eq((one["state"], one["allowed_actions"]), ("registered", []), "registered line")
    p = t.ok(t.get(f"/payments/{one['payment']}", user="finance"))
    eq((p["customer"], p["amount_fen"], p["received_on"], p["reference"]),
       (one["customer"], one["amount_fen"], day, one["bank_ref"]), "the receipt of the line")
    # The same file again: nothing new, nothing posted twice.
    again = bank_import(t, text)
    eq((again["imported"], again["skipped"], again["matched"]), (0, 1000, 0), "re-import")
    eq(t.ok(t.post("/bank-receipts/register-claimed", {}, user="finance"))["registered"], 0,
       "nothing left to post")
    for c, amount in expect.items():
        eq(sum(p["amount_fen"] for p in t.list_all(f"/payments?customer={c}", user="finance")),
           amount, f"still once: {c}")
        ledger_consistent(t, c)
    rc, out = osb_check(t)
    eq(rc, 0, f"osb check: {out}")


def test_bank_lines_claim_register_ignore(t):
    set_clock(t, "2045-04-10", "10:00")
    cust = customer(t)
    inv = invoiced(t, cust, price=1000, qty=3)
    day = "2045-04-10"
    rows = [{"date": day, "name": "不认识的人", "acct": "1111", "amount": "30.00", "memo": "",
             "ref": ""},
            {"date": day, "name": "不认识的人", "acct": "1111", "amount": "30.00", "memo": "",
             "ref": ""},
            {"date": day, "name": "另一个人", "acct": "2222", "amount": "1.50", "memo": "",
             "ref": ""}]
    # No bank reference column: a line is known by what it says (and how often), so a second
    # import of the file adds nothing, while two equal lines stay two.
    text = bank_csv(rows, refs=False)
    got = bank_import(t, text, query="?bank_account=ICBC-001")
    eq((got["imported"], got["matched"]), (3, 0), "three unmatched")
    eq(bank_import(t, text, query="?bank_account=ICBC-001")["imported"], 0, "idempotent")
    lines = t.list_all(f"/bank-receipts?import_no={got['import_no']}", user="finance")
    eq(len(lines), 3, "three lines")
    a, b, c = sorted(lines, key=lambda x: x["file_line"])
    eq(a["bank_account"], "ICBC-001", "our account from the query")
    # A KAM claims for their own customer only; the claim then shows the customer.
    t.expect_error(t.post(f"/bank-receipts/{a['number']}/claim", {"customer": cust},
                          user="kam_BJ"), 422, "validation_failed", rule="unknown_reference")
    t.expect_error(t.post(f"/bank-receipts/{a['number']}/claim", {}, user="kam_GZ"), 422,
                   "validation_failed", rule="required")
    t.expect_error(t.post(f"/bank-receipts/{a['number']}/register", {}, user="finance"), 409,
                   "invalid_state")
    x = lib.act(t, "bank-receipts", a["number"], "claim", "kam_GZ", {"customer": cust})
    eq((x["state"], x["customer"], x["claimed_by"], x["matched_by"]),
       ("claimed", cust, "kam_GZ", "manual"), "claimed")
    eq(x["allowed_actions"], ["claim"], "the KAM may re-claim, not register")
    t.expect_error(t.post(f"/bank-receipts/{a['number']}/register", {}, user="kam_GZ"), 403,
                   "forbidden")
    x = lib.act(t, "bank-receipts", a["number"], "register", "finance",
                {"apply_to": [{"invoice": inv["number"], "amount_fen": 3000}]})
    eq(x["state"], "registered", "registered in one click")
    eq(t.ok(t.get(f"/invoices/{inv['number']}", user="finance"))["state"], "paid", "applied")
    t.expect_error(t.post(f"/bank-receipts/{b['number']}/ignore", {}, user="finance"), 422,
                   "validation_failed", rule="required")
    x = lib.act(t, "bank-receipts", b["number"], "ignore", "finance", {"comment": "重复到款，已退回"})
    eq(x["state"], "ignored", "ignored")
    eq([e["action"] for e in x["timeline"]], ["import", "ignore"], "timeline")
    # Scope: a KAM sees unmatched lines and their own customers' lines, not others'.
    seen = {y["number"] for y in t.list_all("/bank-receipts?state=unmatched,registered",
                                            user="kam_BJ")}
    check(c["number"] in seen and a["number"] not in seen, "KAM scope")
    t.expect_error(t.get(f"/bank-receipts/{a['number']}", user="kam_BJ"), 404, "not_found")
    t.expect_error(t.get("/bank-receipts", user="warehouse"), 403, "forbidden")
    ledger_consistent(t, cust)


def test_bank_import_all_or_nothing(t):
    set_clock(t, "2045-04-11", "10:00")
    tag = t.uniq("E")
    good = {"date": "2045-04-11", "name": "某人", "acct": "1", "amount": "10.00", "memo": "",
            "ref": f"{tag}-1"}
    rows = [good, dict(good, ref=f"{tag}-2", amount="-5.00"),
            dict(good, ref=f"{tag}-3", date="2045-04-12"), dict(good, ref=f"{tag}-4", date="x"),
            dict(good, ref=f"{tag}-1")]
    d = t.expect_error(t.request("POST", "/bank-receipts/import", raw=bank_csv(rows),
                                 content_type="text/csv", user="finance"), 422,
                       "validation_failed", rule="import_rejected")
    eq([(r["row"], r["field"], r["rule"]) for r in d["rows"]],
       [(3, "amount", "amount_not_positive"), (4, "value_date", "received_in_future"),
        (5, "value_date", "invalid_date"), (6, "bank_ref", "duplicate")], "rows named")
    eq(t.ok(t.get(f"/bank-receipts?q={tag}", user="finance"))["items"], [], "nothing imported")
    t.expect_error(t.request("POST", "/bank-receipts/import", raw="a,b\n1,2\n",
                             content_type="text/csv", user="finance"), 400, "bad_request")
    t.expect_error(t.request("POST", "/bank-receipts/import", raw=bank_csv([good]),
                             content_type="text/csv", user="kam_GZ"), 403, "forbidden")


def next_monday(day):
    import datetime
    d = datetime.date.fromisoformat(day)
    return (d + datetime.timedelta(days=(7 - d.weekday()) % 7 or 7)).isoformat()


def test_calls_and_weekly_call_list(t):
    set_clock(t, "2045-05-03", "10:00")
    cust = customer(t)
    inv = invoiced(t, cust, price=1000, qty=5)  # due in 30 days
    monday = next_monday("2045-05-03")
    set_clock(t, monday, "07:59")
    run_jobs(t)
    set_clock(t, monday, "08:00")
    ran = run_jobs(t)
    check("weekly_call_list" in ran, f"job ran: {ran}")
    lst = t.ok(t.get("/call-list", user="ssg_leader"))
    eq((lst["week"], lst["week_end"]), (monday, add_days(monday, 6)), "the week")
    mine = [x for x in lst["items"] if x["customer"] == cust]
    eq(len(mine), 1, "one task for the customer")
    row = mine[0]
    eq((row["bcr"], row["called"], row["last_call"], row["receivables_fen"], row["balance_fen"]),
       ("ssg_leader", False, None, 5000, 5000), "task before the call")
    told = t.sql("SELECT count(*) FROM notifications WHERE recipient = 'ssg_leader'"
                 " AND event = 'weekly_call_list' AND dedup_key LIKE ?", (f"call_list:{monday}%",))
    eq(told[0][0], 1, "the BCR is told once")
    run_jobs(t)
    eq(len([x for x in t.ok(t.get("/call-list", user="ssg_leader"))["items"]
            if x["customer"] == cust]), 1, "no second task")
    # Log the call: outcome, promised date and amount.
    body = {"customer": cust, "kind": "weekly_collection", "reached": True,
            "outcome": "答应下周付款", "promised_pay_date": add_days(monday, 7),
            "promised_amount_fen": 5000}
    t.expect_error(t.post("/call-logs", body, user="kam_BJ"), 422, "validation_failed",
                   rule="unknown_reference")
    t.expect_error(t.post("/call-logs", body, user="warehouse"), 403, "forbidden")
    t.expect_error(t.post("/call-logs", dict(body, kind="gossip"), user="ssg_leader"), 422,
                   "validation_failed")
    c = t.ok(t.post("/call-logs", body, user="ssg_leader"), 201, "call logged")
    eq((c["customer"], c["by"], c["kind"], c["reached"], c["promised_amount_fen"]),
       (cust, "ssg_leader", "weekly_collection", True, 5000), "the call")
    row = [x for x in t.ok(t.get(f"/call-list?week={add_days(monday, 3)}",
                                 user="ssg_leader"))["items"] if x["customer"] == cust][0]
    eq((row["called"], row["last_call"]["outcome"], row["last_call"]["promised_pay_date"]),
       (True, "答应下周付款", add_days(monday, 7)), "called, with the promise")
    calls = t.ok(t.get(f"/call-logs?customer={cust}", user="kam_GZ"))["items"]
    eq([x["id"] for x in calls], [c["id"]], "GET /call-logs")
    eq(t.ok(t.get(f"/call-logs?customer={cust}", user="kam_BJ"))["items"], [], "scope")
    eq([x["customer"] for x in t.ok(t.get("/call-list?bcr=csr_b", user="csr_b"))["items"]
        if x["customer"] == cust], [], "filter by BCR: another BCR's list")
    eq([x["customer"] for x in t.ok(t.get("/call-list?bcr=ssg_leader", user="csr_b"))["items"]
        if x["customer"] == cust], [cust], "filter by BCR")
    t.expect_error(t.get("/call-list?week=nope", user="ssg_leader"), 400, "bad_request")
    check(inv["number"], "invoice")


def test_daily_receipts_at_0900(t):
    set_clock(t, "2045-06-05", "10:00")  # a Tuesday
    cust = customer(t)
    pay(t, cust, 12345)
    pay(t, cust, 500, kind="expense")
    set_clock(t, "2045-06-06", "08:59")
    run_jobs(t)
    key = "daily_receipts:2045-06-05:%"
    eq(t.sql("SELECT count(*) FROM notifications WHERE dedup_key LIKE ?", (key,))[0][0], 0,
       "not before 09:00")
    set_clock(t, "2045-06-06", "09:00")
    ran = run_jobs(t)
    check("daily_receipts" in ran, f"ran: {ran}")
    who = sorted(r[0] for r in t.sql("SELECT recipient FROM notifications WHERE dedup_key"
                                     " LIKE ?", (key,)))
    check({"csr_a", "csr_b", "ssg_leader"} <= set(who), f"CSRs and BCRs told: {who}")
    subj = t.sql("SELECT subject FROM notifications WHERE dedup_key = ?",
                 ("daily_receipts:2045-06-05:csr_a",))[0][0]
    check("2045-06-05" in subj and "费用款¥5.00" in subj, f"subject: {subj}")


def test_imports_honour_idempotency_key_with_the_query(t):
    set_clock(t, "2045-06-12", "10:00")
    tag = t.uniq("I")
    text = bank_csv([{"date": "2045-06-12", "name": "某人", "acct": "1", "amount": "1.00",
                      "memo": "", "ref": f"{tag}-1"}])
    key = {"Idempotency-Key": f"bank-{tag}"}
    req = lambda q: t.request("POST", "/bank-receipts/import" + q, raw=text,
                              content_type="text/csv", user="finance", headers=key)
    first = t.ok(req("?bank_account=A1"), 201, "first import")
    eq(first["imported"], 1, "imported")
    eq(t.ok(req("?bank_account=A1"), 201, "replay"), first, "the replay answers the first")
    # The same body with another query string is another request.
    t.expect_error(req("?bank_account=A2"), 409, "idempotency_mismatch")
    eq(len(t.ok(t.get(f"/bank-receipts?q={tag}", user="finance"))["items"]), 1, "one line")
    # The price-list import: code and dates are query parameters.
    sku = product(t, price=1000, stock=0)
    code = t.uniq("IK")
    pk = {"Idempotency-Key": f"pl-{tag}"}
    body = f"sku,price_fen\n{sku},900\n"
    q = f"/price-lists/import?code={code}&name=X&valid_from=2045-07-01"
    a = t.ok(t.request("POST", q, raw=body, content_type="text/csv", user="marketing",
                       headers=pk), 201, "price list import")
    b = t.ok(t.request("POST", q, raw=body, content_type="text/csv", user="marketing",
                       headers=pk), 201, "replay")
    eq(b["number"], a["number"], "same list, nothing created twice")
    t.expect_error(t.request("POST", q.replace("2045-07-01", "2045-08-01"), raw=body,
                             content_type="text/csv", user="marketing", headers=pk), 409,
                   "idempotency_mismatch")
    eq(len(t.ok(t.get(f"/price-lists?code={code}", user="marketing"))["items"]), 1,
       "one list of the code")
