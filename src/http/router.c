/*
 * router.c — the one route table of the API, and the wrapper every route runs in:
 * authentication, the transaction, Idempotency-Key replay, commit or rollback.
 */
#include "http/http.h"

#include "core/audit_canon.h"
#include "core/log.h"
#include "core/sb.h"
#include "core/str.h"
#include "flow/cmr.h"
#include "flow/collection.h"
#include "flow/contract.h"
#include "flow/field.h"
#include "flow/flow.h"
#include "flow/market.h"
#include "flow/market_files.h"
#include "flow/price_list.h"
#include "flow/session.h"
#include "http/handlers.h"
#include "http/metrics.h"
#include "http/money_view.h"
#include "rules/doc.h"

#include <microhttpd.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define W R_WRITE
#define WI (R_WRITE | R_IDEM)

#define MD_ROUTES(name)                                                                            \
    {"POST", "/" #name, h_##name##_create, WI}, {"GET", "/" #name, h_##name##_list, 0},            \
        {"GET", "/" #name "/:", h_##name##_get, 0},                                                \
        {"PATCH", "/" #name "/:", h_##name##_patch, W},                                            \
        {"GET", "/" #name "/:/history", h_##name##_history, R_AUDIT},

/* A row names its document kind (the fifth member) only where a kernel handler serves it
   (http/doc.c); every other row leaves it out. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const struct route routes[] = {
    {"POST", "/login", h_login, R_PUBLIC | R_OWN_TX},
    {"POST", "/logout", h_logout, W},
    {"GET", "/me", h_me, R_NO_TX},
    /* operations (docs/operations.md "Monitoring"): Prometheus scrapes it without a login */
    {"GET", "/metrics", h_metrics, R_PUBLIC},
    {"POST", "/customers/import", h_customers_import, W | R_RAW | R_BIG | R_HEAVY},
    {"POST", "/products/import", h_products_import, W | R_RAW | R_BIG | R_HEAVY},
    {"GET", "/customers/:/credit", h_customer_credit, 0},
    MD_ROUTES(markets) MD_ROUTES(regions) MD_ROUTES(users) MD_ROUTES(customers) MD_ROUTES(products)
        MD_ROUTES(warehouses){"POST", "/stock/receipts", h_stock_receipt, WI},
    {"GET", "/stock", h_stock_list, 0},
    {"POST", "/quotas", h_quota_create, WI},
    {"GET", "/quotas", h_quota_list, 0},
    {"GET", "/quotas/:", h_quota_get, 0},
    {"PATCH", "/quotas/:", h_quota_patch, W},
    {"POST", "/orders", h_order_create, WI},
    {"GET", "/orders", h_order_list, 0},
    {"GET", "/orders/:", h_order_get, 0},
    {"POST", "/orders/:/:", h_order_action, W},
    {"GET", "/shipments", h_shipment_list, 0},
    {"GET", "/shipments/:", h_shipment_get, 0},
    {"POST", "/shipments/:/:", h_shipment_action, W},
    {"GET", "/backorders", h_backorder_list, 0},
    {"GET", "/backorders/:", h_backorder_get, 0},
    {"POST", "/backorders/:/:", h_backorder_action, W},
    {"GET", "/delivery-notes/:", h_delivery_note_get, R_FILE},
    {"GET", "/invoices", h_invoice_list, 0},
    {"GET", "/invoices/:", h_invoice_get, 0},
    {"GET", "/credit-notes/:", h_credit_note_get, 0},
    {"POST", "/payments", h_payment_create, WI},
    {"GET", "/payments", h_payment_list, 0},
    {"GET", "/payments/:", h_payment_get, 0},
    /* corrections (api.md §5.5): reverse, reallocate */
    {"POST", "/payments/:/:", h_payment_action, W},
    {"GET", "/customers/:/ledger", h_customer_ledger, 0},
    {"GET", "/customers/:/credit-incidents", h_customer_credit_incidents, 0},
    /* customers: lifecycle (flows.md §1) and credit incidents entered by hand */
    {"POST", "/customers/:/credit-incidents", h_customer_incident_create, WI},
    {"POST", "/customers/:/:", h_customer_action, W},
    {"GET", "/customers/:/statement", h_customer_statement, R_FILE},
    {"GET", "/receivables/aging", h_receivables_aging, R_HEAVY},
    {"POST", "/returns", h_return_create, WI},
    {"GET", "/returns", h_return_list, 0},
    {"GET", "/returns/:", h_return_get, 0},
    {"POST", "/returns/:/:", h_return_action, W},
    {"POST", "/refunds", h_refund_create, WI},
    {"GET", "/refunds", h_refund_list, 0},
    {"GET", "/refunds/:", h_refund_get, 0},
    {"POST", "/refunds/:/:", h_refund_action, W},
    {"POST", "/write-offs", h_write_off_create, WI},
    {"GET", "/write-offs", h_write_off_list, 0},
    {"GET", "/write-offs/:", h_write_off_get, 0},
    {"POST", "/write-offs/:/:", h_write_off_action, W},
    {"POST", "/statements", h_statement_create, WI},
    {"GET", "/statements", h_statement_list, 0},
    {"GET", "/statements/:", h_statement_get, R_FILE},
    {"POST", "/statements/:/:", h_statement_action, W},
    {"POST", "/instruments", h_instrument_create, WI},
    {"GET", "/instruments", h_instrument_list, 0},
    {"GET", "/instruments/:", h_instrument_get, 0},
    {"POST", "/instruments/:/:", h_instrument_action, W},
    /* market wave 2b (#12): files of market documents (before the action routes, which
       would take "attachments" for an action), consumer records */
    /* the attachment routes take MKT_FILE_MAX (5 MiB) as their own limit, not the import's */
    {"POST", "/pop-requests/:/attachments", h_pop_file_upload, WI | R_RAW | R_ANYTYPE, NULL,
     MKT_FILE_MAX},
    {"GET", "/pop-requests/:/attachments", h_pop_file_list, 0},
    {"POST", "/expense-applications/:/attachments", h_expense_file_upload, WI | R_RAW | R_ANYTYPE,
     NULL, MKT_FILE_MAX},
    {"GET", "/expense-applications/:/attachments", h_expense_file_list, 0},
    {"POST", "/support-requests/:/documents", h_support_doc_upload, WI | R_RAW | R_ANYTYPE, NULL,
     MKT_FILE_MAX},
    {"GET", "/support-requests/:/documents", h_support_doc_list, 0},
    {"POST", "/support-requests/:/documents/:/send", h_support_doc_send, W},
    /* contracts take files the same way (issue 13) */
    {"POST", "/contracts/:/attachments", h_contract_file_upload, WI | R_RAW | R_ANYTYPE, NULL,
     MKT_FILE_MAX},
    {"GET", "/contracts/:/attachments", h_contract_file_list, 0},
    {"GET", "/market-files/:", h_market_file_get, 0},
    {"POST", "/consumer-records", h_consumer_create, WI},
    {"GET", "/consumer-records", h_consumer_list, 0},
    {"GET", "/consumer-records/:", h_consumer_get, 0},
    {"POST", "/consumer-records/:/follow-ups", h_consumer_follow_up, W},
    /* market support (api.md §5.6) */
    {"POST", "/expense-budgets", h_budget_create, WI},
    {"GET", "/expense-budgets", h_budget_list, 0},
    {"GET", "/expense-budgets/:", h_budget_get, 0},
    {"POST", "/expense-applications", h_expense_app_create, WI},
    {"GET", "/expense-applications", h_expense_app_list, 0},
    {"GET", "/expense-applications/:", h_doc_get, 0, &mkt_doc_kinds[MKT_FY]},
    {"POST", "/expense-applications/:/:", h_doc_action, W, &mkt_doc_kinds[MKT_FY]},
    {"POST", "/pop-allocations", h_pop_allocation_create, WI},
    {"GET", "/pop-allocations", h_pop_allocation_list, 0},
    {"POST", "/pop-requests", h_pop_request_create, WI},
    {"GET", "/pop-requests", h_pop_request_list, 0},
    {"GET", "/pop-requests/:", h_doc_get, 0, &mkt_doc_kinds[MKT_WL]},
    {"POST", "/pop-requests/:/:", h_doc_action, W, &mkt_doc_kinds[MKT_WL]},
    {"GET", "/samples", h_sample_list, 0},
    {"GET", "/samples/:", h_doc_get, 0, &mkt_doc_kinds[MKT_YP]},
    {"POST", "/samples/:/:", h_doc_action, W, &mkt_doc_kinds[MKT_YP]},
    {"POST", "/inventory-reports", h_invrep_create, WI},
    {"GET", "/inventory-reports", h_invrep_list, 0},
    {"GET", "/inventory-reports/prefill", h_invrep_prefill, 0}, /* before the number route */
    /* market wave 2b (#12): the distributor's file (CSV or XLSX) */
    {"POST", "/inventory-reports/import", h_invrep_import,
     WI | R_RAW | R_BIG | R_ANYTYPE | R_HEAVY},
    {"GET", "/inventory-reports/:", h_doc_get, 0, &mkt_doc_kinds[MKT_KC]},
    {"POST", "/inventory-reports/:/:", h_doc_action, W, &mkt_doc_kinds[MKT_KC]},
    {"POST", "/support-requests", h_support_create, WI},
    {"GET", "/support-requests", h_support_list, 0},
    {"GET", "/support-requests/:", h_doc_get, 0, &mkt_doc_kinds[MKT_ZC]},
    {"POST", "/support-requests/:/:", h_doc_action, W, &mkt_doc_kinds[MKT_ZC]},
    {"POST", "/contracts", h_contract_create, WI},
    {"GET", "/contracts", h_contract_list, 0},
    {"GET", "/contracts/:", h_doc_get, 0, &contract_doc_kind},
    {"POST", "/contracts/:/:", h_doc_action, W, &contract_doc_kind},
    /* credit (CMR, api.md §5.3) */
    {"POST", "/credit-reviews", h_credit_review_create, WI},
    {"GET", "/credit-reviews", h_credit_review_list, 0},
    {"GET", "/credit-reviews/:", h_doc_get, 0, &credit_review_doc_kind},
    {"POST", "/credit-reviews/:/:", h_doc_action, W, &credit_review_doc_kind},
    {"GET", "/credit-grades", h_credit_grade_get, 0},
    {"POST", "/credit-grades/:/:", h_credit_grade_action, W},
    /* collection routine (issue #11) */
    {"POST", "/collection-requests", h_collreq_create, WI},
    {"GET", "/collection-requests", h_collreq_list, 0},
    {"GET", "/collection-requests/:", h_doc_get, 0, &collreq_doc_kind},
    {"POST", "/collection-requests/:/:", h_doc_action, W, &collreq_doc_kind},
    {"POST", "/bank-receipts/import", h_bank_import, WI | R_RAW | R_BIG | R_HEAVY},
    {"POST", "/bank-receipts/register-claimed", h_bank_register_claimed, W},
    {"GET", "/bank-receipts", h_bank_list, 0},
    {"GET", "/bank-receipts/:", h_doc_get, 0, &bankline_doc_kind},
    {"POST", "/bank-receipts/:/:", h_doc_action, W, &bankline_doc_kind},
    {"GET", "/call-list", h_call_list_week, 0},
    /* prices: price lists (JG) */
    {"POST", "/price-lists", h_price_list_create, WI},
    {"POST", "/price-lists/import", h_price_list_import,
     WI | R_RAW | R_BIG | R_ANYTYPE | R_HEAVY}, /* CSV or XLSX (#11) */
    {"GET", "/price-lists", h_price_list_list, 0},
    {"GET", "/price-lists/:", h_doc_get, 0, &price_list_doc_kind},
    {"POST", "/price-lists/:/:", h_doc_action, W, &price_list_doc_kind},
    /* field sales (api.md §5.7) */
    {"POST", "/quotations", h_quotation_create, WI},
    {"GET", "/quotations", h_fdoc_list, 0, &quotation_doc_kind},
    {"GET", "/quotations/:", h_doc_get, 0, &quotation_doc_kind},
    {"POST", "/quotations/:/:", h_doc_action, W, &quotation_doc_kind},
    {"POST", "/after-sales", h_after_sales_create, WI},
    {"GET", "/after-sales", h_fdoc_list, 0, &after_sales_doc_kind},
    {"GET", "/after-sales/:", h_doc_get, 0, &after_sales_doc_kind},
    {"POST", "/after-sales/:/:", h_doc_action, W, &after_sales_doc_kind},
    {"POST", "/visit-plans", h_visit_plan_create, WI},
    {"GET", "/visit-plans", h_fdoc_list, 0, &visit_plan_doc_kind},
    {"GET", "/visit-plans/:", h_doc_get, 0, &visit_plan_doc_kind},
    {"POST", "/visit-plans/:/:", h_doc_action, W, &visit_plan_doc_kind},
    {"POST", "/visits", h_visit_create, WI},
    {"GET", "/visits", h_fdoc_list, 0, &visit_doc_kind},
    {"GET", "/visits/:", h_doc_get, 0, &visit_doc_kind},
    {"POST", "/visits/:/:", h_doc_action, W, &visit_doc_kind},
    {"POST", "/forecasts", h_forecast_create, WI},
    {"GET", "/forecasts", h_fdoc_list, 0, &forecast_doc_kind},
    {"GET", "/forecasts/:", h_doc_get, 0, &forecast_doc_kind},
    {"POST", "/forecasts/:/:", h_doc_action, W, &forecast_doc_kind},
    {"POST", "/plans", h_plan_create, WI},
    {"GET", "/plans", h_fdoc_list, 0, &plan_doc_kind},
    {"GET", "/plans/:", h_doc_get, 0, &plan_doc_kind},
    {"POST", "/plans/:/:", h_doc_action, W, &plan_doc_kind},
    /* field sales, records (issue #13; docs/api.md "Field sales: records") */
    {"POST", "/work-logs", h_work_log_create, WI},
    {"GET", "/work-logs", h_work_log_list, 0},
    {"GET", "/work-logs/:", h_work_log_get, 0},
    {"POST", "/call-logs", h_call_log_create, WI},
    {"GET", "/call-logs", h_call_log_list, 0},
    {"GET", "/call-logs/:", h_call_log_get, 0},
    {"POST", "/monthly-focus", h_monthly_focus_create, WI},
    {"GET", "/monthly-focus", h_monthly_focus_list, 0},
    {"GET", "/monthly-focus/:", h_monthly_focus_get, 0},
    {"POST", "/meetings", h_meeting_create, WI},
    {"GET", "/meetings", h_meeting_list, 0},
    {"GET", "/meetings/:", h_meeting_get, 0},
    {"GET", "/sightings", h_sighting_list, 0},
    {"POST", "/visit-verifications", h_visit_verification_create, WI},
    {"GET", "/visit-verifications", h_visit_verification_list, 0},
    {"POST", "/satisfaction-calls", h_satisfaction_create, WI},
    {"GET", "/satisfaction-calls", h_satisfaction_list, 0},
    {"POST", "/invoice-requests", h_invoice_request_create, WI},
    {"GET", "/invoice-requests", h_invoice_request_list, 0},
    {"GET", "/invoice-requests/:", h_invoice_request_get, 0},
    {"POST", "/invoice-requests/:/:", h_invoice_request_action, W},
    {"POST", "/quota-approvals", h_quota_approval, WI},
    {"POST", "/quota-transfers", h_quota_transfer, WI},
    {"GET", "/audit", h_audit_list, R_AUDIT},
    {"PUT", "/test/clock", h_clock_put, W | R_TEST},
    {"GET", "/test/clock", h_clock_get, R_TEST},
    {"POST", "/jobs/run", h_jobs_run, W | R_OWN_TX},
    {"GET", "/notifications", h_notifications_list, 0},
    {"POST", "/notifications/:/read", h_notification_read, W},
    {"POST", "/notifications/read-all", h_notifications_read_all, W}, /* issue #17 item 2 */
    {"POST", "/exports/xlsx", h_list_export_xlsx, W | R_HEAVY},       /* issue #17 item 3 */
    {"GET", "/osb-issues", h_osb_issue_list, 0},
    {"POST", "/osb-issues", h_osb_issue_create, WI},
    {"GET", "/osb-issues/:", h_osb_issue_get, 0},
    {"POST", "/osb-issues/:/:", h_osb_issue_action, W},
    {"GET", "/kpis", h_kpis, 0},
    {"GET", "/kpis/:", h_kpi_get, 0},
    {"GET", "/kpis/:/items", h_kpi_items, 0},
    {"GET", "/reports/osb_meeting", h_report_osb_meeting, 0},
    /* reports (api.md §5.8): the engine opens its own transaction (a file writes its export
       log and audit rows; a JSON answer only reads) */
    {"GET", "/reports", h_reports_list, 0},
    {"GET", "/reports/:", h_report_get, R_OWN_TX | R_HEAVY | R_AUDIT},
    {"POST", "/export-approvals", h_export_approval, WI},
    {"GET", "/settings", h_settings_list, 0},
    {"PUT", "/settings/:", h_settings_put, W},
    {"GET", "/outbox", h_outbox_list, 0},
    {"POST", "/outbox/:/retry", h_outbox_retry, W},
    /* queue: the work queue, password change, ending a user's sessions */
    {"GET", "/me/queue", h_me_queue, 0},
    /* issue #17 (ui2): the staff names the UI shows for logins */
    {"GET", "/people", h_people, 0},
    {"POST", "/me/password", h_me_password, W | R_OWN_TX},
    {"POST", "/users/:/end-sessions", h_user_end_sessions, W},
};
#pragma GCC diagnostic pop

/* Matches pattern against path; ':' segments are captured (URL-decoded by MHD already). */
static bool match(const char *pat, const char *path, struct req *r)
{
    int n = 0;
    char *caps[4] = {0};
    while (*pat && *path) {
        if (*pat != '/' || *path != '/')
            break;
        pat++, path++;
        const char *pe = strchr(pat, '/');
        const char *se = strchr(path, '/');
        size_t pl = pe ? (size_t)(pe - pat) : strlen(pat);
        size_t sl = se ? (size_t)(se - path) : strlen(path);
        if (pl == 1 && *pat == ':') {
            if (sl == 0 || n == 4)
                goto no;
            caps[n] = xmalloc(sl + 1);
            memcpy(caps[n], path, sl);
            caps[n][sl] = '\0';
            n++;
        } else if (pl != sl || strncmp(pat, path, pl) != 0) {
            goto no;
        }
        pat += pl;
        path += sl;
    }
    if (*pat || *path)
        goto no;
    for (int i = 0; i < n; i++)
        r->params[i] = caps[i];
    r->nparams = n;
    return true;
no:
    for (int i = 0; i < n; i++)
        free(caps[i]);
    return false;
}

/* Does the pattern end in an action wildcard ("/:/:")? */
static bool action_pattern(const char *pattern)
{
    size_t n = strlen(pattern);
    return n >= 4 && strcmp(pattern + n - 4, "/:/:") == 0;
}

/* Is the last segment of path an action of some document type (GET /orders/X/accept is a
   wrong method, GET /customers/C1/no-such-sub an unknown path)? */
static bool known_action(const char *path)
{
    const char *last = strrchr(path, '/');
    if (!last || !last[1])
        return false;
    for (size_t i = 0; doc_types[i]; i++)
        if (doc_action_parse(doc_types[i], last + 1) >= 0)
            return true;
    return false;
}

const struct route *router_match(const char *method, const char *path, struct req *r,
                                 bool *path_known)
{
    *path_known = false;
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        const struct route *rt = &routes[i];
        if ((rt->flags & R_TEST) && !g_server->test_clock)
            continue;
        struct req probe = {0};
        if (!match(rt->pattern, path, &probe))
            continue;
        /* A path matched only by an action pattern (/x/:/:) is no known path: GET
           /customers/C1/no-such-sub stays 404, not 405 because POST /customers/:/: exists. */
        if (!action_pattern(rt->pattern) || known_action(path))
            *path_known = true;
        if (strcmp(rt->method, method) == 0) {
            *path_known = true;
            memcpy(r->params, probe.params, sizeof r->params);
            r->nparams = probe.nparams;
            return rt;
        }
        for (int k = 0; k < probe.nparams; k++)
            free(probe.params[k]);
    }
    return NULL;
}

void router_allowed_methods(const char *path, struct sb *out)
{
    bool get = false;
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        const struct route *rt = &routes[i];
        if ((rt->flags & R_TEST) && !g_server->test_clock)
            continue;
        struct req probe = {0};
        if (!match(rt->pattern, path, &probe))
            continue;
        for (int k = 0; k < probe.nparams; k++)
            free(probe.params[k]);
        if (strstr(sb_str(out), rt->method)) /* a method is listed once */
            continue;
        sb_addf(out, "%s%s", out->len ? ", " : "", rt->method);
        get = get || strcmp(rt->method, "GET") == 0;
    }
    if (get)
        sb_add(out, ", HEAD");
}

/* ---- idempotency ------------------------------------------------------------------------ */

/* The query string is part of what a request says (an import's code, valid_from or bank
   account come as query parameters): each argument in the order sent, as "key=value\n". */
static enum MHD_Result hash_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                const char *value)
{
    (void)kind;
    crypto_hash_sha256_state *st = cls;
    crypto_hash_sha256_update(st, (const unsigned char *)key, strlen(key));
    crypto_hash_sha256_update(st, (const unsigned char *)"=", 1);
    if (value)
        crypto_hash_sha256_update(st, (const unsigned char *)value, strlen(value));
    crypto_hash_sha256_update(st, (const unsigned char *)"\n", 1);
    return MHD_YES;
}

