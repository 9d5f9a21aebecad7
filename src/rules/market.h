/*
 * market.h — market support as document tables and pure rules (flows.md §13–16, api.md §5.6):
 * expense applications (FY), POP requests (WL), sample issues (YP) and distributor inventory
 * reports (KC). Nothing here reads the database, the clock or a request: flow/market.c decides
 * who beyond the matrix may act, store/market.c holds the SQL.
 */
#ifndef OSB_RULES_MARKET_H
#define OSB_RULES_MARKET_H

#include "rules/doc.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- expense applications (FY, flows.md §15) ---- */
enum expense_state { XS_SUBMITTED, XS_APPROVED, XS_REJECTED, XS_EXECUTED, XS_SETTLED, XS_CLOSED };
enum expense_action { XA_APPROVE, XA_REJECT, XA_EXECUTE, XA_SETTLE, XA_EVALUATE, XA_CHECK_TRAVEL };
extern const struct doc_type expense_doc;

/* numbering-and-rules.md §9: what the MM approves alone, ¥50,000. */
#define EXPENSE_MM_MAX_FEN INT64_C(5000000)

/* What one application holds of its budget: committed = approved and not yet settled (also
   while an actual above the approved amount waits for re-approval); actual = settled. */
void expense_contrib(int state, int64_t approved_fen, int64_t actual_fen, int64_t *committed,
                     int64_t *actual);
/* May the MM approve amount alone: not special, within ¥50,000 and within the available budget
   (available counts what this application already holds as free). */
bool expense_mm_may(int64_t amount_fen, int64_t available_fen, bool special);

/* ---- POP requests (WL, flows.md §13) ---- */
enum pop_state {
    POPS_REQUESTED,
    POPS_APPROVED,
    POPS_REJECTED,
    POPS_SHIPPED,
    POPS_RECEIVED,
    POPS_VERIFIED
};
enum pop_action { POPA_APPROVE, POPA_REJECT, POPA_CONFIRM_RECEIPT, POPA_VERIFY };
extern const struct doc_type pop_doc;
/* The pop budget's part of a request: committed while approved, actual once shipped. */
void pop_contrib(int state, int64_t value_fen, int64_t *committed, int64_t *actual);

/* ---- sample issues (YP, flows.md §14) ---- */
enum sample_state { YS_ISSUED, YS_FOLLOWED_UP };
enum sample_action { YA_FOLLOW_UP };
extern const struct doc_type sample_doc;

/* flows.md §14.3–4 (standard usage ≥ 8000 bp, waste ≤ 1000 bp):
   ⌊qty × max(0, 8000 − usage_bp) / 10000⌋ + ⌊qty × max(0, waste_bp − 1000) / 10000⌋,
   with 128-bit products. usage_bp and waste_bp are 0..10000 (the caller checks). */
int64_t sample_deduction(int64_t qty, int usage_bp, int waste_bp);

/* ---- distributor inventory reports (KC, flows.md §16) ---- */
enum invrep_state { KS2_SUBMITTED, KS2_REVIEWED, KS2_RETURNED };
enum invrep_action { KA2_REVIEW, KA2_RETURN, KA2_RESUBMIT };
extern const struct doc_type invrep_doc;

struct invrep_line {
    int64_t opening, purchased, other_in, sold, returned, closing, near_expiry;
};
/* closing = opening + purchased + other_in − sold − returned (§16.3), overflow-safe. */
bool invrep_balanced(const struct invrep_line *l);
/* Channel stock cover in basis points of a month: closing × 10000 / average monthly sold
   (sold_sum over months months); -1 when nothing was sold. */
int64_t invrep_cover_bp(int64_t closing, int64_t sold_sum, int months);
/* 积货: cover above 2 months (20000 bp), or stock with nothing sold. */
bool invrep_build_up(int64_t closing, int64_t cover_bp);
/* Sell-through (动销率, #13 market_monthly): sold ÷ stock available (opening of the first month
   + purchased + other in over the months) × 10000, rounded down; −1 when nothing was
   available. */
int64_t invrep_sell_through_bp(int64_t sold_sum, int64_t available);
/* Late: submitted (company date y-m-d) after 23:59 of the 20th of the period's own month, or in
   a later month (flows.md §16.2: due by the 20th; the report covers the month it is due in). */
bool invrep_late(int period_y, int period_m, int y, int m, int d);

/* ---- support requests (ZC, flows.md §19) ---- */
enum support_state { ZS_REQUESTED, ZS_REVIEWED, ZS_FORWARDED, ZS_SCHEDULED, ZS_DONE, ZS_REJECTED };
enum support_action { ZA_REVIEW, ZA_FORWARD, ZA_SCHEDULE, ZA_DONE, ZA_REJECT };
extern const struct doc_type support_doc;
/* May action a start from state s for a request of this kind? Advertising design goes
   requested → forwarded → done; training, events and lectures requested → reviewed →
   forwarded → scheduled → done (or rejected before they are forwarded). */
bool support_step_ok(bool ad_design, int a, int s);

/* ---- consumer records (entities.md §2.5, numbering-and-rules.md §7.5) ---- */
/* The phone as everyone but customer service and auditors sees it: the first 3 and last 4
   characters kept, those between as '*' (13812341234 → 138****1234); shorter than 8
   characters, all but the last 2 masked. */
void mask_phone(const char *phone, char *out, size_t n);

#endif
