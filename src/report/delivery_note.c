/*
 * delivery_note.c — the delivery note PDF (report/delivery_note.h). Exports one function,
 * report_delivery_note_pdf().
 *
 * Units are PDF points (1/72 in) on an A4 page; pango runs at 72 dpi so a font size is a size
 * in points. The page is laid out top to bottom: letterhead and title, the information block,
 * the table (its header repeated on every page), and on the last page the totals, the remarks
 * box and the signature lines. Rendering runs twice: a first pass into a recording surface
 * counts the pages so that every footer can say "第 i 页 / 共 n 页".
 */
#include "report/delivery_note.h"

#include "core/money.h"
#include "core/sb.h"
#include "core/str.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define PAGE_W 595.28
#define PAGE_H 841.89
#define MARGIN 40.0
#define CONTENT_W (PAGE_W - 2 * MARGIN)
#define FOOTER_Y (PAGE_H - 30.0)
#define BODY_LIMIT (PAGE_H - 48.0) /* nothing but the footer below this */
#define PAD 3.0
#define FONT "Droid Sans Fallback"

struct col {
    const char *title;
    double w;
    PangoAlignment align;
};

/* Widths add up to CONTENT_W (515.28). */
static const struct col cols_plain[] = {
    {"序号", 30, PANGO_ALIGN_CENTER},   {"产品编码", 82, PANGO_ALIGN_LEFT},
    {"品名", 167.28, PANGO_ALIGN_LEFT}, {"规格", 70, PANGO_ALIGN_LEFT},
    {"单位", 34, PANGO_ALIGN_CENTER},   {"数量", 50, PANGO_ALIGN_RIGHT},
    {"箱数", 40, PANGO_ALIGN_RIGHT},    {"散听", 42, PANGO_ALIGN_RIGHT},
};
static const struct col cols_priced[] = {
    {"序号", 26, PANGO_ALIGN_CENTER},   {"产品编码", 70, PANGO_ALIGN_LEFT},
    {"品名", 101.28, PANGO_ALIGN_LEFT}, {"规格", 54, PANGO_ALIGN_LEFT},
    {"单位", 28, PANGO_ALIGN_CENTER},   {"数量", 42, PANGO_ALIGN_RIGHT},
    {"箱数", 34, PANGO_ALIGN_RIGHT},    {"散听", 34, PANGO_ALIGN_RIGHT},
    {"单价", 50, PANGO_ALIGN_RIGHT},    {"金额", 76, PANGO_ALIGN_RIGHT},
};
#define NCOLS_MAX 10

struct rd {
    cairo_t *cr;
    PangoContext *pc;
    const struct dn_doc *d;
    const struct col *cols;
    size_t ncols;
    int page, pages;
    double y;
};

static PangoLayout *layout(struct rd *r, const char *text, double size, bool bold, double width,
                           PangoAlignment align)
{
    PangoLayout *l = pango_layout_new(r->pc);
    PangoFontDescription *fd = pango_font_description_from_string(FONT);
    pango_font_description_set_size(fd, (gint)(size * PANGO_SCALE));
    if (bold)
        pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    if (width > 0) {
        pango_layout_set_width(l, (int)(width * PANGO_SCALE));
        pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    }
    pango_layout_set_alignment(l, align);
    pango_layout_set_text(l, text ? text : "", -1);
    return l;
}

static double layout_h(PangoLayout *l)
{
    int w, h;
    pango_layout_get_size(l, &w, &h);
    return (double)h / PANGO_SCALE;
}

/* Draws text at (x, y), wrapped to width when width > 0; returns the height it took. */
static double text(struct rd *r, double x, double y, const char *t, double size, bool bold,
                   double width, PangoAlignment align)
{
    PangoLayout *l = layout(r, t, size, bold, width, align);
    double h = layout_h(l);
    cairo_move_to(r->cr, x, y);
    pango_cairo_show_layout(r->cr, l);
    g_object_unref(l);
    return h;
}

