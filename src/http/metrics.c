/*
 * metrics.c — see metrics.h. The counters are the process's own (each `osb serve` instance is
 * scraped by itself); the outbox and job figures are the database's, the same from every
 * instance. One mutex guards the request table: an increment per request is nothing beside
 * the request's transaction.
 */
#include "http/metrics.h"

#include "core/date.h"
#include "core/sb.h"
#include "flow/metrics.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 2048 /* (route, status) pairs: about 300 routes × a handful of statuses */

struct slot {
    const struct route *rt;
    int status;
    uint64_t n;
};

static const double bounds[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
#define NB (sizeof bounds / sizeof bounds[0])

struct hist {
    uint64_t b[NB + 1]; /* per bucket (not cumulative); the last is above every bound */
    uint64_t n;
    double sum;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct slot slots[SLOTS];
static uint64_t dropped;     /* answers that found the table full (never expected) */
static struct hist hists[2]; /* 0 reads, 1 writes */
static atomic_long in_flight;

void metrics_begin(void)
{
    atomic_fetch_add(&in_flight, 1);
}

void metrics_end(const struct route *rt, int status, double seconds)
{
    atomic_fetch_sub(&in_flight, 1);
    if (!rt)
        return;
    if (status == 0)
        status = 200;
    size_t i = (((uintptr_t)rt >> 4) * 31u + (unsigned)status) % SLOTS;
    size_t b = 0;
    while (b < NB && seconds > bounds[b])
        b++;
    pthread_mutex_lock(&mu);
    size_t probes = 0;
    while (slots[i].rt && (slots[i].rt != rt || slots[i].status != status) && probes++ < SLOTS)
        i = (i + 1) % SLOTS;
    if (probes >= SLOTS) {
        dropped++;
    } else {
        slots[i].rt = rt;
        slots[i].status = status;
        slots[i].n++;
    }
    struct hist *h = &hists[(rt->flags & R_WRITE) ? 1 : 0];
    h->b[b]++;
    h->n++;
    h->sum += seconds;
    pthread_mutex_unlock(&mu);
}

static void render_hist(struct sb *o, const char *kind, const struct hist *h)
{
    uint64_t cum = 0;
    for (size_t b = 0; b < NB; b++) {
        cum += h->b[b];
        sb_addf(o, "osb_http_request_duration_seconds_bucket{kind=\"%s\",le=\"%g\"} %llu\n", kind,
                bounds[b], (unsigned long long)cum);
    }
    sb_addf(o, "osb_http_request_duration_seconds_bucket{kind=\"%s\",le=\"+Inf\"} %llu\n", kind,
            (unsigned long long)h->n);
    sb_addf(o, "osb_http_request_duration_seconds_sum{kind=\"%s\"} %.6f\n", kind, h->sum);
    sb_addf(o, "osb_http_request_duration_seconds_count{kind=\"%s\"} %llu\n", kind,
            (unsigned long long)h->n);
}

/* A label value: job names and states are identifiers; escape what the format escapes. */
static void label(struct sb *o, const char *v)
{
    for (; v && *v; v++) {
        if (*v == '\\' || *v == '"')
            sb_addc(o, '\\');
        if (*v == '\n')
            sb_add(o, "\\n");
        else
            sb_addc(o, *v);
    }
}

static void render_requests(struct sb *o)
{
    sb_add(o, "# HELP osb_http_requests_total API requests answered by this instance, by route"
              " and status.\n# TYPE osb_http_requests_total counter\n");
    pthread_mutex_lock(&mu);
    for (size_t i = 0; i < SLOTS; i++)
        if (slots[i].rt)
            sb_addf(o, "osb_http_requests_total{method=\"%s\",route=\"%s\",status=\"%d\"} %llu\n",
                    slots[i].rt->method, slots[i].rt->pattern, slots[i].status,
                    (unsigned long long)slots[i].n);
    struct hist h[2];
    memcpy(h, hists, sizeof h);
    uint64_t drop = dropped;
    pthread_mutex_unlock(&mu);
    sb_addf(o,
            "# HELP osb_http_requests_uncounted_total Answers the route table could not hold.\n"
            "# TYPE osb_http_requests_uncounted_total counter\n"
            "osb_http_requests_uncounted_total %llu\n",
            (unsigned long long)drop);
    sb_add(o, "# HELP osb_http_request_duration_seconds Time to answer an API request (reads and"
              " writes).\n# TYPE osb_http_request_duration_seconds histogram\n");
    render_hist(o, "read", &h[0]);
    render_hist(o, "write", &h[1]);
    sb_addf(o,
            "# HELP osb_http_requests_in_flight API requests being served now (the queue).\n"
            "# TYPE osb_http_requests_in_flight gauge\nosb_http_requests_in_flight %ld\n",
            atomic_load(&in_flight));
}

static void render_db(struct sb *o, json_t *m, ts_t now)
{
    static const char *const states[] = {"pending", "sent", "failed", "dead"};
    sb_add(o, "# HELP osb_outbox_emails E-mails of the outbox by state (pending: the backlog).\n"
              "# TYPE osb_outbox_emails gauge\n");
    for (size_t s = 0; s < sizeof states / sizeof states[0]; s++) {
        json_int_t n = 0;
        size_t i;
        json_t *row;
        json_array_foreach(json_object_get(m, "outbox"), i, row)
        {
            if (strcmp(json_string_value(json_object_get(row, "state")), states[s]) == 0)
                n = json_integer_value(json_object_get(row, "n"));
        }
        sb_addf(o, "osb_outbox_emails{state=\"%s\"} %lld\n", states[s], (long long)n);
    }
    json_t *oldest = json_object_get(m, "oldest_pending");
    double age = json_is_integer(oldest)
                     ? (double)(now - json_integer_value(oldest)) / (double)TS_PER_SEC
                     : 0;
    sb_addf(o,
            "# HELP osb_outbox_oldest_pending_seconds Age of the oldest pending e-mail (0:"
            " none).\n# TYPE osb_outbox_oldest_pending_seconds gauge\n"
            "osb_outbox_oldest_pending_seconds %.0f\n",
            age > 0 ? age : 0);
    sb_add(o, "# HELP osb_job_runs_total Runs of each timed job (one per job and period).\n"
              "# TYPE osb_job_runs_total counter\n");
    size_t i;
    json_t *row;
    json_array_foreach(json_object_get(m, "jobs"), i, row)
    {
        sb_add(o, "osb_job_runs_total{job=\"");
        label(o, json_string_value(json_object_get(row, "job")));
        sb_addf(o, "\"} %lld\n", (long long)json_integer_value(json_object_get(row, "runs")));
    }
    sb_add(o, "# HELP osb_job_last_run_timestamp_seconds When each timed job last ran.\n"
              "# TYPE osb_job_last_run_timestamp_seconds gauge\n");
    json_array_foreach(json_object_get(m, "jobs"), i, row)
    {
        sb_add(o, "osb_job_last_run_timestamp_seconds{job=\"");
        label(o, json_string_value(json_object_get(row, "job")));
        sb_addf(o, "\"} %lld\n",
                (long long)(json_integer_value(json_object_get(row, "last_at")) / TS_PER_SEC));
    }
}

static _Atomic(metrics_heavy_fn) heavy_source;

void metrics_heavy_source(metrics_heavy_fn fn)
{
    atomic_store(&heavy_source, fn);
}

/* The heavy-work pool (http/server.c): what runs, what waits, what was refused. */
static void render_heavy(struct sb *o)
{
    long running = 0, waiting = 0, refused = 0;
    metrics_heavy_fn fn = atomic_load(&heavy_source);
    if (fn)
        fn(&running, &waiting, &refused);
    sb_addf(o,
            "# HELP osb_heavy_running Heavy requests (reports, files, imports) running.\n"
            "# TYPE osb_heavy_running gauge\nosb_heavy_running %ld\n"
            "# HELP osb_heavy_waiting Heavy requests waiting for a pool thread.\n"
            "# TYPE osb_heavy_waiting gauge\nosb_heavy_waiting %ld\n"
            "# HELP osb_heavy_refused_total Heavy requests answered 429 (a limit was reached).\n"
            "# TYPE osb_heavy_refused_total counter\nosb_heavy_refused_total %ld\n",
            running, waiting, refused);
}

int h_metrics(struct req *r, struct osb_err *e)
{
    json_t *m;
    if (metrics_db(&r->ctx, &m, e) < 0)
        return -1;
    struct sb o = SB_INIT;
    render_requests(&o);
    render_heavy(&o);
    render_db(&o, m, r->ctx.now);
    json_decref(m);
    r->raw_len = o.len;
    r->raw = sb_detach(&o);
    r->raw_type = "text/plain; version=0.0.4; charset=utf-8";
    r->status = 200;
    return 0;
}
