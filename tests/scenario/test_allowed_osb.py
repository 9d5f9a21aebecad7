"""allowed_actions of OSB problem-log entries (api.md §5.1, kpis-and-reports.md §3.3, the OSB
rows of numbering-and-rules.md §3): explain — a user the entry names (E) or the SSG leader;
resolve — the SSG leader; reopen — the SSG leader and the SLT, only once explained. Every
answer (create, GET, list item, action) carries the list; an action not listed answers 403 or
409. Each test makes its own users and entries and sets the test clock."""

from lib import DEMO_PASSWORD, check, eq
from osb_lib import set_clock


def head_of_warehouse(t):
    """A new warehouse user with the duty "head" (the department head of a manual entry)."""
    name = t.uniq("whhead")
    t.ok(t.post("/users", {"username": name, "name": "仓库主管", "password": DEMO_PASSWORD,
                           "role": "warehouse", "duties": ["head"]}), 201, "create head")
    return name


def entry(t, responsible, doc):
    """A manual warehouse entry logged by the SSG leader, naming responsible."""
    return t.ok(t.post("/osb-issues", {"department": "warehouse", "description": "叉车故障",
                                       "document": doc, "responsible": [responsible]},
                       user="ssg_leader"), 201, "manual entry")


def test_osb_entry_allowed_actions_by_role_and_state(t):
    set_clock(t, "2026-11-23", "10:00")
    head = head_of_warehouse(t)
    it = entry(t, head, t.uniq("DOC"))
    n = it["number"]
    eq(it["allowed_actions"], ["explain", "resolve"], "create: the SSG leader explains or resolves")
    allowed = lambda user: t.ok(t.get(f"/osb-issues/{n}", user=user))["allowed_actions"]
    # open
    eq(allowed(head), ["explain"], "the named department head explains")
    eq(allowed("ssg_leader"), ["explain", "resolve"], "the SSG leader")
    eq(allowed("gm"), [], "an SLT member is not named and reopens only what was explained")
    eq(allowed("deputy"), [], "nor the deputy director")
    eq(allowed("auditor"), [], "the auditor only reads")
    eq(allowed("warehouse"), [], "a warehouse user the entry does not name")
    # what is not listed is refused
    t.expect_error(t.post(f"/osb-issues/{n}/explain", {"explanation": "x"}, user="gm"), 403,
                   "forbidden", rule="not_named")
    t.expect_error(t.post(f"/osb-issues/{n}/reopen", {"comment": "x"}, user="gm"), 409,
                   "invalid_state")
    t.expect_error(t.post(f"/osb-issues/{n}/resolve", {"resolution": "x"}, user=head), 403,
                   "forbidden", rule="role")
    t.expect_error(t.post(f"/osb-issues/{n}/resolve", {"resolution": "x"}, user="auditor"), 403,
                   "forbidden")
    t.expect_error(t.post(f"/osb-issues/{n}/explain", {"explanation": "x"}, user="warehouse"),
                   403, "forbidden", rule="not_named")
    # explained
    it = t.ok(t.post(f"/osb-issues/{n}/explain", {"explanation": "备件未到", "cause": "stock_out"},
                     user=head), 200, "explain")
    eq((it["state"], it["allowed_actions"]), ("explained", []), "the head has nothing more to do")
    eq(allowed("ssg_leader"), ["reopen", "resolve"], "the SSG leader resolves or reopens")
    eq(allowed("gm"), ["reopen"], "the SLT reopens")
    eq(allowed("auditor"), [], "the reader still only reads")
    t.expect_error(t.post(f"/osb-issues/{n}/explain", {"explanation": "again"}, user=head), 409,
                   "invalid_state")
    t.expect_error(t.post(f"/osb-issues/{n}/resolve", {"resolution": "x"}, user="gm"), 403,
                   "forbidden", rule="role")
    # reopened: open again, the head explains again
    it = t.ok(t.post(f"/osb-issues/{n}/reopen", {"comment": "说明不充分"}, user="gm"), 200)
    eq((it["state"], it["allowed_actions"]), ("open", []), "reopened: nothing more for the GM")
    eq(allowed(head), ["explain"], "explain again")
    # resolved: nobody may do anything
    it = t.ok(t.post(f"/osb-issues/{n}/resolve", {"resolution": "已更换叉车"},
                     user="ssg_leader"), 200, "resolve")
    eq((it["state"], it["resolved_unexplained"], it["allowed_actions"]),
       ("resolved", True, []), "resolved from open")
    for user in (head, "gm", "auditor"):
        eq(allowed(user), [], f"resolved: nothing for {user}")
    t.expect_error(t.post(f"/osb-issues/{n}/reopen", {"comment": "x"}, user="gm"), 409,
                   "invalid_state")


def test_osb_lists_carry_allowed_actions_and_take_several_states(t):
    set_clock(t, "2026-11-24", "10:00")
    head = head_of_warehouse(t)
    doc = t.uniq("DOC")
    a, b = entry(t, head, doc)["number"], entry(t, head, doc)["number"]
    t.ok(t.post(f"/osb-issues/{a}/explain", {"explanation": "温控故障"}, user=head), 200)
    rows = t.list_all(f"/osb-issues?document={doc}&state=open,explained", user="ssg_leader")
    eq(sorted(x["number"] for x in rows), sorted([a, b]), "two states at once")
    by = {x["number"]: x["allowed_actions"] for x in rows}
    eq((by[a], by[b]), (["reopen", "resolve"], ["explain", "resolve"]), "list items")
    rows = t.list_all(f"/osb-issues?document={doc}&state=open", user=head)
    eq([(x["number"], x["allowed_actions"]) for x in rows], [(b, ["explain"])], "the head's list")
    rows = t.list_all(f"/osb-issues?document={doc}", user="auditor")
    check(len(rows) == 2 and all(x["allowed_actions"] == [] for x in rows), "the reader's list")
    t.expect_error(t.get("/osb-issues?state=open,closed", user="ssg_leader"), 400, "bad_request")
