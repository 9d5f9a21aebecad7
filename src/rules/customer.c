/*
 * customer.c — the customer's lifecycle table (rules/customer.h).
 */
#include "rules/customer.h"

static const char *const states[] = {"prospect",  "pending_review", "active",
                                     "suspended", "closed",         NULL};
static const char *const note_fields[] = {"note", NULL};
static const char *const reason_fields[] = {"reason", NULL};
static const char *const term_fields[] = {"payment_term_days", "reason", NULL};
static const char *const tier_fields[] = {"tier", "reason", NULL};

#define LIVE (DOC_BIT(CS_ACTIVE) | DOC_BIT(CS_SUSPENDED))
#define OPEN (DOC_BIT(CS_PROSPECT) | DOC_BIT(CS_PENDING_REVIEW) | LIVE)

/* clang-format off */
static const struct doc_action actions[CA__COUNT] = {
    [CA_SUBMIT]     = {"submit", P_CUSTOMER_SUBMIT, DOC_BIT(CS_PROSPECT), CS_PENDING_REVIEW, NULL, 0},
    [CA_QUALIFY]    = {"qualify", P_CUSTOMER_QUALIFY, DOC_BIT(CS_PENDING_REVIEW), DOC_TO_SAME,
                       note_fields, 0},
    [CA_APPROVE]    = {"approve", P_CUSTOMER_APPROVE, DOC_BIT(CS_PENDING_REVIEW), CS_ACTIVE, NULL,
                       DOC_PROXY},
    /* flows.md §1: finance or the supervising SLT member sends it back */
    [CA_REJECT]     = {"reject", P_CUSTOMER_APPROVE, DOC_BIT(CS_PENDING_REVIEW), CS_PROSPECT, NULL,
                       DOC_PROXY | DOC_ASIDE | DOC_ALSO(P_CUSTOMER_QUALIFY)},
    [CA_SUSPEND]    = {"suspend", P_CUSTOMER_APPROVE, DOC_BIT(CS_ACTIVE), CS_SUSPENDED,
                       reason_fields, DOC_PROXY | DOC_ASIDE},
    [CA_REACTIVATE] = {"reactivate", P_CUSTOMER_APPROVE, DOC_BIT(CS_SUSPENDED), CS_ACTIVE, NULL,
                       DOC_PROXY | DOC_ASIDE},
    [CA_CLOSE]      = {"close", P_CUSTOMER_CLOSE, LIVE, CS_CLOSED, NULL, DOC_ASIDE},
    [CA_LIFT_CREDIT_HOLD] = {"lift-credit-hold", P_CUSTOMER_APPROVE, OPEN, DOC_TO_SAME,
                             reason_fields, DOC_PROXY | DOC_ASIDE},
    [CA_SET_PAYMENT_TERM] = {"set-payment-term", P_CUSTOMER_APPROVE, LIVE, DOC_TO_SAME,
                             term_fields, DOC_PROXY | DOC_ASIDE},
    [CA_SET_TIER]   = {"set-tier", P_CUSTOMER_TIER, LIVE, DOC_TO_SAME, tier_fields, DOC_ASIDE},
    /* flows.md §11.4: the MM of the market proposes (P_CUSTOMER_TIER is the MM's row) */
    [CA_PROPOSE_PAYMENT_TERM] = {"propose-payment-term", P_CUSTOMER_TIER, LIVE, DOC_TO_SAME,
                                 term_fields, DOC_ASIDE},
};
/* clang-format on */

const struct doc_type customer_doc = {"customers", "customer", states, actions, CA__COUNT};

const char *const customer_core_fields[] = {
    "name", "market", "region", "kam", "consignee", "consignee_phone", "consignment_station", NULL};

const char *customer_tier(int64_t cum_before, int64_t net, int64_t total)
{
    return customer_tier_bp(cum_before, net, total, 8000, 1500);
}

const char *customer_tier_bp(int64_t cum_before, int64_t net, int64_t total, int key_bp,
                             int general_bp)
{
    if (total <= 0 || net <= 0)
        return "scattered";
    __int128 c = (__int128)cum_before * 10000, t = total;
    return c < t * key_bp ? "key" : c < t * (key_bp + general_bp) ? "general" : "scattered";
}

size_t customer_missing(const bool *has, const char **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; customer_core_fields[i]; i++)
        if (!has[i] && n < max)
            out[n++] = customer_core_fields[i];
    return n;
}
