"""Reports of the second-wave modules (api.md §5.8, kpis-and-reports.md §4.2, §4.4, §4.5):
contract_ledger, market_expenses_vs_budget, distributor_inventory_summary, pop_and_samples,
credit_grade_list, quotation_register and after_sales. Each test builds its own documents (own
customers, own budget and report months, a fixed clock) and checks the rows and the totals row
to the fen; scope and rights where the report limits them.

Market S (华南): MM mm_S, supervising SLT member deputy; region GZ: um_GZ, kam_GZ."""

import lib
from lib import UNLIMITED, check, eq, set_clock


def rep(t, name, user="gm", status=200, **q):
    qs = "&".join(f"{k}={v}" for k, v in q.items())
    res = t.get(f"/reports/{name}" + (f"?{qs}" if qs else ""), user=user)
    return t.ok(res, status, f"report {name} {qs} by {user}")


def rows_of(body, *keys):
    return [tuple(r[k] for k in keys) for r in body["rows"]]


def totals_of(body, *keys):
    return tuple(body["totals"].get(k) for k in keys)


def test_listed(t):
    names = [i["name"] for i in t.ok(t.get("/reports", user="gm"))["items"]]
    for n in ("contract_ledger", "market_expenses_vs_budget", "distributor_inventory_summary",
              "pop_and_samples", "credit_grade_list", "quotation_register", "after_sales"):
        check(n in names, f"{n} listed")


# ---- contract_ledger -------------------------------------------------------------------

def test_contract_ledger(t):
    set_clock(t, "2026-11-23", "09:00")
    c = lib.customer(t, UNLIMITED)
    a = t.ok(t.post("/contracts", {"customer": c, "kind": "sales", "value_fen": 1000000,
                                   "valid_to": "2027-11-22"}, user="kam_GZ"), 201)["number"]
    for action, user, body in (("submit", "kam_GZ", None), ("approve", "mm_S", None),
                               ("sign", "kam_GZ", {"signing_mode": "onsite"})):
        lib.act(t, "contracts", a, action, user, body)
    line = [{"sku": "M-IF1-900", "qty": 12}]
    for _ in range(2):
        t.ok(t.post("/orders", {"customer": c, "lines": line, "contract": a}, user="kam_GZ"), 201)
    set_clock(t, "2026-11-24", "10:00")
    lib.act(t, "contracts", a, "archive", "csr_a")
    binder = lib.act(t, "contracts", a, "bind", "csr_a")["archive_binder"]
    b = t.ok(t.post("/contracts", {"customer": c, "kind": "framework", "value_fen": 250055,
                                   "deviations": "账期60天"}, user="kam_GZ"), 201)["number"]
    q = {"customer": c, "from": "2026-11-01", "to": "2026-11-30"}
    body = rep(t, "contract_ledger", **q)
    eq([x["key"] for x in body["columns"]][:3], ["contract", "kind", "customer"], "columns")
    eq(rows_of(body, "contract", "kind", "customer", "salesperson", "state", "value_fen",
               "binder", "valid_to", "orders", "deviations"),
       [(a, "sales", c, "kam_GZ", "archived", 1000000, binder, "2027-11-22", 2, None),
        (b, "framework", c, "kam_GZ", "draft", 250055, None, None, 0, "账期60天")], "rows")
    eq((body["rows"][0]["signed_at"], body["rows"][1]["signed_at"]),
       (lib.at("2026-11-23", "09:00"), None), "signed_at")
    eq(body["rows"][0]["archived_at"], lib.at("2026-11-24", "10:00"), "archived_at")
    eq(totals_of(body, "contract", "value_fen", "orders"), (None, 1250055, 2), "totals")
    # the range counts the drafting day; scope: another market's MM sees none; KAM own
    eq(rep(t, "contract_ledger", customer=c, **{"from": "2026-11-24", "to": "2026-11-30"})
       ["rows"][0]["contract"], b, "drafted on the 24th only")
    eq(rep(t, "contract_ledger", user="mm_N", **q)["rows"], [], "out of scope")
    eq(len(rep(t, "contract_ledger", user="kam_GZ", **q)["rows"]), 2, "the KAM's own")
    rep(t, "contract_ledger", user="warehouse", status=403, **q)
    csv = t.get("/reports/contract_ledger?customer=" + c + "&from=2026-11-01&to=2026-11-30"
                "&format=csv", user="gm")
    eq(csv.status, 200, "csv")
    text = csv.raw.decode("utf-8-sig")
    check("12500.55" in text, "value in yuan in the CSV")


