"""Distributor monthly inventory reports (经销商库存报表, KC; flows.md §16, api.md §5.6): the
CSR (or SSG) submits a distributor's report for a month; every line must balance (closing =
opening + purchased + other_in − sold − returned, else 422 inventory_not_balanced); a report
submitted after the 20th of its month is late; marketing reviews it or returns it for
correction; reminders go out on the 18th at 09:00 and on the 21st every active direct
distributor still without a report gets an OSB problem-log entry (rule inventory_report_20th).
Stock cover = closing ÷ average monthly sold of the last 3 months; above 2 months → build_up
(积货).

Each test uses its own month (the monthly jobs run once a month) and its own distributors."""

import lib
from lib import check, eq, run_jobs, set_clock

SKU = "M-IF1-900"


def distributor(t):
    return lib.customer(t, lib.UNLIMITED, channel="distributor")


def line(sku=SKU, opening=100, purchased=50, other_in=0, sold=80, returned=0, closing=None,
         near=0):
    if closing is None:
        closing = opening + purchased + other_in - sold - returned
    return {"sku": sku, "opening_qty": opening, "purchased_qty": purchased,
            "other_in_qty": other_in, "sold_qty": sold, "returned_qty": returned,
            "closing_qty": closing, "near_expiry_qty": near}


def submit(t, cust, period, lines=None, user="csr_a", status=201):
    body = {"customer": cust, "period": period, "lines": lines or [line()]}
    return t.ok(t.post("/inventory-reports", body, user=user), status, f"submit by {user}")


def act(t, n, action, user, body=None, status=200):
    return lib.act(t, "inventory-reports", n, action, user, body, status)


def test_submit_balance_and_late(t):
    set_clock(t, "2027-02-20", "23:59")
    c = distributor(t)
    k = submit(t, c, "2027-02")
    check("KC" in k["number"], f"KC number {k['number']}")
    eq((k["state"], k["late"], k["customer"], k["period"]), ("submitted", False, c, "2027-02"),
       "on time at 23:59 of the 20th")
    eq(k["lines"][0]["closing_qty"], 70, "line kept")
    eq(k["submitted_by"], "csr_a", "submitted_by")
    # unbalanced
    d = t.expect_error(t.post("/inventory-reports",
                              {"customer": distributor(t), "period": "2027-02",
                               "lines": [line(), line(sku="M-IF2-900", closing=1)]},
                              user="csr_a"), 422, "validation_failed",
                       rule="inventory_not_balanced")
    eq((d.get("line"), d.get("sku")), (2, "M-IF2-900"), "names the line")
    set_clock(t, "2027-02-21", "00:00")
    late = submit(t, distributor(t), "2027-02")
    eq(late["late"], True, "after the 20th: late")
    eq(submit(t, distributor(t), "2027-03")["late"], False, "next month's report is not late")
    eq(submit(t, distributor(t), "2027-01")["late"], True, "an earlier month's is late")
    # one report a customer and month
    t.expect_error(t.post("/inventory-reports", {"customer": c, "period": "2027-02",
                                                 "lines": [line()]}, user="csr_a"),
                   409, "duplicate")


def test_body_rules_and_roles(t):
    set_clock(t, "2027-03-10")
    c = distributor(t)
    for bad, code, rule in (
            ([line(opening=-1, closing=-31)], 422, "negative_qty"),
            ([line(sku="NOPE")], 422, "unknown_sku"),
            ([line(), line()], 422, "duplicate_line"),
            ([], 422, "too_many_lines")):
        t.expect_error(t.post("/inventory-reports", {"customer": c, "period": "2027-03",
                                                     "lines": bad}, user="csr_a"),
                       code, "validation_failed", rule=rule)
    t.expect_error(t.post("/inventory-reports", {"customer": c, "period": "2027-3",
                                                 "lines": [line()]}, user="csr_a"),
                   422, "validation_failed", field="period")
    t.expect_error(t.post("/inventory-reports", {"customer": c, "period": "2027-03",
                                                 "lines": [dict(line(), sold_qty="80")]},
                          user="csr_a"), 400, "bad_request")
    submit(t, c, "2027-03", user="kam_GZ", status=403)
    submit(t, c, "2027-03", user="marketing", status=403)
    k = submit(t, c, "2027-03", user="ssg_leader")
    eq(k["allowed_actions"], [], "the submitter has nothing to do")
    eq(t.ok(t.get(f"/inventory-reports/{k['number']}", user="marketing"))["allowed_actions"],
       ["return", "review"], "marketing reviews or returns")


