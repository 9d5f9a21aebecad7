/*
 * test_returns.c — the tables of the return (TH), the prepayment refund (TK) and the bad-debt
 * write-off (HX), row by row as the spec gives them (flows.md §6 and §4.7, numbering-and-rules
 * §3 and §5, docs/billing.md for reject), the roles each row lets act (the matrix, with the
 * DOC_ALSO rows of cancel and reject), and the pure rules beside them: the late-return window,
 * the reason codes, what a refund may take and the invoice's state after a write-off.
 */
#include "expect.h"

#include <string.h>

#include "rules/doc.h"
#include "rules/refund.h"
#include "rules/returns.h"
#include "rules/write_off.h"

struct row {
    const char *action;
    const char *from[4]; /* the states it starts from (NULL-terminated) */
    const char *to;      /* NULL: the action's function decides */
    enum perm_action perm;
    int also; /* the DOC_ALSO row, or -1 */
    bool proxy;
    const char *fields[4];
};

static void check_rows(int *bad, const struct doc_type *t, const struct row *rows, size_t n)
{
    expect(bad, t->nactions == n, "%s: %zu actions, the spec has %zu", t->collection, t->nactions,
           n);
    for (size_t i = 0; i < n; i++) {
        const struct row *r = &rows[i];
        int a = doc_action_parse(t, r->action);
        expect(bad, a >= 0, "%s.%s exists", t->collection, r->action);
        if (a < 0)
            continue;
        const struct doc_action *d = &t->actions[a];
        unsigned from = 0;
        for (const char *const *s = r->from; *s; s++) {
            int st = doc_state_parse(t, *s);
            expect(bad, st >= 0, "%s: state %s", t->collection, *s);
            if (st >= 0)
                from |= DOC_BIT(st);
        }
        expect(bad, d->from == from, "%s.%s: from-states", t->collection, r->action);
        expect(bad, r->to ? d->to == doc_state_parse(t, r->to) : d->to == DOC_TO_DECIDED,
               "%s.%s: to %s", t->collection, r->action, r->to ? r->to : "decided");
        expect(bad, d->perm == r->perm, "%s.%s: matrix row", t->collection, r->action);
        expect(bad, DOC_ALSO_ROW(d->flags) == r->also, "%s.%s: second row", t->collection,
               r->action);
        expect(bad, ((d->flags & DOC_PROXY) != 0) == r->proxy, "%s.%s: proxy", t->collection,
               r->action);
        size_t nf = 0;
        for (const char *const *f = d->fields; f && *f; f++)
            nf++;
        size_t want = 0;
        for (const char *const *f = r->fields; *f; f++, want++)
            expect(bad, doc_action_field(t, a, *f), "%s.%s: field %s", t->collection, r->action,
                   *f);
        expect(bad, nf == want, "%s.%s: %zu fields, the spec has %zu", t->collection, r->action, nf,
               want);
    }
}

/* The roles a row lets act, as a string of role names, for the matrix rows below. */
static void check_roles(int *bad, const struct doc_type *t, const char *action,
                        const enum role *may, size_t n)
{
    int a = doc_action_parse(t, action);
    for (int r = 0; r < ROLE__COUNT; r++) {
        bool want = false;
        for (size_t i = 0; i < n; i++)
            want = want || may[i] == (enum role)r;
        expect(bad, doc_role_may(t, a, (enum role)r) == want, "%s.%s: role %s %s", t->collection,
               action, role_str((enum role)r), want ? "may act" : "may not");
    }
}

/* flows.md §6; numbering-and-rules §3 "return: ..." rows. */
static void test_return_table(void **state)
{
    (void)state;
    int bad = 0;
    static const struct row rows[] = {
        {"confirm", {"requested"}, "confirmed", P_RETURN_CONFIRM, -1, false, {NULL}},
        {"inspect",
         {"confirmed"},
         NULL,
         P_RETURN_INSPECT,
         -1,
         false,
         {"genuine", "name_spec_qty_ok", "note", NULL}}, /* inspected or refused */
        {"approve", {"inspected"}, "approved", P_RETURN_APPROVE, -1, false, {NULL}},
        {"receive", {"approved"}, "received", P_RETURN_RECEIVE, -1, false, {NULL}},
        /* "creator, um": the creating roles' row and the confirming UM's */
        {"cancel",
         {"requested", "confirmed", "inspected", NULL},
         "cancelled",
         P_RETURN_CREATE,
         P_RETURN_CONFIRM,
         false,
         {NULL}},
    };
    check_rows(&bad, &return_doc, rows, sizeof rows / sizeof rows[0]);
    static const char *const states[] = {"requested", "confirmed", "inspected", "approved",
                                         "received",  "refused",   "cancelled", NULL};
    for (int i = 0; states[i]; i++)
        expect(&bad, doc_state_parse(&return_doc, states[i]) >= 0, "return state %s", states[i]);
    expect(&bad,
           !doc_action_field(&return_doc, doc_action_parse(&return_doc, "confirm"), "genuine"),
           "confirm takes no genuine");
    static const enum role confirm[] = {ROLE_UM}, inspect[] = {ROLE_CUSTOMER_SERVICE},
                           approve[] = {ROLE_SALES_DIRECTOR, ROLE_DEPUTY_DIRECTOR, ROLE_MM},
                           receive[] = {ROLE_WAREHOUSE},
                           cancel[] = {ROLE_UM, ROLE_KAM, ROLE_REP, ROLE_CUSTOMER};
    check_roles(&bad, &return_doc, "confirm", confirm, 1);
    check_roles(&bad, &return_doc, "inspect", inspect, 1);
    check_roles(&bad, &return_doc, "approve", approve, 3);
    check_roles(&bad, &return_doc, "receive", receive, 1);
    check_roles(&bad, &return_doc, "cancel", cancel, 4);
    int c = doc_action_parse(&return_doc, "cancel");
    expect(&bad, doc_symbol(&return_doc, c, ROLE_UM) == 'Y', "the UM cancels by the second row");
    expect(&bad, doc_symbol(&return_doc, c, ROLE_KAM) == 'O', "a KAM its own");
    expect(&bad, doc_symbol(&return_doc, c, ROLE_AUDITOR) == 'R', "the auditor reads");
    /* the window (numbering-and-rules §9 return_window_days = 90) */
    expect(&bad, !return_is_late(1000, 910, true), "90 days after POD is in time");
    expect(&bad, return_is_late(1000, 909, true), "91 days is late");
    expect(&bad, !return_is_late(1000, 0, false), "never late without a delivery");
    static const char *const codes[] = {
        "damaged",           "spoiled",         "expired", "wrong_item",
        "quality_complaint", "consumer_return", "other",   NULL};
    for (int i = 0; codes[i]; i++)
        expect(&bad, return_reason_code_ok(codes[i]), "reason code %s", codes[i]);
    expect(&bad,
           !return_reason_code_ok("Damaged") && !return_reason_code_ok("") &&
               !return_reason_code_ok(NULL),
           "other reason codes are not");
    assert_int_equal(bad, 0);
}

