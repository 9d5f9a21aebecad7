/*
 * write_off.h — the bad-debt write-off (坏账核销, HX; flows.md §4.7, numbering-and-rules.md
 * §5) as a document table: requested → approve (the GM) → approved, or reject (the GM) →
 * rejected. Pure: flow/write_off.c adds that nobody approves their own request.
 */
#ifndef OSB_RULES_WRITE_OFF_H
#define OSB_RULES_WRITE_OFF_H

#include "rules/doc.h"

#include <stdint.h>

enum write_off_state { WS_REQUESTED, WS_APPROVED, WS_REJECTED };
enum write_off_action { WA_APPROVE, WA_REJECT };

extern const struct doc_type write_off_doc;

/* The invoice's state after writing amount off (docs/billing.md): written_off when nothing is
   left open, partial when some of it is settled, credited or written off, else open. */
const char *write_off_invoice_state(int64_t open_fen, int64_t total_fen, int64_t amount_fen);

#endif
