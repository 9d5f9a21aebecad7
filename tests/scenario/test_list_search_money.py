"""q= on the order and money lists (api.md §5.1): "Every list accepts q= (document number,
customer code or name, SKU; case-insensitive substring) and state= with several values
separated by commas."

Orders and invoices (by their lines' SKUs too), receipts, invoice requests, instruments,
statements, and quotas (no number: SKU and customer): the same checks as test_list_search.py
(each way of q, any letter case; '%', '_' and '\\' literal; q with state=a,b; an empty q is no
q; 400 on an unknown state; the data scope still applies). Each test makes its own customers,
products and documents and sets the test clock itself."""

from billing_lib import dispatch, invoices_of, pay, product, released, set_clock
from lib import check, eq
from osb_lib import submitted
from test_list_search import NAME_PART, expect_q, found, named_customer

INFO = {"invoice_title": "广州搜索测试有限公司", "tax_id": "91440101MA5CXK8U4C",
        "mailing_address": "广州市天河区体育西路2号", "mailing_contact": "李会计",
        "mailing_phone": "13800000002"}


def test_orders_by_q(t):
    set_clock(t, "2026-12-08")
    sku = product(t, price=1000, batch="SQM1")
    cust = named_customer(t)
    n = submitted(t, cust, sku=sku)
    expect_q(t, "/orders", "kam_GZ", n, cust, sku, "submitted", "cancelled", {"customer": cust})
    check(n in found(t, "/orders", "admin", q=cust.lower()), "admin finds it")
    eq(found(t, "/orders", "kam_SZ", q=cust), set(), "orders: scope (customer)")
    eq(found(t, "/orders", "kam_SZ", q=sku), set(), "orders: scope (SKU)")
    eq(found(t, "/orders", "kam_SZ", q=n), set(), "orders: scope (number)")


def test_invoices_and_receipts_by_q(t):
    set_clock(t, "2026-12-09")
    sku = product(t, price=1000, batch="SQM2")
    cust = named_customer(t)
    n, ship = released(t, cust, [(sku, 10)])
    dispatch(t, ship)
    inv = invoices_of(t, cust, order=n)[0]["number"]
    expect_q(t, "/invoices", "finance", inv, cust, sku, "open", "paid", {"customer": cust})
    eq(found(t, "/invoices", "kam_SZ", q=sku), set(), "invoices: scope")
    p = pay(t, cust, 500)["number"]
    expect_q(t, "/payments", "finance", p, cust, None, None, None, {"customer": cust})
    eq(found(t, "/payments", "finance", q=cust, state="registered"), {p}, "q with state")
    t.expect_error(t.get(f"/payments?q={cust}&state=registered,nope", user="finance"), 400,
                   "bad_request")
    eq(found(t, "/payments", "kam_SZ", q=cust), set(), "payments: scope")


def test_invoice_requests_instruments_and_statements_by_q(t):
    set_clock(t, "2026-12-10")
    sku = product(t, price=1000, batch="SQM3")
    cust = named_customer(t)
    t.ok(t.patch(f"/customers/{cust}", INFO), 200, "invoicing info")
    n, ship = released(t, cust, [(sku, 10)])
    dispatch(t, ship)
    invs = [i["number"] for i in invoices_of(t, cust, order=n)]
    k = t.ok(t.post("/invoice-requests", {"invoices": invs}, user="kam_GZ"), 201)["number"]
    expect_q(t, "/invoice-requests", "csr_a", k, cust, None, "requested", "archived",
             {"customer": cust})
    eq(found(t, "/invoice-requests", "kam_SZ", q=cust), set(), "invoice requests: scope")
    it = t.ok(t.post("/instruments", {"customer": cust, "kind": "cheque",
                                      "instrument_no": t.uniq("ZP"), "amount_fen": 500000},
                     user="kam_GZ"), 201)["number"]
    expect_q(t, "/instruments", "finance", it, cust, None, "in_hand", "registered",
             {"customer": cust})
    eq(found(t, "/instruments", "kam_SZ", q=cust), set(), "instruments: scope")
    s = t.ok(t.post("/statements", {"customer": cust, "kind": "adhoc", "from": "2026-12-01",
                                    "to": "2026-12-10"}, user="csr_a"), 201)["number"]
    expect_q(t, "/statements", "finance", s, cust, None, "generated", "sent",
             {"customer": cust})
    eq(found(t, "/statements", "kam_SZ", q=cust), set(), "statements: scope")


def quota_keys(t, user, **params):
    from urllib.parse import quote
    qs = "&".join(f"{k}={quote(v)}" for k, v in params.items())
    return {(x["sku"], x["customer"], x["region"])
            for x in t.list_all(f"/quotas?{qs}" if qs else "/quotas", user=user)}


def test_quotas_by_q(t):
    period = "2033-07"
    sku = product(t, price=1000, stock=0)
    cust = named_customer(t)
    t.ok(t.post("/quotas", {"period": period, "sku": sku, "customer": cust, "qty": 100},
                user="marketing"), 201)
    t.ok(t.post("/quotas", {"period": period, "sku": sku, "region": "GZ", "qty": 500},
                user="marketing"), 201)
    crow, rrow = (sku, cust, None), (sku, None, "GZ")
    for q in (sku, sku.lower(), sku[1:].lower()):
        got = quota_keys(t, "kam_GZ", q=q, period=period)
        check({crow, rrow} <= got, f"quotas q={q}: {got}")
    for q in (cust, cust.lower(), cust[1:-1].lower(), NAME_PART):
        got = quota_keys(t, "kam_GZ", q=q, period=period)
        check(crow in got and rrow not in got, f"quotas q={q}: {got}")
    for q in ("不存在的名字", "%", "_", "\\", sku[:-1] + "_"):
        got = quota_keys(t, "kam_GZ", q=q, period=period)
        check(crow not in got and rrow not in got, f"quotas q={q!r}: {got}")
    eq(quota_keys(t, "kam_GZ", q="", period=period), quota_keys(t, "kam_GZ", period=period),
       "quotas: empty q")
    eq(quota_keys(t, "kam_SZ", q=cust, period=period), set(), "quotas: scope")