static void request_hash(struct req *r, char out[65])
{
    crypto_hash_sha256_state st;
    unsigned char h[32];
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const unsigned char *)r->method, strlen(r->method));
    crypto_hash_sha256_update(&st, (const unsigned char *)" ", 1);
    crypto_hash_sha256_update(&st, (const unsigned char *)r->path, strlen(r->path));
    crypto_hash_sha256_update(&st, (const unsigned char *)"\n", 1);
    if (r->conn)
        MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, hash_arg, &st);
    crypto_hash_sha256_update(&st, (const unsigned char *)"\n", 1);
    if (r->body)
        crypto_hash_sha256_update(&st, (const unsigned char *)r->body, r->body_len);
    crypto_hash_sha256_final(&st, h);
    sodium_bin2hex(out, 65, h, sizeof h);
}

/* 1 = replayed (response set), 0 = go on, -1 = error. */
static int idem_lookup(struct req *r, const char *key, const char *hash, struct osb_err *e)
{
    /* PostgreSQL: the same key sent twice at once runs once; the second waits here and then
       finds the first's answer (store/db_pg.c, docs/operations.md "Which lock protects what"). */
    char space[80];
    (void)str_fmt(space, sizeof space, "idem:%s", r->ctx.user.username);
    if (db_lock_key(r->ctx.db, e, space, key) < 0)
        return -1;
    struct dbq *q = db_query(r->ctx.db, e,
                             "SELECT request_hash, status, body FROM idempotency"
                             " WHERE username = ? AND key = ?",
                             "ss", r->ctx.user.username, key);
    if (!q)
        return -1;
    int rc = dbq_next(q, e);
    if (rc == 1) {
        if (strcmp(dbq_text(q, 0), hash) != 0) {
            dbq_end(q);
            return err_set(e, ERR_IDEMPOTENCY_MISMATCH,
                           "this Idempotency-Key was used with another request");
        }
        r->status = (int)dbq_int(q, 1);
        r->resp = json_loads(dbq_text(q, 2), JSON_DECODE_ANY, NULL);
    }
    dbq_end(q);
    return rc;
}

