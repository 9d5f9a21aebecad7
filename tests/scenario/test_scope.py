"""Data scope of customers (numbering-and-rules.md §4): who sees which customers, in GET of one
(404 outside scope), in lists (rows filtered), in history and credit; and which fields each
department sees (warehouse: logistics without credit figures).

Demo layout: markets NE N NW C are supervised by `director`, SD E S SW by `deputy`; each market
has two regions with customers <REGION>01 (no rep) and <REGION>02 (rep_<REGION>); GZ90 and SZ90
are extra customers of market S.
"""

from lib import check, eq

DIRECTOR_MARKETS = {"NE", "N", "NW", "C"}
DEPUTY_MARKETS = {"SD", "E", "S", "SW"}


def codes(t, user, query=""):
    return {c["code"] for c in t.list_all("/customers" + query, user=user, limit=7)}


def all_customers(t):
    return {c["code"]: c for c in t.list_all("/customers", user="admin", limit=1000)}


def test_kam_sees_own_customers_only(t):
    every = all_customers(t)
    own = {k for k, c in every.items() if c["kam"] == "kam_GZ"}
    check({"GZ01", "GZ02", "GZ90"} <= own, f"demo customers of kam_GZ: {own}")
    eq(codes(t, "kam_GZ"), own, "kam_GZ list")
    t.ok(t.get("/customers/GZ01", user="kam_GZ"))
    for other in ("SZ01", "SZ02", "BJ01", "SZ90"):
        t.expect_error(t.get(f"/customers/{other}", user="kam_GZ"), 404, "not_found")
    # filters cannot widen the scope
    eq(codes(t, "kam_GZ", "?market=S"), own, "kam_GZ market=S")
    eq(codes(t, "kam_GZ", "?kam=kam_SZ"), set(), "kam_GZ kam=kam_SZ")
    eq(codes(t, "kam_GZ", "?region=SZ"), set(), "kam_GZ region=SZ")


def test_mm_sees_own_market(t):
    every = all_customers(t)
    want = {k for k, c in every.items() if c["market"] == "S"}
    check({"GZ01", "SZ01", "GZ90", "SZ90"} <= want, "market S customers")
    eq(codes(t, "mm_S"), want, "mm_S list")
    t.ok(t.get("/customers/SZ02", user="mm_S"))
    t.expect_error(t.get("/customers/BJ01", user="mm_S"), 404, "not_found")
    t.expect_error(t.get("/customers/SH01", user="mm_S"), 404, "not_found")
    eq(codes(t, "mm_N"), {k for k, c in every.items() if c["market"] == "N"}, "mm_N list")


def test_um_sees_own_region(t):
    every = all_customers(t)
    want = {k for k, c in every.items() if c["region"] == "GZ"}
    eq(codes(t, "um_GZ"), want, "um_GZ list")
    t.ok(t.get("/customers/GZ02", user="um_GZ"))
    t.expect_error(t.get("/customers/SZ01", user="um_GZ"), 404, "not_found")


def test_deputy_sees_supervised_markets(t):
    every = all_customers(t)
    want = {k for k, c in every.items() if c["market"] in DEPUTY_MARKETS}
    eq(codes(t, "deputy"), want, "deputy list")
    t.ok(t.get("/customers/GZ01", user="deputy"))
    t.ok(t.get("/customers/JN01", user="deputy"))
    t.expect_error(t.get("/customers/BJ01", user="deputy"), 404, "not_found")
    t.expect_error(t.get("/customers/BJ01/history", user="deputy"), 404, "not_found")
    # when a market changes supervisor, the scope follows
    t.ok(t.patch("/markets/N", {"slt_supervisor": "deputy"}))
    t.ok(t.get("/customers/BJ01", user="deputy"))
    t.ok(t.patch("/markets/N", {"slt_supervisor": "director"}))
    t.expect_error(t.get("/customers/BJ01", user="deputy"), 404, "not_found")


