/*
 * test_queue.c — the pure half of the work queue (rules/doc.c doc_waiting_states and
 * doc_waiting_roles) on the order table: in which states an order waits on each role, and
 * whom it waits on in each state, transcribed from flows.md §2.1 and api.md §3.3. Side actions
 * (DOC_ASIDE: cancel, recheck, loose-units, a non-approver's reject) make no one wait.
 */
#include "expect.h"

#include <string.h>

#include "rules/doc.h"
#include "rules/order.h"

#define B(s) DOC_BIT(s)

static void test_order_waits_by_role(void **state)
{
    (void)state;
    int bad = 0;
    static const struct {
        enum role role, principal;
        unsigned states;
    } rows[] = {
        {ROLE_KAM, ROLE_NONE, B(OS_DRAFT) | B(OS_NEEDS_FIX)},
        {ROLE_MM, ROLE_NONE, B(OS_VERIFIED)},
        {ROLE_CSR, ROLE_NONE,
         B(OS_SUBMITTED) | B(OS_ACCEPTED) | B(OS_PREPAY_REQUIRED) | B(OS_BILLED)},
        {ROLE_SSG_LEADER, ROLE_NONE,
         B(OS_SUBMITTED) | B(OS_ACCEPTED) | B(OS_PREPAY_REQUIRED) | B(OS_BILLED)},
        /* a secretary signing for the deputy while the deputy is away */
        {ROLE_SSG_LEADER, ROLE_DEPUTY_DIRECTOR,
         B(OS_SUBMITTED) | B(OS_ACCEPTED) | B(OS_PREPAY_REQUIRED) | B(OS_BILLED) |
             B(OS_PENDING_APPROVAL) | B(OS_ST_PENDING)},
        {ROLE_DEPUTY_DIRECTOR, ROLE_NONE,
         B(OS_PENDING_APPROVAL) | B(OS_PREPAY_REQUIRED) | B(OS_ST_PENDING)},
        {ROLE_GM, ROLE_NONE, B(OS_ST_PENDING)},
        {ROLE_FINANCE, ROLE_NONE, B(OS_APPROVED)},
        {ROLE_WAREHOUSE, ROLE_NONE, 0},
        {ROLE_REP, ROLE_NONE, 0},
        {ROLE_AUDITOR, ROLE_NONE, 0},
        {ROLE_ADMIN, ROLE_NONE, 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        unsigned got = doc_waiting_states(&order_doc, rows[i].role, rows[i].principal);
        expect(&bad, got == rows[i].states, "%s (for %s): states %#x, want %#x",
               role_str(rows[i].role), role_str(rows[i].principal), got, rows[i].states);
    }
    assert_int_equal(bad, 0);
}

static void test_order_waits_on(void **state)
{
    (void)state;
    int bad = 0;
    static const struct {
        const char *state;
        const char *roles; /* comma-separated, in enum role order */
    } rows[] = {
        {"draft", "kam"},
        {"verified", "mm"},
        {"submitted", "ssg_leader,csr"},
        {"accepted", "ssg_leader,csr"},
        {"needs_fix", "kam"},
        {"pending_approval", "sales_director,deputy_director"},
        {"prepay_required", "sales_director,deputy_director,ssg_leader,csr"},
        {"st_pending", "gm,sales_director,deputy_director"},
        {"approved", "finance"},
        {"billed", "ssg_leader,csr"},
        {"released", ""},
        {"cancelled", ""},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        enum role out[ROLE__COUNT];
        size_t n = doc_waiting_roles(&order_doc, doc_state_parse(&order_doc, rows[i].state), out);
        char got[256] = "";
        size_t len = 0;
        for (size_t k = 0; k < n; k++) {
            const char *r = role_str(out[k]);
            size_t rl = strlen(r);
            if (len + rl + 2 >= sizeof got)
                break;
            if (k)
                got[len++] = ',';
            memcpy(got + len, r, rl + 1);
            len += rl;
        }
        expect(&bad, strcmp(got, rows[i].roles) == 0, "%s waits on '%s', want '%s'", rows[i].state,
               got, rows[i].roles);
    }
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_waits_by_role),
        cmocka_unit_test(test_order_waits_on),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
