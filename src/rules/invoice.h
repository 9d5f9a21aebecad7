/*
 * invoice.h — the invoice (发票/应收, FP; flows.md §4.1, entities.md §7.1) as a document
 * table: states open → partial → paid, cancelled (credited back in full) and written_off, all
 * reached by money (allocations, credit notes, write-offs), never by a POST action. The table
 * has no actions, so every invoice answers `allowed_actions: []`; an action added later is a
 * row here. Pure.
 *
 * Not listed in doc_types[] (rules/doc_types.c): its table tests ask every listed type for at
 * least one action.
 */
#ifndef OSB_RULES_INVOICE_H
#define OSB_RULES_INVOICE_H

#include "rules/doc.h"

enum invoice_state { FPS_OPEN, FPS_PARTIAL, FPS_PAID, FPS_CANCELLED, FPS_WRITTEN_OFF };

extern const struct doc_type invoice_doc;

#endif