def test_rep_sees_own_and_managers_without_rep(t):
    # rep_GZ reports to kam_GZ. It sees customers whose rep is rep_GZ, plus customers without
    # a rep whose KAM is kam_GZ; not kam_GZ's customers served by another rep.
    other_rep = t.uniq("rep")
    t.ok(t.post("/users", {"username": other_rep, "name": "另一代表", "password": "pw1234",
                           "role": "rep", "region": "GZ", "manager": "kam_GZ"}), 201)
    served = t.uniq("C")
    t.ok(t.post("/customers", {"code": served, "name": "另一代表的客户", "market": "S",
                               "region": "GZ", "kam": "kam_GZ", "rep": other_rep,
                               "credit_limit_fen": 0, "payment_term_days": 30}), 201)
    every = all_customers(t)
    want = {k for k, c in every.items()
            if c["rep"] == "rep_GZ" or (c["rep"] is None and c["kam"] == "kam_GZ")}
    check({"GZ01", "GZ02", "GZ90"} <= want and served not in want, f"expected set {want}")
    eq(codes(t, "rep_GZ"), want, "rep_GZ list")
    t.ok(t.get("/customers/GZ01", user="rep_GZ"))  # no rep, KAM is the manager
    t.ok(t.get("/customers/GZ02", user="rep_GZ"))  # own
    t.expect_error(t.get(f"/customers/{served}", user="rep_GZ"), 404, "not_found")
    t.expect_error(t.get("/customers/SZ02", user="rep_GZ"), 404, "not_found")
    # the other rep sees its own customer and kam_GZ's customers without a rep, not GZ02
    t.login(other_rep, password="pw1234")
    rep_view = codes(t, other_rep)
    check(served in rep_view and "GZ01" in rep_view and "GZ02" not in rep_view,
          f"{other_rep} sees {rep_view}")


def test_company_wide_roles_see_everything(t):
    every = set(all_customers(t))
    for user in ("gm", "director", "ssg_leader", "csr_a", "finance", "auditor", "warehouse",
                 "service", "marketing"):
        eq(codes(t, user), every, f"{user} list")
        t.ok(t.get("/customers/BJ01", user=user), 200, f"{user} GET BJ01")


def test_credit_figures_by_department(t):
    # finance, sales and SSG see the credit object; the warehouse sees logistics only
    for user in ("finance", "kam_GZ", "csr_a", "mm_S", "gm", "auditor"):
        c = t.ok(t.get("/customers/GZ01", user=user))
        check("credit" in c and c["credit"]["limit_fen"] == 50000000, f"{user} sees credit: {c.get('credit')}")
        eq(c["credit_limit_fen"], 50000000, f"{user} credit_limit_fen")
    w = t.ok(t.get("/customers/GZ01", user="warehouse"))
    for key in ("credit", "credit_limit_fen", "payment_term_days", "prepay_only", "grade",
                "credit_hold", "bank_account"):
        check(key not in w, f"warehouse must not see {key}: {sorted(w)}")
    for key in ("code", "name", "consignee", "consignee_phone", "consignment_station",
                "arrival_address"):
        check(key in w, f"warehouse sees logistics field {key}")
    eq(w["consignee"], "广州收货部", "consignee")
    t.expect_error(t.get("/customers/GZ01/credit", user="warehouse"), 403, "forbidden")
    # in lists as well
    for c in t.ok(t.get("/customers?limit=1000", user="warehouse"))["items"]:
        check("credit" not in c and "credit_limit_fen" not in c,
              f"warehouse list row {c['code']} has credit figures")
    # customer service and marketing: no limit, no exposure
    for user in ("service", "marketing"):
        c = t.ok(t.get("/customers/GZ01", user=user))
        check("credit" not in c and "credit_limit_fen" not in c,
              f"{user} must not see credit figures: {sorted(c)}")
        t.expect_error(t.get("/customers/GZ01/credit", user=user), 403, "forbidden")


