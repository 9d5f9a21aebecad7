/*
 * report.h (store) — the one query of each report (rules/report_defs.c says what the report
 * is; flow/report.c runs it). A query answers an array of row objects whose keys are the
 * report's column keys (extra keys are dropped by the engine; computed columns — RK_BP,
 * RK_SHARE — and the totals row are the engine's). Every query limits its rows to the
 * caller's data scope (store_scope_sql over the customers row) and applies the filters of
 * struct report_params it uses. Reads only.
 *
 * report.c: the sales and money reports and incomplete archives; report_ops.c: operations,
 * master data, audit (it uses store_report_where of report.c, never the other way).
 */
#ifndef OSB_STORE_REPORT_H
#define OSB_STORE_REPORT_H

#include "core/date.h"
#include "rules/perm.h"
#include "store/db.h"

#include <jansson.h>

/* Rows as they are read, for the row reports of a long range (flow/report.c writes each one
   straight into the answer's text: no object per row). A query that ends in
   store_report_stream hands each row to row() — its columns by name, as dbq_object would
   make them — sets streamed and answers an empty array; a query that works on its rows after
   reading them (adds a column, ranks them) never streams. */
struct report_cell;
struct report_sink {
    int (*row)(struct report_sink *s, struct dbq *q, struct osb_err *e); /* 0, or -1 with e */
    /* a row made in C (store_report_put): n cells, the same in every row, as row() reads a
       query's columns */
    int (*cells)(struct report_sink *s, const struct report_cell *c, int n, struct osb_err *e);
    bool streamed;
};

/* One column of a row made in C: its key, and an integer (is_int) or text (NULL: null; valid
   UTF-8 — the maker turns what jansson would refuse into NULL, as dbq_object does). */
struct report_cell {
    const char *name;
    const char *text;
    int64_t i;
    bool is_int;
};

struct report_params {
    const struct scope_user *u;
    int tz_min;
    char from[11], to[11]; /* inclusive dates, always set (the flow fills defaults) */
    char as_of[11];        /* as_of, else today */
    ts_t from_ts, to_ts;   /* [start of from, start of the day after to) in UTC µs */
    const char *market, *region, *customer, *sku, *batch, *dimension, *period; /* or NULL */
    bool range_given;         /* from or to was given (RF_SPAN: only then is the range a filter) */
    struct report_sink *sink; /* or NULL: the rows as an array */
};

typedef json_t *(*report_query_fn)(struct db *db, struct osb_err *e, const struct report_params *p);

/* report_kmap.c: sums by text key. The reports of a long range sum their rows per invoice or
   customer here rather than in a GROUP BY, whose sort of millions of rows was most of their CPU
   at 1,000,000 orders (bench/README.md). A map starts as {0}. */
struct ksum {
    char *key;
    int64_t sum, sum2, sum3, sum4; /* what the rows add (each user says) */
    bool seen, active;             /* a sales line or overdue invoice; a line with net sales */
};
/* v: the n entries in the order they were made (a pointer to one holds until the next
   store_kmap_get); slot: the hash table, each slot the upper half of its key's hash and the
   entry's place + 1 (0: empty) — 8 bytes a slot, so that a look-up touches one small slot and
   compares a key only when the hash matches (a table of whole entries missed the cache on
   every look-up: a quarter of salesperson_monthly's CPU a year at 1,000,000 orders) */
struct kmap {
    struct ksum *v;
    size_t cap, n; /* entries made room for, made */
    uint64_t *slot;
    size_t nslot;
};

struct ksum *store_kmap_find(const struct kmap *m, const char *k); /* or NULL */
struct ksum *store_kmap_get(struct kmap *m, const char *k);        /* made (zero) if none */
void store_kmap_free(struct kmap *m);
/* Calls each(m, by, q) on every row of sql (arguments a, consumed): 0, or -1 with e. */
int store_kmap_fill(struct db *db, struct osb_err *e, const char *sql, json_t *a,
                    void (*each)(struct kmap *m, struct kmap *by, struct dbq *q), struct kmap *m,
                    struct kmap *by);
/* each() of a row (customer, amount, second amount): sum, sum2 added, seen; active when the
   amount is not 0 */
void store_kmap_per_customer(struct kmap *m, struct kmap *by, struct dbq *q);

/* report_scope.c: the customers of the caller's scope and the market / region / customer
   filters (store_report_where over customers c), read once with two values each (cols: two
   SQL expressions over c and its market m LEFT JOINed, e.g. "c.region, NULL"; a value is the
   text or NULL, as dbq_object keeps it), for a row report that looks up each row's customer
   in C instead of joining customers per row. When every code is at most 12 bytes they go in
   a table of their own (slot: the code's bytes, compared as two words, and both values —
   one slot and one short text read a look-up); else the look-ups use at. Starts as {0}. */
