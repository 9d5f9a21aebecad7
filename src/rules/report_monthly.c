/*
 * report_monthly.c — two monthly reports as data (kpis-and-reports.md §4.1 #11, §4.2, §3.4):
 * 每月经销商管理汇总表 (distributor_management_monthly: one row per distributor, its
 * purchases, sell-out and stock from its inventory report, money, grade, expenses, samples,
 * POP, after-sales, visits) and the monthly OSB meeting report (osb_meeting_report: the
 * sections of §3.4 flattened into rows, so that it exports like any other report). Their
 * queries: store/report_monthly.c and flow/meeting.c; flow/report.c's table joins them.
 */
#include "rules/report.h"
#include "rules/report_cols.h"

/* Purchases = net sales of the range (invoices − credit notes by document date); sell-out and
   closing stock from the distributor's inventory reports of the months of the range (closing:
   the last month's); stock cover = closing ÷ sell-out (10000 = one range's sell-out); AR,
   overdue, limit and exposure as of as_of (default today); expenses used = the approved,
   executed or settled market-expense applications named to the customer for the months of the
   range (actual once settled, else approved); samples issued and their mean usage; POP
   requests made and their value; after-sales tickets received; visit reports filed. */
static const struct report_column dmm_cols[] = {
    DISTRIBUTOR_COLS,
    MARKET_COL(RK_TEXT),
    REGION_COL,
    KAM_COL,
    COL("purchases_fen", "进货金额", "Purchases", RK_MONEY),
    COL("purchased_qty", "进货数量", "Purchased qty", RK_INT),
    COL("sell_out_qty", "销售数量", "Sell-out qty", RK_INT),
    COL("closing_qty", "期末库存", "Closing stock", RK_INT),
    BP("stock_cover_bp", "库存周转", "Stock cover", "closing_qty", "sell_out_qty"),
    COL("ar_fen", "应收余额", "AR", RK_MONEY),
    COL("overdue_fen", "逾期金额", "Overdue", RK_MONEY),
    COL("limit_fen", "信用额度", "Credit limit", RK_MONEY),
    COL("exposure_fen", "信用占用", "Exposure", RK_MONEY),
    COL("grade", "信用等级", "Grade", RK_TEXT),
    COL("expenses_fen", "费用使用", "Expenses used", RK_MONEY),
    COL("samples_issued", "样品发放", "Samples issued", RK_INT),
    COL("sample_usage_bp", "样品使用率", "Sample usage", RK_BP),
    COL("pop_requests", "POP申请", "POP requests", RK_INT),
    COL("pop_value_fen", "POP金额", "POP value", RK_MONEY),
    COL("after_sales", "售后工单", "After-sales tickets", RK_INT),
    COL("inventory_report", "库存报表", "Inventory report", RK_TEXT),
    COL("visits", "拜访次数", "Visits", RK_INT),
};

const struct report_def report_distributor_management_monthly = {
    "distributor_management_monthly",
    "每月经销商管理汇总表",
    "Distributor management (monthly)",
    REPORT_COLS(dmm_cols),
    RF_RANGE | RF_MARKET | RF_REGION | RF_CUSTOMER | RF_AS_OF | RF_PERIOD,
    REPORT_MONEY,
    0};

/* §3.4 in rows: `section` is kpi (per KPI, company then per market), opened (entries opened in
   the month by rule × department), cause (by cause), unresolved (every entry not resolved),
   volume (orders accepted, shipments dispatched, invoices, collections) and meeting (entries
   raised at the meeting about the month). `count` is the figure a row counts (entries,
   orders, invoices), `amount_fen` the money of a volume row; the sections count different
   things, so the totals row sums nothing. The month: period, else the month of from, else the
   month before today (the meeting about the last month). */
static const struct report_column meeting_cols[] = {
    COL("section", "部分", "Section", RK_LABEL),
    COL("item", "项目", "Item", RK_TEXT),
    MARKET_COL(RK_TEXT),
    COL("department", "部门", "Department", RK_TEXT),
    COL("number", "编号", "Number", RK_TEXT),
    COL("document", "单据", "Document", RK_TEXT),
    COL("num", "分子", "Numerator", RK_NUM),
    COL("den", "分母", "Denominator", RK_NUM),
    COL("pct_bp", "达成率", "Achieved", RK_BP),
    COL("target_bp", "目标", "Target", RK_BP),
    COL("met", "达标", "Met", RK_TEXT),
    COL("previous_pct_bp", "上月", "Previous month", RK_BP),
    COL("last_year_pct_bp", "去年同月", "Same month last year", RK_BP),
    COL("count", "数量", "Count", RK_NUM),
    COL("amount_fen", "金额", "Amount", RK_BALANCE),
    COL("opened_at", "开立时间", "Opened", RK_TEXT),
    COL("age_days", "天数", "Age (days)", RK_NUM),
    COL("carried_over", "结转次数", "Carried over", RK_NUM),
    COLW("explanation", "说明", "Explanation", RK_TEXT, 30),
};

const struct report_def report_osb_meeting_report = {"osb_meeting_report",
                                                     "OSB月度例会报告",
                                                     "Monthly OSB meeting report",
                                                     REPORT_COLS(meeting_cols),
                                                     RF_RANGE | RF_MARKET | RF_PERIOD,
                                                     0,
                                                     REPORT_PREVIOUS_MONTH};
