/*
 * test_reports.c — the report definitions (rules/report_defs.c) are well formed, because the
 * engine (flow/report.c) trusts them: names unique and lower_snake; column keys unique; money
 * columns (RK_MONEY, RK_BALANCE) and only they end in _fen (api.md §1); a computed column
 * (RK_BP, RK_SHARE) names columns of its own report that are numbers; every report has titles
 * in both languages and a first column. Then report_bp() at its rounding boundaries, and the
 * columns api.md §5.8 pins for weekly_sales and regional_sales.
 */
#include "expect.h"

#include <string.h>

#include "rules/report.h"

static const struct report_def *const defs[] = {
    &report_weekly_sales,
    &report_monthly_sales,
    &report_distributor_purchases,
    &report_regional_sales,
    &report_sales_by,
    &report_sales_ranking,
    &report_customer_composition,
    &report_overdue_list,
    &report_collection_rate,
    &report_stock_by_batch,
    &report_backorders,
    &report_order_shipment_check,
    &report_incomplete_archives,
    &report_osb_daily_status,
    &report_logistics_info,
    &report_batch_trace,
    &report_quota_utilisation,
    &report_receivables_record,
    &report_risk_indicators,
    &report_internal_audit,
    &report_commission_base,
    &report_replenishment_record,
    &report_customer_business_report,
    /* the second-wave modules */
    &report_contract_ledger,
    &report_market_expenses_vs_budget,
    &report_distributor_inventory_summary,
    &report_pop_and_samples,
    &report_credit_grade_list,
    &report_quotation_register,
    &report_after_sales,
};
#define NDEFS (sizeof defs / sizeof defs[0])

static bool snake(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

static bool ends_fen(const char *k)
{
    size_t n = strlen(k);
    return n > 4 && strcmp(k + n - 4, "_fen") == 0;
}

static bool numeric(const struct report_column *c)
{
    return c && (c->kind == RK_INT || c->kind == RK_MONEY || c->kind == RK_NUM);
}

static void test_definitions_well_formed(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < NDEFS; i++) {
        const struct report_def *d = defs[i];
        expect(&bad, snake(d->name), "%s: name", d->name);
        expect(&bad, d->title_zh[0] && d->title_en[0], "%s: titles", d->name);
        expect(&bad, d->ncols > 0, "%s: columns", d->name);
        for (size_t j = 0; j < i; j++)
            expect(&bad, strcmp(defs[j]->name, d->name) != 0, "%s: named twice", d->name);
        for (size_t k = 0; k < d->ncols; k++) {
            const struct report_column *c = &d->cols[k];
            expect(&bad, snake(c->key), "%s.%s: key", d->name, c->key);
            expect(&bad, c->title_zh[0] && c->title_en[0], "%s.%s: titles", d->name, c->key);
            bool money = c->kind == RK_MONEY || c->kind == RK_BALANCE;
            expect(&bad, money == ends_fen(c->key), "%s.%s: _fen iff money", d->name, c->key);
            for (size_t j = 0; j < k; j++)
                expect(&bad, strcmp(d->cols[j].key, c->key) != 0, "%s.%s: twice", d->name, c->key);
            if (c->kind == RK_SHARE)
                expect(&bad, c->num && numeric(report_column(d, c->num)), "%s.%s: share of",
                       d->name, c->key);
            if (c->kind == RK_BP && c->num)
                expect(&bad,
                       c->den && numeric(report_column(d, c->num)) &&
                           numeric(report_column(d, c->den)),
                       "%s.%s: num/den", d->name, c->key);
        }
    }
    assert_int_equal(bad, 0);
}

static void test_bp(void **state)
{
    (void)state;
    static const struct {
        int64_t n, d, bp;
    } rows[] = {
        {0, 0, 0},
        {1, 0, 0},
        {50000, 120000, 4167},
        {70000, 92600, 7559},
        {1, 3, 3333},
        {2, 3, 6667},
        {1, 20000, 1},
        {1, 20001, 0},
        {-1, 20000, -1},
        {-1, 20001, 0},
        {5, 5, 10000},
        {-12000, 162600, -738},
        {INT64_C(9999999999999), INT64_C(9999999999999), 10000},
    };
    int bad = 0;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int64_t got = report_bp(rows[i].n, rows[i].d);
        expect(&bad, got == rows[i].bp, "report_bp(%lld, %lld) = %lld, want %lld",
               (long long)rows[i].n, (long long)rows[i].d, (long long)got, (long long)rows[i].bp);
    }
    assert_int_equal(bad, 0);
}

/* api.md §5.8: the row keys pinned for weekly_sales and regional_sales. */
static void test_pinned_columns(void **state)
{
    (void)state;
    static const char *const weekly[] = {"market", "region", "salesperson",   "customer", "sku",
                                         "qty",    "cases",  "net_sales_fen", "orders"};
    static const char *const regional[] = {"market",           "region", "net_sales_fen", "qty",
                                           "active_customers", "ar_fen", "overdue_fen"};
    int bad = 0;
    for (size_t i = 0; i < sizeof weekly / sizeof weekly[0]; i++) {
        expect(&bad, report_column(&report_weekly_sales, weekly[i]) != NULL, "weekly %s",
               weekly[i]);
        expect(&bad, report_column(&report_monthly_sales, weekly[i]) != NULL, "monthly %s",
               weekly[i]);
    }
    for (size_t i = 0; i < sizeof regional / sizeof regional[0]; i++)
        expect(&bad, report_column(&report_regional_sales, regional[i]) != NULL, "regional %s",
               regional[i]);
    expect(&bad, report_column(&report_weekly_sales, "colour") == NULL, "no such column");
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_definitions_well_formed),
        cmocka_unit_test(test_bp),
        cmocka_unit_test(test_pinned_columns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
