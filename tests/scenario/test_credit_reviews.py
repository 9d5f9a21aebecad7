"""Credit reviews (信用额评审, XY; api.md §5.3, §5.9; flows.md §11.1–11.2): one line per customer
with every term of the formula; the MM reviews (adjustment with a reason), the supervising SLT
member approves (and the GM where needs_gm), the new limit takes effect on the quarter's first
day or at the last approval; lines not approved by then open an OSB entry; repeated quarterly
reviews; ad hoc reviews; the what-if of each line; and every error and allowed_actions.

Every test uses a quarter of its own (a quarterly review covers every active customer, and a
second review of a quarter with reviewed lines is 409 duplicate). Market S (华南) is supervised
by `deputy`; its MM is `mm_S`; `director` supervises BJ's market N."""

import lib
from lib import (UNLIMITED, check, dispatch, eq, pay, product, released, run_jobs, set_clock)


def sku(t):
    """The test's product: ¥1,000.00 a unit (100,000 fen), case size 1."""
    if "sku" not in t.case:
        t.case["sku"] = product(t, price=100000, stock=10000000)
    return t.case["sku"]


def invoice(t, cust, day, yuan, paid_on=None):
    """An invoice of `yuan` for the customer dated `day` (an order released and dispatched that
    day), paid in full on paid_on (a date, or None: the same day); returns the invoice."""
    set_clock(t, day, "10:00")
    _, ship = released(t, cust, [(sku(t), yuan // 1000)])
    dispatch(t, ship)
    invs = [i for i in lib.invoices_of(t, cust) if i["invoice_date"] == day]
    eq(len(invs) >= 1, True, f"invoice of {day}")
    if paid_on != "never":
        pay(t, cust, invs[-1]["amount_fen"], received_on=paid_on or day)
    return invs[-1]


def create(t, body, user="ssg_leader", status=201):
    return t.ok(t.post("/credit-reviews", body, user=user), status, f"create review {body}")


def act(t, n, action, user, body=None, status=200, **kw):
    return lib.act(t, "credit-reviews", n, action, user, body, status, **kw)


def line(review, cust):
    ls = [x for x in review["lines"] if x["customer"] == cust]
    eq(len(ls), 1, f"one line of {cust}")
    return ls[0]


def limit_of(t, cust):
    return t.ok(t.get(f"/customers/{cust}", user="finance"))["credit_limit_fen"]


def test_formula_worked_example_and_approval(t):
    """flows §11.2's example: S_avg ¥200,000, term 30 → base ¥400,000 (G 10000 without a
    forecast; grade B → R 10000) → formula ¥400,000; the MM adds ¥40,000 with a reason →
    ¥440,000; the SLT member approves after the quarter began → effective at once."""
    cust = lib.customer(t, UNLIMITED, term=30, grade="B")
    for day in ("2031-01-15", "2031-02-14", "2031-03-16"):
        invoice(t, cust, day, 200000_00 // 100)
    set_clock(t, "2031-04-02")
    r = create(t, {"quarter": "2031Q2"})
    check("XY" in r["number"], "XY number")
    eq((r["quarter"], r["state"]), ("2031Q2", "open"), "review")
    ln = line(r, cust)
    eq({k: ln[k] for k in ("current_limit_fen", "months_n", "s_avg_fen", "t_days", "g_bp", "r_bp",
                          "formula_limit_fen", "adjustment_fen", "adjustment_reason",
                          "proposed_limit_fen", "needs_gm", "state", "flags")},
       {"current_limit_fen": UNLIMITED, "months_n": 3, "s_avg_fen": 20000000, "t_days": 60,
        "g_bp": 10000, "r_bp": 10000, "formula_limit_fen": 40000000, "adjustment_fen": 0,
        "adjustment_reason": None, "proposed_limit_fen": 40000000, "needs_gm": False,
        "state": "proposed", "flags": []}, "line terms")
    eq(r["allowed_actions"], [], "ssg_leader acts on no line")
    mm = t.ok(t.get(f"/credit-reviews/{r['number']}", user="mm_S"))
    eq(mm["allowed_actions"], ["review"], "the MM reviews")
    eq(line(mm, cust)["allowed_actions"], ["review"], "line actions of the MM")
    check(all(x["market"] == "S" for x in mm["lines"]), "the MM sees the lines of market S")
    t.expect_error(t.post(f"/credit-reviews/{r['number']}/review",
                          {"customer": cust, "adjustment_fen": 4000000}, user="mm_S"),
                   422, "validation_failed", rule="reason_required")
    r = act(t, r["number"], "review", "mm_S",
            {"customer": cust, "adjustment_fen": 4000000, "reason": "新开两家门店"})
    ln = line(r, cust)
    eq((ln["state"], ln["proposed_limit_fen"], ln["adjustment_reason"], ln["needs_gm"]),
       ("reviewed", 44000000, "新开两家门店", False), "reviewed line")
    dep = t.ok(t.get(f"/credit-reviews/{r['number']}", user="deputy"))
    eq(dep["allowed_actions"], ["approve", "reject"], "the SLT member decides")
    r = act(t, r["number"], "approve", "deputy", {"customer": cust})
    ln = line(r, cust)
    eq((ln["state"], ln["effective_from"]), ("effective", "2031-04-02"),
       "approved after the quarter began: effective at once")
    eq(limit_of(t, cust), 44000000, "the new limit")
    audit = t.ok(t.get(f"/audit?object_type=customer&object_key={cust}", user="auditor"))
    check(any(a["action"] == "credit_limit" for a in audit["items"]), "limit change audited")
