/*
 * visit.h — visit plans and visit reports (拜访计划, 拜访记录 BF; flows.md §9, entities.md §11,
 * api.md §5.7). A plan (month, week or day) of the rep, KAM, UM or MM lists dated items (a
 * customer or a prospect by name, purpose, key visit); draft → submit → submitted → confirm
 * (the owner's manager, with the comment) → confirmed. A visit report names its customer and,
 * when planned, its plan item ("<plan>/<seq>"); it is filed, commented by the owner's manager
 * and verified by the CSR's call. A planned visit without a report by the next working day
 * after its date opens `visit_report` in the OSB problem log. An observed price below the
 * list price raises the price-inversion flag (倒挂).
 */
#ifndef OSB_FLOW_VISIT_H
#define OSB_FLOW_VISIT_H

#include "flow/fdoc.h"

int visit_plan_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e);

int visit_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e);

extern const struct doc_kind *const visit_plan_doc_kind, *const visit_doc_kind; /* queue */

#endif
