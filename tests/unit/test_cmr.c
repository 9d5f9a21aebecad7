/*
 * test_cmr.c — table tests for CMR (rules/cmr.c; flows.md §11.2–11.3, api.md §5.3, §5.9):
 * the credit-limit formula (the worked example of §11.2 to the fen, rounding, insufficient
 * history, G clamping, every grade's R), N and the window, the GM thresholds, every grade
 * boundary (DPL 1/5/15/30, max overdue 0/15/30/60, incidents), DPL, the what-if, and the
 * credit review's table transcribed from the spec.
 */
#include "expect.h"

#include <string.h>

#include "rules/cmr.h"

static date_t d(const char *s)
{
    date_t x = -1;
    date_parse(s, &x);
    return x;
}

static void test_formula(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        int n;
        int64_t net;
        int term;
        bool has_fc;
        int64_t fc;
        char grade;
        int64_t s_avg, base;
        int t, g, r;
        bool insufficient;
        int64_t formula;
    } rows[] = {
        /* flows §11.2: S_avg ¥200,000, term 30 → base ¥400,000; G 11000 → ¥440,000; B → same */
        {"worked example, G 11000", 3, 60000000, 30, true, 66000000, 'B', 20000000, 40000000, 60,
         11000, 10000, false, 44000000},
        {"worked example, no forecast", 3, 60000000, 30, false, 0, 'B', 20000000, 40000000, 60,
         10000, 10000, false, 40000000},
        /* S_avg = ⌊net / N⌋ */
        {"S_avg rounds down", 3, 100, 0, false, 0, 'B', 33, 33, 30, 10000, 10000, false, 0},
        /* base 1,000,001 × 45 / 30 = 1,500,001.5 → 1,500,002 (half up); × 1.2 = 1,800,002.4 →
           1,800,002; rounded down to ¥1,000 → 1,800,000 */
        {"half up, then down to ¥1,000", 12, 12000012, 15, false, 0, 'A', 1000001, 1500002, 45,
         10000, 12000, false, 1800000},
        {"¥1,000 step", 12, 12 * 22049999LL, 30, false, 0, 'B', 22049999, 44099998, 60, 10000,
         10000, false, 44000000},
        /* half up in G×: base 15 × 15000 / 10000 = 22.5 → 23 */
        {"G product half up", 3, 45, 0, true, 45 * 3 / 2 * 3, 'B', 15, 15, 30, 15000, 10000, false,
         0},
        /* G clamping */
        {"G clamped at 15000", 3, 3000000, 0, true, 90000000, 'B', 1000000, 1000000, 30, 15000,
         10000, false, 1500000},
        {"G clamped at 8000", 3, 3000000, 0, true, 3, 'B', 1000000, 1000000, 30, 8000, 10000, false,
         800000},
        {"G 10000 without sales", 3, 0, 30, true, 90000000, 'B', 0, 0, 60, 10000, 10000, false, 0},
        /* R per grade: base 10,000,000 */
        {"A 12000", 6, 60000000, 0, false, 0, 'A', 10000000, 10000000, 30, 10000, 12000, false,
         12000000},
        {"B 10000", 6, 60000000, 0, false, 0, 'B', 10000000, 10000000, 30, 10000, 10000, false,
         10000000},
        {"C 8000", 6, 60000000, 0, false, 0, 'C', 10000000, 10000000, 30, 10000, 8000, false,
         8000000},
        {"D 5000", 6, 60000000, 0, false, 0, 'D', 10000000, 10000000, 30, 10000, 5000, false,
         5000000},
        {"E 0", 6, 60000000, 0, false, 0, 'E', 10000000, 10000000, 30, 10000, 0, false, 0},
        /* insufficient history: N < 3 */
        {"N = 2", 2, 60000000, 30, false, 0, 'B', 30000000, 60000000, 60, 10000, 10000, true, 0},
        {"N = 0", 0, 0, 30, false, 0, 'C', 0, 0, 60, 10000, 8000, true, 0},
        {"N = 3 is enough", 3, 3000000, 0, false, 0, 'B', 1000000, 1000000, 30, 10000, 10000, false,
         1000000},
        {"credit notes above invoices", 5, -500, 0, false, 0, 'B', 0, 0, 30, 10000, 10000, false,
         0},
        {"N above 12 counts 12", 20, 12000000, 0, false, 0, 'B', 1000000, 1000000, 30, 10000, 10000,
         false, 1000000},
    };
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        struct cmr_facts f = {0,          rows[i].n,     rows[i].net, rows[i].term, rows[i].has_fc,
                              rows[i].fc, rows[i].grade, 30};
        struct cmr_terms t;
        bool ok = cmr_formula(&f, &t);
        expect(&bad,
               ok && t.s_avg_fen == rows[i].s_avg && t.base_fen == rows[i].base &&
                   t.t_days == rows[i].t && t.g_bp == rows[i].g && t.r_bp == rows[i].r &&
                   t.insufficient_history == rows[i].insufficient &&
                   (rows[i].insufficient || t.formula_limit_fen == rows[i].formula),
               "%s: s_avg %lld base %lld T %d G %d R %d insufficient %d formula %lld", rows[i].name,
               (long long)t.s_avg_fen, (long long)t.base_fen, t.t_days, t.g_bp, t.r_bp,
               t.insufficient_history, (long long)t.formula_limit_fen);
    }
    struct cmr_facts big = {0, 12, INT64_MAX, 365, false, 0, 'A', 30};
    struct cmr_terms t;
    expect(&bad, !cmr_formula(&big, &t), "an overflowing base is refused");
    assert_int_equal(bad, 0);
}