struct scope_slot;
struct scope_table {
    struct kmap at;          /* code → place + 1 (sum) */
    char **v;                /* 2 × n values */
    size_t n, cap;           /* customers read, room for */
    struct scope_slot *slot; /* nslot slots (a power of two), or NULL */
    size_t nslot;
    char *text; /* the slots' values */
};
int store_scope_table_read(struct db *db, struct osb_err *e, const struct report_params *p,
                           const char *cols, struct scope_table *s); /* 0, or -1 with e */
/* Whether code is a customer of s, with its two values. */
bool store_scope_table_find(const struct scope_table *s, const char *code, const char **v0,
                            const char **v1);
void store_scope_table_free(struct scope_table *s);

/* report_lines.c: the rows per customer and SKU */
json_t *store_report_sales(struct db *db, struct osb_err *e, const struct report_params *p);
json_t *store_report_purchases(struct db *db, struct osb_err *e, const struct report_params *p);
/* report.c */
json_t *store_report_regional(struct db *db, struct osb_err *e, const struct report_params *p);
json_t *store_report_sales_by(struct db *db, struct osb_err *e, const struct report_params *p);
json_t *store_report_salespeople(struct db *db, struct osb_err *e, const struct report_params *p);
json_t *store_report_composition(struct db *db, struct osb_err *e, const struct report_params *p);
json_t *store_report_overdue(struct db *db, struct osb_err *e, const struct report_params *p);
json_t *store_report_collection(struct db *db, struct osb_err *e, const struct report_params *p);
json_t *store_report_receivables(struct db *db, struct osb_err *e, const struct report_params *p);
json_t *store_report_business(struct db *db, struct osb_err *e, const struct report_params *p);
json_t *store_report_risk(struct db *db, struct osb_err *e, const struct report_params *p);

/* report_ops.c */
json_t *store_report_stock(struct db *db, struct osb_err *e, const struct report_params *p);
json_t *store_report_batch_trace(struct db *db, struct osb_err *e, const struct report_params *p);
json_t *store_report_backorders(struct db *db, struct osb_err *e, const struct report_params *p);
json_t *store_report_order_check(struct db *db, struct osb_err *e, const struct report_params *p);
json_t *store_report_replenishment(struct db *db, struct osb_err *e, const struct report_params *p);
json_t *store_report_archives(struct db *db, struct osb_err *e, const struct report_params *p);
json_t *store_report_logistics(struct db *db, struct osb_err *e, const struct report_params *p);
json_t *store_report_daily_status(struct db *db, struct osb_err *e, const struct report_params *p);
json_t *store_report_quota(struct db *db, struct osb_err *e, const struct report_params *p);
json_t *store_report_audit(struct db *db, struct osb_err *e, const struct report_params *p);

/* report_modules.c: the second-wave modules' reports */
json_t *store_report_contracts(struct db *db, struct osb_err *e, const struct report_params *p);
json_t *store_report_expenses(struct db *db, struct osb_err *e, const struct report_params *p);
json_t *store_report_inventory(struct db *db, struct osb_err *e, const struct report_params *p);
json_t *store_report_pop_samples(struct db *db, struct osb_err *e, const struct report_params *p);
json_t *store_report_grades(struct db *db, struct osb_err *e, const struct report_params *p);
json_t *store_report_quotations(struct db *db, struct osb_err *e, const struct report_params *p);
json_t *store_report_after_sales(struct db *db, struct osb_err *e, const struct report_params *p);

/* report_monthly.c: 每月经销商管理汇总表 */
json_t *store_report_distributor_monthly(struct db *db, struct osb_err *e,
                                         const struct report_params *p);
/* report_field.c: field sales (issue #13) */
json_t *store_report_weekly_plan(struct db *db, struct osb_err *e, const struct report_params *p);
json_t *store_report_monthly_plan(struct db *db, struct osb_err *e, const struct report_params *p);
json_t *store_report_salesperson(struct db *db, struct osb_err *e, const struct report_params *p);
json_t *store_report_market_visits(struct db *db, struct osb_err *e, const struct report_params *p);
json_t *store_report_target_customers(struct db *db, struct osb_err *e,
                                      const struct report_params *p);
json_t *store_report_key_customers(struct db *db, struct osb_err *e, const struct report_params *p);
json_t *store_report_forecast_actual(struct db *db, struct osb_err *e,
                                     const struct report_params *p);
json_t *store_report_plan_actual(struct db *db, struct osb_err *e, const struct report_params *p);
/* report_collection.c: the collection routine's reports (issue #11) */
json_t *store_report_daily_receipts(struct db *db, struct osb_err *e,
                                    const struct report_params *p);
