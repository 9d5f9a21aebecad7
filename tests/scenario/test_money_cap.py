"""The money cap (api.md §4 "money cap", §5.9 "money cap on orders"; numbering-and-rules.md §8
amount_too_large): no amount or sum may exceed 10^13 fen (¥100 billion). An order's lines and
total are checked at create with today's prices (the customer's published price list) and again
at accept with the accept-day prices; a payment, an allocation, a customer's balance, a credit
limit, a contract value and a price are refused above it. Each refusal is 422 rule
amount_too_large and changes nothing."""

import lib
from lib import UNLIMITED, add_days, eq, order_act, set_clock

CAP = 10 ** 13
DAY = "2026-12-02"


def orders_of(t, cust):
    return t.list_all(f"/orders?customer={cust}", user="csr_a")


def test_order_create_cap(t):
    set_clock(t, DAY, "09:00")
    big = lib.product(t, price=CAP, stock=0)
    half = lib.product(t, price=CAP // 2 + 1, stock=0)
    cust = lib.customer(t, UNLIMITED)
    o = t.ok(t.post("/orders", {"customer": cust, "lines": [{"sku": big, "qty": 1}]},
                    user="kam_GZ"), 201, "exactly 10^13")
    eq(o["total_fen"], CAP, "total at the cap")
    d = t.expect_error(t.post("/orders", {"customer": cust, "lines": [{"sku": big, "qty": 2}]},
                              user="kam_GZ"), 422, "validation_failed", rule="amount_too_large",
                       field="lines[0]")
    eq((d["line"], d["sku"]), (1, big), "details name the line")
    # far beyond int64 too: still the cap's rule, not an overflow
    t.expect_error(t.post("/orders", {"customer": cust, "lines": [{"sku": big,
                                                                    "qty": 100000000}]},
                          user="kam_GZ"), 422, "validation_failed", rule="amount_too_large")
    t.expect_error(t.post("/orders", {"customer": cust, "lines": [{"sku": half, "qty": 1},
                                                                   {"sku": big, "qty": 1}]},
                          user="kam_GZ"), 422, "validation_failed", rule="amount_too_large",
                   field="total_fen")
    eq([x["number"] for x in orders_of(t, cust)], [o["number"]], "nothing else created")
    # today's prices are the customer's list: a list price that breaks the cap refuses it
    code = t.uniq("CAP")
    listed = lib.customer(t, UNLIMITED, price_list=code)
    small = lib.product(t, price=1, stock=0)
    n = t.ok(t.post("/price-lists", {"code": code, "name": "上限价", "valid_from": "2026-01-01",
                                     "items": [{"sku": small, "price_fen": CAP}]},
                    user="marketing"), 201)["number"]
    lib.act(t, "price-lists", n, "approve", "gm")
    lib.act(t, "price-lists", n, "publish", "marketing")
    t.expect_error(t.post("/orders", {"customer": listed, "lines": [{"sku": small, "qty": 2}]},
                          user="kam_GZ"), 422, "validation_failed", rule="amount_too_large")
    eq(orders_of(t, listed), [], "nothing created")
    ok = t.ok(t.post("/orders", {"customer": listed, "lines": [{"sku": small, "qty": 1}]},
                     user="kam_GZ"), 201)
    eq(ok["total_fen"], CAP, "one at the list price")


def test_order_accept_cap(t):
    set_clock(t, DAY, "10:00")
    sku = lib.product(t, price=CAP // 10, stock=0)
    code = t.uniq("ACC")
    cust = lib.customer(t, UNLIMITED, price_list=code)
    o = t.ok(t.post("/orders", {"customer": cust, "lines": [{"sku": sku, "qty": 10}]},
                    user="kam_GZ"), 201, "create at the cap with today's prices")
    eq(o["total_fen"], CAP, "10 × 10^12")
    n = o["number"]
    order_act(t, n, "verify", "kam_GZ")
    sub = order_act(t, n, "approve-market", "mm_S")
    # from tomorrow the customer's list prices the SKU one fen higher
    tomorrow = add_days(DAY, 1)
    pl = t.ok(t.post("/price-lists", {"code": code, "name": "涨价", "valid_from": tomorrow,
                                      "items": [{"sku": sku, "price_fen": CAP // 10 + 1}]},
                     user="ssg_leader"), 201)["number"]
    lib.act(t, "price-lists", pl, "approve", "director")
    lib.act(t, "price-lists", pl, "publish", "ssg_leader")
    set_clock(t, tomorrow, "09:00")
    t.expect_error(t.post(f"/orders/{n}/accept", {}, user="csr_a"), 422, "validation_failed",
                   rule="amount_too_large", field="lines[0]")
    again = t.ok(t.get(f"/orders/{n}", user="csr_a"))
    eq((again["state"], again["version"], again["total_fen"], again["csr"]),
       ("submitted", sub["version"], CAP, sub["csr"]), "nothing changed")
    # with the list retired the product's price holds: at the cap, accepted
    lib.act(t, "price-lists", pl, "retire", "marketing")
    acc = order_act(t, n, "accept", "csr_a")
    eq((acc["state"], acc["total_fen"]), ("accepted", CAP), "accepted at the cap")


def test_payments_and_balances(t):
    set_clock(t, DAY, "11:00")
    cust = lib.customer(t, UNLIMITED)
    t.expect_error(t.post("/payments", {"customer": cust, "amount_fen": CAP + 1,
                                            "method": "bank_transfer", "reference": t.uniq("R"),
                                            "received_on": DAY}, user="finance"),
                       422, "validation_failed", rule="amount_too_large", field="amount_fen")
    eq(lib.ledger(t, cust), [], "no ledger entry")
    p = lib.pay(t, cust, CAP)
    eq(p["amount_fen"], CAP, "a receipt of exactly 10^13")
    # the customer's balance is a sum too: one fen more is refused
    t.expect_error(t.post("/payments", {"customer": cust, "amount_fen": 1,
                                            "method": "bank_transfer", "reference": t.uniq("R"),
                                            "received_on": DAY}, user="finance"),
                       422, "validation_failed", rule="amount_too_large")
    eq(len(lib.ledger(t, cust)), 1, "still one ledger entry")
    eq(lib.ledger(t, cust)[0]["balance_fen"], -CAP, "balance at the cap")
    # an allocation above the cap
    other = lib.customer(t, UNLIMITED)
    t.expect_error(t.post("/payments", {"customer": other, "amount_fen": 100,
                                        "method": "bank_transfer", "reference": t.uniq("R"),
                                        "received_on": DAY,
                                        "apply_to": [{"invoice": "SC20261202FP0001",
                                                      "amount_fen": CAP + 1}]},
                          user="finance"), 422, "validation_failed", rule="amount_too_large")
    lib.ledger_consistent(t, cust)


def test_master_data_and_documents(t):
    set_clock(t, DAY, "12:00")
    cust = lib.customer(t, UNLIMITED)
    t.expect_error(t.patch(f"/customers/{cust}", {"credit_limit_fen": CAP + 1}), 422,
                   "validation_failed", rule="amount_too_large", field="credit_limit_fen")
    eq(t.ok(t.patch(f"/customers/{cust}", {"credit_limit_fen": CAP}))["credit_limit_fen"], CAP,
       "a limit of exactly 10^13")
    t.expect_error(t.post("/products", {"sku": t.uniq("CP"), "name": "x", "spec": "x",
                                        "unit": "个", "case_size": 1, "price_fen": CAP + 1}),
                   422, "validation_failed", rule="amount_too_large", field="price_fen")
    t.expect_error(t.post("/contracts", {"customer": cust, "kind": "sales",
                                         "value_fen": CAP + 1}, user="kam_GZ"),
                   422, "validation_failed", rule="amount_too_large", field="value_fen")
