/*
 * market_files.c (http) — files of market documents (/pop-requests/{n}/attachments,
 * /expense-applications/{n}/attachments, /support-requests/{n}/documents, /market-files/{id})
 * and consumer records (/consumer-records). Thin: query and body to flow/market_files.c.
 */
#include "flow/market_files.h"
#include "http/handlers.h"

#include <stdlib.h>

static int reply(struct req *r, int status, int rc, json_t *out)
{
    if (rc < 0)
        return -1;
    resp_json(r, status, out);
    return 0;
}

static int upload(struct req *r, enum mkt_doc t, struct osb_err *e)
{
    static const char *const allowed[] = {"name", "kind", "title", "visibility", NULL};
    if (req_query_only(r, allowed, e) < 0)
        return -1;
    struct mkt_file_meta m = {req_query(r, "name"), req_query(r, "kind"), req_query(r, "title"),
                              req_query(r, "visibility")};
    json_t *out = NULL;
    int rc = mkt_file_upload(&r->ctx, t, r->params[0], r->content_type, r->body ? r->body : "",
                             r->body_len, &m, &out, e);
    return reply(r, 201, rc, out);
}

static int list(struct req *r, enum mkt_doc t, struct osb_err *e)
{
    static const char *const allowed[] = {"visibility", NULL};
    if (req_query_only(r, allowed, e) < 0)
        return -1;
    json_t *out = NULL;
    int rc = mkt_file_list(&r->ctx, t, r->params[0], req_query(r, "visibility"), &out, e);
    return reply(r, 200, rc, out);
}

/* clang-format off */
int h_pop_file_upload(struct req *r, struct osb_err *e) { return upload(r, MKT_WL, e); }
int h_pop_file_list(struct req *r, struct osb_err *e) { return list(r, MKT_WL, e); }
int h_expense_file_upload(struct req *r, struct osb_err *e) { return upload(r, MKT_FY, e); }
int h_expense_file_list(struct req *r, struct osb_err *e) { return list(r, MKT_FY, e); }
int h_support_doc_upload(struct req *r, struct osb_err *e) { return upload(r, MKT_ZC, e); }
int h_support_doc_list(struct req *r, struct osb_err *e) { return list(r, MKT_ZC, e); }
/* clang-format on */

int h_contract_file_upload(struct req *r, struct osb_err *e)
{
    static const char *const allowed[] = {"name", "title", NULL};
    if (req_query_only(r, allowed, e) < 0)
        return -1;
    struct mkt_file_meta m = {req_query(r, "name"), NULL, req_query(r, "title"), NULL};
    json_t *out = NULL;
    int rc = contract_file_upload(&r->ctx, r->params[0], r->content_type, r->body ? r->body : "",
                                  r->body_len, &m, &out, e);
    return reply(r, 201, rc, out);
}

int h_contract_file_list(struct req *r, struct osb_err *e)
{
    static const char *const allowed[] = {NULL};
    if (req_query_only(r, allowed, e) < 0)
        return -1;
    json_t *out = NULL;
    int rc = contract_file_list(&r->ctx, r->params[0], &out, e);
    return reply(r, 200, rc, out);
}

int h_support_doc_send(struct req *r, struct osb_err *e)
{
    json_t *out = NULL;
    int rc = mkt_file_send(&r->ctx, r->params[0], r->params[1], &out, e);
    return reply(r, 200, rc, out);
}

int h_market_file_get(struct req *r, struct osb_err *e)
{
    char *data;
    size_t len;
    const char *mime;
    if (mkt_file_content(&r->ctx, r->params[0], &data, &len, &mime, e) < 0)
        return -1;
    r->status = 200;
    r->raw = data;
    r->raw_len = len;
    r->raw_type = mime;
    return 0;
}

int h_consumer_create(struct req *r, struct osb_err *e)
{
    json_t *out = NULL;
    int rc = consumer_create(&r->ctx, req_body(r), &out, e);
    return reply(r, 201, rc, out);
}

int h_consumer_list(struct req *r, struct osb_err *e)
{
    static const char *const allowed[] = {"customer", "state", "q", "limit", "cursor", NULL};
    int limit = 50;
    if (req_query_only(r, allowed, e) < 0 || req_limit(r, &limit, e) < 0)
        return -1;
    json_t *out = NULL;
    int rc = consumer_list(&r->ctx, req_query(r, "customer"), req_query(r, "state"),
                           req_query(r, "q"), req_query(r, "cursor"), limit, &out, e);
    return reply(r, 200, rc, out);
}

int h_consumer_get(struct req *r, struct osb_err *e)
{
    json_t *out = NULL;
    int rc = consumer_get(&r->ctx, r->params[0], &out, e);
    return reply(r, 200, rc, out);
}

int h_consumer_follow_up(struct req *r, struct osb_err *e)
{
    json_t *out = NULL;
    int rc = consumer_follow_up(&r->ctx, r->params[0], req_body(r), &out, e);
    return reply(r, 201, rc, out);
}
