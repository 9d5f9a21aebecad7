/*
 * ledger.h — reading the customer ledger (往来账), the statement of account (对账单,
 * flows.md §4.1 BC7, §4.6 cut-off) and the receivables aging (api.md §3.5).
 *
 * Each call runs inside the caller's (read) transaction. Answers are owned by the caller.
 */
#ifndef OSB_FLOW_LEDGER_H
#define OSB_FLOW_LEDGER_H

#include "flow/ctx.h"

#include <jansson.h>
#include <stddef.h>

/* GET /customers/{code}/ledger?from=&to= : {"customer","items":[...]} in ascending seq. */
int ledger_get(struct ctx *c, const char *customer, const char *from, const char *to, json_t **out,
               struct osb_err *e);

struct statement_query {
    const char *from, *to, *format, *basis, *month;
};
struct statement_out {
    json_t *json; /* format json */
    char *raw;    /* format pdf / xlsx (malloc'ed) */
    size_t raw_len;
    const char *raw_type; /* MIME type of raw */
};
/* The statement for a period: opening balance (entries dated before from), the entries
   dated from..to (by date, then seq) with a running balance, and the closing balance.
   basis=account_month snaps from and to to account months ending on the 25th (month=YYYY-MM
   names one account month). */
int statement_get(struct ctx *c, const char *customer, const struct statement_query *q,
                  struct statement_out *out, struct osb_err *e);

/* GET /receivables/aging?as_of=&market=&region= */
int aging_get(struct ctx *c, const char *as_of, const char *market, const char *region,
              json_t **out, struct osb_err *e);

#endif
