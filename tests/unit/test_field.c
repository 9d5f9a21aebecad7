/*
 * test_field.c — the field-sales tables (rules/field.c) row by row, transcribed from flows.md
 * §8 (quotations), §9 (visits), §10 (after-sales), §17 (forecasts), §18 (plans) and the rows of
 * numbering-and-rules.md §3; the contract's expiry flag (rules/contract.c); and the pure rules:
 * a major quotation, the price inversion, forecast accuracy and the spot-check deviation, and
 * which level approves a plan; the periods of plans and visit plans (ISO weeks included).
 */
#include "expect.h"

#include <string.h>

#include "rules/contract.h"
#include "rules/field.h"

struct row {
    const char *action;
    const char *from; /* comma-separated states */
    const char *to;   /* a state, "=" (stays), or NULL (decided by the action) */
    enum perm_action perm;
    int also; /* DOC_ALSO row or -1 */
};

static unsigned bits(const struct doc_type *t, const char *list, int *bad)
{
    unsigned b = 0;
    char buf[128];
    size_t n = strlen(list);
    if (n >= sizeof buf)
        return 0;
    memcpy(buf, list, n + 1);
    for (char *s = strtok(buf, ","); s; s = strtok(NULL, ",")) {
        int st = doc_state_parse(t, s);
        expect(bad, st >= 0, "%s: no state %s", t->collection, s);
        if (st >= 0)
            b |= DOC_BIT(st);
    }
    return b;
}

static void check_rows(const struct doc_type *t, const char *const *states, const struct row *rows,
                       size_t n, int *bad)
{
    for (int i = 0; states[i]; i++)
        expect(bad, t->states[i] && strcmp(t->states[i], states[i]) == 0, "%s: state %d is %s",
               t->collection, i, states[i]);
    expect(bad, t->nactions == n, "%s: %zu actions, %zu rows", t->collection, t->nactions, n);
    for (size_t i = 0; i < n; i++) {
        int a = doc_action_parse(t, rows[i].action);
        expect(bad, a >= 0, "%s.%s exists", t->collection, rows[i].action);
        if (a < 0)
            continue;
        const struct doc_action *d = &t->actions[a];
        expect(bad, d->perm == rows[i].perm, "%s.%s: permission row", t->collection, d->name);
        expect(bad, DOC_ALSO_ROW(d->flags) == rows[i].also, "%s.%s: second row", t->collection,
               d->name);
        expect(bad, d->from == bits(t, rows[i].from, bad), "%s.%s: from %s", t->collection, d->name,
               rows[i].from);
        int to = !rows[i].to                    ? DOC_TO_DECIDED
                 : strcmp(rows[i].to, "=") == 0 ? DOC_TO_SAME
                                                : doc_state_parse(t, rows[i].to);
        expect(bad, d->to == to, "%s.%s: to %s", t->collection, d->name,
               rows[i].to ? rows[i].to : "decided");
    }
}

static void test_quotation_table(void **state)
{
    (void)state;
    int bad = 0;
    static const char *const states[] = {"registered", "preparing", "declined", "review",
                                         "approved",   "issued",    "won",      "lost",
                                         "expired",    NULL};
    static const struct row rows[] = {
        {"decide", "registered", NULL, P_QUOTATION_DECIDE, -1}, /* preparing | declined */
        {"prepare", "preparing", "=", P_QUOTATION_WORK, -1},
        {"request-support", "preparing", "=", P_QUOTATION_WORK, -1},
        {"support", "preparing", "=", P_QUOTATION_SUPPORT, -1},
        {"submit", "preparing", "review", P_QUOTATION_WORK, -1},
        {"approve", "review", NULL, P_QUOTATION_DECIDE, -1}, /* approved | review (major) */
        {"return", "review", "preparing", P_QUOTATION_DECIDE, -1},
        {"issue", "approved", "issued", P_QUOTATION_WORK, -1},
        {"won", "issued", "won", P_QUOTATION_WORK, -1},
        {"lost", "issued", "lost", P_QUOTATION_WORK, -1},
        {"expire", "issued", "expired", P_QUOTATION_WORK, -1},
    };
    check_rows(&quotation_doc, states, rows, sizeof rows / sizeof rows[0], &bad);
    expect(&bad, doc_action_field(&quotation_doc, QA_DECIDE, "participate"),
           "api.md §5.9: decide {participate}");
    expect(&bad, quotation_is_major(50000000) && !quotation_is_major(49999999), "¥500,000");
    assert_int_equal(bad, 0);
}

