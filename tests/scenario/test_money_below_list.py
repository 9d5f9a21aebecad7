"""Below-list prices (flows.md §8 "also for any non-list price"; issue #11 item 1): an order
line may ask a price_fen; below the customer's list price (api.md §5.4) it is accepted only
when an approved quotation (approved, issued or won, within valid_until) of the customer, or a
contract (approved, signed or archived, within its validity) made from one, quotes that SKU at
a price the asked price is not below — the line shows the covering document in price_source;
otherwise `422` rule `below_list_price` (at create and again at accept, when the prices are
fixed). At or above the list a price is taken as asked."""

import lib
from lib import UNLIMITED, eq, set_clock

DAY = "2030-06-03"


def quotation(t, cust, sku, price, approve=True):
    q = t.ok(t.post("/quotations", {
        "customer": cust, "source": "inquiry", "product_class": "standard",
        "title": "特价询价", "lines": [{"sku": sku, "qty": 100, "price_fen": price,
                                       "lead_time_days": 7}]}, user="kam_GZ"), 201,
        "register")["number"]
    lib.act(t, "quotations", q, "decide", "mm_S", {"participate": True})
    lib.act(t, "quotations", q, "submit", "kam_GZ")
    if approve:
        lib.act(t, "quotations", q, "approve", "mm_S")
    return q


def create(t, cust, sku, price, status=201):
    return t.ok(t.post("/orders", {"customer": cust, "lines": [
        {"sku": sku, "qty": 10, "price_fen": price}]}, user="kam_GZ"), status, "create")


def test_below_list_needs_a_quotation_or_contract(t):
    set_clock(t, DAY)
    cust, other = lib.customer(t, UNLIMITED), lib.customer(t, UNLIMITED)
    sku = lib.product(t, price=1000)
    # nothing covers it
    t.expect_error(t.post("/orders", {"customer": cust, "lines": [
        {"sku": sku, "qty": 10, "price_fen": 900}]}, user="kam_GZ"), 422, "validation_failed",
        rule="below_list_price")
    # at or above the list: as asked
    o = create(t, cust, sku, 1000)
    eq((o["lines"][0]["price_fen"], o["lines"][0]["price_source"]), (1000, None), "at the list")
    eq(create(t, cust, sku, 1100)["lines"][0]["price_fen"], 1100, "above the list")
    # a quotation under review, or another customer's, does not cover it
    quotation(t, cust, sku, 850, approve=False)
    quotation(t, other, sku, 850)
    t.expect_error(t.post("/orders", {"customer": cust, "lines": [
        {"sku": sku, "qty": 10, "price_fen": 900}]}, user="kam_GZ"), 422, "validation_failed",
        rule="below_list_price")
    # an approved quotation of the customer covers prices not below its own
    q = quotation(t, cust, sku, 880)
    o = create(t, cust, sku, 900)
    eq((o["lines"][0]["price_fen"], o["lines"][0]["price_source"], o["total_fen"]),
       (900, q, 9000), "covered by the quotation")
    t.expect_error(t.post("/orders", {"customer": cust, "lines": [
        {"sku": sku, "qty": 10, "price_fen": 870}]}, user="kam_GZ"), 422, "validation_failed",
        rule="below_list_price")
    # through accept: the asked price stays
    for action, user in (("verify", "kam_GZ"), ("approve-market", "mm_S"), ("accept", "csr_a"),
                         ("check", "csr_a")):
        o = lib.order_act(t, o["number"], action, user)
    eq((o["state"], o["lines"][0]["price_fen"], o["total_fen"]), ("pending_approval", 900, 9000),
       "accepted at the covered price")
    # issued then past valid_until: no longer covers; a contract made from it does
    lib.act(t, "quotations", q, "issue", "kam_GZ", {"valid_until": "2030-06-10"})
    w = lib.act(t, "quotations", q, "won", "kam_GZ")
    k = w["contract"]
    set_clock(t, "2030-06-20")
    t.expect_error(t.post("/orders", {"customer": cust, "lines": [
        {"sku": sku, "qty": 10, "price_fen": 900}]}, user="kam_GZ"), 422, "validation_failed",
        rule="below_list_price")
    lib.act(t, "contracts", k, "submit", "kam_GZ")
    lib.act(t, "contracts", k, "approve", "mm_S")
    o = create(t, cust, sku, 900)
    eq(o["lines"][0]["price_source"], k, "covered by the approved contract")