static int idem_store(struct req *r, const char *key, const char *hash, struct osb_err *e)
{
    return db_exec(r->ctx.db, e,
                   "INSERT INTO idempotency(username, key, route, request_hash, status, body,"
                   " created_at) VALUES(?,?,?,?,?,?,?)",
                   "ssssdji", r->ctx.user.username, key, r->path, hash, r->status, r->resp,
                   r->ctx.now) < 0
               ? -1
               : 0;
}

/* ---- the wrapper ------------------------------------------------------------------------- */

#define TX_ATTEMPTS 10 /* tries of one write transaction on PostgreSQL (serialization failures) */

/* One transaction of a request: begin, the idempotency record, the handler, commit. */
static int run_once(const struct route *rt, struct req *r, const char *idem, struct osb_err *e)
{
    struct db *db = r->ctx.db;
    if ((rt->flags & R_WRITE) ? db_begin_retrying(db, e) < 0 : db_begin_read(db, e) < 0)
        return -1;
    char hash[65];
    if (idem) {
        request_hash(r, hash);
        int rc = idem_lookup(r, idem, hash, e);
        if (rc != 0) {
            db_rollback(db);
            return rc < 0 ? -1 : 0;
        }
    }
    if (rt->fn(r, e) < 0 || (idem && r->status < 300 && idem_store(r, idem, hash, e) < 0)) {
        db_rollback(db);
        return -1;
    }
    return db_commit(db, e);
}

