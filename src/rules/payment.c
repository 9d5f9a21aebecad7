/*
 * payment.c — the receipt's states and its two corrections (rules/payment.h).
 */
#include "rules/payment.h"

#include "rules/perm.h"

static const char *const states[] = {"registered", "reversed", NULL};
static const char *const reverse_fields[] = {"reason", NULL};
static const char *const reallocate_fields[] = {"apply_to", NULL};

/* api.md §5.5; numbering-and-rules.md §3 "payment: register, reverse; … allocate,
   re-allocate" (finance). */
static const struct doc_action actions[SKA__COUNT] = {
    [SKA_REVERSE] = {"reverse", P_PAYMENT, DOC_BIT(SKS_REGISTERED), SKS_REVERSED, reverse_fields,
                     0},
    [SKA_REALLOCATE] = {"reallocate", P_PAYMENT, DOC_BIT(SKS_REGISTERED), DOC_TO_SAME,
                        reallocate_fields, 0},
};

const struct doc_type payment_doc = {"payments", "payment", states, actions, SKA__COUNT};
