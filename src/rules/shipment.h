/*
 * shipment.h — the SP state machine (flows.md §3.2) as a document table, and the pure batch
 * arithmetic of picking: where a pick comes from, how the reservation follows
 * it, and how a count trims it. Nothing here reads the database or the clock; the flow
 * (flow/shipment.c) loads the lots, calls these, and writes the moves they imply.
 */
#ifndef OSB_RULES_SHIPMENT_H
#define OSB_RULES_SHIPMENT_H

#include "rules/doc.h"
#include "rules/perm.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum shipment_state {
    SS_NONE = -1,
    SS_NEW,
    SS_RECEIVED,
    SS_PICKED,
    SS_CHECKED,
    SS_BOOKED,
    SS_DISPATCHED,
    SS_DELIVERED,
    SS_CANCELLED,
    SS__COUNT
};

const char *shipment_state_str(enum shipment_state s);
enum shipment_state shipment_state_parse(const char *s);

enum shipment_action {
    SA_RECEIVE,
    SA_PICK,
    SA_CHECK,
    SA_BOOK,
    SA_DISPATCH,
    SA_TRACK,
    SA_DELIVER,
    SA_SHORT_CLOSE,
    SA_REPORT_DISCREPANCY, /* api.md §5.5, after POD (entities.md §6.4) */
    SA__COUNT
};

/* The shipment as a document (rules/doc.h): its states (enum shipment_state) and one row per
   action of flows.md §3.2 (the re-pick row checked → picked is folded into pick). */
extern const struct doc_type shipment_doc;

/* The timeline step of an action: "SP1" … "SP7" (short-close is an SP5 outcome). */
const char *shipment_step(enum shipment_action a);

/* ---- picking (flows.md §3.1 SP2) ------------------------------------------------------- */

/* One lot of the line's SKU in the shipment's warehouse. The caller passes the lots in FEFO
   order (earliest expires, then earliest produced_on, then batch code). */
struct pick_lot {
    bool ok;          /* quality 'ok': only such lots may be picked from */
    int64_t free;     /* on_hand − reserved of the whole lot (every document's reservations) */
    int64_t reserved; /* of that, reserved by this shipment line */
    int64_t want;     /* in: quantity the picker named this batch for (0 when not named) */
    int64_t pick;     /* out: quantity picked from this lot */
    int64_t reserve;  /* out: this line's reservation in this lot after the pick */
};

enum pick_result {
    PICK_OK,
    PICK_EXCEEDS_REQUESTED, /* named + unnamed quantity is more than the line asks for */
    PICK_NOT_AVAILABLE,     /* a named lot is not of quality ok */
    PICK_INSUFFICIENT,      /* not enough free stock (named lot, or for the unnamed rest) */
};

/*
 * Plans one line's pick. Named quantities come from their lots; the unnamed rest comes first
 * from what the line already holds (its FEFO reservation), then from other free stock FEFO.
 * The reservation then follows the pick: every picked unit is reserved in its lot, and the
 * part of the old reservation the pick did not use stays where it was (up to the old total)
 * until dispatch releases it. *bad names the offending lot for PICK_NOT_AVAILABLE and a named
 * PICK_INSUFFICIENT, and is n when the unnamed rest could not be found.
 * Postconditions on PICK_OK, for every lot: reserve ≥ pick, and reserve − reserved ≤ free (the
 * new reservation never takes more than the lot has free: stock never goes negative).
 */
enum pick_result pick_plan(struct pick_lot *lots, size_t n, int64_t unnamed, int64_t requested,
                           size_t *bad);

/* Trims the picks of a line to a counted quantity, taking units back from the latest-expiring
   lots first (the reverse of FEFO), so that what ships is what was counted. Reservations are
   left alone: the trimmed units stay reserved until dispatch releases them. count must be
   between 0 and the picked total. */
void pick_trim(struct pick_lot *lots, size_t n, int64_t count);

/* Whole cases and loose units (散听) of a quantity; case_size < 1 counts as 1. */
void qty_cases(int64_t qty, int64_t case_size, int64_t *cases, int64_t *loose);

#endif
