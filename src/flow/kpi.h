/*
 * kpi.h — the OSB business targets (kpis-and-reports.md §2.1, api.md §3.7): GET /kpis, the
 * drill-down GET /kpis/{name}/items listing every document behind a figure, and the monthly
 * job that opens a kpi_<name> problem-log entry per market below target.
 */
#ifndef OSB_FLOW_KPI_H
#define OSB_FLOW_KPI_H

#include "flow/ctx.h"
#include "rules/kpi.h"

#include <jansson.h>

struct kpi_query {
    const char *from, *to; /* YYYY-MM-DD, inclusive; default: the first of this month, today */
    const char *market, *region;
};

/* GET /kpis: {"<name>":{"num","den","pct_bp","target_bp"}, ...}. */
int kpi_list(struct ctx *c, const struct kpi_query *q, json_t **out, struct osb_err *e);
/* GET /kpis/{name}/items: the figures and every item counted, with in_numerator. */
int kpi_items(struct ctx *c, const char *name, const struct kpi_query *q, json_t **out,
              struct osb_err *e);

/* One KPI over [from, to] for a market (NULL = all), limited to the caller's data scope.
   items, when not NULL, receives one object per counted item. */
int kpi_figures(struct ctx *c, enum kpi_id k, date_t from, date_t to, const char *market,
                const char *region, int64_t *num, int64_t *den, json_t *items, struct osb_err *e);
/* kpi_figures split by the candidates' market as well: split->num[i] and split->den[i] are
   added the figures of the market split->code[i] (the same as kpi_figures for that market
   alone, from one reading of the period instead of one per market). */
struct kpi_split {
    size_t n;
    const char **code;
    int64_t *num, *den;
};
int kpi_figures_split(struct ctx *c, enum kpi_id k, date_t from, date_t to, const char *market,
                      int64_t *num, int64_t *den, struct kpi_split *split, struct osb_err *e);
/* {"num","den","pct_bp","target_bp"} of figures (pct_bp null when den = 0). */
json_t *kpi_json(enum kpi_id k, int64_t num, int64_t den);

/* GET /kpis/{name}: one KPI's figures with kpi, from, to, market — the five of GET /kpis and
   the further ones of §2.2 computed here: visit_plan_completion {num, den, pct_bp,
   target_bp: null} and satisfaction {num (Σ ratings), den (ratings), mean_x100, tickets,
   calls, target_bp: null}. GET /kpis/{name}/items answers those with their items too. */
int kpi_get(struct ctx *c, const char *name, const struct kpi_query *q, json_t **out,
            struct osb_err *e);
/* A further KPI over [from, to] (items, when not NULL, receives every item counted). */
int kpi_field_figures(struct ctx *c, enum kpi_field_id k, date_t from, date_t to,
                      const char *market, const char *region, json_t **fig, json_t *items,
                      struct osb_err *e);

/* The 1st 06:00 job (flows.md §20): a kpi_<name> entry for each market whose finished month
   is below target. period is the month the job runs in ("2026-12" checks November). */
int kpi_job_breaches(struct ctx *c, const char *period, struct osb_err *e);

#endif
