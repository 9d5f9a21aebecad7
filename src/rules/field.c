/*
 * field.c — the field-sales tables (rules/field.h).
 */
#include "rules/field.h"

#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- quotations (BJ / TB) -------------------------------------------------------------- */

static const char *const q_states[] = {"registered", "preparing", "declined", "review",  "approved",
                                       "issued",     "won",       "lost",     "expired", NULL};
static const char *const q_decide[] = {"participate", NULL};
static const char *const q_prepare[] = {"lines", "valid_until", "payment_term_days", NULL};
static const char *const q_request[] = {"kind", "note", NULL};
static const char *const q_support[] = {"kind", "result", NULL};
static const char *const q_issue[] = {"valid_until", NULL};

static const struct doc_action q_actions[] = {
    [QA_DECIDE] = {"decide", P_QUOTATION_DECIDE, DOC_BIT(QS_REGISTERED), DOC_TO_DECIDED, q_decide,
                   0},
    [QA_PREPARE] = {"prepare", P_QUOTATION_WORK, DOC_BIT(QS_PREPARING), DOC_TO_SAME, q_prepare, 0},
    [QA_REQUEST_SUPPORT] = {"request-support", P_QUOTATION_WORK, DOC_BIT(QS_PREPARING), DOC_TO_SAME,
                            q_request, DOC_ASIDE},
    [QA_SUPPORT] = {"support", P_QUOTATION_SUPPORT, DOC_BIT(QS_PREPARING), DOC_TO_SAME, q_support,
                    DOC_ASIDE},
    [QA_SUBMIT] = {"submit", P_QUOTATION_WORK, DOC_BIT(QS_PREPARING), QS_REVIEW, NULL, 0},
    [QA_APPROVE] = {"approve", P_QUOTATION_DECIDE, DOC_BIT(QS_REVIEW), DOC_TO_DECIDED, NULL, 0},
    [QA_RETURN] = {"return", P_QUOTATION_DECIDE, DOC_BIT(QS_REVIEW), QS_PREPARING, NULL, DOC_ASIDE},
    [QA_ISSUE] = {"issue", P_QUOTATION_WORK, DOC_BIT(QS_APPROVED), QS_ISSUED, q_issue, 0},
    [QA_WON] = {"won", P_QUOTATION_WORK, DOC_BIT(QS_ISSUED), QS_WON, NULL, DOC_ASIDE},
    [QA_LOST] = {"lost", P_QUOTATION_WORK, DOC_BIT(QS_ISSUED), QS_LOST, NULL, DOC_ASIDE},
    [QA_EXPIRE] = {"expire", P_QUOTATION_WORK, DOC_BIT(QS_ISSUED), QS_EXPIRED, NULL, DOC_ASIDE},
};
const struct doc_type quotation_doc = {"quotations", "quotation", q_states, q_actions,
                                       COUNT(q_actions)};

/* ---- after-sales (SH) ------------------------------------------------------------------- */

static const char *const h_states[] = {"received",    "confirmed", "assigned",
                                       "in_progress", "escalated", "resolved",
                                       "closed",      "rejected",  NULL};
static const char *const h_assign[] = {"handler", NULL};
static const char *const h_resolve[] = {"result", NULL};
static const char *const h_close[] = {"rating", NULL};
static const char *const h_open_return[] = {"order", "lines", NULL};

