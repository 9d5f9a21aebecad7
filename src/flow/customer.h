/*
 * customer.h — the customer lifecycle (flows.md §1, api.md §5.2–§5.3) on the document kernel,
 * the customer answer each department sees (fields by department, credit figures,
 * allowed_actions), and credit incidents entered by hand (entities.md §2.4).
 * flow/masterdata.c keeps creating, editing and listing customers and asks this file how to
 * answer them.
 */
#ifndef OSB_FLOW_CUSTOMER_H
#define OSB_FLOW_CUSTOMER_H

#include "flow/ctx.h"

#include <jansson.h>
#include <stdbool.h>

/* GET /customers/{code}: 404 unless visible; the customer with allowed_actions. */
int customer_get(struct ctx *c, const char *code, json_t **out, struct osb_err *e);

/* POST /customers/{code}/{action}: submit, qualify, approve, reject, suspend, reactivate,
   close, lift-credit-hold, set-payment-term. */
int customer_act(struct ctx *c, const char *code, const char *action, json_t *body, json_t **out,
                 struct osb_err *e);

/* The answer for a stored customer row (rec_get/list shape): the caller's fields, credit
   figures where its department sees them, allowed_actions. A new object. */
json_t *customer_answer(struct ctx *c, json_t *row);
/* customer_answer of each stored row of a list page, in place: the credit figures of the
   page read with one statement (store_credit_figures_page), each market's supervisor once. */
void customer_answer_page(struct ctx *c, json_t *rows);

/* May the caller see the customer of this stored row (supervisor: its market's SLT member)? */
bool customer_sees(struct ctx *c, json_t *row, const char *supervisor);

/* Drops the fields of a customer row the caller's department may not see; true when it may
   see credit figures. For answers and the before/after rows of the history. */
bool customer_filter(struct ctx *c, json_t *row);

/* POST /customers/{code}/credit-incidents {"kind","occurred_on","note","amount_fen"?}
   (finance, ssg_leader) → the incident. */
int customer_incident_create(struct ctx *c, const char *code, json_t *body, json_t **out,
                             struct osb_err *e);

/* The tier recompute (flows.md §1 archive rule 4; the 1st of the last month of each quarter,
   with the quarterly credit review): active customers sorted by net sales of the 12 complete
   months before, the first 80 % key, the next 15 % general, the rest scattered. Changes are
   audited; an MM's override (set-tier) lasts until the next recompute. */
int customer_job_tiers(struct ctx *c, const char *period, struct osb_err *e);

/* The archive review task (flows.md §1 archive rule 1; daily job): every active customer
   whose archive was last reviewed (archive_reviewed_on, else its creation) 12 months ago or
   more gets its KAM told, once per due date. */
int customer_job_archive_review(struct ctx *c, const char *period, struct osb_err *e);

struct doc_kind;
extern const struct doc_kind *const customer_doc_kind; /* GET /me/queue */

#endif