/* The order cycle in T is the setting cmr_cycle_days (numbering-and-rules.md §9, default 30);
   base = S_avg × T / 30 keeps 30 as the days of a month. And G's breakdown: F and the
   unclamped G the worksheet shows. */
static void test_cycle_and_growth(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        int cycle, term;
        bool has_fc;
        int64_t fc;
        int t;
        int64_t base, f, raw;
        int g;
        int64_t formula;
    } rows[] = {
        /* S_avg ¥200,000 (N 3, net ¥600,000), grade B */
        {"cycle unset is 30", 0, 30, false, 0, 60, 40000000, 0, 0, 10000, 40000000},
        {"cycle 30", 30, 30, false, 0, 60, 40000000, 0, 0, 10000, 40000000},
        /* T 30 + 45 = 75: base 20,000,000 × 75 / 30 = 50,000,000 */
        {"cycle 45", 45, 30, false, 0, 75, 50000000, 0, 0, 10000, 50000000},
        /* T 0 + 15: base 20,000,000 × 15 / 30 = 10,000,000 */
        {"cycle 15, cash", 15, 0, false, 0, 15, 10000000, 0, 0, 10000, 10000000},
        /* T 7 + 7 = 14: 20,000,000 × 14 / 30 = 9,333,333.3 → 9,333,333; → ¥93,000 */
        {"cycle 7 rounds", 7, 7, false, 0, 14, 9333333, 0, 0, 10000, 9300000},
        /* forecast ¥660,000 → F ¥220,000 → G 11000; base 50,000,000 × 1.1 = 55,000,000 */
        {"cycle 45 with G 11000", 45, 30, true, 66000000, 75, 50000000, 22000000, 11000, 11000,
         55000000},
        /* forecast ¥1,500,000 → F ¥500,000 → raw 25000, clamped 15000 */
        {"raw G above the clamp", 30, 30, true, 150000000, 60, 40000000, 50000000, 25000, 15000,
         60000000},
        /* forecast ¥100 → F ¥33.33 (3,333 fen half up 3,333) → raw 2 → 8000 */
        {"raw G below the clamp", 30, 30, true, 10000, 60, 40000000, 3333, 2, 8000, 32000000},
    };
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        struct cmr_facts f = {0,          3,   60000000,     rows[i].term, rows[i].has_fc,
                              rows[i].fc, 'B', rows[i].cycle};
        struct cmr_terms t;
        bool ok = cmr_formula(&f, &t);
        expect(&bad,
               ok && t.t_days == rows[i].t && t.base_fen == rows[i].base && t.f_fen == rows[i].f &&
                   t.g_raw_bp == rows[i].raw && t.g_bp == rows[i].g &&
                   t.formula_limit_fen == rows[i].formula &&
                   t.cycle_days == (rows[i].cycle > 0 ? rows[i].cycle : 30),
               "%s: T %d base %lld F %lld raw %lld G %d formula %lld cycle %d", rows[i].name,
               t.t_days, (long long)t.base_fen, (long long)t.f_fen, (long long)t.g_raw_bp, t.g_bp,
               (long long)t.formula_limit_fen, t.cycle_days);
    }
    assert_int_equal(bad, 0);
}