void req_answer_reset(struct req *r)
{
    json_decref(r->resp);
    r->resp = NULL;
    free(r->resp_text);
    r->resp_text = NULL;
    r->resp_text_len = 0;
    free(r->raw);
    r->raw = NULL;
    r->raw_len = 0;
    r->raw_type = NULL;
    free(r->set_cookie);
    r->set_cookie = NULL;
    r->status = 0;
    r->export_type = r->export_key = NULL;
}

/* Back to the request as it came, before a transaction runs again. */
static void retry_reset(struct req *r, const json_t *body, struct osb_err *e)
{
    req_answer_reset(r);
    if (body) {
        json_decref(r->json);
        r->json = json_deep_copy((json_t *)body); /* jansson 2.13 takes it non-const */
    }
    err_clear(e);
}

static int arg_not_utf8(void *cls, const char *key, const char *value)
{
    const char **bad = cls;
    if (utf8_valid(key) && (!value || utf8_valid(value)))
        return 0;
    *bad = utf8_valid(key) ? key : "query";
    return 1;
}

static int arg_collect(void *cls, const char *key, const char *value)
{
    json_object_set_new(cls, key, value ? json_string(value) : json_null());
    return 0;
}

/* A rendered file the user takes away (a statement or a delivery note as PDF/XLSX: handlers
   set r->export_type) is an export, and every export writes one audit row
   (numbering-and-rules.md §6.1): `export` with the path, query, type and size, in a short write
   transaction of its own right after the read that rendered it (the rendering holds no write
   lock). The file is answered only once its row is written; if the row cannot be written the
   answer is the error. */
