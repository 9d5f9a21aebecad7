"""q= on lists (api.md §5.1): "Every list accepts q= (document number, customer code or name,
SKU; case-insensitive substring) and state= with several values separated by commas."

For contracts, shipments, backorders, returns, refunds, write-offs, OSB problem-log entries,
customers and products: q finds a document by (a part of) its number, its customer's code, a
part of its customer's Chinese name and, where the document has lines, a SKU — in any letter
case; '%', '_' and '\\' in q match themselves, never as wildcards; q combines with state=a,b;
an empty q is no q; the data scope still applies (a KAM's q never finds another KAM's
customer's documents). Each test makes its own customers, products and documents and sets the
test clock itself."""

from urllib.parse import quote

from billing_lib import customer, dispatch, invoices_of, pay, product, released, set_clock
from lib import check, eq
from osb_lib import run_jobs, submitted

NAME_PART = "搜索测试"


def named_customer(t, kam="kam_GZ", market="S", region="GZ", name=None):
    """A customer whose name holds NAME_PART (and, when given, name)."""
    code = t.uniq("SQ")
    t.ok(t.post("/customers", {
        "code": code, "name": name or f"华南{NAME_PART}{code}商行", "market": market,
        "region": region, "kam": kam, "credit_limit_fen": 10 ** 10, "payment_term_days": 30,
        "consignee": "收货人", "consignee_phone": "13800000000",
        "consignment_station": "广州站"}), 201, "create customer")
    return code


def found(t, path, user, **params):
    """The numbers (or keys) a list gives for params, every page."""
    qs = "&".join(f"{k}={quote(v, safe=',')}" for k, v in params.items())
    items = t.list_all(f"{path}?{qs}" if qs else path, user=user)
    return {x.get("number") or x.get("code") or x.get("sku") for x in items}


def expect_q(t, path, user, number, cust, sku=None, state=None, other_state=None, narrow=None):
    """number (a document of customer cust with a line of sku, in state) is found by each way
    of q, case-insensitively; nothing by text that is not there or by a bare wildcard."""
    narrow = narrow or {}
    ways = [number, number.lower(), number[2:-1].lower(), cust, cust.lower(), cust[1:-1].lower(),
            NAME_PART, NAME_PART[1:3]]
    if sku:
        ways += [sku, sku.lower(), sku[1:].lower()]
    for q in ways:
        check(number in found(t, path, user, q=q), f"{path} q={q} finds {number}")
    for q in ("不存在的名字", number + "X", "%", "_", "\\", "%" + number[-2:], number[:-1] + "_"):
        check(number not in found(t, path, user, q=q), f"{path} q={q!r} does not find {number}")
    # An empty q is like no q.
    eq(found(t, path, user, q="", **narrow), found(t, path, user, **narrow), f"{path} q= empty")
    if state:
        eq(found(t, path, user, q=cust, state=f"{other_state},{state}"), {number},
           f"{path} q with state=a,b")
        eq(found(t, path, user, q=cust, state=other_state), set(), f"{path} q, other state")
        t.expect_error(t.get(f"{path}?q={cust}&state={state},nope", user=user), 400,
                       "bad_request")


def shipped_with_backorder(t, day):
    """A named customer's order of 60 of a new product, 36 shipped: (cust, sku, order, shipment,
    backorder)."""
    set_clock(t, day)
    sku = product(t, price=1000, batch="SQB1")
    cust = named_customer(t)
    n, ship = released(t, cust, [(sku, 60)])
    s = dispatch(t, ship, {"lines": [{"sku": sku, "qty": 36}]})
    eq(len(s["backorders"]), 1, "one backorder")
    return cust, sku, n, ship, s["backorders"][0]["number"]


def test_shipments_backorders_and_returns_by_q(t):
    cust, sku, order, ship, bo = shipped_with_backorder(t, "2026-12-02")
    expect_q(t, "/shipments", "kam_GZ", ship, cust, sku, "dispatched", "new",
             {"customer": cust})
    expect_q(t, "/backorders", "csr_a", bo, cust, sku, "open", "fulfilled", {"customer": cust})
    r = t.ok(t.post("/returns", {"order": order, "lines": [
        {"sku": sku, "batch": "SQB1", "qty": 2, "reason": "破损"}]}, user="kam_GZ"), 201)
    expect_q(t, "/returns", "um_GZ", r["number"], cust, sku, "requested", "received",
             {"customer": cust})
    # Another KAM (kam_SZ) never finds kam_GZ's customer's documents; admin does.
    check(ship in found(t, "/shipments", "admin", q=cust.lower()), "admin finds it")
    eq(found(t, "/shipments", "kam_SZ", q=cust.lower()), set(), "shipments: scope")
    eq(found(t, "/returns", "kam_SZ", q=cust), set(), "returns: scope")
    eq(found(t, "/backorders", "kam_SZ", q=sku), set(), "backorders: scope")


