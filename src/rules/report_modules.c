/*
 * report_modules.c — the reports of the second-wave modules (kpis-and-reports.md §4.2, §4.4,
 * §4.5; api.md §5.8) as data: the contract ledger, market expenses against budget, the
 * distributor inventory summary, POP and samples, the credit grade list. Their queries are in
 * store/report_modules.c; flow/report.c's table joins the two. docs/reports.md lists them.
 */
#include "rules/report.h"
#include "rules/report_cols.h"

/* 合同台账 (§4.5): the contracts drafted in the range, with the orders that name each. */
static const struct report_column contract_cols[] = {
    COL("contract", "合同编号", "Contract", RK_LABEL),
    COL("kind", "类型", "Kind", RK_TEXT),
    CUSTOMER_COLS(RK_TEXT),
    SALESPERSON_COL(RK_TEXT),
    COL("state", "状态", "State", RK_TEXT),
    COL("value_fen", "合同金额", "Value", RK_MONEY),
    COL("signed_at", "签订时间", "Signed", RK_TIME),
    COL("archived_at", "归档时间", "Archived", RK_TIME),
    COL("binder", "档案夹", "Binder", RK_TEXT),
    COL("valid_to", "到期日", "Expires", RK_DATE),
    COL("orders", "订单数", "Orders", RK_INT),
    COLW("deviations", "偏离条款", "Deviations", RK_TEXT, 30),
};

const struct report_def report_contract_ledger = {"contract_ledger",
                                                  "合同台账",
                                                  "Contract ledger",
                                                  REPORT_COLS(contract_cols),
                                                  RF_RANGE | RF_MARKET | RF_REGION | RF_CUSTOMER,
                                                  REPORT_MONEY,
                                                  0};

/* 市场费用与预算 (§4.4): one row per budget of the months of the range (or period). */
static const struct report_column expense_cols[] = {
    MARKET_COL(RK_LABEL),
    REGION_COL,
    COL("category", "费用类别", "Category", RK_TEXT),
    COL("period", "期间", "Period", RK_TEXT),
    COL("budget_fen", "预算", "Budget", RK_MONEY),
    COL("committed_fen", "已承诺", "Committed", RK_MONEY),
    COL("actual_fen", "实际", "Actual", RK_MONEY),
    COL("available_fen", "可用", "Available", RK_MONEY),
    COL("used_fen", "已使用", "Used", RK_MONEY),
    BP("used_bp", "使用率", "Used %", "used_fen", "budget_fen"),
    COL("applications", "申请数", "Applications", RK_INT),
    COL("net_sales_fen", "净销售额", "Net sales", RK_BALANCE),
    BP("expense_ratio_bp", "费用率", "Expense ratio", NULL, NULL),
};

const struct report_def report_market_expenses_vs_budget = {"market_expenses_vs_budget",
                                                            "市场费用预算执行表",
                                                            "Market expenses vs budget",
                                                            REPORT_COLS(expense_cols),
                                                            RF_RANGE | RF_PERIOD | RF_MARKET |
                                                                RF_REGION,
                                                            REPORT_MONEY,
                                                            0};

/* 经销商库存汇总 (§4.4): one row per line of the distributors' inventory reports (KC). */
static const struct report_column inventory_cols[] = {
    DISTRIBUTOR_COLS,
    COL("period", "期间", "Period", RK_TEXT),
    COL("sku", "产品编码", "SKU", RK_TEXT),
    COL("opening_qty", "期初", "Opening", RK_INT),
    COL("purchased_qty", "进货", "Purchased", RK_INT),
    COL("other_in_qty", "其他入库", "Other in", RK_INT),
    COL("sold_qty", "销售", "Sold", RK_INT),
    COL("returned_qty", "退货", "Returned", RK_INT),
    COL("closing_qty", "期末", "Closing", RK_INT),
    COL("near_expiry_qty", "近效期", "Near expiry", RK_INT),
    BP("stock_cover_bp", "库存月数", "Stock cover (months)", NULL, NULL),
    COL("late", "逾期提交", "Late", RK_INT),
    COL("state", "状态", "State", RK_TEXT),
    COLW("review_note", "审核意见", "Reviewer note", RK_TEXT, 24),
};

const struct report_def report_distributor_inventory_summary = {
    "distributor_inventory_summary",
    "经销商库存汇总表",
    "Distributor inventory summary",
    REPORT_COLS(inventory_cols),
    RF_RANGE | RF_PERIOD | RF_MARKET | RF_REGION | RF_CUSTOMER | RF_SKU,
    0,
    0};

