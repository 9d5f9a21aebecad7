/*
 * kpi.h — the OSB business targets of kpis-and-reports.md §2.1 (pinned in api.md §3.7): their
 * names and targets, the percentage, and how one item is judged against its deadline.
 *
 * Pure: the flow (flow/kpi.c) reads the facts of each document and the calendar, computes the
 * deadline with rules/deadline.h, and asks kpi_judge() whether the item is a hit, a miss, or
 * left out of the period (still in time, or it left the clock before the deadline).
 */
#ifndef OSB_RULES_KPI_H
#define OSB_RULES_KPI_H

#include "core/date.h"

#include <stdbool.h>
#include <stdint.h>

enum kpi_id {
    KPI_SAME_DAY_DELIVERY_NOTE,
    KPI_ST_DECIDED_NEXT_DAY,
    KPI_SHIPPED_WITHIN_24H,
    KPI_SHIPMENT_ACCURACY,
    KPI_COLLECTED_WITHIN_5_DAYS,
    KPI__COUNT
};

struct kpi_def {
    const char *name;       /* pinned: "same_day_delivery_note", ... */
    int32_t target_bp;      /* 10000, 10000, 10000, 9800, 9000 */
    const char *department; /* whose KPI it is (kpi_<name> problem-log entries, §3.1) */
};

const struct kpi_def *kpi_def(enum kpi_id k);
/* The KPI of that name, or -1. */
int kpi_parse(const char *name);

/* pct_bp = ⌊num × 10000 / den⌋ (§1.1); false when den <= 0 (the answer is null). */
bool kpi_pct_bp(int64_t num, int64_t den, int64_t *out);

enum kpi_verdict {
    KV_LEFT_OUT, /* not counted: still in time, or it left the clock before the deadline */
    KV_HIT,      /* counted in numerator and denominator */
    KV_MISS,     /* counted in the denominator only */
};

/* One item measured against one deadline. */
struct kpi_timed {
    ts_t deadline;
    bool done;    /* the awaited event happened ... */
    ts_t done_at; /* ... at this instant */
    bool left;    /* the item left the clock without it (pause, reject, cancel) ... */
    ts_t left_at; /* ... at this instant */
};

/* Hit when done by the deadline; left out when it left the clock by the deadline or the
   deadline has not passed yet (passed = deadline <= now); otherwise a miss, whatever happens
   later (§1.2.5). */
enum kpi_verdict kpi_judge(const struct kpi_timed *it, ts_t now);

/* collected_within_5_days_of_due for one invoice: due = amount − credit notes dated by due
   + N (never below 0); collected = min(settled by due + N, due) (never below 0). */
void kpi_collection(int64_t amount_fen, int64_t credited_fen, int64_t settled_fen, int64_t *num_fen,
                    int64_t *den_fen);

/* ---- further KPIs of §2.2 (field sales, issue 13): not among GET /kpis' pinned five; GET
   /kpis/{name} and /kpis/{name}/items answer them. No target in the spec. */
enum kpi_field_id { KPI_VISIT_PLAN_COMPLETION, KPI_SATISFACTION, KPI_FIELD__COUNT };
/* "visit_plan_completion", "satisfaction"; NULL out of range */
const char *kpi_field_name(enum kpi_field_id k);
/* the further KPI of that name, or -1 */
int kpi_field_parse(const char *name);

/* visit_plan_completion = planned visits done ÷ planned visits: a plan item (of a submitted or
   confirmed visit plan) is done when a visit report names it — however late; while not and
   its report is not yet due (deadline > now) it is left out until decided (§1.1); otherwise
   it counts as not done. */
enum kpi_verdict kpi_visit_planned(bool reported, ts_t deadline, ts_t now);

/* satisfaction = the mean rating of closed after-sales tickets and satisfaction calls: only a
   rating 1-5 counts (an unrated ticket or call is left out). */
bool kpi_rating_counts(int64_t rating);
/* The mean as rating × 100 rounded down (433 = 4.33); false when n <= 0 (null). */
bool kpi_mean_x100(int64_t sum, int64_t n, int64_t *out);

#endif
