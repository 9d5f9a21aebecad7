/*
 * quotas.c (http) — POST/GET /quotas, GET/PATCH /quotas/{id}.
 */
#include "flow/quota.h"
#include "http/handlers.h"

#include <stdlib.h>

static int parse_id(struct req *r, int64_t *id, struct osb_err *e)
{
    char *end;
    long long v = strtoll(r->params[0], &end, 10);
    if (*end || v <= 0)
        return err_set(e, ERR_NOT_FOUND, "no quota '%s'", r->params[0]);
    *id = v;
    return 0;
}

int h_quota_create(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (quota_set(&r->ctx, req_body(r), &out, e) < 0)
        return -1;
    resp_json(r, 201, out);
    return 0;
}

int h_quota_list(struct req *r, struct osb_err *e)
{
    static const char *const allowed[] = {"period", "sku",   "customer", "region",
                                          "q",      "limit", "cursor",   NULL};
    json_t *out;
    int limit;
    if (req_query_only(r, allowed, e) < 0 || req_limit(r, &limit, e) < 0 ||
        quota_list(&r->ctx, req_query(r, "period"), req_query(r, "sku"), req_query(r, "customer"),
                   req_query(r, "region"), req_query(r, "q"), limit, req_query(r, "cursor"), &out,
                   e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_quota_get(struct req *r, struct osb_err *e)
{
    int64_t id = 0;
    json_t *out;
    if (parse_id(r, &id, e) < 0 || quota_get(&r->ctx, id, &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_quota_patch(struct req *r, struct osb_err *e)
{
    int64_t id = 0;
    json_t *out;
    if (parse_id(r, &id, e) < 0 || quota_patch(&r->ctx, id, req_body(r), &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}
