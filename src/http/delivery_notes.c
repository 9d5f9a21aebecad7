/*
 * delivery_notes.c (http) — GET /delivery-notes/{number} (JSON) and
 * GET /delivery-notes/{number}.pdf (the printed layout). The router matches one segment, so
 * the ".pdf" suffix is told apart here.
 */
#include "flow/delivery_note.h"
#include "http/handlers.h"

#include <string.h>

int h_delivery_note_get(struct req *r, struct osb_err *e)
{
    char *number = r->params[0];
    size_t n = strlen(number);
    if (n > 4 && strcmp(number + n - 4, ".pdf") == 0) {
        number[n - 4] = '\0';
        char *pdf;
        size_t len;
        if (delivery_note_pdf(&r->ctx, number, &pdf, &len, e) < 0)
            return -1;
        r->status = 200;
        r->raw = pdf;
        r->raw_len = len;
        r->raw_type = "application/pdf";
        r->export_type = "delivery_note";
        r->export_key = number;
        return 0;
    }
    json_t *out;
    if (delivery_note_get(&r->ctx, number, &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}
