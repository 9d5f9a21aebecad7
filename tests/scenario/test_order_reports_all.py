"""The reports over order lines over every customer (kpis-and-reports.md §4, api.md §5.8; issue
#14, eleventh pass): without a scope or filter, order_shipment_check and replenishment_record
read the orders alone and take each order's customer and region from the customers read once
(store/report_ops.c, store/report_scope.c), not from a join per order as a market's, a
region's or a customer's report does. Both answers are checked on orders of their own month,
of customers of two regions and one whose code is longer than 12 bytes (looked up in the
general map): the rows of every customer are the rows asked per market, per region, per
customer and in a region manager's scope, with the same region in each."""

from lib import customer, dispatch, eq, product, released, set_clock

RANGE = "from=2049-03-01&to=2049-03-31"


def report(t, name, query, user="gm"):
    return t.ok(t.get(f"/reports/{name}?{query}", user=user), 200, f"report {name} {query}")


def test_order_line_reports_over_every_customer(t):
    set_clock(t, "2049-03-10", "10:00")
    a = customer(t)
    b = customer(t, region="SZ")
    long = customer(t, prefix="BCLONGCODE", region="SZ")
    assert len(a) <= 12 < len(long), (a, long)
    s1 = product(t, price=1000)
    s2 = product(t, price=2000)
    mine = {}
    # orders on three days of the month (the shipments are read a day at a time), the first
    # day's shipped on the last
    ships = []
    for day, cust, lines in (("2049-03-10", a, [(s1, 10), (s2, 3)]),
                             ("2049-03-10", b, [(s1, 20), (s2, 7)]),
                             ("2049-03-12", long, [(s1, 5)]), ("2049-03-12", b, [(s2, 4)]),
                             ("2049-03-20", a, [(s1, 6)])):
        set_clock(t, day, "10:00")
        order, ship = released(t, cust, lines)
        ships.append(ship)
        mine[order] = (cust, ship, lines)
    for ship in ships:
        dispatch(t, ship)
    region = {a: "GZ", b: "SZ", long: "SZ"}

    whole = report(t, "order_shipment_check", RANGE)["rows"]
    got = [(x["order"], x["customer"], x["region"], x["sku"], x["ordered"], x["shipped"],
            x["difference"]) for x in whole if x["order"] in mine]
    want = sorted([(o, c, region[c], sku, qty, qty, 0)
                   for o, (c, _, lines) in mine.items() for sku, qty in lines],
                  key=lambda x: (x[0], x[3]))
    eq(sorted(got, key=lambda x: (x[0], x[3])), want, "every customer: lines, regions, shipped")
    repl = report(t, "replenishment_record", RANGE)["rows"]
    eq(sorted((x["order"], x["customer"], x["sku"], x["ordered"], x["shipped"], x["shipments"])
              for x in repl if x["order"] in mine),
       sorted((o, c, sku, qty, qty, ship) for o, (c, ship, lines) in mine.items()
              for sku, qty in lines), "replenishment, every customer")

    # each filter keeps exactly the rows of every customer's answer it names, in the same order
    for q, keep in (("market=S", lambda x: True), ("market=N", lambda x: False),
                    ("region=SZ", lambda x: region[x] == "SZ"),
                    ("region=GZ", lambda x: x == a), (f"customer={long}", lambda x: x == long),
                    (f"customer={a}", lambda x: x == a)):
        for name, rows in (("order_shipment_check", whole), ("replenishment_record", repl)):
            part = [x for x in report(t, name, f"{RANGE}&{q}")["rows"] if x["order"] in mine]
            eq(part, [x for x in rows if x["order"] in mine and keep(x["customer"])],
               f"{name} {q}")
    # region GZ's manager sees its region's orders only, as every customer's answer shows them
    part = [x for x in report(t, "order_shipment_check", RANGE, user="um_GZ")["rows"]
            if x["order"] in mine]
    eq(part, [x for x in whole if x["order"] in mine and x["customer"] == a], "um_GZ's scope")
    eq(len(part), 3, "A's three lines")