# ---- market_expenses_vs_budget -----------------------------------------------------------

def test_market_expenses_vs_budget(t):
    per = "2061-05"
    set_clock(t, "2061-05-10", "10:00")
    c = lib.customer(t, UNLIMITED)
    # net sales of market S (and of region GZ) in May 2061: one invoice of ¥5,000
    _, ship = lib.released(t, c, [(lib.product(t, price=1000), 500)])
    lib.dispatch(t, ship)
    eq([i["amount_fen"] for i in lib.invoices_of(t, c)], [500000], "the month's invoice")
    b1 = t.ok(t.post("/expense-budgets", {"market": "S", "category": "promotion", "period": per,
                                          "amount_fen": 10000000}, user="marketing"), 201)
    t.ok(t.post("/expense-budgets", {"market": "S", "region": "GZ", "category": "travel",
                                     "period": per, "amount_fen": 500000}, user="marketing"), 201)

    def apply(amount):
        return t.ok(t.post("/expense-applications", {
            "category": "promotion", "amount_fen": amount, "purpose": "门店促销活动",
            "period": per, "customer": c}, user="kam_GZ"), 201)["number"]

    n1 = apply(3000000)
    lib.act(t, "expense-applications", n1, "approve", "mm_S")
    n2 = apply(1000000)
    lib.act(t, "expense-applications", n2, "approve", "mm_S")
    lib.act(t, "expense-applications", n2, "execute", "kam_GZ",
            {"actual_fen": 800000, "evidence": "发票"})
    lib.act(t, "expense-applications", n2, "settle", "finance",
            {"settlement_form": "reimbursement"})
    apply(50000)  # submitted only: neither committed nor actual
    got = t.ok(t.get(f"/expense-budgets/{b1['code']}", user="marketing"))
    eq((got["committed_fen"], got["actual_fen"], got["available_fen"]),
       (3000000, 800000, 6200000), "the budget's own figures")
    body = rep(t, "market_expenses_vs_budget", market="S", period=per)
    # expense ratio = actual ÷ net sales: 800,000 ÷ 500,000
    eq(rows_of(body, "market", "region", "category", "period", "budget_fen", "committed_fen",
               "actual_fen", "available_fen", "used_fen", "used_bp", "applications",
               "net_sales_fen", "expense_ratio_bp"),
       [("S", None, "promotion", per, 10000000, 3000000, 800000, 6200000, 3800000, 3800, 3,
         500000, 16000),
        ("S", "GZ", "travel", per, 500000, 0, 0, 500000, 0, 0, 0, 500000, 0)], "rows")
    check("net_sales_fen" not in body["totals"] and "expense_ratio_bp" not in body["totals"],
          "rows share their sales: not totalled")
    # used_bp of the totals: 3,800,000 ÷ 10,500,000 = 36.19 %
    eq(totals_of(body, "market", "budget_fen", "committed_fen", "actual_fen", "available_fen",
                 "used_fen", "used_bp", "applications"),
       (None, 10500000, 3000000, 800000, 6700000, 3800000, 3619, 3), "totals")
    eq(len(rep(t, "market_expenses_vs_budget", user="mm_S", period=per)["rows"]), 2, "the MM")
    eq(rep(t, "market_expenses_vs_budget", user="mm_N", period=per)["rows"], [], "another MM")
    eq(rows_of(rep(t, "market_expenses_vs_budget", user="kam_SZ", period=per), "category"),
       [("promotion",)], "a KAM of another region: the market's budget, not GZ's")
    eq(rows_of(rep(t, "market_expenses_vs_budget", period=per, region="GZ"), "category"),
       [("travel",)], "region filter")
    eq(rep(t, "market_expenses_vs_budget", **{"from": "2061-06-01", "to": "2061-06-30"})
       ["rows"], [], "another month")
    # api.md §5.8's customer= on every report: a budget is no customer's, so accepted and
    # listed as ignored, the rows those of no customer filter
    b = rep(t, "market_expenses_vs_budget", period=per, customer=c)
    eq((len(b["rows"]), b["params"]["ignored"]), (2, ["customer"]), "customer ignored")


