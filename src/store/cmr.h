/*
 * cmr.h (store) — all of CMR's SQL (flows.md §11): the credit review aggregate (XY: the
 * review row and its lines), the facts the formula and the what-if read (invoices, credit
 * notes, past credit checks), and the monthly grade lists. flow/credit_review.c and
 * flow/credit_grade.c decide; nothing here knows a rule.
 */
#ifndef OSB_STORE_CMR_H
#define OSB_STORE_CMR_H

#include "core/docno.h"
#include "rules/cmr.h"
#include "rules/perm.h"
#include "store/db.h"
#include "store/order.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* One line of a review: the formula's terms, the MM's adjustment and the approvals. */
struct credit_line {
    int line_no;
    char customer[40];
    struct order_customer cu; /* the customer's facts now (scope, market, supervisor) */
    int64_t current_limit_fen, s_avg_fen, formula_limit_fen, adjustment_fen, proposed_limit_fen;
    int months_n, t_days, g_bp, r_bp;
    bool has_formula, needs_gm;
    char state[16];
    char *adjustment_reason, *reject_comment; /* owned, NULL when none */
    json_t *flags, *what_if;                  /* owned */
    char reviewed_by[40], slt_approved_by[40], slt_on_behalf_of[40], gm_approved_by[40];
    char rejected_by[40], effective_on[12];
    int64_t reviewed_at, slt_approved_at, gm_approved_at, rejected_at, effective_at;
    bool changed; /* save writes it */
    /* Where T and G come from (#10): the order cycle in T; the approved forecasts behind G
       (has_forecast; its quarter value, F = value / 3, G before the clamp; g_sources
       [{"forecast","month","amount_fen"}], owned). Lines made before these were kept have
       cycle_days 0 and no sources. */
    int cycle_days;
    bool has_forecast;
    int64_t forecast_fen, f_fen, g_raw_bp;
    json_t *g_sources;
};

struct credit_review {
    char number[DOCNO_MAX], quarter[8], review_date[12], effective_from[12], state[16];
    char created_by[40], closed_note[64];
    bool adhoc;
    int64_t version, created_at, updated_at, closed_at;
    struct credit_line *lines; /* owned */
    size_t nlines;
};

/* 1 found, 0 none, -1 error. */
int store_credit_review_load(struct db *db, struct osb_err *e, const char *number,
                             struct credit_review *r);
void store_credit_review_release(struct credit_review *r);
/* Inserts the review (state open, version 1) and all of its lines. */
int store_credit_review_insert(struct db *db, struct osb_err *e, const struct credit_review *r);
/* One action's write: state, version + 1, updated_at (closed_at when closing), the lines
   marked changed. */
int store_credit_review_save(struct db *db, struct osb_err *e, struct credit_review *r,
                             const char *state, int64_t now);

struct credit_review_filter {
    const char *state, *quarter, *customer, *cursor, *q;
    int limit;
};
/* One page of review numbers, newest first (reviews are visible to every reader of the
   document; the lines are limited to the caller's scope when shown). */
int store_credit_review_list(struct db *db, struct osb_err *e, const struct credit_review_filter *f,
                             json_t **numbers, char **next);

/* The open reviews of a quarter, as numbers (a new array). */
json_t *store_credit_review_open_of(struct db *db, struct osb_err *e, const char *quarter);

/* How many reviews of quarter exist (open or closed). */
int store_credit_review_count_of(struct db *db, struct osb_err *e, const char *quarter, int64_t *n);
/* The active MMs of the markets the review has lines in (a new array of usernames). */
json_t *store_credit_review_mms(struct db *db, struct osb_err *e, const char *number);
/* The active MMs of a market (a new array of usernames). */
json_t *store_cmr_market_mms(struct db *db, struct osb_err *e, const char *market);