static double measure(struct rd *r, const char *t, double size, bool bold, double width)
{
    PangoLayout *l = layout(r, t, size, bold, width, PANGO_ALIGN_LEFT);
    double h = layout_h(l);
    g_object_unref(l);
    return h;
}

static void hline(struct rd *r, double x0, double x1, double y, double wdt)
{
    cairo_set_line_width(r->cr, wdt);
    cairo_move_to(r->cr, x0, y);
    cairo_line_to(r->cr, x1, y);
    cairo_stroke(r->cr);
}

static const char *s0(const char *s)
{
    return s ? s : "";
}

/* ---- page parts --------------------------------------------------------------------------- */

static void header(struct rd *r)
{
    const struct dn_doc *d = r->d;
    double y = MARGIN;
    if (d->company && *d->company)
        y += text(r, MARGIN, y, d->company, 11, false, CONTENT_W, PANGO_ALIGN_CENTER) + 2;
    double th = text(r, MARGIN, y, "送  货  单", 22, true, CONTENT_W, PANGO_ALIGN_CENTER);
    if (d->reprint)
        text(r, MARGIN + CONTENT_W - 60, y + 6, "（补打）", 10, true, 60, PANGO_ALIGN_RIGHT);
    y += th;
    hline(r, MARGIN + CONTENT_W / 2 - 60, MARGIN + CONTENT_W / 2 + 60, y + 1, 0.8);
    hline(r, MARGIN + CONTENT_W / 2 - 60, MARGIN + CONTENT_W / 2 + 60, y + 3, 0.8);
    y += 12;

    /* Information block: consignee data on the left, document data on the right. */
    const double lw = 318, rx = MARGIN + lw + 12, rw = CONTENT_W - lw - 12;
    struct sb s = SB_INIT;
    double ly = y, ry = y;
    sb_addf(&s, "客户：%s（%s）", s0(d->customer_name), s0(d->customer_code));
    ly += text(r, MARGIN, ly, s.buf, 10, false, lw, PANGO_ALIGN_LEFT) + 2;
    sb_reset(&s);
    sb_addf(&s, "收货人：%s　　电话：%s", s0(d->consignee), s0(d->consignee_phone));
    ly += text(r, MARGIN, ly, s.buf, 10, false, lw, PANGO_ALIGN_LEFT) + 2;
    sb_reset(&s);
    sb_addf(&s, "托运站：%s", s0(d->station));
    ly += text(r, MARGIN, ly, s.buf, 10, false, lw, PANGO_ALIGN_LEFT) + 2;
    sb_reset(&s);
    sb_addf(&s, "收货地址：%s", s0(d->address));
    ly += text(r, MARGIN, ly, s.buf, 10, false, lw, PANGO_ALIGN_LEFT) + 2;
    sb_reset(&s);
    sb_addf(&s, "单号：%s", s0(d->number));
    ry += text(r, rx, ry, s.buf, 10, true, rw, PANGO_ALIGN_LEFT) + 2;
    sb_reset(&s);
    sb_addf(&s, "日期：%s", s0(d->date));
    ry += text(r, rx, ry, s.buf, 10, false, rw, PANGO_ALIGN_LEFT) + 2;
    sb_reset(&s);
    sb_addf(&s, "订单号：%s", s0(d->order_no));
    ry += text(r, rx, ry, s.buf, 10, false, rw, PANGO_ALIGN_LEFT) + 2;
    if (d->shipments && *d->shipments) {
        sb_reset(&s);
        sb_addf(&s, "发运单：%s", d->shipments);
        ry += text(r, rx, ry, s.buf, 9, false, rw, PANGO_ALIGN_LEFT) + 2;
    }
    sb_free(&s);
    r->y = (ly > ry ? ly : ry) + 8;
}

/* One table row: cells wrapped in their columns, borders around; returns its height. With
   draw false it only measures. */