static const struct doc_action h_actions[] = {
    [HA_CONFIRM] = {"confirm", P_AFTERSALES_CONFIRM, DOC_BIT(HS_RECEIVED), HS_CONFIRMED, NULL, 0},
    [HA_REJECT] = {"reject", P_AFTERSALES_CONFIRM, DOC_BIT(HS_RECEIVED) | DOC_BIT(HS_CONFIRMED),
                   HS_REJECTED, NULL, DOC_ASIDE},
    [HA_ASSIGN] = {"assign", P_AFTERSALES_ASSIGN, DOC_BIT(HS_CONFIRMED), HS_ASSIGNED, h_assign, 0},
    [HA_START] = {"start", P_AFTERSALES_WORK, DOC_BIT(HS_ASSIGNED), HS_IN_PROGRESS, NULL, 0},
    [HA_ESCALATE] = {"escalate", P_AFTERSALES_WORK, DOC_BIT(HS_IN_PROGRESS), HS_ESCALATED, NULL,
                     DOC_ASIDE | DOC_ALSO(P_AFTERSALES_CONFIRM)},
    [HA_RESOLVE] = {"resolve", P_AFTERSALES_WORK, DOC_BIT(HS_IN_PROGRESS) | DOC_BIT(HS_ESCALATED),
                    HS_RESOLVED, h_resolve, DOC_ALSO(P_AFTERSALES_RESOLVE_ESC)},
    [HA_CLOSE] = {"close", P_AFTERSALES_ASSIGN, DOC_BIT(HS_RESOLVED), HS_CLOSED, h_close, 0},
    [HA_OPEN_RETURN] = {"open-return", P_RETURN_CREATE,
                        DOC_BIT(HS_CONFIRMED) | DOC_BIT(HS_ASSIGNED) | DOC_BIT(HS_IN_PROGRESS) |
                            DOC_BIT(HS_ESCALATED) | DOC_BIT(HS_RESOLVED),
                        DOC_TO_SAME, h_open_return, DOC_ASIDE},
};
const struct doc_type after_sales_doc = {"after-sales", "after_sales", h_states, h_actions,
                                         COUNT(h_actions)};

/* ---- visit plans and visit reports (BF) ------------------------------------------------ */

static const char *const vp_states[] = {"draft", "submitted", "confirmed", NULL};
static const struct doc_action vp_actions[] = {
    [VA_SUBMIT] = {"submit", P_VISIT_WORK, DOC_BIT(VS_DRAFT), VS_SUBMITTED, NULL, 0},
    [VA_CONFIRM] = {"confirm", P_VISIT_CONFIRM, DOC_BIT(VS_SUBMITTED), VS_CONFIRMED, NULL, 0},
};
const struct doc_type visit_plan_doc = {"visit-plans", "visit_plan", vp_states, vp_actions,
                                        COUNT(vp_actions)};

static const char *const v_states[] = {"filed", "commented", "verified", NULL};
static const char *const v_verify[] = {"confirmed", NULL};
static const struct doc_action v_actions[] = {
    [BA_COMMENT] = {"comment", P_VISIT_CONFIRM, DOC_BIT(BS_FILED), BS_COMMENTED, NULL, 0},
    [BA_VERIFY] = {"verify", P_VISIT_VERIFY, DOC_BIT(BS_FILED) | DOC_BIT(BS_COMMENTED), BS_VERIFIED,
                   v_verify, 0},
};
const struct doc_type visit_doc = {"visits", "visit", v_states, v_actions, COUNT(v_actions)};

/* ---- forecasts (YC) and plans (JH) ----------------------------------------------------- */

static const char *const f_states[] = {"draft",      "submitted", "assessed",
                                       "aggregated", "approved",  NULL};
static const char *const f_assess[] = {"lines", NULL};
static const struct doc_action f_actions[] = {
    [FA_SUBMIT] = {"submit", P_FORECAST_DRAFT, DOC_BIT(FS_DRAFT), FS_SUBMITTED, NULL, 0},
    [FA_ASSESS] = {"assess", P_FORECAST_ASSESS, DOC_BIT(FS_SUBMITTED), FS_ASSESSED, f_assess, 0},
    [FA_AGGREGATE] = {"aggregate", P_FORECAST_ASSESS, DOC_BIT(FS_ASSESSED), FS_AGGREGATED, NULL, 0},
    [FA_APPROVE] = {"approve", P_FORECAST_APPROVE, DOC_BIT(FS_AGGREGATED), FS_APPROVED, NULL, 0},
};
const struct doc_type forecast_doc = {"forecasts", "forecast", f_states, f_actions,
                                      COUNT(f_actions)};