/* POP 与样品 (§4.4): per customer, the POP requests made and the samples issued in the range. */
static const struct report_column pop_cols[] = {
    CUSTOMER_COLS(RK_LABEL),
    MARKET_COL(RK_TEXT),
    REGION_COL,
    COL("pop_requested", "POP申请", "POP requested", RK_INT),
    COL("pop_approved", "POP批准", "POP approved", RK_INT),
    COL("pop_shipped", "POP发出", "POP shipped", RK_INT),
    COL("pop_verified", "POP核实", "POP verified", RK_INT),
    COL("pop_value_fen", "POP价值", "POP value", RK_MONEY),
    COL("samples_issued", "样品发放", "Samples issued", RK_INT),
    COL("sample_qty", "样品数量", "Sample qty", RK_INT),
    COL("samples_followed_up", "已回访", "Followed up", RK_INT),
    BP("usage_bp", "使用率", "Usage", NULL, NULL),
    BP("waste_bp", "浪费率", "Waste", NULL, NULL),
    COL("deduction_qty", "扣减数量", "Deductions", RK_INT),
};

const struct report_def report_pop_and_samples = {"pop_and_samples",
                                                  "POP及样品统计表",
                                                  "POP and samples",
                                                  REPORT_COLS(pop_cols),
                                                  RF_RANGE | RF_MARKET | RF_REGION | RF_CUSTOMER,
                                                  REPORT_MONEY,
                                                  0};

/* 客户信用等级一览表 (§4.2): the grade list of a month with today's credit figures. */
static const struct report_column grade_cols[] = {
    CUSTOMER_COLS(RK_LABEL),
    MARKET_COL(RK_TEXT),
    REGION_COL,
    KAM_COL,
    COL("grade", "等级", "Grade", RK_TEXT),
    COL("previous_grade", "上期等级", "Previous grade", RK_TEXT),
    COL("override_grade", "调整等级", "Override", RK_TEXT),
    COL("dpl_days", "DPL天数", "DPL days", RK_NUM),
    COL("max_overdue_days", "最长逾期天数", "Max overdue days", RK_NUM),
    COL("limit_fen", "信用额度", "Limit", RK_MONEY),
    COL("exposure_fen", "信用占用", "Exposure", RK_MONEY),
    COL("available_fen", "可用额度", "Available", RK_MONEY),
    COL("overdue_fen", "逾期金额", "Overdue", RK_MONEY),
    COL("payment_term_days", "账期天数", "Payment term", RK_NUM),
    COL("prepay_only", "仅预付", "Prepay only", RK_INT),
    COL("credit_hold", "信用冻结", "Credit hold", RK_INT),
};

const struct report_def report_credit_grade_list = {"credit_grade_list",
                                                    "客户信用等级一览表",
                                                    "Credit grade list",
                                                    REPORT_COLS(grade_cols),
                                                    RF_PERIOD | RF_AS_OF | RF_MARKET | RF_REGION |
                                                        RF_CUSTOMER,
                                                    REPORT_MONEY,
                                                    0};

/* 报价/投标登记表 (§4.5): the quotations and bids registered in the range. */
static const struct report_column quotation_cols[] = {
    COL("quotation", "报价编号", "Quotation", RK_LABEL),
    COL("source", "来源", "Source", RK_TEXT),
    CUSTOMER_COLS(RK_TEXT),
    COL("product_class", "产品类别", "Class", RK_TEXT),
    COL("owner", "销售员", "Salesperson", RK_TEXT),
    COL("state", "状态", "State", RK_TEXT),
    COL("total_fen", "报价金额", "Total", RK_MONEY),
    COL("decision", "参与决定", "Decision", RK_TEXT),
    COL("result", "结果", "Result", RK_TEXT),
    COL("contract", "合同编号", "Contract", RK_TEXT),
};

const struct report_def report_quotation_register = {"quotation_register",
                                                     "报价投标登记表",
                                                     "Quotation register",
                                                     REPORT_COLS(quotation_cols),
                                                     RF_RANGE | RF_MARKET | RF_REGION | RF_CUSTOMER,
                                                     REPORT_MONEY,
                                                     0};

/* 售后服务统计 (§4.5): the after-sales tickets received in the range. */
static const struct report_column after_sales_cols[] = {
    COL("ticket", "售后编号", "Ticket", RK_LABEL),
    COL("type", "类型", "Type", RK_TEXT),
    CUSTOMER_COLS(RK_TEXT),
    COL("state", "状态", "State", RK_TEXT),
    COL("received_at", "受理时间", "Received", RK_TIME),
    COL("days_open", "处理天数", "Days open", RK_NUM),
    COL("escalated", "升级", "Escalated", RK_INT),
    COL("rating", "评分", "Rating", RK_NUM),
    COL("handler", "处理人", "Handler", RK_TEXT),
};

const struct report_def report_after_sales = {"after_sales",
                                              "售后服务统计表",
                                              "After-sales tickets",
                                              REPORT_COLS(after_sales_cols),
                                              RF_RANGE | RF_AS_OF | RF_MARKET | RF_REGION |
                                                  RF_CUSTOMER,
                                              0,
                                              0};
