/*
 * report_defs.c — the reports of this build as data (kpis-and-reports.md §4; api.md §5.8):
 * one `const struct report_def` each, columns in the order the file shows them. The query of
 * each is in store/report*.c and the two meet in flow/report.c's table. Money keys end in
 * _fen (api.md §1); "net sales" everywhere is invoices dated in the range − credit notes
 * dated in the range (kpis §2.2).
 */
#include "rules/report.h"
#include "rules/report_cols.h"

/* ---- 4.1 sales-department reports ------------------------------------------------------ */

/* #3/#4: rows by market, region, salesperson (the order's KAM), customer and SKU. */
static const struct report_column sales_cols[] = {
    MARKET_COL(RK_LABEL),
    REGION_COL,
    SALESPERSON_COL(RK_TEXT),
    CUSTOMER_COLS(RK_TEXT),
    COL("sku", "产品编码", "SKU", RK_TEXT),
    COL("qty", "数量", "Qty", RK_INT),
    COL("cases", "箱数", "Cases", RK_INT),
    COL("net_sales_fen", "净销售额", "Net sales", RK_MONEY),
    COL("orders", "订单数", "Orders", RK_INT),
};

const struct report_def report_weekly_sales = {"weekly_sales",
                                               "销售情况周统计表",
                                               "Weekly sales",
                                               REPORT_COLS(sales_cols),
                                               RF_RANGE | RF_MARKET | RF_REGION | RF_CUSTOMER |
                                                   RF_SKU,
                                               REPORT_MONEY,
                                               7};

const struct report_def report_monthly_sales = {"monthly_sales",
                                                "销售情况月统计表",
                                                "Monthly sales",
                                                REPORT_COLS(sales_cols),
                                                RF_RANGE | RF_MARKET | RF_REGION | RF_CUSTOMER |
                                                    RF_SKU,
                                                REPORT_MONEY,
                                                0};

/* #9: what each distributor bought (net of returns) by SKU. */
static const struct report_column purchases_cols[] = {
    DISTRIBUTOR_COLS,
    MARKET_COL(RK_TEXT),
    REGION_COL,
    COL("sku", "产品编码", "SKU", RK_TEXT),
    COL("qty", "数量", "Qty", RK_INT),
    COL("cases", "箱数", "Cases", RK_INT),
    COL("amount_fen", "金额", "Amount", RK_MONEY),
    COL("orders", "订单数", "Orders", RK_INT),
    COL("last_order_date", "最近订货日期", "Last order date", RK_DATE),
};

const struct report_def report_distributor_purchases = {"distributor_purchases",
                                                        "经销商进货情况统计表",
                                                        "Distributor purchases",
                                                        REPORT_COLS(purchases_cols),
                                                        RF_RANGE | RF_MARKET | RF_REGION |
                                                            RF_CUSTOMER | RF_SKU,
                                                        REPORT_MONEY,
                                                        0};

/* #10: one row per region with sales in the range or money open; AR = invoices open now,
   overdue = of them those due before as_of (default today). */
static const struct report_column regional_cols[] = {
    MARKET_COL(RK_LABEL),
    REGION_COL,
    COL("net_sales_fen", "净销售额", "Net sales", RK_MONEY),
    COL("qty", "数量", "Qty", RK_INT),
    COL("active_customers", "活跃客户数", "Active customers", RK_INT),
    COL("ar_fen", "应收余额", "AR", RK_MONEY),
    COL("overdue_fen", "逾期金额", "Overdue", RK_MONEY),
    BP("overdue_ratio_bp", "逾期比例", "Overdue ratio", "overdue_fen", "ar_fen"),
};

const struct report_def report_regional_sales = {"regional_sales",
                                                 "区域销售情况统计表",
                                                 "Regional sales",
                                                 REPORT_COLS(regional_cols),
                                                 RF_RANGE | RF_MARKET | RF_REGION | RF_AS_OF |
                                                     RF_CUSTOMER,
                                                 REPORT_MONEY,
                                                 0};

/* ---- 4.4 sales and customer analysis --------------------------------------------------- */

