/*
 * invoice_requests.c (http) — invoice requests (KP): POST/GET /invoice-requests,
 * GET /invoice-requests/{number},
 * POST /invoice-requests/{number}/{review|issue|mail|confirm-receipt|archive|return}.
 */
#include "flow/invoice_request.h"
#include "http/handlers.h"

int h_invoice_request_create(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (invoice_request_create(&r->ctx, req_body(r), &out, e) < 0)
        return -1;
    resp_json(r, 201, out);
    return 0;
}

int h_invoice_request_list(struct req *r, struct osb_err *e)
{
    static const char *const allowed[] = {"customer", "state", "q", "limit", "cursor", NULL};
    struct invoice_request_query q = {req_query(r, "customer"), req_query(r, "state"),
                                      req_query(r, "cursor"), 50, req_query(r, "q")};
    json_t *out;
    if (req_query_only(r, allowed, e) < 0 || req_limit(r, &q.limit, e) < 0 ||
        invoice_request_list(&r->ctx, &q, &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_invoice_request_get(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (invoice_request_get(&r->ctx, r->params[0], &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_invoice_request_action(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (invoice_request_act(&r->ctx, r->params[0], r->params[1], req_body(r), &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}
