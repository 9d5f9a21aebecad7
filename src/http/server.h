/*
 * server.h — starts the HTTP server and blocks until SIGINT/SIGTERM; tick() runs about once a
 * minute on the main thread (the scheduler).
 */
#ifndef OSB_SERVER_H
#define OSB_SERVER_H

#include "http/http.h"

/* The connection limits' defaults (struct server_conf: 0 takes these). */
#define SERVER_MAX_CONNECTIONS 4000
#define SERVER_MAX_PER_ADDRESS 200
#define SERVER_REQUEST_DEADLINE 30
/* The heavy-work pool's defaults (server.c "the heavy-work pool"). */
#define SERVER_HEAVY_WORKERS 4 /* readers: heavy work that cannot hold the write transaction */
#define SERVER_HEAVY_WRITERS 1 /* at normal priority: heavy work that writes (imports) */
#define SERVER_HEAVY_PER_USER 2
#define SERVER_HEAVY_PENDING 16
#define SERVER_HEAVY_QUEUE 256
#define SERVER_HEAVY_NICE 10 /* the readers' nice above the server's (Linux: per thread) */

int server_run(struct server_conf *conf, const char *host, int port, int threads,
               void (*tick)(void), struct osb_err *e);

/* The heavy-work pool now: requests running, waiting, and refused (429) since the start. */
void server_heavy_figures(long *running, long *waiting, long *refused);

#endif
