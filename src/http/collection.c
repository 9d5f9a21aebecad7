/*
 * collection.c (http) — the collection routine (flow/collection.h): POST/GET
 * /collection-requests, GET /collection-requests/{number}, POST
 * /collection-requests/{number}/{submit|confirm|send|close}; POST /bank-receipts/import
 * (text/csv), POST /bank-receipts/register-claimed, GET /bank-receipts, GET
 * /bank-receipts/{number}, POST /bank-receipts/{number}/{claim|register|ignore}; GET
 * /call-list (the calls are POST /call-logs, http/fieldlog.c).
 */
#include "flow/collection.h"
#include "flow/list_filter.h"
#include "http/handlers.h"

int h_collreq_create(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (collreq_create(&r->ctx, req_body(r), &out, e) < 0)
        return -1;
    resp_json(r, 201, out);
    return 0;
}

int h_collreq_list(struct req *r, struct osb_err *e)
{
    static const char *const allowed[] = {"customer", "state", "q", "limit", "cursor", NULL};
    struct collreq_query q = {req_query(r, "customer"), req_query(r, "state"),
                              req_query(r, "cursor"), req_query(r, "q"), 50};
    json_t *out;
    if (req_query_only(r, allowed, e) < 0 || req_limit(r, &q.limit, e) < 0 ||
        collreq_list(&r->ctx, &q, &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_bank_import(struct req *r, struct osb_err *e)
{
    static const char *const allowed[] = {"bank_account", NULL};
    json_t *out;
    if (req_query_only(r, allowed, e) < 0 ||
        bank_import(&r->ctx, req_query(r, "bank_account"), r->body ? r->body : "", r->body_len,
                    &out, e) < 0)
        return -1;
    resp_json(r, 201, out);
    return 0;
}

int h_bank_register_claimed(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (bank_register_claimed(&r->ctx, req_body(r), &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_bank_list(struct req *r, struct osb_err *e)
{
    static const char *const allowed[] = {"state", "customer", "q", "import_no",
                                          "limit", "cursor",   NULL};
    struct bank_query q = {req_query(r, "state"), req_query(r, "customer"),  req_query(r, "cursor"),
                           req_query(r, "q"),     req_query(r, "import_no"), 50};
    json_t *out;
    if (req_query_only(r, allowed, e) < 0 || req_limit(r, &q.limit, e) < 0 ||
        bank_list(&r->ctx, &q, &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_call_list_week(struct req *r, struct osb_err *e)
{
    static const char *const allowed[] = {"week", "bcr", "q", "state", NULL};
    json_t *out;
    if (req_query_only(r, allowed, e) < 0 ||
        call_list_week(&r->ctx, req_query(r, "week"), req_query(r, "bcr"), &out, e) < 0)
        return -1;
    list_filter_items(out, req_query(r, "q"), req_query(r, "state"), NULL);
    resp_json(r, 200, out);
    return 0;
}
