/*
 * table.c — a report as CSV or XLSX (report/table.h). Exports report_table_csv() and
 * report_table_xlsx().
 *
 * XLSX: libxlsxwriter writes a workbook only to a file, so it goes to a private temporary
 * file that is read back and removed (as the statement does). Money cells are numbers of
 * yuan with the format #,##0.00 and percentages numbers with 0.00%: the spreadsheet is for
 * people to sum and print; the exact fen stay in the JSON answer.
 */
#include "report/table.h"

#include "core/sb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

/* fen as "-1234.56" (no separators: a CSV cell a spreadsheet reads as a number). */
static void add_yuan(struct sb *s, int64_t fen)
{
    uint64_t a = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
    sb_addf(s, "%s%llu.%02llu", fen < 0 ? "-" : "", (unsigned long long)(a / 100),
            (unsigned long long)(a % 100));
}

/* basis points as "12.34%" */
static void add_pct(struct sb *s, int64_t bp)
{
    uint64_t a = bp < 0 ? (uint64_t)0 - (uint64_t)bp : (uint64_t)bp;
    sb_addf(s, "%s%llu.%02llu%%", bp < 0 ? "-" : "", (unsigned long long)(a / 100),
            (unsigned long long)(a % 100));
}

/* RFC 4180: quoted when it holds a comma, a quote or a line break; a leading = + - @ is
   prefixed with ' so that a spreadsheet does not run it as a formula (CSV injection). */
static void add_text(struct sb *s, const char *v)
{
    if (!v)
        return;
    bool formula = v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@';
    if (!strpbrk(v, ",\"\r\n") && !formula) {
        sb_add(s, v);
        return;
    }
    sb_addc(s, '"');
    if (formula)
        sb_addc(s, '\'');
    for (const char *p = v; *p; p++) {
        if (*p == '"')
            sb_addc(s, '"');
        sb_addc(s, *p);
    }
    sb_addc(s, '"');
}

void report_csv_int(struct sb *s, const struct table_col *c, int64_t n)
{
    if (c->kind == TK_MONEY)
        add_yuan(s, n);
    else if (c->kind == TK_BP)
        add_pct(s, n);
    else
        sb_addf(s, "%lld", (long long)n);
}

void report_csv_text(struct sb *s, const char *v)
{
    add_text(s, v);
}

void report_csv_value(struct sb *s, const struct table_col *c, json_t *v)
{
    if (!v || json_is_null(v))
        return;
    if (json_is_string(v)) {
        add_text(s, json_string_value(v));
        return;
    }
    report_csv_int(s, c, json_is_integer(v) ? (int64_t)json_integer_value(v) : 0);
}

void report_csv_begin(struct sb *s, const struct report_table *t)
{
    sb_add(s, "\xEF\xBB\xBF");
    for (size_t i = 0; i < t->ncols; i++) {
        if (i)
            sb_addc(s, ',');
        add_text(s, t->cols[i].title);
    }
    sb_add(s, "\r\n");
}

void report_csv_end(struct sb *s, const struct report_table *t)
{
    if (t->totals) {
        for (size_t i = 0; i < t->ncols; i++) {
            if (i)
                sb_addc(s, ',');
            json_t *v = json_object_get(t->totals, t->cols[i].key);
            if (i == 0 && !v)
                sb_add(s, "合计");
            else
                report_csv_value(s, &t->cols[i], v);
        }
        sb_add(s, "\r\n");
    }
    if (t->watermark) {
        add_text(s, t->watermark);
        sb_add(s, "\r\n");
    }
}

int report_table_csv(const struct report_table *t, char **out, size_t *len, struct osb_err *e)
{
    (void)e;
    struct sb s = SB_INIT;
    report_csv_begin(&s, t);
    size_t r;
    json_t *row;
    json_array_foreach(t->rows, r, row)
    {
        for (size_t i = 0; i < t->ncols; i++) {
            if (i)
                sb_addc(&s, ',');
            report_csv_value(&s, &t->cols[i], json_object_get(row, t->cols[i].key));
        }
        sb_add(&s, "\r\n");
    }
    report_csv_end(&s, t);
    *len = s.len;
    *out = sb_detach(&s);
    return 0;
}

double report_yuan_cell(int64_t fen)
{
    return (double)fen / 100.0;
}

static void xlsx_cell(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const struct table_col *col,
                      json_t *v, lxw_format *money, lxw_format *pct, lxw_format *text)
{
    if (!v || json_is_null(v))
        return;
    if (json_is_string(v)) {
        worksheet_write_string(ws, r, c, json_string_value(v), text);
        return;
    }
    int64_t n = json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
    if (col->kind == TK_MONEY)
        worksheet_write_number(ws, r, c, report_yuan_cell(n), money);
    else if (col->kind == TK_BP)
        worksheet_write_number(ws, r, c, (double)n / 10000.0, pct);
    else
        worksheet_write_number(ws, r, c, (double)n, text);
}

