"""osb_lib.py — kept for older imports: the helpers live in lib.py (the one helper module).
Same names and signatures as before; customer() here defaults to an unlimited credit limit and
act() is the order action."""

import lib
from lib import (STEPS, TZ, _minus_one, advance, at, boundary, issues, no_issue,  # noqa: F401
                 one_issue, run_jobs, set_clock, submitted)
from lib import order_act as act  # noqa: F401
from lib import check, eq  # noqa: F401


def customer(t, limit=lib.UNLIMITED, term=30, region="GZ", market="S", kam="kam_GZ"):
    return lib.customer(t, limit, term, region=region, market=market, kam=kam, prefix="OC",
                        label="OSB测试客户")
