/*
 * cmr.h — CMR, the credit-limit management rules (信用额管理制度, flows.md §11), pure: the
 * quarterly credit-limit formula (§11.2) in exact integers, the GM thresholds of a proposal
 * (§11.1 rule 2), the monthly grade (§11.3: DPL, maximum overdue, incidents → A..E) and the
 * what-if of a proposed limit over past orders (the CC decision table of rules/order.c).
 *
 * Nothing here reads the clock or the database: flow/credit_review.c and flow/credit_grade.c
 * gather the facts and pass dates in. The credit review document's table is here too.
 */
#ifndef OSB_RULES_CMR_H
#define OSB_RULES_CMR_H

#include "core/date.h"
#include "rules/doc.h"
#include "rules/order.h"

#include <stdbool.h>
#include <stdint.h>

/* numbering-and-rules.md §9 defaults (flows.md §11.2, §11.3). */
#define CMR_CYCLE_DAYS 30      /* T = payment term + the order cycle (setting cmr_cycle_days) */
#define CMR_CYCLE_DAYS_MAX 365 /* the longest order cycle the setting may name */
#define CMR_MONTH_DAYS 30      /* base = S_avg × T / 30: a month's sales to a day's */
#define CMR_MIN_MONTHS 3       /* N below this: insufficient_history */
#define CMR_WINDOW_MONTHS 12   /* the formula's window, and N's maximum */
#define CMR_G_MIN_BP 8000      /* G clamp */
#define CMR_G_MAX_BP 15000
#define CMR_STEP_FEN INT64_C(100000)        /* formula rounded down to ¥1,000 */
#define CMR_GM_FIXED_FEN INT64_C(100000000) /* a proposal of ¥1,000,000 or more needs the GM */
#define CMR_GRADE_WINDOW_MONTHS 6           /* invoices due in the 6 months to the as-of date */

/* ---- the formula (flows.md §11.2) ------------------------------------------------------ */

struct cmr_facts {
    int64_t current_limit_fen;
    int months_n;          /* cmr_months_n() */
    int64_t net_sales_fen; /* Σ invoices − Σ credit notes dated in the window */
    int payment_term_days;
    bool has_forecast;    /* an approved forecast for the coming quarter */
    int64_t forecast_fen; /* its value for the quarter (F = forecast / 3) */
    char grade;           /* the customer's latest grade 'A'..'E' */
    int cycle_days;       /* the order cycle in T (setting cmr_cycle_days); <= 0: 30 */
};

struct cmr_terms {
    int months_n;
    int64_t s_avg_fen; /* ⌊net / N⌋, 0 when N = 0 or net < 0 */
    int t_days;
    int64_t base_fen; /* S_avg × T / 30 (CMR_MONTH_DAYS), half up */
    int g_bp, r_bp;
    int cycle_days;            /* the order cycle T was built with */
    int64_t f_fen;             /* F = forecast / 3 (half up); 0 without a forecast */
    int64_t g_raw_bp;          /* F × 10000 / S_avg before the clamp; 0 when G is the default */
    bool insufficient_history; /* N < 3: no formula */
    int64_t formula_limit_fen; /* valid unless insufficient_history */
};

/* The formula: every multiplication then division rounds half up in 128 bits; the result is
   rounded down to a multiple of ¥1,000. False only when a figure overflows int64. */
bool cmr_formula(const struct cmr_facts *f, struct cmr_terms *t);

/* N: the months from the month of the first invoice to the window's last month, the first
   month counting whole (api.md §5.9: first invoice 2029-08-14, window to 2030-02 → 7), at most
   12; 0 when there is no invoice (first_invoice < 0) or it is after the window. The window is
   the 12 complete calendar months before review_date. */
int cmr_months_n(date_t first_invoice, date_t review_date);

/* The window of review_date: [from, to] (the 12 complete calendar months before it). */
void cmr_window(date_t review_date, date_t *from, date_t *to);

/* G_bp = clamp(F × 10000 / S_avg, 8000, 15000), F = forecast / 3 (half up each); 10000 with
   no forecast or S_avg = 0. */