static int read_back(const char *path, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    struct sb buf = SB_INIT;
    char chunk[8192];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
        sb_addn(&buf, chunk, k);
    fclose(f);
    if (buf.len == 0) {
        sb_free(&buf);
        return -1;
    }
    *len = buf.len;
    *out = sb_detach(&buf);
    return 0;
}

int report_table_xlsx(const struct report_table *t, char **out, size_t *len, struct osb_err *e)
{
    *out = NULL;
    *len = 0;
    const char *tmp = getenv("TMPDIR");
    struct sb path = SB_INIT;
    sb_addf(&path, "%s/osb-report-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(path.buf);
    if (fd < 0) {
        sb_free(&path);
        return err_set(e, ERR_INTERNAL, "no temporary file for the workbook");
    }
    close(fd);
    lxw_workbook *wb = workbook_new(path.buf);
    if (!wb) {
        unlink(path.buf);
        sb_free(&path);
        return err_set(e, ERR_INTERNAL, "the workbook could not be created");
    }
    lxw_doc_properties props = {.title = (char *)t->title,
                                .author = (char *)"OSB",
                                .comments = (char *)(t->watermark ? t->watermark : "")};
    workbook_set_properties(wb, &props);
    /* a sheet name is at most 31 characters and the title is short Chinese text */
    lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
    lxw_format *head = workbook_add_format(wb);
    format_set_bold(head);
    format_set_bg_color(head, 0xDDEBF7);
    format_set_border(head, LXW_BORDER_THIN);
    format_set_text_wrap(head);
    lxw_format *money = workbook_add_format(wb);
    format_set_num_format(money, "#,##0.00");
    lxw_format *pct = workbook_add_format(wb);
    format_set_num_format(pct, "0.00%");
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    format_set_top(bold, LXW_BORDER_THIN);
    lxw_format *money_b = workbook_add_format(wb);
    format_set_num_format(money_b, "#,##0.00");
    format_set_bold(money_b);
    format_set_top(money_b, LXW_BORDER_THIN);
    lxw_format *pct_b = workbook_add_format(wb);
    format_set_num_format(pct_b, "0.00%");
    format_set_bold(pct_b);
    format_set_top(pct_b, LXW_BORDER_THIN);
    lxw_format *mark = workbook_add_format(wb);
    format_set_italic(mark);
    format_set_font_color(mark, 0x808080);

    for (size_t i = 0; i < t->ncols; i++) {
        const struct table_col *c = &t->cols[i];
        int w = c->width ? c->width : c->kind == TK_MONEY ? 16 : c->kind == TK_TEXT ? 14 : 10;
        worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, w, NULL);
        worksheet_write_string(ws, 0, (lxw_col_t)i, c->title, head);
    }
    worksheet_freeze_panes(ws, 1, 0);
    lxw_row_t rw = 1;
    size_t r;
    json_t *row;
    json_array_foreach(t->rows, r, row)
    {
        for (size_t i = 0; i < t->ncols; i++)
            xlsx_cell(ws, rw, (lxw_col_t)i, &t->cols[i], json_object_get(row, t->cols[i].key),
                      money, pct, NULL);
        rw++;
    }
    if (t->totals) {
        for (size_t i = 0; i < t->ncols; i++) {
            json_t *v = json_object_get(t->totals, t->cols[i].key);
            if (i == 0 && !v)
                worksheet_write_string(ws, rw, 0, "合计", bold);
            else if (v)
                xlsx_cell(ws, rw, (lxw_col_t)i, &t->cols[i], v, money_b, pct_b, bold);
            else
                worksheet_write_blank(ws, rw, (lxw_col_t)i, bold);
        }
        rw++;
    }
    if (t->ncols > 0 && rw > 1)
        worksheet_autofilter(ws, 0, 0, rw - 1 - (t->totals ? 1 : 0), (lxw_col_t)(t->ncols - 1));
    if (t->watermark)
        worksheet_write_string(ws, rw + 1, 0, t->watermark, mark);

    /* print: landscape A4, every column on one page width, the header on every page, the
       title in the page header and the watermark and page numbers in the footer */
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9);
    worksheet_fit_to_pages(ws, 1, 0);
    worksheet_repeat_rows(ws, 0, 0);
    worksheet_set_margins(ws, 0.4, 0.4, 0.6, 0.6);
    struct sb hf = SB_INIT;
    sb_addf(&hf, "&C&B%s", t->title);
    worksheet_set_header(ws, sb_str(&hf));
    sb_reset(&hf);
    /* '&' starts a code in a page header or footer: a watermark has none (user, time, id) */
    sb_addf(&hf, "&L%s&R第 &P 页 / 共 &N 页", t->watermark ? t->watermark : "");
    worksheet_set_footer(ws, sb_str(&hf));
    sb_free(&hf);

    lxw_error le = workbook_close(wb);
    int rc = le == LXW_NO_ERROR ? read_back(path.buf, out, len) : -1;
    unlink(path.buf);
    sb_free(&path);
    return rc == 0 ? 0 : err_set(e, ERR_INTERNAL, "the workbook could not be written");
}
