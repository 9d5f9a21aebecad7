/*
 * test_customer.c — the customer lifecycle table (rules/customer.c) row by row from flows.md
 * §1, api.md §5.2–§5.3 and numbering-and-rules.md §3, the matrix rows it names, and the core
 * fields submit asks for (never the credit terms, api.md §5.9).
 */
#include "expect.h"

#include <string.h>

#include "rules/customer.h"
#include "rules/doc.h"
#include "rules/perm.h"

static unsigned bits(const char *const *names)
{
    unsigned b = 0;
    for (; *names; names++)
        b |= DOC_BIT(doc_state_parse(&customer_doc, *names));
    return b;
}

static void test_customer_table(void **state)
{
    (void)state;
    int bad = 0;
    static const char *const prospect[] = {"prospect", NULL};
    static const char *const pending[] = {"pending_review", NULL};
    static const char *const active[] = {"active", NULL};
    static const char *const suspended[] = {"suspended", NULL};
    static const char *const live[] = {"active", "suspended", NULL};
    static const char *const open[] = {"prospect", "pending_review", "active", "suspended", NULL};
    static const struct {
        const char *action;
        const char *const *from;
        const char *to; /* NULL: the state stays */
        enum perm_action perm;
        int also; /* DOC_ALSO row or -1 */
        bool proxy;
        const char *field; /* a body field besides comment, or NULL */
    } rows[] = {
        {"submit", prospect, "pending_review", P_CUSTOMER_SUBMIT, -1, false, NULL},
        {"qualify", pending, NULL, P_CUSTOMER_QUALIFY, -1, false, "note"},
        {"approve", pending, "active", P_CUSTOMER_APPROVE, -1, true, NULL},
        {"reject", pending, "prospect", P_CUSTOMER_APPROVE, P_CUSTOMER_QUALIFY, true, NULL},
        {"suspend", active, "suspended", P_CUSTOMER_APPROVE, -1, true, "reason"},
        {"reactivate", suspended, "active", P_CUSTOMER_APPROVE, -1, true, NULL},
        {"close", live, "closed", P_CUSTOMER_CLOSE, -1, false, NULL},
        {"lift-credit-hold", open, NULL, P_CUSTOMER_APPROVE, -1, true, "reason"},
        {"set-payment-term", live, NULL, P_CUSTOMER_APPROVE, -1, true, "payment_term_days"},
        {"set-tier", live, NULL, P_CUSTOMER_TIER, -1, false, "tier"},
        {"propose-payment-term", live, NULL, P_CUSTOMER_TIER, -1, false, "payment_term_days"},
    };
    expect(&bad, customer_doc.nactions == sizeof rows / sizeof rows[0], "eleven actions");
    expect(&bad, strcmp(customer_doc.collection, "customers") == 0, "collection");
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int a = doc_action_parse(&customer_doc, rows[i].action);
        expect(&bad, a >= 0, "%s exists", rows[i].action);
        if (a < 0)
            continue;
        const struct doc_action *d = &customer_doc.actions[a];
        expect(&bad, d->perm == rows[i].perm, "%s: permission row", rows[i].action);
        expect(&bad, DOC_ALSO_ROW(d->flags) == rows[i].also, "%s: second row", rows[i].action);
        expect(&bad, ((d->flags & DOC_PROXY) != 0) == rows[i].proxy, "%s: proxy", rows[i].action);
        expect(&bad, d->from == bits(rows[i].from), "%s: from-states", rows[i].action);
        expect(&bad,
               rows[i].to ? d->to == doc_state_parse(&customer_doc, rows[i].to)
                          : d->to == DOC_TO_SAME,
               "%s: to %s", rows[i].action, rows[i].to ? rows[i].to : "the same");
        if (rows[i].field)
            expect(&bad, doc_action_field(&customer_doc, a, rows[i].field), "%s: field %s",
                   rows[i].action, rows[i].field);
        expect(&bad, !doc_action_field(&customer_doc, a, "credit_limit_fen"),
               "%s: no credit limit in the body", rows[i].action);
    }
    /* nothing leaves closed */
    int closed = doc_state_parse(&customer_doc, "closed");
    for (size_t a = 0; a < customer_doc.nactions; a++)
        expect(&bad, !doc_action_from(&customer_doc, (int)a, closed), "%s from closed",
               customer_doc.actions[a].name);
    assert_int_equal(bad, 0);
}

