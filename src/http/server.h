/*
 * server.h — starts the HTTP server and blocks until SIGINT/SIGTERM; tick() runs about once a
 * minute on the main thread (the scheduler).
 */
#ifndef OSB_SERVER_H
#define OSB_SERVER_H

#include "http/http.h"

int server_run(struct server_conf *conf, const char *host, int port, int threads,
               void (*tick)(void), struct osb_err *e);

#endif
