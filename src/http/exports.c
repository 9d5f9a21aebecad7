/*
 * exports.c (http) — POST /exports/xlsx: a list page's rows as an Excel workbook
 * (flow/list_export.h).
 */
#include "flow/list_export.h"
#include "http/handlers.h"

int h_list_export_xlsx(struct req *r, struct osb_err *e)
{
    char number[40];
    char *raw;
    size_t len;
    if (list_export_xlsx(&r->ctx, req_body(r), &raw, &len, number, e) < 0)
        return -1;
    r->status = 200;
    r->raw = raw;
    r->raw_len = len;
    r->raw_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    return 0;
}
