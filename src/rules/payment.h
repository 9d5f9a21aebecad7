/*
 * payment.h — the receipt (收款, SK; flows.md §4.1 BC4, §4.2.7, entities.md §7.3; api.md §5.5)
 * as a document table: registered → reverse → reversed, and reallocate, which moves the
 * receipt's allocations between invoices of its customer and leaves it registered. A receipt
 * is never edited: a reversal posts a payment_reversal ledger debit, a re-allocation reverses
 * allocations (reversed_by) and adds new ones. Pure. Listed in doc_types[].
 */
#ifndef OSB_RULES_PAYMENT_H
#define OSB_RULES_PAYMENT_H

#include "rules/doc.h"

enum payment_state { SKS_REGISTERED, SKS_REVERSED };
enum payment_action { SKA_REVERSE, SKA_REALLOCATE, SKA__COUNT };

extern const struct doc_type payment_doc;

#endif