static int export_audit(struct req *r, struct osb_err *e)
{
    struct db *db = r->ctx.db;
    json_t *q = json_object();
    req_args_each(r, arg_collect, q);
    json_t *after =
        json_pack("{ss ss sI so}", "path", r->path, "type", r->raw_type ? r->raw_type : "", "bytes",
                  (json_int_t)r->raw_len, "query", q);
    int rc = -1;
    for (int attempt = 1; after; attempt++) {
        if (db_begin_retrying(db, e) == 0 &&
            flow_audit(&r->ctx, e, "export", r->export_type, r->export_key, NULL, after) == 0 &&
            db_commit(db, e) == 0) {
            rc = 0;
            break;
        }
        if (db_in_tx(db))
            db_rollback(db);
        if (attempt >= TX_ATTEMPTS || !db_retry_wanted(db))
            break;
        err_clear(e);
    }
    json_decref(after);
    if (rc < 0) {
        free(r->raw);
        r->raw = NULL;
        r->raw_len = 0;
        r->status = 0;
        if (e->code == ERR_OK)
            err_set(e, ERR_INTERNAL, "the export could not be audited");
    }
    return rc;
}

/* The request's text, checked once for every route before a handler sees it: every query
   value, path segment and Idempotency-Key is text that reaches filters, statement parameters,
   JSON answers and audit records, and jansson refuses what is not UTF-8. A bad query value or
   key is the caller's error (400); a path segment that is not UTF-8 names no document (404;
   fuzz_router: GET /osb-issues/GZ\xb3… was a 500). */
