/*
 * write_offs.c (http) — bad-debt write-offs (HX; flows.md §4.7): POST/GET /write-offs,
 * GET /write-offs/{number}, POST /write-offs/{number}/{approve|reject}.
 */
#include "flow/refund.h"
#include "http/handlers.h"

int h_write_off_create(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (write_off_create(&r->ctx, req_body(r), &out, e) < 0)
        return -1;
    resp_json(r, 201, out);
    return 0;
}

int h_write_off_list(struct req *r, struct osb_err *e)
{
    static const char *const allowed[] = {"customer", "invoice", "state", "q",
                                          "limit",    "cursor",  NULL};
    struct write_off_query q = {req_query(r, "customer"),
                                req_query(r, "invoice"),
                                req_query(r, "state"),
                                req_query(r, "cursor"),
                                50,
                                req_query(r, "q")};
    json_t *out;
    if (req_query_only(r, allowed, e) < 0 || req_limit(r, &q.limit, e) < 0 ||
        write_off_list(&r->ctx, &q, &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_write_off_get(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (write_off_get(&r->ctx, r->params[0], &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_write_off_action(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (write_off_act(&r->ctx, r->params[0], r->params[1], req_body(r), &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}
