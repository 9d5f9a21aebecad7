/*
 * quotation.h — quotations and bids (报价/投标, BJ / TB; flows.md §8, entities.md §9, api.md
 * §5.7): registered at once on an inquiry or tender by the customer's KAM or rep; decided
 * within one working day (`quotation_decide` in the OSB problem log) by the MM, a major one by
 * the supervising SLT member; prepared with technical and purchasing support tasks; reviewed
 * and approved (major: the MM, then the SLT member); issued (valid 30 days by default); won
 * (opens a contract draft with the quotation's terms), lost or expired (also by the daily job).
 */
#ifndef OSB_FLOW_QUOTATION_H
#define OSB_FLOW_QUOTATION_H

#include "flow/ctx.h"
#include "flow/fdoc.h"

#include <jansson.h>

int quotation_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e);
/* The daily job: issued quotations past valid_until become expired. */
int quotation_job_expire(struct ctx *c, const char *period, struct osb_err *e);

/* The lines of a quotation or forecast body checked and normalised into *out (a new array):
   [{sku|item, spec, qty, price_fen, lead_time_days}] and their total into *total (422
   amount_too_large over 10^13 fen). */
int quotation_lines(struct ctx *c, json_t *lines, json_t **out, int64_t *total, struct osb_err *e);

extern const struct doc_kind *const quotation_doc_kind; /* GET /me/queue */

#endif
