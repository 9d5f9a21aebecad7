/*
 * contracts.c (http) — contracts (HT): POST/GET /contracts, GET /contracts/{number},
 * POST /contracts/{number}/{approve|sign|archive}.
 */
#include "flow/contract.h"
#include "http/handlers.h"

#include <string.h>

int h_contract_create(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (contract_create(&r->ctx, req_body(r), &out, e) < 0)
        return -1;
    resp_json(r, 201, out);
    return 0;
}

int h_contract_list(struct req *r, struct osb_err *e)
{
    static const char *const allowed[] = {"customer", "state",  "kind",     "q",
                                          "limit",    "cursor", "expiring", NULL};
    struct contract_query q = {req_query(r, "customer"),
                               req_query(r, "state"),
                               req_query(r, "kind"),
                               req_query(r, "cursor"),
                               50,
                               req_query(r, "q"),
                               false};
    const char *ex = req_query(r, "expiring");
    if (ex && strcmp(ex, "true") != 0 && strcmp(ex, "false") != 0)
        return err_bad(e, "expiring", "expiring is true or false");
    q.expiring = ex && strcmp(ex, "true") == 0;
    json_t *out;
    if (req_query_only(r, allowed, e) < 0 || req_limit(r, &q.limit, e) < 0 ||
        contract_list(&r->ctx, &q, &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}
