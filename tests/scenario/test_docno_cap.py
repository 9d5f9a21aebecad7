"""The daily sequence's end (numbering-and-rules.md §1): a number has at most five digits, so
the 100,000th document of a type in one day cannot be made. That request is refused with a
clear 422 (rule daily_sequence_exhausted) and changes nothing; the next day numbers from 0001
again. Before, it answered 500 internal with nothing in the server's log (a 200,000-order soak
in one day met it, bench/README.md)."""

import lib
from lib import add_days, check, eq, set_clock


def audit_rows(t):
    """Audit entries, sealed or (PostgreSQL) still waiting for the sealer."""
    return t.sql("SELECT (SELECT count(*) FROM audit) + (SELECT count(*) FROM audit_pending)")[0][0]


def create(t, cust, sku):
    return t.post("/orders", {"customer": cust, "lines": [{"sku": sku, "qty": 1}]},
                  user="kam_GZ")


def test_the_100000th_order_of_a_day_is_refused_and_changes_nothing(t):
    day = "2027-03-02"
    set_clock(t, day, "10:00")
    cust = lib.customer(t)
    sku = lib.product(t, price=100, stock=1000)
    first = t.ok(create(t, cust, sku), 201, "first order of the day")["number"]
    ymd = day.replace("-", "")
    check(first.endswith(ymd + "DD0001"), f"first number {first}")
    prefix = first[: first.index(ymd)]
    # as if 99,997 more orders had been numbered today (the API would take hours to get there)
    lib.sql_exec(t, "UPDATE doc_seq SET last_seq = 99998 WHERE prefix = ? AND day = ?"
                    " AND type = 'DD'", (prefix, day))
    last = t.ok(create(t, cust, sku), 201, "the 99,999th order")["number"]
    eq(last, f"{prefix}{ymd}DD99999", "the last number of the day")

    orders = t.sql("SELECT count(*) FROM orders")[0][0]
    audit = audit_rows(t)
    r = create(t, cust, sku)
    t.expect_error(r, 422, "validation_failed", rule="daily_sequence_exhausted", field="number")
    check("99,999" in r.body["error"]["message"], f"the message says why: {r.body}")
    eq(t.sql("SELECT count(*) FROM orders")[0][0], orders, "no order made")
    eq(audit_rows(t), audit, "nothing audited")
    eq(t.sql("SELECT last_seq FROM doc_seq WHERE prefix = ? AND day = ? AND type = 'DD'",
             (prefix, day))[0][0], 99999, "the sequence is not consumed")
    # the same with an idempotency key: refused again, not remembered as a success
    r = t.post("/orders", {"customer": cust, "lines": [{"sku": sku, "qty": 1}]},
               user="kam_GZ", headers={"Idempotency-Key": t.uniq("cap")})
    t.expect_error(r, 422, "validation_failed", rule="daily_sequence_exhausted")

    # other types still number today; the next day's orders start at 0001
    nxt = add_days(day, 1)
    set_clock(t, nxt, "10:00")
    n = t.ok(create(t, cust, sku), 201, "next day's first order")["number"]
    eq(n, f"{prefix}{nxt.replace('-', '')}DD0001", "the next day starts again")