static int text_gate(const struct route *rt, struct req *r, const char **idem_out,
                     struct osb_err *e)
{
    const char *bad = NULL;
    req_args_each(r, arg_not_utf8, &bad);
    if (bad)
        return err_bad(e, bad, "query parameter '%s' is not valid UTF-8 text", bad);
    for (int i = 0; i < r->nparams; i++)
        if (!utf8_valid(r->params[i]))
            return err_set(e, ERR_NOT_FOUND, "not found");
    const char *idem =
        (rt->flags & R_IDEM) && r->conn
            ? MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Idempotency-Key")
            : NULL;
    if (idem && (strlen(idem) == 0 || strlen(idem) > 128))
        return err_bad(e, "Idempotency-Key", "Idempotency-Key must be 1-128 characters");
    if (idem && !utf8_valid(idem))
        return err_bad(e, "Idempotency-Key", "Idempotency-Key must be UTF-8 text");
    *idem_out = idem;
    return 0;
}

/* One run of the request. body: the JSON body as it came (PostgreSQL, NULL else), put back
   before a transaction runs again. */
static int run(const struct route *rt, struct req *r, const json_t *body, struct osb_err *e)
{
    struct db *db = r->ctx.db;
    if (!(rt->flags & R_PUBLIC) && session_authenticate(&r->ctx, r->token, e) < 0)
        return -1;
    const char *idem = NULL; /* the write's Idempotency-Key (R_IDEM routes), checked */
    if (text_gate(rt, r, &idem, e) < 0)
        return -1;
    /* A reader of the audit chain sees every entry committed before it (PostgreSQL chains them
       after the commits, store/audit.c "Sealing"): sealed before its snapshot is taken. */
    if ((rt->flags & R_AUDIT) && flow_audit_settle(db, e) < 0)
        return -1;
    /* GET /me answers from the session read above: a BEGIN and COMMIT around nothing were two
       of its three statements (two round trips on PostgreSQL) */
    if (rt->flags & R_NO_TX)
        return rt->fn(r, e);
    if (rt->flags & R_OWN_TX) {
        if (rt->fn(r, e) < 0) {
            db_rollback(db);
            return -1;
        }
        return 0;
    }
    /* On PostgreSQL a write transaction that met another one on the same data (credit, a
       sequence) may end in a serialization failure: it runs again whole, on the body as it
       came, a few times with a short random pause (store/db_pg.c). */
    int rc = -1;
    for (int attempt = 1;; attempt++) {
        rc = run_once(rt, r, idem, e);
        if (rc == 0 || attempt >= TX_ATTEMPTS || !db_retry_wanted(db))
            break;
        if (db_in_tx(db))
            db_rollback(db);
        retry_reset(r, (rt->flags & R_WRITE) ? body : NULL, e);
        struct timespec ts = {
            0, (long)(1 + randombytes_uniform(2u << (attempt < 5 ? attempt : 5))) * 1000000L};
        nanosleep(&ts, NULL);
    }
    if (rc == 0 && r->export_type && r->raw && r->status == 200)
        rc = export_audit(r, e);
    return rc;
}

