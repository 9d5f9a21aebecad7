/*
 * doc_types.c — the list of every document type of this build (rules/doc.h doc_types[]).
 * A new document type adds its table here.
 */
#include "rules/backorder.h"
#include "rules/contract.h"
#include "rules/doc.h"
#include "rules/instrument.h"
#include "rules/invoice_request.h"
#include "rules/order.h"
#include "rules/osb_issue.h"
#include "rules/payment.h"
#include "rules/refund.h"
#include "rules/returns.h"
#include "rules/shipment.h"
#include "rules/statement.h"
#include "rules/write_off.h"

const struct doc_type *const doc_types[] = {
    &order_doc,     &shipment_doc,  &backorder_doc, &contract_doc,        &return_doc,
    &refund_doc,    &write_off_doc, &osb_issue_doc, &invoice_request_doc, &instrument_doc,
    &statement_doc, &payment_doc, /* corrections: reverse, reallocate */
    NULL,
};
