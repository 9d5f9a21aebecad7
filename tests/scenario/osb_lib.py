"""osb_lib.py — helpers shared by test_deadlines.py, test_kpis.py and test_mail.py: the test
clock, running jobs, customers and orders driven through OP (and SP) at chosen instants, and
reading the OSB problem log."""

from lib import check, eq

TZ = "+08:00"


def at(day, hhmm="10:00"):
    """'2026-11-23', '09:30' → the RFC 3339 instant in the company zone."""
    return f"{day}T{hhmm}:00{TZ}"


def set_clock(t, day, hhmm="10:00"):
    t.ok(t.put("/test/clock", {"now": at(day, hhmm)}), 200, f"set clock {day} {hhmm}")


def run_jobs(t):
    return t.ok(t.post("/jobs/run"), 200, "POST /jobs/run")["ran"]


def customer(t, limit=10 ** 12, term=30, region="GZ", market="S", kam="kam_GZ"):
    code = t.uniq("OC")
    t.ok(t.post("/customers", {"code": code, "name": f"OSB测试客户{code}", "market": market,
                               "region": region, "kam": kam, "credit_limit_fen": limit,
                               "payment_term_days": term, "consignee": "收货人",
                               "consignee_phone": "13800000000",
                               "consignment_station": "广州站"}), 201, "create customer")
    return code


def act(t, n, action, user, body=None, status=200):
    return t.ok(t.post(f"/orders/{n}/{action}", body or {}, user=user), status,
                f"order {n} {action} by {user}")


def submitted(t, cust, sku="M-IF1-900", qty=12):
    """A new order taken to submitted (approve-market) at the current clock."""
    o = t.ok(t.post("/orders", {"customer": cust, "lines": [{"sku": sku, "qty": qty}]},
                    user="kam_GZ"), 201, "create order")
    n = o["number"]
    act(t, n, "verify", "kam_GZ")
    act(t, n, "approve-market", "mm_S")
    return n


# The OP steps after submitted, in order, with who does them.
STEPS = [("accept", "csr_a"), ("check", "csr_a"), ("approve", "deputy"),
         ("print-delivery-note", "finance"), ("release", "csr_a")]


def advance(t, n, upto):
    """Runs the OP steps from the order's state up to and including the action upto."""
    o = t.ok(t.get(f"/orders/{n}", user="csr_a"))
    after = {"submitted": 0, "accepted": 1, "pending_approval": 2, "approved": 3, "billed": 4}
    start = after[o["state"]]
    for action, user in STEPS[start:]:
        o = act(t, n, action, user)
        if action == upto:
            return o
    return o


def issues(t, document, rule=None, user="ssg_leader"):
    q = f"/osb-issues?document={document}"
    if rule:
        q += f"&rule={rule}"
    return t.list_all(q, user=user)


def one_issue(t, document, rule):
    got = issues(t, document, rule)
    eq(len(got), 1, f"{rule} entries for {document}")
    return got[0]


def no_issue(t, document, rule):
    got = issues(t, document, rule)
    eq(got, [], f"{rule} entries for {document}")


def boundary(t, document, rule, deadline_day, deadline_hhmm, before_day=None,
             before_hhmm=None):
    """One minute before the deadline the job opens nothing; at the deadline exactly one entry,
    and running again opens no second one. Returns the entry."""
    set_clock(t, before_day or deadline_day, before_hhmm or _minus_one(deadline_hhmm))
    run_jobs(t)
    no_issue(t, document, rule)
    set_clock(t, deadline_day, deadline_hhmm)
    run_jobs(t)
    run_jobs(t)
    it = one_issue(t, document, rule)
    eq(it["opened_at"], at(deadline_day, deadline_hhmm), f"{rule} opened exactly at the deadline")
    eq(it["deadline"], at(deadline_day, deadline_hhmm), f"{rule} deadline")
    eq(it["state"], "open", f"{rule} state")
    eq(it["source"], "auto", f"{rule} source")
    check("WT" in it["number"], f"WT number: {it['number']}")
    return it


def _minus_one(hhmm):
    h, m = map(int, hhmm.split(":"))
    m -= 1
    if m < 0:
        h, m = h - 1, 59
    check(h >= 0, "use before_day/before_hhmm for a deadline at 00:00")
    return f"{h:02d}:{m:02d}"
