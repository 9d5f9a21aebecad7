/*
 * collection.h — the collection routine (flows.md §4.3, §4.4, BC3/BC4; issue #11):
 * collection requests (收款申请单, SKSQ) on the document kernel, the bank receipt pool (到款池,
 * DK: import a bank file, match lines to customers, claim, register a receipt in one click),
 * the call log (电话记录) and the weekly call list (每周电话拜访), and their timed jobs.
 * Every call runs inside the caller's transaction.
 */
#ifndef OSB_FLOW_COLLECTION_H
#define OSB_FLOW_COLLECTION_H

#include "flow/ctx.h"

#include <jansson.h>
#include <stddef.h>

/* The two document kinds (GET /me/queue lists what waits on the caller). */
struct doc_kind;
extern const struct doc_kind *const collreq_doc_kind;
extern const struct doc_kind *const bankline_doc_kind;

/* ---- collection requests ---- */
int collreq_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e);
struct collreq_query {
    const char *customer, *state, *cursor, *q;
    int limit;
};
int collreq_list(struct ctx *c, const struct collreq_query *q, json_t **out, struct osb_err *e);
/* GET /collection-requests/{number}, POST /collection-requests/{number}/{action}, and the same
   for /bank-receipts: the kernel's doc_get/doc_act on these kinds (http/doc.c). */
struct doc_kind;
extern const struct doc_kind *const collreq_doc_kind, *const bankline_doc_kind;

/* ---- bank receipt pool ---- */
/* POST /bank-receipts/import (text/csv): account names our receiving account when the file
   has no bank_account column (NULL: "default"). */
int bank_import(struct ctx *c, const char *account, const char *csv, size_t len, json_t **out,
                struct osb_err *e);
/* POST /bank-receipts/register-claimed {"import_no"?}: registers every claimed line (of the
   import) as a receipt; all or nothing. */
int bank_register_claimed(struct ctx *c, json_t *body, json_t **out, struct osb_err *e);
struct bank_query {
    const char *state, *customer, *cursor, *q, *import_no;
    int limit;
};
int bank_list(struct ctx *c, const struct bank_query *q, json_t **out, struct osb_err *e);

/* ---- calls and the weekly call list ---- */
/* A weekly collection call logged (flow/fieldlog.c, POST /call-logs) completes the
   customer's call task of the week of `at`. */
int collection_call_logged(struct ctx *c, const char *customer, int64_t at, int64_t call_id,
                           struct osb_err *e);
/* GET /call-list?week=&bcr=: the week's call tasks (week: any day of it; default this week). */
int call_list_week(struct ctx *c, const char *week, const char *bcr, json_t **out,
                   struct osb_err *e);

/* ---- jobs (flow/admin.c jobs[]) ---- */
/* Monday 08:00 (and any later day of the week, catching up): the week's call tasks. */
int collection_job_call_list(struct ctx *c, const char *period, struct osb_err *e);
/* Daily 09:00: the previous working day's receipts to the CSRs and BCRs. */
int collection_job_daily_receipts(struct ctx *c, const char *period, struct osb_err *e);
/* Every minute: sent requests whose invoices are all settled become paid. */
int collection_job_paid(struct ctx *c, const char *period, struct osb_err *e);

/* The Monday (YYYY-MM-DD) of the week of day. */
void collection_week_of(date_t day, char monday[11]);

#endif
