/*
 * metrics.h — the process's request figures and GET /metrics (Prometheus text format 0.0.4,
 * docs/operations.md "Monitoring"): requests by route and status, the latency histogram of
 * reads and writes, requests in flight (the server's queue depth), and from the database the
 * e-mail outbox backlog and the timed jobs' runs.
 */
#ifndef OSB_HTTP_METRICS_H
#define OSB_HTTP_METRICS_H

#include "http/http.h"

/* A request is being served (in flight) / has been answered with status after seconds. */
void metrics_begin(void);
void metrics_end(const struct route *rt, int status, double seconds);

int h_metrics(struct req *r, struct osb_err *e);

/* Where the heavy-work pool's figures come from (the server registers its own at start, so
   this file never includes the server: running, waiting, refused so far). */
typedef void (*metrics_heavy_fn)(long *running, long *waiting, long *refused);
void metrics_heavy_source(metrics_heavy_fn fn);

#endif
