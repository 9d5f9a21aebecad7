/*
 * load_modules.h — the second-wave modules' rows of the reports bench (bench/load_modules.c):
 * contracts, market expenses and budgets, POP requests, samples, quotations, after-sales
 * tickets, visit plans and visits, forecasts, plans, weekly call tasks and call logs.
 */
#ifndef BENCH_LOAD_MODULES_H
#define BENCH_LOAD_MODULES_H

#include "core/date.h"

#include <sqlite3.h>

/* Adds the modules' rows to a data set whose customers, orders, shipments and invoices are
   loaded (reports_bench's load(), or an earlier run's file), inside the caller's transaction;
   today is the day after the last order. Exits on an SQL error (a bench, not the server). */
void load_modules(sqlite3 *db, date_t today);

#endif
