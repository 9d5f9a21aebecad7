/*
 * money_view.h — leaves out of a JSON answer every money field its caller's role must not see
 * (rules/money_view.h). router_run() applies it to every answer.
 */
#ifndef OSB_HTTP_MONEY_VIEW_H
#define OSB_HTTP_MONEY_VIEW_H

#include "rules/perm.h"

#include <jansson.h>

/* path: the request's path below /api/v1 (a report's or KPI's answer has aggregates). */
void http_money_view(enum role r, const char *path, json_t *answer);

#endif
