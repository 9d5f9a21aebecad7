/*
 * market.c — market support's tables and pure rules (rules/market.h).
 */
#include "rules/market.h"

#include <string.h>

/* ---- FY ---- */
static const char *const x_states[] = {"submitted", "approved", "rejected", "executed",
                                       "settled",   "closed",   NULL};
static const char *const x_approve_fields[] = {"settlement_form", NULL};
static const char *const x_execute_fields[] = {"actual_fen", "evidence", NULL};
static const char *const x_settle_fields[] = {"settlement_form", "reference", NULL};
static const char *const x_evaluate_fields[] = {"evaluation", "rating", NULL};

static const struct doc_action x_actions[] = {
    [XA_APPROVE] = {"approve", P_EXPENSE_APPROVE, DOC_BIT(XS_SUBMITTED), DOC_TO_DECIDED,
                    x_approve_fields, 0},
    [XA_REJECT] = {"reject", P_EXPENSE_APPROVE, DOC_BIT(XS_SUBMITTED), XS_REJECTED, NULL,
                   DOC_ASIDE},
    [XA_EXECUTE] = {"execute", P_EXPENSE_APPLY, DOC_BIT(XS_APPROVED), DOC_TO_DECIDED,
                    x_execute_fields, 0},
    [XA_SETTLE] = {"settle", P_EXPENSE_SETTLE, DOC_BIT(XS_EXECUTED), XS_SETTLED, x_settle_fields,
                   0},
    [XA_EVALUATE] = {"evaluate", P_EXPENSE_APPLY, DOC_BIT(XS_SETTLED), XS_CLOSED, x_evaluate_fields,
                     DOC_ALSO(P_EXPENSE_APPROVE)},
    /* flows.md §15: the CSR checks a travel claim against the visit reports of its dates before
       finance settles it (a travel application only, once; flow/market.c's who) */
    [XA_CHECK_TRAVEL] = {"check-travel", P_TRAVEL_CHECK, DOC_BIT(XS_EXECUTED), DOC_TO_SAME, NULL,
                         0},
};
const struct doc_type expense_doc = {"expense-applications", "expense_application", x_states,
                                     x_actions, sizeof x_actions / sizeof x_actions[0]};

void expense_contrib(int state, int64_t approved_fen, int64_t actual_fen, int64_t *committed,
                     int64_t *actual)
{
    *committed = 0;
    *actual = 0;
    if (state == XS_APPROVED || state == XS_EXECUTED || (state == XS_SUBMITTED && approved_fen > 0))
        *committed = approved_fen;
    else if (state == XS_SETTLED || state == XS_CLOSED)
        *actual = actual_fen;
}

bool expense_mm_may(int64_t amount_fen, int64_t available_fen, bool special)
{
    return !special && amount_fen <= EXPENSE_MM_MAX_FEN && amount_fen <= available_fen;
}

/* ---- WL ---- */
static const char *const w_states[] = {"requested", "approved", "rejected", "shipped",
                                       "received",  "verified", NULL};
static const char *const w_verify_fields[] = {"photo", "note", "visit", NULL};
static const struct doc_action w_actions[] = {
    [POPA_APPROVE] = {"approve", P_POP_APPROVE, DOC_BIT(POPS_REQUESTED), POPS_APPROVED, NULL, 0},
    [POPA_REJECT] = {"reject", P_POP_APPROVE, DOC_BIT(POPS_REQUESTED), POPS_REJECTED, NULL,
                     DOC_ASIDE},
    [POPA_CONFIRM_RECEIPT] = {"confirm-receipt", P_POP_RECEIVE, DOC_BIT(POPS_SHIPPED),
                              POPS_RECEIVED, NULL, 0},
    [POPA_VERIFY] = {"verify", P_POP_VERIFY, DOC_BIT(POPS_RECEIVED), POPS_VERIFIED, w_verify_fields,
                     0},
};
const struct doc_type pop_doc = {"pop-requests", "pop_request", w_states, w_actions,
                                 sizeof w_actions / sizeof w_actions[0]};

void pop_contrib(int state, int64_t value_fen, int64_t *committed, int64_t *actual)
{
    *committed = state == POPS_APPROVED ? value_fen : 0;
    *actual =
        (state == POPS_SHIPPED || state == POPS_RECEIVED || state == POPS_VERIFIED) ? value_fen : 0;
}

/* ---- YP ---- */
static const char *const y_states[] = {"issued", "followed_up", NULL};
static const char *const y_follow_fields[] = {"usage_bp", "waste_bp", "stores_surveyed", NULL};
static const struct doc_action y_actions[] = {
    [YA_FOLLOW_UP] = {"follow-up", P_SAMPLE_FOLLOW_UP, DOC_BIT(YS_ISSUED), YS_FOLLOWED_UP,
                      y_follow_fields, 0},
};
const struct doc_type sample_doc = {"samples", "sample", y_states, y_actions,
                                    sizeof y_actions / sizeof y_actions[0]};

static int64_t part(int64_t qty, int bp)
{
    if (bp <= 0 || qty <= 0)
        return 0;
    return (int64_t)(((__int128)qty * bp) / 10000);
}

