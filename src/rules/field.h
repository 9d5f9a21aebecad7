/*
 * field.h — the field-sales documents as tables (api.md §5.7; flows.md §8-10, §17-18;
 * entities.md §9, §11): quotations and bids (BJ/TB), after-sales tickets (SH), visit plans,
 * visit reports (BF), forecasts (YC) and plans (JH). Contracts (HT) are rules/contract.h.
 * Pure: who beyond the matrix is decided in the flow files from these facts.
 */
#ifndef OSB_RULES_FIELD_H
#define OSB_RULES_FIELD_H

#include "core/date.h"
#include "rules/doc.h"

#include <stdbool.h>
#include <stdint.h>

/* flows.md §8: registered → decide (preparing | declined) → [request-support, support,
   prepare] → submit → review → approve (approved; a major one MM then SLT) | return
   (preparing) → issue → issued → won | lost | expire. */
enum quotation_state {
    QS_REGISTERED,
    QS_PREPARING,
    QS_DECLINED,
    QS_REVIEW,
    QS_APPROVED,
    QS_ISSUED,
    QS_WON,
    QS_LOST,
    QS_EXPIRED
};
enum quotation_action {
    QA_DECIDE,
    QA_PREPARE,
    QA_REQUEST_SUPPORT,
    QA_SUPPORT,
    QA_SUBMIT,
    QA_APPROVE,
    QA_RETURN,
    QA_ISSUE,
    QA_WON,
    QA_LOST,
    QA_EXPIRE
};
extern const struct doc_type quotation_doc;

/* flows.md §10. */
enum after_sales_state {
    HS_RECEIVED,
    HS_CONFIRMED,
    HS_ASSIGNED,
    HS_IN_PROGRESS,
    HS_ESCALATED,
    HS_RESOLVED,
    HS_CLOSED,
    HS_REJECTED
};
enum after_sales_action {
    HA_CONFIRM,
    HA_REJECT,
    HA_ASSIGN,
    HA_START,
    HA_ESCALATE,
    HA_RESOLVE,
    HA_CLOSE,
    HA_OPEN_RETURN /* a consumer return (or complaint) opens a return (flows.md §6, §10) */
};
extern const struct doc_type after_sales_doc;

/* flows.md §9 and entities.md §11: a visit plan draft → submit → submitted → confirm (the
   owner's manager) → confirmed; a visit report filed → comment (the manager) → commented, and
   verify (the CSR's call) from filed or commented → verified. */
enum visit_plan_state { VS_DRAFT, VS_SUBMITTED, VS_CONFIRMED };
enum visit_plan_action { VA_SUBMIT, VA_CONFIRM };
extern const struct doc_type visit_plan_doc;

enum visit_state { BS_FILED, BS_COMMENTED, BS_VERIFIED };
enum visit_action { BA_COMMENT, BA_VERIFY };
extern const struct doc_type visit_doc;

/* flows.md §17. */
enum forecast_state { FS_DRAFT, FS_SUBMITTED, FS_ASSESSED, FS_AGGREGATED, FS_APPROVED };
enum forecast_action { FA_SUBMIT, FA_ASSESS, FA_AGGREGATE, FA_APPROVE };
extern const struct doc_type forecast_doc;

/* flows.md §18 and entities.md §9: each level approved by the next one up. */
enum plan_state { PLNS_DRAFT, PLNS_SUBMITTED, PLNS_APPROVED };
enum plan_action { PLNA_SUBMIT, PLNA_APPROVE, PLNA_RETURN };
extern const struct doc_type plan_doc;

/* numbering-and-rules.md §9: a quotation of ¥500,000 or more is major. */
#define QUOTATION_MAJOR_FEN INT64_C(50000000)
bool quotation_is_major(int64_t total_fen);

/* The price-inversion flag (倒挂, flows.md §9 / issue 13): an observed price below our list. */
bool visit_price_inverted(int64_t observed_fen, int64_t list_fen);

/* flows.md §17 accuracy_bp = max(0, 10000 − |actual − forecast| × 10000 / max(forecast, 1)). */
int64_t forecast_accuracy_bp(int64_t forecast, int64_t actual);
/* The spot-check flag: a line more than 30 % (3000 bp) away from the average actual of the
   last three months (an average of 0 flags any positive forecast). */
bool forecast_deviates(int64_t forecast, int64_t avg_actual, int limit_bp);

/* The level a plan of `level` is approved by: company → gm; market → SLT; region → mm;
   kam → um; customer → um (entities.md §9, flows.md §18). The role name, or NULL. */
const char *plan_approver_role(const char *level);

/* The monthly verification calls (flows.md §9.6): of n visit reports, pct % rounded up, and at
   least one per visitor (visitors distinct visitors): max(ceil(n × pct / 100), visitors),
   never more than n. */
#define VISIT_VERIFY_PCT 5
int64_t visit_verification_count(int64_t n, int64_t visitors, int pct);

/* The first and last day of a plan's or a visit plan's period (entities.md §9, §11): type
   "year" "YYYY", "quarter" "YYYYQn" (or "YYYY-Qn"), "month" "YYYY-MM", "week" "YYYY-Www" or
   "YYYYWww" (ISO 8601: Monday to Sunday; a date "YYYY-MM-DD" names the week holding it), "day"
   "YYYY-MM-DD". False for anything else (a malformed period, week 53 of a 52-week year, an unknown
   type). */
bool field_period_span(const char *type, const char *period, date_t *from, date_t *to);
/* The customer-archive section (entities.md §2.2) a visit report's archive_updates may write
   field into: "basic", "characteristics", "business_status", "transaction_status", "invoicing",
   "logistics" or "contacts"; NULL for a field a visit does not update (identity, assignment,
   credit terms, status: those change elsewhere). */
const char *visit_archive_section(const char *field);

/* The ISO 8601 week holding d as "YYYY-Www" (the year of its Thursday), and its Monday. */
void field_week_label(date_t d, char out[9]);
date_t field_week_monday(date_t d);
/* The form of a period of that type ("YYYY-Www" for "week"; "?" for an unknown type). */
const char *field_period_form(const char *type);

/* entities.md §11 call log kinds and §9 meeting kinds: NULL-terminated. */
extern const char *const call_log_kinds[];
extern const char *const meeting_kinds[];
/* Is s one of the NULL-terminated list? */
bool field_one_of(const char *const *list, const char *s);

#endif