def test_review_return_resubmit(t):
    set_clock(t, "2027-04-15")
    c = distributor(t)
    n = submit(t, c, "2027-04")["number"]
    act(t, n, "review", "mm_S", status=403)
    t.expect_error(t.post(f"/inventory-reports/{n}/return", {}, user="marketing"), 422,
                   "validation_failed", field="note")
    k = act(t, n, "return", "marketing", {"note": "销量与出库不符"})
    eq((k["state"], k["review_note"], k["reviewed_by"]), ("returned", "销量与出库不符", "marketing"),
       "returned")
    act(t, n, "review", "marketing", status=409)
    eq(t.ok(t.get(f"/inventory-reports/{n}", user="csr_a"))["allowed_actions"], ["resubmit"],
       "the CSR corrects it")
    t.expect_error(t.post(f"/inventory-reports/{n}/resubmit",
                          {"lines": [line(closing=1)]}, user="csr_a"),
                   422, "validation_failed", rule="inventory_not_balanced")
    k = act(t, n, "resubmit", "csr_a", {"lines": [line(sold=70)]})
    eq((k["state"], k["lines"][0]["closing_qty"]), ("submitted", 80), "resubmitted")
    k = act(t, n, "review", "marketing", {"note": "已审"})
    eq(k["state"], "reviewed", "reviewed")
    eq([x["action"] for x in k["timeline"]], ["submit", "return", "resubmit", "review"],
       "timeline")
    got = t.list_all(f"/inventory-reports?customer={c}&state=reviewed", user="marketing")
    eq([x["number"] for x in got], [n], "listed by customer and state")
    eq([x["number"] for x in t.list_all(f"/inventory-reports?q={c}", user="csr_a")], [n], "q")
    eq(t.list_all(f"/inventory-reports?customer={c}", user="kam_SZ"), [], "outside scope")


def test_stock_cover_and_build_up(t):
    set_clock(t, "2027-05-05")
    c = distributor(t)
    submit(t, c, "2027-03", [line(opening=0, purchased=300, sold=30, closing=270)])
    submit(t, c, "2027-04", [line(opening=270, purchased=0, sold=30, closing=240)])
    k = submit(t, c, "2027-05", [line(opening=200, purchased=0, sold=30, closing=170)])
    ln = k["lines"][0]
    # average sold over 3 months = 30; cover = 170 / 30 months = 56666 bp
    eq(ln["stock_cover_bp"], 170 * 10000 // 30, "stock cover in bp of a month")
    eq(ln["build_up"], True, "above 2 months: 积货")
    eq([w["rule"] for w in k["warnings"]], ["opening_mismatch"],
       "opening differs from last month's closing: a warning")
    eq(k["warnings"][0]["expected_opening_qty"], 240, "expected opening")
    c2 = distributor(t)
    k2 = submit(t, c2, "2027-05", [line(opening=100, purchased=100, sold=150, closing=50)])
    eq((k2["lines"][0]["stock_cover_bp"], k2["lines"][0]["build_up"]), (3333, False),
       "a third of a month: no build-up")
    eq(k2["warnings"], [], "no warnings without a last month")


def test_reminders_and_missing_reports(t):
    set_clock(t, "2027-06-01")
    on_time, late, missing = distributor(t), distributor(t), distributor(t)
    other = lib.customer(t, lib.UNLIMITED)  # not a distributor: no report expected
    set_clock(t, "2027-06-18", "08:59")
    check("inventory_report_reminders" not in run_jobs(t), "not before 09:00")
    set_clock(t, "2027-06-18", "09:00")
    check("inventory_report_reminders" in run_jobs(t), "the 18th at 09:00")
    check("inventory_report_reminders" not in run_jobs(t), "once a month")
    told = [x for x in t.list_all("/notifications", user="um_GZ")
            if x["event"] == "inventory_report_reminder" and "2027-06" in x["subject"]]
    eq(len(told), 1, "the UM is reminded once")
    calls = [x for x in t.list_all("/notifications", user="csr_a")
             if x["event"] == "inventory_report_call" and "2027-06" in x["subject"]]
    eq(len(calls), 1, "a phone task for the CSR")
    set_clock(t, "2027-06-19")
    submit(t, on_time, "2027-06")
    set_clock(t, "2027-06-20", "23:59")
    check("inventory_report_due" not in run_jobs(t), "not before the 21st")
    set_clock(t, "2027-06-21", "00:00")
    eq(submit(t, late, "2027-06")["late"], True, "late")
    check("inventory_report_due" in run_jobs(t), "the 21st 00:00")
    got = t.list_all("/osb-issues?rule=inventory_report_20th", user="ssg_leader")
    docs = {x["document"] for x in got}
    check(f"2027-06:{missing}" in docs, f"an entry for the missing report: {docs}")
    check(f"2027-06:{on_time}" not in docs and f"2027-06:{late}" not in docs,
          "none for those that reported")
    check(f"2027-06:{other}" not in docs, "none for a customer that is no distributor")
    it = [x for x in got if x["document"] == f"2027-06:{missing}"][0]
    eq((it["customer"], it["state"], it["deadline"]), (missing, "open", lib.at("2027-06-21", "00:00")),
       "the entry")
    run_jobs(t)
    eq(len([x for x in t.list_all("/osb-issues?rule=inventory_report_20th", user="ssg_leader")
            if x["document"] == f"2027-06:{missing}"]), 1, "opened once")
