/*
 * refund.c — the prepayment refund's states and actions (rules/refund.h).
 */
#include "rules/refund.h"

static const char *const states[] = {"requested", "approved", "paid", "rejected", NULL};
/* reject is no matrix row (docs/billing.md): the approver's row while requested, finance's
   (pay) while approved. */
static const struct doc_action actions[] = {
    [TA_APPROVE] = {"approve", P_REFUND_APPROVE, DOC_BIT(TS_REQUESTED), TS_APPROVED, NULL,
                    DOC_PROXY},
    [TA_REJECT] = {"reject", P_REFUND_APPROVE, DOC_BIT(TS_REQUESTED) | DOC_BIT(TS_APPROVED),
                   TS_REJECTED, NULL, DOC_PROXY | DOC_ASIDE | DOC_ALSO(P_REFUND_PAY)},
    [TA_PAY] = {"pay", P_REFUND_PAY, DOC_BIT(TS_APPROVED), TS_PAID, NULL, 0},
};

const struct doc_type refund_doc = {"refunds", "refund", states, actions,
                                    sizeof actions / sizeof actions[0]};

int64_t refund_available(int64_t unapplied, int64_t earmarked, int64_t cash, int64_t pending)
{
    int64_t v = unapplied - earmarked;
    if (cash < v)
        v = cash;
    v -= pending;
    return v > 0 ? v : 0;
}
