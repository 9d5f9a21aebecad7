/*
 * delivery_note.h (store) — reading a delivery note (送货单, FHTZ; entities §6.1) and adding a
 * remark to it. The note itself is written by the order flow at print-delivery-note.
 */
#ifndef OSB_STORE_DELIVERY_NOTE_H
#define OSB_STORE_DELIVERY_NOTE_H

#include "store/db.h"

#include <jansson.h>

/* The note with its order, customer, customer_name, printer's name, lines, remarks and the
   numbers of the order's shipments (times as integers). 1 found, 0 none, -1 error. */
int store_delivery_note_view(struct db *db, struct osb_err *e, const char *number, json_t **out);

/* Appends one line to the note's remarks (seed 004: backorder remarks are printed on the
   shipping list). */
int store_delivery_note_remark(struct db *db, struct osb_err *e, const char *number,
                               const char *text);

#endif