/* #10: the unclamped G is a figure whenever G comes from a forecast and a sales history, 0
   included (a tiny forecast against large sales rounds to it; the worksheet then shows 0, not
   "no sales history"); there is none only without a forecast or without history. */
static void test_growth_known(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        bool has_fc;
        int64_t fc, s_avg;
        bool known;
        int64_t f, raw;
        int g;
    } rows[] = {
        /* F ¥1 (300 / 3 = 100 fen) × 10000 / ¥200,000 = 0.05 → 0 → clamped 8000 */
        {"tiny forecast rounds to 0", true, 300, 20000000, true, 100, 0, 8000},
        /* F 1,000 fen × 10000 / 20,000,000 = 0.5 → rounds half up to 1 */
        {"half a basis point rounds up", true, 3000, 20000000, true, 1000, 1, 8000},
        {"forecast of 0", true, 0, 20000000, true, 0, 0, 8000},
        {"no sales history", true, 66000000, 0, false, 0, 0, 10000},
        {"no forecast", false, 0, 20000000, false, 0, 0, 10000},
        {"neither", false, 0, 0, false, 0, 0, 10000},
    };
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        int64_t f = -1, raw = -1;
        int g = cmr_growth(rows[i].has_fc, rows[i].fc, rows[i].s_avg, &f, &raw);
        bool known = cmr_growth_known(rows[i].has_fc, rows[i].s_avg);
        expect(&bad,
               known == rows[i].known && f == rows[i].f && raw == rows[i].raw && g == rows[i].g,
               "%s: known %d F %lld raw %lld G %d", rows[i].name, known, (long long)f,
               (long long)raw, g);
    }
    assert_int_equal(bad, 0);
}

static void test_months_and_window(void **state)
{
    (void)state;
    static const struct {
        const char *first, *review;
        int n;
    } rows[] = {
        {"2029-08-14", "2030-03-05", 7}, /* api.md §5.9 */
        {"2029-08-01", "2030-03-31", 7},  {"2030-02-28", "2030-03-01", 1},
        {"2030-03-01", "2030-03-20", 0}, /* the review month is not in the window */
        {"2027-01-01", "2030-03-05", 12}, {"2029-03-31", "2030-03-05", 12},
        {"2029-04-01", "2030-03-05", 11}, {"2029-12-31", "2030-01-01", 1},
    };
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        int n = cmr_months_n(d(rows[i].first), d(rows[i].review));
        expect(&bad, n == rows[i].n, "first %s review %s: N %d, want %d", rows[i].first,
               rows[i].review, n, rows[i].n);
    }
    expect(&bad, cmr_months_n(-1, d("2030-03-05")) == 0, "no invoice: N 0");
    date_t from, to;
    cmr_window(d("2030-03-05"), &from, &to);
    expect(&bad, from == d("2029-03-01") && to == d("2030-02-28"), "window of 2030-03-05");
    cmr_window(d("2030-01-01"), &from, &to);
    expect(&bad, from == d("2029-01-01") && to == d("2029-12-31"), "window of 2030-01-01");
    date_t q;
    expect(&bad, cmr_quarter_parse("2030Q2", &q) && q == d("2030-04-01"), "2030Q2");
    expect(&bad, cmr_quarter_parse("2031Q1", &q) && q == d("2031-01-01"), "2031Q1");
    expect(&bad, cmr_quarter_parse("2030Q4", &q) && q == d("2030-10-01"), "2030Q4");
    for (const char *const *s = (const char *const[]){"2030Q0", "2030Q5", "2030q1", "30Q1",
                                                      "2030Q12", "", "0000Q1", NULL};
         *s; s++)
        expect(&bad, !cmr_quarter_parse(*s, &q), "'%s' is no quarter", *s);
    assert_int_equal(bad, 0);
}

