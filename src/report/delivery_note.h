/*
 * delivery_note.h — the delivery note (送货单, FHTZ) rendered as PDF in the one standard layout
 * of flows.md §2.8 (seed 004): title, number and date, consignee data as in the customer's
 * logistics info, the address with the actual arrival address in parentheses, one row per
 * line with cases and loose units (散听), backorder remarks, and signature lines.
 *
 * The renderer only draws what it is given: the flow decides what the reader may see (the
 * warehouse gets no prices) and fills struct dn_doc. Uses cairo + pango with the Noto CJK font.
 */
#ifndef OSB_REPORT_DELIVERY_NOTE_H
#define OSB_REPORT_DELIVERY_NOTE_H

#include "core/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dn_line {
    const char *sku, *name, *spec, *unit;
    int64_t qty, cases, loose;
    int64_t price_fen, amount_fen; /* drawn only when the document has with_prices */
};

struct dn_doc {
    const char *company;       /* letterhead; may be "" */
    const char *number, *date; /* FHTZ number; printing date YYYY-MM-DD */
    const char *order_no, *shipments;
    const char *customer_code, *customer_name;
    const char *consignee, *consignee_phone, *station, *address;
    const char *remarks;    /* backorder remarks, one per line; may be NULL */
    const char *printed_by; /* name of the finance clerk who printed it */
    bool with_prices;
    bool voided, reprint; /* marked 作废 / 补打 */
    const struct dn_line *lines;
    size_t nlines;
    int64_t total_fen;
};

/* Renders d as an A4 PDF (more pages when the lines need them). On success *out is a
   malloc'ed buffer of *len bytes owned by the caller. */
int report_delivery_note_pdf(const struct dn_doc *d, char **out, size_t *len, struct osb_err *e);

#endif
