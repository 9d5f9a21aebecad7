/*
 * orders.c (http) — POST/GET /orders, GET /orders/{number}, POST /orders/{number}/{action},
 * POST /quota-approvals, POST /quota-transfers.
 */
#include "flow/order.h"
#include "flow/quota.h"
#include "http/handlers.h"

int h_order_create(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (order_create(&r->ctx, req_body(r), &out, e) < 0)
        return -1;
    resp_json(r, 201, out);
    return 0;
}

int h_order_get(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (order_get(&r->ctx, r->params[0], &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_order_list(struct req *r, struct osb_err *e)
{
    static const char *const allowed[] = {"state", "customer", "market", "from", "to",
                                          "q",     "limit",    "cursor", NULL};
    struct order_query q = {req_query(r, "state"),
                            req_query(r, "customer"),
                            req_query(r, "market"),
                            req_query(r, "from"),
                            req_query(r, "to"),
                            req_query(r, "cursor"),
                            50,
                            req_query(r, "q")};
    json_t *out;
    if (req_query_only(r, allowed, e) < 0 || req_limit(r, &q.limit, e) < 0 ||
        order_list(&r->ctx, &q, &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_order_action(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (order_act(&r->ctx, r->params[0], r->params[1], req_body(r), &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_quota_approval(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (quota_approve(&r->ctx, req_body(r), &out, e) < 0)
        return -1;
    resp_json(r, 201, out);
    return 0;
}

int h_quota_transfer(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (quota_transfer(&r->ctx, req_body(r), &out, e) < 0)
        return -1;
    resp_json(r, 201, out);
    return 0;
}
