/*
 * invoice_request.h — the invoice request (开票申请单, KP; flows.md §5, entities.md §7.8) as a
 * document table: requested → review (csr, ssg_leader) → reviewed → issue (finance: fapiao
 * number and date) → issued → mail (tracking number) → mailed → confirm-receipt → received →
 * archive → archived; return (csr, finance) sends a requested or reviewed request back to
 * requested. Pure.
 */
#ifndef OSB_RULES_INVOICE_REQUEST_H
#define OSB_RULES_INVOICE_REQUEST_H

#include "rules/doc.h"

enum invoice_request_state {
    KPS_REQUESTED,
    KPS_REVIEWED,
    KPS_ISSUED,
    KPS_MAILED,
    KPS_RECEIVED,
    KPS_ARCHIVED
};
enum invoice_request_action {
    KPA_REVIEW,
    KPA_ISSUE,
    KPA_MAIL,
    KPA_CONFIRM_RECEIPT,
    KPA_ARCHIVE,
    KPA_RETURN
};

extern const struct doc_type invoice_request_doc;

/* The invoice's fapiao state (entities.md §7.1: none, requested, issued, mailed, received) for
   the state of the request that holds it (NULL: in no request). */
const char *invoice_request_fapiao_state(const char *request_state);

#endif