# ---- distributor_inventory_summary --------------------------------------------------------

def kc_line(sku, opening, purchased, sold, other_in=0, returned=0, near=0):
    return {"sku": sku, "opening_qty": opening, "purchased_qty": purchased,
            "other_in_qty": other_in, "sold_qty": sold, "returned_qty": returned,
            "closing_qty": opening + purchased + other_in - sold - returned,
            "near_expiry_qty": near}


def test_distributor_inventory_summary(t):
    per = "2062-06"
    set_clock(t, "2062-06-15", "10:00")
    d1 = lib.customer(t, UNLIMITED, channel="distributor")
    d2 = lib.customer(t, UNLIMITED, channel="distributor")
    k1 = t.ok(t.post("/inventory-reports", {"customer": d1, "period": per, "lines": [
        kc_line("M-IF1-900", 100, 50, 80),
        kc_line("M-IF2-900", 10, 0, 3, other_in=5, returned=2, near=1)]}, user="csr_a"),
        201)["number"]
    note = lib.act(t, "inventory-reports", k1, "review", "marketing",
                   {"note": "数据一致"})["review_note"]
    set_clock(t, "2062-06-25", "10:00")
    t.ok(t.post("/inventory-reports", {"customer": d2, "period": per, "lines": [
        kc_line("M-IF1-900", 0, 30, 10)]}, user="csr_a"), 201)
    body = rep(t, "distributor_inventory_summary", period=per)
    keys = ("customer", "period", "sku", "opening_qty", "purchased_qty", "other_in_qty",
            "sold_qty", "returned_qty", "closing_qty", "near_expiry_qty", "stock_cover_bp",
            "late", "state", "review_note")
    # stock cover = closing ÷ sold (one month of history): 70/80, 10/3, 20/10 months
    want = [(d1, per, "M-IF1-900", 100, 50, 0, 80, 0, 70, 0, 8750, 0, "reviewed", note),
            (d1, per, "M-IF2-900", 10, 0, 5, 3, 2, 10, 1, 33333, 0, "reviewed", note),
            (d2, per, "M-IF1-900", 0, 30, 0, 10, 0, 20, 0, 20000, 1, "submitted", None)]
    eq(rows_of(body, *keys), sorted(want, key=lambda r: r[0]), "rows (by distributor)")
    eq(totals_of(body, "customer", "opening_qty", "purchased_qty", "other_in_qty", "sold_qty",
                 "returned_qty", "closing_qty", "near_expiry_qty", "late"),
       (None, 110, 80, 5, 93, 2, 100, 1, 1), "totals")
    check("stock_cover_bp" not in body["totals"], "a cover is not totalled")
    eq(rows_of(rep(t, "distributor_inventory_summary", period=per, sku="M-IF2-900"), "customer"),
       [(d1,)], "sku filter")
    eq(len(rep(t, "distributor_inventory_summary", customer=d2,
               **{"from": "2062-06-01", "to": "2062-06-30"})["rows"]), 1, "range and customer")
    eq(rep(t, "distributor_inventory_summary", user="mm_N", period=per)["rows"], [], "scope")
    eq(len(rep(t, "distributor_inventory_summary", user="warehouse", period=per)["rows"]), 3,
       "no money: any role that reads reports")


# ---- pop_and_samples -------------------------------------------------------------------------

