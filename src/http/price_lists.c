/*
 * price_lists.c (http) — price lists (JG): POST/GET /price-lists, POST /price-lists/import
 * (text/csv). GET /price-lists/{number} and POST /price-lists/{number}/{approve|publish|retire}
 * are the kernel's handlers (http/doc.c).
 */
#include "flow/price_list.h"
#include "http/handlers.h"

int h_price_list_create(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (price_list_create(&r->ctx, req_body(r), &out, e) < 0)
        return -1;
    resp_json(r, 201, out);
    return 0;
}

int h_price_list_import(struct req *r, struct osb_err *e)
{
    static const char *const allowed[] = {"code", "name", "valid_from", "valid_to", NULL};
    struct price_list_head h = {req_query(r, "code"), req_query(r, "name"),
                                req_query(r, "valid_from"), req_query(r, "valid_to")};
    json_t *out;
    if (req_query_only(r, allowed, e) < 0 ||
        price_list_import(&r->ctx, &h, r->content_type, r->body ? r->body : "", r->body_len, &out,
                          e) < 0)
        return -1;
    resp_json(r, 201, out);
    return 0;
}

int h_price_list_list(struct req *r, struct osb_err *e)
{
    static const char *const allowed[] = {"code",   "state",    "q", "limit",
                                          "cursor", "customer", NULL};
    struct price_list_query q = {req_query(r, "code"),   req_query(r, "state"),
                                 req_query(r, "cursor"), 50,
                                 req_query(r, "q"),      req_query(r, "customer")};
    json_t *out;
    if (req_query_only(r, allowed, e) < 0 || req_limit(r, &q.limit, e) < 0 ||
        price_list_list(&r->ctx, &q, &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}
