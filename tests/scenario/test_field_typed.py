"""Field documents' typed columns (#13): what reports, lists and jobs select and filter on —
a plan's level, period and targets, a visit's date and kind, a forecast's level, base month and
total, a quotation's total and validity — is kept in field_docs columns as well as in the
document, written at create and at every action, so that SQL reads them on SQLite and
PostgreSQL alike (no JSON functions)."""

import lib
from lib import UNLIMITED, eq, set_clock

COLS = ("level", "period_type", "period", "base_month", "visited_at", "kind", "target_sales_fen",
        "target_collection_fen", "total_fen", "valid_until")


def typed(t, number):
    rows = t.sql(f"SELECT {', '.join(COLS)} FROM field_docs WHERE number = ?", (number,))
    return dict(zip(COLS, rows[0]))


def test_create_and_actions_write_the_typed_columns(t):
    set_clock(t, "2031-03-10", "10:00")
    cust = lib.customer(t, UNLIMITED)
    sku = lib.product(t, price=2500)
    p = t.ok(t.post("/plans", {"level": "kam", "period_type": "month", "period": "2031-04",
                               "target_sales_fen": 100000000, "target_collection_fen": 90000000,
                               "lines": [{"sku": sku, "qty": 100}]}, user="kam_GZ"), 201, "plan")
    eq(typed(t, p["number"]), {"level": "kam", "period_type": "month", "period": "2031-04",
                               "base_month": None, "visited_at": None, "kind": None,
                               "target_sales_fen": 100000000, "target_collection_fen": 90000000,
                               "total_fen": None, "valid_until": None}, "a plan's columns")
    v = t.ok(t.post("/visits", {"customer": cust, "visited_at": "2031-03-09", "kind": "new"},
                    user="kam_GZ"), 201, "visit")
    got = typed(t, v["number"])
    eq((got["visited_at"], got["kind"], got["level"]), ("2031-03-09", "new", None),
       "a visit's columns")
    f = t.ok(t.post("/forecasts", {"customer": cust, "base_month": "2031-03", "lines": [
        {"month": "2031-04", "sku": sku, "qty": 10}]}, user="kam_GZ"), 201, "forecast")
    got = typed(t, f["number"])
    eq((got["level"], got["base_month"], got["total_fen"]),
       (f["level"], "2031-03", f["total_fen"]), "a forecast's columns")
    # an action writes them again: the assessed forecast keeps its columns
    lib.act(t, "forecasts", f["number"], "submit", "kam_GZ")
    eq(typed(t, f["number"])["base_month"], "2031-03", "kept by an action")
    q = t.ok(t.post("/quotations", {"customer": cust, "source": "inquiry", "lines": [
        {"sku": sku, "qty": 4, "price_fen": 2500}]}, user="kam_GZ"), 201, "quotation")
    got = typed(t, q["number"])
    eq((got["total_fen"], got["valid_until"]), (q["total_fen"], None), "a quotation's columns")
