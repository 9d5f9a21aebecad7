/*
 * market.c (http) — market support (api.md §5.6): /expense-budgets, /expense-applications,
 * /pop-allocations, /pop-requests, /samples, /inventory-reports, /support-requests. A document's
 * GET /<collection>/{number} and POST /<collection>/{number}/{action} are the kernel's handlers
 * (http/doc.c, the route row names mkt_doc_kinds[t]).
 */
#include "flow/market.h"
#include "flow/list_filter.h"
#include "http/handlers.h"

static int reply(struct req *r, int status, int rc, json_t *out)
{
    if (rc < 0)
        return -1;
    resp_json(r, status, out);
    return 0;
}

static int create(struct req *r, enum mkt_doc t, struct osb_err *e)
{
    json_t *out = NULL;
    int rc = mkt_create(&r->ctx, t, req_body(r), &out, e);
    return reply(r, 201, rc, out);
}

static int list(struct req *r, enum mkt_doc t, const char *extra, struct osb_err *e)
{
    const char *allowed[] = {"customer", "state", "q", "limit", "cursor", "period", extra, NULL};
    struct mkt_query q = {req_query(r, "state"),
                          req_query(r, "customer"),
                          req_query(r, "q"),
                          req_query(r, "cursor"),
                          req_query(r, "period"),
                          extra ? req_query(r, extra) : NULL,
                          50};
    json_t *out = NULL;
    if (req_query_only(r, allowed, e) < 0 || req_limit(r, &q.limit, e) < 0)
        return -1;
    int rc = mkt_list(&r->ctx, t, &q, &out, e);
    return reply(r, 200, rc, out);
}

#define MKT_HANDLERS(name, T, extra)                                                               \
    int h_##name##_create(struct req *r, struct osb_err *e)                                        \
    {                                                                                              \
        return create(r, T, e);                                                                    \
    }                                                                                              \
    int h_##name##_list(struct req *r, struct osb_err *e)                                          \
    {                                                                                              \
        return list(r, T, extra, e);                                                               \
    }

MKT_HANDLERS(expense_app, MKT_FY, "category")
MKT_HANDLERS(pop_request, MKT_WL, NULL)
MKT_HANDLERS(sample, MKT_YP, "order")
MKT_HANDLERS(invrep, MKT_KC, NULL)
MKT_HANDLERS(support, MKT_ZC, "kind")

int h_budget_create(struct req *r, struct osb_err *e)
{
    json_t *out = NULL;
    int rc = budget_create(&r->ctx, req_body(r), &out, e);
    return reply(r, 201, rc, out);
}

int h_budget_list(struct req *r, struct osb_err *e)
{
    static const char *const allowed[] = {"market", "region", "category", "period",
                                          "q",      "limit",  "cursor",   NULL};
    struct budget_query q = {req_query(r, "market"),
                             req_query(r, "region"),
                             req_query(r, "category"),
                             req_query(r, "period"),
                             req_query(r, "q"),
                             req_query(r, "cursor"),
                             50};
    json_t *out = NULL;
    if (req_query_only(r, allowed, e) < 0 || req_limit(r, &q.limit, e) < 0)
        return -1;
    int rc = budget_list(&r->ctx, &q, &out, e);
    return reply(r, 200, rc, out);
}

int h_budget_get(struct req *r, struct osb_err *e)
{
    json_t *out = NULL;
    int rc = budget_get(&r->ctx, r->params[0], &out, e);
    return reply(r, 200, rc, out);
}

int h_pop_allocation_create(struct req *r, struct osb_err *e)
{
    json_t *out = NULL;
    int rc = pop_allocate(&r->ctx, req_body(r), &out, e);
    return reply(r, 201, rc, out);
}

int h_pop_allocation_list(struct req *r, struct osb_err *e)
{
    static const char *const allowed[] = {"period", "q", "state", NULL};
    json_t *out = NULL;
    if (req_query_only(r, allowed, e) < 0)
        return -1;
    int rc = pop_allocation_list(&r->ctx, req_query(r, "period"), &out, e);
    if (rc >= 0)
        list_filter_items(out, req_query(r, "q"), req_query(r, "state"), NULL);
    return reply(r, 200, rc, out);
}

int h_invrep_prefill(struct req *r, struct osb_err *e)
{
    static const char *const allowed[] = {"customer", "period", NULL};
    json_t *out = NULL;
    if (req_query_only(r, allowed, e) < 0)
        return -1;
    int rc = invrep_prefill(&r->ctx, req_query(r, "customer"), req_query(r, "period"), &out, e);
    return reply(r, 200, rc, out);
}

int h_invrep_import(struct req *r, struct osb_err *e)
{
    static const char *const allowed[] = {"customer", "period", NULL};
    json_t *out = NULL;
    if (req_query_only(r, allowed, e) < 0)
        return -1;
    int rc = invrep_import(&r->ctx, req_query(r, "customer"), req_query(r, "period"),
                           r->content_type, r->body ? r->body : "", r->body_len, &out, e);
    return reply(r, 201, rc, out);
}