def test_refunds_and_write_offs_by_q(t):
    set_clock(t, "2026-12-03")
    sku = product(t, price=1000, batch="SQB2")
    cust = named_customer(t)
    n, ship = released(t, cust, [(sku, 20)])
    dispatch(t, ship)
    inv = invoices_of(t, cust, order=n)[0]
    w = t.ok(t.post("/write-offs", {"invoice": inv["number"], "amount_fen": 1000,
                                    "reason": "坏账"}, user="finance"), 201)
    expect_q(t, "/write-offs", "finance", w["number"], cust, None, "requested", "approved",
             {"customer": cust})
    cust = named_customer(t)  # a prepayment of its own: no invoice takes it
    pay(t, cust, 10000)
    r = t.ok(t.post("/refunds", {"customer": cust, "amount_fen": 3000, "reason": "多付"},
                    user="kam_GZ"), 201)
    expect_q(t, "/refunds", "finance", r["number"], cust, None, "requested", "paid",
             {"customer": cust})
    eq(found(t, "/refunds", "kam_SZ", q=cust), set(), "refunds: scope")


def test_contracts_by_q_wildcards_literal_and_scope(t):
    set_clock(t, "2026-12-04")
    a = named_customer(t)
    ka = t.ok(t.post("/contracts", {"customer": a, "kind": "sales", "value_fen": 100000},
                     user="kam_GZ"), 201)["number"]
    expect_q(t, "/contracts", "csr_a", ka, a, None, "draft", "signed", {"customer": a})
    # A name with % and _ in it: they match only themselves.
    b = named_customer(t, name=f"折扣50%_店{NAME_PART}")
    kb = t.ok(t.post("/contracts", {"customer": b, "kind": "sales", "value_fen": 100000},
                     user="kam_GZ"), 201)["number"]
    for q in ("50%", "0%_", "%_店", "50%_店"):
        got = found(t, "/contracts", "csr_a", q=q)
        check(kb in got and ka not in got, f"q={q!r}: {got}")
    for q in ("0_", "50%店", "5_%", "50__"):  # as wildcards these would find b's
        check(kb not in found(t, "/contracts", "csr_a", q=q), f"q={q!r} is literal")
    # Everything q=% finds has a % in its number or its customer's code or name.
    for k in found(t, "/contracts", "admin", q="%"):
        c = t.ok(t.get(f"/contracts/{k}"))["customer"]
        name = t.ok(t.get(f"/customers/{c}"))["name"]
        check("%" in k + c + name, f"q=% found {k} of {c} {name}")
    # A customer of another market (N, kam_BJ) under the same Chinese name part.
    c = named_customer(t, kam="kam_BJ", market="N", region="BJ")
    kc = t.ok(t.post("/contracts", {"customer": c, "kind": "sales", "value_fen": 100000},
                     user="kam_BJ"), 201)["number"]
    every = found(t, "/contracts", "admin", q=NAME_PART)
    check({ka, kb, kc} <= every, "admin finds all three")
    mine = found(t, "/contracts", "kam_GZ", q=NAME_PART)
    check({ka, kb} <= mine and kc not in mine, f"kam_GZ finds its own only: {mine}")
    eq(found(t, "/contracts", "kam_GZ", q=kc), set(), "not even by its number")
    eq(found(t, "/contracts", "kam_GZ", q=c.lower()), set(), "nor by its customer's code")
    eq(found(t, "/contracts", "kam_BJ", q=ka), set(), "nor the other way round")


def test_osb_entries_by_q(t):
    # An order nobody accepts opens an automatic entry (oa_30min) that names its customer.
    set_clock(t, "2026-12-07", "09:00:00")
    cust = named_customer(t)
    order = submitted(t, cust)
    set_clock(t, "2026-12-07", "09:30:00")
    run_jobs(t)
    rows = t.list_all(f"/osb-issues?document={order}", user="ssg_leader")
    eq(len(rows), 1, "one entry")
    n = rows[0]["number"]
    eq(rows[0]["customer"], cust, "the entry names the customer")
    expect_q(t, "/osb-issues", "ssg_leader", n, cust, None, "open", "resolved",
             {"document": order})


def test_customers_and_products_by_q(t):
    cust = named_customer(t)
    for q in (cust, cust.lower(), cust[1:].lower(), NAME_PART, f"{NAME_PART}{cust}"):
        check(cust in found(t, "/customers", "kam_GZ", q=q), f"customers q={q}")
    for q in ("%", "_", "\\", "不存在的名字"):
        check(cust not in found(t, "/customers", "kam_GZ", q=q), f"customers q={q!r}")
    check("BJ01" in found(t, "/customers", "admin", q="bj01"), "admin finds BJ01")
    eq(found(t, "/customers", "kam_GZ", q="bj01"), set(), "kam_GZ never finds BJ01")
    eq(found(t, "/customers", "kam_GZ", q="", market="S"), found(t, "/customers", "kam_GZ",
                                                                 market="S"), "empty q")
    sku = product(t, price=500, stock=0)
    for q in (sku, sku.lower(), sku[2:], "结算测试品", f"品{sku.lower()}"):
        check(sku in found(t, "/products", "csr_a", q=q), f"products q={q}")
    check(sku not in found(t, "/products", "csr_a", q="_"), "products q=_")
    # every list takes q= (api.md §5.1): markets by code or name
    eq({m["code"] for m in t.list_all("/markets?q=%E5%8D%8E%E5%8D%97")}, {"S"}, "markets q= by name (华南)")
