/*
 * refund.h — the prepayment refund (退款, TK; flows.md §4.7, entities.md §7.8) as a document
 * table: requested → approve (the supervising SLT member, or their secretary by proxy) →
 * approved → pay (finance) → paid; reject by whoever may take the next step (the approver
 * while requested, finance while approved) → rejected.
 * Pure: who beyond the matrix is decided in flow/refund.c.
 */
#ifndef OSB_RULES_REFUND_H
#define OSB_RULES_REFUND_H

#include "rules/doc.h"

#include <stdint.h>

enum refund_state { TS_REQUESTED, TS_APPROVED, TS_PAID, TS_REJECTED };
enum refund_action { TA_APPROVE, TA_REJECT, TA_PAY };

extern const struct doc_type refund_doc;

/* What a refund may take (docs/billing.md): min(Σ unapplied cash receipts, free prepayment =
   unapplied − earmarked) less what other live refunds hold; never below 0. */
int64_t refund_available(int64_t unapplied, int64_t earmarked, int64_t cash, int64_t pending);

#endif
