/*
 * handlers.h — every HTTP handler, one file per resource (listed in router.c's table).
 */
#ifndef OSB_HANDLERS_H
#define OSB_HANDLERS_H

#include "http/http.h"

/* session.c */
int h_login(struct req *r, struct osb_err *e);
int h_logout(struct req *r, struct osb_err *e);
int h_me(struct req *r, struct osb_err *e);
/* GET /me/queue, POST /me/password, POST /users/{username}/end-sessions (area queue) */
int h_me_queue(struct req *r, struct osb_err *e);
int h_people(struct req *r, struct osb_err *e);
int h_me_password(struct req *r, struct osb_err *e);
int h_user_end_sessions(struct req *r, struct osb_err *e);

/* masterdata.c: markets, regions, users, customers, products, warehouses */
#define MD_DECL(name)                                                                              \
    int h_##name##_create(struct req *r, struct osb_err *e);                                       \
    int h_##name##_list(struct req *r, struct osb_err *e);                                         \
    int h_##name##_get(struct req *r, struct osb_err *e);                                          \
    int h_##name##_patch(struct req *r, struct osb_err *e);                                        \
    int h_##name##_history(struct req *r, struct osb_err *e);
MD_DECL(markets)
MD_DECL(regions)
MD_DECL(users)
MD_DECL(customers)
MD_DECL(products)
MD_DECL(warehouses)
#undef MD_DECL
int h_customers_import(struct req *r, struct osb_err *e);
int h_products_import(struct req *r, struct osb_err *e);
int h_customer_credit(struct req *r, struct osb_err *e);

/* stock.c */
int h_stock_receipt(struct req *r, struct osb_err *e);
int h_stock_list(struct req *r, struct osb_err *e);

/* quotas.c */
int h_quota_create(struct req *r, struct osb_err *e);
int h_quota_list(struct req *r, struct osb_err *e);
int h_quota_get(struct req *r, struct osb_err *e);
int h_quota_patch(struct req *r, struct osb_err *e);

/* admin.c: the audit log */
int h_audit_list(struct req *r, struct osb_err *e);

/* admin.c: test clock, jobs */
int h_clock_put(struct req *r, struct osb_err *e);
int h_clock_get(struct req *r, struct osb_err *e);
int h_jobs_run(struct req *r, struct osb_err *e);

/* orders.c */
int h_order_create(struct req *r, struct osb_err *e);
int h_order_get(struct req *r, struct osb_err *e);
int h_order_list(struct req *r, struct osb_err *e);
int h_order_action(struct req *r, struct osb_err *e);
int h_quota_approval(struct req *r, struct osb_err *e);
int h_quota_transfer(struct req *r, struct osb_err *e);

/* shipments.c: shipments and backorders */
int h_shipment_list(struct req *r, struct osb_err *e);
int h_shipment_get(struct req *r, struct osb_err *e);
int h_shipment_action(struct req *r, struct osb_err *e);
int h_backorder_list(struct req *r, struct osb_err *e);
int h_backorder_get(struct req *r, struct osb_err *e);
int h_backorder_action(struct req *r, struct osb_err *e);

/* delivery_notes.c */
int h_delivery_note_get(struct req *r, struct osb_err *e);

/* billing.c: invoices, credit notes, payments, ledger, statements, credit incidents, aging */
int h_invoice_list(struct req *r, struct osb_err *e);
int h_invoice_get(struct req *r, struct osb_err *e);
int h_credit_note_get(struct req *r, struct osb_err *e);
int h_payment_create(struct req *r, struct osb_err *e);
int h_payment_list(struct req *r, struct osb_err *e);
int h_payment_get(struct req *r, struct osb_err *e);
int h_payment_action(struct req *r, struct osb_err *e);
int h_customer_ledger(struct req *r, struct osb_err *e);
int h_customer_credit_incidents(struct req *r, struct osb_err *e);
int h_customer_statement(struct req *r, struct osb_err *e);
int h_receivables_aging(struct req *r, struct osb_err *e);

