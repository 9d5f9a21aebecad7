/*
 * test_billing.c — table tests for rules/billing.c (the account month around the 25th
 * cut-off, at month and year ends and in February) and for the billing documents' tables:
 * invoice requests (flows.md §5), instruments in hand (§4.4) and statements (§4.5), each row
 * transcribed from the spec with who may act from numbering-and-rules.md §3.
 */
#include "expect.h"

#include "core/date.h"
#include "core/str.h"
#include "rules/billing.h"
#include "rules/instrument.h"
#include "rules/invoice_request.h"
#include "rules/statement.h"

#include <stdio.h>
#include <string.h>

static date_t D(const char *s)
{
    date_t d = 0;
    date_parse(s, &d);
    return d;
}

static void test_account_month(void **state)
{
    (void)state;
    static const struct {
        const char *day, *first, *last;
    } rows[] = {
        {"2026-11-25", "2026-10-26", "2026-11-25"}, /* the cut-off day closes its month */
        {"2026-11-26", "2026-11-26", "2026-12-25"}, /* the day after opens the next */
        {"2026-11-01", "2026-10-26", "2026-11-25"},
        {"2026-12-26", "2026-12-26", "2027-01-25"}, /* across the year end */
        {"2026-12-31", "2026-12-26", "2027-01-25"},
        {"2027-01-01", "2026-12-26", "2027-01-25"},
        {"2027-01-25", "2026-12-26", "2027-01-25"},
        {"2028-02-29", "2028-02-26", "2028-03-25"}, /* leap day after the cut-off */
        {"2027-03-01", "2027-02-26", "2027-03-25"},
    };
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        date_t f, l;
        billing_account_month(D(rows[i].day), 25, &f, &l);
        char fs[11], ls[11];
        date_format(f, fs);
        date_format(l, ls);
        expect(&bad, f == D(rows[i].first) && l == D(rows[i].last), "%s: got %s..%s want %s..%s",
               rows[i].day, fs, ls, rows[i].first, rows[i].last);
    }
    assert_int_equal(bad, 0);
}

/* One row of a document table from the spec: the action, the states it starts from ("a|b"),
   the state it leads to, its matrix row, the roles that may act and some that may not. */
struct row {
    const char *action, *from, *to;
    enum perm_action perm;
    enum role may[6], may_not[6]; /* ROLE_NONE-terminated */
};

#define R(...)                                                                                     \
    {                                                                                              \
        __VA_ARGS__, ROLE_NONE                                                                     \
    }

static void check_rows(const struct doc_type *t, const struct row *rows, size_t n, int *bad)
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
        char buf[64];
        expect(bad, str_copy(buf, sizeof buf, r->from) == 0, "%s: from %s fits", t->collection,
               r->from);
        for (char *save = NULL, *s = strtok_r(buf, "|", &save); s; s = strtok_r(NULL, "|", &save)) {
            int st = doc_state_parse(t, s);
            expect(bad, st >= 0, "%s: state %s", t->collection, s);
            if (st >= 0)
                from |= DOC_BIT(st);
        }
        expect(bad, d->from == from, "%s.%s: from %s", t->collection, r->action, r->from);
        expect(bad, d->to == doc_state_parse(t, r->to), "%s.%s: to %s", t->collection, r->action,
               r->to);
        expect(bad, d->perm == r->perm, "%s.%s: matrix row", t->collection, r->action);
        for (const enum role *ro = r->may; *ro != ROLE_NONE; ro++)
            expect(bad, doc_role_may(t, a, *ro), "%s.%s: %s may", t->collection, r->action,
                   role_str(*ro));
        for (const enum role *ro = r->may_not; *ro != ROLE_NONE; ro++)
            expect(bad, !doc_role_may(t, a, *ro), "%s.%s: %s may not", t->collection, r->action,
                   role_str(*ro));
    }
}

/* flows.md §5 and the matrix rows "invoice request: review, mail, confirm receipt, archive"
   (ssg_leader, csr) and "issue fapiao" (finance); return is csr and finance (§5). */
