/*
 * xlsx.c — the zip central-directory reader, inflate, and the worksheet XML (core/xlsx.h).
 *
 * The XML scanner is deliberately small: it knows tags, attributes, text, comments, processing
 * instructions and CDATA, and the five named entities plus numeric ones. It never recurses and
 * never allocates per tag, so any input costs time linear in its size.
 */
#include "core/xlsx.h"

#include "core/sb.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <zlib.h>

/* ---- zip ------------------------------------------------------------------------------------ */

static uint32_t le16(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}
static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int xlsx_looks_like(const unsigned char *data, size_t len)
{
    return len >= 4 && data[0] == 'P' && data[1] == 'K' && data[2] == 3 && data[3] == 4;
}

static int inflate_raw(const unsigned char *in, size_t in_len, size_t out_len, char **out,
                       const char **why)
{
    if (out_len > XLSX_MEMBER_MAX) {
        *why = "a part of the workbook is too large";
        return -1;
    }
    char *buf = xmalloc(out_len + 1);
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, -MAX_WBITS) != Z_OK) {
        free(buf);
        *why = "inflate failed";
        return -1;
    }
    zs.next_in = (Bytef *)(uintptr_t)in;
    zs.avail_in = (uInt)in_len;
    zs.next_out = (Bytef *)buf;
    zs.avail_out = (uInt)out_len;
    int rc = inflate(&zs, Z_FINISH);
    size_t got = zs.total_out;
    inflateEnd(&zs);
    if (rc != Z_STREAM_END || got != out_len) {
        free(buf);
        *why = "a part of the workbook is damaged";
        return -1;
    }
    buf[out_len] = '\0';
    *out = buf;
    return 0;
}

int zip_member(const unsigned char *zip, size_t len, const char *name, char **out, size_t *out_len,
               const char **why)
{
    *out = NULL;
    *out_len = 0;
    *why = "not a zip archive";
    if (len < 22)
        return -1;
    /* End of central directory: the last "PK\5\6" within the last 64 KiB + 22 bytes. */
    size_t lo = len > 22 + 65535 ? len - 22 - 65535 : 0, eocd = (size_t)-1;
    for (size_t i = len - 22 + 1; i-- > lo;)
        if (zip[i] == 'P' && zip[i + 1] == 'K' && zip[i + 2] == 5 && zip[i + 3] == 6) {
            eocd = i;
            break;
        }
    if (eocd == (size_t)-1)
        return -1;
    uint32_t entries = le16(zip + eocd + 10);
    uint32_t cd_size = le32(zip + eocd + 12), cd_off = le32(zip + eocd + 16);
    if (cd_off == 0xFFFFFFFFu || entries == 0xFFFFu) {
        *why = "zip64 archives are not read";
        return -1;
    }
    if ((size_t)cd_off > eocd || (size_t)cd_size > eocd - cd_off) {
        *why = "the zip directory is damaged";
        return -1;
    }
    size_t nlen = strlen(name), p = cd_off, end = (size_t)cd_off + cd_size;
    for (uint32_t n = 0; n < entries; n++) {
        if (end - p < 46 || le32(zip + p) != 0x02014b50u) {
            *why = "the zip directory is damaged";
            return -1;
        }
        uint32_t flags = le16(zip + p + 8), method = le16(zip + p + 10);
        uint32_t csize = le32(zip + p + 20), usize = le32(zip + p + 24);
        uint32_t fnl = le16(zip + p + 28), exl = le16(zip + p + 30), cml = le16(zip + p + 32);
        uint32_t loff = le32(zip + p + 42);
        if (end - p - 46 < (size_t)fnl + exl + cml) {
            *why = "the zip directory is damaged";
            return -1;
        }
        const unsigned char *fn = zip + p + 46;
        p += 46 + (size_t)fnl + exl + cml;
        if (fnl != nlen || memcmp(fn, name, nlen) != 0)
            continue;
        if (flags & 1) {
            *why = "encrypted workbooks are not read";
            return -1;
        }
        if ((size_t)loff > len || len - loff < 30 || le32(zip + loff) != 0x04034b50u) {
            *why = "a zip member is damaged";
            return -1;
        }
        size_t data = (size_t)loff + 30 + le16(zip + loff + 26) + le16(zip + loff + 28);
        if (data > len || len - data < csize) {
            *why = "a zip member is cut short";
            return -1;
        }
        if (method == 0) {
            if (csize != usize) {
                *why = "a zip member is damaged";
                return -1;
            }
            if (usize > XLSX_MEMBER_MAX) {
                *why = "a part of the workbook is too large";
                return -1;
            }
            char *buf = xmalloc((size_t)usize + 1);
            memcpy(buf, zip + data, usize);
            buf[usize] = '\0';
            *out = buf;
        } else if (method == 8) {
            if (inflate_raw(zip + data, csize, usize, out, why) < 0)
                return -1;
        } else {
            *why = "a zip member uses an unknown compression";
            return -1;
        }
        *out_len = usize;
        return 1;
    }
    return 0;
}

