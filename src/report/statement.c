/*
 * statement.c — the statement of account as PDF and XLSX (report/statement.h). Exports
 * stmt_kind_zh(), report_statement_pdf() and report_statement_xlsx().
 *
 * PDF: A4 portrait in PDF points, pango at 72 dpi (a font size is a size in points), the
 * Noto CJK font; title, customer and period block, opening balance, one row per entry with
 * its order and the running balance, the totals and the closing balance, the issuing company
 * (settings company_name) with its stamp box beside the customer's confirmation. The table
 * header is repeated on every page, each page ends with its subtotal (本页小计) and the next
 * starts with the balance carried (承上页); the footer says 第 n 页 共 N 页.
 *
 * XLSX: libxlsxwriter writes a workbook only to a file, so it goes to a private temporary
 * file that is read back and removed. Money cells are numbers of yuan formatted with two
 * decimals: the spreadsheet is for people; the fen stay exact in the JSON statement.
 */
#include "report/statement.h"
#include "report/table.h"

#include "core/money.h"
#include "core/sb.h"
#include "core/str.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#define PAGE_W 595.28
#define PAGE_H 841.89
#define MARGIN 40.0
#define ROW_H 16.0
#define BODY_LIMIT (PAGE_H - 60.0)
#define FONT "Droid Sans Fallback"

