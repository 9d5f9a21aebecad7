/*
 * invoice.c — the invoice's states, and no actions (rules/invoice.h).
 */
#include "rules/invoice.h"

static const char *const states[] = {"open", "partial", "paid", "cancelled", "written_off", NULL};

const struct doc_type invoice_doc = {"invoices", "invoice", states, NULL, 0};