static double row(struct rd *r, const char *const *cells, double size, bool bold, bool shade,
                  bool draw)
{
    double h = 0;
    for (size_t i = 0; i < r->ncols; i++) {
        double ch = measure(r, cells[i], size, bold, r->cols[i].w - 2 * PAD);
        if (ch > h)
            h = ch;
    }
    h += 2 * PAD;
    if (h < 18)
        h = 18;
    if (!draw)
        return h;
    cairo_t *cr = r->cr;
    if (shade) {
        cairo_set_source_rgb(cr, 0.90, 0.90, 0.90);
        cairo_rectangle(cr, MARGIN, r->y, CONTENT_W, h);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
    }
    double x = MARGIN;
    cairo_set_line_width(cr, 0.6);
    for (size_t i = 0; i < r->ncols; i++) {
        double ch = measure(r, cells[i], size, bold, r->cols[i].w - 2 * PAD);
        text(r, x + PAD, r->y + (h - ch) / 2, cells[i], size, bold, r->cols[i].w - 2 * PAD,
             r->cols[i].align);
        cairo_rectangle(cr, x, r->y, r->cols[i].w, h);
        x += r->cols[i].w;
    }
    cairo_stroke(cr);
    r->y += h;
    return h;
}

static void table_header(struct rd *r)
{
    const char *cells[NCOLS_MAX];
    for (size_t i = 0; i < r->ncols; i++)
        cells[i] = r->cols[i].title;
    row(r, cells, 9.5, true, true, true);
}

static void footer(struct rd *r)
{
    char b[64];
    STR_FMT_FITS(b, sizeof "第  页 / 共  页" + 2 * 11, "第 %d 页 / 共 %d 页", r->page,
                 r->pages > 0 ? r->pages : r->page);
    text(r, MARGIN, FOOTER_Y, b, 8, false, CONTENT_W, PANGO_ALIGN_CENTER);
    text(r, MARGIN, FOOTER_Y, s0(r->d->number), 8, false, CONTENT_W, PANGO_ALIGN_RIGHT);
    if (r->d->voided) {
        /* A voided note must not pass as a valid one: a large grey mark across the page. */
        cairo_save(r->cr);
        cairo_set_source_rgba(r->cr, 0.6, 0.6, 0.6, 0.5);
        cairo_translate(r->cr, PAGE_W / 2 - 120, PAGE_H / 2 + 60);
        cairo_rotate(r->cr, -0.5);
        text(r, 0, 0, "作 废", 96, true, 0, PANGO_ALIGN_LEFT);
        cairo_restore(r->cr);
    }
}

static void new_page(struct rd *r)
{
    footer(r);
    cairo_show_page(r->cr);
    r->page++;
    header(r);
    table_header(r);
}

/* The cells of one line (strings live in buf, 10 slots of 48 bytes). */
static void line_cells(const struct rd *r, size_t i, char buf[NCOLS_MAX][48],
                       const char *cells[NCOLS_MAX])
{
    const struct dn_line *l = &r->d->lines[i];
    (void)str_fmt(buf[0], 48, "%zu", i + 1);                /* <= 20 digits: fits 48 */
    (void)str_fmt(buf[5], 48, "%lld", (long long)l->qty);   /* <= 20 digits: fits 48 */
    (void)str_fmt(buf[6], 48, "%lld", (long long)l->cases); /* <= 20 digits: fits 48 */
    (void)str_fmt(buf[7], 48, "%lld", (long long)l->loose); /* <= 20 digits: fits 48 */
    cells[0] = buf[0];
    cells[1] = s0(l->sku);
    cells[2] = s0(l->name);
    cells[3] = s0(l->spec);
    cells[4] = s0(l->unit);
    cells[5] = buf[5];
    cells[6] = buf[6];
    cells[7] = buf[7];
    if (r->ncols > 8) {
        money_format(l->price_fen, buf[8], 48);
        money_format(l->amount_fen, buf[9], 48);
        cells[8] = buf[8];
        cells[9] = buf[9];
    }
}

