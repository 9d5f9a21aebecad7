/*
 * overdue.h (store) — the SQL of the overdue ladder (flow/overdue.c): the invoices it looks
 * at, the `overdue_90` credit incident, the customer's credit hold, whether a reminder was
 * sent, and the credit incidents of a customer.
 */
#ifndef OSB_STORE_OVERDUE_H
#define OSB_STORE_OVERDUE_H

#include "store/db.h"

#include <jansson.h>
#include <stdint.h>

/* Open invoices due on or before `horizon` with their people: [{number, customer,
   invoice_date, due_date, open_fen, kam, um, bcr, supervisor}] by due date and number. um is
   the order's, else the region's; bcr the order's, else the market's, else the first active
   ssg_leader. */
json_t *store_overdue_candidates(struct db *db, struct osb_err *e, const char *horizon);
/* Records the invoice's `overdue_90` incident once: 1 recorded now, 0 recorded before. */
int store_incident_overdue_90(struct db *db, struct osb_err *e, const char *customer,
                              const char *date, int64_t amount, const char *note,
                              const char *invoice, int64_t now);
/* The customer's {grade, credit_hold (bool), credit_hold_reason}: 1 found (a new object), 0. */
int store_customer_hold(struct db *db, struct osb_err *e, const char *customer, json_t **out);
/* Grade E and credit hold with the reason; version + 1. */
int store_customer_set_hold(struct db *db, struct osb_err *e, const char *customer,
                            const char *reason, int64_t now);
/* How many notifications carry the dedup key. */
int store_notification_sent(struct db *db, struct osb_err *e, const char *dedup_key, int64_t *n);
/* The customer's credit incidents, newest first: [{id, date, kind, amount_fen, note,
   recorded_by, invoice, created_at}]. */
json_t *store_credit_incidents(struct db *db, struct osb_err *e, const char *customer);

#endif
