/*
 * backorder.c — the backorder's states and actions (rules/backorder.h).
 */
#include "rules/backorder.h"

static const char *const states[] = {"open", "fulfilled", "cancelled", NULL};
static const char *const cancel_fields[] = {"reason", NULL};

static const struct doc_action actions[BA__COUNT] = {
    [BA_SCHEDULE] = {"schedule", P_BACKORDER_SCHEDULE, DOC_BIT(BS_OPEN), DOC_TO_SAME, NULL, 0},
    [BA_CANCEL] = {"cancel", P_BACKORDER_CANCEL, DOC_BIT(BS_OPEN), BS_CANCELLED, cancel_fields, 0},
};

const struct doc_type backorder_doc = {"backorders", "backorder", states, actions, BA__COUNT};

const char *backorder_state_str(enum backorder_state s)
{
    return doc_state_str(&backorder_doc, s);
}

enum backorder_state backorder_state_parse(const char *s)
{
    int i = doc_state_parse(&backorder_doc, s);
    return i < 0 ? BS_NONE : (enum backorder_state)i;
}