static const struct report_column sales_by_cols[] = {
    COL("key", "维度", "Key", RK_LABEL),
    COLW("name", "名称", "Name", RK_TEXT, 24),
    COL("qty", "数量", "Qty", RK_INT),
    COL("cases", "箱数", "Cases", RK_INT),
    COL("net_sales_fen", "净销售额", "Net sales", RK_MONEY),
    SHARE("share_bp", "占比", "Share", "net_sales_fen"),
    COL("orders", "订单数", "Orders", RK_INT),
};

const struct report_def report_sales_by = {"sales_by",
                                           "销售分析",
                                           "Sales by dimension",
                                           REPORT_COLS(sales_by_cols),
                                           RF_RANGE | RF_MARKET | RF_REGION | RF_CUSTOMER |
                                               RF_DIMENSION,
                                           REPORT_MONEY,
                                           0};

/* Salespeople (the KAM of the order) by net sales; collections are receipts allocated in
   the range to their customers' invoices. */
static const struct report_column ranking_cols[] = {
    COL("rank", "名次", "Rank", RK_NUM),
    SALESPERSON_COL(RK_LABEL),
    COL("name", "姓名", "Name", RK_TEXT),
    COL("net_sales_fen", "净销售额", "Net sales", RK_MONEY),
    SHARE("share_bp", "占比", "Share", "net_sales_fen"),
    COL("collections_fen", "回款额", "Collections", RK_MONEY),
    COL("customers", "客户数", "Customers", RK_INT),
};

const struct report_def report_sales_ranking = {"sales_ranking",
                                                "销售员排名",
                                                "Sales ranking",
                                                REPORT_COLS(ranking_cols),
                                                RF_RANGE | RF_MARKET | RF_REGION | RF_CUSTOMER,
                                                REPORT_MONEY,
                                                0};

/* seed 002: the input to commission (pay rules are out of scope). */
static const struct report_column commission_cols[] = {
    SALESPERSON_COL(RK_LABEL),
    COL("name", "姓名", "Name", RK_TEXT),
    COL("net_sales_fen", "净销售额", "Net sales", RK_MONEY),
    COL("collections_fen", "回款额", "Collections", RK_MONEY),
    COL("overdue_fen", "名下客户逾期", "Overdue of own customers", RK_MONEY),
};

const struct report_def report_commission_base = {"commission_base",
                                                  "提成基数表",
                                                  "Commission base",
                                                  REPORT_COLS(commission_cols),
                                                  RF_RANGE | RF_MARKET | RF_REGION | RF_CUSTOMER,
                                                  REPORT_MONEY,
                                                  0};

/* seed 002: net sales, AR and overdue by tier × grade, with the customers and limits. */
static const struct report_column composition_cols[] = {
    COL("tier", "客户层级", "Tier", RK_LABEL),
    COL("grade", "信用等级", "Grade", RK_TEXT),
    COL("customers", "客户数", "Customers", RK_INT),
    COL("net_sales_fen", "净销售额", "Net sales", RK_MONEY),
    SHARE("share_bp", "销售占比", "Share of sales", "net_sales_fen"),
    COL("ar_fen", "应收余额", "AR", RK_MONEY),
    COL("overdue_fen", "逾期金额", "Overdue", RK_MONEY),
    COL("credit_limit_fen", "信用额度", "Credit limits", RK_MONEY),
};

const struct report_def report_customer_composition = {"customer_composition",
                                                       "客户构成分析",
                                                       "Customer composition",
                                                       REPORT_COLS(composition_cols),
                                                       RF_RANGE | RF_MARKET | RF_REGION |
                                                           RF_CUSTOMER,
                                                       REPORT_MONEY,
                                                       0};

/* Per customer and month: what it bought, returned and paid (receipts of either kind). */
static const struct report_column business_cols[] = {
    CUSTOMER_COLS(RK_LABEL),
    COL("month", "月份", "Month", RK_TEXT),
    COL("purchases_fen", "进货额", "Purchases", RK_MONEY),
    COL("returns_fen", "退货额", "Returns", RK_MONEY),
    COL("net_sales_fen", "净销售额", "Net sales", RK_MONEY),
    COL("payments_fen", "回款额", "Payments", RK_MONEY),
};

