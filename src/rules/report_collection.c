/*
 * report_collection.c — the collection routine's reports (kpis-and-reports.md §4.2-4.3; issue
 * #11) as data: daily receipts, cash vs expense money, prepayments, the weekly call list and the
 * DSO trend. Their queries are in store/report_collection.c; flow/report.c's table joins them.
 */
#include "rules/report.h"
#include "rules/report_cols.h"

/* 每日回款 (§4.2): the receipts registered with received_on in the range. */
static const struct report_column daily_receipts_cols[] = {
    COL("receipt", "收款单号", "Receipt", RK_LABEL),
    COL("received_on", "到款日期", "Received on", RK_DATE),
    CUSTOMER_COLS(RK_TEXT),
    COL("kind", "款项类别", "Kind", RK_TEXT),
    COL("method", "方式", "Method", RK_TEXT),
    COL("amount_fen", "金额", "Amount", RK_MONEY),
    COL("allocated_fen", "已核销", "Allocated", RK_MONEY),
    COL("unapplied_fen", "预收余额", "Unapplied", RK_MONEY),
    COL("bcr", "收款负责人", "BCR", RK_TEXT),
};

const struct report_def report_daily_receipts = {"daily_receipts",
                                                 "每日回款",
                                                 "Daily receipts",
                                                 REPORT_COLS(daily_receipts_cols),
                                                 RF_RANGE | RF_MARKET | RF_REGION | RF_CUSTOMER,
                                                 REPORT_MONEY,
                                                 7};

/* 现金款与费用款 (§4.3, seed 004): receipts by month, kind and method. */
static const struct report_column cash_expense_cols[] = {
    COL("month", "月份", "Month", RK_LABEL),       COL("kind", "款项类别", "Kind", RK_TEXT),
    COL("method", "方式", "Method", RK_TEXT),      COL("receipts", "笔数", "Receipts", RK_INT),
    COL("amount_fen", "金额", "Amount", RK_MONEY),
};

const struct report_def report_cash_vs_expense = {"cash_vs_expense",
                                                  "现金款与费用款",
                                                  "Cash vs expense money",
                                                  REPORT_COLS(cash_expense_cols),
                                                  RF_RANGE | RF_MARKET | RF_REGION | RF_CUSTOMER,
                                                  REPORT_MONEY,
                                                  0};

/* 预收款 (§4.3): per customer the unapplied prepayment as of a day, its earmarks and age. */
static const struct report_column prepayment_cols[] = {
    CUSTOMER_COLS(RK_LABEL),
    MARKET_COL(RK_TEXT),
    COL("unapplied_fen", "预收余额", "Unapplied prepayment", RK_MONEY),
    COL("earmarked_fen", "订单预留", "Earmarked for orders", RK_MONEY),
    COL("free_fen", "可用预收", "Free prepayment", RK_MONEY),
    COL("oldest_receipt", "最早到款", "Oldest receipt", RK_DATE),
    COL("age_days", "账龄天数", "Age (days)", RK_NUM),
};

const struct report_def report_prepayments = {"prepayments",
                                              "预收款",
                                              "Prepayments",
                                              REPORT_COLS(prepayment_cols),
                                              RF_AS_OF | RF_MARKET | RF_REGION | RF_CUSTOMER,
                                              REPORT_MONEY,
                                              0};

/* 每周电话拜访 (§4.2): the call tasks of the weeks in the range with the figures and the last
   call. */
static const struct report_column call_cols[] = {
    COL("week", "周", "Week", RK_LABEL),
    COL("bcr", "收款负责人", "BCR", RK_TEXT),
    CUSTOMER_COLS(RK_TEXT),
    COL("balance_fen", "余额", "Balance", RK_MONEY),
    COL("overdue_fen", "逾期", "Overdue", RK_MONEY),
    COL("due_this_week_fen", "本周到期", "Due this week", RK_MONEY),
    COL("called", "已拜访", "Called", RK_INT),
    COL("last_call_at", "最近电话", "Last call", RK_TIME),
    COLW("outcome", "结果", "Outcome", RK_TEXT, 24),
    COL("promised_pay_date", "承诺付款日", "Promised date", RK_DATE),
    COL("promised_amount_fen", "承诺金额", "Promised amount", RK_MONEY),
};

const struct report_def report_weekly_call_list = {"weekly_call_list",
                                                   "每周电话拜访",
                                                   "Weekly call list",
                                                   REPORT_COLS(call_cols),
                                                   RF_RANGE | RF_MARKET | RF_REGION | RF_CUSTOMER,
                                                   REPORT_MONEY,
                                                   7};

/* DSO 趋势 (§4.3; kpis §2.2 dso): per calendar month of the range, at its last day: AR, net
   sales of the last 90 days, DSO = AR ÷ (net sales 90 d ÷ 90), overdue and its share of AR. */
static const struct report_column dso_cols[] = {
    COL("month", "月份", "Month", RK_LABEL),
    COL("ar_fen", "应收余额", "AR", RK_BALANCE),
    COL("net_sales_90d_fen", "近90天净销售", "Net sales 90 d", RK_BALANCE),
    COL("dso_days", "DSO天数", "DSO (days)", RK_NUM),
    COL("overdue_fen", "逾期金额", "Overdue", RK_BALANCE),
    COL("overdue_ratio_bp", "逾期占比", "Overdue ratio", RK_NUM),
};

const struct report_def report_dso_trend = {"dso_trend",
                                            "DSO趋势",
                                            "DSO trend",
                                            REPORT_COLS(dso_cols),
                                            RF_RANGE | RF_MARKET | RF_REGION | RF_CUSTOMER,
                                            REPORT_MONEY,
                                            0};
