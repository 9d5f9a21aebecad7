/*
 * table.h — any report as a file: CSV (UTF-8 with a BOM, a header row of Chinese titles,
 * money in yuan with 2 decimals) or XLSX (libxlsxwriter: one sheet, the same header frozen
 * and repeated on every printed page, number formats, column widths, a bold totals row,
 * landscape A4 fitted to the page width). Both end with the export's watermark line (user,
 * time, export id); the XLSX also carries it in the page footer and the file's properties.
 *
 * The renderers only draw what they are given (flow/report.c fills struct report_table from a
 * report definition and its rows); nothing here reads the database.
 */
#ifndef OSB_REPORT_TABLE_H
#define OSB_REPORT_TABLE_H

#include "core/err.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

enum table_kind {
    TK_TEXT,  /* a string (null: empty) */
    TK_INT,   /* an integer */
    TK_MONEY, /* integer fen, shown as yuan with 2 decimals */
    TK_BP,    /* integer basis points, shown as a percentage with 2 decimals */
};

struct table_col {
    const char *key, *title;
    enum table_kind kind;
    int width; /* characters; 0: by kind */
};

struct report_table {
    const char *title; /* the report's Chinese title: sheet name and page header */
    const struct table_col *cols;
    size_t ncols;
    json_t *rows;   /* array of objects by column key (borrowed) */
    json_t *totals; /* object by column key, or NULL: no totals row (borrowed) */
    const char *watermark;
};

/* On success *out is a malloc'ed buffer of *len bytes owned by the caller. */
int report_table_csv(const struct report_table *t, char **out, size_t *len, struct osb_err *e);
int report_table_xlsx(const struct report_table *t, char **out, size_t *len, struct osb_err *e);

/* The CSV of report_table_csv a piece at a time, for rows written as they are read
   (flow/report.c): the BOM and header row; one cell — a value as report_table_csv writes
   it (null: nothing), an integer of the column's kind, a text; then the totals row (t->totals,
   when not NULL) and the watermark line (t->watermark, when not NULL). A row's cells are
   separated by ',' and ended by "\r\n" by the caller. t->rows is not read. */
struct sb;
void report_csv_begin(struct sb *s, const struct report_table *t);
void report_csv_value(struct sb *s, const struct table_col *c, json_t *v);
void report_csv_int(struct sb *s, const struct table_col *c, int64_t n);
void report_csv_text(struct sb *s, const char *v);
void report_csv_end(struct sb *s, const struct report_table *t);

/* The one place money leaves integer fen: an XLSX number cell is an IEEE double by the file
   format, so the workbook gets yuan as a double for Excel to sum and format (0.00). Every fen
   amount OSB allows (< 10^13) is exact as a double; the division only places the decimal
   point for display, and nothing is ever read back from the workbook into OSB. */
double report_yuan_cell(int64_t fen);

#endif