const struct report_def report_customer_business_report = {"customer_business_report",
                                                           "客户业务报告",
                                                           "Customer business report",
                                                           REPORT_COLS(business_cols),
                                                           RF_RANGE | RF_MARKET | RF_REGION |
                                                               RF_CUSTOMER,
                                                           REPORT_MONEY,
                                                           0};

static const struct report_column quota_cols[] = {
    COL("period", "期间", "Period", RK_LABEL),
    COL("sku", "产品编码", "SKU", RK_TEXT),
    REGION_COL,
    COL("customer", "客户", "Customer", RK_TEXT),
    COL("qty", "配额", "Quota", RK_INT),
    COL("used", "已用", "Used", RK_INT),
    COL("remaining", "剩余", "Remaining", RK_INT),
    BP("used_bp", "使用率", "Utilisation", "used", "qty"),
};

const struct report_def report_quota_utilisation = {"quota_utilisation",
                                                    "配额使用情况",
                                                    "Quota utilisation",
                                                    REPORT_COLS(quota_cols),
                                                    RF_RANGE | RF_PERIOD | RF_MARKET | RF_REGION |
                                                        RF_CUSTOMER | RF_SKU,
                                                    REPORT_QUOTA,
                                                    0};

/* ---- 4.3 receivables and collection ---------------------------------------------------- */

static const struct report_column overdue_cols[] = {
    COL("invoice", "发票号", "Invoice", RK_LABEL),
    CUSTOMER_COLS(RK_TEXT),
    MARKET_COL(RK_TEXT),
    REGION_COL,
    KAM_COL,
    COL("bcr", "收款负责人", "BCR", RK_TEXT),
    COL("due_date", "到期日", "Due date", RK_DATE),
    COL("days_overdue", "逾期天数", "Days overdue", RK_NUM),
    COL("open_fen", "未收金额", "Open", RK_MONEY),
};

const struct report_def report_overdue_list = {"overdue_list",
                                               "逾期账款清单",
                                               "Overdue list",
                                               REPORT_COLS(overdue_cols),
                                               RF_AS_OF | RF_MARKET | RF_REGION | RF_CUSTOMER,
                                               REPORT_MONEY,
                                               0};

/* kpis §2.2 collection_rate per market and region: due = open at the range's start of the
   invoices due by its end + invoices issued in it and due by its end − credit notes applied
   to them in it; collected = receipts allocated to them in it (cash and expense parts). */
static const struct report_column collection_cols[] = {
    MARKET_COL(RK_LABEL),
    REGION_COL,
    COL("due_fen", "应收金额", "Due", RK_MONEY),
    COL("collected_fen", "回款金额", "Collected", RK_MONEY),
    BP("rate_bp", "回款率", "Collection rate", "collected_fen", "due_fen"),
    COL("cash_fen", "现金款", "Cash", RK_MONEY),
    COL("expense_fen", "费用款", "Expense credits", RK_MONEY),
};

const struct report_def report_collection_rate = {"collection_rate",
                                                  "回款率统计",
                                                  "Collection rate",
                                                  REPORT_COLS(collection_cols),
                                                  RF_RANGE | RF_MARKET | RF_REGION | RF_CUSTOMER,
                                                  REPORT_MONEY,
                                                  0};

/* §4.2 应收款记录: a customer's ledger in the range with due dates. */
static const struct report_column receivables_cols[] = {
    COL("date", "日期", "Date", RK_LABEL),
    COL("document", "单据号", "Document", RK_TEXT),
    COL("kind", "类别", "Kind", RK_TEXT),
    COL("debit_fen", "借方", "Debit", RK_MONEY),
    COL("credit_fen", "贷方", "Credit", RK_MONEY),
    COL("balance_fen", "余额", "Balance", RK_BALANCE),
    COL("due_date", "到期日", "Due date", RK_DATE),
    COL("overdue_days", "逾期天数", "Days overdue", RK_NUM),
};

const struct report_def report_receivables_record = {"receivables_record",
                                                     "应收款记录",
                                                     "Receivables record",
                                                     REPORT_COLS(receivables_cols),
                                                     RF_RANGE | RF_CUSTOMER | RF_MARKET | RF_REGION,
                                                     REPORT_MONEY | REPORT_NEEDS_CUSTOMER,
                                                     0};

/* ---- 4.2 SSG / IES --------------------------------------------------------------------- */

