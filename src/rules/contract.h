/*
 * contract.h — the contract (合同, HT; flows.md §7, entities.md §9) as a document table:
 * draft → submit → submitted → approve (the MM; a major or deviating contract also the
 * supervising SLT member, after the MM) or reject (back to draft) → approved → sign (onsite or
 * fax_courier; deviations re-confirmed) → signed → archive (the original in hand) → archived
 * (bind: the binder of the 5th) → complete / terminate (the MM).
 * Pure: who beyond the matrix is decided in flow/contract.c from these facts.
 */
#ifndef OSB_RULES_CONTRACT_H
#define OSB_RULES_CONTRACT_H

#include "rules/doc.h"

#include <stdbool.h>
#include <stdint.h>

enum contract_state {
    KS_DRAFT,
    KS_SUBMITTED,
    KS_APPROVED,
    KS_SIGNED,
    KS_ARCHIVED,
    KS_COMPLETED,
    KS_TERMINATED
};
enum contract_action {
    KA_SUBMIT,
    KA_APPROVE,
    KA_REJECT,
    KA_SIGN,
    KA_ARCHIVE,
    KA_BIND,
    KA_COMPLETE,
    KA_TERMINATE
};

extern const struct doc_type contract_doc;

/* numbering-and-rules.md §9 major_contract_fen: ¥500,000. */
#define CONTRACT_MAJOR_FEN INT64_C(50000000)

/* Major (entities.md §9): value at or above ¥500,000, or a payment term longer than the
   customer's. */
bool contract_is_major(int64_t value_fen, bool has_term, int term_days, int customer_term_days);

/* Expiring (flows.md §7, 30 days by default): valid_to (YYYY-MM-DD) from today up to limit
   (today + the setting), both inclusive. */
bool contract_expiring(const char *valid_to, const char *today, const char *limit);

#endif
