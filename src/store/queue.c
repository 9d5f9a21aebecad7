/*
 * queue.c (store) — the candidates of the work queue (store/queue.h).
 *
 * One row per document kind: its tables (the document aliased d, the customers table cu when
 * the document has a customer), the expression of its customer, and of the instant it entered
 * its present state. A new document kind joins the queue with one row here and one line in
 * flow/queue.c.
 */
#include "store/queue.h"

#include "core/sb.h"
#include "store/doc.h"

#include <string.h>

#define MARKET_SINCE                                                                               \
    "coalesce((SELECT max(e.at) FROM market_events e WHERE e.document = d.number"                  \
    " AND e.to_state = d.state), d.updated_at)"
#define FIELD_FROM(type) "(SELECT * FROM field_docs WHERE type = '" type "') d"
#define FIELD_SINCE                                                                                \
    "coalesce((SELECT max(e.at) FROM field_events e WHERE e.document = d.number"                   \
    " AND e.to_state = d.state), d.updated_at)"

static const struct {
    const char *collection;
    const char *from;     /* document d, customers cu (for the data scope; NULL: no scope) */
    const char *customer; /* its customer code */
    const char *since;    /* when it entered its present state (µs) */
    bool scoped;          /* cu is joined: limit to the caller's customers */
} kinds[] = {
    {"orders", "orders d JOIN customers cu ON cu.code = d.customer", "d.customer",
     "coalesce((SELECT max(e.at) FROM order_events e WHERE e.order_no = d.number"
     " AND e.to_state = d.state), d.updated_at)",
     true},
    {"shipments",
     "shipments d JOIN orders o ON o.number = d.order_no JOIN customers cu ON cu.code = o.customer",
     "o.customer",
     "coalesce((SELECT max(e.at) FROM shipment_events e WHERE e.shipment = d.number"
     " AND e.to_state = d.state), d.updated_at, d.created_at)",
     true},
    {"backorders", "backorders d JOIN customers cu ON cu.code = d.customer", "d.customer",
     "d.updated_at", true},
    {"returns", "returns d JOIN customers cu ON cu.code = d.customer", "d.customer", "d.updated_at",
     true},
    {"refunds", "refunds d JOIN customers cu ON cu.code = d.customer", "d.customer", "d.updated_at",
     true},
    {"write-offs", "write_offs d JOIN customers cu ON cu.code = d.customer", "d.customer",
     "d.updated_at", true},
    {"statements", "statements d JOIN customers cu ON cu.code = d.customer", "d.customer",
     "d.updated_at", true},
    {"instruments", "instruments d JOIN customers cu ON cu.code = d.customer", "d.customer",
     "d.updated_at", true},
    {"contracts", "contracts d JOIN customers cu ON cu.code = d.customer", "d.customer",
     "d.updated_at", true},
    {"invoice-requests", "invoice_requests d JOIN customers cu ON cu.code = d.customer",
     "d.customer", "d.updated_at", true},
    /* An entry of the problem log may have no customer; who sees it is the flow's load. */
    {"osb-issues", "osb_issues d", "d.customer", "d.updated_at", false},
    /* the second wave (issue #17 item 2). A customer is a document by its code and status. */
    {"customers",
     "(SELECT code AS number, status AS state, updated_at FROM customers) d"
     " JOIN customers cu ON cu.code = d.number",
     "d.number", "d.updated_at", true},
    /* A credit review has a line per customer: who sees which line is the flow's. */
    {"credit-reviews", "credit_reviews d", "NULL",
     "coalesce((SELECT max(e.at) FROM credit_review_events e WHERE e.review = d.number"
     " AND e.to_state = d.state), d.created_at)",
     false},
    {"price-lists", "price_lists d", "NULL",
     "coalesce((SELECT max(e.at) FROM price_list_events e WHERE e.price_list = d.number"
     " AND e.to_state = d.state), d.updated_at)",
     false},
    {"expense-applications", "expense_applications d", "d.customer", MARKET_SINCE, false},
    {"pop-requests", "pop_requests d JOIN customers cu ON cu.code = d.customer", "d.customer",
     MARKET_SINCE, true},
    {"samples", "samples d JOIN customers cu ON cu.code = d.customer", "d.customer", MARKET_SINCE,
     true},
    {"inventory-reports", "inventory_reports d JOIN customers cu ON cu.code = d.customer",
     "d.customer", MARKET_SINCE, true},
    /* A support request may have no customer: who sees it is the flow's load. */
    {"support-requests", "support_requests d", "d.customer", MARKET_SINCE, false},
    /* Field-sales documents share one table (type = the collection); the customer may be
       absent, so the flow's load decides who sees them. */
    {"quotations", FIELD_FROM("quotations"), "d.customer", FIELD_SINCE, false},
    {"after-sales", FIELD_FROM("after-sales"), "d.customer", FIELD_SINCE, false},
    {"visit-plans", FIELD_FROM("visit-plans"), "d.customer", FIELD_SINCE, false},
    {"visits", FIELD_FROM("visits"), "d.customer", FIELD_SINCE, false},
    {"forecasts", FIELD_FROM("forecasts"), "d.customer", FIELD_SINCE, false},
    {"plans", FIELD_FROM("plans"), "d.customer", FIELD_SINCE, false},
    /* money wave 2 (#11): collection requests; bank pool lines (an unmatched line has no
       customer: who sees it is the flow's load) */
    {"collection-requests", "collection_requests d JOIN customers cu ON cu.code = d.customer",
     "d.customer",
     "coalesce((SELECT max(e.at) FROM collection_request_events e WHERE e.request = d.number"
     " AND e.to_state = d.state), d.updated_at)",
     true},
    {"bank-receipts", "bank_lines d", "d.customer",
     "coalesce((SELECT max(e.at) FROM bank_line_events e WHERE e.line = d.number"
     " AND e.to_state = d.state), d.updated_at)",
     false},
};

json_t *store_queue_candidates(struct db *db, struct osb_err *e, const char *collection,
                               const char *const *states, const struct scope_user *u)
{
    size_t k = 0, n = sizeof kinds / sizeof kinds[0];
    while (k < n && strcmp(kinds[k].collection, collection) != 0)
        k++;
    if (k == n) {
        err_set(e, ERR_INTERNAL, "no queue query for '%s'", collection);
        return NULL;
    }
    struct sb sql = SB_INIT;
    json_t *p = json_array();
    sb_addf(&sql,
            "SELECT d.number AS number, %s AS customer, %s AS since FROM %s"
            " WHERE d.state IN (",
            kinds[k].customer, kinds[k].since, kinds[k].from);
    for (size_t i = 0; states[i]; i++) {
        sb_add(&sql, i ? ",?" : "?");
        json_array_append_new(p, json_string(states[i]));
    }
    sb_add(&sql, ")");
    if (kinds[k].scoped)
        store_scope_sql(u, &sql, p, "cu");
    sb_add(&sql, " ORDER BY since, d.number");
    json_t *rows = db_rows_a(db, e, sb_str(&sql), p);
    sb_free(&sql);
    json_decref(p);
    return rows;
}
