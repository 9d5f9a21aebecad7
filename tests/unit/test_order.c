/*
 * test_order.c — table tests for rules/order.c: the CC decision table of flows.md §2.5 (one row
 * per decision row and boundary), AC quota cutting of §2.4 (the spec's own examples), QC
 * collecting every failure, and the order's document table (§2.1) row by row.
 */
#include "expect.h"

#include "rules/order.h"

#include <string.h>

static void test_cc_decision_table(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        bool prepay_only, credit_hold;
        int64_t total, limit, open_recv, open_orders, prepayment, overdue, other_earmarks;
        int row;
        enum cc_result_kind result;
        bool pending;
        int64_t over_bp, shortfall;
    } rows[] = {
        /* row 1/2: prepay-only or credit hold decide on the shortfall alone */
        {"prepay-only, covered (exposure 0)", true, false, 500, 0, 0, 0, 500, 0, 0, 1,
         CC_PREPAID, true, 0, 0},
        {"prepay-only, 1 fen short", true, false, 500, 0, 0, 0, 499, 0, 0, 2,
         CC_PREPAY_REQUIRED, false, 1000000, 1},
        {"credit hold within the limit still needs money", false, true, 100, 100000, 0, 0, 0, 0,
         0, 2, CC_PREPAY_REQUIRED, false, 0, 100},
        {"prepay-only: other orders' earmarks are not free", true, false, 500, 0, 0, 0, 800, 0,
         400, 2, CC_PREPAY_REQUIRED, false, 0, 100},
        /* row 3: no overdue, exposure within the limit */
        {"exactly at the limit", false, false, 60000, 100000, 30000, 10000, 0, 0, 0, 3, CC_PASS,
         true, 0, 60000},
        {"prepayment lowers exposure", false, false, 100000, 100000, 0, 0, 50000, 0, 0, 3,
         CC_PASS, true, 0, 50000},
        /* row 4: no overdue, within 20 % */
        {"1 fen over", false, false, 100001, 100000, 0, 0, 0, 0, 0, 4, CC_OVER_LE_20, true, 1,
         100001},
        {"exactly 20.00 % over", false, false, 120000, 100000, 0, 0, 0, 0, 0, 4, CC_OVER_LE_20,
         true, 2000, 120000},
        /* row 5: over 20 % or overdue, but free prepayment covers the order */
        {"20 % + 1 fen over, covered", false, false, 120001, 100000, 0, 0, 120001, 0, 0, 3,
         CC_PASS, true, 0, 0},
        {"100 % over by other debt, covered", false, false, 1000, 100000, 200000, 0, 1000, 0, 0,
         5, CC_PREPAID, true, 10000, 0},
        {"1 fen overdue, covered", false, false, 1000, 100000, 5000, 0, 1000, 1, 0, 5,
         CC_PREPAID, true, 0, 0},
        /* row 6: otherwise */
        {"20 % + 1 fen over", false, false, 120001, 100000, 0, 0, 0, 0, 0, 6,
         CC_PREPAY_REQUIRED, false, 2001, 120001},
        {"1 fen overdue, well within the limit", false, false, 1000, 100000, 5000, 0, 0, 1, 0, 6,
         CC_PREPAY_REQUIRED, false, 0, 1000},
        {"zero limit", false, false, 1, 0, 0, 0, 0, 0, 0, 6, CC_PREPAY_REQUIRED, false, 1000000,
         1},
        {"zero limit, zero order", false, false, 0, 0, 0, 0, 0, 0, 0, 3, CC_PASS, true, 0, 0},
    };
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        struct cc_input in = {rows[i].prepay_only, rows[i].credit_hold, rows[i].total,
                              {rows[i].limit, rows[i].open_recv, rows[i].open_orders,
                               rows[i].prepayment, rows[i].overdue, 0, 0, 0},
                              rows[i].other_earmarks};
        struct cc_output o;
        bool ok = cc_decide(&in, &o);
        expect(&bad, ok, "%s: overflow", rows[i].name);
        expect(&bad, o.row == rows[i].row, "%s: row %d want %d", rows[i].name, o.row,
               rows[i].row);
        expect(&bad, o.result == rows[i].result, "%s: result %s want %s", rows[i].name,
               cc_result_str(o.result), cc_result_str(rows[i].result));
        expect(&bad, o.to_pending_approval == rows[i].pending, "%s: pending %d", rows[i].name,
               o.to_pending_approval);
        expect(&bad, o.over_pct_bp == rows[i].over_bp, "%s: over_pct_bp %lld want %lld",
               rows[i].name, (long long)o.over_pct_bp, (long long)rows[i].over_bp);
        expect(&bad, o.shortfall_fen == rows[i].shortfall, "%s: shortfall %lld want %lld",
               rows[i].name, (long long)o.shortfall_fen, (long long)rows[i].shortfall);
        expect(&bad, o.earmark == (o.row == 1 || o.row == 5), "%s: earmark", rows[i].name);
        expect(&bad, o.reason_zh[0] && o.reason_en[0], "%s: reasons in words", rows[i].name);
    }
    /* overflow of the exposure is refused, never wrapped */
    struct cc_input big = {false, false, INT64_MAX, {0, INT64_MAX, 0, 0, 0, 0, 0, 0}, 0};
    struct cc_output o;
    expect(&bad, !cc_decide(&big, &o), "overflow refused");
    assert_int_equal(bad, 0);
}

