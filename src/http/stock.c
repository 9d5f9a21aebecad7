/*
 * stock.c (http) — POST /stock/receipts, GET /stock.
 */
#include "flow/stock.h"
#include "http/handlers.h"

int h_stock_receipt(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (stock_receive(&r->ctx, req_body(r), &out, e) < 0)
        return -1;
    resp_json(r, 201, out);
    return 0;
}

int h_stock_list(struct req *r, struct osb_err *e)
{
    static const char *const allowed[] = {"sku", "warehouse", "q", "limit", "cursor", NULL};
    json_t *out;
    int limit;
    if (req_query_only(r, allowed, e) < 0 || req_limit(r, &limit, e) < 0 ||
        stock_list(&r->ctx, req_query(r, "sku"), req_query(r, "warehouse"), req_query(r, "q"),
                   limit, req_query(r, "cursor"), &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}
