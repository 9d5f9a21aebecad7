/*
 * cmr.c — the CMR rules (rules/cmr.h): the credit-limit formula, the GM thresholds, the grade,
 * the what-if, and the credit review's table. Integers only; products in 128 bits.
 */
#include "rules/cmr.h"

#include "core/money.h"

#include <stdlib.h>
#include <string.h>

/* ---- the formula ------------------------------------------------------------------------- */

void cmr_window(date_t review_date, date_t *from, date_t *to)
{
    int y, m, d;
    date_to_ymd(review_date, &y, &m, &d);
    /* The last complete month ends the day before the review month begins. */
    date_t first_of_month = date_from_ymd(y, m, 1);
    *to = first_of_month - 1;
    int idx = y * 12 + (m - 1) - CMR_WINDOW_MONTHS;
    *from = date_from_ymd(idx / 12, idx % 12 + 1, 1);
}

int cmr_months_n(date_t first_invoice, date_t review_date)
{
    if (first_invoice < 0)
        return 0;
    date_t from, to;
    cmr_window(review_date, &from, &to);
    if (first_invoice > to)
        return 0;
    int fy, fm, fd, ty, tm, td;
    date_to_ymd(first_invoice, &fy, &fm, &fd);
    date_to_ymd(to, &ty, &tm, &td);
    int n = (ty * 12 + tm) - (fy * 12 + fm) + 1;
    return n > CMR_WINDOW_MONTHS ? CMR_WINDOW_MONTHS : n;
}

int cmr_r_bp(char grade)
{
    switch (grade) {
    case 'A':
        return 12000;
    case 'B':
        return 10000;
    case 'C':
        return 8000;
    case 'D':
        return 5000;
    case 'E':
        return 0;
    default:
        return -1;
    }
}

bool cmr_growth_known(bool has_forecast, int64_t s_avg_fen)
{
    return has_forecast && s_avg_fen > 0;
}

int cmr_growth(bool has_forecast, int64_t forecast_fen, int64_t s_avg_fen, int64_t *f_fen,
               int64_t *raw_bp)
{
    *f_fen = 0;
    *raw_bp = 0;
    if (!cmr_growth_known(has_forecast, s_avg_fen))
        return 10000;
    int64_t f, g;
    if (!money_div_round((__int128)forecast_fen, 3, &f))
        return CMR_G_MAX_BP;
    *f_fen = f;
    if (!money_div_round((__int128)f * 10000, s_avg_fen, &g))
        return CMR_G_MAX_BP;
    *raw_bp = g;
    return g < CMR_G_MIN_BP ? CMR_G_MIN_BP : g > CMR_G_MAX_BP ? CMR_G_MAX_BP : (int)g;
}

int cmr_g_bp(bool has_forecast, int64_t forecast_fen, int64_t s_avg_fen)
{
    int64_t f, raw;
    return cmr_growth(has_forecast, forecast_fen, s_avg_fen, &f, &raw);
}

bool cmr_formula(const struct cmr_facts *f, struct cmr_terms *t)
{
    memset(t, 0, sizeof *t);
    t->months_n = f->months_n < 0                   ? 0
                  : f->months_n > CMR_WINDOW_MONTHS ? CMR_WINDOW_MONTHS
                                                    : f->months_n;
    t->cycle_days = f->cycle_days > 0 ? f->cycle_days : CMR_CYCLE_DAYS;
    t->t_days = f->payment_term_days + t->cycle_days;
    int r = cmr_r_bp(f->grade);
    t->r_bp = r < 0 ? cmr_r_bp('C') : r;
    if (t->months_n > 0 && f->net_sales_fen > 0 &&
        !money_div_floor((__int128)f->net_sales_fen, t->months_n, &t->s_avg_fen))
        return false;
    t->g_bp = cmr_growth(f->has_forecast, f->forecast_fen, t->s_avg_fen, &t->f_fen, &t->g_raw_bp);
    if (!money_div_round((__int128)t->s_avg_fen * t->t_days, CMR_MONTH_DAYS, &t->base_fen))
        return false;
    t->insufficient_history = t->months_n < CMR_MIN_MONTHS;
    if (t->insufficient_history)
        return true;
    int64_t grown, rated;
    if (!money_div_round((__int128)t->base_fen * t->g_bp, 10000, &grown) ||
        !money_div_round((__int128)grown * t->r_bp, 10000, &rated))
        return false;
    t->formula_limit_fen = rated / CMR_STEP_FEN * CMR_STEP_FEN;
    return true;
}

bool cmr_needs_gm(int64_t proposed_fen, bool has_formula, int64_t formula_fen, int64_t current_fen)
{
    /* proposed > formula × 1.3 ⇔ 10 × proposed > 13 × formula, in 128 bits. */
    if (has_formula && (__int128)proposed_fen * 10 > (__int128)formula_fen * 13)
        return true;
    if (proposed_fen >= CMR_GM_FIXED_FEN)
        return true;
    return (__int128)proposed_fen * 10 > (__int128)current_fen * 15;
}