static const char *const p_states[] = {"draft", "submitted", "approved", NULL};
static const struct doc_action p_actions[] = {
    [PLNA_SUBMIT] = {"submit", P_PLAN, DOC_BIT(PLNS_DRAFT), PLNS_SUBMITTED, NULL, 0},
    [PLNA_APPROVE] = {"approve", P_PLAN, DOC_BIT(PLNS_SUBMITTED), PLNS_APPROVED, NULL, 0},
    [PLNA_RETURN] = {"return", P_PLAN, DOC_BIT(PLNS_SUBMITTED), PLNS_DRAFT, NULL, DOC_ASIDE},
};
const struct doc_type plan_doc = {"plans", "plan", p_states, p_actions, COUNT(p_actions)};

/* ---- pure rules --------------------------------------------------------------------------- */

bool quotation_is_major(int64_t total_fen)
{
    return total_fen >= QUOTATION_MAJOR_FEN;
}

bool visit_price_inverted(int64_t observed_fen, int64_t list_fen)
{
    return list_fen > 0 && observed_fen < list_fen;
}

int64_t forecast_accuracy_bp(int64_t forecast, int64_t actual)
{
    __int128 diff = (__int128)actual - forecast;
    if (diff < 0)
        diff = -diff;
    __int128 miss = diff * 10000 / (forecast > 1 ? forecast : 1);
    return miss >= 10000 ? 0 : (int64_t)(10000 - miss);
}

bool forecast_deviates(int64_t forecast, int64_t avg_actual, int limit_bp)
{
    if (avg_actual <= 0)
        return forecast > 0;
    __int128 diff = (__int128)forecast - avg_actual;
    if (diff < 0)
        diff = -diff;
    return diff * 10000 > (__int128)avg_actual * limit_bp;
}

const char *plan_approver_role(const char *level)
{
    static const struct {
        const char *level, *role;
    } up[] = {
        {"company", "gm"}, {"market", "slt"}, {"region", "mm"}, {"kam", "um"}, {"customer", "um"}};
    for (size_t i = 0; i < COUNT(up); i++)
        if (level && strcmp(level, up[i].level) == 0)
            return up[i].role;
    return NULL;
}

int64_t visit_verification_count(int64_t n, int64_t visitors, int pct)
{
    if (n <= 0)
        return 0;
    int64_t k = (n * pct + 99) / 100;
    if (k < visitors)
        k = visitors;
    return k > n ? n : k;
}

const char *const call_log_kinds[] = {"weekly_collection",  "satisfaction", "tracking",
                                      "consumer_follow_up", "reminder",     NULL};
const char *const meeting_kinds[] = {
    "slt_monthly",   "osb_monthly",     "marketing_monthly", "ssg_monthly",         "sales_weekly",
    "sales_monthly", "sales_quarterly", "sales_annual",      "collection_analysis", NULL};

bool field_one_of(const char *const *list, const char *s)
{
    for (; s && *list; list++)
        if (strcmp(*list, s) == 0)
            return true;
    return false;
}

/* Monday of ISO week 1 of year y: the week holding 4 January. */
static date_t iso_week1(int y)
{
    date_t jan4 = date_from_ymd(y, 1, 4);
    return jan4 - (date_weekday(jan4) - 1);
}

