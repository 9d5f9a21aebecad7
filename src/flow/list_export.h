/*
 * list_export.h — POST /exports/xlsx (issue #17 item 3): any list page's rows, as the page
 * shows them, as an Excel workbook through the report engine's writer (report/table.c), with
 * the same watermark, export number (DC), export log and audit row as a report export.
 */
#ifndef OSB_FLOW_LIST_EXPORT_H
#define OSB_FLOW_LIST_EXPORT_H

#include "flow/ctx.h"

#include <jansson.h>
#include <stddef.h>

/* body {"title", "source"?, "columns":[{"title","kind"?: text|int|money}],
   "rows":[[cell, ...]]}: cells are strings, integers (int, money in fen) or null. On success
   *raw is a malloc'ed XLSX of *len bytes and *number the export number (DC...). 400 for a body
   of the wrong shape, 422 amount_too_large for a money cell over the cap; an export of the
   customers list (source "/customers...") keeps the customer-list limits (422
   export_needs_approval). */
int list_export_xlsx(struct ctx *c, json_t *body, char **raw, size_t *len, char number[40],
                     struct osb_err *e);

#endif
