"""Market expenses (市场费用; flows.md §15, api.md §5.6, numbering-and-rules.md §3): budgets per
market/region, category and period answer committed_fen, actual_fen and available_fen as the
sums of their applications; an application FY is submitted → approved (the MM within the
available budget and ¥50,000, else the supervising SLT member: 422 exceeds_authority for the
MM) → executed (an actual above the approved amount goes back for approval) → settled by finance
(reimbursement, customer credit = an expense receipt, free goods) → closed by evaluation.
`osb check` proves the budget figures.

Market S (华南) is supervised by `deputy`; its MM is `mm_S`; region GZ's UM is `um_GZ`, KAM
`kam_GZ`. Every test charges its own budget period, so no test sees another's money."""

import os
import shutil
import sqlite3

import lib
from lib import check, eq

_n = [0]


def period():
    """A budget month no other test of this module uses."""
    _n[0] += 1
    return f"{2040 + _n[0]}-03"


def budget(t, per, amount=10000000, category="promotion", region=None, user="marketing",
           status=201):
    body = {"market": "S", "category": category, "period": per, "amount_fen": amount}
    if region:
        body["region"] = region
    return t.ok(t.post("/expense-budgets", body, user=user), status, "create budget")


def get_budget(t, code, user="marketing"):
    return t.ok(t.get(f"/expense-budgets/{code}", user=user))


def apply(t, per, amount, user="kam_GZ", status=201, **over):
    body = {"category": "promotion", "amount_fen": amount, "purpose": "门店促销活动",
            "period": per}
    if user == "kam_GZ" and "customer" not in over:
        body["customer"] = cust(t)
    body.update({k: v for k, v in over.items() if v is not None})
    return t.ok(t.post("/expense-applications", body, user=user), status, f"apply by {user}")


def cust(t):
    if "cust" not in t.case:
        t.case["cust"] = lib.customer(t, lib.UNLIMITED)
    return t.case["cust"]


def act(t, n, action, user, body=None, status=200):
    return lib.act(t, "expense-applications", n, action, user, body, status)


def figures(b):
    return b["committed_fen"], b["actual_fen"], b["available_fen"]


def test_budget_create_and_list(t):
    per = period()
    b = budget(t, per)
    eq(figures(b), (0, 0, 10000000), "a new budget")
    eq((b["market"], b["region"], b["category"], b["period"], b["amount_fen"]),
       ("S", None, "promotion", per, 10000000), "fields")
    t.expect_error(t.post("/expense-budgets", {"market": "S", "category": "promotion",
                                               "period": per, "amount_fen": 1},
                          user="marketing"), 409, "duplicate")
    r = budget(t, per, 500000, region="GZ")
    eq(r["region"], "GZ", "a region budget")
    got = t.list_all(f"/expense-budgets?period={per}", user="marketing")
    eq(sorted(x["code"] for x in got), sorted([b["code"], r["code"]]), "listed")
    eq(len(t.list_all(f"/expense-budgets?period={per}", user="mm_S")), 2, "the MM sees them")
    eq(t.list_all(f"/expense-budgets?period={per}", user="mm_E"), [], "another MM does not")
    # who and what
    t.expect_error(t.post("/expense-budgets", {"market": "S", "category": "promotion",
                                               "period": period(), "amount_fen": 1},
                          user="kam_GZ"), 403, "forbidden")
    t.expect_error(t.post("/expense-budgets", {"market": "S", "category": "party",
                                               "period": per, "amount_fen": 1},
                          user="marketing"), 422, "validation_failed", field="category")
    t.expect_error(t.post("/expense-budgets", {"market": "NOPE", "category": "promotion",
                                               "period": per, "amount_fen": 1},
                          user="marketing"), 422, "validation_failed", rule="unknown_reference")
    t.expect_error(t.post("/expense-budgets", {"market": "S", "category": "travel",
                                               "period": per, "amount_fen": 10 ** 13 + 1},
                          user="marketing"), 422, "validation_failed", rule="amount_too_large")
    t.expect_error(t.post("/expense-budgets", {"market": "S", "category": "travel",
                                               "period": "2041-13", "amount_fen": 1},
                          user="marketing"), 422, "validation_failed", rule="invalid_period")
    # an SLT member may set one too
    budget(t, per, 100, category="travel", user="deputy")