/* ---- XML ------------------------------------------------------------------------------------ */

struct tag {
    const char *name, *attrs;
    size_t nlen, alen;
    bool close, self;
};

/* The next tag at or after *p (comments, declarations, PIs and CDATA skipped): 1 found, 0 none.
 *text_from..*text_to is the text before it. */
static int next_tag(const char **p, const char *end, struct tag *t)
{
    const char *s = *p;
    for (;;) {
        const char *lt = memchr(s, '<', (size_t)(end - s));
        if (!lt)
            return 0;
        size_t rest = (size_t)(end - lt);
        if (rest >= 4 && memcmp(lt, "<!--", 4) == 0) {
            const char *q = lt + 4;
            for (; end - q >= 3 && memcmp(q, "-->", 3) != 0; q++)
                ;
            if (end - q < 3)
                return 0;
            s = q + 3;
            continue;
        }
        if (rest >= 2 && (lt[1] == '?' || lt[1] == '!')) {
            const char *gt = memchr(lt, '>', rest);
            if (!gt)
                return 0;
            s = gt + 1;
            continue;
        }
        const char *q = lt + 1;
        t->close = q < end && *q == '/';
        if (t->close)
            q++;
        t->name = q;
        while (q < end && *q != '>' && *q != '/' && *q != ' ' && *q != '\t' && *q != '\r' &&
               *q != '\n')
            q++;
        t->nlen = (size_t)(q - t->name);
        t->attrs = q;
        char quote = 0;
        while (q < end && (quote || *q != '>')) {
            if (quote && *q == quote)
                quote = 0;
            else if (!quote && (*q == '"' || *q == '\''))
                quote = *q;
            q++;
        }
        if (q >= end)
            return 0;
        t->self = q > t->attrs && q[-1] == '/';
        t->alen = (size_t)(q - t->attrs) - (t->self ? 1 : 0);
        *p = q + 1;
        return 1;
    }
}

/* Local name of a tag (after any prefix:) equals want. */
static bool tag_is(const struct tag *t, const char *want)
{
    const char *n = t->name;
    size_t l = t->nlen;
    const char *colon = memchr(n, ':', l);
    if (colon) {
        l -= (size_t)(colon + 1 - n);
        n = colon + 1;
    }
    return l == strlen(want) && memcmp(n, want, l) == 0;
}

