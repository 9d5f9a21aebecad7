/*
 * delivery_note.h — reading delivery notes (送货单, FHTZ; entities §6.1): as JSON, or rendered
 * as the one standard PDF (report/delivery_note.c). The warehouse reads them without prices or
 * amounts; everyone else within the customer's scope with them (numbering-and-rules §4).
 */
#ifndef OSB_FLOW_DELIVERY_NOTE_H
#define OSB_FLOW_DELIVERY_NOTE_H

#include "flow/ctx.h"

#include <jansson.h>
#include <stddef.h>

/* GET /delivery-notes/{number}: *out owned by the caller. */
int delivery_note_get(struct ctx *c, const char *number, json_t **out, struct osb_err *e);
/* GET /delivery-notes/{number}.pdf: *pdf is malloc'ed, *len bytes, owned by the caller. */
int delivery_note_pdf(struct ctx *c, const char *number, char **pdf, size_t *len,
                      struct osb_err *e);

#endif