static void test_cc_reasons(void **state)
{
    (void)state;
    struct cc_input in = {true, true, 10, {0, 0, 0, 0, 5, 0, 0, 0}, 0};
    struct cc_output o;
    assert_true(cc_decide(&in, &o));
    const char *want[] = {"overdue", "over_20", "credit_hold", "prepay_only", "no_limit"};
    assert_int_equal(o.nreasons, 5);
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(o.reasons[i], want[i]);
}

static void test_ac_cut(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        int64_t qty;
        int32_t case_size;
        bool loose_ok, has_c, has_r;
        int64_t rem_c, rem_r, approvals;
        int64_t kept, cut, over;
        const char *reason;
    } rows[] = {
        {"no quota: unlimited", 120, 12, false, false, false, 0, 0, 0, 120, 0, 0, NULL},
        {"spec example: remaining 96", 120, 12, false, true, false, 96, 0, 0, 96, 24, 0,
         "customer_quota"},
        {"spec example: remaining 100 rounds down to 96", 120, 12, false, true, false, 100, 0, 0,
         96, 24, 0, "customer_quota"},
        {"loose units approved: no rounding", 120, 12, true, true, false, 100, 0, 0, 100, 20, 0,
         "customer_quota"},
        {"region binds", 120, 12, false, true, true, 200, 48, 0, 48, 72, 0, "region_quota"},
        {"customer binds when lower", 120, 12, false, true, true, 24, 48, 0, 24, 96, 0,
         "customer_quota"},
        {"within quota: nothing cut", 96, 12, false, true, true, 96, 96, 0, 96, 0, 0, NULL},
        {"approval lifts the limit", 120, 12, false, true, false, 96, 0, 24, 120, 0, 24, NULL},
        {"approval partly used", 120, 12, false, true, false, 96, 0, 12, 108, 12, 12,
         "customer_quota"},
        {"exhausted", 12, 12, false, true, false, 0, 0, 0, 0, 12, 0, "customer_quota"},
        {"overdrawn quota counts as zero", 12, 12, false, true, false, -5, 0, 0, 0, 12, 0,
         "customer_quota"},
    };
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        struct ac_input in = {rows[i].qty,   rows[i].case_size, rows[i].loose_ok,
                              rows[i].has_c, rows[i].has_r,     rows[i].rem_c,
                              rows[i].rem_r, rows[i].approvals};
        struct ac_result r;
        ac_cut(&in, &r);
        expect(&bad, r.kept == rows[i].kept && r.cut == rows[i].cut,
               "%s: kept %lld cut %lld, want %lld %lld", rows[i].name, (long long)r.kept,
               (long long)r.cut, (long long)rows[i].kept, (long long)rows[i].cut);
        expect(&bad, r.over_qty == rows[i].over, "%s: over %lld want %lld", rows[i].name,
               (long long)r.over_qty, (long long)rows[i].over);
        expect(&bad,
               (r.reason == NULL && rows[i].reason == NULL) ||
                   (r.reason && rows[i].reason && strcmp(r.reason, rows[i].reason) == 0),
               "%s: reason %s want %s", rows[i].name, r.reason ? r.reason : "none",
               rows[i].reason ? rows[i].reason : "none");
        expect(&bad, r.kept + r.cut == rows[i].qty, "%s: kept + cut = qty", rows[i].name);
    }
    assert_int_equal(bad, 0);
}

static size_t rules_of(const struct qc_order *o, const char **out, size_t max, int64_t *total)
{
    struct qc_failure f[QC_MAX_FAILURES];
    size_t n = qc_run(o, f, QC_MAX_FAILURES, total);
    for (size_t i = 0; i < n && i < max; i++)
        out[i] = f[i].rule;
    return n;
}