static const struct report_column daily_cols[] = {
    COL("area", "类别", "Area", RK_LABEL),
    COL("state", "状态", "State", RK_TEXT),
    COL("count", "数量", "Count", RK_INT),
    COL("oldest_since", "最早时间", "Oldest since", RK_TIME),
};

const struct report_def report_osb_daily_status = {"osb_daily_status",
                                                   "OSB日报",
                                                   "OSB daily status",
                                                   REPORT_COLS(daily_cols),
                                                   RF_MARKET | RF_REGION | RF_CUSTOMER,
                                                   0,
                                                   0};

static const struct report_column logistics_cols[] = {
    CUSTOMER_COLS(RK_LABEL),
    MARKET_COL(RK_TEXT),
    REGION_COL,
    COL("consignee", "收货人", "Consignee", RK_TEXT),
    COL("consignee_phone", "收货人电话", "Phone", RK_TEXT),
    COL("consignment_station", "到站", "Consignment station", RK_TEXT),
    COL("carrier", "承运商", "Carrier", RK_TEXT),
    COLW("delivery_address", "送货地址", "Delivery address", RK_TEXT, 30),
    COLW("arrival_address", "到货地址", "Arrival address", RK_TEXT, 30),
    COL("transit_days", "在途天数", "Transit days", RK_NUM),
    COL("route", "线路", "Route", RK_TEXT),
    COL("last_confirmed_on", "最近确认", "Last confirmed", RK_DATE),
};

const struct report_def report_logistics_info = {"logistics_info",
                                                 "客户储运信息维护表",
                                                 "Customer logistics info",
                                                 REPORT_COLS(logistics_cols),
                                                 RF_MARKET | RF_REGION | RF_CUSTOMER,
                                                 REPORT_CUSTOMER_LIST,
                                                 0};

/* Replenishment record (补货记录): per order line, what was asked, cut, shipped, owed. */
static const struct report_column replenish_cols[] = {
    COL("order", "订单号", "Order", RK_LABEL),
    COL("customer", "客户", "Customer", RK_TEXT),
    COL("receipt_day", "受理日期", "Received", RK_DATE),
    COL("sku", "产品编码", "SKU", RK_TEXT),
    COL("ordered", "订货数", "Ordered", RK_INT),
    COL("cut", "削减数", "Cut", RK_INT),
    COL("shipped", "发货数", "Shipped", RK_INT),
    COL("backordered", "欠货数", "Backordered", RK_INT),
    COLW("shipments", "发运单", "Shipments", RK_TEXT, 22),
};

const struct report_def report_replenishment_record = {"replenishment_record",
                                                       "补货记录",
                                                       "Replenishment record",
                                                       REPORT_COLS(replenish_cols),
                                                       RF_RANGE | RF_MARKET | RF_REGION |
                                                           RF_CUSTOMER,
                                                       0,
                                                       0};

/* ---- 4.5 operations, control and audit ------------------------------------------------- */

static const struct report_column stock_cols[] = {
    COL("warehouse", "仓库", "Warehouse", RK_LABEL), COL("sku", "产品编码", "SKU", RK_TEXT),
    COL("batch", "批号", "Batch", RK_TEXT),          COL("expires", "有效期", "Expires", RK_DATE),
    COL("quality", "质量状态", "Quality", RK_TEXT),  COL("on_hand", "在库", "On hand", RK_INT),
    COL("reserved", "已预留", "Reserved", RK_INT),   COL("available", "可用", "Available", RK_INT),
};

const struct report_def report_stock_by_batch = {"stock_by_batch",
                                                 "批次库存",
                                                 "Stock by batch",
                                                 REPORT_COLS(stock_cols),
                                                 RF_SKU | RF_BATCH,
                                                 0,
                                                 0};

static const struct report_column trace_cols[] = {
    COL("batch", "批号", "Batch", RK_LABEL),
    COL("sku", "产品编码", "SKU", RK_TEXT),
    COL("warehouse", "仓库", "Warehouse", RK_TEXT),
    COL("customer", "客户", "Customer", RK_TEXT),
    MARKET_COL(RK_TEXT),
    REGION_COL,
    COL("order", "订单号", "Order", RK_TEXT),
    COL("shipment", "发运单", "Shipment", RK_TEXT),
    COL("qty", "数量", "Qty", RK_INT),
    COL("shipped_at", "发运时间", "Shipped at", RK_TIME),
};

