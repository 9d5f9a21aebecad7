/*
 * market.h (store) — the SQL of market support (flows.md §13–16): expense budgets and
 * applications (FY), POP allocations and requests (WL), sample issues (YP), distributor
 * inventory reports (KC), and the market_events timeline they share.
 *
 * The four documents are kept as rows read whole (store_mkt_row) and written once per action
 * with the columns the action changed (store_mkt_update); `table` and column names always come
 * from the flow's string literals, never from a request.
 */
#ifndef OSB_STORE_MARKET_H
#define OSB_STORE_MARKET_H

#include "rules/perm.h"
#include "store/db.h"

#include <jansson.h>

/* The row of number in table: 1 found, 0 none, -1 error. */
int store_mkt_row(struct db *db, struct osb_err *e, const char *table, const char *number,
                  json_t **row);
/* What orders other than except_order (may be "") hold of POP request `request`'s sku: Σ (qty
   − qty_cut − qty_cancelled of its backorders) of their lines naming it, orders past QC and not
   rejected or cancelled (ORDER_HOLDING_STATES). In a write the request is locked first, so two
   orders cannot both take its last units. */
int store_pop_drawn(struct db *db, struct osb_err *e, const char *request, const char *sku,
                    const char *except_order, int64_t *drawn);
/* INSERT INTO table(<keys of row>) VALUES(...). */
int store_mkt_insert(struct db *db, struct osb_err *e, const char *table, json_t *row);
/* UPDATE table SET state, version + 1, updated_at, <keys of set> WHERE number. */
int store_mkt_update(struct db *db, struct osb_err *e, const char *table, const char *number,
                     json_t *set, const char *state, int64_t now);

/* The market's supervising SLT member and MM (either "" when none): 1, 0 no market, -1. */
int store_mkt_market(struct db *db, struct osb_err *e, const char *market, char sup[40],
                     char mm[40]);
/* The market of region: 1 (market set), 0 no such region, -1. */
int store_mkt_region_market(struct db *db, struct osb_err *e, const char *region, char market[40]);
/* Sample issues still waiting for their follow-up at now: [{number, customer, market,
   follow_up_due}]. */
json_t *store_sample_overdue(struct db *db, struct osb_err *e, int64_t now);
/* Does region exist in market? 1/0/-1. */
int store_mkt_region_in(struct db *db, struct osb_err *e, const char *region, const char *market);
/* The product: 1 found (kind, active, unit value = cost_fen else price_fen), 0 none, -1. */
int store_mkt_product(struct db *db, struct osb_err *e, const char *sku, char kind[16],
                      bool *active, int64_t *value_fen);

/* ---- budgets ---- */
/* 1 inserted, 0 one exists for (market, region, category, period), -1 error. */
int store_budget_insert(struct db *db, struct osb_err *e, json_t *row);
/* The budget row by code (with available_fen): 1/0/-1. */
int store_budget_get(struct db *db, struct osb_err *e, const char *code, json_t **row);
/* The budget an application of (market, region, category, month) is charged to: the region's
   budget of that month, quarter (YYYYQn) or year (YYYY), else the market's; code "" when none. */
int store_budget_match(struct db *db, struct osb_err *e, const char *market, const char *region,
                       const char *category, const char *month, char code[40]);
/* committed_fen += dc, actual_fen += da. */
int store_budget_add(struct db *db, struct osb_err *e, const char *code, int64_t dc, int64_t da);
struct budget_filter {
    const char *market, *region, *category, *period, *q, *cursor;
    int limit;
    const char *only_market, *only_region; /* the caller's scope (mm / um), NULL = all */
};
/* {"items":[rows],"next_cursor"} ordered by code. */
int store_budget_list(struct db *db, struct osb_err *e, const struct budget_filter *f,
                      json_t **out);
/* Budgets whose kept figures differ from the sums of their applications and POP requests:
   [{code, committed_fen, actual_fen, sum_committed_fen, sum_actual_fen}] (osb check). */
json_t *store_budget_mismatches(struct db *db, struct osb_err *e);

/* ---- document lists ---- */
struct mkt_filter {
    const char *table; /* "expense_applications", ... */
    const char *state, *customer, *q, *cursor, *period, *extra_col, *extra_val;
    int limit;
    bool sku_in_lines; /* q also matches a SKU in the JSON lines column */
    bool sku_col;      /* q also matches the sku column */
};
int store_mkt_list(struct db *db, struct osb_err *e, const struct scope_user *u,
                   const struct mkt_filter *f, json_t **numbers, char **next);

/* ---- POP ---- */
/* Sets the allocation (insert or replace qty). */
int store_pop_allocate(struct db *db, struct osb_err *e, const char *period, const char *market,
                       const char *region, const char *sku, int64_t qty, const char *by,
                       int64_t now);
/* The allocation row with used and remaining: 1/0/-1. */
int store_pop_allocation(struct db *db, struct osb_err *e, const char *period, const char *market,
                         const char *region, const char *sku, json_t **row);
json_t *store_pop_allocations(struct db *db, struct osb_err *e, const char *period);
/* Remaining allocation of sku in period for a customer of (market, region): the region's
   allocation when there is one, else the market's; requests approved or later count as used,
   except request `except`. *has = false when neither exists (remaining 0). */
int store_pop_remaining(struct db *db, struct osb_err *e, const char *period, const char *market,
                        const char *region, const char *sku, const char *except, bool *has,
                        int64_t *remaining);
/* The requests an order's lines name: [{order_line pop_request, sku, qty}] for shipment's order. */
json_t *store_pop_shipped_lines(struct db *db, struct osb_err *e, const char *shipment);

/* ---- samples ---- */
/* The sample lines a shipment shipped: [{sku, qty, customer, order_no}]. */
json_t *store_sample_shipped(struct db *db, struct osb_err *e, const char *shipment);
/* What the customer's sample deductions still hold: Σ deduction_qty − Σ sample_deduction cuts of
   its live orders other than order_no. */
int store_sample_outstanding(struct db *db, struct osb_err *e, const char *customer,
                             const char *order_no, int64_t *out);

/* ---- inventory reports ---- */
/* The lines of the customer's report for period, or NULL (JSON null) when none. */
int store_invrep_lines(struct db *db, struct osb_err *e, const char *customer, const char *period,
                       json_t **lines);
/* Active direct distributors that existed before `due` without a report for period:
   [{code, market, region, csr, um}]. */
/* Units of goods delivered (POD) to customer in [from, to): rows {sku, qty}. */
json_t *store_invrep_purchased(struct db *db, struct osb_err *e, const char *customer, int64_t from,
                               int64_t to);
json_t *store_invrep_missing(struct db *db, struct osb_err *e, const char *period, int64_t due);
/* Usernames of active users of role. */
json_t *store_mkt_role_users(struct db *db, struct osb_err *e, const char *role);
/* The visit reports (rows {visited_at}, a date) visitor filed between from and to (µs): the CSR's
   travel check reads their visit dates. */
json_t *store_visit_days(struct db *db, struct osb_err *e, const char *visitor, int64_t from,
                         int64_t to);

#endif
