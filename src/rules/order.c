/*
 * order.c — the OP state machine table, QC, AC and the CC decision table (rules/order.h).
 */
#include "rules/order.h"

#include "core/money.h"
#include "core/str.h"

#include <stdio.h>
#include <string.h>

static const char *const state_names[OS__COUNT + 1] = {
    "draft",           "verified",   "submitted", "accepted", "needs_fix", "pending_approval",
    "prepay_required", "st_pending", "approved",  "billed",   "released",  "rejected",
    "cancelled",       "closed",     NULL,
};

const char *order_state_str(enum order_state s)
{
    return (s >= 0 && s < OS__COUNT) ? state_names[s] : "";
}

enum order_state order_state_parse(const char *s)
{
    for (int i = 0; s && i < OS__COUNT; i++)
        if (strcmp(s, state_names[i]) == 0)
            return (enum order_state)i;
    return OS_NONE;
}

#define B(s) DOC_BIT(s)
#define BEFORE_RELEASED                                                                            \
    (B(OS_DRAFT) | B(OS_VERIFIED) | B(OS_SUBMITTED) | B(OS_ACCEPTED) | B(OS_NEEDS_FIX) |           \
     B(OS_PENDING_APPROVAL) | B(OS_PREPAY_REQUIRED) | B(OS_ST_PENDING) | B(OS_APPROVED) |          \
     B(OS_BILLED))

/* Body fields besides "comment" (and on_behalf_of/confirmed_by_phone of a DOC_PROXY action). */
static const char *const vote_fields[] = {"vote", "approve", NULL};
static const char *const st_fields[] = {"reason", "reason_text", NULL};
static const char *const amend_fields[] = {"lines", NULL};

/* flows.md §2.1, one row per action. check, recheck and st-vote decide their next state
   (QC → AC → CC; the third yes or the first no). */
static const struct doc_action actions[OA__COUNT] = {
    [OA_VERIFY] = {"verify", P_ORDER_VERIFY, B(OS_DRAFT), OS_VERIFIED, NULL, 0},
    [OA_SEND_BACK] = {"send-back", P_ORDER_APPROVE_MARKET, B(OS_VERIFIED), OS_DRAFT, NULL, 0},
    [OA_APPROVE_MARKET] = {"approve-market", P_ORDER_APPROVE_MARKET, B(OS_VERIFIED), OS_SUBMITTED,
                           NULL, 0},
    [OA_ACCEPT] = {"accept", P_ORDER_ACCEPT, B(OS_SUBMITTED), OS_ACCEPTED, NULL, 0},
    [OA_CHECK] = {"check", P_ORDER_ACCEPT, B(OS_ACCEPTED), DOC_TO_DECIDED, NULL, 0},
    [OA_RECHECK] = {"recheck", P_ORDER_ACCEPT,
                    B(OS_PENDING_APPROVAL) | B(OS_PREPAY_REQUIRED) | B(OS_NEEDS_FIX),
                    DOC_TO_DECIDED, NULL, DOC_ASIDE},
    [OA_AMEND] = {"amend", P_ORDER_VERIFY, B(OS_NEEDS_FIX), OS_SUBMITTED, amend_fields, 0},
    [OA_LOOSE_UNITS] = {"loose-units", P_ORDER_LOOSE_UNITS,
                        B(OS_SUBMITTED) | B(OS_ACCEPTED) | B(OS_NEEDS_FIX), DOC_TO_SAME, NULL,
                        DOC_ASIDE},
    [OA_REQUEST_ST] = {"request-st", P_ORDER_ACCEPT, B(OS_PREPAY_REQUIRED), OS_ST_PENDING,
                       st_fields, 0},
    [OA_ST_VOTE] = {"st-vote", P_ORDER_ST_VOTE, B(OS_ST_PENDING), DOC_TO_DECIDED, vote_fields,
                    DOC_PROXY},
    [OA_APPROVE] = {"approve", P_ORDER_APPROVE, B(OS_PENDING_APPROVAL) | B(OS_PREPAY_REQUIRED),
                    OS_APPROVED, NULL, DOC_PROXY},
    [OA_RETURN_FOR_FIX] = {"return-for-fix", P_ORDER_APPROVE, B(OS_PENDING_APPROVAL), OS_NEEDS_FIX,
                           NULL, DOC_PROXY},
    [OA_REJECT] = {"reject", P_ORDER_ST_VOTE,
                   B(OS_PENDING_APPROVAL) | B(OS_ST_PENDING) | B(OS_PREPAY_REQUIRED), OS_REJECTED,
                   NULL, DOC_PROXY | DOC_ASIDE},
    [OA_PRINT] = {"print-delivery-note", P_ORDER_PRINT, B(OS_APPROVED), OS_BILLED, NULL, 0},
    [OA_RELEASE] = {"release", P_ORDER_ACCEPT, B(OS_BILLED), OS_RELEASED, NULL, 0},
    [OA_CANCEL] = {"cancel", P_ORDER_CANCEL, BEFORE_RELEASED, OS_CANCELLED, NULL, DOC_ASIDE},
};