const struct report_def report_batch_trace = {"batch_trace",
                                              "批次追踪",
                                              "Batch trace",
                                              REPORT_COLS(trace_cols),
                                              RF_MARKET | RF_REGION | RF_CUSTOMER | RF_SKU |
                                                  RF_BATCH | RF_SPAN,
                                              0,
                                              0};

static const struct report_column backorder_cols[] = {
    COL("number", "欠货单号", "Backorder", RK_LABEL),
    COL("order", "订单号", "Order", RK_TEXT),
    COL("customer", "客户", "Customer", RK_TEXT),
    COL("sku", "产品编码", "SKU", RK_TEXT),
    COL("qty_open", "欠货数量", "Open qty", RK_INT),
    COL("age_days", "天数", "Age (days)", RK_NUM),
    COL("notified_at", "通知时间", "Notified at", RK_TIME),
    COL("state", "状态", "State", RK_TEXT),
};

const struct report_def report_backorders = {"backorders",
                                             "欠货清单",
                                             "Backorders",
                                             REPORT_COLS(backorder_cols),
                                             RF_MARKET | RF_REGION | RF_CUSTOMER | RF_SKU | RF_SPAN,
                                             0,
                                             0};

/* Per order line of the orders received in the range: ordered after cuts against shipped,
   backordered and cancelled; difference ≠ 0 is a missed or an excess shipment. */
static const struct report_column check_cols[] = {
    COL("order", "订单号", "Order", RK_LABEL),
    COL("receipt_day", "受理日期", "Received", RK_DATE),
    COL("customer", "客户", "Customer", RK_TEXT),
    REGION_COL,
    COL("sku", "产品编码", "SKU", RK_TEXT),
    COL("ordered", "订货数(削减后)", "Ordered after cuts", RK_INT),
    COL("shipped", "已发货", "Shipped", RK_INT),
    COL("backordered", "欠货", "Backordered", RK_INT),
    COL("cancelled", "取消", "Cancelled", RK_INT),
    COL("difference", "差异", "Difference", RK_INT),
};

const struct report_def report_order_shipment_check = {"order_shipment_check",
                                                       "订单发货核对表",
                                                       "Order / shipment check",
                                                       REPORT_COLS(check_cols),
                                                       RF_RANGE | RF_MARKET | RF_REGION |
                                                           RF_CUSTOMER,
                                                       0,
                                                       0};

static const struct report_column archive_cols[] = {
    CUSTOMER_COLS(RK_LABEL),
    MARKET_COL(RK_TEXT),
    REGION_COL,
    KAM_COL,
    COL("missing_count", "缺项数", "Missing items", RK_INT),
    COLW("missing", "缺少项目", "Missing", RK_TEXT, 40),
    COL("last_confirmed_on", "最近确认", "Last confirmed", RK_DATE),
};

const struct report_def report_incomplete_archives = {"incomplete_archives",
                                                      "客户档案缺项表",
                                                      "Incomplete archives",
                                                      REPORT_COLS(archive_cols),
                                                      RF_MARKET | RF_REGION | RF_CUSTOMER,
                                                      REPORT_CUSTOMER_LIST,
                                                      0};

/* seed 003 early-warning signs per market: AR against the last 90 days' sales (as of the
   range's end), overdue share, DSO, incomplete archives. */
static const struct report_column risk_cols[] = {
    MARKET_COL(RK_LABEL),
    COL("ar_fen", "应收余额", "AR", RK_MONEY),
    COL("overdue_fen", "逾期金额", "Overdue", RK_MONEY),
    BP("overdue_ratio_bp", "逾期比例", "Overdue ratio", "overdue_fen", "ar_fen"),
    COL("net_sales_90d_fen", "近90天净销售额", "Net sales, 90 days", RK_MONEY),
    BP("ar_to_sales_bp", "应收/销售", "AR / sales", "ar_fen", "net_sales_90d_fen"),
    COL("dso_days", "DSO(天)", "DSO (days)", RK_NUM),
    COL("incomplete_archives", "档案不全客户", "Incomplete archives", RK_INT),
};