/* returns.c */
int h_return_create(struct req *r, struct osb_err *e);
int h_return_list(struct req *r, struct osb_err *e);
int h_return_get(struct req *r, struct osb_err *e);
int h_return_action(struct req *r, struct osb_err *e);

/* refunds.c */
int h_refund_create(struct req *r, struct osb_err *e);
int h_refund_list(struct req *r, struct osb_err *e);
int h_refund_get(struct req *r, struct osb_err *e);
int h_refund_action(struct req *r, struct osb_err *e);

/* write_offs.c */
int h_write_off_create(struct req *r, struct osb_err *e);
int h_write_off_list(struct req *r, struct osb_err *e);
int h_write_off_get(struct req *r, struct osb_err *e);
int h_write_off_action(struct req *r, struct osb_err *e);

/* statements.c */
int h_statement_create(struct req *r, struct osb_err *e);
int h_statement_list(struct req *r, struct osb_err *e);
int h_statement_get(struct req *r, struct osb_err *e);
int h_statement_action(struct req *r, struct osb_err *e);

/* instruments.c */
int h_instrument_create(struct req *r, struct osb_err *e);
int h_instrument_list(struct req *r, struct osb_err *e);
int h_instrument_get(struct req *r, struct osb_err *e);
int h_instrument_action(struct req *r, struct osb_err *e);

/* credit.c (CMR: credit reviews, grade lists) */
int h_credit_review_create(struct req *r, struct osb_err *e);
int h_credit_review_list(struct req *r, struct osb_err *e);
int h_credit_grade_get(struct req *r, struct osb_err *e);
int h_credit_grade_action(struct req *r, struct osb_err *e);
/* customers.c */
int h_customer_action(struct req *r, struct osb_err *e);
int h_customer_incident_create(struct req *r, struct osb_err *e);
/* market.c (market support, api.md §5.6) */
int h_budget_create(struct req *r, struct osb_err *e);
int h_budget_list(struct req *r, struct osb_err *e);
int h_budget_get(struct req *r, struct osb_err *e);
int h_pop_allocation_create(struct req *r, struct osb_err *e);
int h_pop_allocation_list(struct req *r, struct osb_err *e);
int h_invrep_prefill(struct req *r, struct osb_err *e);
int h_invrep_import(struct req *r, struct osb_err *e);
/* market wave 2b (#12): files of market documents, consumer records (http/market_files.c) */
int h_pop_file_upload(struct req *r, struct osb_err *e);
int h_pop_file_list(struct req *r, struct osb_err *e);
int h_expense_file_upload(struct req *r, struct osb_err *e);
int h_expense_file_list(struct req *r, struct osb_err *e);
int h_support_doc_upload(struct req *r, struct osb_err *e);
int h_support_doc_list(struct req *r, struct osb_err *e);
int h_contract_file_upload(struct req *r, struct osb_err *e);
int h_contract_file_list(struct req *r, struct osb_err *e);
int h_support_doc_send(struct req *r, struct osb_err *e);
int h_market_file_get(struct req *r, struct osb_err *e);
int h_consumer_create(struct req *r, struct osb_err *e);
int h_consumer_list(struct req *r, struct osb_err *e);
int h_consumer_get(struct req *r, struct osb_err *e);
int h_consumer_follow_up(struct req *r, struct osb_err *e);
#define MKT_DECL(name)                                                                             \
    int h_##name##_create(struct req *r, struct osb_err *e);                                       \
    int h_##name##_list(struct req *r, struct osb_err *e);
MKT_DECL(expense_app)
MKT_DECL(pop_request)
MKT_DECL(sample)
MKT_DECL(invrep)
MKT_DECL(support)

/* contracts.c */
int h_contract_create(struct req *r, struct osb_err *e);
int h_contract_list(struct req *r, struct osb_err *e);

/* price_lists.c (prices) */
int h_price_list_create(struct req *r, struct osb_err *e);
int h_price_list_import(struct req *r, struct osb_err *e);
int h_price_list_list(struct req *r, struct osb_err *e);

/* invoice_requests.c */
int h_invoice_request_create(struct req *r, struct osb_err *e);
int h_invoice_request_list(struct req *r, struct osb_err *e);
int h_invoice_request_get(struct req *r, struct osb_err *e);
int h_invoice_request_action(struct req *r, struct osb_err *e);