static void totals(struct rd *r)
{
    int64_t qty = 0, cases = 0, loose = 0;
    for (size_t i = 0; i < r->d->nlines; i++) {
        qty += r->d->lines[i].qty;
        cases += r->d->lines[i].cases;
        loose += r->d->lines[i].loose;
    }
    char buf[NCOLS_MAX][48];
    const char *cells[NCOLS_MAX] = {"", "合计", "", "", ""};
    (void)str_fmt(buf[5], 48, "%lld", (long long)qty);   /* <= 20 digits: fits 48 */
    (void)str_fmt(buf[6], 48, "%lld", (long long)cases); /* <= 20 digits: fits 48 */
    (void)str_fmt(buf[7], 48, "%lld", (long long)loose); /* <= 20 digits: fits 48 */
    cells[5] = buf[5];
    cells[6] = buf[6];
    cells[7] = buf[7];
    if (r->ncols > 8) {
        money_format(r->d->total_fen, buf[9], 48);
        cells[8] = "";
        cells[9] = buf[9];
    }
    row(r, cells, 9.5, true, false, true);
}

/* Height the closing block (totals, remarks, confirmation and signatures) needs. */
static double closing_h(struct rd *r, double remarks_h)
{
    const char *cells[NCOLS_MAX] = {"", "合计", "", "", "", "0", "0", "0", "", ""};
    return row(r, cells, 9.5, true, false, false) + 8 + remarks_h + 12 + 14 + 70;
}

static double remarks_box_h(struct rd *r)
{
    double h = measure(r, s0(r->d->remarks), 9.5, false, CONTENT_W - 2 * PAD - 36);
    h += 2 * PAD;
    return h < 36 ? 36 : h;
}

static void closing(struct rd *r, double remarks_h)
{
    cairo_t *cr = r->cr;
    totals(r);
    r->y += 8;
    /* 备注: the backorder remarks (seed 004). */
    cairo_set_line_width(cr, 0.6);
    cairo_rectangle(cr, MARGIN, r->y, CONTENT_W, remarks_h);
    cairo_stroke(cr);
    text(r, MARGIN + PAD, r->y + PAD, "备注：", 9.5, true, 36, PANGO_ALIGN_LEFT);
    text(r, MARGIN + PAD + 36, r->y + PAD, s0(r->d->remarks), 9.5, false, CONTENT_W - 2 * PAD - 36,
         PANGO_ALIGN_LEFT);
    r->y += remarks_h + 12;
    text(r, MARGIN, r->y, "收货确认：以上货物的品名、规格、数量与实物相符，外包装完好。", 9, false,
         CONTENT_W, PANGO_ALIGN_LEFT);
    r->y += 14 + 10;
    /* Signature lines. */
    struct sb s = SB_INIT;
    sb_addf(&s, "制单：%s", s0(r->d->printed_by));
    const double q = CONTENT_W / 4;
    const char *labels[4] = {s.buf, "仓库发货：", "承运人：", "收货人签字："};
    for (int i = 0; i < 4; i++) {
        double x = MARGIN + q * i;
        text(r, x, r->y, labels[i], 10, false, q - 8, PANGO_ALIGN_LEFT);
        hline(r, x + (i == 0 ? 0 : 56), x + q - 10, r->y + 16, 0.6);
    }
    sb_free(&s);
    r->y += 30;
    text(r, MARGIN + 2 * q, r->y, "收货日期：　　年　　月　　日", 10, false, 2 * q,
         PANGO_ALIGN_LEFT);
    text(r, MARGIN, r->y, "（收货单位盖章）", 10, false, 2 * q, PANGO_ALIGN_LEFT);
    r->y += 24;
}

/* Lays out and draws every page; returns the number of pages. */
static int render(struct rd *r)
{
    r->page = 1;
    header(r);
    table_header(r);
    double rh = remarks_box_h(r);
    char buf[NCOLS_MAX][48];
    const char *cells[NCOLS_MAX];
    for (size_t i = 0; i < r->d->nlines; i++) {
        line_cells(r, i, buf, cells);
        double h = row(r, cells, 9, false, false, false);
        if (r->y + h > BODY_LIMIT)
            new_page(r);
        row(r, cells, 9, false, false, true);
    }
    if (r->y + closing_h(r, rh) > BODY_LIMIT)
        new_page(r);
    closing(r, rh);
    footer(r);
    cairo_show_page(r->cr);
    return r->page;
}