const struct report_def report_risk_indicators = {"risk_indicators",
                                                  "风险指标",
                                                  "Risk indicators",
                                                  REPORT_COLS(risk_cols),
                                                  RF_AS_OF | RF_MARKET | RF_REGION | RF_CUSTOMER,
                                                  REPORT_MONEY,
                                                  0};

static const struct report_column audit_cols[] = {
    COL("category", "类别", "Category", RK_LABEL),
    COL("action", "动作", "Action", RK_TEXT),
    COL("object_type", "对象", "Object", RK_TEXT),
    COL("count", "次数", "Count", RK_INT),
};

const struct report_def report_internal_audit = {
    "internal_audit", "内部审计", "Internal audit", REPORT_COLS(audit_cols), RF_RANGE,
    REPORT_AUDIT,     0};

/* ---- field sales (issue #13; kpis-and-reports.md §4.1 #1, #2, #5–#8, #12; §4.2; §4.4) ---- */

/* #1: the items of the visit plans dated in the range (week and day plans, submitted or
   confirmed), with whether a visit report names each. */
static const struct report_column weekly_plan_cols[] = {
    SALESPERSON_COL(RK_LABEL),
    COL("date", "日期", "Date", RK_DATE),
    CUSTOMER_COLS(RK_TEXT),
    COLW("prospect", "潜在客户", "Prospect", RK_TEXT, 20),
    COLW("purpose", "拜访目的", "Purpose", RK_TEXT, 24),
    COL("key_visit", "重点拜访", "Key visit", RK_INT),
    COL("plan", "计划编号", "Plan", RK_TEXT),
    COL("reported", "已提交记录", "Reported", RK_INT),
    COLW("manager_comment", "经理意见", "Manager comment", RK_TEXT, 24),
};
const struct report_def report_weekly_work_plan = {"weekly_work_plan",
                                                   "周工作计划表",
                                                   "Weekly work plan",
                                                   REPORT_COLS(weekly_plan_cols),
                                                   RF_RANGE | RF_MARKET | RF_REGION | RF_CUSTOMER,
                                                   0,
                                                   7};

/* #2: per salesperson, the month plan's targets (plans JH of level kam or customer, month of
   `from`) and the month visit plans' visits dated in the range. */
static const struct report_column monthly_plan_cols[] = {
    SALESPERSON_COL(RK_LABEL),
    COL("target_sales_fen", "销售目标", "Sales target", RK_MONEY),
    COL("target_collection_fen", "回款目标", "Collection target", RK_MONEY),
    COL("target_active_customers", "活跃客户目标", "Active-customer target", RK_INT),
    COL("planned_visits", "计划拜访", "Planned visits", RK_INT),
    COL("planned_customers", "计划拜访客户数", "Customers to visit", RK_INT),
    COL("key_visits", "重点拜访", "Key visits", RK_INT),
    COL("new_customer_visits", "新客户拜访", "New-customer visits", RK_INT),
    COLW("key_actions", "重点工作", "Key actions", RK_TEXT, 30),
};
const struct report_def report_monthly_work_plan = {"monthly_work_plan",
                                                    "月工作计划表",
                                                    "Monthly work plan",
                                                    REPORT_COLS(monthly_plan_cols),
                                                    RF_RANGE | RF_MARKET | RF_REGION,
                                                    0,
                                                    0};

/* #5/#6: one row per KAM or rep. Net sales, collections and overdue are those of the KAM's
   customers (a rep's are their KAM's); visits done count by the visit date. */
#define SALESPERSON_COLS                                                                           \
    SALESPERSON_COL(RK_LABEL), COL("visits_planned", "计划拜访", "Visits planned", RK_INT),        \
        COL("visits_done", "完成拜访", "Visits done", RK_INT),                                     \
        COL("new_customer_visits", "新客户拜访", "New-customer visits", RK_INT),                   \
        COL("late_visit_reports", "迟交拜访记录", "Late visit reports", RK_INT),                   \
        COL("quotations_registered", "登记报价", "Quotations registered", RK_INT),                 \
        COL("quotations_issued", "发出报价", "Quotations issued", RK_INT),                         \
        COL("orders_created", "新建订单", "Orders created", RK_INT),                               \
        COL("net_sales_fen", "净销售额", "Net sales", RK_MONEY),                                   \
        COL("collections_fen", "回款", "Collections", RK_MONEY),                                   \
        COL("overdue_fen", "本人客户逾期", "Overdue of own customers", RK_MONEY),                  \
        COL("calls", "电话", "Calls", RK_INT)
