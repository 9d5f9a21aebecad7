/*
 * customers.c (http) — the customer lifecycle: POST /customers/{code}/{action} (flows.md §1,
 * api.md §5.2) and POST /customers/{code}/credit-incidents (api.md §5.3). Creating, reading
 * and editing customers are the master-data routes (http/masterdata.c).
 */
#include "flow/customer.h"
#include "http/handlers.h"

int h_customer_action(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (customer_act(&r->ctx, r->params[0], r->params[1], req_body(r), &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_customer_incident_create(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (customer_incident_create(&r->ctx, r->params[0], req_body(r), &out, e) < 0)
        return -1;
    resp_json(r, 201, out);
    return 0;
}
