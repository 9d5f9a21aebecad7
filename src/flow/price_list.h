/*
 * price_list.h — price lists (价目表, JG; api.md §5.4, entities.md §3.2): draft (marketing,
 * ssg_leader; from JSON or a CSV import) → approve (an SLT member) → publish (marketing,
 * ssg_leader; notifies SSG and finance) → retire. A list's code names it across versions;
 * publishing a version closes (valid_to = the day before it starts) or retires the published
 * version of the same code it replaces, and is refused (422 price_list_overlap) when the old
 * one would still cover days after the new one ends — so at most one published list of a
 * code covers any date. Orders take their prices from it at accept (flow/order.c).
 *
 * Each call runs inside the caller's transaction. Answers are owned by the caller.
 */
#ifndef OSB_FLOW_PRICE_LIST_H
#define OSB_FLOW_PRICE_LIST_H

#include "core/date.h"
#include "core/docno.h"
#include "flow/ctx.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

int price_list_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e);

/* POST /price-lists/import?code=&name=&valid_from=&valid_to=: a draft from a CSV, or the first
   sheet of an XLSX workbook (ctype spreadsheetml, or bytes that are a zip), of items (columns
   sku and price_fen, or sku and price in yuan); all or nothing, the wrong rows in details.rows
   [{row, field, rule, message}] with the line of the file (the sheet's row). */
struct price_list_head {
    const char *code, *name, *valid_from, *valid_to;
};
int price_list_import(struct ctx *c, const struct price_list_head *h, const char *ctype,
                      const char *data, size_t len, json_t **out, struct osb_err *e);

struct price_list_query {
    const char *code, *state, *cursor;
    int limit;
    const char *q;
    const char *customer; /* the versions that price this customer (its code, or STD) */
};
int price_list_list(struct ctx *c, const struct price_list_query *q, json_t **out,
                    struct osb_err *e);

/* The prices of skus[0..n) on the customer's price list (its price_list code) published and
   valid on day: found[i], price[i]; list_no the list's number or "". */
int price_list_prices(struct ctx *c, const char *customer, date_t day, const char *const *skus,
                      size_t n, int64_t *price, bool *found, char list_no[DOCNO_MAX],
                      struct osb_err *e);

struct doc_kind;
extern const struct doc_kind *const price_list_doc_kind; /* GET /me/queue */

#endif
