"""Market support, second pass (issue #12, api.md §5.6, flows.md §16.3): an inventory report's
`purchased_qty` is pre-filled from the month's deliveries (POD) — GET /inventory-reports/prefill
gives the lines a report starts from (opening = last month's closing, purchased = delivered), and
a line sent without `purchased_qty` takes the delivered quantity."""

import lib
from lib import eq, set_clock

SKU = "M-IF1-900"


def distributor(t):
    return lib.customer(t, lib.UNLIMITED, channel="distributor")


def delivered(t, cust, qty):
    """An order of qty of SKU released, dispatched and delivered (POD) today."""
    _, ship = lib.released(t, cust, [(SKU, qty)])
    lib.dispatch(t, ship)
    lib.ship_act(t, ship, "deliver", {"signed_by": "李老板"})


def test_purchased_prefilled_from_deliveries(t):
    set_clock(t, "2027-07-03")
    c = distributor(t)
    t.ok(t.post("/inventory-reports", {"customer": c, "period": "2027-06", "lines": [
        {"sku": SKU, "opening_qty": 10, "purchased_qty": 0, "other_in_qty": 0, "sold_qty": 4,
         "returned_qty": 0, "closing_qty": 6}]}, user="csr_a"), 201, "June's report")
    delivered(t, c, 24)
    delivered(t, c, 12)
    p = t.ok(t.get(f"/inventory-reports/prefill?customer={c}&period=2027-07", user="csr_a"))
    eq(p["lines"], [{"sku": SKU, "opening_qty": 6, "purchased_qty": 36}],
       "opening = June's closing, purchased = July's deliveries")
    eq(t.ok(t.get(f"/inventory-reports/prefill?customer={c}&period=2027-06", user="csr_a"))
       ["lines"], [], "nothing delivered in June, no report of May")
    # A line without purchased_qty takes the deliveries: 6 + 36 − 30 = 12.
    set_clock(t, "2027-07-19")
    k = t.ok(t.post("/inventory-reports", {"customer": c, "period": "2027-07", "lines": [
        {"sku": SKU, "opening_qty": 6, "other_in_qty": 0, "sold_qty": 30, "returned_qty": 0,
         "closing_qty": 12}]}, user="csr_a"), 201, "July's report")
    eq(k["lines"][0]["purchased_qty"], 36, "pre-filled")
    # A stated purchased_qty is the report's own, and must balance.
    c2 = distributor(t)
    delivered(t, c2, 12)
    t.expect_error(t.post("/inventory-reports", {"customer": c2, "period": "2027-07", "lines": [
        {"sku": SKU, "opening_qty": 0, "other_in_qty": 0, "sold_qty": 0, "returned_qty": 0,
         "closing_qty": 0}]}, user="csr_a"), 422, "validation_failed",
        rule="inventory_not_balanced")


def test_prefill_rules(t):
    set_clock(t, "2027-07-03")
    c = distributor(t)
    t.expect_error(t.get("/inventory-reports/prefill?period=2027-07", user="csr_a"), 422,
                   "validation_failed", field="customer")
    t.expect_error(t.get(f"/inventory-reports/prefill?customer={c}&period=2027-13",
                         user="csr_a"), 422, "validation_failed", rule="invalid_period")
    t.expect_error(t.get(f"/inventory-reports/prefill?customer={c}&period=2027-07&x=1",
                         user="csr_a"), 400, "bad_request")
    t.expect_error(t.get(f"/inventory-reports/prefill?customer={c}&period=2027-07",
                         user="warehouse"), 403, "forbidden")
