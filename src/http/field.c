/*
 * field.c (http) — the field-sales documents (api.md §5.7): for each of quotations,
 * after-sales, visit plans, visits, forecasts and plans, POST /<collection>,
 * GET /<collection>?customer=&state=&owner=&q=, GET /<collection>/{number} and
 * POST /<collection>/{number}/{action}. Thin: the flows decide.
 */
#include "flow/field.h"
#include "http/handlers.h"

static int list(struct req *r,
                int (*fn)(struct ctx *, const struct fdoc_query *, json_t **, struct osb_err *),
                struct osb_err *e)
{
    static const char *const allowed[] = {"customer", "state",  "owner", "q",
                                          "limit",    "cursor", NULL};
    struct fdoc_query q = {req_query(r, "customer"), req_query(r, "state"),  req_query(r, "owner"),
                           req_query(r, "q"),        req_query(r, "cursor"), 50};
    json_t *out;
    if (req_query_only(r, allowed, e) < 0 || req_limit(r, &q.limit, e) < 0 ||
        fn(&r->ctx, &q, &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

#define FIELD_HANDLERS(name, flow)                                                                 \
    int h_##name##_create(struct req *r, struct osb_err *e)                                        \
    {                                                                                              \
        json_t *out;                                                                               \
        if (flow##_create(&r->ctx, req_body(r), &out, e) < 0)                                      \
            return -1;                                                                             \
        resp_json(r, 201, out);                                                                    \
        return 0;                                                                                  \
    }                                                                                              \
    int h_##name##_list(struct req *r, struct osb_err *e)                                          \
    {                                                                                              \
        return list(r, flow##_list, e);                                                            \
    }                                                                                              \
    int h_##name##_get(struct req *r, struct osb_err *e)                                           \
    {                                                                                              \
        json_t *out;                                                                               \
        if (flow##_get(&r->ctx, r->params[0], &out, e) < 0)                                        \
            return -1;                                                                             \
        resp_json(r, 200, out);                                                                    \
        return 0;                                                                                  \
    }                                                                                              \
    int h_##name##_action(struct req *r, struct osb_err *e)                                        \
    {                                                                                              \
        json_t *out;                                                                               \
        if (flow##_act(&r->ctx, r->params[0], r->params[1], req_body(r), &out, e) < 0)             \
            return -1;                                                                             \
        resp_json(r, 200, out);                                                                    \
        return 0;                                                                                  \
    }

FIELD_HANDLERS(quotation, quotation)
FIELD_HANDLERS(after_sales, after_sales)
FIELD_HANDLERS(visit_plan, visit_plan)
FIELD_HANDLERS(visit, visit)
FIELD_HANDLERS(forecast, forecast)
FIELD_HANDLERS(plan, plan)
