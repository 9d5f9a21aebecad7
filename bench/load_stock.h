/*
 * load_stock.h — the operations rows of reports_bench's data set (bench/load_stock.c): stock
 * lots and moves with batch numbers on the shipment lines, backorders, the last day's open
 * orders and shipments, quotas and their uses, prepayments, credit grades and the
 * distributors' inventory reports.
 */
#ifndef BENCH_LOAD_STOCK_H
#define BENCH_LOAD_STOCK_H

#include "core/date.h"

#include <sqlite3.h>

/* Adds the rows to a data set of n orders and nc customers whose last orders are dated
   today − 1 (reports_bench's load), inside the caller's transaction: INSERT … SELECT from the
   orders, shipments, invoices, customers and ledger already loaded. Exits on an error. */
void load_stock(sqlite3 *db, long n, long nc, date_t today);

#endif
