/*
 * list_export.c — a list page exported as shown (flow/list_export.h). The page sends the
 * columns and cells it displays (the words already in the user's language, money in fen); the
 * server numbers the export, stamps the watermark on it, logs and audits it, and writes the
 * workbook with the report engine's table writer. The rows are ones the caller was shown by the
 * lists' own scope rules; the export adds no reading of its own.
 */
#include "flow/list_export.h"

#include "core/date.h"
#include "core/money.h"
#include "core/sb.h"
#include "core/str.h"
#include "flow/flow.h"
#include "flow/report.h"
#include "report/table.h"
#include "store/report.h"

#include <stdlib.h>
#include <string.h>

#define MAX_COLS 60
#define MAX_ROWS 10000

static int kind_of(json_t *col, enum table_kind *k, struct osb_err *e)
{
    json_t *v = json_object_get(col, "kind");
    const char *s = json_is_string(v) ? json_string_value(v) : v ? NULL : "text";
    if (s && strcmp(s, "text") == 0)
        *k = TK_TEXT;
    else if (s && strcmp(s, "int") == 0)
        *k = TK_INT;
    else if (s && strcmp(s, "money") == 0)
        *k = TK_MONEY;
    else
        return err_bad(e, "columns", "a column's kind is text, int or money");
    return 0;
}

/* The rows as objects by column key ("c0", "c1", ...) as the table writer reads them. */
static json_t *shape_rows(json_t *rows, const struct table_col *cols, size_t ncols,
                          struct osb_err *e)
{
    json_t *out = json_array();
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        if (!json_is_array(row) || json_array_size(row) > ncols) {
            json_decref(out);
            err_bad(e, "rows", "each row is an array of at most one cell per column");
            return NULL;
        }
        json_t *o = json_object();
        for (size_t k = 0; k < json_array_size(row); k++) {
            json_t *v = json_array_get(row, k);
            bool ok = json_is_null(v) ||
                      (cols[k].kind == TK_TEXT ? json_is_string(v) || json_is_integer(v)
                                               : json_is_integer(v));
            if (ok && cols[k].kind == TK_MONEY &&
                (json_integer_value(v) > MONEY_MAX_FEN || json_integer_value(v) < -MONEY_MAX_FEN)) {
                json_decref(o), json_decref(out);
                err_invalid(e, "rows", "amount_too_large", "row %zu: an amount over the cap",
                            i + 1);
                return NULL;
            }
            if (!ok) {
                json_decref(o), json_decref(out);
                err_bad(e, "rows", "row %zu column %zu: a text, an integer or null", i + 1, k + 1);
                return NULL;
            }
            if (json_is_integer(v) && cols[k].kind == TK_TEXT)
                json_object_set_new(o, cols[k].key,
                                    json_sprintf("%lld", (long long)json_integer_value(v)));
            else
                json_object_set(o, cols[k].key, v);
        }
        json_array_append_new(out, o);
    }
    return out;
}

int list_export_xlsx(struct ctx *c, json_t *body, char **raw, size_t *len, char number[40],
                     struct osb_err *e)
{
    *raw = NULL;
    *len = 0;
    json_t *title = json_object_get(body, "title"), *source = json_object_get(body, "source"),
           *columns = json_object_get(body, "columns"), *rows = json_object_get(body, "rows");
    if (!json_is_string(title) || json_string_length(title) == 0 || json_string_length(title) > 100)
        return err_bad(e, "title", "title is a text of 1 to 100 characters");
    if (source && !json_is_null(source) &&
        (!json_is_string(source) || json_string_length(source) > 500))
        return err_bad(e, "source", "source is the list's path");
    if (!json_is_array(columns) || json_array_size(columns) == 0 ||
        json_array_size(columns) > MAX_COLS)
        return err_bad(e, "columns", "columns is an array of 1 to %d columns", MAX_COLS);
    if (!json_is_array(rows) || json_array_size(rows) > MAX_ROWS)
        return err_bad(e, "rows", "rows is an array of at most %d rows", MAX_ROWS);
    size_t ncols = json_array_size(columns);
    struct table_col cols[MAX_COLS];
    char keys[MAX_COLS][8];
    for (size_t k = 0; k < ncols; k++) {
        json_t *col = json_array_get(columns, k);
        json_t *t = json_object_get(col, "title");
        if (!json_is_object(col) || !json_is_string(t) || json_string_length(t) > 200)
            return err_bad(e, "columns", "each column is {\"title\", \"kind\"?}");
        enum table_kind kind = TK_TEXT;
        if (kind_of(col, &kind, e) < 0)
            return -1;
        if (str_fmt(keys[k], sizeof keys[k], "c%zu", k) < 0)
            return err_set(e, ERR_INTERNAL, "internal error");
        cols[k] = (struct table_col){keys[k], json_string_value(t), kind, 0};
    }
    json_t *shaped = shape_rows(rows, cols, ncols, e);
    if (!shaped)
        return -1;
    const char *src = json_is_string(source) ? json_string_value(source) : NULL;
    int rc = flow_docno(c, e, "DC", number);
    if (rc == 0 && src && strncmp(src, "/customers", 10) == 0 && (src[10] == 0 || src[10] == '?'))
        rc = report_customer_list_check(c, json_array_size(shaped), number, e);
    if (rc < 0) {
        json_decref(shaped);
        return -1;
    }
    char when[40];
    ts_format_rfc3339(c->now, c->cfg->tz_min, when);
    struct sb mark = SB_INIT;
    sb_addf(&mark, "导出人 %s · 导出时间 %s · 导出编号 %s · 内部资料", c->user.username, when,
            number);
    struct report_table t = {json_string_value(title), cols, ncols, shaped, NULL, sb_str(&mark)};
    rc = report_table_xlsx(&t, raw, len, e);
    json_t *filters = json_pack("{ss so}", "title", json_string_value(title), "source",
                                src ? json_string(src) : json_null());
    if (rc == 0)
        rc = store_report_export_log(c->db, e, number, c->user.username, c->now, "list", filters,
                                     (int64_t)json_array_size(shaped), "xlsx", 0, sb_str(&mark));
    if (rc == 0) {
        json_t *after = json_pack("{ss sO sI ss ss}", "report", "list", "filters", filters, "rows",
                                  (json_int_t)json_array_size(shaped), "format", "xlsx",
                                  "watermark", sb_str(&mark));
        rc = flow_audit(c, e, "export", "report", number, NULL, after);
        json_decref(after);
    }
    json_decref(filters);
    json_decref(shaped);
    sb_free(&mark);
    if (rc < 0) {
        free(*raw);
        *raw = NULL;
        return -1;
    }
    return 0;
}