static void add_utf8(struct sb *out, unsigned long cp)
{
    if (cp < 0x80) {
        sb_addc(out, (char)cp);
    } else if (cp < 0x800) {
        sb_addc(out, (char)(0xC0 | (cp >> 6)));
        sb_addc(out, (char)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        sb_addc(out, (char)(0xE0 | (cp >> 12)));
        sb_addc(out, (char)(0x80 | ((cp >> 6) & 0x3F)));
        sb_addc(out, (char)(0x80 | (cp & 0x3F)));
    } else {
        sb_addc(out, (char)(0xF0 | (cp >> 18)));
        sb_addc(out, (char)(0x80 | ((cp >> 12) & 0x3F)));
        sb_addc(out, (char)(0x80 | ((cp >> 6) & 0x3F)));
        sb_addc(out, (char)(0x80 | (cp & 0x3F)));
    }
}

/* Appends text with entities decoded; an entity it does not know stays as written. NUL bytes
   are dropped (a cell is a C string). */
static void add_text(struct sb *out, const char *s, size_t n)
{
    static const struct {
        const char *e;
        char c;
    } named[] = {{"lt;", '<'}, {"gt;", '>'}, {"amp;", '&'}, {"quot;", '"'}, {"apos;", '\''}};
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\0')
            continue;
        if (s[i] != '&') {
            sb_addc(out, s[i]);
            continue;
        }
        size_t rest = n - i - 1;
        const char *r = s + i + 1;
        bool done = false;
        for (size_t k = 0; k < sizeof named / sizeof named[0] && !done; k++) {
            size_t el = strlen(named[k].e);
            if (rest >= el && memcmp(r, named[k].e, el) == 0) {
                sb_addc(out, named[k].c);
                i += el;
                done = true;
            }
        }
        if (!done && rest >= 3 && r[0] == '#') {
            bool hex = r[1] == 'x' || r[1] == 'X';
            size_t j = hex ? 2 : 1;
            unsigned long cp = 0;
            size_t digits = 0;
            for (; j < rest && digits < 8; j++, digits++) {
                char ch = r[j];
                int v = ch >= '0' && ch <= '9'          ? ch - '0'
                        : hex && ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
                        : hex && ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                                        : -1;
                if (v < 0)
                    break;
                cp = cp * (hex ? 16u : 10u) + (unsigned long)v;
            }
            if (digits > 0 && j < rest && r[j] == ';' && cp > 0 && cp <= 0x10FFFF &&
                !(cp >= 0xD800 && cp <= 0xDFFF)) {
                add_utf8(out, cp);
                i += j + 1;
                done = true;
            }
        }
        if (!done)
            sb_addc(out, '&');
    }
}

