/*
 * osb.c (http) — the OSB problem log and KPIs (api.md §3.7): GET/POST /osb-issues,
 * GET /osb-issues/{number}, POST /osb-issues/{number}/{explain|resolve|reopen}, GET /kpis,
 * GET /kpis/{name}/items, GET /reports/osb_meeting.
 */
#include "flow/kpi.h"
#include "flow/meeting.h"
#include "flow/osb_issue.h"
#include "http/handlers.h"

#include <stdlib.h>
#include <string.h>

int h_osb_issue_list(struct req *r, struct osb_err *e)
{
    static const char *const allowed[] = {"state",    "rule",   "department", "source",
                                          "document", "market", "from",       "to",
                                          "q",        "limit",  "cursor",     NULL};
    struct osb_issue_query q = {req_query(r, "state"),
                                req_query(r, "rule"),
                                req_query(r, "department"),
                                req_query(r, "source"),
                                req_query(r, "document"),
                                req_query(r, "market"),
                                req_query(r, "from"),
                                req_query(r, "to"),
                                0,
                                50,
                                req_query(r, "q")};
    const char *cur = req_query(r, "cursor");
    if (cur) {
        char *end;
        q.after_id = strtoll(cur, &end, 10);
        if (end == cur || *end || q.after_id <= 0)
            return err_bad(e, "cursor", "cursor is not one this list gave out");
    }
    json_t *out;
    if (req_query_only(r, allowed, e) < 0 || req_limit(r, &q.limit, e) < 0 ||
        osb_issue_list(&r->ctx, &q, &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_osb_issue_get(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (osb_issue_get(&r->ctx, r->params[0], &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_osb_issue_action(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (osb_issue_act(&r->ctx, r->params[0], r->params[1], req_body(r), &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_osb_issue_create(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (osb_issue_create(&r->ctx, req_body(r), &out, e) < 0)
        return -1;
    resp_json(r, 201, out);
    return 0;
}

static const char *const kpi_params[] = {"from", "to", "market", "region", NULL};

int h_kpis(struct req *r, struct osb_err *e)
{
    struct kpi_query q = {req_query(r, "from"), req_query(r, "to"), req_query(r, "market"),
                          req_query(r, "region")};
    json_t *out;
    if (req_query_only(r, kpi_params, e) < 0 || kpi_list(&r->ctx, &q, &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_kpi_items(struct req *r, struct osb_err *e)
{
    struct kpi_query q = {req_query(r, "from"), req_query(r, "to"), req_query(r, "market"),
                          req_query(r, "region")};
    json_t *out;
    if (req_query_only(r, kpi_params, e) < 0 || kpi_items(&r->ctx, r->params[0], &q, &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_kpi_get(struct req *r, struct osb_err *e)
{
    struct kpi_query q = {req_query(r, "from"), req_query(r, "to"), req_query(r, "market"),
                          req_query(r, "region")};
    json_t *out;
    if (req_query_only(r, kpi_params, e) < 0 || kpi_get(&r->ctx, r->params[0], &q, &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_report_osb_meeting(struct req *r, struct osb_err *e)
{
    static const char *const allowed[] = {"month", "market", "format", NULL};
    const char *format = req_query(r, "format");
    if (req_query_only(r, allowed, e) < 0)
        return -1;
    if (format && strcmp(format, "json") != 0)
        return err_bad(e, "format", "this report is available as format=json");
    json_t *out;
    if (osb_meeting_report(&r->ctx, req_query(r, "month"), req_query(r, "market"), &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}
