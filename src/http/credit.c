/*
 * credit.c (http) — CMR (api.md §5.3): POST/GET /credit-reviews; GET /credit-grades?month=,
 * POST /credit-grades/{month}/{compute|override|publish}. GET /credit-reviews/{number} and
 * POST /credit-reviews/{number}/{review|approve|reject} are the kernel's handlers (http/doc.c).
 */
#include "flow/cmr.h"
#include "flow/list_filter.h"
#include "http/handlers.h"

int h_credit_review_create(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (credit_review_create(&r->ctx, req_body(r), &out, e) < 0)
        return -1;
    resp_json(r, 201, out);
    return 0;
}

int h_credit_review_list(struct req *r, struct osb_err *e)
{
    static const char *const allowed[] = {"state", "quarter", "customer", "q",
                                          "limit", "cursor",  NULL};
    struct credit_review_query q = {req_query(r, "state"),    req_query(r, "quarter"),
                                    req_query(r, "customer"), req_query(r, "cursor"),
                                    req_query(r, "q"),        50};
    json_t *out;
    if (req_query_only(r, allowed, e) < 0 || req_limit(r, &q.limit, e) < 0 ||
        credit_review_list(&r->ctx, &q, &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_credit_grade_get(struct req *r, struct osb_err *e)
{
    static const char *const allowed[] = {"month", "q", "state", NULL};
    static const char *const q_keys[] = {"customer", "name", "grade", NULL};
    json_t *out;
    if (req_query_only(r, allowed, e) < 0 ||
        credit_grade_get(&r->ctx, req_query(r, "month"), &out, e) < 0)
        return -1;
    list_filter_items(out, req_query(r, "q"), req_query(r, "state"), q_keys);
    resp_json(r, 200, out);
    return 0;
}

int h_credit_grade_action(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (credit_grade_act(&r->ctx, r->params[0], r->params[1], req_body(r), &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}