/* A request whose second run has the same outcome as one run, even when the first one's COMMIT
   may have gone through: a read, or a write with an Idempotency-Key (a second run replays the
   first one's answer if that one committed: the key's record commits with the change). */
static bool replay_safe(const struct route *rt, const struct req *r)
{
    if (!(rt->flags & R_WRITE))
        return true;
    return (rt->flags & R_IDEM) && r->conn &&
           MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Idempotency-Key");
}

/* How long a request waits for the database to come back (a PostgreSQL restart or failover)
   before it answers 503 unavailable: OSB_DB_RETRY_SECONDS, default 15 (a Patroni failover
   with ttl 10 takes about 10-20 s), 0 = one reconnect at once and no wait. */
long long router_db_wait_ms(void)
{
    const char *v = getenv("OSB_DB_RETRY_SECONDS");
    char *end = NULL;
    long s = v && *v ? strtol(v, &end, 10) : 15;
    if (v && *v && (*end || s < 0 || s > 300))
        s = 15;
    return (long long)s * 1000;
}

long router_db_pause_ms(long pause_ms)
{
    return pause_ms <= 0 ? 100 : pause_ms * 2 > 2000 ? 2000 : pause_ms * 2;
}

static long long mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Back to the request as it came, before it runs again on a new connection. */
static void rerun_reset(struct req *r, const json_t *body, struct osb_err *e)
{
    if (db_in_tx(r->ctx.db))
        db_rollback(r->ctx.db);
    retry_reset(r, body, e);
}

/* The database connection broke under the request (a PostgreSQL restart or failover;
   docs/operations.md "Failover"). What ran is gone with the connection: every transaction that
   did not reach its COMMIT was rolled back by the server, and nothing was answered yet (e-mails
   and other notifications leave only from the outbox, after a commit). So the request runs
   again, whole, on a new connection to the same URL (HAProxy or a multi-host URL finds the new
   primary), with a growing pause between tries (0.1 s doubling to 2 s) for up to
   OSB_DB_RETRY_SECONDS. A write whose COMMIT went out and got no answer may have committed:
   it runs again only when a second run is a replay (replay_safe); otherwise, and when the
   database is still gone at the end of the wait, the answer is 503 unavailable with
   Retry-After (never 500: nothing is wrong with the request or the server). Routes that run
   their own transactions (R_OWN_TX: login, jobs, reports, password) are not run again here.
   A public route (GET /metrics: a load balancer's health check, asked every few seconds) gets
   one reconnect at once and no wait: it must answer fast, and waiting checks would hold every
   server thread while the database is away. */
