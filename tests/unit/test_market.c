/*
 * test_market.c — market support's pure rules (rules/market.c), in tables transcribed from the
 * spec: the sample deduction of flows.md §14.4, the inventory balance and lateness of §16, the
 * budget share of an expense application (§15) and a POP request (§13), the MM's authority,
 * stock cover and 积货, and the four document tables row by row.
 */
#include "expect.h"

#include <string.h>

#include "rules/market.h"

/* flows.md §14.4: ⌊qty × max(0, 8000 − usage) / 10000⌋ + ⌊qty × max(0, waste − 1000) / 10000⌋ */
static void test_sample_deduction(void **state)
{
    (void)state;
    int bad = 0;
    static const struct {
        int64_t qty;
        int usage, waste;
        int64_t want;
    } rows[] = {
        {100, 8000, 1000, 0},   /* the standard exactly: nothing */
        {100, 10000, 0, 0},     /* better than the standard: nothing, never negative */
        {100, 7999, 1000, 0},   /* ⌊100 × 1 / 10000⌋ = 0 */
        {10000, 7999, 1000, 1}, /* one basis point of 10,000 units */
        {100, 6000, 1500, 25},  /* 20 + 5 */
        {100, 0, 10000, 170},   /* 80 + 90: nothing used, all wasted */
        {48, 7000, 1200, 4},    /* ⌊4.8⌋ + ⌊0.96⌋ = 4 + 0 */
        {7, 5000, 1000, 2},     /* ⌊2.1⌋ */
        {7, 8000, 2500, 1},     /* ⌊1.05⌋ */
        {0, 0, 10000, 0},       /* no units */
        {INT64_C(1000000000000000), 0, 10000, INT64_C(1700000000000000)},
        {INT64_C(4000000000000000000), 8000, 2000, INT64_C(400000000000000000)}, /* 128-bit */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int64_t got = sample_deduction(rows[i].qty, rows[i].usage, rows[i].waste);
        int64_t want = rows[i].want;
        expect(&bad, got == want, "qty %lld usage %d waste %d: %lld, want %lld",
               (long long)rows[i].qty, rows[i].usage, rows[i].waste, (long long)got,
               (long long)want);
    }
    assert_int_equal(bad, 0);
}

