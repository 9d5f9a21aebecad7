"""GET /api/v1/metrics (issue #16, docs/operations.md "Monitoring"): Prometheus text format,
without a login; requests counted by route and status, a latency histogram of reads and
writes, requests in flight, the e-mail outbox backlog as the outbox shows it, job runs."""

import re

from lib import check, eq, run_jobs, set_clock

LINE = re.compile(r'^([a-z_]+)(\{[^}]*\})? (\S+)$')


def scrape(t):
    r = t.raw_request("GET", "/metrics")
    eq(r.status, 200, "GET /metrics without a login")
    check(r.headers.get("content-type", "").startswith("text/plain; version=0.0.4"),
          f"Prometheus text format: {r.headers.get('content-type')}")
    out = {}
    for line in r.body.splitlines():
        if not line or line.startswith("#"):
            continue
        m = LINE.match(line)
        check(m is not None, f"a sample line: {line!r}")
        out[(m.group(1), m.group(2) or "")] = float(m.group(3))
    return out, r.body


def test_metrics_counts_requests_by_route_and_status(t):
    before, _ = scrape(t)
    for _ in range(3):
        eq(t.get("/me").status, 200, "GET /me")
    eq(t.get("/customers/NO-SUCH-CUSTOMER").status, 404, "an unknown customer")
    after, text = scrape(t)
    me = ("osb_http_requests_total", '{method="GET",route="/me",status="200"}')
    missing = ("osb_http_requests_total", '{method="GET",route="/customers/:",status="404"}')
    eq(after.get(me, 0) - before.get(me, 0), 3, "GET /me counted three times")
    eq(after.get(missing, 0) - before.get(missing, 0), 1, "the 404 counted under its route")
    # The histogram: cumulative buckets ending in +Inf = count, for reads and writes.
    for kind in ("read", "write"):
        buckets = [(k[1], v) for k, v in after.items()
                   if k[0] == "osb_http_request_duration_seconds_bucket"
                   and f'kind="{kind}"' in k[1]]
        eq(len(buckets), 12, f"{kind}: 11 bounds and +Inf")
        values = [v for _, v in buckets]
        eq(values, sorted(values), f"{kind}: buckets are cumulative")
        inf = after[("osb_http_request_duration_seconds_bucket", f'{{kind="{kind}",le="+Inf"}}')]
        eq(inf, after[("osb_http_request_duration_seconds_count", f'{{kind="{kind}"}}')],
           f"{kind}: +Inf bucket = count")
    reads = ("osb_http_request_duration_seconds_count", '{kind="read"}')
    check(after[reads] - before.get(reads, 0) >= 5, "the four reads and the first scrape timed")
    # The scrape itself is in flight while it renders.
    check(after[("osb_http_requests_in_flight", "")] >= 1, "requests in flight")
    check("# TYPE osb_http_request_duration_seconds histogram" in text, "histogram TYPE line")


def test_metrics_outbox_backlog_and_job_runs(t):
    set_clock(t, "2026-12-01")
    run_jobs(t)
    m, _ = scrape(t)
    # The backlog is the outbox's own figure: the administrator's list agrees.
    pending = t.get("/outbox?state=pending&limit=1000")
    eq(pending.status, 200, "GET /outbox")
    eq(m[("osb_outbox_emails", '{state="pending"}')], float(len(pending.body["items"])),
       "pending e-mails = the outbox's pending rows")
    for state in ("sent", "failed", "dead"):
        check(("osb_outbox_emails", f'{{state="{state}"}}') in m, f"outbox state {state}")
    check(("osb_outbox_oldest_pending_seconds", "") in m, "age of the oldest pending e-mail")
    runs = {k[1]: v for k, v in m.items() if k[0] == "osb_job_runs_total"}
    check(runs and all(v >= 1 for v in runs.values()), f"job runs after POST /jobs/run: {runs}")
