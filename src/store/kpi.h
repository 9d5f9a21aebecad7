/*
 * kpi.h (store) — the SQL behind the OSB business targets (kpis-and-reports.md §2.1) and the
 * monthly meeting report's volume figures (§3.4): per KPI one query for the candidate items of
 * a period (with the collection amounts of each invoice), and the markets. flow/kpi.c judges
 * every candidate; nothing here decides a verdict.
 */
#ifndef OSB_STORE_KPI_H
#define OSB_STORE_KPI_H

#include "core/date.h"
#include "rules/kpi.h"
#include "rules/perm.h"
#include "store/db.h"

#include <jansson.h>

/* Which candidates store_kpi_candidates reads: those whose attribution falls in [from, to]
   (dates of the company zone tz_min), of the market / region when given (NULL: all), of the
   customers u sees. with_market adds the customer's market; ordered sorts them in the KPI's
   order (the drill-down's), else they come in any order. settle_by (YYYY-MM-DD) is the day
   the collection KPI sums credited_fen and settled_fen by; the other KPIs leave it NULL. */
struct kpi_candidates {
    date_t from, to;
    int tz_min;
    const char *market, *region;
    const struct scope_user *u;
    bool with_market, ordered;
    const char *settle_by;
};

/* The candidates of KPI k, read row by row (dbq_next; dbq_end when done). Each row: document,
   and as the KPI needs attribution_date, start_at, done_at, released_at, paused_at, ended_at,
   line_no, sku, discrepancy, delivery_discrepancies, amount_fen, credited_fen (credit notes of
   the invoice dated by settle_by) and settled_fen (its allocations settled by then, own funds
   and reversed ones left out) (see the queries), and market when asked. NULL with e set. */
struct dbq *store_kpi_candidates(struct db *db, struct osb_err *e, enum kpi_id k,
                                 const struct kpi_candidates *w);

/* The further KPIs (kpis-and-reports.md §2.2; flow/kpi.c): visit_plan_completion's items, the
   plan items of submitted or confirmed visit plans dated in [from, to] (YYYY-MM-DD) —
   document ("<plan>/<seq>"), attribution_date, owner, customer, done_at (the first report
   naming it, or NULL); satisfaction's ratings, closed after-sales tickets by their close
   instant (document, done_at, data: the ticket's JSON) and satisfaction calls by their instant
   (id, customer, done_at, rating), both in [t0, t1). Limited like store_kpi_candidates. */
json_t *store_kpi_visit_items(struct db *db, struct osb_err *e, const char *from, const char *to,
                              const char *market, const char *region, const struct scope_user *u);
json_t *store_kpi_ticket_ratings(struct db *db, struct osb_err *e, int64_t t0, int64_t t1,
                                 const char *market, const char *region,
                                 const struct scope_user *u);
json_t *store_kpi_call_ratings(struct db *db, struct osb_err *e, int64_t t0, int64_t t1,
                               const char *market, const char *region, const struct scope_user *u);

/* The first due date of an invoice on or after from (YYYY-MM-DD): 1 and *due, 0 none, -1. */
int store_kpi_first_due(struct db *db, struct osb_err *e, const char *from, date_t *due);

/* 1 when a market (region) of that code exists, 0 not, -1 error. */
int store_kpi_market_exists(struct db *db, struct osb_err *e, const char *code);
int store_kpi_region_exists(struct db *db, struct osb_err *e, const char *code);
/* The active markets [{code, name}] by code, only `only` when given (a new array). */
json_t *store_kpi_markets(struct db *db, struct osb_err *e, const char *only);

/* The meeting report's volume of a month, limited to the customers u sees and to market when
   given: {orders_accepted, shipments_dispatched, invoices, invoice_amount_fen,
   collections_fen, expense_credits_fen}; instants [t0, t1), dates [d0, d1]. */
json_t *store_kpi_volume(struct db *db, struct osb_err *e, int64_t t0, int64_t t1, const char *d0,
                         const char *d1, const char *market, const struct scope_user *u);

#endif
