/*
 * test_queue_kinds.c — whom the second wave's documents wait on in each state
 * (rules/doc.c doc_waiting_roles; api.md §5.1, issue #17 item 2), transcribed from
 * numbering-and-rules.md §3 and the flows: a customer under review waits on finance (qualify)
 * and the SLT (approve), never on anyone once active (suspend, close, hold, term are side
 * actions); a price list on the SLT then its publishers; a second decider's reject, a
 * retire, a return, an escalation or a quotation's outcome make no one wait (DOC_ASIDE).
 */
#include "expect.h"

#include <string.h>

#include "rules/cmr.h"
#include "rules/customer.h"
#include "rules/doc.h"
#include "rules/field.h"
#include "rules/market.h"
#include "rules/price_list.h"

static const struct {
    const struct doc_type *t;
    const char *state;
    const char *roles; /* comma-separated, in enum role order */
} rows[] = {
    /* a credit review: its lines say which (flow/queue.c reads them) */
    {&credit_review_doc, "open", "gm,sales_director,deputy_director,mm"},
    {&credit_review_doc, "closed", ""},
    {&customer_doc, "prospect", "kam"},
    {&customer_doc, "pending_review", "sales_director,deputy_director,finance"},
    {&customer_doc, "active", ""},
    {&customer_doc, "suspended", ""},
    {&customer_doc, "closed", ""},
    {&price_list_doc, "draft", "gm,sales_director,deputy_director"},
    {&price_list_doc, "approved", "ssg_leader,marketing"},
    {&price_list_doc, "published", ""},
    {&price_list_doc, "retired", ""},
    {&expense_doc, "submitted", "sales_director,deputy_director,mm"},
    {&expense_doc, "approved", "mm,um,kam"},
    {&expense_doc, "executed", "ssg_leader,csr,finance"}, /* a travel claim: the CSR checks it */
    {&expense_doc, "settled", "sales_director,deputy_director,mm,um,kam"},
    {&expense_doc, "rejected", ""},
    {&expense_doc, "closed", ""},
    {&pop_doc, "requested", "sales_director,deputy_director,mm"},
    {&pop_doc, "approved", ""},
    {&pop_doc, "shipped", "kam,customer"},
    {&pop_doc, "received", "kam,rep"},
    {&pop_doc, "rejected", ""},
    {&invrep_doc, "submitted", "marketing"},
    {&invrep_doc, "returned", "ssg_leader,csr,customer"},
    {&invrep_doc, "reviewed", ""},
    {&quotation_doc, "registered", "sales_director,deputy_director,mm"},
    {&quotation_doc, "preparing", "kam,rep"},
    {&quotation_doc, "review", "sales_director,deputy_director,mm"},
    {&quotation_doc, "approved", "kam,rep"},
    {&quotation_doc, "issued", ""},
    {&quotation_doc, "won", ""},
    {&after_sales_doc, "received", "mm"},
    {&after_sales_doc, "confirmed", "ssg_leader,csr"},
    {&after_sales_doc, "assigned", "customer_service"},
    {&after_sales_doc, "in_progress", "sales_director,deputy_director,mm,customer_service"},
    {&after_sales_doc, "escalated", "sales_director,deputy_director,mm,customer_service"},
    {&after_sales_doc, "resolved", "ssg_leader,csr"},
    {&after_sales_doc, "closed", ""},
    {&sample_doc, "issued", "customer_service"},
    {&sample_doc, "followed_up", ""},
    {&visit_plan_doc, "draft", "mm,um,kam,rep"},
    {&visit_plan_doc, "submitted", "mm,um,kam"},
    {&visit_plan_doc, "confirmed", ""},
    {&visit_doc, "filed", "ssg_leader,csr,mm,um,kam"},
    {&visit_doc, "commented", "ssg_leader,csr"},
    {&visit_doc, "verified", ""},
};

static void test_waits_on(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int s = doc_state_parse(rows[i].t, rows[i].state);
        expect(&bad, s >= 0, "%s: no state %s", rows[i].t->collection, rows[i].state);
        if (s < 0)
            continue;
        enum role out[ROLE__COUNT];
        size_t n = doc_waiting_roles(rows[i].t, s, out);
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
        expect(&bad, strcmp(got, rows[i].roles) == 0, "%s %s waits on '%s', want '%s'",
               rows[i].t->collection, rows[i].state, got, rows[i].roles);
    }
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_waits_on),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
