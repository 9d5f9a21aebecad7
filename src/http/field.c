/*
 * field.c (http) — the field-sales documents (api.md §5.7): for each of quotations,
 * after-sales, visit plans, visits, forecasts and plans, POST /<collection>. Their
 * GET /<collection>?customer=&state=&owner=&q=, GET /<collection>/{number} and
 * POST /<collection>/{number}/{action} are doc.c's, the route row naming the kind. Thin: the
 * flows decide.
 */
#include "flow/field.h"
#include "http/handlers.h"

#define FIELD_HANDLERS(name, flow)                                                                 \
    int h_##name##_create(struct req *r, struct osb_err *e)                                        \
    {                                                                                              \
        json_t *out;                                                                               \
        if (flow##_create(&r->ctx, req_body(r), &out, e) < 0)                                      \
            return -1;                                                                             \
        resp_json(r, 201, out);                                                                    \
        return 0;                                                                                  \
    }

FIELD_HANDLERS(quotation, quotation)
FIELD_HANDLERS(after_sales, after_sales)
FIELD_HANDLERS(visit_plan, visit_plan)
FIELD_HANDLERS(visit, visit)
FIELD_HANDLERS(forecast, forecast)
FIELD_HANDLERS(plan, plan)