/* numbering-and-rules.md §3: who may act on each row. */
static void test_customer_matrix(void **state)
{
    (void)state;
    int bad = 0;
    expect(&bad, perm_symbol(P_CUSTOMER_SUBMIT, ROLE_KAM) == 'O', "KAM submits its own");
    expect(&bad, !perm_may_act(P_CUSTOMER_SUBMIT, ROLE_REP), "rep does not submit");
    expect(&bad, perm_symbol(P_CUSTOMER_QUALIFY, ROLE_FINANCE) == 'Y', "finance qualifies");
    expect(&bad, !perm_may_act(P_CUSTOMER_QUALIFY, ROLE_SSG_LEADER), "SSG does not qualify");
    expect(&bad, perm_symbol(P_CUSTOMER_APPROVE, ROLE_DEPUTY_DIRECTOR) == 'S', "DD: S");
    expect(&bad, perm_symbol(P_CUSTOMER_APPROVE, ROLE_SALES_DIRECTOR) == 'S', "SD: S");
    expect(&bad, perm_symbol(P_CUSTOMER_APPROVE, ROLE_SSG_LEADER) == 'P', "SL: proxy");
    expect(&bad, perm_symbol(P_CUSTOMER_APPROVE, ROLE_CSR) == 'P', "CSR: proxy");
    expect(&bad, !perm_may_act(P_CUSTOMER_APPROVE, ROLE_GM), "GM: -");
    expect(&bad, perm_symbol(P_CUSTOMER_CLOSE, ROLE_SSG_LEADER) == 'Y', "SL closes");
    expect(&bad, !perm_may_act(P_CUSTOMER_CLOSE, ROLE_CSR), "CSR does not close");
    expect(&bad,
           perm_may_act(P_CREDIT_INCIDENT, ROLE_FINANCE) &&
               perm_may_act(P_CREDIT_INCIDENT, ROLE_SSG_LEADER) &&
               !perm_may_act(P_CREDIT_INCIDENT, ROLE_KAM),
           "incidents: finance and the SSG leader");
    expect(&bad,
           doc_role_may(&customer_doc, doc_action_parse(&customer_doc, "reject"), ROLE_FINANCE),
           "finance rejects through the second row");
    assert_int_equal(bad, 0);
}

static void test_missing_core_fields(void **state)
{
    (void)state;
    int bad = 0;
    bool has[7] = {true, true, true, true, true, true, true};
    const char *out[8];
    expect(&bad, customer_missing(has, out, 8) == 0, "complete");
    has[3] = has[6] = false;
    size_t n = customer_missing(has, out, 8);
    expect(&bad, n == 2 && strcmp(out[0], "kam") == 0 && strcmp(out[1], "consignment_station") == 0,
           "kam, consignment_station");
    for (size_t i = 0; customer_core_fields[i]; i++)
        expect(&bad,
               strcmp(customer_core_fields[i], "credit_limit_fen") &&
                   strcmp(customer_core_fields[i], "payment_term_days"),
               "credit terms are not core fields of submit");
    assert_int_equal(bad, 0);
}

/* flows.md §1 archive rule 4: the first 80 % of net sales key, the next 15 % general. */
static void test_tier_split(void **state)
{
    (void)state;
    int bad = 0;
    expect(&bad, strcmp(customer_tier(0, 800, 1000), "key") == 0, "the largest is key");
    expect(&bad, strcmp(customer_tier(799, 1, 1000), "key") == 0, "still under 80 per cent");
    expect(&bad, strcmp(customer_tier(800, 150, 1000), "general") == 0, "from 80 per cent general");
    expect(&bad, strcmp(customer_tier(949, 1, 1000), "general") == 0, "under 95 per cent");
    expect(&bad, strcmp(customer_tier(950, 50, 1000), "scattered") == 0, "the last 5 per cent");
    expect(&bad, strcmp(customer_tier(0, 0, 1000), "scattered") == 0, "no sales");
    expect(&bad, strcmp(customer_tier(0, 0, 0), "scattered") == 0, "nobody sold");
    /* the shares as settings (#10): key 50 %, general 40 % */
    expect(&bad, strcmp(customer_tier_bp(499, 1, 1000, 5000, 4000), "key") == 0,
           "under 50 per cent");
    expect(&bad, strcmp(customer_tier_bp(500, 1, 1000, 5000, 4000), "general") == 0,
           "from 50 per cent");
    expect(&bad, strcmp(customer_tier_bp(899, 1, 1000, 5000, 4000), "general") == 0, "under 90");
    expect(&bad, strcmp(customer_tier_bp(900, 1, 1000, 5000, 4000), "scattered") == 0, "from 90");
    expect(&bad, strcmp(customer_tier(INT64_MAX / 2, 1, INT64_MAX), "key") == 0,
           "128-bit: no overflow near the cap");
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_customer_table),
        cmocka_unit_test(test_customer_matrix),
        cmocka_unit_test(test_missing_core_fields),
        cmocka_unit_test(test_tier_split),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