/* flows.md §4.7, entities.md §7.8 states; numbering-and-rules §3 "prepayment refund" rows;
   reject per docs/billing.md. */
static void test_refund_table(void **state)
{
    (void)state;
    int bad = 0;
    static const struct row rows[] = {
        {"approve", {"requested"}, "approved", P_REFUND_APPROVE, -1, true, {NULL}},
        {"reject",
         {"requested", "approved", NULL},
         "rejected",
         P_REFUND_APPROVE,
         P_REFUND_PAY,
         true,
         {NULL}},
        {"pay", {"approved"}, "paid", P_REFUND_PAY, -1, false, {NULL}},
    };
    check_rows(&bad, &refund_doc, rows, sizeof rows / sizeof rows[0]);
    static const enum role approve[] = {ROLE_SALES_DIRECTOR, ROLE_DEPUTY_DIRECTOR, ROLE_SSG_LEADER,
                                        ROLE_CSR},
                           reject[] = {ROLE_SALES_DIRECTOR, ROLE_DEPUTY_DIRECTOR, ROLE_SSG_LEADER,
                                       ROLE_CSR, ROLE_FINANCE},
                           pay[] = {ROLE_FINANCE};
    check_roles(&bad, &refund_doc, "approve", approve, 4);
    check_roles(&bad, &refund_doc, "reject", reject, 5);
    check_roles(&bad, &refund_doc, "pay", pay, 1);
    int a = doc_action_parse(&refund_doc, "approve");
    expect(&bad, doc_symbol(&refund_doc, a, ROLE_SSG_LEADER) == 'P', "a secretary by proxy");
    expect(&bad, doc_symbol(&refund_doc, a, ROLE_DEPUTY_DIRECTOR) == 'S', "the supervising SLT");
    int r = doc_action_parse(&refund_doc, "reject");
    expect(&bad, doc_symbol(&refund_doc, r, ROLE_FINANCE) == 'Y', "finance by the pay row");
    expect(&bad, doc_symbol(&refund_doc, r, ROLE_CSR) == 'P', "a secretary by proxy");
    /* min(cash, unapplied - earmarked) - pending, never below 0 */
    expect(&bad, refund_available(80000, 0, 80000, 0) == 80000, "all free cash");
    expect(&bad, refund_available(80000, 30000, 80000, 0) == 50000, "earmarks hold money");
    expect(&bad, refund_available(80000, 0, 50000, 0) == 50000, "credit-note credit is no cash");
    expect(&bad, refund_available(20000, 0, 20000, 15000) == 5000, "pending refunds hold");
    expect(&bad, refund_available(20000, 0, 20000, 25000) == 0, "never below 0");
    expect(&bad, refund_available(9000, 0, 0, 0) == 0, "an expense credit is never paid out");
    assert_int_equal(bad, 0);
}

/* flows.md §4.7; numbering-and-rules §3 "write-off" rows and §5 (any amount: GM). */
static void test_write_off_table(void **state)
{
    (void)state;
    int bad = 0;
    static const struct row rows[] = {
        {"approve", {"requested"}, "approved", P_WRITEOFF_APPROVE, -1, false, {NULL}},
        {"reject", {"requested"}, "rejected", P_WRITEOFF_APPROVE, -1, false, {NULL}},
    };
    check_rows(&bad, &write_off_doc, rows, sizeof rows / sizeof rows[0]);
    static const enum role gm[] = {ROLE_GM};
    check_roles(&bad, &write_off_doc, "approve", gm, 1);
    check_roles(&bad, &write_off_doc, "reject", gm, 1);
    expect(&bad, strcmp(write_off_invoice_state(15000, 20000, 10000), "partial") == 0,
           "some left open: partial");
    expect(&bad, strcmp(write_off_invoice_state(5000, 20000, 5000), "written_off") == 0,
           "nothing left: written_off");
    expect(&bad, strcmp(write_off_invoice_state(20000, 20000, 0), "open") == 0, "untouched: open");
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_return_table),
        cmocka_unit_test(test_refund_table),
        cmocka_unit_test(test_write_off_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
