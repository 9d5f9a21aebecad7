"""GET /kpis and the drill-down GET /kpis/{name}/items (api.md §3.7, kpis-and-reports.md §1–§2):
a seeded week of orders, ST requests, shipments, invoices and receipts in 华南 (market S), with
every figure computed by hand below, at two moments: while some items are still in time (left
out until decided), and after the week has closed (its receipts paid into the next week).

Each test seeds a week of its own (a Monday of October or November 2026; none of those weeks
has a holiday in the demo calendar) and asks for the figures of that week, so the tests of this
module never count each other's documents. Cut-off 16:00. Customer A (limit large, payment
term 0: invoices fall due on the dispatch day), customer Z (limit 0: every order needs
prepayment or ST). M-IF1-900 and M-IF2-900 are ¥268 and ¥258 a tin, 12 to a case, stocked in
WH-GZ."""

import lib
from lib import UNLIMITED, add_days, at, check, eq, order_act as act, set_clock


def customer(t, limit=UNLIMITED, term=30):
    return lib.customer(t, limit, term)


class Week:
    """The days of the week starting on Monday mon, and the KPI period of that week."""

    def __init__(self, mon):
        self.MON, self.TUE, self.WED, self.THU, self.FRI = (add_days(mon, i) for i in range(5))
        self.SUN = add_days(mon, 6)
        self.NEXT_MON, self.NEXT_TUE = add_days(mon, 7), add_days(mon, 8)
        self.PERIOD = f"from={self.MON}&to={self.SUN}&market=S"


def new_order(t, cust, lines):
    o = t.ok(t.post("/orders", {"customer": cust,
                                "lines": [{"sku": s, "qty": q} for s, q in lines]},
                    user="kam_GZ"), 201, "create order")
    n = o["number"]
    act(t, n, "verify", "kam_GZ")
    act(t, n, "approve-market", "mm_S")
    return n


def steps(t, n, *actions):
    o = None
    users = {"accept": "csr_a", "check": "csr_a", "approve": "deputy",
             "print-delivery-note": "finance", "release": "csr_a", "cancel": "ssg_leader"}
    for a in actions:
        o = act(t, n, a, users[a])
    return o


def ship(t, fh, check_body=None):
    lib.dispatch(t, fh, counts=check_body, station="城东站")


def pay(t, cust, invoice, amount, day):
    set_clock(t, day, "10:00")
    t.ok(t.post("/payments", {"customer": cust, "amount_fen": amount, "method": "bank",
                              "reference": t.uniq("R"), "received_on": day,
                              "apply_to": [{"invoice": invoice, "amount_fen": amount}]},
                user="finance"), 201, "payment")


def kpis(t, query, user="ssg_leader"):
    return t.ok(t.get(f"/kpis?{query}", user=user), 200, f"GET /kpis?{query}")


def items(t, name, query, user="ssg_leader"):
    return t.ok(t.get(f"/kpis/{name}/items?{query}", user=user), 200, f"items of {name}")


def figures(k):
    return (k["num"], k["den"], k["pct_bp"])