static void test_invoice_request_table(void **state)
{
    (void)state;
    static const struct row rows[] = {
        {"review", "requested", "reviewed", P_INVREQ_HANDLE, R(ROLE_CSR, ROLE_SSG_LEADER),
         R(ROLE_FINANCE, ROLE_KAM, ROLE_AUDITOR)},
        {"issue", "reviewed", "issued", P_INVREQ_ISSUE, R(ROLE_FINANCE),
         R(ROLE_CSR, ROLE_KAM, ROLE_AUDITOR)},
        {"mail", "issued", "mailed", P_INVREQ_HANDLE, R(ROLE_CSR, ROLE_SSG_LEADER),
         R(ROLE_FINANCE, ROLE_REP)},
        {"confirm-receipt", "mailed", "received", P_INVREQ_HANDLE, R(ROLE_CSR),
         R(ROLE_FINANCE, ROLE_KAM)},
        {"archive", "received", "archived", P_INVREQ_HANDLE, R(ROLE_CSR),
         R(ROLE_FINANCE, ROLE_KAM)},
        {"return", "requested|reviewed", "requested", P_INVREQ_HANDLE,
         R(ROLE_CSR, ROLE_FINANCE, ROLE_SSG_LEADER), R(ROLE_KAM, ROLE_REP, ROLE_AUDITOR)},
    };
    int bad = 0;
    check_rows(&invoice_request_doc, rows, ROWS(rows), &bad);
    /* return: the issue row's 'Y' for finance, the handle row's for csr */
    int ret = doc_action_parse(&invoice_request_doc, "return");
    expect(&bad, doc_symbol(&invoice_request_doc, ret, ROLE_FINANCE) == 'Y', "finance Y");
    expect(&bad, doc_symbol(&invoice_request_doc, ret, ROLE_AUDITOR) == 'R', "auditor R");
    expect(&bad, doc_symbol(&invoice_request_doc, ret, ROLE_KAM) == '-', "KAM -");
    /* entities.md §7.1: the invoice's fapiao state follows its request */
    static const char *const fapiao[][2] = {
        {NULL, "none"},          {"requested", "requested"}, {"reviewed", "requested"},
        {"issued", "issued"},    {"mailed", "mailed"},       {"received", "received"},
        {"archived", "received"}};
    for (size_t i = 0; i < ROWS(fapiao); i++)
        expect(&bad, strcmp(invoice_request_fapiao_state(fapiao[i][0]), fapiao[i][1]) == 0,
               "fapiao of %s", fapiao[i][0] ? fapiao[i][0] : "no request");
    assert_int_equal(bad, 0);
}

/* flows.md §4.4 and the matrix rows "instrument in hand: register" (ssg_leader, csr, the
   KAM's and rep's own) and "sign for it" (finance). */
static void test_instrument_table(void **state)
{
    (void)state;
    static const struct row rows[] = {
        {"hand-over", "in_hand", "handed_over", P_INSTRUMENT_REGISTER,
         R(ROLE_KAM, ROLE_REP, ROLE_CSR, ROLE_SSG_LEADER), R(ROLE_FINANCE, ROLE_AUDITOR)},
        {"sign", "in_hand|handed_over", "registered", P_INSTRUMENT_SIGN, R(ROLE_FINANCE),
         R(ROLE_KAM, ROLE_CSR, ROLE_AUDITOR)},
    };
    int bad = 0;
    check_rows(&instrument_doc, rows, ROWS(rows), &bad);
    assert_int_equal(bad, 0);
}

/* flows.md §4.5 and the matrix rows "statement: generate, send" (ssg_leader, csr, the KAM's
   own, finance) and "record customer reply" (ssg_leader, csr, the KAM's own, the customer);
   the report is the KAM's (flow/statement.c narrows the reply row to the customer's KAM). */
static void test_statement_table(void **state)
{
    (void)state;
    static const struct row rows[] = {
        {"send", "generated", "sent", P_STATEMENT_SEND,
         R(ROLE_SSG_LEADER, ROLE_CSR, ROLE_KAM, ROLE_FINANCE), R(ROLE_REP, ROLE_AUDITOR)},
        {"confirm", "sent|disputed", "confirmed", P_STATEMENT_REPLY,
         R(ROLE_SSG_LEADER, ROLE_CSR, ROLE_KAM, ROLE_CUSTOMER), R(ROLE_FINANCE, ROLE_AUDITOR)},
        {"dispute", "sent", "disputed", P_STATEMENT_REPLY, R(ROLE_CSR, ROLE_KAM),
         R(ROLE_FINANCE, ROLE_AUDITOR)},
        {"report", "confirmed|disputed", "reported", P_STATEMENT_REPLY, R(ROLE_KAM),
         R(ROLE_FINANCE, ROLE_AUDITOR)},
    };
    int bad = 0;
    check_rows(&statement_doc, rows, ROWS(rows), &bad);
    int d = doc_action_parse(&statement_doc, "dispute");
    expect(&bad,
           d >= 0 && doc_action_field(&statement_doc, d, "difference_fen") &&
               doc_action_field(&statement_doc, d, "difference_note"),
           "dispute carries the difference");
    int cf = doc_action_parse(&statement_doc, "confirm");
    expect(&bad, cf >= 0 && !doc_action_field(&statement_doc, cf, "difference_fen"),
           "a confirmation carries none");
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_account_month), cmocka_unit_test(test_invoice_request_table),
        cmocka_unit_test(test_instrument_table), cmocka_unit_test(test_statement_table)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
