/*
 * report.h — what a report IS (api.md §5.8, kpis-and-reports.md §4): its name, titles,
 * columns with their kinds, the filters it takes and what its totals row holds. Pure data: a
 * definition says nothing about SQL (its one query lives in store/report*.c) or about files
 * (the renderers are report/table.c). flow/report.c joins a definition to its query in one
 * table and runs every report the same way: parameters, scope, query, computed columns,
 * totals, then JSON, CSV or XLSX. docs/reports.md says how to add one.
 */
#ifndef OSB_RULES_REPORT_H
#define OSB_RULES_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum report_kind {
    RK_TEXT,    /* a string (code, name, state); the totals row leaves it empty */
    RK_DATE,    /* YYYY-MM-DD */
    RK_INT,     /* a count or a quantity; summed in the totals row */
    RK_MONEY,   /* int64 fen, key ends in _fen; summed; CSV/XLSX show yuan with 2 decimals */
    RK_BP,      /* basis points: num ÷ den × 10000 of two other columns of the row (and of the
                   totals), or a value the query gives when num is NULL (then not totalled) */
    RK_SHARE,   /* basis points: this row's `num` column ÷ the total of that column */
    RK_LABEL,   /* like RK_TEXT, but the totals row says 合计 / Total in it */
    RK_NUM,     /* an integer that is not summed (days, a rank) */
    RK_TIME,    /* the query gives UTC microseconds; shown as RFC 3339 in the company zone */
    RK_BALANCE, /* money (fen) that is a running balance: shown like RK_MONEY, not summed */
};

struct report_column {
    const char *key, *title_zh, *title_en;
    enum report_kind kind;
    const char *num, *den; /* RK_BP, RK_SHARE: keys of the columns they are computed from */
    int width;             /* XLSX column width in characters; 0 = from the kind */
};

/* The filters of kpis-and-reports.md §4 a report reads; any other query parameter is 400. */
enum {
    RF_RANGE = 1 << 0,     /* from, to (inclusive dates) */
    RF_MARKET = 1 << 1,    /* market */
    RF_REGION = 1 << 2,    /* region */
    RF_CUSTOMER = 1 << 3,  /* customer */
    RF_AS_OF = 1 << 4,     /* as_of (a date; default: to, else today) */
    RF_DIMENSION = 1 << 5, /* dimension (sales_by: market|region|salesperson|product|customer) */
    RF_SKU = 1 << 6,       /* sku */
    RF_BATCH = 1 << 7,     /* batch */
    RF_PERIOD = 1 << 8,    /* period YYYY-MM */
    RF_SPAN = 1 << 9,      /* from, to: a filter applied only when given (no default range) */
};

enum {
    REPORT_MONEY = 1 << 0,          /* shows customers' money: roles that read none get 403 */
    REPORT_CUSTOMER_LIST = 1 << 1,  /* a customer list (archive fields): numbering-and-rules §7
                                       export rights and limits apply */
    REPORT_NEEDS_CUSTOMER = 1 << 2, /* customer= is required (a per-customer record) */
    REPORT_AUDIT = 1 << 3,          /* reads the audit trail: the roles of GET /audit only */
    REPORT_QUOTA = 1 << 4,          /* quota figures: the roles that read quotas */
};

struct report_def {
    const char *name, *title_zh, *title_en;
    const struct report_column *cols;
    size_t ncols;
    unsigned filters; /* RF_* */
    unsigned flags;   /* REPORT_* */
    int default_days; /* without from/to: 7 = the current week (Monday to Sunday), 0 = the
                         current month, REPORT_PREVIOUS_MONTH the month before */
};

#define REPORT_PREVIOUS_MONTH (-1)

#define REPORT_COLS(a) (a), (sizeof(a) / sizeof((a)[0]))

/* The column of def named key, or NULL. */
const struct report_column *report_column(const struct report_def *def, const char *key);

/* n × 10000 ÷ d rounded half away from zero; 0 when d is 0. */
int64_t report_bp(int64_t n, int64_t d);

/* The definitions of this build (rules/report_defs.c). */
extern const struct report_def report_weekly_sales, report_monthly_sales,
    report_distributor_purchases, report_regional_sales, report_sales_by, report_sales_ranking,
    report_customer_composition, report_overdue_list, report_collection_rate, report_stock_by_batch,
    report_backorders, report_order_shipment_check, report_incomplete_archives,
    report_osb_daily_status, report_logistics_info, report_batch_trace, report_quota_utilisation,
    report_receivables_record, report_risk_indicators, report_internal_audit,
    report_commission_base, report_replenishment_record, report_customer_business_report;

/* The second-wave modules' reports (rules/report_modules.c). */
extern const struct report_def report_contract_ledger, report_market_expenses_vs_budget,
    report_distributor_inventory_summary, report_pop_and_samples, report_credit_grade_list,
    report_quotation_register, report_after_sales;

/* The monthly management reports (rules/report_monthly.c). */
extern const struct report_def report_distributor_management_monthly, report_osb_meeting_report;
/* Field sales (issue #13; rules/report_defs.c, store/report_field.c). */
extern const struct report_def report_weekly_work_plan, report_monthly_work_plan,
    report_salesperson_weekly, report_salesperson_monthly, report_market_weekly,
    report_market_monthly, report_target_customer_info, report_key_customer_followup,
    report_forecast_vs_actual, report_plan_vs_actual;
/* The collection routine's reports (rules/report_collection.c; issue #11). */
extern const struct report_def report_daily_receipts, report_cash_vs_expense, report_prepayments,
    report_weekly_call_list, report_dso_trend;

#endif