static void test_after_sales_table(void **state)
{
    (void)state;
    int bad = 0;
    static const char *const states[] = {"received",    "confirmed", "assigned",
                                         "in_progress", "escalated", "resolved",
                                         "closed",      "rejected",  NULL};
    static const struct row rows[] = {
        {"confirm", "received", "confirmed", P_AFTERSALES_CONFIRM, -1},
        {"reject", "received,confirmed", "rejected", P_AFTERSALES_CONFIRM, -1},
        {"assign", "confirmed", "assigned", P_AFTERSALES_ASSIGN, -1},
        {"start", "assigned", "in_progress", P_AFTERSALES_WORK, -1},
        {"escalate", "in_progress", "escalated", P_AFTERSALES_WORK, P_AFTERSALES_CONFIRM},
        {"resolve", "in_progress,escalated", "resolved", P_AFTERSALES_WORK,
         P_AFTERSALES_RESOLVE_ESC},
        {"close", "resolved", "closed", P_AFTERSALES_ASSIGN, -1},
        /* flows.md §6/§10: a consumer return at a store opens a return (the KAM or rep, as
           POST /returns) once the MM confirmed the ticket */
        {"open-return", "confirmed,assigned,in_progress,escalated,resolved", "=", P_RETURN_CREATE,
         -1},
    };
    check_rows(&after_sales_doc, states, rows, sizeof rows / sizeof rows[0], &bad);
    assert_int_equal(bad, 0);
}

static void test_visit_tables(void **state)
{
    (void)state;
    int bad = 0;
    static const char *const pstates[] = {"draft", "submitted", "confirmed", NULL};
    static const struct row prows[] = {
        {"submit", "draft", "submitted", P_VISIT_WORK, -1},
        {"confirm", "submitted", "confirmed", P_VISIT_CONFIRM, -1},
    };
    check_rows(&visit_plan_doc, pstates, prows, 2, &bad);
    static const char *const vstates[] = {"filed", "commented", "verified", NULL};
    static const struct row vrows[] = {
        {"comment", "filed", "commented", P_VISIT_CONFIRM, -1},
        {"verify", "filed,commented", "verified", P_VISIT_VERIFY, -1},
    };
    check_rows(&visit_doc, vstates, vrows, 2, &bad);
    expect(&bad, visit_price_inverted(999, 1000), "below the list");
    expect(&bad, !visit_price_inverted(1000, 1000), "at the list");
    expect(&bad, !visit_price_inverted(0, 0), "no list price, no flag");
    /* flows.md §9.6: 5 % rounded up, at least one per visitor, never more than there are */
    expect(&bad, visit_verification_count(0, 0, 5) == 0, "no reports, no calls");
    expect(&bad, visit_verification_count(4, 2, 5) == 2, "one per visitor");
    expect(&bad, visit_verification_count(100, 1, 5) == 5, "5 %% of 100");
    expect(&bad, visit_verification_count(101, 1, 5) == 6, "rounded up");
    expect(&bad, visit_verification_count(3, 5, 5) == 3, "not more than there are");
    expect(&bad, field_one_of(call_log_kinds, "satisfaction"), "a call kind");
    expect(&bad, !field_one_of(meeting_kinds, "party"), "not a meeting kind");
    assert_int_equal(bad, 0);
}

