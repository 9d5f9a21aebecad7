"""billing_lib.py — kept for older imports: the helpers live in lib.py (the one helper module).
Same names and signatures as before."""

import lib
from lib import (WH, add_days, checked, credit, dispatch, invoices_of, ledger,  # noqa: F401
                 ledger_consistent, money_from_db, order_act, osb_check, pay, product, release,
                 released, today)
from lib import check, eq  # noqa: F401


def set_clock(t, day, time="10:00:00"):
    return lib.set_clock(t, day, time)


def customer(t, limit=100000000, prepay_only=False, term=30, name=None):
    return lib.customer(t, limit, term, prepay_only=prepay_only, name=name)