/* The value of attribute name (local name, any prefix) in a tag's attributes: 1 found. */
static int attr(const struct tag *t, const char *name, struct sb *out)
{
    const char *p = t->attrs, *end = t->attrs + t->alen;
    size_t nl = strlen(name);
    while (p < end) {
        while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
            p++;
        const char *k = p;
        while (p < end && *p != '=' && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
            p++;
        size_t kl = (size_t)(p - k);
        while (p < end && *p != '=' && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
            p++;
        if (p >= end || *p != '=')
            return 0;
        p++;
        while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
            p++;
        if (p >= end || (*p != '"' && *p != '\''))
            return 0;
        char q = *p++;
        const char *v = p;
        while (p < end && *p != q)
            p++;
        if (p >= end)
            return 0;
        size_t vl = (size_t)(p - v);
        p++;
        const char *colon = memchr(k, ':', kl);
        const char *ln = colon ? colon + 1 : k;
        size_t ll = colon ? kl - (size_t)(colon + 1 - k) : kl;
        /* xmlns:x declarations are not attributes of the document */
        if (ll == nl && memcmp(ln, name, nl) == 0 && !(kl >= 5 && memcmp(k, "xmlns", 5) == 0)) {
            sb_reset(out);
            add_text(out, v, vl);
            return 1;
        }
    }
    return 0;
}

/* ---- workbook ------------------------------------------------------------------------------ */

/* The path of the first sheet: workbook.xml's first <sheet r:id> through its relationships. */
static void first_sheet(const unsigned char *zip, size_t len, struct sb *path)
{
    sb_reset(path);
    sb_add(path, "xl/worksheets/sheet1.xml");
    char *wb = NULL, *rels = NULL;
    size_t wl, rl;
    const char *why;
    if (zip_member(zip, len, "xl/workbook.xml", &wb, &wl, &why) != 1)
        return;
    struct sb rid = SB_INIT, v = SB_INIT;
    const char *p = wb;
    struct tag t;
    while (next_tag(&p, wb + wl, &t))
        if (!t.close && tag_is(&t, "sheet")) {
            if (!attr(&t, "id", &rid))
                sb_reset(&rid);
            break;
        }
    if (rid.len && zip_member(zip, len, "xl/_rels/workbook.xml.rels", &rels, &rl, &why) == 1) {
        p = rels;
        while (next_tag(&p, rels + rl, &t)) {
            if (t.close || !tag_is(&t, "Relationship") || !attr(&t, "Id", &v) ||
                strcmp(sb_str(&v), sb_str(&rid)) != 0 || !attr(&t, "Target", &v))
                continue;
            sb_reset(path);
            const char *tg = sb_str(&v);
            if (tg[0] == '/')
                sb_add(path, tg + 1);
            else {
                sb_add(path, "xl/");
                sb_add(path, tg);
            }
            break;
        }
    }
    sb_free(&rid);
    sb_free(&v);
    free(wb);
    free(rels);
}

static json_t *text_value(const char *s)
{
    json_t *v = json_string(s);
    return v ? v : json_string(""); /* not UTF-8: an empty cell rather than a crash */
}

/* xl/sharedStrings.xml as an array of strings (empty when the workbook has none). */
static json_t *shared_strings(const char *x, size_t n)
{
    json_t *out = json_array();
    if (!x)
        return out;
    const char *p = x, *end = x + n;
    struct tag t;
    struct sb cur = SB_INIT;
    bool in_si = false, in_t = false;
    int skip = 0; /* inside <rPh> (phonetic guide): not the cell's text */
    const char *text_from = NULL;
    while (next_tag(&p, end, &t)) {
        if (in_t && text_from && t.close && tag_is(&t, "t")) {
            if (!skip)
                add_text(&cur, text_from, (size_t)(t.name - 2 - text_from));
            in_t = false;
            continue;
        }
        if (tag_is(&t, "si")) {
            if (!t.close && !t.self) {
                in_si = true;
                sb_reset(&cur);
            } else {
                if (in_si || t.self)
                    json_array_append_new(out, text_value(t.self ? "" : sb_str(&cur)));
                in_si = false;
            }
        } else if (tag_is(&t, "rPh")) {
            if (!t.self)
                skip += t.close ? -1 : 1;
            if (skip < 0)
                skip = 0;
        } else if (in_si && tag_is(&t, "t") && !t.close && !t.self) {
            in_t = true;
            text_from = p;
        }
    }
    sb_free(&cur);
    return out;
}

/* "BC12" → column 54 (0-based 53); -1 when it does not start with letters. */
static long col_of(const char *ref)
{
    long c = 0;
    int n = 0;
    for (; *ref >= 'A' && *ref <= 'Z' && n < 4; ref++, n++)
        c = c * 26 + (*ref - 'A' + 1);
    return n == 0 || n > 3 ? -1 : c - 1;
}

json_t *xlsx_rows(const unsigned char *data, size_t len, json_t **rownums, const char **why)
{
    if (rownums)
        *rownums = NULL;
    *why = "not an XLSX workbook";
    if (!xlsx_looks_like(data, len))
        return NULL;
    struct sb path = SB_INIT;
    first_sheet(data, len, &path);
    char *sheet = NULL, *ss = NULL;
    size_t sl = 0, ssl = 0;
    int f = zip_member(data, len, sb_str(&path), &sheet, &sl, why);
    sb_free(&path);
    if (f <= 0) {
        if (f == 0)
            *why = "the workbook has no worksheet";
        return NULL;
    }
    const char *why2;
    if (zip_member(data, len, "xl/sharedStrings.xml", &ss, &ssl, &why2) < 0) {
        free(sheet);
        *why = why2;
        return NULL;
    }
    json_t *strings = shared_strings(ss, ssl);
    free(ss);

    json_t *rows = json_array(), *nums = json_array();
    json_t *row = NULL;
    long rownum = 0, last_row = 0, col = -1;
    struct sb cell = SB_INIT, type = SB_INIT, a = SB_INIT;
    bool in_c = false, in_v = false, in_is_t = false, has_text = false;
    const char *text_from = NULL;
    const char *p = sheet, *end = sheet + sl;
    struct tag t;
    bool bad = false;
    while (!bad && next_tag(&p, end, &t)) {
        if (tag_is(&t, "row")) {
            if (t.close || t.self) {
                if (row && has_text && json_array_size(rows) < XLSX_ROWS_MAX) {
                    /* trailing empty cells are dropped */
                    while (json_array_size(row) > 0 &&
                           !*json_string_value(json_array_get(row, json_array_size(row) - 1)))
                        json_array_remove(row, json_array_size(row) - 1);
                    /* a cell may have had text and then lost it (a second <v>) */
                    if (json_array_size(row) > 0) {
                        json_array_append(rows, row);
                        json_array_append_new(nums, json_integer(rownum));
                    }
                }
                json_decref(row);
                row = NULL;
                if (!t.close) /* <row/>: an empty row still has its number */
                    last_row = rownum =
                        attr(&t, "r", &a) ? strtol(sb_str(&a), NULL, 10) : last_row + 1;
                continue;
            }
            json_decref(row);
            row = json_array();
            has_text = false;
            col = -1;
            long r = attr(&t, "r", &a) ? strtol(sb_str(&a), NULL, 10) : last_row + 1;
            if (r <= last_row || r > 1048576) {
                bad = true;
                *why = "the worksheet's rows are out of order";
                break;
            }
            last_row = rownum = r;
            continue;
        }
        if (!row)
            continue;
        if (tag_is(&t, "c")) {
            if (t.close) {
                in_c = false;
            } else {
                long cc = attr(&t, "r", &a) ? col_of(sb_str(&a)) : col + 1;
                if (cc < 0 || cc <= col || cc >= XLSX_COLS_MAX) {
                    bad = true;
                    *why = "the worksheet's cells are out of order";
                    break;
                }
                col = cc;
                if (!attr(&t, "t", &type))
                    sb_reset(&type);
                sb_reset(&cell);
                in_c = !t.self;
                while ((long)json_array_size(row) < col)
                    json_array_append_new(row, json_string(""));
                json_array_append_new(row, json_string(""));
            }
            continue;
        }
        if (!in_c)
            continue;
        if ((tag_is(&t, "v") || tag_is(&t, "t")) && !t.close && !t.self) {
            in_v = tag_is(&t, "v");
            in_is_t = !in_v;
            text_from = p;
            continue;
        }
        if ((tag_is(&t, "v") && t.close && in_v) || (tag_is(&t, "t") && t.close && in_is_t)) {
            struct sb raw = SB_INIT;
            add_text(&raw, text_from, (size_t)(t.name - 2 - text_from));
            const char *tp = sb_str(&type);
            if (in_v && strcmp(tp, "s") == 0) {
                char *endp;
                long i = strtol(sb_str(&raw), &endp, 10);
                json_t *s = (endp != sb_str(&raw) && !*endp && i >= 0)
                                ? json_array_get(strings, (size_t)i)
                                : NULL;
                if (!s) {
                    bad = true;
                    *why = "a cell names a shared string that does not exist";
                }
                sb_add(&cell, s ? json_string_value(s) : "");
            } else if (in_v && strcmp(tp, "b") == 0) {
                sb_add(&cell, strcmp(sb_str(&raw), "1") == 0 ? "TRUE" : "FALSE");
            } else {
                sb_add(&cell, sb_str(&raw));
            }
            sb_free(&raw);
            in_v = in_is_t = false;
            if (cell.len)
                has_text = true;
            json_array_set_new(row, (size_t)col, text_value(sb_str(&cell)));
        }
    }
    json_decref(row);
    sb_free(&cell);
    sb_free(&type);
    sb_free(&a);
    json_decref(strings);
    free(sheet);
    if (bad) {
        json_decref(rows);
        json_decref(nums);
        return NULL;
    }
    if (rownums)
        *rownums = nums;
    else
        json_decref(nums);
    return rows;
}