/* admin.c: notifications */
int h_notifications_list(struct req *r, struct osb_err *e);
int h_notifications_read_all(struct req *r, struct osb_err *e);
int h_notification_read(struct req *r, struct osb_err *e);

/* admin.c: settings and the e-mail outbox */
int h_settings_list(struct req *r, struct osb_err *e);
int h_settings_put(struct req *r, struct osb_err *e);
int h_outbox_list(struct req *r, struct osb_err *e);
int h_outbox_retry(struct req *r, struct osb_err *e);

/* osb.c: the OSB problem log, KPIs, the OSB meeting report */
int h_osb_issue_list(struct req *r, struct osb_err *e);
int h_osb_issue_get(struct req *r, struct osb_err *e);
int h_osb_issue_action(struct req *r, struct osb_err *e);
int h_osb_issue_create(struct req *r, struct osb_err *e);
int h_kpis(struct req *r, struct osb_err *e);
int h_kpi_items(struct req *r, struct osb_err *e);
int h_kpi_get(struct req *r, struct osb_err *e);
int h_report_osb_meeting(struct req *r, struct osb_err *e);

/* doc.c — every kernel document whose route row names its kind: GET /<collection>/{number},
   POST /<collection>/{number}/{action}, and the field documents' GET /<collection> */
int h_doc_get(struct req *r, struct osb_err *e);
int h_doc_action(struct req *r, struct osb_err *e);
int h_fdoc_list(struct req *r, struct osb_err *e);

/* field.c — field sales (api.md §5.7): the creates (the rest is doc.c) */
#define FIELD_HANDLER_DECLS(name) int h_##name##_create(struct req *r, struct osb_err *e);
FIELD_HANDLER_DECLS(quotation)
FIELD_HANDLER_DECLS(after_sales)
FIELD_HANDLER_DECLS(visit_plan)
FIELD_HANDLER_DECLS(visit)
/* reports.c: the report engine (api.md §5.8) */
int h_reports_list(struct req *r, struct osb_err *e);
int h_report_get(struct req *r, struct osb_err *e);
int h_export_approval(struct req *r, struct osb_err *e);
FIELD_HANDLER_DECLS(forecast)
FIELD_HANDLER_DECLS(plan)
/* fieldlog.c — field sales, records (issue #13): work logs, call logs, monthly focus,
   meetings, sightings, visit verification picks */
int h_work_log_create(struct req *r, struct osb_err *e);
int h_work_log_get(struct req *r, struct osb_err *e);
int h_work_log_list(struct req *r, struct osb_err *e);
int h_call_log_create(struct req *r, struct osb_err *e);
int h_call_log_get(struct req *r, struct osb_err *e);
int h_call_log_list(struct req *r, struct osb_err *e);
int h_monthly_focus_create(struct req *r, struct osb_err *e);
int h_monthly_focus_get(struct req *r, struct osb_err *e);
int h_monthly_focus_list(struct req *r, struct osb_err *e);
int h_meeting_create(struct req *r, struct osb_err *e);
int h_meeting_get(struct req *r, struct osb_err *e);
int h_meeting_list(struct req *r, struct osb_err *e);
int h_sighting_list(struct req *r, struct osb_err *e);
int h_visit_verification_create(struct req *r, struct osb_err *e);
int h_visit_verification_list(struct req *r, struct osb_err *e);
int h_satisfaction_create(struct req *r, struct osb_err *e);
int h_satisfaction_list(struct req *r, struct osb_err *e);

/* issue #17: lists */
int h_list_export_xlsx(struct req *r, struct osb_err *e);

/* collection.c (collection routine, issue #11) */
int h_collreq_create(struct req *r, struct osb_err *e);
int h_collreq_list(struct req *r, struct osb_err *e);
int h_bank_import(struct req *r, struct osb_err *e);
int h_bank_register_claimed(struct req *r, struct osb_err *e);
int h_bank_list(struct req *r, struct osb_err *e);
int h_call_list_week(struct req *r, struct osb_err *e);

#endif