static void test_needs_gm(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        int64_t proposed;
        bool has_formula;
        int64_t formula, current;
        bool gm;
    } rows[] = {
        {"formula × 1.3 exactly", 1300000, true, 1000000, 1000000, false},
        {"over formula × 1.3", 1300001, true, 1000000, 1000000, true},
        {"no formula: that term is off", 1300001, false, 0, 1000000, false},
        {"just under ¥1,000,000", 99999999, true, 99999999, 99999999, false},
        {"¥1,000,000", 100000000, true, 100000000, 100000000, true},
        {"current × 1.5 exactly", 1500000, true, 1500000, 1000000, false},
        {"over current × 1.5", 1500001, true, 1500001, 1000000, true},
        {"from 0 to something", 1, false, 0, 0, true},
        {"0 stays 0", 0, false, 0, 0, false},
        {"a lower limit", 500000, true, 500000, 1000000, false},
    };
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++)
        expect(&bad,
               cmr_needs_gm(rows[i].proposed, rows[i].has_formula, rows[i].formula,
                            rows[i].current) == rows[i].gm,
               "%s", rows[i].name);
    assert_int_equal(bad, 0);
}

static void test_grades(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        bool has;
        int64_t dpl, max;
        bool inc12, severe;
        char previous, want;
    } rows[] = {
        {"A", true, 1, 0, false, false, 'C', 'A'},
        {"A needs DPL <= 1", true, 2, 0, false, false, 'C', 'B'},
        {"A needs nothing overdue", true, 0, 1, false, false, 'C', 'B'},
        {"A needs no incident in 12 months", true, 0, 0, true, false, 'C', 'B'},
        {"B at 5/15", true, 5, 15, false, false, 'C', 'B'},
        {"B: DPL 6 → C", true, 6, 0, false, false, 'C', 'C'},
        {"B: overdue 16 → C", true, 0, 16, false, false, 'C', 'C'},
        {"C at 15/30", true, 15, 30, false, false, 'A', 'C'},
        {"C: DPL 16 → D", true, 16, 0, false, false, 'A', 'D'},
        {"C: overdue 31 → D", true, 0, 31, false, false, 'A', 'D'},
        {"D at 30/60", true, 30, 60, false, false, 'A', 'D'},
        {"D: DPL 31 → E", true, 31, 0, false, false, 'A', 'E'},
        {"D: overdue 61 → E", true, 0, 61, false, false, 'A', 'E'},
        {"severe incident → E", true, 0, 0, true, true, 'A', 'E'},
        {"no invoices: kept", false, 0, 0, false, false, 'B', 'B'},
        {"no invoices: kept A", false, 40, 90, false, false, 'A', 'A'},
        {"no invoices, never graded: C", false, 0, 0, false, false, 0, 'C'},
        {"no invoices, severe incident: E", false, 0, 0, true, true, 'B', 'E'},
    };
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        struct cmr_grade_facts f = {rows[i].has,   rows[i].dpl,    rows[i].max,
                                    rows[i].inc12, rows[i].severe, rows[i].previous};
        char g = cmr_grade(&f);
        expect(&bad, g == rows[i].want, "%s: %c, want %c", rows[i].name, g, rows[i].want);
    }
    expect(&bad, cmr_r_bp('X') == -1, "no R for X");
    expect(&bad,
           cmr_grade_valid("A") && cmr_grade_valid("E") && !cmr_grade_valid("F") &&
               !cmr_grade_valid("AB") && !cmr_grade_valid("") && !cmr_grade_valid(NULL),
           "grade names");
    assert_int_equal(bad, 0);
}

