/*
 * statement.c — the statement document's states and actions (rules/statement.h).
 */
#include "rules/statement.h"

static const char *const states[] = {"generated", "sent",     "confirmed",
                                     "disputed",  "reported", NULL};
static const char *const dispute_fields[] = {"difference_fen", "difference_note", NULL};

static const struct doc_action actions[] = {
    [DZA_SEND] = {"send", P_STATEMENT_SEND, DOC_BIT(DZS_GENERATED), DZS_SENT, NULL, 0},
    [DZA_CONFIRM] = {"confirm", P_STATEMENT_REPLY, DOC_BIT(DZS_SENT) | DOC_BIT(DZS_DISPUTED),
                     DZS_CONFIRMED, NULL, 0},
    [DZA_DISPUTE] = {"dispute", P_STATEMENT_REPLY, DOC_BIT(DZS_SENT), DZS_DISPUTED, dispute_fields,
                     0},
    /* the reply row; only the customer's KAM reports (flow/statement.c who()) */
    [DZA_REPORT] = {"report", P_STATEMENT_REPLY, DOC_BIT(DZS_CONFIRMED) | DOC_BIT(DZS_DISPUTED),
                    DZS_REPORTED, NULL, 0},
};

const struct doc_type statement_doc = {"statements", "statement", states, actions,
                                       sizeof actions / sizeof actions[0]};
