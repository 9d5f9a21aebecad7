/*
 * contract.c — the contract's states and actions (rules/contract.h).
 */
#include "rules/contract.h"

static const char *const states[] = {"draft", "approved", "signed", "archived", NULL};
static const char *const sign_fields[] = {"signing_mode", NULL};

static const struct doc_action actions[] = {
    [KA_APPROVE] = {"approve", P_CONTRACT_APPROVE, DOC_BIT(KS_DRAFT), DOC_TO_DECIDED, NULL, 0},
    [KA_SIGN] = {"sign", P_CONTRACT_SIGN, DOC_BIT(KS_APPROVED), KS_SIGNED, sign_fields, 0},
    [KA_ARCHIVE] = {"archive", P_CONTRACT_ARCHIVE, DOC_BIT(KS_SIGNED), KS_ARCHIVED, NULL, 0},
};

const struct doc_type contract_doc = {"contracts", "contract", states, actions,
                                      sizeof actions / sizeof actions[0]};

bool contract_is_major(int64_t value_fen, bool has_term, int term_days, int customer_term_days)
{
    return value_fen >= CONTRACT_MAJOR_FEN || (has_term && term_days > customer_term_days);
}
