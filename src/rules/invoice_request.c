/*
 * invoice_request.c — the invoice request's states and actions (rules/invoice_request.h).
 */
#include "rules/invoice_request.h"

#include <string.h>

static const char *const states[] = {"requested", "reviewed", "issued", "mailed",
                                     "received",  "archived", NULL};
static const char *const issue_fields[] = {"fapiao_no", "fapiao_date", NULL};
static const char *const mail_fields[] = {"tracking_no", NULL};

static const struct doc_action actions[] = {
    [KPA_REVIEW] = {"review", P_INVREQ_HANDLE, DOC_BIT(KPS_REQUESTED), KPS_REVIEWED, NULL, 0},
    [KPA_ISSUE] = {"issue", P_INVREQ_ISSUE, DOC_BIT(KPS_REVIEWED), KPS_ISSUED, issue_fields, 0},
    [KPA_MAIL] = {"mail", P_INVREQ_HANDLE, DOC_BIT(KPS_ISSUED), KPS_MAILED, mail_fields, 0},
    [KPA_CONFIRM_RECEIPT] = {"confirm-receipt", P_INVREQ_HANDLE, DOC_BIT(KPS_MAILED), KPS_RECEIVED,
                             NULL, 0},
    [KPA_ARCHIVE] = {"archive", P_INVREQ_HANDLE, DOC_BIT(KPS_RECEIVED), KPS_ARCHIVED, NULL, 0},
    /* flows.md §5: csr and finance; a comment is required (flow/invoice_request.c). */
    [KPA_RETURN] = {"return", P_INVREQ_HANDLE, DOC_BIT(KPS_REQUESTED) | DOC_BIT(KPS_REVIEWED),
                    KPS_REQUESTED, NULL, DOC_ALSO(P_INVREQ_ISSUE)},
};

const struct doc_type invoice_request_doc = {"invoice-requests", "invoice_request", states, actions,
                                             sizeof actions / sizeof actions[0]};

const char *invoice_request_fapiao_state(const char *s)
{
    if (!s)
        return "none";
    if (strcmp(s, "requested") == 0 || strcmp(s, "reviewed") == 0)
        return "requested";
    if (strcmp(s, "issued") == 0 || strcmp(s, "mailed") == 0)
        return s;
    return "received"; /* received, archived */
}
