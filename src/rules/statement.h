/*
 * statement.h — the statement kept as a document (对账单, DZ; flows.md §4.5, entities.md
 * §7.8) as a document table: generated → send → sent → confirm | dispute (the customer's
 * reply; a disputed one may still be confirmed) → confirmed | disputed → report (the
 * customer's KAM, to the MM and finance) → reported. Pure.
 */
#ifndef OSB_RULES_STATEMENT_H
#define OSB_RULES_STATEMENT_H

#include "rules/doc.h"

enum statement_state { DZS_GENERATED, DZS_SENT, DZS_CONFIRMED, DZS_DISPUTED, DZS_REPORTED };
enum statement_action { DZA_SEND, DZA_CONFIRM, DZA_DISPUTE, DZA_REPORT };

extern const struct doc_type statement_doc;

#endif
