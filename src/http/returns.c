/*
 * returns.c (http) — returns (api.md §3.6): POST/GET /returns, GET /returns/{number},
 * POST /returns/{number}/{action}.
 */
#include "flow/returns.h"
#include "http/handlers.h"

int h_return_create(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (return_create(&r->ctx, req_body(r), &out, e) < 0)
        return -1;
    resp_json(r, 201, out);
    return 0;
}

int h_return_list(struct req *r, struct osb_err *e)
{
    static const char *const allowed[] = {"state", "order",  "customer", "q",
                                          "limit", "cursor", NULL};
    struct return_query q = {req_query(r, "state"),
                             req_query(r, "order"),
                             req_query(r, "customer"),
                             req_query(r, "cursor"),
                             50,
                             req_query(r, "q")};
    json_t *out;
    if (req_query_only(r, allowed, e) < 0 || req_limit(r, &q.limit, e) < 0 ||
        return_list(&r->ctx, &q, &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_return_get(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (return_get(&r->ctx, r->params[0], &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_return_action(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (return_act(&r->ctx, r->params[0], r->params[1], req_body(r), &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}
