/*
 * price_list.h — the price list (价目表, JG; api.md §5.4, entities.md §3.2) as a document
 * table: draft → approve (an SLT member) → approved → publish (marketing, ssg_leader) →
 * published; retire (marketing, ssg_leader; api.md §5.9) from any state but retired.
 * A list's `code` names it across versions; each version has its validity [valid_from,
 * valid_to] (valid_to open when absent). At most one published list of a code covers any
 * date: price_list_overlap() says what publishing a version does to a published one.
 * Pure: nothing here reads the database.
 */
#ifndef OSB_RULES_PRICE_LIST_H
#define OSB_RULES_PRICE_LIST_H

#include "core/date.h"
#include "rules/doc.h"

#include <stdint.h>

enum price_list_state { PLS_DRAFT, PLS_APPROVED, PLS_PUBLISHED, PLS_RETIRED };
enum price_list_action { PLA_APPROVE, PLA_PUBLISH, PLA_RETIRE };

extern const struct doc_type price_list_doc;

/* An open end of a validity (valid_to absent). */
#define PRICE_OPEN_END INT32_MAX
/* At most this many items a list (an import of more is refused). */
#define PRICE_LIST_MAX_ITEMS 5000

enum price_overlap {
    PO_NONE,   /* the two validities share no day */
    PO_CLOSE,  /* the published one started earlier: it ends the day before the new one starts */
    PO_RETIRE, /* the new one covers every day of the published one: it is retired */
    PO_REFUSE, /* the published one would still cover days after the new one ends: 422 */
};

/* Publishing a version valid [from, to] while a list of the same code is published for
   [ofrom, oto] (PRICE_OPEN_END for an open end). For PO_CLOSE *close_to gets the old one's new
   valid_to (from − 1). */
enum price_overlap price_list_overlap(date_t from, date_t to, date_t ofrom, date_t oto,
                                      date_t *close_to);

#endif