def test_pop_and_samples(t):
    day, per = "2063-07-06", "2063-07"
    set_clock(t, day, "10:00")
    c = lib.customer(t, 10 ** 9)
    pop = lib.product(t, price=500, kind="pop")
    t.ok(t.post("/pop-allocations", {"period": per, "sku": pop, "qty": 1000, "region": "GZ"},
                user="marketing"), 201)

    def request(qty):
        return t.ok(t.post("/pop-requests", {"customer": c, "lines": [{"sku": pop, "qty": qty}],
                                              "purpose": "门店陈列"}, user="kam_GZ"), 201)["number"]

    w1, w2, w3 = request(10), request(4), request(2)
    lib.act(t, "pop-requests", w1, "approve", "mm_S")
    lib.act(t, "pop-requests", w2, "approve", "mm_S")
    lib.act(t, "pop-requests", w3, "reject", "mm_S", {"comment": "不需要"})
    # w1 shipped: an order of its line through dispatch
    o = t.ok(t.post("/orders", {"customer": c, "lines": [
        {"sku": pop, "qty": 10, "pop_request": w1}]}, user="kam_GZ"), 201)
    for action, user in (("verify", "kam_GZ"), ("approve-market", "mm_S"), ("accept", "csr_a"),
                         ("check", "csr_a")):
        o = lib.order_act(t, o["number"], action, user)
    o = lib.release(t, o["number"])
    lib.dispatch(t, o["shipments"][0])
    eq(t.ok(t.get(f"/pop-requests/{w1}", user="mm_S"))["state"], "shipped", "w1 shipped")
    # two sample issues: one followed up (usage 60 %, waste 15 % → 20 + 5 of 100 deducted)
    ys = []
    for qty in (100, 40):
        sku = lib.product(t, price=800, kind="sample")
        o = t.ok(t.post("/orders", {"customer": c, "lines": [{"sku": sku, "qty": qty}]},
                        user="kam_GZ"), 201)
        for action, user in (("verify", "kam_GZ"), ("approve-market", "mm_S"),
                             ("accept", "csr_a"), ("check", "csr_a")):
            o = lib.order_act(t, o["number"], action, user)
        o = lib.release(t, o["number"])
        lib.dispatch(t, o["shipments"][0])
        ys.append(t.list_all(f"/samples?order={o['number']}", user="service")[0]["number"])
    lib.act(t, "samples", ys[0], "follow-up", "service",
            {"usage_bp": 6000, "waste_bp": 1500, "stores_surveyed": 12})
    q = {"customer": c, "from": "2063-07-01", "to": "2063-07-31"}
    body = rep(t, "pop_and_samples", **q)
    keys = ("customer", "market", "region", "pop_requested", "pop_approved", "pop_shipped",
            "pop_verified", "pop_value_fen", "samples_issued", "sample_qty",
            "samples_followed_up", "usage_bp", "waste_bp", "deduction_qty")
    # value of the approved requests: (10 + 4) × ¥5.00
    eq(rows_of(body, *keys),
       [(c, "S", "GZ", 3, 2, 1, 0, 7000, 2, 140, 1, 6000, 1500, 25)], "row")
    eq(totals_of(body, "customer", "pop_requested", "pop_approved", "pop_shipped", "pop_verified",
                 "pop_value_fen", "samples_issued", "sample_qty", "samples_followed_up",
                 "deduction_qty"), (None, 3, 2, 1, 0, 7000, 2, 140, 1, 25), "totals")
    eq(rep(t, "pop_and_samples", customer=c, **{"from": "2063-08-01", "to": "2063-08-31"})
       ["rows"], [], "nothing in August")
    eq(rep(t, "pop_and_samples", user="kam_SZ", **q)["rows"], [], "out of scope")
    eq(len(rep(t, "pop_and_samples", user="um_GZ", **q)["rows"]), 1, "the UM")


# ---- credit_grade_list ----------------------------------------------------------------------