bool cmr_quarter_parse(const char *s, date_t *first_day)
{
    if (!s || strlen(s) != 6 || s[4] != 'Q' || s[5] < '1' || s[5] > '4')
        return false;
    int y = 0;
    for (int i = 0; i < 4; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        y = y * 10 + (s[i] - '0');
    }
    if (y < 1)
        return false;
    *first_day = date_from_ymd(y, (s[5] - '1') * 3 + 1, 1);
    return true;
}

/* ---- the grade --------------------------------------------------------------------------- */

bool cmr_dpl(const struct cmr_invoice *inv, size_t n, date_t as_of, int64_t *dpl, bool *has)
{
    __int128 sum_a = 0, sum_al = 0;
    *has = false;
    for (size_t i = 0; i < n; i++) {
        if (inv[i].amount_fen <= 0)
            continue;
        date_t s = inv[i].settled ? inv[i].settled_on : as_of;
        int64_t late = s > inv[i].due ? (int64_t)s - inv[i].due : 0;
        sum_a += inv[i].amount_fen;
        sum_al += (__int128)inv[i].amount_fen * late;
        *has = true;
    }
    if (sum_a == 0) {
        *dpl = 0;
        return true;
    }
    if (sum_a > INT64_MAX)
        return false;
    return money_div_floor(sum_al, (int64_t)sum_a, dpl);
}

char cmr_grade(const struct cmr_grade_facts *f)
{
    if (f->severe_6m)
        return 'E';
    if (!f->has_invoices)
        return f->previous >= 'A' && f->previous <= 'E' ? f->previous : 'C';
    int64_t d = f->dpl_days, m = f->max_overdue_days;
    if (d <= 1 && m == 0 && !f->incident_12m)
        return 'A';
    if (d <= 5 && m <= 15)
        return 'B';
    if (d <= 15 && m <= 30)
        return 'C';
    if (d <= 30 && m <= 60)
        return 'D';
    return 'E';
}

bool cmr_grade_valid(const char *s)
{
    return s && s[0] >= 'A' && s[0] <= 'E' && s[1] == '\0';
}

/* ---- what-if ----------------------------------------------------------------------------- */

bool cmr_what_if(const struct cc_input *orders, size_t n, int64_t limit_fen,
                 struct cmr_what_if *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < n; i++) {
        struct cc_input in = orders[i];
        in.fig.limit_fen = limit_fen;
        struct cc_output o;
        if (!cc_decide(&in, &o))
            return false;
        out->orders++;
        switch (o.result) {
        case CC_PASS:
            out->passed++;
            break;
        case CC_OVER_LE_20:
            out->slt_approval++;
            break;
        case CC_PREPAID:
        case CC_PREPAY_REQUIRED:
        case CC_ST_APPROVED:
            out->prepay_first++;
            break;
        }
    }
    return true;
}

/* ---- the credit review document ---------------------------------------------------------- */

static const char *const line_states[] = {"proposed", "reviewed",  "approved",
                                          "rejected", "effective", NULL};

const char *cmr_line_state_str(enum credit_line_state s)
{
    return s >= CRL_PROPOSED && s <= CRL_EFFECTIVE ? line_states[s] : "";
}

int cmr_line_state_parse(const char *s)
{
    for (int i = 0; s && line_states[i]; i++)
        if (strcmp(s, line_states[i]) == 0)
            return i;
    return -1;
}

static const char *const states[] = {"open", "closed", NULL};
static const char *const review_fields[] = {"customer", "adjustment_fen", "reason", NULL};
static const char *const approve_fields[] = {"customer", NULL};
static const char *const reject_fields[] = {"customer", NULL};

/* Each action works on one line (body "customer"); the review stays open until every line is
   rejected or effective (DOC_TO_DECIDED). Approve and reject are the approvers' (numbering-
   and-rules.md §3 "credit review: approve": GM, the supervising SLT member, their secretary by
   proxy); review is the MM's ("adjust a line"). */
static const struct doc_action actions[] = {
    [CRA_APPROVE] = {"approve", P_CREDIT_REVIEW_APPROVE, DOC_BIT(CRS_OPEN), DOC_TO_DECIDED,
                     approve_fields, DOC_PROXY},
    [CRA_REJECT] = {"reject", P_CREDIT_REVIEW_APPROVE, DOC_BIT(CRS_OPEN), DOC_TO_DECIDED,
                    reject_fields, DOC_PROXY | DOC_ASIDE},
    [CRA_REVIEW] = {"review", P_CREDIT_REVIEW_ADJUST, DOC_BIT(CRS_OPEN), DOC_TO_SAME, review_fields,
                    0},
};

const struct doc_type credit_review_doc = {"credit-reviews", "credit_review", states, actions,
                                           sizeof actions / sizeof actions[0]};