int64_t sample_deduction(int64_t qty, int usage_bp, int waste_bp)
{
    int u = 8000 - usage_bp, w = waste_bp - 1000;
    return part(qty, u > 0 ? u : 0) + part(qty, w > 0 ? w : 0);
}

/* ---- KC ---- */
static const char *const k_states[] = {"submitted", "reviewed", "returned", NULL};
static const char *const k_review_fields[] = {"note", NULL};
static const char *const k_resubmit_fields[] = {"lines", NULL};
static const struct doc_action k_actions[] = {
    [KA2_REVIEW] = {"review", P_INVREPORT_REVIEW, DOC_BIT(KS2_SUBMITTED), KS2_REVIEWED,
                    k_review_fields, 0},
    [KA2_RETURN] = {"return", P_INVREPORT_REVIEW, DOC_BIT(KS2_SUBMITTED), KS2_RETURNED,
                    k_review_fields, DOC_ASIDE},
    [KA2_RESUBMIT] = {"resubmit", P_INVREPORT_SUBMIT, DOC_BIT(KS2_RETURNED), KS2_SUBMITTED,
                      k_resubmit_fields, 0},
};
const struct doc_type invrep_doc = {"inventory-reports", "inventory_report", k_states, k_actions,
                                    sizeof k_actions / sizeof k_actions[0]};

/* ---- ZC ---- */
static const char *const z_states[] = {"requested", "reviewed", "forwarded", "scheduled",
                                       "done",      "rejected", NULL};
static const char *const z_schedule_fields[] = {"date", "place", "itinerary", NULL};
static const char *const z_forward_fields[] = {"handler", NULL};
static const struct doc_action z_actions[] = {
    [ZA_REVIEW] = {"review", P_SUPPORT_REVIEW, DOC_BIT(ZS_REQUESTED), ZS_REVIEWED, NULL, 0},
    [ZA_FORWARD] = {"forward", P_SUPPORT_FORWARD, DOC_BIT(ZS_REQUESTED) | DOC_BIT(ZS_REVIEWED),
                    ZS_FORWARDED, z_forward_fields, 0},
    [ZA_SCHEDULE] = {"schedule", P_SUPPORT_FORWARD, DOC_BIT(ZS_FORWARDED), ZS_SCHEDULED,
                     z_schedule_fields, 0},
    [ZA_DONE] = {"done", P_SUPPORT_FORWARD, DOC_BIT(ZS_FORWARDED) | DOC_BIT(ZS_SCHEDULED), ZS_DONE,
                 NULL, 0},
    /* a reject is aside: a reviewed request waits on customer service's forward (GET /me/queue) */
    [ZA_REJECT] = {"reject", P_SUPPORT_REVIEW, DOC_BIT(ZS_REQUESTED) | DOC_BIT(ZS_REVIEWED),
                   ZS_REJECTED, NULL, DOC_ASIDE},
};
const struct doc_type support_doc = {"support-requests", "support_request", z_states, z_actions,
                                     sizeof z_actions / sizeof z_actions[0]};

bool support_step_ok(bool ad_design, int a, int s)
{
    switch (a) {
    case ZA_REVIEW:
    case ZA_SCHEDULE:
    case ZA_REJECT:
        return !ad_design;
    case ZA_FORWARD:
        return ad_design ? s == ZS_REQUESTED : s == ZS_REVIEWED;
    case ZA_DONE:
        return ad_design ? s == ZS_FORWARDED : s == ZS_SCHEDULED;
    default:
        return false;
    }
}

bool invrep_balanced(const struct invrep_line *l)
{
    __int128 v = (__int128)l->opening + l->purchased + l->other_in - l->sold - l->returned;
    return v == (__int128)l->closing;
}

int64_t invrep_cover_bp(int64_t closing, int64_t sold_sum, int months)
{
    if (sold_sum <= 0 || months <= 0)
        return -1;
    __int128 v = (__int128)closing * 10000 * months / sold_sum;
    return v > INT64_MAX ? INT64_MAX : (int64_t)v;
}

int64_t invrep_sell_through_bp(int64_t sold_sum, int64_t available)
{
    if (available <= 0)
        return -1;
    __int128 v = (__int128)(sold_sum > 0 ? sold_sum : 0) * 10000 / available;
    return v > INT64_MAX ? INT64_MAX : (int64_t)v;
}

bool invrep_build_up(int64_t closing, int64_t cover_bp)
{
    return cover_bp < 0 ? closing > 0 : cover_bp > 20000;
}

bool invrep_late(int period_y, int period_m, int y, int m, int d)
{
    if (y * 12 + m != period_y * 12 + period_m)
        return y * 12 + m > period_y * 12 + period_m;
    return d > 20;
}

void mask_phone(const char *phone, char *out, size_t n)
{
    if (n == 0)
        return;
    size_t len = phone ? strlen(phone) : 0, head = len >= 8 ? 3 : 0, tail = len >= 8 ? 4 : 2, o = 0;
    if (tail > len)
        tail = len;
    for (size_t i = 0; i < len && o + 1 < n; i++)
        out[o++] = (i < head || i >= len - tail) ? phone[i] : '*';
    out[o] = '\0';
}