int cmr_g_bp(bool has_forecast, int64_t forecast_fen, int64_t s_avg_fen);
/* The same, also giving F and the unclamped G (both 0 when G is the default 10000). */
int cmr_growth(bool has_forecast, int64_t forecast_fen, int64_t s_avg_fen, int64_t *f_fen,
               int64_t *raw_bp);

/* Whether G is computed from a forecast (has_forecast) and a sales history (S_avg > 0): then
   the unclamped G is a figure the worksheet shows even when it rounds to 0 (a tiny forecast
   against large sales); otherwise G is the default 10000 and there is no unclamped G. */
bool cmr_growth_known(bool has_forecast, int64_t s_avg_fen);

/* R_bp of a grade: A 12000, B 10000, C 8000, D 5000, E 0 (−1 for anything else). */
int cmr_r_bp(char grade);

/* Does the proposal need the GM too (flows.md §11.1 rule 2)? More than the formula × 1.3
   (only when there is a formula), at least ¥1,000,000, or more than the current limit × 1.5. */
bool cmr_needs_gm(int64_t proposed_fen, bool has_formula, int64_t formula_fen, int64_t current_fen);

/* "2030Q2" → the first day of that quarter; false when s is not YYYYQn. */
bool cmr_quarter_parse(const char *s, date_t *first_day);

/* ---- the monthly grade (flows.md §11.3) ------------------------------------------------- */

/* One invoice due in the grade window, as of the as-of date. */
struct cmr_invoice {
    date_t due;
    int64_t amount_fen; /* a = amount − credits (− write-offs); rows with a <= 0 count nothing */
    bool settled;       /* the last fen was settled by the as-of date */
    date_t settled_on;  /* then: the settle_date of the last allocation */
};

/* DPL = ⌊Σ a × late / Σ a⌋, late = max(0, s − due), s = settled_on or as_of while open.
 *has gets whether any invoice (a > 0) counted. False on overflow. */
bool cmr_dpl(const struct cmr_invoice *inv, size_t n, date_t as_of, int64_t *dpl, bool *has);

struct cmr_grade_facts {
    bool has_invoices; /* an invoice due in the window */
    int64_t dpl_days;
    int64_t max_overdue_days;
    bool incident_12m; /* any credit incident in the 12 months to the as-of date */
    bool severe_6m;    /* a bounced cheque, legal incident or overdue_90 in 6 months */
    char previous;     /* the customer's grade now ('C' for a new customer) */
};

/* A if DPL ≤ 1, max overdue = 0 and no incident in 12 months; else B (≤ 5, ≤ 15); C (≤ 15,
   ≤ 30); D (≤ 30, ≤ 60); else E. E also on a severe incident in 6 months. Without invoices in
   the window the previous grade is kept (a severe incident still makes E). */
char cmr_grade(const struct cmr_grade_facts *f);

/* True for 'A'..'E'. */
bool cmr_grade_valid(const char *s);

/* ---- what-if (the CC decision table over past orders) ------------------------------------ */

struct cmr_what_if {
    int orders;
    int passed;       /* CC pass (row 3) */
    int slt_approval; /* over the limit by at most 20 % (row 4) */
    int prepay_first; /* payment first: prepaid or prepay_required (rows 1, 2, 5, 6) */
};

/* Runs cc_decide on each past order with the limit replaced by limit_fen. False on overflow. */
bool cmr_what_if(const struct cc_input *orders, size_t n, int64_t limit_fen,
                 struct cmr_what_if *out);

/* ---- the credit review document (XY; api.md §5.3) --------------------------------------- */

enum credit_review_state { CRS_OPEN, CRS_CLOSED };
enum credit_review_action { CRA_APPROVE, CRA_REJECT, CRA_REVIEW };
/* Line states (api.md §5.3). */
enum credit_line_state { CRL_PROPOSED, CRL_REVIEWED, CRL_APPROVED, CRL_REJECTED, CRL_EFFECTIVE };
const char *cmr_line_state_str(enum credit_line_state s);
int cmr_line_state_parse(const char *s);

extern const struct doc_type credit_review_doc;

#endif