const char *stmt_kind_zh(const char *k)
{
    static const char *const map[][2] = {
        {"invoice", "发票"},         {"payment", "收款"},      {"expense_credit", "费用款"},
        {"credit_note", "红字发票"}, {"debit_note", "调整单"}, {"prepayment_refund", "预收退款"},
        {"write_off", "坏账核销"},   {"reversal", "冲销"},     {"payment_reversal", "收款冲回"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (k && strcmp(map[i][0], k) == 0)
            return map[i][1];
    return k ? k : "";
}

static const char *s0(const char *s)
{
    return s ? s : "";
}

/* ---- PDF ------------------------------------------------------------------------------- */

struct col {
    const char *title;
    double w;
    PangoAlignment align;
};

/* Widths add up to PAGE_W − 2 × MARGIN (515.28). The order column is the XLSX's 订单号. */
static const struct col cols[] = {
    {"序号", 22, PANGO_ALIGN_CENTER},        {"日期", 54, PANGO_ALIGN_LEFT},
    {"类别", 46, PANGO_ALIGN_LEFT},          {"单据号", 104, PANGO_ALIGN_LEFT},
    {"订单号", 94, PANGO_ALIGN_LEFT},        {"借方（应收）", 65, PANGO_ALIGN_RIGHT},
    {"贷方（收款）", 65, PANGO_ALIGN_RIGHT}, {"余额", 65.28, PANGO_ALIGN_RIGHT},
};
#define NCOLS (sizeof cols / sizeof cols[0])

/* The renderer runs twice: a dry pass (dry: nothing drawn) counts the pages, so that every
   footer can say 第 n 页 共 N 页. Each page but the last ends with 本页小计 (the page's debits
   and credits, the balance so far) and the next one starts with 承上页 (that balance). */
struct rd {
    cairo_t *cr;
    PangoContext *pc;
    const struct stmt_doc *d;
    int page, pages;
    double y;
    bool dry;
    int64_t page_debit, page_credit, balance;
};

static void text(struct rd *r, double x, double y, double w, const char *s, double size, bool bold,
                 PangoAlignment align)
{
    if (r->dry)
        return;
    PangoLayout *l = pango_layout_new(r->pc);
    PangoFontDescription *fd = pango_font_description_from_string(FONT);
    pango_font_description_set_size(fd, (gint)(size * PANGO_SCALE));
    if (bold)
        pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    if (w > 0) {
        pango_layout_set_width(l, (int)(w * PANGO_SCALE));
        pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
    }
    pango_layout_set_alignment(l, align);
    pango_layout_set_text(l, s0(s), -1);
    cairo_move_to(r->cr, x, y);
    pango_cairo_show_layout(r->cr, l);
    g_object_unref(l);
}

static void stroke(struct rd *r)
{
    if (r->dry)
        cairo_new_path(r->cr);
    else
        cairo_stroke(r->cr);
}

static void yuan(int64_t fen, char *b, size_t n)
{
    money_format(fen, b, n);
}

static void footer(struct rd *r)
{
    struct sb f = SB_INIT;
    sb_addf(&f, "%s 对账单  第 %d 页 共 %d 页", s0(r->d->customer_code), r->page, r->pages);
    text(r, MARGIN, PAGE_H - 30, PAGE_W - 2 * MARGIN, sb_str(&f), 8, false, PANGO_ALIGN_CENTER);
    sb_free(&f);
}

static void table_header(struct rd *r)
{
    double x = MARGIN;
    cairo_set_line_width(r->cr, 0.6);
    for (size_t i = 0; i < NCOLS; i++) {
        cairo_rectangle(r->cr, x, r->y, cols[i].w, ROW_H + 2);
        text(r, x + 2, r->y + 2, cols[i].w - 4, cols[i].title, 8.5, true, PANGO_ALIGN_CENTER);
        x += cols[i].w;
    }
    stroke(r);
    r->y += ROW_H + 2;
}

static void draw_row(struct rd *r, const char *const cells[NCOLS], bool bold)
{
    double x = MARGIN;
    for (size_t i = 0; i < NCOLS; i++) {
        cairo_rectangle(r->cr, x, r->y, cols[i].w, ROW_H);
        text(r, x + 3, r->y + 2, cols[i].w - 6, cells[i], 7.5, bold, cols[i].align);
        x += cols[i].w;
    }
    stroke(r);
    r->y += ROW_H;
}

/* 本页小计, the footer, a new page with the header and 承上页. */
static void new_page(struct rd *r)
{
    char a[40], b[40], c[40];
    yuan(r->page_debit, a, sizeof a);
    yuan(r->page_credit, b, sizeof b);
    yuan(r->balance, c, sizeof c);
    const char *sub[NCOLS] = {"", "", "本页小计", "", "", a, b, c};
    draw_row(r, sub, true);
    footer(r);
    if (!r->dry)
        cairo_show_page(r->cr);
    r->page++;
    r->y = MARGIN;
    r->page_debit = r->page_credit = 0;
    table_header(r);
    const char *carry[NCOLS] = {"", "", "承上页", "", "", "", "", c};
    draw_row(r, carry, true);
}

/* A row of the table; a page break first when it and the page's 本页小计 do not both fit. */
static void row(struct rd *r, const char *const cells[NCOLS], bool bold)
{
    if (r->y + 2 * ROW_H > BODY_LIMIT)
        new_page(r);
    draw_row(r, cells, bold);
}

static void render(struct rd *r)
{
    const struct stmt_doc *d = r->d;
    r->page = 1;
    r->y = MARGIN;
    r->page_debit = r->page_credit = 0;
    r->balance = d->opening_fen;
    bool has_company = d->company && *d->company;
    if (has_company)
        text(r, MARGIN, r->y, PAGE_W - 2 * MARGIN, d->company, 11, false, PANGO_ALIGN_CENTER),
            r->y += 18;
    text(r, MARGIN, r->y, PAGE_W - 2 * MARGIN, "客户往来对账单", 18, true, PANGO_ALIGN_CENTER);
    r->y += 32;
    struct sb line = SB_INIT; /* a line of text, however long the names in it */
    sb_reset(&line);
    sb_addf(&line, "客户：%s（%s）", s0(d->customer_name), s0(d->customer_code));
    text(r, MARGIN, r->y, 330, sb_str(&line), 10, false, PANGO_ALIGN_LEFT);
    sb_reset(&line);
    sb_addf(&line, "制表日期：%s", s0(d->generated_on));
    text(r, MARGIN + 330, r->y, PAGE_W - 2 * MARGIN - 330, sb_str(&line), 10, false,
         PANGO_ALIGN_RIGHT);
    r->y += 16;
    sb_reset(&line);
    sb_addf(&line, "对账期间：%s 至 %s%s", s0(d->from), s0(d->to),
            d->basis && strcmp(d->basis, "account_month") == 0 ? "（按每月25日截账）" : "");
    text(r, MARGIN, r->y, 330, sb_str(&line), 10, false, PANGO_ALIGN_LEFT);
    sb_reset(&line);
    sb_addf(&line, "出具单位：%s", has_company ? d->company : "");
    text(r, MARGIN + 330, r->y, PAGE_W - 2 * MARGIN - 330, sb_str(&line), 10, false,
         PANGO_ALIGN_RIGHT);
    r->y += 22;
    table_header(r);
    char a[40], b[40], c[40], no[24];
    yuan(d->opening_fen, c, sizeof c);
    const char *open_row[NCOLS] = {"", s0(d->from), "期初余额", "", "", "", "", c};
    row(r, open_row, true);
    for (size_t i = 0; i < d->nitems; i++) {
        const struct stmt_item *it = &d->items[i];
        (void)str_fmt(no, sizeof no, "%zu", i + 1); /* at most 20 digits: fits 24 */
        a[0] = b[0] = '\0';
        if (it->debit_fen)
            yuan(it->debit_fen, a, sizeof a);
        if (it->credit_fen)
            yuan(it->credit_fen, b, sizeof b);
        yuan(it->balance_fen, c, sizeof c);
        const char *cells[NCOLS] = {
            no, it->date, stmt_kind_zh(it->kind), it->document, it->order_no, a, b, c};
        row(r, cells, false);
        /* after the row: a page break before the next one subtotals this one too */
        r->page_debit += it->debit_fen;
        r->page_credit += it->credit_fen;
        r->balance = it->balance_fen;
    }
    yuan(d->debits_fen, a, sizeof a);
    yuan(d->credits_fen, b, sizeof b);
    yuan(d->closing_fen, c, sizeof c);
    const char *tot[NCOLS] = {"", s0(d->to), "本期合计", "", "", a, b, c};
    row(r, tot, true);
    if (r->y + 150 > BODY_LIMIT)
        new_page(r);
    r->y += 12;
    char cash[40], exp[40];
    yuan(d->cash_fen, cash, sizeof cash);
    yuan(d->expense_fen, exp, sizeof exp);
    sb_reset(&line);
    sb_addf(&line, "本期收款：现金款 %s，费用款 %s（分开列示）。", cash, exp);
    text(r, MARGIN, r->y, PAGE_W - 2 * MARGIN, sb_str(&line), 9, false, PANGO_ALIGN_LEFT);
    r->y += 16;
    sb_reset(&line);
    sb_addf(&line,
            "期末余额 %s（正数为贵公司欠款，负数为预收款）。请于收到后10日内核对确认；"
            "如有不符，请注明差异并回复。",
            c);
    text(r, MARGIN, r->y, PAGE_W - 2 * MARGIN, sb_str(&line), 9, false, PANGO_ALIGN_LEFT);
    r->y += 30;
    /* two signature blocks: the issuer's stamp (left) and the customer's confirmation */
    double bw = (PAGE_W - 2 * MARGIN - 20) / 2, bh = 80;
    cairo_set_line_width(r->cr, 0.6);
    cairo_rectangle(r->cr, MARGIN, r->y, bw, bh);
    cairo_rectangle(r->cr, MARGIN + bw + 20, r->y, bw, bh);
    stroke(r);
    sb_reset(&line);
    sb_addf(&line, "出具单位（盖章）：%s", has_company ? d->company : "");
    text(r, MARGIN + 6, r->y + 6, bw - 12, sb_str(&line), 10, false, PANGO_ALIGN_LEFT);
    text(r, MARGIN + 6, r->y + bh - 20, bw - 12, "经办人：            日期：", 9, false,
         PANGO_ALIGN_LEFT);
    text(r, MARGIN + bw + 26, r->y + 6, bw - 12, "客户确认（盖章）：", 10, false, PANGO_ALIGN_LEFT);
    text(r, MARGIN + bw + 26, r->y + bh - 20, bw - 12, "经办人：            日期：", 9, false,
         PANGO_ALIGN_LEFT);
    r->y += bh;
    sb_free(&line);
    footer(r);
}

static cairo_status_t to_sb(void *closure, const unsigned char *data, unsigned int len)
{
    sb_addn(closure, (const char *)data, len);
    return CAIRO_STATUS_SUCCESS;
}

extern void __lsan_disable(void) __attribute__((weak));
extern void __lsan_enable(void) __attribute__((weak));

static void fc_init(void)
{
    /* fontconfig keeps its configuration for the life of the process (see
       report/delivery_note.c): loaded once, with leak checking off. */
    if (__lsan_disable)
        __lsan_disable();
    FcInit();
    if (__lsan_enable)
        __lsan_enable();
}

int report_statement_pdf(const struct stmt_doc *d, char **out, size_t *len, struct osb_err *e)
{
    *out = NULL;
    *len = 0;
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, fc_init);
    PangoFontMap *fm = pango_cairo_font_map_new();
    pango_cairo_font_map_set_resolution(PANGO_CAIRO_FONT_MAP(fm), 72.0);
    struct sb pdf = SB_INIT;
    cairo_surface_t *sf = cairo_pdf_surface_create_for_stream(to_sb, &pdf, PAGE_W, PAGE_H);
    struct sb title = SB_INIT;
    sb_addf(&title, "对账单 %s %s–%s", s0(d->customer_code), s0(d->from), s0(d->to));
    cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE, sb_str(&title));
    sb_free(&title);
    cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATOR, "OSB");
    cairo_t *cr = cairo_create(sf);
    PangoContext *pc = pango_font_map_create_context(fm);
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(pc, fo);
    cairo_font_options_destroy(fo);
    pango_cairo_update_context(cr, pc);
    cairo_set_source_rgb(cr, 0, 0, 0);
    struct rd r = {.cr = cr, .pc = pc, .d = d, .dry = true};
    render(&r); /* counts the pages */
    r.pages = r.page;
    r.dry = false;
    render(&r);
    g_object_unref(pc);
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    /* cairo 1.16's CFF subsetter loses a few bytes per embedded font while finishing. */
    if (__lsan_disable)
        __lsan_disable();
    cairo_surface_finish(sf);
    if (__lsan_enable)
        __lsan_enable();
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(sf);
    cairo_surface_destroy(sf);
    g_object_unref(fm);
    if (st != CAIRO_STATUS_SUCCESS || pdf.len == 0) {
        sb_free(&pdf);
        return err_set(e, ERR_INTERNAL, "the statement could not be rendered");
    }
    *len = pdf.len;
    *out = sb_detach(&pdf);
    return 0;
}

