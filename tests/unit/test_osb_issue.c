/*
 * test_osb_issue.c — the OSB problem-log entry's table (rules/osb_issue.c), row by row from the
 * spec: kpis-and-reports.md §3.3 (states, actions, from, to, body fields) and the OSB rows of
 * the matrix in numbering-and-rules.md §3 (who may act at all; E = only when named, checked in
 * flow/osb_issue.c; H = only a department head).
 */
#include "expect.h"

#include <string.h>

#include "rules/doc.h"
#include "rules/osb_issue.h"

/* The matrix columns in order: GM SD DD SL CSR MM UM KAM REP FIN WH CS MKT AUD ADM CUS. */
static const enum role cols[] = {
    ROLE_GM,
    ROLE_SALES_DIRECTOR,
    ROLE_DEPUTY_DIRECTOR,
    ROLE_SSG_LEADER,
    ROLE_CSR,
    ROLE_MM,
    ROLE_UM,
    ROLE_KAM,
    ROLE_REP,
    ROLE_FINANCE,
    ROLE_WAREHOUSE,
    ROLE_CUSTOMER_SERVICE,
    ROLE_MARKETING,
    ROLE_AUDITOR,
    ROLE_ADMIN,
    ROLE_CUSTOMER,
};

static void test_states(void **state)
{
    (void)state;
    int bad = 0;
    static const char *const names[] = {"open", "explained", "resolved"};
    for (int i = 0; i < 3; i++)
        expect(&bad, doc_state_parse(&osb_issue_doc, names[i]) == i, "state %s", names[i]);
    expect(&bad, doc_state_parse(&osb_issue_doc, "closed") == -1, "no state closed");
    expect(&bad, strcmp(osb_issue_doc.collection, "osb-issues") == 0, "collection");
    expect(&bad, strcmp(osb_issue_doc.object, "osb_issue") == 0, "audit object");
    bool listed = false;
    for (const struct doc_type *const *t = doc_types; *t; t++)
        listed = listed || *t == &osb_issue_doc;
    expect(&bad, listed, "listed in doc_types");
    assert_int_equal(bad, 0);
}

/* §3.3: open → explain → explained; open, explained → resolve → resolved; explained → reopen
   (ext) → open. The matrix strings are the spec's rows, column by column. */
static void test_actions(void **state)
{
    (void)state;
    int bad = 0;
    static const struct {
        const char *action;
        unsigned from; /* DOC_BIT of WS_* */
        const char *to;
        enum perm_action perm;
        const char *fields[3];
        const char *matrix; /* GM SD DD SL CSR MM UM KAM REP FIN WH CS MKT AUD ADM CUS */
    } rows[] = {
        {"explain",
         DOC_BIT(WS_OPEN),
         "explained",
         P_OSB_EXPLAIN,
         {"explanation", "cause", NULL},
         "EEEEE--E-EE--R--"},
        {"resolve",
         DOC_BIT(WS_OPEN) | DOC_BIT(WS_EXPLAINED),
         "resolved",
         P_OSB_RESOLVE,
         {"resolution", NULL, NULL},
         "---Y---------R--"},
        {"reopen",
         DOC_BIT(WS_EXPLAINED),
         "open",
         P_OSB_REOPEN,
         {NULL, NULL, NULL},
         "YYYY---------R--"},
    };
    expect(&bad, osb_issue_doc.nactions == 3, "three actions");
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int a = doc_action_parse(&osb_issue_doc, rows[i].action);
        expect(&bad, a >= 0, "%s exists", rows[i].action);
        if (a < 0)
            continue;
        const struct doc_action *d = &osb_issue_doc.actions[a];
        expect(&bad, d->perm == rows[i].perm, "%s: permission row", rows[i].action);
        expect(&bad, d->from == rows[i].from, "%s: from-states", rows[i].action);
        expect(&bad, d->to == doc_state_parse(&osb_issue_doc, rows[i].to), "%s: to %s",
               rows[i].action, rows[i].to);
        expect(&bad, !(d->flags & DOC_PROXY), "%s: never signed by proxy", rows[i].action);
        for (int f = 0; rows[i].fields[f]; f++)
            expect(&bad, doc_action_field(&osb_issue_doc, a, rows[i].fields[f]), "%s: field %s",
                   rows[i].action, rows[i].fields[f]);
        expect(&bad, doc_action_field(&osb_issue_doc, a, "comment"), "%s: comment", rows[i].action);
        expect(&bad, !doc_action_field(&osb_issue_doc, a, "why"), "%s: no other field",
               rows[i].action);
        for (size_t r = 0; r < sizeof cols / sizeof cols[0]; r++) {
            char want = rows[i].matrix[r];
            expect(&bad, perm_symbol(d->perm, cols[r]) == want, "%s: %s is '%c', not '%c'",
                   rows[i].action, role_str(cols[r]), want, perm_symbol(d->perm, cols[r]));
            expect(&bad, doc_role_may(&osb_issue_doc, a, cols[r]) == (want != '-' && want != 'R'),
                   "%s: %s may act", rows[i].action, role_str(cols[r]));
        }
    }
    /* No action leaves resolved: an entry is never reopened once resolved nor deleted. */
    for (size_t a = 0; a < osb_issue_doc.nactions; a++)
        expect(&bad, !doc_action_from(&osb_issue_doc, (int)a, WS_RESOLVED), "%s from resolved",
               osb_issue_doc.actions[a].name);
    assert_int_equal(bad, 0);
}

/* §3.2 and the matrix: manual entries — SSG leader, or a department head (H: finance,
   warehouse, marketing); meeting entries — the SSG leader ("resolve; record meeting
   entries"). */
static void test_create_rows(void **state)
{
    (void)state;
    int bad = 0;
    expect(&bad, osb_issue_create_perm("manual") == P_OSB_MANUAL, "manual row");
    expect(&bad, osb_issue_create_perm(NULL) == P_OSB_MANUAL, "manual by default");
    expect(&bad, osb_issue_create_perm("meeting") == P_OSB_RESOLVE, "meeting row");
    static const char manual[] = "---Y-----HH-HR--";
    for (size_t r = 0; r < sizeof cols / sizeof cols[0]; r++)
        expect(&bad, perm_symbol(P_OSB_MANUAL, cols[r]) == manual[r], "manual: %s",
               role_str(cols[r]));
    expect(&bad,
           osb_issue_in(osb_issue_sources, "auto") && osb_issue_in(osb_issue_sources, "meeting") &&
               osb_issue_in(osb_issue_sources, "manual") && !osb_issue_in(osb_issue_sources, "job"),
           "sources");
    expect(&bad,
           osb_issue_in(osb_issue_causes, "carrier") && !osb_issue_in(osb_issue_causes, "weather"),
           "causes");
    expect(&bad, !osb_issue_in(osb_issue_departments, NULL), "NULL is no department");
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_states),
        cmocka_unit_test(test_actions),
        cmocka_unit_test(test_create_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