def test_history_and_credit_follow_scope(t):
    t.ok(t.get("/customers/GZ01/history", user="kam_GZ"))
    t.ok(t.get("/customers/GZ01/credit", user="kam_GZ"))
    t.expect_error(t.get("/customers/GZ01/history", user="kam_SZ"), 404, "not_found")
    t.expect_error(t.get("/customers/GZ01/credit", user="um_SZ"), 404, "not_found")
    t.expect_error(t.get("/customers/GZ01/credit", user="mm_N"), 404, "not_found")


def test_quota_rows_follow_scope(t):
    # §4: a KAM sees its own region's quota (and its customers' rows), an MM its market, a UM
    # its region plus the region rows of every region (it may transfer to them); rows outside
    # scope are left out of lists and are 404 one by one.
    rows = t.ok(t.get("/quotas?limit=1000", user="marketing"))["items"]
    by = {}
    for r in rows:
        by.setdefault((r["region"], r["customer"]), []).append(r["id"])
    gz, gz01, sz = by[("GZ", None)], by[(None, "GZ01")], by[("SZ", None)]

    def ids(user):
        return {r["id"] for r in t.ok(t.get("/quotas", user=user))["items"]}

    eq(ids("kam_GZ"), set(gz + gz01), "kam_GZ quotas")
    eq(ids("kam_SZ"), set(sz), "kam_SZ quotas")
    eq(ids("mm_S"), set(gz + gz01 + sz), "mm_S quotas")
    eq(ids("mm_N"), set(), "mm_N quotas")
    eq(ids("um_SZ"), set(gz + sz), "um_SZ quotas (every region row, own region's customers)")
    eq(ids("deputy"), set(gz + gz01 + sz), "deputy (supervises S)")
    eq(ids("director"), {r["id"] for r in rows}, "director sees all")
    t.ok(t.get(f"/quotas/{gz01[0]}", user="kam_GZ"))
    t.expect_error(t.get(f"/quotas/{sz[0]}", user="kam_GZ"), 404, "not_found")
    t.expect_error(t.get(f"/quotas/{gz01[0]}", user="mm_N"), 404, "not_found")
    # a visible quota the role may not change is 403, an invisible one 404
    t.expect_error(t.patch(f"/quotas/{gz[0]}", {"qty": 1}, user="kam_GZ"), 403, "forbidden")
    t.expect_error(t.patch(f"/quotas/{sz[0]}", {"qty": 1}, user="kam_GZ"), 404, "not_found")


def test_history_hides_what_the_role_may_not_see(t):
    # The change history replays whole rows; a department that may not see credit figures
    # must not read them there either (§4: the warehouse sees logistics without amounts).
    t.ok(t.patch("/customers/GZ02", {"credit_limit_fen": 12300000, "consignee": "新收货人"}))
    for user in ("warehouse", "service", "marketing"):
        h = t.ok(t.get("/customers/GZ02/history", user=user), 200, f"{user} history")["items"]
        check(len(h) >= 2, f"{user} sees the history entries")
        for x in h:
            for side in ("before", "after"):
                row = x[side] or {}
                for key in ("credit_limit_fen", "payment_term_days", "credit_hold", "grade",
                            "bank_account", "prepay_only"):
                    check(key not in row, f"{user}: history {side} shows {key}")
    last = t.ok(t.get("/customers/GZ02/history", user="warehouse"))["items"][-1]
    eq(last["after"]["consignee"], "新收货人", "warehouse sees the logistics change")
    last = t.ok(t.get("/customers/GZ02/history", user="finance"))["items"][-1]
    eq(last["after"]["credit_limit_fen"], 12300000, "finance sees the limit change")


def test_filters_cannot_probe_hidden_fields(t):
    # a filter on a field the role may not see would tell it the value row by row
    for user, field, value in (("warehouse", "grade", "E"), ("warehouse", "tier", "key"),
                               ("service", "grade", "E"), ("marketing", "grade", "E")):
        r = t.get(f"/customers?{field}={value}", user=user)
        check(r.status in (400, 403), f"{user} filters by {field}: {r.status}")
    eq({c["code"] for c in t.ok(t.get("/customers?grade=E", user="finance"))["items"]},
       {"SZ90"}, "finance filters by grade")