def test_application_lifecycle_reimbursement(t):
    per = period()
    b = budget(t, per)
    a = apply(t, per, 3000000)
    n = a["number"]
    check("FY" in n, f"FY number: {n}")
    eq(a["state"], "submitted", "applied")
    eq(a["budget"], b["code"], "charged to the budget of its market, category and period")
    eq(a["allowed_actions"], [], "the applicant has nothing to do while it waits")
    eq(t.ok(t.get(f"/expense-applications/{n}", user="mm_S"))["allowed_actions"],
       ["approve", "reject"], "the MM decides")
    eq(figures(get_budget(t, b["code"])), (0, 0, 10000000), "nothing committed before approval")
    a = act(t, n, "approve", "mm_S")
    eq(a["state"], "approved", "approved by the MM")
    eq(a["approved_fen"], 3000000, "approved amount")
    eq(figures(get_budget(t, b["code"])), (3000000, 0, 7000000), "committed at approval")
    eq(t.ok(t.get(f"/expense-applications/{n}", user="kam_GZ"))["allowed_actions"],
       ["execute"], "the applicant executes")
    act(t, n, "execute", "um_GZ", {"actual_fen": 1}, status=403)
    t.expect_error(t.post(f"/expense-applications/{n}/execute", {"actual_fen": 2800000},
                          user="kam_GZ"), 422, "validation_failed", field="evidence")
    a = act(t, n, "execute", "kam_GZ", {"actual_fen": 2800000, "evidence": "发票3张、照片"})
    eq(a["state"], "executed", "executed")
    eq(figures(get_budget(t, b["code"])), (3000000, 0, 7000000), "still committed until settled")
    act(t, n, "settle", "kam_GZ", status=403)
    a = act(t, n, "settle", "finance", {"settlement_form": "reimbursement"})
    eq((a["state"], a["settlement_form"]), ("settled", "reimbursement"), "settled")
    eq(figures(get_budget(t, b["code"])), (0, 2800000, 7200000), "actual at settlement")
    act(t, n, "evaluate", "kam_GZ", {}, status=422)
    a = act(t, n, "evaluate", "kam_GZ", {"evaluation": "销量提升15%", "rating": 4})
    eq((a["state"], a["evaluation"], a["rating"]), ("closed", "销量提升15%", 4), "closed")
    eq([s["action"] for s in a["timeline"]],
       ["apply", "approve", "execute", "settle", "evaluate"], "timeline")
    act(t, n, "approve", "mm_S", status=409)
    rc, out = lib.osb_check(t)
    eq(rc, 0, f"osb check clean: {out}")
    check("budgets" in out, f"osb check covers budgets: {out}")