/* Lines approved and due (effective_on <= today), as {review, customer} rows. */
json_t *store_credit_lines_due(struct db *db, struct osb_err *e, const char *today);
/* Lines of quarterly reviews still proposed or reviewed whose quarter began by today and whose
   lateness is not yet noted: {review, customer, market, supervisor, effective_from}. */
json_t *store_credit_lines_late(struct db *db, struct osb_err *e, const char *today);
int store_credit_line_late_noted(struct db *db, struct osb_err *e, const char *review,
                                 const char *customer);

/* ---- the facts of the formula and the what-if ------------------------------------------- */

/* The customers a review covers: every active customer (codes NULL) or the listed ones, as
   rows {customer, credit_limit_fen, payment_term_days, grade, status, first_invoice (date or
   null), net_fen (Σ invoices − Σ credit notes dated from..to)}. */
json_t *store_cmr_facts(struct db *db, struct osb_err *e, json_t *codes, const char *from,
                        const char *to);

/* The customer's approved forecasts (YC), oldest first: rows {number, data} (data is the
   forecast's JSON text: lines of {month, sku, qty, amount_fen}). */
json_t *store_cmr_forecasts(struct db *db, struct osb_err *e, const char *customer);

/* The credit checks of the customer's orders accepted in [from_ts, to_ts): the stored
   credit_check objects with the order's total_fen added, oldest first. */
json_t *store_cmr_past_checks(struct db *db, struct osb_err *e, const char *customer,
                              int64_t from_ts, int64_t to_ts);

/* Sets the customer's credit_limit_fen (version + 1): the old limit into *old. */
int store_cmr_set_limit(struct db *db, struct osb_err *e, const char *customer, int64_t limit,
                        int64_t now, int64_t *old);

/* ---- grade lists -------------------------------------------------------------------------- */

/* The active customers with their grade now: {customer, grade}. */
json_t *store_cmr_grade_customers(struct db *db, struct osb_err *e);
/* The invoices due in [from, as_of] of every customer: {customer, due_date, a_fen,
   settled_fen (allocations settled by as_of), last_settle}. */
json_t *store_cmr_grade_invoices(struct db *db, struct osb_err *e, const char *from,
                                 const char *as_of);
/* Per customer the oldest due date of an invoice open (not fully settled) at as_of and due
   before it: {customer, oldest_due}. */
json_t *store_cmr_grade_oldest_open(struct db *db, struct osb_err *e, const char *as_of);
/* The credit incidents dated in (from, as_of]: {customer, kind, date}. */
json_t *store_cmr_grade_incidents(struct db *db, struct osb_err *e, const char *from,
                                  const char *as_of);

/* The list head of month: 1 found (*head a new object {month, as_of, computed_at, computed_by,
   published, published_at, published_by}), 0 none, -1 error. */
int store_grade_list_head(struct db *db, struct osb_err *e, const char *month, json_t **head);
/* The rows of month (every customer, the flow limits them to the caller's scope). */
json_t *store_grade_list_rows(struct db *db, struct osb_err *e, const char *month);
/* Creates or refreshes the head (computed now, not published). */
int store_grade_list_put(struct db *db, struct osb_err *e, const char *month, const char *as_of,
                         int64_t now, const char *by);
/* Writes one computed row, keeping an override already made. */
int store_grade_row_put(struct db *db, struct osb_err *e, const char *month, const char *customer,
                        int64_t dpl, int64_t max_overdue, bool has_invoices, char computed,
                        char previous);
int store_grade_override(struct db *db, struct osb_err *e, const char *month, const char *customer,
                         const char *grade, const char *reason, const char *by, int64_t now);
int store_grade_publish(struct db *db, struct osb_err *e, const char *month, const char *by,
                        int64_t now);
/* Sets a customer's grade (and with hold, credit_hold with its reason), version + 1. */
int store_cmr_set_grade(struct db *db, struct osb_err *e, const char *customer, char grade,
                        bool hold, const char *hold_reason, int64_t now);

#endif
