/*
 * forecast.h — sales forecasts (销售预期, YC; flows.md §17) and plans (计划, JH; flows.md §18;
 * entities.md §9; api.md §5.7).
 *
 * A forecast rolls the next three months per customer (or region, market, company) and SKU
 * with its capacity basis: draft (rep, KAM, UM) → submit → submitted (lines deviating more than
 * 30 % from the average actual of the last three months are flagged for a spot check) →
 * assess (CSR or SSG leader, per line: adjusted_qty, comment, spot-check result; within two
 * working days: `forecast_assess`) → assessed → aggregate → aggregated → approve (the MM of
 * its market; a company forecast the SLT) → approved. Each line of a month already past shows
 * its actual shipped quantity and accuracy_bp.
 *
 * A plan is one level of the cascade company (SLT) → market (MM) → region (UM) → KAM or
 * customer (KAM): draft → submit → submitted → approve or return (the next level up) →
 * approved.
 */
#ifndef OSB_FLOW_FORECAST_H
#define OSB_FLOW_FORECAST_H

#include "flow/fdoc.h"

int forecast_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e);

int plan_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e);

struct doc_kind;
extern const struct doc_kind *const forecast_doc_kind, *const plan_doc_kind; /* queue */

#endif
