/*
 * test_xlsx.c — core/xlsx.c, the reader of XLSX imports: zip archives written here (stored
 * and deflated members), the first sheet found through the workbook's relationships, shared
 * and inline strings, gaps between cells, entities, and damaged or hostile archives refused
 * with a reason.
 */
#include "expect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/sb.h"
#include "core/xlsx.h"

struct member {
    const char *name, *text;
};

static void put16(struct sb *b, unsigned v)
{
    sb_addc(b, (char)(v & 0xFF));
    sb_addc(b, (char)((v >> 8) & 0xFF));
}
static void put32(struct sb *b, unsigned long v)
{
    put16(b, (unsigned)(v & 0xFFFF));
    put16(b, (unsigned)((v >> 16) & 0xFFFF));
}

/* A zip of the members; deflated when deflate is set. fake_usize (when not 0) is written as
   every member's uncompressed size. */
static struct sb make_zip(const struct member *m, size_t n, bool deflate_, unsigned long fake_usize)
{
    struct sb z = SB_INIT, cd = SB_INIT;
    for (size_t i = 0; i < n; i++) {
        size_t ul = strlen(m[i].text);
        unsigned char *data = (unsigned char *)xmalloc(ul * 2 + 64);
        size_t cl = ul;
        if (deflate_) {
            z_stream zs;
            memset(&zs, 0, sizeof zs);
            deflateInit2(&zs, 9, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
            zs.next_in = (Bytef *)(uintptr_t)m[i].text;
            zs.avail_in = (uInt)ul;
            zs.next_out = data;
            zs.avail_out = (uInt)(ul * 2 + 64);
            deflate(&zs, Z_FINISH);
            cl = zs.total_out;
            deflateEnd(&zs);
        } else {
            memcpy(data, m[i].text, ul);
        }
        unsigned long crc = crc32(0, (const Bytef *)m[i].text, (uInt)ul);
        unsigned long usize = fake_usize ? fake_usize : ul;
        size_t off = z.len;
        size_t nl = strlen(m[i].name);
        put32(&z, 0x04034b50);
        put16(&z, 20);
        put16(&z, 0);
        put16(&z, deflate_ ? 8 : 0);
        put32(&z, 0);
        put32(&z, crc);
        put32(&z, cl);
        put32(&z, usize);
        put16(&z, (unsigned)nl);
        put16(&z, 0);
        sb_addn(&z, m[i].name, nl);
        sb_addn(&z, (const char *)data, cl);
        put32(&cd, 0x02014b50);
        put16(&cd, 20);
        put16(&cd, 20);
        put16(&cd, 0);
        put16(&cd, deflate_ ? 8 : 0);
        put32(&cd, 0);
        put32(&cd, crc);
        put32(&cd, cl);
        put32(&cd, usize);
        put16(&cd, (unsigned)nl);
        put16(&cd, 0);
        put16(&cd, 0);
        put16(&cd, 0);
        put16(&cd, 0);
        put32(&cd, 0);
        put32(&cd, off);
        sb_addn(&cd, m[i].name, nl);
        free(data);
    }
    size_t cd_off = z.len;
    sb_addn(&z, cd.buf ? cd.buf : "", cd.len);
    put32(&z, 0x06054b50);
    put16(&z, 0);
    put16(&z, 0);
    put16(&z, (unsigned)n);
    put16(&z, (unsigned)n);
    put32(&z, cd.len);
    put32(&z, cd_off);
    put16(&z, 0);
    sb_free(&cd);
    return z;
}

static const char *WB = "<?xml version=\"1.0\"?><workbook xmlns=\"x\" xmlns:r=\"rel\"><sheets>"
                        "<sheet name=\"库存\" sheetId=\"7\" r:id=\"rId3\"/>"
                        "<sheet name=\"other\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char *RELS =
    "<Relationships><Relationship Id=\"rId1\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId3\" Target=\"worksheets/data.xml\"/>"
    "</Relationships>";
static const char *SST = "<sst><si><t>sku</t></si><si><r><t>closing</t></r><r><t>_qty</t></r>"
                         "<rPh><t>ignored</t></rPh></si><si><t xml:space=\"preserve\">A &amp; "
                         "B &#x4E2D;</t></si><si/></sst>";
static const char *DATA =
    "<worksheet><sheetData>"
    "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"C1\" t=\"s\"><v>1</v></c></row>"
    "<row r=\"2\"/>"
    "<row r=\"4\"><c r=\"A4\" t=\"inlineStr\"><is><t>M-IF1-900</t></is></c>"
    "<c r=\"B4\"><v>12</v></c><c r=\"C4\" t=\"s\"><v>2</v></c><c r=\"D4\" s=\"1\"/></row>"
    "<row r=\"5\"><c r=\"A5\" t=\"b\"><v>1</v></c><c r=\"B5\" t=\"str\"><f>1+1</f><v>2</v></c>"
    "</row>"
    "<row r=\"6\"><c r=\"A6\" t=\"s\"><v>3</v></c></row>"
    "</sheetData></worksheet>";
static const char *WANT = "[[\"sku\",\"\",\"closing_qty\"],[\"M-IF1-900\",\"12\",\"A & B 中\"],"
                          "[\"TRUE\",\"2\"]]";

static void check_read(int *bad, const char *what, struct sb *z, const char *want,
                       const char *want_nums)
{
    json_t *nums = NULL;
    const char *why = NULL;
    json_t *rows = xlsx_rows((const unsigned char *)z->buf, z->len, &nums, &why);
    expect(bad, rows != NULL, "%s: read failed: %s", what, why ? why : "?");
    if (rows) {
        char *got = json_dumps(rows, JSON_COMPACT), *gn = json_dumps(nums, JSON_COMPACT);
        expect(bad, strcmp(got, want) == 0, "%s: got %s want %s", what, got, want);
        expect(bad, strcmp(gn, want_nums) == 0, "%s: rows %s want %s", what, gn, want_nums);
        free(got);
        free(gn);
    }
    json_decref(rows);
    json_decref(nums);
}

static void test_reads(void **state)
{
    (void)state;
    int bad = 0;
    struct member m[] = {{"xl/workbook.xml", WB},
                         {"xl/_rels/workbook.xml.rels", RELS},
                         {"xl/sharedStrings.xml", SST},
                         {"xl/worksheets/sheet1.xml", "<worksheet><sheetData><row r=\"1\"><c "
                                                      "r=\"A1\"><v>wrong sheet</v></c></row>"
                                                      "</sheetData></worksheet>"},
                         {"xl/worksheets/data.xml", DATA}};
    for (int d = 0; d < 2; d++) {
        struct sb z = make_zip(m, 5, d == 1, 0);
        check_read(&bad, d ? "deflated" : "stored", &z, WANT, "[1,4,5]");
        sb_free(&z);
    }
    /* without a workbook part: sheet1.xml */
    struct member m2[] = {{"xl/worksheets/sheet1.xml",
                           "<x:worksheet xmlns:x=\"n\"><x:sheetData><x:row><x:c><x:v>1</x:v></x:c>"
                           "<x:c><x:v>&lt;2&gt;</x:v></x:c></x:row><x:row><x:c t=\"inlineStr\">"
                           "<x:is><x:t>三</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>"}};
    struct sb z = make_zip(m2, 1, true, 0);
    check_read(&bad, "prefixed, no r attributes, no shared strings", &z,
               "[[\"1\",\"<2>\"],[\"三\"]]", "[1,2]");
    sb_free(&z);
    assert_int_equal(bad, 0);
}

static void expect_refused(int *bad, const char *what, const unsigned char *data, size_t len)
{
    const char *why = NULL;
    json_t *nums = NULL;
    json_t *rows = xlsx_rows(data, len, &nums, &why);
    expect(bad, rows == NULL && why != NULL, "%s: should be refused", what);
    json_decref(rows);
    json_decref(nums);
}

static void test_refuses(void **state)
{
    (void)state;
    int bad = 0;
    expect_refused(&bad, "empty", (const unsigned char *)"", 0);
    expect_refused(&bad, "CSV text", (const unsigned char *)"sku,qty\nA,1\n", 12);
    expect_refused(&bad, "only a signature", (const unsigned char *)"PK\3\4", 4);

    struct member sheet[] = {{"xl/worksheets/sheet1.xml", DATA}};
    struct sb z = make_zip(sheet, 1, true, 0);
    for (size_t cut = 1; cut < z.len; cut += 7)
        expect_refused(&bad, "cut short", (const unsigned char *)z.buf, cut);
    sb_free(&z);
    /* DATA names shared strings; without sharedStrings.xml they do not exist */
    z = make_zip(sheet, 1, false, 0);
    expect_refused(&bad, "missing shared strings", (const unsigned char *)z.buf, z.len);
    sb_free(&z);

    struct member none[] = {{"xl/other.xml", "<x/>"}};
    z = make_zip(none, 1, false, 0);
    expect_refused(&bad, "no worksheet", (const unsigned char *)z.buf, z.len);
    sb_free(&z);

    struct member small[] = {{"xl/worksheets/sheet1.xml", "<worksheet/>"}};
    z = make_zip(small, 1, true, (unsigned long)XLSX_MEMBER_MAX + 1);
    expect_refused(&bad, "declares a huge member (bomb)", (const unsigned char *)z.buf, z.len);
    sb_free(&z);
    z = make_zip(small, 1, true, 5);
    expect_refused(&bad, "size does not match", (const unsigned char *)z.buf, z.len);
    sb_free(&z);
    z = make_zip(small, 1, false, 100);
    expect_refused(&bad, "stored with a wrong size", (const unsigned char *)z.buf, z.len);
    sb_free(&z);

    struct member order[] = {{"xl/worksheets/sheet1.xml",
                              "<worksheet><sheetData><row r=\"3\"/><row r=\"2\">"
                              "<c r=\"A2\"><v>1</v></c></row></sheetData></worksheet>"}};
    z = make_zip(order, 1, false, 0);
    expect_refused(&bad, "rows out of order", (const unsigned char *)z.buf, z.len);
    sb_free(&z);
    struct member cells[] = {{"xl/worksheets/sheet1.xml",
                              "<worksheet><sheetData><row r=\"1\"><c r=\"B1\"><v>1</v>"
                              "</c><c r=\"A1\"><v>2</v></c></row></sheetData></worksheet>"}};
    z = make_zip(cells, 1, false, 0);
    expect_refused(&bad, "cells out of order", (const unsigned char *)z.buf, z.len);
    sb_free(&z);
    assert_int_equal(bad, 0);
}

static void test_member(void **state)
{
    (void)state;
    struct member m[] = {{"a.txt", "hello"}, {"b/c.xml", "<c/>"}};
    struct sb z = make_zip(m, 2, true, 0);
    char *out = NULL;
    size_t n = 0;
    const char *why = NULL;
    assert_int_equal(zip_member((const unsigned char *)z.buf, z.len, "b/c.xml", &out, &n, &why), 1);
    assert_string_equal(out, "<c/>");
    assert_int_equal(n, 4);
    free(out);
    assert_int_equal(zip_member((const unsigned char *)z.buf, z.len, "nope", &out, &n, &why), 0);
    assert_true(xlsx_looks_like((const unsigned char *)z.buf, z.len));
    sb_free(&z);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reads),
        cmocka_unit_test(test_refuses),
        cmocka_unit_test(test_member),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