static void test_qc_collects_every_failure(void **state)
{
    (void)state;
    struct qc_line lines[] = {
        {"A", true, true, PK_GOODS, 24, 0, 100, 12, false, false, false},   /* fine */
        {"B", true, false, PK_GOODS, 12, 0, 100, 12, false, false, false},  /* inactive */
        {"C", false, false, PK_GOODS, 12, 0, 0, 0, false, false, false},    /* unknown */
        {"D", true, true, PK_GOODS, 13, 0, 100, 12, false, false, false},   /* loose units */
        {"E", true, true, PK_GOODS, 12, 0, 0, 12, false, false, false},     /* no price */
        {"F", true, true, PK_POP, 5, 0, 0, 1, false, false, false},         /* POP without request */
        {"A", true, true, PK_GOODS, 12, 0, 100, 12, false, false, false},   /* duplicate */
    };
    struct qc_order o = {lines, ROWS(lines), false, false, false, true, false, true, 1};
    const char *got[QC_MAX_FAILURES];
    int64_t total;
    size_t n = rules_of(&o, got, QC_MAX_FAILURES, &total);
    const char *want[] = {"customer_inactive", "customer_incomplete", "missing_approval",
                          "inactive_product",  "unknown_sku",         "whole_cases",
                          "no_price",          "pop_not_approved",    "duplicate_line",
                          "amount_mismatch"};
    assert_int_equal(n, ROWS(want));
    for (size_t i = 0; i < ROWS(want); i++)
        assert_string_equal(got[i], want[i]);

    /* A clean order: no failure and the exact total. */
    struct qc_line ok[] = {{"A", true, true, PK_GOODS, 24, 12, 250, 12, false, false, false},
                           {"S", true, true, PK_SAMPLE, 7, 0, 0, 48, false, false, false}};
    struct qc_order good = {ok, 2, true, true, false, true, true, true, 3000};
    assert_int_equal(rules_of(&good, got, QC_MAX_FAILURES, &total), 0);
    assert_int_equal(total, 3000);

    /* A POP line naming an approved request (pop_ok) passes QC at price 0 (flows.md §13). */
    struct qc_line pop[] = {{"P", true, true, PK_POP, 5, 0, 0, 1, false, true, false}};
    struct qc_order po = {pop, 1, true, true, false, true, true, false, 0};
    assert_int_equal(rules_of(&po, got, QC_MAX_FAILURES, &total), 0);
    assert_int_equal(total, 0);

    /* Loose units pass only on a flagged line of an approved order. */
    struct qc_line loose[] = {{"D", true, true, PK_GOODS, 13, 0, 100, 12, true, false, false}};
    struct qc_order lo = {loose, 1, true, true, false, true, true, false, 0};
    assert_int_equal(rules_of(&lo, got, QC_MAX_FAILURES, &total), 1);
    lo.loose_units_approved = true;
    assert_int_equal(rules_of(&lo, got, QC_MAX_FAILURES, &total), 0);

    /* An overflowing amount fails instead of wrapping. */
    struct qc_line huge[] = {{"H", true, true, PK_GOODS, 100000000, 0, INT64_MAX / 2, 1, false, false, false}};
    struct qc_order ho = {huge, 1, true, true, false, true, true, false, 0};
    assert_int_equal(rules_of(&ho, got, QC_MAX_FAILURES, &total), 1);
    assert_string_equal(got[0], "amount_overflow");

    /* No lines at all. */
    struct qc_order none = {NULL, 0, true, true, false, true, true, false, 0};
    assert_int_equal(rules_of(&none, got, QC_MAX_FAILURES, &total), 1);
    assert_string_equal(got[0], "too_many_lines");
}

/* flows.md §2.1 (the order state machine) and numbering-and-rules.md §3 (who): the order's
   table row by row, transcribed from the spec. to NULL: the action decides (QC → AC → CC, or
   the ST votes); "=" stays in its state. */
