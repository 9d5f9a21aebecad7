/*
 * fieldlog.h (store) — the field-sales records beside the documents (entities.md §9, §11;
 * flows.md §9, §18): work logs, call logs, the monthly focus, meetings, cross-region batch
 * sightings (冲货) and the monthly visit verification picks. Typed tables, plain SQL that
 * SQLite and PostgreSQL both run. All of their SQL is here.
 */
#ifndef OSB_STORE_FIELDLOG_H
#define OSB_STORE_FIELDLOG_H

#include "core/date.h"
#include "rules/perm.h"
#include "store/db.h"

#include <jansson.h>

/* ---- work log ---- */
struct worklog {
    const char *username, *date, *text, *market, *region, *kam, *rep;
    ts_t at;
};
/* 1 inserted, 0 the user has an entry of that date already, -1 error. */
int store_worklog_insert(struct db *db, struct osb_err *e, const struct worklog *w);
/* One entry by id visible to u: 1, 0, -1. */
int store_worklog_get(struct db *db, struct osb_err *e, const struct scope_user *u, int64_t id,
                      json_t **out);
/* Entries u may see (own, else the scope of their market/region/kam/rep columns), by date
   then user; filters may be NULL. */
json_t *store_worklog_list(struct db *db, struct osb_err *e, const struct scope_user *u,
                           const char *user, const char *from, const char *to, const char *q,
                           int limit);

/* ---- call log ---- */
struct calllog {
    const char *customer, *by, *kind, *outcome, *promised_pay_date;
    ts_t at, created_at;
    bool reached, has_amount;
    int64_t promised_amount_fen;
    int rating; /* 1-5, 0 = none (satisfaction calls) */
};
int store_calllog_insert(struct db *db, struct osb_err *e, const struct calllog *l, int64_t *id);
int store_calllog_get(struct db *db, struct osb_err *e, const struct scope_user *u, int64_t id,
                      json_t **out);
/* Calls of the customers u sees; from_ts/to_ts 0 = open. */
json_t *store_calllog_list(struct db *db, struct osb_err *e, const struct scope_user *u,
                           const char *customer, const char *kind, const char *by, ts_t from_ts,
                           ts_t to_ts, const char *q, int limit);

/* ---- quarterly satisfaction calls (flows.md §9.7) ---- */
/* One task per active customer of quarter q (YYYYQn) without one, assigned in turn (customers
   by code) to the active customer-service users (by username); *added = tasks made. */
int store_satisfaction_tasks_make(struct db *db, struct osb_err *e, const char *quarter,
                                  int64_t now, int64_t *added);
/* [{assignee, n}] of quarter's tasks */
json_t *store_satisfaction_assignees(struct db *db, struct osb_err *e, const char *quarter);
/* The task of (quarter, customer) still open takes call id; 0 when there is none. */
int store_satisfaction_called(struct db *db, struct osb_err *e, const char *quarter,
                              const char *customer, int64_t call_id);
/* The tasks of quarter the scope u sees (assignee when not NULL): customer, customer_name,
   market, region, assignee, call_id, and the call's at, reached, rating, outcome. */
json_t *store_satisfaction_list(struct db *db, struct osb_err *e, const struct scope_user *u,
                                const char *quarter, const char *assignee);

/* ---- monthly focus ---- */
/* 1 inserted, 0 the month has one, -1. goals: [{market, target_fen, focus}]. */
int store_focus_insert(struct db *db, struct osb_err *e, const char *month, const char *main,
                       const char *s1, const char *s2, json_t *goals, const char *by, ts_t at);
/* {month, main, secondary1, secondary2, published_by, published_at, goals:[...]}: 1, 0, -1. */
int store_focus_get(struct db *db, struct osb_err *e, const char *month, json_t **out);
/* The months published (newest first), from..to (YYYY-MM) when given. */
json_t *store_focus_months(struct db *db, struct osb_err *e, const char *from, const char *to);
/* 1 when market exists, 0 not, -1. */
int store_fieldlog_market_exists(struct db *db, struct osb_err *e, const char *market);

/* ---- meetings ---- */
/* items: {"attendees":[..],"decisions":[..],"issues":[..]} of strings. */
int store_meeting_insert(struct db *db, struct osb_err *e, const char *kind, const char *date,
                         const char *market, const char *minutes, json_t *items, const char *by,
                         ts_t at, int64_t *id);
int store_meeting_get(struct db *db, struct osb_err *e, int64_t id, json_t **out);
json_t *store_meeting_ids(struct db *db, struct osb_err *e, const char *kind, const char *market,
                          const char *from, const char *to, int limit);

/* ---- sightings (冲货) ---- */
/* The distinct regions of the customers a batch of sku was shipped to: a new array. */
json_t *store_sighting_home_regions(struct db *db, struct osb_err *e, const char *sku,
                                    const char *batch);
int store_sighting_insert(struct db *db, struct osb_err *e, const char *visit, const char *customer,
                          const char *market, const char *region, const char *sku,
                          const char *batch, int64_t qty, json_t *home_regions, const char *seen_on,
                          const char *by, ts_t at);
/* Sightings in the markets/regions u sees (the seen customer's scope). */
json_t *store_sighting_list(struct db *db, struct osb_err *e, const struct scope_user *u,
                            const char *market, const char *region, const char *from,
                            const char *to, int limit);

/* ---- visit verification (flows.md §9.6) ---- */
/* The visit reports created in [from_ts, to_ts): [{number, owner}] oldest first. */
json_t *store_verify_candidates(struct db *db, struct osb_err *e, ts_t from_ts, ts_t to_ts);
/* 1 when month has picks already. */
int store_verify_exists(struct db *db, struct osb_err *e, const char *month);
int store_verify_insert(struct db *db, struct osb_err *e, const char *month, const char *visit,
                        const char *visitor, const char *by, ts_t at);
/* The picks of month with each visit's customer, state and verification (data). */
json_t *store_verify_list(struct db *db, struct osb_err *e, const char *month);

/* ---- the morning check (flows.md §9.3) ---- */
/* Items dated day of submitted or confirmed visit plans with no visit report naming them:
   [{document, seq, owner, customer}]. */
json_t *store_visit_items_missing(struct db *db, struct osb_err *e, const char *day);

#endif
