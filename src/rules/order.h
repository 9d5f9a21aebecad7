/*
 * order.h — the order state machine and the pure rules of OP (flows.md §2): which action may
 * run in which state, QC (§2.4), AC quota cutting (§2.4) and the CC decision table (§2.5).
 * Nothing here reads the database or the clock.
 */
#ifndef OSB_RULES_ORDER_H
#define OSB_RULES_ORDER_H

#include "rules/credit.h"
#include "rules/doc.h"
#include "rules/perm.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum order_state {
    OS_NONE = -1,
    OS_DRAFT,
    OS_VERIFIED,
    OS_SUBMITTED,
    OS_ACCEPTED,
    OS_NEEDS_FIX,
    OS_PENDING_APPROVAL,
    OS_PREPAY_REQUIRED,
    OS_ST_PENDING,
    OS_APPROVED,
    OS_BILLED,
    OS_RELEASED,
    OS_REJECTED,
    OS_CANCELLED,
    OS_CLOSED,
    OS__COUNT
};

const char *order_state_str(enum order_state s);
enum order_state order_state_parse(const char *s);

enum order_action {
    OA_VERIFY,
    OA_SEND_BACK,
    OA_APPROVE_MARKET,
    OA_ACCEPT,
    OA_CHECK,
    OA_RECHECK,
    OA_AMEND,
    OA_LOOSE_UNITS,
    OA_REQUEST_ST,
    OA_ST_VOTE,
    OA_APPROVE,
    OA_RETURN_FOR_FIX,
    OA_REJECT,
    OA_PRINT,
    OA_RELEASE,
    OA_CANCEL,
    OA__COUNT
};

/* The order as a document type (rules/doc.h): states by enum order_state, actions by enum
   order_action, in that order. Proxy signatures (DOC_PROXY, numbering-and-rules §3 'P'):
   approve, return-for-fix, reject, st-vote. reject uses the ST voters' matrix row because an ST
   voter may reject as well as the supervising SLT member (flows.md §2.1). */
extern const struct doc_type order_doc;

/* The timeline step of action a ("OG-3", "QC/AC/CC", "MA", ...), "" when a is not an action. */
const char *order_action_step(enum order_action a);

/* ---- QC (flows.md §2.4) -------------------------------------------------------------- */

enum product_kind { PK_GOODS, PK_SAMPLE, PK_POP };

struct qc_line {
    const char *sku;
    bool sku_known;
    bool active;
    enum product_kind kind;
    int64_t qty;
    int64_t qty_cut;
    int64_t price_fen;
    int32_t case_size;
    bool loose_units; /* the line asks for a loose-units exception */
    bool pop_ok;      /* a pop line names an approved POP request holding its qty (§13) */
    bool expense;     /* paid from expense money: price_fen is its list price, not in the total */
};

struct qc_order {
    const struct qc_line *lines;
    size_t nlines;
    bool customer_active;
    bool customer_complete; /* limit/term/KAM/supervising SLT present and the KAM active */
    bool loose_units_approved;
    bool has_verify, has_market_approval;
    bool has_stated_total;
    int64_t stated_total_fen;
};

struct qc_failure {
    const char *rule;
    int line; /* 1-based, 0 for the order */
    const char *sku;
    char message[160];
};

#define QC_MAX_FAILURES 64
/* Collects every failure (not only the first) into out; returns how many. *total gets the
   computed total (Σ (qty − qty_cut) × price) when no amount overflowed. */
size_t qc_run(const struct qc_order *o, struct qc_failure *out, size_t max, int64_t *total);

/* ---- AC (flows.md §2.4) -------------------------------------------------------------- */

struct ac_input {
    int64_t qty;
    int32_t case_size;
    bool loose_ok; /* loose units approved for this line */
    bool has_cust_quota, has_region_quota;
    int64_t rem_customer;   /* customer quota − normal use */
    int64_t rem_region;     /* region quota + transfers − normal use */
    int64_t approvals_free; /* SLT approvals for this customer/SKU/period not yet used */
};

struct ac_result {
    int64_t kept, cut;
    int64_t over_qty;   /* part of kept taken from SLT approvals */
    const char *reason; /* "customer_quota" / "region_quota" / NULL when not cut */
    int64_t allowed;    /* what could be kept before whole-case rounding, −1 = unlimited */
};

void ac_cut(const struct ac_input *in, struct ac_result *out);

/* ---- CC (flows.md §2.5) -------------------------------------------------------------- */

enum cc_result_kind { CC_PASS, CC_OVER_LE_20, CC_PREPAID, CC_PREPAY_REQUIRED, CC_ST_APPROVED };
const char *cc_result_str(enum cc_result_kind k);

struct cc_input {
    bool prepay_only, credit_hold;
    int64_t order_total_fen;
    struct credit_figures fig;  /* of the customer without this order */
    int64_t other_earmarks_fen; /* active earmarks of the customer's other orders */
};

struct cc_output {
    enum cc_result_kind result;
    bool to_pending_approval; /* else prepay_required */
    int row;                  /* decision-table row 1..6 */
    int64_t exposure_fen, over_pct_bp, free_prepayment_fen, shortfall_fen;
    bool earmark;           /* earmark the order total (rows 1 and 5) */
    const char *reasons[5]; /* overdue, over_20, credit_hold, prepay_only, no_limit */
    size_t nreasons;
    char reason_zh[256], reason_en[320];
};

/* False only on arithmetic overflow. */
bool cc_decide(const struct cc_input *in, struct cc_output *out);

#endif
