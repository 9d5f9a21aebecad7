/*
 * collection.h — the collection routine (flows.md §4.3, §4.4, BC3/BC4; entities.md §7.4, §7.8,
 * §11) as data:
 *
 *   collection request (收款申请单, SKSQ): create → draft → submit (its creator) → submitted →
 *   confirm (the market's BCR and finance, both; the second confirmation moves it) → confirmed
 *   → send (BCR or the customer's KAM) → sent → paid (the system, once its invoices are
 *   settled); close (BCR) from any state but paid and closed.
 *
 *   bank receipt pool line (到款池): imported unmatched, or claimed at once when the payer
 *   names exactly one customer (account, name, remark); claim (finance, BCR, KAM) → claimed;
 *   register (finance) → registered (a receipt SK); ignore (finance) → ignored.
 *
 * Pure: who beyond the matrix (the market's BCR, the customer's KAM) is decided in
 * flow/collection.c. Listed in doc_types[].
 */
#ifndef OSB_RULES_COLLECTION_H
#define OSB_RULES_COLLECTION_H

#include "rules/doc.h"

#include <stdbool.h>
#include <stddef.h>

enum collreq_state {
    COLR_DRAFT,
    COLR_SUBMITTED,
    COLR_CONFIRMED,
    COLR_SENT,
    COLR_PAID,
    COLR_CLOSED
};
enum collreq_action { COLRA_SUBMIT, COLRA_CONFIRM, COLRA_SEND, COLRA_CLOSE, COLRA__COUNT };

extern const struct doc_type collreq_doc;

enum bankline_state { BANKL_UNMATCHED, BANKL_CLAIMED, BANKL_REGISTERED, BANKL_IGNORED };
enum bankline_action { BANKLA_CLAIM, BANKLA_REGISTER, BANKLA_IGNORE, BANKLA__COUNT };

extern const struct doc_type bankline_doc;

/* The kinds of a call log entry (entities.md §11). */
extern const char *const call_kinds[];

/* The column a bank export's header cell names (the common Chinese bank exports and the
   entity's own names): 0 value_date, 1 payer_name, 2 payer_account, 3 amount (yuan),
   4 amount_fen, 5 memo, 6 bank_ref, 7 bank_account; -1 unknown. Case and spaces around are
   ignored. */
enum bank_col {
    BANKC_DATE,
    BANKC_PAYER_NAME,
    BANKC_PAYER_ACCOUNT,
    BANKC_AMOUNT_YUAN,
    BANKC_AMOUNT_FEN,
    BANKC_MEMO,
    BANKC_REF,
    BANKC_ACCOUNT,
    BANKC__COUNT
};
int bank_column(const char *header);

/* A bank amount in yuan ("1,234.50", "1234.5", "¥1234") as fen; false when it is not a
   positive amount with at most 2 decimals or is above 10^13 fen. */
bool bank_amount_yuan(const char *s, long long *fen);

/* A bank date as YYYY-MM-DD into out (11 bytes): "2026-11-23", "2026/11/23", "20261123",
   "2026.11.23"; false when it is none of these. Only the form is checked. */
bool bank_date(const char *s, char out[11]);

/* Does the remark name the customer code as a whole word (bounded by start/end or a character
   that cannot be part of a code)? Codes shorter than 3 characters never match (too common). */
bool bank_memo_names(const char *memo, const char *code);

#endif