static cairo_status_t to_sb(void *closure, const unsigned char *data, unsigned int len)
{
    sb_addn(closure, (const char *)data, len);
    return CAIRO_STATUS_SUCCESS;
}

/* LeakSanitizer's switches; weak, so they are NULL outside the sanitizer build. */
extern void __lsan_disable(void) __attribute__((weak));
extern void __lsan_enable(void) __attribute__((weak));

static void lsan_off(void)
{
    if (__lsan_disable)
        __lsan_disable();
}

static void lsan_on(void)
{
    if (__lsan_enable)
        __lsan_enable();
}

/* fontconfig's one-time configuration load keeps a few unreachable blocks for the life of the
   process. Loading it here, once and with leak checking off, keeps the sanitizer build's leak
   report about OSB (pango would otherwise load it from a thread of its own). */
static void fc_init(void)
{
    lsan_off();
    FcInit();
    lsan_on();
}

/* One rendering pass: into a recording surface to count the pages (pdf NULL), or into the PDF
   stream. Fixed font options make both passes measure text alike. */
static int pass(const struct dn_doc *d, PangoFontMap *fm, struct sb *pdf, int pages, int *out_pages)
{
    cairo_surface_t *sf = pdf ? cairo_pdf_surface_create_for_stream(to_sb, pdf, PAGE_W, PAGE_H)
                              : cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, NULL);
    if (pdf) {
        struct sb title = SB_INIT;
        sb_addf(&title, "送货单 %s", s0(d->number));
        cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE, sb_str(&title));
        sb_free(&title);
        cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATOR, "OSB");
    }
    cairo_t *cr = cairo_create(sf);
    PangoContext *pc = pango_font_map_create_context(fm);
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(pc, fo);
    cairo_font_options_destroy(fo);
    pango_cairo_update_context(cr, pc);
    struct rd r = {cr,
                   pc,
                   d,
                   d->with_prices ? cols_priced : cols_plain,
                   d->with_prices ? sizeof cols_priced / sizeof cols_priced[0]
                                  : sizeof cols_plain / sizeof cols_plain[0],
                   0,
                   pages,
                   0};
    cairo_set_source_rgb(cr, 0, 0, 0);
    *out_pages = render(&r);
    g_object_unref(pc);
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    /* cairo 1.16's CFF font subsetter (Debian 12) loses 768 bytes per embedded CFF font —
       Noto CJK is one — while it finishes the PDF. The library's loss, not OSB's: the
       sanitizer build does not count it. */
    lsan_off();
    cairo_surface_finish(sf);
    lsan_on();
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(sf);
    cairo_surface_destroy(sf);
    return st == CAIRO_STATUS_SUCCESS ? 0 : -1;
}

int report_delivery_note_pdf(const struct dn_doc *d, char **out, size_t *len, struct osb_err *e)
{
    *out = NULL;
    *len = 0;
    /* A font map of its own per document: nothing font-related outlives the request, and no
       state is shared between the server's threads. */
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, fc_init);
    PangoFontMap *fm = pango_cairo_font_map_new();
    pango_cairo_font_map_set_resolution(PANGO_CAIRO_FONT_MAP(fm), 72.0);
    struct sb pdf = SB_INIT;
    int pages = 0, again = 0;
    int rc = pass(d, fm, NULL, 0, &pages);
    if (rc == 0)
        rc = pass(d, fm, &pdf, pages, &again);
    g_object_unref(fm);
    if (rc < 0 || pdf.len == 0) {
        sb_free(&pdf);
        return err_set(e, ERR_INTERNAL, "the delivery note could not be rendered");
    }
    *len = pdf.len;
    *out = sb_detach(&pdf);
    return 0;
}