static int rerun_after_loss(const struct route *rt, struct req *r, const json_t *body,
                            struct osb_err *e)
{
    struct db *db = r->ctx.db;
    long long until = mono_ms() + ((rt->flags & R_PUBLIC) ? 0 : router_db_wait_ms());
    long pause_ms = 0;
    for (int tries = 1;; tries++) {
        if (db_commit_unknown(db) && !replay_safe(rt, r)) {
            log_error("%s %s: 503: the connection broke during COMMIT; not run again",
                      r->method ? r->method : "?", r->path ? r->path : "?");
            rerun_reset(r, NULL, e);
            err_set(e, ERR_UNAVAILABLE,
                    "the database connection was lost while the change was being committed: "
                    "it may or may not have been saved; send the request again with the same "
                    "Idempotency-Key (a replay is safe), or look before sending it again");
            (void)str_fmt(e->rule, sizeof e->rule, "%s", "outcome_unknown");
            return -1;
        }
        rerun_reset(r, body, e);
        int rc = db_reconnect(db, e);
        if (rc == 0) {
            rc = run(rt, r, body, e);
            if (rc == 0 || !db_conn_lost(db)) {
                if (tries > 1 || rc == 0)
                    log_info("%s %s: ran again after a lost database connection (try %d)",
                             r->method ? r->method : "?", r->path ? r->path : "?", tries);
                return rc;
            }
        }
        long long left = until - mono_ms();
        if (left <= 0) {
            log_error("%s %s: 503: the database did not come back within the wait (%d tries)",
                      r->method ? r->method : "?", r->path ? r->path : "?", tries);
            if (db_in_tx(db))
                db_rollback(db);
            if (e->code != ERR_UNAVAILABLE) {
                err_clear(e);
                err_set(e, ERR_UNAVAILABLE, "the database is unavailable, try again");
            }
            return -1;
        }
        pause_ms = router_db_pause_ms(pause_ms);
        long ms = pause_ms < left ? pause_ms : (long)left;
        struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
}

void router_run(const struct route *rt, struct req *r)
{
    struct osb_err e = OSB_ERR_INIT;
    r->kind = rt->kind ? *rt->kind : NULL;
    json_t *body = db_postgres(r->ctx.db) && r->json ? json_deep_copy(r->json) : NULL;
    int rc = run(rt, r, body, &e);
    if (rc < 0 && db_conn_lost(r->ctx.db) && !(rt->flags & R_OWN_TX))
        rc = rerun_after_loss(rt, r, body, &e);
    json_decref(body);
    if (rc < 0) {
        if (db_in_tx(r->ctx.db))
            db_rollback(r->ctx.db);
        req_answer_reset(r);
        if (e.code == ERR_OK)
            err_set(&e, ERR_INTERNAL, "internal error");
        /* a connection that broke is no bug, whatever a flow made of the error it met */
        if (e.code == ERR_INTERNAL && db_conn_lost(r->ctx.db)) {
            err_clear(&e);
            err_set(&e, ERR_UNAVAILABLE, "the database is unavailable, try again");
        }
        /* The client is told nothing internal (api.md: 500 internal); the operator is told
           what happened, or a 500 leaves no trace (a soak's 500s did not, bench/README.md). */
        if (e.code == ERR_INTERNAL)
            log_error("%s %s: 500: %s", r->method ? r->method : "?", r->path ? r->path : "?",
                      e.message[0] ? e.message : "no message");
        r->status = err_http_status(e.code);
        r->resp = err_envelope(&e);
    }
    /* the one money filter: every JSON answer, whatever route made it */
    http_money_view(r->ctx.user.role, r->path, r->resp);
    err_clear(&e);
}

json_t *err_envelope(const struct osb_err *e)
{
    json_t *details = json_object();
    if (e->field[0])
        json_object_set_new(details, "field", json_string(e->field));
    if (e->rule[0])
        json_object_set_new(details, "rule", json_string(e->rule));
    if (e->state[0])
        json_object_set_new(details, "state", json_string(e->state));
    if (e->extra)
        json_object_update(details, e->extra);
    const char *msg = e->code == ERR_INTERNAL ? "internal error" : e->message;
    return json_pack("{s{ss ss so}}", "error", "code", err_code_str(e->code), "message",
                     msg[0] ? msg : err_code_str(e->code), "details", details);
}

/* ---- request helpers --------------------------------------------------------------------- */

const char *req_query(struct req *r, const char *name)
{
    if (!r->conn) {
        for (const char *const *a = r->args; a && a[0] && a[1]; a += 2)
            if (strcmp(a[0], name) == 0)
                return a[1];
        return NULL;
    }
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

struct arg_each {
    req_arg_fn fn;
    void *cls;
};

static enum MHD_Result arg_each(void *cls, enum MHD_ValueKind kind, const char *key,
                                const char *value)
{
    (void)kind;
    struct arg_each *a = cls;
    return a->fn(a->cls, key, value) ? MHD_NO : MHD_YES;
}

void req_args_each(struct req *r, req_arg_fn fn, void *cls)
{
    if (r->conn) {
        struct arg_each a = {fn, cls};
        MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, arg_each, &a);
        return;
    }
    for (const char *const *a = r->args; a && a[0] && a[1]; a += 2)
        if (fn(cls, a[0], a[1]))
            return;
}

struct qcheck {
    const char *const *allowed;
    const char *bad;
};

static enum MHD_Result qiter(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind, (void)value;
    struct qcheck *q = cls;
    for (const char *const *a = q->allowed; *a; a++)
        if (strcmp(*a, key) == 0)
            return MHD_YES;
    q->bad = key;
    return MHD_NO;
}

int req_query_only(struct req *r, const char *const *allowed, struct osb_err *e)
{
    struct qcheck q = {allowed, NULL};
    if (r->conn)
        MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, qiter, &q);
    for (const char *const *a = r->args; !r->conn && !q.bad && a && a[0] && a[1]; a += 2)
        (void)qiter(&q, MHD_GET_ARGUMENT_KIND, a[0], a[1]);
    if (q.bad)
        return err_bad(e, q.bad, "unknown query parameter '%s'", q.bad);
    return 0;
}

int req_limit(struct req *r, int *limit, struct osb_err *e)
{
    const char *l = req_query(r, "limit");
    *limit = 50;
    if (!l)
        return 0;
    char *end;
    long v = strtol(l, &end, 10);
    if (*end || end == l || v < 1 || v > 1000)
        return err_bad(e, "limit", "limit must be a whole number from 1 to 1000");
    *limit = (int)v;
    return 0;
}

json_t *req_body(struct req *r)
{
    if (!r->json)
        r->json = json_object();
    return r->json;
}

void resp_json(struct req *r, int status, json_t *body)
{
    json_decref(r->resp);
    r->status = status;
    r->resp = body;
}