static void test_forecast_and_plan_tables(void **state)
{
    (void)state;
    int bad = 0;
    static const char *const fstates[] = {"draft",      "submitted", "assessed",
                                          "aggregated", "approved",  NULL};
    static const struct row frows[] = {
        {"submit", "draft", "submitted", P_FORECAST_DRAFT, -1},
        {"assess", "submitted", "assessed", P_FORECAST_ASSESS, -1},
        {"aggregate", "assessed", "aggregated", P_FORECAST_ASSESS, -1},
        {"approve", "aggregated", "approved", P_FORECAST_APPROVE, -1},
    };
    check_rows(&forecast_doc, fstates, frows, 4, &bad);
    static const char *const pstates[] = {"draft", "submitted", "approved", NULL};
    static const struct row prows[] = {
        {"submit", "draft", "submitted", P_PLAN, -1},
        {"approve", "submitted", "approved", P_PLAN, -1},
        {"return", "submitted", "draft", P_PLAN, -1},
    };
    check_rows(&plan_doc, pstates, prows, 3, &bad);
    /* flows.md §17: accuracy_bp = max(0, 10000 − |actual − forecast| × 10000 / max(forecast, 1)) */
    static const struct {
        int64_t f, a, bp;
    } acc[] = {{100, 100, 10000}, {100, 90, 9000}, {100, 110, 9000}, {100, 250, 0},
               {0, 0, 10000},     {0, 3, 0},       {3, 0, 0},        {INT64_MAX, 0, 0}};
    for (size_t i = 0; i < sizeof acc / sizeof acc[0]; i++)
        expect(&bad, forecast_accuracy_bp(acc[i].f, acc[i].a) == acc[i].bp, "accuracy %lld/%lld",
               (long long)acc[i].f, (long long)acc[i].a);
    expect(&bad, !forecast_deviates(130, 100, 3000), "30 %% exactly is not flagged");
    expect(&bad, forecast_deviates(131, 100, 3000), "more than 30 %% is");
    expect(&bad, forecast_deviates(69, 100, 3000), "also below");
    expect(&bad, forecast_deviates(1, 0, 3000) && !forecast_deviates(0, 0, 3000),
           "without history any forecast is checked");
    static const struct {
        const char *level, *role;
    } up[] = {
        {"company", "gm"}, {"market", "slt"}, {"region", "mm"}, {"kam", "um"}, {"customer", "um"}};
    for (size_t i = 0; i < sizeof up / sizeof up[0]; i++)
        expect(&bad, strcmp(plan_approver_role(up[i].level), up[i].role) == 0, "%s plan by %s",
               up[i].level, up[i].role);
    expect(&bad, plan_approver_role("street") == NULL, "no such level");
    assert_int_equal(bad, 0);
}

static void test_contract_expiring(void **state)
{
    (void)state;
    int bad = 0;
    expect(&bad, contract_expiring("2026-12-20", "2026-11-23", "2026-12-23"), "within");
    expect(&bad, contract_expiring("2026-12-23", "2026-11-23", "2026-12-23"), "the last day");
    expect(&bad, contract_expiring("2026-11-23", "2026-11-23", "2026-12-23"), "today");
    expect(&bad, !contract_expiring("2026-12-24", "2026-11-23", "2026-12-23"), "later");
    expect(&bad, !contract_expiring("2026-11-22", "2026-11-23", "2026-12-23"), "expired");
    expect(&bad, !contract_expiring("", "2026-11-23", "2026-12-23"), "open-ended");
    expect(&bad, !contract_expiring(NULL, "2026-11-23", "2026-12-23"), "none");
    assert_int_equal(bad, 0);
}

/* field_period_span: each period type's form and its first and last day. */
static void test_period_span(void **state)
{
    (void)state;
    static const struct {
        const char *type, *period, *from, *to; /* from NULL: refused */
    } rows[] = {
        {"year", "2030", "2030-01-01", "2030-12-31"},
        {"quarter", "2030Q2", "2030-04-01", "2030-06-30"},
        {"quarter", "2030-Q4", "2030-10-01", "2030-12-31"},
        {"month", "2030-02", "2030-02-01", "2030-02-28"},
        {"month", "2028-02", "2028-02-01", "2028-02-29"},
        {"week", "2026-W48", "2026-11-23", "2026-11-29"},
        {"week", "2027-W31", "2027-08-02", "2027-08-08"},
        {"week", "2027W31", "2027-08-02", "2027-08-08"},
        {"week", "2025-W01", "2024-12-30", "2025-01-05"},   /* week 1 starts in December */
        {"week", "2020-W53", "2020-12-28", "2021-01-03"},   /* a 53-week year */
        {"week", "2030-05-15", "2030-05-13", "2030-05-19"}, /* a date names its week */
        {"day", "2030-05-14", "2030-05-14", "2030-05-14"},
        {"year", "2030-01", NULL, NULL},
        {"year", "30", NULL, NULL},
        {"quarter", "2030Q5", NULL, NULL},
        {"quarter", "2030Q0", NULL, NULL},
        {"quarter", "2030Q12", NULL, NULL},
        {"quarter", "2030-06", NULL, NULL},
        {"month", "2030-13", NULL, NULL},
        {"month", "2030-5", NULL, NULL},
        {"month", "2030", NULL, NULL},
        {"week", "2021-W53", NULL, NULL}, /* 2021 has 52 weeks */
        {"week", "2030-W00", NULL, NULL},
        {"week", "2030-W1", NULL, NULL},
        {"week", "2030-13", NULL, NULL},
        {"day", "2030-02-30", NULL, NULL},
        {"day", "2030-05", NULL, NULL},
        {"decade", "2030", NULL, NULL},
        {NULL, "2030", NULL, NULL},
        {"month", NULL, NULL, NULL},
    };
    int bad = 0;
    for (size_t i = 0; i < ROWS(rows); i++) {
        date_t f = 0, t = 0;
        bool ok = field_period_span(rows[i].type, rows[i].period, &f, &t);
        char fs[11] = "", ts[11] = "";
        if (ok)
            date_format(f, fs), date_format(t, ts);
        expect(&bad,
               rows[i].from ? ok && strcmp(fs, rows[i].from) == 0 && strcmp(ts, rows[i].to) == 0
                            : !ok,
               "%s %s: %s %s..%s", rows[i].type ? rows[i].type : "(null)",
               rows[i].period ? rows[i].period : "(null)", ok ? "ok" : "refused", fs, ts);
    }
    expect(&bad,
           strcmp(field_period_form("week"), "YYYY-Www") == 0 &&
               strcmp(field_period_form("quarter"), "YYYYQn") == 0 &&
               strcmp(field_period_form("decade"), "?") == 0 &&
               strcmp(field_period_form(NULL), "?") == 0,
           "period forms");
    assert_int_equal(bad, 0);
}

