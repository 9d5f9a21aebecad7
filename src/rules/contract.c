/*
 * contract.c — the contract's states and actions (rules/contract.h).
 */
#include "rules/contract.h"

#include <string.h>

static const char *const states[] = {"draft",    "submitted", "approved",   "signed",
                                     "archived", "completed", "terminated", NULL};
static const char *const sign_fields[] = {"signing_mode", "deviations_confirmed", NULL};
static const char *const archive_fields[] = {"original_received", NULL};

static const struct doc_action actions[] = {
    [KA_SUBMIT] = {"submit", P_CONTRACT_DRAFT, DOC_BIT(KS_DRAFT), KS_SUBMITTED, NULL, 0},
    [KA_APPROVE] = {"approve", P_CONTRACT_APPROVE, DOC_BIT(KS_SUBMITTED), DOC_TO_DECIDED, NULL, 0},
    [KA_REJECT] = {"reject", P_CONTRACT_APPROVE, DOC_BIT(KS_SUBMITTED), KS_DRAFT, NULL, 0},
    [KA_SIGN] = {"sign", P_CONTRACT_SIGN, DOC_BIT(KS_APPROVED), KS_SIGNED, sign_fields, 0},
    [KA_ARCHIVE] = {"archive", P_CONTRACT_ARCHIVE, DOC_BIT(KS_SIGNED), KS_ARCHIVED, archive_fields,
                    0},
    [KA_BIND] = {"bind", P_CONTRACT_ARCHIVE, DOC_BIT(KS_ARCHIVED), DOC_TO_SAME, NULL, 0},
    [KA_COMPLETE] = {"complete", P_CONTRACT_CLOSE, DOC_BIT(KS_ARCHIVED), KS_COMPLETED, NULL, 0},
    [KA_TERMINATE] = {"terminate", P_CONTRACT_CLOSE, DOC_BIT(KS_ARCHIVED), KS_TERMINATED, NULL, 0},
};

const struct doc_type contract_doc = {"contracts", "contract", states, actions,
                                      sizeof actions / sizeof actions[0]};

bool contract_is_major(int64_t value_fen, bool has_term, int term_days, int customer_term_days)
{
    return value_fen >= CONTRACT_MAJOR_FEN || (has_term && term_days > customer_term_days);
}

bool contract_expiring(const char *valid_to, const char *today, const char *limit)
{
    return valid_to && *valid_to && strcmp(valid_to, today) >= 0 && strcmp(valid_to, limit) <= 0;
}
