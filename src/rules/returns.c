/*
 * returns.c — the return's states and actions (rules/returns.h).
 */
#include "rules/returns.h"

#include <string.h>

static const char *const states[] = {"requested", "confirmed", "inspected", "approved",
                                     "received",  "refused",   "cancelled", NULL};
static const char *const inspect_fields[] = {"genuine", "name_spec_qty_ok", "note", NULL};
/* cancel has no matrix row: flows.md §6 gives it to the creator (the roles that create) and
   the UM (the role that confirms); flow/returns.c says which of them applies. */
static const struct doc_action actions[] = {
    [RA_CONFIRM] = {"confirm", P_RETURN_CONFIRM, DOC_BIT(RS_REQUESTED), RS_CONFIRMED, NULL, 0},
    [RA_INSPECT] = {"inspect", P_RETURN_INSPECT, DOC_BIT(RS_CONFIRMED), DOC_TO_DECIDED,
                    inspect_fields, 0},
    [RA_APPROVE] = {"approve", P_RETURN_APPROVE, DOC_BIT(RS_INSPECTED), RS_APPROVED, NULL, 0},
    [RA_RECEIVE] = {"receive", P_RETURN_RECEIVE, DOC_BIT(RS_APPROVED), RS_RECEIVED, NULL, 0},
    [RA_CANCEL] = {"cancel", P_RETURN_CREATE,
                   DOC_BIT(RS_REQUESTED) | DOC_BIT(RS_CONFIRMED) | DOC_BIT(RS_INSPECTED),
                   RS_CANCELLED, NULL, DOC_ASIDE | DOC_ALSO(P_RETURN_CONFIRM)},
};

const struct doc_type return_doc = {"returns", "return", states, actions,
                                    sizeof actions / sizeof actions[0]};

bool return_is_late(date_t today, date_t last_day, bool has_last)
{
    return has_last && today - last_day > RETURN_WINDOW_DAYS;
}

bool return_reason_code_ok(const char *code)
{
    static const char *const codes[] = {
        "damaged",           "spoiled",         "expired", "wrong_item",
        "quality_complaint", "consumer_return", "other",   NULL};
    for (const char *const *p = codes; code && *p; p++)
        if (strcmp(*p, code) == 0)
            return true;
    return false;
}