static void test_order_table(void **state)
{
    (void)state;
    static const struct {
        const char *action;
        const char *from[10];
        const char *to;
        enum perm_action perm;
        bool proxy;
        const char *fields[3];
    } rows[] = {
        {"verify", {"draft"}, "verified", P_ORDER_VERIFY, false, {0}},
        {"send-back", {"verified"}, "draft", P_ORDER_APPROVE_MARKET, false, {0}},
        {"approve-market", {"verified"}, "submitted", P_ORDER_APPROVE_MARKET, false, {0}},
        {"accept", {"submitted"}, "accepted", P_ORDER_ACCEPT, false, {0}},
        {"check", {"accepted"}, NULL, P_ORDER_ACCEPT, false, {0}},
        {"recheck", {"pending_approval", "prepay_required", "needs_fix"}, NULL, P_ORDER_ACCEPT,
         false, {0}},
        {"amend", {"needs_fix"}, "submitted", P_ORDER_VERIFY, false, {"lines"}},
        {"loose-units", {"submitted", "accepted", "needs_fix"}, "=", P_ORDER_LOOSE_UNITS, false,
         {0}},
        {"request-st", {"prepay_required"}, "st_pending", P_ORDER_ACCEPT, false,
         {"reason", "reason_text"}},
        {"st-vote", {"st_pending"}, NULL, P_ORDER_ST_VOTE, true, {"vote", "approve"}},
        {"approve", {"pending_approval", "prepay_required"}, "approved", P_ORDER_APPROVE, true,
         {0}},
        {"return-for-fix", {"pending_approval"}, "needs_fix", P_ORDER_APPROVE, true, {0}},
        /* "supervising SLT member (or proxy), or an ST voter": the voters' row. */
        {"reject", {"pending_approval", "prepay_required", "st_pending"}, "rejected",
         P_ORDER_ST_VOTE, true, {0}},
        {"print-delivery-note", {"approved"}, "billed", P_ORDER_PRINT, false, {0}},
        {"release", {"billed"}, "released", P_ORDER_ACCEPT, false, {0}},
        {"cancel",
         {"draft", "verified", "submitted", "accepted", "needs_fix", "pending_approval",
          "prepay_required", "st_pending", "approved", "billed"},
         "cancelled", P_ORDER_CANCEL, false, {0}},
    };
    int bad = 0;
    const struct doc_type *t = &order_doc;
    expect(&bad, t->nactions == ROWS(rows) && t->nactions == OA__COUNT, "%zu actions",
           t->nactions);
    for (size_t i = 0; i < ROWS(rows); i++) {
        int a = doc_action_parse(t, rows[i].action);
        expect(&bad, a >= 0, "%s exists", rows[i].action);
        if (a < 0)
            continue;
        const struct doc_action *d = &t->actions[a];
        unsigned from = 0;
        for (size_t k = 0; k < 10 && rows[i].from[k]; k++)
            from |= DOC_BIT(doc_state_parse(t, rows[i].from[k]));
        expect(&bad, d->from == from, "%s: from-states", rows[i].action);
        int to = !rows[i].to                  ? DOC_TO_DECIDED
                 : strcmp(rows[i].to, "=") == 0 ? DOC_TO_SAME
                                                : doc_state_parse(t, rows[i].to);
        expect(&bad, d->to == to, "%s: to %s", rows[i].action, rows[i].to ? rows[i].to : "?");
        expect(&bad, d->perm == rows[i].perm, "%s: permission row", rows[i].action);
        expect(&bad, ((d->flags & DOC_PROXY) != 0) == rows[i].proxy, "%s: proxy",
               rows[i].action);
        for (size_t k = 0; k < 3 && rows[i].fields[k]; k++)
            expect(&bad, doc_action_field(t, a, rows[i].fields[k]), "%s: field %s",
                   rows[i].action, rows[i].fields[k]);
        expect(&bad, doc_action_field(t, a, "on_behalf_of") == rows[i].proxy,
               "%s: on_behalf_of only where a proxy signs", rows[i].action);
        expect(&bad, !doc_action_field(t, a, "lines") || strcmp(rows[i].action, "amend") == 0,
               "%s: no lines", rows[i].action);
        expect(&bad, *order_action_step((enum order_action)a) != '\0', "%s: a timeline step",
               rows[i].action);
    }
    /* Final states: no action starts from them. */
    static const char *const finals[] = {"released", "rejected", "cancelled", "closed"};
    for (size_t k = 0; k < ROWS(finals); k++)
        for (size_t a = 0; a < t->nactions; a++)
            expect(&bad, !doc_action_from(t, (int)a, doc_state_parse(t, finals[k])),
                   "%s from %s", t->actions[a].name, finals[k]);
    /* The enums and the table agree. */
    for (int s = 0; s < OS__COUNT; s++)
        expect(&bad, order_state_parse(order_state_str((enum order_state)s)) == s &&
                         doc_state_parse(t, order_state_str((enum order_state)s)) == s,
               "state %d round trip", s);
    expect(&bad, doc_action_parse(t, "fly") == -1, "unknown action");
    expect(&bad, doc_action_parse(t, "check") == OA_CHECK &&
                     doc_action_parse(t, "cancel") == OA_CANCEL,
           "actions indexed by enum order_action");
    /* Who may act at all, by the matrix row (numbering-and-rules §3). */
    expect(&bad, doc_role_may(t, OA_REJECT, ROLE_GM) && !doc_role_may(t, OA_APPROVE, ROLE_GM),
           "the gm rejects (ST voter) but does not approve");
    expect(&bad, !doc_role_may(t, OA_VERIFY, ROLE_CSR) && doc_role_may(t, OA_ACCEPT, ROLE_CSR),
           "csr accepts, does not verify");
    expect(&bad, !doc_role_may(t, OA_CANCEL, ROLE_AUDITOR), "the auditor only reads");
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cc_decision_table),
        cmocka_unit_test(test_cc_reasons),
        cmocka_unit_test(test_ac_cut),
        cmocka_unit_test(test_qc_collects_every_failure),
        cmocka_unit_test(test_order_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
