/*
 * payment.h — the receipt (收款, SK; flows.md §4.1 BC4, entities.md §7.3) as a document
 * table: one state, registered, and no actions (a receipt is corrected by another document,
 * never edited), so every receipt answers `allowed_actions: []`. Pure. Not listed in
 * doc_types[] for the same reason as invoices (rules/invoice.h).
 */
#ifndef OSB_RULES_PAYMENT_H
#define OSB_RULES_PAYMENT_H

#include "rules/doc.h"

enum payment_state { SKS_REGISTERED };

extern const struct doc_type payment_doc;

#endif