/* ---- XLSX ------------------------------------------------------------------------------ */

int report_statement_xlsx(const struct stmt_doc *d, char **out, size_t *len, struct osb_err *e)
{
    *out = NULL;
    *len = 0;
    const char *tmp = getenv("TMPDIR");
    struct sb path = SB_INIT;
    sb_addf(&path, "%s/osb-statement-XXXXXX", tmp && *tmp ? tmp : "/tmp");
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
    lxw_worksheet *ws = workbook_add_worksheet(wb, "对账单");
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    lxw_format *money = workbook_add_format(wb);
    format_set_num_format(money, "#,##0.00");
    lxw_format *money_b = workbook_add_format(wb);
    format_set_num_format(money_b, "#,##0.00");
    format_set_bold(money_b);
    worksheet_set_column(ws, 0, 0, 12, NULL);
    worksheet_set_column(ws, 1, 1, 12, NULL);
    worksheet_set_column(ws, 2, 2, 22, NULL);
    worksheet_set_column(ws, 3, 3, 22, NULL);
    worksheet_set_column(ws, 4, 6, 16, NULL);
    /* printing: A4 portrait, all seven columns on one page wide (the amounts stay beside their
       dates), the header row repeated on every page, page n of N in the footer */
    worksheet_set_paper(ws, 9);
    worksheet_set_portrait(ws);
    worksheet_fit_to_pages(ws, 1, 0);
    worksheet_repeat_rows(ws, 4, 4);
    worksheet_freeze_panes(ws, 5, 0);
    worksheet_set_margins(ws, 0.4, 0.4, 0.6, 0.6);
    worksheet_set_footer(ws, "&C第 &P 页 共 &N 页");
    if (d->company && *d->company) {
        struct sb hdr = SB_INIT;
        sb_addf(&hdr, "&L%s&R客户往来对账单 %s", d->company, s0(d->customer_code));
        worksheet_set_header(ws, sb_str(&hdr));
        sb_free(&hdr);
    }
    struct sb line = SB_INIT; /* worksheet_write_string copies what it is given */
    worksheet_write_string(ws, 0, 0, "客户往来对账单", bold);
    sb_addf(&line, "%s（%s）", s0(d->customer_name), s0(d->customer_code));
    worksheet_write_string(ws, 1, 0, "客户", bold);
    worksheet_write_string(ws, 1, 1, sb_str(&line), NULL);
    worksheet_write_string(ws, 2, 0, "期间", bold);
    sb_reset(&line);
    sb_addf(&line, "%s 至 %s", s0(d->from), s0(d->to));
    worksheet_write_string(ws, 2, 1, sb_str(&line), NULL);
    worksheet_write_string(ws, 3, 0, "出具单位", bold);
    worksheet_write_string(ws, 3, 1, s0(d->company), NULL);
    sb_free(&line);
    static const char *const head[] = {"日期", "类别", "单据号", "订单号", "借方", "贷方", "余额"};
    for (int i = 0; i < 7; i++)
        worksheet_write_string(ws, 4, (lxw_col_t)i, head[i], bold);
    worksheet_write_string(ws, 5, 0, s0(d->from), NULL);
    worksheet_write_string(ws, 5, 1, "期初余额", bold);
    worksheet_write_number(ws, 5, 6, report_yuan_cell(d->opening_fen), money_b);
    lxw_row_t rw = 6;
    for (size_t i = 0; i < d->nitems; i++, rw++) {
        const struct stmt_item *it = &d->items[i];
        worksheet_write_string(ws, rw, 0, s0(it->date), NULL);
        worksheet_write_string(ws, rw, 1, stmt_kind_zh(it->kind), NULL);
        worksheet_write_string(ws, rw, 2, s0(it->document), NULL);
        worksheet_write_string(ws, rw, 3, s0(it->order_no), NULL);
        if (it->debit_fen)
            worksheet_write_number(ws, rw, 4, report_yuan_cell(it->debit_fen), money);
        if (it->credit_fen)
            worksheet_write_number(ws, rw, 5, report_yuan_cell(it->credit_fen), money);
        worksheet_write_number(ws, rw, 6, report_yuan_cell(it->balance_fen), money);
    }
    worksheet_write_string(ws, rw, 0, s0(d->to), NULL);
    worksheet_write_string(ws, rw, 1, "期末余额", bold);
    worksheet_write_number(ws, rw, 4, report_yuan_cell(d->debits_fen), money_b);
    worksheet_write_number(ws, rw, 5, report_yuan_cell(d->credits_fen), money_b);
    worksheet_write_number(ws, rw, 6, report_yuan_cell(d->closing_fen), money_b);
    rw += 2;
    worksheet_write_string(ws, rw, 0, "现金款", bold);
    worksheet_write_number(ws, rw, 1, report_yuan_cell(d->cash_fen), money);
    worksheet_write_string(ws, rw + 1, 0, "费用款", bold);
    worksheet_write_number(ws, rw + 1, 1, report_yuan_cell(d->expense_fen), money);
    lxw_error le = workbook_close(wb);
    int rc = -1;
    if (le == LXW_NO_ERROR) {
        FILE *f = fopen(path.buf, "rb");
        if (f) {
            struct sb buf = SB_INIT;
            char chunk[8192];
            size_t k;
            while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
                sb_addn(&buf, chunk, k);
            fclose(f);
            if (buf.len > 0) {
                *len = buf.len;
                *out = sb_detach(&buf);
                rc = 0;
            }
            sb_free(&buf);
        }
    }
    unlink(path.buf);
    sb_free(&path);
    return rc == 0 ? 0 : err_set(e, ERR_INTERNAL, "the workbook could not be written");
}