static void test_dpl(void **state)
{
    (void)state;
    int bad = 0;
    int64_t dpl;
    bool has;
    date_t as_of = d("2040-06-30");
    /* ¥1,000 10 days late, ¥3,000 on time: ⌊1,000,000 / 400,000⌋ = 2 */
    struct cmr_invoice two[] = {{d("2040-02-09"), 100000, true, d("2040-02-19")},
                                {d("2040-04-09"), 300000, true, d("2040-04-09")}};
    expect(&bad, cmr_dpl(two, 2, as_of, &dpl, &has) && dpl == 2 && has, "DPL 2 (%lld)",
           (long long)dpl);
    /* open: late to the as-of date (82 days) */
    struct cmr_invoice open[] = {{d("2040-04-09"), 200000, false, 0}};
    expect(&bad, cmr_dpl(open, 1, as_of, &dpl, &has) && dpl == 82, "open: 82 (%lld)",
           (long long)dpl);
    /* paid early counts 0; a fully credited invoice counts nothing */
    struct cmr_invoice early[] = {{d("2040-04-09"), 100, true, d("2040-04-01")},
                                  {d("2040-01-09"), 0, false, 0}};
    expect(&bad, cmr_dpl(early, 2, as_of, &dpl, &has) && dpl == 0 && has, "early: 0");
    expect(&bad, cmr_dpl(early + 1, 1, as_of, &dpl, &has) && dpl == 0 && !has,
           "nothing counted: no invoices");
    /* the floor: 1 fen 1 day + 2 fen 0 days = ⌊1/3⌋ = 0 */
    struct cmr_invoice floor3[] = {{d("2040-04-09"), 1, true, d("2040-04-10")},
                                   {d("2040-04-09"), 2, true, d("2040-04-09")}};
    expect(&bad, cmr_dpl(floor3, 2, as_of, &dpl, &has) && dpl == 0, "DPL rounds down");
    assert_int_equal(bad, 0);
}

static void test_what_if(void **state)
{
    (void)state;
    /* one order of ¥100,000 on a clean account; one with ¥5,000 overdue; one of a prepay-only
       customer whose prepayment covers it */
    struct cc_input orders[3] = {{0}};
    orders[0].order_total_fen = 10000000;
    orders[1].order_total_fen = 10000000;
    orders[1].fig.overdue_fen = 500000;
    orders[1].fig.open_receivables_fen = 500000;
    orders[2].prepay_only = true;
    orders[2].order_total_fen = 1000000;
    orders[2].fig.prepayment_fen = 2000000;
    static const struct {
        int64_t limit;
        int passed, slt, prepay;
    } rows[] = {
        {16000000, 1, 0, 2}, {10000000, 1, 0, 2}, {9000000, 0, 1, 2},
        {8333334, 0, 1, 2},  {8333333, 0, 0, 3},  {0, 0, 0, 3},
    };
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        struct cmr_what_if w;
        bool ok = cmr_what_if(orders, 3, rows[i].limit, &w);
        expect(&bad,
               ok && w.orders == 3 && w.passed == rows[i].passed && w.slt_approval == rows[i].slt &&
                   w.prepay_first == rows[i].prepay,
               "limit %lld: passed %d slt %d prepay %d", (long long)rows[i].limit, w.passed,
               w.slt_approval, w.prepay_first);
    }
    assert_int_equal(bad, 0);
}

/* api.md §5.3 and numbering-and-rules.md §3 ("credit review: create / adjust a line /
   approve"): the review's actions, from open, by whom. */