static void test_inventory_balance_and_late(void **state)
{
    (void)state;
    int bad = 0;
    struct invrep_line ok = {100, 50, 5, 80, 3, 72, 10};
    expect(&bad, invrep_balanced(&ok), "100 + 50 + 5 − 80 − 3 = 72");
    struct invrep_line off = ok;
    off.closing = 73;
    expect(&bad, !invrep_balanced(&off), "73 is off by one");
    struct invrep_line big = {INT64_MAX, INT64_MAX, 0, INT64_MAX, 0, INT64_MAX, 0};
    expect(&bad, invrep_balanced(&big), "no overflow near INT64_MAX");
    static const struct {
        int py, pm, y, m, d;
        bool late;
    } rows[] = {
        {2027, 2, 2027, 2, 1, false},    {2027, 2, 2027, 2, 20, false},
        {2027, 2, 2027, 2, 21, true},    {2027, 2, 2027, 3, 1, true},
        {2027, 2, 2027, 1, 31, false},   {2027, 12, 2028, 1, 5, true},
        {2027, 12, 2027, 12, 20, false},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        expect(&bad,
               invrep_late(rows[i].py, rows[i].pm, rows[i].y, rows[i].m, rows[i].d) == rows[i].late,
               "report %04d-%02d on %04d-%02d-%02d: late %d", rows[i].py, rows[i].pm, rows[i].y,
               rows[i].m, rows[i].d, rows[i].late);
    /* stock cover: closing ÷ average monthly sold, in bp of a month; above 2 months = 积货 */
    expect(&bad, invrep_cover_bp(170, 90, 3) == 56666, "170 / 30 a month");
    expect(&bad, invrep_cover_bp(60, 30, 1) == 20000, "exactly 2 months");
    expect(&bad, !invrep_build_up(60, 20000), "2 months is not build-up");
    expect(&bad, invrep_build_up(61, 20333), "above 2 months is");
    expect(&bad, invrep_cover_bp(5, 0, 3) == -1, "nothing sold: no cover");
    expect(&bad, invrep_build_up(5, -1), "stock with nothing sold is build-up");
    expect(&bad, !invrep_build_up(0, -1), "no stock, no sales: none");
    assert_int_equal(bad, 0);
}

static void test_budget_shares(void **state)
{
    (void)state;
    int bad = 0;
    static const struct {
        int state;
        int64_t approved, actual, committed, spent;
    } rows[] = {
        {XS_SUBMITTED, 0, 0, 0, 0},       /* nothing before approval */
        {XS_APPROVED, 300, 0, 300, 0},    /* committed at approval */
        {XS_EXECUTED, 300, 280, 300, 0},  /* still committed until settled */
        {XS_SUBMITTED, 300, 350, 300, 0}, /* above approved: the first approval holds */
        {XS_SETTLED, 350, 350, 0, 350},   /* actual once settled */
        {XS_CLOSED, 300, 280, 0, 280},    /* and after evaluation */
        {XS_REJECTED, 0, 0, 0, 0},
        {XS_REJECTED, 300, 350, 0, 0}, /* a re-approval refused gives the commitment back */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int64_t c, a;
        expense_contrib(rows[i].state, rows[i].approved, rows[i].actual, &c, &a);
        expect(&bad, c == rows[i].committed && a == rows[i].spent, "row %zu: %lld/%lld", i,
               (long long)c, (long long)a);
    }
    static const struct {
        int state;
        int64_t committed, spent;
    } pop[] = {{POPS_REQUESTED, 0, 0}, {POPS_APPROVED, 500, 0}, {POPS_REJECTED, 0, 0},
               {POPS_SHIPPED, 0, 500}, {POPS_RECEIVED, 0, 500}, {POPS_VERIFIED, 0, 500}};
    for (size_t i = 0; i < sizeof pop / sizeof pop[0]; i++) {
        int64_t c, a;
        pop_contrib(pop[i].state, 500, &c, &a);
        expect(&bad, c == pop[i].committed && a == pop[i].spent, "POP row %zu", i);
    }
    /* the MM alone: within ¥50,000 and the available budget, not special */
    expect(&bad, expense_mm_may(5000000, 5000000, false), "¥50,000 exactly");
    expect(&bad, !expense_mm_may(5000001, 99999999, false), "one fen above ¥50,000");
    expect(&bad, !expense_mm_may(100, 99, false), "above the available budget");
    expect(&bad, !expense_mm_may(100, 1000, true), "special: the SLT member");
    expect(&bad, !expense_mm_may(1, 0, false), "no budget");
    assert_int_equal(bad, 0);
}

struct row {
    const char *action, *from, *to;
    enum perm_action perm;
};

static void rows_match(int *bad, const struct doc_type *t, const struct row *rows, size_t n)
{
    expect(bad, t->nactions == n, "%s: %zu actions", t->collection, n);
    for (size_t i = 0; i < n; i++) {
        int a = doc_action_parse(t, rows[i].action);
        expect(bad, a >= 0, "%s.%s exists", t->collection, rows[i].action);
        if (a < 0)
            continue;
        const struct doc_action *d = &t->actions[a];
        expect(bad, d->perm == rows[i].perm, "%s.%s: permission row", t->collection,
               rows[i].action);
        expect(bad, d->from == DOC_BIT(doc_state_parse(t, rows[i].from)), "%s.%s: from %s",
               t->collection, rows[i].action, rows[i].from);
        int want = !rows[i].to                  ? DOC_TO_DECIDED
                   : strcmp(rows[i].to, "=") == 0 ? DOC_TO_SAME
                                                  : doc_state_parse(t, rows[i].to);
        expect(bad, d->to == want,
               "%s.%s: to %s", t->collection, rows[i].action, rows[i].to ? rows[i].to : "decided");
    }
}

/* api.md §5.6 states; flows.md §13–16 actions; numbering-and-rules.md §3 rows. */
static void test_tables(void **state)
{
    (void)state;
    int bad = 0;
    static const char *const fy[] = {"submitted", "approved", "rejected", "executed",
                                     "settled",   "closed",   NULL};
    for (int i = 0; fy[i]; i++)
        expect(&bad, doc_state_parse(&expense_doc, fy[i]) == i, "FY state %s", fy[i]);
    static const struct row x[] = {
        {"approve", "submitted", NULL, P_EXPENSE_APPROVE}, /* approved, or executed again */
        {"reject", "submitted", "rejected", P_EXPENSE_APPROVE},
        {"execute", "approved", NULL, P_EXPENSE_APPLY}, /* executed, or submitted again */
        {"settle", "executed", "settled", P_EXPENSE_SETTLE},
        {"evaluate", "settled", "closed", P_EXPENSE_APPLY},
        {"check-travel", "executed", "=", P_TRAVEL_CHECK}, /* the CSR; the state stays */
    };
    rows_match(&bad, &expense_doc, x, sizeof x / sizeof x[0]);
    static const char *const wl[] = {"requested", "approved", "rejected", "shipped",
                                     "received",  "verified", NULL};
    for (int i = 0; wl[i]; i++)
        expect(&bad, doc_state_parse(&pop_doc, wl[i]) == i, "WL state %s", wl[i]);
    static const struct row w[] = {
        {"approve", "requested", "approved", P_POP_APPROVE},
        {"reject", "requested", "rejected", P_POP_APPROVE},
        {"confirm-receipt", "shipped", "received", P_POP_RECEIVE},
        {"verify", "received", "verified", P_POP_VERIFY},
    };
    rows_match(&bad, &pop_doc, w, sizeof w / sizeof w[0]);
    static const struct row y[] = {{"follow-up", "issued", "followed_up", P_SAMPLE_FOLLOW_UP}};
    rows_match(&bad, &sample_doc, y, 1);
    static const char *const kc[] = {"submitted", "reviewed", "returned", NULL};
    for (int i = 0; kc[i]; i++)
        expect(&bad, doc_state_parse(&invrep_doc, kc[i]) == i, "KC state %s", kc[i]);
    static const struct row k[] = {
        {"review", "submitted", "reviewed", P_INVREPORT_REVIEW},
        {"return", "submitted", "returned", P_INVREPORT_REVIEW},
        {"resubmit", "returned", "submitted", P_INVREPORT_SUBMIT},
    };
    rows_match(&bad, &invrep_doc, k, sizeof k / sizeof k[0]);
    expect(&bad,
           doc_action_field(&sample_doc, 0, "usage_bp") &&
               doc_action_field(&sample_doc, 0, "waste_bp") &&
               doc_action_field(&sample_doc, 0, "stores_surveyed"),
           "follow-up {usage_bp, waste_bp, stores_surveyed}");
    static const char *const zc[] = {"requested", "reviewed", "forwarded", "scheduled",
                                     "done",      "rejected", NULL};
    for (int i = 0; zc[i]; i++)
        expect(&bad, doc_state_parse(&support_doc, zc[i]) == i, "ZC state %s", zc[i]);
    /* flows.md §19: ad design requested → forwarded → done; training, events, lectures
       requested → reviewed → forwarded → scheduled → done, or rejected */
    static const struct {
        bool ad;
        int action, state;
        bool ok;
    } steps[] = {
        {true, ZA_FORWARD, ZS_REQUESTED, true},  {true, ZA_DONE, ZS_FORWARDED, true},
        {true, ZA_REVIEW, ZS_REQUESTED, false},  {true, ZA_SCHEDULE, ZS_FORWARDED, false},
        {true, ZA_REJECT, ZS_REQUESTED, false},  {false, ZA_FORWARD, ZS_REQUESTED, false},
        {false, ZA_REVIEW, ZS_REQUESTED, true},  {false, ZA_FORWARD, ZS_REVIEWED, true},
        {false, ZA_SCHEDULE, ZS_FORWARDED, true}, {false, ZA_DONE, ZS_FORWARDED, false},
        {false, ZA_DONE, ZS_SCHEDULED, true},    {false, ZA_REJECT, ZS_REVIEWED, true},
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        expect(&bad, support_step_ok(steps[i].ad, steps[i].action, steps[i].state) == steps[i].ok,
               "support step %zu", i);
    /* who: the MM approves, the SLT members as supervisors ('S'), finance settles */
    expect(&bad, perm_symbol(P_EXPENSE_APPROVE, ROLE_MM) == 'Y', "MM approves");
    expect(&bad, perm_symbol(P_EXPENSE_APPROVE, ROLE_DEPUTY_DIRECTOR) == 'S', "SLT supervises");
    expect(&bad, perm_symbol(P_EXPENSE_SETTLE, ROLE_FINANCE) == 'Y', "finance settles");
    expect(&bad, perm_symbol(P_SAMPLE_FOLLOW_UP, ROLE_CUSTOMER_SERVICE) == 'Y', "CS follows up");
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample_deduction),
        cmocka_unit_test(test_inventory_balance_and_late),
        cmocka_unit_test(test_budget_shares),
        cmocka_unit_test(test_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
