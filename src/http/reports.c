/*
 * reports.c (http) — the report engine (api.md §5.8): GET /reports, GET /reports/{name}.
 */
#include "flow/list_filter.h"
#include "flow/report.h"
#include "http/handlers.h"

#include <microhttpd.h>

int h_reports_list(struct req *r, struct osb_err *e)
{
    static const char *const allowed[] = {"q", "state", NULL};
    json_t *out;
    if (req_query_only(r, allowed, e) < 0 || report_list(&r->ctx, &out, e) < 0)
        return -1;
    list_filter_items(out, req_query(r, "q"), req_query(r, "state"), NULL);
    resp_json(r, 200, out);
    return 0;
}

static int collect(void *cls, const char *key, const char *value)
{
    json_object_set_new(cls, key, value ? json_string(value) : json_string(""));
    return 0;
}

int h_report_get(struct req *r, struct osb_err *e)
{
    /* which parameters a report takes is its definition's business (flow/report.c) */
    json_t *query = json_object();
    req_args_each(r, collect, query);
    struct report_out out;
    int rc = report_run(&r->ctx, r->params[0], query, &out, e);
    json_decref(query);
    if (rc < 0)
        return -1;
    if (out.json) {
        resp_json(r, 200, out.json);
    } else if (out.json_text) {
        r->status = 200;
        r->resp_text = out.json_text;
        r->resp_text_len = out.json_len;
    } else {
        r->status = 200;
        r->raw = out.raw;
        r->raw_len = out.raw_len;
        r->raw_type = out.raw_type;
    }
    return 0;
}

int h_export_approval(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (report_export_approve(&r->ctx, req_body(r), &out, e) < 0)
        return -1;
    resp_json(r, 201, out);
    return 0;
}
