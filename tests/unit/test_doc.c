/*
 * test_doc.c — table tests for the document kernel's pure half (rules/doc.c) and for every
 * document table of this build (doc_types[]): each table must be well formed, because the gate
 * and allowed_actions trust it.
 *
 * Per table: state names unique and non-empty; action names unique, lower-case with dashes;
 * every action starts from at least one state and only from states that exist; its to-state
 * exists (or is DOC_TO_SAME / DOC_TO_DECIDED); no body field is named twice.
 * Then the lookups and the sorting of allowed_actions on a small table of our own, and the
 * contract table's rows (flows.md §7) transcribed from the spec.
 */
#include "expect.h"

#include <string.h>

#include "rules/contract.h"
#include "rules/doc.h"

static int nstates(const struct doc_type *t)
{
    int n = 0;
    while (t->states[n])
        n++;
    return n;
}

static bool action_name_ok(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || *s == '-'))
            return false;
    return true;
}

static void test_every_table_well_formed(void **state)
{
    (void)state;
    int bad = 0, types = 0;
    for (const struct doc_type *const *tp = doc_types; *tp; tp++, types++) {
        const struct doc_type *t = *tp;
        int ns = nstates(t);
        expect(&bad, ns > 0 && ns <= DOC_MAX_STATES, "%s: %d states", t->collection, ns);
        expect(&bad, t->nactions > 0 && t->nactions <= DOC_MAX_ACTIONS, "%s: %zu actions",
               t->collection, t->nactions);
        for (int i = 0; i < ns; i++) {
            expect(&bad, t->states[i][0] != 0, "%s: state %d has no name", t->collection, i);
            expect(&bad, doc_state_parse(t, t->states[i]) == i, "%s: state %s named twice",
                   t->collection, t->states[i]);
        }
        for (size_t a = 0; a < t->nactions; a++) {
            const struct doc_action *d = &t->actions[a];
            expect(&bad, d->name && action_name_ok(d->name), "%s: action %zu name",
                   t->collection, a);
            if (!d->name)
                continue;
            expect(&bad, doc_action_parse(t, d->name) == (int)a, "%s: action %s named twice",
                   t->collection, d->name);
            expect(&bad, d->from != 0, "%s.%s: starts from no state", t->collection, d->name);
            expect(&bad, ns >= 32 || (d->from >> ns) == 0, "%s.%s: from names a state past %d",
                   t->collection, d->name, ns);
            expect(&bad, d->to == DOC_TO_SAME || d->to == DOC_TO_DECIDED ||
                             (d->to >= 0 && d->to < ns),
                   "%s.%s: to-state %d", t->collection, d->name, d->to);
            expect(&bad, d->perm >= 0 && d->perm < P__COUNT, "%s.%s: permission row",
                   t->collection, d->name);
            expect(&bad, DOC_ALSO_ROW(d->flags) >= -1 && DOC_ALSO_ROW(d->flags) < P__COUNT &&
                             DOC_ALSO_ROW(d->flags) != (int)d->perm,
                   "%s.%s: second permission row", t->collection, d->name);
            for (const char *const *f = d->fields; f && *f; f++) {
                int seen = 0;
                for (const char *const *g = d->fields; *g; g++)
                    seen += strcmp(*f, *g) == 0;
                expect(&bad, seen == 1, "%s.%s: field %s twice", t->collection, d->name, *f);
                expect(&bad, strcmp(*f, "comment") != 0, "%s.%s: comment is always a field",
                       t->collection, d->name);
            }
        }
    }
    expect(&bad, types >= 1, "doc_types lists no table");
    assert_int_equal(bad, 0);
}

/* A small table of our own for the lookups. */
enum { S_A, S_B, S_C };
static const char *const t_states[] = {"a", "b", "c", NULL};
static const char *const t_fields[] = {"x", NULL};
static const struct doc_action t_actions[] = {
    {"zeta", P_ORDER_VERIFY, DOC_BIT(S_A), S_B, NULL, 0},
    {"alpha", P_ORDER_APPROVE, DOC_BIT(S_A) | DOC_BIT(S_B), DOC_TO_DECIDED, t_fields, DOC_PROXY},
    {"mid", P_ORDER_PRINT, DOC_BIT(S_C), DOC_TO_SAME, NULL, 0},
};
static const struct doc_type t = {"things", "thing", t_states, t_actions, 3};