const struct doc_type order_doc = {"orders", "order", state_names, actions, OA__COUNT};

static const char *const steps[OA__COUNT] = {
    [OA_VERIFY] = "OG-2",   [OA_SEND_BACK] = "OG-3",   [OA_APPROVE_MARKET] = "OG-3",
    [OA_ACCEPT] = "OA",     [OA_CHECK] = "QC/AC/CC",   [OA_RECHECK] = "QC/AC/CC",
    [OA_AMEND] = "OG",      [OA_LOOSE_UNITS] = "QC-4", [OA_REQUEST_ST] = "ST",
    [OA_ST_VOTE] = "ST",    [OA_APPROVE] = "MA",       [OA_RETURN_FOR_FIX] = "MA",
    [OA_REJECT] = "MA",     [OA_PRINT] = "BG-2",       [OA_RELEASE] = "BG-3",
    [OA_CANCEL] = "cancel",
};

const char *order_action_step(enum order_action a)
{
    return (a >= 0 && a < OA__COUNT) ? steps[a] : "";
}

/* ---- QC ------------------------------------------------------------------------------ */

static void fail(struct qc_failure *out, size_t max, size_t *n, const char *rule, int line,
                 const char *sku, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

#include <stdarg.h>
static void fail(struct qc_failure *out, size_t max, size_t *n, const char *rule, int line,
                 const char *sku, const char *fmt, ...)
{
    if (*n >= max)
        return;
    struct qc_failure *f = &out[(*n)++];
    f->rule = rule;
    f->line = line;
    f->sku = sku;
    va_list ap;
    va_start(ap, fmt);
    if (vsnprintf(f->message, sizeof f->message, fmt, ap) < 0)
        f->message[0] = '\0';
    va_end(ap);
}

size_t qc_run(const struct qc_order *o, struct qc_failure *out, size_t max, int64_t *total)
{
    size_t n = 0;
    /* QC-3: the order and its customer. */
    if (!o->customer_active)
        fail(out, max, &n, "customer_inactive", 0, NULL, "the customer is not active");
    if (!o->customer_complete)
        fail(out, max, &n, "customer_incomplete", 0, NULL,
             "the customer lacks a credit limit, payment term, active KAM or supervising SLT");
    if (o->nlines == 0 || o->nlines > 200)
        fail(out, max, &n, "too_many_lines", 0, NULL, "an order has 1 to 200 lines");
    if (!o->has_verify || !o->has_market_approval)
        fail(out, max, &n, "missing_approval", 0, NULL,
             "KAM verification and MM approval must both be present");
    int64_t sum = 0;
    bool overflow = false;
    for (size_t i = 0; i < o->nlines; i++) {
        const struct qc_line *l = &o->lines[i];
        int ln = (int)i + 1;
        for (size_t j = 0; j < i; j++)
            if (strcmp(o->lines[j].sku, l->sku) == 0) {
                fail(out, max, &n, "duplicate_line", ln, l->sku, "line %d repeats SKU %s", ln,
                     l->sku);
                break;
            }
        /* QC-1 product qualification. */
        if (!l->sku_known) {
            fail(out, max, &n, "unknown_sku", ln, l->sku, "line %d: no product %s", ln, l->sku);
            continue;
        }
        if (!l->active)
            fail(out, max, &n, "inactive_product", ln, l->sku, "line %d: %s is no longer sold", ln,
                 l->sku);
        if (l->kind == PK_GOODS && l->price_fen <= 0)
            fail(out, max, &n, "no_price", ln, l->sku, "line %d: %s has no list price", ln, l->sku);
        if (l->kind == PK_POP && !l->pop_ok)
            fail(out, max, &n, "pop_not_approved", ln, l->sku,
                 "line %d: POP material %s needs an approved POP request with that quantity left",
                 ln, l->sku);
        /* QC-4 whole cases: loose units only on a flagged line of an approved order. */
        if (l->kind == PK_GOODS && l->case_size > 0 && l->qty % l->case_size != 0 &&
            !(l->loose_units && o->loose_units_approved))
            fail(out, max, &n, "whole_cases", ln, l->sku,
                 "line %d: %lld is not a whole number of cases of %d", ln, (long long)l->qty,
                 (int)l->case_size);
        /* QC-2 amount. */
        int64_t amt;
        if (!money_mul(l->qty - l->qty_cut, l->expense ? 0 : l->price_fen, &amt) ||
            !money_add(sum, amt, &sum)) {
            fail(out, max, &n, "amount_overflow", ln, l->sku, "line %d: the amount overflows", ln);
            overflow = true;
        }
    }
    if (!overflow && o->has_stated_total && o->stated_total_fen != sum)
        fail(out, max, &n, "amount_mismatch", 0, NULL,
             "the stated total %lld fen differs from the computed %lld fen",
             (long long)o->stated_total_fen, (long long)sum);
    *total = overflow ? 0 : sum;
    return n;
}

/* ---- AC ------------------------------------------------------------------------------ */

void ac_cut(const struct ac_input *in, struct ac_result *out)
{
    memset(out, 0, sizeof *out);
    if (!in->has_cust_quota && !in->has_region_quota) {
        out->kept = in->qty;
        out->allowed = -1;
        return;
    }
    int64_t rc = in->rem_customer < 0 ? 0 : in->rem_customer;
    int64_t rr = in->rem_region < 0 ? 0 : in->rem_region;
    int64_t base;
    const char *binding;
    if (in->has_cust_quota && (!in->has_region_quota || rc <= rr)) {
        base = rc;
        binding = "customer_quota";
    } else {
        base = rr;
        binding = "region_quota";
    }
    int64_t allowed = base + (in->approvals_free > 0 ? in->approvals_free : 0);
    out->allowed = allowed;
    if (in->qty <= allowed) {
        out->kept = in->qty;
    } else {
        int64_t kept = allowed;
        /* Rounded down to whole cases unless loose units are approved (example: case 12,
           remaining 100, qty 120 → kept 96, cut 24). */
        if (!in->loose_ok && in->case_size > 1)
            kept -= kept % in->case_size;
        out->kept = kept;
        out->cut = in->qty - kept;
        out->reason = binding;
    }
    out->over_qty = out->kept > base ? out->kept - base : 0;
}

/* ---- CC ------------------------------------------------------------------------------ */

const char *cc_result_str(enum cc_result_kind k)
{
    static const char *const n[] = {"pass", "over_limit_le_20", "prepaid", "prepay_required",
                                    "st_approved"};
    return (k >= 0 && k <= CC_ST_APPROVED) ? n[k] : "";
}

static void yuan(int64_t fen, char *buf, size_t n)
{
    money_format(fen, buf, n);
}

/* The reasons' texts: fmt's size (its conversions counted as text, an upper bound) plus
   extra, the sizes of what it prints, must fit dst; the build checks it (STR_FMT_FITS). */
#define CC_TEXT(dst, extra, fmt, ...) STR_FMT_FITS(dst, sizeof(fmt) + (extra), fmt, __VA_ARGS__)

static const char prepay_zh[] = "该客户为先款后货客户", hold_zh[] = "该客户处于信用冻结";
static const char prepay_en[] = "The customer pays before delivery (prepay-only)",
                  hold_en[] = "The customer is on credit hold";
#define WHO_MAX 64 /* the longest of the four above, NUL included, is at most this */
_Static_assert(sizeof prepay_zh <= WHO_MAX && sizeof hold_zh <= WHO_MAX &&
                   sizeof prepay_en <= WHO_MAX && sizeof hold_en <= WHO_MAX,
               "WHO_MAX");

bool cc_decide(const struct cc_input *in, struct cc_output *o)
{
    memset(o, 0, sizeof *o);
    struct credit_figures f = in->fig;
    if (!credit_compute(&f, in->order_total_fen))
        return false;
    o->exposure_fen = f.exposure_fen;
    o->over_pct_bp = credit_over_pct_bp(f.exposure_fen, f.limit_fen);
    int64_t free_pp;
    if (!money_sub(f.prepayment_fen, in->other_earmarks_fen, &free_pp))
        return false;
    if (free_pp < 0)
        free_pp = 0;
    o->free_prepayment_fen = free_pp;
    o->shortfall_fen = in->order_total_fen > free_pp ? in->order_total_fen - free_pp : 0;
    bool overdue = f.overdue_fen > 0;
    bool within_limit = f.exposure_fen <= f.limit_fen;
    bool within_20 = credit_within_20(f.exposure_fen, f.limit_fen);
    if (overdue)
        o->reasons[o->nreasons++] = "overdue";
    if (!within_limit && !within_20)
        o->reasons[o->nreasons++] = "over_20";
    if (in->credit_hold)
        o->reasons[o->nreasons++] = "credit_hold";
    if (in->prepay_only)
        o->reasons[o->nreasons++] = "prepay_only";
    if (f.limit_fen == 0)
        o->reasons[o->nreasons++] = "no_limit";

    char ex[40], lim[40], sf[40], od[40], fp[40];
    yuan(f.exposure_fen, ex, sizeof ex);
    yuan(f.limit_fen, lim, sizeof lim);
    yuan(o->shortfall_fen, sf, sizeof sf);
    yuan(f.overdue_fen, od, sizeof od);
    yuan(free_pp, fp, sizeof fp);
    if (in->prepay_only || in->credit_hold) {
        const char *who_zh = in->prepay_only ? prepay_zh : hold_zh;
        const char *who_en = in->prepay_only ? prepay_en : hold_en;
        if (o->shortfall_fen == 0) {
            o->row = 1, o->result = CC_PREPAID, o->to_pending_approval = true, o->earmark = true;
            CC_TEXT(o->reason_zh, WHO_MAX + sizeof fp, "%s，可用预收款%s足以支付本单，已预留。",
                    who_zh, fp);
            CC_TEXT(o->reason_en, WHO_MAX + sizeof fp,
                    "%s; free prepayment %s covers this order and is earmarked.", who_en, fp);
        } else {
            o->row = 2, o->result = CC_PREPAY_REQUIRED;
            CC_TEXT(o->reason_zh, WHO_MAX + sizeof sf, "%s，预收款不足，尚差%s，需先付款。", who_zh,
                    sf);
            CC_TEXT(o->reason_en, WHO_MAX + sizeof sf,
                    "%s; prepayment falls short by %s: payment is required before goods.", who_en,
                    sf);
        }
        return true;
    }
    if (!overdue && within_limit) {
        o->row = 3, o->result = CC_PASS, o->to_pending_approval = true;
        CC_TEXT(o->reason_zh, sizeof ex + sizeof lim, "无逾期，信用占用%s未超过信用额%s。", ex,
                lim);
        CC_TEXT(o->reason_en, sizeof ex + sizeof lim,
                "No overdue; exposure %s is within the credit limit %s.", ex, lim);
        return true;
    }
    if (!overdue && within_20) {
        o->row = 4, o->result = CC_OVER_LE_20, o->to_pending_approval = true;
        CC_TEXT(o->reason_zh, sizeof ex + sizeof lim + 20,
                "无逾期，信用占用%s超出信用额%s，但超出部分不超过20%%（%lld bp），需分管SLT批准。",
                ex, lim, (long long)o->over_pct_bp);
        CC_TEXT(o->reason_en, sizeof ex + sizeof lim + 20,
                "No overdue; exposure %s is over the limit %s by at most 20%% (%lld bp): the "
                "supervising SLT member approves.",
                ex, lim, (long long)o->over_pct_bp);
        return true;
    }
    char why_zh[128], why_en[160];
    if (overdue) {
        CC_TEXT(why_zh, sizeof od, "有逾期应收%s", od);
        CC_TEXT(why_en, sizeof od, "%s is overdue", od);
    } else {
        CC_TEXT(why_zh, sizeof ex + sizeof lim, "信用占用%s超出信用额%s的20%%以上", ex, lim);
        CC_TEXT(why_en, sizeof ex + sizeof lim,
                "exposure %s exceeds the limit %s by more than 20%%", ex, lim);
    }
    if (o->shortfall_fen == 0) {
        o->row = 5, o->result = CC_PREPAID, o->to_pending_approval = true, o->earmark = true;
        CC_TEXT(o->reason_zh, sizeof why_zh + sizeof fp, "%s，但可用预收款%s足以支付本单，已预留。",
                why_zh, fp);
        CC_TEXT(o->reason_en, sizeof why_en + sizeof fp,
                "%s, but free prepayment %s covers this order and is earmarked.", why_en, fp);
    } else {
        o->row = 6, o->result = CC_PREPAY_REQUIRED;
        CC_TEXT(o->reason_zh, sizeof why_zh + sizeof sf,
                "%s，预收款尚差%s：先款后货，除非申请特别处理(ST)。", why_zh, sf);
        CC_TEXT(o->reason_en, sizeof why_en + sizeof sf,
                "%s; prepayment falls short by %s: payment before goods unless SLT grants "
                "special treatment.",
                why_en, sf);
    }
    return true;
}