static const struct report_column salesperson_week_cols[] = {SALESPERSON_COLS};
static const struct report_column salesperson_month_cols[] = {
    SALESPERSON_COLS,
    COL("target_sales_fen", "销售目标", "Sales target", RK_MONEY),
    BP("completion_bp", "完成率", "Completion", "net_sales_fen", "target_sales_fen"),
    COL("rank", "排名", "Rank", RK_NUM),
};
const struct report_def report_salesperson_weekly = {"salesperson_weekly",
                                                     "销售员工作周统计表",
                                                     "Salesperson weekly",
                                                     REPORT_COLS(salesperson_week_cols),
                                                     RF_RANGE | RF_MARKET | RF_REGION,
                                                     REPORT_MONEY,
                                                     7};
const struct report_def report_salesperson_monthly = {"salesperson_monthly",
                                                      "销售员工作月统计表",
                                                      "Salesperson monthly",
                                                      REPORT_COLS(salesperson_month_cols),
                                                      RF_RANGE | RF_MARKET | RF_REGION,
                                                      REPORT_MONEY,
                                                      0};

/* #7/#8: one row per visit report filed in the range: what the rep saw of the market. */
#define MARKET_COLS                                                                                \
    MARKET_COL(RK_LABEL), REGION_COL, COL("visit", "拜访记录", "Visit report", RK_TEXT),           \
        COL("customer", "客户", "Customer", RK_TEXT),                                              \
        COLW("competitor_products", "竞品", "Competitor products", RK_TEXT, 20),                   \
        COLW("competitor_sales", "竞品销售", "Competitor sales", RK_TEXT, 20),                     \
        COLW("observed_prices", "观察价格/我方价", "Observed price / list", RK_TEXT, 24),          \
        COL("price_inversions", "价格倒挂", "Price inversions", RK_INT),                           \
        COLW("promotions", "促销", "Promotions seen", RK_TEXT, 20),                                \
        COLW("channel_stock", "渠道库存", "Channel stock", RK_TEXT, 20),                           \
        COLW("issues", "问题", "Issues", RK_TEXT, 20), COL("reports", "报告数", "Reports", RK_INT)
static const struct report_column market_week_cols[] = {MARKET_COLS};
/* The monthly adds, per row, the visited customer's inventory reports (KC) of the range's
   months: sell-out, sell-through (sold ÷ opening + purchased + other in), the last month's
   closing stock and the stock cover (months × 10000) — the customer's, so not totalled. */
static const struct report_column market_month_cols[] = {
    MARKET_COLS,
    COL("cross_region_sightings", "窜货发现", "Cross-region sightings", RK_INT),
    COL("sell_out_qty", "动销数量", "Sell-out", RK_NUM),
    BP("sell_through_bp", "动销率", "Sell-through", NULL, NULL),
    COL("closing_qty", "期末库存", "Closing stock", RK_NUM),
    BP("stock_cover_bp", "库存月数", "Stock cover (months)", NULL, NULL),
};
const struct report_def report_market_weekly = {"market_weekly",
                                                "市场状况周统计表",
                                                "Market weekly",
                                                REPORT_COLS(market_week_cols),
                                                RF_RANGE | RF_MARKET | RF_REGION | RF_CUSTOMER,
                                                0,
                                                7};
const struct report_def report_market_monthly = {"market_monthly",
                                                 "市场状况月统计表",
                                                 "Market monthly",
                                                 REPORT_COLS(market_month_cols),
                                                 RF_RANGE | RF_MARKET | RF_REGION | RF_CUSTOMER,
                                                 0,
                                                 0};