/* ISO weeks of the weekly visit plan's deadline (visit_plan_weekly) and the archive sections a
   visit report may update. */
static void test_week_label_and_archive_sections(void **state)
{
    (void)state;
    static const struct {
        int y, m, d;
        const char *label;
        int my, mm, md; /* its Monday */
    } weeks[] = {
        {2030, 5, 13, "2030-W20", 2030, 5, 13},   {2030, 5, 19, "2030-W20", 2030, 5, 13},
        {2026, 12, 31, "2026-W53", 2026, 12, 28}, {2027, 1, 3, "2026-W53", 2026, 12, 28},
        {2027, 1, 4, "2027-W01", 2027, 1, 4},     {2024, 12, 30, "2025-W01", 2024, 12, 30},
    };
    int bad = 0;
    for (size_t i = 0; i < sizeof weeks / sizeof weeks[0]; i++) {
        char got[9];
        date_t d = date_from_ymd(weeks[i].y, weeks[i].m, weeks[i].d);
        field_week_label(d, got);
        expect(&bad, strcmp(got, weeks[i].label) == 0, "%d-%d-%d: %s want %s", weeks[i].y,
               weeks[i].m, weeks[i].d, got, weeks[i].label);
        expect(&bad, field_week_monday(d) == date_from_ymd(weeks[i].my, weeks[i].mm, weeks[i].md),
               "%s Monday", weeks[i].label);
        date_t from, to;
        expect(&bad, field_period_span("week", got, &from, &to) && from == field_week_monday(d),
               "%s names the same week", got);
    }
    static const struct {
        const char *field, *section;
    } fields[] = {
        {"phone", "basic"},
        {"tax_id", "basic"},
        {"company_size", "characteristics"},
        {"competitor_relations", "business_status"},
        {"trade_terms", "transaction_status"},
        {"bank_account", "invoicing"},
        {"consignee", "logistics"},
        {"contacts", "contacts"},
        {"credit_limit_fen", NULL},
        {"kam", NULL},
        {"status", NULL},
        {"name", NULL},
        {"sources", NULL},
        {NULL, NULL},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        const char *got = visit_archive_section(fields[i].field);
        expect(&bad,
               (got == NULL) == (fields[i].section == NULL) &&
                   (!got || strcmp(got, fields[i].section) == 0),
               "%s: %s", fields[i].field ? fields[i].field : "(null)", got ? got : "(null)");
    }
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quotation_table),
        cmocka_unit_test(test_after_sales_table),
        cmocka_unit_test(test_visit_tables),
        cmocka_unit_test(test_forecast_and_plan_tables),
        cmocka_unit_test(test_contract_expiring),
        cmocka_unit_test(test_period_span),
        cmocka_unit_test(test_week_label_and_archive_sections),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
