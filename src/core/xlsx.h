/*
 * xlsx.h — reads the first worksheet of an Excel workbook (XLSX: a zip archive of XML parts)
 * into rows of text cells, for imports of files users keep in Excel (a distributor's monthly
 * inventory report). Pure: bytes in, rows out; no I/O. Inflate is zlib's (raw deflate).
 *
 * What it reads: the zip's central directory (stored and deflated members; no zip64, no
 * encryption), xl/workbook.xml and its relationships for the first sheet (falling back to
 * xl/worksheets/sheet1.xml), xl/sharedStrings.xml, and the sheet's <row>/<c> cells: shared
 * strings (t="s"), inline strings, formula results (t="str"), numbers and booleans as their
 * text. Sizes are bounded (a member inflates to at most XLSX_MEMBER_MAX bytes), so a zip bomb
 * is refused rather than expanded.
 */
#ifndef OSB_XLSX_H
#define OSB_XLSX_H

#include <jansson.h>
#include <stddef.h>

#define XLSX_MEMBER_MAX (64u << 20) /* inflated bytes of one member */
#define XLSX_ROWS_MAX 100000
#define XLSX_COLS_MAX 16384 /* A..XFD */

/* One member of a zip archive, inflated: a new NUL-terminated buffer (*out, *out_len without
   the NUL), 1; 0 when the archive has no such member; -1 when the archive is unreadable, with a
   static reason in *why. */
int zip_member(const unsigned char *zip, size_t len, const char *name, char **out, size_t *out_len,
               const char **why);

/* The first worksheet's rows: an array of rows, each an array of strings (a cell missing
   between filled ones is ""; trailing empty cells and rows without any text are left out),
   and in *rownums (when not NULL) a new array of each row's 1-based sheet row number. NULL
   with a static reason in *why when data is not a readable workbook. */
json_t *xlsx_rows(const unsigned char *data, size_t len, json_t **rownums, const char **why);

/* Does data start like a zip archive ("PK\3\4")? */
int xlsx_looks_like(const unsigned char *data, size_t len);

#endif
