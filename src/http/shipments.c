/*
 * shipments.c (http) — GET /shipments, GET /shipments/{number},
 * POST /shipments/{number}/{action}; GET /backorders, GET /backorders/{number},
 * POST /backorders/{number}/{action}.
 */
#include "flow/backorder.h"
#include "flow/shipment.h"
#include "http/handlers.h"

int h_shipment_list(struct req *r, struct osb_err *e)
{
    static const char *const allowed[] = {"state", "order",  "customer", "q",
                                          "limit", "cursor", NULL};
    struct shipment_query q = {req_query(r, "state"),
                               req_query(r, "order"),
                               req_query(r, "customer"),
                               req_query(r, "cursor"),
                               50,
                               req_query(r, "q")};
    json_t *out;
    if (req_query_only(r, allowed, e) < 0 || req_limit(r, &q.limit, e) < 0 ||
        shipment_list(&r->ctx, &q, &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_shipment_get(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (shipment_get(&r->ctx, r->params[0], &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_shipment_action(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (shipment_act(&r->ctx, r->params[0], r->params[1], req_body(r), &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_backorder_list(struct req *r, struct osb_err *e)
{
    static const char *const allowed[] = {"state", "order", "customer", "sku",
                                          "q",     "limit", "cursor",   NULL};
    struct backorder_query q = {req_query(r, "state"),    req_query(r, "order"),
                                req_query(r, "customer"), req_query(r, "sku"),
                                req_query(r, "cursor"),   50,
                                req_query(r, "q")};
    json_t *out;
    if (req_query_only(r, allowed, e) < 0 || req_limit(r, &q.limit, e) < 0 ||
        backorder_list(&r->ctx, &q, &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_backorder_get(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (backorder_get(&r->ctx, r->params[0], &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_backorder_action(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (backorder_act(&r->ctx, r->params[0], r->params[1], req_body(r), &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}