def test_credit_grade_list(t):
    set_clock(t, "2064-03-10", "10:00")
    sku = lib.product(t, price=100000, stock=10000000)
    late = lib.customer(t, 10 ** 9, term=30)
    quiet = lib.customer(t, 50000000, term=15, grade="B", prepay_only=True)
    _, ship = lib.released(t, late, [(sku, 2)])
    lib.dispatch(t, ship)
    set_clock(t, "2064-07-01", "09:00")
    t.ok(t.post("/credit-grades/2064-06/compute", {}, user="ssg_leader"), 200)
    t.ok(t.post("/credit-grades/2064-06/override", {"customer": quiet, "grade": "A",
                                                    "reason": "战略客户"}, user="ssg_leader"), 200)
    keys = ("customer", "market", "region", "kam", "grade", "previous_grade", "override_grade",
            "dpl_days", "max_overdue_days", "limit_fen", "exposure_fen", "available_fen",
            "overdue_fen", "payment_term_days", "prepay_only", "credit_hold")
    # late: ¥2,000 due 04-09 never paid: 82 days overdue at 06-30 → E
    b = rep(t, "credit_grade_list", user="ssg_leader", customer=late, period="2064-06")
    eq(rows_of(b, *keys), [(late, "S", "GZ", "kam_GZ", "E", "C", None, 82, 82, 10 ** 9, 200000,
                            10 ** 9 - 200000, 200000, 30, 0, 0)], "late")
    eq(totals_of(b, "customer", "limit_fen", "exposure_fen", "available_fen", "overdue_fen"),
       (None, 10 ** 9, 200000, 10 ** 9 - 200000, 200000), "totals of one")
    b = rep(t, "credit_grade_list", user="ssg_leader", customer=quiet)
    eq(rows_of(b, *keys), [(quiet, "S", "GZ", "kam_GZ", "A", "B", "A", 0, 0, 50000000, 0,
                            50000000, 0, 15, 1, 0)], "without period: the latest list")
    # the region: totals are the sums of its rows
    b = rep(t, "credit_grade_list", user="ssg_leader", region="GZ", period="2064-06")
    check(len(b["rows"]) >= 2, "the region's rows")
    for k in ("limit_fen", "exposure_fen", "available_fen", "overdue_fen"):
        eq(b["totals"][k], sum(r[k] for r in b["rows"]), f"total {k}")
    eq(rep(t, "credit_grade_list", user="ssg_leader", customer=late, period="2064-05")["rows"],
       [], "no list of May")
    eq(rep(t, "credit_grade_list", user="mm_N", customer=late, period="2064-06")["rows"], [],
       "scope")
    rep(t, "credit_grade_list", user="warehouse", status=403, customer=late)
    # api.md §5.8's from/to: the list of the range's month (as_of = to), May's list is none
    rng = {"from": "2064-06-01", "to": "2064-06-30"}
    b = rep(t, "credit_grade_list", user="ssg_leader", customer=late, **rng)
    eq((rows_of(b, "customer", "grade", "dpl_days"), b["params"]["as_of"]),
       ([(late, "E", 82)], "2064-06-30"), "from/to: June's list as of the 30th")
    eq(rep(t, "credit_grade_list", user="ssg_leader", customer=late,
           **{"from": "2064-04-01", "to": "2064-04-30"})["rows"], [], "no list up to April")
    rep(t, "credit_grade_list", user="ssg_leader", status=400, customer=late,
        **{"from": "2064-07-01", "to": "2064-06-30"})
    # CSV (BOM, Chinese header, money in yuan) and XLSX, each an audited export
    qs = f"customer={late}&from=2064-06-01&to=2064-06-30"
    res = t.get(f"/reports/credit_grade_list?{qs}&format=csv", user="ssg_leader")
    eq(res.status, 200, "csv")
    check(res.raw.startswith(b"\xef\xbb\xbf"), "a BOM")
    lines = res.raw.decode("utf-8-sig").splitlines()
    check(lines[0].startswith("客户"), f"header {lines[0]}")
    row = [x for x in lines if x.startswith(late + ",")]
    eq(len(row), 1, f"one CSV row of {late}: {lines}")
    check(",E," in row[0] and ",2000.00," in row[0], f"grade E and ¥2,000 exposure: {row[0]}")
    res = t.get(f"/reports/credit_grade_list?{qs}&format=xlsx", user="ssg_leader")
    eq(res.status, 200, "xlsx")
    check(res.raw[:2] == b"PK", "a zip")
    ex = t.sql("SELECT after FROM audit WHERE action = 'export' AND object_type = 'report'"
               " AND after LIKE ? AND after LIKE ?", ("%credit_grade_list%", f"%{late}%"))
    eq(len(ex), 2, "an export audit row for each file")


