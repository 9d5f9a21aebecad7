/*
 * billing.c (http) — BC (api.md §3.5): GET /invoices, /invoices/{number},
 * /credit-notes/{number}; POST/GET /payments, GET /payments/{number};
 * GET /customers/{code}/ledger, /customers/{code}/statement,
 * /customers/{code}/credit-incidents; GET /receivables/aging.
 */
#include "flow/billing.h"
#include "flow/ledger.h"
#include "flow/list_filter.h"
#include "flow/overdue.h"
#include "flow/payment.h"
#include "http/handlers.h"

int h_invoice_list(struct req *r, struct osb_err *e)
{
    static const char *const allowed[] = {"customer", "state",  "order", "q",
                                          "limit",    "cursor", NULL};
    struct invoice_query q = {req_query(r, "customer"),
                              req_query(r, "state"),
                              req_query(r, "order"),
                              req_query(r, "cursor"),
                              50,
                              req_query(r, "q")};
    json_t *out;
    if (req_query_only(r, allowed, e) < 0 || req_limit(r, &q.limit, e) < 0 ||
        invoice_list(&r->ctx, &q, &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_invoice_get(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (invoice_get(&r->ctx, r->params[0], &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_credit_note_get(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (credit_note_get(&r->ctx, r->params[0], &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_payment_create(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (payment_create(&r->ctx, req_body(r), &out, e) < 0)
        return -1;
    resp_json(r, 201, out);
    return 0;
}

int h_payment_list(struct req *r, struct osb_err *e)
{
    static const char *const allowed[] = {"customer", "kind",   "state", "q",
                                          "limit",    "cursor", NULL};
    struct payment_query q = {req_query(r, "customer"),
                              req_query(r, "kind"),
                              req_query(r, "state"),
                              req_query(r, "cursor"),
                              50,
                              req_query(r, "q")};
    json_t *out;
    if (req_query_only(r, allowed, e) < 0 || req_limit(r, &q.limit, e) < 0 ||
        payment_list(&r->ctx, &q, &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_payment_get(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (payment_get(&r->ctx, r->params[0], &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_customer_ledger(struct req *r, struct osb_err *e)
{
    static const char *const allowed[] = {"from", "to", NULL};
    json_t *out;
    if (req_query_only(r, allowed, e) < 0 ||
        ledger_get(&r->ctx, r->params[0], req_query(r, "from"), req_query(r, "to"), &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_customer_credit_incidents(struct req *r, struct osb_err *e)
{
    static const char *const allowed[] = {NULL};
    json_t *out;
    if (req_query_only(r, allowed, e) < 0 ||
        overdue_incidents_get(&r->ctx, r->params[0], &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_customer_statement(struct req *r, struct osb_err *e)
{
    static const char *const allowed[] = {"from", "to", "format", "basis", "month", NULL};
    struct statement_query q = {req_query(r, "from"), req_query(r, "to"), req_query(r, "format"),
                                req_query(r, "basis"), req_query(r, "month")};
    struct statement_out out;
    if (req_query_only(r, allowed, e) < 0 || statement_get(&r->ctx, r->params[0], &q, &out, e) < 0)
        return -1;
    if (out.json) {
        resp_json(r, 200, out.json);
    } else {
        r->status = 200;
        r->raw = out.raw;
        r->raw_len = out.raw_len;
        r->raw_type = out.raw_type;
        r->export_type = "customer_statement";
        r->export_key = r->params[0];
    }
    return 0;
}

int h_receivables_aging(struct req *r, struct osb_err *e)
{
    static const char *const allowed[] = {"as_of", "market", "region", "q", "state", NULL};
    static const char *const q_keys[] = {"customer", "name", "customer_name", NULL};
    json_t *out;
    if (req_query_only(r, allowed, e) < 0 ||
        aging_get(&r->ctx, req_query(r, "as_of"), req_query(r, "market"), req_query(r, "region"),
                  &out, e) < 0)
        return -1;
    list_filter_items(out, req_query(r, "q"), req_query(r, "state"), q_keys);
    resp_json(r, 200, out);
    return 0;
}

int h_payment_action(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (payment_act(&r->ctx, r->params[0], r->params[1], req_body(r), &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}