json_t *store_report_cash_expense(struct db *db, struct osb_err *e, const struct report_params *p);
json_t *store_report_prepayments(struct db *db, struct osb_err *e, const struct report_params *p);
json_t *store_report_call_list(struct db *db, struct osb_err *e, const struct report_params *p);
json_t *store_report_dso(struct db *db, struct osb_err *e, const struct report_params *p);

/* The export log (numbering-and-rules §7, entities.md "Export log"): one row per CSV/XLSX
   file. store_report_exports_today counts the customer-list exports of user since since_ts. */
int store_report_export_log(struct db *db, struct osb_err *e, const char *number,
                            const char *username, ts_t at, const char *report, json_t *filters,
                            int64_t rows, const char *format, int customer_list,
                            const char *watermark);
int store_report_exports_since(struct db *db, struct osb_err *e, const char *username,
                               ts_t since_ts, int64_t *count);

/* SLT approvals of customer-list exports: insert one (*id gets its id); take the oldest
   unused one of username for report, marking it used by export (1 taken, 0 none, -1 error). */
int store_report_approval_insert(struct db *db, struct osb_err *e, const char *username,
                                 const char *report, const char *note, const char *by, ts_t at,
                                 int64_t *id);
int store_report_approval_take(struct db *db, struct osb_err *e, const char *username,
                               const char *report, const char *export_number);
/* Does the active user exist? 1 yes, 0 no, -1 error. */
int store_report_user_exists(struct db *db, struct osb_err *e, const char *username);

/* Shared by report.c and report_ops.c: " AND <scope of u> AND c.market = ? …" over the
   customers row aliased cust, with the market, region and customer filters of p. */
struct sb;
/* One text argument appended to a query's argument array. */
void store_report_arg(json_t *a, const char *s);
/* Whether p limits the customers nothing (no scope, market, region or customer filter): the
   reports that then read every customer's documents in C without joining customers. */
bool store_report_whole(const struct report_params *p);
/* Runs sql with arguments a (both freed); its rows one at a time (dbq_next), NULL with e. */
struct dbq *store_report_query(struct db *db, struct osb_err *e, struct sb *sql, json_t *a);
/* Runs sql with arguments a (both freed) and answers its rows, NULL on error. */
json_t *store_report_rows(struct db *db, struct osb_err *e, struct sb *sql, json_t *a);
/* The common end of a report query: the caller's scope and the market / region / customer
   filters on the customers row `cust` (store_report_where), then tail (GROUP BY / ORDER BY),
   then the rows (store_report_rows: sql and a are consumed). */
json_t *store_report_run(struct db *db, struct osb_err *e, struct sb *sql, json_t *a,
                         const struct report_params *p, const char *cust, const char *tail);

/* store_report_run for a query whose rows are the answer as they are: with p->sink, each row
   goes to the sink as it is read (an empty array answered, sink->streamed set). */
json_t *store_report_stream(struct db *db, struct osb_err *e, struct sb *sql, json_t *a,
                            const struct report_params *p, const char *cust, const char *tail);

void store_report_where(struct sb *sql, json_t *params, const struct report_params *p,
                        const char *cust);
/* " AND <col> IN (the customers of the caller's scope and the market / region / customer
   filters)", nothing for the whole company: a report drops other customers' documents before
   their lines are joined, where a filter on the outer query's customers row would drop them
   only after (a year of one market read and joined every market's lines). */
void store_report_in_scope(struct sb *sql, json_t *a, const struct report_params *p,
                           const char *col);
/* The rows of `head` (over customers c, ending in a WHERE) limited to the caller's scope and
   the market / region / customer filters, then `tail`, read one at a time (dbq_next); NULL
   with e. */
struct dbq *store_report_customers(struct db *db, struct osb_err *e, const struct report_params *p,
                                   const char *head, const char *tail);

/* A row made in C (n cells): to p->sink when there is one, else appended to rows as the
   object dbq_object would make of a query's row with those columns. 0, or -1 with e. */
int store_report_put(const struct report_params *p, json_t *rows, const struct report_cell *c,
                     int n, struct osb_err *e);

/* The distributors' inventory reports (KC) of months [lo, hi] (YYYY-MM) of the customers in
   scope (store_report_where over `c`), by customer then period: rows {customer, period, lines
   (JSON text)} and the columns `cols` adds (", r.late AS late"; "" for none), of the reports
   `cond` keeps (" AND r.state <> 'returned'"; "" for all). Shared by the inventory summary,
   the distributors' monthly and the market reports. */
json_t *store_report_inv_reports(struct db *db, struct osb_err *e, const struct report_params *p,
                                 const char *lo, const char *hi, const char *cols,
                                 const char *cond);

#endif