# ---- quotation_register -----------------------------------------------------------------------

def test_quotation_register(t):
    set_clock(t, "2026-11-23", "09:00")
    c = lib.customer(t, UNLIMITED)
    line = {"sku": "M-IF1-900", "qty": 10, "price_fen": 12000, "lead_time_days": 7}

    def register(**over):
        body = {"customer": c, "source": "inquiry", "product_class": "outsourced",
                "title": "外协产品询价", "lines": [line]}
        body.update(over)
        return t.ok(t.post("/quotations", body, user="kam_GZ"), 201)["number"]

    def act(n, action, user, body=None):
        return lib.act(t, "quotations", n, action, user, body)

    q1 = register()
    act(q1, "decide", "mm_S", {"participate": True})
    act(q1, "submit", "kam_GZ")
    act(q1, "approve", "mm_S")
    act(q1, "issue", "kam_GZ")
    k = act(q1, "won", "kam_GZ")["contract"]
    set_clock(t, "2026-11-23", "09:10")
    q2 = register(source="tender", product_class="gov_agri_procurement",
                  lines=[dict(line, qty=3)])
    act(q2, "decide", "mm_S", {"participate": False, "comment": "产能不足"})
    set_clock(t, "2026-11-23", "09:20")
    q3 = register()
    q = {"customer": c, "from": "2026-11-01", "to": "2026-11-30"}
    body = rep(t, "quotation_register", **q)
    eq(rows_of(body, "quotation", "source", "customer", "product_class", "owner", "state",
               "total_fen", "decision", "result", "contract"),
       [(q1, "inquiry", c, "outsourced", "kam_GZ", "won", 120000, "participate", "won", k),
        (q2, "tender", c, "gov_agri_procurement", "kam_GZ", "declined", 36000, "decline", None,
         None),
        (q3, "inquiry", c, "outsourced", "kam_GZ", "registered", 120000, None, None, None)],
       "rows")
    eq(totals_of(body, "total_fen"), (276000,), "totals")
    eq(rep(t, "quotation_register", customer=c, **{"from": "2026-12-01", "to": "2026-12-31"})
       ["rows"], [], "registered in November only")
    eq(rep(t, "quotation_register", user="kam_SZ", **q)["rows"], [], "out of scope")
    eq(len(rep(t, "quotation_register", user="mm_S", **q)["rows"]), 3, "the MM")
    rep(t, "quotation_register", user="warehouse", status=403, **q)


# ---- after_sales ------------------------------------------------------------------------------

