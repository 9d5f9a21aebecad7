/*
 * doc_types.c — the list of every document type of this build (rules/doc.h doc_types[]).
 * A new document type adds its table here.
 */
#include "rules/contract.h"
#include "rules/doc.h"
#include "rules/order.h"

const struct doc_type *const doc_types[] = {
    &contract_doc,
    &order_doc,
    NULL,
};
