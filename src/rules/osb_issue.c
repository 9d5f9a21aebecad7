/*
 * osb_issue.c — the problem-log entry's states and actions (rules/osb_issue.h).
 */
#include "rules/osb_issue.h"

#include <string.h>

static const char *const states[] = {"open", "explained", "resolved", NULL};
static const char *const explain_fields[] = {"explanation", "cause", NULL};
static const char *const resolve_fields[] = {"resolution", NULL};

static const struct doc_action actions[] = {
    [WA_EXPLAIN] = {"explain", P_OSB_EXPLAIN, DOC_BIT(WS_OPEN), WS_EXPLAINED, explain_fields, 0},
    [WA_RESOLVE] = {"resolve", P_OSB_RESOLVE, DOC_BIT(WS_OPEN) | DOC_BIT(WS_EXPLAINED), WS_RESOLVED,
                    resolve_fields, 0},
    /* the body's comment is the reason and is required (flow/osb_issue.c checks it) */
    [WA_REOPEN] = {"reopen", P_OSB_REOPEN, DOC_BIT(WS_EXPLAINED), WS_OPEN, NULL, DOC_ASIDE},
};

const struct doc_type osb_issue_doc = {"osb-issues", "osb_issue", states, actions,
                                       sizeof actions / sizeof actions[0]};

const char *const osb_issue_sources[] = {"auto", "meeting", "manual", NULL};
const char *const osb_issue_departments[] = {
    "slt",       "ssg",         "sales",  "finance", "warehouse", "customer_service",
    "marketing", "hr_training", "design", "audit",   "admin",     NULL};
const char *const osb_issue_causes[] = {"staffing", "stock_out", "approval_delay", "customer",
                                        "carrier",  "system",    "other",          NULL};

bool osb_issue_in(const char *const *list, const char *s)
{
    for (; s && *list; list++)
        if (strcmp(*list, s) == 0)
            return true;
    return false;
}

enum perm_action osb_issue_create_perm(const char *source)
{
    return source && strcmp(source, "meeting") == 0 ? P_OSB_RESOLVE : P_OSB_MANUAL;
}
