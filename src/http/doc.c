/*
 * doc.c (http) — the three handlers every kernel document shares: GET /<collection>/{number},
 * POST /<collection>/{number}/{action} and, for the field documents, GET /<collection> with
 * customer/state/owner/q. The route row names its `struct doc_kind` (router.c); the handler
 * asks the kernel (flow/doc.h) for that kind, so a document needs no get/act/list wrapper of
 * its own in flow/ nor a one-line handler here.
 */
#include "flow/doc.h"
#include "flow/fdoc.h"
#include "http/handlers.h"

int h_doc_get(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (doc_read(&r->ctx, r->kind, r->params[0], &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_doc_action(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (doc_act(&r->ctx, r->kind, r->params[0], r->params[1], req_body(r), &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_fdoc_list(struct req *r, struct osb_err *e)
{
    static const char *const allowed[] = {"customer", "state",  "owner", "q",
                                          "limit",    "cursor", NULL};
    struct fdoc_query q = {req_query(r, "customer"), req_query(r, "state"),  req_query(r, "owner"),
                           req_query(r, "q"),        req_query(r, "cursor"), 50};
    json_t *out;
    if (req_query_only(r, allowed, e) < 0 || req_limit(r, &q.limit, e) < 0 ||
        fdoc_list(&r->ctx, r->kind, &q, &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}
