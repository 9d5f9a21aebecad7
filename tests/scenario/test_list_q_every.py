"""api.md §5.1: every list accepts `q=` (case-insensitive substring) and `state=` with several
values separated by commas. Walks every GET route of the route table (src/http/router.c)
without a path parameter whose answer is a list ({"items": …}) and asks it with q= and with
state= (the states its own rows show, two at once): none answers 400."""

import urllib.parse

from lib import check, eq, set_clock
from test_openapi import route_table

# GET routes that answer something other than a list of rows (a document, a figure, a file).
USERS = ("admin", "finance", "gm", "ssg_leader", "csr_a", "mm_S", "kam_GZ")
# Lists that need a parameter to say which rows (api.md): that parameter is sent with each ask.
NEEDS = {"/credit-grades": "month=2027-09", "/receivables/aging": "", "/call-list": ""}
NOT_LISTS = {"/me", "/metrics", "/test/clock", "/settings", "/openapi.json"}


def list_routes(t):
    out = []
    for r in sorted(route_table()):
        method, path = r.split(" ", 1)
        if method != "GET" or ":" in path or path in NOT_LISTS:
            continue
        for user in USERS:  # the first of these who may read it
            res = t.get(path + ("?" + NEEDS[path] if NEEDS.get(path) else ""), user=user)
            if res.status == 200 and isinstance(res.body, dict) and isinstance(res.body.get("items"), list):
                out.append((path, user, res.body["items"]))
                break
    return out


def test_every_list_takes_q_and_several_states(t):
    set_clock(t, "2027-10-03", "09:00")
    # some rows in the lists that start empty
    t.ok(t.post("/support-requests", {"kind": "ad_design", "details": "海报"}, user="um_GZ"), 201, "request")
    routes = list_routes(t)
    paths = [p for p, _, _ in routes]
    for must in ("/orders", "/invoices", "/credit-grades", "/outbox", "/pop-allocations",
                 "/receivables/aging", "/notifications", "/customers"):
        check(must in paths, f"{must} is walked as a list ({paths})")
    bad = []
    for path, user, items in routes:
        extra = "&" + NEEDS[path] if NEEDS.get(path) else ""
        res = t.get(f"{path}?q=zz%E5%B9%BF{extra}", user=user)
        if res.status == 400:
            bad.append(f"{path}?q= → 400 {res.body}")
        elif res.status == 200 and res.body["items"]:
            bad.append(f"{path}?q= that matches nothing → {len(res.body['items'])} rows")
        elif res.status != 200:
            bad.append(f"{path}?q= → {res.status}")
        first = next((x for x in items if isinstance(x, dict)), None)
        key = next((first[k] for k in ("number", "customer", "code", "sku", "username", "name")
                    if first and isinstance(first.get(k), str) and first[k]), None)
        if key:  # a row's own number or code finds it again, in any case
            res = t.get(f"{path}?q={urllib.parse.quote(key.lower())}{extra}", user=user)
            if res.status != 200 or not res.body["items"]:
                bad.append(f"{path}?q={key.lower()} does not find its row ({res.status})")
        states = sorted({x["state"] for x in items if isinstance(x, dict) and isinstance(x.get("state"), str)})
        if states:
            two = ",".join(states[:2])
            res = t.get(f"{path}?state={two}&q={extra}", user=user)
            if res.status == 400:
                bad.append(f"{path}?state={two} → 400 {res.body}")
            elif res.status == 200:
                for x in res.body["items"]:
                    check(x.get("state") in states[:2], f"{path}?state={two}: {x.get('state')}")
    eq(bad, [], "lists that refuse q= or state=")
    check(len(routes) > 30, f"the walk saw the lists ({len(routes)})")
