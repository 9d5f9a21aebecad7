/*
 * test_corrections.c — the corrections' table rows transcribed from the spec (api.md §5.5,
 * numbering-and-rules.md §3): the receipt's reverse and reallocate (finance, from registered)
 * and the shipment's report-discrepancy (csr, own kam, warehouse; only once delivered).
 */
#include "expect.h"

#include <string.h>

#include "rules/doc.h"
#include "rules/payment.h"
#include "rules/perm.h"
#include "rules/shipment.h"

struct row {
    const struct doc_type *t;
    const char *action, *from, *to; /* to NULL: DOC_TO_SAME */
    enum perm_action perm;
    const char *fields[3];
};

static void test_rows(void **state)
{
    (void)state;
    int bad = 0;
    static const struct row rows[] = {
        {&payment_doc, "reverse", "registered", "reversed", P_PAYMENT, {"reason", NULL}},
        {&payment_doc, "reallocate", "registered", NULL, P_PAYMENT, {"apply_to", NULL}},
        {&shipment_doc,
         "report-discrepancy",
         "delivered",
         NULL,
         P_SHIPMENT_DISCREPANCY,
         {"lines", "note", NULL}},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const struct row *r = &rows[i];
        int a = doc_action_parse(r->t, r->action);
        expect(&bad, a >= 0, "%s.%s exists", r->t->collection, r->action);
        if (a < 0)
            continue;
        const struct doc_action *d = &r->t->actions[a];
        expect(&bad, d->perm == r->perm, "%s: permission row", r->action);
        expect(&bad, d->from == DOC_BIT(doc_state_parse(r->t, r->from)), "%s: only from %s",
               r->action, r->from);
        expect(&bad, r->to ? d->to == doc_state_parse(r->t, r->to) : d->to == DOC_TO_SAME,
               "%s: to %s", r->action, r->to ? r->to : "the same state");
        size_t nf = 0;
        for (const char *const *f = d->fields; f && *f; f++, nf++)
            expect(&bad, nf < 2 && r->fields[nf] && strcmp(*f, r->fields[nf]) == 0, "%s: field %s",
                   r->action, *f);
        expect(&bad, r->fields[nf] == NULL, "%s: %zu fields", r->action, nf);
    }
    expect(&bad, payment_doc.nactions == 2, "a receipt has two actions");
    expect(&bad, doc_state_parse(&payment_doc, "reversed") == SKS_REVERSED, "reversed");
    assert_int_equal(bad, 0);
}

/* numbering-and-rules.md §3 "shipment: report discrepancy": CSR Y, KAM O, customer O; plus the
   warehouse, which api.md §5.5 (the contract) names. "payment: … reverse; … re-allocate":
   finance only. */
static void test_matrix(void **state)
{
    (void)state;
    int bad = 0;
    static const struct {
        enum role r;
        char disc, pay;
    } rows[] = {
        {ROLE_CSR, 'Y', '-'},     {ROLE_KAM, 'O', '-'},        {ROLE_WAREHOUSE, 'Y', '-'},
        {ROLE_FINANCE, '-', 'Y'}, {ROLE_SSG_LEADER, '-', '-'}, {ROLE_GM, '-', '-'},
        {ROLE_AUDITOR, 'R', 'R'}, {ROLE_REP, '-', '-'},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        expect(&bad, perm_symbol(P_SHIPMENT_DISCREPANCY, rows[i].r) == rows[i].disc,
               "discrepancy, role %d", (int)rows[i].r);
        expect(&bad, perm_symbol(P_PAYMENT, rows[i].r) == rows[i].pay, "payment, role %d",
               (int)rows[i].r);
    }
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_matrix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
