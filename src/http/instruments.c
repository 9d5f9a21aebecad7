/*
 * instruments.c (http) — instruments in hand (PJ): POST/GET /instruments,
 * GET /instruments/{number}, POST /instruments/{number}/{hand-over|sign}.
 */
#include "flow/instrument.h"
#include "http/handlers.h"

int h_instrument_create(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (instrument_create(&r->ctx, req_body(r), &out, e) < 0)
        return -1;
    resp_json(r, 201, out);
    return 0;
}

int h_instrument_list(struct req *r, struct osb_err *e)
{
    static const char *const allowed[] = {"customer", "state", "kind",   "received_by",
                                          "q",        "limit", "cursor", NULL};
    struct instrument_query q = {req_query(r, "customer"), req_query(r, "state"),
                                 req_query(r, "kind"),     req_query(r, "received_by"),
                                 req_query(r, "cursor"),   50,
                                 req_query(r, "q")};
    json_t *out;
    if (req_query_only(r, allowed, e) < 0 || req_limit(r, &q.limit, e) < 0 ||
        instrument_list(&r->ctx, &q, &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_instrument_get(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (instrument_get(&r->ctx, r->params[0], &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_instrument_action(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (instrument_act(&r->ctx, r->params[0], r->params[1], req_body(r), &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}