def test_mm_beyond_authority(t):
    per = period()
    b = budget(t, per, 15000000)
    # above ¥50,000: the supervising SLT member
    big = apply(t, per, 5000001)["number"]
    d = t.expect_error(t.post(f"/expense-applications/{big}/approve", {}, user="mm_S"), 422,
                       "validation_failed", rule="exceeds_authority")
    check(d, "details")
    eq(t.ok(t.get(f"/expense-applications/{big}", user="mm_S"))["state"], "submitted",
       "nothing changed")
    act(t, big, "approve", "director", status=403)  # not the market's supervisor
    eq(act(t, big, "approve", "deputy")["state"], "approved", "the SLT member approves")
    eq(figures(get_budget(t, b["code"])), (5000001, 0, 9999999), "committed")
    # exactly ¥50,000 is the MM's
    eq(act(t, apply(t, per, 5000000)["number"], "approve", "mm_S")["state"], "approved",
       "¥50,000 is within the MM's authority")
    # within ¥50,000 but beyond the available budget
    left = get_budget(t, b["code"])["available_fen"]
    eq(left, 15000000 - 5000001 - 5000000, "available")
    over = apply(t, per, 4000000)["number"]
    act(t, over, "approve", "mm_S")
    over2 = apply(t, per, 2000000)["number"]
    t.expect_error(t.post(f"/expense-applications/{over2}/approve", {}, user="mm_S"), 422,
                   "validation_failed", rule="exceeds_authority")
    act(t, over2, "approve", "deputy")
    eq(get_budget(t, b["code"])["available_fen"], -1000001,
       "the SLT member may overspend the budget")
    # no budget at all: nothing is within budget
    nob = apply(t, period(), 100)["number"]
    t.expect_error(t.post(f"/expense-applications/{nob}/approve", {}, user="mm_S"), 422,
                   "validation_failed", rule="exceeds_authority")
    # special (customer-requested): the SLT member decides, and the settlement form
    sp = apply(t, per, 100, special=True)["number"]
    t.expect_error(t.post(f"/expense-applications/{sp}/approve", {}, user="mm_S"), 422,
                   "validation_failed", rule="exceeds_authority")
    a = act(t, sp, "approve", "deputy", {"settlement_form": "free_goods"})
    eq((a["settlement_form"], a["form_decided_by"], a["special"]), ("free_goods", "deputy", True),
       "form decided by the SLT member")


def test_who_may_apply_and_decide(t):
    per = period()
    budget(t, per)
    apply(t, per, 100, user="rep_GZ", status=403)
    apply(t, per, 100, user="finance", status=403)
    other = lib.customer(t, lib.UNLIMITED, kam="kam_SZ", region="SZ")
    t.expect_error(t.post("/expense-applications", {"customer": other, "category": "promotion",
                                                    "amount_fen": 1, "purpose": "x"},
                          user="kam_GZ"), 422, "validation_failed", rule="unknown_reference")
    # the UM applies for the region without a customer; the MM for the market
    u = apply(t, per, 1000, user="um_GZ")
    eq((u["market"], u["region"], u["customer"]), ("S", "GZ", None), "UM's application")
    m = apply(t, per, 1000, user="mm_S")
    eq((m["market"], m["region"]), ("S", None), "MM's application")
    # nobody approves their own
    t.expect_error(t.post(f"/expense-applications/{m['number']}/approve", {}, user="mm_S"), 403,
                   "forbidden", rule="self_approval")
    eq(act(t, m["number"], "approve", "deputy")["state"], "approved", "the SLT member approves")
    act(t, u["number"], "approve", "finance", status=403)
    act(t, u["number"], "approve", "mm_E", status=404)  # another market does not even see it
    eq(act(t, u["number"], "reject", "mm_S", {"comment": "预算不足"})["state"], "rejected",
       "rejected")
    act(t, u["number"], "execute", "um_GZ", {"actual_fen": 1, "evidence": "x"}, status=409)
    # body checks
    t.expect_error(t.post("/expense-applications", {"category": "promotion", "amount_fen": 0,
                                                    "purpose": "x"}, user="um_GZ"),
                   422, "validation_failed", field="amount_fen")
    t.expect_error(t.post("/expense-applications", {"category": "promotion", "amount_fen": 10,
                                                    "purpose": "x", "colour": 1}, user="um_GZ"),
                   400, "bad_request")
    t.expect_error(t.post("/expense-applications", {"category": "promotion",
                                                    "amount_fen": 10 ** 13 + 1, "purpose": "x"},
                          user="um_GZ"), 422, "validation_failed", rule="amount_too_large")
    # lists: state filter, q, scope
    mine = t.list_all(f"/expense-applications?state=approved,rejected&q={u['number']}",
                      user="mm_S")
    eq([x["number"] for x in mine], [u["number"]], "q and state filter")
    eq(t.list_all(f"/expense-applications?q={u['number']}", user="kam_SZ"), [],
       "outside scope")
    t.expect_error(t.get("/expense-applications?state=nonsense", user="mm_S"), 400, "bad_request")


