/*
 * report_cols.h — the column initialisers of the report definitions (rules/report_defs.c,
 * report_modules.c, report_collection.c, report_monthly.c), private to those files: one macro per
 * column shape, and one column set per dimension (market, region, customer, distributor, KAM,
 * salesperson), so that a dimension's key and zh/en titles are written once.
 */
#ifndef OSB_RULES_REPORT_COLS_H
#define OSB_RULES_REPORT_COLS_H

#include "rules/report.h"

#define COL(k, zh, en, kind)                                                                       \
    {                                                                                              \
        k, zh, en, kind, NULL, NULL, 0                                                             \
    }
#define COLW(k, zh, en, kind, w)                                                                   \
    {                                                                                              \
        k, zh, en, kind, NULL, NULL, w                                                             \
    }
#define BP(k, zh, en, n, d)                                                                        \
    {                                                                                              \
        k, zh, en, RK_BP, n, d, 0                                                                  \
    }
#define SHARE(k, zh, en, n)                                                                        \
    {                                                                                              \
        k, zh, en, RK_SHARE, n, NULL, 0                                                            \
    }

/* The dimensions: kind is RK_LABEL where the column is the row's first (its label). */
#define MARKET_COL(kind) COL("market", "市场", "Market", kind)
#define REGION_COL COL("region", "区域", "Region", RK_TEXT)
#define KAM_COL COL("kam", "客户经理", "KAM", RK_TEXT)
#define SALESPERSON_COL(kind) COL("salesperson", "销售员", "Salesperson", kind)
#define CUSTOMER_COLS(kind)                                                                        \
    COL("customer", "客户", "Customer", kind),                                                     \
        COLW("customer_name", "客户名称", "Customer name", RK_TEXT, 24)
#define DISTRIBUTOR_COLS                                                                           \
    COL("customer", "经销商", "Distributor", RK_LABEL),                                            \
        COLW("customer_name", "经销商名称", "Distributor name", RK_TEXT, 24)

#endif