static void test_lookups(void **state)
{
    (void)state;
    int bad = 0;
    expect(&bad, doc_state_parse(&t, "b") == S_B, "state b");
    expect(&bad, doc_state_parse(&t, "d") == -1, "no state d");
    expect(&bad, doc_state_parse(&t, NULL) == -1, "NULL state");
    expect(&bad, strcmp(doc_state_str(&t, S_C), "c") == 0, "state c by index");
    expect(&bad, strcmp(doc_state_str(&t, 3), "") == 0, "past the end");
    expect(&bad, strcmp(doc_state_str(&t, -1), "") == 0, "negative");
    expect(&bad, doc_action_parse(&t, "mid") == 2, "action mid");
    expect(&bad, doc_action_parse(&t, "Mid") == -1, "names are exact");
    expect(&bad, doc_action_from(&t, 1, S_B), "alpha from b");
    expect(&bad, !doc_action_from(&t, 0, S_B), "zeta not from b");
    expect(&bad, !doc_action_from(&t, 5, S_A), "no action 5");
    expect(&bad, !doc_action_from(&t, 0, -1), "no state -1");
    expect(&bad, doc_action_field(&t, 0, "comment"), "comment always");
    expect(&bad, !doc_action_field(&t, 0, "x"), "zeta has no x");
    expect(&bad, doc_action_field(&t, 1, "x"), "alpha has x");
    expect(&bad, doc_action_field(&t, 1, "on_behalf_of"), "alpha may be signed by proxy");
    expect(&bad, doc_action_field(&t, 1, "confirmed_by_phone"), "... with the phone flag");
    expect(&bad, !doc_action_field(&t, 0, "on_behalf_of"), "zeta may not");
    /* the matrix: verify is the KAM's ('O'), print finance's */
    expect(&bad, doc_role_may(&t, 0, ROLE_KAM), "KAM verifies");
    expect(&bad, !doc_role_may(&t, 0, ROLE_AUDITOR), "the auditor only reads");
    expect(&bad, !doc_role_may(&t, 2, ROLE_KAM), "KAM does not print");
    assert_int_equal(bad, 0);
}

static void test_sorted(void **state)
{
    (void)state;
    int bad = 0, out[DOC_MAX_ACTIONS];
    bool all[3] = {true, true, true}, none[3] = {false, false, false}, two[3] = {true, false, true};
    expect(&bad, doc_sorted(&t, all, out) == 3 && out[0] == 1 && out[1] == 2 && out[2] == 0,
           "all: alpha, mid, zeta");
    expect(&bad, doc_sorted(&t, none, out) == 0, "none");
    expect(&bad, doc_sorted(&t, two, out) == 2 && out[0] == 2 && out[1] == 0, "mid, zeta");
    assert_int_equal(bad, 0);
}

/* flows.md §7 and numbering-and-rules.md §3: the contract's rows, from the spec. */
static void test_contract_table(void **state)
{
    (void)state;
    int bad = 0;
    static const struct {
        const char *action, *from, *to;
        enum perm_action perm;
    } rows[] = {
        {"submit", "draft", "submitted", P_CONTRACT_DRAFT},
        {"approve", "submitted", NULL, P_CONTRACT_APPROVE}, /* approved, or submitted until
                                                                the SLT member */
        {"reject", "submitted", "draft", P_CONTRACT_APPROVE},
        {"sign", "approved", "signed", P_CONTRACT_SIGN},
        {"archive", "signed", "archived", P_CONTRACT_ARCHIVE},
        {"bind", "archived", "", P_CONTRACT_ARCHIVE}, /* "": the state stays */
        {"complete", "archived", "completed", P_CONTRACT_CLOSE},
        {"terminate", "archived", "terminated", P_CONTRACT_CLOSE},
    };
    expect(&bad, contract_doc.nactions == 8, "eight actions");
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int a = doc_action_parse(&contract_doc, rows[i].action);
        expect(&bad, a >= 0, "%s exists", rows[i].action);
        if (a < 0)
            continue;
        const struct doc_action *d = &contract_doc.actions[a];
        expect(&bad, d->perm == rows[i].perm, "%s: permission row", rows[i].action);
        expect(&bad, d->from == DOC_BIT(doc_state_parse(&contract_doc, rows[i].from)),
               "%s: only from %s", rows[i].action, rows[i].from);
        expect(&bad, rows[i].to ? (*rows[i].to ? d->to == doc_state_parse(&contract_doc, rows[i].to)
                                               : d->to == DOC_TO_SAME)
                                : d->to == DOC_TO_DECIDED,
               "%s: to %s", rows[i].action, rows[i].to ? rows[i].to : "decided");
    }
    expect(&bad, contract_is_major(50000000, false, 0, 30), "¥500,000 is major");
    expect(&bad, !contract_is_major(49999999, false, 0, 30), "one fen less is not");
    expect(&bad, contract_is_major(1, true, 31, 30), "a longer term is major");
    expect(&bad, !contract_is_major(1, true, 30, 30), "the customer's own term is not");
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_table_well_formed),
        cmocka_unit_test(test_lookups),
        cmocka_unit_test(test_sorted),
        cmocka_unit_test(test_contract_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
