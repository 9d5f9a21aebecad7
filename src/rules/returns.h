/*
 * returns.h — the return (退货, TH; flows.md §6, api.md §3.6) as a document table:
 * requested → confirm (the UM) → confirmed → inspect (customer service: genuine → inspected,
 * else refused) → approve (the MM, or the supervising SLT member) → approved → receive (the
 * warehouse) → received; cancel (its creator or the UM) before approval → cancelled.
 * Pure: who beyond the matrix is decided in flow/returns.c from these facts.
 */
#ifndef OSB_RULES_RETURNS_H
#define OSB_RULES_RETURNS_H

#include "core/date.h"
#include "rules/doc.h"

#include <stdbool.h>

enum return_state {
    RS_REQUESTED,
    RS_CONFIRMED,
    RS_INSPECTED,
    RS_APPROVED,
    RS_RECEIVED,
    RS_REFUSED,
    RS_CANCELLED
};
enum return_action { RA_CONFIRM, RA_INSPECT, RA_APPROVE, RA_RECEIVE, RA_CANCEL };

extern const struct doc_type return_doc;

/* numbering-and-rules.md §9 return_window_days. */
#define RETURN_WINDOW_DAYS 90

/* flows.md §6: a return is late when it is requested more than RETURN_WINDOW_DAYS after the
   last proof of delivery (or dispatch) of its order; never without one (last_day 0). */
bool return_is_late(date_t today, date_t last_day, bool has_last);

/* entities.md (the return's lines) reason codes: damaged, spoiled, expired, wrong_item,
   quality_complaint, consumer_return, other. */
bool return_reason_code_ok(const char *code);

#endif
