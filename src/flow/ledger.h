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

/* The figures of a statement for from..to (YYYY-MM-DD): the opening balance (entries dated
   before from), the entries dated from..to (by date, then seq) each with its running
   balance_fen, their sums and the closing balance. *entries is new (caller owns it). No scope
   check: the caller has done it. 422 amount_overflow when a sum overflows. */
struct ledger_figures {
    int64_t opening_fen, debits_fen, credits_fen, closing_fen;
    json_t *entries;
};
int ledger_figures(struct ctx *c, const char *customer, const char *from, const char *to,
                   struct ledger_figures *out, struct osb_err *e);

/* GET /receivables/aging?as_of=&market=&region= */
int aging_get(struct ctx *c, const char *as_of, const char *market, const char *region,
              json_t **out, struct osb_err *e);

#endif