def test_actual_above_approved_needs_reapproval(t):
    per = period()
    b = budget(t, per)
    n = apply(t, per, 1000000)["number"]
    act(t, n, "approve", "mm_S")
    a = act(t, n, "execute", "kam_GZ", {"actual_fen": 1200000, "evidence": "超支说明"})
    eq(a["state"], "submitted", "back for approval")
    eq(figures(get_budget(t, b["code"])), (1000000, 0, 9000000), "the first approval still holds")
    a = act(t, n, "approve", "mm_S")
    eq((a["state"], a["approved_fen"]), ("executed", 1200000), "re-approved: executed")
    eq(figures(get_budget(t, b["code"])), (1200000, 0, 8800000), "committed the actual")
    act(t, n, "settle", "finance")
    eq(figures(get_budget(t, b["code"])), (0, 1200000, 8800000), "settled")


def test_settle_customer_credit_and_free_goods(t):
    per = period()
    b = budget(t, per)
    c = cust(t)
    n = apply(t, per, 500000, settlement_form="customer_credit")["number"]
    act(t, n, "approve", "mm_S")
    act(t, n, "execute", "kam_GZ", {"actual_fen": 450000, "evidence": "陈列照片"})
    a = act(t, n, "settle", "finance")
    eq(a["settlement_form"], "customer_credit", "form from the application")
    p = t.ok(t.get(f"/payments/{a['payment']}", user="finance"))
    eq((p["customer"], p["amount_fen"], p["kind"]), (c, 450000, "expense"),
       "an expense receipt (SK of kind expense)")
    eq(figures(get_budget(t, b["code"])), (0, 450000, 9550000), "actual")
    # free goods
    n2 = apply(t, per, 300000)["number"]
    act(t, n2, "approve", "mm_S")
    act(t, n2, "execute", "kam_GZ", {"actual_fen": 300000, "evidence": "赠品清单"})
    a2 = act(t, n2, "settle", "finance", {"settlement_form": "free_goods"})
    eq((a2["state"], a2["settlement_form"], a2["payment"]), ("settled", "free_goods", None),
       "free goods")
    # a form the SLT member decided cannot be changed by finance
    sp = apply(t, per, 100, special=True)["number"]
    act(t, sp, "approve", "deputy", {"settlement_form": "free_goods"})
    act(t, sp, "execute", "kam_GZ", {"actual_fen": 100, "evidence": "x"})
    t.expect_error(t.post(f"/expense-applications/{sp}/settle",
                          {"settlement_form": "reimbursement"}, user="finance"),
                   422, "validation_failed", rule="form_decided")
    # customer credit without a customer is refused
    m = apply(t, per, 100, user="um_GZ")["number"]
    act(t, m, "approve", "mm_S")
    act(t, m, "execute", "um_GZ", {"actual_fen": 100, "evidence": "x"})
    t.expect_error(t.post(f"/expense-applications/{m}/settle",
                          {"settlement_form": "customer_credit"}, user="finance"),
                   422, "validation_failed", rule="customer_required")
    rc, out = lib.osb_check(t)
    eq(rc, 0, f"osb check clean: {out}")


@lib.sqlite_only('checks an SQLite backup copy of the live file')
def test_osb_check_finds_a_wrong_budget(t):
    per = period()
    b = budget(t, per)
    n = apply(t, per, 1000)["number"]
    act(t, n, "approve", "mm_S")
    copy = os.path.join(t.workdir, "budget-tamper.db")
    # a consistent copy of the live database (the server keeps writing in WAL mode)
    src = sqlite3.connect(t.server.db)
    dst = sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.execute("UPDATE expense_budgets SET committed_fen = committed_fen + 1 WHERE code = ?",
                (b["code"],))
    dst.commit()
    dst.close()
    rc, out, err = t.osb("check", "--db", copy)
    eq(rc, 1, f"osb check fails: {out} {err}")
    check(f"FAIL budgets: {b['code']}" in out, f"names the budget: {out}")
    os.remove(copy)
    shutil.rmtree(copy + "-wal", ignore_errors=True)
