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

int server_run(struct server_conf *conf, const char *host, int port, int threads,
               void (*tick)(void), struct osb_err *e);

#endif