/* #12: every customer and prospect in scope with its visits up to as_of. */
static const struct report_column target_cols[] = {
    CUSTOMER_COLS(RK_LABEL),
    COL("status", "状态", "Status", RK_TEXT),
    COL("nature", "性质", "Nature", RK_TEXT),
    COL("tier", "层级", "Tier", RK_TEXT),
    KAM_COL,
    MARKET_COL(RK_TEXT),
    REGION_COL,
    COL("phone", "电话", "Phone", RK_TEXT),
    COLW("address", "地址", "Address", RK_TEXT, 24),
    COL("visits", "拜访次数", "Visits", RK_INT),
    COL("last_visit", "最近拜访", "Last visit", RK_DATE),
};
const struct report_def report_target_customer_info = {"target_customer_info",
                                                       "目标客户基本信息情况统计表",
                                                       "Target customer information",
                                                       REPORT_COLS(target_cols),
                                                       RF_MARKET | RF_REGION | RF_CUSTOMER |
                                                           RF_AS_OF,
                                                       REPORT_CUSTOMER_LIST,
                                                       0};

/* §4.2 (seed 003): the key customers (tier key) in the range. */
static const struct report_column key_cols[] = {
    COL("customer", "重点客户", "Key customer", RK_LABEL),
    COLW("customer_name", "客户名称", "Customer name", RK_TEXT, 24),
    KAM_COL,
    COL("visits", "拜访", "Visits", RK_INT),
    COL("orders", "订单", "Orders", RK_INT),
    COL("collections_fen", "回款", "Collections", RK_MONEY),
    COL("open_issues", "未结售后", "Open after-sales", RK_INT),
    COLW("next_step", "下一步", "Next step", RK_TEXT, 30),
};
const struct report_def report_key_customer_followup = {"key_customer_followup",
                                                        "重点客户跟进表",
                                                        "Key customer follow-up",
                                                        REPORT_COLS(key_cols),
                                                        RF_RANGE | RF_MARKET | RF_REGION |
                                                            RF_CUSTOMER,
                                                        REPORT_MONEY,
                                                        7};

/* §4.4: each line of the forecasts (not drafts) whose month is in the range, against the
   quantity shipped in that month (flows.md §17 accuracy). */
static const struct report_column fva_cols[] = {
    COL("month", "月份", "Month", RK_LABEL),
    MARKET_COL(RK_TEXT),
    REGION_COL,
    COL("customer", "客户", "Customer", RK_TEXT),
    COL("sku", "产品编码", "SKU", RK_TEXT),
    COL("forecast", "预期编号", "Forecast", RK_TEXT),
    COL("level", "层级", "Level", RK_TEXT),
    COL("forecast_qty", "预期数量", "Forecast qty", RK_INT),
    COL("forecast_amount_fen", "预期金额", "Forecast amount", RK_MONEY),
    COL("actual_qty", "实际数量", "Actual qty", RK_INT),
    COL("difference_qty", "差异", "Difference", RK_INT),
    BP("accuracy_bp", "准确率", "Accuracy", NULL, NULL),
    COLW("spot_check", "抽查结果", "Spot check", RK_TEXT, 20),
};
const struct report_def report_forecast_vs_actual = {"forecast_vs_actual",
                                                     "销售预期与实际对比",
                                                     "Forecast vs actual",
                                                     REPORT_COLS(fva_cols),
                                                     RF_RANGE | RF_MARKET | RF_REGION | RF_CUSTOMER,
                                                     0,
                                                     0};

/* §4.4: each plan (JH, not drafts) whose period meets the range, against the net sales of its
   scope in its period (company: all; market; region; KAM: the KAM's customers; customer). */
static const struct report_column pva_cols[] = {
    COL("level", "计划层级", "Plan level", RK_LABEL),
    COL("owner", "负责人", "Owner", RK_TEXT),
    COL("plan", "计划编号", "Plan", RK_TEXT),
    COL("period", "期间", "Period", RK_TEXT),
    COL("state", "状态", "State", RK_TEXT),
    COL("target_fen", "目标", "Target", RK_MONEY),
    COL("actual_fen", "实际", "Actual", RK_MONEY),
    BP("completion_bp", "完成率", "Completion", "actual_fen", "target_fen"),
};
const struct report_def report_plan_vs_actual = {"plan_vs_actual",
                                                 "计划与实际对比",
                                                 "Plan vs actual",
                                                 REPORT_COLS(pva_cols),
                                                 RF_RANGE | RF_MARKET | RF_REGION,
                                                 REPORT_MONEY,
                                                 0};
