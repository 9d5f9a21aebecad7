/*
 * write_off.c — the bad-debt write-off's states and actions (rules/write_off.h).
 */
#include "rules/write_off.h"

static const char *const states[] = {"requested", "approved", "rejected", NULL};

static const struct doc_action actions[] = {
    [WA_APPROVE] = {"approve", P_WRITEOFF_APPROVE, DOC_BIT(WS_REQUESTED), WS_APPROVED, NULL, 0},
    [WA_REJECT] = {"reject", P_WRITEOFF_APPROVE, DOC_BIT(WS_REQUESTED), WS_REJECTED, NULL, 0},
};

const struct doc_type write_off_doc = {"write-offs", "write_off", states, actions,
                                       sizeof actions / sizeof actions[0]};

const char *write_off_invoice_state(int64_t open_fen, int64_t total_fen, int64_t amount_fen)
{
    int64_t left = open_fen - amount_fen;
    return left <= 0 ? "written_off" : left < total_fen ? "partial" : "open";
}