static void test_review_table(void **state)
{
    (void)state;
    const struct doc_type *t = &credit_review_doc;
    int bad = 0;
    expect(&bad, strcmp(t->collection, "credit-reviews") == 0, "collection");
    expect(&bad,
           doc_state_parse(t, "open") == CRS_OPEN && doc_state_parse(t, "closed") == CRS_CLOSED,
           "states open, closed");
    static const struct {
        const char *action;
        enum perm_action perm;
        const char *field;
        bool proxy;
        enum role may[3];
        enum role not [3];
    } rows[] = {
        {"review",
         P_CREDIT_REVIEW_ADJUST,
         "adjustment_fen",
         false,
         {ROLE_MM, ROLE_MM, ROLE_MM},
         {ROLE_GM, ROLE_SSG_LEADER, ROLE_KAM}},
        {"approve",
         P_CREDIT_REVIEW_APPROVE,
         "customer",
         true,
         {ROLE_GM, ROLE_SALES_DIRECTOR, ROLE_DEPUTY_DIRECTOR},
         {ROLE_MM, ROLE_AUDITOR, ROLE_KAM}},
        {"reject",
         P_CREDIT_REVIEW_APPROVE,
         "customer",
         true,
         {ROLE_GM, ROLE_SALES_DIRECTOR, ROLE_DEPUTY_DIRECTOR},
         {ROLE_MM, ROLE_FINANCE, ROLE_UM}},
    };
    for (size_t i = 0; i < ROWS(rows); i++) {
        int a = doc_action_parse(t, rows[i].action);
        expect(&bad, a >= 0, "%s: an action", rows[i].action);
        if (a < 0)
            continue;
        const struct doc_action *x = &t->actions[a];
        expect(&bad, x->perm == rows[i].perm, "%s: matrix row", rows[i].action);
        expect(&bad, doc_action_from(t, a, CRS_OPEN) && !doc_action_from(t, a, CRS_CLOSED),
               "%s: from open only", rows[i].action);
        expect(&bad, doc_action_field(t, a, rows[i].field) && doc_action_field(t, a, "customer"),
               "%s: fields", rows[i].action);
        expect(&bad, ((x->flags & DOC_PROXY) != 0) == rows[i].proxy, "%s: proxy", rows[i].action);
        for (int k = 0; k < 3; k++) {
            expect(&bad, doc_role_may(t, a, rows[i].may[k]), "%s: %s may", rows[i].action,
                   role_str(rows[i].may[k]));
            expect(&bad, !doc_role_may(t, a, rows[i].not [k]), "%s: %s may not", rows[i].action,
                   role_str(rows[i].not [k]));
        }
    }
    expect(&bad,
           perm_symbol(P_CREDIT_REVIEW_APPROVE, ROLE_SSG_LEADER) == 'P' &&
               perm_symbol(P_CREDIT_REVIEW_APPROVE, ROLE_SALES_DIRECTOR) == 'S',
           "approve: S for the supervisors, P for their secretaries");
    expect(&bad,
           perm_may_act(P_CREDIT_REVIEW_CREATE, ROLE_SSG_LEADER) &&
               perm_may_act(P_CREDIT_REVIEW_CREATE, ROLE_GM) &&
               perm_may_act(P_CREDIT_REVIEW_CREATE, ROLE_DEPUTY_DIRECTOR) &&
               !perm_may_act(P_CREDIT_REVIEW_CREATE, ROLE_MM),
           "create: ssg_leader, SLT, gm (api.md §5.3)");
    expect(&bad,
           perm_may_act(P_CREDIT_GRADE_OVERRIDE, ROLE_SSG_LEADER) &&
               !perm_may_act(P_CREDIT_GRADE_OVERRIDE, ROLE_GM),
           "grade override: the SSG leader");
    for (int s = CRL_PROPOSED; s <= CRL_EFFECTIVE; s++)
        expect(&bad, cmr_line_state_parse(cmr_line_state_str((enum credit_line_state)s)) == s,
               "line state %d", s);
    expect(&bad, cmr_line_state_parse("done") == -1, "no line state done");
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_formula),      cmocka_unit_test(test_months_and_window),
        cmocka_unit_test(test_needs_gm),     cmocka_unit_test(test_grades),
        cmocka_unit_test(test_dpl),          cmocka_unit_test(test_what_if),
        cmocka_unit_test(test_review_table), cmocka_unit_test(test_cycle_and_growth),
        cmocka_unit_test(test_growth_known),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
