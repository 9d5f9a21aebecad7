/*
 * csv.c — a small RFC 4180 reader (csv.h).
 */
#include "core/csv.h"

#include "core/sb.h"

#include <stdbool.h>

json_t *csv_parse(const char *text, size_t len, size_t *bad_line)
{
    return csv_parse_lines(text, len, bad_line, NULL);
}

json_t *csv_parse_lines(const char *text, size_t len, size_t *bad_line, json_t **lines)
{
    size_t i = 0, line = 1, quote_line = 1, row_line = 1;
    json_t *starts = json_array();
    if (len >= 3 && (unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB &&
        (unsigned char)text[2] == 0xBF)
        i = 3;
    json_t *rows = json_array();
    json_t *row = json_array();
    struct sb f = SB_INIT;
    bool quoted = false, in_quotes = false, field_started = false;
    for (; i <= len; i++) {
        char ch = i < len ? text[i] : '\n';
        bool at_end = i == len;
        if (!at_end && ch == '\0')
            goto bad;
        if (in_quotes) {
            if (at_end) {
                /* Report the line the quote opened on: the end of the file says nothing
                   about where the stray quote is. */
                line = quote_line;
                goto bad;
            }
            if (ch == '"') {
                if (i + 1 < len && text[i + 1] == '"') {
                    sb_addc(&f, '"');
                    i++;
                } else {
                    in_quotes = false;
                }
            } else {
                if (ch == '\n')
                    line++;
                sb_addc(&f, ch);
            }
            continue;
        }
        if (ch == '"') {
            if (field_started)
                goto bad;
            in_quotes = quoted = field_started = true;
            quote_line = line;
            continue;
        }
        if (ch == ',' || ch == '\n' || ch == '\r') {
            if (ch == '\r' && i + 1 < len && text[i + 1] == '\n')
                i++;
            bool empty_line = ch != ',' && !field_started && json_array_size(row) == 0;
            if (!empty_line) {
                json_t *s = json_stringn(sb_str(&f), f.len);
                if (!s)
                    goto bad; /* not UTF-8 */
                json_array_append_new(row, s);
            }
            sb_reset(&f);
            field_started = quoted = false;
            if (ch != ',') {
                if (json_array_size(row) > 0) {
                    json_array_append_new(rows, row);
                    json_array_append_new(starts, json_integer((json_int_t)row_line));
                } else {
                    json_decref(row);
                }
                row = json_array();
                line++;
                row_line = line;
            }
            continue;
        }
        if (quoted)
            goto bad; /* text after a closing quote */
        field_started = true;
        sb_addc(&f, ch);
    }
    json_decref(row);
    sb_free(&f);
    if (lines)
        *lines = starts;
    else
        json_decref(starts);
    return rows;
bad:
    *bad_line = line;
    json_decref(row);
    json_decref(rows);
    json_decref(starts);
    sb_free(&f);
    return NULL;
}