def test_after_sales(t):
    MON, TUE, WED = "2026-11-23", "2026-11-24", "2026-11-25"
    set_clock(t, MON, "09:00")
    c = lib.customer(t, UNLIMITED)

    def receive(kind):
        return t.ok(t.post("/after-sales", {"customer": c, "type": kind,
                                            "description": "包装破损，产品结块"},
                           user="kam_GZ"), 201)["number"]

    def act(n, action, user, body=None):
        return lib.act(t, "after-sales", n, action, user, body)

    h1 = receive("quality")
    act(h1, "confirm", "mm_S")
    act(h1, "assign", "csr_a", {"handler": "service"})
    act(h1, "start", "service")
    act(h1, "escalate", "service", {"comment": "现场无法解决"})
    set_clock(t, MON, "09:05")
    h2 = receive("damage")
    set_clock(t, MON, "09:10")
    h3 = receive("quality")
    set_clock(t, TUE, "10:00")
    act(h2, "reject", "mm_S", {"comment": "非质量问题"})
    set_clock(t, WED, "10:00")
    act(h1, "resolve", "deputy", {"result": "换货处理"})
    act(h1, "close", "csr_a", {"rating": 4})
    q = {"customer": c, "from": "2026-11-01", "to": "2026-11-30", "as_of": "2026-11-30"}
    body = rep(t, "after_sales", **q)
    eq(rows_of(body, "ticket", "type", "customer", "state", "days_open", "escalated", "rating",
               "handler"),
       [(h1, "quality", c, "closed", 2, 1, 4, "service"),
        (h2, "damage", c, "rejected", 1, 0, None, None),
        (h3, "quality", c, "received", 7, 0, None, None)], "rows")
    eq([r["received_at"] for r in body["rows"]],
       [lib.at(MON, "09:00"), lib.at(MON, "09:05"), lib.at(MON, "09:10")], "received_at")
    eq(totals_of(body, "escalated"), (1,), "totals")
    check("days_open" not in body["totals"] and "rating" not in body["totals"],
          "days and ratings are not summed")
    eq(rep(t, "after_sales", user="kam_SZ", **q)["rows"], [], "out of scope")
    eq(len(rep(t, "after_sales", user="um_GZ", **q)["rows"]), 3, "the UM")
    eq(len(rep(t, "after_sales", user="warehouse", **q)["rows"]), 3, "no money in it")
    # the files: empty ratings and the received instants as text; one export row each
    qs = "&".join(f"{k}={v}" for k, v in q.items())
    res = t.get(f"/reports/after_sales?{qs}&format=csv", user="csr_a")
    eq(res.status, 200, "csv")
    lines = res.raw.decode("utf-8-sig").splitlines()
    check(lines[0].startswith("售后编号,类型,客户"), f"header {lines[0]}")
    check(lines[1].startswith(h1 + ",quality,") and "2026-11-23" in lines[1], f"row {lines[1]}")
    check(any(x.startswith("合计") for x in lines), "totals row")
    res = t.get(f"/reports/after_sales?{qs}&format=xlsx", user="csr_a")
    eq(res.status, 200, "xlsx")
    check(res.raw[:2] == b"PK", "a zip")


# ---- quota_utilisation -------------------------------------------------------------------

def test_quota_utilisation_takes_the_common_parameters(t):
    """api.md §5.8 pins from, to, market, region and customer on every report: the quota report
    takes them (it answered 400 to from, to and market) — the periods of the months the range
    touches (period= still names one), and the rows of a market or region: its region rows and
    the rows of its customers."""
    set_clock(t, "2061-03-10", "09:00")
    sku = lib.product(t, price=100)
    gz, sh = lib.customer(t, UNLIMITED), lib.customer(t, UNLIMITED, region="SH", market="E", kam="kam_SH")
    for period, body in (("2061-02", {"region": "GZ", "qty": 100}),
                         ("2061-03", {"region": "GZ", "qty": 200}),
                         ("2061-03", {"customer": gz, "qty": 50}),
                         ("2061-03", {"region": "SH", "qty": 300}),
                         ("2061-03", {"customer": sh, "qty": 30}),
                         ("2061-04", {"region": "SZ", "qty": 400})):
        t.ok(t.post("/quotas", dict(body, period=period, sku=sku), user="marketing"), 201)

    def got(**q):
        return rows_of(rep(t, "quota_utilisation", sku=sku, **q), "period", "region", "customer",
                       "qty")

    eq(got(), [("2061-03", "GZ", None, 200), ("2061-03", "SH", None, 300),
               ("2061-03", None, gz, 50), ("2061-03", None, sh, 30)],
       "without a range: the month holding today")
    eq(len(got(**{"from": "2061-02-15", "to": "2061-04-01"})), 6, "the months the range touches")
    eq(got(**{"from": "2061-02-01", "to": "2061-02-28"}), [("2061-02", "GZ", None, 100)],
       "February")
    eq(got(period="2061-04"), [("2061-04", "SZ", None, 400)], "period= names one month")
    eq(got(market="S"), [("2061-03", "GZ", None, 200), ("2061-03", None, gz, 50)],
       "market S: its region rows and its customers' rows")
    eq(got(market="E", customer=sh), [("2061-03", None, sh, 30)], "market and customer")
    eq(got(region="SH"), [("2061-03", "SH", None, 300), ("2061-03", None, sh, 30)], "region SH")
    eq(got(**{"from": "2061-03-01", "to": "2061-03-31", "market": "S", "region": "GZ",
              "customer": gz}), [("2061-03", None, gz, 50)], "all five together")
