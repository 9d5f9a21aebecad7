/*
 * test_prices.c — the price list's table (rules/price_list.c) transcribed from api.md §5.4 and
 * §5.9, its permission rows, and price_list_overlap(), the rule that keeps at most one
 * published list of a code on any date (entities.md §3.2).
 */
#include "expect.h"

#include <string.h>

#include "rules/price_list.h"

static void test_table(void **state)
{
    (void)state;
    int bad = 0;
    static const struct {
        const char *action;
        unsigned from;
        const char *to;
        enum perm_action perm;
    } rows[] = {
        {"approve", DOC_BIT(PLS_DRAFT), "approved", P_PRICE_LIST_APPROVE},
        {"publish", DOC_BIT(PLS_APPROVED), "published", P_PRICE_LIST_PUBLISH},
        {"retire", DOC_BIT(PLS_DRAFT) | DOC_BIT(PLS_APPROVED) | DOC_BIT(PLS_PUBLISHED), "retired",
         P_PRICE_LIST_PUBLISH},
    };
    expect(&bad, price_list_doc.nactions == ROWS(rows), "three actions");
    expect(&bad, strcmp(price_list_doc.collection, "price-lists") == 0, "collection");
    static const char *const states[] = {"draft", "approved", "published", "retired"};
    for (size_t i = 0; i < ROWS(states); i++)
        expect(&bad, doc_state_parse(&price_list_doc, states[i]) == (int)i, "state %s", states[i]);
    for (size_t i = 0; i < ROWS(rows); i++) {
        int a = doc_action_parse(&price_list_doc, rows[i].action);
        expect(&bad, a >= 0, "%s exists", rows[i].action);
        if (a < 0)
            continue;
        const struct doc_action *d = &price_list_doc.actions[a];
        expect(&bad, d->perm == rows[i].perm, "%s: permission row", rows[i].action);
        expect(&bad, d->from == rows[i].from, "%s: from-states", rows[i].action);
        expect(&bad, d->to == doc_state_parse(&price_list_doc, rows[i].to), "%s: to %s",
               rows[i].action, rows[i].to);
    }
    /* api.md §5.4: marketing and ssg_leader draft and publish (and retire, §5.9); the SLT
       approves; the warehouse sees no prices. */
    static const struct {
        enum perm_action a;
        enum role r;
        bool acts;
    } who[] = {
        {P_PRICE_LIST_DRAFT, ROLE_MARKETING, true},
        {P_PRICE_LIST_DRAFT, ROLE_SSG_LEADER, true},
        {P_PRICE_LIST_DRAFT, ROLE_FINANCE, false},
        {P_PRICE_LIST_DRAFT, ROLE_GM, false},
        {P_PRICE_LIST_APPROVE, ROLE_GM, true},
        {P_PRICE_LIST_APPROVE, ROLE_SALES_DIRECTOR, true},
        {P_PRICE_LIST_APPROVE, ROLE_DEPUTY_DIRECTOR, true},
        {P_PRICE_LIST_APPROVE, ROLE_MARKETING, false},
        {P_PRICE_LIST_PUBLISH, ROLE_MARKETING, true},
        {P_PRICE_LIST_PUBLISH, ROLE_SSG_LEADER, true},
        {P_PRICE_LIST_PUBLISH, ROLE_GM, false},
        {P_PRICE_LIST_PUBLISH, ROLE_AUDITOR, false},
    };
    for (size_t i = 0; i < ROWS(who); i++)
        expect(&bad, perm_may_act(who[i].a, who[i].r) == who[i].acts, "row %d role %s", who[i].a,
               role_str(who[i].r));
    expect(&bad, !perm_may_read(P_PRICE_LIST_READ, ROLE_WAREHOUSE), "warehouse reads no prices");
    expect(&bad, perm_may_read(P_PRICE_LIST_READ, ROLE_KAM), "a KAM reads price lists");
    expect(&bad, !perm_may_act(P_PRICE_LIST_READ, ROLE_GM), "reading is not acting");
    assert_int_equal(bad, 0);
}

static void test_overlap(void **state)
{
    (void)state;
    int bad = 0;
    static const struct {
        const char *what;
        date_t from, to, ofrom, oto;
        enum price_overlap want;
        date_t close_to;
    } rows[] = {
        {"disjoint, new later", 200, 300, 100, 199, PO_NONE, 0},
        {"disjoint, new earlier", 100, 199, 200, PRICE_OPEN_END, PO_NONE, 0},
        {"open after open: close the old", 200, PRICE_OPEN_END, 100, PRICE_OPEN_END, PO_CLOSE, 199},
        {"later, ends with the old", 150, 300, 100, 300, PO_CLOSE, 149},
        {"later, ends after the old", 150, 400, 100, 300, PO_CLOSE, 149},
        {"same start: retire", 100, PRICE_OPEN_END, 100, 300, PO_RETIRE, 0},
        {"covers all: retire", 50, 400, 100, 300, PO_RETIRE, 0},
        {"inside the old: refuse", 150, 200, 100, PRICE_OPEN_END, PO_REFUSE, 0},
        {"ends before the old: refuse", 50, 200, 100, 300, PO_REFUSE, 0},
        {"one day touching the start", 50, 100, 100, 100, PO_RETIRE, 0},
        {"one day inside an open list", 100, 100, 100, PRICE_OPEN_END, PO_REFUSE, 0},
    };
    for (size_t i = 0; i < ROWS(rows); i++) {
        date_t got = 0;
        enum price_overlap v =
            price_list_overlap(rows[i].from, rows[i].to, rows[i].ofrom, rows[i].oto, &got);
        expect(&bad, v == rows[i].want, "%s: %d, want %d", rows[i].what, v, rows[i].want);
        if (v == PO_CLOSE)
            expect(&bad, got == rows[i].close_to, "%s: closes on %d, want %d", rows[i].what, got,
                   rows[i].close_to);
    }
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_overlap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
