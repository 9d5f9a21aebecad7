/*
 * statement.h — the statement of account (对账单, flows.md §4.1 BC7) rendered as PDF (in
 * Chinese, cairo + pango with the Noto CJK font) or as an XLSX workbook (libxlsxwriter).
 *
 * The renderers only draw what they are given: the flow (flow/ledger.c) picks the entries,
 * the opening and closing balances and fills struct stmt_doc.
 */
#ifndef OSB_REPORT_STATEMENT_H
#define OSB_REPORT_STATEMENT_H

#include "core/err.h"

#include <stddef.h>
#include <stdint.h>

struct stmt_item {
    const char *date, *kind, *document, *order_no;
    int64_t debit_fen, credit_fen, balance_fen;
};

struct stmt_doc {
    const char *company;
    const char *customer_code, *customer_name;
    const char *from, *to, *generated_on;
    const char *basis; /* "calendar" or "account_month" */
    int64_t opening_fen, debits_fen, credits_fen, closing_fen;
    int64_t cash_fen, expense_fen; /* receipts of kind payment / expense within the period */
    const struct stmt_item *items;
    size_t nitems;
};

/* The Chinese name of a ledger kind (发票, 收款, 费用款, 红字发票, ...). */
const char *stmt_kind_zh(const char *kind);

/* On success *out is a malloc'ed buffer of *len bytes owned by the caller. */
int report_statement_pdf(const struct stmt_doc *d, char **out, size_t *len, struct osb_err *e);
int report_statement_xlsx(const struct stmt_doc *d, char **out, size_t *len, struct osb_err *e);

#endif
