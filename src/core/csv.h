/*
 * csv.h — RFC 4180 CSV: comma separated, optional double quotes ("" inside quotes is one "),
 * CRLF or LF line ends, a UTF-8 BOM at the start is skipped. Pure; no I/O.
 */
#ifndef OSB_CSV_H
#define OSB_CSV_H

#include <jansson.h>
#include <stddef.h>

/* Parses text into an array of rows, each an array of strings. On malformed input (an
   unterminated quote, a quote inside an unquoted field, NUL bytes) returns NULL and sets
   *bad_line to the 1-based line. */
json_t *csv_parse(const char *text, size_t len, size_t *bad_line);

/* The same, and when lines is not NULL *lines gets a new array holding, for each row, the
   1-based line of the text it starts on (blank lines and line breaks inside quoted fields
   count), so an import can name the line a user sees in the file. */
json_t *csv_parse_lines(const char *text, size_t len, size_t *bad_line, json_t **lines);

#endif
