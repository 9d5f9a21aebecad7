/*
 * customer.h — the customer's lifecycle (flows.md §1, api.md §5.2) as a document table:
 * prospect → submit (the KAM) → pending_review → qualify (finance, a flag) → approve (the
 * supervising SLT member, or proxy) → active; reject → prospect; active ⇄ suspended (suspend,
 * reactivate); close (ssg_leader) → closed. lift-credit-hold (api.md §5.3) and
 * set-payment-term (flows.md §11.4: a term over 30 days needs SLT approval) keep the state.
 * Pure: who beyond the matrix, and the facts (qualified, open items), are flow/customer.c's.
 */
#ifndef OSB_RULES_CUSTOMER_H
#define OSB_RULES_CUSTOMER_H

#include "rules/doc.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum customer_state { CS_PROSPECT, CS_PENDING_REVIEW, CS_ACTIVE, CS_SUSPENDED, CS_CLOSED };
enum customer_action {
    CA_SUBMIT,
    CA_QUALIFY,
    CA_APPROVE,
    CA_REJECT,
    CA_SUSPEND,
    CA_REACTIVATE,
    CA_CLOSE,
    CA_LIFT_CREDIT_HOLD,
    CA_SET_PAYMENT_TERM,
    CA_SET_TIER,
    CA_PROPOSE_PAYMENT_TERM, /* #10: the MM proposes; above 30 days the SLT member sets it */
    CA__COUNT
};

extern const struct doc_type customer_doc;

/* numbering-and-rules.md §9 payment_term_slt_days: a longer term needs SLT approval. */
#define CUSTOMER_TERM_SLT_DAYS 30

/* The core fields submit asks for (entities.md §2.1 less credit_limit_fen and
   payment_term_days, api.md §5.9), in the order details.missing lists them. */
extern const char *const customer_core_fields[];

/* The names of the core fields that are empty: has[i] says whether customer_core_fields[i]
   has a value. Writes the missing names into out (at most max); returns how many. */
size_t customer_missing(const bool *has, const char **out, size_t max);

/* flows.md §1 archive rule 4 (tier_split 80 / 15 / 5 %): the tier of a customer whose net
   sales come after cum_before of total (customers sorted by net sales, largest first):
   "key" while cum_before < 80 % of total, "general" while < 95 %, else "scattered" (also
   when total is 0 or the customer sold nothing). */
const char *customer_tier(int64_t cum_before, int64_t net, int64_t total);
/* The same with the shares as settings give them (basis points of the total): key below
   key_bp, general below key_bp + general_bp, scattered the rest (customer_tier: 8000, 1500). */
const char *customer_tier_bp(int64_t cum_before, int64_t net, int64_t total, int key_bp,
                             int general_bp);

#endif