def seed_monday_to_wednesday(t, w):
    """Seeds Monday to Wednesday of week w; returns the names of the seeded documents."""
    K = {}
    MON, TUE, WED = w.MON, w.TUE, w.WED
    set_clock(t, MON, "09:00")
    a = K["A"] = customer(t, term=0)
    z = K["Z"] = customer(t, limit=0)
    one = [("M-IF1-900", 12)]
    for name in ("O1", "O2", "O4", "O5", "O6"):
        K[name] = new_order(t, a, [("M-IF1-900", 13)] if name == "O4" else one)
    for name in ("S1", "S2", "S3"):
        K[name] = new_order(t, z, one)
    K["O3"] = new_order(t, a, [("M-IF1-900", 12), ("M-IF2-900", 12)])
    K["O7"] = new_order(t, a, one)

    set_clock(t, MON, "10:00")  # receipt day Monday
    for name in ("O1", "O2", "O4", "O5", "O6", "S1", "S2", "S3"):
        steps(t, K[name], "accept")
    for name in ("S1", "S2", "S3"):
        eq(steps(t, K[name], "check")["state"], "prepay_required", "Z needs prepayment")
    act(t, K["S1"], "request-st", "csr_a")
    set_clock(t, MON, "10:30")
    eq(steps(t, K["O6"], "check")["state"], "pending_approval", "O6 waits for MA")
    set_clock(t, MON, "11:00")
    act(t, K["S2"], "request-st", "csr_a")
    eq(steps(t, K["O4"], "check")["state"], "needs_fix", "O4 fails QC (13 is not whole cases)")
    set_clock(t, MON, "12:00")
    steps(t, K["O5"], "cancel")
    set_clock(t, MON, "15:00")
    o = steps(t, K["O1"], "check", "approve", "print-delivery-note", "release")
    K["FH1"] = o["shipments"][0]
    steps(t, K["O2"], "check", "approve", "print-delivery-note")
    # Monday 16:00: O1 has already succeeded and counts; every other order is still in time
    set_clock(t, MON, "16:00")
    eq(figures(kpis(t, w.PERIOD)["same_day_delivery_note"]), (1, 1, 10000),
       "only decided items count")
    set_clock(t, MON, "17:00")  # after the cut-off: receipt day Tuesday
    steps(t, K["O3"], "accept")

    set_clock(t, TUE, "09:00")
    K["FH2"] = steps(t, K["O2"], "release")["shipments"][0]  # the day after: a miss
    set_clock(t, TUE, "10:00")
    act(t, K["S1"], "st-vote", "director", {"vote": "no"})  # decided the next day: a hit
    act(t, K["S3"], "request-st", "csr_a")
    ship(t, K["FH1"])  # 19 WC-hours after release: a hit
    set_clock(t, TUE, "11:00")
    K["FH3"] = steps(t, K["O3"], "check", "approve", "print-delivery-note",
                     "release")["shipments"][0]

    set_clock(t, WED, "09:00")
    act(t, K["S3"], "st-vote", "deputy", {"vote": "no"})
    set_clock(t, WED, "10:00")
    steps(t, K["O7"], "accept")
    set_clock(t, WED, "11:00")
    K["FH7"] = steps(t, K["O7"], "check", "approve", "print-delivery-note",
                     "release")["shipments"][0]
    # exactly 24 WC-hours after release; M-IF2-900 was not there: the check says pick error
    ship(t, K["FH3"], {"lines": [{"sku": "M-IF2-900", "qty_counted": 0,
                                  "discrepancy": "pick_error"}]})
    return K


def seed_friday_and_receipts(t, w, K):
    """Seeds Friday of week w and the receipts of the week after (K from
    seed_monday_to_wednesday; the invoices are added to it)."""
    a, TUE, WED, FRI = K["A"], w.TUE, w.WED, w.FRI
    set_clock(t, FRI, "09:00")
    # 46 h after release: a miss; half counted, a plain shortage (accurate)
    ship(t, K["FH7"], {"lines": [{"sku": "M-IF1-900", "qty_counted": 6}]})
    inv = t.ok(t.get(f"/invoices?customer={a}", user="finance"))["items"]
    got = sorted((i["due_date"], i["amount_fen"]) for i in inv)
    eq(got, [(TUE, 12 * 26800), (WED, 12 * 26800), (FRI, 6 * 26800)],
       "invoices fall due on their dispatch day, for what was shipped")
    by_due = {i["due_date"]: i["number"] for i in inv}
    K["INV1"], K["INV3"], K["INV7"] = by_due[TUE], by_due[WED], by_due[FRI]
    pay(t, a, K["INV1"], 12 * 26800, FRI)            # in full, by due + 5 (Sunday)
    pay(t, a, K["INV3"], 100000, w.NEXT_MON)         # part, on due + 5 (Monday)
    pay(t, a, K["INV3"], 12 * 26800 - 100000, w.NEXT_TUE)  # the rest, a day late
    return K


def test_seed_monday_to_wednesday(t):
    seed_monday_to_wednesday(t, Week("2026-10-19"))


def test_figures_while_items_are_still_in_time(t):
    w = Week("2026-10-26")
    seed_monday_to_wednesday(t, w)
    # Wednesday 12:00: Monday's deadlines (Tuesday 00:00) and Tuesday's (Wednesday 00:00) have
    # passed; O7 (receipt day Wednesday) and S3 (due Thursday 00:00) are decided already;
    # FH7 (released 11:00) is still in time.
    set_clock(t, w.WED, "12:00")
    k = kpis(t, w.PERIOD)
    eq(sorted(k), ["collected_within_5_days_of_due", "same_day_delivery_note",
                   "shipment_accuracy", "shipped_within_24h", "st_decided_next_day"], "the five")
    # same day: O1 hit, O2 miss, O3 hit (Tuesday), O6 miss, O7 hit (released Wednesday 11:00);
    # O4 paused (needs_fix), O5 cancelled and S1–S3 paused before their deadlines: left out
    eq(figures(k["same_day_delivery_note"]), (3, 5, 6000), "same_day_delivery_note")
    # ST: S1 decided Tuesday (hit), S2 undecided at Wednesday 00:00 (miss), S3 decided (hit)
    eq(figures(k["st_decided_next_day"]), (2, 3, 6666), "st_decided_next_day")
    # shipments: FH1 hit; FH2 released Tuesday 09:00 missed Wednesday 09:00; FH3 dispatched
    # at Wednesday 11:00 = its deadline (hit); FH7 released Wednesday 11:00 still in time
    eq(figures(k["shipped_within_24h"]), (2, 3, 6666), "shipped_within_24h")
    # accuracy: FH1 (1 line) and FH3 (2 lines, one pick error) dispatched so far
    eq(figures(k["shipment_accuracy"]), (2, 3, 6666), "shipment_accuracy")
    # nothing is 5 days past due yet
    eq(figures(k["collected_within_5_days_of_due"]), (0, 0, None), "no invoice 5 days past due")
    eq([k[n]["target_bp"] for n in ("same_day_delivery_note", "st_decided_next_day",
                                     "shipped_within_24h", "shipment_accuracy",
                                     "collected_within_5_days_of_due")],
       [10000, 10000, 10000, 9800, 9000], "targets")


