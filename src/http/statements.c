/*
 * statements.c (http) — statement documents (DZ) and the semi-annual reconciliation:
 * POST/GET /statements, GET /statements/{number}, POST /statements/{number}/{action}.
 */
#include "flow/statement.h"
#include "http/handlers.h"

int h_statement_create(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (statement_doc_create(&r->ctx, req_body(r), &out, e) < 0)
        return -1;
    resp_json(r, 201, out);
    return 0;
}

int h_statement_list(struct req *r, struct osb_err *e)
{
    static const char *const allowed[] = {"customer", "kind",  "response", "state",
                                          "q",        "limit", "cursor",   NULL};
    struct statement_doc_query q = {req_query(r, "customer"), req_query(r, "kind"),
                                    req_query(r, "response"), req_query(r, "state"),
                                    req_query(r, "cursor"),   50,
                                    req_query(r, "q")};
    json_t *out;
    if (req_query_only(r, allowed, e) < 0 || req_limit(r, &q.limit, e) < 0 ||
        statement_doc_list(&r->ctx, &q, &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_statement_get(struct req *r, struct osb_err *e)
{
    static const char *const allowed[] = {"format", NULL};
    struct statement_out out;
    if (req_query_only(r, allowed, e) < 0 ||
        statement_doc_get(&r->ctx, r->params[0], req_query(r, "format"), &out, e) < 0)
        return -1;
    if (out.json) {
        resp_json(r, 200, out.json);
    } else {
        r->status = 200;
        r->raw = out.raw;
        r->raw_len = out.raw_len;
        r->raw_type = out.raw_type;
        r->export_type = "statement";
        r->export_key = r->params[0];
    }
    return 0;
}

int h_statement_action(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (statement_doc_act(&r->ctx, r->params[0], r->params[1], req_body(r), &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}
