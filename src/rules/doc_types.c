/*
 * doc_types.c — the list of every document type of this build (rules/doc.h doc_types[]).
 * A new document type adds its table here.
 */
#include "rules/backorder.h"
#include "rules/cmr.h"
#include "rules/collection.h" /* collection routine */
#include "rules/contract.h"
#include "rules/customer.h"
#include "rules/doc.h"
#include "rules/field.h"
#include "rules/instrument.h"
#include "rules/invoice_request.h"
#include "rules/market.h"
#include "rules/order.h"
#include "rules/osb_issue.h"
#include "rules/payment.h"
#include "rules/price_list.h" /* prices */
#include "rules/refund.h"
#include "rules/returns.h"
#include "rules/shipment.h"
#include "rules/statement.h"
#include "rules/write_off.h"

const struct doc_type *const doc_types[] = {
    /* clang-format off */
    &order_doc,
    &shipment_doc,
    &backorder_doc,
    &contract_doc,
    &return_doc,
    &refund_doc,
    &write_off_doc,
    &osb_issue_doc,
    &invoice_request_doc,
    &instrument_doc,
    &statement_doc,
    &credit_review_doc,
    &customer_doc,
    &price_list_doc,
    &payment_doc,
    &expense_doc,
    &pop_doc,
    &sample_doc,
    &invrep_doc,
    &quotation_doc,
    &after_sales_doc,
    &visit_plan_doc,
    &visit_doc,
    &forecast_doc,
    &plan_doc,
    &support_doc,
    &collreq_doc, &bankline_doc, /* collection routine */
    /* clang-format on */
    NULL,
};