def test_seed_friday_and_receipts(t):
    w = Week("2026-11-02")
    seed_friday_and_receipts(t, w, seed_monday_to_wednesday(t, w))


def seeded_week(t, mon):
    """The whole seeded week of Monday mon, the clock at 10:00 of the Tuesday after."""
    w = Week(mon)
    K = seed_friday_and_receipts(t, w, seed_monday_to_wednesday(t, w))
    set_clock(t, w.NEXT_TUE, "10:00")
    return w, K


def test_figures_after_the_month(t):
    w, _ = seeded_week(t, "2026-11-09")
    k = kpis(t, w.PERIOD)
    eq(figures(k["same_day_delivery_note"]), (3, 5, 6000), "same_day_delivery_note")
    eq(figures(k["st_decided_next_day"]), (2, 3, 6666), "st_decided_next_day")
    # FH7 was dispatched 46 WC-hours after release: now a miss
    eq(figures(k["shipped_within_24h"]), (2, 4, 5000), "shipped_within_24h")
    # + FH7's line: a shortage is accurate
    eq(figures(k["shipment_accuracy"]), (3, 4, 7500), "shipment_accuracy")
    # INV1 due Tuesday, paid Friday (in full); INV3 due Wednesday, 100000 paid the Monday after
    # (due + 5) and the rest on Tuesday (late); INV7 due Friday is not 5 days past due yet
    num, den = 12 * 26800 + 100000, 2 * 12 * 26800
    eq(figures(k["collected_within_5_days_of_due"]), (num, den, num * 10000 // den),
       "collected_within_5_days_of_due")
    eq(num * 10000 // den, 6554, "421600 / 643200 = 65.54 %")


def test_drill_down_lists_the_documents(t):
    w, K = seeded_week(t, "2026-11-16")
    TUE, WED, PERIOD = w.TUE, w.WED, w.PERIOD
    d = items(t, "same_day_delivery_note", PERIOD)
    eq((d["kpi"], d["from"], d["to"], d["market"]),
       ("same_day_delivery_note", w.MON, w.SUN, "S"), "header")
    eq((d["num"], d["den"], d["pct_bp"], d["target_bp"]), (3, 5, 6000, 10000), "figures")
    got = {x["document"]: x["in_numerator"] for x in d["items"]}
    eq(got, {K["O1"]: True, K["O2"]: False, K["O3"]: True, K["O6"]: False, K["O7"]: True},
       "the orders counted")
    o3 = [x for x in d["items"] if x["document"] == K["O3"]][0]
    eq((o3["attribution_date"], o3["deadline"]), (TUE, at(WED, "00:00")),
       "accepted after the cut-off: receipt day Tuesday")
    st = {x["document"]: x["in_numerator"]
          for x in items(t, "st_decided_next_day", PERIOD)["items"]}
    eq(st, {K["S1"]: True, K["S2"]: False, K["S3"]: True}, "ST requests")
    sh = {x["document"]: x["in_numerator"]
          for x in items(t, "shipped_within_24h", PERIOD)["items"]}
    eq(sh, {K["FH1"]: True, K["FH2"]: False, K["FH3"]: True, K["FH7"]: False}, "shipments")
    fh3 = [x for x in items(t, "shipped_within_24h", PERIOD)["items"]
           if x["document"] == K["FH3"]][0]
    eq((fh3["start_at"], fh3["deadline"], fh3["done_at"]),
       (at(TUE, "11:00"), at(WED, "11:00"), at(WED, "11:00")), "dispatched at the deadline")
    acc = [(x["document"], x["line_no"], x["discrepancy"], x["in_numerator"])
           for x in items(t, "shipment_accuracy", PERIOD)["items"]]
    eq(sorted(acc), sorted([(K["FH1"], 1, "none", True), (K["FH3"], 1, "none", True),
                            (K["FH3"], 2, "pick_error", False),
                            (K["FH7"], 1, "shortage", True)]), "lines")
    col = {x["document"]: (x["den_fen"], x["num_fen"], x["in_numerator"])
           for x in items(t, "collected_within_5_days_of_due", PERIOD)["items"]}
    eq(col, {K["INV1"]: (321600, 321600, True), K["INV3"]: (321600, 100000, True)},
       "invoices with their collected share")


def test_filters_scope_and_errors(t):
    # the week of 23 November: the Tuesday after is 1 December, the first day of a month
    w, _ = seeded_week(t, "2026-11-23")
    PERIOD, week = w.PERIOD, f"from={w.MON}&to={w.SUN}"
    whole = kpis(t, week)
    eq(whole, kpis(t, PERIOD), "only market S has documents")
    empty = kpis(t, f"{week}&market=E")
    check(all(v["den"] == 0 and v["num"] == 0 and v["pct_bp"] is None for v in empty.values()),
          f"no documents in 华东: pct_bp null: {empty}")
    eq(figures(kpis(t, f"from={w.MON}&to={w.MON}&market=S")["same_day_delivery_note"]),
       (1, 3, 3333), "Monday's receipt day only: O1 hit, O2 and O6 missed")
    eq(figures(kpis(t, f"{week}&region=GZ")["st_decided_next_day"]),
       (2, 3, 6666), "region filter")
    eq(kpis(t, PERIOD, user="mm_S"), kpis(t, PERIOD), "the market's MM sees the same")
    eq(kpis(t, PERIOD, user="kam_GZ"), kpis(t, PERIOD), "the KAM of both customers too")
    other = kpis(t, PERIOD, user="kam_SZ")
    check(all(v["den"] == 0 for v in other.values()), "another KAM's scope has none of them")
    eq(items(t, "shipped_within_24h", PERIOD, user="kam_SZ")["items"], [],
       "nor in the drill-down")
    for q, field in (("from=2026-13-01", "from"), ("from=2026-12-01&to=2026-11-01", "from"),
                     ("market=XX", "market"), ("colour=red", "colour")):
        t.expect_error(t.get(f"/kpis?{q}", user="ssg_leader"), 400, "bad_request", field=field)
    t.expect_error(t.get("/kpis/happiness/items", user="ssg_leader"), 404, "not_found")
    # defaults: this month to today (1 December 2026: nothing yet)
    eq(w.NEXT_TUE, "2026-12-01", "the clock is on 1 December")
    eq(figures(kpis(t, "")["same_day_delivery_note"]), (0, 0, None), "December so far")


def test_collection_in_working_days_and_from_long_ago(t):
    # the week of 30 November; the clock at 10:00 of the Friday after (11 December)
    w = Week("2026-11-30")
    K = seed_friday_and_receipts(t, w, seed_monday_to_wednesday(t, w))
    set_clock(t, add_days(w.NEXT_TUE, 3), "10:00")
    inv, inv7 = 12 * 26800, 6 * 26800
    # calendar days: INV1 paid by due + 5, INV3 100,000 of it by due + 5 (Monday), INV7 (due
    # Friday, so by Wednesday) not paid at all
    num, den = inv + 100000, 2 * inv + inv7
    eq(figures(kpis(t, w.PERIOD)["collected_within_5_days_of_due"]),
       (num, den, num * 10000 // den), "due + 5 calendar days")
    t.ok(t.put("/settings/collection_days_working", {"value": True}), 200, "working days")
    try:
        # 5 working days: INV1 (due Tuesday) by the next Tuesday and INV3 (due Wednesday) by the
        # next Wednesday, both in full; INV7 (due Friday) has until today: not counted yet
        got = items(t, "collected_within_5_days_of_due", w.PERIOD)
        eq(figures(got), (2 * inv, 2 * inv, 10000), "due + 5 working days")
        col = {x["document"]: (x["num_fen"], x["den_fen"], x["deadline"]) for x in got["items"]}
        eq(col, {K["INV1"]: (inv, inv, at(add_days(w.NEXT_TUE, 1), "00:00")),
                 K["INV3"]: (inv, inv, at(add_days(w.NEXT_TUE, 2), "00:00"))},
           "each invoice by its own day")
        # a range from long before the first invoice reads the same invoices, in the same order
        since = f"to={w.SUN}&market=S"
        old, recent = (items(t, "collected_within_5_days_of_due", f"from={f}&{since}")
                       for f in ("2000-01-01", "2026-10-01"))
        check(recent["den"] >= 2 * inv, f"the invoices since October: {recent}")
        eq((old["num"], old["den"], old["items"]), (recent["num"], recent["den"], recent["items"]),
           "from 2000 as from October")
        # nothing falls due after the week's Friday
        later = items(t, "collected_within_5_days_of_due",
                      f"from={w.NEXT_MON}&to={add_days(w.NEXT_TUE, 3)}&market=S")
        eq((figures(later), later["items"]), ((0, 0, None), []), "no invoice due in the range")
    finally:
        t.ok(t.put("/settings/collection_days_working", {"value": False}), 200, "calendar days")
