/*
 * backorder.h — the backorder (欠货, QH; flows.md §3.3, api.md §4) as a document table:
 * open → schedule (csr, ssg_leader: a new shipment for the open quantity; the backorder stays
 * open and names its scheduled_shipment) → open; open → cancel (ssg_leader) → cancelled.
 * fulfilled is reached by the system when the shipment filling it dispatches (no action).
 *
 * api.md §4 pins three states; flows.md's "scheduled" is shown as an open backorder with a
 * scheduled_shipment (api.md wins).
 */
#ifndef OSB_RULES_BACKORDER_H
#define OSB_RULES_BACKORDER_H

#include "rules/doc.h"

enum backorder_state { BS_NONE = -1, BS_OPEN, BS_FULFILLED, BS_CANCELLED, BS__COUNT };
enum backorder_action { BA_SCHEDULE, BA_CANCEL, BA__COUNT };

extern const struct doc_type backorder_doc;

const char *backorder_state_str(enum backorder_state s);
enum backorder_state backorder_state_parse(const char *s);

#endif
