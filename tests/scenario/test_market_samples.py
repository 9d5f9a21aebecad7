"""Samples (小听粉, YP; flows.md §14, api.md §5.6): sample SKUs ship as zero-price lines under
sample quotas; a sample issue YP is recorded at dispatch; customer service follows up within 30
days with usage and waste rates, which set deduction_qty = ⌊qty × max(0, 8000 − usage_bp) /
10000⌋ + ⌊qty × max(0, waste_bp − 1000) / 10000⌋; the customer's next sample lines are cut at AC
with reason sample_deduction until it is used up. A follow-up not done by 24:00 of the 30th day
opens an OSB problem-log entry (rule sample_follow_up_30d)."""

import lib
from lib import check, eq, set_clock

DAY = "2027-08-03"  # a Tuesday


def sample_order(t, cust, lines):
    """An order of [(sku, qty)] through the check; returns it."""
    o = t.ok(t.post("/orders", {"customer": cust, "lines": [
        {"sku": s, "qty": q} for s, q in lines]}, user="kam_GZ"), 201, "create order")
    for action, user in (("verify", "kam_GZ"), ("approve-market", "mm_S"), ("accept", "csr_a"),
                         ("check", "csr_a")):
        o = lib.order_act(t, o["number"], action, user)
    return o


def issued(t, cust, sku, qty):
    """A sample order shipped: returns the sample issue."""
    o = sample_order(t, cust, [(sku, qty)])
    eq(o["state"], "pending_approval", f"passes: {o.get('qc')}")
    eq((o["lines"][0]["price_fen"], o["total_fen"]), (0, 0), "zero price")
    o = lib.release(t, o["number"])
    lib.dispatch(t, o["shipments"][0])
    got = t.list_all(f"/samples?order={o['number']}", user="service")
    eq(len(got), 1, "one sample issue at dispatch")
    return got[0]


def test_issue_follow_up_and_deduction(t):
    set_clock(t, DAY)
    cust = lib.customer(t, 1000000)
    sku = lib.product(t, price=800, kind="sample")
    y = issued(t, cust, sku, 100)
    n = y["number"]
    check("YP" in n, f"YP number {n}")
    eq((y["customer"], y["sku"], y["qty"], y["state"], y["issued_on"], y["deduction_qty"]),
       (cust, sku, 100, "issued", DAY, 0), "issued")
    eq(y["follow_up_due"], lib.at("2027-09-03", "00:00"), "follow-up due within 30 days")
    eq(y["allowed_actions"], ["follow-up"], "customer service follows up")
    lib.act(t, "samples", n, "follow-up", "kam_GZ",
            {"usage_bp": 6000, "waste_bp": 1500, "stores_surveyed": 12}, status=403)
    t.expect_error(t.post(f"/samples/{n}/follow-up", {"usage_bp": 10001, "waste_bp": 0,
                                                      "stores_surveyed": 1}, user="service"),
                   422, "validation_failed", field="usage_bp")
    t.expect_error(t.post(f"/samples/{n}/follow-up", {"usage_bp": 6000}, user="service"),
                   422, "validation_failed", field="waste_bp")
    y = lib.act(t, "samples", n, "follow-up", "service",
                {"usage_bp": 6000, "waste_bp": 1500, "stores_surveyed": 12})
    # ⌊100 × 2000 / 10000⌋ + ⌊100 × 500 / 10000⌋ = 20 + 5
    eq((y["state"], y["deduction_qty"], y["usage_bp"], y["waste_bp"], y["stores_surveyed"]),
       ("followed_up", 25, 6000, 1500, 12), "followed up")
    told = [x for x in t.list_all("/notifications", user="kam_GZ") if x["document"] == n]
    check(told, "the KAM is told of the deduction")
    # the next sample lines are cut
    o = sample_order(t, cust, [("M-IF1-900", 12), (sku, 30)])
    ln = o["lines"][1]
    eq((ln["qty_cut"], ln["cut_reasons"]), (25, [{"kind": "sample_deduction", "qty": 25}]),
       "cut at AC with reason sample_deduction")
    eq(o["lines"][0]["qty_cut"], 0, "goods lines are not cut")
    # used up: the next order is not cut
    o2 = sample_order(t, cust, [(sku, 30)])
    eq(o2["lines"][0]["qty_cut"], 0, "the deduction is used up")
    # a cancelled order gives its deduction back
    lib.order_act(t, o["number"], "reject", "deputy", {"comment": "取消"})
    o3 = sample_order(t, cust, [(sku, 10)])
    eq(o3["lines"][0]["qty_cut"], 10, "a rejected order's cut counts no more")
    lib.act(t, "samples", n, "follow-up", "service",
            {"usage_bp": 9000, "waste_bp": 0, "stores_surveyed": 1}, status=409)


def test_standard_met_no_deduction(t):
    set_clock(t, DAY)
    cust = lib.customer(t, 1000000)
    sku = lib.product(t, price=800, kind="sample")
    y = issued(t, cust, sku, 48)
    y = lib.act(t, "samples", y["number"], "follow-up", "service",
                {"usage_bp": 8000, "waste_bp": 1000, "stores_surveyed": 3})
    eq(y["deduction_qty"], 0, "the standard met: nothing deducted")
    eq(sample_order(t, cust, [(sku, 48)])["lines"][0]["qty_cut"], 0, "nothing cut")


def test_sample_quota_applies(t):
    set_clock(t, DAY)
    cust = lib.customer(t, 1000000)
    sku = lib.product(t, price=800, kind="sample")
    t.ok(t.post("/quotas", {"period": "2027-08", "sku": sku, "customer": cust, "qty": 20},
                user="marketing"), 201, "sample quota")
    o = sample_order(t, cust, [(sku, 30)])
    eq((o["lines"][0]["qty_cut"], o["lines"][0]["cut_reasons"][0]["kind"]),
       (10, "customer_quota"), "sample lines are limited by sample quotas")


def test_follow_up_deadline(t):
    set_clock(t, DAY)
    cust = lib.customer(t, 1000000)
    sku = lib.product(t, price=800, kind="sample")
    late = issued(t, cust, sku, 10)["number"]
    done = issued(t, cust, sku, 10)["number"]
    lib.act(t, "samples", done, "follow-up", "service",
            {"usage_bp": 9000, "waste_bp": 500, "stores_surveyed": 2})
    set_clock(t, "2027-09-02", "23:59")
    lib.run_jobs(t)
    lib.no_issue(t, late, "sample_follow_up_30d")
    set_clock(t, "2027-09-03", "00:00")
    lib.run_jobs(t)
    lib.run_jobs(t)
    it = lib.one_issue(t, late, "sample_follow_up_30d")
    eq((it["customer"], it["deadline"]), (cust, lib.at("2027-09-03", "00:00")), "entry")
    lib.no_issue(t, done, "sample_follow_up_30d")