bool field_period_span(const char *type, const char *period, date_t *from, date_t *to)
{
    int y = 0, m = 0, n = 0;
    if (!type || !period || !date_digits(period, 4, &y) || y < DATE_MIN_YEAR || y >= DATE_MAX_YEAR)
        return false;
    const char *rest = period + 4;
    if (strcmp(type, "year") == 0) {
        if (*rest)
            return false;
        *from = date_from_ymd(y, 1, 1), *to = date_from_ymd(y, 12, 31);
        return true;
    }
    if (strcmp(type, "quarter") == 0) {
        if (*rest == '-')
            rest++;
        if (rest[0] != 'Q' || rest[1] < '1' || rest[1] > '4' || rest[2])
            return false;
        m = (rest[1] - '1') * 3 + 1;
        *from = date_from_ymd(y, m, 1);
        *to = date_from_ymd(y, m + 2, date_days_in_month(y, m + 2));
        return true;
    }
    if (strcmp(type, "month") == 0) {
        if (!period_parse(period, &y, &m))
            return false;
        *from = date_from_ymd(y, m, 1), *to = date_from_ymd(y, m, date_days_in_month(y, m));
        return true;
    }
    date_t d;
    if (strcmp(type, "day") == 0) {
        if (!date_parse(period, &d))
            return false;
        *from = *to = d;
        return true;
    }
    if (strcmp(type, "week") != 0)
        return false;
    if (date_parse(period, &d)) {
        *from = d - (date_weekday(d) - 1), *to = *from + 6;
        return true;
    }
    if (*rest == '-')
        rest++;
    if (rest[0] != 'W' || !date_digits(rest + 1, 2, &n) || rest[3] || n < 1)
        return false;
    /* the year's last week holds 28 December */
    int weeks = (int)((date_from_ymd(y, 12, 28) - iso_week1(y)) / 7) + 1;
    if (n > weeks)
        return false;
    *from = iso_week1(y) + (n - 1) * 7, *to = *from + 6;
    return true;
}

const char *visit_archive_section(const char *field)
{
    static const struct {
        const char *section;
        const char *fields[16];
    } map[] = {
        {"basic",
         {"address", "phone", "owner", "operating_manager", "legal_rep", "founded_on",
          "trading_since", "org_type", "industry", "assets_fen", "tax_id", "website", NULL}},
        {"characteristics",
         {"service_area", "sales_force_size", "development_potential", "development_potential_note",
          "business_philosophy", "business_policy", "company_size", "business_features", NULL}},
        {"business_status",
         {"staff_quality", "staff_quality_note", "competitor_relations", "cooperation_attitude",
          "cooperation_attitude_note", NULL}},
        {"transaction_status",
         {"activities", "problems", "advantages", "future_plans", "reputation",
          "credit_status_note", "trade_terms", NULL}},
        {"invoicing",
         {"invoice_title", "bank_name", "bank_account", "reg_address", "reg_phone",
          "mailing_address", "mailing_contact", "mailing_phone", NULL}},
        {"logistics",
         {"consignee", "consignee_phone", "consignment_station", "carrier", "delivery_address",
          "arrival_address", "transit_days", "last_confirmed_on", NULL}},
        {"contacts", {"contacts", NULL}},
    };
    for (size_t i = 0; field && i < COUNT(map); i++)
        for (const char *const *f = map[i].fields; *f; f++)
            if (strcmp(*f, field) == 0)
                return map[i].section;
    return NULL;
}

date_t field_week_monday(date_t d)
{
    return d - (date_weekday(d) - 1);
}

void field_week_label(date_t d, char out[9])
{
    date_t mon = field_week_monday(d);
    int y, m, dd;
    date_to_ymd(mon + 3, &y, &m, &dd);
    int n = (int)((mon - iso_week1(y)) / 7) + 1;
    if (y < 0 || y > 9999 || n < 1 || n > 53) {
        out[0] = '\0';
        return;
    }
    out[0] = (char)('0' + y / 1000), out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10), out[3] = (char)('0' + y % 10);
    out[4] = '-', out[5] = 'W', out[6] = (char)('0' + n / 10), out[7] = (char)('0' + n % 10);
    out[8] = '\0';
}

const char *field_period_form(const char *type)
{
    static const char *const forms[][2] = {{"year", "YYYY"},
                                           {"quarter", "YYYYQn"},
                                           {"month", "YYYY-MM"},
                                           {"week", "YYYY-Www"},
                                           {"day", "YYYY-MM-DD"}};
    for (size_t i = 0; i < COUNT(forms); i++)
        if (type && strcmp(forms[i][0], type) == 0)
            return forms[i][1];
    return "?";
}
