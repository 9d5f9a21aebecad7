/*
 * doc_types.c — the list of every document type of this build (rules/doc.h doc_types[]).
 * A new document type adds its table here.
 */
#include "rules/contract.h"
#include "rules/doc.h"
#include "rules/instrument.h"
#include "rules/invoice_request.h"
#include "rules/statement.h"

const struct doc_type *const doc_types[] = {
    &contract_doc,
    &invoice_request_doc,
    &instrument_doc,
    &statement_doc,
    NULL,
};
