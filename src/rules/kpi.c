/*
 * kpi.c — the §2.1 KPI table, pct_bp and the verdict on one item (kpis-and-reports.md §1–§2).
 */
#include "rules/kpi.h"

#include <string.h>

/* Departments per §3.1 row kpi_<name>: same_day → ssg; st → slt; shipped/accuracy →
   warehouse; collected → sales. */
static const struct kpi_def defs[KPI__COUNT] = {
    [KPI_SAME_DAY_DELIVERY_NOTE] = {"same_day_delivery_note", 10000, "ssg"},
    [KPI_ST_DECIDED_NEXT_DAY] = {"st_decided_next_day", 10000, "slt"},
    [KPI_SHIPPED_WITHIN_24H] = {"shipped_within_24h", 10000, "warehouse"},
    [KPI_SHIPMENT_ACCURACY] = {"shipment_accuracy", 9800, "warehouse"},
    [KPI_COLLECTED_WITHIN_5_DAYS] = {"collected_within_5_days_of_due", 9000, "sales"},
};

const struct kpi_def *kpi_def(enum kpi_id k)
{
    return (k >= 0 && k < KPI__COUNT) ? &defs[k] : NULL;
}

int kpi_parse(const char *name)
{
    for (int i = 0; name && i < KPI__COUNT; i++)
        if (strcmp(defs[i].name, name) == 0)
            return i;
    return -1;
}

bool kpi_pct_bp(int64_t num, int64_t den, int64_t *out)
{
    if (den <= 0)
        return false;
    /* num × 10000 overflows int64 for sums of money above ~9.2 × 10^14 fen: 128 bits. */
    __int128 q = (__int128)num * 10000 / den;
    if (num < 0 && (__int128)num * 10000 % den != 0)
        q -= 1; /* floor, not truncation, should a negative sum ever reach here */
    *out = q > INT64_MAX ? INT64_MAX : q < INT64_MIN ? INT64_MIN : (int64_t)q;
    return true;
}

enum kpi_verdict kpi_judge(const struct kpi_timed *it, ts_t now)
{
    if (it->done && it->done_at <= it->deadline)
        return KV_HIT;
    if (it->left && it->left_at <= it->deadline)
        return KV_LEFT_OUT;
    if (it->deadline > now)
        return KV_LEFT_OUT; /* still in time: decided later */
    return KV_MISS;
}

void kpi_collection(int64_t amount_fen, int64_t credited_fen, int64_t settled_fen, int64_t *num_fen,
                    int64_t *den_fen)
{
    int64_t due = amount_fen - credited_fen;
    if (due < 0)
        due = 0;
    int64_t got = settled_fen < due ? settled_fen : due;
    if (got < 0)
        got = 0;
    *num_fen = got;
    *den_fen = due;
}

/* ---- further KPIs (§2.2) ------------------------------------------------------------------ */

static const char *const field_names[KPI_FIELD__COUNT] = {
    [KPI_VISIT_PLAN_COMPLETION] = "visit_plan_completion",
    [KPI_SATISFACTION] = "satisfaction",
};

const char *kpi_field_name(enum kpi_field_id k)
{
    return (k >= 0 && k < KPI_FIELD__COUNT) ? field_names[k] : NULL;
}

int kpi_field_parse(const char *name)
{
    for (int i = 0; name && i < KPI_FIELD__COUNT; i++)
        if (strcmp(field_names[i], name) == 0)
            return i;
    return -1;
}

enum kpi_verdict kpi_visit_planned(bool reported, ts_t deadline, ts_t now)
{
    if (reported)
        return KV_HIT;
    return deadline > now ? KV_LEFT_OUT : KV_MISS;
}

bool kpi_rating_counts(int64_t rating)
{
    return rating >= 1 && rating <= 5;
}

bool kpi_mean_x100(int64_t sum, int64_t n, int64_t *out)
{
    if (n <= 0)
        return false;
    __int128 q = (__int128)sum * 100 / n;
    if (sum < 0 && (__int128)sum * 100 % n != 0)
        q -= 1;
    *out = q > INT64_MAX ? INT64_MAX : q < INT64_MIN ? INT64_MIN : (int64_t)q;
    return true;
}
