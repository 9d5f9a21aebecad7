/*
 * fuzz_import.c — libFuzzer target for the CSV importers as the server runs them, on a real
 * database: customers and products (md_import, POST /customers|products/import), price lists
 * (price_list_import) and bank receipts (bank_import). The database is made once per process
 * (harness.h: osb init + osb demo into a temporary directory); every input runs inside one
 * write transaction as admin and is rolled back, so each starts from the same data.
 *
 * Input: the first byte picks the importer (mod 4); the rest is the CSV body.
 * Properties (abort() on violation): no crash, leak or undefined behaviour; a refusal is a
 * client error (400, 403 — admin may not import price lists —, 409, 413 or 422), never 500
 * and never a 2xx code; an import that succeeds answers a JSON object; the transaction is
 * still open afterwards (rolled back by the target).
 */
#define FUZZ_NAME "fuzz_import"
#include "harness.h"

#include "flow/collection.h"
#include "flow/masterdata.h"
#include "flow/price_list.h"
#include "store/masterdata.h"

#include <jansson.h>
#include <stdint.h>
#include <string.h>

static struct server_conf conf;
static struct db *db;
static struct ctx c;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    db = fuzz_demo_db(&conf);
    struct osb_err e = OSB_ERR_INIT;
    CHECK(cli_ctx(&c, db, &conf.cfg, "admin", &e) == 0);
    err_clear(&e);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 64 * 1024)
        return 0;
    int which = data[0] % 4;
    const char *csv = (const char *)data + 1;
    size_t len = size - 1;
    struct osb_err e = OSB_ERR_INIT;
    CHECK(db_begin(db, &e) == 0);
    json_t *out = NULL;
    int rc;
    switch (which) {
    case 0:
        rc = md_import(&c, &rd_customer, csv, len, &out, &e);
        break;
    case 1:
        rc = md_import(&c, &rd_product, csv, len, &out, &e);
        break;
    case 2: {
        struct price_list_head h = {"FZ1", "fuzz", "2026-12-01", NULL};
        rc = price_list_import(&c, &h, NULL, csv, len, &out, &e); /* sniffed: CSV or XLSX */
        break;
    }
    default:
        rc = bank_import(&c, NULL, csv, len, &out, &e);
        break;
    }
    if (rc == 0) {
        CHECK(json_is_object(out));
    } else {
        int st = err_http_status(e.code);
        if (!(st == 400 || st == 403 || st == 409 || st == 413 || st == 422)) {
            fprintf(stderr, "fuzz_import: importer %d answered %d %s: %s\n", which, st,
                    err_code_str(e.code), e.message);
            abort();
        }
        CHECK(out == NULL);
    }
    CHECK(db_in_tx(db));
    db_rollback(db);
    json_decref(out);
    err_clear(&e);
    return 0;
}
